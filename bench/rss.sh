#!/usr/bin/env bash
# rss.sh - peak resident memory (max RSS, KiB) of yoke-pub and yoke-sub next
# to mosquitto_pub and mosquitto_sub.  Goal: every yoke figure < 4 MiB.
#
#  one-shot   -m hello, QoS 0
#  -l q0/q1   200,000 JSON lines on stdin (QoS 1 is where a publisher that
#             reads faster than the broker acknowledges would pile up)
#  sub        receiving a flood of 200,000 messages (yoke-pub -l, QoS 0),
#             subscribed first, output to a file
#
# Max RSS comes from GNU time (/usr/bin/time -f %M, Debian package "time");
# without it, from VmHWM in /proc/PID/status, polled every 10 ms until the
# process exits (the last reading; a peak in the final 10 ms can be missed).
# RSS counts the shared libraries' resident pages (libmosquitto, libssl,
# libcrypto, libc) as well: both tools load the same ones.  Median of
# ROUNDS runs.
#
# Environment: RSS_N (200000), RSS_ROUNDS (3).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init rss

N=${RSS_N:-200000}
ROUNDS=${RSS_ROUNDS:-3}
GOAL_KIB=4096

INPUT=$(lines_file "$N")
if [ -x /usr/bin/time ]; then
	HOW="GNU time %M"
else
	HOW="VmHWM polled"
	say "/usr/bin/time is missing (Debian package \"time\"): polling VmHWM"
fi
start_broker

# maxrss_start OUTFILE CMD...: start CMD in the background; its peak RSS
# in KiB lands in OUTFILE when it exits.  Sets RSS_PID (the pid to wait
# for).  For subscribers: a background job's stdin is /dev/null.
maxrss_start() {
	local f=$1
	shift
	if [ -x /usr/bin/time ]; then
		bench_bg /usr/bin/time -f %M -o "$f" "$@"
	else
		bench_bg _poll_hwm "$f" "$@"
	fi
	RSS_PID=$BG_PID
}

# maxrss OUTFILE CMD...: run CMD in the foreground (stdin is the caller's),
# peak RSS to OUTFILE.
maxrss() {
	local f=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$f" "$@"
	else
		_poll_hwm "$f" "$@"
	fi
}

_poll_hwm() {
	local f=$1 pid hwm=0 v rc=0
	shift
	# <&0: keep our stdin; a plain & would give the job /dev/null
	"$@" <&0 &
	pid=$!
	while kill -0 "$pid" 2> /dev/null; do
		v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" \
			2> /dev/null || true)
		[ -n "$v" ] && hwm=$v
		sleep 0.01
	done
	wait "$pid" || rc=$?
	echo "$hwm" > "$f"
	return "$rc"
}

# record NAME FILE: append the figure to WORK/NAME.kib
record() {
	tail -1 "$2" >> "$WORK/$1.kib"
}

for r in $(seq 1 "$ROUNDS"); do
	say "round $r/$ROUNDS"
	# one-shot
	maxrss "$WORK/m" "$BIN/yoke-pub" -b "$YB" bench/rss/x -m hello
	record yoke-oneshot "$WORK/m"
	maxrss "$WORK/m" mosquitto_pub -h 127.0.0.1 -p "$PORT" \
		-t yoke/default/bench/rss/x -m hello
	record peer-oneshot "$WORK/m"
	# -l
	for q in 0 1; do
		maxrss "$WORK/m" "$BIN/yoke-pub" -b "$YB" bench/rss/l -l \
			-q "$q" < "$INPUT"
		record "yoke-l-q$q" "$WORK/m"
		maxrss "$WORK/m" mosquitto_pub -h 127.0.0.1 -p "$PORT" \
			-t yoke/default/bench/rss/l -l -q "$q" < "$INPUT"
		record "peer-l-q$q" "$WORK/m"
	done
	# subscriber under a flood
	for t in yoke peer; do
		key="bench/rss/sub/$t/$r"
		topic="yoke/default/$key"
		n0=$(sub_count "$topic")
		if [ "$t" = yoke ]; then
			maxrss_start "$WORK/m" "$BIN/yoke-sub" -b "$YB" "$key" \
				-q 0 -C "$N" > "$WORK/sub.out"
		else
			maxrss_start "$WORK/m" mosquitto_sub -V 5 -h 127.0.0.1 \
				-p "$PORT" -t "$topic" -q 0 -C "$N" -F %j \
				> "$WORK/sub.out"
		fi
		wait_subscribed "$topic" $((n0 + 1))
		"$BIN/yoke-pub" -b "$YB" "$key" -l < "$INPUT"
		wait "$RSS_PID"
		got=$(wc -l < "$WORK/sub.out")
		if [ "$got" != "$N" ]; then
			echo "rss: $t subscriber printed $got of $N" >&2
		fi
		record "$t-sub" "$WORK/m"
	done
done

echo "peak RSS (KiB, $HOW), median of $ROUNDS runs"
printf '  %-16s %8s %8s\n' case yoke peer
for c in oneshot l-q0 l-q1 sub; do
	printf '  %-16s %8s %8s\n' "$c" "$(median < "$WORK/yoke-$c.kib")" \
		"$(median < "$WORK/peer-$c.kib")"
done
echo

label() {
	case $1 in
	oneshot) echo "RSS pub one-shot (KiB)" ;;
	l-q0) echo "RSS pub -l $N QoS 0 (KiB)" ;;
	l-q1) echo "RSS pub -l $N QoS 1 (KiB)" ;;
	sub) echo "RSS sub $N msgs (KiB)" ;;
	esac
}
for c in oneshot l-q0 l-q1 sub; do
	y=$(median < "$WORK/yoke-$c.kib")
	p=$(median < "$WORK/peer-$c.kib")
	result "$(label "$c")" "$y" "$p" "$(fmt "$(calc "$y / $p")" 2)" \
		"yoke<$GOAL_KIB" "$(verdict "$y" '<' "$GOAL_KIB")"
done
