#!/usr/bin/env bats
# yoke-drive against a real mosquitto: what it publishes on
# <robot>/commands, captured as raw bytes (mosquitto_sub -F %x, hex) and
# decoded by protoc-c --decode, an encoder independent of yoke's.
# Velocity streams at the rate then zero; both modes' numbering;
# trajectories to the wire; ranges refused (exit 2, field and range
# named, nothing published) or --clamp'ed; scripts on stdin with a bad
# line; SIGINT/SIGTERM send zero; SIGKILL leaves the will (zero);
# sequences increase.  The RPC verbs and the console: drive-sim.bats.
bats_require_minimum_version 1.5.0
load helpers
load drive

drive() { yoke-drive $B "$@"; }

# Each test's robot holds a liveliness token (a retained
# {"alive":true}, as yoke-sim's agent holds one): a command that moves
# a robot first checks that it is there.
setup() {
	R=$(uniq_robot)
	T="yoke/default/$R"
	O="--org $R"
	PIDS=()
	mosquitto_pub -p "$BROKER_PORT" -q 1 -r -t "$T/alive" \
		-m '{"alive":true}'
}

# paced FILE PERIOD_US MAX: the decoded commands in FILE are at least 2
# velocity ticks, at most MAX, then a zero; the ticks' stamps span at
# least PERIOD_US each (the rate is never exceeded).
paced() {
	local n first last
	n=$(($(wc -l < "$1") - 1))
	[ "$n" -ge 2 ] && [ "$n" -le "$3" ]
	first=$(head -1 "$1" | grep -o 'timestamp_us: [0-9]*' | cut -d' ' -f2)
	last=$(sed -n "${n}p" "$1" | grep -o 'timestamp_us: [0-9]*' | cut -d' ' -f2)
	[ $((last - first)) -ge $(((n - 1) * ($2 - 1000))) ]
}

# exits PID: until PID ends (30 s at most: a hang, not a timing, fails).
exits() {
	for _ in $(seq 1 300); do
		kill -0 "$1" 2> /dev/null || return 0
		sleep 0.1
	done
	return 1
}

@test "vel: streams at the rate, then one zero; sequences 1, 2, ..." {
	capture
	t0=$(date +%s%N)
	run --separate-stderr drive "$R" vel 0.3 0 -0.5 --for 1 --rate 20
	t1=$(date +%s%N)
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	sent > "$BATS_TEST_TMPDIR/s"
	n=$(wc -l < "$BATS_TEST_TMPDIR/s")
	# 20 Hz for 1 s: the first at once, then one every 50 ms at most
	paced "$BATS_TEST_TMPDIR/s" 50000 21
	[ "$(head -n -1 "$BATS_TEST_TMPDIR/s" | strip | sed 's/sequence: [0-9]* //' | sort -u)" = \
		"velocity { vx: 0.3 vyaw: -0.5 } " ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/s" | strip)" = "sequence: $n velocity { } " ]
	# every command stamped, sequences 1..n in order, timestamps rising
	[ "$(grep -o 'sequence: [0-9]*' "$BATS_TEST_TMPDIR/s" | cut -d' ' -f2 | tr '\n' ' ')" = "$(seq -s ' ' 1 "$n") " ]
	grep -o 'timestamp_us: [0-9]*' "$BATS_TEST_TMPDIR/s" | cut -d' ' -f2 > "$BATS_TEST_TMPDIR/ts"
	sort -n -c "$BATS_TEST_TMPDIR/ts"
	# stamped now: while it ran (microseconds since the epoch)
	[ "$(head -1 "$BATS_TEST_TMPDIR/ts")" -ge $((t0 / 1000)) ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/ts")" -le $((t1 / 1000)) ]
}

@test "vel: a negative number is a value, --rate sets the pace" {
	capture
	run --separate-stderr drive "$R" vel -0.3 -.2 0 --for 0.5 --rate 40
	[ "$status" -eq 0 ]
	sent > "$BATS_TEST_TMPDIR/s"
	# 40 Hz for 0.5 s: one every 25 ms at most
	paced "$BATS_TEST_TMPDIR/s" 25000 21
	[ "$(head -1 "$BATS_TEST_TMPDIR/s" | strip)" = "sequence: 1 velocity { vx: -0.3 vy: -0.2 } " ]
}

@test "mode stand and damp: MODE_STAND=0, MODE_DAMP=1 on the wire, and nothing else" {
	capture
	run --separate-stderr drive "$R" mode stand
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	run --separate-stderr drive "$R" mode damp
	[ "$status" -eq 0 ]
	hex > "$BATS_TEST_TMPDIR/h"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/h")" -eq 2 ]
	# field 5 (mode), a ModeCommand: empty for STAND (0, the default),
	# field 1 = 1 for DAMP
	[[ "$(sed -n 1p "$BATS_TEST_TMPDIR/h")" == *2a00 ]]
	[[ "$(sed -n 2p "$BATS_TEST_TMPDIR/h")" == *2a020801 ]]
	[ "$(sent | strip)" = "$(printf '%s\n' 'sequence: 1 mode { } ' 'sequence: 1 mode { mode: MODE_DAMP } ')" ]
	run --separate-stderr drive "$R" mode move
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: mode: expected stand or damp, got 'move'" ]
}

