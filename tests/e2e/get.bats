#!/usr/bin/env bats
# yoke-get against a real mosquitto: retained answers, replies of live
# queryables (--serve with --reply-file and --exec), --count, --expect, and
# the exit codes and messages of timeouts, usage errors and a dead broker.
#
# Every test works in its own organisation (--org $R), so keys such as
# arm-1/config and wildcard queries such as */config see only what the test
# itself published or served.
bats_require_minimum_version 1.5.0
load helpers

teardown() {
	# a test that paused the broker must not leave it paused
	kill -CONT "$(cat "$BROKER_DIR/pid")" 2>/dev/null || true
	kill_pids
}

# $output as JSON lines without the (time-dependent) ts field.
norm() { printf '%s\n' "$output" | jq -c 'del(.ts)'; }

# flow KEY PAYLOAD: live (not retained) traffic on KEY, ten times a second,
# until the test ends.
flow() {
	(while :; do yoke-pub $B $O "$1" -m "$2"; sleep 0.1; done) 2>/dev/null &
	PIDS+=($!)
}

# retain KEY PAYLOAD: publish a retained value in the test's org.
retain() { yoke-pub $B $O "$1" -m "$2" -q 1 -r; }

# serve ARGS...: a queryable in the background; its stderr in serve.err.
serve() {
	yoke-get $B $O --serve "$@" 2>> "$BATS_TEST_TMPDIR/serve.err" &
	PIDS+=($!)
}

# served KEYEXPR: true once a query for KEYEXPR gets a reply (the
# queryable has subscribed); no fixed sleep.
has_reply() {
	yoke-get $B $O "$1" -W 0.5 --count 1 2>/dev/null |
		grep -q '"source":"reply"'
}
served() { wait_for has_reply "$1"; }

# gate KEYEXPR: a queryable for KEYEXPR that answers .../probe at once
# (readiness: served KEY/probe) and any other key only when the test says
# so: it creates $BATS_TEST_TMPDIR/asked when the query came, and answers
# "late" once the test creates $BATS_TEST_TMPDIR/go.  An answer that comes
# after an event the test causes, whatever the machine's speed.  (Its
# command gives up after a minute, should the test fail first.)
gate() {
	local d=$BATS_TEST_TMPDIR
	serve "$1" -W 3600 --exec 'case $YOKE_QUERY_KEY in
		*/probe) echo ok ;;
		*) touch "'"$d"'/asked"; i=0
		   while [ ! -e "'"$d"'/go" ] && [ $i -lt 1200 ]; do
			sleep 0.05; i=$((i + 1)); done
		   echo late ;;
		esac'
	served "${1%%/\*\*}/probe"
}

# ask_late ARGS...: yoke-get ARGS (-W an hour), through a gate: once the
# gate has the query, the asker is still waiting; the gate answers, and
# the asker ends with 0, its output in $BATS_TEST_TMPDIR/out
ask_late() {
	local asker
	yoke-get $B $O "$@" -W 3600 > "$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	asker=$!
	PIDS+=($asker)
	wait_for test -e "$BATS_TEST_TMPDIR/asked"
	kill -0 "$asker"
	touch "$BATS_TEST_TMPDIR/go"
	wait "$asker"
}

@test "a retained value that matches is printed as a JSON line, source retained" {
	before=$(date +%s)
	retain arm-1/config '{"a":1}'
	after=$(date +%s)
	retain arm-1/name hello
	run --separate-stderr yoke-get $B $O arm-1/config -W 0.5
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm)" = '{"key":"arm-1/config","source":"retained","qos":1,"retain":true,"payload":{"a":1}}' ]
	# ts: the publisher's time (while it ran), in seconds with
	# microseconds
	ts=$(printf '%s\n' "$output" | sed -n 's/.*"ts":\([0-9.]*\),.*/\1/p')
	[[ "$ts" =~ ^[0-9]+\.[0-9]{6}$ ]]
	[ "${ts%.*}" -ge "$before" ]
	[ "${ts%.*}" -le "$after" ]
}

@test "text and binary retained payloads: string and payload_b64" {
	retain arm-1/name 'hello world'
	printf '\377\000\001' > "$BATS_TEST_TMPDIR/bin"
	yoke-pub $B $O arm-1/blob -f "$BATS_TEST_TMPDIR/bin" -q 1 -r
	run --separate-stderr yoke-get $B $O arm-1/name -W 0.5
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm)" = '{"key":"arm-1/name","source":"retained","qos":1,"retain":true,"payload":"hello world"}' ]
	run --separate-stderr yoke-get $B $O arm-1/blob -W 0.5
	[ "$status" -eq 0 ]
	[ "$(norm)" = '{"key":"arm-1/blob","source":"retained","qos":1,"retain":true,"payload_b64":"/wAB"}' ]
}

