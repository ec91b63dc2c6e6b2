#!/usr/bin/env bats
# A broker with a Maximum Packet Size (mosquitto's max_packet_size, which
# its CONNACK announces): a message over it is refused by us, exit 1 with
# the limit, never a usage error; a feed names the line; servers answer
# with an error and keep serving.
bats_require_minimum_version 1.5.0
load helpers

LIMIT=4000

setup_file() { start_broker broker "max_packet_size $LIMIT"; }

big() { head -c "$1" /dev/zero | tr '\0' a; }

@test "one message over the limit: exit 1, the limit said; one under it goes" {
	run --separate-stderr yoke-pub $B "$R/x" -m "$(big 5000)" -q 1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-pub: cannot publish to '$T/x': message too large for the broker (its limit is $LIMIT bytes)" ]
	# the packet's own bytes count: the largest payload that fits,
	# and one byte more: fixed header, topic (T/x), packet id, the
	# property length and the ts property (16 digits)
	n=$((LIMIT - 3 - 2 - ${#T} - 2 - 2 - 1 - 23))
	run --separate-stderr yoke-pub $B "$R/x" -m "$(big $n)" -q 1
	[ "$status" -eq 0 ]
	run --separate-stderr yoke-pub $B "$R/x" -m "$(big $((n + 1)))" -q 1
	[ "$status" -eq 1 ]
}

@test "-l: a line over the limit ends the feed naming it; lines before it arrive" {
	yoke-sub $B "$R/x" -C 1 -v > "$BATS_TEST_TMPDIR/out" \
		2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	run --separate-stderr bash -c "{ echo one; echo '$(big 5000)'; echo three; } | yoke-pub $B '$R/x' -l -q 1"
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-pub: standard input line 2: cannot publish to '$T/x': message too large for the broker (its limit is $LIMIT bytes)" ]
	wait "${PIDS[-1]}"
	[ "$(jq -r .payload "$BATS_TEST_TMPDIR/out")" = one ]
}

@test "--serve: a reply over the limit is an error reply, and it serves on" {
	big 5000 > "$BATS_TEST_TMPDIR/big"
	yoke-get $B --serve "$R/big" --reply-file "$BATS_TEST_TMPDIR/big" \
		-v 2> "$BATS_TEST_TMPDIR/serve.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/serve.err"
	for i in 1 2; do
		run --separate-stderr yoke-get $B "$R/big" --count 1
		[ "$status" -eq 0 ]
		[ "$(jq -r .error <<< "$output")" = "reply too large for the broker (its limit is $LIMIT bytes)" ]
		[ "$(jq -r .payload <<< "$output")" = "" ]
	done
	kill -0 "${PIDS[-1]}"
	[ "$(grep -c "yoke-get: reply for '$R/big' not sent: reply too large for the broker (its limit is $LIMIT bytes); sent an error reply instead" "$BATS_TEST_TMPDIR/serve.err")" -eq 2 ]
}

@test "yoke-sim: a camera frame over the limit is an error reply, and it serves on" {
	yoke-sim $B --robot "$R" > /dev/null 2> "$BATS_TEST_TMPDIR/sim.err" 3>&- &
	PIDS+=($!)
	wait_for yoke-drive $B "$R" state mode -W 0.5
	run --separate-stderr yoke-drive $B "$R" vision pov -o "$BATS_TEST_TMPDIR/x.jpg"
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-drive: '$R' refused vision 'pov': TOO_LARGE: reply too large for the broker (its limit is $LIMIT bytes)" ]
	kill -0 "${PIDS[-1]}"
	run --separate-stderr yoke-drive $B "$R" state mode -W 5
	[ "$status" -eq 0 ]
	grep -q "^yoke-sim: $R: reply too large for the broker (its limit is $LIMIT bytes): sent an error reply instead$" "$BATS_TEST_TMPDIR/sim.err"
}
