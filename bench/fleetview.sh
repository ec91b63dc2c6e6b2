#!/usr/bin/env bash
# fleetview.sh - time to the first full fleet table: `yoke-robot-status`
# over 1,000 robots, each with a retained status, heartbeat, token and
# roster entry (4,000 retained messages).  Goal: under 1 s.
#
# The peer is mosquitto_sub told in advance how many messages to wait for
# (-C 4000) on the same four filters: the least a client can do to have
# the same data, without knowing that it is complete (yoke learns that
# from its sync marker), and without parsing or judging it.
#
# Environment: FLEETVIEW_ROBOTS (default 1000), FLEETVIEW_RUNS (default 20).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init fleetview

N=${FLEETVIEW_ROBOTS:-1000}
RUNS=${FLEETVIEW_RUNS:-20}
if ! command -v hyperfine > /dev/null || ! command -v jq > /dev/null; then
	echo "fleetview: needs hyperfine and jq" >&2
	exit 1
fi
start_broker

say "retaining status, heartbeat, token and roster entry of $N robots"
now=$(date +%s)
for i in $(seq 1 "$N"); do
	r=$(printf 'robot-%04d' "$i")
	s=online
	[ $((i % 10)) -eq 0 ] && s=idle
	[ $((i % 97)) -eq 0 ] && s=fault
	printf '{"key":"%s/status","payload":{"status":"%s","ts":%s,"heartbeat_s":30}}\n' "$r" "$s" "$now"
	printf '{"key":"%s/heartbeat","payload":{"ts":%s,"seq":%s,"uptime_s":%s}}\n' "$r" "$now" "$i" "$i"
	printf '{"key":"%s/alive","payload":{"alive":true,"since":%s,"host":"%s","pid":%s}}\n' "$r" "$now" "$r" "$i"
	printf '{"key":"%s/meta","payload":{"name":"Robot %s","model":"sim","created":%s}}\n' "$r" "$i" "$now"
done | "$BIN/yoke-pub" -b "$YB" --ndjson -r -q 1

rows=$("$BIN/yoke-robot-status" -b "$YB" --json | wc -l)
if [ "$rows" -ne "$N" ]; then
	echo "fleetview: $rows rows, expected $N" >&2
	exit 1
fi
f="yoke/default/+"
hyperfine -N --style none --warmup 3 --runs "$RUNS" \
	--export-json "$WORK/h.json" \
	-n yoke "$BIN/yoke-robot-status -b $YB --json" \
	-n peer "mosquitto_sub -h 127.0.0.1 -p $PORT -C $((4 * N)) -t $f/status -t $f/heartbeat -t $f/alive -t $f/meta" \
	> /dev/null 2>> "$WORK/hyperfine.log"

ms() {
	jq -r --arg n "$1" \
		'.results[] | select(.command == $n) | .times[] | . * 1000' \
		"$WORK/h.json" | median
}
y=$(ms yoke)
p=$(ms peer)
echo "first full table of $N robots ($((4 * N)) retained messages)," \
	"median of $RUNS runs:"
printf '  yoke-robot-status --json  %8.1f ms\n' "$y"
printf '  mosquitto_sub -C %d     %8.1f ms\n' $((4 * N)) "$p"
ratio=$(fmt "$(calc "$y / $p")" 2)
result "fleet view, $N robots (median ms)" "$(fmt "$y" 1)" "$(fmt "$p" 1)" \
	"$ratio" "yoke<1000ms" "$(verdict "$y" '<' 1000)"