@test "non-retained live traffic is not an answer: exit 3" {
	# traffic flows on the key for the whole query window...
	flow arm-1/temp 21.5
	run yoke-sub $B $O arm-1/temp -C 1 -W "$HANG_S"
	[ "$status" -eq 0 ]
	# ...and is no answer
	run --separate-stderr yoke-get $B $O arm-1/temp -W 1.5
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: no answer for 'arm-1/temp' within 1.5 s" ]
}

@test "a retained value is answered once while live updates flow on its key" {
	retain arm-1/temp 20
	flow arm-1/temp 21
	# the retained value, then at least one live update
	run yoke-sub $B $O arm-1/temp -C 2 -W "$HANG_S"
	[ "$status" -eq 0 ]
	run --separate-stderr yoke-get $B $O arm-1/temp -W 1.5
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm)" = '{"key":"arm-1/temp","source":"retained","qos":1,"retain":true,"payload":20}' ]
}

@test "'*' matches exactly one segment" {
	retain arm-1/config 1
	retain arm-2/config 2
	retain arm-1/a/config 3
	run --separate-stderr yoke-get $B $O '*/config' -W 0.5
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm | sort)" = "$(printf '%s\n' \
		'{"key":"arm-1/config","source":"retained","qos":1,"retain":true,"payload":1}' \
		'{"key":"arm-2/config","source":"retained","qos":1,"retain":true,"payload":2}')" ]
	run --separate-stderr yoke-get $B $O 'arm-1/*' -W 0.5
	[ "$status" -eq 0 ]
	[ "$(norm)" = '{"key":"arm-1/config","source":"retained","qos":1,"retain":true,"payload":1}' ]
}

@test "'**' matches any depth, at the end and in the middle" {
	retain arm-1/config 1
	retain arm-2/config 2
	retain arm-1/a/config 3
	retain arm-1/a/other 4
	run --separate-stderr yoke-get $B $O 'arm-1/**' -W 0.5
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm | jq -r .key | sort)" = "$(printf '%s\n' arm-1/a/config \
		arm-1/a/other arm-1/config)" ]
	run --separate-stderr yoke-get $B $O '**/config' -W 0.5
	[ "$status" -eq 0 ]
	[ "$(norm | jq -r .key | sort)" = "$(printf '%s\n' arm-1/a/config \
		arm-1/config arm-2/config)" ]
	# everything in the org, and none of yoke's own _inbox/_query traffic
	run --separate-stderr yoke-get $B $O '**' -W 0.5
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm | jq -r .key | sort)" = "$(printf '%s\n' arm-1/a/config \
		arm-1/a/other arm-1/config arm-2/config)" ]
	[ "$(norm | jq -r .source | sort -u)" = retained ]
}

@test "'{name}' matches one segment like '*'" {
	retain arm-1/config 1
	retain arm-2/config 2
	retain arm-1/a/config 3
	run --separate-stderr yoke-get $B $O '{robot}/config' -W 0.5
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm | jq -r .key | sort)" = "$(printf '%s\n' arm-1/config \
		arm-2/config)" ]
	run --separate-stderr yoke-get $B $O 'arm-1/{part}/config' -W 0.5
	[ "$status" -eq 0 ]
	[ "$(norm | jq -c '{key,payload}')" = '{"key":"arm-1/a/config","payload":3}' ]
}

@test "no answer within -W exits 3 with the key and the timeout" {
	# -W ends the wait: one that did not end would meet the hang guard
	run --separate-stderr timeout "$HANG_S" yoke-get $B $O arm-9/nothing \
		-W 0.8
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: no answer for 'arm-9/nothing' within 0.8 s" ]
	# and until then it waits, though nothing is there: a reply that
	# comes only after the query, when the test says, is taken
	gate 'arm-9/**'
	ask_late arm-9/late --count 1
	[ "$(jq -c '{key,source,payload}' "$BATS_TEST_TMPDIR/out")" = \
		'{"key":"arm-9/late","source":"reply","payload":"late\n"}' ]
}

