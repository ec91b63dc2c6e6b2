#!/usr/bin/env bats
# yoke-pub against a real mosquitto: every input mode and flag, the topics
# mosquitto_sub sees, and the errors and exit codes of bad input.
bats_require_minimum_version 1.5.0
load helpers

# msub TOPIC COUNT OUTFILE FORMAT: mosquitto_sub in the background,
# subscribed when this returns.  mosquitto_sub has no "subscribed" signal,
# so it also subscribes to a retained probe; the probe's line (which counts
# towards -C) is kept out of OUTFILE and marks OUTFILE.ready.
msub() {
	local probe="$T/_probe"
	mosquitto_pub -p "$BROKER_PORT" -t "$probe" -m x -r
	mosquitto_sub -V 5 -q 1 -p "$BROKER_PORT" -t "$1" -t "$probe" \
		-C $(($2 + 1)) -W "$HANG_S" -F "%t|$4" 2>&1 |
		sed -u -e "\\#^$probe|#{w $3.ready" -e 'd}' -e 's/^[^|]*|//' \
		> "$3" &
	PIDS+=($!)
	wait_for test -s "$3.ready"
}

@test "-m publishes to yoke/default/KEY, as mosquitto_sub sees it" {
	msub "$T/x" 1 "$BATS_TEST_TMPDIR/out" '%t %p'
	run --separate-stderr yoke-pub $B "$R/x" -m hello
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	wait_lines "$BATS_TEST_TMPDIR/out" 1
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$T/x hello" ]
}

@test "messages carry the ts user property in microseconds" {
	msub "$T/x" 1 "$BATS_TEST_TMPDIR/out" '%P'
	before=$(($(date +%s%N) / 1000))
	run yoke-pub $B "$R/x" -m hi
	[ "$status" -eq 0 ]
	wait_lines "$BATS_TEST_TMPDIR/out" 1
	ts=$(sed -n 's/.*ts:\([0-9]*\).*/\1/p' "$BATS_TEST_TMPDIR/out")
	after=$(($(date +%s%N) / 1000))
	[ "$ts" -ge "$before" ]
	[ "$ts" -le "$after" ]
}

@test "-q 1 -r: a retained value a late subscriber gets" {
	run yoke-pub $B "$R/status" -m online -q 1 -r
	[ "$status" -eq 0 ]
	run mosquitto_sub -q 1 -p "$BROKER_PORT" -t "$T/status" -C 1 -W "$HANG_S" \
		-F '%r %q %p'
	[ "$status" -eq 0 ]
	[ "$output" = "1 1 online" ]
}

@test "-n -r clears a retained value" {
	yoke-pub $B "$R/status" -m online -q 1 -r
	run yoke-pub $B "$R/status" -n -q 1 -r
	[ "$status" -eq 0 ]
	run yoke-sub $B "$R/status" --retained-only
	[ "$status" -eq 3 ]
}

@test "-f FILE publishes the file byte for byte" {
	head -c 70000 /dev/urandom > "$BATS_TEST_TMPDIR/blob"
	yoke-sub $B -v "$R/blob" -C 1 -W "$HANG_S" --format raw \
		> "$BATS_TEST_TMPDIR/got" 2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	run yoke-pub $B "$R/blob" -f "$BATS_TEST_TMPDIR/blob" -q 1
	[ "$status" -eq 0 ]
	wait "${PIDS[-1]}"
	cmp "$BATS_TEST_TMPDIR/blob" "$BATS_TEST_TMPDIR/got"
}

@test "-f with a missing file exits 2 naming it, before connecting" {
	run --separate-stderr yoke-pub -b mqtt://127.0.0.1:1 "$R/x" \
		-f /nonexistent/file
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: cannot open '/nonexistent/file': No such file or directory" ]
}

@test "-s publishes all of stdin as one message" {
	msub "$T/x" 1 "$BATS_TEST_TMPDIR/out" '%p'
	run bash -c "printf 'a\nb\nc' | yoke-pub $B $R/x -s"
	[ "$status" -eq 0 ]
	wait_lines "$BATS_TEST_TMPDIR/out" 3
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$(printf 'a\nb\nc')" ]
}

