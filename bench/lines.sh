#!/usr/bin/env bash
# lines.sh - `-l` throughput: 200,000 JSON lines from a file into yoke-pub
# and mosquitto_pub, QoS 0 and QoS 1, and how many of them each delivered.
#
# Goals: yoke QoS 0 rate >= peer QoS 0 rate; yoke QoS 1 delivers all lines
# at >= half of yoke's own QoS 0 rate.
#
# Two phases, because one measurement cannot serve both questions:
#  A. rate: ROUNDS runs of each (tool, QoS), yoke and peer alternating, no
#     subscriber: the broker takes each message and drops it.  A counting
#     subscriber would be a third busy process on two cores and would
#     measure the scheduler more than the publisher.  Rate = lines / wall
#     time of the publisher process (start to exit; exit 0 claims that all
#     were handed over, QoS 1: acknowledged).
#  B. delivery: one run of each with mosquitto_sub -q 1 subscribed first
#     (the same neutral counter for both publishers), counting the lines it
#     receives.  The broker queues without limit (lib.sh), so a shortfall is
#     the publisher's.  The publisher's rate under this load is shown too.
#
# Environment: LINES_N (200000), LINES_ROUNDS (5).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init lines

N=${LINES_N:-200000}
ROUNDS=${LINES_ROUNDS:-5}

INPUT=$(lines_file "$N")
start_broker

# run_pub TOOL QOS KEY: publish INPUT, print "SECONDS EXIT".
run_pub() {
	local t0 t1 rc=0
	t0=$(now_us)
	if [ "$1" = yoke ]; then
		"$BIN/yoke-pub" -b "$YB" "$3" -l -q "$2" < "$INPUT" || rc=$?
	else
		mosquitto_pub -h 127.0.0.1 -p "$PORT" -t "yoke/default/$3" \
			-l -q "$2" < "$INPUT" || rc=$?
	fi
	t1=$(now_us)
	echo "$(calc "($t1 - $t0) / 1e6") $rc"
}

# ---- A: rate
for r in $(seq 1 "$ROUNDS"); do
	say "rate round $r/$ROUNDS"
	for q in 0 1; do
		# alternate who goes first
		if [ $((r % 2)) = 1 ]; then order="yoke peer"; else order="peer yoke"; fi
		for t in $order; do
			read -r s rc <<< "$(run_pub "$t" "$q" "bench/rate/$t")"
			echo "$s" >> "$WORK/$t-q$q.s"
			echo "$rc" >> "$WORK/$t-q$q.rc"
		done
	done
done

# ---- B: delivery
# deliver TOOL QOS: publish with a counting subscriber; sets COUNT, SECS, RC.
deliver() {
	local key="bench/count/$1-q$2" n0 last=-1 same=0 c
	local topic="yoke/default/$key" file="$WORK/recv-$1-q$2"
	n0=$(sub_count "$topic")
	bench_bg mosquitto_sub -h 127.0.0.1 -p "$PORT" -t "$topic" -q 1 \
		-C "$N" > "$file"
	local sp=$BG_PID
	wait_subscribed "$topic" $((n0 + 1))
	read -r SECS RC <<< "$(run_pub "$1" "$2" "$key")"
	# The publisher has exited; wait for the count to stop growing.
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
	rm -f "$file"
}

for q in 0 1; do
	for t in yoke peer; do
		say "delivery: $t QoS $q"
		deliver "$t" "$q"
		echo "$COUNT $SECS $RC" > "$WORK/$t-q$q.deliv"
	done
done

# ---- report
rate() { # TOOL QOS: median lines/s of phase A
	calc "$N / $(median < "$WORK/$1-q$2.s")"
}
echo "-l throughput, $N lines, median of $ROUNDS runs, no subscriber"
printf '  %-8s %10s %10s %10s %8s\n' tool msg/s min_s max_s exits
for q in 0 1; do
	for t in yoke peer; do
		printf '  %-8s %10.0f %10.3f %10.3f %8s\n' "$t-q$q" \
			"$(rate "$t" "$q")" \
			"$(sort -g "$WORK/$t-q$q.s" | head -1)" \
			"$(sort -g "$WORK/$t-q$q.s" | tail -1)" \
			"$(sort -u "$WORK/$t-q$q.rc" | tr '\n' ',' | sed 's/,$//')"
	done
done
echo "delivery, with mosquitto_sub -q 1 counting"
printf '  %-8s %10s %10s %10s %8s\n' tool delivered pub_s msg/s exit
for q in 0 1; do
	for t in yoke peer; do
		read -r c s rc < "$WORK/$t-q$q.deliv"
		printf '  %-8s %10s %10.3f %10.0f %8s\n' "$t-q$q" "$c" "$s" \
			"$(calc "$c / $s")" "$rc"
	done
done
echo

y0=$(rate yoke 0)
p0=$(rate peer 0)
y1=$(rate yoke 1)
p1=$(rate peer 1)
read -r yc1 _ yrc1 < "$WORK/yoke-q1.deliv"
read -r pc1 _ prc1 < "$WORK/peer-q1.deliv"
read -r yc0 _ _ < "$WORK/yoke-q0.deliv"
read -r pc0 _ _ < "$WORK/peer-q0.deliv"

r=$(fmt "$(calc "$y0 / $p0")" 2)
result "-l QoS 0 rate (msg/s)" "$(fmt "$y0" 0)" "$(fmt "$p0" 0)" "$r" \
	"yoke/peer>=1.0" "$(verdict "$r" '>=' 1.0)"
r=$(fmt "$(calc "$y1 / $y0")" 2)
st=$(verdict "$r" '>=' 0.5)
[ "$yc1" = "$N" ] || st=MISS
# The peer's QoS 1 "rate" is lines / time, whatever it delivered.
result "-l QoS 1 rate (msg/s; ratio=y1/y0)" "$(fmt "$y1" 0)" \
	"$(fmt "$p1" 0)*" "$r" "y1/y0>=0.5" "$st"
result "-l QoS 0 delivered of $N" "$yc0" "$pc0" \
	"$(fmt "$(calc "$yc0 / $N")" 3)" "all" \
	"$([ "$yc0" = "$N" ] && echo PASS || echo MISS)"
result "-l QoS 1 delivered of $N (exit)" "$yc1 ($yrc1)" "$pc1 ($prc1)" \
	"$(fmt "$(calc "$yc1 / $N")" 3)" "all" \
	"$([ "$yc1" = "$N" ] && echo PASS || echo MISS)"
if [ "$pc1" != "$N" ]; then
	echo "  * mosquitto_pub -q 1 -l delivered $pc1 of $N and exited $prc1;" \
		"its QoS 1 rate counts lines it did not deliver"
fi
