#!/usr/bin/env bats
# yoke-sim against a real mosquitto.  What the simulator publishes is
# decoded with protoc-c --decode (not with yoke's own converter), commands
# are encoded with protoc-c --encode and sent with mosquitto_pub: state at
# 10 Hz with a consecutive sequence; a velocity command enters MOVE and
# moves and turns the robot; the deadman; mode damp/stand and the two mode
# enums' numbering; rejected commands -> EdgeError; a trajectory drives
# the joints; over-temperature -> FirmwareAlert, a fault in yoke-fault's
# format, and the status; diagnostics; the fleet channels (status,
# heartbeat, token, roster entry, telemetry); --count names; --seed;
# a clean exit; usage errors; the broker away (nothing blocks, nothing
# stale is sent after).
# (The RPC - skills, invoke, cancel, state - is tested through yoke-drive.)
bats_require_minimum_version 1.5.0
load helpers

PROTO_I="-I$YOKE_TOP/proto"
PROTO_F="$YOKE_TOP/proto/asimov.proto"

# A test that stopped the broker and failed before it came back must not
# leave the next tests without one.
teardown() {
	kill_pids
	kill -0 "$(cat "$BROKER_DIR/pid")" 2> /dev/null || restart_broker 0
}

# start_sim ARGS...: yoke-sim ARGS in the background; returns once it
# says it is ready (--ready-fd): subscribed, its roster entry, status,
# first heartbeat and token confirmed (yoke(7), READINESS).
start_sim() {
	rm -f "$BATS_TEST_TMPDIR/ready"
	mkfifo "$BATS_TEST_TMPDIR/ready"
	yoke-sim $B --ready-fd 5 "$@" 5> "$BATS_TEST_TMPDIR/ready" \
		> "$BATS_TEST_TMPDIR/sim.out" 2> "$BATS_TEST_TMPDIR/sim.err" 3>&- &
	SIM=$!
	PIDS+=($SIM)
	read -r -t "$HANG_S" _ < "$BATS_TEST_TMPDIR/ready"
}

# cmd TEXT: a CloudCommand in protobuf text format, to $R's commands
cmd() {
	printf '%s' "$1" | protoc-c --encode=asimov.CloudCommand $PROTO_I \
		"$PROTO_F" | mosquitto_pub -p "$BROKER_PORT" -q 1 \
		-t "$T/commands" -s
}

# dec TYPE HEX: one message, its payload in hex, decoded as asimov.TYPE
dec() {
	printf "$(sed 's/../\\x&/g' <<< "$2")" |
		protoc-c --decode="asimov.$1" $PROTO_I "$PROTO_F"
}

# take CHANNEL N TYPE DIR: the next N messages on $R's CHANNEL, each
# decoded into DIR/1 .. DIR/N (exact bytes: mosquitto_sub's %x)
take() {
	local i=0 h
	mkdir -p "$4"
	mosquitto_sub -p "$BROKER_PORT" -t "$T/$1" -C "$2" -W "$HANG_S" -F %x \
		> "$4/hex"
	while read -r h; do
		i=$((i + 1))
		dec "$3" "$h" > "$4/$i"
	done < "$4/hex"
	[ "$i" -eq "$2" ]
}

# state FILE: the next state message, decoded
state() {
	take state 1 EdgeTelemetry "$BATS_TEST_TMPDIR/one"
	cp "$BATS_TEST_TMPDIR/one/1" "$1"
}

# raw_state FILE: the next state message by field number (protoc-c
# --decode_raw), its payload in hex in FILE.hex
raw_state() {
	mosquitto_sub -p "$BROKER_PORT" -t "$T/state" -C 1 -W "$HANG_S" -F %x \
		> "$1.hex"
	printf "$(sed 's/../\\x&/g' < "$1.hex")" | protoc-c --decode_raw > "$1"
}

# raw_mode_is N: the next state's fw_mode by number (field 4), "" when
# proto3 leaves it out (0, FW_MODE_DAMP)
raw_mode_is() {
	raw_state "$BATS_TEST_TMPDIR/raw"
	[ "$(sed -n 's/^4: //p' "$BATS_TEST_TMPDIR/raw")" = "$1" ]
}

# field NAME FILE: the values of a top-level scalar field, one a line
field() { sed -n "s/^$1: //p" "$2"; }

