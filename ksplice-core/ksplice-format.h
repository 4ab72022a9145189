/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksplice-format.h - the update format: the one definition shared by
 * ksplice-create (which writes it) and the core module (which reads it).
 *
 * THE ARCHIVE
 *
 *   ksplice-<id>.tar.gz holds one directory, ksplice-<id>/, with:
 *
 *     contents                  "key value" lines, see below
 *     ksplice_<id>_helper.ko    the helper module: pre code, for matching
 *     ksplice_<id>_new.ko       the new-code module: the replacement code
 *     patch                     the source patch the update was made from
 *     description               one line of text for ksplice-view
 *
 *   contents has one "key value" pair a line, in this order:
 *
 *     format <KSPLICE_FORMAT_VERSION>
 *     id <id>
 *     kernel-release <uname -r of the target kernel>
 *     build-id <GNU build id of the target vmlinux, hex, or "unknown">
 *     helper ksplice_<id>_helper.ko
 *     new ksplice_<id>_new.ko
 *     function <object> <name>     (one line per replaced function)
 *     init-skipped <object> <name> (one line per function or variable of
 *                                   init code that the patch changes and
 *                                   the update leaves out: made with
 *                                   ksplice-create --skip-init)
 *     new-value <object> <name>    (one line per read-only object the
 *                                   update writes its new value over:
 *                                   see NEW VALUES below)
 *     export <object> <name> <kind> <crc>
 *                                  (one line per function the patch
 *                                   exports, see EXPORTS below: kind
 *                                   EXPORT_SYMBOL or EXPORT_SYMBOL_GPL,
 *                                   crc its symbol version, 0x%08x, or
 *                                   "-" without CONFIG_MODVERSIONS: what
 *                                   Module.symvers would say of it)
 *     keep-module <object> <name>  (one line per new function, or data
 *                                   the new code carries, whose address
 *                                   the update hands on: after an undo
 *                                   the new-code module stays loaded,
 *                                   so that it stays valid)
 *     global <object> <name> <target>
 *                                  (one line per global function or
 *                                   variable the update adds; target:
 *                                   vmlinux or the module the object is
 *                                   linked into.  ksplice-apply refuses
 *                                   the update when the running kernel
 *                                   has a global of that name there
 *                                   already, as /proc/kallsyms says: a
 *                                   weak definition that the patch
 *                                   overrides, or a function it moves
 *                                   from another file, which the
 *                                   kernel's callers keep calling)
 *     earlier <sha256>             (one line per update this one is made
 *                                   on top of, in order: the sha256 of
 *                                   the patch it was made from; such an
 *                                   update must be applied first)
 *     replaces <id>                (one line per applied update that this
 *                                   cumulative one replaces: made with
 *                                   ksplice-create --replaces=ID from the
 *                                   tree without them and a patch that
 *                                   holds theirs)
 *     effective-version <version>  (optional: the kernel version the
 *                                   running kernel has once the update is
 *                                   applied, e.g. the Debian version whose
 *                                   fix it carries: ksplice-create
 *                                   --effective-version; ksplice-uname -v)
 *     sha256 <file> <hex>          (last: one line for each other file of
 *                                   the directory, helper, new, patch and
 *                                   description: ksplice-apply checks each
 *                                   before it loads anything, so that a
 *                                   damaged file is refused by name)
 *
 *   <id> is 1 to KSPLICE_ID_MAX (32) characters of KSPLICE_ID_CHARS
 *   ([a-z0-9_]); the default is 8 random characters of [a-z0-9].  Module
 *   names use '_' only, so the kernel sees them under the same name as
 *   the file.
 *
 * THE TWO MODULES AND HOW AN UPDATE IS APPLIED
 *
 *   1. The helper is loaded first.  Its init calls
 *      ksplice_register_helper().  The core creates
 *      /sys/kernel/ksplice/<id>/ and runs run-pre matching at once: every
 *      section (a function of the pre objects) is compared with the
 *      running kernel's memory; sections flagged KSPLICE_SECT_REPLACED
 *      must match exactly one candidate.  Matching fills in the value of
 *      every symbol in the helper's table (see struct ksplice_symbol);
 *      symbols that no relocation bound are then looked up in kallsyms.
 *      A failure leaves the helper loaded, stage "preparing" and
 *      abort_cause set (no_match, failed_to_find, ...): ksplice-apply
 *      reads it, reports it and unloads the helper.
 *
 *   2. The new-code module is loaded.  Its relocations to exported
 *      symbols are ordinary ELF relocations that the module loader
 *      resolves.  Its relocations to everything else (static functions
 *      and data, unexported globals) are left zero in the code and listed
 *      in struct ksplice_new.relocs; the core writes them while the
 *      module is being loaded, after the loader's own relocations and
 *      before the loader processes the module's special sections
 *      (alternatives, jump labels, static calls, ftrace sites), so that
 *      those see final values.  The core finds the struct ksplice_new
 *      through the section named KSPLICE_NEW_SECTION.  The module's init
 *      then calls ksplice_register_new().
 *
 *   3. Writing "applied" to /sys/kernel/ksplice/<id>/stage applies the
 *      update: the redirections are installed (an ftrace direct call,
 *      or a jump where a function has no ftrace site), and then inside stop_machine every
 *      task's stack is checked for addresses inside the replaced
 *      functions; if none is found, all redirections turn on at once.
 *      Otherwise the core waits and tries again, then aborts code_busy.
 *      On success the helper can be unloaded; the new-code module is
 *      pinned until the update is reversed: the core uses it, as one
 *      module uses another, so that even "rmmod -f" refuses it.
 *
 *   A cumulative update (struct ksplice_new.replaces) goes on in the
 *      same switch as the updates it replaces come off: its functions
 *      that they redirect take over their redirections, theirs that it
 *      does not change go back to the old code, and the stack check
 *      covers their new code too.  They end "reversed" (their hooks do
 *      not run); a failure leaves them applied.
 *
 *   4. Writing "reversed" to stage checks the stacks for addresses
 *      inside the new code (struct ksplice_new.code) the same way, turns the redirections
 *      off, removes them and unpins the module; unloading the new-code
 *      module then removes /sys/kernel/ksplice/<id>/.  A new-code module
 *      flagged KSPLICE_NEW_KEEP_MODULE stays pinned after its reversal
 *      (until reboot): the kernel may hold addresses of its functions
 *      or data.
 *
 * SYSFS: /sys/kernel/ksplice/<id>/, root only
 *
 *   stage         preparing | applied | reversed; write "applied" or
 *                 "reversed".  A write that fails returns an error and
 *                 sets abort_cause.
 *   state         the finer state: unmatched | matched | ready | applying
 *                 | applied | reversing | reversed | kept (reversed, its
 *                 module kept loaded for good: KSPLICE_NEW_KEEP_MODULE)
 *   abort_cause   one of KSPLICE_CAUSE_NAMES below: none | no_match |
 *                 code_busy | module_busy | failed_to_find |
 *                 out_of_memory | call_failed | unexpected | on_top |
 *                 not_loaded | conflict (on_top: another update uses this
 *                 one's new code; not_loaded: a module the new code refers
 *                 to is not loaded; conflict: a function the update
 *                 exports is exported already, or data it gives a new
 *                 value has one from another update; module_busy also: a
 *                 module uses the functions the update exports)
 *   abort_detail  one line saying what failed, for people
 *   conflicts     for code_busy: one line a task: "<comm> <pid> <where>",
 *                 where is the address as %pS prints it ("func+0x1d/0x90",
 *                 followed by " [module]" for module code)
 *   description   the update's description
 *   on_top_of     the applied updates whose new code this one uses (it was
 *                 made on top of them: ksplice-create --earlier), one id a
 *                 line; they cannot be reversed before this one
 *   targets       one line a module the update patches:
 *                 "<module> patched|waiting" (waiting: not loaded; the
 *                 core patches it when it loads)
 *   pause         the last stop_machine() of an apply and of a reversal,
 *                 one line each: "<apply|reverse> <ns> <checked> <tasks>":
 *                 the time the switch took with every CPU stopped (its
 *                 callback), and of the tasks then, how many had their
 *                 stacks checked in it (those that ran since the check
 *                 made just before stopping)
 *   exports       one line a function the update exports (EXPORTS
 *                 below): "<symbol> published|hidden"
 *   redirects     one line a replaced function:
 *                 "<function> <kind> caught=<n> missed=<n>", and
 *                 " unguarded" for a redirection through ftrace without
 *                 a guard.  kind (KSPLICE_REDIRECT_NAMES): direct (an
 *                 ftrace direct call into a trampoline of the core),
 *                 ftrace (an ftrace handler, where no direct call can
 *                 be made), jump (written over the entry of a function
 *                 without an ftrace site), kprobe (where no jump can go);
 *                 for a function of a module that is not loaded, the
 *                 kind it will try first.
 *                 caught: calls that ftrace let through (its recursion
 *                 protection) and the guard after the ftrace site sent
 *                 to the new code; missed: calls that ran the old code
 *                 because a kprobe handler was running on that CPU (the
 *                 kprobes core skips nested probes).
 *
 * THE REPOSITORY: updates delivered (ksplice-publish, ksplice-upgrade)
 *
 *   A directory tree that any static web server can serve:
 *
 *     <release>/<build-id>/index           the index of one kernel build
 *     <release>/<build-id>/index.sig       its detached OpenPGP signature
 *     <release>/<build-id>/ksplice-<id>.tar.gz   the updates
 *
 *   <release> is the kernel's uname -r, <build-id> the GNU build id of its
 *   vmlinux (as in contents; an update without one cannot be published).
 *   index is text, one "key value" pair a line, in this order:
 *
 *     ksplice-repo <KSPLICE_REPO_FORMAT>
 *     kernel-release <release>
 *     build-id <build-id>
 *     serial <n>    1 for the first index, one more at every publication:
 *                   a client refuses an index older than one it has seen
 *     update <id> <size> <sha256> <replaced> <description>
 *                   one line per update, in the order they are installed:
 *                   the archive's size in bytes and sha256 (hex), the ids
 *                   of the earlier updates of this index that it replaces
 *                   (its contents' "replaces" lines) joined by ',' or '-'
 *                   for none, and its description, to the end of the line
 *
 *   A client installs, in index order, every update that is neither
 *   installed nor replaced by one installed; a cumulative update goes on
 *   after the updates it replaces (the core swaps them in one switch), so
 *   the client keeps the list of what it installed, in order, and applies
 *   the same list again at boot.
 *
 *   An archive holds exactly the files of THE ARCHIVE, as regular files
 *   in the one directory ksplice-<id>/: an entry of any other name or
 *   type (a link, a device, a path with "..") is refused before anything
 *   is unpacked.
 *
 * RELOCATIONS
 *
 *   Types are the ELF x86-64 relocation numbers.  For a record with
 *   symbol S, addend A, and field address P, the field holds:
 *
 *     KSPLICE_R_64, KSPLICE_R_32, KSPLICE_R_32S   S + A
 *     KSPLICE_R_PC32, KSPLICE_R_PLT32, KSPLICE_R_PC64   S + A - P
 *
 *   (4 bytes, 8 bytes for _64 and _PC64; _32S sign-extends.)  A reference
 *   to a section symbol is turned by ksplice-create into a reference to a
 *   named symbol of that section, with the addend adjusted, so every
 *   symbol here has a name that kallsyms knows, but for string literals
 *   (KSPLICE_SYM_CONTENT).  A reference to anonymous read-only data
 *   (string literals, constant pools) has no symbol (KSPLICE_NO_SYMBOL),
 *   and the new code carries its own copy of that data; except a string
 *   literal that a function of the helper which must match (flag
 *   KSPLICE_SECT_REPLACED) also refers to: that one record of the helper
 *   names a KSPLICE_SYM_CONTENT symbol, with the addend relative to the
 *   string's first byte, and the new code's records take the literal
 *   from the running kernel through that symbol.
 *
 *   In the helper, such a record carries the bytes the data must hold
 *   instead: content, content_len and content_off.  Matching decodes the
 *   field's target T as for any record (T = P + field - A for the
 *   PC-relative types, field - A for the others) and requires the
 *   running kernel's content_len bytes at T + content_off to equal
 *   content; a difference is a difference at the field.  For a reference
 *   made through a section symbol, T is where the start of that section
 *   of the object would be, so content_off is the data's offset in the
 *   section.  ksplice-create records: for a string section, the string
 *   from the referenced offset to its NUL, included; for a constant pool
 *   (sections of fixed-size entries), the entry; for other read-only
 *   data, at most 64 bytes from the referenced offset, up to the end of
 *   the section or the first relocated byte.  A reference to a named
 *   read-only object without relocations of its own (a table of
 *   numbers, say) carries its bytes too, from its start (content_off 0,
 *   at most KSPLICE_CONTENT_MAX): the running object must hold what the
 *   pre source says.  A record without content
 *   (content_len 0; new-code records, references to writable anonymous
 *   data) is skipped by matching without checking it.
 */
#ifndef KSPLICE_FORMAT_H
#define KSPLICE_FORMAT_H

#define KSPLICE_FORMAT_VERSION	7

/* The repository index's format (see THE REPOSITORY). */
#define KSPLICE_REPO_FORMAT	1

/* The update id rule (see THE ARCHIVE). */
#define KSPLICE_ID_MAX		32
#define KSPLICE_ID_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789_"

/*
 * Abort causes, and their names in abort_cause (in the same order).
 * apply/ksplice-lib.sh has words for each (tests/unit/apply-args.t
 * checks that it knows exactly these).
 */
enum ksplice_cause {
	KSPLICE_OK,
	KSPLICE_NO_MATCH,
	KSPLICE_CODE_BUSY,
	KSPLICE_MODULE_BUSY,
	KSPLICE_FAILED_TO_FIND,
	KSPLICE_OUT_OF_MEMORY,
	KSPLICE_CALL_FAILED,
	KSPLICE_UNEXPECTED,
	KSPLICE_ON_TOP,
	KSPLICE_NOT_LOADED,
	KSPLICE_CONFLICT,
	KSPLICE_NR_CAUSES
};

#define KSPLICE_CAUSE_NAMES {						\
	"none",								\
	"no_match",							\
	"code_busy",							\
	"module_busy",							\
	"failed_to_find",						\
	"out_of_memory",						\
	"call_failed",							\
	"unexpected",							\
	"on_top",							\
	"not_loaded",							\
	"conflict",							\
}

