#!/usr/bin/env bats
# Organisations kept apart by the broker: mosquitto configured from the
# examples themselves (scripts/examples/mosquitto-fleet.conf, fleet.acl),
# users added with scripts/examples/fleet-user: operators of orgs a and b,
# robots r1 to r4 of org a.  Each works inside its own scope; writing
# outside it is refused (exit 4), reading outside it yields nothing; a
# robot answers queries in its own name only, and reads only the answers
# it asked for.
# auth.bats covers credentials themselves (bad passwords, config files).
bats_require_minimum_version 1.5.0
load helpers

EX="$YOKE_TOP/scripts/examples"

setup_file() {
	local dir="$BATS_FILE_TMPDIR/fleet" conf
	mkdir -p "$dir"
	cp "$EX/fleet.acl" "$dir/fleet.acl"
	# passwords: from stdin, and from FLEET_PASSWORD
	echo pw-opa | "$EX/fleet-user" -p "$dir/fleet.passwd" \
		-a "$dir/fleet.acl" org a opa
	FLEET_PASSWORD=pw-opb "$EX/fleet-user" -p "$dir/fleet.passwd" \
		-a "$dir/fleet.acl" org b opb
	for r in r1 r2 r3 r4; do
		echo "pw-$r@a" | "$EX/fleet-user" -p "$dir/fleet.passwd" \
			-a "$dir/fleet.acl" robot a "$r"
	done
	# a user of a hand-written ACL that grants one token and not its
	# roll (lib/fleet/token.h)
	mosquitto_passwd -b "$dir/fleet.passwd" tok pw-tok
	printf '\nuser tok\ntopic readwrite yoke/a/t1/alive\n' >> "$dir/fleet.acl"
	# the example's settings, with this directory's files; start_broker
	# gives the listener and the persistence directory
	mapfile -t conf < <(grep -Ev '^[[:space:]]*(#|$)' \
		"$EX/mosquitto-fleet.conf" |
		grep -Ev '^(listener|certfile|keyfile|persistence_location|per_listener_settings) ' |
		sed -e "s|/etc/mosquitto/|$dir/|")
	printf '%s\n' "${conf[@]}" > "$dir/conf"
	grep -qx "password_file $dir/fleet.passwd" "$dir/conf"
	grep -qx "acl_file $dir/fleet.acl" "$dir/conf"
	grep -qx "allow_anonymous false" "$dir/conf"
	start_broker broker "${conf[@]}"
}

teardown() {
	kill_pids
	if [ -n "${DYN_DIR:-}" ]; then BROKER_DIR=$DYN_DIR stop_broker; fi
}

# as USER CMD...: CMD with USER's credentials
as() {
	local u=$1
	shift
	YOKE_USERNAME=$u YOKE_PASSWORD="pw-$u" "$@"
}

# refused USER ARGS...: a QoS 1 yoke-pub ARGS as USER is refused, exit 4
refused() {
	local u=$1
	shift
	run --separate-stderr as "$u" yoke-pub $B "$@" -m evil -q 1
	[ "$status" -eq 4 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-pub: broker refused 1 message: not authorised" ]
}

# unseen USER ARGS...: yoke-sub ARGS as USER receives nothing, exit 3
unseen() {
	local u=$1
	shift
	run --separate-stderr as "$u" yoke-sub $B "$@" -W 1
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-sub: nothing received in 1 s" ]
}

norm() { printf '%s\n' "$output" | jq -c 'del(.ts)'; }

@test "an operator publishes and subscribes within its org" {
	as opa yoke-sub $B --org a -v "r1/$R" -C 1 -W "$HANG_S" \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/err"
	run --separate-stderr as opa yoke-pub $B --org a "r1/$R" -m go -q 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	wait_lines "$BATS_TEST_TMPDIR/out" 1
	output=$(cat "$BATS_TEST_TMPDIR/out")
	[ "$(norm)" = "{\"key\":\"r1/$R\",\"qos\":1,\"retain\":false,\"payload\":\"go\"}" ]
}

@test "a robot writes and reads its own topics" {
	run --separate-stderr as r1@a yoke-pub $B --org a "r1/$R" -m up -q 1 -r
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run --separate-stderr as r1@a yoke-get $B --org a "r1/$R" -C 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm)" = "{\"key\":\"r1/$R\",\"source\":\"retained\",\"qos\":1,\"retain\":true,\"payload\":\"up\"}" ]
}

