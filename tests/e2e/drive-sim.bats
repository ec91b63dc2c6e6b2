#!/usr/bin/env bats
# yoke-drive against yoke-sim (the contract in yoke-drive(1) and
# proto/yoke.proto): skills, invoke go_to -> done, invoke then cancel ->
# failed CANCELLED, unknown skill and bad arguments -> exit 2, state,
# vision (a JPEG ffprobe reads), velocity and modes seen in the robot's
# state, and the console and teleop under tmux (status line from the
# robot's state, completion of its skills, keys moving it, SIGINT
# stopping it).
#
# The simulator runs at --speed 20: simulated time goes 20 times faster,
# its deadman (500 ms simulated) is 25 ms real, so velocities are
# streamed at --rate 100 here.
bats_require_minimum_version 1.5.0
load helpers
load drive

setup_file() {
	# not a skip: this file exists to be run once the sim is merged
	if [ ! -x "$YOKE_BIN/yoke-sim" ]; then
		echo "drive-sim.bats: bin/yoke-sim is missing (merge and build the sim branch)" >&2
		return 1
	fi
	start_broker
}

teardown() {
	tmux -L "yk$R" kill-server 2> /dev/null || true
	kill_pids
}

drive() { yoke-drive $B "$@"; }

# sim: yoke-sim for this test's robot, until it says it is ready (its
# commands and RPC subscribed, its token held: yoke(7), READINESS)
sim() {
	rm -f "$BATS_TEST_TMPDIR/ready"
	mkfifo "$BATS_TEST_TMPDIR/ready"
	yoke-sim $B --robot "$R" --speed 20 --ready-fd 5 "$@" \
		5> "$BATS_TEST_TMPDIR/ready" \
		> "$BATS_TEST_TMPDIR/sim.out" 2> "$BATS_TEST_TMPDIR/sim.err" 3>&- &
	SIM=$!
	PIDS+=($SIM)
	read -r -t "$HANG_S" _ < "$BATS_TEST_TMPDIR/ready"
}

# st KEY: one state value, as JSON
st() { drive "$R" state "$1" -W "$HANG_S"; }

# invoke_bg: invoke in the background an action that only a cancel ends
# (set_velocity for a day of simulated time: a go_to could end before
# the first look at the state on a loaded machine), its output in inv.out
# and inv.err, INV its pid, until the robot says the action is running
invoke_bg() {
	yoke-drive $B "$R" invoke set_velocity \
		'{"wz": 0.5, "duration_s": 86400}' \
		> "$BATS_TEST_TMPDIR/inv.out" 2> "$BATS_TEST_TMPDIR/inv.err" 3>&- &
	INV=$!
	wait_for active
}
active() {
	st robot_status |
		jq -e '.active_action != null and .active_action != ""' > /dev/null
}

# vel_is VX VY VYAW: the robot's velocity (state RPC), to 1e-3 (a float
# command need not come back as the decimal typed)
vel_is() {
	yoke-drive $B "$R" state velocity -W "$HANG_S" |
		jq -e --argjson w "[$1,$2,$3]" \
			'[.vx - $w[0], .vy - $w[1], .vyaw - $w[2]] | map(fabs) | max < 1e-3' > /dev/null
}
# mode_is MODE: the robot's mode (state RPC)
mode_is() { [ "$(yoke-drive $B "$R" state mode -W "$HANG_S")" = "\"$1\"" ]; }

@test "skills: one JSON line per skill, go_to, set_velocity and dock among them" {
	sim
	run --separate-stderr drive "$R" skills
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(jq -r .name <<< "$output" | sort | tr '\n' ' ')" = "dock go_to set_velocity " ]
	jq -s -e 'map(select(.name == "go_to"))[0].description | length > 0' <<< "$output"
}

@test "invoke go_to pad_B: done, the ActionResult printed, exit 0" {
	sim
	run --separate-stderr drive "$R" invoke go_to '{"target": {"kind": "entity", "entity_id": "pad_B"}}' -W 60
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(wc -l <<< "$output")" -eq 1 ]
	[ "$(jq -r .status <<< "$output")" = done ]
	[ "$(jq -r .meta.skill <<< "$output")" = go_to ]
	[ -n "$(jq -r .meta.action_id <<< "$output")" ]
	jq -e '.meta.ended_us >= .meta.started_us' <<< "$output"
	# the skill's report embedded as the JSON it is, not a string of it
	jq -e '.result_json.target == "pad_B" and (.result_json.x | type) == "number"' <<< "$output"
	# set_velocity ends after its duration, in simulated time
	run --separate-stderr drive "$R" invoke set_velocity '{"wz": 0.8, "duration_s": 2.0}' -W 30
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<< "$output")" = done ]
}

