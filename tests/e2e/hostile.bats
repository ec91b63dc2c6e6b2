#!/usr/bin/env bats
# A broken or hostile broker (tests/e2e/fakebroker.py): whatever it
# sends, or does not send, every tool ends, with exit 1 and a message,
# never an abort, a core dump or a hang.

bats_require_minimum_version 1.5.0
load helpers

setup_file() { :; }
teardown_file() { :; }

setup() {
	PIDS=()
	FAKE_FILE="$BATS_TEST_TMPDIR/fake.port"
}

# start_fake MODE [ARG]: a fake broker; sets FAKE_PORT, FB (-b ...)
start_fake() {
	rm -f "$FAKE_FILE"
	python3 "$BATS_TEST_DIRNAME/fakebroker.py" "$FAKE_FILE" "$@" \
		3>&- &
	PIDS+=($!)
	wait_for test -s "$FAKE_FILE"
	FAKE_PORT=$(cat "$FAKE_FILE")
	FB="-b mqtt://127.0.0.1:$FAKE_PORT"
}

# Every kind of tool: one that publishes, subscribes, queries, holds or
# lists tokens, reads the fleet, commands a robot.
TOOLS=(
	"yoke-pub arm-1/x -m 1 -q 1"
	"yoke-sub arm-1/x"
	"yoke-get arm-1/x"
	"yoke-alive --list"
	"yoke-robot-status --json"
	"yoke-drive arm-1 state"
)

@test "a malformed AUTH after CONNACK: every tool exits 1 with a message" {
	start_fake hostile f00618abd577002f
	for t in "${TOOLS[@]}"; do
		run --separate-stderr timeout 20 $t $FB
		echo "$t: $status: $stderr"
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		# glibc's assertion line may come first: ours ends it
		[ "$(printf '%s\n' "$stderr" | tail -n 1)" = "${t%% *}: broker '127.0.0.1:$FAKE_PORT' sent a packet that libmosquitto cannot handle (it aborted on it): giving up" ]
	done
}

@test "50 random broker replies after CONNACK: never a signal, never a hang" {
	start_fake random 9
	for i in $(seq 1 50); do
		# -W 0.3: a subscription the junk leaves unacknowledged ends
		# there with exit 1 (not 3), as the test asks, at once
		run --separate-stderr timeout $((HANG_S * 2)) yoke-sub arm-1/x \
			-W 0.3 -k 5 $FB
		echo "run $i: $status: $stderr"
		# a broker that breaks the protocol failed: exit 1
		[ "$status" -eq 1 ]
		[ -n "$stderr" ]
	done
}

@test "a silent broker: tools that wait for an acknowledgement end with exit 1" {
	start_fake silent
	hp="127.0.0.1:$FAKE_PORT"
	# all at once: each takes 1.5 x the keepalive
	run_bg() {
		local name=$1 rc=0
		shift
		timeout 30 "$@" > "$BATS_TEST_TMPDIR/$name.out" \
			2> "$BATS_TEST_TMPDIR/$name.err" 3>&- || rc=$?
		echo $rc > "$BATS_TEST_TMPDIR/$name.rc"
	}
	local bg=()
	run_bg pub-off yoke-pub arm-1/x -m 1 -q 1 -k 5 --offline-timeout 5 $FB &
	bg+=($!)
	run_bg pub yoke-pub arm-1/x -m 1 -q 1 -k 5 $FB &
	bg+=($!)
	# a holder (its command ends meanwhile) watches its own token: the
	# subscription is what goes unacknowledged first
	run_bg hold yoke-alive arm-1/k -k 5 $FB -- sleep 1 &
	bg+=($!)
	run_bg list yoke-alive --list -k 5 $FB &
	bg+=($!)
	run_bg fleet yoke-robot-status --json -k 5 $FB &
	bg+=($!)
	run_bg sub yoke-sub arm-1/x -k 5 $FB &
	bg+=($!)
	wait "${bg[@]}"
	for n in pub-off pub hold list fleet sub; do
		echo "$n: $(cat "$BATS_TEST_TMPDIR/$n.rc"): $(cat "$BATS_TEST_TMPDIR/$n.err")"
		[ "$(cat "$BATS_TEST_TMPDIR/$n.rc")" -eq 1 ]
		[ ! -s "$BATS_TEST_TMPDIR/$n.out" ]
	done
	[ "$(cat "$BATS_TEST_TMPDIR/pub-off.err")" = "yoke-pub: no connection to '$hp' for 5 s: no answer from the broker within 7.5 s (1.5 x the keepalive)" ]
	gone="accepted the connection, then stopped answering"
	[ "$(cat "$BATS_TEST_TMPDIR/pub.err")" = "yoke-pub: broker '$hp' $gone: no answer from the broker within 7.5 s (1.5 x the keepalive)" ]
	[ "$(cat "$BATS_TEST_TMPDIR/hold.err")" = "yoke-alive: broker '$hp' $gone: the broker did not acknowledge the subscription to 'yoke/default/arm-1/k/alive' within 7.5 s (1.5 x the keepalive)" ]
	[ "$(cat "$BATS_TEST_TMPDIR/list.err")" = "yoke-alive: broker '$hp' $gone: the broker did not acknowledge the subscription to 'yoke/default/#' within 7.5 s (1.5 x the keepalive)" ]
	[ "$(cat "$BATS_TEST_TMPDIR/fleet.err")" = "yoke-robot-status: broker '$hp' $gone: the broker did not acknowledge the subscription to 'yoke/default/+/status' within 7.5 s (1.5 x the keepalive)" ]
	[ "$(cat "$BATS_TEST_TMPDIR/sub.err")" = "yoke-sub: broker '$hp' $gone: the broker did not acknowledge the subscription to 'yoke/default/arm-1/x' within 7.5 s (1.5 x the keepalive)" ]
}