@test "-l: one message per line; CRLF stripped; last line without newline sent" {
	msub "$T/x" 4 "$BATS_TEST_TMPDIR/out" '%p'
	run bash -c "printf 'one\r\ntwo\n\nfour' | yoke-pub $B $R/x -l -q 1"
	[ "$status" -eq 0 ]
	wait_lines "$BATS_TEST_TMPDIR/out" 4
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$(printf 'one\ntwo\n\nfour')" ]
}

@test "-l with empty input sends nothing and exits 0" {
	yoke-sub $B -v "$R/x" -W 1.5 > "$BATS_TEST_TMPDIR/out" \
		2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	run yoke-pub $B "$R/x" -l < /dev/null
	[ "$status" -eq 0 ]
	st=0
	wait "${PIDS[-1]}" || st=$?
	[ "$st" -eq 3 ]
}

@test "--framing delimited: varint length-prefixed frames" {
	yoke-sub $B -v "$R/x" -C 3 -W "$HANG_S" > "$BATS_TEST_TMPDIR/out" \
		2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	# frames: "abc" (3), "" (0), 130 bytes of 'z' (varint 0x82 0x01)
	{ printf '\003abc\000\202\001'; printf 'z%.0s' $(seq 130); } \
		> "$BATS_TEST_TMPDIR/frames"
	run yoke-pub $B "$R/x" --framing delimited -q 1 \
		< "$BATS_TEST_TMPDIR/frames"
	[ "$status" -eq 0 ]
	wait "${PIDS[-1]}"
	run jq -r '.payload | length' "$BATS_TEST_TMPDIR/out"
	[ "$output" = "$(printf '3\n0\n130')" ]
}

@test "--framing delimited: a truncated frame exits 2 naming the frame" {
	run --separate-stderr bash -c \
		"printf '\003abc\005ab' | yoke-pub $B $R/x --framing delimited"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input: frame 2 is truncated: 5 bytes announced, 2 present" ]
}

