#!/usr/bin/env bats
# yoke-alive against a real mosquitto: holding a token (alone or around a
# command), --list, --watch [--no-history], a holder that dies loudly
# (SIGKILL) or silently (SIGSTOP: its socket stays open), and the exit
# codes and messages of bad usage.
bats_require_minimum_version 1.5.0
load helpers

# hold KEY [OPTIONS...]: hold a token in the background until the broker
# has it; HOLDER is its pid, its stderr in $BATS_TEST_TMPDIR/KEY.err.
hold() {
	local key=$1
	shift
	yoke-alive $B "$key" "$@" \
		> "$BATS_TEST_TMPDIR/${key//\//_}.out" \
		2> "$BATS_TEST_TMPDIR/${key//\//_}.err" &
	HOLDER=$!
	PIDS+=($HOLDER)
	wait_for is_live "$key"
}

is_live() { yoke-alive $B --list "$1" > /dev/null 2>&1; }
is_gone() { ! is_live "$1"; }

# watch FILE ARGS...: yoke-alive --watch ARGS in the background.
watch() {
	local f=$1
	shift
	yoke-alive $B --watch "$@" > "$f" 2> "$f.err" &
	WATCHER=$!
	PIDS+=($WATCHER)
}

# probe KEY FILE: until a watcher writing FILE shows KEY, announce KEY
# with a live (non-retained) token message: the watcher is subscribed.
probe() { wait_for announced "$1" "$2"; }
announced() {
	yoke-pub $B "$1/alive" -m '{"alive":true}' -q 1
	grep -q "\"key\":\"$1\"" "$2"
}

# has_line FILE LINE: FILE holds exactly the line LINE
has_line() { grep -qxF -- "$2" "$1"; }

# Runs first: the broker is fresh, so nothing is live yet.
@test "--list with nothing live exits 3" {
	run --separate-stderr yoke-alive $B --list
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-alive: no live token matches '**/alive'" ]
}

@test "a held token shows in --list as a JSON line with since, host, pid, holder" {
	before=$(date +%s)
	hold "$R/arm"
	run --separate-stderr yoke-alive $B --list "$R/arm"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | jq -c 'del(.since, .holder)')" = \
		"{\"key\":\"$R/arm\",\"alive\":true,\"host\":\"$(hostname)\",\"pid\":$HOLDER}" ]
	[[ "$(printf '%s\n' "$output" | jq -r .holder)" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]
	since=$(printf '%s\n' "$output" | sed -n 's/.*"since":\([0-9.]*\),.*/\1/p')
	[[ "$since" =~ ^[0-9]+\.[0-9]{6}$ ]]
	[ "${since%.*}" -ge $((before - 1)) ]
	[ "${since%.*}" -le $(($(date +%s) + 1)) ]
	# the holder itself says nothing
	[ ! -s "$BATS_TEST_TMPDIR/${R}_arm.out" ]
	[ ! -s "$BATS_TEST_TMPDIR/${R}_arm.err" ]
}

@test "--list: a token's own \"key\" field does not stand in for its key" {
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/default/$R/x/alive" -r -q 1 \
		-m '{"key":"other-robot","alive":true,"pid":7}'
	run --separate-stderr yoke-alive $B --list "$R/x"
	mosquitto_pub -p "$BROKER_PORT" -t "yoke/default/$R/x/alive" -r -q 1 -n
	[ "$status" -eq 0 ]
	[ "$output" = "{\"key\":\"$R/x\",\"alive\":true,\"pid\":7}" ]
}