@test "a robot answers its operator's queries, through _query and _reply" {
	echo '{"fw":"1.2"}' > "$BATS_TEST_TMPDIR/info"
	# not through as(): $! must be yoke-get itself, for teardown to end it
	YOKE_USERNAME=r1@a YOKE_PASSWORD=pw-r1@a yoke-get $B --org a \
		--serve "r1/$R" --reply-file "$BATS_TEST_TMPDIR/info" -v \
		2> "$BATS_TEST_TMPDIR/serve.err" 3>&- &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/serve.err"
	run --separate-stderr as opa yoke-get $B --org a "r1/$R" -C 1 -W "$HANG_S"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | jq -c '{key,source,payload}')" = "{\"key\":\"r1/$R\",\"source\":\"reply\",\"payload\":{\"fw\":\"1.2\"}}" ]
}

@test "org a cannot write org b's topics: exit 4, not authorised" {
	as opb yoke-pub $B --org b "x/$R" -m secret -q 1 -r
	refused opa --org b "x/$R" -r
	run --separate-stderr as opb yoke-get $B --org b "x/$R" -C 1
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r .payload)" = secret ]
}

@test "--raw does not escape the ACL: exit 4" {
	refused opa --raw "yoke/b/x/$R"
}

@test "org a cannot read org b's values: nothing arrives" {
	as opb yoke-pub $B --org b "x/$R" -m secret -q 1 -r
	# mosquitto 2.0 acknowledges the subscription and delivers nothing
	unseen opa --org b "x/$R"
	unseen opa --raw 'yoke/b/#'
	# the retained value does not come, and the query may not go
	run --separate-stderr as opa yoke-get $B --org b "x/$R" -W 1
	[ "$status" -eq 4 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-get: broker refused 1 message: not authorised" ]
}

@test "a robot cannot write another robot's topics: exit 4" {
	refused r1@a --org a "r2/$R"
}

@test "a robot cannot read another robot's topics" {
	as r2@a yoke-pub $B --org a "r2/$R" -m mine -q 1 -r
	unseen r1@a --org a "r2/$R"
}

@test "a robot's own name in another org is not its own: exit 4" {
	refused r1@a --org b "r1/$R"
}

@test "fleet-user: a second run changes the password and keeps one ACL block" {
	local dir="$BATS_FILE_TMPDIR/fleet"
	FLEET_PASSWORD=pw-new run --separate-stderr "$EX/fleet-user" \
		-p "$dir/fleet.passwd" -a "$dir/fleet.acl" robot a r2
	[ "$status" -eq 0 ]
	[ "$stderr" = "fleet-user: 'r2@a' has an ACL block in '$dir/fleet.acl' already; left as it is" ]
	[ "$(grep -cx 'user r2@a' "$dir/fleet.acl")" -eq 1 ]
	kill -HUP "$(cat "$BROKER_DIR/pid")"
	wait_for eval 'YOKE_USERNAME=r2@a YOKE_PASSWORD=pw-new yoke-pub $B --org a "r2/$R" -m 1 -q 1 2>/dev/null'
	run --separate-stderr as r2@a yoke-pub $B --org a "r2/$R" -m 1 -q 1
	[ "$status" -eq 4 ]
}

@test "fleet-user: no password on stdin or in FLEET_PASSWORD is an error" {
	run --separate-stderr "$EX/fleet-user" \
		-p "$BATS_TEST_TMPDIR/passwd" org a someone < /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "fleet-user: no password: set FLEET_PASSWORD or give it on stdin" ]
	[ ! -e "$BATS_TEST_TMPDIR/passwd" ]
}

# User names must never collide: one user would log in with another's
# rights (issue 9: an operator of acme named arm-1@beta, then robot arm-1
# of beta "left as it is", logged in with acme's rights).
@test "fleet-user: an operator's name with '@' is refused: it names a robot" {
	d=$BATS_TEST_TMPDIR
	cp "$EX/fleet.acl" "$d/acl"
	FLEET_PASSWORD=pw run --separate-stderr "$EX/fleet-user" \
		-p "$d/passwd" -a "$d/acl" org acme arm-1@beta
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "fleet-user: invalid user name 'arm-1@beta': an operator's has no '@' (ROBOT@ORG names robots)" ]
	[ ! -e "$d/passwd" ]
	cmp -s "$EX/fleet.acl" "$d/acl"
	# so beta's robot gets its own block, and beta's rights only
	FLEET_PASSWORD=pw run --separate-stderr "$EX/fleet-user" \
		-p "$d/passwd" -a "$d/acl" robot beta arm-1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(grep -c '^user ' "$d/acl")" -eq 1 ]
	[ -z "$(grep '^topic' "$d/acl" | grep -v ' yoke/beta/')" ]
}

