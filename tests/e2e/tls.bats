#!/usr/bin/env bats
# TLS against real mosquitto listeners: mqtts:// with --cafile or
# YOKE_CAFILE, mutual TLS with --cert/--key, and the failures a user meets
# (an unknown CA, a certificate for another name, the wrong protocol for
# the port, files that do not load): each exits at once with a message
# that names the broker or the file, and none is retried, not even with
# --offline-timeout.
#
# setup_file makes a small PKI with openssl: a CA, a server certificate
# for 127.0.0.1 and localhost, one for another name only, a client
# certificate of the CA, and a second CA that signed nothing the brokers
# trust.  Four brokers: plain, TLS, TLS for the wrong name, mutual TLS.
bats_require_minimum_version 1.5.0
load helpers

# newkey FILE: an EC key (fast to make) in FILE
newkey() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out "$1" 2>/dev/null
}

# ca NAME: a self-signed CA certificate NAME.crt with key NAME.key
ca() {
	newkey "$PKI/$1.key"
	openssl req -x509 -new -key "$PKI/$1.key" -out "$PKI/$1.crt" \
		-days 2 -subj "/CN=yoke test $1" 2>/dev/null
}

# leaf NAME CA CN [EXTENSION]: NAME.crt/NAME.key signed by CA
leaf() {
	newkey "$PKI/$1.key"
	openssl req -new -key "$PKI/$1.key" -out "$PKI/$1.csr" \
		-subj "/CN=$3" 2>/dev/null
	printf '%s\n' "${4:-basicConstraints=CA:FALSE}" > "$PKI/$1.ext"
	openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$2.crt" \
		-CAkey "$PKI/$2.key" -CAcreateserial -days 2 \
		-extfile "$PKI/$1.ext" -out "$PKI/$1.crt" 2>/dev/null
}

# tls_broker NAME CERT [EXTRA...]: a broker whose listener speaks TLS with
# CERT (start_broker: its port in BROKER_PORT)
tls_broker() {
	local name=$1 cert=$2
	shift 2
	start_broker "$name" "cafile $PKI/ca.crt" \
		"certfile $PKI/$cert.crt" "keyfile $PKI/$cert.key" "$@"
}

setup_file() {
	export PKI="$BATS_FILE_TMPDIR/pki"
	mkdir -p "$PKI"
	ca ca
	ca other
	leaf server ca "yoke test broker" \
		"subjectAltName=IP:127.0.0.1,DNS:localhost"
	leaf elsewhere ca "elsewhere" "subjectAltName=DNS:elsewhere.invalid"
	leaf client ca "robot-1"
	leaf intruder other "intruder"
	start_broker plain
	export PLAIN_PORT=$BROKER_PORT
	tls_broker tls server
	export TLS_PORT=$BROKER_PORT
	tls_broker name elsewhere
	export NAME_PORT=$BROKER_PORT
	tls_broker mtls server "require_certificate true"
	export MTLS_PORT=$BROKER_PORT
	export S="-b mqtts://127.0.0.1:$TLS_PORT"
	export M="-b mqtts://127.0.0.1:$MTLS_PORT"
}

teardown_file() {
	for BROKER_DIR in "$BATS_FILE_TMPDIR"/{plain,tls,name,mtls}; do
		stop_broker
	done
}

setup() {
	R=$(uniq_robot)
	PIDS=()
	CA="--cafile $PKI/ca.crt"
	ME="--cert $PKI/client.crt --key $PKI/client.key"
}

# the ts field varies
norm() { printf '%s\n' "$output" | jq -c 'del(.ts)'; }

@test "mqtts:// with --cafile: a QoS 1 message reaches a TLS subscriber" {
	yoke-sub $S $CA -v "$R/x" -C 1 -W "$HANG_S" \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/err"
	run --separate-stderr yoke-pub $S $CA "$R/x" -m "over tls" -q 1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	wait_lines "$BATS_TEST_TMPDIR/out" 1
	output=$(cat "$BATS_TEST_TMPDIR/out")
	[ "$(norm)" = "{\"key\":\"$R/x\",\"qos\":1,\"retain\":false,\"payload\":\"over tls\"}" ]
}

