#!/bin/bash
# A patch that gives a weak function of the kernel a strong definition in
# another file (panic_smp_self_stop, weak in kernel/panic.c) makes an
# update that adds a global the kernel has already: the kernel's callers
# would keep calling the weak one, so ksplice-apply refuses it, naming the
# function, before anything is loaded.  A patch to a weak function that
# another object overrides (arch_show_interrupts of kernel/irq/proc.c,
# which x86 defines) changes nothing the kernel runs: the update matches
# nothing, and the refusal says the function is weak and why it matters.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update weak_override "$KSPLICE_ROOT/tests/patches/weak-override.patch")
contents=$(tar -xOzf "$update" ksplice-weak_override/contents)
grep -qx "global fs/proc/version.o panic_smp_self_stop vmlinux" <<<"$contents" ||
	{ echo "$contents"; echo "FAIL: the update does not list the global it adds"; exit 1; }
overridden=$(make_update weak_overridden "$KSPLICE_ROOT/tests/patches/weak-overridden.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
grep -q " W panic_smp_self_stop\\\$" /proc/kallsyms ||
	fail "the kernel has no weak panic_smp_self_stop: the test proves nothing"
ksplice-apply $update >/tmp/apply.out 2>&1 && { cat /tmp/apply.out; fail "the update was applied"; }
cat /tmp/apply.out
grep -q "adds the global panic_smp_self_stop (fs/proc/version.o), but vmlinux has a weak panic_smp_self_stop already" /tmp/apply.out ||
	fail "the refusal does not name the weak function"
expect_nothing_loaded weak_override
expect_no_core

grep -q " T arch_show_interrupts\\\$" /proc/kallsyms ||
	fail "the kernel has no strong arch_show_interrupts: the test proves nothing"
expect_fail_with no_match /tmp/weak.out ksplice-apply --raw-errors $overridden
grep -q "arch_show_interrupts (kernel/irq/proc.o): no match; it is weak: where another object's arch_show_interrupts overrides it, the kernel runs that one and this change has no effect" /tmp/weak.out ||
	fail "the refusal does not say the function is weak"
expect_nothing_loaded weak_overridden
expect_no_core
grep -q WEAK /proc/interrupts && fail "/proc/interrupts changed"
echo "all good"
GUEST
run_guest "$guest"
