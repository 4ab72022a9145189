# SPDX-License-Identifier: GPL-2.0
# common.sh - messages, errors and command running for ksplice-create.
# Sourced by ksplice-create; expects $PROG and $VERBOSE.

# Exit codes, documented in ksplice-create --help: the KSPLICE_EXIT_*
# of ksplice-format.h, which ksplice-objdiff uses too.  The header sits in
# the core's sources (CORE_SRC) beside create/ (also where "make install"
# puts it).
CORE_SRC=${KSPLICE_CORE_SRC:-$SELF_DIR/../ksplice-core}
FORMAT_H=$CORE_SRC/ksplice-format.h
# What a patch may include: <ksplice-patch.h> (hooks).
CORE_INCLUDE=$CORE_SRC/include
if ! exit_codes=$(sed -n 's/^#define KSPLICE_\(EXIT_[A-Z_]*\)[[:space:]]*\([0-9][0-9]*\).*/readonly \1=\2/p' \
	"$FORMAT_H" 2>/dev/null) || [ -z "$exit_codes" ]; then
	echo "$PROG: cannot read the exit codes from $FORMAT_H (set KSPLICE_CORE_SRC)" >&2
	exit 1
fi
eval "$exit_codes"
unset exit_codes
# The update id rule, from the same header.
KSPLICE_ID_MAX=$(sed -n 's/^#define KSPLICE_ID_MAX[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$FORMAT_H")
[ -n "$KSPLICE_ID_MAX" ] || {
	echo "$PROG: cannot read KSPLICE_ID_MAX from $FORMAT_H" >&2
	exit 1
}

# say TEXT...: announce a step on stdout.
say()
{
	printf '%s\n' "$*"
}

# debug TEXT...: print only with -v.
debug()
{
	if [ "${VERBOSE:-0}" -ge 1 ]; then
		printf '%s\n' "$*"
	fi
}

# warn TEXT...: a warning on stderr.
warn()
{
	printf '%s: warning: %s\n' "$PROG" "$*" >&2
}

# die CODE TEXT...: report an error on stderr and exit with CODE.
die()
{
	local code=$1

	shift
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit "$code"
}

# usage_error TEXT...: a command line problem.
usage_error()
{
	printf '%s: %s\n' "$PROG" "$*" >&2
	printf "Try '%s --help' for more information.\n" "$PROG" >&2
	exit "$EXIT_USAGE"
}

# show_cmd CMD...: with -v, print a command the way a shell would read it.
show_cmd()
{
	if [ "${VERBOSE:-0}" -ge 1 ]; then
		printf '+'
		printf ' %q' "$@"
		printf '\n'
	fi
}

# run CMD...: run a command, printing it with -v.
run()
{
	show_cmd "$@"
	"$@"
}

# run_logged LOG CMD...: run a command with its output in LOG; with -v the
# output is also shown as it comes.  Returns the command's status.
run_logged()
{
	local log=$1

	shift
	# A shell function announces its own commands.
	declare -F "$1" >/dev/null || show_cmd "$@"
	if [ "${VERBOSE:-0}" -ge 1 ]; then
		"$@" 2>&1 | tee "$log"
		return "${PIPESTATUS[0]}"
	fi
	"$@" >"$log" 2>&1
}

# run_each FUNC ARG...: FUNC ARG for every ARG, in $JOBS processes (each
# ARG's output in WORK), then all their output in the order of the ARGs.
run_each()
{
	local func=$1 w i n=${JOBS:-1}
	local -a args files=()

	shift
	args=("$@")
	for ((i = 0; i < ${#args[@]}; i++)); do
		files+=("$WORK/each-$func.$i")
	done
	for ((w = 0; w < n; w++)); do
		for ((i = w; i < ${#args[@]}; i += n)); do
			"$func" "${args[i]}" >"${files[i]}"
		done &
	done
	wait
	[ ${#files[@]} -eq 0 ] || cat -- "${files[@]}"
	rm -f -- "${files[@]}"
}

# each_log OBJ: where a step that run_each runs for OBJ keeps its output.
each_log()
{
	printf '%s\n' "$WORK/each-$$-${1//\//_}.log"
}

# each_logs_collect LOG OBJ...: append the OBJs' each_log files to LOG and
# remove them.
each_logs_collect()
{
	local log=$1 obj one

	shift
	for obj in "$@"; do
		one=$(each_log "$obj")
		cat -- "$one" >>"$log" 2>/dev/null
		rm -f -- "$one"
	done
}

# show_build_errors LOG: the useful part of a failed build's output: the
# compiler's diagnostics, without make's directory chatter.
show_build_errors()
{
	local log=$1

	grep -v -e '^make\(\[[0-9]*\]\)\?: \(Entering\|Leaving\) directory' \
		-e '^  [A-Z][A-Z_]* ' \
		"$log" | tail -n 60 >&2
}

# sha256_of FILE: the hex sha256 of a file.
sha256_of()
{
	sha256sum "$1" | cut -d' ' -f1
}

# sha256_text TEXT: the hex sha256 of a string.
sha256_text()
{
	printf '%s' "$1" | sha256sum | cut -d' ' -f1
}
