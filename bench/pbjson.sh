#!/usr/bin/env bash
# pbjson.sh - JSON <-> protobuf conversion rate, messages per second of
# CPU on one core, both ways, against protobuf-c's own pack and unpack of
# the same message: the ceiling, since each conversion does one of them
# plus the JSON work.  Goal: >= 200,000 EdgeTelemetry/s each way.
#
# The message is tests/unit/golden/pb_edge_telemetry_full.json, a fully
# populated asimov.EdgeTelemetry (25 joints x 4 arrays, IMU, 2 alerts;
# 532 bytes of protobuf, 993 of JSON), the same one the unit tests check
# byte for byte against protoc-c.  bench/pbjson.c (built into bench/out/)
# times each of the four operations for PBJSON_SECONDS of its own CPU
# time (CLOCK_PROCESS_CPUTIME_ID, so other load on the machine costs
# little), ROUNDS times; figures are the medians.  No broker: this is the
# library alone, as yoke-pub --encode and yoke-sub --decode call it.
#
# Environment: PBJSON_ROUNDS (5), PBJSON_SECONDS (1).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init pbjson

ROUNDS=${PBJSON_ROUNDS:-5}
SECS=${PBJSON_SECONDS:-1}
MSG="$BENCH_TOP/tests/unit/golden/pb_edge_telemetry_full.json"
GOAL=200000

if ! cc -O2 -std=c11 -D_GNU_SOURCE -I"$BENCH_TOP/lib" \
	-I"$BENCH_TOP/build/proto" -o "$OUT/pbjson" "$BENCH_TOP/bench/pbjson.c" \
	"$BENCH_TOP/lib/libyoke.a" "$BENCH_TOP/build/proto/libyokepb.a" \
	-lprotobuf-c -lm; then
	echo "pbjson: cannot build bench/pbjson.c (needs make first," \
		"libprotobuf-c-dev)" >&2
	exit 1
fi

for r in $(seq 1 "$ROUNDS"); do
	say "round $r/$ROUNDS"
	"$OUT/pbjson" asimov.EdgeTelemetry "$MSG" "$SECS" > "$WORK/round.$r"
done

# med NAME: the median over rounds of NAME's rate
med() {
	cat "$WORK"/round.* | awk -v n="$1" '$1 == n { print $2 }' | median
}
read -r _ pb _ js < "$WORK/round.1"
j2p=$(med json_to_pb)
pack=$(med pack)
p2j=$(med pb_to_json)
unpack=$(med unpack)

echo "pbjson, asimov.EdgeTelemetry ($pb bytes protobuf, $js bytes JSON)," \
	"messages/s of CPU, median of $ROUNDS rounds of ${SECS} s"
printf '  %-44s %12s %10s\n' operation "messages/s" "MB/s in"
row() { # LABEL RATE BYTES
	printf '  %-44s %12.0f %10.1f\n' "$1" "$2" "$(calc "$2 * $3 / 1e6")"
}
row "yoke JSON -> protobuf (yk_pb_json_to_bytes)" "$j2p" "$js"
row "protobuf-c pack (ceiling)" "$pack" "$pb"
row "yoke protobuf -> JSON (yk_pb_bytes_to_json)" "$p2j" "$pb"
row "protobuf-c unpack + free (ceiling)" "$unpack" "$pb"
echo

result "pbjson: JSON->protobuf EdgeTelemetry/s" "$(fmt "$j2p" 0)" \
	"$(fmt "$pack" 0)" "$(fmt "$(calc "$j2p / $pack")" 3)" \
	">= $GOAL/s" "$(verdict "$j2p" ">=" "$GOAL")"
result "pbjson: protobuf->JSON EdgeTelemetry/s" "$(fmt "$p2j" 0)" \
	"$(fmt "$unpack" 0)" "$(fmt "$(calc "$p2j / $unpack")" 3)" \
	">= $GOAL/s" "$(verdict "$p2j" ">=" "$GOAL")"
