#!/usr/bin/env bash
# fleet.sh - wall time of one fleet report, process start to exit: each
# fleet tool's one-shot command against mosquitto_pub -q 1 of the same
# payload on the same topic.  Goal: yoke/peer <= 1.1.
#
# The peer does less: it sends the one message of the channel, while a
# fleet tool may send more (yoke-fault sends the fault, then the retained
# status "fault"; both acknowledged).  So each case also times yoke-pub
# -q 1 of that same payload: yoke against mosquitto_pub like for like,
# and what the tool adds on top of it.
#
# The payload is what the tool really sends: captured once from the
# broker before timing.  The method is oneshot.sh's: hyperfine -N, ROUNDS
# rounds in a rotating order, figure = median of every run.
#
# Environment: FLEET_ROUNDS (default 10), FLEET_RUNS per round (40),
# FLEET_WARMUP (10).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init fleet

ROUNDS=${FLEET_ROUNDS:-10}
RUNS=${FLEET_RUNS:-40}
WARMUP=${FLEET_WARMUP:-10}

if ! command -v hyperfine > /dev/null || ! command -v jq > /dev/null; then
	echo "fleet: needs hyperfine and jq" >&2
	exit 1
fi

# One line per case: add_case NAME KEY PEER-FLAGS TOOL ARGS...
#   KEY         the channel whose message the peer sends (the first the
#               tool sends there is captured as the payload)
#   PEER-FLAGS  mosquitto_pub flags beyond -q 1 ("-r" for a retained one)
#   TOOL ARGS   the yoke command, without -b
names=() keys=() flags=() tools=()
add_case() {
	local q
	names+=("$1")
	keys+=("$2")
	flags+=("$3")
	shift 3
	# hyperfine -N splits commands as a POSIX shell would
	printf -v q ' %q' "${@:2}"
	tools+=("$BIN/$1 -b \$YB$q")
}
add_case fault arm-1/faults "" \
	yoke-fault -r arm-1 MOTOR_OVERHEAT --severity critical \
	--data '{"motor":3,"temp_c":94.2}'
add_case status arm-1/status -r yoke-robot-status -r arm-1 set online

start_broker

# capture I: the payload of case I, as the broker delivers it, into
# $WORK/payloadI (mosquitto_sub ends it with a newline: dropped)
capture() {
	local topic="yoke/default/${keys[$1]}" out="$WORK/payload$1" pid
	mosquitto_sub -h 127.0.0.1 -p "$PORT" -q 1 -t "$topic" -C 1 -W 10 \
		> "$out.nl" &
	pid=$!
	bench_track "$pid"
	wait_subscribed "$topic" "$(($(sub_count "$topic") + 1))"
	eval "${tools[$1]//\$YB/$YB}" > /dev/null
	wait "$pid"
	printf '%s' "$(cat "$out.nl")" > "$out"
}

echo "one-shot fleet report, wall time per process (ms)," \
	"$ROUNDS x $RUNS runs each"
printf '  %-22s %8s %8s %8s %8s\n' command median mean p10 p90
for i in "${!names[@]}"; do
	n=${names[i]}
	topic="yoke/default/${keys[i]}"
	capture "$i"
	payload=$(cat "$WORK/payload$i")
	say "$n: payload $payload"
	printf -v q '%q' "$payload"
	cnames=("$n-yoke" "$n-peer" "$n-yoke-pub")
	cmds=("${tools[i]//\$YB/$YB}"
		"mosquitto_pub -h 127.0.0.1 -p $PORT -q 1 ${flags[i]} -t $topic -m $q"
		"$BIN/yoke-pub -b $YB -q 1 ${flags[i]} ${keys[i]} -m $q")
	for r in $(seq 1 "$ROUNDS"); do
		args=()
		for c in 0 1 2; do
			j=$(((c + r - 1) % 3))
			args+=(-n "${cnames[j]}" "${cmds[j]}")
		done
		say "$n: round $r/$ROUNDS: 3 commands x $RUNS runs"
		hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" \
			--export-json "$WORK/$n-round$r.json" "${args[@]}" \
			> /dev/null 2>> "$WORK/hyperfine.log"
	done
	for c in "${cnames[@]}"; do
		jq -r --arg n "$c" \
			'.results[] | select(.command == $n) | .times[] | . * 1000' \
			"$WORK/$n"-round*.json > "$WORK/$c.ms"
		printf '  %-22s %8.3f %8.3f %8.3f %8.3f\n' "$c" \
			"$(median < "$WORK/$c.ms")" "$(mean < "$WORK/$c.ms")" \
			"$(pctl 10 < "$WORK/$c.ms")" "$(pctl 90 < "$WORK/$c.ms")"
	done
done
echo
echo "  caveat: the peer sends one message; yoke-fault sends two, the fault"
echo "  then the retained status, one round trip each: the 'as yoke-pub' row"
echo "  is yoke like for like (one message, the same payload)"
for i in "${!names[@]}"; do
	n=${names[i]}
	y=$(median < "$WORK/$n-yoke.ms")
	p=$(median < "$WORK/$n-peer.ms")
	l=$(median < "$WORK/$n-yoke-pub.ms")
	ratio=$(fmt "$(calc "$y / $p")" 2)
	result "$n one-shot (median ms)" "$(fmt "$y" 2)" "$(fmt "$p" 2)" \
		"$ratio" "yoke/peer<=1.1" "$(verdict "$ratio" '<=' 1.1)"
	result "$n as yoke-pub -q 1 (median ms)" "$(fmt "$l" 2)" \
		"$(fmt "$p" 2)" "$(fmt "$(calc "$l / $p")" 2)" "info" "-"
done
