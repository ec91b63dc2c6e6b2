# lib.sh - shared by every benchmark: a private mosquitto on a free loopback
# port, clean-up on exit, timing and statistics helpers, result rows.
#
# Source it from a bench script, then call bench_init NAME.  Every
# background process a script starts goes through bench_bg or bench_track
# (or is the broker started here), so the EXIT trap can stop exactly those
# and nothing else (by pid, and only while they are unreaped children).
#
# Statistics: the machine is small (2 cores) and shared, so every figure is
# a median over repeated runs, and yoke and its peer alternate within each
# round, so a burst of outside load hits both rather than one.

# shellcheck shell=bash disable=SC2034 # sets variables for the scripts
BENCH_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$BENCH_TOP/bin"
OUT="$BENCH_TOP/bench/out"

# Benchmarks must not read the developer's yoke config or environment.
unset YOKE_BROKER YOKE_ORG YOKE_ROOT YOKE_ROBOT YOKE_CONFIG YOKE_USERNAME \
	YOKE_PASSWORD YOKE_KEEPALIVE YOKE_API_KEY YOKE_BACKEND_URL \
	YOKE_API_KEY_FILE
export NO_COLOR=1

_bench_pids=()

bench_init() {
	BENCH_NAME=$1
	mkdir -p "$OUT"
	WORK=$(mktemp -d "$OUT/$BENCH_NAME.XXXXXX")
	export XDG_CONFIG_HOME="$WORK/xdg"
	# Rows for bench/run's table; a script run alone keeps its own.
	: "${BENCH_RESULTS:=$WORK/results.tsv}"
	trap bench_cleanup EXIT
	trap 'echo "$BENCH_NAME: interrupted" >&2; exit 130' INT
	trap 'echo "$BENCH_NAME: terminated" >&2; exit 143' TERM
	# set -e ends a script at the first failing command: say which
	set -E
	trap 'echo "$BENCH_NAME: line $LINENO: \"$BASH_COMMAND\" failed" >&2' ERR
	local t
	for t in yoke-pub yoke-sub; do
		if [ ! -x "$BIN/$t" ]; then
			echo "$BENCH_NAME: $BIN/$t is missing: run make" >&2
			exit 1
		fi
	done
	for t in mosquitto mosquitto_pub mosquitto_sub; do
		if ! command -v "$t" > /dev/null; then
			echo "$BENCH_NAME: $t is missing:" \
				"install mosquitto and mosquitto-clients" >&2
			exit 1
		fi
	done
}

# _running PID: PID is a child of this shell that has not been reaped, so
# the number cannot have been reused by some other process.
_running() {
	local j
	for j in $(jobs -pr); do
		[ "$j" = "$1" ] && return 0
	done
	return 1
}

# Stop what this script started: tracked children that still run, and
# their own children (GNU time does not pass SIGTERM on to its command).
bench_cleanup() {
	local p c kids=()
	for p in "${_bench_pids[@]}"; do
		_running "$p" || continue
		# ps fails when there are none: not an error (ERR trap)
		for c in $(ps -o pid= --ppid "$p" 2> /dev/null || true); do
			kids+=("$c")
		done
		kill "$p" 2> /dev/null || true
	done
	for c in "${kids[@]}"; do
		kill "$c" 2> /dev/null || true
	done
	stop_broker
	for p in "${_bench_pids[@]}"; do
		wait "$p" 2> /dev/null || true
	done
	_bench_pids=()
	if [ -n "${WORK:-}" ] && [ -z "${BENCH_KEEP:-}" ]; then
		rm -rf "$WORK"
	fi
}

# bench_bg CMD...: run CMD in the background, remembered for clean-up;
# its pid is in $BG_PID.  Redirections written after the call are opened
# by this shell before CMD starts: fine for output files, but opening a
# FIFO would block here, and stdin does not reach CMD at all (bash gives a
# background job /dev/null); for those, start the command with & and its
# own redirections yourself, then bench_track.
bench_bg() {
	"$@" &
	BG_PID=$!
	_bench_pids+=("$BG_PID")
}

# bench_track PID: stop PID too on exit.
bench_track() {
	_bench_pids+=("$1")
}

# ---------------------------------------------------------------- broker

