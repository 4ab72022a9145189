#!/bin/bash
# Fault injection (the core's fail_nth: Debian's kernels have no failslab
# nor fail_page_alloc): a run with fail_log finds the places of the
# fallible steps (allocations, ftrace and kprobe registrations) of an
# apply and of an undo, and each place then fails once.  An apply that
# fails leaves the kernel as before (the old values, the export absent)
# with no module of the update loaded; one that goes through is in effect.
# An undo that fails leaves the update applied and in effect, and a later
# undo works.  Four updates: new values of read-only data (one in a
# module), an export of a new module function, with binfmt_misc loaded,
# a function without an ftrace site (a jump over its entry), and kyber's
# tracepoints (a jump label the core links to the key of the module,
# kyber_iosched, loaded; its tracepoint on, so that linking patches the
# site and a failure after it must put the compiled bytes back).
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

nv=$(make_update nv "$KSPLICE_ROOT/tests/patches/new-values.patch")
rd=$(make_update rd "$KSPLICE_ROOT/tests/patches/tracing-readme.patch")
ex=$(make_update ex "$KSPLICE_ROOT/tests/patches/exports.patch")
kyb=$(make_update kyb "$KSPLICE_ROOT/tests/patches/kyber-trace.patch")
mods=$(kernel_modules "$KSPLICE_TEST_TMP/mods" binfmt_misc loop kyber-iosched)
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
F=/sys/module/ksplice/parameters/fail_nth
insmod /usr/lib/ksplice/ksplice.ko max_tries=2 retry_delay_ms=50 || fail "cannot load the core"
insmod $mods/binfmt_misc.ko || fail "cannot load binfmt_misc"
insmod $mods/loop.ko && insmod $mods/kyber-iosched.ko || fail "cannot load loop and kyber_iosched"
dd if=/dev/zero of=/tmp/disk bs=1M count=4 2>/dev/null
losetup /dev/loop0 /tmp/disk && echo kyber >/sys/block/loop0/queue/scheduler ||
	fail "cannot make kyber loop0's scheduler"
[ -e /sys/kernel/tracing/trace ] || mount -t tracefs nodev /sys/kernel/tracing
echo 1 >/sys/kernel/tracing/events/kyber/kyber_latency/enable ||
	fail "cannot enable kyber_latency"

# in_effect ID yes|no: whether update ID's change is what the kernel does
in_effect() {
	case \$1 in
	nv)
		_s=\$(sed -n 's/^State:[[:space:]]*//p' /proc/1/status)
		if [ \$2 = yes ]; then _w="S (sleeping, new value)"; else _w="S (sleeping)"; fi
		[ "\$_s" = "\$_w" ] || fail "State: '\$_s', expected '\$_w'" ;;
	rd)
		if [ \$2 = yes ]; then _w="ksplice: this README was replaced"; else _w="tracing mini-HOWTO:"; fi
		expect_prefix /sys/kernel/tracing/README "\$_w" ;;
	ex)
		if [ \$2 = yes ]; then
			grep -q " binfmt_misc_enabled	\\[ksplice_ex_new\\]" /proc/kallsyms ||
				fail "binfmt_misc_enabled is not in the kernel"
		else
			grep -q " binfmt_misc_enabled	" /proc/kallsyms &&
				fail "binfmt_misc_enabled is in the kernel"
		fi ;;
	kyb)
		if [ \$2 = yes ]; then _w="2000000 ksplice"; else _w="2000000"; fi
		_s=\$(cat /sys/block/loop0/queue/iosched/read_lat_nsec)
		[ "\$_s" = "\$_w" ] || fail "read_lat_nsec: '\$_s', expected '\$_w'" ;;
	esac
	return 0
}
# gone ID: nothing of update ID is loaded and its change is not in effect
gone() {
	expect_nothing_loaded \$1
	in_effect \$1 no
}
# injected N: the kernel log says failure N was injected
injected() {
	dmesg | grep -q "ksplice: injected failure \$1 at " ||
		{ dmesg | tail -n 20; fail "failure \$1 was not injected"; }
}

# sites OUT: after a run with fail_log, the first step of each place
sites() {
	dmesg | sed -n 's/.*ksplice: fallible step \([0-9]*\) at \([^ ]*\).*/\1 \2/p' |
		awk '!seen[\$2]++ { print \$1 }' >\$1
}
L=/sys/module/ksplice/parameters/fail_log

for id in nv ex rd kyb; do
	case \$id in nv) u=$nv ;; ex) u=$ex ;; rd) u=$rd ;; kyb) u=$kyb ;; esac
	gone \$id
	# the places of the fallible steps of an apply and of an undo
	echo 1 >\$L; echo 0 >\$F; dmesg -c >/dev/null
	ksplice-apply \$u >/tmp/out 2>&1 || { cat /tmp/out; fail "apply with fail_log failed"; }
	[ \$id != rd ] || grep -q "^tracing_readme_read jump " /sys/kernel/ksplice/rd/redirects ||
		fail "rd: tracing_readme_read is not redirected by a jump"
	[ \$id != kyb ] || dmesg | grep -q "fallible step [0-9]* at ksplice_keysites_link" ||
		fail "kyb: no jump label was linked"
	sites /tmp/apply.sites
	[ -s /tmp/apply.sites ] || fail "no fallible step of the apply was logged"
	echo 0 >\$F; dmesg -c >/dev/null
	ksplice-undo \$id >/tmp/out 2>&1 || { cat /tmp/out; fail "undo with fail_log failed"; }
	sites /tmp/undo.sites
	echo 0 >\$L
	gone \$id

	step "\$id: a failure at each place of the apply (\$(wc -l </tmp/apply.sites) places)"
	for n in \$(cat /tmp/apply.sites); do
		echo \$n >\$F
		dmesg -c >/dev/null
		if ksplice-apply \$u >/tmp/out 2>&1; then
			echo 0 >\$F
			echo "apply with failure \$n: applied (the place has a way around)"
			in_effect \$id yes
			ksplice-undo \$id >/tmp/out 2>&1 || { cat /tmp/out; fail "undo after apply \$n failed"; }
		else
			echo 0 >\$F
			injected \$n
			echo "apply with failure \$n: refused, \$(grep -m1 -v '^Applying' /tmp/out)"
		fi
		gone \$id
	done

	step "\$id: a failure at each place of the undo (\$(wc -l </tmp/undo.sites) places)"
	for n in \$(cat /tmp/undo.sites); do
		echo 0 >\$F
		ksplice-apply \$u >/tmp/out 2>&1 || { cat /tmp/out; fail "apply before undo \$n failed"; }
		echo \$n >\$F
		dmesg -c >/dev/null
		if ksplice-undo \$id >/tmp/out 2>&1; then
			echo 0 >\$F
			echo "undo with failure \$n: undone (the place has a way around)"
		else
			echo 0 >\$F
			injected \$n
			[ "\$(cat /sys/kernel/ksplice/\$id/stage)" = applied ] ||
				fail "undo \$n failed and left the update not applied"
			in_effect \$id yes
			echo "undo with failure \$n: refused, still applied"
			ksplice-undo \$id >/tmp/out 2>&1 || { cat /tmp/out; fail "undo after failed undo \$n failed"; }
		fi
		gone \$id
	done
done
echo "all good"
GUEST
run_guest "$guest" --add "$mods" --timeout 900
