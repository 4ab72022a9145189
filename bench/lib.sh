# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shared by the bench/ scripts: patches that add a NOP, updates made once,
# the bench modules.  Needs ROOT, OUT and the `ksplice-testbed env`
# variables.

# nop_patch FILE...: a patch that puts a NOP at the start of every
# function body of the files (a line "{" alone), which changes each
# function's code and nothing it does.
nop_patch()
{
	local tmp f

	tmp=$(mktemp -d)
	echo "bench: a NOP in every function of $*"
	echo
	for f; do
		mkdir -p "$tmp/a/${f%/*}" "$tmp/b/${f%/*}"
		cp "$KSPLICE_SOURCE/$f" "$tmp/a/$f"
		awk '{ print } /^\{$/ { print "\tasm volatile(\"nop\");" }' \
			"$KSPLICE_SOURCE/$f" >"$tmp/b/$f"
		(cd "$tmp" && diff -u "a/$f" "b/$f" |
			sed 's/^\(---\|+++\) \([ab]\/[^\t]*\).*/\1 \2/') || :
	done
	rm -rf "$tmp"
}

# make_one ID PATCH: prints the path of the update made from PATCH, made
# once per patch and tool version (in $OUT/updates).
make_one()
{
	local id=$1 patch=$2 key dir

	key=$( { cat "$patch"; cat "$ROOT"/create/ksplice-objdiff "$ROOT"/ksplice-core/*.[ch]; } |
		sha256sum | cut -c1-16)
	dir=$OUT/updates/$id-$key
	if [ ! -f "$dir/ksplice-$id.tar.gz" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		(cd "$dir" && "$ROOT/create/ksplice-create" --skip-init --patch="$patch" \
			--id="$id" --config="$KSPLICE_CONFIG_DIR" "$KSPLICE_SOURCE") \
			>"$OUT/$id.create.log" 2>&1 ||
			{ tail -n 20 "$OUT/$id.create.log" >&2; die "ksplice-create failed for $id"; }
	fi
	echo "$dir/ksplice-$id.tar.gz"
}

# bench_module NAME: prints the path of bench/modules/NAME built for the
# test kernel (in $OUT/modules).
bench_module()
{
	local dir=$OUT/modules/$1

	rm -rf "$dir" && mkdir -p "$dir" && cp -a "$ROOT/bench/modules/$1/." "$dir/" ||
		die "cannot copy bench/modules/$1"
	make -s -C "$KSPLICE_CONFIG_DIR/build" M="$dir" modules >"$dir/build.log" 2>&1 ||
		{ cat "$dir/build.log" >&2; die "cannot build bench/modules/$1"; }
	echo "$dir/$1.ko"
}