# states FILE: FILE.d, a line per state in FILE (hex, as mosquitto_sub
# -F %x writes them): "MODE FW_TIMESTAMP_US GYRO_Z GRAVITY_Z", MODE
# without its FW_MODE_ (DAMP when left out); only the lines not decoded
# before are decoded, and only whole lines
states() {
	local h m have want
	touch "$1.d"
	have=$(wc -l < "$1.d")
	want=$(wc -l < "$1")
	[ "$want" -gt "$have" ] || return 0
	sed -n "$((have + 1)),${want}p" "$1" | while read -r h; do
		dec EdgeTelemetry "$h" > "$1.one"
		m=$(field fw_mode "$1.one")
		m=${m#FW_MODE_}
		echo "${m:-DAMP} $(field fw_timestamp_us "$1.one")" \
			"$(field imu_gyro "$1.one" | tail -1)" \
			"$(field imu_gravity "$1.one" | tail -1)"
	done >> "$1.d"
}

# yaw FILE: the yaw of a state's IMU quaternion, radians
yaw() {
	field imu_quat "$1" | awk 'NR==1{w=$1} NR==4{z=$1}
		END{printf "%.4f\n", 2*atan2(z, w)}'
}

# reading METRIC: the next fleet telemetry reading of METRIC, as JSON
reading() {
	mosquitto_sub -p "$BROKER_PORT" -t "$T/telemetry" -W "$HANG_S" |
		jq --unbuffered -c --arg m "$1" 'select(.metric == $m)' | head -1
}

# turning RATE FILE: the first state (into FILE) whose yaw rate is RATE,
# within 100 states
turning() {
	for _ in $(seq 100); do
		state "$2"
		[ "$(field imu_gyro "$2" | tail -1)" = "$1" ] && return 0
	done
	return 1
}

# stream TEXT: send TEXT 10 times a second (an operator's stream), until
# killed
stream() {
	while :; do
		cmd "$1"
		sleep 0.1
	done
}

# turned Y0 FILE: the next state (into FILE) moves, turns at 0.5 rad/s,
# and has turned more than 0.3 rad from yaw Y0 (either way round)
turned() {
	state "$2"
	[ "$(field fw_mode "$2")" = FW_MODE_MOVE ] &&
		[ "$(field imu_gyro "$2" | tail -1)" = 0.5 ] &&
		awk -v a="$1" -v b="$(yaw "$2")" 'BEGIN{d = b - a;
			while (d < 0) d += 2 * 3.14159265358979;
			exit !(d > 0.3 && d < 3.14159265358979)}'
}

# seconds N DIR: $R's state and system as one stream (subscribed at QoS 0,
# so in the order they were sent) until N + 1 diagnostics have come; each
# system event decoded into DIR/ev.K, and DIR/counts: the states between
# two consecutive diagnostics (the robot's own second), one a line.
seconds() {
	local t h n=-1 d=0 k=0
	mkdir -p "$2"
	: > "$2/counts"
	while read -r t h; do
		if [ "$t" = "$T/state" ]; then
			[ "$n" -lt 0 ] || n=$((n + 1))
			continue
		fi
		k=$((k + 1))
		dec EdgeEvent "$h" > "$2/ev.$k"
		grep -q '^diagnostics {' "$2/ev.$k" || continue
		[ "$n" -lt 0 ] || echo "$n" >> "$2/counts"
		n=0 d=$((d + 1))
		[ "$d" -le "$1" ] || break
	done < <(mosquitto_sub -p "$BROKER_PORT" -t "$T/state" -t "$T/system" \
		-q 0 -W 30 -F '%t %x')
	[ "$(wc -l < "$2/counts")" -eq "$1" ]
}

# at_most HI FILE: every number in FILE is at most HI
at_most() { awk -v hi="$1" '$1 > hi {exit 1}' "$2"; }

# ended PID: wait until PID ends, its exit status in RC; the bound (30 s)
# is generous: it only detects a hang, it measures nothing
ended() {
	for _ in $(seq 300); do kill -0 "$1" 2> /dev/null || break; sleep 0.1; done
	! kill -0 "$1" 2> /dev/null || return 1
	RC=0
	wait "$1" || RC=$?
}

@test "state at 10 Hz, sequence consecutive, 25 joints, STAND at start" {
	start_sim -r "$R"
	take state 21 EdgeTelemetry "$BATS_TEST_TMPDIR/s"
	first=$(field sequence "$BATS_TEST_TMPDIR/s/1")
	for i in $(seq 1 21); do
		f="$BATS_TEST_TMPDIR/s/$i"
		[ "$(field sequence "$f")" -eq $((first + i - 1)) ]
		[ "$(field fw_mode "$f")" = FW_MODE_STAND ]
		[ "$(field joint_pos "$f" | wc -l)" -eq 25 ]
		[ "$(field joint_temp "$f" | wc -l)" -eq 25 ]
		[ "$(field imu_quat "$f" | wc -l)" -eq 4 ]
	done
	# the firmware clock is simulated time: at --speed 1 it keeps pace
	# with the robot's wall clock (within 10 %; both stamps are the
	# sim's own, taken in the same tick)
	t1=$(field timestamp_us "$BATS_TEST_TMPDIR/s/1")
	t21=$(field timestamp_us "$BATS_TEST_TMPDIR/s/21")
	f1=$(field fw_timestamp_us "$BATS_TEST_TMPDIR/s/1")
	f21=$(field fw_timestamp_us "$BATS_TEST_TMPDIR/s/21")
	d=$(((f21 - f1) - (t21 - t1)))
	[ "${d#-}" -le $(((t21 - t1) / 10)) ]
	# 10 a second, never more: at most 11 states (one more for a late
	# tick) between two diagnostics, which come once a second of the
	# robot's wall clock.  (That it keeps up, 10 and not fewer on a
	# loaded machine, is a matter of speed: no test times it.)
	seconds 2 "$BATS_TEST_TMPDIR/sec"
	at_most 11 "$BATS_TEST_TMPDIR/sec/counts"
	# standing upright: gravity straight down
	[ "$(field imu_gravity "$BATS_TEST_TMPDIR/s/1" | tail -1)" = -1 ]
}

@test "--rate sets the state rate" {
	start_sim -r "$R" --rate 40
	# at most 40 states (one more for a late tick) between two
	# diagnostics (fewer on a loaded machine: speed, not timed here)
	seconds 1 "$BATS_TEST_TMPDIR/sec"
	at_most 41 "$BATS_TEST_TMPDIR/sec/counts"
}

