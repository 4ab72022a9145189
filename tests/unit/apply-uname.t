#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ksplice-uname -v shows the newest effective version of the applied
# updates in place of the Debian version uname names (or after a version
# string that names none); -r stays; ksplice-view says it too; an
# effective version older than the running one, or none, changes nothing.
. "$(dirname "$0")/apply-fake-kernel.sh"

# upd ID [VERSION]: an archive whose contents carry VERSION
upd()
{
	make_update "$T/u/ksplice-$1" "$1"
	[ -z "${2:-}" ] || echo "effective-version $2" >>"$T/u/ksplice-$1/contents"
	(cd "$T/u" && tar -czf "$T/ksplice-$1.tar.gz" "ksplice-$1")
}

# A Debian kernel's uname.
cat >"$T/bin/uname" <<'EOF'
#!/bin/sh
v="#1 SMP PREEMPT_DYNAMIC Debian 6.1.170-3 (2026-04-01)"
case $1 in
-v) echo "$v" ;;
-r) echo 6.1.0-47-cloud-amd64 ;;
-a) echo "Linux host 6.1.0-47-cloud-amd64 $v x86_64 GNU/Linux" ;;
*) echo Linux ;;
esac
EOF
chmod +x "$T/bin/uname"
export KSPLICE_UNAME=$T/bin/uname

tool ksplice-uname -v
[ "$(cat "$T/out")" = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.170-3 (2026-04-01)" ] || fail "no update"
upd old 6.1.99-1
upd none
upd new 6.1.176-1
upd newer 6.1.180-2
for u in old none new; do
	tool ksplice-apply "$T/ksplice-$u.tar.gz"
	[ "$STATUS" = 0 ] || fail "apply $u"
done
tool ksplice-uname -v
[ "$(cat "$T/out")" = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2026-04-01)" ] || fail "-v: $(cat "$T/out")"
tool ksplice-uname -a
[ "$(cat "$T/out")" = "Linux host 6.1.0-47-cloud-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2026-04-01) x86_64 GNU/Linux" ] ||
	fail "-a: $(cat "$T/out")"
tool ksplice-uname -r
[ "$(cat "$T/out")" = 6.1.0-47-cloud-amd64 ] || fail "-r: $(cat "$T/out")"
tool ksplice-view
tail -n 1 "$T/out" | grep -q "(version 6.1.176-1)$" || fail "view: $(tail -n 1 "$T/out")"
tool ksplice-apply "$T/ksplice-newer.tar.gz"
tool ksplice-uname -v
grep -q "Debian 6.1.180-2 " "$T/out" || fail "newest: $(cat "$T/out")"
tool ksplice-undo --all
tool ksplice-uname -v
[ "$(cat "$T/out")" = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.170-3 (2026-04-01)" ] || fail "after undo"
tool ksplice-uname -q
[ "$STATUS" = 2 ] || fail "bad option"

# Older than the running kernel: nothing to say.
tool ksplice-apply "$T/ksplice-old.tar.gz"
tool ksplice-uname -v
grep -q "Debian 6.1.170-3 " "$T/out" || fail "an older effective version was shown"
exit 0
