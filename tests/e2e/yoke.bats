#!/usr/bin/env bats
# The dispatcher bin/yoke: `yoke TOOL ARGS` runs yoke-TOOL, `yoke help`,
# versions, unknown tools; and every tool's --help and --version.
bats_require_minimum_version 1.5.0
load helpers

TOOLS="pub sub get alive"
VERSION=0.1.0

@test "yoke pub / yoke sub: a retained round trip through the broker" {
	run --separate-stderr yoke pub $B "$R/x" -m hello -q 1 -r
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	run --separate-stderr yoke sub $B "$R/x" -C 1 -W "$HANG_S"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | jq -c 'del(.ts)')" = \
		"{\"key\":\"$R/x\",\"qos\":1,\"retain\":true,\"payload\":\"hello\"}" ]
}

@test "yoke pub / yoke sub: a live message" {
	yoke sub $B "$R/live" -C 1 -W "$HANG_S" > "$BATS_TEST_TMPDIR/out" \
		2> "$BATS_TEST_TMPDIR/err" &
	sub=$!
	PIDS+=($sub)
	# publish until the subscriber (subscribed some time soon) has it
	wait_for eval 'yoke pub $B "$R/live" -m "{\"n\":1}" -q 1;
		[ -s "$BATS_TEST_TMPDIR/out" ]' 
	rc=0
	wait "$sub" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(jq -c 'del(.ts)' "$BATS_TEST_TMPDIR/out")" = \
		"{\"key\":\"$R/live\",\"qos\":1,\"retain\":false,\"payload\":{\"n\":1}}" ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "yoke TOOL passes the tool's exit code and messages through" {
	run --separate-stderr yoke get -b mqtt://127.0.0.1:1 arm-1/x
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: cannot connect to '127.0.0.1:1': Connection refused" ]
	run --separate-stderr yoke alive
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-alive: missing KEY" ]
	run --separate-stderr yoke get $B "$R/nothing" -W 0.3
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-get: no answer for '$R/nothing' within 0.3 s" ]
}

@test "yoke help lists the installed tools and exits 0" {
	run --separate-stderr yoke help
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${lines[0]}" = "usage: yoke TOOL [ARGS...]" ]
	for t in $TOOLS; do
		printf '%s\n' "$output" | grep -qE "^  $t +[a-z]"
	done
	# tools that are not built are not offered
	! printf '%s\n' "$output" | grep -qE '^  (sim|record|drive) '
	# --help and -h are the same
	help=$output
	run --separate-stderr yoke --help
	[ "$status" -eq 0 ]
	[ "$output" = "$help" ]
	run --separate-stderr yoke -h
	[ "$status" -eq 0 ]
	[ "$output" = "$help" ]
}

@test "yoke help pub prints yoke-pub's usage" {
	run --separate-stderr yoke help pub
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "$(yoke-pub --help)" ]
	[[ "${lines[0]}" = "usage: yoke-pub "* ]]
}

@test "yoke help TOOL prints each tool's usage" {
	bad=
	for t in $TOOLS; do
		run --separate-stderr yoke help "$t"
		if [ "$status" -ne 0 ] || [ -n "$stderr" ] ||
			[ "$output" != "$(yoke-$t --help)" ]; then
			echo "yoke help $t: status $status, stderr: $stderr"
			bad="$bad $t"
		fi
	done
	[ -z "$bad" ]
}

@test "yoke help with an unknown tool exits 2" {
	run --separate-stderr yoke help nosuch
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke: 'nosuch' is not a yoke tool; see 'yoke help'" ]
}

@test "yoke --version and -V" {
	run --separate-stderr yoke --version
	[ "$status" -eq 0 ]
	[ "$output" = "yoke $VERSION" ]
	[ -z "$stderr" ]
	run --separate-stderr yoke -V
	[ "$status" -eq 0 ]
	[ "$output" = "yoke $VERSION" ]
}

@test "an unknown tool exits 2" {
	run --separate-stderr yoke nosuch arg
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke: 'nosuch' is not a yoke tool; see 'yoke help'" ]
}

@test "no arguments: usage on stderr, exit 2" {
	run --separate-stderr yoke
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "$(yoke help)" ]
}

