#!/usr/bin/env bats
# Credentials from a backend: a fake fleet backend (backend_server.py, a
# real HTTP server on a loopback port) gives the broker and a password that
# a real mosquitto with a password file checks.  The backend's request log
# counts every HTTP request, so "from the cache" means "no request made".
bats_require_minimum_version 1.5.0
load helpers

KEY=sk-test-4f1c9a7e2b
PASS='pw:S3cret@backend'

setup_file() {
	local dir="$BATS_FILE_TMPDIR/auth"
	mkdir -p "$dir"
	touch "$dir/passwd"
	chmod 600 "$dir/passwd"
	mosquitto_passwd -b "$dir/passwd" robot "$PASS"
	mosquitto_passwd -b "$dir/passwd" rotor old-pass
	export PASSWD="$dir/passwd"
	start_broker broker "allow_anonymous false" "password_file $dir/passwd"
	export SRV="$BATS_FILE_TMPDIR/srv"
	mkdir -p "$SRV"
	echo "$KEY" > "$SRV/key"
	python3 "$BATS_TEST_DIRNAME/backend_server.py" "$SRV" \
		> "$SRV/log" 2>&1 3>&- &
	echo $! > "$SRV/pid"
	wait_for test -s "$SRV/port"
	BACKEND_PORT=$(cat "$SRV/port")
	export BACKEND_PORT
}

teardown_file() {
	kill "$(cat "$SRV/pid")" 2>/dev/null || true
	stop_broker
}

# creds USER PASSWORD: the answer the backend gives when all is well.
creds() {
	printf '{"host":"127.0.0.1","port":%s,"username":"%s","password":"%s","tls":false,"expires_in":3600}\n' \
		"$BROKER_PORT" "$1" "$2" > "$SRV/creds"
}

setup() {
	R=$(uniq_robot)
	PIDS=()
	U="http://127.0.0.1:$BACKEND_PORT"
	creds robot "$PASS"
	printf 'ok\n' > "$SRV/mode"
	: > "$SRV/requests"
	# a cold cache for each test
	export XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run"
	mkdir -m 700 "$XDG_RUNTIME_DIR"
	CACHE="$XDG_RUNTIME_DIR/yoke"
	unset XDG_CACHE_HOME YOKE_API_KEY_FILE
	export YOKE_BACKEND_URL="$U" YOKE_API_KEY="$KEY"
	mkdir -p "$XDG_CONFIG_HOME/yoke"
	rm -f "$XDG_CONFIG_HOME/yoke/config"
}

requests() {
	wc -l < "$SRV/requests"
}

# fails_with MODE STATUS CAUSE: with the backend in MODE, yoke-pub exits
# STATUS, saying that it cannot get the credentials because of CAUSE.
fails_with() {
	printf '%s\n' "$1" > "$SRV/mode"
	run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq "$2" ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-pub: cannot get broker credentials from '$U': $3" ]
}

# edit_cache JQ: rewrite the one cache file with jq filter JQ (private).
edit_cache() {
	local f
	f=$(echo "$CACHE"/broker-*.json)
	jq -c "$1" "$f" > "$f.new"
	chmod 600 "$f.new"
	mv "$f.new" "$f"
}

# refused USER PASSWORD: the broker turns that login down.
refused() {
	! mosquitto_pub -p "$BROKER_PORT" -u "$1" -P "$2" -t x -m 1 2>/dev/null
}

# no_secret TEXT: neither the API key nor the broker password is in TEXT.
no_secret() {
	[[ "$1" != *"$KEY"* ]] && [[ "$1" != *"$PASS"* ]] &&
		[[ "$1" != *S3cret* ]]
}

