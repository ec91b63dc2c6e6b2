# drive.bash - yoke-drive's console in a tmux pane, for drive.bats and
# drive-sim.bats (load it after helpers).  The pane stays after the
# console ends, so its last screen can be read.

# console [OPTIONS...]: the console for robot $R on a terminal, until its
# prompt shows; CPID is its pid, its exit status goes to $BATS_TEST_TMPDIR/rc
# and the terminal's settings after it to $BATS_TEST_TMPDIR/stty.
console() {
	rm -f "$BATS_TEST_TMPDIR/rc"
	tmux -L "yk$R" new-session -d -x 160 -y 40 \
		"env XDG_STATE_HOME=$BATS_TEST_TMPDIR/state yoke-drive $B $* $R; rc=\$?; stty -a > $BATS_TEST_TMPDIR/stty; echo \$rc > $BATS_TEST_TMPDIR/rc" \; \
		set-option -w remain-on-exit on
	wait_for on_screen "^$R .* >\$"
	CPID=$(pgrep -P "$(tmux -L "yk$R" display -p '#{pane_pid}')" yoke-drive)
}
screen() { tmux -L "yk$R" capture-pane -p; }
on_screen() { screen | grep -q -- "$1"; }
keys() { tmux -L "yk$R" send-keys "$@"; }
# the console's exit status, once it ended
ended() { [ -s "$BATS_TEST_TMPDIR/rc" ]; }
dead_status() { cat "$BATS_TEST_TMPDIR/rc"; }

# ---- what yoke-drive publishes on $T/commands (load helpers first) ----

# capture: mosquitto_sub on this robot's commands (and a marker topic),
# payloads as hex, in the background until it is seen to be subscribed.
capture() {
	CAP=$BATS_TEST_TMPDIR/cap
	mosquitto_sub -p "$BROKER_PORT" -q 1 -t "$T/commands" -t "$T/mark" \
		-F '%t %x' > "$CAP" 3>&- &
	PIDS+=($!)
	# a marker sent before the subscription took is lost: send another
	wait_for marked 2
}

# marked [SECONDS]: a marker sent now came back (within the hang guard,
# or SECONDS).  Messages a client had acknowledged before it reach the
# subscriber first (QoS 1, in order).
marked() {
	local n end=$((SECONDS + ${1:-$HANG_S}))
	n=$(grep -c '/mark ' "$CAP" 2> /dev/null)
	mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$T/mark" -m m
	until [ "$(grep -c '/mark ' "$CAP")" -gt "$n" ]; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# decode HEX: one CloudCommand in protobuf text format, on one line.
decode() {
	printf "$(sed 's/../\\x&/g' <<< "$1")" |
		protoc-c --decode=asimov.CloudCommand -I"$YOKE_TOP/proto" \
			"$YOKE_TOP/proto/asimov.proto" | tr -s ' \n' ' '
}

# sent: every command captured so far, decoded, one per line (after a
# marker, so all that was acknowledged is in).
sent() {
	marked
	awk '$1 ~ /\/commands$/ { print $2 }' "$CAP" | while read -r h; do
		decode "$h"
		echo
	done
}

# hex: the raw payloads, one per line.
hex() {
	marked
	awk '$1 ~ /\/commands$/ { print $2 }' "$CAP"
}

# count_sent TEXT: how many commands captured so far end with TEXT, a
# command in text format ('velocity { vx: 0.2 }'): the encoded command
# is the last field of each (fields go in number order), so the raw bytes
# are counted, none decoded
count_sent() {
	local h
	h=$(printf '%s' "$1" | protoc-c --encode=asimov.CloudCommand \
		-I"$YOKE_TOP/proto" "$YOKE_TOP/proto/asimov.proto" |
		od -An -tx1 | tr -d ' \n')
	awk -v h="$h" '$1 ~ /\/commands$/ &&
		substr($2, length($2) - length(h) + 1) == h' "$CAP" | wc -l
}
# sent_at_least N TEXT: N such commands came
sent_at_least() { [ "$(count_sent "$2")" -ge "$1" ]; }

# a command without its timestamp
strip() { sed 's/timestamp_us: [0-9]* //'; }

# killed_moving VX: vel VX streaming, SIGKILLed once its commands come;
# returns once the broker sent something after (its will).
killed_moving() {
	local pid
	yoke-drive $B "$R" vel "$1" 0 0 --for 10 3>&- &
	pid=$!
	wait_for grep -q commands "$CAP"
	kill -KILL "$pid"
	wait "$pid" || true
	# the will goes when the broker sees the connection drop
	wait_for bash -c "awk '\$1 ~ /commands\$/' '$CAP' | tail -1 | grep -q ' 08'"
}

# zero_last: the commands captured end with a velocity that is not zero
# and then a zero velocity with the next sequence (the stop was sent,
# not left to the robot's deadman or the will).
zero_last() {
	local n
	sent | strip > "$BATS_TEST_TMPDIR/s"
	n=$(wc -l < "$BATS_TEST_TMPDIR/s")
	[ "$n" -ge 2 ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/s")" = "sequence: $n velocity { } " ]
	[[ "$(tail -2 "$BATS_TEST_TMPDIR/s" | head -1)" == "sequence: $((n - 1)) velocity { v"* ]]
}
