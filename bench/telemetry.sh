#!/usr/bin/env bash
# telemetry.sh - stream mode throughput: N sensor lines (plain numbers)
# into `yoke-telemetry METRIC --unit C`, against `mosquitto_pub -l` given
# the exact payloads yoke publishes ({"metric","value","unit","ts"}), so
# the peer does no parsing, validating or JSON writing at all.
#
# Goal: yoke readings/s >= peer messages/s (ratio >= 1.0).
#
# As lines.sh: rate = N / wall time of the publisher process, no
# subscriber (the broker drops each message), ROUNDS runs each, yoke and
# peer alternating; then one run each with mosquitto_sub counting, to
# show that every reading arrived and that the payloads are the same
# (ts aside).
#
# Environment: TELEMETRY_N (200000), TELEMETRY_ROUNDS (5).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init telemetry

N=${TELEMETRY_N:-200000}
ROUNDS=${TELEMETRY_ROUNDS:-5}
if [ ! -x "$BIN/yoke-telemetry" ]; then
	echo "telemetry: $BIN/yoke-telemetry is missing: run make" >&2
	exit 1
fi

# A sensor's output: temperatures with one decimal.  The peer's input is
# the payload yoke writes for each line (ts: the time of the read).
SENSOR="$WORK/sensor.txt"
PAYLOADS="$WORK/payloads.txt"
awk -v n="$N" 'BEGIN {
	for (i = 1; i <= n; i++)
		printf "%d.%d\n", 20 + i % 15, i % 10
}' > "$SENSOR"
awk '{ printf "{\"metric\":\"temp_c\",\"value\":%s,\"unit\":\"C\",\"ts\":1795300718.861248}\n", $1 }' \
	"$SENSOR" > "$PAYLOADS"
start_broker

# run_pub TOOL ROBOT: publish, print "SECONDS EXIT".
run_pub() {
	local t0 t1 rc=0
	t0=$(now_us)
	if [ "$1" = yoke ]; then
		"$BIN/yoke-telemetry" -b "$YB" -r "$2" temp_c --unit C \
			< "$SENSOR" || rc=$?
	else
		mosquitto_pub -h 127.0.0.1 -p "$PORT" \
			-t "yoke/default/$2/telemetry" -l < "$PAYLOADS" || rc=$?
	fi
	t1=$(now_us)
	echo "$(calc "($t1 - $t0) / 1e6") $rc"
}

for r in $(seq 1 "$ROUNDS"); do
	say "rate round $r/$ROUNDS"
	if [ $((r % 2)) = 1 ]; then order="yoke peer"; else order="peer yoke"; fi
	for t in $order; do
		read -r s rc <<< "$(run_pub "$t" "rate-$t")"
		echo "$s" >> "$WORK/$t.s"
		echo "$rc" >> "$WORK/$t.rc"
	done
done

# deliver TOOL: one run with mosquitto_sub counting; sets COUNT, SECS, RC.
deliver() {
	local robot="count-$1" n0 last=-1 same=0 c
	local topic="yoke/default/$robot/telemetry" file="$WORK/recv-$1"
	n0=$(sub_count "$topic")
	bench_bg mosquitto_sub -h 127.0.0.1 -p "$PORT" -t "$topic" -q 1 \
		-C "$N" > "$file"
	local sp=$BG_PID
	wait_subscribed "$topic" $((n0 + 1))
	read -r SECS RC <<< "$(run_pub "$1" "$robot")"
	while kill -0 "$sp" 2> /dev/null; do
		c=$(wc -l < "$file")
		if [ "$c" = "$last" ]; then
			same=$((same + 1))
			[ "$same" -ge 10 ] && break # 2 s without a message
		else
			same=0
			last=$c
		fi
		sleep 0.2
	done
	kill "$sp" 2> /dev/null || true
	wait "$sp" 2> /dev/null || true
	COUNT=$(wc -l < "$file")
}

for t in yoke peer; do
	say "delivery: $t"
	deliver "$t"
	echo "$COUNT $SECS $RC" > "$WORK/$t.deliv"
done
strip_ts() { sed 's/,"ts":[0-9.]*}$/}/' "$1"; }
if cmp -s <(strip_ts "$WORK/recv-yoke") <(strip_ts "$WORK/recv-peer"); then
	same_payloads=yes
else
	same_payloads=NO
fi

rate() { calc "$N / $(median < "$WORK/$1.s")"; }
echo "stream mode, $N sensor lines, median of $ROUNDS runs, no subscriber"
printf '  %-22s %10s %10s %10s %8s\n' tool msg/s min_s max_s exits
for t in yoke peer; do
	name=$([ "$t" = yoke ] && echo "yoke-telemetry" ||
		echo "mosquitto_pub -l")
	printf '  %-22s %10.0f %10.3f %10.3f %8s\n' "$name" "$(rate "$t")" \
		"$(sort -g "$WORK/$t.s" | head -1)" \
		"$(sort -g "$WORK/$t.s" | tail -1)" \
		"$(sort -u "$WORK/$t.rc" | tr '\n' ',' | sed 's/,$//')"
done
echo "delivery, with mosquitto_sub -q 1 counting"
for t in yoke peer; do
	read -r c s rc < "$WORK/$t.deliv"
	printf '  %-22s %10s delivered %8.3f s exit %s\n' "$t" "$c" "$s" "$rc"
done
echo "  payloads identical but for ts: $same_payloads"
echo

y=$(rate yoke)
p=$(rate peer)
r=$(fmt "$(calc "$y / $p")" 2)
result "telemetry stream rate (readings/s)" "$(fmt "$y" 0)" "$(fmt "$p" 0)" \
	"$r" "yoke/peer>=1.0" "$(verdict "$r" '>=' 1.0)"
read -r yc _ _ < "$WORK/yoke.deliv"
read -r pc _ _ < "$WORK/peer.deliv"
st=PASS
{ [ "$yc" = "$N" ] && [ "$same_payloads" = yes ]; } || st=MISS
result "telemetry delivered of $N (same payloads)" "$yc ($same_payloads)" \
	"$pc" "$(fmt "$(calc "$yc / $N")" 3)" "all" "$st"
