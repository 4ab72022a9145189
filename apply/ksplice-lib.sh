# SPDX-License-Identifier: GPL-2.0
# ksplice-lib.sh - functions shared by ksplice-apply, ksplice-undo and
# ksplice-view.  POSIX sh (busybox ash).  Sourced, never run.
#
# Environment (mostly for tests):
#   KSPLICE_SYSFS      root of sysfs (default /sys)
#   KSPLICE_STATE_DIR  saved updates (default /var/lib/ksplice)
#   KSPLICE_CORE       the core module file to insmod when not loaded
#   KSPLICE_INSMOD, KSPLICE_RMMOD, KSPLICE_MODPROBE, KSPLICE_DMESG,
#   KSPLICE_UNAME      the commands to use (default insmod, rmmod, ...)
#   KSPLICE_LOCK       the lock of applies and undos (default
#                      /run/ksplice.lock)
#   KSPLICE_KALLSYMS   the kernel's symbols (default /proc/kallsyms)

KS_SYSFS=${KSPLICE_SYSFS:-/sys}
KS_UPDATES=$KS_SYSFS/kernel/ksplice
KS_CORE_SYSFS=$KS_SYSFS/module/ksplice
KS_STATE=${KSPLICE_STATE_DIR:-/var/lib/ksplice}
KS_INSMOD=${KSPLICE_INSMOD:-insmod}
KS_RMMOD=${KSPLICE_RMMOD:-rmmod}
KS_MODPROBE=${KSPLICE_MODPROBE:-modprobe}
KS_DMESG=${KSPLICE_DMESG:-dmesg}
KS_UNAME=${KSPLICE_UNAME:-uname}
KS_LOCK=${KSPLICE_LOCK:-/run/ksplice.lock}
KS_KALLSYMS=${KSPLICE_KALLSYMS:-/proc/kallsyms}
KS_LOCKED=0
# the archive format this writes and reads: KSPLICE_FORMAT_VERSION of
# ksplice-core/ksplice-format.h (tests/unit/apply-args.t checks they agree)
KS_FORMAT=7
# the id rule: KSPLICE_ID_MAX characters of [a-z0-9_] (KSPLICE_ID_CHARS),
# also checked by tests/unit/apply-args.t
KS_ID_MAX=32
# the repository index format: KSPLICE_REPO_FORMAT, also checked there
KS_REPO_FORMAT=1
KS_RAW_ERRORS=0

# ks_error TEXT: an error message on stderr.
ks_error()
{
	printf '%s: %s\n' "$KS_PROG" "$*" >&2
}

# ks_die TEXT: report an error and exit 1 (the EXIT trap cleans up).
ks_die()
{
	ks_error "$*"
	exit 1
}

# ks_usage_error TEXT: a command line problem; exit 2.
ks_usage_error()
{
	ks_error "$*"
	printf "Try '%s --help' for more information.\n" "$KS_PROG" >&2
	exit 2
}

# ks_need_root: the sysfs files and module loading are root only.
ks_need_root()
{
	if [ "$KS_SYSFS" = /sys ] && [ "$(id -u)" != 0 ]; then
		ks_die "must be run as root"
	fi
}

# ks_lock: take the lock that serializes applies and undos (a directory
# holding the owner's pid; busybox has no flock), waiting for its holder.
# A lock whose owner is gone is taken over.  ks_unlock releases it; the
# tools call it from their EXIT traps.
ks_lock()
{
	local said=0 st

	while :; do
		ks_lock_try "$KS_LOCK" && break
		st=$?
		[ "$st" = 2 ] && ks_die "cannot create the lock $KS_LOCK"
		if [ "$said" = 0 ]; then
			echo "Waiting for another ksplice-apply or ksplice-undo$(ks_lock_owner "$KS_LOCK")..."
			said=1
		fi
		sleep 0.1
	done
	KS_LOCKED=1
}

# ks_lock_try DIR: take the lock directory DIR, writing this process's pid
# in it; status 1 when a live process holds it, 2 when it cannot be made.
# A lock whose owner died, or that has had no owner's pid for 10 s (its
# owner died before writing it), is taken over.  Shared by ks_lock and
# the client's lock (ksplice-client.sh).
ks_lock_try()
{
	local dir="$1" owner made

	mkdir -p "${dir%/*}" 2>/dev/null
	until mkdir "$dir" 2>/dev/null; do
		[ -d "$dir" ] || return 2
		owner=$(cat "$dir/pid" 2>/dev/null)
		if [ -n "$owner" ]; then
			kill -0 "$owner" 2>/dev/null && return 1
		else
			# gone meanwhile: try again
			made=$(stat -c %Y "$dir" 2>/dev/null) || continue
			[ $(($(date +%s) - made)) -gt 10 ] || return 1
		fi
		rm -rf "$dir"
	done
	echo $$ >"$dir/pid"
}

# ks_lock_owner DIR: " (pid N)" for the holder of lock DIR, if known.
ks_lock_owner()
{
	local owner

	owner=$(cat "$1/pid" 2>/dev/null)
	[ -z "$owner" ] || printf ' (pid %s)' "$owner"
}