@test "a held token is the retained message yoke/default/KEY/alive" {
	hold "$R/arm"
	run mosquitto_sub -p "$BROKER_PORT" -t "$T/arm/alive" -q 1 -C 1 -W "$HANG_S" \
		-F '%r %q %p'
	[ "$status" -eq 0 ]
	[ "${output%% \{*}" = "1 1" ]
	[ "$(printf '%s\n' "${output#1 1 }" | jq -c 'del(.since, .holder)')" = \
		"{\"alive\":true,\"host\":\"$(hostname)\",\"pid\":$HOLDER}" ]
}

@test "SIGTERM clears the token (an empty retained message) and exits 0" {
	hold "$R/arm"
	mosquitto_sub -p "$BROKER_PORT" -t "$T/arm/alive" -C 2 -W "$HANG_S" \
		-F '[%p]' > "$BATS_TEST_TMPDIR/sub" &
	PIDS+=($!)
	wait_lines "$BATS_TEST_TMPDIR/sub" 1
	kill -TERM "$HOLDER"
	rc=0
	wait "$HOLDER" || rc=$?
	[ "$rc" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/${R}_arm.err" ]
	wait_lines "$BATS_TEST_TMPDIR/sub" 2
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/sub")" = "[]" ]
	# no retained token is left
	run --separate-stderr yoke-sub $B "$R/arm/alive" --retained-only
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	run --separate-stderr yoke-alive $B --list "$R/arm"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-alive: no live token matches '$R/arm/alive'" ]
}

@test "SIGINT clears the token and exits 0" {
	hold "$R/arm"
	kill -INT "$HOLDER"
	rc=0
	wait "$HOLDER" || rc=$?
	[ "$rc" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/${R}_arm.err" ]
	run --separate-stderr yoke-sub $B "$R/arm/alive" --retained-only
	[ "$status" -eq 3 ]
	[ -z "$output" ]
}

@test "KEY -- CMD: the token is live exactly while CMD runs" {
	go="$BATS_TEST_TMPDIR/go"
	yoke-alive $B "$R/job" -- sh -c \
		"while [ ! -e '$go' ]; do sleep 0.05; done; echo done" \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" &
	holder=$!
	PIDS+=($holder)
	wait_for is_live "$R/job"
	# still running: still live
	sleep 0.3
	is_live "$R/job"
	kill -0 "$holder"
	touch "$go"
	rc=0
	wait "$holder" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = done ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	# gone the moment yoke-alive returned: no wait needed
	run --separate-stderr yoke-alive $B --list "$R/job"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
}

@test "KEY -- CMD: the token is already live when CMD starts; its pid is ours" {
	run --separate-stderr yoke-alive $B "$R/job" -- sh -c \
		"yoke-alive $B --list '$R/job'; echo \"ppid=\$PPID\""
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 2 ]
	line=$(printf '%s\n' "$output" | head -n 1)
	ppid=$(printf '%s\n' "$output" | sed -n 's/^ppid=//p')
	[ "$(printf '%s\n' "$line" | jq -c '{key,alive,pid}')" = \
		"{\"key\":\"$R/job\",\"alive\":true,\"pid\":$ppid}" ]
}

@test "KEY -- CMD exits with CMD's status" {
	run --separate-stderr yoke-alive $B "$R/job" -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	run --separate-stderr yoke-alive $B --list "$R/job"
	[ "$status" -eq 3 ]
}

@test "KEY -- CMD: a command killed by a signal gives 128+signal" {
	run --separate-stderr yoke-alive $B "$R/job" -- sh -c 'kill -KILL $$'
	[ "$status" -eq 137 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	run --separate-stderr yoke-alive $B "$R/job" -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	run --separate-stderr yoke-alive $B --list "$R/job"
	[ "$status" -eq 3 ]
}

@test "KEY -- CMD: a command that does not exist exits 127 with a message" {
	run -127 --separate-stderr yoke-alive $B "$R/job" -- no-such-command-xyz a b
	[ "$status" -eq 127 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-alive: cannot run 'no-such-command-xyz': No such file or directory" ]
	run --separate-stderr yoke-alive $B --list "$R/job"
	[ "$status" -eq 3 ]
}

@test "KEY -- CMD: a command that cannot be executed exits 126" {
	printf 'echo hi\n' > "$BATS_TEST_TMPDIR/noexec"
	chmod 644 "$BATS_TEST_TMPDIR/noexec"
	run --separate-stderr yoke-alive $B "$R/job" -- "$BATS_TEST_TMPDIR/noexec"
	[ "$status" -eq 126 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-alive: cannot run '$BATS_TEST_TMPDIR/noexec': Permission denied" ]
}

@test "KEY -- CMD: the options of CMD are not ours" {
	run --separate-stderr yoke-alive $B "$R/job" -- sh -c 'echo hi' -x
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	[ -z "$stderr" ]
	run --separate-stderr yoke-alive $B "$R/job" -- echo --list --help -k 1 --
	[ "$status" -eq 0 ]
	[ "$output" = "--list --help -k 1 --" ]
	[ -z "$stderr" ]
}

@test "KEY -- CMD: SIGTERM goes to CMD, which decides what it means" {
	ready="$BATS_TEST_TMPDIR/ready"
	yoke-alive $B "$R/job" -- sh -c \
		"trap 'echo got-term; exit 5' TERM; touch '$ready';
		 while :; do sleep 0.05; done" \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" &
	holder=$!
	PIDS+=($holder)
	wait_for test -e "$ready"
	kill -TERM "$holder"
	rc=0
	wait "$holder" || rc=$?
	[ "$rc" -eq 5 ]
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = got-term ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	run --separate-stderr yoke-alive $B --list "$R/job"
	[ "$status" -eq 3 ]
}

@test "KEY -- CMD: the command gets stdin, stdout and stderr, no other descriptor" {
	# not the MQTT socket (nor what yoke-alive itself inherited: bats's
	# fd 3 here)
	run --separate-stderr yoke-alive $B "$R/job" -- sh -c 'ls /proc/$$/fd'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "$(printf '0\n1\n2')" ]
}

@test "KEY -- CMD: a SIGKILLed holder's token vanishes at once; CMD is told" {
	d=$BATS_TEST_TMPDIR
	w="$d/watch"
	watch "$w" "$R/*"
	probe "$R/probe" "$w"
	# CMD notes the first SIGTERM and lives on (for at most 20 s, should
	# the test fail): the socket closing, not CMD's end, must clear the
	# token; a second SIGTERM ends it
	yoke-alive $B "$R/a" -k 3600 -- sh -c \
		"trap '[ -e \"$d/told\" ] && exit 0; echo told > \"$d/told\"' TERM
		 echo \$\$ > '$d/pid'
		 for i in \$(seq 400); do sleep 0.05; done" \
		> "$d/out" 2> "$d/err" 3>&- &
	holder=$!
	PIDS+=($holder)
	wait_for has_line "$w" "{\"key\":\"$R/a\",\"alive\":true}"
	wait_for test -s "$d/pid"
	cmd=$(cat "$d/pid")
	PIDS+=($cmd)
	kill -KILL "$holder"
	# the keepalive is an hour: only a closed socket fires the will now
	wait_for has_line "$w" "{\"key\":\"$R/a\",\"alive\":false}"
	wait_for test -s "$d/told"
	kill -0 "$cmd"
	run --separate-stderr yoke-sub $B "$R/a/alive" --retained-only
	[ "$status" -eq 3 ]
}

@test "KEY -- CMD: no secret reaches CMD's environment, nor our /proc/PID/environ" {
	YOKE_BROKER="mqtt://u:Url-s3cret@127.0.0.1:$BROKER_PORT" \
		YOKE_PASSWORD=Pw-s3cret YOKE_API_KEY=Key-s3cret \
		run --separate-stderr yoke-alive "$R/job" -- sh -c \
		'env; tr "\0" "\n" < /proc/$PPID/environ'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "$output" == *PATH=* ]]
	[[ "$output" != *s3cret* ]]
	[[ "$output" != *YOKE_PASSWORD* ]]
	[[ "$output" != *YOKE_BROKER* ]]
}

@test "--list PATTERN: exact keys, '*' and '**' select tokens" {
	hold "$R"
	hold "$R/a"
	hold "$R/b/c"
	run --separate-stderr yoke-alive $B --list "$R/a"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | jq -r .key)" = "$R/a" ]
	# a PATTERN may name the /alive topic itself
	run --separate-stderr yoke-alive $B --list "$R/a/alive"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r .key)" = "$R/a" ]
	run --separate-stderr yoke-alive $B --list "$R/*"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r .key)" = "$R/a" ]
	run --separate-stderr yoke-alive $B --list "$R/**"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r .key | sort)" = \
		"$(printf '%s\n' "$R" "$R/a" "$R/b/c" | sort)" ]
	# '*': one-segment keys only
	run --separate-stderr yoke-alive $B --list '*'
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r .key | grep -F "$R")" = "$R" ]
	# everything, by default
	run --separate-stderr yoke-alive $B --list
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r .key | grep -F "$R" | sort)" = \
		"$(printf '%s\n' "$R" "$R/a" "$R/b/c" | sort)" ]
	run --separate-stderr yoke-alive $B --list "$R/x"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-alive: no live token matches '$R/x/alive'" ]
}