@test "traj: a FullTrajectory file goes to the wire as written" {
	capture
	pos=$(seq -s, 0 24 | sed 's/[0-9]*/0.&/g')
	kp=$(seq -s, 1 25)
	kd=$(yes 0.5 | head -25 | paste -sd,)
	printf '{"segments": [{"positions": [%s], "kp": [%s], "kd": [%s]}, {"positions": [%s]}]}\n' \
		"$pos" "$kp" "$kd" "$pos" > "$BATS_TEST_TMPDIR/t.json"
	run --separate-stderr drive "$R" traj "$BATS_TEST_TMPDIR/t.json"
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	s=$(sent)
	[ "$(grep -o 'positions: ' <<< "$s" | wc -l)" -eq 50 ]
	[ "$(grep -o 'kp: ' <<< "$s" | wc -l)" -eq 25 ]
	[ "$(grep -o 'kd: 0.5 ' <<< "$s" | wc -l)" -eq 25 ]
	[[ "$s" == *"trajectory { full { segments { positions: 0 positions: 0.1 positions: 0.2 "* ]]
	[[ "$s" == *"kp: 25 kd: 0.5"* ]]
	# and from standard input
	run --separate-stderr drive "$R" traj - < "$BATS_TEST_TMPDIR/t.json"
	[ "$status" -eq 0 ]
	[ "$(sent | wc -l)" -eq 2 ]
}

@test "traj: wrong sizes, gains out of range, bad files: exit 2, nothing sent" {
	capture
	pos=$(seq -s, 0 24)
	printf '{"segments": [{"positions": [1, 2]}]}' > "$BATS_TEST_TMPDIR/short.json"
	run --separate-stderr drive "$R" traj "$BATS_TEST_TMPDIR/short.json"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: segments[0].positions: 2 values, need 25" ]
	kp=$(seq -s, 1 25 | sed 's/^1,2,3,/1,2,3,600,/; s/,25$//')
	printf '{"segments": [{"positions": [%s], "kp": [%s]}]}' "$pos" "$kp" > "$BATS_TEST_TMPDIR/kp.json"
	run --separate-stderr drive "$R" traj "$BATS_TEST_TMPDIR/kp.json"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: segments[0].kp[3] 600 is out of range 0..500" ]
	printf '{"segments": [{"positions": [%s], "kd": [%s]}]}' "$pos" "$(yes 9 | head -25 | paste -sd,)" > "$BATS_TEST_TMPDIR/kd.json"
	run --separate-stderr drive "$R" traj "$BATS_TEST_TMPDIR/kd.json"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: segments[0].kd[0] 9 is out of range 0..5" ]
	run --separate-stderr drive "$R" traj "$BATS_TEST_TMPDIR/none.json"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: cannot open '$BATS_TEST_TMPDIR/none.json': No such file or directory" ]
	echo '{"segments": 3}' > "$BATS_TEST_TMPDIR/bad.json"
	run --separate-stderr drive "$R" traj "$BATS_TEST_TMPDIR/bad.json"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "yoke-drive: '$BATS_TEST_TMPDIR/bad.json': asimov.FullTrajectory: segments: "* ]]
	# --clamp brings the gains into range, and says so
	run --separate-stderr drive "$R" traj "$BATS_TEST_TMPDIR/kd.json" --clamp
	[ "$status" -eq 0 ]
	[ "$stderr" = "yoke-drive: --clamp: 25 gains (kp 0..500, kd 0..5)" ]
	s=$(sent)
	[ "$(wc -l <<< "$s")" -eq 1 ]
	[ "$(grep -o 'kd: 5 ' <<< "$s" | wc -l)" -eq 25 ]
}

@test "out of range: exit 2 naming the field and the range; nothing published" {
	capture
	run --separate-stderr drive "$R" vel 2.5 0 0
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-drive: vx 2.5 is out of range -2..2 m/s" ]
	run --separate-stderr drive "$R" vel 0 -1.5 0 --for 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: vy -1.5 is out of range -1..1 m/s" ]
	run --separate-stderr drive "$R" vel 0 0 2.01
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: vyaw 2.01 is out of range -2..2 rad/s" ]
	# refused before connecting: no broker is needed to say so
	run --separate-stderr yoke-drive -b mqtt://127.0.0.1:1 "$R" vel 3 0 0
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: vx 3 is out of range -2..2 m/s" ]
	[ -z "$(hex)" ]
}