/* How a function is redirected; their names in sysfs "redirects". */
enum ksplice_redirect_kind {
	KSPLICE_REDIRECT_DIRECT,
	KSPLICE_REDIRECT_FTRACE,
	KSPLICE_REDIRECT_JUMP,
	KSPLICE_REDIRECT_KPROBE,
};

#define KSPLICE_REDIRECT_NAMES { "direct", "ftrace", "jump", "kprobe" }

/*
 * EXIT CODES of ksplice-create, documented in its --help.  ksplice-objdiff
 * (which ksplice-create runs) exits with the same codes for the same
 * outcomes; create/lib/common.sh reads them from here.
 */
#define KSPLICE_EXIT_OK			0
#define KSPLICE_EXIT_ERROR		1	/* an error, said on stderr */
#define KSPLICE_EXIT_USAGE		2	/* bad command line or input */
#define KSPLICE_EXIT_NO_APPLY		3	/* the patch does not apply */
#define KSPLICE_EXIT_BUILD		4	/* the kernel does not build */
#define KSPLICE_EXIT_NO_CHANGES		5	/* the compiled code is the same */
#define KSPLICE_EXIT_UNSUPPORTED	6	/* a change ksplice refuses */
/*
 * ksplice-objdiff only: it needs more builds of some objects (with
 * __LINE__ pinned, or as the kernel builds them); ksplice-create makes
 * them and runs it again.
 */
