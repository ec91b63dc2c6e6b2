#!/usr/bin/env bats
# yoke-telemetry against a real mosquitto: one-shot readings and their
# payloads, every validation rule with its exact message and exit 2, the
# stream mode (defaults, bad lines in both --on-error modes, one
# connection), --max-rate keeping the last value, and --watch.
bats_require_minimum_version 1.5.0
load helpers

teardown() {
	tmux -L "yk$R" kill-server 2> /dev/null || true
	kill_pids
}

# listen N [KEY]: a yoke-sub on KEY (default this robot's telemetry) in
# the background until N messages came (N "-": until the test ends); SUB
# is its pid.
listen() {
	local count=(-C "$1" -W "$HANG_S")
	[ "$1" = - ] && count=()
	yoke-sub $B -v "${2:-$R/telemetry}" "${count[@]}" \
		> "$BATS_TEST_TMPDIR/sub.out" 2> "$BATS_TEST_TMPDIR/sub.err" 3>&- &
	SUB=$!
	PIDS+=($SUB)
	LISTEN_N=$1
	subscribed "$BATS_TEST_TMPDIR/sub.err"
}

# payloads: once the listener has its N messages, their payloads without
# ts.  (Polls the file: a $(...) subshell cannot wait for the listener.)
payloads() {
	wait_lines "$BATS_TEST_TMPDIR/sub.out" "$LISTEN_N"
	jq -c '.payload | del(.ts)' "$BATS_TEST_TMPDIR/sub.out"
}

# raw: once the listener is done, its payloads as sent (jq would rewrite
# numbers), ts removed.
raw() {
	wait_lines "$BATS_TEST_TMPDIR/sub.out" "$LISTEN_N"
	sed 's/.*,"payload"://; s/,"ts":[0-9.]*}}$/}/' "$BATS_TEST_TMPDIR/sub.out"
}

# marker: a last reading, so "nothing else came" is known without waiting.
marker() {
	yoke-telemetry $B -r "$R" marker --value 0
}

# fails MESSAGE ARGS...: yoke-telemetry ARGS exits 2 with MESSAGE, stdin
# closed, nothing on stdout.
fails() {
	local msg=$1
	shift
	run --separate-stderr yoke-telemetry $B -r "$R" "$@" < /dev/null
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-telemetry: $msg" ]
}

