# SPDX-License-Identifier: GPL-2.0
# screen.sh - of the objects that read a changed header, keep only those
# whose preprocessed input the patch changes.
#
# A core header is read by thousands of objects; compiling each of them
# before and after the patch costs an hour, when most compile exactly the
# same program (the patch changes a comment, a macro they never use, or
# declares a new function).  Kbuild preprocesses an object's source with
# the object's own flags (make DIR/FILE.i) in a fraction of the time of a
# compile.  Each reader is preprocessed before and after the patch (its
# pre side, for most, is a hash the dependency index keeps: depindex.sh,
# and their post side is then made as the index made it, with the
# object's command from the index behind depcc: indexcmd.sh), with
# __LINE__ pinned as for the objects built again when lines moved
# (pin-line.h: a difference only in __LINE__ values, a WARN_ON below the
# patched lines, is no change to the differ either), and the two are
# compared with line markers and blank lines left out.  Where they are
# the same token for token, the compiler is handed the same program and
# makes the same code (only its line information differs), and the
# object is left out; so is one whose source only gains the prototype of
# a function it does not call (screen_new_decls).  Kept, always: an
# object with a .c of its own that the patch changes, one whose source is
# not a .c beside it, and any whose preprocessed source uses
# __builtin_LINE or .include/.incbin (the line, or a file, read later).
# The objects outside vmlinux and the modules are screened by others.sh.

# The changed headers read by an object left out (its input unchanged):
# objects_check_built counts them as compiled into the configuration.
declare -A SCREENED=()

# screen_normalize FILE: FILE's tokens without line markers or blank lines.
screen_normalize()
{
	sed -f "$SELF_DIR/lib/pp-normalize.sed" "$1"
}

# screen_new_decls A B: succeed when normalized B differs from normalized A
# only by added declarations of functions that B names nowhere else (a
# header gaining the prototype of a function some other file defines):
# those change no code.  Anything else (a removed or changed line, a
# definition, an initializer, a name used elsewhere) fails.
screen_new_decls()
{
	screen_decls_only "$(diff <(screen_normalize "$1") <(screen_normalize "$2"))" "$2"
}