@test "a velocity command enters MOVE, turns and moves the robot" {
	start_sim -r "$R"
	state "$BATS_TEST_TMPDIR/before"
	loc0=$(reading location)
	stream 'sequence: 1 velocity { vx: 1.0 vyaw: 0.5 }' &
	STREAM=$!
	PIDS+=($STREAM)
	# moving and turning, until it has turned 0.3 rad (at 0.5 rad/s)
	wait_for turned "$(yaw "$BATS_TEST_TMPDIR/before")" \
		"$BATS_TEST_TMPDIR/moving"
	kill "$STREAM"
	# leaning into the walk: gravity tilts forward
	gx=$(field imu_gravity "$BATS_TEST_TMPDIR/moving" | head -1)
	awk -v g="$gx" 'BEGIN{exit !(g > 0.01)}'
	# the pose moved: the location reading says so
	loc1=$(reading location)
	[ "$(jq -r .lng <<< "$loc1")" != "$(jq -r .lng <<< "$loc0")" ]
	[ "$(jq -r .heading <<< "$loc1")" != "$(jq -r .heading <<< "$loc0")" ]
}

# modes FILE: the states of FILE (see states) as one letter each
modes() { states "$1"; cut -c1 "$1.d" | tr -d '\n'; }
# stopped FILE: STAND followed MOVE, and the last state turns no more
# (gyro 0) and no longer leans (gravity straight down: the velocity is
# zero)
stopped() {
	[[ "$(modes "$1")" =~ M+S ]] &&
		tail -1 "$1.d" | grep -q '^STAND [0-9]* 0 -1$'
}

@test "deadman: 500 ms without a velocity command stops the robot" {
	start_sim -r "$R"
	h=$BATS_TEST_TMPDIR/hex
	mosquitto_sub -p "$BROKER_PORT" -t "$T/state" -W "$HANG_S" -F %x \
		> "$h" 3>&- &
	SUB=$!
	PIDS+=($SUB)
	# states come: the one velocity command goes in between
	wait_lines "$h" 1
	cmd 'velocity { vx: 0.5 }'
	wait_for stopped "$h"
	kill "$SUB"
	# STAND, MOVE, then STAND for good
	[[ "$(modes "$h")" =~ ^S+M+S+$ ]]
	# How long MOVE lasted, by the robot's own (simulated) clock, not
	# by ours: the command came after the last STAND before it (S0) and
	# by the first MOVE (M1); MOVE ends 500 ms after the command.  So
	# every MOVE is within 500 ms of M1, and the first STAND after is at
	# least 500 ms after S0 (1 ms for rounding).
	s0=$(awk '$1 == "MOVE" {print prev; exit} {prev = $2}' "$h.d")
	m1=$(awk '$1 == "MOVE" {print $2; exit}' "$h.d")
	m2=$(awk '$1 == "MOVE" {t = $2} END {print t}' "$h.d")
	s1=$(awk 'seen && $1 == "STAND" {print $2; exit}
		$1 == "MOVE" {seen = 1}' "$h.d")
	[ $((m2 - m1)) -lt 500000 ]
	[ $((s1 - s0)) -ge 499000 ]
}

@test "sequence 0 with an old timestamp (yoke-drive's will) stops a moving robot" {
	# slow time: the deadman (500 ms simulated) is 5 s away
	start_sim -r "$R" --speed 0.1
	cmd "sequence: 41 timestamp_us: $(($(date +%s%N) / 1000)) velocity { vyaw: 0.5 }"
	turning 0.5 "$BATS_TEST_TMPDIR/st"
	[ "$(field fw_mode "$BATS_TEST_TMPDIR/st")" = FW_MODE_MOVE ]
	# a zero velocity, sequence 0 after 41, stamped 1 s after the epoch
	cmd 'sequence: 0 timestamp_us: 1000000 velocity { }'
	# stopped turning, and by the command: still in MOVE (the deadman
	# would have gone back to STAND)
	turning 0 "$BATS_TEST_TMPDIR/st"
	[ "$(field fw_mode "$BATS_TEST_TMPDIR/st")" = FW_MODE_MOVE ]
}

@test "an empty command (a payload of no bytes) does not stop the robot's loop" {
	# slow time, as above: the velocity after it holds long enough to see
	start_sim -r "$R" --speed 0.1
	mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$T/commands" -n
	cmd 'sequence: 1 velocity { vyaw: 0.5 }'
	turning 0.5 "$BATS_TEST_TMPDIR/st"
	kill -INT "$SIM"
	ended "$SIM"
	[ "$RC" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/sim.err" ]
}

@test "mode damp and stand; the two mode enums are numbered apart" {
	start_sim -r "$R"
	# the command enum: MODE_DAMP is 1 on the wire
	[ "$(printf 'mode { mode: MODE_DAMP }' |
		protoc-c --encode=asimov.CloudCommand $PROTO_I "$PROTO_F" |
		od -An -tx1 | tr -d ' \n')" = 2a020801 ]
	cmd 'mode { mode: MODE_DAMP }'
	wait_for raw_mode_is ""
	dec EdgeTelemetry "$(cat "$BATS_TEST_TMPDIR/raw.hex")" \
		> "$BATS_TEST_TMPDIR/d"
	# the telemetry enum: FW_MODE_DAMP is 0, so proto3 leaves field 4
	# out, and the text format with it
	[ -z "$(field fw_mode "$BATS_TEST_TMPDIR/d")" ]
	grep -q '^joint_pos:' "$BATS_TEST_TMPDIR/d"
	! grep -q '^4:' "$BATS_TEST_TMPDIR/raw"
	cmd 'mode { mode: MODE_STAND }'
	wait_for raw_mode_is 1
	# velocity: MOVE is 2
	cmd 'velocity { vyaw: 0.2 }'
	wait_for raw_mode_is 2
}

@test "damp: the joints go limp and no longer follow a trajectory" {
	start_sim -r "$R"
	cmd 'mode { mode: MODE_DAMP }'
	cmd "trajectory { full { segments { $(for i in $(seq 1 25); do
		printf 'positions: 0.8 '; done) } } }"
	# damp, and then 3 s of the robot's own time later (a joint that
	# followed would be there in half that)
	wait_for eval 'state "$BATS_TEST_TMPDIR/s";
		[ -z "$(field fw_mode "$BATS_TEST_TMPDIR/s")" ]'
	t=$(field fw_timestamp_us "$BATS_TEST_TMPDIR/s")
	wait_for eval 'state "$BATS_TEST_TMPDIR/s";
		[ "$(field fw_timestamp_us "$BATS_TEST_TMPDIR/s")" -ge $((t + 3000000)) ]' 
	# FW_MODE_DAMP: 0, left out
	[ -z "$(field fw_mode "$BATS_TEST_TMPDIR/s")" ]
	# limp: no current, and the elbow (joint 16) is not at 0.8
	[ "$(field joint_current "$BATS_TEST_TMPDIR/s" | sort -u)" = 0 ]
	awk -v q="$(field joint_pos "$BATS_TEST_TMPDIR/s" | sed -n 17p)" \
		'BEGIN{exit !(q < 0.5)}'
}