@test "--ndjson: key and payload per line; strings as text, JSON compact, b64 decoded" {
	yoke-sub $B -v "$R/**" -C 3 -W "$HANG_S" --format text \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	run yoke-pub $B --ndjson -q 1 <<EOF2
{"key":"$R/a","payload":"plain text"}
{"key":"$R/b","payload": { "v" : [1, 2.50] }, "ts": 1, "qos": 0}

{"key":"$R/c","payload_b64":"aGk="}
EOF2
	[ "$status" -eq 0 ]
	wait "${PIDS[-1]}"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$R/a plain text
$R/b {\"v\":[1,2.50]}
$R/c hi" ]
}

@test "--ndjson replays yoke-sub output" {
	yoke-pub $B "$R/a" -m '{"x":1}' -r -q 1
	yoke-pub $B "$R/b" -m 'text' -r -q 1
	yoke-sub $B "$R/*" --retained-only > "$BATS_TEST_TMPDIR/capture"
	sed "s/$R/$R-copy/" "$BATS_TEST_TMPDIR/capture" \
		> "$BATS_TEST_TMPDIR/replay"
	run yoke-pub $B --ndjson -r -q 1 < "$BATS_TEST_TMPDIR/replay"
	[ "$status" -eq 0 ]
	run yoke-sub $B "$R-copy/*" --retained-only --format text
	[ "$output" = "$R-copy/a {\"x\":1}
$R-copy/b text" ]
}

@test "--ndjson: a malformed line exits 2 naming the line; earlier lines delivered" {
	yoke-sub $B -v "$R/ok" -C 2 -W "$HANG_S" --format text \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	run --separate-stderr yoke-pub $B --ndjson -q 1 <<EOF2
{"key":"$R/ok","payload":1}
{"key":"$R/ok","payload":2}
{"key":"$R/ok","payload":3
{"key":"$R/ok","payload":4}
EOF2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 3: not valid JSON" ]
	wait "${PIDS[-1]}"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$R/ok 1
$R/ok 2" ]
}

@test "--ndjson: an empty priority exits 2 naming the line, no crash; earlier lines delivered" {
	yoke-sub $B -v "$R/ok" -C 2 -W "$HANG_S" --format text \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	# a line of blanks is skipped as an empty one is
	run --separate-stderr yoke-pub $B --ndjson -q 1 <<EOF2
{"key":"$R/ok","payload":1}
  	 
{"key":"$R/ok","payload":2,"priority":"data"}
{"key":"$R/ok","payload":3,"priority":""}
{"key":"$R/ok","payload":4}
EOF2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 4: \"priority\" must be 0-255 or a class name" ]
	wait "${PIDS[-1]}"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$R/ok 1
$R/ok 2" ]
}

@test "--ndjson: a control character in a key, a lone surrogate: exit 2 naming the line" {
	run --separate-stderr yoke-pub $B --ndjson <<EOF2
{"key":"$R/ok","payload":1}
{"key":"$R/a\u001b[2Jb","payload":1}
EOF2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 2: invalid key: control characters are not allowed" ]
	run --separate-stderr yoke-pub $B --ndjson <<EOF2

{"key":"$R/ok","payload":"\ud800"}
EOF2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 2: \"payload\": a lone surrogate escape is not a character" ]
	run --separate-stderr yoke-pub $B --ndjson <<< '{"key":"'"$R"'/\udc00","payload":1}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 1: \"key\": a lone surrogate escape is not a character" ]
	# and a key given as an argument
	run --separate-stderr yoke-pub $B "$R/a"$'\t'"b" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid key: control characters are not allowed" ]
}

@test "--ndjson: missing key, bad key, not an object: exit 2 with the reason" {
	run --separate-stderr yoke-pub $B --ndjson <<< '{"payload":1}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 1: missing \"key\"" ]
	run --separate-stderr yoke-pub $B --ndjson <<< '[1,2]'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 1: expected a JSON object" ]
	run --separate-stderr yoke-pub $B --ndjson <<< '{"key":"a/#","payload":1}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 1: invalid key 'a/#': keys may not hold '*', '+', '#', '{' or '}'" ]
	run --separate-stderr yoke-pub $B --ndjson <<< '{"key":"a/b"}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 1: missing \"payload\" or \"payload_b64\"" ]
}

@test "--repeat N --repeat-delay S publishes N times" {
	yoke-sub $B -v "$R/x" -C 3 -W "$HANG_S" > "$BATS_TEST_TMPDIR/out" \
		2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	run yoke-pub $B "$R/x" -m tick --repeat 3 --repeat-delay 0.2
	[ "$status" -eq 0 ]
	wait "${PIDS[-1]}"
	[ "$(jq -r .payload "$BATS_TEST_TMPDIR/out" | tr '\n' ' ')" = "tick tick tick " ]
	# the delay between them, as the sender stamped each (its ts, taken
	# when it sent): no clock of the test's, and a loaded machine only
	# widens the gaps (2 ms slack: the wait counts whole milliseconds of
	# the monotonic clock, the stamps are the wall clock's)
	[ "$(jq -s '[.[1].ts - .[0].ts, .[2].ts - .[1].ts] |
		map(select(. < 0.198)) | length' "$BATS_TEST_TMPDIR/out")" -eq 0 ]
}

@test "--repeat with -l is a usage error" {
	run --separate-stderr yoke-pub $B "$R/x" -l --repeat 2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: --repeat goes with -m, -f, -s or -n" ]
}

@test "--priority sets the prio property; names map to classes" {
	msub "$T/x" 2 "$BATS_TEST_TMPDIR/out" '%P'
	yoke-pub $B "$R/x" -m a --priority real-time
	yoke-pub $B "$R/x" -m b --priority 42
	wait_lines "$BATS_TEST_TMPDIR/out" 2
	grep -q 'prio:240' "$BATS_TEST_TMPDIR/out"
	grep -q 'prio:42' "$BATS_TEST_TMPDIR/out"
}

@test "--priority rejects unknown classes and out-of-range numbers" {
	run --separate-stderr yoke-pub $B "$R/x" -m a --priority 256
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: --priority: invalid priority '256': expected 0-255 or real-time, interactive-high, interactive-low, data-high, data, data-low, background" ]
	run yoke-pub $B "$R/x" -m a --priority urgent
	[ "$status" -eq 2 ]
}

@test "--express and -k are accepted and deliver" {
	msub "$T/x" 2 "$BATS_TEST_TMPDIR/out" '%p'
	run bash -c "printf '1\n2\n' | yoke-pub $B $R/x -l --express -k 10"
	[ "$status" -eq 0 ]
	wait_lines "$BATS_TEST_TMPDIR/out" 2
}

@test "--raw publishes the key as the topic; --org and --root scope it" {
	msub "raw-$R/x" 1 "$BATS_TEST_TMPDIR/raw" '%t'
	yoke-pub $B "raw-$R/x" -m 1 --raw
	wait_lines "$BATS_TEST_TMPDIR/raw" 1
	[ "$(cat "$BATS_TEST_TMPDIR/raw")" = "raw-$R/x" ]
	msub "fleet/acme/$R/x" 1 "$BATS_TEST_TMPDIR/scoped" '%t'
	yoke-pub $B "$R/x" -m 1 --org acme --root fleet
	wait_lines "$BATS_TEST_TMPDIR/scoped" 1
	[ "$(cat "$BATS_TEST_TMPDIR/scoped")" = "fleet/acme/$R/x" ]
}

@test "invalid keys exit 2 with the reason" {
	run --separate-stderr yoke-pub $B 'a/+/b' -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid key 'a/+/b': keys may not hold '*', '+', '#', '{' or '}'" ]
	run --separate-stderr yoke-pub $B 'Arm-1/x' -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid key 'Arm-1/x': invalid robot id 'Arm-1': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit" ]
	run --separate-stderr yoke-pub $B 'a//b' -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid key 'a//b': empty segment" ]
	run --separate-stderr yoke-pub $B '' -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: key must not be empty" ]
	run --separate-stderr yoke-pub $B 'x' -m 1 --org 'Acme'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid org 'Acme': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit" ]
}

@test "bad broker URLs exit 2 naming the URL" {
	run --separate-stderr yoke-pub -b http://x "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid broker URL 'http://x': the scheme must be mqtt:// or mqtts://" ]
	run --separate-stderr yoke-pub -b mqtt://host:99999 "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid broker URL 'mqtt://host:99999': the port must be a number from 1 to 65535" ]
	run --separate-stderr yoke-pub -b 'mqtt://' "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid broker URL 'mqtt://': expected mqtt://host[:port] or mqtts://host[:port]" ]
}

@test "a password in -b is refused: argv is public" {
	run --separate-stderr yoke-pub -b "mqtt://u:secret@127.0.0.1:$BROKER_PORT" "$R/x" -m 1
	[ "$status" -eq 2 ]
	[[ "$stderr" == "yoke-pub: a password in --broker would be visible to other users; set YOKE_BROKER, YOKE_PASSWORD or the config file" ]]
	[[ "$stderr" != *secret* ]]
}

@test "an unreachable broker exits 1 with the cause" {
	run --separate-stderr yoke-pub -b mqtt://127.0.0.1:1 "$R/x" -m 1
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-pub: cannot connect to '127.0.0.1:1': Connection refused" ]
}

@test "an unknown host exits 1" {
	run --separate-stderr yoke-pub -b mqtt://no-such-host.invalid "$R/x" -m 1
	[ "$status" -eq 1 ]
	[[ "$stderr" == "yoke-pub: cannot connect to 'no-such-host.invalid:1883': "* ]]
}

@test "--offline-timeout waits for a broker that comes up later" {
	start_broker late
	late_port=$BROKER_PORT late_pid=$BROKER_PID
	kill "$late_pid"; wait "$late_pid" || true
	# later: once yoke-pub has found it down, whatever the machine's speed
	# (the offline timeout is the hang guard)
	yoke-pub -v -b "mqtt://127.0.0.1:$late_port" "$R/x" -m 1 -q 1 \
		--offline-timeout "$HANG_S" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pub=$!
	PIDS+=($pub)
	wait_for grep -q "Connection refused" "$BATS_TEST_TMPDIR/err"
	mosquitto -c "$BROKER_DIR/mosquitto.conf" >> "$BROKER_DIR/log" 2>&1 3>&- &
	echo $! > "$BROKER_DIR/pid"
	rc=0
	wait "$pub" || rc=$?
	stop_broker
	[ "$rc" -eq 0 ]
	# refused (-v says each attempt), then connected: nothing else
	sed -n '1p;$p' "$BATS_TEST_TMPDIR/err" > "$BATS_TEST_TMPDIR/ends"
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/ends")" = "yoke-pub: cannot connect to 127.0.0.1:$late_port: Connection refused" ]
	[[ "$(sed -n 2p "$BATS_TEST_TMPDIR/ends")" == "yoke-pub: connected to 127.0.0.1:$late_port as '"* ]]
}