ks_unlock()
{
	if [ "$KS_LOCKED" = 1 ]; then
		rm -rf "$KS_LOCK"
		KS_LOCKED=0
	fi
}

# ks_valid_id ID: succeed if ID is a well-formed update id.
ks_valid_id()
{
	case $1 in
	'' | *[!a-z0-9_]*) return 1 ;;
	esac
	[ "${#1}" -le "$KS_ID_MAX" ]
}

# ks_archive_problem ARCHIVE: print what makes ARCHIVE unsafe or not an
# update, before anything is unpacked (see THE REPOSITORY in
# ksplice-format.h): nothing if it holds only regular files named as in
# THE ARCHIVE in one directory ksplice-<id>/.  "ID <id>" on success.
ks_archive_problem()
{
	local list type name rest dir= id=

	if ! list=$(tar -tvzf "$1" 2>/dev/null); then
		echo "cannot read the archive: it is truncated or corrupt"
		return 0
	fi
	[ -n "$list" ] || { echo "the archive is empty"; return 0; }
	while read -r type _ _ _ _ name rest; do
		case $rest in
		'') ;;
		'-> '* | 'link to '*) echo "the archive holds $name, a link ($rest)"; return 0 ;;
		*) echo "the archive holds an entry whose name has a space: $name $rest"; return 0 ;;
		esac
		case $name in
		ksplice-*/*) ;;
		*) echo "the archive holds $name, outside a ksplice-<id>/ directory"; return 0 ;;
		esac
		if [ -z "$dir" ]; then
			dir=${name%%/*}
			id=${dir#ksplice-}
			ks_valid_id "$id" || { echo "the archive's directory $dir has a bad update id"; return 0; }
		fi
		case $type in
		d*) [ "$name" = "$dir/" ] && continue ;;
		-*) ;;
		*) echo "the archive holds $name, which is not a regular file"; return 0 ;;
		esac
		case ${name#"$dir"/} in
		contents | description | patch | "ksplice_${id}_helper.ko" | "ksplice_${id}_new.ko")
			[ "${name%/*}" = "$dir" ] && continue ;;
		esac
		echo "the archive holds $name, which is not part of update $id"
		return 0
	done <<EOF
$list
EOF
	echo "ID $id"
}

# ks_sums_problem DIR ID: DIR holds update ID unpacked, and every file of
# it must have the sha256 its contents give it (a "sha256 FILE HEX"
# line).  Prints what is wrong ("is damaged: ...", "is incomplete: ...",
# "has ..."), or nothing.
ks_sums_problem()
{
	local f want have

	for f in "ksplice_${2}_helper.ko" "ksplice_${2}_new.ko" patch description; do
		want=$(awk -v f="$f" '$1 == "sha256" && $2 == f { print $3; exit }' "$1/contents")
		[ -n "$want" ] || { echo "has no checksum of $f in its contents"; return 0; }
		[ -f "$1/$f" ] || { echo "is incomplete: it has no $f"; return 0; }
		have=$(sha256sum "$1/$f" | cut -d' ' -f1)
		[ "$have" = "$want" ] ||
			{ echo "is damaged: $f does not match its checksum in contents"; return 0; }
	done
}

# ks_applied_ids: the ids of the applied updates, one a line.
ks_applied_ids()
{
	local dir id

	for dir in "$KS_UPDATES"/*/; do
		[ -d "$dir" ] || continue
		id=${dir%/}
		id=${id##*/}
		[ "$(ks_stage "$id")" = applied ] && echo "$id"
	done
	return 0
}

# ks_effective_version: the newest effective version (contents
# "effective-version", ksplice-create --effective-version) among the
# applied updates, when newer than the one uname -v names; else nothing.
ks_effective_version()
{
	local id v best running

	for id in $(ks_applied_ids); do
		v=$(ks_contents_get "$KS_STATE/$id/contents" effective-version 2>/dev/null)
		case $v in
		'' | *[!A-Za-z0-9.+~:_-]*) continue ;;
		esac
		best=$(printf '%s\n%s\n' "$best" "$v" | sed '/^$/d' | sort -V | tail -n 1)
	done
	[ -n "$best" ] || return 0
	running=$("$KS_UNAME" -v | sed -n 's/.* Debian \([^ ]*\).*/\1/p')
	[ -n "$running" ] &&
		[ "$(printf '%s\n%s\n' "$running" "$best" | sort -V | tail -n 1)" = "$running" ] &&
		return 0
	printf '%s\n' "$best"
}

# ks_read FILE: the first line of FILE, or nothing.
ks_read()
{
	local line=

	[ -r "$1" ] && IFS= read -r line <"$1"
	printf '%s\n' "$line"
}

# ks_write FILE VALUE: write VALUE to a sysfs file; fail if the kernel
# refuses it.
ks_write()
{
	printf '%s\n' "$2" 2>/dev/null >"$1"
}

