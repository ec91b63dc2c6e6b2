#!/usr/bin/env bash
# syscalls.sh - where the time goes: system calls per message (strace -c)
# for yoke and the mosquitto tools.  A diagnostic, not a benchmark: strace
# slows every call down, so it prints counts, never times, and bench/run
# does not run it.  Needs strace.
#
#  one-shot      calls for one -m publish (whole process, start-up included)
#  pub -l q0/q1  calls per input line, SYSCALLS_N lines (20,000)
#  sub           calls per message received, flood of SYSCALLS_N
#
# mosquitto_pub -l -q 1 exits before it has sent most lines (see
# README.md), so its per-line figure covers less work than yoke's.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init syscalls

N=${SYSCALLS_N:-20000}
if ! command -v strace > /dev/null; then
	echo "syscalls: needs strace" >&2
	exit 1
fi
INPUT="$WORK/lines.txt"
awk -v n="$N" 'BEGIN {
	for (i = 1; i <= n; i++)
		printf "{\"metric\":\"temp_c\",\"value\":%d}\n", i
}' > "$INPUT"
start_broker

# summary FILE PER: "total/PER  top calls/PER" from strace -c output FILE.
summary() {
	# columns: % time, seconds, usecs/call, calls, [errors], syscall
	awk -v per="$2" '
		$NF == "total" { total = $4 }
		$1 ~ /^[0-9.]+$/ && $NF != "total" { name[++n] = $NF; c[n] = $4 }
		END {
			line = sprintf("%8.2f  ", total / per)
			for (i = 1; i <= n && i <= 5; i++)
				line = line sprintf(" %s %.2f", name[i], c[i] / per)
			print line
		}' "$1"
}

printf '%-24s %8s   %s\n' case total "top calls (per message)"
# one-shot
strace -f -c -S calls -o "$WORK/s" "$BIN/yoke-pub" -b "$YB" sys/x -m hello
printf '%-24s %s\n' "yoke-pub one-shot" "$(summary "$WORK/s" 1)"
strace -f -c -S calls -o "$WORK/s" mosquitto_pub -h 127.0.0.1 -p "$PORT" \
	-t yoke/default/sys/x -m hello
printf '%-24s %s\n' "mosquitto_pub one-shot" "$(summary "$WORK/s" 1)"
# -l
for q in 0 1; do
	strace -f -c -S calls -o "$WORK/s" "$BIN/yoke-pub" -b "$YB" sys/l \
		-l -q "$q" < "$INPUT"
	printf '%-24s %s\n' "yoke-pub -l q$q" "$(summary "$WORK/s" "$N")"
	strace -f -c -S calls -o "$WORK/s" mosquitto_pub -h 127.0.0.1 \
		-p "$PORT" -t yoke/default/sys/l -l -q "$q" < "$INPUT"
	printf '%-24s %s\n' "mosquitto_pub -l q$q" "$(summary "$WORK/s" "$N")"
done
# subscribers: the flood comes after the subscription; the traced
# subscriber is slower than usual, and the broker queues for it.  yoke-sub
# gets -k 600: with its default 5 s keepalive, a backlog longer than that
# makes it drop its own connection (see README.md, "Observations").
for t in yoke peer; do
	key="sys/sub/$t"
	topic="yoke/default/$key"
	n0=$(sub_count "$topic")
	if [ "$t" = yoke ]; then
		bench_bg strace -f -c -S calls -o "$WORK/s" "$BIN/yoke-sub" \
			-b "$YB" "$key" -q 0 -C "$N" -k 600 > /dev/null
		name=yoke-sub
	else
		bench_bg strace -f -c -S calls -o "$WORK/s" mosquitto_sub -V 5 \
			-h 127.0.0.1 -p "$PORT" -t "$topic" -q 0 -C "$N" -F %j \
			> /dev/null
		name=mosquitto_sub
	fi
	sp=$BG_PID
	wait_subscribed "$topic" $((n0 + 1))
	"$BIN/yoke-pub" -b "$YB" "$key" -l < "$INPUT"
	wait "$sp"
	printf '%-24s %s\n' "$name q0" "$(summary "$WORK/s" "$N")"
done