#define KSPLICE_EXIT_NEED_BUILDS	10

/* The section of a new-code module that holds its struct ksplice_new. */
#define KSPLICE_NEW_SECTION	".ksplice_new"

#define KSPLICE_R_64		1
#define KSPLICE_R_PC32		2
#define KSPLICE_R_PLT32		4
#define KSPLICE_R_32		10
#define KSPLICE_R_32S		11
#define KSPLICE_R_PC64		24

/*
 * The size of the field a relocation of this type writes: 8 bytes for
 * _64 and _PC64, 4 for the others; 0 for a type that is not one of these.
 */
static inline unsigned int ksplice_reloc_field_size(unsigned int type)
{
	switch (type) {
	case KSPLICE_R_64:
	case KSPLICE_R_PC64:
		return 8;
	case KSPLICE_R_PC32:
	case KSPLICE_R_PLT32:
	case KSPLICE_R_32:
	case KSPLICE_R_32S:
		return 4;
	default:
		return 0;
	}
}

/* PC-relative types: the field holds S + A - P. */
static inline int ksplice_reloc_is_pcrel(unsigned int type)
{
	return type == KSPLICE_R_PC32 || type == KSPLICE_R_PLT32 ||
	       type == KSPLICE_R_PC64;
}

#define KSPLICE_NO_SYMBOL	0xffffffffu