@test "--clamp: values brought into range, said on stderr" {
	capture
	run --separate-stderr drive "$R" vel 2.5 0.5 -3 --clamp --for 0.2
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-drive: --clamp: vx 2.5 to 2, vyaw -3 to -2" ]
	[ "$(sent | head -1 | strip)" = "sequence: 1 velocity { vx: 2 vy: 0.5 vyaw: -2 } " ]
	# nothing to clamp: nothing said
	run --separate-stderr drive "$R" vel 1 0 0 --clamp --for 0.1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "usage errors: exit 2 with the reason" {
	run --separate-stderr drive
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: missing ROBOT (see --help)" ]
	run --separate-stderr drive Bad_Id stop
	[ "$status" -eq 2 ]
	[[ "$stderr" == "yoke-drive: invalid robot id 'Bad_Id'"* ]]
	run --separate-stderr drive "$R" vel 1 0
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: vel: expected VX VY VYAW, got 2 numbers" ]
	run --separate-stderr drive "$R" vel fast 0 0
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: vel: VX: 'fast' is not a number" ]
	run --separate-stderr drive "$R" mode stand --for 2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: --for goes with vel, not mode" ]
	run --separate-stderr drive "$R" fly
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: unknown verb 'fly' (verbs: vel, mode, traj, stop, skills, invoke, cancel, state, vision)" ]
	run --separate-stderr drive "$R" teleop
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: teleop: only in the console" ]
	run --separate-stderr drive "$R" invoke go_to '[1]'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: invoke: ARGS_JSON is not a JSON object" ]
	run --separate-stderr drive "$R" stop --on-error skip
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: --on-error goes with a script or the console, not stop" ]
	run --separate-stderr drive "$R" --for 2 <<< "stop"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: --for goes with vel, not a script" ]
	run --separate-stderr drive "$R" sleep 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: sleep: only in scripts and the console" ]
}

@test "stop: one zero velocity; vel --for 0: one command, then zero" {
	capture
	run --separate-stderr drive "$R" stop
	[ "$status" -eq 0 ]
	[ "$(sent | strip)" = "sequence: 1 velocity { } " ]
	run --separate-stderr drive "$R" vel 0.1 0 0 --for 0
	[ "$status" -eq 0 ]
	[ "$(sent | strip | tail -2)" = "$(printf '%s\n' 'sequence: 1 velocity { vx: 0.1 } ' 'sequence: 2 velocity { } ')" ]
}

@test "script: verb lines and CloudCommand JSON lines, in order, over one connection" {
	capture
	run --separate-stderr drive "$R" <<-EOF
		# a comment, then a blank line

		mode stand
		vel 0.5 0 0 --for 0.2 --rate 10
		{"mode": {"mode": "MODE_DAMP"}}
		{"velocity": {"vx": 0.1, "vyaw": 0.2}}
		stop
	EOF
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	sent | strip > "$BATS_TEST_TMPDIR/s"
	n=$(wc -l < "$BATS_TEST_TMPDIR/s")
	[ "$(head -1 "$BATS_TEST_TMPDIR/s")" = "sequence: 1 mode { } " ]
	[ "$(tail -4 "$BATS_TEST_TMPDIR/s" | sed 's/sequence: [0-9]* //')" = "$(printf '%s\n' 'velocity { } ' 'mode { mode: MODE_DAMP } ' 'velocity { vx: 0.1 vyaw: 0.2 } ' 'velocity { } ')" ]
	[ "$(grep -c 'vx: 0.5' "$BATS_TEST_TMPDIR/s")" -ge 2 ]
	[ "$(grep -o 'sequence: [0-9]*' "$BATS_TEST_TMPDIR/s" | cut -d' ' -f2 | tr '\n' ' ')" = "$(seq -s ' ' 1 "$n") " ]
}

@test "script: a held velocity streams while the script waits, zero at EOF" {
	capture
	# the input ends only once 3 commands came: they streamed while the
	# script waited for its next line
	run --separate-stderr drive "$R" < <(echo "vel 0.2 0 0 --rate 20"
		wait_for bash -c "[ \$(grep -c /commands '$CAP') -ge 3 ]")
	[ "$status" -eq 0 ]
	sent | strip > "$BATS_TEST_TMPDIR/s"
	n=$(wc -l < "$BATS_TEST_TMPDIR/s")
	[ "$n" -ge 4 ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/s")" = "sequence: $n velocity { } " ]
	[ "$(grep -c 'vx: 0.2' "$BATS_TEST_TMPDIR/s")" -eq $((n - 1)) ]
	# sleep holds it too: the script's input ends, but in its sleep it
	# does not see that yet, and it streams (until told to stop)
	yoke-drive $B "$R" < <(printf 'vel 0.4 0 0\nsleep 3600\n') 3>&- &
	pid=$!
	PIDS+=($pid)
	wait_for sent_at_least 3 'velocity { vx: 0.4 }'
	kill -INT "$pid"
	wait "$pid"
	# and after its sleep the script goes on: ticks (the first at once),
	# then the mode command, then the zero
	n=$(sent | wc -l)
	run --separate-stderr drive "$R" <<< $'vel 0.4 0 0\nsleep 0.5\nmode stand'
	[ "$status" -eq 0 ]
	sent | strip | tail -n +$((n + 1)) > "$BATS_TEST_TMPDIR/s2"
	m=$(wc -l < "$BATS_TEST_TMPDIR/s2")
	[ "$m" -ge 3 ]
	[ "$(grep -c 'vx: 0.4' "$BATS_TEST_TMPDIR/s2")" -eq $((m - 2)) ]
	[ "$(tail -2 "$BATS_TEST_TMPDIR/s2")" = "$(printf '%s\n' "sequence: $((m - 1)) mode { } " "sequence: $m velocity { } ")" ]
}

@test "script: a bad line names its number, exit 2, zero sent; --on-error skip goes on" {
	capture
	script=$'mode stand\nvel 0.3 0 0\nvel 0.3 zero 0\nmode damp'
	run --separate-stderr drive "$R" <<< "$script"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-drive: line 3: vel: VY: 'zero' is not a number" ]
	sent | strip > "$BATS_TEST_TMPDIR/s"
	# the held velocity was stopped; mode damp never went
	[ "$(tail -1 "$BATS_TEST_TMPDIR/s" | sed 's/sequence: [0-9]* //')" = "velocity { } " ]
	[ "$(grep -c MODE_DAMP "$BATS_TEST_TMPDIR/s")" -eq 0 ]
	run --separate-stderr drive "$R" --on-error skip <<< $'mode stand\nvel 9 0 0\n{"jump": 1}\nmode damp'
	[ "$status" -eq 2 ]
	[ "$stderr" = "$(printf '%s\n' "yoke-drive: line 2: vx 9 is out of range -2..2 m/s" "yoke-drive: line 3: asimov.CloudCommand: unknown field 'jump'" "yoke-drive: skipped 2 bad lines of 4")" ]
	[ "$(sent | strip | tail -2)" = "$(printf '%s\n' 'sequence: 1 mode { } ' 'sequence: 2 mode { mode: MODE_DAMP } ')" ]
	# --clamp for every line
	run --separate-stderr drive "$R" --clamp <<< $'vel 9 0 0 --for 0.1'
	[ "$status" -eq 0 ]
	[ "$stderr" = "yoke-drive: line 1: --clamp: vx 9 to 2" ]
}

@test "SIGINT during vel --for 300: zero sent, exit 0" {
	capture
	yoke-drive $B "$R" vel 0.3 0 0 --for 300 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	PIDS+=($pid)
	wait_for grep -q commands "$CAP"
	sleep 0.3
	kill -INT "$pid"
	# it ends at the signal, not after its 300 s (a hang fails here)
	exits "$pid"
	wait "$pid"
	[ -z "$(cat "$BATS_TEST_TMPDIR/err")" ]
	sent | strip > "$BATS_TEST_TMPDIR/s"
	n=$(wc -l < "$BATS_TEST_TMPDIR/s")
	[ "$n" -ge 2 ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/s")" = "sequence: $n velocity { } " ]
}

@test "SIGTERM during an unbounded vel: zero sent, exit 0" {
	capture
	yoke-drive $B "$R" vel 0 0 0.5 3>&- &
	pid=$!
	wait_for grep -q commands "$CAP"
	kill -TERM "$pid"
	wait "$pid"
	sent | strip > "$BATS_TEST_TMPDIR/s"
	n=$(wc -l < "$BATS_TEST_TMPDIR/s")
	[ "$(tail -1 "$BATS_TEST_TMPDIR/s")" = "sequence: $n velocity { } " ]
	[ "$(head -1 "$BATS_TEST_TMPDIR/s")" = "sequence: 1 velocity { vyaw: 0.5 } " ]
}

@test "SIGKILL: the broker sends the will, a zero velocity (sequence 0)" {
	capture
	killed_moving 0.3
	last=$(sent | tail -1)
	[[ "$last" == "timestamp_us: "* ]]
	[ "$(strip <<< "$last")" = "velocity { } " ]
	# nothing after the will
	[ "$(sent | grep -c 'vx: 0.3')" -eq $(( $(sent | wc -l) - 1 )) ]
}

@test "SIGKILL during a read-only verb: no will, nothing on commands" {
	capture
	for verb in "state pose" skills "vision pov" cancel; do
		# a watcher of the requests, seen to be subscribed by a
		# marker of its own
		rm -f "$BATS_TEST_TMPDIR/req"
		mosquitto_sub -p "$BROKER_PORT" -q 1 -t "$T/rpc/#" -F %t \
			> "$BATS_TEST_TMPDIR/req" 3>&- &
		sub=$!
		PIDS+=($sub)
		wait_for bash -c "mosquitto_pub -p $BROKER_PORT -t $T/rpc/mark -m m; sleep 0.05; grep -q . '$BATS_TEST_TMPDIR/req'"
		yoke-drive $B "$R" $verb -W 30 > /dev/null 3>&- &
		pid=$!
		# its request is out: connected, inbox subscribed
		wait_for grep -q "/rpc/${verb%% *}\$" "$BATS_TEST_TMPDIR/req"
		kill "$sub"
		kill -KILL "$pid"
		wait "$pid" || true
	done
	# a verb that moves leaves a will; this one is for comparison
	killed_moving 0.1
	sent | strip > "$BATS_TEST_TMPDIR/s"
	# its velocities, then its will: nothing from the four before
	[ "$(head -1 "$BATS_TEST_TMPDIR/s")" = "sequence: 1 velocity { vx: 0.1 } " ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/s")" = "velocity { } " ]
	[ "$(grep -c '^velocity { } $' "$BATS_TEST_TMPDIR/s")" -eq 1 ]
}

@test "SIGINT during a script: zero sent" {
	capture
	yoke-drive $B "$R" < <(echo "vel 0.3 0 0"; sleep 20) 3>&- &
	pid=$!
	wait_for grep -q commands "$CAP"
	kill -INT "$pid"
	wait "$pid"
	sent | strip > "$BATS_TEST_TMPDIR/s"
	[ "$(tail -1 "$BATS_TEST_TMPDIR/s" | sed 's/sequence: [0-9]* //')" = "velocity { } " ]
}

# streaming: a command of this robot's comes (it is connected and sends)
streaming() {
	mosquitto_sub -p "$BROKER_PORT" -t "$T/commands" -C 1 -W "$HANG_S" \
		> /dev/null
}

# noticed PID: PID's connection to the (stopped) broker is closed on its
# side too: no socket of it left in CLOSE-WAIT
noticed() {
	! ss -Htnp state close-wait "dport = :$BROKER_PORT" 2> /dev/null |
		grep -q "pid=$1,"
}

@test "broker gone: SIGTERM gives up on the zero after 3 s, exit 1, saying so" {
	yoke-drive $B "$R" vel 0.3 0 0 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	streaming
	stop_broker
	wait_for noticed "$pid"
	kill -TERM "$pid"
	rc=0
	exits "$pid" || rc=hung
	wait "$pid" || rc=$?
	restart_broker
	[ "$rc" -eq 1 ]
	# the message comes only from the deadline's end (a further
	# signal, or a broker that answers, says otherwise)
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "yoke-drive: the zero velocity not confirmed by the broker within 3 s; the robot's deadman stops it" ]
}

