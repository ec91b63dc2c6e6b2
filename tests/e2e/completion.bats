#!/usr/bin/env bats
# completion/yoke.bash: what bash offers at the tab key, from each tool's
# own --help (options, their values, verbs), for yoke-TOOL and yoke TOOL.
bats_require_minimum_version 1.5.0
load helpers

setup_file() { :; }
teardown_file() { :; }

# complete WORDS...: the words bash would offer for the last of WORDS,
# sorted, on one line.
complete_words() {
	# shellcheck source=completion/yoke.bash
	source "$YOKE_TOP/completion/yoke.bash"
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_yoke_complete
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}

@test "options come from --help" {
	run complete_words yoke-pub --re
	[ "$output" = "--repeat --repeat-delay --retain " ]
	run complete_words yoke pub --qo
	[ "$output" = "--qos " ]
}

@test "the dispatcher offers every tool" {
	run complete_words yoke ""
	for t in pub sub get alive robot-status help; do
		[[ " $output" == *" $t "* ]]
	done
}

@test "yoke-robot-status: verbs, then a STATUS after set and wait ROBOT" {
	run complete_words yoke-robot-status ""
	[ "$output" = "agent register set unregister wait " ]
	run complete_words yoke-robot-status -b mqtt://h:1 s
	[ "$output" = "set " ]
	run complete_words yoke-robot-status set o
	[ "$output" = "offline online " ]
	run complete_words yoke robot-status wait arm-1 ""
	[ "$output" = "fault idle missing offline online unknown " ]
	run complete_words yoke-robot-status agent --status i
	[ "$output" = "idle " ]
	# no verbs where a tool has none
	run complete_words yoke-pub ""
	[ "$output" = " " ]
}

@test "--decode and --encode offer the protobuf types; --framing its choices" {
	run complete_words yoke-sub --decode asimov.Edge
	[ "$output" = "asimov.EdgeDiagnostics asimov.EdgeError asimov.EdgeEvent asimov.EdgeTelemetry " ]
	run complete_words yoke-sub --decode a
	# auto and the 13 messages of package asimov
	[[ " $output" == *" auto "* ]]
	[ "$(wc -w <<< "$output")" -eq 14 ]
	run complete_words yoke sub --decode=au
	[ "$output" = "--decode=auto " ]
	run complete_words yoke-pub --encode foxglove.
	[ "$output" = "foxglove.CompressedImage foxglove.CompressedVideo " ]
	# --encode auto: the key's channel's type
	run complete_words yoke-pub --encode au
	[ "$output" = "auto " ]
	run complete_words yoke-sub --framing ""
	[ "$output" = "delimited " ]
	run complete_words yoke-pub --framing ""
	[ "$output" = "delimited lines " ]
}

@test "yoke-drive: the verbs after ROBOT, modes after mode, options" {
	run complete_words yoke-drive r1 ""
	[ "$output" = "cancel invoke mode skills state stop traj vel vision " ]
	run complete_words yoke drive -b mqtt://h:1 r1 s
	[ "$output" = "skills state stop " ]
	run complete_words yoke-drive r1 mode ""
	[ "$output" = "damp stand " ]
	run complete_words yoke-drive r1 vel 1 0 0 --f
	[ "$output" = "--for " ]
	run complete_words yoke-drive r1 --on-error ""
	[ "$output" = "exit skip " ]
	# the robot comes first: no verb offered in its place
	run complete_words yoke-drive ""
	[ "$output" = " " ]
}

@test "yoke-sim: its options, and yoke sim" {
	run complete_words yoke-sim --s
	[ "$output" = "--seed --speed " ]
	run complete_words yoke sim -C
	[ "$output" = "-C " ]
	run complete_words yoke si
	[ "$output" = "sim " ]
}