@test "fetch, then yoke-sub and yoke-pub talk through the broker it names" {
	yoke-sub -v "$R/x" -C 1 -W "$HANG_S" > "$BATS_TEST_TMPDIR/out" \
		2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	run --separate-stderr yoke-pub "$R/x" -m hello -q 1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	wait "${PIDS[-1]}"
	[ "$(jq -c 'del(.ts)' "$BATS_TEST_TMPDIR/out")" = "{\"key\":\"$R/x\",\"qos\":1,\"retain\":false,\"payload\":\"hello\"}" ]
	# yoke-sub fetched; yoke-pub found the answer in the cache
	[ "$(requests)" -eq 1 ]
	run jq -c . "$SRV/requests"
	[ "$output" = "{\"method\":\"POST\",\"path\":\"/auth/broker-config\",\"authorization\":\"Bearer $KEY\",\"content_type\":\"application/json\",\"body\":\"{\\\"robot_id\\\":\\\"$(hostname)\\\",\\\"org_id\\\":\\\"default\\\"}\"}" ]
}

@test "the request names the robot (YOKE_ROBOT) and the organisation" {
	YOKE_ROBOT=arm-7 run --separate-stderr yoke-pub --org acme "$R/x" -m 1
	[ "$status" -eq 0 ]
	[ "$(jq -r .body "$SRV/requests")" = '{"robot_id":"arm-7","org_id":"acme"}' ]
}

@test "a robot id that is not valid is an error when it goes to the backend" {
	YOKE_ROBOT=Arm/7 run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid robot id 'Arm/7': use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit" ]
	[ "$(requests)" -eq 0 ]
	# yoke-pub has no other use for it
	YOKE_ROBOT=Arm/7 YOKE_USERNAME=robot YOKE_PASSWORD="$PASS" \
		run --separate-stderr yoke-pub $B "$R/x" -m 1
	[ "$status" -eq 0 ]
}

@test "a second run uses the cache: no HTTP request" {
	run yoke-pub "$R/x" -m 1 -q 1
	[ "$status" -eq 0 ]
	[ "$(requests)" -eq 1 ]
	run --separate-stderr yoke-pub "$R/x" -m 2 -q 1 -v
	[ "$status" -eq 0 ]
	[ "$(requests)" -eq 1 ]
	[[ "$stderr" == *"yoke-pub: broker mqtt://127.0.0.1:$BROKER_PORT from backend '$U' (cached; expires in "* ]]
}

@test "the cache: mode 0600 in a 0700 directory, named by a hash" {
	run yoke-pub "$R/x" -m 1
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$CACHE")" = 700 ]
	run ls "$CACHE"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" =~ ^broker-[0-9a-f]{64}\.json$ ]]
	[ "$(stat -c %a "$CACHE/$output")" = 600 ]
	# neither the name nor the contents hold the API key
	[[ "$output" != *"$KEY"* ]]
	! grep -q "$KEY" "$CACHE/$output"
	[ "$(jq -r .host "$CACHE/$output")" = 127.0.0.1 ]
}

@test "a cache directory others can enter is made private again" {
	mkdir -m 755 "$CACHE"
	run yoke-pub "$R/x" -m 1
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$CACHE")" = 700 ]
}

@test "without XDG_RUNTIME_DIR the cache is under ~/.cache" {
	unset XDG_RUNTIME_DIR
	mkdir "$BATS_TEST_TMPDIR/home"
	HOME="$BATS_TEST_TMPDIR/home" run yoke-pub "$R/x" -m 1
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/home/.cache/yoke")" = 700 ]
	HOME="$BATS_TEST_TMPDIR/home" run yoke-pub "$R/x" -m 1
	[ "$status" -eq 0 ]
	[ "$(requests)" -eq 1 ]
}

@test "HTTP 401: exit 4, API key rejected, asked once" {
	YOKE_API_KEY=sk-wrong-key run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 4 ]
	[ "$stderr" = "yoke-pub: cannot get broker credentials from '$U': API key rejected (HTTP 401)" ]
	[ "$(requests)" -eq 1 ]
	[ ! -e "$CACHE" ] || [ -z "$(ls "$CACHE")" ]
}

