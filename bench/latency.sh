#!/usr/bin/env bash
# latency.sh - publish-to-receive latency through the local broker, p50 and
# p99 in microseconds.  Goal: yoke within 1.2x of bare libmosquitto.
#
# Three measurements, each ROUNDS times, taking turns; every message is
# paced 1 ms apart (so all of them pay the same idle wake-ups) and QoS 0:
#
#  pingpong   bench/pingpong.c: one libmosquitto client, subscribed to its
#             own topic, publishes and waits for the message to come back.
#             That is a round trip: two one-way trips through the broker,
#             so its one-way figure is RTT/2 (percentiles of RTT, halved).
#  yoke       linetime pace | yoke-pub -l  ->  yoke-sub --format json |
#             linetime stamp.  One-way: receive time (the stamper's clock as
#             soon as yoke-sub's line reaches it) minus the "ts" user
#             property, which yoke-pub sets when it hands the message over.
#             So yoke pays one extra hop the pingpong does not: yoke-sub's
#             stdout pipe and the stamper's wake-up.
#  peer       linetime pace | mosquitto_pub -l  ->  mosquitto_sub -F %p |
#             linetime stamp: the same pipeline with the mosquitto tools.
#             mosquitto_pub sets no "ts", so this and the yoke pipeline are
#             also compared pipe to pipe: now minus the pacer's own write
#             time, carried in the payload ("t").  That is the tool-to-tool
#             comparison; it has no goal and is for information.
#  oneway     pingpong -O: bare libmosquitto one way between two processes
#             (a forked subscriber takes receive - send).  Information: it
#             shows what RTT/2 leaves out (the wake-up of a second process
#             that slept through the interval).
#  pipe       linetime pace | linetime stamp t: the pipe hop and wake-up
#             alone, the part of yoke's one-way figure that is measuring
#             equipment rather than MQTT (information).
#
# The goal rows compare yoke one-way ("ts") with pingpong RTT/2.  The first
# WARMUP messages of every run are dropped (connection set-up, the first
# lines queue in the pipe while the publisher connects).  Figures are the
# median, over rounds, of each round's percentile.
#
# Environment: LAT_N (10000 samples per tool, split over the rounds),
# LAT_ROUNDS (3), LAT_WARMUP (300), LAT_INTERVAL_US (1000).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init latency

TOTAL=${LAT_N:-10000}
ROUNDS=${LAT_ROUNDS:-3}
WARM=${LAT_WARMUP:-300}
IV=${LAT_INTERVAL_US:-1000}
N=$(((TOTAL + ROUNDS - 1) / ROUNDS))
M=$((N + WARM))

mkdir -p "$OUT"
if ! cc -O2 -o "$OUT/pingpong" "$BENCH_TOP/bench/pingpong.c" -lmosquitto ||
	! cc -O2 -o "$OUT/linetime" "$BENCH_TOP/bench/linetime.c"; then
	echo "latency: cannot build bench/pingpong.c or bench/linetime.c" \
		"(needs cc and libmosquitto-dev)" >&2
	exit 1
fi
start_broker

# pipeline TOOL ROUND: writes WORK/TOOL.ROUND: one line per message, the
# delays in us of the "ts" (yoke only) and "t" fields.
pipeline() {
	local key="bench/lat/$1/$2" topic n0 sp stp rc=0
	local fifo="$WORK/fifo" out="$WORK/$1.$2.all"
	topic="yoke/default/$key"
	rm -f "$fifo"
	mkfifo "$fifo"
	n0=$(sub_count "$topic")
	# (the FIFO is opened by the background children, not by this shell)
	if [ "$1" = yoke ]; then
		"$OUT/linetime" stamp ts t < "$fifo" > "$out" &
		stp=$!
		"$BIN/yoke-sub" -b "$YB" "$key" -q 0 -C "$M" \
			--format json > "$fifo" &
		sp=$!
	else
		"$OUT/linetime" stamp t < "$fifo" > "$out" &
		stp=$!
		mosquitto_sub -h 127.0.0.1 -p "$PORT" -t "$topic" \
			-q 0 -C "$M" -F %p > "$fifo" &
		sp=$!
	fi
	bench_track "$stp"
	bench_track "$sp"
	wait_subscribed "$topic" $((n0 + 1))
	if [ "$1" = yoke ]; then
		"$OUT/linetime" pace "$M" "$IV" |
			"$BIN/yoke-pub" -b "$YB" "$key" -l
	else
		"$OUT/linetime" pace "$M" "$IV" |
			mosquitto_pub -h 127.0.0.1 -p "$PORT" -t "$topic" -l
	fi
	wait "$sp" || rc=$?
	wait "$stp" || true
	if [ "$rc" != 0 ] || [ "$(wc -l < "$out")" != "$M" ]; then
		echo "latency: $1 round $2: subscriber exit $rc," \
			"$(wc -l < "$out") of $M messages" >&2
		echo "$1 round $2: exit $rc, $(wc -l < "$out") of $M" \
			>> "$WORK/errors"
	fi
	tail -n +"$((WARM + 1))" "$out" > "$WORK/$1.$2"
}

