#!/usr/bin/env bash
# wakepair.sh - is lib/wakepair.h still worth its code?  CPU time per
# QoS 0 publish through libmosquitto as lib/mqtt.c drives it, with the
# library's wake-up socketpair as it is (the row's "peer") and with its
# write end muted (the row's "yoke").  Goal: muted/plain <= 0.95; a
# libmosquitto that no longer writes to the pair per packet shows a
# ratio near 1.0, and the module should then go.
#
# bench/wakepair.c (built into bench/out/ against lib/libyoke.a, so run
# make first) publishes WAKEPAIR_N messages per run on a fresh
# connection to a broker of its own, the two modes taking turns,
# WAKEPAIR_ROUNDS rounds; figure: median ns of CPU per message
# (CLOCK_PROCESS_CPUTIME_ID, so other load on the machine costs little).
#
# Environment: WAKEPAIR_N (200000), WAKEPAIR_ROUNDS (9).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init wakepair

N=${WAKEPAIR_N:-200000}
ROUNDS=${WAKEPAIR_ROUNDS:-9}

if ! cc -O2 -std=c11 -D_GNU_SOURCE -I"$BENCH_TOP/lib" \
	-o "$OUT/wakepair" "$BENCH_TOP/bench/wakepair.c" \
	"$BENCH_TOP/lib/libyoke.a" -lmosquitto; then
	echo "wakepair: cannot build bench/wakepair.c (needs make first," \
		"libmosquitto-dev)" >&2
	exit 1
fi
start_broker
say "$ROUNDS rounds of $N messages per mode"
"$OUT/wakepair" 127.0.0.1 "$PORT" "$N" "$ROUNDS" > "$WORK/runs"

med() { # MODE: median ns per message
	awk -v m="$1" '$1 == m { print $2 }' "$WORK/runs" | median
}
muted=$(med muted)
plain=$(med plain)
echo "CPU per QoS 0 publish, $N messages x $ROUNDS rounds, median"
printf '  %-34s %8s\n' mode "ns/msg"
printf '  %-34s %8.0f\n' "wake-up pair as libmosquitto has it" "$plain"
printf '  %-34s %8.0f\n' "write end muted (lib/wakepair.h)" "$muted"
echo
r=$(fmt "$(calc "$muted / $plain")" 2)
result "wakepair: CPU ns per publish" "$(fmt "$muted" 0)" \
	"$(fmt "$plain" 0)" "$r" "muted/plain<=0.95" "$(verdict "$r" '<=' 0.95)"
