# helpers.bash - shared by every e2e test: a real mosquitto on a free
# loopback port, per test file, and small waiting helpers.
#
# Each .bats file calls start_broker in setup_file and stop_broker in
# teardown_file; tests use $B (the -b argument) or YOKE_BROKER.

YOKE_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
# The tools under test: bin/, or YOKE_BIN_DIR (tests/run sets it; the
# sanitizer build's are in build/asan/bin).
YOKE_BIN=${YOKE_BIN_DIR:-$YOKE_TOP/bin}
export PATH="$YOKE_BIN:$PATH"
# Tests must not read the developer's config.
export XDG_CONFIG_HOME="$BATS_FILE_TMPDIR/xdg"
unset YOKE_BROKER YOKE_ORG YOKE_ROOT YOKE_ROBOT YOKE_CONFIG YOKE_USERNAME \
	YOKE_PASSWORD YOKE_KEEPALIVE

# start_broker [NAME] [EXTRA CONFIG LINES...]
# Starts mosquitto with its config in $BATS_FILE_TMPDIR/NAME/ and exports
# BROKER_PORT, BROKER_PID, BROKER_DIR, B ("-b mqtt://127.0.0.1:PORT").
start_broker() {
	local name=${1:-broker} tries port
	shift || true
	BROKER_DIR="$BATS_FILE_TMPDIR/$name"
	mkdir -p "$BROKER_DIR"
	for tries in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 40000))
		write_broker_conf "$port" "$@"
		# 3>&-: bats waits for fd 3 to close before it ends a file
		mosquitto -c "$BROKER_DIR/mosquitto.conf" \
			> "$BROKER_DIR/log" 2>&1 3>&- &
		BROKER_PID=$!
		echo "$BROKER_PID" > "$BROKER_DIR/pid"
		if wait_port "$port" "$BROKER_PID"; then
			export BROKER_PORT=$port BROKER_PID BROKER_DIR
			export B="-b mqtt://127.0.0.1:$port"
			export YOKE_TEST_BROKER="mqtt://127.0.0.1:$port"
			return 0
		fi
	done
	echo "could not start mosquitto" >&2
	cat "$BROKER_DIR/log" >&2
	return 1
}

write_broker_conf() {
	local port=$1
	shift
	{
		echo "listener $port 127.0.0.1"
		echo "allow_anonymous true"
		echo "persistence true"
		echo "persistence_location $BROKER_DIR/"
		# started as root, mosquitto would switch to its own user and
		# could not save its state in our temporary directory
		echo "user $(id -un)"
		echo "autosave_interval 0"
		for l in "$@"; do echo "$l"; done
	} > "$BROKER_DIR/mosquitto.conf"
}