@test "--count N stops after N answers, well before -W" {
	retain arm-1/a 1
	retain arm-1/b 2
	retain arm-1/c 3
	# -W is an hour: only the count can end it before the hang guard
	run --separate-stderr timeout "$HANG_S" yoke-get $B $O 'arm-1/*' \
		--count 1 -W 3600
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm | wc -l)" -eq 1 ]
	[[ "$(norm | jq -r .key)" =~ ^arm-1/[abc]$ ]]
	run --separate-stderr timeout "$HANG_S" yoke-get $B $O 'arm-1/*' \
		--count 2 -W 3600
	[ "$status" -eq 0 ]
	[ "$(norm | wc -l)" -eq 2 ]
	[ "$(norm | jq -r .source | sort -u)" = retained ]
}

@test "--serve --reply-file answers with the file, re-read on each query" {
	echo '{"v":1}' > "$BATS_TEST_TMPDIR/reply"
	serve arm-1/config --reply-file "$BATS_TEST_TMPDIR/reply"
	served arm-1/config
	run --separate-stderr yoke-get $B $O arm-1/config -W 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm)" = '{"key":"arm-1/config","source":"reply","qos":1,"retain":false,"payload":{"v":1}}' ]
	printf 'second version' > "$BATS_TEST_TMPDIR/reply"
	run --separate-stderr yoke-get $B $O arm-1/config -W 1
	[ "$status" -eq 0 ]
	[ "$(norm)" = '{"key":"arm-1/config","source":"reply","qos":1,"retain":false,"payload":"second version"}' ]
	[ ! -s "$BATS_TEST_TMPDIR/serve.err" ]
}

@test "--reply-file that cannot be read: a reply with the error" {
	echo ok > "$BATS_TEST_TMPDIR/reply"
	serve arm-1/config --reply-file "$BATS_TEST_TMPDIR/reply"
	served arm-1/config
	rm "$BATS_TEST_TMPDIR/reply"
	run --separate-stderr yoke-get $B $O arm-1/config -W 1
	[ "$status" -eq 0 ]
	[ "$(norm)" = "{\"key\":\"arm-1/config\",\"source\":\"reply\",\"qos\":1,\"retain\":false,\"error\":\"cannot read '$BATS_TEST_TMPDIR/reply': No such file or directory\",\"payload\":\"\"}" ]
	# the queryable says so on its stderr too
	wait_for grep -q "cannot read '$BATS_TEST_TMPDIR/reply'" \
		"$BATS_TEST_TMPDIR/serve.err"
}

@test "--reply-file that is a FIFO: refused at the start, an error reply later; serving goes on" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	run --separate-stderr timeout 20 yoke-get $B $O --serve arm-1/config \
		--reply-file "$BATS_TEST_TMPDIR/fifo"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-get: cannot read --reply-file '$BATS_TEST_TMPDIR/fifo': not a regular file" ]
	echo ok > "$BATS_TEST_TMPDIR/reply"
	serve arm-1/config --reply-file "$BATS_TEST_TMPDIR/reply"
	served arm-1/config
	mv "$BATS_TEST_TMPDIR/fifo" "$BATS_TEST_TMPDIR/reply"
	run --separate-stderr timeout 20 yoke-get $B $O arm-1/config -W 1
	[ "$status" -eq 0 ]
	[ "$(norm)" = "{\"key\":\"arm-1/config\",\"source\":\"reply\",\"qos\":1,\"retain\":false,\"error\":\"cannot read '$BATS_TEST_TMPDIR/reply': not a regular file\",\"payload\":\"\"}" ]
	rm "$BATS_TEST_TMPDIR/reply"
	echo '"again"' > "$BATS_TEST_TMPDIR/reply"
	run --separate-stderr timeout 20 yoke-get $B $O arm-1/config -W 1
	[ "$(norm)" = '{"key":"arm-1/config","source":"reply","qos":1,"retain":false,"payload":"again"}' ]
}

@test "a retained value and a queryable for the same key both answer" {
	echo '"live"' > "$BATS_TEST_TMPDIR/reply"
	serve arm-1/config --reply-file "$BATS_TEST_TMPDIR/reply"
	served arm-1/config
	retain arm-1/config '"stored"'
	run --separate-stderr yoke-get $B $O arm-1/config -W 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm | jq -c '{source,payload}' | sort)" = "$(printf '%s\n' \
		'{"source":"reply","payload":"live"}' \
		'{"source":"retained","payload":"stored"}')" ]
}