# watch_system: the robot's system events, as hex lines, into
# $BATS_TEST_TMPDIR/hex ($SUB is the subscriber), from the first
# (diagnostics, once a second): subscribed on return
watch_system() {
	mosquitto_sub -p "$BROKER_PORT" -t "$T/system" -W "$HANG_S" -F %x \
		> "$BATS_TEST_TMPDIR/hex" 3>&- &
	SUB=$!
	PIDS+=($SUB)
	wait_lines "$BATS_TEST_TMPDIR/hex" 1
}

# events: $BATS_TEST_TMPDIR/events, a line per system event so far: an
# error's fields on one line ("error subsystem: ... message: ..."), or
# the kind of event ("diagnostics", "controller")
events() {
	local h
	while read -r h; do
		dec EdgeEvent "$h" > "$BATS_TEST_TMPDIR/ev"
		if grep -q '^error {' "$BATS_TEST_TMPDIR/ev"; then
			echo "error $(sed -n 's/^  //p' "$BATS_TEST_TMPDIR/ev" |
				tr '\n' ' ')"
		else
			sed -n 's/^\([a-z_]*\) {$/\1/p' "$BATS_TEST_TMPDIR/ev"
		fi
	done < <(grep . "$BATS_TEST_TMPDIR/hex") > "$BATS_TEST_TMPDIR/events"
}
# errors_then_diagnostics N: N errors came, and diagnostics after them
errors_then_diagnostics() {
	events
	awk -v want="$1" '/^error / {n++} n >= want && /^diagnostics$/ {ok = 1}
		END {exit !ok}' "$BATS_TEST_TMPDIR/events"
}

@test "a command out of range is rejected with an EdgeError, not applied" {
	start_sim -r "$R"
	watch_system
	cmd 'sequence: 7 velocity { vx: 2.5 }'
	printf 'not a command' | mosquitto_pub -p "$BROKER_PORT" -q 1 \
		-t "$T/commands" -s
	cmd 'trajectory { full { segments { positions: 1 } } }'
	# the three errors, and diagnostics after: the robot handled all
	# three commands before (in order), so no other error is to come
	wait_for errors_then_diagnostics 3
	kill "$SUB"
	run sed -n 's/^error //p' "$BATS_TEST_TMPDIR/events"
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = 'subsystem: SUBSYSTEM_CLOUD code: "COMMAND_REJECTED" message: "vx 2.5 is out of range -2..2 m/s" ' ]
	[ "${lines[1]}" = 'subsystem: SUBSYSTEM_CLOUD code: "COMMAND_REJECTED" message: "the command is not an asimov.CloudCommand" ' ]
	[[ ${lines[2]} == 'subsystem: SUBSYSTEM_CLOUD code: "COMMAND_REJECTED" message: "segments[0]'* ]]
	# not applied: still standing
	state "$BATS_TEST_TMPDIR/s"
	[ "$(field fw_mode "$BATS_TEST_TMPDIR/s")" = FW_MODE_STAND ]
}

