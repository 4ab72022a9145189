#!/bin/bash
# ksplice-objdiff: every helper relocation to anonymous read-only data
# carries the bytes run-pre matching must find there (content), with
# content_off relative to the address the core decodes from the field:
# a string from the referenced offset to its NUL, a constant pool entry,
# other data up to 64 bytes and never past a relocated byte.  References
# to named data carry none.
. "$(dirname "$0")/objdiff/lib.sh"

compile content
objdiff content
[ "$rc" = 0 ] || { show content; fail "exit $rc, expected 0"; }
helper=$T/content.out/helper.c

# records: one line per helper relocation,
# "FUNCTION PLACE SYMBOL CONTENT-HEX CONTENT-OFF" ("-" when no content)
awk '
	/^static const unsigned char content_/ {
		name = $5; sub(/\[\]$/, "", name); inarr = 1; next
	}
	inarr && /^};/ { inarr = 0; next }
	inarr { gsub(/[ \t,]/, ""); gsub(/0x/, ""); bytes[name] = bytes[name] $0; next }
	/^static const struct ksplice_reloc relocs_/ {
		rel = $5; sub(/\[\]$/, "", rel); sub(/^relocs_/, "", rel); next
	}
	/\.place = / {
		line = $0
		if (line !~ /},$/) { getline more; line = line more }
		match(line, /\.place = 0x[0-9a-f]+/); place = substr(line, RSTART + 9, RLENGTH - 9)
		match(line, /\.symbol = [A-Z_0-9]+/); sym = substr(line, RSTART + 10, RLENGTH - 10)
		c = "-"; off = "-"
		if (match(line, /\.content = content_[0-9_]+/))
			c = substr(line, RSTART + 11, RLENGTH - 11)
		if (match(line, /\.content_off = -?[0-9]+/))
			off = substr(line, RSTART + 15, RLENGTH - 15)
		rec[++n] = rel " " place " " sym " " c " " off
		next
	}
	/\.name = "/ { fname = $0; sub(/.*\.name = "/, "", fname); sub(/".*/, "", fname) }
	/\.code = code_/ { idx = $3; sub(/^code_/, "", idx); sub(/,$/, "", idx); func_of[idx] = fname }
	END {
		for (i = 1; i <= n; i++) {
			split(rec[i], f, " ")
			print func_of[f[1]], f[2], f[3], (f[4] == "-" ? "-" : bytes[f[4]]), f[5]
		}
	}' "$helper" >"$T/records"

hex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }

# expect FUNCTION PLACE CONTENT-HEX CONTENT-OFF
expect() {
	local got
	got=$(awk -v f="$1" -v p="$2" '$1 == f && $2 == p { print $4, $5 }' "$T/records")
	[ "$got" = "$3 $4" ] || {
		cat "$T/records"
		fail "$1+$2: content '$got', expected '$3 $4'"
	}
}

# Strings (R_32S to .rodata.greet.str1.1, at +0 and +7): up to the NUL.
expect greet 0x8 "$(hex 'first')0a00" 0
expect greet 0x25 "$(hex 'second %d')0a00" 7
# Calls carry nothing.
expect greet 0xd - -
# Constants (PC32 to .LC2-4 and .LC3-4 in .rodata.cst8): the 8-byte
# entry; the field's own symbol is the entry's label, so content_off 0.
expect scale 0x4 000000000000"0a40" 0
expect scale 0xc 000000000000f83f 0
# Other data: at most 64 bytes...
expect blob_head 0x3 "$(hex '23456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123')" 2
# ... and none of the relocated field (.quad greet) after the text.
expect blob_tail 0x3 "$(hex '89abcdefghijklmnopqrstuvwxyz')" 70
# A named read-only object without relocations (table) carries its bytes
# from its start: the running table must hold the same numbers.
[ "$(awk '$1 == "pick" && $4 != "-" { print $4, $5 }' "$T/records")" = \
	"0102030405060708090a 0" ] ||
	{ cat "$T/records"; fail "pick's reference to table does not carry its bytes"; }
exit 0
