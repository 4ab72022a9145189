#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A patch to a header: ksplice-create indexes the scratch copy once (which
# objects of the configuration read which files), rebuilds exactly the
# objects that read the header, refuses a new field in a struct that
# existing code uses (naming the type and the objects), and says when no
# object reads the header; the index is made once and reused.  Readers
# whose preprocessed input the patch leaves as it was are not compiled
# (the sides before the patch of those that differ are kept for the next
# run); of many, a few are compiled first, and a layout change is refused
# then.
. "$(dirname "$0")/create-real-tree.sh"

PATCHES=$ROOT/tests/patches
stub_objdiff_no_changes

# the objects that read inotify.h, and only they
create --patch="$PATCHES/inotify-mask.patch" --id=t_hdr --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] || fail "inotify-mask: status $STATUS, want 5 from the stub"
grep -q "fs/notify/inotify/inotify.h is read by 3 objects of vmlinux, 0 of modules and 0 others" "$T/out" ||
	fail "the readers of inotify.h are not counted as expected"
objs=$(cut -d' ' -f1 "$T/manifest" | sort | tr '\n' ' ')
[ "$objs" = "fs/notify/fdinfo.o fs/notify/inotify/inotify_fsnotify.o fs/notify/inotify/inotify_user.o " ] ||
	fail "objects compared: $objs"
grep "Indexed [0-9]* objects" "$T/out" || true
# made again: the three sides before the patch that it compared by their
# sources are kept from the first run, and the outcome is the same
create --patch="$PATCHES/inotify-mask.patch" --id=t_hdr --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] || fail "inotify-mask again: status $STATUS, want 5 from the stub"
grep -q "^Preprocessing 3 of them before the patch, to compare their sources (3 kept from an earlier run)" "$T/out" ||
	fail "inotify-mask again: the sides before the patch were not kept: $(grep 'to compare their sources' "$T/out")"
[ "$(cut -d' ' -f1 "$T/manifest" | sort | tr '\n' ' ')" = "$objs" ] ||
	fail "inotify-mask again: other objects compared"

# a comment changed: the readers' preprocessed input is the same (their
# lines moved by one), so nothing is compiled, and nothing changed
{
	echo '--- a/fs/notify/inotify/inotify.h'
	echo '+++ b/fs/notify/inotify/inotify.h'
	echo '@@ -24,3 +24,4 @@'
	echo ' /*'
	echo '- * INOTIFY_USER_FLAGS represents all of the mask bits that we expose to'
	echo '+ * INOTIFY_USER_MASK represents all of the mask bits that we expose to'
	echo '+ * user space (the comment gains a line).'
	echo '  * userspace.  There is at least one bit (FS_EVENT_ON_CHILD) which is'
} >"$T/comment.patch"
rm -f "$T/manifest"
create --patch="$T/comment.patch" --id=t_hdr --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] || fail "comment: status $STATUS, want 5"
grep -q "3 of them compile the same tokens after the patch; 0 do not" "$T/out" ||
	fail "the readers were not screened"
grep -q "Building pre objects" "$T/out" && fail "objects were compiled for a comment"
[ ! -e "$T/manifest" ] || fail "ksplice-objdiff ran for a comment"
grep -q "of the objects of the kernel and its modules that read fs/notify/inotify/inotify.h, the patch changes the preprocessed input of none" "$T/err" ||
	fail "no reason given for the comment"

# a new field in a struct the running code uses: refused, named
create --patch="$PATCHES/inotify-layout.patch" --id=t_hdr --config="$CFG" "$SRC"
[ "$STATUS" = 6 ] || fail "inotify-layout: status $STATUS, want 6"
grep -q "Indexing" "$T/out" && fail "the index was made again"
grep -q "struct inotify_inode_mark changes its layout (size 80 -> 80, 2 -> 3 members), and fs/notify/inotify/inotify_user.o uses it" "$T/err" ||
	fail "the layout change is not named"
grep -q "the patch changes the layout of [0-9]* type(s) that the running kernel uses" "$T/err" ||
	fail "no summary of the layout changes"

# a new prototype: the readers only gain the declaration of a function
# they do not call, which changes no code
awk '{ print } /^extern const struct fsnotify_ops inotify_fsnotify_ops;$/ { print "extern void inotify_ksplice_unused(int wd);" }' \
	"$SRC/fs/notify/inotify/inotify.h" >"$T/inotify.h"
diff -u --label a/fs/notify/inotify/inotify.h --label b/fs/notify/inotify/inotify.h \
	"$SRC/fs/notify/inotify/inotify.h" "$T/inotify.h" >"$T/proto.patch"
create --patch="$T/proto.patch" --id=t_hdr --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] || fail "prototype: status $STATUS, want 5"
grep -q "3 of them compile the same tokens after the patch; 0 do not" "$T/out" ||
	fail "the readers gaining a prototype were not screened"

# many readers: the side before the patch comes from the index's hashes
# for all but a few samples (preprocessed, they agree with the index);
# a comment keeps every hash, so none is preprocessed again
sed_patch include/linux/bsearch.h 's|^#include <linux/types.h>$|/* a comment */\n&|' >"$T/bsearch-comment.patch"
create --patch="$T/bsearch-comment.patch" --id=t_hdr --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] || fail "bsearch.h comment: status $STATUS, want 5"
readers=$(sed -n 's/^include\/linux\/bsearch.h is read by \([0-9]*\) objects of vmlinux, \([0-9]*\) of modules and [0-9]* others$/\1 + \2/p' "$T/out")
readers=$((${readers:-0}))
[ "$readers" -gt 10 ] || fail "bsearch.h has $readers readers"
from_index=$(sed -n 's/.*before and after the patch (\([0-9]*\) of them before from the index).*/\1/p' "$T/out")
[ "${from_index:-0}" -ge $((readers - 6)) ] ||
	fail "$readers readers, ${from_index:-none} of them from the index"