@test "a trajectory segment becomes the joints' PD target" {
	start_sim -r "$R"
	pos="" kp="" kd=""
	for i in $(seq 0 24); do
		pos+="positions: $(awk -v i="$i" 'BEGIN{print (i - 12) / 40}') "
		kp+="kp: 120 "
		kd+="kd: 2 "
	done
	cmd "sequence: 3 trajectory { full { segments { $pos $kp $kd } } }"
	# until the joints are there (ones that never get there meet the
	# hang guard)
	at_target() {
		state "$BATS_TEST_TMPDIR/s"
		field joint_pos "$BATS_TEST_TMPDIR/s" > "$BATS_TEST_TMPDIR/q"
		[ "$(wc -l < "$BATS_TEST_TMPDIR/q")" -eq 25 ] &&
		awk '{ want = (NR - 13) / 40; d = $1 - want; if (d < 0) d = -d;
		       if (d > 0.01) bad = 1 } END { exit bad }' \
			"$BATS_TEST_TMPDIR/q"
	}
	wait_for at_target
	# still standing: a trajectory is no mode change
	[ "$(field fw_mode "$BATS_TEST_TMPDIR/s")" = FW_MODE_STAND ]
}

@test "over-temperature: FirmwareAlert, a fault as yoke-fault reports it, status; then it clears" {
	yoke-fault $B --watch "$R" --json -C 1 -W 30 \
		> "$BATS_TEST_TMPDIR/fault" 2> "$BATS_TEST_TMPDIR/fault.err" 3>&- &
	WATCH=$!
	PIDS+=($WATCH)
	start_sim -r "$R" --speed 20
	# a deep squat: the knee motors (joints 3 and 9) carry the weight
	pos=""
	for i in $(seq 0 24); do
		case $i in 3|9) pos+="positions: 1.5 " ;; *) pos+="positions: 0 " ;; esac
	done
	cmd "trajectory { full { segments { $pos } } }"
	wait "$WATCH"
	f=$(cat "$BATS_TEST_TMPDIR/fault")
	[ "$(jq -c '{robot, code, severity}' <<< "$f")" = \
		"{\"robot\":\"$R\",\"code\":\"MOTOR_OVERTEMP\",\"severity\":\"critical\"}" ]
	[ "$(jq -c '.data | {alert_id, threshold_c}' <<< "$f")" = \
		'{"alert_id":1,"threshold_c":80}' ]
	jq -e '(.data.motor == 3 or .data.motor == 9) and .data.temp_c >= 80' <<< "$f"
	# the payload's members in yoke-fault's order
	[ "$(jq -c 'keys_unsorted' <<< "$f")" = \
		'["robot","fault_id","code","severity","data","ts"]' ]
	id=$(jq -r .fault_id <<< "$f")
	# the status embeds the same fault, retained
	st=$(mosquitto_sub -p "$BROKER_PORT" -t "$T/status" -C 1 -W "$HANG_S")
	[ "$(jq -r .status <<< "$st")" = fault ]
	[ "$(jq -r .fault.fault_id <<< "$st")" = "$id" ]
	# the state carries the alert: MOTOR_OVERTEMP (1), critical (0,
	# left out), threshold 80, on a knee
	state "$BATS_TEST_TMPDIR/s"
	grep -q '^active_alerts {' "$BATS_TEST_TMPDIR/s"
	grep -qx '  id: 1' "$BATS_TEST_TMPDIR/s"
	grep -qx '  threshold: 80' "$BATS_TEST_TMPDIR/s"
	grep -Eqx '  source_id: (3|9)' "$BATS_TEST_TMPDIR/s"
	! grep -q '  severity:' "$BATS_TEST_TMPDIR/s"
	[ "$(field error_flags "$BATS_TEST_TMPDIR/s")" = 2 ]
	# mode stand is the standing pose (knees at 0.3 rad), not the squat
	# held: the knees cool below 70 C, the alert clears and the robot
	# is online again
	cmd 'mode { mode: MODE_STAND }'
	wait_for sh -c "mosquitto_sub -p $BROKER_PORT -t '$T/status' -C 1 \
		-W 2 | jq -e '.status == \"online\"' > /dev/null"
	state "$BATS_TEST_TMPDIR/s"
	! grep -q '^active_alerts' "$BATS_TEST_TMPDIR/s"
	[ -z "$(field error_flags "$BATS_TEST_TMPDIR/s")" ]
	field joint_pos "$BATS_TEST_TMPDIR/s" |
		awk 'NR == 4 || NR == 10 { d = $1 - 0.3; if (d < 0) d = -d;
		     if (d > 0.05) bad = 1 } END { exit bad }'
}

@test "diagnostics every second on system, controller changes" {
	start_sim -r "$R" --speed 5
	# control is released after 5 simulated seconds: one diagnostics
	# period at --speed 5; four periods see it taken and released
	seconds 4 "$BATS_TEST_TMPDIR/sec" &
	SEC=$!
	PIDS+=($SEC)
	# the first diagnostics came: the capture runs
	wait_for test -s "$BATS_TEST_TMPDIR/sec/ev.1"
	cmd 'mode { mode: MODE_STAND }'
	wait "$SEC"
	# once a second of the wall clock whatever the speed: at most
	# eleven states (ten, one more for a late tick) between two
	at_most 11 "$BATS_TEST_TMPDIR/sec/counts"
	n=0 ctl=""
	for ev in "$BATS_TEST_TMPDIR"/sec/ev.*; do
		if grep -q '^diagnostics {' "$ev"; then
			n=$((n + 1))
			grep -qx '  provisioned: true' "$ev"
			grep -qx '  cloud_connected: true' "$ev"
			[ "$(grep -c '^  can_health {' "$ev")" -eq 2 ]
		fi
	done
	[ "$n" -eq 5 ]
	for k in $(seq 1 "$(ls "$BATS_TEST_TMPDIR"/sec/ev.* | wc -l)"); do
		ev="$BATS_TEST_TMPDIR/sec/ev.$k"
		if grep -q '^controller {' "$ev"; then
			ctl+=$(sed -n 's/^  \(current\|reason\): "\(.*\)"/\2/p' \
				"$ev" | tr '\n' ,)
			ctl+=";"
		fi
	done
	[ "$ctl" = "cloud,acquired,;timeout,;" ]
}