for r in $(seq 1 "$ROUNDS"); do
	case $((r % 3)) in
	1) order="pingpong yoke oneway peer pipe" ;;
	2) order="yoke peer pipe pingpong oneway" ;;
	0) order="peer oneway pipe pingpong yoke" ;;
	esac
	for t in $order; do
		say "round $r/$ROUNDS: $t, $M messages"
		if [ "$t" = pingpong ]; then
			"$OUT/pingpong" -h 127.0.0.1 -p "$PORT" -n "$N" -w "$WARM" \
				-i "$IV" -t "bench/lat/pingpong/$r" \
				-o "$WORK/rtt.$r" > /dev/null
			awk '{ print $1 / 2 }' "$WORK/rtt.$r" > "$WORK/pp.$r"
		elif [ "$t" = oneway ]; then
			"$OUT/pingpong" -O -h 127.0.0.1 -p "$PORT" -n "$N" \
				-w "$WARM" -i "$IV" -t "bench/lat/oneway/$r" \
				-o "$WORK/oneway.$r" > /dev/null
		elif [ "$t" = pipe ]; then
			"$OUT/linetime" pace "$M" "$IV" |
				"$OUT/linetime" stamp t |
				tail -n +"$((WARM + 1))" > "$WORK/pipe.$r"
		else
			pipeline "$t" "$r"
		fi
	done
done

# stat SERIES COLUMN P: median over rounds of the P-th percentile.
stat() {
	local r
	for r in $(seq 1 "$ROUNDS"); do
		awk -v c="$2" '$c != "x" { print $c }' "$WORK/$1.$r" | pctl "$3"
	done | median
}
# pooled SERIES COLUMN P: P-th percentile of all rounds' samples together.
pooled() {
	local r
	for r in $(seq 1 "$ROUNDS"); do
		cat "$WORK/$1.$r"
	done | awk -v c="$2" '$c != "x" { print $c }' | pctl "$3"
}

echo "latency, us, QoS 0, one message per ${IV} us," \
	"$N samples x $ROUNDS rounds per series"
printf '  %-34s %7s %7s %8s %8s  %s\n' series p50 p99 p50_all p99_all \
	"p99 by round"
row() { # LABEL SERIES COLUMN
	local r byr=""
	for r in $(seq 1 "$ROUNDS"); do
		byr="$byr $(awk -v c="$3" '$c != "x" { print $c }' \
			"$WORK/$2.$r" | pctl 99)"
	done
	printf '  %-34s %7s %7s %8s %8s %s\n' "$1" \
		"$(stat "$2" "$3" 50)" "$(stat "$2" "$3" 99)" \
		"$(pooled "$2" "$3" 50)" "$(pooled "$2" "$3" 99)" "$byr"
}
row "pingpong RTT" rtt 1
row "pingpong one-way (RTT/2)" pp 1
row "bare one-way, 2 processes (-O)" oneway 1
row "yoke one-way (recv - ts)" yoke 1
row "yoke pipe to pipe (recv - t)" yoke 2
row "mosquitto pipe to pipe (recv - t)" peer 1
row "the pipe hop alone (pace | stamp)" pipe 1
echo "  (p50, p99: median of the rounds' percentiles;" \
	"p50_all, p99_all: all samples pooled)"
if [ -s "$WORK/errors" ]; then
	sed 's/^/  error: /' "$WORK/errors"
fi
echo

for p in 50 99; do
	y=$(stat yoke 1 "$p")
	b=$(stat pp 1 "$p")
	r=$(fmt "$(calc "$y / $b")" 2)
	st=$(verdict "$r" '<=' 1.2)
	[ -s "$WORK/errors" ] && st="MISS(count)"
	result "latency p$p (us; y 1-way : RTT/2)" "$y" "$b" "$r" \
		"yoke/bare<=1.2" "$st"
done
for p in 50 99; do
	y=$(stat yoke 1 "$p")
	b=$(stat oneway 1 "$p")
	result "latency p$p (us; y 1-way : -O, info)" "$y" "$b" \
		"$(fmt "$(calc "$y / $b")" 2)" "-" "-"
done
for p in 50 99; do
	y=$(stat yoke 2 "$p")
	b=$(stat peer 1 "$p")
	result "pipe-to-pipe p$p (us, info)" "$y" "$b" \
		"$(fmt "$(calc "$y / $b")" 2)" "-" "-"
done
