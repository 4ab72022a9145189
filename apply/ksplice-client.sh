# SPDX-License-Identifier: GPL-2.0
# ksplice-client.sh - the machine's side of update delivery, shared by
# ksplice-upgrade, ksplice-view --available and ksplice-undo: the
# configuration, fetching and verifying a repository's index (THE
# REPOSITORY in ksplice-format.h), and the list of installed updates that
# boot re-applies.  POSIX sh (busybox ash).  Sourced after ksplice-lib.sh.
#
# Environment (mostly for tests):
#   KSPLICE_CONF         the configuration (default /etc/ksplice/ksplice.conf);
#                        a file "disable" beside it turns boot re-apply off
#   KSPLICE_CACHE_DIR    downloads (default /var/cache/ksplice)
#   KSPLICE_LOG          the log (default /var/log/ksplice.log)
#   KSPLICE_UPGRADE_LOCK one ksplice-upgrade at a time
#                        (default /run/ksplice-upgrade.lock)
#   KSPLICE_CMDLINE      the kernel command line (default /proc/cmdline)
#
# The state of one kernel build lives in KS_STATE/client-<release>@<build-id>/
# (a name no update id can have): "serial", the newest index serial seen,
# and "installed", one line per update installed, in the order they went
# on: "<id> <sha256> <replaced ids joined by ',' or ->".

KC_CONF=${KSPLICE_CONF:-/etc/ksplice/ksplice.conf}
KC_CACHE=${KSPLICE_CACHE_DIR:-/var/cache/ksplice}
KC_LOG=${KSPLICE_LOG:-/var/log/ksplice.log}
KC_LOCK=${KSPLICE_UPGRADE_LOCK:-/run/ksplice-upgrade.lock}
KC_CMDLINE=${KSPLICE_CMDLINE:-/proc/cmdline}
KC_LOCKED=0 KC_TMP=

# kc_log TEXT: a line in the log (best effort: the log may be unwritable).
kc_log()
{
	[ -d "${KC_LOG%/*}" ] || mkdir -p "${KC_LOG%/*}" 2>/dev/null
	printf '%s %s[%s]: %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$KS_PROG" "$$" "$*" \
		2>/dev/null >>"$KC_LOG" || true
}

# kc_die TEXT: log the error, report it and exit 1.
kc_die()
{
	kc_log "error: $*"
	ks_die "$*"
}

# kc_bool LINE KEY VALUE: yes or no, or die naming the line and key.
kc_bool()
{
	case $3 in
	yes | true | on | 1) echo yes ;;
	no | false | off | 0) echo no ;;
	*) ks_die "$KC_CONF:$1: $2 must be yes or no, not '$3'" ;;
	esac
}

# kc_conf_load: read the configuration ("key = value" lines, # comments).
kc_conf_load()
{
	local line key value n=0

	KC_REPO= KC_KEYRING=/etc/ksplice/ksplice-keyring.gpg KC_AUTOINSTALL=no
	KC_ON_REBOOT=yes KC_PROXY= KC_CRON_DELAY=1800
	[ -r "$KC_CONF" ] || ks_die "cannot read the configuration $KC_CONF"
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		case $line in
		*[!\ \	]*) ;;
		*) continue ;;
		esac
		# a comment is a line of its own: values may hold '#'
		case ${line#"${line%%[! \	]*}"} in
		'#'*) continue ;;
		esac
		case $line in
		*=*) ;;
		*) ks_die "$KC_CONF:$n: not a 'key = value' line" ;;
		esac
		key=$(printf '%s' "${line%%=*}" | tr -d ' \t')
		value=$(printf '%s' "${line#*=}" | sed 's/^[ \t]*//; s/[ \t]*$//')
		case $key in
		repository) KC_REPO=${value%/} ;;
		keyring) KC_KEYRING=$value ;;
		autoinstall) KC_AUTOINSTALL=$(kc_bool "$n" "$key" "$value") || exit 1 ;;
		install_on_reboot) KC_ON_REBOOT=$(kc_bool "$n" "$key" "$value") || exit 1 ;;
		proxy) KC_PROXY=$value ;;
		cron_delay)
			case $value in
			'' | *[!0-9]*) ks_die "$KC_CONF:$n: cron_delay must be a number of seconds" ;;
			esac
			KC_CRON_DELAY=$(printf '%s' "$value" | sed 's/^0*\(.\)/\1/') ;;
		*) ks_die "$KC_CONF:$n: unknown setting '$key'" ;;
		esac
	done <"$KC_CONF"
	if [ -n "$KC_PROXY" ]; then
		http_proxy=$KC_PROXY https_proxy=$KC_PROXY
		export http_proxy https_proxy
	fi
}