@test "fleet channels: status online, heartbeat, token, roster entry, telemetry" {
	start_sim -r "$R"
	# one retained message at most on each of the four: all four
	run --separate-stderr mosquitto_sub -p "$BROKER_PORT" -t "$T/status" \
		-t "$T/heartbeat" -t "$T/alive" -t "$T/meta" -C 4 -W "$HANG_S" \
		-v --retained-only
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | sort > "$BATS_TEST_TMPDIR/ret"
	[ "$(cut -d' ' -f1 "$BATS_TEST_TMPDIR/ret" | tr '\n' ' ')" = \
		"$T/alive $T/heartbeat $T/meta $T/status " ]
	get() { sed -n "s|^$T/$1 ||p" "$BATS_TEST_TMPDIR/ret"; }
	[ "$(get status | jq -c '{status, heartbeat_s}')" = \
		'{"status":"online","heartbeat_s":30}' ]
	[ "$(get heartbeat | jq -c '{seq, uptime_s}')" = '{"seq":1,"uptime_s":0}' ]
	[ "$(get alive | jq -c '{alive, pid}')" = "{\"alive\":true,\"pid\":$SIM}" ]
	[ "$(get meta | jq -c '{name, model}')" = \
		"{\"name\":\"$R\",\"model\":\"yoke-sim\"}" ]
	# the fleet tools see it
	run yoke-robot-status $B "$R" --json
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<< "$output")" = online ]
	# telemetry: battery and location, once a second
	b=$(reading battery_pct)
	[ "$(jq -c '{metric, unit}' <<< "$b")" = '{"metric":"battery_pct","unit":"%"}' ]
	jq -e '.value > 89 and .value <= 90' <<< "$b"
	l=$(reading location)
	jq -e '(.lat - 47.3769 | fabs) < 0.001 and (.lng - 8.5417 | fabs) < 0.001 and .heading >= 0 and .heading < 360' <<< "$l"
}

