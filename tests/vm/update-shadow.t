#!/bin/bash
# Shadow variables: tests/patches/shadow.patch counts each task's reads of
# /proc/version in a shadow variable of its task_struct, a field the
# structure does not have.  Each task counts on its own; a post_reverse
# hook frees them all, so that after an undo and a new apply the count
# starts again.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update shadow "$KSPLICE_ROOT/tests/patches/shadow.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh

# reads_are N: this shell's next read of /proc/version shows count N
reads_are()
{
	read -r line </proc/version
	case "\$line" in
	"Ksplice\$1 version "*) echo "\${line%% (*}" ;;
	*) fail "/proc/version says '\$line', expected Ksplice\$1" ;;
	esac
}

step "apply: each task counts its own reads"
ksplice-apply $update || fail "ksplice-apply failed"
reads_are 1
reads_are 2
sh -c 'read -r line </proc/version; echo "another task: \${line%% (*}"
	case "\$line" in "Ksplice1 version "*) ;; *) exit 1 ;; esac' ||
	fail "another task does not count from 1"
reads_are 3

step "undo frees the shadow variables"
dmesg -c >/dev/null
ksplice-undo shadow || fail "ksplice-undo failed"
dmesg | grep -q "ksplice-test: freed 2 shadow variables" ||
	{ dmesg; fail "the post_reverse hook did not free the 2 variables"; }
expect_prefix /proc/version "Linux version"
expect_nothing_loaded shadow

step "applied again, the count starts again"
ksplice-apply $update || fail "ksplice-apply failed again"
reads_are 1
ksplice-undo shadow || fail "ksplice-undo failed"
echo "all good"
GUEST
run_guest "$guest"