struct module;
struct kernel_symbol;
struct jump_entry;

/*
 * A kernel symbol the update refers to, found by name.  The helper holds
 * the table of every symbol the pre code or the new code refers to
 * (except exported symbols that only the new code uses: the module loader
 * resolves those).  A global name is looked up in kallsyms.  A local
 * (static) name may be there several times: the candidate is the one
 * that run-pre matching binds (the address decoded from a relocation of
 * matched pre code, or the address of a matched function); if nothing
 * binds it, it must be there exactly once, or where its group puts it.
 *
 * A name that an object of a module refers to has that module as its
 * target: its candidates are the module's symbols of that name (a local
 * one must be there); a global name the module lacks is looked up in
 * vmlinux, then in the other loaded modules.  Without a target, in
 * vmlinux (and applied updates' new code).
 */
struct ksplice_symbol {
	const char *name;	/* the kallsyms name */
	const char *object;	/* object a local symbol belongs to, or NULL */
	const char *target;	/* module the referring object is in, or NULL */
	unsigned long flags;	/* KSPLICE_SYM_* */
	unsigned long value;	/* written by the core: the running address */
	/*
	 * Statics of one object that share a data section in the kernel's
	 * build (which has no -fdata-sections) have the same group (0: none)
	 * and their offsets in it: one that nothing binds is at a bound
	 * one's address plus the difference of their offsets, and is taken
	 * there only if kallsyms has its name at that address.
	 */
	unsigned int group;
	unsigned long group_off;
};

