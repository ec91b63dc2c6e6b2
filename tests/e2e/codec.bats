#!/usr/bin/env bats
# JSON <-> protobuf on the wire: yoke-pub --encode, yoke-sub --decode and
# --framing delimited against a real mosquitto, checked against protoc-c
# (an encoder and decoder that shares no code with yoke).
bats_require_minimum_version 1.5.0
load helpers

CMD='{"timestamp_us":1700000000000000,"sequence":7,"velocity":{"vx":0.5,"vy":-0.25,"vyaw":1}}'

# protoc_c encode|decode TYPE: protoc-c's text format <-> wire bytes
protoc_c() {
	protoc-c "--$1=$2" -I"$YOKE_TOP/proto" "$YOKE_TOP/proto/asimov.proto"
}

# sub_bg OUT ARGS...: yoke-sub -v in the background, subscribed on return
sub_bg() {
	local out=$1
	shift
	yoke-sub $B -v "$@" > "$out" 2> "$out.err" &
	PIDS+=($!)
	subscribed "$out.err"
}

@test "--encode asimov.CloudCommand -> --decode auto: the same JSON back" {
	sub_bg "$BATS_TEST_TMPDIR/out" "$R/commands" --decode auto -C 1 -W "$HANG_S"
	run --separate-stderr yoke-pub $B "$R/commands" -q 1 \
		--encode asimov.CloudCommand -m "$CMD"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	wait "${PIDS[-1]}"
	[ "$(jq -c .payload "$BATS_TEST_TMPDIR/out")" = "$CMD" ]
	[ "$(jq -c 'del(.ts)' "$BATS_TEST_TMPDIR/out")" = "{\"key\":\"$R/commands\",\"qos\":1,\"retain\":false,\"payload\":$CMD}" ]
}

