# SPDX-License-Identifier: GPL-2.0
# archive.sh - the target kernel's identity (release, build id) and the
# update archive ksplice-<id>.tar.gz (layout in ksplice-format.h).

# The format version (KS_FORMAT) and the GNU build id parser are shared with
# the apply tools (POSIX sh and awk):
# apply/ksplice-lib.sh in a source tree, lib/ksplice/ksplice-lib.sh when
# installed (this file is then in lib/ksplice/create/lib).
for _ks_lib in "$SELF_DIR/../apply/ksplice-lib.sh" "$SELF_DIR/../ksplice-lib.sh"; do
	[ -r "$_ks_lib" ] && break
done
# shellcheck source=../../apply/ksplice-lib.sh
. "$_ks_lib" || { echo "ksplice-create: cannot read ksplice-lib.sh" >&2; exit 1; }
unset _ks_lib

# target_release BUILD: the release of the kernel BUILD was made for.
target_release()
{
	local build=$1 rel=

	if [ -f "$build/include/generated/utsrelease.h" ]; then
		rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
			"$build/include/generated/utsrelease.h")
	fi
	if [ -z "$rel" ] && [ -f "$build/include/config/kernel.release" ]; then
		rel=$(cat "$build/include/config/kernel.release")
	fi
	printf '%s\n' "$rel"
}

# target_build_id CONFIG_DIR: the build id of the target vmlinux: the
# build-id file of --config DIR; the running kernel's without --config;
# else "unknown".
target_build_id()
{
	local dir=$1 id=

	if [ -n "$dir" ]; then
		[ -f "$dir/build-id" ] && id=$(tr -d ' \n' <"$dir/build-id")
	elif [ -r /sys/kernel/notes ]; then
		id=$(ks_notes_build_id /sys/kernel/notes)
	fi
	case $id in
	'' | *[!0-9a-f]*) id=unknown ;;
	esac
	printf '%s\n' "$id"
}

# write_contents FILE ID RELEASE BUILD_ID CHANGES: the contents file;
# CHANGES holds ksplice-objdiff's "changed OBJECT FUNCTION", "export
# OBJECT FUNCTION", "init-skipped OBJECT NAME"... lines.
write_contents()
{
	local file=$1 id=$2 rel=$3 build_id=$4 changes=$5

	{
		printf 'format %s\n' "$KS_FORMAT"
		printf 'id %s\n' "$id"
		printf 'kernel-release %s\n' "$rel"
		printf 'build-id %s\n' "$build_id"
		printf 'helper ksplice_%s_helper.ko\n' "$id"
		printf 'new ksplice_%s_new.ko\n' "$id"
		awk '$1 == "changed" && NF == 3 { print "function", $2, $3 }' "$changes"
		awk '$1 == "new-value" && NF == 3 { print "new-value", $2, $3 }' "$changes"
		awk '$1 == "export" && NF == 5 { print "export", $2, $3, $4, $5 }' "$changes"
		awk '$1 == "init-skipped" && NF == 3 { print "init-skipped", $2, $3 }' "$changes"
		awk '$1 == "keep-module" && NF == 3 { print "keep-module", $2, $3 }' "$changes"
		awk '$1 == "global" && NF == 4 { print "global", $2, $3, $4 }' "$changes"
	} >"$file"
}

# write_checksums DIR ID: the contents' last lines, the sha256 of each
# other file of the update directory DIR.
write_checksums()
{
	local dir=$1 id=$2 f sum

	for f in "ksplice_${id}_helper.ko" "ksplice_${id}_new.ko" patch description; do
		sum=$(sha256sum "$dir/$f" | cut -d' ' -f1) && [ -n "$sum" ] ||
			die "$EXIT_ERROR" "cannot checksum $dir/$f"
		printf 'sha256 %s %s\n' "$f" "$sum" >>"$dir/contents"
	done
}

# write_archive STAGE ID DEST: pack STAGE/ksplice-ID/ into DEST, which must
# not exist; written under a temporary name first.
write_archive()
{
	local stage=$1 id=$2 dest=$3 tmp

	tmp=$dest.tmp.$$
	if ! run tar -C "$stage" --owner=0 --group=0 --numeric-owner \
		-czf "$tmp" "ksplice-$id"; then
		rm -f "$tmp"
		die "$EXIT_ERROR" "cannot write $dest"
	fi
	# ln fails if dest appeared meanwhile: never overwrite an update.
	if ! ln "$tmp" "$dest" 2>/dev/null; then
		rm -f "$tmp"
		die "$EXIT_ERROR" "$dest already exists: not overwriting it"
	fi
	rm -f "$tmp"
}