@test "fleet-user: a robot's user name with '@' must be its own ROBOT@ORG" {
	d=$BATS_TEST_TMPDIR
	FLEET_PASSWORD=pw run --separate-stderr "$EX/fleet-user" \
		-p "$d/passwd" -a "$d/acl" robot beta arm-2 arm-1@beta
	[ "$status" -eq 2 ]
	[ "$stderr" = "fleet-user: invalid user name 'arm-1@beta': with an '@' it must be 'arm-2@beta'" ]
	[ ! -e "$d/passwd" ]
	[ ! -e "$d/acl" ]
}

@test "fleet-user: a name with other rights is refused, and nothing changes" {
	local dir="$BATS_FILE_TMPDIR/fleet"
	cp "$dir/fleet.acl" "$BATS_TEST_TMPDIR/acl.before"
	cp "$dir/fleet.passwd" "$BATS_TEST_TMPDIR/passwd.before"
	# a robot named like org a's operator, org b's operator too
	FLEET_PASSWORD=pw-evil run --separate-stderr "$EX/fleet-user" \
		-p "$dir/fleet.passwd" -a "$dir/fleet.acl" robot a r3 opa
	[ "$status" -eq 4 ]
	[ "$stderr" = "fleet-user: 'opa' has other rights in '$dir/fleet.acl' already; choose another name (or remove its block there first)" ]
	FLEET_PASSWORD=pw-evil run --separate-stderr "$EX/fleet-user" \
		-p "$dir/fleet.passwd" -a "$dir/fleet.acl" org b opa
	[ "$status" -eq 4 ]
	[ "$stderr" = "fleet-user: 'opa' has other rights in '$dir/fleet.acl' already; choose another name (or remove its block there first)" ]
	# the same robot under another root is other rights too
	FLEET_PASSWORD=pw-evil run --separate-stderr "$EX/fleet-user" \
		-p "$dir/fleet.passwd" -a "$dir/fleet.acl" -r other robot a r1
	[ "$status" -eq 4 ]
	cmp "$BATS_TEST_TMPDIR/acl.before" "$dir/fleet.acl"
	cmp "$BATS_TEST_TMPDIR/passwd.before" "$dir/fleet.passwd"
	run --separate-stderr as opa yoke-pub $B --org a "r1/$R" -m 1 -q 1
	[ "$status" -eq 0 ]
}

@test "fleet-user: a name in PASSWD that ACL cannot vouch for is refused" {
	d=$BATS_TEST_TMPDIR
	FLEET_PASSWORD=pw "$EX/fleet-user" -p "$d/passwd" -a "$d/acl1" \
		org acme ops
	cp "$d/passwd" "$d/passwd.before"
	FLEET_PASSWORD=pw2 run --separate-stderr "$EX/fleet-user" \
		-p "$d/passwd" -a "$d/acl2" org acme ops
	[ "$status" -eq 4 ]
	[ "$stderr" = "fleet-user: 'ops' is in '$d/passwd' already, without a block in '$d/acl2'; choose another name" ]
	[ ! -e "$d/acl2" ]
	FLEET_PASSWORD=pw2 run --separate-stderr "$EX/fleet-user" \
		-p "$d/passwd" org acme ops
	[ "$status" -eq 4 ]
	[ -z "$output" ]
	[ "$stderr" = "fleet-user: 'ops' is in '$d/passwd' already, and without -a ACL its rights cannot be checked; give -a or choose another name" ]
	cmp "$d/passwd.before" "$d/passwd"
	# with its own ACL, the password changes
	FLEET_PASSWORD=pw2 run --separate-stderr "$EX/fleet-user" \
		-p "$d/passwd" -a "$d/acl1" org acme ops
	[ "$status" -eq 0 ]
	! cmp -s "$d/passwd.before" "$d/passwd"
}

