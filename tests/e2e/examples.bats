#!/usr/bin/env bats
# The files under scripts/examples/ that the README and the man pages tell
# people to run: the drive script mission.txt and the trajectory squat.json
# against a simulated robot (--speed 20, velocities at --rate 100 so the
# sim's faster deadman does not stop a held velocity).
bats_require_minimum_version 1.5.0
load helpers

setup_file() { start_broker; }
teardown() { kill_pids; }

EX="$YOKE_TOP/scripts/examples"

sim() {
	yoke-sim $B --robot "$R" --speed 20 \
		> "$BATS_TEST_TMPDIR/sim.out" 2> "$BATS_TEST_TMPDIR/sim.err" 3>&- &
	PIDS+=($!)
	wait_for answers
}
answers() { yoke-drive $B "$R" state mode -W 0.5 > /dev/null 2>&1; }

# joint_near I X: joint I of the robot's state (decoded by protoc-c, an
# implementation that shares no code with ours) is within 0.05 rad of X
joint_near() {
	local h
	h=$(mosquitto_sub -p "$BROKER_PORT" -t "yoke/default/$R/state" -C 1 -W "$HANG_S" -F %x)
	printf "$(sed 's/../\\x&/g' <<< "$h")" |
		protoc-c --decode=asimov.EdgeTelemetry -I"$YOKE_TOP/proto" \
			"$YOKE_TOP/proto/asimov.proto" |
		awk -v i="$1" -v x="$2" '/^joint_pos:/ { if (n++ == i) v = $2 }
			END { d = v - x; if (d < 0) d = -d; exit !(n == 25 && d < 0.05) }'
}

@test "mission.txt: every line runs, both skills end done, exit 0" {
	sim
	run --separate-stderr yoke-drive $B "$R" --rate 100 < "$EX/mission.txt"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(jq -r .status <<< "$output" | paste -sd,)" = done,done ]
}

@test "squat.json: the knees go to 1.5 rad, the hips and ankles to -0.75" {
	sim
	run --separate-stderr yoke-drive $B "$R" traj "$EX/squat.json"
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	wait_for joint_near 3 1.5
	joint_near 9 1.5
	joint_near 2 -0.75
	joint_near 10 -0.75
}