@test "--offline-timeout gives up with exit 1" {
	run --separate-stderr yoke-pub -b mqtt://127.0.0.1:1 "$R/x" -m 1 \
		--offline-timeout 1.5
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-pub: no connection to '127.0.0.1:1' for 1.5 s: Connection refused" ]
}

@test "usage errors: no mode, two modes, no key, bad qos, unknown option" {
	run --separate-stderr yoke-pub $B "$R/x"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: give exactly one of -m, -f, -s, -l, -n, --framing, --ndjson" ]
	run --separate-stderr yoke-pub $B "$R/x" -m 1 -l
	[ "$status" -eq 2 ]
	run --separate-stderr yoke-pub $B -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: missing KEY" ]
	run --separate-stderr yoke-pub $B "$R/x" -m 1 -q 2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid value '2' for --qos: expected an integer from 0 to 1" ]
	run --separate-stderr yoke-pub $B "$R/x" -m 1 --nope
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: unknown option '--nope'" ]
	run --separate-stderr yoke-pub $B "$R/x" -m
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: option '-m' needs a value" ]
	run --separate-stderr yoke-pub $B --ndjson "$R/x"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: --ndjson takes the keys from its input, not from '$R/x'" ]
}

@test "--help prints usage to stdout and exits 0" {
	run --separate-stderr yoke-pub --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: yoke-pub [options] KEY (-m MSG | -f FILE | -s | -l | -n)" ]
	[ -z "$stderr" ]
}

