# SPDX-License-Identifier: GPL-2.0
# create-run.sh - sourced by the tree set-ups of tests/unit/create-*.t:
# running ksplice-create ($CREATE, in $T) and failing with its output.

# create ARGS...: run ksplice-create in $T/run; output in $T/out and $T/err,
# status in $STATUS.
create()
{
	mkdir -p "$T/run"
	STATUS=0
	(cd "$T/run" && "$CREATE" "$@") >"$T/out" 2>"$T/err" || STATUS=$?
}

fail()
{
	echo "FAIL: $*"
	echo "--- stdout"; cat "$T/out"
	echo "--- stderr"; cat "$T/err"
	exit 1
}