# kc_kernel: KC_RELEASE and KC_BUILD_ID of the running kernel, and the
# paths of its repository index, cache and state; fails without a build id.
kc_kernel()
{
	KC_RELEASE=$(uname -r)
	KC_BUILD_ID=$(ks_notes_build_id "$KS_SYSFS/kernel/notes")
	[ -n "$KC_BUILD_ID" ] || return 1
	KC_PATH=$KC_RELEASE/$KC_BUILD_ID
	KC_STATE_DIR=$KS_STATE/client-$KC_RELEASE@$KC_BUILD_ID
	KC_INSTALLED=$KC_STATE_DIR/installed
	KC_ARCHIVES=$KC_CACHE/$KC_PATH
}

# kc_lock: one ksplice-upgrade at a time; fails if another one runs.
kc_lock()
{
	ks_lock_try "$KC_LOCK"
	case $? in
	0) KC_LOCKED=1 ;;
	1) ks_error "another ksplice-upgrade is running$(ks_lock_owner "$KC_LOCK")"; return 1 ;;
	*) ks_error "cannot create the lock $KC_LOCK"; return 1 ;;
	esac
}

# kc_cleanup: the EXIT trap's part for the client.
kc_cleanup()
{
	[ -n "$KC_TMP" ] && rm -rf "$KC_TMP"
	if [ "$KC_LOCKED" = 1 ]; then
		rm -rf "$KC_LOCK"
		KC_LOCKED=0
	fi
}

# kc_fetch URL FILE [progress]: download URL (http, https or file) to
# FILE; with "progress", and stderr a terminal, show the download's
# progress there.
kc_fetch()
{
	local err st

	case $1 in
	file://*)
		err=$(cp "${1#file://}" "$2" 2>&1) && return 0 ;;
	http://* | https://*)
		if [ "${3:-}" = progress ] && [ -t 2 ]; then
			st=0
			if command -v curl >/dev/null 2>&1; then
				curl -fL --connect-timeout 30 --progress-bar -o "$2" "$1" || st=$?
			else
				timeout 600 wget -O "$2" "$1" || st=$?
			fi
			[ "$st" = 0 ] && return 0
			rm -f "$2"
			echo "the download failed (status $st)"
			return 1
		fi
		if command -v curl >/dev/null 2>&1; then
			err=$(curl -fsSL --connect-timeout 30 -o "$2" "$1" 2>&1) && return 0
		else
			# (busybox 1.35's wget crashes on -T: a time limit around it)
			err=$(timeout 600 wget -q -O "$2" "$1" 2>&1) && return 0
		fi ;;
	*) err="not an http, https or file URL" ;;
	esac
	rm -f "$2"
	printf '%s\n' "$err" | tail -n 1
	return 1
}

# kc_tmp: a temporary directory in the cache (removed by kc_cleanup).
kc_tmp()
{
	[ -n "$KC_TMP" ] && return 0
	mkdir -p "$KC_CACHE" || kc_die "cannot create the cache $KC_CACHE"
	KC_TMP=$(mktemp -d "$KC_CACHE/.tmp.XXXXXX") ||
		kc_die "cannot create a temporary directory in $KC_CACHE"
}