@test "--watch: the live tokens first, then appearances and vanishings" {
	hold "$R/a"
	a=$HOLDER
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w" "$R/*"
	wait_lines "$w" 1
	hold "$R/b"
	b=$HOLDER
	wait_lines "$w" 2
	kill -TERM "$a"
	wait_lines "$w" 3
	kill -TERM "$b"
	wait_lines "$w" 4
	[ "$(cat "$w")" = "$(printf '%s\n' \
		"{\"key\":\"$R/a\",\"alive\":true}" \
		"{\"key\":\"$R/b\",\"alive\":true}" \
		"{\"key\":\"$R/a\",\"alive\":false}" \
		"{\"key\":\"$R/b\",\"alive\":false}")" ]
	[ ! -s "$w.err" ]
	kill -TERM "$WATCHER"
	rc=0
	wait "$WATCHER" || rc=$?
	[ "$rc" -eq 0 ]
}

@test "--watch without PATTERN watches every token" {
	hold "$R/a"
	a=$HOLDER
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w"
	wait_for has_line "$w" "{\"key\":\"$R/a\",\"alive\":true}"
	kill -TERM "$a"
	wait_for has_line "$w" "{\"key\":\"$R/a\",\"alive\":false}"
	[ "$(grep -F "\"$R/" "$w")" = "$(printf '%s\n' \
		"{\"key\":\"$R/a\",\"alive\":true}" \
		"{\"key\":\"$R/a\",\"alive\":false}")" ]
}

@test "--watch --no-history skips live tokens but reports their vanishing" {
	hold "$R/a"
	a=$HOLDER
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w" "$R/*" --no-history
	probe "$R/probe" "$w"
	hold "$R/b"
	wait_lines "$w" 2
	kill -TERM "$a"
	wait_lines "$w" 3
	[ "$(cat "$w")" = "$(printf '%s\n' \
		"{\"key\":\"$R/probe\",\"alive\":true}" \
		"{\"key\":\"$R/b\",\"alive\":true}" \
		"{\"key\":\"$R/a\",\"alive\":false}")" ]
	[ ! -s "$w.err" ]
}

@test "a holder killed with SIGKILL vanishes for a watcher (will message)" {
	# a keepalive of an hour: only the closed socket can fire the will
	hold "$R/a" -k 3600 -v
	id=$(client_id "$BATS_TEST_TMPDIR/${R}_a.err")
	[ -n "$id" ]
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w" "$R/*"
	wait_lines "$w" 1
	kill -KILL "$HOLDER"
	# the broker, single-threaded, says the connection closed and sends
	# the will in one go: a token read after that line is gone already
	# (a will delay would leave it), with no wait
	wait_for broker_says "Client $id closed its connection."
	run --separate-stderr yoke-sub $B "$R/a/alive" --retained-only
	[ "$status" -eq 3 ]
	wait_lines "$w" 2
	[ "$(sed -n 2p "$w")" = "{\"key\":\"$R/a\",\"alive\":false}" ]
}

@test "a silent holder (SIGSTOP, socket open) vanishes after 1.5 keepalives" {
	# The broker, not a clock, says why the token went: the holder asked
	# for a keepalive of 5 s ("k5" in the broker's log), and the broker
	# dropped it for exceeding that ("has exceeded timeout"), which it
	# does after 1.5 keepalives of silence (mosquitto 2.0 sweeps every
	# 6 s, so 7-15 s after the stop: the wait for the will below is a
	# hang guard, it times nothing).  The holder's last packet is its
	# token, just before the stop; it sends a PINGREQ only after 5 s of
	# silence.
	w="$BATS_TEST_TMPDIR/watch"
	watch "$w" "$R/*"
	probe "$R/probe" "$w"
	yoke-alive $B "$R/a" -k 5 -v 2> "$BATS_TEST_TMPDIR/err" &
	holder=$!
	PIDS+=($holder)
	wait_for has_line "$w" "{\"key\":\"$R/a\",\"alive\":true}"
	id=$(client_id "$BATS_TEST_TMPDIR/err")
	grep -q ": New client connected from .* as $id (p5, c1, k5)\.\$" \
		"$BROKER_DIR/log"
	kill -STOP "$holder"
	wait_for has_line "$w" "{\"key\":\"$R/a\",\"alive\":false}"
	# the broker logs why before it sends the will: no wait needed
	broker_says "Client $id has exceeded timeout, disconnecting."
	# stopped, not gone: its socket stayed open all along
	kill -0 "$holder"
	# resumed, the holder reconnects and takes its token back...
	kill -CONT "$holder"
	wait_lines "$w" 4
	[ "$(sed -n 4p "$w")" = "{\"key\":\"$R/a\",\"alive\":true}" ]
	# ...and still leaves cleanly
	kill -TERM "$holder"
	rc=0
	wait "$holder" || rc=$?
	[ "$rc" -eq 0 ]
	wait_lines "$w" 5
	[ "$(cat "$w")" = "$(printf '%s\n' \
		"{\"key\":\"$R/probe\",\"alive\":true}" \
		"{\"key\":\"$R/a\",\"alive\":true}" \
		"{\"key\":\"$R/a\",\"alive\":false}" \
		"{\"key\":\"$R/a\",\"alive\":true}" \
		"{\"key\":\"$R/a\",\"alive\":false}")" ]
}

# Usage errors are found before connecting: the broker here is unreachable,
# and still the exit code is 2, not 1.
X="-b mqtt://127.0.0.1:1"

# pid_is KEY PID: the live token of KEY is held by PID
pid_is() {
	[ "$(yoke-alive $B --list "$1" 2> /dev/null | jq -r .pid)" = "$2" ]
}

@test "two holders: the second warns, and leaving does not take the first's token" {
	hold "$R/arm"
	first=$HOLDER
	watch "$BATS_TEST_TMPDIR/w" "$R/arm"
	wait_lines "$BATS_TEST_TMPDIR/w" 1
	run --separate-stderr yoke-alive $B "$R/arm" -- true
	[ "$status" -eq 0 ]
	[ "$stderr" = "yoke-alive: '$R/arm' is already held (pid $first on $(hostname)); holding it too" ]
	# the second handed the token back as it left: the first's again,
	# and watchers never saw it go
	wait_for pid_is "$R/arm" "$first"
	# and it holds it for good: its own clean exit clears it
	[ ! -s "$BATS_TEST_TMPDIR/${R}_arm.err" ]
	kill -TERM "$first"
	wait "$first"
	wait_for grep -q '"alive":false' "$BATS_TEST_TMPDIR/w"
	is_gone "$R/arm"
	[ "$(jq -c .alive "$BATS_TEST_TMPDIR/w" | tr '\n' ,)" = "true,false," ]
}

@test "two holders: the first leaving leaves the second's token alone" {
	hold "$R/arm"
	first=$HOLDER
	yoke-alive $B "$R/arm" > /dev/null 2> "$BATS_TEST_TMPDIR/second.err" &
	second=$!
	PIDS+=($second)
	wait_for pid_is "$R/arm" "$second"
	kill -TERM "$first"
	wait "$first"
	# no clear was sent: the token is the second's, now and after
	pid_is "$R/arm" "$second"
	yoke-alive $B "$R/arm" -- true 2> "$BATS_TEST_TMPDIR/third.err"
	wait_for pid_is "$R/arm" "$second"
	grep -q "already held (pid $second on " "$BATS_TEST_TMPDIR/third.err"
}

@test "a holder puts its token back when someone else clears it" {
	hold "$R/arm"
	mosquitto_pub -p "$BROKER_PORT" -t "$T/arm/alive" -r -n -q 1
	wait_for pid_is "$R/arm" "$HOLDER"
	mosquitto_pub -p "$BROKER_PORT" -t "$T/arm/alive" -r -q 1 \
		-m '{"alive":false}'
	wait_for pid_is "$R/arm" "$HOLDER"
	[ ! -s "$BATS_TEST_TMPDIR/${R}_arm.err" ]
}

@test "two holders: the other's will clears the token, the survivor puts it back" {
	hold "$R/arm"
	first=$HOLDER
	yoke-alive $B "$R/arm" > /dev/null 2>&1 &
	second=$!
	PIDS+=($second)
	wait_for pid_is "$R/arm" "$second"
	kill -KILL "$second"
	wait_for pid_is "$R/arm" "$first"
}

@test "two holders: the will of one that dies names it (user property holder)" {
	hold "$R/arm"
	mosquitto_sub -p "$BROKER_PORT" -V 5 -t "$T/arm/alive" -F '%l %P' \
		> "$BATS_TEST_TMPDIR/clears" 2>&1 &
	PIDS+=($!)
	wait_for grep -q . "$BATS_TEST_TMPDIR/clears"
	yoke-alive $B "$R/arm" > /dev/null 2>&1 &
	second=$!
	PIDS+=($second)
	wait_for pid_is "$R/arm" "$second"
	id=$(yoke-alive $B --list "$R/arm" | jq -r .holder)
	kill -KILL "$second"
	wait_for grep -q "^0 holder:$id\$" "$BATS_TEST_TMPDIR/clears"
	wait_for pid_is "$R/arm" "$HOLDER"
}

@test "three holders: each that leaves hands the token on, the last clears it" {
	watch "$BATS_TEST_TMPDIR/w" "$R/arm"
	hold "$R/arm"
	wait_lines "$BATS_TEST_TMPDIR/w" 1
	left=($HOLDER)
	for n in 2 3; do
		yoke-alive $B "$R/arm" > /dev/null 2>&1 &
		left+=($!)
		PIDS+=($!)
		wait_for pid_is "$R/arm" "$!"
	done
	# whoever holds the kept token leaves, until one is left
	while [ ${#left[@]} -gt 1 ]; do
		cur=$(yoke-alive $B --list "$R/arm" | jq -r .pid)
		kill -TERM "$cur"
		wait "$cur"
		rest=()
		for p in "${left[@]}"; do [ "$p" = "$cur" ] || rest+=("$p"); done
		left=("${rest[@]}")
		pid_is "$R/arm" "${left[0]}" || pid_is "$R/arm" "${left[1]:-x}"
	done
	kill -TERM "${left[0]}"
	wait "${left[0]}"
	wait_for grep -q '"alive":false' "$BATS_TEST_TMPDIR/w"
	is_gone "$R/arm"
	# the token changed hands twice and went once
	[ "$(jq -c .alive "$BATS_TEST_TMPDIR/w" | tr '\n' ,)" = "true,false," ]
}

@test "a flood of made-up holders on the roll: the holder stays, and its exit still clears" {
	hold "$R/arm"
	for i in $(seq 100 299); do
		printf '{"holder":"00000000-0000-4000-8000-000000000%s","event":"hello"}\n' "$i"
	done | mosquitto_pub -p "$BROKER_PORT" -t "$T/arm/alive/holders" -q 1 -l
	mosquitto_pub -p "$BROKER_PORT" -t "$T/arm/alive/holders" -q 1 \
		-m '{"holder":"'"$(printf 'x%.0s' $(seq 36))"'","event":"hello"}'
	pid_is "$R/arm" "$HOLDER"
	# none of them answers its bye: it clears the token all the same
	kill -TERM "$HOLDER"
	wait "$HOLDER"
	is_gone "$R/arm"
	[ ! -s "$BATS_TEST_TMPDIR/${R}_arm.err" ]
}

@test "--list and --watch: a retained {\"alive\":false} is no live token" {
	mosquitto_pub -p "$BROKER_PORT" -t "$T/dead/alive" -r -q 1 \
		-m '{"alive":false}'
	run --separate-stderr yoke-alive $B --list "$R/dead"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-alive: no live token matches '$R/dead/alive'" ]
	watch "$BATS_TEST_TMPDIR/w" "$R/*"
	probe "$R/live" "$BATS_TEST_TMPDIR/w"
	yoke-pub $B "$R/live/alive" -m '{"alive":false}' -q 1
	wait_lines "$BATS_TEST_TMPDIR/w" 2
	[ "$(tail -1 "$BATS_TEST_TMPDIR/w")" = "{\"key\":\"$R/live\",\"alive\":false}" ]
}

@test "usage: missing KEY, or two" {
	run --separate-stderr yoke-alive $X
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-alive: missing KEY" ]
	run --separate-stderr yoke-alive $X a/b c/d
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-alive: expected one KEY, got 2 arguments" ]
}

@test "usage: invalid KEY" {
	run --separate-stderr yoke-alive $X Bad/x
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-alive: invalid key 'Bad/x': invalid robot id 'Bad': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit" ]
	run --separate-stderr yoke-alive $X 'arm-1/*'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-alive: invalid key 'arm-1/*': keys may not hold '*', '+', '#', '{' or '}'" ]
	run --separate-stderr yoke-alive $X 'arm-1//x' -- true
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-alive: invalid key 'arm-1//x': empty segment" ]
}

@test "usage: --list with -- CMD, --list with --watch" {
	run --separate-stderr yoke-alive $X --list -- sleep 1
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-alive: use one of KEY [-- CMD], --list, --watch [--no-history]" ]
	run --separate-stderr yoke-alive $X --watch a/b -- sleep 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-alive: use one of KEY [-- CMD], --list, --watch [--no-history]" ]
	run --separate-stderr yoke-alive $X --list --watch
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-alive: use one of KEY [-- CMD], --list, --watch [--no-history]" ]
}

@test "usage: --no-history without --watch" {
	run --separate-stderr yoke-alive $X --no-history arm-1
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-alive: use one of KEY [-- CMD], --list, --watch [--no-history]" ]
	run --separate-stderr yoke-alive $X --list --no-history
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-alive: use one of KEY [-- CMD], --list, --watch [--no-history]" ]
}

@test "usage: missing CMD after --" {
	run --separate-stderr yoke-alive $X arm-1/job --
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-alive: missing CMD after '--'" ]
}

@test "usage: bad --list pattern, two patterns, unknown option" {
	run --separate-stderr yoke-alive $X --list 'Arm'
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" = "yoke-alive: invalid key expression 'Arm"* ]]
	[[ "$stderr" = *"invalid robot id 'Arm': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit" ]]
	run --separate-stderr yoke-alive $X --list a b
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-alive: expected at most one PATTERN, got 2" ]
	run --separate-stderr yoke-alive $X arm-1 --bogus
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-alive: unknown option '--bogus'" ]
}

@test "an unreachable broker exits 1 with the cause" {
	run --separate-stderr yoke-alive -b mqtt://127.0.0.1:1 arm-1/x
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-alive: cannot connect to '127.0.0.1:1': Connection refused" ]
	run --separate-stderr yoke-alive -b mqtt://127.0.0.1:1 --list
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-alive: cannot connect to '127.0.0.1:1': Connection refused" ]
	# the command does not run without its token
	run --separate-stderr yoke-alive -b mqtt://127.0.0.1:1 arm-1/x -- \
		touch "$BATS_TEST_TMPDIR/ran"
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-alive: cannot connect to '127.0.0.1:1': Connection refused" ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "keepalive: 5 s by default, so a silent holder is gone within 7.5 s" {
	before=$(grep -c "(p5, c1, k5)" "$BROKER_DIR/log" || true)
	run yoke-alive $B "$R" -- true
	[ "$status" -eq 0 ]
	[ "$(grep -c "(p5, c1, k5)" "$BROKER_DIR/log")" -gt "$before" ]
}

@test "--watch on a terminal: a token live before the watch shows its since, not now" {
	mosquitto_pub -p "$BROKER_PORT" -r -q 1 -t "yoke/default/$R/old/alive" \
		-m '{"alive":true,"since":1795300000.5,"host":"h","pid":1}'
	w="$BATS_TEST_TMPDIR/tty"
	tty_until "$w" "$R/old" "yoke-alive $B --watch '$R/**'"
	[ "$(grep -v '^Script ' "$w" | tr -d '\r')" = \
		"$(date -d @1795300000 +%H:%M:%S) + $R/old" ]
}
