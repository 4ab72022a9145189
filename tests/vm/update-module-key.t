#!/bin/bash
# A module fix whose new code uses a static key of the module itself
# (kyber-trace.patch): the kyber I/O scheduler's latency files fire the
# module's own tracepoint (jump labels the new code turns into checks of
# the key), and its percentile calculation, run by a timer after I/O,
# reports a new latency type (a 2-byte jump label too far from the end of
# its function: linked to the key by the core).  The update is applied
# while kyber_iosched is not loaded: it waits (the key does not exist
# yet), and patches the module when it loads.  The new code follows the
# key both ways (the tracepoint off: no event; on: the events), also after
# the module was unloaded and loaded again at another address; no kprobe
# goes into the new code, which the core writes into.  Undone,
# nothing stays loaded and the module's files are as before; applied
# while the module is loaded, the module can still be unloaded, and comes
# back patched.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update kyb "$KSPLICE_ROOT/tests/patches/kyber-trace.patch")
# the percentile's jump label is one the core links
tar -xzOf "$update" ksplice-kyb/ksplice_kyb_new.ko >"$KSPLICE_TEST_TMP/new.ko"
nm "$KSPLICE_TEST_TMP/new.ko" | grep -q ' keysite_entries$' ||
	{ echo "FAIL: the update links no jump label: calculate_percentile's site is not a far 2-byte one"; exit 1; }
mods=$(kernel_modules "$KSPLICE_TEST_TMP/mods" loop kyber-iosched)
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
T=/sys/kernel/ksplice/kyb/targets
TR=/sys/kernel/tracing
Q=/sys/block/loop0/queue
L=\$Q/iosched/read_lat_nsec

# kyber: kyber_iosched loaded and the scheduler of loop0; nokyber: the reverse
kyber() {
	insmod $mods/kyber-iosched.ko || fail "cannot load kyber_iosched"
	echo kyber >\$Q/scheduler || fail "cannot make kyber loop0's scheduler"
}
nokyber() {
	echo none >\$Q/scheduler
	rmmod kyber_iosched || fail "cannot unload kyber_iosched"
}
# latency WORD: the read latency file says "2000000 WORD" or, without
# WORD, "2000000"
latency() {
	[ "\$(cat \$L)" = "2000000\${1:+ \$1}" ] ||
		fail "read_lat_nsec says '\$(cat \$L)', expected '2000000\${1:+ \$1}'"
}
# events N: the trace holds N kyber_latency events of the latency files'
# new code
events() {
	_n=\$(grep -c 'kyber_latency: .* ksplice p1 2/3 samples=4' \$TR/trace || true)
	[ "\$_n" = "\$1" ] || { cat \$TR/trace; fail "\$_n events of the latency files in the trace, expected \$1"; }
}
# percentiles NEW|OLD: write 600 blocks to loop0 (over kyber's 500
# samples), wait for its timer (100 ms after I/O) to report their 99th
# percentile, and check that the reports come from the new code (type
# "ksplice") or the old (types "total" and "I/O")
percentiles() {
	dd if=/dev/zero of=/dev/loop0 bs=4k count=600 oflag=direct 2>/dev/null ||
		fail "cannot write to loop0"
	_i=0
	while ! grep -q 'kyber_latency: .* WRITE .* p99 ' \$TR/trace; do
		[ \$_i -lt 200 ] || { cat \$TR/trace; fail "no 99th percentile of the writes reported in 20 s"; }
		_i=\$((_i + 1))
		sleep 0.1
	done
	_new=\$(grep -c 'kyber_latency: .* WRITE ksplice p9' \$TR/trace || true)
	_old=\$(grep -c 'kyber_latency: .* WRITE \(total\|I/O\) p9' \$TR/trace || true)
	case \$1:\$_new:\$_old in
	NEW:0:*|NEW:*:[1-9]*|OLD:[1-9]*:*|OLD:*:0)
		cat \$TR/trace
		fail "\$_new percentile reports of the new code, \$_old of the old: expected those of the \$1" ;;
	esac
}
# follows: the new code fires the tracepoint only while it is on
follows() {
	echo >\$TR/trace
	latency ksplice
	events 0
	echo 1 >\$TR/events/kyber/kyber_latency/enable || fail "cannot enable kyber_latency"
	latency ksplice
	events 1
	percentiles NEW
	echo 0 >\$TR/events/kyber/kyber_latency/enable
	latency ksplice
	events 1
}

insmod $mods/loop.ko || fail "cannot load loop"
dd if=/dev/zero of=/tmp/disk bs=1M count=4 2>/dev/null
losetup /dev/loop0 /tmp/disk || fail "losetup failed"
[ -e \$TR/trace ] || mount -t tracefs nodev \$TR || fail "cannot mount tracefs"

step "applied while the module is not loaded: it waits"
ksplice-apply $update | tee /tmp/out || fail "ksplice-apply failed"
grep -q "module kyber_iosched: not loaded; patched when it loads" /tmp/out ||
	fail "ksplice-apply does not say the module waits"
[ "\$(cat \$T)" = "kyber_iosched waiting" ] || fail "targets: \$(cat \$T)"

step "the module loads: patched, the new code follows the module's key"
kyber
[ "\$(cat \$T)" = "kyber_iosched patched" ] || fail "targets: \$(cat \$T)"
follows

step "no kprobe in the new code the core writes into, kprobes elsewhere"
# the core writes kyber's addresses into the new code each time kyber
# loads, and the kernel patches the linked site: a probe there would be in
# the way (a copy of the old instruction, a jump over the site)
echo "p:kst_ok vfs_read" >>\$TR/kprobe_events || fail "cannot probe vfs_read"
echo "-:kst_ok" >>\$TR/kprobe_events || fail "cannot remove the kprobe"
for _f in calculate_percentile kyber_read_lat_show; do
	_a=\$(awk -v f=\$_f '\$3 == f && \$4 == "[ksplice_kyb_new]" { print \$1 }' /proc/kallsyms)
	[ -n "\$_a" ] || fail "\$_f of the new code is not in /proc/kallsyms"
	if echo "p:kst 0x\$_a" >>\$TR/kprobe_events; then
		fail "a kprobe went into \$_f of the new code (0x\$_a)"
	fi
done

step "unloaded and loaded again: the key is found again"
nokyber
[ "\$(cat \$T)" = "kyber_iosched waiting" ] || fail "targets after unload: \$(cat \$T)"
kyber
follows

step "undo: as before, nothing left"
ksplice-undo kyb || fail "ksplice-undo failed"
latency
expect_nothing_loaded kyb
echo >\$TR/trace
echo 1 >\$TR/events/kyber/kyber_latency/enable
percentiles OLD
echo 0 >\$TR/events/kyber/kyber_latency/enable

step "applied while the module is loaded"
ksplice-apply $update || fail "ksplice-apply failed"
follows
nokyber
kyber
follows
ksplice-undo kyb || fail "second ksplice-undo failed"
latency
expect_nothing_loaded kyb
nokyber
echo "all good"
GUEST
run_guest "$guest" --add "$mods"