#define KSPLICE_SYM_LOCAL	0x1	/* a static symbol */
/*
 * The new code refers to it: it must be found, or the update aborts
 * failed_to_find.  A symbol that only the pre code refers to is found if
 * it can be, and otherwise left alone (its relocation fields are then
 * checked only for landing on one of its kallsyms addresses).
 */
#define KSPLICE_SYM_NEEDED	0x2
/*
 * A string literal, not a name kallsyms knows (name says which, for
 * messages): the one helper record that names it checks its bytes
 * (content, content_off 0), and matching binds it to the address where
 * that record finds them.  The new code takes the literal from there
 * instead of carrying its own copy, so that a pointer to it that the
 * kernel keeps stays valid after the update's module is gone.
 */
#define KSPLICE_SYM_CONTENT	0x4

/*
 * One relocation site.  In the helper, place is the offset of the field
 * within its section; in the new-code module, place is the field's
 * address (an ordinary relocation that the module loader resolves).
 *
 * content (helper only, see RELOCATIONS): the running kernel's
 * content_len bytes at the decoded target + content_off must equal
 * content.  content_len is at most KSPLICE_CONTENT_MAX; 0 means nothing
 * to check (content NULL).
 */
struct ksplice_reloc {
	unsigned long place;
	long addend;
	unsigned int symbol;	/* index in ksplice_helper.symbols */
	unsigned int type;	/* KSPLICE_R_* */
	const unsigned char *content;
	unsigned int content_len;
	long content_off;
};

#define KSPLICE_CONTENT_MAX	4096

/*
 * A place in the pre code that the kernel rewrites at boot, so that the
 * running bytes there legitimately differ from the compiled ones.
 * offset and len cover the whole instruction(s) that may be rewritten
 * (for a call or jump through a relocation: the opcode and the field).
 */
struct ksplice_rewrite {
	unsigned int offset;
	unsigned int len;
	unsigned int kind;		/* KSPLICE_RW_* */
	unsigned int repl_len;		/* KSPLICE_RW_ALTERNATIVE: length */
	const unsigned char *repl;	/* ... bytes of the replacement */
	const struct ksplice_reloc *repl_relocs; /* ... and its fields */
	unsigned int nr_repl_relocs;
	unsigned int flags;		/* KSPLICE_RWF_* */
	unsigned long target;		/* KSPLICE_RWF_TARGET, PARAVIRT */
};

/*
 * KSPLICE_RW_ALTERNATIVE: repl holds the replacement with its relocation
 * fields zeroed; repl_relocs (place: offset in the replacement, sorted)
 * name what they refer to.  apply_alternatives() keeps the target of a
 * 5-byte call or jmp that is the whole replacement (the jmp may become
 * jmp.d8 + NOPs); it copies other fields as they are, so only absolute
 * ones can be checked and a PC-relative field elsewhere is not accepted.
 *
 * KSPLICE_RW_PARAVIRT: target is the site's type, the index of its slot
 * in pv_ops.  apply_paravirt() writes there a call to the slot's
 * function (paravirt_BUG for an empty slot), or nothing for
 * _paravirt_nop, then NOPs.
 */

