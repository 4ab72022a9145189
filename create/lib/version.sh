# SPDX-License-Identifier: GPL-2.0
# version.sh - is KERNEL_SOURCE the source of exactly the target kernel?
# A Debian kernel is built from linux-source-6.1 of its own package
# version; a neighbouring version compiles to different code, and run-pre
# matching would then refuse the update with a less helpful reason.
#
# The target's Debian version: the running kernel's from /proc/version
# ("... Debian 6.1.192-2 (date)"), or the file "version" of --config DIR
# (written by scripts/ksplice-setup).  The source's: the file
# .ksplice-source-version that scripts/ksplice-setup writes into the
# trees it extracts, else only the upstream version of its Makefile.

SOURCE_PKG=linux-source-6.1

# running_debian_version: the running kernel's Debian package version, or
# nothing for a kernel that is not Debian's.
running_debian_version()
{
	sed -n 's/.* Debian \([0-9][^ ]*\) .*/\1/p' /proc/version 2>/dev/null |
		head -n 1
}

# target_debian_version CONFIG_DIR: the target's Debian version, or nothing.
target_debian_version()
{
	if [ -z "$1" ]; then
		running_debian_version
	elif [ -f "$1/version" ]; then
		head -n 1 "$1/version"
	fi
}

# source_upstream_version SOURCE: VERSION.PATCHLEVEL.SUBLEVEL of its Makefile
source_upstream_version()
{
	awk -F' *= *' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 } END { if (v != "") print v "." p "." s }' \
		"$1/Makefile" 2>/dev/null
}

# check_source_version SOURCE WANT: die unless SOURCE can be the source
# of the Debian kernel version WANT (nothing to check when WANT is empty).
check_source_version()
{
	local src=$1 want=$2 have how

	[ -n "$want" ] || return 0
	how="use exactly its source: apt-get download $SOURCE_PKG=$want, dpkg -x it, and extract usr/src/$SOURCE_PKG.tar.xz (make deps KERNEL=<release> does this in the cache)"
	if [ -f "$src/.ksplice-source-version" ]; then
		have=$(head -n 1 "$src/.ksplice-source-version")
		[ "$have" = "$want" ] ||
			die "$EXIT_USAGE" "$src is $SOURCE_PKG $have, but the kernel is Debian's $want: $how"
		return 0
	fi
	have=$(source_upstream_version "$src")
	case $want in
	"$have" | "$have"-* | "$have"+*) return 0 ;;
	esac
	die "$EXIT_USAGE" "$src is Linux ${have:-of an unknown version}, but the kernel is Debian's $want: $how"
}