@test "--serve --exec: CMD gets the query JSON on stdin; its stdout is the reply" {
	serve arm-1/config --exec 'cat; echo'
	served arm-1/config
	run --separate-stderr yoke-get $B $O arm-1/config -W 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm)" = '{"key":"arm-1/config","source":"reply","qos":1,"retain":false,"payload":{"key":"arm-1/config"}}' ]
	# the query as asked, wildcard and all
	run --separate-stderr yoke-get $B $O '*/config' -W 1
	[ "$status" -eq 0 ]
	[ "$(norm)" = '{"key":"arm-1/config","source":"reply","qos":1,"retain":false,"payload":{"key":"*/config"}}' ]
}

@test "--exec: CMD gets stdin, stdout and stderr, no other descriptor" {
	serve arm-1/config --exec 'ls /proc/$$/fd'
	served arm-1/config
	run --separate-stderr yoke-get $B $O arm-1/config -W 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm)" = '{"key":"arm-1/config","source":"reply","qos":1,"retain":false,"payload":"0\n1\n2\n"}' ]
}

@test "--exec: no secret reaches CMD's environment, nor our /proc/PID/environ" {
	YOKE_BROKER="mqtt://u:Url-s3cret@127.0.0.1:$BROKER_PORT" \
		YOKE_USERNAME=u YOKE_PASSWORD=Pw-s3cret \
		YOKE_API_KEY=Key-s3cret \
		yoke-get $O --serve arm-1/config --exec env \
		2>> "$BATS_TEST_TMPDIR/serve.err" &
	server=$!
	PIDS+=($server)
	served arm-1/config
	run --separate-stderr yoke-get $B $O arm-1/config -W 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	reply=$(printf '%s\n' "$output" | jq -r .payload)
	[[ "$reply" == *YOKE_QUERY_KEY=arm-1/config* ]]
	[[ "$reply" == *YOKE_USERNAME=u* ]]
	[[ "$reply" != *s3cret* ]]
	[[ "$reply" != *YOKE_PASSWORD* ]]
	[[ "$reply" != *YOKE_API_KEY* ]]
	! tr '\0' '\n' < "/proc/$server/environ" | grep -q s3cret
}

@test "--exec: CMD is told (SIGTERM) when yoke-get dies, SIGKILL included" {
	d=$BATS_TEST_TMPDIR
	yoke-get $B $O --serve arm-1/config -W 60 -v --exec \
		"trap 'echo told > \"$d/told\"; exit 0' TERM
		 echo \$\$ > '$d/pid'
		 for i in \$(seq 400); do sleep 0.05; done" \
		2> "$d/serve.err" 3>&- &
	server=$!
	PIDS+=($server)
	subscribed "$d/serve.err"
	yoke-get $B $O arm-1/config -W 30 > /dev/null 2>&1 3>&- &
	PIDS+=($!)
	wait_for test -s "$d/pid"
	PIDS+=($(cat "$d/pid"))
	kill -KILL "$server"
	wait_for test -s "$d/told"
}

@test "--exec: YOKE_QUERY_KEY names the key the answer is for" {
	serve 'arm-1/**' --exec 'printf %s "$YOKE_QUERY_KEY"'
	served arm-1/a/b
	run --separate-stderr yoke-get $B $O arm-1/a/b -W 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm)" = '{"key":"arm-1/a/b","source":"reply","qos":1,"retain":false,"payload":"arm-1/a/b"}' ]
	serve arm-2/config --exec 'printf %s "$YOKE_QUERY_KEY"'
	served arm-2/config
	run --separate-stderr yoke-get $B $O 'arm-2/*' -W 1
	[ "$status" -eq 0 ]
	[ "$(norm)" = '{"key":"arm-2/config","source":"reply","qos":1,"retain":false,"payload":"arm-2/config"}' ]
}

@test "--exec: a non-zero exit gives a reply with the status as error" {
	serve arm-1/config --exec 'echo partial; exit 3'
	served arm-1/config
	run --separate-stderr yoke-get $B $O arm-1/config -W 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm)" = '{"key":"arm-1/config","source":"reply","qos":1,"retain":false,"error":"command exited with status 3","payload":"partial\n"}' ]
}