@test "HTTP 403: exit 4" {
	printf '403\n' > "$SRV/mode"
	run --separate-stderr yoke-sub "$R/x" -W 1
	[ "$status" -eq 4 ]
	[ "$stderr" = "yoke-sub: cannot get broker credentials from '$U': API key rejected (HTTP 403)" ]
	[ "$(requests)" -eq 1 ]
}

@test "HTTP 500 is retried with backoff within the budget, then exit 1" {
	printf '500\n' > "$SRV/mode"
	# tries at 0 s and ~1 s; the next would come at ~3 s, past 2.5 s
	run --separate-stderr yoke-pub "$R/x" -m 1 --connect-timeout 2.5 -v
	[ "$status" -eq 1 ]
	[ "$(requests)" -eq 2 ]
	[[ "$stderr" == *"yoke-pub: backend '$U': HTTP 500; retrying in "*" s"* ]]
	[ "$(tail -1 <<< "$stderr")" = "yoke-pub: cannot get broker credentials from '$U': HTTP 500 (2 attempts)" ]
}

@test "HTTP 500 once, then an answer: the retry succeeds" {
	printf '500\nok\n' > "$SRV/mode"
	run --separate-stderr yoke-pub "$R/x" -m 1 -q 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(requests)" -eq 2 ]
}

@test "a backend that is down is retried, then exit 1" {
	YOKE_BACKEND_URL=http://127.0.0.1:1/ run --separate-stderr \
		yoke-pub "$R/x" -m 1 --connect-timeout 2.5 -v
	[ "$status" -eq 1 ]
	[ "$(grep -c "retrying in" <<< "$stderr")" -eq 1 ]
	[ "$(tail -1 <<< "$stderr")" = "yoke-pub: cannot get broker credentials from 'http://127.0.0.1:1/': Connection refused (2 attempts)" ]
}

@test "HTTP 404 is not retried" {
	fails_with 404 1 "HTTP 404"
	[ "$(requests)" -eq 1 ]
}

@test "a malformed answer: exit 1, saying what is wrong, echoing nothing" {
	fails_with badport 1 \
		"invalid answer: 'port' must be an integer from 1 to 65535"
	fails_with garbage 1 "invalid answer: not a JSON object"
	[ "$(requests)" -eq 2 ]
}

@test "an expired answer is fetched again" {
	printf 'expired\n' > "$SRV/mode"
	run yoke-pub "$R/x" -m 1
	[ "$status" -eq 0 ]
	run --separate-stderr yoke-pub "$R/x" -m 1 -v
	[ "$status" -eq 0 ]
	[ "$(requests)" -eq 2 ]
	[[ "$stderr" == *"yoke-pub: the cached credentials have expired"* ]]
}

@test "a cache file whose time is up is fetched again" {
	run yoke-pub "$R/x" -m 1
	[ "$status" -eq 0 ]
	edit_cache '.expires_at = 1000'
	run yoke-pub "$R/x" -m 1
	[ "$status" -eq 0 ]
	[ "$(requests)" -eq 2 ]
	[ "$(jq .expires_at "$CACHE"/broker-*.json)" -gt "$(date +%s)" ]
}

@test "a password rotated on the broker: the cached one is refused, fetched again once" {
	creds rotor old-pass
	run yoke-pub "$R/x" -m 1 -q 1
	[ "$status" -eq 0 ]
	mosquitto_passwd -b "$PASSWD" rotor new-pass
	kill -HUP "$(cat "$BROKER_DIR/pid")"
	wait_for refused rotor old-pass
	creds rotor new-pass
	run --separate-stderr yoke-pub "$R/x" -m 2 -q 1 -v
	[ "$status" -eq 0 ]
	[ "$(requests)" -eq 2 ]
	[[ "$stderr" == *"yoke-pub: the broker refused the cached credentials: asking the backend again"* ]]
	# the cache holds the new answer
	[ "$(jq -r .password "$CACHE"/broker-*.json)" = new-pass ]
}