/*
 * KSPLICE_RW_JUMP_LABEL: the jump the kernel writes there goes to offset
 * target of the section (the jump entry's target, inside the function).
 * Without it (a target in another section, a .cold part), any jump of
 * the window's length is accepted.
 */
#define KSPLICE_RWF_TARGET	0x1

/* call __fentry__: a 5-byte NOP, or a call into ftrace */
#define KSPLICE_RW_FENTRY	1
/* jmp/jcc __x86_return_thunk: ret + int3 padding, or a jmp to a thunk */
#define KSPLICE_RW_RETURN	2
/*
 * call/jmp/jcc __x86_indirect_thunk_<reg>: the thunk, or an indirect
 * call/jmp through <reg> (maybe after lfence), padded
 */
#define KSPLICE_RW_RETPOLINE	3
/* .altinstructions: the original bytes, or the replacement + NOP padding */
#define KSPLICE_RW_ALTERNATIVE	4
/* .parainstructions: a call through pv_ops, or its patched form (above) */
#define KSPLICE_RW_PARAVIRT	5
/* __jump_table: a 2- or 5-byte NOP or jmp */
#define KSPLICE_RW_JUMP_LABEL	6
/* .static_call_sites: call/jmp to the trampoline, to the target, or NOP */
#define KSPLICE_RW_STATIC_CALL	7
/*
 * .smp_locks: a lock prefix (0xf0), or the ds prefix (0x3e) that a kernel
 * running on one CPU writes there instead
 */
#define KSPLICE_RW_LOCK		8

/*
 * One function of the pre code (a "section" in Ksplice's words), in
 * vmlinux or, with a target, in that module (KBUILD_MODNAME), whose
 * kallsyms give its candidates.
 */
struct ksplice_section {
	const char *name;		/* the function's kallsyms name */
	const char *object;		/* the object file it was compiled in */
	const char *target;		/* its module, or NULL: vmlinux */
	const unsigned char *code;	/* pre code, relocation fields zeroed */
	unsigned long size;
	/*
	 * 0, or how far the object goes on before its next symbol that the
	 * link keeps: past padding and weak functions, whose symbols vanish
	 * from the kernel when another object overrides them (the running
	 * function then seems to go on up to there).
	 */
	unsigned long extent;
	const struct ksplice_reloc *relocs;	/* sorted by place */
	unsigned int nr_relocs;
	const struct ksplice_rewrite *rewrites;	/* sorted by offset */
	unsigned int nr_rewrites;
	unsigned int symbol;	/* this function in ksplice_helper.symbols */
	unsigned int flags;	/* KSPLICE_SECT_* */
};

/*
 * The update replaces this function, or it is the .cold part of one, or
 * old code that the new code no longer has (a compiler clone renamed or
 * dropped by the patch): it must match exactly one candidate, and no task
 * may be inside it when the update is applied.  Only the sections named
 * by a struct ksplice_patch are redirected.
 */
#define KSPLICE_SECT_REPLACED	0x1
/*
 * The function is weak in its object: where another object defines it,
 * the link keeps that one, the kernel never runs this one, and a change
 * to it has no effect.  A replaced weak function that nothing matches is
 * refused saying so.
 */
#define KSPLICE_SECT_WEAK	0x2

struct ksplice_helper {
	unsigned int format;		/* KSPLICE_FORMAT_VERSION */
	const char *id;
	const char *kernel_release;
	struct ksplice_symbol *symbols;
	unsigned int nr_symbols;
	const struct ksplice_section *sections;
	unsigned int nr_sections;
	struct module *owner;		/* THIS_MODULE */
};

/* One function whose entry the update redirects to new code. */
struct ksplice_patch {
	unsigned int section;	/* the old function: ksplice_helper.sections */
	void *new_code;		/* entry of the replacement */
};

/*
 * A piece of the new code: a replacement function, the .cold part of one,
 * or a compiler clone it calls.  No task may be inside any of them when
 * the update is reversed.
 */
struct ksplice_code {
	const void *start;
	unsigned long size;
};