@test "--exec: a command that runs longer than -W is killed; reply says timed out" {
	# queries for arm-1/probe answer at once (readiness); others say they
	# ran, then hang in a sleep of this test's own (the same file may run
	# at once on the sanitizer build) of an hour: only the queryable's -W
	# can end it before the asker's hang guard
	nap=3600.$RANDOM
	serve 'arm-1/**' -W 1 --exec \
		'case $YOKE_QUERY_KEY in */probe) echo ok ;;
		 *) touch "'"$BATS_TEST_TMPDIR/ran"'"; sleep '"$nap"' ;; esac'
	served arm-1/probe
	run --separate-stderr yoke-get $B $O arm-1/slow -W "$HANG_S" --count 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm)" = '{"key":"arm-1/slow","source":"reply","qos":1,"retain":false,"error":"command timed out after 1 s","payload":""}' ]
	# it ran, and was killed, not left behind
	[ -e "$BATS_TEST_TMPDIR/ran" ]
	! pgrep -fx "sleep $nap"
}

@test "a queryable for arm-1/** does not answer (or run) a query for arm-2/x" {
	serve 'arm-1/**' --exec "touch '$BATS_TEST_TMPDIR/ran'; echo yes"
	served arm-1/probe
	rm -f "$BATS_TEST_TMPDIR/ran"
	run --separate-stderr yoke-get $B $O arm-2/x -W 1
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: no answer for 'arm-2/x' within 1 s" ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "a query for */config reaches the queryables of arm-1/config and arm-2/config" {
	echo one > "$BATS_TEST_TMPDIR/r1"
	echo two > "$BATS_TEST_TMPDIR/r2"
	serve arm-1/config --reply-file "$BATS_TEST_TMPDIR/r1"
	serve arm-2/config --reply-file "$BATS_TEST_TMPDIR/r2"
	served arm-1/config
	served arm-2/config
	run --separate-stderr yoke-get $B $O '*/config' -W 1.5
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm | sort)" = "$(printf '%s\n' \
		'{"key":"arm-1/config","source":"reply","qos":1,"retain":false,"payload":"one\n"}' \
		'{"key":"arm-2/config","source":"reply","qos":1,"retain":false,"payload":"two\n"}')" ]
}

@test "a queryable whose key starts with a wildcard answers a query for one robot" {
	serve '*/config' --exec 'printf %s "$YOKE_QUERY_KEY"'
	served arm-7/config
	run --separate-stderr yoke-get $B $O arm-7/config -W 1.5
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm)" = '{"key":"arm-7/config","source":"reply","qos":1,"retain":false,"payload":"arm-7/config"}' ]
}

@test "a query for */config gets the reply of a queryable for arm-1/**" {
	# The expressions intersect (arm-1/config), so the queryable answers;
	# the asker must show that answer, not drop it.
	serve 'arm-1/**' --exec "echo ran >> '$BATS_TEST_TMPDIR/ran'; echo cfg"
	served arm-1/probe
	rm -f "$BATS_TEST_TMPDIR/ran"
	run --separate-stderr yoke-get $B $O '*/config' -W 1.5
	# the queryable did run its command for this query
	[ "$(cat "$BATS_TEST_TMPDIR/ran")" = ran ]
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm | jq -c '{source,payload}')" = '{"source":"reply","payload":"cfg\n"}' ]
}

@test "--expect: missing robots listed last, named on stderr, exit 3" {
	retain arm-1/config 1
	retain arm-2/config 2
	run --separate-stderr yoke-get $B $O '*/config' -W 1.5 \
		--expect arm-1,arm-2,arm-9
	[ "$status" -eq 3 ]
	[ "$stderr" = "yoke-get: no answer from arm-9" ]
	[ "$(printf '%s\n' "$output" | tail -n 1)" = '{"missing":["arm-9"]}' ]
	[ "$(printf '%s\n' "$output" | head -n 2 | jq -c 'del(.ts)' | sort)" = \
		"$(printf '%s\n' \
		'{"key":"arm-1/config","source":"retained","qos":1,"retain":true,"payload":1}' \
		'{"key":"arm-2/config","source":"retained","qos":1,"retain":true,"payload":2}')" ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 3 ]
	# it waits for arm-9 after the others answered: arm-9 answering
	# when the test says, after the query came, completes it
	gate 'arm-9/**'
	ask_late '*/config' --expect arm-1,arm-2,arm-9
	[ "$(jq -c '{key,source}' "$BATS_TEST_TMPDIR/out" | sort)" = \
		"$(printf '%s\n' '{"key":"arm-1/config","source":"retained"}' \
		'{"key":"arm-2/config","source":"retained"}' \
		'{"key":"arm-9/config","source":"reply"}')" ]
}