@test "--encode: the bytes on the wire are what protoc-c decodes" {
	yoke-pub $B "$R/commands" -q 1 -r --encode CloudCommand -m "$CMD"
	mosquitto_sub -p "$BROKER_PORT" -t "$T/commands" -C 1 -W "$HANG_S" -F %x |
		xxd -r -p > "$BATS_TEST_TMPDIR/wire"
	run protoc_c decode asimov.CloudCommand < "$BATS_TEST_TMPDIR/wire"
	[ "$status" -eq 0 ]
	[ "$output" = "timestamp_us: 1700000000000000
sequence: 7
velocity {
  vx: 0.5
  vy: -0.25
  vyaw: 1
}" ]
	# and protoc-c's own encoding of that text is the same bytes
	cmp "$BATS_TEST_TMPDIR/wire" <(echo "$output" |
		protoc_c encode asimov.CloudCommand)
}

@test "--decode: protoc-c's bytes as JSON; both mode enums by name" {
	sub_bg "$BATS_TEST_TMPDIR/out" "$R/*" --decode auto -C 3 -W "$HANG_S"
	echo 'mode { mode: MODE_DAMP }' | protoc_c encode asimov.CloudCommand |
		yoke-pub $B "$R/commands" -s -q 1
	echo 'sequence: 3 fw_mode: FW_MODE_STAND joint_pos: [1, -2.5]' |
		protoc_c encode asimov.EdgeTelemetry |
		yoke-pub $B "$R/state" -s -q 1
	echo 'diagnostics { onnx_count: 9007199254740993 }' |
		protoc_c encode asimov.EdgeEvent |
		yoke-pub $B "$R/system" -s -q 1
	wait "${PIDS[-1]}"
	run jq -c .payload "$BATS_TEST_TMPDIR/out"
	[ "${lines[0]}" = '{"timestamp_us":0,"sequence":0,"mode":{"mode":"MODE_DAMP"}}' ]
	[ "${lines[1]}" = '{"timestamp_us":0,"fw_timestamp_us":0,"sequence":3,"fw_mode":"FW_MODE_STAND","joint_pos":[1,-2.5],"joint_vel":[],"joint_current":[],"joint_temp":[],"imu_quat":[],"imu_gyro":[],"imu_gravity":[],"error_flags":0,"active_alerts":[],"fw_age_ms":0,"last_video_timestamp_us":0,"last_audio_timestamp_us":0}' ]
	# past 2^53, a 64-bit integer is a string (jq would round a number)
	[ "${lines[2]}" = '{"timestamp_us":0,"sequence":0,"diagnostics":{"can_health":[],"onnx_avg_ms":0,"onnx_max_ms":0,"onnx_count":"9007199254740993","controller":"","provisioned":false,"cloud_connected":false,"ble_connected":false,"camera_active":false,"mic_active":false}}' ]
}

@test "--decode auto leaves channels without a type as they are" {
	sub_bg "$BATS_TEST_TMPDIR/out" "$R/**" --decode auto -C 3 -W "$HANG_S"
	yoke-pub $B "$R/telemetry" -q 1 -m '{"metric":"t","value":1}'
	yoke-pub $B "$R/video/cam/info" -q 1 -m '{"codec":"h264"}'
	yoke-pub $B "$R/rpc/invoke" -q 1 --encode yoke.InvokeRequest \
		-m '{"skill":"dock"}'
	wait "${PIDS[-1]}"
	run jq -c .payload "$BATS_TEST_TMPDIR/out"
	[ "${lines[0]}" = '{"metric":"t","value":1}' ]
	[ "${lines[1]}" = '{"codec":"h264"}' ]
	[ "${lines[2]}" = '{"skill":"dock","args_json":""}' ]
}

@test "--decode TYPE: a bare name; --format text prints KEY JSON" {
	sub_bg "$BATS_TEST_TMPDIR/out" "$R/x" --decode VelocityCommand \
		--format text -C 1 -W "$HANG_S"
	yoke-pub $B "$R/x" -q 1 --encode asimov.VelocityCommand -m '{"vx":2}'
	wait "${PIDS[-1]}"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$R/x {\"vx\":2,\"vy\":0,\"vyaw\":0}" ]
}

@test "--decode --format text: a payload that does not decode is printed as it came" {
	sub_bg "$BATS_TEST_TMPDIR/out" "$R/commands" --decode auto \
		--format text -C 2 -W "$HANG_S"
	yoke-pub $B "$R/commands" -q 1 -m 'stop!'
	yoke-pub $B "$R/commands" -q 1 --encode CloudCommand -m '{"sequence":2}'
	wait "${PIDS[-1]}"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$R/commands stop!
$R/commands {\"timestamp_us\":0,\"sequence\":2}" ]
	grep -qx "yoke-sub: cannot decode '$R/commands': not a valid asimov.CloudCommand (printed as it came; said once)" \
		"$BATS_TEST_TMPDIR/out.err"
}

@test "--decode: a payload that does not decode is payload_b64 with error, said once" {
	sub_bg "$BATS_TEST_TMPDIR/out" "$R/state" --decode auto -C 3 -W "$HANG_S"
	yoke-pub $B "$R/state" -q 1 -m 'not protobuf!'
	yoke-pub $B "$R/state" -q 1 --encode EdgeTelemetry -m '{"sequence":5}'
	printf '\377' | yoke-pub $B "$R/state" -q 1 -s
	wait "${PIDS[-1]}"
	run jq -c 'del(.ts)' "$BATS_TEST_TMPDIR/out"
	[ "${lines[0]}" = "{\"key\":\"$R/state\",\"qos\":1,\"retain\":false,\"error\":\"not a valid asimov.EdgeTelemetry\",\"payload_b64\":\"bm90IHByb3RvYnVmIQ==\"}" ]
	[ "$(jq -c .payload.sequence <<< "${lines[1]}")" = 5 ]
	[ "${lines[2]}" = "{\"key\":\"$R/state\",\"qos\":1,\"retain\":false,\"error\":\"not a valid asimov.EdgeTelemetry\",\"payload_b64\":\"/w==\"}" ]
	run grep -v ': connected to\|: subscribed to' "$BATS_TEST_TMPDIR/out.err"
	[ "$output" = "yoke-sub: cannot decode '$R/state': not a valid asimov.EdgeTelemetry (printed as payload_b64 with \"error\"; said once)" ]
}

@test "--framing delimited: each payload after its varint length" {
	sub_bg "$BATS_TEST_TMPDIR/out" "$R/x" --framing delimited -C 3 -W "$HANG_S"
	yoke-pub $B "$R/x" -q 1 -m abc
	yoke-pub $B "$R/x" -q 1 -n
	printf 'z%.0s' $(seq 130) | yoke-pub $B "$R/x" -q 1 -s
	wait "${PIDS[-1]}"
	[ "$(head -c 7 "$BATS_TEST_TMPDIR/out" | xxd -p)" = 03616263008201 ]
	[ "$(wc -c < "$BATS_TEST_TMPDIR/out")" -eq $((4 + 1 + 2 + 130)) ]
}

@test "--framing delimited relays a protobuf stream: sub | pub" {
	sub_bg "$BATS_TEST_TMPDIR/out" "$R-copy/state" --decode auto -C 2 -W "$HANG_S"
	yoke-sub $B -v "$R/state" --framing delimited -C 2 -W "$HANG_S" \
		2> "$BATS_TEST_TMPDIR/relay.err" |
		yoke-pub $B "$R-copy/state" --framing delimited -q 1 &
	PIDS+=($!)
	subscribed "$BATS_TEST_TMPDIR/relay.err"
	# the second is over 127 bytes: a two-byte length prefix
	printf '%s\n' '{"sequence":1}' \
		"{\"sequence\":2,\"joint_temp\":[$(seq -s, 30 54)]}" |
		yoke-pub $B "$R/state" -q 1 -l --encode asimov.EdgeTelemetry
	wait "${PIDS[-2]}"
	run jq -c '[.payload.sequence, (.payload.joint_temp | length)]' \
		"$BATS_TEST_TMPDIR/out"
	[ "$output" = "$(printf '[1,0]\n[2,25]')" ]
}

@test "Timestamp: RFC 3339 in, protoc-c reads seconds and nanos, UTC out" {
	sub_bg "$BATS_TEST_TMPDIR/out" "$R/video/cam" --decode auto -C 1 -W "$HANG_S"
	yoke-pub $B "$R/video/cam" -q 1 -r --encode foxglove.CompressedVideo \
		-m '{"timestamp":"2026-11-22T00:08:38.5+01:30","format":"h264"}'
	wait "${PIDS[-1]}"
	run jq -c .payload "$BATS_TEST_TMPDIR/out"
	[ "$output" = '{"timestamp":"2026-11-21T22:38:38.500Z","frame_id":"","data":"","format":"h264"}' ]
	mosquitto_sub -p "$BROKER_PORT" -t "$T/video/cam" -C 1 -W "$HANG_S" -F %x |
		xxd -r -p > "$BATS_TEST_TMPDIR/wire"
	run protoc-c --decode=foxglove.CompressedVideo -I"$YOKE_TOP/proto" \
		"$YOKE_TOP/proto/foxglove/CompressedVideo.proto" \
		< "$BATS_TEST_TMPDIR/wire"
	[ "$status" -eq 0 ]
	[ "$output" = "timestamp {
  seconds: 1795300718
  nanos: 500000000
}
format: \"h264\"" ]
	run --separate-stderr yoke-pub $B "$R/video/cam" --encode \
		foxglove.CompressedVideo -m '{"timestamp":"2026-02-29T00:00:00Z"}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: foxglove.CompressedVideo: timestamp: not an RFC 3339 time: '2026-02-29T00:00:00Z'" ]
}