# ks_contents_get FILE KEY: the value of the first "KEY value" line.
ks_contents_get()
{
	awk -v key="$2" '$1 == key { sub(/^[^ ]+ /, ""); print; exit }' "$1"
}

# ks_notes_build_id FILE: the GNU build id in an ELF notes blob such as
# /sys/kernel/notes, as hex; nothing when there is none.
ks_notes_build_id()
{
	[ -r "$1" ] || return 0
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
			if (type == 3 && namesz == 4 && b[name] b[name + 1] b[name + 2] == "474e55") {
				for (i = 0; i < descsz; i++)
					printf "%s", b[desc + i]
				printf "\n"
				exit
			}
			at = desc + int((descsz + 3) / 4) * 4
		}
	}'
}

# ks_cause_text CAUSE ACTION: Ksplice's words for an abort cause; ACTION
# is "upgrade" or "undo".
ks_cause_text()
{
	local why

	case $1 in
	no_match)
		why="the code being replaced differs from the running kernel (the update was made from a different source tree)" ;;
	code_busy)
		why="Ksplice has been unable to find a moment when no thread is running the code being replaced" ;;
	module_busy)
		why="a module the update changes or depends on is busy: being loaded or unloaded, or using a function the update exports" ;;
	failed_to_find)
		why="it could not find a symbol the update needs in the running kernel" ;;
	out_of_memory)
		why="the kernel ran out of memory" ;;
	call_failed)
		why="a call into the kernel failed" ;;
	unexpected)
		why="of an unexpected error" ;;
	on_top)
		why="another update is applied on top of it: take that one out first" ;;
	not_loaded)
		why="a module it changes is not loaded: load that module first" ;;
	conflict)
		why="another update, or the kernel, has what it changes already: a function it exports is exported, or data it gives a new value has one" ;;
	*)
		printf 'Ksplice has aborted the %s (abort cause "%s").\n' "$2" "$1"
		return ;;
	esac
	printf 'Ksplice has aborted the %s because %s.\n' "$2" "$why"
}

# ks_print_conflicts FILE: the tasks of a conflicts file, in words.  A
# line is "<comm> <pid> <symbol>"; comm may hold spaces and so may the
# symbol ("func+0x1/0x10 [module]"): the pid is the last all-digit word
# before the symbol.
ks_print_conflicts()
{
	[ -r "$1" ] || return 0
	awk '
	NF == 0 { next }
	{
		p = 0
		for (i = NF - 1; i >= 2; i--)
			if ($i ~ /^[0-9]+$/) {
				p = i
				break
			}
		if (!p) {
			print "  " $0
			next
		}
		comm = $1
		for (i = 2; i < p; i++)
			comm = comm " " $i
		sym = $(p + 1)
		for (i = p + 2; i <= NF; i++)
			sym = sym " " $i
		printf "  %s (pid %s) is running %s\n", comm, $p, sym
	}' "$1"
}

# ks_report_abort ID ACTION [FALLBACK]: report why the update ID stopped,
# from its abort_cause, abort_detail and conflicts, on stderr.  FALLBACK
# is said when the kernel recorded no cause.
ks_report_abort()
{
	local dir="$KS_UPDATES/$1" cause detail

	cause=$(ks_read "$dir/abort_cause")
	detail=$(ks_read "$dir/abort_detail")
	if [ -z "$cause" ] || [ "$cause" = none ]; then
		[ "$KS_RAW_ERRORS" = 1 ] && echo unexpected >&2
		printf '%s\n' "${3:-Ksplice has aborted the $2 for an unknown reason.}" >&2
		[ -n "$detail" ] && printf '%s\n' "$detail" >&2
		return 0
	fi
	[ "$KS_RAW_ERRORS" = 1 ] && printf '%s\n' "$cause" >&2
	ks_cause_text "$cause" "$2" >&2
	if [ "$cause" = code_busy ]; then
		ks_print_conflicts "$dir/conflicts" >&2
	fi
	[ -n "$detail" ] && printf '%s\n' "$detail" >&2
	return 0
}

# ks_module_loaded NAME: succeed if module NAME is loaded.
ks_module_loaded()
{
	[ -d "$KS_SYSFS/module/$1" ]
}

# ks_rmmod NAME: unload a module, saying so if it fails.
ks_rmmod()
{
	local out

	if ! out=$("$KS_RMMOD" "$1" 2>&1); then
		ks_error "could not unload $1: $out"
		return 1
	fi
	return 0
}

# ks_show_targets ID: the modules update ID patches, and whether each is
# loaded and patched or waits for it to load.
ks_show_targets()
{
	local name state

	[ -r "$KS_UPDATES/$1/targets" ] || return 0
	while read -r name state; do
		case $state in
		patched) echo "  module $name: patched" ;;
		*) echo "  module $name: not loaded; patched when it loads" ;;
		esac
	done <"$KS_UPDATES/$1/targets"
}

# ks_stage ID: the stage of a loaded update, or nothing.
ks_stage()
{
	ks_read "$KS_UPDATES/$1/stage"
}
