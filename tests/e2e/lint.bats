#!/usr/bin/env bats
# The house rules a compiler does not see: lib/'s layers (lib/README.md).
bats_require_minimum_version 1.5.0
load helpers

setup_file() { :; }
teardown_file() { :; }

# layer_of FILE: the layer of a lib/ file (core, fleet, robot, sim).
layer_of() {
	case $1 in
	lib/*/*) d=${1#lib/}; echo "${d%%/*}" ;;
	*) echo core ;;
	esac
}

# rank LAYER: its place in the order core < fleet < robot < sim.
rank() {
	case $1 in core) echo 0 ;; fleet) echo 1 ;; robot) echo 2 ;; sim) echo 3 ;;
	*) echo 9 ;; esac
}

# includes_up [TOP]: every "#include" in TOP/lib/ (TOP: the tree) of a
# header from a layer above its own, or from no layer at all, as
# "FILE: HEADER (LAYER)".
includes_up() {
	local f h where
	cd "${1:-$YOKE_TOP}" || return 1
	for f in lib/*.[ch] lib/*/*.[ch]; do
		for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
			where=$(ls lib/"$h" lib/*/"$h" 2>/dev/null | head -1)
			case $h in *.pb-c.h) continue ;; esac
			if [ -z "$where" ]; then
				echo "$f: $h (not in lib/)"
			elif [ "$(rank "$(layer_of "$where")")" -gt \
			       "$(rank "$(layer_of "$f")")" ]; then
				echo "$f: $h ($(layer_of "$where"))"
			fi
		done
	done
}

@test "lint: no include in lib/ runs up a layer (core < fleet < robot < sim)" {
	run includes_up
	[ "$status" -eq 0 ]
	[ -z "$output" ] || { echo "$output"; false; }
}

@test "lint: the check sees an include that runs up" {
	# a core file naming a fleet header is what the check is for
	cp -r "$YOKE_TOP/lib" "$BATS_TEST_TMPDIR/lib"
	printf '#include "roster.h"\n' > "$BATS_TEST_TMPDIR/lib/zz_lint_probe.h"
	run includes_up "$BATS_TEST_TMPDIR"
	[ "$output" = "lib/zz_lint_probe.h: roster.h (fleet)" ]
}

@test "lint: every module of lib/ has its line in lib/README.md" {
	cd "$YOKE_TOP"
	missing=$(for f in lib/*.c lib/*/*.c; do
		m=$(basename "$f" .c)
		grep -q "^- \`$m\` - " lib/README.md || echo "$f"
	done)
	[ -z "$missing" ] || { echo "not in lib/README.md: $missing"; false; }
}

@test "lint: every main is under 150 lines (options, calls into lib, the exit code)" {
	cd "$YOKE_TOP"
	long=$(wc -l cmd/*.c | awk '$2 != "total" && $1 >= 150')
	[ -z "$long" ] || { echo "over 150 lines: $long"; false; }
}