# kc_index: fetch the index of the running kernel's build and its
# signature, verify both, and leave it in KC_INDEX; set KC_SERIAL.
# Refuses (dies) an unsigned, badly signed, malformed, foreign or stale
# index; records its serial.
kc_index()
{
	local url out last

	[ -n "$KC_REPO" ] || ks_die "$KC_CONF sets no repository"
	[ -r "$KC_KEYRING" ] ||
		ks_die "cannot read the repository's public key $KC_KEYRING (keyring in $KC_CONF)"
	command -v gpgv >/dev/null 2>&1 ||
		ks_die "gpgv is not installed: the index's signature cannot be checked"
	kc_tmp
	url=$KC_REPO/$KC_PATH
	KC_INDEX=$KC_TMP/index
	out=$(kc_fetch "$url/index" "$KC_INDEX") ||
		kc_die "no updates for kernel $KC_RELEASE (build $KC_BUILD_ID) in $KC_REPO: cannot fetch $url/index: $out"
	out=$(kc_fetch "$url/index.sig" "$KC_INDEX.sig") ||
		kc_die "the index $url/index is not signed (cannot fetch index.sig: $out): refused"
	if ! out=$(gpgv --keyring "$KC_KEYRING" "$KC_INDEX.sig" "$KC_INDEX" 2>&1); then
		case $out in
		*"BAD signature"*)
			kc_die "the index $url/index does not match its signature (changed or truncated): refused" ;;
		*"No public key"* | *"public key not found"*)
			kc_die "the index $url/index is not signed by the key in $KC_KEYRING: refused" ;;
		esac
		kc_die "the signature of $url/index does not verify: $(printf '%s\n' "$out" | tail -n 1): refused"
	fi
	kc_index_check "$url/index"
	mkdir -p "$KC_STATE_DIR" || kc_die "cannot create $KC_STATE_DIR"
	last=$(cat "$KC_STATE_DIR/serial" 2>/dev/null)
	if [ -n "$last" ] && [ "$KC_SERIAL" -lt "$last" ]; then
		kc_die "the index $url/index is stale: serial $KC_SERIAL, but serial $last was seen before (an old copy or a replay): refused"
	fi
	echo "$KC_SERIAL" >"$KC_STATE_DIR/serial.tmp" &&
		mv -f "$KC_STATE_DIR/serial.tmp" "$KC_STATE_DIR/serial" ||
		kc_die "cannot record the index serial in $KC_STATE_DIR"
}

# kc_index_check WHERE: the verified index is well formed and for the
# running kernel build; sets KC_SERIAL.
kc_index_check()
{
	local bad

	bad=$(awk -v fmt="$KS_REPO_FORMAT" -v rel="$KC_RELEASE" -v bid="$KC_BUILD_ID" -v max="$KS_ID_MAX" '
	function id_ok(s) { return s ~ /^[a-z0-9_]+$/ && length(s) <= max }
	NR == 1 { if ($0 != "ksplice-repo " fmt) { print "it is not a ksplice index of format " fmt; exit } next }
	NR == 2 { if ($0 != "kernel-release " rel) { print "it is for kernel " $2 ", not " rel; exit } next }
	NR == 3 { if ($0 != "build-id " bid) { print "it is for build " $2 ", not " bid; exit } next }
	NR == 4 { if ($1 != "serial" || $2 !~ /^[0-9]+$/ || NF != 2) { print "line 4 is not a serial"; exit } next }
	$1 == "update" {
		if (NF < 5 || !id_ok($2) || $3 !~ /^[0-9]+$/ || $4 !~ /^[0-9a-f]+$/ || length($4) != 64) {
			print "line " NR " is not a well-formed update"; exit
		}
		if (seen[$2]++) { print "update " $2 " is listed twice"; exit }
		n = split($5, r, ",")
		for (i = 1; i <= n; i++)
			if ($5 != "-" && !(r[i] in seen && r[i] != $2)) {
				print "update " $2 " replaces " r[i] ", which is not listed before it"; exit
			}
		next
	}
	{ print "line " NR " is not understood"; exit }
	END { if (NR < 4 && NR > 0) print "it is truncated" }' "$KC_INDEX")
	[ -z "$bad" ] || kc_die "refusing the index $1: $bad"
	KC_SERIAL=$(sed -n '4s/^serial //p' "$KC_INDEX")
}

# kc_updates: the index's updates, "id size sha256 replaced description".
kc_updates()
{
	sed -n 's/^update //p' "$KC_INDEX"
}

# kc_applied ID: is update ID applied now?
kc_applied()
{
	[ "$(ks_stage "$1")" = applied ]
}

# kc_status ID REPLACED: installed (applied now), replaced (by an update
# applied now) or available.
kc_status()
{
	local id=$1 other rep

	if kc_applied "$id"; then
		echo installed
		return
	fi
	while read -r other _ _ rep _; do
		case ",$rep," in
		*",$id,"*) kc_applied "$other" && { echo replaced; return; } ;;
		esac
	done <<EOF
$(kc_updates)
EOF
	echo available
}