# on_tty CMD: run CMD with a terminal as standard input (script(1)); its
# output (stdout and stderr) in $output without carriage returns.
on_tty() {
	run script -qec "$*" /dev/null
	output=${output//$'\r'/}
}

@test "--value --unit: one reading, QoS 0, {metric,value,unit,ts}" {
	listen 1
	before=$(date +%s)
	run --separate-stderr yoke-telemetry $B -r "$R" temp_c --value 87.3 \
		--unit C
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	[ "$(payloads)" = '{"metric":"temp_c","value":87.3,"unit":"C"}' ]
	[ "$(jq -c '[.key, .qos, .retain]' "$BATS_TEST_TMPDIR/sub.out")" = \
		"[\"$R/telemetry\",0,false]" ]
	ts=$(jq -r '.payload.ts' "$BATS_TEST_TMPDIR/sub.out")
	[[ "$(grep -o '"ts":[0-9.]*}}' "$BATS_TEST_TMPDIR/sub.out")" =~ ^\"ts\":[0-9]+\.[0-9]{6}\}\}$ ]]
	[ "${ts%.*}" -ge $((before - 1)) ]
	[ "${ts%.*}" -le $(($(date +%s) + 1)) ]
}

@test "--lat --lng --heading --data: every field, numbers as written" {
	listen 1
	run yoke-telemetry $B --robot "$R" location --lat 37.7749 \
		--lng -122.4194 --heading 45.0 --value 1e2 --unit m \
		--data '{ "fix": "3d", "sats": [1, 2] }'
	[ "$status" -eq 0 ]
	[ "$(raw)" = '{"metric":"location","value":1e2,"unit":"m","lat":37.7749,"lng":-122.4194,"heading":45.0,"data":{"fix":"3d","sats":[1,2]}}' ]
}

@test "numbers strtod takes but JSON does not are written in JSON" {
	listen 1
	run yoke-telemetry $B -r "$R" x --value +.5 --lat ' 0x10' --lng -0
	[ "$status" -eq 0 ]
	[ "$(payloads)" = '{"metric":"x","value":0.5,"lat":16,"lng":-0}' ]
}

@test "--data alone; --unit without --value is ignored with a warning" {
	listen 1
	run --separate-stderr yoke-telemetry $B -r "$R" motor_state \
		--unit C --data '{"rpm":1200}'
	[ "$status" -eq 0 ]
	[ "$stderr" = "yoke-telemetry: --unit is ignored without --value" ]
	[ "$(payloads)" = '{"metric":"motor_state","data":{"rpm":1200}}' ]
}

@test "the robot: YOKE_ROBOT, and the host name by default" {
	listen 2 "*/telemetry"
	YOKE_ROBOT="$R" yoke-telemetry $B a --value 1
	yoke-telemetry $B b --value 2
	wait "$SUB"
	[ "$(jq -c '[.key, .payload.metric]' "$BATS_TEST_TMPDIR/sub.out" |
		sort)" = "$(printf '%s\n' "[\"$(hostname)/telemetry\",\"b\"]" \
			"[\"$R/telemetry\",\"a\"]" | sort)" ]
}

@test "--org and the topic on the broker: <root>/<org>/<robot>/telemetry" {
	mosquitto_sub -p "$BROKER_PORT" -t "yoke/$R/arm-1/telemetry" -C 1 \
		-W "$HANG_S" > "$BATS_TEST_TMPDIR/out" 3>&- &
	PIDS+=($!)
	# retry until the subscriber is in place: QoS 0 is not kept
	wait_for eval 'yoke-telemetry $B --org "$R" -r arm-1 t --value 5;
		[ -s "$BATS_TEST_TMPDIR/out" ]' 
	[ "$(jq -c 'del(.ts)' "$BATS_TEST_TMPDIR/out")" = \
		'{"metric":"t","value":5}' ]
}

@test "lat without lng, lng without lat, heading without both: exit 2" {
	fails "--lat needs --lng" loc --lat 1
	fails "--lng needs --lat" loc --lng 1
	fails "--heading needs --lat and --lng" loc --heading 1 --value 2
}

@test "lat, lng and heading out of range: exit 2 naming the flag" {
	fails "--lat 95 out of range [-90, 90]" loc --lat 95 --lng 0
	fails "--lat -90.5 out of range [-90, 90]" loc --lat -90.5 --lng 0
	fails "--lng 180.01 out of range [-180, 180]" loc --lat 0 --lng 180.01
	fails "--heading 360 out of range [0, 360)" loc --lat 0 --lng 0 \
		--heading 360
	fails "--heading -1 out of range [0, 360)" loc --lat 0 --lng 0 \
		--heading -1
}

@test "the edges of the ranges are readings" {
	listen 1
	run yoke-telemetry $B -r "$R" loc --lat -90 --lng 180 --heading 0
	[ "$status" -eq 0 ]
	[ "$(payloads)" = '{"metric":"loc","lat":-90,"lng":180,"heading":0}' ]
}

@test "nan, inf and words are not numbers: exit 2" {
	fails "--value nan is not a finite number" x --value nan
	fails "--value -inf is not a finite number" x --value -inf
	fails "--value 1e999 is not a finite number" x --value 1e999
	fails "--value 'abc' is not a number" x --value abc
	fails "--value '' is not a number" x --value ''
	fails "--lat '1,5' is not a number" x --lat 1,5 --lng 0
}

@test "no value, lat/lng or data: exit 2 (stdin a terminal)" {
	on_tty yoke-telemetry $B -r "$R" temp_c --unit C
	[ "$status" -eq 2 ]
	[ "$output" = "yoke-telemetry: give at least one of --value, --lat/--lng or --data" ]
}

@test "the metric and the unit: not empty, no control characters" {
	fails "metric is empty" '' --value 1
	fails "metric holds a control character" $'a\tb' --value 1
	fails "metric holds a control character" $'a\xc2\x9b' --value 1
	fails "--unit holds a control character" a --value 1 --unit $'C\033[2J'
	fails "missing METRIC" --value 1
	fails "expected one METRIC, got 2 arguments" a b --value 1
}

@test "--data must be a JSON object" {
	fails "--data is not a JSON object" x --data '[1]'
	fails "--data is not a JSON object" x --data '{"a":'
	fails "--data is not a JSON object" x --data 'plain'
}

@test "options of one mode refused in another" {
	fails "--on-error and --max-rate go with lines on standard input" \
		x --value 1 --on-error exit
	fails "--on-error and --max-rate go with lines on standard input" \
		x --value 1 --max-rate 5
	fails "--metric and --json go with --watch" x --value 1 --metric x
	fails "--metric and --json go with --watch" x --value 1 --json
	fails "--watch takes PATTERN, --metric and --json only" --watch \
		--value 1
	fails "expected at most one PATTERN, got 2" --watch a b
	fails "invalid value 'maybe' for --on-error: expected skip or exit" \
		x --on-error maybe
	fails "invalid value '0' for --max-rate: expected a number from 0.001 to 1000" \
		x --max-rate 0
}

@test "stream: numbers and objects, flags as defaults, blank lines skipped" {
	listen 7
	run --separate-stderr yoke-telemetry $B -r "$R" temp_c --unit C \
		--heading 90 <<'EOF'
21.5
  -3

{"value": 22, "unit": "K"}
{"metric": "battery_pct", "value": 42}
{"lat": 1.5, "lng": 2.5}
{"lat": 1.5, "lng": 2.5, "heading": 10, "data": {"fix": 1}}
{"data": {"a": null}, "unit": "C", "value": null, "ts": 1795300718.25}
EOF
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(payloads)" = '{"metric":"temp_c","value":21.5,"unit":"C"}
{"metric":"temp_c","value":-3,"unit":"C"}
{"metric":"temp_c","value":22,"unit":"K"}
{"metric":"battery_pct","value":42,"unit":"C"}
{"metric":"temp_c","lat":1.5,"lng":2.5,"heading":90}
{"metric":"temp_c","lat":1.5,"lng":2.5,"heading":10,"data":{"fix":1}}
{"metric":"temp_c","data":{"a":null}}' ]
	tail -1 "$BATS_TEST_TMPDIR/sub.out" | grep -q ',"ts":1795300718.250000}}$'
}

@test "stream: bad lines reported by number and skipped; exit 2 at the end" {
	listen 4
	run --separate-stderr yoke-telemetry $B -r "$R" t <<'EOF'
1
abc
{"lat": 95, "lng": 0}
2
{"lat": 1}
{"value": "3"}
{"value": 1, "colour": "red"}
{"value": 1e999}
{"ts": 1795300718000, "value": 1}
{}
{"value": 3
[1]
{"metric": "", "value": 1}
{"data": [1]}
3
EOF
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-telemetry: line 2: 'abc' is not a number or a JSON object
yoke-telemetry: line 3: lat 95 out of range [-90, 90]
yoke-telemetry: line 5: lat needs lng
yoke-telemetry: line 6: value '\"3\"' is not a number
yoke-telemetry: line 7: unknown field 'colour': use metric, value, unit, lat, lng, heading, data or ts
yoke-telemetry: line 8: value 1e999 is not a finite number
yoke-telemetry: line 9: ts 1795300718000 out of range (0, 1e11)
yoke-telemetry: line 10: give at least one of value, lat/lng or data
yoke-telemetry: line 11: not a number or a JSON object
yoke-telemetry: line 12: '[1]' is not a number or a JSON object
yoke-telemetry: line 13: metric is empty
yoke-telemetry: line 14: data is not a JSON object
yoke-telemetry: skipped 12 bad lines of 15" ]
	marker
	[ "$(payloads)" = '{"metric":"t","value":1}
{"metric":"t","value":2}
{"metric":"t","value":3}
{"metric":"marker","value":0}' ]
}

@test "stream --on-error exit: stops at the first bad line, sends what came before" {
	listen 3
	run --separate-stderr yoke-telemetry $B -r "$R" t --on-error exit <<'EOF'
1
2
{"lat": 91, "lng": 0}
4
EOF
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-telemetry: line 3: lat 91 out of range [-90, 90]" ]
	marker
	[ "$(payloads)" = '{"metric":"t","value":1}
{"metric":"t","value":2}
{"metric":"marker","value":0}' ]
}

@test "stream --on-error skip is the default and explicit" {
	run --separate-stderr yoke-telemetry $B -r "$R" t --on-error skip \
		<<< 'x'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-telemetry: line 1: 'x' is not a number or a JSON object
yoke-telemetry: skipped 1 bad line of 1" ]
}

@test "stream: empty input sends nothing, exit 0" {
	run --separate-stderr yoke-telemetry $B -r "$R" t < /dev/null
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "stream: every line over one connection" {
	listen 1000
	before=$(grep -c 'New client connected' "$BROKER_DIR/log" || true)
	run bash -c "seq 1000 | yoke-telemetry $B -r $R n"
	[ "$status" -eq 0 ]
	after=$(grep -c 'New client connected' "$BROKER_DIR/log" || true)
	[ "$((after - before))" -eq 1 ]
	[ "$(payloads | jq -s -c 'map(.value) | [length, .[0], .[-1], add]')" \
		= "[1000,1,1000,500500]" ]
}

@test "--max-rate keeps the first and the last value, per metric" {
	listen -
	# one reading per metric every 1000 s: the 2000 lines all come in
	# the first slot, however slow the machine, and the first and the
	# last of each metric are all that go
	run bash -c "for i in \$(seq 1000); do
		echo \"{\\\"metric\\\":\\\"a\\\",\\\"value\\\":\$i}\"
		echo \"{\\\"metric\\\":\\\"b\\\",\\\"value\\\":-\$i}\"
	done | yoke-telemetry $B -r $R n --max-rate 0.001"
	[ "$status" -eq 0 ]
	marker
	wait_for grep -q '"marker"' "$BATS_TEST_TMPDIR/sub.out"
	run jq -c 'select(.payload.metric != "marker") |
		[.payload.metric, .payload.value]' "$BATS_TEST_TMPDIR/sub.out"
	[ "$(printf '%s\n' "$output" | grep '"a"')" = '["a",1]
["a",1000]' ]
	[ "$(printf '%s\n' "$output" | grep '"b"')" = '["b",-1]
["b",-1000]' ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 4 ]
}

@test "--max-rate: a held reading goes when its slot comes, not only at the end" {
	listen -
	mkfifo "$BATS_TEST_TMPDIR/in"
	yoke-telemetry $B -r "$R" n --max-rate 10 < "$BATS_TEST_TMPDIR/in" 3>&- &
	PUB=$!
	PIDS+=($PUB)
	exec 4> "$BATS_TEST_TMPDIR/in"
	echo 1 >&4
	echo 2 >&4 # too soon: held
	# the held 2 arrives while the input stays open
	wait_for grep -q '"value":2' "$BATS_TEST_TMPDIR/sub.out"
	exec 4>&-
	wait "$PUB"
	[ "$(jq -c '.payload.value' "$BATS_TEST_TMPDIR/sub.out")" = "1
2" ]
}

@test "--watch --json: {robot, the reading's fields}; --metric filters" {
	yoke-telemetry $B --org "$R" --watch --json -v \
		> "$BATS_TEST_TMPDIR/w.out" 2> "$BATS_TEST_TMPDIR/w.err" 3>&- &
	PIDS+=($!)
	yoke-telemetry $B --org "$R" --watch --metric temp_c -v \
		> "$BATS_TEST_TMPDIR/m.out" 2> "$BATS_TEST_TMPDIR/m.err" 3>&- &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/w.err"
	subscribed "$BATS_TEST_TMPDIR/m.err"
	yoke-telemetry $B --org "$R" -r arm-1 temp_c --value 20 --unit C
	yoke-pub $B --org "$R" arm-1/telemetry -m 'not a reading'
	yoke-pub $B --org "$R" arm-1/telemetry -m '{"value":1}'
	yoke-telemetry $B --org "$R" -r arm-2 location --lat 1 --lng 2
	yoke-telemetry $B --org "$R" -r arm-2 temp_c --value 30 --unit C
	wait_lines "$BATS_TEST_TMPDIR/w.out" 3
	wait_lines "$BATS_TEST_TMPDIR/m.out" 2
	[ "$(jq -c 'del(.ts)' "$BATS_TEST_TMPDIR/w.out")" = \
		'{"robot":"arm-1","metric":"temp_c","value":20,"unit":"C"}
{"robot":"arm-2","metric":"location","lat":1,"lng":2}
{"robot":"arm-2","metric":"temp_c","value":30,"unit":"C"}' ]
	[ "$(jq -c 'del(.ts)' "$BATS_TEST_TMPDIR/m.out")" = \
		'{"robot":"arm-1","metric":"temp_c","value":20,"unit":"C"}
{"robot":"arm-2","metric":"temp_c","value":30,"unit":"C"}' ]
	grep -q '^{"robot":"arm-1","metric":"temp_c","value":20,"unit":"C","ts":[0-9]*\.[0-9]\{6\}}$' \
		"$BATS_TEST_TMPDIR/w.out"
}

@test "--watch PATTERN: only the robots it matches" {
	yoke-telemetry $B --org "$R" --watch 'arm-2' -v \
		> "$BATS_TEST_TMPDIR/w.out" 2> "$BATS_TEST_TMPDIR/w.err" 3>&- &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/w.err"
	grep -qxF "yoke-telemetry: subscribed to 'yoke/$R/arm-2/telemetry'" \
		"$BATS_TEST_TMPDIR/w.err"
	yoke-telemetry $B --org "$R" -r arm-1 t --value 1
	yoke-telemetry $B --org "$R" -r arm-2 t --value 2
	wait_lines "$BATS_TEST_TMPDIR/w.out" 1
	yoke-telemetry $B --org "$R" -r arm-2 t --value 3
	wait_lines "$BATS_TEST_TMPDIR/w.out" 2
	[ "$(jq -c '[.robot, .value]' "$BATS_TEST_TMPDIR/w.out")" = '["arm-2",2]
["arm-2",3]' ]
}

@test "--watch 'arm-*': robots whose id the pattern matches" {
	yoke-telemetry $B --org "$R" --watch 'arm-*' -v \
		> "$BATS_TEST_TMPDIR/w.out" 2> "$BATS_TEST_TMPDIR/w.err" 3>&- &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/w.err"
	grep -qxF "yoke-telemetry: subscribed to 'yoke/$R/+/telemetry'" \
		"$BATS_TEST_TMPDIR/w.err"
	yoke-telemetry $B --org "$R" -r cam-1 t --value 1
	yoke-telemetry $B --org "$R" -r arm-2 t --value 2
	yoke-telemetry $B --org "$R" -r xarm-3 t --value 3
	yoke-telemetry $B --org "$R" -r arm-4 t --value 4
	wait_lines "$BATS_TEST_TMPDIR/w.out" 2
	[ "$(jq -c '[.robot, .value]' "$BATS_TEST_TMPDIR/w.out")" = '["arm-2",2]
["arm-4",4]' ]
}

@test "--watch with a bad PATTERN: exit 2" {
	fails "invalid key expression 'a/#': '**' stands alone as a segment, '+', '#', '{', '}' are not allowed in names" \
		--watch 'a/#'
}

@test "--watch on a terminal: a table with value, unit, age, sparkline" {
	tmux -L "yk$R" new-session -d -x 120 -y 20 \
		"yoke-telemetry $B --org $R --watch -v 2> $BATS_TEST_TMPDIR/w.err"
	subscribed "$BATS_TEST_TMPDIR/w.err"
	for v in 10 20 30; do
		yoke-telemetry $B --org "$R" -r arm-1 temp_c --value "$v" --unit C
	done
	yoke-telemetry $B --org "$R" -r arm-0 battery_pct --value 42 --unit %
	screen() { tmux -L "yk$R" capture-pane -p; }
	wait_for bash -c "tmux -L yk$R capture-pane -p | grep -q battery_pct"
	wait_for bash -c "tmux -L yk$R capture-pane -p | grep -q 'temp_c  *30 '"
	out=$(screen)
	tmux -L "yk$R" kill-server
	[[ "$(printf '%s\n' "$out" | head -1)" =~ ^ROBOT\ +METRIC\ +VALUE\ +UNIT\ +AGE\ +LAST\ 60\ S ]]
	[[ "$(printf '%s\n' "$out" | sed -n 2p)" =~ ^arm-0\ +battery_pct\ +42\ +%\ +[0-9.]+s\ +\ *▄$ ]]
	[[ "$(printf '%s\n' "$out" | sed -n 3p)" =~ ^arm-1\ +temp_c\ +30\ +C\ +[0-9.]+s\ +\ *[▁▂▃▄▅▆▇█]+$ ]]
}

@test "--watch on a terminal: rows fit its width, numbers whole, text cut with …, the header stays" {
	tmux -L "yk$R" new-session -d -x 60 -y 10 \
		"yoke-telemetry $B --org $R --watch -v 2> $BATS_TEST_TMPDIR/w.err"
	subscribed "$BATS_TEST_TMPDIR/w.err"
	yoke-telemetry $B --org "$R" -r arm-0 pos \
		--lat 48.858370090000001 --lng 2.2944812999999999
	yoke-telemetry $B --org "$R" -r arm-0 blob \
		--data "{\"text\":\"$(printf 'x%.0s' $(seq 1 200))\",\"k\":1}"
	for i in $(seq 1 12); do
		echo "{\"metric\":\"m$i\",\"value\":$i}"
	done | yoke-telemetry $B --org "$R" -r arm-1 m0
	# all 14 in: 7 rows shown, 7 more (the first "more" is only the
	# first reading that did not fit)
	# (one capture, the one checked: a redraw may begin after it)
	wait_for bash -c "tmux -L yk$R capture-pane -pJ > '$BATS_TEST_TMPDIR/screen';
		grep -qx '… 7 more' '$BATS_TEST_TMPDIR/screen'"
	out=$(cat "$BATS_TEST_TMPDIR/screen")
	tmux -L "yk$R" kill-server
	# one screen: the header first, no row wrapped, the rest counted
	[[ "$(printf '%s\n' "$out" | head -1)" =~ ^ROBOT\ +METRIC\ +VALUE ]]
	[ "$(printf '%s\n' "$out" | LC_ALL=C.UTF-8 wc -L)" -le 60 ]
	[ "$(printf '%s\n' "$out" | grep -c .)" -eq 9 ]
	[[ "$(printf '%s\n' "$out" | sed -n 9p)" =~ ^…\ [0-9]+\ more$ ]]
	# a position is never cut; a --data object is, with a mark
	printf '%s\n' "$out" | grep -q '^arm-0  pos  *48.85837009,2.2944813  '
	printf '%s\n' "$out" | grep -q '^arm-0  blob  *{"text":"xxxx*…  '
}

@test "--watch on a terminal: hostile metric, unit and data made safe" {
	tty_until "$BATS_TEST_TMPDIR/tty" 'ctl' \
		"yoke-telemetry $B --org $R --watch -v 2> $BATS_TEST_TMPDIR/w.err" &
	tty=$!
	subscribed "$BATS_TEST_TMPDIR/w.err"
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/evil-3/telemetry" \
		-m '{"metric":"a","value":1,"unit":"\u001b]0;PWNED\u0007"}'
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/evil-3/telemetry" \
		-m $'{"metric":"b","data":{"m":"\xc2\x9b2J\\u001b[31m"}}'
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/$R/evil-3/telemetry" \
		-m '{"metric":"ctl","value":2}'
	wait "$tty"
	# the only escape sequences are the redraw's own
	! sed -e $'s/\033\\[[HKJ]//g' "$BATS_TEST_TMPDIR/tty" | grep -q $'\033'
	! grep -q $'\xc2\x9b' "$BATS_TEST_TMPDIR/tty"
	grep -q 'evil-3  b  *{"m":"\\u009b2J\\u001b\[31m' "$BATS_TEST_TMPDIR/tty"
	# a unit with control characters makes no reading (as a metric)
	! grep -q 'evil-3  a ' "$BATS_TEST_TMPDIR/tty"
}
