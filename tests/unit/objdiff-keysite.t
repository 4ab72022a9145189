#!/bin/bash
# ksplice-objdiff: in a module's object, a jump label or static call of
# the new code whose key is the module's own leaves no loader-table entry
# (the module may load later, or go and come back); a jump label becomes
# a check of its key.  The new code is assembled and run here, its
# records written as the core writes them: for every state of the keys it
# returns what the compiled post function returns with its sites patched
# by the kernel.  A 2-byte site too far from its function's end is left
# as compiled, and described for the core to link: patched here as the
# kernel patches it, it takes the way of its key too.  Both functions are
# in the kernel's kprobe blacklist (the core writes into them).  In a vmlinux
# object nothing changes.
. "$(dirname "$0")/objdiff/lib.sh"

# the new code calls from inline asm, as the kernel's: no red zone
compile keysite -mno-red-zone
objdiff keysite - target=ksmod
out=$T/keysite.out
[ "$rc" = 0 ] || { show keysite; fail "exit $rc, expected 0"; }
grep -q "changed test/keysite.o ks_func" "$out/changes" || { show keysite; fail "ks_func is not in the update"; }
# ks_func's sites are checks; ks_long's is linked: no table entry is left
[ "$(grep -c "to its key's check" "$out/new-code.S")" = 2 ] ||
	{ cat "$out/new-code.S"; fail "ks_func's two jump labels are not jumps to checks"; }
grep -q "\.section \(\.static_call_sites\|__jump_table\)" "$out/new-code.S" &&
	{ cat "$out/new-code.S"; fail "a table entry on the module's key is left"; }
grep -q "{ .site = (unsigned long)(__ksplice_f1 + 0x0), .target = (unsigned long)(__ksplice_f1+5), .symbol = [0-9]*, .addend = 2, .len = 2, .bytes = { 0xeb, 0x03, " "$out/new-desc.c" ||
	{ cat "$out/new-desc.c"; fail "ks_long's site is not described for the core to link"; }
# no kprobe goes into a function whose bytes the core writes while the
# module may have come and gone (ks_func: its checks' key fields; ks_long:
# the site the kernel patches too)
kbl=$(sed -n '/__section("_kprobe_blacklist")/,/^};/p' "$out/new-desc.c")
[ "$(printf '%s\n' "$kbl" | grep -c '__ksplice_f')" = 2 ] &&
	printf '%s\n' "$kbl" | grep -q '(unsigned long)__ksplice_f0,.* a record of ksmod' &&
	printf '%s\n' "$kbl" | grep -q '(unsigned long)__ksplice_f1,.* a linked jump label: ks_long' ||
	{ cat "$out/new-desc.c"; fail "the kprobe blacklist is not ks_func and ks_long"; }

# Run the new code: records written as the core writes them (S + A - P).
gcc -c -Wa,--noexecstack -o "$T/nc.o" "$out/new-code.S" || fail "new-code.S does not assemble"
awk -v Q='"' '
	FNR == 1 { file++ }
	file == 1 && /\.name = / {
		split($0, a, Q); i = $0; sub(/.*\/\* /, "", i); sub(/ \*\/.*/, "", i)
		name[i] = a[2]
	}
	file == 2 && /\.place = / {
		line = $0
		sub(/.*\(unsigned long\)\(/, "", line)
		place = line; sub(/\).*/, "", place)
		addend = line; sub(/.*\.addend = /, "", addend); sub(/,.*/, "", addend)
		sym = line; sub(/.*\.symbol = /, "", sym); sub(/,.*/, "", sym)
		type = line; sub(/.*\.type = KSPLICE_R_/, "", type); sub(/ .*/, "", type)
		split(place, p, " ")
		labels[p[1]] = 1; syms[name[sym]] = 1
		recs = recs sprintf("\t{ %s, %s, %s, %d },\n", place, addend, name[sym],
				    type == "PC64" ? 8 : 4)
	}
	file == 2 && /\.site = / {
		line = $0
		site = line; sub(/.*\.site = \(unsigned long\)\(/, "", site); sub(/\).*/, "", site)
		target = line; sub(/.*\.target = \(unsigned long\)\(/, "", target); sub(/\).*/, "", target)
		sym = line; sub(/.*\.symbol = /, "", sym); sub(/,.*/, "", sym)
		addend = line; sub(/.*\.addend = /, "", addend); sub(/,.*/, "", addend)
		len = line; sub(/.*\.len = /, "", len); sub(/,.*/, "", len)
		syms[name[sym]] = 1
		split(site, p, " "); labels[p[1]] = 1
		split(target, p, /[-+]/); labels[p[1]] = 1
		sites = sites sprintf("\t{ %s, %s, %s, %s, %s },\n", site, target, name[sym], addend, len)
	}
	END {
		for (l in labels) printf "extern char %s[];\n", l
		for (s in syms) if (s !~ /^(ks_near|ks_far|__SCT__ks_call)$/) printf "extern char %s[];\n", s
		printf "static const struct rec recs[] = {\n%s};\n", recs
		printf "static const struct linked linked[] = {\n%s};\n", sites
	}' "$out/helper.c" "$out/new-desc.c" >"$T/recs.h" || fail "cannot read the records"
cat >"$T/harness.c" <<'EOF'
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

struct static_key { int enabled; void *entries; };
struct static_key ks_near, ks_far;
struct rec { char *place; long addend; void *sym; int size; };
struct linked { char *site, *target, *key; long addend; int len; };

/* the static call's trampoline */
int __SCT__ks_call(int x)
{
	return x * 10;
}

#define ks_near ((char *)&ks_near)
#define ks_far ((char *)&ks_far)
#include "recs.h"
#undef ks_near
#undef ks_far
extern char __ksplice_f0[], __ksplice_f1[];

/* the kernel's patching of a linked site to its key's state */
static void link_sites(void)
{
	static const unsigned char nop2[] = { 0x66, 0x90 };
	static const unsigned char nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	unsigned int i;

	for (i = 0; i < sizeof(linked) / sizeof(linked[0]); i++) {
		const struct linked *l = &linked[i];
		struct static_key *k = (void *)(l->key + (l->addend & ~3L));
		int jump = (k->enabled != 0) ^ (l->addend & 1);
		int32_t d = l->target - (l->site + l->len);

		if (!jump)
			memcpy(l->site, l->len == 2 ? nop2 : nop5, l->len);
		else if (l->len == 2)
			l->site[0] = 0xeb, l->site[1] = d;
		else
			l->site[0] = 0xe9, memcpy(l->site + 1, &d, 4);
	}
}

int main(void)
{
	static const int counts[] = { 0, 1, -1, 2 };
	uintptr_t page = (uintptr_t)__ksplice_f0 & ~4095UL;
	int (*f)(int) = (int (*)(int))__ksplice_f0;
	int (*g)(int) = (int (*)(int))__ksplice_f1;
	unsigned int i, a, b, bad = 0;

	if (mprotect((void *)page, 3 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC))
		return perror("mprotect"), 2;
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		int64_t v = (intptr_t)recs[i].sym + recs[i].addend -
			    (intptr_t)recs[i].place;
		int32_t v32 = v;

		if (recs[i].size == 8)
			memcpy(recs[i].place, &v, 8);
		else
			memcpy(recs[i].place, &v32, 4);
	}
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) {
			int x = 4, want;

			ks_near.enabled = counts[a];
			ks_far.enabled = counts[b];
			/* the post function, its sites as the kernel sets them */
			want = (counts[a] ? 3 * x : x) - (counts[b] ? 0 : 7);
			want = want * 10 + 5;
			printf("near %d far %d: %d (want %d)\n", counts[a],
			       counts[b], f(x), want);
			bad += f(x) != want;
			link_sites();
			want = (counts[a] ? x : x + 1) + 5;
			printf("ks_long, near %d: %d (want %d)\n", counts[a],
			       g(x), want);
			bad += g(x) != want;
		}
	return bad != 0;
}
EOF
gcc -O2 -no-pie -I"$T" -o "$T/harness" "$T/harness.c" "$T/nc.o" ||
	{ cat "$T/recs.h"; fail "the harness does not link"; }
"$T/harness" || { cat "$T/recs.h"; objdump -d "$T/nc.o"; fail "the new code does not take the way of its keys"; }

# In a vmlinux object the same keys are the kernel's: entries stay.
objdiff keysite
[ "$rc" = 0 ] || { show keysite; fail "vmlinux: exit $rc, expected 0"; }
grep -q "to its key's check" "$out/new-code.S" &&
	{ cat "$out/new-code.S"; fail "vmlinux: a jump label became a check"; }
grep -q "\.section .static_call_sites" "$out/new-code.S" ||
	{ cat "$out/new-code.S"; fail "vmlinux: the static call site entry is gone"; }
grep -q '_kprobe_blacklist' "$out/new-desc.c" &&
	{ cat "$out/new-desc.c"; fail "vmlinux: a function of the new code is kept from kprobes"; }
exit 0
