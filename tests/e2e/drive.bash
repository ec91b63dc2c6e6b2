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