@test "a stalled broker: the zero unconfirmed after SIGINT, the goodbye asks for the will" {
	capture
	yoke-drive $B "$R" vel 0.3 0 0 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	PIDS+=($pid)
	wait_for grep -q commands "$CAP"
	bpid=$(cat "$BROKER_DIR/pid")
	kill -STOP "$bpid"
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	kill -CONT "$bpid"
	[ "$rc" -eq 1 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "yoke-drive: the zero velocity not confirmed by the broker within 3 s; the robot's deadman stops it" ]
	# the broker, reading on, gets our zero, then DISCONNECT 0x04: the
	# will (sequence 0) comes last
	wait_for bash -c "awk '\$1 ~ /commands\$/' '$CAP' | tail -1 | grep -q ' 08'"
	sent | strip > "$BATS_TEST_TMPDIR/s"
	n=$(grep -c sequence "$BATS_TEST_TMPDIR/s")
	[ "$(tail -2 "$BATS_TEST_TMPDIR/s")" = "$(printf '%s\n' "sequence: $n velocity { } " "velocity { } ")" ]
}

@test "broker back: streaming resumes with fresh commands, none queued while it was away" {
	yoke-drive $B "$R" vel 0.3 0 0 --rate 50 3>&- &
	pid=$!
	PIDS+=($pid)
	streaming
	stop_broker
	sleep 1.5
	# the broker may be back from here on: a command stamped later is
	# fresh, even one that a loaded machine sends after the capture began
	up=$(date +%s%N)
	restart_broker
	capture
	# reconnected (back-off 1 s, then up to 2 s): fresh commands again
	wait_for bash -c "awk '\$1 ~ /commands\$/' '$CAP' | grep -q ."
	sleep 0.3
	kill -INT "$pid"
	wait "$pid"
	sent > "$BATS_TEST_TMPDIR/s"
	# every command stamped after the broker was back: none of the
	# ~75 ticks of the 1.5 s away was kept for later
	while read -r ts; do
		[ "$ts" -gt $((up / 1000)) ]
	done < <(grep -o 'timestamp_us: [0-9]*' "$BATS_TEST_TMPDIR/s" | cut -d' ' -f2)
	[ "$(tail -1 "$BATS_TEST_TMPDIR/s" | strip | sed 's/sequence: [0-9]* //')" = "velocity { } " ]
}

