#!/bin/bash
# A new per-CPU variable (DEFINE_PER_CPU) travels in the new-code module's
# .data..percpu, which the module loader gives each CPU a copy of: each
# read of /proc/version counts on the CPU that served it, every count
# goes on from the last one of its CPU, and the undo leaves nothing
# loaded (the new code only reads and writes its variable, with %gs:).
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update percpu "$KSPLICE_ROOT/tests/patches/percpu.patch")
tar -xOzf "$update" ksplice-percpu/ksplice_percpu_new.ko >"$KSPLICE_TEST_TMP/new.ko"
readelf -SW "$KSPLICE_TEST_TMP/new.ko" | grep -q ' \.data\.\.percpu  *PROGBITS ' ||
	{ readelf -SW "$KSPLICE_TEST_TMP/new.ko"; echo "FAIL: the new code has no .data..percpu"; exit 1; }
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
ksplice-apply $update || fail "ksplice-apply failed"
cpus=\$(grep -c '^processor' /proc/cpuinfo)
max=0 i=0
while [ \$i -lt 10 ]; do
	v=\$(sed -n 's/^ksplice cpu_reads=//p' /proc/version)
	[ -n "\$v" ] && [ "\$v" -ge 1 ] || fail "read \$i: cpu_reads '\$v', expected a count"
	[ "\$v" -gt "\$max" ] && max=\$v
	i=\$((i + 1))
done
# the 10 reads were served by \$cpus CPUs, each counting from 1: one
# of them served at least 10/\$cpus and said so on its last one
[ \$((max * cpus)) -ge 10 ] ||
	fail "the largest count is \$max on \$cpus CPUs: the counts do not go on"
[ \$max -le 10 ] || fail "a count of \$max after 10 reads"
ksplice-undo percpu || fail "ksplice-undo failed"
grep -q ksplice /proc/version && fail "/proc/version not restored"
expect_nothing_loaded percpu
echo "all good"
GUEST
run_guest "$guest"