@test "a broker that refuses the subscription itself: yoke-sub exits 4" {
	# mosquitto's dynamic security plugin, unlike acl_file, answers a
	# forbidden SUBSCRIBE with "not authorised"
	plugin=$(ls /usr/lib/*/mosquitto_dynamic_security.so 2>/dev/null |
		head -1)
	[ -n "$plugin" ] || skip "no mosquitto_dynamic_security.so"
	DYN_DIR="$BATS_FILE_TMPDIR/dynsec"
	mkdir -p "$DYN_DIR"
	echo '{"defaultACLAccess":{"publishClientSend":true,"publishClientReceive":true,"subscribe":false,"unsubscribe":true},"clients":[],"groups":[],"roles":[]}' \
		> "$DYN_DIR/dynsec.json"
	start_broker dynsec "plugin $plugin" \
		"plugin_opt_config_file $DYN_DIR/dynsec.json"
	# no -W: a yoke-sub that did not take the refusal for an answer would
	# wait for ever, and the hang guard (timeout) would end it with 124
	run --separate-stderr timeout "$HANG_S" yoke-sub $B "r1/$R"
	[ "$status" -eq 4 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-sub: broker refused the subscription to 'yoke/default/r1/$R': not authorised" ]
}

# serve_as USER KEYEXPR FILE: a queryable as USER answering with FILE; its
# stderr (-v) in $BATS_TEST_TMPDIR/USER.err once it has subscribed
serve_as() {
	local err="$BATS_TEST_TMPDIR/$1.err"
	# not through as(): $! must be yoke-get itself, for teardown to end it
	YOKE_USERNAME=$1 YOKE_PASSWORD="pw-$1" yoke-get $B --org a -v \
		--serve "$2" --reply-file "$3" 2> "$err" 3>&- &
	PIDS+=($!)
	subscribed "$err"
}

@test "forgery: a robot cannot answer in another robot's name, asked by an operator or a robot" {
	echo genuine > "$BATS_TEST_TMPDIR/r1"
	echo forged > "$BATS_TEST_TMPDIR/r3"
	serve_as r1@a "r1/$R" "$BATS_TEST_TMPDIR/r1"
	# r3 serves r1's key: a query for r1 does not reach it, and its
	# reply in r1's name to a query for any robot is refused
	serve_as r3@a "r1/$R" "$BATS_TEST_TMPDIR/r3"
	for asker in opa r4@a; do
		for q in "r1/$R" "*/$R"; do
			run --separate-stderr as "$asker" yoke-get $B --org a \
				"$q" -W 2
			[ "$status" -eq 0 ]
			[ -z "$stderr" ]
			[ "$(printf '%s\n' "$output" | jq -c '{key,source,payload}')" = "{\"key\":\"r1/$R\",\"source\":\"reply\",\"payload\":\"genuine\\n\"}" ]
		done
	done
	# r3 did try, twice (once per asker), and the broker said no
	wait_for eval '[ "$(grep -cx "yoke-get: broker refused a message: not authorised" "$BATS_TEST_TMPDIR/r3@a.err")" -eq 2 ]'
}

# forge ASKER: as r3, hear ASKER's query for any robot (yoke-get -v in the
# background, stderr in asker.err) and answer it on r3's own reply channel
# twice: first claiming r1's key, then for its own.
forge() {
	local q="$BATS_TEST_TMPDIR/query" rt corr
	# stdbuf: mosquitto_sub buffers its -d lines in a file
	stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -u r3@a \
		-P pw-r3@a -V 5 -d -C 1 -t 'yoke/a/_query/*' -F 'Q %R %D' \
		> "$q" 3>&- &
	PIDS+=($!)
	wait_for grep -q '^Subscribed' "$q"
	as "$1" yoke-get $B --org a "*/$R" -v -W "$HANG_S" -C 1 \
		> "$BATS_TEST_TMPDIR/asker.out" \
		2> "$BATS_TEST_TMPDIR/asker.err" 3>&- &
	PIDS+=($!)
	wait_for grep -q '^Q ' "$q"
	read -r _ rt corr < <(grep '^Q ' "$q")
	# the query for any robot names '*' as the robot
	[[ "$rt" == "yoke/a/_reply/*/$1/"* ]]
	rt=${rt/\/_reply\/\*\//\/_reply\/r3\/}
	for key in "r1/$R" "r3/$R"; do
		mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -u r3@a \
			-P pw-r3@a -V 5 -q 1 -t "$rt" -m "as $key" \
			-D PUBLISH correlation-data "$corr" \
			-D PUBLISH user-property key "$key"
	done
}

@test "forgery: a reply on the robot's own channel claiming another robot's key is dropped, -v says so" {
	for asker in opa r4@a; do
		forge "$asker"
		# -C 1: the first reply printed ends it
		wait "${PIDS[-1]}"
		[ "$(jq -c '{key,source,payload}' "$BATS_TEST_TMPDIR/asker.out")" = "{\"key\":\"r3/$R\",\"source\":\"reply\",\"payload\":\"as r3/$R\"}" ]
		grep -qxF "yoke-get: reply from 'r3' dropped: its key 'r1/$R' is not r3's" \
			"$BATS_TEST_TMPDIR/asker.err"
	done
}

@test "eavesdropping: a robot reads neither the queries for another robot nor the replies to others" {
	echo genuine > "$BATS_TEST_TMPDIR/r1"
	serve_as r1@a "r1/$R" "$BATS_TEST_TMPDIR/r1"
	# r3 listens to all of yoke's channels in its org
	YOKE_USERNAME=r3@a YOKE_PASSWORD=pw-r3@a yoke-sub $B --raw -v -C 1 \
		'yoke/a/_reply/#' 'yoke/a/_query/#' 'yoke/a/_inbox/#' \
		> "$BATS_TEST_TMPDIR/eve.out" 2> "$BATS_TEST_TMPDIR/eve.err" 3>&- &
	PIDS+=($!)
	eve=$!
	wait_for eval '[ "$(grep -c ": subscribed to " "$BATS_TEST_TMPDIR/eve.err")" -eq 3 ]'
	# an operator and a robot ask r1, and get their answers...
	for asker in opa r4@a; do
		run --separate-stderr as "$asker" yoke-get $B --org a "r1/$R" \
			-C 1 -W "$HANG_S"
		[ "$status" -eq 0 ]
		[ "$(printf '%s\n' "$output" | jq -r .payload)" = genuine ]
	done
	# ...then r3 itself: the first message r3 hears is its own answer
	# (r1 sent the others' before it)
	run --separate-stderr as r3@a yoke-get $B --org a "r1/$R" -C 1 -W "$HANG_S"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r .payload)" = genuine ]
	wait "$eve"
	[[ "$(jq -r .key "$BATS_TEST_TMPDIR/eve.out")" =~ ^yoke/a/_reply/r1/r3@a/[^/]+$ ]]
	[ "$(jq -r .payload "$BATS_TEST_TMPDIR/eve.out")" = genuine ]
	[ "$(wc -l < "$BATS_TEST_TMPDIR/eve.out")" -eq 1 ]
}

@test "fleet-user: a robot's block grants its own reply channel and the replies to it" {
	run --separate-stderr "$EX/fleet-user" robot acme arm-1
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep '^topic')" = "$(printf '%s\n' \
		'topic readwrite yoke/acme/arm-1/#' \
		'topic write yoke/acme/_query/#' \
		'topic read yoke/acme/_query/arm-1' \
		'topic read yoke/acme/_query/*' \
		'topic write yoke/acme/_reply/arm-1/#' \
		'topic read yoke/acme/_reply/+/arm-1@acme/#' \
		'topic readwrite yoke/acme/_inbox/#')" ]
}