@test "a broker that answered, then went silent: the watchdog, not libmosquitto's two keepalives" {
	start_fake suback
	yoke-sub arm-1/x -v -k 5 $FB > /dev/null 2> "$BATS_TEST_TMPDIR/sub.err" 3>&- &
	PIDS+=($!)
	# (a hang guard, not a timing: the loss comes after 7.5 s)
	timeout 30 bash -c "until grep -q ' lost: ' '$BATS_TEST_TMPDIR/sub.err'; do sleep 0.1; done"
	grep -qx "yoke-sub: connection to 127.0.0.1:$FAKE_PORT lost: no answer from the broker within 7.5 s (1.5 x the keepalive)" "$BATS_TEST_TMPDIR/sub.err"
	# a long-running tool that was answered once retries, and goes on
	kill -0 "${PIDS[-1]}"
	timeout 30 bash -c "until [ \$(grep -c \"subscribed to 'yoke/default/arm-1/x'\" '$BATS_TEST_TMPDIR/sub.err') -ge 2 ]; do sleep 0.1; done"
}

@test "a silent broker: a -W that ends is the broker's failure (1), not nothing (3)" {
	start_fake silent
	hp="127.0.0.1:$FAKE_PORT"
	run --separate-stderr timeout 30 yoke-sub arm-1/x -W 1 $FB
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-sub: broker '$hp' did not acknowledge the subscription to 'yoke/default/arm-1/x'" ]
	run --separate-stderr timeout 30 yoke-get arm-1/x -W 1 $FB
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == "yoke-get: broker '$hp' did not acknowledge the subscription to 'yoke/default/"* ]]
	run --separate-stderr timeout 30 yoke-drive arm-1 state -W 1 $FB
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == "yoke-drive: no answer from 'arm-1' to state within 1 s: broker '$hp' did not acknowledge the subscription to 'yoke/default/"* ]]
}

@test "a broker that speaks only MQTT 3.1.1 is said to be one, and not retried" {
	# nats-server, aedes: a 3.1.1 CONNACK "unacceptable protocol version"
	start_fake v311
	run --separate-stderr timeout 20 yoke-pub arm-1/x -m 1 \
		--offline-timeout 60 $FB
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-pub: broker '127.0.0.1:$FAKE_PORT' does not speak MQTT v5, which yoke needs (it refused our MQTT v5 CONNECT: unsupported protocol version)" ]
	# RabbitMQ 3.10: closes without a word; a 3.1.1 CONNECT it answers
	start_fake close
	for t in "yoke-pub arm-1/x -m 1" "yoke-sub arm-1/x"; do
		run --separate-stderr timeout 20 $t --offline-timeout 60 $FB
		[ "$status" -eq 1 ]
		[ "$stderr" = "${t%% *}: broker '127.0.0.1:$FAKE_PORT' does not speak MQTT v5, which yoke needs (it closed the connection at our MQTT v5 CONNECT, and answers an MQTT 3.1.1 one)" ]
	done
}

@test "a broker that breaks every connection right after its CONNACK: exit 1, no endless retry" {
	# CONNACK, then a PUBLISH whose topic runs past its packet
	start_fake hostile 31140003612f620d12e25c98582455df17143de96378
	all_broken
}

# all_broken: every tool of TOOLS exits 1, saying the broker broke the
# connection it accepted
all_broken() {
	for t in "${TOOLS[@]}"; do
		run --separate-stderr timeout 20 $t $FB
		echo "$t: $status: $stderr"
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"accepted the connection, then broke it: "* ]]
	done
}

@test "a broker that garbles every connection a moment after its CONNACK: exit 1, -W and --offline-timeout hold" {
	# the same PUBLISH, in a read of its own
	start_fake late 31140003612f620d12e25c98582455df17143de96378
	all_broken
	# with a bound to retry within, the bound ends it: the garbled
	# connections do not count as the broker being there
	for t in "yoke-pub arm-1/x -m 1 -q 1" "yoke-alive --list"; do
		run --separate-stderr timeout 20 $t $FB --offline-timeout 2
		echo "$t: $status: $stderr"
		[ "$status" -eq 1 ]
		[[ "$stderr" == "${t%% *}: no connection to '127.0.0.1:$FAKE_PORT' for 2 s: "* ]]
	done
}
