#!/usr/bin/env bats
# yoke-robot-status against a real mosquitto: set (retained, QoS 1), the
# agent (status, heartbeat, token, wills, a clean stop), the fleet view and
# its verdicts (reported, watchdog, token gone, missing), --watch, wait,
# register/unregister, and bad usage.
#
# Fleet views read a whole organisation, so each test has its own ($O).
bats_require_minimum_version 1.5.0
load helpers

rs() { yoke-robot-status $B $O "$@"; }

teardown() {
	tmux -L "yk$R" kill-server 2> /dev/null || true
	kill_pids
}

# agent ROBOT [OPTIONS...]: run the agent in the background until its
# token is live; AGENT is its pid, its stderr in $BATS_TEST_TMPDIR/agent.err
agent() {
	local robot=$1
	shift
	yoke-robot-status $B $O agent -r "$robot" "$@" \
		> "$BATS_TEST_TMPDIR/agent.out" \
		2> "$BATS_TEST_TMPDIR/agent.err" 3>&- &
	AGENT=$!
	PIDS+=($AGENT)
	wait_for is_live "$robot"
}

is_live() { yoke-alive $B $O --list "$1" > /dev/null 2>&1; }
is_gone() { ! is_live "$1"; }

# row ROBOT: the robot's fleet-view row, ages left out
row() { rs --json "$1" | jq -c 'del(.heartbeat_age_s, .heartbeat_seq)'; }
status_is() { [ "$(rs --json "$1" | jq -r .status)" = "$2" ]; }
reason_is() { [ "$(rs --json "$1" | jq -r .reason)" = "$2" ]; }

# retained ROBOT CHANNEL: the retained payload of that channel (org $R)
retained() {
	mosquitto_sub -p "$BROKER_PORT" -t "yoke/$R/$1/$2" -C 1 -W "$HANG_S" -F '%r %p'
}

