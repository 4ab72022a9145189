# SPDX-License-Identifier: GPL-2.0
# patch.sh - reading unified diffs: the files a patch touches, line maps,
# patches made from a tree with --diffext, and a default description.

# The awk code below walks a unified diff the way patch(1) does: a hunk
# header "@@ -a,b +c,d @@" is followed by exactly b old and d new lines,
# so a body line that happens to start with "---" is never taken for a
# file header.

# patch_files PATCH: print "STATUS PATH" for every file PATCH touches
# (paths without their first component, as patch -p1 reads them).  STATUS
# is modify, new, delete, rename, mode or binary.
patch_files()
{
	awk '
	function strip(p) {
		sub(/\t.*/, "", p)
		if (p == "/dev/null")
			return p
		sub(/^[^\/]*\//, "", p)
		return p
	}
	function hunk_counts(line,    h, a) {
		h = line
		sub(/^@@ -/, "", h)
		sub(/ @@.*/, "", h)
		split(h, a, / \+/)
		old_left = (a[1] ~ /,/) ? substr(a[1], index(a[1], ",") + 1) : 1
		new_left = (a[2] ~ /,/) ? substr(a[2], index(a[2], ",") + 1) : 1
	}
	old_left > 0 || new_left > 0 {
		c = substr($0, 1, 1)
		if (c == " " || $0 == "") {
			old_left--; new_left--
		} else if (c == "-") {
			old_left--
		} else if (c == "+") {
			new_left--
		}
		next
	}
	/^diff --git / { git_path = strip($4); next }
	/^new file mode / { print "new", git_path; next }
	/^deleted file mode / { print "delete", git_path; next }
	/^(rename|copy) from / { print "rename", git_path; next }
	/^old mode / { print "mode", git_path; next }
	/^(GIT binary patch|Binary files )/ { print "binary", git_path; next }
	/^--- / { old = strip(substr($0, 5)); next }
	/^\+\+\+ / {
		new = strip(substr($0, 5))
		if (old == "/dev/null")
			print "new", new
		else if (new == "/dev/null")
			print "delete", old
		else if (old != new)
			print "rename", new
		else
			print "modify", new
		next
	}
	/^@@ -[0-9]/ { hunk_counts($0); next }
	' "$1" | awk '!seen[$0]++'
}

# patch_linemap PATCH FILE: the line map of FILE (a path as patch_files
# prints it): "OLD_FIRST OLD_LAST DELTA" lines, one for every run of old
# lines that the patch leaves in place, saying that each old line L of
# the run is line L + DELTA of the new file.  The last run ends at
# 999999999.
patch_linemap()
{
	awk -v want="$2" '
	function strip(p) {
		sub(/\t.*/, "", p)
		sub(/^[^\/]*\//, "", p)
		return p
	}
	# Old lines first..last are kept, with new = old + delta.
	function keep(first, last, delta) {
		if (last < first)
			return
		if (open && first == run_last + 1 && delta == run_delta) {
			run_last = last
			return
		}
		flush()
		open = 1
		run_first = first
		run_last = last
		run_delta = delta
	}
	function flush() {
		if (open)
			print run_first, run_last, run_delta
		open = 0
	}
	function hunk(line,    h, a, o, n) {
		h = line
		sub(/^@@ -/, "", h)
		sub(/ @@.*/, "", h)
		split(h, a, / \+/)
		split(a[1], o, ",")
		split(a[2], n, ",")
		old_left = (a[1] ~ /,/) ? o[2] : 1
		new_left = (a[2] ~ /,/) ? n[2] : 1
		# An empty side "-a,0" means: after line a.
		ostart = old_left == 0 ? o[1] + 1 : o[1]
		nstart = new_left == 0 ? n[1] + 1 : n[1]
		if (!mine)
			return
		keep(next_old, ostart - 1, nstart - ostart)
		oline = ostart
		nline = nstart
	}
	BEGIN { next_old = 1; delta = 0 }
	old_left > 0 || new_left > 0 {
		c = substr($0, 1, 1)
		if (c == " " || $0 == "") {
			if (mine)
				keep(oline, oline, nline - oline)
			oline++; nline++; old_left--; new_left--
		} else if (c == "-") {
			oline++; old_left--
		} else if (c == "+") {
			nline++; new_left--
		}
		if (mine && old_left <= 0 && new_left <= 0) {
			next_old = oline
			delta = nline - oline
		}
		next
	}
	/^--- / { next }
	/^\+\+\+ / { mine = (strip(substr($0, 5)) == want); next }
	/^@@ -[0-9]/ { hunk($0); next }
	END {
		keep(next_old, 999999999, delta)
		flush()
	}
	' "$1"
}

# patch_from_diffext TREE EXT OUT: write to OUT the unified diff of every
# file F of TREE that has a companion F.EXT, F being the old version.
patch_from_diffext()
{
	local tree=$1 ext=$2 out=$3 new old status count=0

	: >"$out"
	while IFS= read -r -d '' new; do
		new=${new#./}
		old=${new%."$ext"}
		[ -f "$tree/$old" ] ||
			die "$EXIT_USAGE" "$new has no original $old to compare with"
		count=$((count + 1))
		status=0
		(cd "$tree" && diff -u --label "a/$old" --label "b/$old" \
			-- "$old" "$new") >>"$out" || status=$?
		[ "$status" -le 1 ] || die "$EXIT_ERROR" "cannot compare $old with $new"
	done < <(cd "$tree" && find . -path ./.git -prune -o \
		-type f -name "*.$ext" -print0 | sort -z)
	[ "$count" -gt 0 ] ||
		die "$EXIT_USAGE" "no file in $tree ends in .$ext"
	[ -s "$out" ] ||
		die "$EXIT_NO_CHANGES" "no changes detected: every *.$ext file equals its original"
}

# patch_check_files LIST: LIST holds patch_files output; fail unless every
# entry is a modified .c or .h file, naming every one that is not.
patch_check_files()
{
	local status path why bad=0

	[ -s "$1" ] || die "$EXIT_USAGE" "the patch changes no file"
	while read -r status path; do
		case $status in
		modify) why= ;;
		new) why="the patch adds $path: adding files is not supported yet" ;;
		delete) why="the patch deletes $path: deleting files is not supported yet" ;;
		rename) why="the patch renames or copies $path: not supported yet" ;;
		mode) why="the patch changes the mode of $path: not supported yet" ;;
		*) why="the patch changes $path in binary form: not supported" ;;
		esac
		if [ -z "$why" ]; then
			case $path in
			*.c | *.h) ;;
			*) why="changes to $path are not supported yet: only .c and .h files" ;;
			esac
		fi
		if [ -n "$why" ]; then
			printf '%s: error: %s\n' "$PROG" "$why" >&2
			bad=$((bad + 1))
		fi
	done <"$1"
	[ "$bad" = 0 ] || die "$EXIT_UNSUPPORTED" "the patch makes $bad change(s) that ksplice refuses (see above)"
}

# patch_description PATCH: a one-line description from the text before the
# first diff: a mail's Subject without its [PATCH] tag, else the first
# non-empty line.  Prints nothing when there is no such text.
patch_description()
{
	awk '
	/^(diff |--- |Index: |\+\+\+ |@@ )/ { exit }
	/^Subject: / {
		s = substr($0, 10)
		sub(/^\[[^]]*\] */, "", s)
		print s
		found = 1
		exit
	}
	/^(From [0-9a-f]+ |From: |Date: )/ { next }
	first == "" && $0 ~ /[^[:space:]]/ && $0 !~ /^---$/ { first = $0 }
	END {
		if (!found && first != "") {
			sub(/^[[:space:]]+/, "", first)
			print first
		}
	}
	' "$1"
}