@test "YOKE_CAFILE, and the name localhost: a retained value over TLS" {
	export YOKE_CAFILE="$PKI/ca.crt"
	run --separate-stderr yoke-pub $S "$R/cfg" -m '{"a":1}' -q 1 -r
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run --separate-stderr yoke-get -b "mqtts://localhost:$TLS_PORT" \
		"$R/cfg" -C 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(norm)" = "{\"key\":\"$R/cfg\",\"source\":\"retained\",\"qos\":1,\"retain\":true,\"payload\":{\"a\":1}}" ]
}

@test "a broker certificate from another CA: exit 1, the certificate could not be verified" {
	run --separate-stderr yoke-pub $S --cafile "$PKI/other.crt" \
		"$R/x" -m 1 -q 1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "yoke-pub: cannot connect to '127.0.0.1:$TLS_PORT': the broker's certificate could not be verified against '$PKI/other.crt'" ]
}

# "Not retried" is a count: the broker's log shows one connection (a
# retry would show a second, or go on for the hour --offline-timeout
# allows, until the hang guard ends it with 124).
@test "an unverifiable certificate is not retried, even with --offline-timeout" {
	BROKER_DIR="$BATS_FILE_TMPDIR/tls"
	log_mark
	run --separate-stderr timeout "$HANG_S" yoke-sub $S \
		--cafile "$PKI/other.crt" "$R/x" --offline-timeout 3600
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-sub: cannot connect to '127.0.0.1:$TLS_PORT': the broker's certificate could not be verified against '$PKI/other.crt'" ]
	[ "$(attempts)" -eq 1 ]
}

@test "without --cafile the system's CAs are used, and they do not know ours" {
	[ -d /etc/ssl/certs ] || skip "no /etc/ssl/certs"
	run --separate-stderr yoke-pub $S "$R/x" -m 1
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-pub: cannot connect to '127.0.0.1:$TLS_PORT': the broker's certificate could not be verified against the system's CA certificates" ]
}

@test "a certificate for another host name: exit 1 at once, even with --offline-timeout" {
	BROKER_DIR="$BATS_FILE_TMPDIR/name"
	log_mark
	run --separate-stderr timeout "$HANG_S" yoke-pub \
		-b "mqtts://127.0.0.1:$NAME_PORT" $CA "$R/x" -m 1 -q 1 \
		--offline-timeout 3600
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-pub: cannot connect to '127.0.0.1:$NAME_PORT': the broker's certificate does not match the host name '127.0.0.1'" ]
	[ "$(attempts)" -eq 1 ]
}

