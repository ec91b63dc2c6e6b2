#!/usr/bin/env bats
# The sync marker (yoke(7), QUERIES AND YOKE'S OWN CHANNELS) behind an ACL
# that does not let a client use its inbox: the tools that wait for the
# marker (alive --list, the fleet view, sub --retained-only) end with the
# reason, never wait for ever.  Each test starts its own broker with its
# ACL.
bats_require_minimum_version 1.5.0
load helpers

setup_file() { :; }
teardown() { kill_pids; stop_broker; }

# broker_acl LINE...: a broker whose anonymous clients get these rules
broker_acl() {
	printf '%s\n' "$@" > "$BATS_TEST_TMPDIR/acl"
	start_broker "b$BATS_TEST_NUMBER" "acl_file $BATS_TEST_TMPDIR/acl"
}

# waits TOOL ARGS...: the tool, under a hang guard
waits() { run --separate-stderr timeout 60 "$@" $B; }

@test "the broker refuses the marker: exit 4, the reason and the inbox named" {
	broker_acl "topic read yoke/#"
	for t in "yoke-alive --list" "yoke-robot-status --json" \
		"yoke-sub $R/x --retained-only"; do
		waits $t
		[ "$status" -eq 4 ]
		[ -z "$output" ]
		[[ $stderr == "${t%% *}: broker refused 1 message: not authorised (the sync marker on 'yoke/default/_inbox/"*"': a client must be allowed to write and read its own inbox)" ]]
	done
}

@test "the broker takes the marker but never gives it back: exit 1 after 10 s of silence" {
	broker_acl "topic read yoke/default/+/alive" \
		"topic write yoke/default/_inbox/#"
	waits yoke-alive --list
	[ "$status" -eq 1 ]
	[[ $stderr == "yoke-alive: the broker did not send back our sync marker on 'yoke/default/_inbox/"*"' (nothing came for 10 s): may this client read its inbox?" ]]
}

@test "an inbox the ACL allows: the marker comes back, the list ends" {
	broker_acl "topic read yoke/#" "topic write yoke/default/_inbox/#"
	waits yoke-alive --list
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-alive: no live token matches '**/alive'" ]
}
