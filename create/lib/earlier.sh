# SPDX-License-Identifier: GPL-2.0
# earlier.sh - the patches of the updates that an update is made on top of
# (ksplice-create --earlier).  They are applied to the scratch copy, in
# order, before anything is built: the update's pre code is then the new
# code of those updates, which is what it is matched against once they
# are applied.  The archive's contents lists each one's sha256 (lines
# "earlier <sha256>"), and ksplice-apply checks that an applied update
# was made from each.

EARLIER=()

# earlier_read WORK: copy the earlier patches to WORK/earlier-N.patch, in
# order, and record the files each changes in WORK/earlier-N.files.
earlier_read()
{
	local work=$1 i=0 file

	for file in "${EARLIER[@]}"; do
		i=$((i + 1))
		[ -f "$file" ] && [ -r "$file" ] ||
			die "$EXIT_USAGE" "cannot read the earlier patch $file"
		cp "$file" "$work/earlier-$i.patch" ||
			die "$EXIT_ERROR" "cannot copy $file"
		patch_files "$work/earlier-$i.patch" | awk '{ print $2 }' \
			>"$work/earlier-$i.files"
		[ -s "$work/earlier-$i.files" ] ||
			die "$EXIT_USAGE" "the earlier patch $file changes no file"
	done
}

# earlier_apply WORK: apply the earlier patches to the scratch copy, in
# order (the copy must equal the source tree).
earlier_apply()
{
	local work=$1 i=0 file out files

	for file in "${EARLIER[@]}"; do
		i=$((i + 1))
		mapfile -t files <"$work/earlier-$i.files"
		scratch_touch src "${files[@]}"
		if ! out=$(patch -p1 --batch --no-backup-if-mismatch -r - \
			-d "$SCRATCH_TREE" <"$work/earlier-$i.patch" 2>&1); then
			printf '%s\n' "$out" >&2
			[ "$i" = 1 ] || file="$file (after the earlier ones before it)"
			die "$EXIT_NO_APPLY" "the earlier patch $file does not apply to $SOURCE"
		fi
	done
}

# earlier_contents WORK: the contents lines naming the earlier patches.
earlier_contents()
{
	local work=$1 i

	for ((i = 1; i <= ${#EARLIER[@]}; i++)); do
		printf 'earlier %s\n' "$(sha256_of "$work/earlier-$i.patch")"
	done
}
