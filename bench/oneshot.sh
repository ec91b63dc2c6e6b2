#!/usr/bin/env bash
# oneshot.sh - wall time of one publish, process start to exit, yoke-pub
# against mosquitto_pub, QoS 0 and QoS 1.  Goal: yoke/peer <= 1.0.
#
# hyperfine runs the four commands with no shell in between (-N), after a
# warm-up; that is repeated ROUNDS times so that yoke and its peer take
# turns (in a rotating order), and the figure is the median of every run
# of all rounds (the mean is printed too: on a shared machine it carries
# the outliers).
#
# Environment: ONESHOT_ROUNDS (default 10), ONESHOT_RUNS per round (60),
# ONESHOT_WARMUP (10).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init oneshot

ROUNDS=${ONESHOT_ROUNDS:-10}
RUNS=${ONESHOT_RUNS:-60}
WARMUP=${ONESHOT_WARMUP:-10}

if ! command -v hyperfine > /dev/null || ! command -v jq > /dev/null; then
	echo "oneshot: needs hyperfine and jq" >&2
	exit 1
fi
start_broker

KEY=arm-1/x
TOPIC=yoke/default/$KEY
names=(yoke-q0 peer-q0 yoke-q1 peer-q1)
cmds=("$BIN/yoke-pub -b $YB $KEY -m hello"
	"mosquitto_pub -h 127.0.0.1 -p $PORT -t $TOPIC -m hello"
	"$BIN/yoke-pub -b $YB $KEY -m hello -q 1"
	"mosquitto_pub -h 127.0.0.1 -p $PORT -t $TOPIC -m hello -q 1")
for r in $(seq 1 "$ROUNDS"); do
	# Each round starts with a different command: whatever the first
	# runs of a round pay (frequency ramp, cold caches) is shared out.
	args=()
	for i in 0 1 2 3; do
		j=$(((i + r - 1) % 4))
		args+=(-n "${names[j]}" "${cmds[j]}")
	done
	say "round $r/$ROUNDS: 4 commands x $RUNS runs"
	hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" \
		--export-json "$WORK/round$r.json" "${args[@]}" \
		> /dev/null 2>> "$WORK/hyperfine.log"
done

# times NAME: every run of command NAME, all rounds, in milliseconds.
times() {
	jq -r --arg n "$1" \
		'.results[] | select(.command == $n) | .times[] | . * 1000' \
		"$WORK"/round*.json
}

echo "one-shot publish, wall time per process (ms), $ROUNDS x $RUNS runs each"
printf '  %-8s %8s %8s %8s %8s\n' tool median mean p10 p90
for q in 0 1; do
	for t in yoke peer; do
		times "$t-q$q" > "$WORK/$t-q$q.ms"
		printf '  %-8s %8.3f %8.3f %8.3f %8.3f\n' "$t-q$q" \
			"$(median < "$WORK/$t-q$q.ms")" \
			"$(mean < "$WORK/$t-q$q.ms")" \
			"$(pctl 10 < "$WORK/$t-q$q.ms")" \
			"$(pctl 90 < "$WORK/$t-q$q.ms")"
	done
done
echo
for q in 0 1; do
	y=$(median < "$WORK/yoke-q$q.ms")
	p=$(median < "$WORK/peer-q$q.ms")
	ratio=$(fmt "$(calc "$y / $p")" 2)
	result "one-shot pub QoS $q (median ms)" "$(fmt "$y" 2)" "$(fmt "$p" 2)" \
		"$ratio" "yoke/peer<=1.0" "$(verdict "$ratio" '<=' 1.0)"
done
