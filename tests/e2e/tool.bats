#!/usr/bin/env bats
# The frame every tool's main runs in (lib/tool.h, lib/closeout.h):
# standard output that does not take what a tool wrote (a full disk,
# here /dev/full) is exit 1 with the cause, never exit 0; a reader that
# went away (EPIPE) is no error; a tool's own error is the one it tells.
bats_require_minimum_version 1.5.0
load helpers

# The tools on the frame: one more is one more word.
TOOLS="yoke yoke-pub yoke-sub yoke-get yoke-alive yoke-robot-status yoke-fault yoke-telemetry yoke-log yoke-drive yoke-sim"

# gone CMD...: run CMD with its standard output a pipe whose reader has
# already gone, so its first write is EPIPE (SIGPIPE as a shell leaves it)
gone() {
	python3 -c 'import os, subprocess, sys
r, w = os.pipe()
os.close(r)
sys.exit(subprocess.call(sys.argv[1:], stdout=w))' "$@"
}

# full_fails CMD...: CMD with its standard output on a full disk exits 1
# and says so, as the tool that is its first word
full_fails() {
	run --separate-stderr sh -c "$* > /dev/full"
	echo "$*: exit $status: $stderr"
	[ "$status" -eq 1 ]
	[ "$stderr" = "$1: write failure on standard output: No space left on device" ]
}

# gone_quiet CMD...: CMD whose reader went away exits 0, saying nothing
gone_quiet() {
	run --separate-stderr gone "$@"
	echo "$*: exit $status: $stderr"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "--help and --version to a full disk: exit 1 with the cause" {
	for t in $TOOLS; do
		full_fails "$t" --help
		full_fails "$t" --version
	done
}

@test "--help and --version to a reader gone: exit 0, nothing said" {
	for t in $TOOLS; do
		gone_quiet "$t" --help
		gone_quiet "$t" --version
	done
}

@test "a tool that writes nothing to a full disk or a closed stdout: exit 0" {
	run --separate-stderr sh -c "yoke-pub $B '$R/x' -m hi -q 1 > /dev/full"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run --separate-stderr sh -c "yoke-pub $B '$R/x' -m hi -q 1 >&-"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# what was written to a closed stdout is lost: that is a failure
	run --separate-stderr sh -c "yoke-pub --version >&-"
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-pub: write failure on standard output: Bad file descriptor" ]
}

@test "a tool's own error wins over its output's" {
	run --separate-stderr sh -c "yoke-pub '$R/x' > /dev/full"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: give exactly one of -m, -f, -s, -l, -n, --framing, --ndjson" ]
	run --separate-stderr sh -c "yoke nosuchtool > /dev/full"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke: 'nosuchtool' is not a yoke tool; see 'yoke help'" ]
}

@test "yoke help, yoke-pub --encode help: their lists to a full disk fail" {
	full_fails yoke help
	full_fails yoke-pub --encode help
	gone_quiet yoke-pub --encode help
}

@test "yoke-drive state from yoke-sim: to a full disk exit 1, to a reader gone exit 0" {
	mkfifo "$BATS_TEST_TMPDIR/ready"
	yoke-sim $B --robot "$R" --ready-fd 5 5> "$BATS_TEST_TMPDIR/ready" \
		> /dev/null 2> "$BATS_TEST_TMPDIR/sim.err" 3>&- &
	PIDS+=($!)
	read -r -t 20 _ < "$BATS_TEST_TMPDIR/ready"
	run --separate-stderr yoke-drive $B "$R" state -W 5
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	full_fails yoke-drive $B "$R" state -W 5
	gone_quiet yoke-drive $B "$R" state -W 5
}