@test "--ndjson over many keys: every message keeps its key (topic aliases)" {
	# more keys than the 16 topic aliases yoke defines per connection,
	# interleaved so aliased and plain topics alternate
	yoke-sub $B -v "$R/**" -C 60 -W "$HANG_S" --format text \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	for r in 1 2 3; do
		for k in $(seq 1 20); do
			printf '{"key":"%s/k%s","payload":"%s-%s"}\n' "$R" "$k" "$k" "$r"
		done
	done > "$BATS_TEST_TMPDIR/in"
	run yoke-pub $B --ndjson < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	wait "${PIDS[-1]}"
	# each line names the key its payload was sent to
	run awk '{ split($1, a, "/k"); split($2, b, "-");
		if (a[2] != b[1]) bad++ } END { print NR, bad + 0 }' \
		"$BATS_TEST_TMPDIR/out"
	[ "$output" = "60 0" ]
}

@test "--ndjson honours each line's qos and retain" {
	run --separate-stderr yoke-pub $B --ndjson <<EOF2
{"key":"$R/a","ts":100.0,"qos":1,"retain":true,"payload":"A"}
{"key":"$R/b","ts":100.1,"qos":0,"retain":false,"payload":"B"}
{"key":"$R/c","ts":100.2,"qos":0,"retain":true,"payload":"C"}
EOF2
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# only a and c are retained; the broker kept each at its own qos
	run --separate-stderr mosquitto_sub -V 5 -q 1 -p "$BROKER_PORT" \
		-t "$T/+" --retained-only -W 2 -F '%t %r %q %p'
	[ "$(sort <<< "$output")" = "$T/a 1 1 A
$T/c 1 0 C" ]
}

@test "--ndjson: -q and -r given override the lines' qos and retain" {
	run yoke-pub $B --ndjson -q 1 -r <<EOF2
{"key":"$R/a","qos":0,"retain":false,"payload":"A"}
EOF2
	[ "$status" -eq 0 ]
	run mosquitto_sub -V 5 -q 1 -p "$BROKER_PORT" -t "$T/a" -C 1 -W "$HANG_S" \
		-F '%r %q %p'
	[ "$output" = "1 1 A" ]
}

@test "--ndjson: a bad qos, retain or ts exits 2 naming the line" {
	run --separate-stderr yoke-pub $B --ndjson <<< '{"key":"a/b","payload":1,"qos":2}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 1: \"qos\" must be 0 or 1" ]
	run --separate-stderr yoke-pub $B --ndjson <<< '{"key":"a/b","payload":1,"retain":1}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 1: \"retain\" must be true or false" ]
	run --separate-stderr yoke-pub $B --ndjson <<< '{"key":"a/b","payload":1,"ts":"x"}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 1: \"ts\" must be seconds since the epoch" ]
}

# ts_of FILE: the sender's ts (user property, microseconds) of each line
# mosquitto_sub printed with -F '%P'
ts_of() { sed -n 's/.*ts:\([0-9]*\).*/\1/p' "$1"; }

@test "--ndjson --pace keeps the recorded spacing; each message stamped when sent" {
	msub "$T/p/+" 3 "$BATS_TEST_TMPDIR/out" '%P'
	before=$(($(date +%s%N) / 1000))
	run --separate-stderr yoke-pub $B --ndjson --pace <<EOF2
{"key":"$R/p/a","ts":1795300718.100000,"qos":1,"retain":false,"payload":1}
{"key":"$R/p/b","ts":1795300718.400000,"qos":1,"retain":false,"payload":2}
{"key":"$R/p/c","ts":1795300718.900000,"qos":1,"retain":false,"payload":3}
EOF2
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	wait_lines "$BATS_TEST_TMPDIR/out" 3
	mapfile -t ts < <(ts_of "$BATS_TEST_TMPDIR/out")
	[ "${#ts[@]}" -eq 3 ]
	# stamped now, not with the recorded times
	[ "${ts[0]}" -ge "$before" ]
	# no earlier than the recording's 0.3 s and 0.8 s after the first
	# (2 ms slack: the wait counts whole milliseconds of the monotonic
	# clock, the stamps are the wall clock's, which NTP may slew)
	[ $((ts[1] - ts[0])) -ge 298000 ]
	[ $((ts[2] - ts[0])) -ge 798000 ]
}

@test "--pace goes with --ndjson only" {
	run --separate-stderr yoke-pub $B "$R/x" -m 1 --pace
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: --pace goes with --ndjson" ]
}

@test "--ndjson --encode auto re-encodes a --decode auto capture: the same bytes" {
	yoke-pub $B "$R/state" -q 1 -r --encode auto \
		-m '{"sequence":4,"fw_mode":"FW_MODE_MOVE","joint_pos":[0.5,-1.25]}'
	yoke-pub $B "$R/commands" -q 1 -r --encode CloudCommand \
		-m '{"sequence":3,"velocity":{"vx":0.5}}'
	yoke-pub $B "$R/status" -q 1 -r -m '{"status":"online"}'
	printf '\x00\x01\xff' | yoke-pub $B "$R/bin" -q 1 -r -s
	yoke-sub $B "$R/*" --retained-only --decode auto > "$BATS_TEST_TMPDIR/cap"
	# a capture of decoded JSON
	[ "$(jq -r 'select(.key | endswith("/state")) | .payload.joint_pos[1]' "$BATS_TEST_TMPDIR/cap")" = -1.25 ]
	sed "s#\"$R/#\"$R-copy/#" "$BATS_TEST_TMPDIR/cap" > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr yoke-pub $B --ndjson --encode auto \
		< "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	yoke-sub $B "$R/*" --retained-only | jq -c '[.key, .payload_b64 // .payload]' |
		sed "s#\"$R/#\"K/#" > "$BATS_TEST_TMPDIR/orig"
	yoke-sub $B "$R-copy/*" --retained-only | jq -c '[.key, .payload_b64 // .payload]' |
		sed "s#\"$R-copy/#\"K/#" > "$BATS_TEST_TMPDIR/copy"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/orig")" -eq 4 ]
	diff "$BATS_TEST_TMPDIR/orig" "$BATS_TEST_TMPDIR/copy"
}

@test "--ndjson --encode auto: a payload that does not fit its channel's type exits 2 naming the line" {
	run --separate-stderr yoke-pub $B --ndjson --encode auto <<EOF2
{"key":"$R/x","payload":{"any":"json"}}
{"key":"$R/commands","payload":{"velocity":{"vx":true}}}
EOF2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 2: asimov.CloudCommand: velocity.vx: expected a number, got a boolean" ]
}

@test "--ndjson --encode TYPE encodes each line's payload; a bad one exits 2 naming its line" {
	run --separate-stderr yoke-pub $B --ndjson --encode asimov.VelocityCommand <<EOF2
{"key":"$R/vel","qos":1,"retain":true,"payload":{"vx":0.5}}
EOF2
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run yoke-sub $B "$R/vel" --retained-only --decode asimov.VelocityCommand
	[ "$(jq -c .payload.vx <<< "$output")" = 0.5 ]
	run --separate-stderr yoke-pub $B --ndjson --encode asimov.VelocityCommand <<EOF2
{"key":"$R/vel2","qos":1,"retain":true,"payload":{"vx":0.25}}
{"key":"$R/vel3","payload":{"vz":1}}
EOF2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 2: asimov.VelocityCommand: unknown field 'vz'" ]
	run yoke-sub $B "$R/vel2" --retained-only --decode asimov.VelocityCommand
	[ "$(jq -c .payload.vx <<< "$output")" = 0.25 ]
}

@test "--encode auto with one KEY takes its channel's type, or exits 2" {
	run --separate-stderr yoke-pub $B "$R/x" --encode auto -m '{}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: --encode auto: '$R/x' is not a channel that carries protobuf (give a TYPE)" ]
	run yoke-pub $B "$R/commands" -q 1 -r --encode auto -m '{"sequence":9}'
	[ "$status" -eq 0 ]
	run yoke-sub $B "$R/commands" --retained-only --decode asimov.CloudCommand
	[ "$(jq -c .payload.sequence <<< "$output")" = 9 ]
}

@test "-f - publishes standard input" {
	run --separate-stderr yoke-pub $B "$R/x" -q 1 -r -f - <<< 'from stdin'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run yoke-sub $B "$R/x" --retained-only --format text
	[ "$output" = "$R/x from stdin" ]
	# named as standard input in messages too
	run --separate-stderr yoke-pub $B "$R/x" -f - --encode CloudCommand <<< '{"sequence":true}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input: asimov.CloudCommand: sequence: expected an integer, got a boolean" ]
}

@test "-m or -f given twice is a usage error, as mosquitto_pub says" {
	run --separate-stderr yoke-pub $B "$R/x" -m 1 -m 2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: --message: given twice: a run publishes one message (-l publishes one per line)" ]
	run --separate-stderr yoke-pub $B "$R/x" -f /dev/null --file /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: --file: given twice: a run publishes one message (-l publishes one per line)" ]
	run yoke-sub $B "$R/x" --retained-only
	[ "$status" -eq 3 ]
}