@test "--expect: two missing robots" {
	retain arm-1/config 1
	run --separate-stderr yoke-get $B $O '*/config' -W 1 \
		--expect arm-1,arm-8,arm-9
	[ "$status" -eq 3 ]
	[ "$(printf '%s\n' "$output" | tail -n 1 | jq -c '.missing | sort')" = '["arm-8","arm-9"]' ]
	[[ "$stderr" = "yoke-get: no answer from arm-8, arm-9" ||
		"$stderr" = "yoke-get: no answer from arm-9, arm-8" ]]
}

@test "--expect ends early once every expected robot answered (retained)" {
	retain arm-1/config 1
	retain arm-2/config 2
	# -W is an hour: only the answers can end it before the hang guard
	run --separate-stderr timeout "$HANG_S" yoke-get $B $O '*/config' \
		-W 3600 --expect arm-1,arm-2
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm | jq -r .key | sort)" = "$(printf '%s\n' arm-1/config \
		arm-2/config)" ]
}

@test "--expect ends early once every expected robot answered (queryables)" {
	serve arm-1/config --exec 'echo a'
	serve arm-2/config --exec 'echo b'
	served arm-1/config
	served arm-2/config
	run --separate-stderr timeout "$HANG_S" yoke-get $B $O '*/config' \
		-W 3600 --expect arm-1,arm-2
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm | jq -c '{key,source}' | sort)" = "$(printf '%s\n' \
		'{"key":"arm-1/config","source":"reply"}' \
		'{"key":"arm-2/config","source":"reply"}')" ]
}

# hear TOPIC: a third-party MQTT v5 responder (mosquitto_sub) waits for one
# query on TOPIC; once it came, ask_heard sets RT and CORR to its response
# topic and correlation data.  answer_as TOPIC PAYLOAD [KEY] replies, as
# mosquitto_pub does, with that correlation data and, given, a key.
hear() {
	# stdbuf: mosquitto_sub buffers its -d lines in a file
	stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -V 5 -d -C 1 \
		-t "$1" -F 'Q %R %D' > "$BATS_TEST_TMPDIR/query" 3>&- &
	PIDS+=($!)
	wait_for grep -q '^Subscribed' "$BATS_TEST_TMPDIR/query"
}
heard() {
	wait_for grep -q '^Q ' "$BATS_TEST_TMPDIR/query"
	read -r _ RT CORR < <(grep '^Q ' "$BATS_TEST_TMPDIR/query")
}
answer_as() {
	mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -V 5 -q 1 -t "$1" \
		-m "$2" -D PUBLISH correlation-data "$CORR" \
		${3:+-D PUBLISH user-property key "$3"}
}

# ask ARGS...: yoke-get ARGS in the background, -v, ASKER its pid; its
# output in ask.out and ask.err
ask() {
	yoke-get $B $O -v "$@" > "$BATS_TEST_TMPDIR/ask.out" \
		2> "$BATS_TEST_TMPDIR/ask.err" 3>&- &
	ASKER=$!
	PIDS+=($ASKER)
}

@test "a third-party responder that sends only the correlation data: the key is the query's" {
	hear "yoke/$R/_query/arm-1"
	yoke-get $B $O arm-1/config -C 1 -W "$HANG_S" > "$BATS_TEST_TMPDIR/ask.out" \
		2> "$BATS_TEST_TMPDIR/ask.err" 3>&- &
	ASKER=$!
	PIDS+=($ASKER)
	heard
	# anonymous: '_' stands for the user name
	[[ "$RT" == "yoke/$R/_reply/arm-1/_/"* ]]
	[[ "$CORR" =~ ^[0-9a-f]{32}$ ]]
	answer_as "$RT" '{"v":1}'
	wait "$ASKER"
	[ ! -s "$BATS_TEST_TMPDIR/ask.err" ]
	output=$(cat "$BATS_TEST_TMPDIR/ask.out")
	[ "$(norm)" = '{"key":"arm-1/config","source":"reply","qos":1,"retain":false,"payload":{"v":1}}' ]
}