@test "--encode -l: a bad line exits 2 naming the line and the field; lines before it delivered, none after" {
	# three: the two lines before the bad one, and one sent after it
	sub_bg "$BATS_TEST_TMPDIR/out" "$R/commands" --decode auto -C 3 \
		-W "$HANG_S"
	run --separate-stderr yoke-pub $B "$R/commands" -q 1 -l \
		--encode asimov.CloudCommand <<'EOF2'
{"sequence":1,"mode":{"mode":"MODE_STAND"}}

{"sequence":2,"mode":{"mode":1}}
{"sequence":3,"velocity":{"vx":true}}
{"sequence":4}
EOF2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 4: asimov.CloudCommand: velocity.vx: expected a number, got a boolean" ]
	# after it, in order: a line after the bad one would come before
	yoke-pub $B "$R/commands" -q 1 --encode asimov.CloudCommand \
		-m '{"sequence":9}'
	wait "${PIDS[-1]}"
	run jq -c '[.payload.sequence, .payload.mode.mode]' "$BATS_TEST_TMPDIR/out"
	[ "$output" = "$(printf '[1,"MODE_STAND"]\n[2,"MODE_DAMP"]\n[9,null]')" ]
}

@test "--encode: -0.0 in a singular float is sent, as protoc-c sends it" {
	mosquitto_sub -p "$BROKER_PORT" -t "$T/commands" -C 1 -W "$HANG_S" -F %x \
		> "$BATS_TEST_TMPDIR/hex" &
	PIDS+=($!)
	# no readiness line from mosquitto_sub: a retained message instead
	yoke-pub $B "$R/commands" -q 1 -r --encode CloudCommand \
		-m '{"sequence":3,"velocity":{"vx":-0.0,"vy":0.5,"vyaw":-0}}'
	wait "${PIDS[-1]}"
	printf "$(sed 's/../\\x&/g' "$BATS_TEST_TMPDIR/hex")" \
		> "$BATS_TEST_TMPDIR/wire"
	run protoc_c decode asimov.CloudCommand < "$BATS_TEST_TMPDIR/wire"
	[ "$status" -eq 0 ]
	[ "$output" = "sequence: 3
velocity {
  vx: -0
  vy: 0.5
  vyaw: -0
}" ]
	run yoke-sub $B "$R/commands" --retained-only --decode auto
	[ "$(echo "$output" | jq -c .payload)" = '{"timestamp_us":0,"sequence":3,"velocity":{"vx":-0,"vy":0.5,"vyaw":-0}}' ]
}

@test "--encode -l: a lone surrogate exits 2 naming the line and the field" {
	run --separate-stderr yoke-pub $B "$R/rpc/invoke" -q 1 -l \
		--encode yoke.InvokeRequest <<'EOF2'
{"skill":"wave"}
{"skill":"x\ud800"}
EOF2
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input line 2: yoke.InvokeRequest: skill: a lone surrogate escape is not a character" ]
}

@test "--encode: bad JSON in -m, -f and -s exits 2 before publishing" {
	run --separate-stderr yoke-pub $B "$R/c" -r -q 1 --encode CloudCommand \
		-m '{"mode":{"mode":"FW_MODE_MOVE"}}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: asimov.CloudCommand: mode.mode: 'FW_MODE_MOVE' is not a value of the enum" ]
	echo '{"sequence":-1}' > "$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr yoke-pub $B "$R/c" -r -q 1 --encode CloudCommand \
		-f "$BATS_TEST_TMPDIR/c.json"
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: '$BATS_TEST_TMPDIR/c.json': asimov.CloudCommand: sequence: '-1' is not an integer in the field's range" ]
	run --separate-stderr yoke-pub $B "$R/c" -r -q 1 --encode CloudCommand -s \
		<<< '{"velocity":{},"mode":{}}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: standard input: asimov.CloudCommand: mode: a second member of its oneof" ]
	# nothing was published: no retained value (-r above)
	run --separate-stderr mosquitto_sub -p "$BROKER_PORT" -t "$T/c" -W 1
	[ "$status" -eq 27 ]
	[ -z "$output" ]
}

@test "unknown and ambiguous types exit 2 naming them; options that disagree" {
	run --separate-stderr yoke-pub $B "$R/c" --encode Nope -m '{}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: unknown protobuf type 'Nope' (known: asimov.CloudCommand, asimov.EdgeTelemetry, asimov.EdgeEvent, yoke.RpcReply, foxglove.CompressedVideo, ...; see yoke(7))" ]
	run --separate-stderr yoke-sub $B "$R/c" --decode asimov.Nope
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: unknown protobuf type 'asimov.Nope' (known: asimov.CloudCommand, asimov.EdgeTelemetry, asimov.EdgeEvent, yoke.RpcReply, foxglove.CompressedVideo, ...; see yoke(7))" ]
	run --separate-stderr yoke-pub $B "$R/c" --encode CloudCommand -n
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: --encode goes with -m, -f, -s, -l or --ndjson" ]
	run --separate-stderr yoke-pub $B "$R/c" --encode CloudCommand \
		--framing delimited
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-pub: --encode goes with -m, -f, -s, -l or --ndjson" ]
	run --separate-stderr yoke-sub $B "$R/c" --framing delimited --format json
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: --framing delimited and --format json disagree" ]
	run --separate-stderr yoke-sub $B "$R/c" --framing delimited --decode auto
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: --framing delimited and --decode disagree" ]
	run --separate-stderr yoke-sub $B "$R/c" --format raw --decode auto
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: --format raw and --decode disagree" ]
	run --separate-stderr yoke-sub $B "$R/c" --framing lines
	[ "$status" -eq 2 ]
	[ "$stderr" = "yoke-sub: invalid value 'lines' for --framing: expected delimited" ]
}

@test "--decode help and --encode help list every type, exit 0" {
	run --separate-stderr yoke-sub --decode help
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 32 ]
	[ "${lines[0]}" = asimov.CloudCommand ]
	[[ " ${lines[*]} " == *" asimov.EdgeTelemetry "* ]]
	[[ " ${lines[*]} " == *" yoke.RpcReply "* ]]
	[[ " ${lines[*]} " == *" foxglove.CompressedVideo "* ]]
	run --separate-stderr yoke-pub --encode help
	[ "$status" -eq 0 ]
	[ "$output" = "$(yoke-sub --decode help)" ]
}