# wait_port PORT [PID]: until something listens on 127.0.0.1:PORT (PID
# itself: tests/run runs files in parallel, and another file's broker may
# hold the port while ours fails to bind it)
wait_port() {
	local end=$((SECONDS + HANG_S))
	while [ "$SECONDS" -lt "$end" ]; do
		if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then
			return 1
		fi
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null &&
		    { [ -z "${2:-}" ] || listens "$1" "$2"; }; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# listens PORT PID: PID has the listening socket of 127.0.0.1:PORT
listens() {
	ss -Hltnp "sport = :$1" 2>/dev/null | grep -q "pid=$2,"
}

# The pid lives in a file: a broker restarted inside a test (another
# process than teardown_file) must still be the one stopped.
stop_broker() {
	local pid
	pid=$(cat "$BROKER_DIR/pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
	# not always our child: wait for it to be gone
	wait_for eval "! kill -0 $pid 2> /dev/null" || true
}

# restart_broker [DOWNTIME]: SIGTERM (mosquitto saves its persistence
# file), stay down DOWNTIME seconds, start again on the same port.
restart_broker() {
	stop_broker
	sleep "${1:-0}"
	mosquitto -c "$BROKER_DIR/mosquitto.conf" >> "$BROKER_DIR/log" 2>&1 3>&- &
	BROKER_PID=$!
	echo "$BROKER_PID" > "$BROKER_DIR/pid"
	export BROKER_PID
	wait_port "$BROKER_PORT" "$BROKER_PID"
}

# The hang guard: how long a test waits for something that must happen
# before it calls it a hang.  It measures nothing: what a test awaits
# comes in milliseconds on an idle machine and in seconds on a loaded CI
# machine (2 cores, several files at once); HANG_S is far beyond both, and
# only a test that fails ever waits that long.  No test asserts on how
# long anything took (machines are noisy): it checks an order of events,
# a count, an exit code or what a tool printed.
HANG_S=${YOKE_TEST_HANG_S:-30}

# wait_for CMD...: retry CMD until it succeeds; false after HANG_S.
wait_for() {
	local end=$((SECONDS + HANG_S))
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# wait_lines FILE N: until FILE has at least N lines.
wait_lines() {
	wait_for has_lines "$1" "$2"
}

has_lines() {
	[ "$(wc -l < "$1" 2>/dev/null || echo 0)" -ge "$2" ]
}

# A unique key prefix per test, so tests sharing a broker never see each
# other's retained values.
uniq_robot() {
	echo "r$BATS_SUITE_TEST_NUMBER-$RANDOM"
}

# subscribed ERRFILE: until the `yoke-sub -v` (or yoke-get, yoke-alive)
# writing its stderr to ERRFILE says its subscriptions are in place.
subscribed() {
	wait_for grep -qs ": subscribed to '" "$1"
}

# The broker's log tells what it saw, in the order it saw it: a client's
# keepalive ("(p5, c1, k5)"), each connection attempt, why it dropped one.
# log_mark: remember where the log ends now; log_since: what the broker
# logged after the mark.
log_mark() { LOG_MARK=$(wc -l < "$BROKER_DIR/log"); }
log_since() { tail -n +$((LOG_MARK + 1)) "$BROKER_DIR/log"; }
# broker_says TEXT: the broker's log holds the line TEXT (after the
# "1700000000: " stamp)
broker_says() { grep -qF -- ": $1" "$BROKER_DIR/log"; }
# attempts: the connections the broker took since log_mark
attempts() { log_since | grep -c ': New connection from ' || true; }

# The broker side of our connections, from /proc/net/tcp: the state
# (0A listen, 01 established, 08 close-wait) and the bytes it has not
# read, in hex.
broker_socks() {
	awk -v p=":$(printf '%04X' "$BROKER_PORT")" \
		'$2 ~ p"$" { split($5, q, ":"); print $4, q[2] }' /proc/net/tcp
}
# unread: the broker has not yet read something a client sent (with the
# broker stopped, a packet that left the client is there)
unread() { broker_socks | grep -qv ' 00000000$'; }

# client_id ERRFILE: the client id a tool run with -v said (in ERRFILE)
# its first session connected as
client_id() {
	sed -n "s/^[a-z-]*: connected to .* as '\(.*\)'\$/\1/p" "$1" | head -1
}

# End the test's background processes (PIDS), resuming stopped ones first.
kill_pids() {
	local p
	for p in "${PIDS[@]}"; do kill -CONT "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}

# Default hooks; a file redefines what it needs after `load helpers`.
# R: this test's robot id; T: its topic prefix; O: its own organisation.
setup_file() { start_broker; }
teardown_file() { stop_broker; }
setup() {
	R=$(uniq_robot)
	T="yoke/default/$R"
	O="--org $R"
	PIDS=()
}
teardown() { kill_pids; }

# tty_until FILE PATTERN COMMAND-LINE: run the command on a pseudo-terminal
# (script(1); its size from COLUMNS and LINES, as script gives it none),
# the bytes it writes in FILE, until PATTERN shows in FILE; then stop it.
tty_until() {
	local file=$1 pat=$2 pid rc=0
	shift 2
	: > "$file"
	script -qfec "$*" "$file" > /dev/null 2>&1 < /dev/null 3>&- &
	pid=$!
	wait_for grep -q -- "$pat" "$file" || rc=1
	kill "$pid" 2> /dev/null || true
	wait "$pid" 2> /dev/null || true
	return $rc
}

# no_esc FILE: FILE holds no ESC byte (nothing a payload sent, under
# NO_COLOR, can drive the terminal).
no_esc() {
	! grep -q $'\033' "$1"
}