# kc_installed_add ID SHA256 REPLACED: record an install (last in order).
kc_installed_add()
{
	mkdir -p "$KC_STATE_DIR" &&
		{ awk -v id="$1" '$1 != id' "$KC_INSTALLED" 2>/dev/null
		  printf '%s %s %s\n' "$1" "$2" "$3"; } >"$KC_INSTALLED.tmp" &&
		mv -f "$KC_INSTALLED.tmp" "$KC_INSTALLED"
}

# kc_installed_forget ID: ID was undone: neither it nor the updates it
# replaced (they went with it) are to be applied at boot.
kc_installed_forget()
{
	[ -f "$KC_INSTALLED" ] || return 0
	awk -v id="$1" '
	{ line[NR] = $0; ids[NR] = $1; rep[$1] = $3 }
	END {
		drop[id] = 1
		for (changed = 1; changed; ) {
			changed = 0
			for (d in drop) {
				n = split(rep[d], r, ",")
				for (i = 1; i <= n; i++)
					if (r[i] != "-" && !(r[i] in drop)) { drop[r[i]] = 1; changed = 1 }
			}
		}
		for (i = 1; i <= NR; i++)
			if (!(ids[i] in drop))
				print line[i]
	}' "$KC_INSTALLED" >"$KC_INSTALLED.tmp" && mv -f "$KC_INSTALLED.tmp" "$KC_INSTALLED"
}

# kc_archive ID SIZE SHA256: the archive of update ID in the cache,
# downloaded if needed; its size, hash and entries are checked before it
# is used.  Prints its path.
kc_archive()
{
	local id=$1 size=$2 sum=$3 file have out

	file=$KC_ARCHIVES/ksplice-$id.tar.gz
	mkdir -p "$KC_ARCHIVES" || kc_die "cannot create $KC_ARCHIVES"
	if [ ! -f "$file" ] || [ "$(sha256sum <"$file" | cut -d' ' -f1)" != "$sum" ]; then
		kc_tmp
		[ "${KC_QUIET:-0}" = 1 ] || echo "Downloading update $id ($size bytes)..." >&2
		if [ "${KC_QUIET:-0}" = 1 ]; then
			out=$(kc_fetch "$KC_REPO/$KC_PATH/ksplice-$id.tar.gz" "$KC_TMP/$id.tar.gz")
		else
			out=$(kc_fetch "$KC_REPO/$KC_PATH/ksplice-$id.tar.gz" "$KC_TMP/$id.tar.gz" progress)
		fi ||
			kc_die "cannot download update $id: $out"
		have=$(wc -c <"$KC_TMP/$id.tar.gz" | tr -d ' ')
		[ "$have" = "$size" ] ||
			kc_die "update $id: the download has $have bytes, the signed index says $size: refused"
		have=$(sha256sum <"$KC_TMP/$id.tar.gz" | cut -d' ' -f1)
		[ "$have" = "$sum" ] ||
			kc_die "update $id: the download's sha256 is $have, the signed index says $sum: refused"
		mv -f "$KC_TMP/$id.tar.gz" "$file" || kc_die "cannot write $file"
	fi
	out=$(ks_archive_problem "$file")
	[ "$out" = "ID $id" ] || {
		rm -f "$file"
		case $out in
		"ID "*) kc_die "update $id: the archive holds update ${out#ID }: refused" ;;
		esac
		kc_die "update $id: $out: refused"
	}
	printf '%s\n' "$file"
}
