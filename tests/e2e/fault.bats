#!/usr/bin/env bats
# yoke-fault against a real mosquitto: the fault_id printed and published,
# the payload (code, severity, data, ts), the status "fault" that embeds it
# (retained), the robot (-r, YOKE_ROBOT, host name), every validation
# error, --watch (JSON and terminal output, PATTERN, redelivered faults
# shown once, a persistent session, -C, -W, signals), refusal and an
# unreachable broker.
bats_require_minimum_version 1.5.0
load helpers

# One test sends 4,099 QoS 1 faults to one watcher; mosquitto queues at
# most 1,000 for a subscriber that falls behind (a loaded machine) and
# drops the rest.  The tests are about the watcher, not that queue.
setup_file() { start_broker broker "max_queued_messages 0"; }

UUID4='^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'

# listen KEYEXPR N: a yoke-sub in the background that takes N messages
# into $SUB_OUT; returns once it is subscribed.
listen() {
	SUB_OUT="$BATS_TEST_TMPDIR/sub"
	yoke-sub $B $O -v "$1" -C "$2" -W "$HANG_S" > "$SUB_OUT" \
		2> "$SUB_OUT.err" 3>&- &
	SUB=$!
	PIDS+=($SUB)
	subscribed "$SUB_OUT.err"
}

# watch FILE ARGS...: yoke-fault --watch ARGS in the background, in this
# test's organisation; returns once it is subscribed.
watch() {
	local f=$1
	shift
	yoke-fault $B $O -v --watch "$@" > "$f" 2> "$f.err" 3>&- &
	WATCHER=$!
	PIDS+=($WATCHER)
	subscribed "$f.err"
}

# fault_payload ID CODE: a fault as yoke-fault writes it
fault_payload() {
	printf '{"fault_id":"%s","code":"%s","severity":"error","data":null,"ts":1795300000.5}' \
		"$1" "$2"
}

# qpub ROBOT PAYLOAD: publish PAYLOAD on ROBOT's faults topic, QoS 1, with
# mosquitto_pub (as a redelivery would arrive: the same bytes twice)
qpub() {
	mosquitto_pub -p "$BROKER_PORT" -q 1 -t "yoke/$R/$1/faults" -m "$2"
}

# exits PID STATUS: PID (a child) ends with exit status STATUS
exits() {
	local rc=0
	wait "$1" || rc=$?
	[ "$rc" -eq "$2" ]
}

# usage_error MSG ARGS...: yoke-fault ARGS exits 2, prints nothing on
# stdout and "yoke-fault: MSG" on stderr
usage_error() {
	local msg=$1
	shift
	run --separate-stderr yoke-fault $B $O "$@"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-fault: $msg" ]
}

# has_line FILE LINE: FILE holds exactly the line LINE
has_line() { grep -qxF -- "$2" "$1"; }

@test "prints a UUID v4 fault_id, the one in the published fault" {
	listen "$R/faults" 1
	run --separate-stderr yoke-fault $B $O -r "$R" MOTOR_OVERHEAT
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "$output" =~ $UUID4 ]]
	wait "$SUB"
	line=$(cat "$SUB_OUT")
	# faults: QoS 1, not retained
	[ "$(printf '%s\n' "$line" | jq -c '{key,qos,retain}')" = \
		"{\"key\":\"$R/faults\",\"qos\":1,\"retain\":false}" ]
	[ "$(printf '%s\n' "$line" | jq -r .payload.fault_id)" = "$output" ]
	# default severity error, data null, in the fleet SDK's field order
	[ "$(printf '%s\n' "$line" | jq -c '.payload | del(.ts)')" = \
		"{\"fault_id\":\"$output\",\"code\":\"MOTOR_OVERHEAT\",\"severity\":\"error\",\"data\":null}" ]
}