@test "invoke, then cancel: the action ends failed CANCELLED, exit 1 with the code" {
	sim
	invoke_bg
	run --separate-stderr drive "$R" cancel
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(jq -r '.cancelled | length' <<< "$output")" -eq 1 ]
	id=$(jq -r '.cancelled[0]' <<< "$output")
	rc=0
	wait "$INV" || rc=$?
	[ "$rc" -eq 1 ]
	[ "$(jq -r .status "$BATS_TEST_TMPDIR/inv.out")" = failed ]
	[ "$(jq -r .error.code "$BATS_TEST_TMPDIR/inv.out")" = CANCELLED ]
	[ "$(jq -r .meta.action_id "$BATS_TEST_TMPDIR/inv.out")" = "$id" ]
	# no report: the empty text it is
	[ "$(jq -c .result_json "$BATS_TEST_TMPDIR/inv.out")" = '""' ]
	[[ "$(cat "$BATS_TEST_TMPDIR/inv.err")" == "yoke-drive: set_velocity failed: CANCELLED"* ]]
	# nothing left to cancel
	run --separate-stderr drive "$R" cancel
	[ "$status" -eq 0 ]
	[ "$output" = '{"cancelled":[]}' ]
}

@test "SIGINT during invoke cancels the action: exit 1, saying so" {
	sim
	invoke_bg
	kill -INT "$INV"
	rc=0
	wait "$INV" || rc=$?
	[ "$rc" -eq 1 ]
	[ -z "$(cat "$BATS_TEST_TMPDIR/inv.out")" ]
	[[ "$(cat "$BATS_TEST_TMPDIR/inv.err")" =~ ^"yoke-drive: interrupted; set_velocity cancelled (".+")"$ ]]
	run ! active
}

@test "a new invoke pre-empts the running one: it ends failed CANCELLED" {
	sim
	invoke_bg
	run --separate-stderr drive "$R" invoke dock '{}' -W 120
	[ "$status" -eq 0 ]
	rc=0
	wait "$INV" || rc=$?
	[ "$rc" -eq 1 ]
	[ "$(jq -r .error.code "$BATS_TEST_TMPDIR/inv.out")" = CANCELLED ]
}

@test "a robot's RpcError on stderr is made safe for the terminal" {
	sim
	# the robot's message quotes the name it was asked for
	run --separate-stderr drive "$R" invoke $'fly\033]0;PWNED\007' '{}'
	[ "$status" -eq 2 ]
	[[ "$stderr" != *$'\033'* ]]
	[[ "$stderr" == "yoke-drive: '$R' refused invoke 'fly?]0;PWNED?': UNKNOWN_SKILL: no skill 'fly?]0;PWNED?'"* ]]
}

@test "unknown skill, bad arguments: exit 2 with the robot's reason, nothing on stdout" {
	sim
	run --separate-stderr drive "$R" invoke fly '{}'
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == "yoke-drive: '$R' refused invoke 'fly': UNKNOWN_SKILL"* ]]
	run --separate-stderr drive "$R" invoke go_to '{}'
	[ "$status" -eq 2 ]
	[[ "$stderr" == "yoke-drive: '$R' refused invoke 'go_to': BAD_ARGS"* ]]
	# refused by yoke-drive itself before asking
	run --separate-stderr drive "$R" invoke go_to 'pad_B'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: invoke: ARGS_JSON is not a JSON object" ]
}

@test "state: every key as one object, one key alone, an unknown key exit 2" {
	sim
	run --separate-stderr drive "$R" state
	[ "$status" -eq 0 ]
	[ "$(jq -c 'keys' <<< "$output")" = '["battery_pct","cameras","mode","pose","robot_status","velocity"]' ]
	run --separate-stderr drive "$R" state pose
	[ "$status" -eq 0 ]
	jq -e '(.x | type) == "number" and (.y | type) == "number" and (.yaw | type) == "number"' <<< "$output"
	run --separate-stderr drive "$R" state battery_pct
	[ "$status" -eq 0 ]
	jq -e 'type == "number" and . > 0 and . <= 100' <<< "$output"
	run --separate-stderr drive "$R" state altitude
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == "yoke-drive: '$R' refused state 'altitude': UNKNOWN_KEY"* ]]
}

