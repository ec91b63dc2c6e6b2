#!/usr/bin/env bash
# drive.sh - command-to-effect latency: from yoke-drive publishing a
# velocity command until the simulated robot's state shows it, p50 and
# p99 in microseconds, against the broker round trip alone.  Goal (issue
# 4): yoke-sim at --rate 1000 adds under 1 ms beyond its tick alignment
# (1 ms at 1000 Hz), i.e. effect - RTT <= 2 ms.
#
#  effect   yoke-drive reads `{"velocity": {"vyaw": 0.5}}` lines (one
#           every DRIVE_GAP_S seconds) and publishes each, stamped
#           (timestamp_us, just before it is handed to libmosquitto);
#           yoke-sim --rate 1000 enters MOVE and publishes EdgeTelemetry
#           on <robot>/state; bench/driveprobe.c, subscribed to both
#           channels, takes (arrival of the first state with fw_mode
#           MOVE) - (the command's timestamp_us).  Between commands the
#           robot's deadman (500 ms) brings it back to STAND, which arms
#           the next cycle.  The path: drive -> broker -> sim (one tick)
#           -> broker -> probe: a round trip plus the sim.
#  oneway   when the command itself reached the probe (information: the
#           first half of the path).
#  RTT      bench/pingpong.c: bare libmosquitto publish -> broker -> back
#           to the same client, the floor of any round trip here.  The
#           commands come 0.7 s apart, so every process on their path
#           wakes from sleep: the baseline is paced 100 ms apart too (the
#           1 ms pacing of latency.sh, hot caches, is shown for
#           information).
#
# The ratio printed is effect / RTT; the verdict is on effect - RTT.
# Environment: DRIVE_N (60 cycles), DRIVE_GAP_S (0.7), DRIVE_SIM_RATE
# (1000), DRIVE_RTT_N (2000 pingpong samples).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init drive

N=${DRIVE_N:-60}
GAP=${DRIVE_GAP_S:-0.7}
RATE=${DRIVE_SIM_RATE:-1000}
RTT_N=${DRIVE_RTT_N:-2000}
ROBOT=b1

for t in yoke-drive yoke-sim; do
	if [ ! -x "$BIN/$t" ]; then
		echo "drive: $BIN/$t is missing: run make (yoke-sim comes" \
			"with the sim branch)" >&2
		exit 1
	fi
done
if [ ! -f "$BENCH_TOP/build/proto/asimov.pb-c.c" ]; then
	echo "drive: build/proto/ is missing: run make" >&2
	exit 1
fi
if ! cc -O2 -o "$OUT/pingpong" "$BENCH_TOP/bench/pingpong.c" \
	-lmosquitto ||
	! cc -O2 -I"$BENCH_TOP/build/proto" -o "$OUT/driveprobe" \
		"$BENCH_TOP/bench/driveprobe.c" \
		"$BENCH_TOP/build/proto/asimov.pb-c.c" -lprotobuf-c \
		-lmosquitto; then
	echo "drive: cannot build bench/pingpong.c or bench/driveprobe.c" \
		"(needs cc, libmosquitto-dev, libprotobuf-c-dev)" >&2
	exit 1
fi
# The probe gets 1000 state messages a second: with Nagle on the broker's
# side (mosquitto's default), a command to it can wait for the probe's
# delayed ACK (40 ms), which would be measured as the drive's latency.
start_broker "set_tcp_nodelay true"

say "yoke-sim --rate $RATE, robot $ROBOT"
bench_bg "$BIN/yoke-sim" -b "$YB" --robot "$ROBOT" --rate "$RATE" \
	> "$WORK/sim.out" 2> "$WORK/sim.err"
for i in $(seq 1 100); do
	"$BIN/yoke-drive" -b "$YB" "$ROBOT" state mode -W 0.5 \
		> /dev/null 2>&1 && break
	if [ "$i" = 100 ]; then
		echo "drive: yoke-sim does not answer: $(tail -1 "$WORK/sim.err")" >&2
		exit 1
	fi
done

say "$N cycles, one command every $GAP s"
"$OUT/driveprobe" -p "$PORT" -r "$ROBOT" -n "$N" > "$WORK/effect" \
	2> "$WORK/probe.err" &
probe=$!
bench_track "$probe"
for _ in $(seq 1 100); do
	grep -q ready "$WORK/probe.err" && break
	sleep 0.05
done
# a few more than N: a cycle whose state the probe missed is not counted
for _ in $(seq 1 $((N + 10))); do
	echo '{"velocity": {"vyaw": 0.5}}'
	sleep "$GAP"
	kill -0 "$probe" 2> /dev/null || break
done | "$BIN/yoke-drive" -b "$YB" "$ROBOT" > /dev/null
rc=0
wait "$probe" || rc=$?
if [ "$rc" != 0 ] || [ "$(wc -l < "$WORK/effect")" -lt "$N" ]; then
	echo "drive: the probe saw $(wc -l < "$WORK/effect") of $N cycles" >&2
	exit 1
fi

say "pingpong, $RTT_N round trips 1 ms apart, $N 100 ms apart"
"$OUT/pingpong" -h 127.0.0.1 -p "$PORT" -n "$RTT_N" -w 200 -i 1000 \
	-t bench/drive/pingpong -o "$WORK/rtthot" > /dev/null
"$OUT/pingpong" -h 127.0.0.1 -p "$PORT" -n "$N" -w 5 -i 100000 \
	-t bench/drive/pingpong -o "$WORK/rtt" > /dev/null

col() { awk -v c="$2" '{ print $c }' "$WORK/$1"; }
e50=$(col effect 1 | pctl 50)
e99=$(col effect 1 | pctl 99)
o50=$(col effect 2 | pctl 50)
o99=$(col effect 2 | pctl 99)
r50=$(col rtt 1 | pctl 50)
r99=$(col rtt 1 | pctl 99)
h50=$(col rtthot 1 | pctl 50)
h99=$(col rtthot 1 | pctl 99)

echo "drive: command-to-effect, us; yoke-sim --rate $RATE, $N cycles"
printf '  %-44s %7s %7s\n' series p50 p99
printf '  %-44s %7s %7s\n' "effect (command ts -> MOVE state here)" \
	"$e50" "$e99"
printf '  %-44s %7s %7s\n' "command one-way (command ts -> here)" \
	"$o50" "$o99"
printf '  %-44s %7s %7s\n' "broker round trip, 100 ms apart (pingpong)" \
	"$r50" "$r99"
printf '  %-44s %7s %7s\n' "broker round trip, 1 ms apart (pingpong)" \
	"$h50" "$h99"
printf '  %-44s %7s %7s\n' "the sim and its tick (effect - RTT)" \
	"$(calc "$e50 - $r50")" "$(calc "$e99 - $r99")"
echo

for p in 50 99; do
	e=$(col effect 1 | pctl "$p")
	r=$(col rtt 1 | pctl "$p")
	result "drive effect p$p (us; : RTT)" "$e" "$r" \
		"$(fmt "$(calc "$e / $r")" 2)" "e-RTT<=2000us" \
		"$(verdict "$(calc "$e - $r")" '<=' 2000)"
done
