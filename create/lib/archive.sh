# SPDX-License-Identifier: GPL-2.0
# archive.sh - the target kernel's identity (release, build id) and the
# update archive ksplice-<id>.tar.gz (layout in ksplice-format.h).

readonly KSPLICE_FORMAT_VERSION=1

# notes_build_id FILE: the GNU build id in an ELF notes blob such as
# /sys/kernel/notes, as hex; nothing when there is none.
notes_build_id()
{
	od -An -v -tx1 "$1" 2>/dev/null | awk '
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	function hex(s,    v, i) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	function word(at) {
		return hex(b[at + 3] b[at + 2] b[at + 1] b[at])
	}
	END {
		at = 0
		while (at + 12 <= n) {
			namesz = word(at); descsz = word(at + 4); type = word(at + 8)
			name = at + 12
			desc = name + int((namesz + 3) / 4) * 4
			if (type == 3 && namesz == 4 && b[name] "" b[name + 1] b[name + 2] == "474e55") {
				for (i = 0; i < descsz; i++)
					printf "%s", b[desc + i]
				printf "\n"
				exit
			}
			at = desc + int((descsz + 3) / 4) * 4
		}
	}'
}

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
		id=$(notes_build_id /sys/kernel/notes)
	fi
	case $id in
	'' | *[!0-9a-f]*) id=unknown ;;
	esac
	printf '%s\n' "$id"
}

# write_contents FILE ID RELEASE BUILD_ID CHANGES: the contents file;
# CHANGES holds ksplice-objdiff's "changed OBJECT FUNCTION" lines.
write_contents()
{
	local file=$1 id=$2 rel=$3 build_id=$4 changes=$5

	{
		printf 'format %s\n' "$KSPLICE_FORMAT_VERSION"
		printf 'id %s\n' "$id"
		printf 'kernel-release %s\n' "$rel"
		printf 'build-id %s\n' "$build_id"
		printf 'helper ksplice_%s_helper.ko\n' "$id"
		printf 'new ksplice_%s_new.ko\n' "$id"
		awk '$1 == "changed" && NF == 3 { print "function", $2, $3 }' "$changes"
	} >"$file"
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
