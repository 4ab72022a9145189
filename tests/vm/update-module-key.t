#!/bin/bash
# A module fix whose new code uses a static key of the module itself: the
# kyber I/O scheduler's latency files fire the module's own tracepoint
# (kyber-trace.patch).  The update is applied while kyber_iosched is not
# loaded: it waits (the key does not exist yet), and patches the module
# when it loads.  The new code follows the key both ways (the tracepoint
# off: no event; on: the event), also after the module was unloaded and
# loaded again at another address.  Undone, nothing stays loaded and the
# module's files are as before; applied while the module is loaded, the
# module can still be unloaded, and comes back patched.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update kyb "$KSPLICE_ROOT/tests/patches/kyber-trace.patch")
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
# events N: the trace holds N kyber_latency events of the new code
events() {
	_n=\$(grep -c 'kyber_latency: .*ksplice' \$TR/trace || true)
	[ "\$_n" = "\$1" ] || { cat \$TR/trace; fail "\$_n events of the new code in the trace, expected \$1"; }
}
# follows: the new code fires the tracepoint only while it is on
follows() {
	echo >\$TR/trace
	latency ksplice
	events 0
	echo 1 >\$TR/events/kyber/kyber_latency/enable || fail "cannot enable kyber_latency"
	latency ksplice
	events 1
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

step "unloaded and loaded again: the key is found again"
nokyber
[ "\$(cat \$T)" = "kyber_iosched waiting" ] || fail "targets after unload: \$(cat \$T)"
kyber
follows

step "undo: as before, nothing left"
ksplice-undo kyb || fail "ksplice-undo failed"
latency
expect_nothing_loaded kyb

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