# resubscribed ERRFILE: a `yoke-sub -v` has asked the backend again and
# subscribed since.
resubscribed() {
	sed -n '/asking the backend for new credentials/,$p' "$1" |
		grep -q ": subscribed to '"
}

@test "a password rotated while connected: the reconnect asks the backend again" {
	mosquitto_passwd -b "$PASSWD" rotor old-pass
	kill -HUP "$(cat "$BROKER_DIR/pid")"
	creds rotor old-pass
	yoke-sub -v "$R/x" -C 1 > "$BATS_TEST_TMPDIR/out" \
		2> "$BATS_TEST_TMPDIR/sub.err" 3>&- &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	# the password changes, and the connection drops
	mosquitto_passwd -b "$PASSWD" rotor new-pass
	creds rotor new-pass
	restart_broker
	wait_for resubscribed "$BATS_TEST_TMPDIR/sub.err"
	run --separate-stderr yoke-pub "$R/x" -m after -q 1
	[ "$status" -eq 0 ]
	wait "${PIDS[-1]}"
	[ "$(jq -r .payload "$BATS_TEST_TMPDIR/out")" = after ]
	[ "$(requests)" -eq 2 ]
	# (mosquitto says "not authorised" for a wrong password)
	grep -q "refused the connection: not authorised" "$BATS_TEST_TMPDIR/sub.err"
	[ "$(jq -r .password "$CACHE"/broker-*.json)" = new-pass ]
}

@test "credentials the broker refuses when fresh: exit 4, not cached" {
	printf 'wrong\n' > "$SRV/mode"
	run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 4 ]
	[ "$stderr" = "yoke-pub: broker '127.0.0.1:$BROKER_PORT' refused the connection: not authorised" ]
	[ "$(requests)" -eq 1 ]
	[ -z "$(ls "$CACHE")" ]
}

@test "refused again after the second fetch: exit 4" {
	run yoke-pub "$R/x" -m 1
	[ "$status" -eq 0 ]
	edit_cache '.password = "stale"'
	printf 'wrong\n' > "$SRV/mode"
	run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 4 ]
	[ "$stderr" = "yoke-pub: broker '127.0.0.1:$BROKER_PORT' refused the connection: not authorised" ]
	[ "$(requests)" -eq 2 ]
	[ -z "$(ls "$CACHE")" ]
}

@test "secrets are not in ps, -vvv output or messages" {
	yoke-sub -vvv "$R/x" > /dev/null 2> "$BATS_TEST_TMPDIR/sub.err" &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/sub.err"
	args=$(ps -o args= -p "${PIDS[-1]}")
	[[ "$args" == "yoke-sub -vvv $R/x" ]]
	run --separate-stderr yoke-pub "$R/x" -m 1 -vvv
	[ "$status" -eq 0 ]
	no_secret "$(cat "$BATS_TEST_TMPDIR/sub.err")"
	no_secret "$stderr"
	# and the fetch itself, at -vvv
	rm -r "$CACHE"
	run --separate-stderr yoke-pub "$R/x" -m 1 -vvv
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"from backend '$U' (fetched; "* ]]
	no_secret "$stderr"
	printf 'wrong\n' > "$SRV/mode"
	rm -r "$CACHE"
	run --separate-stderr yoke-pub "$R/x" -m 1 -vvv
	[ "$status" -eq 4 ]
	no_secret "$stderr"
	[[ "$stderr" != *not-the-password* ]]
}

@test "a backend URL with a password is masked in messages" {
	YOKE_BACKEND_URL="http://user:hunter2@127.0.0.1:1" run --separate-stderr \
		yoke-pub "$R/x" -m 1 --connect-timeout 0.5
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-pub: cannot get broker credentials from 'http://***@127.0.0.1:1': Connection refused (1 attempt)" ]
}