# start_broker [LINE...]: mosquitto on a free 127.0.0.1 port, with LINEs
# added to its config.  Sets PORT, BROKER_PID, BROKER_LOG, YB (yoke's -b
# URL).
#
# Beyond the listener and anonymous access the config says two things:
# max_queued_messages 0 - mosquitto 2.0 otherwise drops messages for a
#   subscriber that lags 1000 behind, and a count of what a publisher
#   delivered must not depend on how fast the counting subscriber is;
# log_type subscribe - the log line "<client> <qos> <topic>" is written once
#   the subscription is live, which is how a script knows a subscriber is
#   ready before it starts a flood (wait_subscribed).  Connection notices are
#   off: one-shot benchmarks would otherwise log two lines per run.
start_broker() {
	BROKER_DIR="$WORK/broker"
	mkdir -p "$BROKER_DIR"
	BROKER_LOG="$BROKER_DIR/log"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		PORT=$((20000 + RANDOM % 40000))
		# something already answers there: try another
		if (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null; then
			continue
		fi
		cat > "$BROKER_DIR/mosquitto.conf" <<-EOF
			listener $PORT 127.0.0.1
			allow_anonymous true
			max_queued_messages 0
			log_dest stderr
			log_type error
			log_type warning
			log_type subscribe
		EOF
		if [ $# -gt 0 ]; then
			printf '%s\n' "$@" >> "$BROKER_DIR/mosquitto.conf"
		fi
		: > "$BROKER_LOG"
		mosquitto -c "$BROKER_DIR/mosquitto.conf" 2>> "$BROKER_LOG" &
		BROKER_PID=$!
		if wait_port "$PORT" "$BROKER_PID"; then
			YB="mqtt://127.0.0.1:$PORT"
			return 0
		fi
		echo "$BENCH_NAME: mosquitto did not start on port $PORT:" \
			"$(tail -1 "$BROKER_LOG")" >&2
		if _running "$BROKER_PID"; then
			kill "$BROKER_PID" 2> /dev/null || true
		fi
		wait "$BROKER_PID" 2> /dev/null || true
		BROKER_PID=
	done
	echo "$BENCH_NAME: could not start mosquitto" >&2
	cat "$BROKER_LOG" >&2
	exit 1
}

stop_broker() {
	if [ -n "${BROKER_PID:-}" ]; then
		if _running "$BROKER_PID"; then
			kill "$BROKER_PID" 2> /dev/null || true
		fi
		wait "$BROKER_PID" 2> /dev/null || true
		BROKER_PID=
	fi
}

# wait_port PORT [PID]: until something listens on 127.0.0.1:PORT (5 s).
wait_port() {
	local i
	for i in $(seq 1 100); do
		if [ -n "${2:-}" ] && ! kill -0 "$2" 2> /dev/null; then
			return 1
		fi
		if (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# sub_count TOPIC: subscriptions to exactly TOPIC the broker has logged.
sub_count() {
	grep -c -- " $1\$" "$BROKER_LOG" || true
}

# wait_subscribed TOPIC N: until the broker has logged N subscriptions to
# TOPIC (10 s); fails if not.
wait_subscribed() {
	local i
	for i in $(seq 1 1000); do
		if [ "$(sub_count "$1")" -ge "$2" ]; then
			return 0
		fi
		sleep 0.01
	done
	echo "$BENCH_NAME: no subscription to '$1' after 10 s" >&2
	return 1
}

# ---------------------------------------------------------------- timing

# now_us: wall clock in microseconds, without a fork (bash 5).
now_us() {
	echo "${EPOCHREALTIME/./}"
}

# ------------------------------------------------------------ statistics

# median: of the numbers on stdin, one per line.
median() {
	sort -g | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) { print "nan"; exit }
			if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# pctl P: nearest-rank P-th percentile of the numbers on stdin.
pctl() {
	sort -g | awk -v p="$1" '{ v[NR] = $1 }
		END {
			if (NR == 0) { print "nan"; exit }
			i = int(p / 100 * NR + 0.999999)
			if (i < 1) i = 1
			if (i > NR) i = NR
			print v[i]
		}'
}

# mean: of the numbers on stdin.
mean() {
	awk '{ s += $1; n++ } END { if (n) print s / n; else print "nan" }'
}

# calc EXPR: floating-point arithmetic, printed with up to 4 decimals.
calc() {
	awk "BEGIN { v = $1; if (v == int(v)) printf \"%d\\n\", v;
		else printf \"%.10g\\n\", v }"
}

# fmt N DECIMALS: round for display.
fmt() {
	awk -v v="$1" -v d="$2" 'BEGIN { printf "%.*f\n", d, v }'
}

# ---------------------------------------------------------------- results

# verdict VALUE OP LIMIT: PASS or MISS (OP is <=, <, >= or >).
verdict() {
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		if (op == "<=") ok = v + 0 <= l + 0
		else if (op == "<") ok = v + 0 < l + 0
		else if (op == ">=") ok = v + 0 >= l + 0
		else ok = v + 0 > l + 0
		print ok ? "PASS" : "MISS"
	}'
}

# result NAME YOKE PEER RATIO GOAL STATUS: one row of the summary table.
# STATUS is PASS, MISS or "-" (information, no goal).
result() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$BENCH_RESULTS"
	printf '  %-34s yoke %-14s peer %-14s ratio %-7s goal %-13s %s\n' "$@"
}

# say MSG...: progress on stderr, so stdout stays the figures.
say() {
	echo "$BENCH_NAME: $*" >&2
}

# lines_file N: the path of a file of N JSON lines, {"metric":...,"value":I},
# made once and kept in $OUT.
lines_file() {
	local f="$OUT/lines-$1.txt"
	if [ ! -s "$f" ]; then
		awk -v n="$1" 'BEGIN {
			for (i = 1; i <= n; i++)
				printf "{\"metric\":\"temp_c\",\"value\":%d}\n", i
		}' > "$f.tmp"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}