# half_closed: a client said FIN and the broker has not closed its side
half_closed() { broker_socks | grep -q '^08 '; }
oom() { grep -c "out of memory" "$BROKER_DIR/log" || true; }

@test "closed with commands unconfirmed: the broker reads the DISCONNECT, no will" {
	# The broker, stopped, leaves commands in flight; the stop signal's
	# drain gives up after 3 s and the session closes.  Resumed, the
	# broker acknowledges the first and must still find our DISCONNECT:
	# a reset there (the socket closed under its PUBACKs) made mosquitto
	# drop the connection ("out of memory") and publish the will.
	capture
	# restarted by an earlier test: not the pid setup_file saw
	bp=$(cat "$BROKER_DIR/pid")
	for i in 1 2 3; do
		n0=$(sent | wc -l)
		oom0=$(oom)
		yoke-drive $B "$R" vel 0.3 0 0 --rate 20 \
			2> "$BATS_TEST_TMPDIR/err" 3>&- &
		pid=$!
		PIDS+=($pid)
		wait_for bash -c "[ \$(awk '\$1 ~ /commands\$/' '$CAP' | wc -l) -gt $n0 ]"
		kill -STOP "$bp"
		wait_for unread
		kill -TERM "$pid"
		# the session closes once the drain gives up
		wait_for half_closed
		kill -CONT "$bp"
		rc=0
		wait "$pid" || rc=$?
		wait_for eval '! half_closed'
		[ "$rc" -eq 1 ]
		sent | tail -n +$((n0 + 1)) | strip > "$BATS_TEST_TMPDIR/s"
		# our zero, numbered, then the will our DISCONNECT asked for
		# (reason 0x04: the zero was not confirmed), unnumbered; the
		# broker read that DISCONNECT: no reset, no "out of memory"
		[[ "$(tail -2 "$BATS_TEST_TMPDIR/s" | head -1)" == "sequence: "*" velocity { } " ]]
		[ "$(tail -1 "$BATS_TEST_TMPDIR/s")" = "velocity { } " ]
		[ "$(oom)" -eq "$oom0" ]
	done
}

