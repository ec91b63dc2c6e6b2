#!/usr/bin/env bats
# Readiness (lib/ready.h): the long-running tools -- yoke-sub, yoke-get
# --serve, yoke-alive, yoke-robot-status agent, yoke-sim -- say when they
# are ready, with --ready-fd N (a line, then the descriptor closed) and
# the systemd notify protocol (READY=1 to $NOTIFY_SOCKET, a path or an
# abstract @name; notify.py plays the service manager).  Ready means
# what a peer relies on, so each case acts at once after it, with no
# sleep: a message published is received, a query answered, a token
# listed, a command obeyed.
bats_require_minimum_version 1.5.0
load helpers

# started CMD [ARGS...]: CMD --ready-fd 5 ARGS in the background (BG its
# pid), 5 a fifo; returns once CMD said it is ready (the line in LINE),
# or fails when the fifo ended first (CMD died) or after 20 s (a hang).
started() {
	local f=$BATS_TEST_TMPDIR/ready.fifo
	rm -f "$f"
	mkfifo "$f"
	"$1" --ready-fd 5 "${@:2}" 5> "$f" 3>&- &
	BG=$!
	PIDS+=($BG)
	LINE=
	read -r -t 20 LINE < "$f"
}

# notified SOCKET: notify.py on SOCKET in the background (NPID), bound
# when this returns; its output in $BATS_TEST_TMPDIR/notify.
notified() {
	timeout 40 python3 "$BATS_TEST_DIRNAME/notify.py" "$1" \
		> "$BATS_TEST_TMPDIR/notify" 3>&- &
	NPID=$!
	PIDS+=($NPID)
	wait_for grep -q listening "$BATS_TEST_TMPDIR/notify"
}

@test "yoke-sub --ready-fd: once it says ready, a message published is received" {
	started yoke-sub $B "$R/x" -C 1 -q 1 > "$BATS_TEST_TMPDIR/out"
	[ "$LINE" = ready ]
	yoke-pub $B "$R/x" -q 1 -m hello
	wait "$BG"
	[ "$(jq -r .payload "$BATS_TEST_TMPDIR/out")" = hello ]
}

@test "yoke-sub: READY=1 to \$NOTIFY_SOCKET (a path), then a message published is received" {
	notified "$BATS_TEST_TMPDIR/notify.sock"
	NOTIFY_SOCKET="$BATS_TEST_TMPDIR/notify.sock" \
		yoke-sub $B "$R/x" -C 1 -q 1 > "$BATS_TEST_TMPDIR/out" 3>&- &
	SUB=$!
	PIDS+=($SUB)
	wait "$NPID"
	[ "$(cat "$BATS_TEST_TMPDIR/notify")" = "listening
READY=1" ]
	yoke-pub $B "$R/x" -q 1 -m hello
	wait "$SUB"
	[ "$(jq -r .payload "$BATS_TEST_TMPDIR/out")" = hello ]
}

@test "yoke-get --serve: READY=1 to an abstract @socket, then a query is answered" {
	echo 42 > "$BATS_TEST_TMPDIR/reply"
	notified "@yoke-test-$R-$$"
	NOTIFY_SOCKET="@yoke-test-$R-$$" yoke-get $B --serve "$R/cfg" \
		--reply-file "$BATS_TEST_TMPDIR/reply" 3>&- &
	PIDS+=($!)
	wait "$NPID"
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/notify")" = READY=1 ]
	run --separate-stderr yoke-get $B "$R/cfg" -C 1 -W "$HANG_S"
	[ "$status" -eq 0 ]
	[ "$(jq -c .payload <<< "$output")" = 42 ]
}

@test "yoke-get --serve --ready-fd: then a query is answered" {
	echo 42 > "$BATS_TEST_TMPDIR/reply"
	started yoke-get $B --serve "$R/cfg" \
		--reply-file "$BATS_TEST_TMPDIR/reply"
	[ "$LINE" = ready ]
	run --separate-stderr yoke-get $B "$R/cfg" -C 1 -W "$HANG_S"
	[ "$status" -eq 0 ]
	[ "$(jq -c .payload <<< "$output")" = 42 ]
}