# screen_decls_only DIFF B: the test of screen_new_decls, on DIFF, the
# output of diff between the normalized sources (B the newer one).
screen_decls_only()
{
	local names name

	names=$(printf '%s\n' "$1" | awk '
	/^[0-9]+(,[0-9]+)?a[0-9]+(,[0-9]+)?$/ { flush(); next }
	/^> / { text = text " " substr($0, 3); next }
	{ bad = 1; exit }
	function flush(    n, i, p, head, name) {
		if (text == "")
			return
		if (text ~ /[{}=#]/ || text !~ /;[ \t]*$/) { bad = 1; exit }
		n = split(text, piece, ";")
		for (i = 1; i < n; i++) {
			p = piece[i]
			if (p !~ /\(/) { bad = 1; exit }
			head = substr(p, 1, index(p, "(") - 1)
			sub(/[ \t]+$/, "", head)
			if (!match(head, /[A-Za-z_][A-Za-z0-9_]*$/)) { bad = 1; exit }
			name = substr(head, RSTART)
			head = substr(head, 1, RSTART - 1)
			if (head !~ /[A-Za-z_]/ || head ~ /[^A-Za-z0-9_ \t*]/) { bad = 1; exit }
			if (p !~ /\)[ \t]*(__attribute__[ \t]*\(\(.*\)\)[ \t]*)*$/) { bad = 1; exit }
			print name
		}
		if (piece[n] !~ /^[ \t]*$/) { bad = 1; exit }
		text = ""
	}
	END { if (!bad) flush(); if (bad) print "!" }')
	case $names in
	'' | *'!'*) return 1 ;;
	esac
	for name in $names; do
		[ "$(grep -c -w -- "$name" "$2")" = 1 ] || return 1
	done
}

# Trusted index hashes, a few of which are checked against the tree
# before they stand for the pre side of the rest.
SCREEN_INDEX_SAMPLES=4

# The index hash of each reader's pre side (depindex_pre_hashes), for
# those whose pre side is not preprocessed.
declare -A SCREEN_PRE=()
# The samples whose pre side, preprocessed by Kbuild, has their index
# hash: the index's command makes what Kbuild makes for them.
declare -A SCREEN_AGREED=()

# screen_header_readers PATCHED_SRC...: drop from OBJS the objects that
# only read changed headers and whose preprocessed input is the same
# after the patch; SCREENED[header] is set for each header they read.
# Runs with the scratch copy in its pre state and leaves it so.
screen_header_readers()
{
	local obj src only_h kept=0 same=0 kind
	local -a cand=() pre=() again=() keep=() todo=()
	local -A direct=()

	for src in "$@"; do
		case $src in
		*.c) direct[$src]=1 ;;
		esac
	done
	for obj in "${OBJS[@]}"; do
		only_h=1
		for src in ${OBJ_SRCS[$obj]}; do
			[[ $src == *.h ]] || only_h=
		done
		if [ -n "$only_h" ] && [ -z "${direct[${obj%.o}.c]:-}" ] &&
			[ -f "$SCRATCH_TREE/${obj%.o}.c" ]; then
			cand+=("$obj")
		fi
	done
	[ ${#cand[@]} -gt 0 ] || return 0
	screen_index_pre "${cand[@]}"
	for obj in "${cand[@]}"; do
		[ -n "${SCREEN_PRE[$obj]:-}" ] || [ -f "$WORK/screen-pre/${obj%.o}.i" ] ||
			pre+=("$obj")
	done
	say "Preprocessing the ${#cand[@]} objects that read the changed header(s), before and after the patch (${#SCREEN_PRE[@]} of them before from the index)..."
	[ ${#pre[@]} -eq 0 ] || screen_preprocess pre "${pre[@]}"
	apply_patch_to_scratch
	screen_preprocess_byindex post "${cand[@]}"
	scratch_to_pre
	while read -r kind obj; do
		case $kind in
		same) screen_drop "$obj"; same=$((same + 1)) ;;
		again) again+=("$obj") ;;
		esac
	done < <(run_each screen_same "${cand[@]}")
	if [ ${#again[@]} -gt 0 ]; then
		# an index hash that differs: only the pre side itself tells
		# whether all the object gains is a prototype
		mapfile -t todo < <(screen_cache_get "${again[@]}")
		say "Preprocessing ${#again[@]} of them before the patch, to compare their sources ($((${#again[@]} - ${#todo[@]})) kept from an earlier run)..."
		[ ${#todo[@]} -eq 0 ] || screen_preprocess_byindex pre "${todo[@]}"
		screen_cache_put "${todo[@]}"
		for obj in "${again[@]}"; do
			unset "SCREEN_PRE[$obj]"
		done
		while read -r kind obj; do
			screen_drop "$obj"
			same=$((same + 1))
		done < <(run_each screen_same "${again[@]}")
	fi
	kept=$((${#cand[@]} - same))
	for obj in "${OBJS[@]}"; do
		[ -z "${OBJ_SRCS[$obj]+set}" ] || keep+=("$obj")
	done
	OBJS=("${keep[@]}")
	say "$same of them compile the same tokens after the patch; $kept do not, and are compared"
	rm -rf "$WORK/screen-pre" "$WORK/screen-post"
}

# The pre sides of readers that the patch changes, kept from earlier runs
# for a fix made again: SCRATCH_DIR/screen-cache/HASH.i, the reduced
# source (screen_normalize) whose sha256 is HASH, the index hash of an
# object's pre side (SCREEN_PRE): found by content, so always the right
# one.  At most SCREEN_CACHE_MAX of them, the least recently used going.
SCREEN_CACHE_MAX=64

# screen_cache_get OBJ...: put the kept pre side of each OBJ in
# WORK/screen-pre/; print those it has none for.
screen_cache_get()
{
	local obj f dir=$SCRATCH_DIR/screen-cache

	for obj in "$@"; do
		f=$dir/${SCREEN_PRE[$obj]:-none}.i
		if [ -n "${SCREEN_PRE[$obj]:-}" ] && [ -f "$f" ] &&
			mkdir -p "$WORK/screen-pre/$(dirname "$obj")" &&
			cp "$f" "$WORK/screen-pre/${obj%.o}.i" 2>/dev/null; then
			touch "$f"
		else
			printf '%s\n' "$obj"
		fi
	done
}

# screen_cache_put OBJ...: keep the pre side of each OBJ made now whose
# reduced source has its index hash; then trim the cache.
screen_cache_put()
{
	local obj h dir=$SCRATCH_DIR/screen-cache

	[ $# -gt 0 ] && [ $# -le "$SCREEN_CACHE_MAX" ] || return 0
	mkdir -p "$dir" || return 0
	for obj in "$@"; do
		h=${SCREEN_PRE[$obj]:-}
		[ -n "$h" ] && [ -f "$WORK/screen-pre/${obj%.o}.i" ] || continue
		screen_normalize "$WORK/screen-pre/${obj%.o}.i" >"$dir/$h.i.tmp" &&
			[ "$(sha256sum <"$dir/$h.i.tmp" | cut -d ' ' -f 1)" = "$h" ] &&
			mv "$dir/$h.i.tmp" "$dir/$h.i" || rm -f "$dir/$h.i.tmp"
	done
	ls -t "$dir" | tail -n +$((SCREEN_CACHE_MAX + 1)) |
		while read -r h; do rm -f "$dir/$h"; done
}

# screen_drop OBJ: OBJ compiles the same program after the patch; it is
# not compiled, and the changed headers it reads count as screened.
screen_drop()
{
	local src

	for src in ${OBJ_SRCS[$1]}; do
		SCREENED[$src]=1
	done
	unset "OBJ_SRCS[$1]" "OBJ_KIND[$1]"
}

# The kinds of object whose samples agreed with the index, and with which
# compiler and flags: $SCRATCH_DIR/depindex.agreed, "KIND FINGERPRINT" a
# line.  The makefiles of the scratch copy never change (patches change
# .c and .h files only), and each index hash stands only while every file
# its object read is the same; what could make Kbuild preprocess
# otherwise than the index did is another index, another compiler or
# make, or other flags of ksplice-create's: the fingerprint's parts.  A
# kind recorded with this run's fingerprint needs no samples.
SCREEN_AGREED_FILE=depindex.agreed

# screen_fingerprint: the fingerprint of this run (see above).
screen_fingerprint()
{
	local tool

	{
		stat -L -c '%n %i %s %Y' "$SCRATCH_DIR/depindex.pp" "$SCRATCH_DIR/depindex.cmds"
		for tool in gcc gcc-12 "$(gcc -print-prog-name=cc1)" make; do
			tool=$(command -v "$tool") && stat -L -c '%n %s %Y' "$tool"
		done
		scratch_kcflags "$SCRATCH_PINNED_FLAGS"
	} 2>/dev/null | sha256sum | cut -c1-16
}

# screen_index_pre OBJ...: set SCREEN_PRE for the OBJs whose pre side the
# dependency index holds (depindex_pre_hashes), once a few of them,
# preprocessed now, agree with their index hashes: at least one of each
# kind (vmlinux, module), or that kind is preprocessed; a kind whose
# samples agreed before with this fingerprint needs none.  Where one
# disagrees (another compiler or other flags than the index was made
# with), none is used, and the record of agreements is removed.  The
# samples' pre sides are left in WORK/screen-pre.  Runs in the pre state.
screen_index_pre()
{
	local obj hash n step i bad='' fp kind
	local -a have=() todo=() sample=()
	local -A seen=() good=()

	SCREEN_PRE=() SCREEN_AGREED=()
	while read -r obj hash; do
		SCREEN_PRE[$obj]=$hash
		have+=("$obj")
	done < <(depindex_pre_hashes "$@")
	[ ${#have[@]} -gt 0 ] || return 0
	fp=$(screen_fingerprint)
	[ ! -f "$SCRATCH_DIR/$SCREEN_AGREED_FILE" ] ||
		while read -r kind hash; do
			[ "$hash" != "$fp" ] || good[$kind]=1
		done <"$SCRATCH_DIR/$SCREEN_AGREED_FILE"
	for obj in "${have[@]}"; do
		[ -n "${good[${OBJ_KIND[$obj]}]:-}" ] || todo+=("$obj")
	done
	n=${#todo[@]}
	[ "$n" -gt 0 ] || return 0
	step=$(((n + SCREEN_INDEX_SAMPLES - 1) / SCREEN_INDEX_SAMPLES))
	for ((i = 0; i < n; i += step)); do
		sample+=("${todo[i]}")
		seen[${OBJ_KIND[${todo[i]}]}]=1
	done
	for obj in "${todo[@]}"; do
		[ -z "${seen[${OBJ_KIND[$obj]}]:-}" ] || continue
		sample+=("$obj")
		seen[${OBJ_KIND[$obj]}]=1
	done
	screen_preprocess pre "${sample[@]}"
	for obj in "${sample[@]}"; do
		hash=$(screen_hash "$WORK/screen-pre/${obj%.o}.i")
		if [ "$hash" = "${SCREEN_PRE[$obj]}" ]; then
			good[${OBJ_KIND[$obj]}]=1
			SCREEN_AGREED[$obj]=1
		elif [ -n "$hash" ]; then
			bad+=" $obj"
		fi
		unset "SCREEN_PRE[$obj]"
	done
	if [ -n "$bad" ]; then
		say "The dependency index's preprocessed sources differ from this tree's for${bad}: all are preprocessed again"
		SCREEN_PRE=() SCREEN_AGREED=()
		rm -f "$SCRATCH_DIR/$SCREEN_AGREED_FILE"
		return 0
	fi
	for obj in "${sample[@]}"; do
		kind=${OBJ_KIND[$obj]}
		[ -z "${SCREEN_AGREED[$obj]:-}" ] || [ -z "${seen[$kind]:-}" ] || {
			printf '%s %s\n' "$kind" "$fp" >>"$SCRATCH_DIR/$SCREEN_AGREED_FILE"
			unset "seen[$kind]"
		}
	done
	for obj in "${!SCREEN_PRE[@]}"; do
		[ -n "${good[${OBJ_KIND[$obj]}]:-}" ] || unset "SCREEN_PRE[$obj]"
	done
}

# screen_hash FILE: the sha256 of FILE's reduced source, as the index has it.
screen_hash()
{
	[ -f "$1" ] || return 0
	screen_normalize "$1" | sha256sum | cut -d ' ' -f 1
}

# screen_same OBJ: is OBJ's preprocessed input after the patch the same
# as before, or only gains prototypes (see the top of this file)?  Prints
# "same OBJ" if so, "again OBJ" where the pre side is an index hash that
# differs (its source decides).
screen_same()
{
	local a=$WORK/screen-pre/${1%.o}.i b=$WORK/screen-post/${1%.o}.i
	local d

	# one that Kbuild cannot preprocess on its own (a generated header
	# that only the object's rule makes) is compiled
	[ -f "$b" ] || return 0
	! grep -q -e '__builtin_LINE' -e '\.include' -e '\.incbin' "$b" || return 0
	if [ -n "${SCREEN_PRE[$1]:-}" ]; then
		if [ "$(screen_hash "$b")" = "${SCREEN_PRE[$1]}" ]; then
			echo "same $1"
		else
			echo "again $1"
		fi
		return 0
	fi
	[ -f "$a" ] || return 0
	d=$(diff <(screen_normalize "$a") <(screen_normalize "$b"))
	if [ -z "$d" ] || screen_decls_only "$d" "$b"; then
		echo "same $1"
	fi
}

# screen_preprocess KIND OBJ...: make the OBJs' .i files in the scratch
# copy (going on past those Kbuild cannot make), with __LINE__ pinned as
# for the pinned builds (a moved __LINE__ is no change: see diff.c), and
# move those made to WORK/screen-KIND/.
screen_preprocess()
{
	local kind=$1 obj t
	local -a targets=() made=()

	shift
	for obj in "$@"; do
		targets+=("${obj%.o}.i")
		made+=("${obj%.o}.i" "$(dirname "$obj")/.$(basename "${obj%.o}").i.cmd")
	done
	scratch_touch obj "${made[@]}"
	SCRATCH_KCFLAGS=$SCRATCH_PINNED_FLAGS \
		SCRATCH_KEEP_GOING=1 scratch_build_objects "$WORK/build-screen-$kind.log" "${targets[@]}"
	for t in "${targets[@]}"; do
		[ -f "$SCRATCH_TREE/$t" ] || continue
		mkdir -p "$WORK/screen-$kind/$(dirname "$t")"
		mv "$SCRATCH_TREE/$t" "$WORK/screen-$kind/$t" ||
			die "$EXIT_ERROR" "cannot move $SCRATCH_TREE/$t"
	done
}

# screen_preprocess_byindex KIND OBJ...: the OBJs' sides before (KIND
# pre) or after (post) the patch, in WORK/screen-KIND/ as
# screen_preprocess makes them.  Those whose pre side is an index hash
# (the samples agreed with Kbuild: see screen_index_pre), and after the
# patch the samples that agreed, are preprocessed as the index made that
# hash, with the command Kbuild ran for them then, behind depcc
# (indexcmd.sh): in parallel and without a make; before the patch, each
# must make its index hash again.  The rest, and any whose command fails,
# are made by Kbuild.
screen_preprocess_byindex()
{
	local kind=$1 obj
	local -a byindex=() rest=() run=() failed=()
	local -A bad=()

	shift
	for obj in "$@"; do
		if [ -n "${SCREEN_PRE[$obj]:-}" ] ||
			{ [ "$kind" = post ] && [ -n "${SCREEN_AGREED[$obj]:-}" ]; }; then
			byindex+=("$obj")
		else
			rest+=("$obj")
		fi
	done
	indexcmd_read "${byindex[@]}"
	for obj in "${byindex[@]}"; do
		if [ -n "${INDEX_CMD[$obj]:-}" ]; then
			run+=("$obj")
		else
			bad[$obj]=1
		fi
	done
	mapfile -t failed < <(indexcmd_run pp "$WORK/build-screen-$kind.log" "${run[@]}")
	for obj in "${failed[@]}"; do
		bad[$obj]=1
	done
	for obj in "${byindex[@]}"; do
		if [ -n "${bad[$obj]:-}" ] || [ ! -f "$SCRATCH_TREE/$obj.i" ] ||
			{ [ "$kind" = pre ] && [ "$(indexcmd_hash "$obj")" != "${SCREEN_PRE[$obj]}" ]; }; then
			rest+=("$obj")
			continue
		fi
		mkdir -p "$WORK/screen-$kind/$(dirname "$obj")"
		mv "$SCRATCH_TREE/$obj.i" "$WORK/screen-$kind/${obj%.o}.i" ||
			die "$EXIT_ERROR" "cannot move $SCRATCH_TREE/$obj.i"
	done
	[ ${#rest[@]} -eq 0 ] || screen_preprocess "$kind" "${rest[@]}"
}

# Above this many objects to compile, a few are compiled first.
SCREEN_PROBE_ABOVE=100
SCREEN_PROBE_COUNT=8

# screen_probe: when the patch still leaves many objects to compile, build
# a few of them, spread over the list, before and after the patch first,
# and check their types' layouts (layout.sh): a change that breaks the
# build or the layout of a type in use shows in any reader, and is
# refused at once rather than after thousands of compiles (only the
# refusals those few show are named then).  Leaves the scratch copy in its
# pre state.
screen_probe()
{
	local n=${#OBJS[@]} step i
	local -a probe=()

	[ "$n" -gt "$SCREEN_PROBE_ABOVE" ] || return 0
	step=$((n / SCREEN_PROBE_COUNT))
	for ((i = 0; i < n; i += step)); do
		probe+=("${OBJS[i]}")
	done
	say "Compiling ${#probe[@]} of the $n objects first, to find a change that breaks the build or a type's layout early..."
	scratch_touch obj "${probe[@]}"
	build_objects pre "${probe[@]}"
	apply_patch_to_scratch
	build_objects post "${probe[@]}"
	scratch_to_pre
	layout_check "${probe[@]}"
}