@test "options go with their verb: agent offers no fleet-view flag, wait its -W" {
	run complete_words yoke-robot-status agent --
	[[ " $output" == *" --status "* && " $output" == *" --heartbeat "* ]]
	[[ " $output" != *" --watch "* && " $output" != *" --json "* ]]
	[[ " $output" != *" --reason "* && " $output" != *" --timeout "* ]]
	# the shared options stay
	[[ " $output" == *" --broker "* && " $output" == *" --robot "* ]]
	run complete_words yoke-robot-status --w
	[ "$output" = "--watch " ]
	run complete_words yoke robot-status wait arm-1 online -
	[[ " $output" == *" -W "* && " $output" != *" --watch "* ]]
	run complete_words yoke-drive r1 vel 1 0 0 --
	[[ " $output" == *" --for "* && " $output" == *" --clamp "* ]]
	[[ " $output" != *" --width "* && " $output" != *" --on-error "* ]]
	run complete_words yoke-drive r1 vision pov --
	[[ " $output" == *" --width "* && " $output" != *" --for "* ]]
}

@test "an option no other verb takes is offered with its verb only: --ready-fd (agent), --stale (view, wait), --width (vision)" {
	run complete_words yoke-robot-status agent --re
	[ "$output" = "--ready-fd " ]
	for v in set "wait arm-1 online" "register arm-1" ""; do
		# shellcheck disable=SC2086
		run complete_words yoke-robot-status $v --re
		[ "$output" = "--reason " ] || [ "$output" = " " ]
	done
	run complete_words yoke-robot-status wait arm-1 online --st
	[ "$output" = "--stale " ]
	run complete_words yoke-robot-status --st
	[ "$output" = "--stale " ]
	run complete_words yoke-robot-status agent --st
	[ "$output" = "--status " ]
	for v in skills invoke cancel state; do
		run complete_words yoke-drive r1 $v --
		[[ " $output" == *" --timeout "* ]]
		[[ " $output" != *" --width "* && " $output" != *" --output "* ]]
	done
	run complete_words yoke-drive r1 vision pov --
	[[ " $output" == *" --width "* && " $output" == *" --output "* ]]
	# and what is offered is taken: each verb refuses the others' options
	run yoke-robot-status set idle -r x --ready-fd 3 3>/dev/null
	[ "$status" -eq 2 ] && [[ $output == *"goes with agent, not set"* ]]
	run yoke-drive r1 state pose -o /dev/null
	[ "$status" -eq 2 ] && [[ $output == *"goes with vision, not state"* ]]
}

@test "yoke-drive ROBOT invoke / vision: the robot's skills and cameras, asked with the options typed" {
	start_broker
	R=c$RANDOM
	yoke-sim $B -r "$R" > /dev/null 2>&1 3>&- &
	PIDS=($!)
	wait_for yoke-drive $B "$R" state mode -W 0.5
	run complete_words yoke-drive $B "$R" invoke ""
	[ "$output" = "dock go_to set_velocity " ]
	run complete_words yoke drive $B "$R" invoke go
	[ "$output" = "go_to " ]
	run complete_words yoke-drive $B "$R" vision ""
	[ "$output" = "pov topdown " ]
	# no robot there: nothing, and soon
	run complete_words yoke-drive $B nobody invoke ""
	[ "$output" = " " ]
	kill_pids
	stop_broker
}

@test "yoke-log --level: the levels and auto" {
	run complete_words yoke-log --level ""
	[ "$output" = "auto debug error info warn " ]
}

@test "yoke-fault: --resolve and --resolve-all; yoke-robot-status: --all, --hide-after" {
	run complete_words yoke-fault --res
	[ "$output" = "--resolve --resolve-all " ]
	run complete_words yoke-robot-status --hi
	[ "$output" = "--hide-after " ]
}

@test "a mode flag chooses the options offered: yoke-get --serve" {
	run complete_words yoke-get --serve k/x --
	[[ " $output" == *" --exec "* && " $output" == *" --reply-file "* ]]
	[[ " $output" != *" --count "* && " $output" != *" --expect "* ]]
	run complete_words yoke-get k/x --
	[[ " $output" == *" --count "* && " $output" == *" --serve "* ]]
	[[ " $output" != *" --exec "* && " $output" != *" --ready-fd "* ]]
}