@test "SIGINT: exit 0, status offline (stopped), token cleared" {
	start_sim -r "$R"
	kill -INT "$SIM"
	rc=0
	wait "$SIM" || rc=$?
	[ "$rc" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/sim.err" ]
	[ ! -s "$BATS_TEST_TMPDIR/sim.out" ]
	run mosquitto_sub -p "$BROKER_PORT" -t "$T/+" -W 1 -v --retained-only
	! grep -q "^$T/alive" <<< "$output"
	[ "$(grep "^$T/status " <<< "$output" | cut -d' ' -f2- |
		jq -c '{status, reason}')" = '{"status":"offline","reason":"stopped"}' ]
}

@test "SIGKILL: the wills say offline (connection lost) and clear the token" {
	start_sim -r "$R"
	kill -KILL "$SIM"
	# the socket closes with it, and the broker sends the wills
	wait_for eval '! mosquitto_sub -p "$BROKER_PORT" -t "$T/alive" -W 1 \
		--retained-only -C 1 > /dev/null 2>&1'
	! mosquitto_sub -p "$BROKER_PORT" -t "$T/alive" -W 1 --retained-only \
		-C 1
	st=$(mosquitto_sub -p "$BROKER_PORT" -t "$T/status" -C 1 -W "$HANG_S")
	[ "$(jq -c '{status, reason}' <<< "$st")" = \
		'{"status":"offline","reason":"connection lost"}' ]
}

@test "--count N: robots sim-001 .. in one process; -r ID names them ID-001 .." {
	yoke-sim $B $O --count 3 > /dev/null 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	PIDS+=($!)
	wait_for sh -c "[ \$(mosquitto_sub -p $BROKER_PORT -t 'yoke/$R/+/meta' \
		-W 1 --retained-only -v 2>/dev/null | wc -l) -eq 3 ]"
	run --separate-stderr mosquitto_sub -p "$BROKER_PORT" \
		-t "yoke/$R/+/alive" -W 1 -v --retained-only
	[ "$(cut -d' ' -f1 <<< "$output" | sort | tr '\n' ' ')" = \
		"yoke/$R/sim-001/alive yoke/$R/sim-002/alive yoke/$R/sim-003/alive " ]
	# each its own state stream
	for r in sim-001 sim-003; do
		mosquitto_sub -p "$BROKER_PORT" -t "yoke/$R/$r/state" -C 1 \
			-W "$HANG_S" -F %x > /dev/null
	done
	kill_pids
	PIDS=()
	yoke-sim $B $O -r arm --count 2 > /dev/null 2>&1 3>&- &
	PIDS+=($!)
	wait_for sh -c "[ \$(mosquitto_sub -p $BROKER_PORT -t 'yoke/$R/+/alive' \
		-W 1 --retained-only -v 2>/dev/null | wc -l) -eq 2 ]"
	run --separate-stderr mosquitto_sub -p "$BROKER_PORT" \
		-t "yoke/$R/+/alive" -W 1 -v --retained-only
	[ "$(cut -d' ' -f1 <<< "$output" | sort | tr '\n' ' ')" = \
		"yoke/$R/arm-001/alive yoke/$R/arm-002/alive " ]
}

@test "--seed: the same seed, the same start; another seed, another" {
	loc() {
		yoke-sim $B --org "$R-$1" -r a --seed "$2" > /dev/null 2>&1 3>&- &
		local p=$!
		mosquitto_sub -p "$BROKER_PORT" -t "yoke/$R-$1/a/telemetry" \
			-W "$HANG_S" |
			jq --unbuffered -c 'select(.metric == "location") | [.lat, .lng, .heading]' |
			head -1
		kill "$p"
		wait "$p" || true
	}
	a=$(loc 1 42)
	b=$(loc 2 42)
	c=$(loc 3 43)
	[ -n "$a" ]
	[ "$a" = "$b" ]
	[ "$a" != "$c" ]
}

@test "usage errors exit 2 with a message" {
	run --separate-stderr yoke-sim $B --count 0
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-sim: invalid value '0' for --count: expected an integer from 1 to 1000" ]
	run --separate-stderr yoke-sim $B extra
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sim: unexpected argument 'extra'" ]
	run --separate-stderr yoke-sim $B --speed 0
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sim: invalid value '0' for --speed: expected a number from 0.01 to 1000" ]
	run --separate-stderr yoke-sim $B --queue 0
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sim: invalid value '0' for --queue: expected an integer from 1 to 10000000" ]
	run --separate-stderr yoke-sim $B -r 'Bad/Id'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sim: invalid robot id 'Bad/Id': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit" ]
	run --separate-stderr yoke-sim -b mqtt://127.0.0.1:1 -r x
	[ "$status" -eq 1 ]
	[[ $stderr == "yoke-sim: cannot connect to '127.0.0.1:1'"* ]]
}

@test "--help matches the man page's synopsis" {
	run yoke-sim --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: yoke-sim [options] [-r ID | -C N] [--rate HZ] [--speed X] [--seed S]" ]
	# the man page's SYNOPSIS names the same options
	for o in rate speed seed; do
		grep -qxF ".RB [ \\-\\-$o" "$YOKE_TOP/man/yoke-sim.1"
	done
	grep -qxF '.B \-C' "$YOKE_TOP/man/yoke-sim.1"
	# --queue holds messages; there is no input to hold back
	[[ $output == *"--queue N           messages held while the broker is slow or away"$'\n'*"(default 1000)"* ]]
	[[ $output != *"input waits"* ]]
}

# up_then_broker_gone N: N robots up (their heartbeats retained), then
# the broker stopped and the sim ($SIM, stderr in $BATS_TEST_TMPDIR/err)
# asked to stop
up_then_broker_gone() {
	yoke-sim $B $O --count "$1" > /dev/null 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	SIM=$!
	PIDS+=($SIM)
	wait_for sh -c "[ \$(mosquitto_sub -p $BROKER_PORT -t 'yoke/$R/+/heartbeat' \
		-W 1 --retained-only -v 2>/dev/null | wc -l) -eq $1 ]"
	stop_broker
	kill -TERM "$SIM"
}

# delivered PID: no SIGTERM is pending for PID any more: its handler ran
delivered() {
	local k v
	while read -r k v; do
		case $k in
		SigPnd: | ShdPnd:) [ $((0x$v & 1 << (15 - 1))) -eq 0 ] || return 1 ;;
		esac
	done < "/proc/$1/status"
}

@test "a second signal gives up a goodbye the broker cannot take, for every robot" {
	up_then_broker_gone 3
	# The first signal taken, the second counts as a second.  (It must
	# come within the goodbye's own 3 s, a limit of the tool's: it comes
	# at once.)
	wait_for delivered "$SIM"
	# waiting for the broker to confirm the goodbye
	kill -0 "$SIM"
	kill -TERM "$SIM"
	ended "$SIM"
	[ "$RC" -eq 1 ]
	# given up at the signal, not at the goodbye's own 3 s limit (whose
	# message ends "within 3 s")
	run cat "$BATS_TEST_TMPDIR/err"
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} =~ ^yoke-sim:\ interrupted\ with\ [0-9]+\ messages\ not\ confirmed\ by\ the\ broker$ ]]
	restart_broker 0
}

@test "a goodbye the broker cannot take ends by itself: exit 1, saying so" {
	up_then_broker_gone 2
	# one signal only: it must end on its own (before, it waited for the
	# broker for ever)
	ended "$SIM"
	[ "$RC" -eq 1 ]
	run cat "$BATS_TEST_TMPDIR/err"
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == "yoke-sim: "*" not confirmed by the broker within 3 s" ]]
	restart_broker 0
}