@test "replies that name no key or no robot are dropped, and -v says why" {
	# no key, and the query names several: which one would it be?
	hear "yoke/$R/_query/arm-1"
	ask 'arm-1/*' -C 1 -W "$HANG_S"
	heard
	answer_as "$RT" first
	answer_as "$RT" second arm-1/config
	wait "$ASKER"
	output=$(cat "$BATS_TEST_TMPDIR/ask.out")
	[ "$(norm)" = '{"key":"arm-1/config","source":"reply","qos":1,"retain":false,"payload":"second"}' ]
	grep -qxF "yoke-get: reply from 'arm-1' dropped: no key property, and 'arm-1/*' names more than one key" \
		"$BATS_TEST_TMPDIR/ask.err"
	# a query for any robot names '*' as the robot: a responder must put
	# its own there, and one that answers on '*' is no robot
	hear "yoke/$R/_query/*"
	ask '*/config' -C 1 -W "$HANG_S"
	heard
	[[ "$RT" == "yoke/$R/_reply/*/_/"* ]]
	answer_as "$RT" first arm-1/config
	answer_as "${RT/\/_reply\/\*\//\/_reply\/arm-1\/}" second arm-1/config
	wait "$ASKER"
	output=$(cat "$BATS_TEST_TMPDIR/ask.out")
	[ "$(norm | jq -c '{key,payload}')" = '{"key":"arm-1/config","payload":"second"}' ]
	grep -qxF "yoke-get: reply on '$RT' dropped: '*' names no robot; a robot answers on its own reply channel" \
		"$BATS_TEST_TMPDIR/ask.err"
}

@test "without -v a dropped reply leaves stderr empty" {
	hear "yoke/$R/_query/arm-1"
	yoke-get $B $O 'arm-1/*' -C 1 -W "$HANG_S" > "$BATS_TEST_TMPDIR/ask.out" \
		2> "$BATS_TEST_TMPDIR/ask.err" 3>&- &
	ASKER=$!
	PIDS+=($ASKER)
	heard
	answer_as "$RT" first
	answer_as "$RT" second arm-1/config
	wait "$ASKER"
	[ "$(jq -r .payload "$BATS_TEST_TMPDIR/ask.out")" = second ]
	[ ! -s "$BATS_TEST_TMPDIR/ask.err" ]
}

@test "a third-party asker (mosquitto_rr) is answered on a reply channel, and nowhere else" {
	echo '{"v":1}' > "$BATS_TEST_TMPDIR/reply"
	serve arm-1/config --reply-file "$BATS_TEST_TMPDIR/reply" -v
	served arm-1/config
	# a query cannot make the queryable publish on the robot's commands
	mosquitto_rr -h 127.0.0.1 -p "$BROKER_PORT" -q 1 \
		-t "yoke/$R/_query/arm-1" -e "yoke/$R/arm-1/commands" \
		-m '{"key":"arm-1/config"}' -D PUBLISH correlation-data c1 \
		-W 30 > /dev/null 2>&1 3>&- &
	PIDS+=($!)
	wait_for grep -qxF "yoke-get: query for 'arm-1/config' not answered: its response topic 'yoke/$R/arm-1/commands' is not a reply channel (yoke/$R/_reply/ROBOT/...)" \
		"$BATS_TEST_TMPDIR/serve.err"
	run --separate-stderr timeout 20 mosquitto_rr -h 127.0.0.1 \
		-p "$BROKER_PORT" -q 1 -t "yoke/$R/_query/arm-1" \
		-e "yoke/$R/_reply/arm-1/rr/c2" -m '{"key":"arm-1/config"}' \
		-D PUBLISH correlation-data c2 -W 10
	[ "$status" -eq 0 ]
	[ "$output" = '{"v":1}' ]
}

@test "a queryable whose reply would name no robot does not answer, and -v says so" {
	serve '{robot}/config' --exec 'echo x' -v
	served arm-7/config
	run --separate-stderr yoke-get $B $O '*/config' -W 1
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	wait_for grep -qxF "yoke-get: query for '*/config' not answered: it names no robot" \
		"$BATS_TEST_TMPDIR/serve.err"
}

# Usage errors are found before connecting: the broker here is unreachable,
# and still the exit code is 2, not 1.
X="-b mqtt://127.0.0.1:1"

@test "usage: missing KEYEXPR" {
	run --separate-stderr yoke-get $X
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: missing KEYEXPR" ]
}

@test "usage: two KEYEXPRs" {
	run --separate-stderr yoke-get $X a/b c/d
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: expected one KEYEXPR, got 2" ]
}

@test "usage: --serve without --exec or --reply-file, or with both" {
	run --separate-stderr yoke-get $X --serve arm-1/config
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: --serve needs one of --exec and --reply-file" ]
	run --separate-stderr yoke-get $X --serve arm-1/config --exec cat \
		--reply-file /dev/null
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: --serve needs one of --exec and --reply-file" ]
}