@test "an unknown option of yoke itself exits 2" {
	run --separate-stderr yoke --bogus
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$(printf '%s\n' "$stderr" | head -n 1)" = "yoke: unknown option '--bogus'" ]
	[ "$(printf '%s\n' "$stderr" | tail -n +2)" = "$(yoke help)" ]
}

@test "a yoke-NAME on PATH is a tool too" {
	mkdir -p "$BATS_TEST_TMPDIR/path"
	printf '#!/bin/sh\necho "hello $#: $*"\nexit 4\n' \
		> "$BATS_TEST_TMPDIR/path/yoke-hello"
	chmod +x "$BATS_TEST_TMPDIR/path/yoke-hello"
	PATH="$BATS_TEST_TMPDIR/path:$PATH" run --separate-stderr \
		yoke hello a 'b c' --x
	[ "$status" -eq 4 ]
	[ "$output" = "hello 3: a b c --x" ]
	[ -z "$stderr" ]
}

@test "yoke runs the tools beside its own binary, even off PATH" {
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
	ln -s "$YOKE_BIN/yoke" "$BATS_TEST_TMPDIR/elsewhere/yoke"
	run --separate-stderr env PATH=/usr/bin:/bin \
		"$BATS_TEST_TMPDIR/elsewhere/yoke" pub --version
	[ "$status" -eq 0 ]
	[ "$output" = "yoke-pub $VERSION" ]
	[ -z "$stderr" ]
}

@test "every tool answers --help: usage on stdout, exit 0" {
	for t in $TOOLS; do
		run --separate-stderr "yoke-$t" --help
		echo "yoke-$t --help: status $status"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		[[ "${lines[0]}" = "usage: yoke-$t "* ]]
		# -h is the same, and so is it through the dispatcher
		help=$output
		run --separate-stderr "yoke-$t" -h
		[ "$status" -eq 0 ]
		[ "$output" = "$help" ]
		run --separate-stderr yoke "$t" --help
		[ "$status" -eq 0 ]
		[ "$output" = "$help" ]
	done
}

@test "every tool answers --version: 'yoke-X $VERSION', exit 0" {
	for t in $TOOLS; do
		run --separate-stderr "yoke-$t" --version
		echo "yoke-$t --version: status $status, output $output"
		[ "$status" -eq 0 ]
		[ "$output" = "yoke-$t $VERSION" ]
		[ -z "$stderr" ]
		run --separate-stderr "yoke-$t" -V
		[ "$status" -eq 0 ]
		[ "$output" = "yoke-$t $VERSION" ]
		run --separate-stderr yoke "$t" --version
		[ "$status" -eq 0 ]
		[ "$output" = "yoke-$t $VERSION" ]
	done
}

@test "--help and --version need no broker" {
	for t in $TOOLS; do
		run --separate-stderr "yoke-$t" -b mqtt://127.0.0.1:1 --help
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" = "usage: yoke-$t "* ]]
		run --separate-stderr "yoke-$t" -b mqtt://127.0.0.1:1 --version
		[ "$status" -eq 0 ]
		[ "$output" = "yoke-$t $VERSION" ]
	done
}

@test "-r's default in --help is each tool's real one: the host name, sim-001 for yoke-sim" {
	run yoke-sim --help
	[ "$status" -eq 0 ]
	# the help wraps at 80 columns: compare it as one line
	flat=$(tr -s ' \n' '  ' <<< "$output")
	[[ $flat == *"-r, --robot ID robot id; with -C, the prefix of ID-001 .. (default sim-001)"* ]]
	[[ $flat != *"default the host name"* ]]
	run yoke-fault --help
	flat=$(tr -s ' \n' '  ' <<< "$output")
	[[ $flat == *"-r, --robot ID robot id (default the host name)"* ]]
}
