# SPDX-License-Identifier: GPL-2.0
# apply-fake-kernel.sh - sourced by tests/unit/apply-*.t: runs the guest
# tools under busybox sh against a fake sysfs, with fake insmod/rmmod
# that play the kernel's part and log what they are asked to do.
#
# Scenario variables read by the fake insmod:
#   FAKE_HELPER_CAUSE   abort_cause after the helper loads (default none)
#   FAKE_APPLY_FAIL     code_busy: writing "applied" to stage fails
#   FAKE_UNDO_FAIL      code_busy: writing "reversed" to stage fails

ROOT=${KSPLICE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
T=${KSPLICE_TEST_TMP:-$(mktemp -d)}
BUSYBOX=$(command -v busybox) || { echo "no busybox"; exit 77; }

export KSPLICE_SYSFS=$T/sys
export KSPLICE_STATE_DIR=$T/state
export KSPLICE_LOCK=$T/run/ksplice.lock
export KSPLICE_CORE=$T/lib/ksplice.ko
export KSPLICE_INSMOD=$T/bin/insmod
export KSPLICE_RMMOD=$T/bin/rmmod
export KSPLICE_MODPROBE=$T/bin/modprobe
export FAKE_LOG=$T/modlog
mkdir -p "$KSPLICE_SYSFS/module" "$KSPLICE_SYSFS/kernel" "$T/bin" "$T/lib"
: >"$KSPLICE_CORE"
: >"$FAKE_LOG"

cat >"$T/bin/insmod" <<'EOF'
#!/bin/sh
# fake insmod: make the sysfs entries the kernel would.
s=$KSPLICE_SYSFS
f=$1
name=${f##*/}
name=${name%.ko}
echo "insmod $name" >>"$FAKE_LOG"
[ -f "$f" ] || { echo "insmod: can't insert '$f': No such file" >&2; exit 1; }
mkdir -p "$s/module/$name"
case $name in
ksplice)
	mkdir -p "$s/module/ksplice/parameters" "$s/kernel/ksplice"
	echo 0 >"$s/module/ksplice/parameters/debug" ;;
ksplice_*_helper)
	id=${name#ksplice_}
	id=${id%_helper}
	d=$s/kernel/ksplice/$id
	mkdir -p "$d"
	echo preparing >"$d/stage"
	echo "${FAKE_HELPER_CAUSE:-none}" >"$d/abort_cause"
	if [ -n "$FAKE_HELPER_CAUSE" ]; then
		echo "version_proc_show: no matching code" >"$d/abort_detail"
	else
		: >"$d/abort_detail"
	fi
	: >"$d/conflicts"
	echo "test update" >"$d/description" ;;
ksplice_*_new)
	id=${name#ksplice_}
	id=${id%_new}
	d=$s/kernel/ksplice/$id
	if [ -n "$FAKE_APPLY_FAIL" ]; then
		# A write to /dev/full fails, like the core refusing it.
		rm -f "$d/stage"
		ln -s /dev/full "$d/stage"
		echo code_busy >"$d/abort_cause"
		echo "2 tasks in the way" >"$d/abort_detail"
		printf 'cat 42 version_proc_show\nmy prog 7 version_proc_show+0x4/0x3a [ksplice_cb_new]\n' >"$d/conflicts"
	fi ;;
esac
exit 0
EOF

cat >"$T/bin/rmmod" <<'EOF'
#!/bin/sh
# fake rmmod: remove the module's sysfs entries.
s=$KSPLICE_SYSFS
echo "rmmod $1" >>"$FAKE_LOG"
[ -d "$s/module/$1" ] || { echo "rmmod: $1 not loaded" >&2; exit 1; }
rm -rf "$s/module/$1"
case $1 in
ksplice_*_new)
	id=${1#ksplice_}
	rm -rf "$s/kernel/ksplice/${id%_new}" ;;
ksplice_*_helper)
	# like the core: an update without new code goes with its helper
	id=${1#ksplice_}
	id=${id%_helper}
	[ -d "$s/module/ksplice_${id}_new" ] || rm -rf "$s/kernel/ksplice/$id" ;;
esac
exit 0
EOF

cat >"$T/bin/modprobe" <<'EOF'
#!/bin/sh
echo "modprobe $*" >>"$FAKE_LOG"
exit 1
EOF
chmod +x "$T/bin/insmod" "$T/bin/rmmod" "$T/bin/modprobe"

# make_update DIR ID [RELEASE]: an unpacked update with dummy modules.
make_update()
{
	local dir=$1 id=$2 rel=${3:-$(uname -r)} format

	format=$(sed -n 's/^#define KSPLICE_FORMAT_VERSION[[:space:]]*//p' \
		"$ROOT/ksplice-core/ksplice-format.h")

	mkdir -p "$dir"
	cat >"$dir/contents" <<-EOF
	format $format
	id $id
	kernel-release $rel
	build-id unknown
	helper ksplice_${id}_helper.ko
	new ksplice_${id}_new.ko
	function fs/proc/version.o version_proc_show
	EOF
	: >"$dir/ksplice_${id}_helper.ko"
	: >"$dir/ksplice_${id}_new.ko"
	printf -- '--- a/fs/proc/version.c\n+++ b/fs/proc/version.c\n' >"$dir/patch"
	echo "test update" >"$dir/description"
	seal_update "$dir" "$id"
}

# seal_update DIR ID: the contents' checksum lines for the files of DIR
# as they are now (again after a change).
seal_update()
{
	local dir=$1 id=$2 f

	sed -i '/^sha256 /d' "$dir/contents"
	for f in "ksplice_${id}_helper.ko" "ksplice_${id}_new.ko" patch description; do
		printf 'sha256 %s %s\n' "$f" "$(sha256sum "$dir/$f" | cut -d' ' -f1)" >>"$dir/contents"
	done
}

# tool NAME ARGS...: run apply/NAME under busybox sh; output in $T/out and
# $T/err, status in $STATUS.
tool()
{
	local name=$1

	shift
	STATUS=0
	"$BUSYBOX" sh "$ROOT/apply/$name" "$@" >"$T/out" 2>"$T/err" || STATUS=$?
}

# fail TEXT: report a failed check with the last run's output.
fail()
{
	echo "FAIL: $*"
	echo "--- stdout"; cat "$T/out"
	echo "--- stderr"; cat "$T/err"
	echo "--- module log"; cat "$FAKE_LOG"
	exit 1
}

# loaded_modules: the fake kernel's loaded modules, one a line.
loaded_modules()
{
	ls "$KSPLICE_SYSFS/module"
}
