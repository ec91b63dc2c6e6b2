#!/usr/bin/env bats
# A broker restart in the middle of a QoS 1 stream: nothing is lost.
#
# The broker keeps its state across the restart (persistence, saved on
# SIGTERM), as a production broker would; the publisher keeps its queue in
# memory and resends what was in flight; the subscriber's persistent
# session holds what arrives while it reconnects.
bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	# the subscriber is away for a second or two while the stream goes
	# on: the broker must queue more than its default 1000 for it
	start_broker broker "max_queued_messages 0"
}

# lines N: N numbered lines, paced so the stream spans the restart
paced_lines() {
	local n=$1 chunk=$2 i=1
	while [ "$i" -le "$n" ]; do
		seq "$i" $((i + chunk - 1 > n ? n : i + chunk - 1))
		i=$((i + chunk))
		sleep 0.1
	done
}

@test "50,000-line QoS 1 stream and a --session subscriber survive a broker restart" {
	out="$BATS_TEST_TMPDIR/got"
	yoke-sub $B "$R/stream" --session "rec-$R" -q 1 --format text \
		> "$out" 2> "$BATS_TEST_TMPDIR/sub.err" 3>&- &
	sub=$!
	PIDS+=($sub)
	# subscribed once the session exists: a retained probe comes back
	yoke-pub $B "$R/stream" -m probe -r -q 1
	wait_for grep -q probe "$out"
	yoke-pub $B "$R/stream" -n -r -q 1

	# the publisher reads a pipe that is still being written
	( paced_lines 50000 2500 | yoke-pub $B "$R/stream" -l -q 1 \
		2> "$BATS_TEST_TMPDIR/pub.err"; echo $? > "$BATS_TEST_TMPDIR/pub.rc" ) 3>&- &
	PIDS+=($!)
	# restart while the stream is flowing
	wait_for has_lines "$out" 10000
	restart_broker 1
	# (a long stream on a loaded machine: a longer hang guard)
	HANG_S=$((HANG_S * 3)) wait_for test -s "$BATS_TEST_TMPDIR/pub.rc" ||
		true
	[ "$(cat "$BATS_TEST_TMPDIR/pub.rc")" = 0 ] || {
		cat "$BATS_TEST_TMPDIR/pub.err"; false; }
	# every line arrived, and nothing else (QoS 1 is at least once:
	# duplicates are allowed)
	got() { cut -d' ' -f2 "$out" | grep -E '^[0-9]+$' | sort -un; }
	HANG_S=$((HANG_S * 3)) wait_for eval '[ "$(got | wc -l)" -ge 50000 ]' ||
		true
	diff <(seq 1 50000) <(got) > "$BATS_TEST_TMPDIR/diff" || {
		echo "received $(got | wc -l) distinct lines"
		grep "^[0-9]" "$BATS_TEST_TMPDIR/diff" | head; cat "$BATS_TEST_TMPDIR/sub.err"
		cat "$BROKER_DIR/log"; false; }
	[ "$(grep -c . "$out")" -ge 50001 ]
}

@test "a subscriber without a session resubscribes after a restart" {
	yoke-sub $B -v "$R/live" -C 1 > "$BATS_TEST_TMPDIR/out" \
		2> "$BATS_TEST_TMPDIR/sub.err" 3>&- &
	sub=$!
	PIDS+=($sub)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	restart_broker 0.2
	# backoff starts at 1 s; keep publishing until it is back
	wait_for eval 'yoke-pub $B "$R/live" -m back;
		grep -q back "$BATS_TEST_TMPDIR/out"'
	wait "$sub"
	[ "$(jq -r .payload "$BATS_TEST_TMPDIR/out")" = back ]
}