@test "mqtts:// to a plain listener fails at once with exit 1" {
	run --separate-stderr timeout 20 yoke-pub \
		-b "mqtts://127.0.0.1:$PLAIN_PORT" $CA "$R/x" -m 1 \
		--connect-timeout 2
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	# the broker resets the connection or closes it: either way, the
	# message says where and suggests why
	[[ "$stderr" == "yoke-pub: cannot connect to '127.0.0.1:$PLAIN_PORT': "* ]]
	[[ "$stderr" == *" (does the broker speak TLS on that port?)" ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

@test "mqtt:// to a TLS listener fails at once with exit 1" {
	run --separate-stderr timeout 20 yoke-pub \
		-b "mqtt://127.0.0.1:$TLS_PORT" "$R/x" -m 1 --connect-timeout 2
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-pub: cannot connect to '127.0.0.1:$TLS_PORT': connection closed by the broker (is it a TLS port? then use mqtts://)" ]
}

@test "a refused TLS reconnect is retried with backoff until --offline-timeout" {
	# port 1: nothing listens.  The TLS handshake used to take a refused
	# connection for "try again", spinning until --connect-timeout and
	# reporting "timed out".
	run --separate-stderr timeout 20 yoke-pub -b mqtts://127.0.0.1:1 $CA \
		"$R/x" -m 1 --offline-timeout 2 --connect-timeout 10
	[ "$status" -eq 1 ]
	[ "$stderr" = "yoke-pub: no connection to '127.0.0.1:1' for 2 s: Connection refused" ]
}

@test "mutual TLS: without a client certificate the broker refuses, exit 4" {
	run --separate-stderr timeout 20 yoke-pub $M $CA "$R/x" -m 1 -q 1 \
		--offline-timeout 30
	[ "$status" -eq 4 ]
	[ "$stderr" = "yoke-pub: broker '127.0.0.1:$MTLS_PORT' refused the connection: it requires a client certificate (--cert and --key)" ]
}

@test "mutual TLS: --cert and --key are accepted (and YOKE_CERT, YOKE_KEY)" {
	run --separate-stderr yoke-pub $M $CA $ME "$R/x" -m mtls -q 1 -r
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	YOKE_CERT="$PKI/client.crt" YOKE_KEY="$PKI/client.key" \
		run --separate-stderr yoke-get $M $CA "$R/x" -C 1
	[ "$status" -eq 0 ]
	[ "$(norm)" = "{\"key\":\"$R/x\",\"source\":\"retained\",\"qos\":1,\"retain\":true,\"payload\":\"mtls\"}" ]
}

@test "mutual TLS: a client certificate of another CA is refused, exit 4" {
	run --separate-stderr timeout 20 yoke-pub $M $CA \
		--cert "$PKI/intruder.crt" --key "$PKI/intruder.key" \
		"$R/x" -m 1 -q 1
	[ "$status" -eq 4 ]
	[ "$stderr" = "yoke-pub: broker '127.0.0.1:$MTLS_PORT' refused the connection: it did not accept the client certificate '$PKI/intruder.crt'" ]
}

@test "--cert without --key is a usage error" {
	run --separate-stderr yoke-pub $M $CA --cert "$PKI/client.crt" \
		"$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: --cert and --key go together" ]
}

@test "an unreadable --cafile is a usage error naming the file" {
	run --separate-stderr yoke-pub $S --cafile "$PKI/none.crt" "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: cannot read '$PKI/none.crt': No such file or directory" ]
}

@test "a --cafile without certificates is a usage error naming the file" {
	echo "not a certificate" > "$BATS_TEST_TMPDIR/junk.pem"
	run --separate-stderr yoke-pub $S --cafile "$BATS_TEST_TMPDIR/junk.pem" \
		"$R/x" -m 1
	[ "$status" -eq 2 ]
	[[ "$stderr" == "yoke-pub: cannot load CA certificates from '$BATS_TEST_TMPDIR/junk.pem': "* ]]
}

@test "a key that is not the certificate's is a usage error naming it" {
	run --separate-stderr yoke-pub $M $CA --cert "$PKI/client.crt" \
		--key "$PKI/intruder.key" "$R/x" -m 1
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: cannot load the client key '$PKI/intruder.key': key values mismatch" ]
}

@test "a TLS subscriber reconnects after a broker restart" {
	yoke-sub $S $CA -v "$R/x" -C 1 -W 30 \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/err"
	BROKER_DIR="$BATS_FILE_TMPDIR/tls" BROKER_PORT=$TLS_PORT \
		restart_broker 0.2
	# renewed: a second "subscribed" line after the reconnect
	wait_for eval '[ "$(grep -c ": subscribed to " "$BATS_TEST_TMPDIR/err")" -ge 2 ]'
	run --separate-stderr yoke-pub $S $CA "$R/x" -m back -q 1
	[ "$status" -eq 0 ]
	wait_lines "$BATS_TEST_TMPDIR/out" 1
	[ "$(jq -r .payload "$BATS_TEST_TMPDIR/out")" = back ]
}