@test "a stalled broker: ticks stamped meanwhile are dropped, not queued and delivered late" {
	capture
	yoke-drive $B "$R" vel 0.3 0 0 --rate 20 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	PIDS+=($pid)
	wait_for bash -c "awk '\$1 ~ /commands\$/' '$CAP' | sed -n 2p | grep -q ."
	# the broker stops reading and acknowledging (its socket stays open)
	bpid=$(cat "$BROKER_DIR/pid")
	kill -STOP "$bpid"
	t0=$(date +%s%N)
	sleep 1
	t1=$(date +%s%N)
	n0=$(count_sent 'velocity { vx: 0.3 }')
	kill -CONT "$bpid"
	# resumed: the tick held back while it was stopped, then fresh ones
	wait_for sent_at_least $((n0 + 4)) 'velocity { vx: 0.3 }'
	kill -INT "$pid"
	wait "$pid"
	[ -z "$(cat "$BATS_TEST_TMPDIR/err")" ]
	sent > "$BATS_TEST_TMPDIR/s"
	n=$(wc -l < "$BATS_TEST_TMPDIR/s")
	# of the ~20 ticks due while it was stopped, only the first went
	# (it waited, unconfirmed, and held back the others)
	stalled=0
	while read -r ts; do
		if [ "$ts" -gt $((t0 / 1000)) ] && [ "$ts" -lt $((t1 / 1000)) ]; then
			stalled=$((stalled + 1))
		fi
	done < <(grep -o 'timestamp_us: [0-9]*' "$BATS_TEST_TMPDIR/s" | cut -d' ' -f2)
	[ "$stalled" -le 1 ]
	# streaming resumed after it: ticks stamped after t1, then the zero
	[ "$(grep -o 'timestamp_us: [0-9]*' "$BATS_TEST_TMPDIR/s" | cut -d' ' -f2 | awk -v t=$((t1 / 1000)) '$1 > t' | wc -l)" -ge 3 ]
	# no sequence lost: a dropped tick takes none
	[ "$(grep -o 'sequence: [0-9]*' "$BATS_TEST_TMPDIR/s" | cut -d' ' -f2 | tr '\n' ' ')" = "$(seq -s ' ' 1 "$n") " ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/s" | strip)" = "sequence: $n velocity { } " ]
}

@test "an RPC verb without a robot to answer: exit 3 after the timeout" {
	run --separate-stderr drive "$R" state pose -W 0.5
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-drive: no answer from '$R' to state within 0.5 s" ]
	run --separate-stderr drive "$R" invoke dock -W 0.3
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-drive: no answer from '$R' to invoke within 0.3 s; the action may go on ('cancel' stops it)" ]
}

@test "-W bounds the wait for the inbox's SUBACK too: withheld, exit 1" {
	# a relay to the broker that drops every SUBACK
	port=$((20000 + RANDOM % 40000))
	python3 "$BATS_TEST_DIRNAME/withhold.py" "$port" "$BROKER_PORT" 9 \
		> "$BATS_TEST_TMPDIR/relay" 3>&- &
	PIDS+=($!)
	wait_for grep -q ready "$BATS_TEST_TMPDIR/relay"
	# (timeout: a hang fails the test instead of holding it)
	run --separate-stderr timeout 30 yoke-drive -b "mqtt://127.0.0.1:$port" "$R" state pose -W 0.5
	# the broker failed, not the robot: exit 1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == "yoke-drive: no answer from '$R' to state within 0.5 s: broker '127.0.0.1:$port' did not acknowledge the subscription to 'yoke/default/"* ]]
}

