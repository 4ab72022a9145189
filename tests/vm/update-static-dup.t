#!/bin/bash
# A static function whose name exists in several files (s_show: mm/vmalloc.c,
# kernel/kallsyms.c, ...) is replaced in the right one: /proc/vmallocinfo
# changes, /proc/kallsyms (kernel/kallsyms.c's s_show) does not.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update vmalloc_s_show "$KSPLICE_ROOT/tests/patches/vmalloc-s_show.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
kallsyms_format()
{
	# address, type letter, name: the shape kernel/kallsyms.c's s_show prints
	grep -c -v -E '^[0-9a-f]{16} [a-zA-Z] [^ ]+(	\[[^ ]+\])?$' /proc/kallsyms
}
[ "\$(grep -c -w s_show /proc/kallsyms)" -ge 2 ] || fail "s_show is not a repeated name here"
grep -q " vmalloc ksplice" /proc/vmallocinfo && fail "marker present before apply"
grep -q " vmalloc" /proc/vmallocinfo || fail "no vmalloc area listed at all"
before=\$(kallsyms_format)

ksplice-apply $update || fail "ksplice-apply failed"
grep -q " vmalloc ksplice" /proc/vmallocinfo || fail "/proc/vmallocinfo did not change"
[ "\$(kallsyms_format)" = "\$before" ] || fail "/proc/kallsyms changed shape: the wrong s_show was replaced"

ksplice-undo vmalloc_s_show || fail "ksplice-undo failed"
grep -q " vmalloc ksplice" /proc/vmallocinfo && fail "marker still present after undo"
expect_nothing_loaded vmalloc_s_show
echo "all good"
GUEST
run_guest "$guest"