/*
 * EXPORTS: the functions a patch exports that pre did not (a new
 * EXPORT_SYMBOL or EXPORT_SYMBOL_GPL).  The new-code module carries them
 * in tables of the kernel's own layout (struct kernel_symbol, sorted by
 * name; with CONFIG_MODVERSIONS one symbol version a symbol, the one the
 * kernel's build gives it) in sections the module loader does not read,
 * so that nothing can use them while the update is not applied.  The
 * core publishes them as the module's exports once the update is
 * applied and every module in targets (whose code they are) is patched
 * and live; from then on the new-code module uses those modules, so that
 * they stay loaded.  They are hidden again before a reversal, which is
 * refused (module_busy) while a module uses them.  Each value is the new
 * code of a new function, or the running entry of an existing one (a
 * record: redirected when the update replaces it).  Per update:
 *
 *   hidden --applied, targets patched--> published --reversing--> hidden
 */
struct ksplice_exports {
	const struct kernel_symbol *syms;	/* EXPORT_SYMBOL */
	const int *crcs;			/* NULL without MODVERSIONS */
	unsigned int nr_syms;
	const struct kernel_symbol *gpl_syms;	/* EXPORT_SYMBOL_GPL */
	const int *gpl_crcs;
	unsigned int nr_gpl_syms;
	const char *const *targets;		/* module names */
	unsigned int nr_targets;
};

/*
 * NEW VALUES: read-only data of the running kernel (a const table or
 * structure) whose value the patch changes, keeping its size.  At the
 * switch the core writes the new value over the running object, and puts
 * the old one back at the reversal's switch; in a module that is not
 * loaded, when it loads (before its init).  Before writing, the running
 * bytes must equal old_data wherever old_mask is 0xff (elsewhere lie
 * relocated fields): otherwise the apply aborts no_match, naming the
 * object.  Two applied updates never write the same bytes (conflict),
 * unless one is on top of the other, or replaces it: a cumulative update
 * checks the bytes the replaced one saved, and its switch puts them back
 * before it writes its own.  Readers see the new value from the switch
 * on; one stopped in the middle of reading the object (preempted inside
 * a loop over a table) reads the rest of it in the new value.
 */
struct ksplice_value {
	unsigned int symbol;		/* the object: ksplice_helper.symbols */
	unsigned long size;
	const void *new_data;		/* in the new-code module */
	const unsigned char *old_data;
	const unsigned char *old_mask;
};

/*
 * LINKED JUMP LABELS: a jump label of the new code on a key of a module
 * (the key's module may load after the update, or unload and come back)
 * is never in the new-code module's __jump_table, which the loader links
 * once.  The differ makes most of them jumps to a check of the key in the
 * new code; a 2-byte site too far from its function's end for that is a
 * keysite: the core links it to its key through the kernel's jump-label
 * code, as the entries of a module of their own (a struct module of the
 * core's; the entries in room the new-code module gives, keysite_entries)
 * while the key's module is loaded and the update applied or being
 * applied.  Unlinked, a site holds its compiled bytes again.  Per module
 * target:
 *
 *   unlinked --apply (module loaded), or it loads patched--> LINKED
 *   LINKED --module going; failed apply--> unlinked (bytes put back)
 *   LINKED --reversed--> unlinked (the new code no longer runs)
 */
struct ksplice_keysite {
	unsigned long site;		/* in the new code */
	unsigned long target;		/* where the jump goes */
	unsigned int symbol;		/* the key: ksplice_helper.symbols */
	long addend;			/* + the entry's branch bits (low 2) */
	unsigned int len;		/* 2 or 5 */
	unsigned char bytes[5];		/* the site as compiled */
};

struct ksplice_new {
	unsigned int format;		/* KSPLICE_FORMAT_VERSION */
	const char *id;
	const char *kernel_release;
	const char *description;
	const struct ksplice_patch *patches;
	unsigned int nr_patches;
	const struct ksplice_code *code;
	unsigned int nr_code;
	const struct ksplice_reloc *relocs;	/* written by the core */
	unsigned int nr_relocs;
	unsigned int flags;		/* KSPLICE_NEW_* */
	/* a cumulative update: the ids of the applied updates it replaces */
	const char *const *replaces;
	unsigned int nr_replaces;
	const struct ksplice_exports *exports;	/* or NULL */
	const struct ksplice_value *values;
	unsigned int nr_values;
	const struct ksplice_keysite *keysites;
	unsigned int nr_keysites;
	struct jump_entry *keysite_entries;	/* room for nr_keysites */
	struct module *owner;		/* THIS_MODULE */
};

