#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ksplice-create refuses (exit 6) a change to a .c file that the target's
# configuration does not build (into the kernel or a module), naming the
# file: one that no object compiles, and one that a built object
# #includes only under an #if the configuration leaves out.
. "$(dirname "$0")/create-real-tree.sh"

# A stub objdiff: none of these runs may get that far.
printf '#!/bin/sh\necho "objdiff stub ran" >&2\nexit 1\n' >"$T/objdiff"
chmod +x "$T/objdiff"
export KSPLICE_OBJDIFF=$T/objdiff

# check FILE SED-SCRIPT MESSAGE WHAT: a patch of FILE edited by SED-SCRIPT
# is refused with MESSAGE.
check()
{
	sed_patch "$1" "$2" >"$T/p.patch"
	create --patch="$T/p.patch" --id=t_notbuilt --config="$CFG" "$SRC"
	[ "$STATUS" = 6 ] || fail "$4: status $STATUS, want 6"
	grep -qF -- "error: $3" "$T/err" || fail "$4: stderr lacks '$3'"
	grep -q "objdiff stub ran" "$T/err" && fail "$4: got as far as objdiff"
	[ ! -e "$T/run/ksplice-t_notbuilt.tar.gz" ] || fail "$4: archive written"
}

grep -q '^CONFIG_X86_INTEL_CE=y' "$CFG/.config" && { echo "config builds ce4100.c"; exit 77; }
check arch/x86/pci/ce4100.c 's/return 0;/return 0 + 0;/' \
	"arch/x86/pci/ce4100.c is not built into this kernel's configuration: Kbuild builds no arch/x86/pci/ce4100.o, and no .c file it builds in arch/x86/pci or arch/x86 #includes arch/x86/pci/ce4100.c" \
	"unconfigured file"
grep -q 'Building' "$T/out" && fail "unconfigured file: something was built"

grep -q '^CONFIG_SCHED_CORE=y' "$CFG/.config" && { echo "config builds core_sched.c"; exit 77; }
check kernel/sched/core_sched.c '0,/return 0;/s/return 0;/return 0 + 0;/' \
	"kernel/sched/core_sched.c is not built into this kernel's configuration: #included by kernel/sched/build_utility.c, but only under conditions (#if) that this configuration leaves out" \
	"file included under #ifdef CONFIG_SCHED_CORE"
exit 0