@test "after SIGSTOP the robot replays at most ten ticks of missed time" {
	start_sim -r "$R" --speed 100
	state "$BATS_TEST_TMPDIR/a"
	kill -STOP "$SIM"
	stopped=$(($(date +%s%N) / 1000))
	sleep 3
	resumed=$(($(date +%s%N) / 1000))
	kill -CONT "$SIM"
	state "$BATS_TEST_TMPDIR/b"
	f0=$(field fw_timestamp_us "$BATS_TEST_TMPDIR/a")
	f1=$(field fw_timestamp_us "$BATS_TEST_TMPDIR/b")
	w0=$(field timestamp_us "$BATS_TEST_TMPDIR/a")
	w1=$(field timestamp_us "$BATS_TEST_TMPDIR/b")
	# Not a measurement, a bound from the order of events: between the
	# two states the sim ran for at most their wall stamps' distance
	# less the time it was surely stopped (between our two clock
	# readings, which the kills enclose).  That much simulated time at
	# --speed 100, plus what it replays of the 300 simulated s it
	# missed: ten ticks, 100 s (and 1 s for rounding).  And it does
	# replay them: at least 100 s.
	ran=$(((w1 - w0) - (resumed - stopped)))
	[ $((f1 - f0)) -ge 100000000 ]
	[ $((f1 - f0)) -le $((100 * ran + 101000000)) ]
	# and it runs on: state keeps coming at 10 Hz
	take state 5 EdgeTelemetry "$BATS_TEST_TMPDIR/s"
}

@test "a broker restart: state flows again, commands work, status online again" {
	start_sim -r "$R"
	restart_broker 1
	# reconnect backoff from 1 s: state within a few seconds
	take state 3 EdgeTelemetry "$BATS_TEST_TMPDIR/s"
	# the agent said online again (the will said offline meanwhile)
	wait_for sh -c "mosquitto_sub -p $BROKER_PORT -t '$T/status' -C 1 \
		-W 2 | jq -e '.status == \"online\"' > /dev/null"
	wait_for sh -c "mosquitto_sub -p $BROKER_PORT -t '$T/alive' -C 1 \
		-W 2 | jq -e '.alive' > /dev/null"
	# and it takes commands again: its subscriptions were renewed
	cmd 'mode { mode: MODE_DAMP }'
	wait_for raw_mode_is ""
}

@test "more trajectory segments than may wait: the rest dropped, an EdgeError says so" {
	start_sim -r "$R"
	watch_system
	seg="segments { $(for i in $(seq 1 25); do printf 'positions: 0.1 '; done)}"
	# one applies at once, 100 wait: 49 of 150 are dropped
	cmd "trajectory { full { $(for i in $(seq 1 150); do printf '%s ' "$seg"; done)} }"
	# its error, and diagnostics after it: no other is to come
	wait_for errors_then_diagnostics 1
	kill "$SUB"
	run sed -n 's/^error //p' "$BATS_TEST_TMPDIR/events"
	[ "${#lines[@]}" -eq 1 ]
	[ "${lines[0]}" = 'subsystem: SUBSYSTEM_FIRMWARE code: "TRAJECTORY_OVERFLOW" message: "49 of 150 segments dropped: at most 100 wait to be applied" ' ]
}

@test "broker away: a full queue drops events (said once), SIGTERM still ends the sim" {
	start_sim -r "$R" --queue 5
	stop_broker
	# diagnostics (QoS 1, one a second) fill the queue but for the room
	# kept for RPC answers (3 of 5); before, the next one waited for room
	# for ever: no robot stepped, no signal was obeyed
	wait_for grep -q dropping "$BATS_TEST_TMPDIR/sim.err"
	kill -TERM "$SIM"
	ended "$SIM"
	[ "$RC" -eq 1 ]
	run cat "$BATS_TEST_TMPDIR/sim.err"
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "yoke-sim: dropping messages of '$R': the send queue is full (the broker is away or slow)" ]
	[[ ${lines[1]} =~ ^yoke-sim:\ [1-9][0-9]*\ messages\ dropped:\ the\ send\ queue\ was\ full$ ]]
	[[ ${lines[2]} == "yoke-sim: "*" not confirmed by the broker within 3 s" ]]
	restart_broker 0
}

@test "broker away then back: no stale state is sent, the first ones are fresh" {
	start_sim -r "$R" --queue 5
	state "$BATS_TEST_TMPDIR/before"
	stop_broker
	# the queue filled (three diagnostics, a few seconds): the loop ran on
	wait_for grep -q dropping "$BATS_TEST_TMPDIR/sim.err"
	back=$(($(date +%s%N) / 1000))
	restart_broker 0
	take state 3 EdgeTelemetry "$BATS_TEST_TMPDIR/s"
	# made after the broker came back, none queued from before
	for i in 1 2 3; do
		[ "$(field timestamp_us "$BATS_TEST_TMPDIR/s/$i")" -ge "$back" ]
	done
	# the ticks meanwhile were counted: the sequence jumped over them.
	# There were at least the ticks of the diagnostics that filled the
	# queue's three places and of the one dropped (one of them may have
	# been in flight when the broker went): 3
	s0=$(field sequence "$BATS_TEST_TMPDIR/before")
	s1=$(field sequence "$BATS_TEST_TMPDIR/s/1")
	[ $((s1 - s0)) -gt 3 ]
	[ "$(field sequence "$BATS_TEST_TMPDIR/s/3")" -eq $((s1 + 2)) ]
	kill -TERM "$SIM"
	rc=0
	wait "$SIM" || rc=$?
	[ "$rc" -eq 0 ]
	run cat "$BATS_TEST_TMPDIR/sim.err"
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "yoke-sim: dropping messages of '$R': the send queue is full (the broker is away or slow)" ]
	[[ ${lines[1]} =~ ^yoke-sim:\ [1-9][0-9]*\ messages\ dropped:\ the\ send\ queue\ was\ full$ ]]
}
