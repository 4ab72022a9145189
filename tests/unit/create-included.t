#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A .c file #included into another one (kernel/sched/idle.c and rt.c into
# build_policy.c) is built and compared as part of the including object,
# built once however many of its files the patch changes, with the line
# map of the one changed file it compiles, or none when there are more.
. "$(dirname "$0")/create-real-tree.sh"
[ -x "$ROOT/create/ksplice-objdiff" ] || { echo "create/ksplice-objdiff not built"; exit 77; }
[ -f "$ROOT/ksplice-core/Kbuild" ] || [ -f "$ROOT/ksplice-core/Makefile" ] ||
	{ echo "no ksplice-core build files"; exit 77; }
unset KSPLICE_OBJDIFF

# make_patch FILE SED-SCRIPT OUT: write to OUT a patch of FILE of $SRC,
# edited by SED-SCRIPT.
make_patch()
{
	mkdir -p "$T/new/$(dirname "$1")"
	sed "$2" "$SRC/$1" >"$T/new/$1"
	cmp -s "$SRC/$1" "$T/new/$1" && fail "sed '$2' does not change $1"
	diff -u --label "a/$1" --label "b/$1" "$SRC/$1" "$T/new/$1" >"$3"
}

# The timer of play_idle_precise() (idle injection: powerclamp only)
# sets "done" to 2 instead of 1; both end the wait.
make_patch kernel/sched/idle.c 's/WRITE_ONCE(it->done, 1);/WRITE_ONCE(it->done, 2);/' \
	"$T/idle.patch"
create -k --patch="$T/idle.patch" --id=t_incl --config="$CFG" "$SRC"
[ "$STATUS" = 0 ] || fail "idle.c: status $STATUS"
grep -qx "kernel/sched/idle.c is built as part of kernel/sched/build_policy.o" "$T/out" ||
	fail "the including object is not named"
grep -qx "Building pre objects: kernel/sched/build_policy.o" "$T/out" ||
	fail "build_policy.o not built"
grep -q "kernel/sched/idle.o" "$T/out" "$T/err" && fail "idle.o built"
mkdir -p "$T/x" && tar -C "$T/x" -xzf "$T/run/ksplice-t_incl.tar.gz"
grep -qx 'function kernel/sched/build_policy.o idle_inject_timer_fn' \
	"$T/x/ksplice-t_incl/contents" || fail "contents: $(cat "$T/x/ksplice-t_incl/contents")"
work=$(sed -n 's/^Work directory kept: //p' "$T/out")
trap 'rm -rf "$work"' EXIT
[ -f "$work/manifest" ] || fail "-k kept no manifest"
read -r obj pre post map extra <"$work/manifest"
[ "$obj" = kernel/sched/build_policy.o ] || fail "manifest object $obj"
[ "$map" = "$work/linemap/kernel__sched__idle.c.map" ] || fail "manifest map $map"
[ "$(wc -l <"$work/manifest")" = 1 ] || fail "manifest: $(cat "$work/manifest")"

# Two files of one object: one build of it, no line map.  A stub objdiff
# keeps the manifest and finds no changes (ksplice-format.h's
# KSPLICE_EXIT_NO_CHANGES where it defines one, else ksplice-objdiff's 3).
no_changes=$(sed -n 's/^#define KSPLICE_EXIT_NO_CHANGES[[:space:]]*\([0-9]*\).*/\1/p' \
	"$ROOT/ksplice-core/ksplice-format.h")
printf '#!/bin/bash\nfor a in "$@"; do last=$a; done\ncp "$last" %q\nexit %s\n' \
	"$T/manifest" "${no_changes:-3}" >"$T/objdiff"
chmod +x "$T/objdiff"
make_patch kernel/sched/rt.c '/^static unsigned int get_rr_interval_rt/,/^}/s/return sched_rr_timeslice;/return sched_rr_timeslice + 1;/' \
	"$T/rt.patch"
cat "$T/idle.patch" "$T/rt.patch" >"$T/both.patch"
KSPLICE_OBJDIFF=$T/objdiff create --patch="$T/both.patch" --id=t_incl2 --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] || fail "idle.c and rt.c: status $STATUS, want 5 from the stub"
grep -qx "kernel/sched/rt.c is built as part of kernel/sched/build_policy.o" "$T/out" ||
	fail "rt.c: the including object is not named"
grep -qx "Building pre objects: kernel/sched/build_policy.o" "$T/out" ||
	fail "build_policy.o not built once"
grep -qx "Building post objects: kernel/sched/build_policy.o" "$T/out" ||
	fail "build_policy.o not built once after the patch"
read -r obj pre post map extra <"$T/manifest"
[ "$obj" = kernel/sched/build_policy.o ] && [ "$map" = - ] &&
	[ "$(wc -l <"$T/manifest")" = 1 ] || fail "manifest: $(cat "$T/manifest")"
exit 0
