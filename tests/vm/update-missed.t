#!/bin/bash
# A call that ftrace's list function lets through to the old code (it
# skips every callback of a function it finds itself recursing into, as
# when the function tracer shares the function) reaches the guard after
# the ftrace site, runs the new code and is counted as caught in the
# update's redirects file; alone on its function, our direct call (or,
# with direct=N, our ftrace handler) sees every call.  tests/modules/recurse
# makes such a call with int_sqrt.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update sqrt "$KSPLICE_ROOT/tests/patches/sqrt-recurse.patch")
ko=$("$KSPLICE_ROOT/tests/modules/build" recurse "$KSPLICE_TEST_TMP/recurse")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
T=/sys/kernel/tracing
R=/sys/kernel/ksplice/sqrt/redirects

# calls EXPECTED: load the module, which logs "plain=P nested=N", and
# unload it (after running CHECK, if given)
calls()
{
	insmod $ko || fail "cannot load the recurse module"
	got=\$(dmesg | sed -n 's/.*ksplice-test-recurse: //p' | tail -n 1)
	echo "int_sqrt: \$got"
	[ "\$got" = "\$1" ] || fail "int_sqrt: \$got, expected \$1"
	[ -z "\${2-}" ] || \$2
	rmmod recurse || fail "cannot unload the recurse module"
}

# The filter int_sqrt traces the old function and the new one (same
# name): the plain call shows twice, the nested one only in the new code,
# since ftrace skipped its callbacks at the old one.
list_skipped()
{
	if [ "\$(grep -c "int_sqrt <-recurse_plain" \$T/trace)" != 2 ] ||
		[ "\$(grep -c "int_sqrt <-recurse_nested" \$T/trace)" != 1 ]; then
		cat \$T/trace
		fail "expected the plain call traced in both int_sqrt, the nested one in the new one only"
	fi
}

step "unpatched"
calls "plain=39907 nested=39907"
insmod /usr/lib/ksplice/ksplice.ko || fail "cannot load the core"

# The direct call (the default), and the ftrace handler (direct=N): the
# same calls are caught, none missed.
for kind in direct ftrace; do
	[ \$kind = direct ] || echo N >/sys/module/ksplice/parameters/direct
	step "\$kind: applied, the function tracer on int_sqrt too: the guard catches the call"
	ksplice-apply $update || fail "ksplice-apply failed"
	cat \$R
	grep -qx "int_sqrt \$kind caught=0 missed=0" \$R || fail "unexpected redirects before the calls"
	echo int_sqrt >\$T/set_ftrace_filter || fail "cannot filter int_sqrt"
	echo function >\$T/current_tracer || fail "cannot start the function tracer"
	echo >\$T/trace
	calls "plain=42 nested=42" list_skipped
	cat \$R
	grep -qx "int_sqrt \$kind caught=1 missed=0" \$R || fail "the guard did not count one caught call"
	ksplice-view --id=sqrt | grep -qx "  int_sqrt \$kind caught=1 missed=0" ||
		fail "ksplice-view does not show the redirects"

	step "\$kind: applied, ftrace ours alone: no recursion check on our way"
	echo nop >\$T/current_tracer
	echo >\$T/set_ftrace_filter
	calls "plain=42 nested=42"
	grep -qx "int_sqrt \$kind caught=1 missed=0" \$R || fail "a call went past our redirection"

	step "\$kind: reversed"
	ksplice-undo sqrt || fail "ksplice-undo failed"
	calls "plain=39907 nested=39907"
	expect_nothing_loaded sqrt
done
echo "all good"
GUEST
run_guest "$guest" --add "$KSPLICE_TEST_TMP/recurse"
