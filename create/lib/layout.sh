# SPDX-License-Identifier: GPL-2.0
# layout.sh - refuse a patch that changes the layout of a type that the
# running kernel's code and data already use.
#
# Objects in memory were laid out by the old definitions: new code that
# reads a struct with a new field, or an enum whose values moved, would
# misread every existing instance.  The debug information of each
# compared object says what its code uses: pahole prints the structs and
# unions with each member's offset and size, objdump the enumerators and
# their values.  A struct or union that both sides have whose offsets,
# sizes or total size differ, or an enumerator whose value differs, is
# refused, naming the type and the object.

# layout_structs OBJ: "struct NAME<TAB>off size|off size|...|size: N" a
# line for every named struct and union of OBJ (a name defined twice keeps
# both, the second as NAME#2).
layout_structs()
{
	pahole -F dwarf "$1" 2>/dev/null | awk '
	/^(struct|union) [^ ]+ \{$/ { name = $1 " " $2; line = ""; next }
	name != "" && /\/\* *[0-9]+(: *[0-9]+)? +[0-9]+ \*\/$/ {
		c = $0
		sub(/.*\/\* */, "", c)
		sub(/ *\*\/$/, "", c)
		line = line c "|"
		next
	}
	name != "" && /\/\* size: / {
		c = $0
		sub(/.*\/\* size: */, "", c)
		sub(/,.*/, "", c)
		line = line "size: " c
		next
	}
	name != "" && /^\}/ {
		if (seen[name]++)
			name = name "#" seen[name]
		print name "\t" line
		name = ""
	}'
}

# layout_enums OBJ: "ENUMERATOR VALUE" a line for every enumerator of OBJ.
layout_enums()
{
	objdump --dwarf=info "$1" 2>/dev/null | awk '
	/DW_TAG_/ { enumerator = ($0 ~ /DW_TAG_enumerator/); name = ""; next }
	enumerator && /DW_AT_name/ { name = $NF; next }
	enumerator && /DW_AT_const_value/ && name != "" { print name, $NF; name = "" }
	' | sort -u
}

# layout_check_one OBJ: print a line for every type whose layout differs
# between $WORK/pre/OBJ and $WORK/post/OBJ.
layout_check_one()
{
	local obj=$1 pre=$WORK/pre/$1 post=$WORK/post/$1

	awk -F '\t' -v obj="$obj" '
	FNR == NR { old[$1] = $2; next }
	($1 in old) && old[$1] != $2 {
		a = old[$1]; sub(/.*size: /, "", a)
		b = $2; sub(/.*size: /, "", b)
		m = split(old[$1], x, "|") - 1
		n = split($2, y, "|") - 1
		how = m != n ? ", " m " -> " n " members" : a == b ? ", members moved" : ""
		printf "%s changes its layout (size %s -> %s%s), and %s uses it\n",
			$1, a, b, how, obj
	}' <(layout_structs "$pre") <(layout_structs "$post")
	join <(layout_enums "$pre") <(layout_enums "$post") 2>/dev/null |
		awk -v obj="$obj" '$2 != $3 { printf "enumerator %s changes its value (%s -> %s), and %s uses it\n", $1, $2, $3, obj }'
}

# layout_check OBJ...: refuse (exit 6) if a type changes its layout in
# any.  The objects are read in $JOBS processes (run_each).
layout_check()
{
	local line bad=0

	while IFS= read -r line; do
		printf '%s: error: %s: existing instances have the old layout\n' "$PROG" "$line" >&2
		bad=$((bad + 1))
	done < <(run_each layout_check_one "$@")
	[ "$bad" = 0 ] || die "$EXIT_UNSUPPORTED" "the patch changes the layout of $bad type(s) that the running kernel uses (see above)"
}