@test "usage: --exec or --reply-file without --serve" {
	run --separate-stderr yoke-get $X arm-1/config --exec cat
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: --exec goes with --serve, not a query" ]
	run --separate-stderr yoke-get $X arm-1/config --reply-file /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-get: --reply-file goes with --serve, not a query" ]
}

@test "usage: --count or --expect with --serve" {
	run --separate-stderr yoke-get $X --serve arm-1/config --exec cat \
		--count 2
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: --count goes with a query, not --serve" ]
	run --separate-stderr yoke-get $X --serve arm-1/config --exec cat \
		--expect arm-1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-get: --expect goes with a query, not --serve" ]
}

@test "usage: a bad robot id in --expect, or an empty --expect" {
	run --separate-stderr yoke-get $X '*/config' --expect arm-1,Arm-2
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: invalid robot id in --expect 'Arm-2': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit" ]
	run --separate-stderr yoke-get $X '*/config' --expect ,
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-get: --expect needs robot ids" ]
}

@test "usage: invalid key expressions" {
	run --separate-stderr yoke-get $X 'a/+/b'
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: invalid key expression 'a/+/b': '**' stands alone as a segment, '+', '#', '{', '}' are not allowed in names" ]
	run --separate-stderr yoke-get $X 'Arm/x'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-get: invalid key expression 'Arm/x': invalid robot id 'Arm': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit" ]
	run --separate-stderr yoke-get $X 'Arm-*/x'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-get: invalid key expression 'Arm-*/x': invalid robot id pattern 'Arm-*': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit" ]
	run --separate-stderr yoke-get $X 'a//b'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-get: invalid key expression 'a//b': empty segment" ]
	run --separate-stderr yoke-get $X ''
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-get: key expression must not be empty" ]
}

@test "usage: unknown option, bad -W, missing value" {
	run --separate-stderr yoke-get $X arm-1/x --bogus
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: unknown option '--bogus'" ]
	run --separate-stderr yoke-get $X arm-1/x -W 0
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-get: invalid value '0' for --timeout: expected a number from 0.001 to 1000000000" ]
	run --separate-stderr yoke-get $X arm-1/x -W
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-get: option '-W' needs a value" ]
}

@test "an unreachable broker exits 1 with the cause" {
	run --separate-stderr yoke-get -b mqtt://127.0.0.1:1 arm-1/config -W 1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: cannot connect to '127.0.0.1:1': Connection refused" ]
	run --separate-stderr yoke-get -b mqtt://127.0.0.1:1 --serve \
		arm-1/config --exec cat
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: cannot connect to '127.0.0.1:1': Connection refused" ]
}

@test "--serve exits 0 on SIGTERM" {
	yoke-get $B $O --serve arm-1/config --exec 'echo x' \
		2> "$BATS_TEST_TMPDIR/serve.err" &
	pid=$!
	PIDS+=($pid)
	served arm-1/config
	sleep 0.3 # idle: the probe's reply has long been acknowledged
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/serve.err" ]
}

@test "--serve: SIGTERM while a reply awaits its PUBACK waits for it, exits 0" {
	gate 'arm-1/**'
	pid=${PIDS[-1]}
	yoke-get $B $O arm-1/config -W "$HANG_S" --count 1 \
		> "$BATS_TEST_TMPDIR/asker.out" 2>&1 &
	asker=$!
	PIDS+=($asker)
	wait_for test -e "$BATS_TEST_TMPDIR/asked"
	# the broker stalls; the reply, let go now, leaves the queryable and
	# waits in the broker's socket, unread: its PUBACK cannot come yet
	kill -STOP "$BROKER_PID"
	touch "$BATS_TEST_TMPDIR/go"
	wait_for unread
	kill -TERM "$pid"
	# (a queryable that did not wait would end meanwhile)
	sleep 0.3
	kill -CONT "$BROKER_PID"
	rc=0
	wait "$pid" || rc=$?
	[ ! -s "$BATS_TEST_TMPDIR/serve.err" ] ||
		cat "$BATS_TEST_TMPDIR/serve.err" >&2
	[ "$rc" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/serve.err" ]
	# and the asker got the reply
	wait "$asker"
	[ "$(jq -c '{key,source,payload}' "$BATS_TEST_TMPDIR/asker.out")" = \
		'{"key":"arm-1/config","source":"reply","payload":"late\n"}' ]
}