grep -q "^$readers of them compile the same tokens after the patch; 0 do not" "$T/out" ||
	fail "the bsearch.h comment: readers not all screened"
grep -q "to compare their sources" "$T/out" && fail "a comment made readers be compared again"
# the samples agreed: the next run takes none (same index, compiler, flags)
create --patch="$T/bsearch-comment.patch" --id=t_hdr --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] || fail "bsearch.h comment again: status $STATUS, want 5"
grep -q "before and after the patch ($readers of them before from the index)" "$T/out" ||
	fail "samples taken again after they agreed: $(grep 'before from the index' "$T/out")"
# a prototype changes every hash: each reader's side before the patch is
# preprocessed then, and the new declaration told apart
sed_patch include/linux/bsearch.h 's|^extern void \*bsearch(.*|&\nextern void ksplice_unused_bsearch(int);|' \
	>"$T/bsearch-proto.patch"
create --patch="$T/bsearch-proto.patch" --id=t_hdr --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] || fail "bsearch.h prototype: status $STATUS, want 5"
# (the samples of the first run, once agreed, are not taken again)
from_index=$(sed -n 's/.*before and after the patch (\([0-9]*\) of them before from the index).*/\1/p' "$T/out")
[ "${from_index:-0}" -ge $((readers - 6)) ] ||
	fail "prototype: $readers readers, ${from_index:-none} of them from the index"
grep -q "^Preprocessing $from_index of them before the patch, to compare their sources" "$T/out" ||
	fail "the readers whose hash changed were not compared by their sources"
grep -q "^$readers of them compile the same tokens after the patch; 0 do not" "$T/out" ||
	fail "the bsearch.h prototype: readers not all screened"

# the vDSO reads asm/vdso/gettimeofday.h: its objects are made with the
# command Kbuild ran for them when the tree was indexed (the 32-bit ones
# get -m32 from the vDSO image's flags, and do not build alone), and
# screened like the others: a comment leaves them all the same
vdso=arch/x86/include/asm/vdso/gettimeofday.h
sed_patch $vdso 's|^#ifndef BUILD_VDSO32$|/* a comment */\n&|' >"$T/vdso-comment.patch"
create --patch="$T/vdso-comment.patch" --id=t_hdr --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] || { cat "$T/err"; fail "vDSO comment: status $STATUS, want 5"; }
others=$(sed -n "s|^$vdso is read by [0-9]* objects of vmlinux, [0-9]* of modules and \([0-9]*\) others\$|\1|p" "$T/out")
[ "${others:-0}" -ge 2 ] || fail "$vdso is read by ${others:-no} objects outside the kernel"
grep -q "^Preprocessing the $others objects outside the kernel and its modules" "$T/out" ||
	fail "the vDSO's objects were not screened"
grep -q "^$others of them compile the same tokens after the patch; 0 do not" "$T/out" ||
	fail "the vDSO comment: the vDSO's objects were not all screened"
# a change to the 32-bit vDSO's code alone: its objects, built with -m32
# before and after the patch, differ, and the patch is refused, naming
# them; the 64-bit vDSO is screened out
sed_patch $vdso 's|^\t\t"mov %%ebx, %%edx \\n"$|\t\t"nop \\n"\n&|' >"$T/vdso32.patch"
create --patch="$T/vdso32.patch" --id=t_hdr --config="$CFG" "$SRC"
[ "$STATUS" = 6 ] || { cat "$T/err"; fail "vDSO32 change: status $STATUS, want 6"; }
grep -q "the patch changes arch/x86/entry/vdso/vdso32/vclock_gettime.o, which is built into neither" "$T/err" ||
	fail "the change to the 32-bit vDSO is not named"
grep -q "the patch changes arch/x86/entry/vdso/vclock_gettime.o" "$T/err" &&
	fail "the 64-bit vDSO, whose tokens are the same, is said to change"

# a struct read by many objects gains a field: a few are compiled first,
# and the patch is refused then
awk '{ print } /^\tbool percpu_pvec_drained;$/ && !done { print "\tint ksplice_extra;"; done = 1 }' \
	"$SRC/include/linux/pagevec.h" >"$T/pagevec.h"
diff -u --label a/include/linux/pagevec.h --label b/include/linux/pagevec.h \
	"$SRC/include/linux/pagevec.h" "$T/pagevec.h" >"$T/pagevec.patch"
create --patch="$T/pagevec.patch" --id=t_hdr --config="$CFG" "$SRC"
[ "$STATUS" = 6 ] || fail "pagevec: status $STATUS, want 6"
grep -q "^Compiling [0-9] of the [0-9]* objects first" "$T/out" || fail "no probe"
grep -q "Building pre objects: [0-9]* objects" "$T/out" && fail "all the readers were compiled"
grep -q "struct pagevec changes its layout (size 128 -> 128, 3 -> 4 members)" "$T/err" ||
	fail "the layout change found by the probe is not named"

# a header no object of this configuration reads: nothing to do
{
	echo '--- a/include/linux/zorro.h'
	echo '+++ b/include/linux/zorro.h'
	echo '@@ -1,2 +1,3 @@'
	sed -n 1p "$SRC/include/linux/zorro.h" | sed 's/^/ /'
	echo '+/* x */'
	sed -n 2p "$SRC/include/linux/zorro.h" | sed 's/^/ /'
} >"$T/zorro.patch"
create --patch="$T/zorro.patch" --id=t_hdr --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] || fail "zorro.h: status $STATUS, want 5"
grep -q "no object of this kernel's configuration reads include/linux/zorro.h" "$T/err" ||
	fail "an unread header is not said so"
exit 0