@test "robot RPC: the answer comes on the robot's reply channel, which no other robot reads" {
	YOKE_USERNAME=r1@a YOKE_PASSWORD=pw-r1@a yoke-sim $B --org a \
		--robot r1 > /dev/null 2> "$BATS_TEST_TMPDIR/sim.err" 3>&- &
	PIDS+=($!)
	wait_for eval 'as opa yoke-drive $B --org a r1 state mode -W 0.5 > /dev/null 2>&1'
	YOKE_USERNAME=r3@a YOKE_PASSWORD=pw-r3@a yoke-sub $B --raw -v -C 1 \
		'yoke/a/_reply/#' 'yoke/a/_inbox/#' \
		> "$BATS_TEST_TMPDIR/eve.out" 2> "$BATS_TEST_TMPDIR/eve.err" 3>&- &
	PIDS+=($!)
	eve=$!
	wait_for eval '[ "$(grep -c ": subscribed to " "$BATS_TEST_TMPDIR/eve.err")" -eq 2 ]'
	run --separate-stderr as opa yoke-drive $B --org a r1 state mode -W 10
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ -n "$output" ]
	# a marker r3 may read, sent after the answer came: the first (and
	# only) message r3 hears
	as r3@a yoke-pub $B --raw "yoke/a/_inbox/eve-$R" -m end -q 1
	wait "$eve"
	[ "$(jq -c '{key,payload}' "$BATS_TEST_TMPDIR/eve.out")" = "{\"key\":\"yoke/a/_inbox/eve-$R\",\"payload\":\"end\"}" ]
}

@test "a holder whose ACL grants its token but not its roll: it holds, and its exit clears" {
	YOKE_USERNAME=tok YOKE_PASSWORD=pw-tok yoke-alive $B --org a t1 \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" &
	holder=$!
	PIDS+=($holder)
	wait_for eval 'as opa yoke-alive $B --org a --list t1 > /dev/null 2>&1'
	kill -TERM "$holder"
	wait "$holder"
	run --separate-stderr as opa yoke-alive $B --org a --list t1
	[ "$status" -eq 3 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}