@test "libcurl is loaded for a fetch only, never with a warm cache" {
	! ldd "$(command -v yoke-pub)" | grep -q libcurl
	LD_DEBUG=libs run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 0 ]
	[[ "$stderr" == *libcurl.so.4* ]]
	LD_DEBUG=libs run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 0 ]
	[[ "$stderr" != *libcurl* ]]
	[ "$(requests)" -eq 1 ]
}

@test "api_key_file in the config file" {
	unset YOKE_API_KEY YOKE_BACKEND_URL
	echo "$KEY" > "$BATS_TEST_TMPDIR/key"
	chmod 600 "$BATS_TEST_TMPDIR/key"
	printf 'backend = %s\napi_key_file = %s\n' "$U" "$BATS_TEST_TMPDIR/key" \
		> "$XDG_CONFIG_HOME/yoke/config"
	run --separate-stderr yoke-pub "$R/x" -m 1 -q 1
	[ "$status" -eq 0 ]
	[ "$(jq -r .authorization "$SRV/requests")" = "Bearer $KEY" ]
}

@test "an API key file others can read is refused" {
	echo "$KEY" > "$BATS_TEST_TMPDIR/key"
	chmod 644 "$BATS_TEST_TMPDIR/key"
	unset YOKE_API_KEY
	YOKE_API_KEY_FILE="$BATS_TEST_TMPDIR/key" run --separate-stderr \
		yoke-pub "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: API key file '$BATS_TEST_TMPDIR/key' is open to other users (mode 644); run 'chmod 600 $BATS_TEST_TMPDIR/key'" ]
	[ "$(requests)" -eq 0 ]
}

@test "api_key in a config file others can read is refused" {
	unset YOKE_API_KEY
	cfg="$XDG_CONFIG_HOME/yoke/config"
	printf 'api_key = %s\n' "$KEY" > "$cfg"
	chmod 644 "$cfg"
	run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: config file '$cfg' holds a secret and other users can read it (mode 644); run 'chmod 600 $cfg'" ]
	chmod 600 "$cfg"
	run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 0 ]
	[ "$(requests)" -eq 1 ]
}

@test "the API key is never a flag" {
	run --separate-stderr yoke-pub "$R/x" -m 1 --api-key "$KEY"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: --api-key cannot be given on the command line, where other users can read it; set YOKE_API_KEY or 'api-key' in the config file" ]
}

@test "a backend without an API key is a usage error" {
	unset YOKE_API_KEY
	run --separate-stderr yoke-pub "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: backend '$U' needs an API key: set YOKE_API_KEY, or 'api-key' or 'api-key-file' in the config file" ]
}

@test "--backend must be http:// or https://" {
	run --separate-stderr yoke-pub --backend ftp://host "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: invalid backend URL 'ftp://host': the scheme must be http:// or https://" ]
}

@test "--backend beats the config file's broker" {
	unset YOKE_BACKEND_URL
	printf 'broker = mqtt://127.0.0.1:1\n' > "$XDG_CONFIG_HOME/yoke/config"
	run --separate-stderr yoke-pub --backend "$U" "$R/x" -m 1 -q 1
	[ "$status" -eq 0 ]
	[ "$(requests)" -eq 1 ]
}

@test "a broker given by flag or environment wins over the backend" {
	YOKE_USERNAME=robot YOKE_PASSWORD="$PASS" run --separate-stderr \
		yoke-pub $B "$R/x" -m 1 -q 1 -v
	[ "$status" -eq 0 ]
	[[ "$stderr" == "yoke-pub: the broker comes from --broker: backend not asked"* ]]
	YOKE_USERNAME=robot YOKE_PASSWORD="$PASS" \
		YOKE_BROKER="mqtt://127.0.0.1:$BROKER_PORT" run --separate-stderr \
		yoke-pub "$R/x" -m 1 -q 1 -v
	[ "$status" -eq 0 ]
	[[ "$stderr" == "yoke-pub: the broker comes from YOKE_BROKER: backend not asked"* ]]
	[ "$(requests)" -eq 0 ]
}
