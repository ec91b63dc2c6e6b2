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
		run --separate-stderr timeout 20 yoke-sub arm-1/x -W 1 -k 5 $FB
		echo "run $i: $status: $stderr"
		[ "$status" -lt 124 ]
		[ -n "$stderr" ]
	done
}