@test "ts is now, in seconds with microseconds, and equals the ts property" {
	listen "$R/faults" 1
	before=$(date +%s)
	run --separate-stderr yoke-fault $B $O -r "$R" X
	[ "$status" -eq 0 ]
	wait "$SUB"
	ts=$(sed -n 's/.*"payload":{.*"ts":\([0-9.]*\)}}$/\1/p' "$SUB_OUT")
	[[ "$ts" =~ ^[0-9]+\.[0-9]{6}$ ]]
	[ "${ts%.*}" -ge $((before - 1)) ]
	[ "${ts%.*}" -le $(($(date +%s) + 1)) ]
	# the ts property yoke-sub prints (jq would round it)
	[ "$(sed 's/^{"key":"[^"]*","ts":\([0-9.]*\),.*/\1/' "$SUB_OUT")" = "$ts" ]
}

@test "a fresh fault_id every time" {
	a=$(yoke-fault $B $O -r "$R" X)
	b=$(yoke-fault $B $O -r "$R" X)
	[[ "$a" =~ $UUID4 ]]
	[[ "$b" =~ $UUID4 ]]
	[ "$a" != "$b" ]
}

@test "the code is stripped of white space and upper-cased" {
	listen "$R/faults" 2
	run --separate-stderr yoke-fault $B $O -r "$R" " motor_overheat "
	[ "$status" -eq 0 ]
	run --separate-stderr yoke-fault $B $O -r "$R" $'\tLow_battery-2\n'
	[ "$status" -eq 0 ]
	wait "$SUB"
	[ "$(jq -r .payload.code "$SUB_OUT")" = "$(printf '%s\n' \
		MOTOR_OVERHEAT LOW_BATTERY-2)" ]
}

@test "--severity: info, warning, error, critical" {
	listen "$R/faults" 4
	for s in info warning error critical; do
		run --separate-stderr yoke-fault $B $O -r "$R" X --severity "$s"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
	done
	wait "$SUB"
	[ "$(jq -r .payload.severity "$SUB_OUT")" = "$(printf '%s\n' \
		info warning error critical)" ]
}

@test "--data: the object is embedded, white space removed" {
	listen "$R/faults" 2
	run --separate-stderr yoke-fault $B $O -r "$R" MOTOR_OVERHEAT \
		--severity critical --data '{ "motor": 3, "temp_c": 94.20,
		"tags": ["a", "b"], "s": "x y" }'
	[ "$status" -eq 0 ]
	id=$output
	run --separate-stderr yoke-fault $B $O -r "$R" X --data '{}'
	[ "$status" -eq 0 ]
	wait "$SUB"
	# as written, minus white space: numbers keep every digit (jq would
	# not, so compare the text)
	[ "$(sed -n '1s/.*"payload":\(.*\),"ts":[0-9.]*}}$/\1/p' "$SUB_OUT")" = \
		"{\"fault_id\":\"$id\",\"code\":\"MOTOR_OVERHEAT\",\"severity\":\"critical\",\"data\":{\"motor\":3,\"temp_c\":94.20,\"tags\":[\"a\",\"b\"],\"s\":\"x y\"}" ]
	[ "$(sed -n 2p "$SUB_OUT" | jq -c .payload.data)" = "{}" ]
}

@test "the status becomes fault, retained, with the fault embedded" {
	run --separate-stderr yoke-fault $B $O -r "$R" motor_overheat \
		--severity critical --data '{"motor":3}'
	[ "$status" -eq 0 ]
	id=$output
	# a subscriber that comes later still sees it
	run mosquitto_sub -p "$BROKER_PORT" -t "yoke/$R/$R/status" -q 1 \
		-C 1 -W "$HANG_S" -F '%r %q %p'
	[ "$status" -eq 0 ]
	[ "${output%% \{*}" = "1 1" ]
	st=${output#1 1 }
	f="{\"fault_id\":\"$id\",\"code\":\"MOTOR_OVERHEAT\",\"severity\":\"critical\",\"data\":{\"motor\":3}}"
	[ "$(printf '%s\n' "$st" | jq -c 'del(.ts, .fault.ts, .open_faults[].ts)')" = \
		"{\"status\":\"fault\",\"fault\":$f,\"open_faults\":[$f]}" ]
	# one instant: the status's ts is the fault's
	[ "$(printf '%s\n' "$st" | jq '.ts == .fault.ts')" = true ]
}

@test "the fault is published before the status" {
	listen "$R/*" 2
	run --separate-stderr yoke-fault $B $O -r "$R" X
	[ "$status" -eq 0 ]
	wait "$SUB"
	[ "$(jq -r .key "$SUB_OUT")" = "$(printf '%s\n' "$R/faults" \
		"$R/status")" ]
	[ "$(jq -r '.payload.fault_id // .payload.fault.fault_id' \
		"$SUB_OUT" | sort -u)" = "$output" ]
}

@test "the robot: -r, else YOKE_ROBOT, else the host name" {
	if ! [[ $(hostname) =~ ^[a-z0-9][a-z0-9._-]*$ ]]; then
		skip "the host name is no robot id"
	fi
	YOKE_ROBOT="$R-env" run --separate-stderr yoke-fault $B $O X
	[ "$status" -eq 0 ]
	env_id=$output
	YOKE_ROBOT="$R-env" run --separate-stderr yoke-fault $B $O X -r "$R-flag"
	[ "$status" -eq 0 ]
	flag_id=$output
	run --separate-stderr yoke-fault $B $O X
	[ "$status" -eq 0 ]
	host_id=$output
	run --separate-stderr yoke-sub $B $O '*/status' --retained-only
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r '"\(.key) \(.payload.fault.fault_id)"' |
		sort)" = "$(printf '%s\n' "$(hostname)/status $host_id" \
		"$R-env/status $env_id" "$R-flag/status $flag_id" | sort)" ]
}

@test "a host name that is no robot id needs -r" {
	if ! unshare -u true 2> /dev/null; then
		skip "needs a UTS namespace (unshare -u)"
	fi
	run --separate-stderr unshare -u sh -c \
		"hostname Arm-1 && yoke-fault $B $O X"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-fault: no -r or YOKE_ROBOT, and the host name will not do: invalid robot id 'Arm-1': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit" ]
	run --separate-stderr unshare -u sh -c \
		"hostname Arm-1 && yoke-fault $B $O X -r arm-1"
	[ "$status" -eq 0 ]
	[[ "$output" =~ $UUID4 ]]
}

# Validation happens before connecting, and publishes nothing: a
# subscriber on every key of the organisation sees only the sentinel sent
# after the bad commands.
@test "invalid input: exit 2, the message says which, nothing published" {
	listen '**' 1
	check() { usage_error "$1" -r "$R" "${@:2}"; }
	check "fault code is empty" ""
	check "fault code is empty" "   "
	check "fault code is empty" $'\t\n'
	check "invalid severity 'fatal': use info, warning, error or critical" \
		X --severity fatal
	check "invalid severity 'ERROR': use info, warning, error or critical" \
		X --severity ERROR
	check "invalid severity '': use info, warning, error or critical" \
		X --severity ''
	check "--data is not a JSON object" X --data '[1,2]'
	check "--data is not a JSON object" X --data '"text"'
	check "--data is not a JSON object" X --data 'motor=3'
	check "--data is not a JSON object" X --data '{"motor":3'
	check "--data is not a JSON object" X --data '{"a":1} {"b":2}'
	check "--data is not a JSON object" X --data ''
	# the code is checked first, then the options
	check "fault code is empty" " " --severity fatal --data '[]'
	check "invalid severity 'fatal': use info, warning, error or critical" \
		X --severity fatal --data '[]'
	check "missing CODE"
	check "expected one CODE, got 2 arguments" MOTOR OVERHEAT
	check "invalid robot id 'Arm-1': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit" \
		X -r Arm-1
	yoke-pub $B $O "$R/sentinel" -m done -q 1
	wait "$SUB"
	[ "$(jq -r .key "$SUB_OUT")" = "$R/sentinel" ]
}

@test "usage: options of the other mode" {
	m="--json, -C, -W and --session go with --watch"
	usage_error "$m" X --json
	usage_error "$m" X -C 1
	usage_error "$m" X --count 2
	usage_error "$m" X -W 1
	usage_error "$m" X --timeout 0.5
	usage_error "$m" X --session s1
	m="--severity and --data go with CODE, not --watch"
	usage_error "$m" --watch --severity info
	usage_error "$m" --watch --data '{}'
	usage_error "--watch takes robots as PATTERN, not -r" --watch -r arm-1
	usage_error "invalid value '0' for --count: expected an integer from 1 to 1e+18" \
		--watch -C 0
}

@test "usage: bad PATTERN" {
	usage_error "expected at most one PATTERN, got 2" --watch a b
	usage_error "invalid PATTERN 'arm-1/x': give a robot id, '*' or '{name}'" \
		--watch arm-1/x
	usage_error "invalid PATTERN '**': give a robot id, '*' or '{name}'" \
		--watch '**'
	usage_error "invalid key expression 'Arm-*': invalid robot id pattern 'Arm-*': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit" \
		--watch 'Arm-*'
	# the error quotes the robot part of ROBOT/faults
	usage_error "invalid key expression 'Arm-1': invalid robot id 'Arm-1': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit" \
		--watch Arm-1/faults
}

# status ROBOT: its retained status (org $R)
status() {
	mosquitto_sub -p "$BROKER_PORT" -t "yoke/$R/$1/status" -C 1 -W "$HANG_S"
}

@test "a second fault: both are open, the newest embedded" {
	id1=$(yoke-fault $B $O -r arm-1 motor_overheat)
	id2=$(yoke-fault $B $O -r arm-1 low_battery --severity warning)
	st=$(status arm-1)
	[ "$(echo "$st" | jq -r .fault.fault_id)" = "$id2" ]
	[ "$(echo "$st" | jq -r '.open_faults[].fault_id' | tr '\n' ,)" = "$id1,$id2," ]
}

@test "--resolve FAULT_ID: the resolution, then the status without it" {
	id1=$(yoke-fault $B $O -r arm-1 motor_overheat)
	id2=$(yoke-fault $B $O -r arm-1 low_battery --severity warning)
	listen "arm-1/faults" 1
	run --separate-stderr yoke-fault $B $O -r arm-1 --resolve "$id2"
	[ "$status" -eq 0 ]
	[ "$output" = "$id2" ]
	[ -z "$stderr" ]
	wait "$SUB"
	# the resolution, on the faults channel, not retained
	[ "$(head -1 "$SUB_OUT" | jq -c '[.key, .retain, (.payload | del(.ts))]')" = \
		"[\"arm-1/faults\",false,{\"fault_id\":\"$id2\",\"code\":\"LOW_BATTERY\",\"resolved\":true}]" ]
	[[ "$(head -1 "$SUB_OUT" | jq -r .payload.ts)" =~ ^[0-9]+\.[0-9]+$ ]]
	# one fault left: still in fault, showing the one that is open
	st=$(status arm-1)
	[ "$(echo "$st" | jq -c '[.status, .fault.fault_id, [.open_faults[].fault_id]]')" = \
		"[\"fault\",\"$id1\",[\"$id1\"]]" ]
	[ "$(yoke-robot-status $B $O --json arm-1 | jq -c '[.status, .fault.fault_id, .open_faults]')" = \
		"[\"fault\",\"$id1\",1]" ]
	# none left: online again
	run --separate-stderr yoke-fault $B $O -r arm-1 --resolve "$id1"
	[ "$status" -eq 0 ]
	[ "$output" = "$id1" ]
	[ "$(status arm-1 | jq -c 'del(.ts)')" = '{"status":"online"}' ]
	[ "$(yoke-robot-status $B $O --json arm-1 | jq -c '[.status, .fault, .open_faults]')" = '["online",null,null]' ]
}

@test "--resolve-all: every open fault of the robot, oldest first" {
	id1=$(yoke-fault $B $O -r arm-1 a)
	id2=$(yoke-fault $B $O -r arm-1 b)
	yoke-fault $B $O -r arm-2 c > /dev/null
	listen "arm-1/faults" 2
	run --separate-stderr yoke-fault $B $O -r arm-1 --resolve-all
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' "$id1" "$id2")" ]
	wait "$SUB"
	[ "$(jq -c '[.payload.fault_id, .payload.code, .payload.resolved]' "$SUB_OUT" | tr '\n' ,)" = \
		"[\"$id1\",\"A\",true],[\"$id2\",\"B\",true]," ]
	[ "$(status arm-1 | jq -r .status)" = online ]
	# another robot's faults are its own
	[ "$(status arm-2 | jq -r .status)" = fault ]
}

@test "nothing open to resolve: exit 3, nothing sent" {
	yoke-robot-status $B $O set online -r arm-1
	id=$(yoke-fault $B $O -r arm-1 x)
	yoke-fault $B $O -r arm-1 --resolve "$id" > /dev/null
	listen '*/faults' 1
	run --separate-stderr yoke-fault $B $O -r arm-1 --resolve "$id"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-fault: no open fault '$id' on 'arm-1'" ]
	run --separate-stderr yoke-fault $B $O -r arm-1 --resolve-all
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-fault: no open fault on 'arm-1'" ]
	run --separate-stderr yoke-fault $B $O -r arm-9 --resolve-all
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-fault: no open fault on 'arm-9'" ]
	yoke-pub $B $O sentinel/faults -m done -q 1
	wait "$SUB"
	[ "$(jq -r .key "$SUB_OUT")" = sentinel/faults ]
	[ "$(status arm-1 | jq -c 'del(.ts)')" = '{"status":"online"}' ]
}

@test "a robot of the fleet SDK (status fault, no fault named): resolving sets it online" {
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/sdk-1/status" -r -q 1 \
		-m '{"status":"fault","ts":1795300000.5}'
	run --separate-stderr yoke-fault $B $O -r sdk-1 --resolve-all
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	[ "$(status sdk-1 | jq -r .status)" = online ]
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/sdk-1/status" -r -q 1 \
		-m '{"status":"fault","ts":1795300000.5}'
	run --separate-stderr yoke-fault $B $O -r sdk-1 --resolve f-77
	[ "$status" -eq 0 ]
	[ "$output" = f-77 ]
	[ "$(status sdk-1 | jq -r .status)" = online ]
}

@test "resolving the faults of a robot that is offline leaves it offline" {
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/arm-1/status" -r -q 1 \
		-m "{\"status\":\"offline\",\"reason\":\"connection lost\",\"fault\":$(fault_payload f-1 X)}"
	run --separate-stderr yoke-fault $B $O -r arm-1 --resolve f-1
	[ "$status" -eq 0 ]
	[ "$(status arm-1)" = '{"status":"offline","reason":"connection lost"}' ]
}

@test "an agent stands by the status that follows a resolution" {
	yoke-robot-status $B $O agent -r arm-1 --heartbeat 1 \
		> /dev/null 2> "$BATS_TEST_TMPDIR/agent.err" 3>&- &
	PIDS+=($!)
	yoke-robot-status $B $O wait arm-1 online -W "$HANG_S"
	id=$(yoke-fault $B $O -r arm-1 x)
	yoke-robot-status $B $O wait arm-1 fault -W "$HANG_S"
	yoke-fault $B $O -r arm-1 --resolve "$id"
	yoke-robot-status $B $O wait arm-1 online -W "$HANG_S"
	# its will (renewed when the faults changed) no longer names it
	restart_broker
	# (its reconnect backs off: the hang guard bounds the wait)
	yoke-robot-status $B $O wait arm-1 online -W "$HANG_S"
	[ "$(yoke-robot-status $B $O --json arm-1 | jq -c '[.status, .fault]')" = '["online",null]' ]
}

@test "--watch: a resolution is shown, though it shares its fault's id" {
	watch "$BATS_TEST_TMPDIR/w" --json
	id=$(yoke-fault $B $O -r arm-1 x)
	yoke-fault $B $O -r arm-1 --resolve "$id" > /dev/null
	wait_lines "$BATS_TEST_TMPDIR/w" 2
	[ "$(jq -c '[.robot, .fault_id, .code, .resolved]' "$BATS_TEST_TMPDIR/w" | tr '\n' ,)" = \
		"[\"arm-1\",\"$id\",\"X\",null],[\"arm-1\",\"$id\",\"X\",true]," ]
}

@test "--watch on a terminal: a resolution is one RESOLVED line" {
	if ! script -qc true /dev/null > /dev/null 2>&1; then
		skip "needs script(1)"
	fi
	w="$BATS_TEST_TMPDIR/tty"
	script -qc "yoke-fault $B $O -v --watch -C 2 -W $HANG_S" /dev/null \
		> "$w" 3>&- &
	PIDS+=($!)
	wait_for grep -q "subscribed to" "$w"
	qpub arm-1 '{"fault_id":"a","code":"X","severity":"info","data":null,"ts":1795300000}'
	qpub arm-1 '{"fault_id":"a","code":"X","resolved":true,"ts":1795300004}'
	wait_lines "$w" 3
	[ "$(grep -v '^yoke-fault: ' "$w" | tr -d '\r' | sed -n 2p)" = \
		"$(date -d @1795300004 +%H:%M:%S)  arm-1  RESOLVED  X  a" ]
}

@test "usage: --resolve and --resolve-all" {
	usage_error "use one of CODE, --resolve, --resolve-all, --watch" \
		--resolve f-1 --resolve-all
	usage_error "use one of CODE, --resolve, --resolve-all, --watch" \
		--resolve-all --watch
	usage_error "unexpected argument 'X': --resolve takes no CODE" \
		-r arm-1 --resolve f-1 X
	usage_error "--severity and --data go with CODE, not --resolve" \
		-r arm-1 --resolve-all --severity info
	usage_error "invalid FAULT_ID: use the fault_id a fault was reported with" \
		-r arm-1 --resolve 'a b'
	usage_error "invalid FAULT_ID: use the fault_id a fault was reported with" \
		-r arm-1 --resolve ''
}

@test "--watch --json: faults from several robots, the robot first" {
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w" --json
	a=$(yoke-fault $B $O -r arm-1 MOTOR_OVERHEAT --severity critical \
		--data '{"motor":3}')
	b=$(yoke-fault $B $O -r arm-2 low_battery --severity warning)
	wait_lines "$w" 2
	[ "$(jq -c 'del(.ts)' "$w")" = "$(printf '%s\n' \
		"{\"robot\":\"arm-1\",\"fault_id\":\"$a\",\"code\":\"MOTOR_OVERHEAT\",\"severity\":\"critical\",\"data\":{\"motor\":3}}" \
		"{\"robot\":\"arm-2\",\"fault_id\":\"$b\",\"code\":\"LOW_BATTERY\",\"severity\":\"warning\",\"data\":null}")" ]
	[[ "$(head -1 "$w")" =~ ,\"ts\":[0-9]+\.[0-9]{6}\}$ ]]
	kill -TERM "$WATCHER"
	exits "$WATCHER" 0
	# nothing else: the status messages are no faults
	[ "$(wc -l < "$w")" -eq 2 ]
	[ "$(grep -v '^yoke-fault: \(connected\|subscribed\) ' "$w.err")" = "" ]
}

@test "--watch PATTERN: one robot, or ROBOT/faults, filters the others" {
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w" arm-2
	w2="$BATS_TEST_TMPDIR/watch2"
	yoke-fault $B $O -v --watch arm-2/faults > "$w2" 2> "$w2.err" 3>&- &
	PIDS+=($!)
	subscribed "$w2.err"
	yoke-fault $B $O -r arm-1 A > /dev/null
	b=$(yoke-fault $B $O -r arm-2 B)
	wait_lines "$w" 1
	wait_lines "$w2" 1
	[ "$(jq -r '"\(.robot) \(.fault_id)"' "$w")" = "arm-2 $b" ]
	[ "$(jq -r '"\(.robot) \(.fault_id)"' "$w2")" = "arm-2 $b" ]
	# another organisation is another fleet
	yoke-fault $B --org "$R-other" -r arm-2 C > /dev/null
	c=$(yoke-fault $B $O -r arm-2 C)
	wait_lines "$w" 2
	[ "$(jq -r .fault_id "$w")" = "$(printf '%s\n' "$b" "$c")" ]
}

@test "--watch 'arm-*': a '*' inside the robot id, matched here" {
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w" 'arm-*'
	# the broker gets one segment wildcard, this side the pattern
	has_line "$w.err" "yoke-fault: subscribed to 'yoke/$R/+/faults'"
	yoke-fault $B $O -r cam-1 A > /dev/null
	yoke-fault $B $O -r farm-1 A > /dev/null
	a=$(yoke-fault $B $O -r arm-7 B)
	wait_lines "$w" 1
	s=$(yoke-fault $B $O -r arm-8 C)
	wait_lines "$w" 2
	[ "$(jq -r '"\(.robot) \(.fault_id)"' "$w")" = "$(printf '%s\n' \
		"arm-7 $a" "arm-8 $s")" ]
}

@test "--watch: a fault delivered twice (same fault_id) is shown once" {
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w"
	id1=11111111-1111-4111-8111-111111111111
	id2=22222222-2222-4222-8222-222222222222
	qpub arm-1 "$(fault_payload $id1 A)"
	qpub arm-1 "$(fault_payload $id1 A)"
	# from another robot too: the id is the fault
	qpub arm-2 "$(fault_payload $id1 A)"
	qpub arm-1 "$(fault_payload $id2 A)"
	wait_lines "$w" 2
	# and a sentinel behind them, so nothing else is still on its way
	s=$(yoke-fault $B $O -r arm-3 SENTINEL)
	wait_lines "$w" 3
	[ "$(jq -r '"\(.robot) \(.fault_id)"' "$w")" = "$(printf '%s\n' \
		"arm-1 $id1" "arm-1 $id2" "arm-3 $s")" ]
	[ "$(sed -n 1p "$w")" = "{\"robot\":\"arm-1\",$(fault_payload $id1 A | cut -c2-)" ]
}

@test "--watch remembers the last 4096 fault_ids, and no more" {
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w"
	# ids 0-4095, 0 again (still known), 4096 (4096 later than the
	# first 0: that one is forgotten), 0 again (shown again)
	# (awk: a shell loop under bats' DEBUG trap takes seconds)
	{ seq 0 4095; printf '%s\n' 0 4096 0; } |
		awk '{ printf "{\"fault_id\":\"id-%s\",\"code\":\"A\"}\n", $1 }' \
		> "$BATS_TEST_TMPDIR/in"
	yoke-pub $B $O arm-1/faults -l -q 1 < "$BATS_TEST_TMPDIR/in"
	s=$(yoke-fault $B $O -r arm-1 SENTINEL)
	wait_for grep -qF "$s" "$w"
	[ "$(jq -r .fault_id "$w" | head -n -1 | sed 's/^id-//')" = \
		"$(seq 0 4096; echo 0)" ]
	[ "$(tail -1 "$w" | jq -r .fault_id)" = "$s" ]
}

@test "--watch: payloads that are no fault are shown, marked malformed" {
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w"
	qpub arm-1 'not json'
	qpub arm-1 '{"code":"X","severity":"error"}'
	qpub arm-1 '{"fault_id":3,"code":"X"}'
	qpub arm-1 '[1,2]'
	qpub arm-1 '{"robot":"spoof","fault_id":"f-1","code":"X"}'
	wait_lines "$w" 5
	[ "$(cat "$w")" = "$(printf '%s\n' \
		'{"robot":"arm-1","malformed":true,"payload":"not json"}' \
		'{"robot":"arm-1","code":"X","severity":"error","malformed":true}' \
		'{"robot":"arm-1","fault_id":3,"code":"X","malformed":true}' \
		'{"robot":"arm-1","malformed":true,"payload":[1,2]}' \
		'{"robot":"arm-1","fault_id":"f-1","code":"X"}')" ]
	# faults without an id are not deduplicated
	qpub arm-1 '{"code":"X","severity":"error"}'
	wait_lines "$w" 6
}

@test "--watch --session: faults that came while the watcher was away" {
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w" --session "$R-ops"
	kill -TERM "$WATCHER"
	wait "$WATCHER"
	id=$(yoke-fault $B $O -r arm-1 WHILE_AWAY)
	run --separate-stderr yoke-fault $B $O --watch --session "$R-ops" \
		-C 1 -W "$HANG_S"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | jq -r '"\(.robot) \(.fault_id) \(.code)"')" = \
		"arm-1 $id WHILE_AWAY" ]
	# delivered once: the session has nothing more for us
	run --separate-stderr yoke-fault $B $O --watch --session "$R-ops" -W 0.5
	[ "$status" -eq 3 ]
	[ -z "$output" ]
}

@test "--watch -C N exits 0 after N faults" {
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w" -C 2
	a=$(yoke-fault $B $O -r arm-1 A)
	b=$(yoke-fault $B $O -r arm-1 B)
	exits "$WATCHER" 0
	[ "$(jq -r .fault_id "$w")" = "$(printf '%s\n' "$a" "$b")" ]
}

@test "--watch -C counts distinct faults, not deliveries" {
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w" --count 2
	id1=11111111-1111-4111-8111-111111111111
	qpub arm-1 "$(fault_payload $id1 A)"
	qpub arm-1 "$(fault_payload $id1 A)"
	kill -0 "$WATCHER"
	b=$(yoke-fault $B $O -r arm-1 B)
	exits "$WATCHER" 0
	[ "$(jq -r .fault_id "$w")" = "$(printf '%s\n' "$id1" "$b")" ]
}

@test "--watch -W S: exit 3 when no fault came, 0 when one did" {
	run --separate-stderr yoke-fault $B $O --watch -W 0.3
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-fault: no fault received in 0.3 s" ]
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w" --timeout 3
	id=$(yoke-fault $B $O -r arm-1 A)
	exits "$WATCHER" 0
	[ "$(jq -r .fault_id "$w")" = "$id" ]
}

@test "--watch: SIGINT and SIGTERM exit 0" {
	for sig in INT TERM; do
		w="$BATS_TEST_TMPDIR/watch-$sig"
		watch "$w"
		kill -"$sig" "$WATCHER"
		exits "$WATCHER" 0
		[ ! -s "$w" ]
	done
}

@test "--watch on a terminal: one line per fault, the severity coloured, columns aligned" {
	if ! script -qc true /dev/null > /dev/null 2>&1; then
		skip "needs script(1)"
	fi
	w="$BATS_TEST_TMPDIR/tty"
	script -qc "yoke-fault $B $O -v --watch -C 5 -W $HANG_S" /dev/null \
		> "$w" 3>&- &
	PIDS+=($!)
	wait_for grep -q "subscribed to" "$w"
	qpub arm-1 '{"fault_id":"a","code":"MOTOR_OVERHEAT","severity":"critical","data":{"motor": 3},"ts":1795300000.25}'
	qpub arm-12 '{"fault_id":"b","code":"C2","severity":"error","data":null,"ts":1795300001}'
	qpub arm-1 '{"fault_id":"c","code":"C3","severity":"warning","ts":1795300002}'
	qpub arm-1 '{"fault_id":"d","code":"C4","severity":"info","data":{},"ts":1795300003}'
	qpub arm-1 $'bad\033[2J'
	wait_lines "$w" 6
	# the fault's own time, local; the severity padded to CRITICAL's
	# width, robots and codes to the widest so far
	hms() { date -d "@$1" +%H:%M:%S; }
	e=$'\033'
	[ "$(grep -v '^yoke-fault: ' "$w" | tr -d '\r' | head -4)" = "$(printf '%s\n' \
		"$(hms 1795300000)  arm-1     $e[1;31mCRITICAL$e[0m  MOTOR_OVERHEAT  {\"motor\":3}" \
		"$(hms 1795300001)  arm-12    $e[31mERROR$e[0m     C2" \
		"$(hms 1795300002)  arm-1     $e[33mWARNING$e[0m   C3" \
		"$(hms 1795300003)  arm-1     INFO      C4              {}")" ]
	# no ts: the time it came; control bytes of a payload made harmless
	[[ "$(grep -v '^yoke-fault: ' "$w" | tr -d '\r' | sed -n 5p)" =~ \
		^[0-9]{2}:[0-9]{2}:[0-9]{2}"  arm-1     MALFORMED  bad?[2J"$ ]]
}

@test "--watch on a terminal: columns by display width; hostile text made safe; NO_COLOR: no colour" {
	w="$BATS_TEST_TMPDIR/tty"
	script -qfc "NO_COLOR=1 COLUMNS=100 yoke-fault $B $O -v --watch -C 4 -W $HANG_S" \
		"$w" > /dev/null 2>&1 3>&- &
	PIDS+=($!)
	wait_for grep -q "subscribed to" "$w"
	qpub 日本-1 '{"fault_id":"a","code":"ÉCHEC_MOTEUR","severity":"critical","data":{"k":1},"ts":1795300000}'
	qpub arm-1 '{"fault_id":"b","code":"C2","severity":"error","data":{"k":2},"ts":1795300001}'
	qpub arm-1 '{"fault_id":"c","code":"\u001b]0;PWNED\u0007","severity":"\u001b[2Jcritical","data":{"m":"\u001b[31m"},"ts":1795300002}'
	qpub arm-1 "{\"fault_id\":\"d\",\"code\":\"LONG\",\"severity\":\"info\",\"data\":{\"text\":\"$(printf 'x%.0s' $(seq 1 200))\"},\"ts\":1795300003}"
	wait_for grep -q LONG "$w"
	out=$(grep -v '^yoke-fault: ' "$w" | grep -v '^Script ' | tr -d '\r')
	[[ "$out" != *$'\033'* ]]
	hms() { date -d "@$1" +%H:%M:%S; }
	[ "$(echo "$out" | head -3)" = "$(printf '%s\n' \
		"$(hms 1795300000)  日本-1    CRITICAL  ÉCHEC_MOTEUR  {\"k\":1}" \
		"$(hms 1795300001)  arm-1     ERROR     C2            {\"k\":2}" \
		"$(hms 1795300002)  arm-1     ?[2JCRI…  ?]0;PWNED?    {\"m\":\"\\u001b[31m\"}")" ]
	# text beyond the terminal's width is cut, with an ellipsis
	long=$(echo "$out" | sed -n 4p)
	[[ "$long" == *"LONG          {\"text\":\"xxx"*"…" ]]
	[ "$(printf '%s' "$long" | sed 's/…/./' | wc -c)" -eq 100 ]
}

@test "yoke-fault CODE with control characters: exit 2, no fault_id" {
	run --separate-stderr yoke-fault $B $O -r arm-1 $'OVER\033[2JHEAT'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-fault: fault code must not contain control characters" ]
	[ -z "$output" ]
	run --separate-stderr yoke-fault $B $O -r arm-1 $'\xc2\x9bX'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-fault: fault code must not contain control characters" ]
}

@test "stdout that cannot be written: exit 1 with the cause" {
	run --separate-stderr sh -c "yoke-fault $B $O -r '$R' X > /dev/full"
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-fault: write failure on standard output: No space left on device" ]
}

@test "an unreachable broker exits 1 with the cause, printing nothing" {
	run --separate-stderr yoke-fault -b mqtt://127.0.0.1:1 -r arm-1 X
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-fault: cannot connect to '127.0.0.1:1': Connection refused" ]
	run --separate-stderr yoke-fault -b mqtt://127.0.0.1:1 --watch
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-fault: cannot connect to '127.0.0.1:1': Connection refused" ]
}

@test "a broker that refuses the fault or the status: exit 4, no fault_id" {
	dir="$BATS_TEST_TMPDIR/acl"
	mkdir -p "$dir"
	# arm-2 may send its faults, but not its status
	printf '%s\n' 'topic read yoke/#' \
		'topic write yoke/default/arm-2/faults' > "$dir/acl"
	(
		start_broker acl "acl_file $dir/acl" > /dev/null
		run --separate-stderr yoke-fault $B -r arm-1 X
		s1=$status o1=$output e1=$stderr
		f="$BATS_TEST_TMPDIR/arm-2"
		yoke-sub $B -v arm-2/faults -C 1 -W "$HANG_S" > "$f" 2> "$f.err" 3>&- &
		sp=$!
		subscribed "$f.err"
		run --separate-stderr yoke-fault $B -r arm-2 X
		wait "$sp"
		stop_broker
		[ "$(jq -r .payload.code "$f")" = X ]
		# both refused (they go together)
		[ "$s1" -eq 4 ]
		[ -z "$o1" ]
		[ "$e1" = "yoke-fault: broker refused 2 messages: not authorised" ]
		# the fault acknowledged, the status refused: no fault_id
		[ "$status" -eq 4 ]
		[ -z "$output" ]
		[ "$stderr" = "yoke-fault: broker refused 1 message: not authorised" ]
	)
}
