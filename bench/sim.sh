#!/usr/bin/env bash
# sim.sh - CPU of `yoke-sim --count 100` (100 simulated robots at 10 Hz
# each: 1,000 state messages a second, plus diagnostics, telemetry and the
# fleet channels, over 300 MQTT sessions), as a fraction of one core.
# Goal: under half a core.  The peer figure is the broker's own CPU in the
# same run, receiving all of it.
#
# CPU is utime + stime from /proc/PID/stat, read once the robots are all
# up (and 2 s more to settle) and again SIM_SECONDS later, divided by the
# wall time between the readings.  Then, over 5 s with one subscriber on
# every robot's state, the delivered state rate (expected: 100 x 10/s).
#
# Environment: SIM_COUNT (100), SIM_SECONDS (20), SIM_RATE (10).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init sim

COUNT=${SIM_COUNT:-100}
SECONDS_=${SIM_SECONDS:-20}
RATE=${SIM_RATE:-10}
GOAL=0.5
TCK=$(getconf CLK_TCK)

if [ ! -x "$BIN/yoke-sim" ]; then
	echo "sim: $BIN/yoke-sim is missing: run make" >&2
	exit 1
fi
start_broker

# ticks PID: utime + stime of PID, in clock ticks
ticks() {
	# fields 14 and 15, counted after the ")" that ends the command name
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

last=$(printf 'sim-%03d' "$COUNT")
say "starting $COUNT robots at $RATE Hz"
bench_bg "$BIN/yoke-sim" -b "$YB" --count "$COUNT" --rate "$RATE" \
	2> "$WORK/sim.err"
SIM=$BG_PID
# the last robot's first state: every robot is up
if ! mosquitto_sub -p "$PORT" -t "yoke/default/$last/state" -C 1 -W 60 \
	> /dev/null; then
	echo "sim: $last sent no state within 60 s" >&2
	cat "$WORK/sim.err" >&2
	exit 1
fi
sleep 2
s0=$(ticks "$SIM")
b0=$(ticks "$BROKER_PID")
t0=$(now_us)
say "measuring for $SECONDS_ s"
sleep "$SECONDS_"
s1=$(ticks "$SIM")
b1=$(ticks "$BROKER_PID")
t1=$(now_us)
wall=$(calc "($t1 - $t0) / 1e6")
sim_cores=$(calc "($s1 - $s0) / $TCK / $wall")
broker_cores=$(calc "($b1 - $b0) / $TCK / $wall")

# delivery: state messages of every robot over 5 s, one subscriber
n=$(timeout 10 mosquitto_sub -p "$PORT" -t 'yoke/default/+/state' -W 5 \
	-F %t 2> /dev/null | wc -l || true)
rate=$(calc "$n / 5")

# the goodbye (status offline, token cleared, all acknowledged) before
# the broker goes: without a broker it would wait for a second signal
g0=$(now_us)
kill -INT "$SIM"
wait "$SIM" || say "yoke-sim exited $? (see $WORK/sim.err)"
bye=$(calc "($(now_us) - $g0) / 1e3")

ratio=$(fmt "$(calc "$sim_cores / $broker_cores")" 2)
result "sim --count $COUNT at $RATE Hz, CPU" \
	"$(fmt "$sim_cores" 3) cores" "$(fmt "$broker_cores" 3) cores" \
	"$ratio" "< $GOAL core" "$(verdict "$sim_cores" "<" "$GOAL")"
result "sim --count $COUNT, state delivered" "$(fmt "$rate" 0)/s" "-" "-" \
	"$((COUNT * ${RATE%.*}))/s" "-"
say "goodbye of $COUNT robots: $(fmt "$bye" 0) ms"
say "CPU per robot: $(fmt "$(calc "$sim_cores * 1000 / $COUNT")" 2)" \
	"ms/s (yoke-sim), $(fmt "$(calc "$broker_cores * 1000 / $COUNT")" 2)" \
	"ms/s (mosquitto)"