/*
 * The update hands on the address of a new function or of data its module
 * carries (contents lines keep-module): once applied, its module is never
 * unloaded.
 */
#define KSPLICE_NEW_KEEP_MODULE	0x1

/*
 * HOOKS: functions of the patch that the core calls around a switch.  A
 * patch declares them with the macros of include/ksplice-patch.h, which
 * put a pointer to the function in the section of its kind; the pointers
 * are a special table (one entry per function, carried with it), and the
 * core finds the sections in the new-code module by name.  In order:
 *
 *   pre_apply      int (void), before the switch, may sleep: non-zero
 *                  aborts the apply (call_failed)
 *   check_apply    int (void), inside stop_machine once the stacks are
 *                  clear, before the switch: non-zero aborts it
 *   apply          void (void), inside stop_machine, after the switch
 *   post_apply     void (void), after stop_machine
 *   fail_apply     void (void), when the apply fails after the pre_apply
 *                  hooks ran (to undo what they did)
 *
 * and the same five for a reversal (pre_reverse ... fail_reverse).  Hooks
 * inside stop_machine run with interrupts off on one CPU while the others
 * spin: they must not sleep.
 */
enum ksplice_hook_kind {
	KSPLICE_HOOK_PRE_APPLY,
	KSPLICE_HOOK_CHECK_APPLY,
	KSPLICE_HOOK_APPLY,
	KSPLICE_HOOK_POST_APPLY,
	KSPLICE_HOOK_FAIL_APPLY,
	KSPLICE_HOOK_PRE_REVERSE,
	KSPLICE_HOOK_CHECK_REVERSE,
	KSPLICE_HOOK_REVERSE,
	KSPLICE_HOOK_POST_REVERSE,
	KSPLICE_HOOK_FAIL_REVERSE,
	KSPLICE_NR_HOOKS
};

#define KSPLICE_HOOK_SEC_PRE_APPLY	".ksplice_hook_pre_apply"
#define KSPLICE_HOOK_SEC_CHECK_APPLY	".ksplice_hook_check_apply"
#define KSPLICE_HOOK_SEC_APPLY		".ksplice_hook_apply"
#define KSPLICE_HOOK_SEC_POST_APPLY	".ksplice_hook_post_apply"
#define KSPLICE_HOOK_SEC_FAIL_APPLY	".ksplice_hook_fail_apply"
#define KSPLICE_HOOK_SEC_PRE_REVERSE	".ksplice_hook_pre_reverse"
#define KSPLICE_HOOK_SEC_CHECK_REVERSE	".ksplice_hook_check_reverse"
#define KSPLICE_HOOK_SEC_REVERSE	".ksplice_hook_reverse"
#define KSPLICE_HOOK_SEC_POST_REVERSE	".ksplice_hook_post_reverse"
#define KSPLICE_HOOK_SEC_FAIL_REVERSE	".ksplice_hook_fail_reverse"

/* The section of each kind, indexed by enum ksplice_hook_kind. */
#define KSPLICE_HOOK_SECTIONS {						\
	KSPLICE_HOOK_SEC_PRE_APPLY,					\
	KSPLICE_HOOK_SEC_CHECK_APPLY,					\
	KSPLICE_HOOK_SEC_APPLY,						\
	KSPLICE_HOOK_SEC_POST_APPLY,					\
	KSPLICE_HOOK_SEC_FAIL_APPLY,					\
	KSPLICE_HOOK_SEC_PRE_REVERSE,					\
	KSPLICE_HOOK_SEC_CHECK_REVERSE,					\
	KSPLICE_HOOK_SEC_REVERSE,					\
	KSPLICE_HOOK_SEC_POST_REVERSE,					\
	KSPLICE_HOOK_SEC_FAIL_REVERSE,					\
}

/* Exported by the core (ksplice.ko). */
int ksplice_register_helper(struct ksplice_helper *helper);
void ksplice_unregister_helper(struct ksplice_helper *helper);
int ksplice_register_new(struct ksplice_new *update);
void ksplice_unregister_new(struct ksplice_new *update);

#endif /* KSPLICE_FORMAT_H */
