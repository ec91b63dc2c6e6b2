#!/usr/bin/env bash
# creds.sh - one-shot publish with the broker credentials from the backend,
# cached: `yoke-pub -q 1` (YOKE_BACKEND_URL + YOKE_API_KEY, answer in the
# cache) against `mosquitto_pub -q 1 -u USER -P PASSWORD`, the same broker
# with a password file, the same payload.  Goal: yoke/peer <= 1.1.
#
# The cache is filled once from tests/e2e/backend_server.py (the fake
# backend of the tests); the timed runs make no HTTP request (checked).
# For information: yoke-pub given the broker by -b and the password by
# YOKE_PASSWORD (what the cache costs), and a fetch each run (cache removed
# before each; the backend on loopback, so this is libcurl's start-up and
# one local HTTP exchange).  Method as oneshot.sh: hyperfine -N, rounds in
# rotating order, median of every run.
#
# Environment: CREDS_ROUNDS (default 5), CREDS_RUNS per round (60),
# CREDS_WARMUP (10).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init creds

ROUNDS=${CREDS_ROUNDS:-5}
RUNS=${CREDS_RUNS:-60}
WARMUP=${CREDS_WARMUP:-10}

for t in hyperfine jq python3 mosquitto_passwd; do
	if ! command -v "$t" > /dev/null; then
		echo "creds: needs $t" >&2
		exit 1
	fi
done

USER_=robot
PASS=bench-pass-7d2
KEY_=sk-bench-key
touch "$WORK/passwd"
chmod 600 "$WORK/passwd"
mosquitto_passwd -b "$WORK/passwd" "$USER_" "$PASS"
# started as root, mosquitto would switch users and lose the file
start_broker "password_file $WORK/passwd" "user $(id -un)"

SRV="$WORK/backend"
mkdir -p "$SRV"
echo "$KEY_" > "$SRV/key"
printf '{"host":"127.0.0.1","port":%s,"username":"%s","password":"%s","tls":false,"expires_in":86400}\n' \
	"$PORT" "$USER_" "$PASS" > "$SRV/creds"
python3 "$BENCH_TOP/tests/e2e/backend_server.py" "$SRV" 2> "$SRV/log" &
bench_track $!
for _ in $(seq 1 100); do
	[ -s "$SRV/port" ] && break
	sleep 0.05
done
if [ ! -s "$SRV/port" ]; then
	echo "creds: the fake backend did not start: $(cat "$SRV/log")" >&2
	exit 1
fi

export XDG_RUNTIME_DIR="$WORK/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
export YOKE_BACKEND_URL="http://127.0.0.1:$(cat "$SRV/port")"
export YOKE_API_KEY=$KEY_
# for the -b run only: a broker given by flag wins over the backend
export YOKE_USERNAME=$USER_ YOKE_PASSWORD=$PASS

KEY=arm-1/x
TOPIC=yoke/default/$KEY
# fill the cache: the answer is per robot (the host name, and arm-1)
"$BIN/yoke-pub" "$KEY" -m hello -q 1
YOKE_ROBOT=arm-1 "$BIN/yoke-pub" "$KEY" -m hello -q 1
if [ "$(wc -l < "$SRV/requests")" != 2 ]; then
	echo "creds: the cache was not filled" >&2
	exit 1
fi

# The fleet tools' one-shot reports, with the same cached credentials,
# against the same peer (which sends one message; yoke-fault sends two).
names=(yoke-cached peer yoke-b fault-cached status-cached)
cmds=("$BIN/yoke-pub $KEY -m hello -q 1"
	"mosquitto_pub -h 127.0.0.1 -p $PORT -u $USER_ -P $PASS -t $TOPIC -m hello -q 1"
	"$BIN/yoke-pub -b $YB $KEY -m hello -q 1"
	"$BIN/yoke-fault -r arm-1 MOTOR_OVERHEAT"
	"$BIN/yoke-robot-status -r arm-1 set online")
nc=${#names[@]}
for r in $(seq 1 "$ROUNDS"); do
	args=()
	for i in $(seq 0 $((nc - 1))); do
		j=$(((i + r - 1) % nc))
		args+=(-n "${names[j]}" "${cmds[j]}")
	done
	say "round $r/$ROUNDS: $nc commands x $RUNS runs"
	hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" \
		--export-json "$WORK/round$r.json" "${args[@]}" \
		> /dev/null 2>> "$WORK/hyperfine.log"
done
if [ "$(wc -l < "$SRV/requests")" != 2 ]; then
	echo "creds: a cached run asked the backend" >&2
	exit 1
fi
say "fetch each run: $RUNS runs"
hyperfine -N --style none --warmup 3 --runs "$RUNS" \
	--prepare "rm -r $XDG_RUNTIME_DIR/yoke" \
	--export-json "$WORK/fetch.json" -n yoke-fetch \
	"$BIN/yoke-pub $KEY -m hello -q 1" > /dev/null 2>> "$WORK/hyperfine.log"
if [ "$(wc -l < "$SRV/requests")" != $((2 + 3 + RUNS)) ]; then
	echo "creds: the fetch runs did not all fetch" >&2
	exit 1
fi

# times NAME: every run of command NAME, in milliseconds.
times() {
	jq -r --arg n "$1" \
		'.results[] | select(.command == $n) | .times[] | . * 1000' \
		"$WORK"/round*.json "$WORK/fetch.json"
}

echo "one-shot publish QoS 1 with a password, wall time per process (ms)"
printf '  %-12s %8s %8s %8s %8s\n' tool median mean p10 p90
for t in yoke-cached peer yoke-b fault-cached status-cached yoke-fetch; do
	times "$t" > "$WORK/$t.ms"
	printf '  %-12s %8.3f %8.3f %8.3f %8.3f\n' "$t" \
		"$(median < "$WORK/$t.ms")" "$(mean < "$WORK/$t.ms")" \
		"$(pctl 10 < "$WORK/$t.ms")" "$(pctl 90 < "$WORK/$t.ms")"
done
echo
y=$(median < "$WORK/yoke-cached.ms")
p=$(median < "$WORK/peer.ms")
b=$(median < "$WORK/yoke-b.ms")
f=$(median < "$WORK/yoke-fetch.ms")
ratio=$(fmt "$(calc "$y / $p")" 2)
result "one-shot pub QoS 1, cached creds (ms)" "$(fmt "$y" 2)" \
	"$(fmt "$p" 2)" "$ratio" "yoke/peer<=1.1" "$(verdict "$ratio" '<=' 1.1)"
for t in fault status; do
	c=$(median < "$WORK/$t-cached.ms")
	ratio=$(fmt "$(calc "$c / $p")" 2)
	result "one-shot $t, cached creds (ms)" "$(fmt "$c" 2)" \
		"$(fmt "$p" 2)" "$ratio" "yoke/peer<=1.1" \
		"$(verdict "$ratio" '<=' 1.1)"
done
result "cached creds vs -b, yoke (ms)" "$(fmt "$y" 2)" "$(fmt "$b" 2)" \
	"$(fmt "$(calc "$y / $b")" 2)" "info" "-"
result "fetch each run vs peer (ms)" "$(fmt "$f" 2)" "$(fmt "$p" 2)" \
	"$(fmt "$(calc "$f / $p")" 2)" "info" "-"