@test "set: retained, QoS 1, seen by a late mosquitto_sub" {
	run --separate-stderr rs set idle -r arm-1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	run mosquitto_sub -p "$BROKER_PORT" -t "yoke/$R/arm-1/status" -C 1 \
		-q 1 -W 3 -F '%r %q %p'
	[ "$status" -eq 0 ]
	[ "${output%% \{*}" = "1 1" ]
	[ "$(echo "${output#1 1 }" | jq -c 'del(.ts)')" = '{"status":"idle"}' ]
	# as written, not as jq reprints it (jq drops trailing zeros)
	[[ "$output" =~ \"ts\":[0-9]{10}\.[0-9]{6}\} ]]
}

@test "set: every status, --reason, YOKE_ROBOT" {
	for s in online idle fault offline; do
		rs set "$s" -r arm-1
		[ "$(row arm-1 | jq -r .reported)" = "$s" ]
	done
	rs set offline --reason "maintenance" -r arm-1
	[ "$(row arm-1)" = '{"robot":"arm-1","status":"offline","reason":"maintenance","reported":"offline","alive":false,"registered":false}' ]
	YOKE_ROBOT=arm-2 rs set online
	[ "$(row arm-2)" = '{"robot":"arm-2","status":"online","reported":"online","alive":false,"registered":false}' ]
}

@test "set: a status that is not one of the four exits 2 naming them" {
	for s in Online busy ""; do
		run --separate-stderr rs set "$s" -r arm-1
		[ "$status" -eq 2 ]
		[ "$stderr" = "yoke-robot-status: invalid status '$s': use online, idle, fault or offline" ]
	done
	run --separate-stderr rs --json
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-robot-status: no robot matches '*'" ]
}

@test "agent: status online with its heartbeat period, token held" {
	agent arm-1 --heartbeat 7
	run retained arm-1 status
	[ "$(echo "${output#1 }" | jq -c 'del(.ts)')" = '{"status":"online","heartbeat_s":7}' ]
	run --separate-stderr yoke-alive $B $O --list arm-1
	[ "$(echo "$output" | jq -r .pid)" = "$AGENT" ]
	[ "$(row arm-1)" = '{"robot":"arm-1","status":"online","reported":"online","alive":true,"registered":false}' ]
}

@test "agent: a heartbeat every --heartbeat S: ts, seq, uptime_s" {
	agent arm-1 --heartbeat 1 --status idle
	run mosquitto_sub -p "$BROKER_PORT" -t "yoke/$R/arm-1/heartbeat" -C 3 \
		-W "$HANG_S" -F '%r %p'
	[ "$status" -eq 0 ]
	# the first is the retained one: a late viewer sees the last beat
	[ "$(echo "$output" | cut -c1)" = "$(printf '1\n0\n0')" ]
	seqs=$(echo "$output" | cut -d' ' -f2- | jq -r .seq | tr '\n' ' ')
	read -r a b c <<< "$seqs"
	[ "$b" -eq $((a + 1)) ] && [ "$c" -eq $((a + 2)) ]
	echo "$output" | cut -d' ' -f2- | jq -e '.uptime_s >= 0 and
		(.ts | tostring | test("^[0-9]{10}\\.[0-9]+$"))'
	[ "$(row arm-1 | jq -r .status)" = idle ]
}

@test "agent: SIGTERM and SIGINT publish offline (stopped) before leaving" {
	for sig in TERM INT; do
		agent arm-1
		kill -$sig "$AGENT"
		wait "$AGENT"
		[ ! -s "$BATS_TEST_TMPDIR/agent.err" ]
		# our own words, not the will's
		run retained arm-1 status
		[ "$(echo "${output#1 }" | jq -c 'del(.ts)')" = '{"status":"offline","reason":"stopped"}' ]
		is_gone arm-1
		[ "$(row arm-1 | jq -c '[.status, .reason]')" = '["offline","stopped"]' ]
	done
}

@test "agent: killed with SIGKILL, its wills say offline and clear the token" {
	agent arm-1
	kill -KILL "$AGENT"
	wait_for status_is arm-1 offline
	[ "$(row arm-1)" = '{"robot":"arm-1","status":"offline","reason":"connection lost","reported":"offline","alive":false,"registered":false}' ]
	run retained arm-1 status
	[ "$(echo "${output#1 }" | jq -c .)" = '{"status":"offline","reason":"connection lost"}' ]
}

# connects: how often the agent (-v) has connected so far
connects() { grep -c "connected to" "$BATS_TEST_TMPDIR/agent.err" || true; }
connected_times() { [ "$(connects)" -eq "$1" ]; }

# fault_then SIG: the agent (-v) takes a fault, renews its status
# session's will to carry it, then gets SIG
fault_then() {
	agent arm-1 -v
	wait_for connected_times 2
	yoke-fault $B $O -r arm-1 motor_overheat --severity critical > /dev/null
	wait_for connected_times 3
	kill -"$1" "$AGENT"
	wait_for status_is arm-1 offline
}

@test "agent: a robot that dies in a fault still shows it (the will says it)" {
	fault_then KILL
	[ "$(row arm-1 | jq -c '[.reason, .fault.code, .fault.severity]')" = \
		'["connection lost","MOTOR_OVERHEAT","critical"]' ]
}

@test "agent: a robot that stops in a fault still shows it" {
	fault_then TERM
	[ "$(row arm-1 | jq -c '[.reason, .fault.code, .fault.severity]')" = \
		'["stopped","MOTOR_OVERHEAT","critical"]' ]
}

@test "agent: silent (SIGSTOP) -> offline once the broker misses 1.5 keepalives" {
	# The broker's log, not a clock, says why (see the SIGSTOP test in
	# alive.bats): the agent's status session asked for a keepalive of
	# 5 s, and the broker dropped it for exceeding that; its will says
	# offline.  (mosquitto 2.0 sweeps keepalives every 6 s: 7-15 s after
	# the stop; the wait is a hang guard, it times nothing.)
	agent arm-1 -v
	id=$(client_id "$BATS_TEST_TMPDIR/agent.err")
	grep -q ": New client connected from .* as $id (p5, c1, k5)\.\$" \
		"$BROKER_DIR/log"
	kill -STOP "$AGENT"
	wait_for status_is arm-1 offline
	broker_says "Client $id has exceeded timeout, disconnecting."
	reason_is arm-1 "connection lost"
	kill -0 "$AGENT"
}

@test "watchdog: no heartbeat for --stale S -> offline, with the reason" {
	# a long keepalive: the connection stays, only the heartbeats stop
	agent arm-1 --heartbeat 1 -k 60
	run rs --json --stale 3 arm-1
	[ "$(echo "$output" | jq -r .status)" = online ]
	kill -STOP "$AGENT"
	wait_for status_is arm-1 online
	wait_for eval '[ "$(rs --json --stale 3 arm-1 | jq -r .status)" = offline ]'
	run rs --json --stale 3 arm-1
	[ "$(echo "$output" | jq -r .status)" = offline ]
	# the silence it names is at least --stale, and it is the heartbeat's
	# age in the same row (whole seconds there, tenths here)
	[[ "$(echo "$output" | jq -r .reason)" =~ ^no\ heartbeat\ for\ ([0-9]+)s$ ]]
	n=${BASH_REMATCH[1]}
	[ "$n" -ge 3 ]
	echo "$output" | jq -e --argjson n "$n" \
		'.heartbeat_age_s >= $n and .heartbeat_age_s <= $n + 1'
	# the default watchdog is 75 s: still online
	[ "$(rs --json arm-1 | jq -r .status)" = online ]
	[ "$(rs --json arm-1 | jq -r .alive)" = true ]
}

@test "a robot that holds tokens is offline when its token is gone" {
	# its heartbeat says it holds one ("token":true, as the agent's do)
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/arm-1/status" -r -q 1 \
		-m "{\"status\":\"online\",\"ts\":$(date +%s)}"
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/arm-1/heartbeat" -r \
		-m "{\"ts\":$(date +%s),\"seq\":1,\"uptime_s\":1,\"token\":true}"
	[ "$(row arm-1 | jq -c '[.status, .reason, .reported, .alive]')" = '["offline","token gone","online",false]' ]
	run --separate-stderr rs wait arm-1 offline -W "$HANG_S"
	[ "$status" -eq 0 ]
}

@test "agent: puts its token back when someone else clears it" {
	agent arm-1 -k 60
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/arm-1/alive" -r -n -q 1
	wait_for is_live arm-1
	[ "$(row arm-1 | jq -c '[.status, .alive]')" = '["online",true]' ]
	[ ! -s "$BATS_TEST_TMPDIR/agent.err" ]
}

@test "agent and a second holder: the robot stays online when the second leaves" {
	# the README tour: robot-status agent, then yoke-alive ROBOT -- CMD
	agent arm-1
	run --separate-stderr yoke-alive $B $O arm-1 -- true
	[ "$status" -eq 0 ]
	[ "$stderr" = "yoke-alive: 'arm-1' is already held (pid $AGENT on $(hostname)); holding it too" ]
	wait_for is_live arm-1
	[ "$(yoke-alive $B $O --list arm-1 | jq -r .pid)" = "$AGENT" ]
	[ "$(row arm-1 | jq -c '[.status, .alive]')" = '["online",true]' ]
	# the agent's own goodbye still clears it
	kill -TERM "$AGENT"
	wait "$AGENT"
	is_gone arm-1
	[ "$(row arm-1 | jq -c '[.status, .reason]')" = '["offline","stopped"]' ]
}

@test "agent started while another process holds the token: it warns, and stays" {
	yoke-alive $B $O arm-1 > /dev/null 2>&1 &
	other=$!
	PIDS+=($other)
	wait_for is_live arm-1
	agent arm-1
	wait_for grep -q "'arm-1' is already held (pid $other on " \
		"$BATS_TEST_TMPDIR/agent.err"
	kill -TERM "$other"
	wait "$other"
	# the agent's token came after the other's: it is the one kept
	[ "$(yoke-alive $B $O --list arm-1 | jq -r .pid)" = "$AGENT" ]
	[ "$(row arm-1 | jq -c '[.status, .alive]')" = '["online",true]' ]
}

@test "a robot of the fleet SDK (status, heartbeats, no token): one verdict, online" {
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/sdk-1/status" -r -q 1 \
		-m "{\"status\":\"online\",\"ts\":$(date +%s)}"
	yoke-robot-status $B $O --watch --json > "$BATS_TEST_TMPDIR/w" 2>&1 3>&- &
	PIDS+=($!)
	wait_lines "$BATS_TEST_TMPDIR/w" 1
	# its first heartbeat (the SDK's: not retained, no token)
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/sdk-1/heartbeat" \
		-m "{\"ts\":$(date +%s),\"seq\":1,\"uptime_s\":30}"
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/sdk-1/status" -r -q 1 \
		-m "{\"status\":\"idle\",\"ts\":$(date +%s)}"
	wait_lines "$BATS_TEST_TMPDIR/w" 2
	run jq -c '[.status, .reason]' "$BATS_TEST_TMPDIR/w"
	[ "$output" = "$(printf '%s\n' '["online",null]' '["idle",null]')" ]
	[ "$(row sdk-1 | jq -c '[.status, .alive]')" = '["idle",false]' ]
	run --separate-stderr rs wait sdk-1 idle -W "$HANG_S"
	[ "$status" -eq 0 ]
}

# hb FIELD: a field of arm-1's retained heartbeat (org $R)
hb() { retained arm-1 heartbeat | cut -d' ' -f2- | jq ".$1"; }

@test "agent: stands by a status others set (a fault) across a reconnect" {
	agent arm-1 --heartbeat 1
	rs set fault -r arm-1
	# The agent has seen it once two heartbeats followed: the broker
	# passed the status on as it acknowledged it, before the heartbeat
	# retained now; the next one left later, and the agent read its
	# socket before the one after.
	s0=$(hb seq)
	wait_for eval '[ "$(hb seq)" -ge $((s0 + 2)) ]'
	restart_broker
	t0=$(date +%s.%N)
	# Reconnected, the agent says its status before any heartbeat on the
	# new connection: one stamped after the restart means the broker has
	# the status it said.
	wait_for eval '[ "$(hb "ts > $t0")" = true ]'
	wait_for is_live arm-1
	[ "$(row arm-1 | jq -r .reported)" = fault ]
	run retained arm-1 status
	[ "$(echo "${output#1 }" | jq -r .status)" = fault ]
}

@test "fleet view: one row per robot, sorted; PATTERN selects" {
	rs set online -r b-2
	rs set idle -r a-1
	rs set fault -r b-1
	run --separate-stderr rs --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.robot + " " + .status' | tr '\n' ,)" = \
		"a-1 idle,b-1 fault,b-2 online," ]
	run --separate-stderr rs --json b-2
	[ "$(echo "$output" | jq -r .robot)" = b-2 ]
	# a '*' inside the robot id, as people type it
	run --separate-stderr rs --json 'b-*'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .robot | tr '\n' ,)" = "b-1,b-2," ]
	run --separate-stderr rs --json '*-1'
	[ "$(echo "$output" | jq -r .robot | tr '\n' ,)" = "a-1,b-1," ]
	run --separate-stderr rs --json 'c-*'
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-robot-status: no robot matches 'c-*'" ]
	run --separate-stderr rs --json 'c-9'
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-robot-status: no robot matches 'c-9'" ]
	run --separate-stderr rs --json 'a+'
	[ "$status" -eq 2 ]
	[[ "$stderr" == "yoke-robot-status: "*"'a+'"* ]]
}

@test "fleet view: the last fault from the status (code, severity, age)" {
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/arm-1/status" -r -q 1 \
		-m '{"status":"fault","ts":1795300718.5,"fault":{"fault_id":"f-1","code":"MOTOR_OVERHEAT","severity":"critical","data":null,"ts":1795300718.5}}'
	[ "$(rs --json arm-1 | sed 's/.*"fault":\({[^}]*}\).*/\1/')" = '{"code":"MOTOR_OVERHEAT","severity":"critical","fault_id":"f-1","ts":1795300718.500000}' ]
	[ "$(row arm-1 | jq -r .status)" = fault ]
}

@test "fleet view on a terminal: a table, status coloured; NO_COLOR: the table without colour" {
	rs set online -r arm-1
	rs register arm-1 --name "Arm one" --model UR5
	run script -qec "yoke-robot-status $B $O" /dev/null
	[ "$status" -eq 0 ]
	out=$(echo "$output" | tr -d '\r')
	[[ "$out" == *"ROBOT"*"STATUS"*"HEARTBEAT"*"ALIVE"*"FAULT"*"NAME"*"MODEL"*"REASON"* ]]
	[[ "$out" == *"arm-1  "$'\033[32m'"online"$'\033[0m'*"Arm one"*"UR5"* ]]
	run script -qec "NO_COLOR=1 yoke-robot-status $B $O" /dev/null
	[ "$status" -eq 0 ]
	out=$(echo "$output" | tr -d '\r')
	[[ "$out" != *$'\033'* ]]
	[[ "$out" == "ROBOT  STATUS  HEARTBEAT"*$'\n'"arm-1  online  -"*"Arm one  UR5" ]]
	# JSON comes from --json or a pipe
	run script -qec "NO_COLOR=1 yoke-robot-status $B $O --json" /dev/null
	[ "$(echo "$output" | tr -d '\r' | jq -r .name)" = "Arm one" ]
}

# What a hostile robot (or anyone who may write its topics) publishes
# never drives the operator's terminal: name, model, reason, fault code
# and severity, in the table and in --watch.
evil() {
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/evil-3/meta" -r -q 1 \
		-m '{"name":"\u001b]0;PWNED\u0007\u001b[2J","model":"\u009b2J\u202e"}'
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/evil-3/status" -r -q 1 \
		-m '{"status":"fault","ts":1795300718.5,"reason":"\u001b[31mred","fault":{"fault_id":"f-1","code":"\u001b]2;X\u0007","severity":"\u001b[5mcritical","data":null,"ts":1795300718.5}}'
}

@test "terminal injection: the fleet table shows hostile text made safe" {
	evil
	run script -qec "COLUMNS=200 NO_COLOR=1 yoke-robot-status $B $O evil-3" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" != *$'\033'* ]]
	[[ "$output" != *$'\xc2\x9b'* ]]
	[[ "$output" == *"evil-3  fault"*"?]2;X? ?[5mcritical"*"?]0;PWNED??[2J"*"?2J?"*"?[31mred"* ]]
	# with colour: ours only, around the status
	run script -qec "yoke-robot-status $B $O evil-3" /dev/null
	[ "$(printf '%s' "$output" | grep -o $'\033' | wc -l)" -eq 4 ]
	[[ "$output" != *$'\033]'* ]]
	[[ "$output" != *$'\033[2J'* ]]
}

@test "terminal injection: --watch shows hostile text made safe" {
	evil
	tty_until "$BATS_TEST_TMPDIR/tty" PWNED \
		"COLUMNS=200 NO_COLOR=1 yoke-robot-status $B $O --watch"
	no_esc_but_redraw "$BATS_TEST_TMPDIR/tty"
	grep -q '?]0;PWNED??\[2J' "$BATS_TEST_TMPDIR/tty"
}

@test "terminal injection: a reason from the network on stderr made safe (wait)" {
	evil
	run --separate-stderr rs wait evil-3 online -W 0.5
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-robot-status: 'evil-3' is not online after 0.5 s: it is fault, ?[31mred" ]
}

# no_esc_but_redraw FILE: the only escape sequences are the redraw's own
no_esc_but_redraw() {
	! sed -e $'s/\033\\[[HKJ]//g' "$1" | grep -q $'\033'
}

@test "producers refuse control characters: register --name, --model, set --reason (exit 2)" {
	run --separate-stderr rs register arm-1 --name $'Arm\033]0;X\007'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: --name must not contain control characters" ]
	run --separate-stderr rs register arm-1 --model $'\xc2\x9b2J'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: --model must not contain control characters" ]
	run --separate-stderr rs set fault -r arm-1 --reason $'hot\n\033[2J'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: --reason must not contain control characters" ]
	run --separate-stderr rs set fault -r arm-1 --reason $'bad \xff'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: --reason is not valid UTF-8" ]
	# nothing was published
	run --separate-stderr rs --json
	[ "$status" -eq 3 ]
	# UTF-8 text is fine
	rs register arm-1 --name "Bras \u00e9 日本"
	[ "$(row arm-1 | jq -r .name)" = "Bras \u00e9 日本" ]
}

@test "the table fits the terminal's width: long text cut with an ellipsis" {
	rs set online -r arm-1 --reason "$(printf 'word %.0s' $(seq 1 40))"
	rs register arm-1 --name "$(printf 'n%.0s' $(seq 1 50))"
	run script -qec "COLUMNS=70 NO_COLOR=1 yoke-robot-status $B $O" /dev/null
	[ "$status" -eq 0 ]
	out=$(echo "$output" | tr -d '\r')
	[ "$(echo "$out" | LC_ALL=C.UTF-8 wc -L)" -eq 70 ]
	[[ "$out" == *"arm-1  online"*"…"* ]]
}

@test "fleet view: robots offline for more than a day leave it; --all shows them" {
	old=$(($(date +%s) - 2 * 86400))
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/gone-1/status" -r -q 1 \
		-m "{\"status\":\"offline\",\"ts\":$old,\"reason\":\"stopped\"}"
	run --separate-stderr rs --json
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-robot-status: no robot matches '*' (1 offline for more than 86400 s: --all shows them)" ]
	# a will (no ts) dated by the robot's last heartbeat
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/gone-2/status" -r -q 1 \
		-m '{"status":"offline","reason":"connection lost"}'
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/gone-2/heartbeat" -r \
		-m "{\"ts\":$old,\"seq\":9,\"uptime_s\":9,\"token\":true}"
	# expected robots stay (missing), so do recent ones
	rs register gone-3
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/gone-3/status" -r -q 1 \
		-m "{\"status\":\"offline\",\"ts\":$old,\"reason\":\"connection lost\"}"
	rs set offline -r recent-1
	run --separate-stderr rs --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.robot + " " + .status' | tr '\n' ,)" = \
		"gone-3 missing,recent-1 offline," ]
	run --separate-stderr rs --json --all
	[ "$(echo "$output" | jq -r .robot | tr '\n' ,)" = \
		"gone-1,gone-2,gone-3,recent-1," ]
	run --separate-stderr rs --json --hide-after 300000
	[ "$(echo "$output" | jq -r .robot | tr '\n' ,)" = \
		"gone-1,gone-2,gone-3,recent-1," ]
	# 0: never hide, as --all
	run --separate-stderr rs --json --hide-after 0
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .robot | tr '\n' ,)" = \
		"gone-1,gone-2,gone-3,recent-1," ]
	run --separate-stderr rs wait gone-1 offline -W "$HANG_S"
	[ "$status" -eq 0 ]
	run --separate-stderr rs wait gone-1 offline --all
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: --all goes with the fleet view, not wait" ]
}

@test "register: the roster entry; never seen -> missing" {
	run --separate-stderr rs register arm-9 --name "Arm nine" --model UR10
	[ "$status" -eq 0 ]
	run retained arm-9 meta
	[ "$(echo "${output#1 }" | jq -c 'del(.created)')" = '{"name":"Arm nine","model":"UR10"}' ]
	[ "$(row arm-9)" = '{"robot":"arm-9","status":"missing","reason":"never seen","alive":false,"name":"Arm nine","model":"UR10","registered":true}' ]
	rs register arm-8
	[ "$(row arm-8 | jq -r .name)" = arm-8 ]
}

@test "register: a robot gone without a word is missing; one that said so is offline" {
	rs register arm-1
	rs register arm-2
	agent arm-1
	[ "$(row arm-1 | jq -r .status)" = online ]
	kill -KILL "$AGENT"
	wait_for status_is arm-1 missing
	reason_is arm-1 "connection lost"
	agent arm-2
	kill -TERM "$AGENT"
	wait "$AGENT"
	[ "$(row arm-2 | jq -c '[.status, .reason]')" = '["offline","stopped"]' ]
}

@test "unregister: forgets the roster entry, status and heartbeat" {
	rs register arm-1
	agent arm-1
	kill -TERM "$AGENT"
	wait "$AGENT"
	run --separate-stderr rs unregister arm-1
	[ "$status" -eq 0 ]
	run --separate-stderr rs --json
	[ "$status" -eq 3 ]
}

@test "--watch --json: the fleet first, then each change once" {
	rs set online -r arm-1
	yoke-robot-status $B $O --watch --json > "$BATS_TEST_TMPDIR/w" 2>&1 3>&- &
	PIDS+=($!)
	wait_lines "$BATS_TEST_TMPDIR/w" 1
	rs set idle -r arm-1
	rs set online -r arm-2
	wait_lines "$BATS_TEST_TMPDIR/w" 3
	sleep 1.5 # a quiet second prints nothing new
	run jq -c '[.robot, .status]' "$BATS_TEST_TMPDIR/w"
	[ "$output" = "$(printf '%s\n' '["arm-1","online"]' '["arm-1","idle"]' '["arm-2","online"]')" ]
}

@test "--watch --json: every change of verdict, however short" {
	rs set online -r arm-1
	yoke-robot-status $B $O --watch --json > "$BATS_TEST_TMPDIR/w" 2>&1 3>&- &
	PIDS+=($!)
	wait_lines "$BATS_TEST_TMPDIR/w" 1
	# four flips in one burst, well inside a second
	printf '%s\n' '{"status":"fault"}' '{"status":"online"}' \
		'{"status":"fault"}' '{"status":"online"}' |
		mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/arm-1/status" \
			-r -q 1 -l
	wait_lines "$BATS_TEST_TMPDIR/w" 5
	sleep 1.5 # and nothing more: the tick has nothing new to say
	run jq -r .status "$BATS_TEST_TMPDIR/w"
	[ "$output" = "$(printf '%s\n' online fault online fault online)" ]
}

@test "--watch --json: a robot gone quiet is printed once, not again each second as its silence grows" {
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/arm-1/status" -r -q 1 \
		-m "{\"status\":\"online\",\"ts\":$(date +%s)}"
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/arm-1/heartbeat" -r \
		-m "{\"ts\":$(($(date +%s) - 10)),\"seq\":1,\"uptime_s\":1}"
	yoke-robot-status $B $O --watch --json --stale 2 > "$BATS_TEST_TMPDIR/w" 2>&1 3>&- &
	PIDS+=($!)
	wait_lines "$BATS_TEST_TMPDIR/w" 1
	sleep 3.5 # three ticks: the reason's age grows, the verdict does not
	run jq -c '[.status, .reason]' "$BATS_TEST_TMPDIR/w"
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" =~ ^\[\"offline\",\"no\ heartbeat\ for\ [0-9]+s\"\]$ ]]
}

@test "--watch on a terminal: the table redrawn in place as robots change" {
	rs set online -r arm-1
	tmux -L "yk$R" new-session -d -x 120 -y 20 \
		"yoke-robot-status $B $O --watch -v 2> $BATS_TEST_TMPDIR/w.err"
	subscribed "$BATS_TEST_TMPDIR/w.err"
	screen() { tmux -L "yk$R" capture-pane -p; }
	wait_for bash -c "tmux -L yk$R capture-pane -p | grep -q '^arm-1  *online'"
	rs set idle -r arm-1
	rs set fault -r arm-2
	wait_for bash -c "tmux -L yk$R capture-pane -p | grep -q '^arm-2  *fault'"
	wait_for bash -c "tmux -L yk$R capture-pane -p | grep -q '^arm-1  *idle'"
	out=$(screen)
	tmux -L "yk$R" kill-server
	# one table: the header once, at the top, one row per robot
	[[ "$(printf '%s\n' "$out" | head -1)" =~ ^ROBOT\ +STATUS\ +HEARTBEAT ]]
	[ "$(printf '%s\n' "$out" | grep -c '^ROBOT')" -eq 1 ]
	[ "$(printf '%s\n' "$out" | grep -c '^arm-')" -eq 2 ]
}

@test "--watch: a fault on <robot>/faults becomes the last fault" {
	rs set online -r arm-1
	yoke-robot-status $B $O --watch --json > "$BATS_TEST_TMPDIR/w" 2>&1 3>&- &
	PIDS+=($!)
	wait_lines "$BATS_TEST_TMPDIR/w" 1
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/arm-1/faults" -q 1 \
		-m '{"fault_id":"f-2","code":"LOW_BATTERY","severity":"warning","data":null,"ts":1795300718.5}'
	wait_lines "$BATS_TEST_TMPDIR/w" 2
	[ "$(tail -1 "$BATS_TEST_TMPDIR/w" | jq -c '[.status, .fault.code, .fault.severity]')" = '["online","LOW_BATTERY","warning"]' ]
}

@test "--watch: a resolved fault is shown no more, the status follows" {
	rs set online -r arm-1
	yoke-robot-status $B $O --watch --json > "$BATS_TEST_TMPDIR/w" 2>&1 3>&- &
	PIDS+=($!)
	wait_lines "$BATS_TEST_TMPDIR/w" 1
	id=$(yoke-fault $B $O -r arm-1 low_battery)
	wait_for grep -q '"status":"fault"' "$BATS_TEST_TMPDIR/w"
	yoke-fault $B $O -r arm-1 --resolve "$id"
	wait_for bash -c "tail -1 '$BATS_TEST_TMPDIR/w' | grep -q '\"status\":\"online\"'"
	[ "$(tail -1 "$BATS_TEST_TMPDIR/w" | jq -c '[.status, .fault]')" = '["online",null]' ]
}

@test "wait: exits 0 when the robot reaches the status" {
	rs set idle -r arm-1
	rs wait arm-1 idle -W "$HANG_S"
	yoke-robot-status $B $O wait arm-1 online -W "$HANG_S" 3>&- &
	w=$!
	sleep 0.3
	agent arm-1
	wait "$w"
	kill -KILL "$AGENT"
	run --separate-stderr rs wait arm-1 offline -W "$HANG_S"
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
}

@test "wait: every verdict the fleet view shows, missing and unknown too" {
	rs register bot-2
	[ "$(row bot-2 | jq -r .status)" = missing ]
	run --separate-stderr rs wait bot-2 missing -W "$HANG_S"
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/bot-3/alive" -r -q 1 \
		-m '{"alive":true}'
	[ "$(row bot-3 | jq -r .status)" = unknown ]
	run --separate-stderr rs wait bot-3 unknown -W "$HANG_S"
	[ "$status" -eq 0 ]
	run --separate-stderr rs wait bot-3 lost -W "$HANG_S"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: invalid status 'lost': use online, idle, fault, offline, missing or unknown" ]
}

@test "wait: exits 3 at the timeout, saying what the robot is" {
	rs set idle -r arm-1
	run --separate-stderr rs wait arm-1 online -W 0.5
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-robot-status: 'arm-1' is not online after 0.5 s: it is idle" ]
	run --separate-stderr rs wait arm-7 online -W 0.5
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-robot-status: 'arm-7' is not online after 0.5 s: never seen" ]
}

@test "usage: verbs, their arguments and their options" {
	run --separate-stderr rs set
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: set: missing STATUS" ]
	run --separate-stderr rs wait arm-1 online extra
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: wait: unexpected argument 'extra'" ]
	run --separate-stderr rs wait arm-1 asleep
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: invalid status 'asleep': use online, idle, fault, offline, missing or unknown" ]
	run --separate-stderr rs register 'Arm/1'
	[ "$status" -eq 2 ]
	[[ "$stderr" == "yoke-robot-status: invalid robot id 'Arm/1'"* ]]
	run --separate-stderr rs set idle -r arm-1 --heartbeat 3
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: --heartbeat goes with agent, not set" ]
	run --separate-stderr rs --json --name x
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: --name goes with register, not the fleet view" ]
	run --separate-stderr rs agent --status busy
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: invalid status 'busy': use online, idle, fault or offline" ]
	run --separate-stderr rs one two
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-robot-status: unexpected argument 'two'" ]
}

@test "an unreachable broker exits 1 with the cause" {
	port=$(( BROKER_PORT + 1 ))
	run --separate-stderr yoke-robot-status -b "mqtt://127.0.0.1:$port" \
		set online -r arm-1
	[ "$status" -eq 1 ]
	[[ "$stderr" == "yoke-robot-status: cannot connect to '127.0.0.1:$port': "* ]]
}

@test "a host name that is no robot id: exit 2 unless -r says which robot" {
	if ! unshare -u true 2> /dev/null; then
		skip "needs a UTS namespace (unshare -u)"
	fi
	want="no -r or YOKE_ROBOT, and the host name will not do: invalid robot id 'Arm-1': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit"
	for cmd in "yoke-robot-status set online" "yoke-robot-status agent" \
		"yoke-telemetry temp_c --value 1" "yoke-log hello"; do
		run --separate-stderr unshare -u sh -c \
			"hostname Arm-1 && $cmd $B $O"
		[ "$status" -eq 2 ]
		[ "$stderr" = "${cmd%% *}: $want" ]
	done
	run --separate-stderr unshare -u sh -c \
		"hostname Arm-1 && yoke-robot-status $B $O set online -r arm-1"
	[ "$status" -eq 0 ]
}

@test "--watch on a small terminal: the header stays, the rows that do not fit counted" {
	for i in 1 2 3 4 5 6 7 8; do rs set online -r "arm-$i"; done
	tmux -L "yk$R" new-session -d -x 100 -y 6 \
		"yoke-robot-status $B $O --watch"
	# all 8 in (3 rows shown, 5 more), in the one capture checked
	wait_for bash -c "tmux -L yk$R capture-pane -p > '$BATS_TEST_TMPDIR/screen';
		grep -qx '… 5 more' '$BATS_TEST_TMPDIR/screen'"
	out=$(cat "$BATS_TEST_TMPDIR/screen")
	tmux -L "yk$R" kill-server
	[[ "$(printf '%s\n' "$out" | head -1)" =~ ^ROBOT\ +STATUS ]]
	[ "$(printf "%s\n" "$out" | sed -n 5p)" = "… 5 more" ]
	[ "$(printf '%s\n' "$out" | grep -c '^arm-')" -eq 3 ]
}
