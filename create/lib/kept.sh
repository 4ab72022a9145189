# SPDX-License-Identifier: GPL-2.0
# kept.sh - objects built before the patch, kept with the scratch copy for
# later runs (a fix made again, another fix to the same files).
#
# $SCRATCH_DIR/pre-objects/KIND/ (KIND: pre, kernel-pre or pre-pinned,
# each build's flags) holds OBJ, OBJ.cmd (its .cmd file) and OBJ.key.
# The key is the sha256 of the compile command and of every file the
# compile read (the .cmd's source and deps lists, with each file's
# sha256; the config options' files by their presence), as the tree has
# them now: a kept object is used only while the compiler would get the
# same command and the same input.  The command is the tree's (its
# makefiles and configuration never change) but for the KCFLAGS, which
# name the headers of the ksplice-create that ran it: a kept object's
# command must hold this run's.  (A file it did not read could change
# its result only by coming first on an include path; patches change
# existing .c and .h files only.)  The files that many objects read are
# hashed once for all of them.

# kept_keys OUT CMDFILE...: "CMDFILE KEY" a line into OUT, for every
# CMDFILE (paths without blanks).
kept_keys()
{
	local out=$1 dir=$WORK/kept-keys

	shift
	rm -rf "$dir" && mkdir -p "$dir/blocks" || return 1
	# "CMDFILE KIND INPUT": C the command, F a file read, W a config file
	awk '
	/^cmd_[^ ]* := / { sub(/^cmd_[^ ]* := /, ""); print FILENAME, "C", $0; next }
	/^source_[^ ]* := / { sub(/^source_[^ ]* := /, ""); print FILENAME, "F", $0; next }
	/^deps_[^ ]* := / { deps = FILENAME; next }
	deps != FILENAME { next }
	!/^[ \t]/ { deps = ""; next }
	{
		sub(/[ \t]*\\$/, ""); sub(/^[ \t]+/, "")
		if ($0 == "")
			next
		if (sub(/^\$\(wildcard /, "")) {
			sub(/\)$/, "")
			print FILENAME, "W", $0
		} else {
			print FILENAME, "F", $0
		}
	}' "$@" >"$dir/inputs" || return 1
	(cd "$SCRATCH_TREE" && awk '$2 == "F" { print $3 }' "$dir/inputs" | LC_ALL=C sort -u |
		xargs -r -d '\n' sha256sum -- 2>/dev/null) >"$dir/sums"
	(cd "$SCRATCH_TREE" && awk '$2 == "W" { print $3 }' "$dir/inputs" | LC_ALL=C sort -u |
		xargs -r -d '\n' ls -d -- 2>/dev/null) >"$dir/present"
	# one block of text per CMDFILE (its lines come together), then hashed
	awk -v dir="$dir/blocks" -v sums="$dir/sums" -v present="$dir/present" '
	BEGIN {
		while ((getline line < sums) > 0)
			sum[substr(line, 67)] = substr(line, 1, 64)
		while ((getline line < present) > 0)
			there[line] = 1
	}
	{
		rest = substr($0, length($1) + length($2) + 3)
		if ($1 != cur) {
			if (cur != "")
				close(file)
			cur = $1
			file = dir "/" ++n
			print n, cur > (dir "/index")
		}
		if ($2 == "C")
			print "C " rest > file
		else if ($2 == "F")
			print "F " rest " " ((rest in sum) ? sum[rest] : "missing") > file
		else
			print "W " rest " " ((rest in there) ? "present" : "absent") > file
	}' "$dir/inputs" || return 1
	[ -f "$dir/blocks/index" ] || { : >"$out"; return 0; }
	(cd "$dir/blocks" && awk '{ print $1 }' index | xargs -r sha256sum --) |
		awk -v index_file="$dir/blocks/index" '
		BEGIN { while ((getline line < index_file) > 0) { split(line, f, " "); name[f[1]] = f[2] } }
		{ print name[$2], $1 }' >"$out"
}

# kept_reuse KIND OBJ...: put the kept objects of KIND whose key holds
# into the tree (with their .cmd files); KEPT_MISSES: the others.
KEPT_MISSES=()
kept_reuse()
{
	local obj kept=$SCRATCH_DIR/pre-objects/$1 key want
	local -a have=() cmds=()
	local -A keys=()

	shift
	KEPT_MISSES=()
	for obj in "$@"; do
		# made as it would be made now (another installation of
		# ksplice-create may share the cache: its KCFLAGS differ)
		if [ -f "$kept/$obj.key" ] && [ -f "$kept/$obj" ] &&
			objects_cmd_of "$obj" "$kept/$obj.cmd" >/dev/null; then
			have+=("$obj")
			cmds+=("$kept/$obj.cmd")
		else
			KEPT_MISSES+=("$obj")
		fi
	done
	[ ${#have[@]} -gt 0 ] || return 0
	if kept_keys "$WORK/kept-keys.out" "${cmds[@]}"; then
		while read -r obj key; do
			keys[$obj]=$key
		done <"$WORK/kept-keys.out"
	fi
	for obj in "${have[@]}"; do
		read -r want <"$kept/$obj.key" || want=
		if [ -n "$want" ] && [ "${keys[$kept/$obj.cmd]:-}" = "$want" ] &&
			cp -- "$kept/$obj" "$SCRATCH_TREE/$obj" &&
			cp -- "$kept/$obj.cmd" "$(objects_cmd_file "$obj")"; then
			debug "$obj: kept from an earlier run (same command and input)"
		else
			KEPT_MISSES+=("$obj")
		fi
	done
}

# kept_keep KIND OBJ...: keep the objects of KIND just built before the
# patch.
kept_keep()
{
	local obj kept=$SCRATCH_DIR/pre-objects/$1 cmd key
	local -a cmds=()
	local -A keys=() cmd_of=()

	shift
	for obj in "$@"; do
		cmd=$(objects_cmd_file "$obj")
		cmd_of[$obj]=$cmd
		[ -f "$SCRATCH_TREE/$obj" ] && [ -f "$cmd" ] && cmds+=("$cmd")
	done
	[ ${#cmds[@]} -gt 0 ] || return 0
	kept_keys "$WORK/kept-keys.out" "${cmds[@]}" || return 0
	while read -r cmd key; do
		keys[$cmd]=$key
	done <"$WORK/kept-keys.out"
	for obj in "$@"; do
		cmd=${cmd_of[$obj]}
		key=${keys[$cmd]:-}
		[ -n "$key" ] || continue
		rm -f -- "$kept/$obj.key"
		mkdir -p "$kept/$(dirname "$obj")" &&
			cp -- "$SCRATCH_TREE/$obj" "$kept/$obj.tmp" &&
			cp -- "$cmd" "$kept/$obj.cmd" &&
			mv -- "$kept/$obj.tmp" "$kept/$obj" &&
			printf '%s\n' "$key" >"$kept/$obj.key" ||
			rm -f -- "$kept/$obj" "$kept/$obj.tmp" "$kept/$obj.cmd" "$kept/$obj.key"
	done
}