@test "vision: no JPEG to a terminal (as curl), refused before connecting" {
	tmux -L "yk$R" new-session -d -x 150 -y 10 \
		"yoke-drive -b mqtt://127.0.0.1:1 $R vision pov; echo rc=\$?; sleep 30"
	wait_for on_screen '^rc='
	[ "$(screen | grep -v '^$')" = "$(printf '%s\n' "yoke-drive: not writing a JPEG to a terminal: redirect standard output or give -o FILE" rc=2)" ]
	run --separate-stderr drive "$R" vision pov --for 2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-drive: --for goes with vel, not vision" ]
}

@test "one-shot verbs do not load readline" {
	[ "$(ldd "$YOKE_BIN/yoke-drive" | grep -c readline)" -eq 0 ]
}

@test "--help lists every verb" {
	run --separate-stderr drive --help
	[ "$status" -eq 0 ]
	for v in vel mode traj stop skills invoke cancel state vision; do
		grep -q "ROBOT $v" <<< "$output"
	done
	grep -q -- "--on-error" <<< "$output"
}

# ---- is the robot there? ----

# gone: this test's robot holds no token
gone() { mosquitto_pub -p "$BROKER_PORT" -q 1 -r -t "$T/alive" -n; }

@test "vel, mode, traj, invoke, a script to a robot that is not there: exit 3 saying so, nothing sent" {
	gone
	capture
	msg="yoke-drive: '$R' is not there: no liveliness token and no state within 1.5 s (--no-check sends anyway)"
	run --separate-stderr drive "$R" vel 0.3 0 0 --for 1
	[ "$status" -eq 3 ]
	[ "$stderr" = "$msg" ]
	[ -z "$output" ]
	run --separate-stderr drive "$R" mode stand
	[ "$status" -eq 3 ]
	[ "$stderr" = "$msg" ]
	printf '{"segments": [{"positions": [%s]}]}\n' \
		"$(yes 0.1 | head -25 | paste -sd,)" > "$BATS_TEST_TMPDIR/t.json"
	run --separate-stderr drive "$R" traj "$BATS_TEST_TMPDIR/t.json"
	[ "$status" -eq 3 ]
	[ "$stderr" = "$msg" ]
	# invoke waits for the action's end, with no limit: not for ever
	run --separate-stderr timeout 20 yoke-drive $B "$R" invoke dock
	[ "$status" -eq 3 ]
	[ "$stderr" = "$msg" ]
	run --separate-stderr drive "$R" <<< 'mode damp'
	[ "$status" -eq 3 ]
	[ "$stderr" = "$msg" ]
	[ -z "$(hex)" ]
}

@test "a token cleared or saying alive false is no token; stop goes unchecked" {
	mosquitto_pub -p "$BROKER_PORT" -q 1 -r -t "$T/alive" -m '{"alive":false}'
	capture
	run --separate-stderr drive "$R" mode damp
	[ "$status" -eq 3 ]
	run --separate-stderr drive "$R" stop
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(sent | strip)" = "sequence: 1 velocity { } " ]
}

@test "--no-check sends to a robot that is not there" {
	gone
	capture
	run --separate-stderr drive --no-check "$R" mode damp
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(sent | strip)" = "sequence: 1 mode { mode: MODE_DAMP } " ]
}

@test "a robot without a token that sends its state is there" {
	gone
	capture
	# a robot that speaks only the robot API: state at 10 Hz
	(while :; do
		mosquitto_pub -p "$BROKER_PORT" -t "$T/state" -m x || exit
		sleep 0.1
	done) 3>&- &
	robot=$!
	PIDS+=($robot)
	run --separate-stderr drive "$R" mode damp
	kill "$robot"
	wait "$robot" || true
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(sent | strip)" = "sequence: 1 mode { mode: MODE_DAMP } " ]
}

# ---- the console, in a tmux pane (its output stays after it ends) ----

teardown() {
	tmux -L "yk$R" kill-server 2> /dev/null || true
	# a test that stopped the broker may have failed before resuming it
	kill -CONT "$(cat "$BROKER_DIR/pid")" 2> /dev/null || true
	kill_pids
}

# press KEY VX VY VYAW: a key in teleop, until the status line shows it
press() {
	keys "$1"
	wait_for on_screen "teleop cmd $2 $3 $4"
}