@test "vision: a JPEG of the asked size; -o; unknown camera exit 2" {
	sim
	run --separate-stderr bash -c "yoke-drive $B '$R' vision pov --width 320 --height 240 > '$BATS_TEST_TMPDIR/pov.jpg'"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 "$BATS_TEST_TMPDIR/pov.jpg")" = "mjpeg,320,240" ]
	run --separate-stderr drive "$R" vision topdown -o "$BATS_TEST_TMPDIR/top.jpg"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 "$BATS_TEST_TMPDIR/top.jpg")" = "mjpeg,1280,720" ]
	run --separate-stderr drive "$R" vision thermal -o "$BATS_TEST_TMPDIR/x.jpg"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "yoke-drive: '$R' refused vision 'thermal': UNKNOWN_CAMERA"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/x.jpg" ]
}

@test "vel moves the simulated robot: MOVE, its velocity, a new pose; then it stops" {
	sim
	p0=$(st pose)
	# turning: a wall cannot block it, as it may a walk
	yoke-drive $B "$R" vel 0 0 0.5 --for 3 --rate 100 3>&- &
	v=$!
	wait_for mode_is MOVE
	wait_for vel_is 0 0 0.5
	wait "$v"
	# a zero was sent: stopped at once, standing after the deadman
	wait_for vel_is 0 0 0
	st pose | jq -e --argjson p "$p0" '.yaw != $p.yaw'
	# out of range never reaches the robot
	run --separate-stderr drive "$R" vel 0 0 5
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: vyaw 5 is out of range -2..2 rad/s" ]
}

# joints_near X: the robot's 25 joint positions (one EdgeTelemetry on
# <robot>/state, decoded by protoc-c) are all within 0.05 rad of X
joints_near() {
	local h
	h=$(mosquitto_sub -p "$BROKER_PORT" -t "yoke/default/$R/state" -C 1 -W "$HANG_S" -F %x)
	printf "$(sed 's/../\\x&/g' <<< "$h")" |
		protoc-c --decode=asimov.EdgeTelemetry -I"$YOKE_TOP/proto" \
			"$YOKE_TOP/proto/asimov.proto" |
		awk -v x="$1" '/^joint_pos:/ { n++; d = $2 - x; if (d < 0) d = -d;
			if (d > 0.05) bad++ }
			END { exit !(n == 25 && bad == 0) }'
}

@test "traj: the joints go to the segment's positions" {
	sim
	pos=$(yes 0.5 | head -25 | paste -sd,)
	printf '{"segments": [{"positions": [%s]}]}' "$pos" > "$BATS_TEST_TMPDIR/t.json"
	run --separate-stderr drive "$R" traj "$BATS_TEST_TMPDIR/t.json"
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	wait_for joints_near 0.5
	pos=$(yes -- -0.3 | head -25 | paste -sd,)
	printf '{"segments": [{"positions": [%s], "kp": [%s], "kd": [%s]}]}' "$pos" \
		"$(yes 80 | head -25 | paste -sd,)" "$(yes 2 | head -25 | paste -sd,)" \
		> "$BATS_TEST_TMPDIR/t2.json"
	drive "$R" traj "$BATS_TEST_TMPDIR/t2.json"
	wait_for joints_near -0.3
	run ! joints_near 0.5
}

@test "modes: damp and stand as the robot reports them" {
	sim
	run --separate-stderr drive "$R" mode damp
	[ "$status" -eq 0 ]
	wait_for mode_is DAMP
	run --separate-stderr drive "$R" mode stand
	[ "$status" -eq 0 ]
	wait_for mode_is STAND
}

@test "SIGINT during vel --for 10 leaves the robot stopped" {
	sim
	capture
	yoke-drive $B "$R" vel 0.4 0 0 --for 10 --rate 100 3>&- &
	v=$!
	wait_for mode_is MOVE
	kill -INT "$v"
	wait "$v"
	wait_for vel_is 0 0 0
	# the stop is yoke-drive's (the sim's deadman would stop it too):
	# its last command a zero with the next sequence, after the velocity
	zero_last
}

