# SPDX-License-Identifier: GPL-2.0
# cmd-deps.awk - the files Kbuild's .o.cmd files say their objects were
# compiled from (the source_ line and the deps_ list), as paths from the
# top of the tree: for each input file ".../.NAME.o.cmd" (given relative
# to the top), one line "DIR/NAME.o FILE FILE...".  Used by objects.sh
# and depindex.sh.  With -v cmds=1, the command instead (the cmd_ line):
# "DIR/NAME.o<TAB>COMMAND" (depindex.cmds).

# a/b/../c -> a/c, ./a -> a
function norm(p,    n, i, parts, out, k) {
	n = split(p, parts, "/")
	k = 0
	for (i = 1; i <= n; i++) {
		if (parts[i] == "." || parts[i] == "")
			continue
		if (parts[i] == ".." && k > 0 && out[k] != "..")
			k--
		else
			out[++k] = parts[i]
	}
	p = ""
	for (i = 1; i <= k; i++)
		p = p (i > 1 ? "/" : "") out[i]
	return p
}

FNR == 1 {
	if (line != "")
		print line
	n = split(norm(FILENAME), parts, "/")
	base = parts[n]
	sub(/^\./, "", base)
	sub(/\.cmd$/, "", base)
	line = (n > 1 ? substr(norm(FILENAME), 1, length(norm(FILENAME)) - length(parts[n])) : "") base
	deps = 0
}
cmds && /^cmd_/ {
	cmd = $0
	sub(/^[^ ]* := /, "", cmd)
	sub(/ +$/, "", cmd)
	sub(/ .*/, "", line)
	line = line "\t" cmd
	next
}
cmds { next }
/^source_/ { line = line " " norm($3); next }
/^deps_/ { deps = 1; next }
deps {
	if ($1 != "" && $1 != "\\" && substr($1, 1, 1) != "$")
		line = line " " norm($1)
	if ($0 !~ /\\$/)
		deps = 0
}
END {
	if (line != "")
		print line
}