@test "console: completion, commands, a bad line, help, history, quit" {
	capture
	console
	on_screen "driving '$R'; help for the verbs"
	# no robot answers: the status says so
	wait_for on_screen "^$R ? (no state) >\$"
	keys "mo" Tab
	wait_for on_screen "^$R ? (no state) > mode\$"
	keys "d" Tab
	wait_for on_screen "^$R ? (no state) > mode damp\$"
	keys Enter
	wait_for bash -c "grep -q commands '$CAP'"
	keys "vel 0.3 zero 0" Enter
	wait_for on_screen "^yoke-drive: vel: VY: 'zero' is not a number\$"
	keys "vel 9 0 0" Enter
	wait_for on_screen "^yoke-drive: vx 9 is out of range -2..2 m/s\$"
	keys "help" Enter
	wait_for on_screen "space  stop    q/Esc  leave teleop"
	# a held velocity streams until stop
	keys "vel 0.2 0 0" Enter
	wait_for sent_at_least 8 'velocity { vx: 0.2 }'
	keys "stop" Enter
	sleep 0.2
	keys "quit" Enter
	wait_for ended
	[ "$(dead_status)" = 0 ]
	sent | strip | sed 's/sequence: [0-9]* //' | uniq -c | sed 's/^ *//' > "$BATS_TEST_TMPDIR/s"
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/s")" = "1 mode { mode: MODE_DAMP } " ]
	[[ "$(sed -n 2p "$BATS_TEST_TMPDIR/s")" == *" velocity { vx: 0.2 } " ]]
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/s" | cut -d' ' -f1)" -ge 8 ]
	[ "$(sed -n 3p "$BATS_TEST_TMPDIR/s")" = "1 velocity { } " ]
	[ "$(wc -l < "$BATS_TEST_TMPDIR/s")" -eq 3 ]
	[ "$(cat "$BATS_TEST_TMPDIR/state/yoke/drive_history")" = "$(printf '%s\n' "mode damp " "vel 0.3 zero 0" "vel 9 0 0" help "vel 0.2 0 0" stop quit)" ]
	# the next session has it: Up brings the last line back
	tmux -L "yk$R" kill-server
	console
	keys Up
	wait_for on_screen "^$R ? .*> quit\$"
	keys C-u C-d
	wait_for ended
	[ "$(dead_status)" = 0 ]
}

@test "console teleop: keys set the velocity, streamed; space stops; q leaves with zero" {
	capture
	console
	keys "teleop" Enter
	wait_for on_screen "teleop cmd 0.00 0.00 0.00"
	press w 0.10 0.00 0.00
	press w 0.20 0.00 0.00
	sleep 0.3
	press Left 0.20 0.00 0.20
	# streamed at 20 Hz while a key holds its value
	wait_for sent_at_least 4 'velocity { vx: 0.2 vyaw: 0.2 }'
	press Down 0.10 0.00 0.20
	press z 0.10 0.10 0.20
	press d 0.10 0.10 0.00
	press d 0.10 0.10 -0.20
	press Right 0.10 0.10 -0.40
	press c 0.10 0.00 -0.40
	press c 0.10 -0.10 -0.40
	sleep 0.3
	press Space 0.00 0.00 0.00
	sleep 0.3
	press w 0.10 0.00 0.00
	sleep 0.2
	keys q
	wait_for on_screen "^$R ? (no state) >\$"
	sleep 0.2
	s=$(sent | strip | sed 's/sequence: [0-9]* //' | uniq | tr -d '\n')
	[ "$s" = "$(printf '%s' 'velocity { } ' 'velocity { vx: 0.1 } ' 'velocity { vx: 0.2 } ' 'velocity { vx: 0.2 vyaw: 0.2 } ' 'velocity { vx: 0.1 vyaw: 0.2 } ' 'velocity { vx: 0.1 vy: 0.1 vyaw: 0.2 } ' 'velocity { vx: 0.1 vy: 0.1 } ' 'velocity { vx: 0.1 vy: 0.1 vyaw: -0.2 } ' 'velocity { vx: 0.1 vy: 0.1 vyaw: -0.4 } ' 'velocity { vx: 0.1 vyaw: -0.4 } ' 'velocity { vx: 0.1 vy: -0.1 vyaw: -0.4 } ' 'velocity { } ' 'velocity { vx: 0.1 } ' 'velocity { } ')" ]
	# nothing more once teleop is left
	n=$(sent | wc -l)
	sleep 0.3
	[ "$(sent | wc -l)" -eq "$n" ]
	# Esc leaves too
	keys "teleop" Enter
	wait_for on_screen "teleop cmd 0.00 0.00 0.00"
	keys a Escape
	wait_for on_screen "^$R ? (no state) >\$"
	[ "$(sent | tail -1 | strip | sed 's/sequence: [0-9]* //')" = "velocity { } " ]
	keys C-d
	wait_for ended
	[ "$(dead_status)" = 0 ]
}

@test "console: SIGINT and SIGTERM stop the robot (zero velocity) and leave, terminal restored" {
	capture
	console
	keys "vel 0.3 0 0" Enter
	wait_for bash -c "grep -q commands '$CAP'"
	sleep 0.2
	kill -INT "$CPID"
	wait_for ended
	[ "$(dead_status)" = 0 ]
	[ "$(sent | tail -1 | strip | sed 's/sequence: [0-9]* //')" = "velocity { } " ]
	tmux -L "yk$R" kill-server
	console
	keys "teleop" Enter
	wait_for on_screen "teleop cmd"
	keys w
	wait_for on_screen "teleop cmd 0.10"
	kill -TERM "$CPID"
	wait_for ended
	[ "$(dead_status)" = 0 ]
	[ "$(sent | tail -1 | strip | sed 's/sequence: [0-9]* //')" = "velocity { } " ]
	[ "$(sent | grep -c 'vx: 0.1')" -ge 1 ]
	# out of teleop's raw mode: line editing and echo are back
	grep -q ' icanon ' "$BATS_TEST_TMPDIR/stty"
	grep -q ' echo ' "$BATS_TEST_TMPDIR/stty"
}