@test "yoke-alive KEY: ready once the token is confirmed; a list sees it at once" {
	started yoke-alive $B "$R/job"
	[ "$LINE" = ready ]
	run --separate-stderr yoke-alive $B --list "$R/job" --json
	[ "$status" -eq 0 ]
	[ "$(jq -r .key <<< "$output")" = "$R/job" ]
}

@test "yoke-alive KEY -- CMD: the command inherits neither the descriptor nor NOTIFY_SOCKET" {
	f=$BATS_TEST_TMPDIR/ready.fifo
	mkfifo "$f"
	# the reader sees the end of the fifo once yoke-alive closed it: a
	# command that had inherited it would hold it open for 30 s
	NOTIFY_SOCKET=@yoke-unused-$$ yoke-alive $B "$R/job" --ready-fd 5 -- \
		sh -c 'echo "${NOTIFY_SOCKET-unset}"; exec sleep 30' \
		5> "$f" > "$BATS_TEST_TMPDIR/out" 3>&- &
	PIDS+=($!)
	run timeout 20 cat "$f"
	[ "$status" -eq 0 ]
	[ "$output" = ready ]
	wait_lines "$BATS_TEST_TMPDIR/out" 1
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = unset ]
}

@test "yoke-alive --watch --ready-fd: subscribed, then a new token is seen" {
	started yoke-alive $B --watch "$R/**" --json > "$BATS_TEST_TMPDIR/out"
	[ "$LINE" = ready ]
	yoke-pub $B "$R/job/alive" -q 1 -r -m '{"alive":true}'
	wait_lines "$BATS_TEST_TMPDIR/out" 1
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "{\"key\":\"$R/job\",\"alive\":true}" ]
}

@test "yoke-robot-status agent --ready-fd: status and token confirmed" {
	started yoke-robot-status $B -r "$R" agent
	[ "$LINE" = ready ]
	run --separate-stderr yoke-robot-status $B wait "$R" online -W "$HANG_S"
	[ "$status" -eq 0 ]
	run --separate-stderr yoke-alive $B --list "$R"
	[ "$status" -eq 0 ]
}

@test "yoke-sim --ready-fd: every robot subscribed and holding its token" {
	started yoke-sim $B -r "$R" -C 2
	[ "$LINE" = ready ]
	run --separate-stderr yoke-alive $B --list '*' --json
	[ "$status" -eq 0 ]
	[ "$(jq -r .key <<< "$output" | grep "^$R-" | sort | tr '\n' ' ')" = "$R-001 $R-002 " ]
	# a command sent now is obeyed: its commands are subscribed
	run --separate-stderr yoke-drive $B "$R-002" mode damp
	[ "$status" -eq 0 ]
	run --separate-stderr yoke-drive $B "$R-002" state mode -W 10
	[ "$output" = '"DAMP"' ]
}

@test "a tool that fails before it is ready leaves the reader an end of file, no line" {
	run started yoke-sub -b mqtt://127.0.0.1:1 "$R/x"
	[ "$status" -ne 0 ]
	[ -z "$LINE" ]
}

@test "--ready-fd: a descriptor that is not open, 0-2, or a mode that never runs: exit 2" {
	run --separate-stderr yoke-sub $B "$R/x" --ready-fd 7
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: --ready-fd 7: descriptor 7 is not open" ]
	run --separate-stderr yoke-sub $B "$R/x" --ready-fd 2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: invalid value '2' for --ready-fd: expected an integer from 3 to 1048575" ]
	run --separate-stderr yoke-get $B "$R/x" --ready-fd 5 5> /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-get: --ready-fd goes with --serve, not a query" ]
	run --separate-stderr yoke-alive $B --list --ready-fd 5 5> /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-alive: --ready-fd goes with KEY and --watch" ]
	run --separate-stderr yoke-robot-status $B set online -r "$R" --ready-fd 5 5> /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: --ready-fd goes with agent, not set" ]
}

@test "a NOTIFY_SOCKET nobody listens on is a warning: the tool runs on" {
	run --separate-stderr env NOTIFY_SOCKET="$BATS_TEST_TMPDIR/none.sock" \
		yoke-sub $B "$R/x" -W 1
	[ "$status" -eq 3 ]
	[ "${stderr%%$'\n'*}" = "yoke-sub: cannot notify '$BATS_TEST_TMPDIR/none.sock': No such file or directory" ]
}
