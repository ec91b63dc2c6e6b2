#!/usr/bin/env bash
# subrate.sh - how fast a subscriber takes in and prints a flood:
# yoke-sub (JSON lines) against mosquitto_sub -F %j, N = 200,000 messages.
# Goal: yoke >= peer.
#
# Fairness:
#  - the same flood for both: yoke-pub -l of the same 200,000 JSON lines at
#    QoS 0, so both subscribers get identical packets (with yoke's "ts" and
#    "prio" user properties, which yoke-sub prints as "ts" and
#    mosquitto_sub -F %j prints under "properties");
#  - both subscribe at QoS 0 over MQTT v5 (mosquitto_sub -V 5; its default
#    3.1.1 would have the broker strip the properties);
#  - the subscriber is started first and the flood begins only when the
#    broker has logged the subscription (lib.sh wait_subscribed), so
#    neither pays its own start-up;
#  - the time is from the flood's start to the subscriber's exit after
#    -C 200000, output to a file (a real write, not /dev/null);
#  - the broker queues without limit, so a subscriber that falls behind is
#    slowed, never fed less; every run checks that 200,000 lines came out.
# The flood alone (publisher wall time) is printed too: if it is close to
# both subscribers' times, the publisher, not the subscriber, is the limit.
#
# Environment: SUBRATE_N (200000), SUBRATE_ROUNDS (3).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init subrate

N=${SUBRATE_N:-200000}
ROUNDS=${SUBRATE_ROUNDS:-3}

INPUT=$(lines_file "$N")
start_broker

# once TOOL ROUND: one flood into one subscriber; appends seconds to
# $WORK/TOOL.s and publisher seconds to $WORK/TOOL.pub.
once() {
	local key="bench/sub/$1/$2" topic n0 t0 t1 tp sp rc=0 lines
	local file="$WORK/out-$1"
	topic="yoke/default/$key"
	n0=$(sub_count "$topic")
	if [ "$1" = yoke ]; then
		bench_bg "$BIN/yoke-sub" -b "$YB" "$key" -q 0 -C "$N" > "$file"
	else
		bench_bg mosquitto_sub -V 5 -h 127.0.0.1 -p "$PORT" -t "$topic" \
			-q 0 -C "$N" -F %j > "$file"
	fi
	sp=$BG_PID
	wait_subscribed "$topic" $((n0 + 1))
	t0=$(now_us)
	"$BIN/yoke-pub" -b "$YB" "$key" -l < "$INPUT"
	tp=$(now_us)
	wait "$sp" || rc=$?
	t1=$(now_us)
	lines=$(wc -l < "$file")
	if [ "$rc" != 0 ] || [ "$lines" != "$N" ]; then
		echo "subrate: $1 round $2: exit $rc, $lines lines of $N" >&2
		echo "$1 round $2: exit $rc, $lines lines" >> "$WORK/errors"
	fi
	calc "($t1 - $t0) / 1e6" >> "$WORK/$1.s"
	calc "($tp - $t0) / 1e6" >> "$WORK/$1.pub"
	head -c 300 "$file" > "$WORK/sample-$1"
	rm -f "$file"
}

for r in $(seq 1 "$ROUNDS"); do
	say "round $r/$ROUNDS"
	if [ $((r % 2)) = 1 ]; then order="yoke peer"; else order="peer yoke"; fi
	for t in $order; do
		once "$t" "$r"
	done
done

echo "subscriber rate, $N messages QoS 0, flood start to subscriber exit," \
	"median of $ROUNDS"
printf '  %-6s %10s %10s %10s %12s\n' tool msg/s median_s max_s flood_s
for t in yoke peer; do
	printf '  %-6s %10.0f %10.3f %10.3f %12.3f\n' "$t" \
		"$(calc "$N / $(median < "$WORK/$t.s")")" \
		"$(median < "$WORK/$t.s")" "$(sort -g "$WORK/$t.s" | tail -1)" \
		"$(median < "$WORK/$t.pub")"
done
for t in yoke peer; do
	echo "  first line, $t: $(head -1 "$WORK/sample-$t")"
done
echo

y=$(calc "$N / $(median < "$WORK/yoke.s")")
p=$(calc "$N / $(median < "$WORK/peer.s")")
r=$(fmt "$(calc "$y / $p")" 2)
st=$(verdict "$r" '>=' 1.0)
if [ -s "$WORK/errors" ]; then
	st="MISS(count)"
	sed 's/^/  error: /' "$WORK/errors"
fi
result "sub output rate (msg/s)" "$(fmt "$y" 0)" "$(fmt "$p" 0)" "$r" \
	"yoke/peer>=1.0" "$st"