@test "SIGKILL: the will stops the robot before its deadman would" {
	# real time here (--speed 1): the will's zero is a velocity command,
	# so the robot comes to rest still in MOVE (its deadman switches to
	# STAND 500 ms after it); without it, the deadman would switch to
	# STAND first and only then stop the turn
	mkfifo "$BATS_TEST_TMPDIR/ready"
	yoke-sim $B --robot "$R" --rate 50 --ready-fd 5 \
		5> "$BATS_TEST_TMPDIR/ready" > /dev/null 2>&1 3>&- &
	PIDS+=($!)
	read -r -t "$HANG_S" _ < "$BATS_TEST_TMPDIR/ready"
	capture
	yoke-drive $B "$R" vel 0 0 0.8 --for 30 3>&- &
	v=$!
	wait_for vel_is 0 0 0.8
	# every state the robot sends from here on, in its order (one topic):
	# the 500 ms between the will's zero and the deadman's STAND need no
	# look at the right moment
	mosquitto_sub -p "$BROKER_PORT" -t "$T/state" -W 60 -F %x \
		> "$BATS_TEST_TMPDIR/states" 3>&- &
	PIDS+=($!)
	wait_for has_lines "$BATS_TEST_TMPDIR/states" 1
	kill -KILL "$v"
	wait "$v" || true
	: > "$BATS_TEST_TMPDIR/modes"
	wait_for stood
	# the turn stopped while the robot was still in MOVE
	[ "$(awk '$2 < 1e-3 && $2 > -1e-3 { print $1; exit }' \
		"$BATS_TEST_TMPDIR/modes")" = FW_MODE_MOVE ]
	# and what the broker sent last is the will: zero, no sequence
	[ "$(sent | tail -1 | strip)" = "velocity { } " ]
}

# stood: the states come so far, each decoded once into modes as "MODE
# YAW-RATE", reached STAND.
stood() {
	local h n
	n=$(wc -l < "$BATS_TEST_TMPDIR/modes")
	while read -r h; do
		printf "$(sed 's/../\\x&/g' <<< "$h")" |
			protoc-c --decode=asimov.EdgeTelemetry \
				-I"$YOKE_TOP/proto" "$YOKE_TOP/proto/asimov.proto" |
			awk '/^fw_mode:/ { m = $2 } /^imu_gyro:/ { g = $2 }
				END { print m, g }' >> "$BATS_TEST_TMPDIR/modes"
	done < <(head -n "$(wc -l < "$BATS_TEST_TMPDIR/states")" \
		"$BATS_TEST_TMPDIR/states" | tail -n +"$((n + 1))")
	grep -q '^FW_MODE_STAND ' "$BATS_TEST_TMPDIR/modes"
}

@test "a script drives the robot: held velocity, sleep, invoke, stop" {
	sim
	run --separate-stderr drive "$R" --rate 100 <<-EOF
		mode stand
		vel 0 0 0.5
		sleep 0.5
		stop
		invoke go_to {"target": {"kind": "entity", "entity_id": "pad_A"}} -W 60
	EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(jq -r .status <<< "$output")" = done ]
}

# ---- the console and teleop ----

@test "console: a status line from the robot's state, its skills completed" {
	sim
	console --rate 100
	# mode from the telemetry, battery and velocity from the state RPC
	wait_for on_screen "^$R STAND vel 0.00 0.00 0.00 bat [0-9]*% ok >\$"
	keys "invoke go" Tab
	wait_for on_screen "^$R .* > invoke go_to\$"
	keys C-u "invoke s" Tab
	wait_for on_screen "^$R .* > invoke set_velocity\$"
	keys C-u "vel 0 0 0.3" Enter
	wait_for on_screen "^$R MOVE vel 0.00 0.00 0.30 bat [0-9]*% ok >\$"
	keys "stop" Enter
	wait_for on_screen "^$R [A-Z]* vel 0.00 0.00 0.00 bat"
	keys "state pose" Enter
	keys "quit" Enter
	wait_for ended
	[ "$(dead_status)" = 0 ]
}

@test "console teleop: keys move the robot, q stops it" {
	sim
	console --rate 100
	wait_for on_screen "^$R STAND"
	keys "teleop" Enter
	wait_for on_screen "teleop cmd 0.00 0.00 0.00"
	# turning (a wall may block a walk, never a turn)
	keys Left
	wait_for on_screen "teleop cmd 0.00 0.00 0.20"
	keys a
	wait_for on_screen "teleop cmd 0.00 0.00 0.40"
	wait_for vel_is 0 0 0.4
	wait_for on_screen "^$R MOVE vel 0.00 0.00 0.40 .* | teleop cmd 0.00 0.00 0.40"
	keys q
	wait_for on_screen "^$R .* >\$"
	wait_for vel_is 0 0 0
	keys C-d
	wait_for ended
	[ "$(dead_status)" = 0 ]
}

@test "console: SIGINT while moving stops the robot" {
	sim
	capture
	console --rate 100
	keys "vel 0.3 0 0" Enter
	wait_for mode_is MOVE
	kill -INT "$CPID"
	wait_for ended
	[ "$(dead_status)" = 0 ]
	wait_for vel_is 0 0 0
	zero_last
}
