/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * swapscope interface: ids, names and debugfs record layouts shared by the
 * module (module/), the CLI (userspace/) and the tests (tests/).
 *
 * Everything here is plain C with no kernel or libc dependency, so the same
 * tables compile into the kernel module and into userspace.
 *
 * debugfs layout (/sys/kernel/debug/swapscope/), one record per line,
 * every record a list of space-separated key=value pairs:
 *
 *   version  key=value lines: module=, abi=, kernel=, kernel_version=,
 *            built_for= (the headers it was built against), build=,
 *            rss_watch= (tracepoint or unavailable)
 *   probes   one line per probe:
 *              probe=zap symbol=unmap_page_range type=kprobe state=active
 *              hits=12 nmissed=0 maxactive=0 reason=- run_ns=0
 *            state is one of active, unavailable; reason is "-" when
 *            active, otherwise a single word (e.g. not-in-kallsyms, ENOENT).
 *            run_ns: time in the probe's handlers, only counted when the
 *            module was loaded with time_handlers=1 (else 0).
 *   stats    one line per (path, phase):
 *              path=swapin phase=before calls=3 present=0 swap=3 ...
 *            with one key per SS_COUNTERS entry below, in that order.
 *
 *   rules    one line per rule (SS_RULES order):
 *              rule=F1 seed=001 verdict=conforms observations=256
 *              violations=0 impact=0 enabled=1 reason=- state=enabled
 *              unjudged=3
 *            verdict is one of SS_VERDICTS; state one of SS_RULE_STATES
 *            (enabled=1 only for "enabled"); reason is "-" unless the rule
 *            is not-applicable or failed (one word, e.g. no-swap-map-shmem,
 *            folio-larger-than-pmd).  A failed rule disabled itself on an
 *            internal inconsistency: its counts cover the calls before.
 *            unjudged: judgements of the rule that could not be made
 *            exactly (another writer changed the same counters or swap
 *            slot meanwhile, a walk was cut short, a table was full), in
 *            the rule's unit of observation; never counted as violations
 *            nor as observations.
 *   samples  (0400) the kept violations, oldest first, one per line:
 *              rule=F1 seq=3 pid=123 comm=a.out addr=0x7f..000
 *              pte_before=0x... pte_after=0x... kind=swap swp_type=0
 *              swp_offset=4242 swap_count=2 path=do_swap_page
 *              caller=handle_mm_fault+0x1a5/0x3a0
 *            a violation judged on counts rather than one PTE also says
 *            whose mm, which VMA and which counts disagreed (SS_COUNTS):
 *              ... mm=123:a.out vma=0x7f..000-0x7f..000
 *              count=swap_refs_taken expected=512 actual=511 path=...
 *            (mm=child-of-123:a.out: the child fork was making, which has
 *            no pid yet; vma=- and mm=- when not known).
 *            plus one line "dropped=N" per rule with violating calls
 *            not kept: its ring wrapped, or, from a probe, a sample of
 *            that rule was already taken in the same jiffy (a rate limit):
 *              rule=F1 dropped=12
 *   control  (0200) write one command per write():
 *              reset            zero every counter, verdict and sample,
 *                               and health's unseen counts but nmissed
 *                               and re-arm every failed rule
 *              enable RULE      (re-)enable a rule (-EOPNOTSUPP if not
 *                               applicable, -EBUSY if failed: reset)
 *              disable RULE     stop judging a rule (verdict kept, frozen)
 *            anything else fails with -EINVAL and changes nothing.
 *   pagemap  (0600) seed 002, rules P1-P3: write "PID START END" (page
 *            aligned, hex with 0x or decimal, END > START, at most 1<<20
 *            pages) to compare the real /proc/PID/pagemap with the kernel's
 *            state of each page (PTE; for shmem, the swap entry in the
 *            mapping's xarray).  Bad input fails with -EINVAL (-E2BIG over
 *            79 bytes, -ESRCH: no such process) and changes nothing.  Read:
 *            the last comparison ("pagemap=never" before the first):
 *              pagemap=done pid=123 start=0x7f..000 end=0x7f..000
 *              pages=256 present=0 swap=0 shmem_swapped=256 migration=0
 *              markers=0 p1_obs=256 p1_viol=256 p2_obs=0 p2_viol=0
 *              p3_obs=0 p3_viol=0 p1_impact=256 none=0 unmapped=0 huge=0
 *              other=0 migration_held=0 mismatches=256 err=0
 *            (pagemap=failed with err=-errno for a run cut short), then
 *            one line per page whose PRESENT/SWAP bits differ from what
 *            its truth calls for, at most 64, and "dropped=N" for the rest:
 *              page addr=0x7f..000 truth=shmem_swapped
 *              pagemap=0x80000000000000 present=0 swap=0 pte=0x0
 *            truth: unmapped, none, present, swap, shmem_swapped,
 *            migration, uffd_wp_marker, huge, other.  Violations are
 *            sampled with path=pagemap_read, pte_after = the pagemap
 *            entry, pid/comm = the writer.
 *   audit    (0600) seed 004, rule C2: write "run" to audit every in-use
 *            swap slot now, in the writer's context: its count (cache bit
 *            out, continuations in, SWAP_MAP_SHMEM as 1) against the PTEs
 *            and the shmem owner that reference it.  Anything else fails
 *            with -EINVAL and changes nothing.  Read: the last audit
 *            ("audit=never" before the first):
 *              audit=done slots=512 referenced=512 leaks=0 overcounts=0
 *              undercounts=0 shmem_owned=256 skipped_busy=0 duration_ms=8
 *              devices=1 mms=17 shmem_inodes=3 rechecked=0
 *              swap_map_shmem=256 stray_refs=0 dropped=0
 *            then one line per bad slot, at most 64 (dropped=N counts the
 *            rest):
 *              slot type=0 offset=49161 swap_map=0x01 count=1 ptes=0
 *              shmem=0 verdict=leak owner=-
 *            verdict: leak (a count, no referent), overcount, undercount;
 *            owner: the last referencing PTE as pid:comm@0xaddr, else
 *            shmem:INO, else "-".  skipped_busy: slots whose swap_map
 *            changed during the audit (not judged); stray_refs: swap PTEs
 *            or shmem entries of no audited device.  Bad slots are sampled
 *            with path=audit, pid/comm = the writer.
 *
 *   health   key=value lines: what swapscope could not see or judge, and
 *            what it holds.  Any of the first four non-zero means an event
 *            went unseen and may hide a divergence ('swapscope check'
 *            fails on it unless --allow-missed):
 *              nmissed=0            kretprobe/kprobe misses, all probes
 *              events_dropped=0     event records lost: reader too slow
 *              watch_full=0         Z4/S4 calls not judged: watch table full
 *              walk_truncated=0     walks cut by walk_budget (floor figures)
 *              watch_interfered=0   Z4/S4 calls not judged: another writer
 *                                   of the mm (reclaim, zap, migration)
 *                                   overlapped them; by design, not a loss
 *              scope=none           or the tgid whose process tree is watched
 *              scope_skipped=0      probe hits outside the scope, ignored
 *              events_reader=0      1 while the events file is open
 *              memory_bytes=N       fixed at load: per-cpu counters (all
 *              memory_percpu=N      CPUs), kretprobe instances, sample and
 *              memory_vmalloc=N     event rings
 *              memory_kretprobe=N
 *   events   (0400) a live stream, one reader at a time (-EBUSY for a
 *            second): records are kept only while the file is open, from
 *            the open on.  read() blocks until one is there (O_NONBLOCK:
 *            -EAGAIN); poll/select/epoll say EPOLLIN when a record or a
 *            dropped notice is there.  read() returns whole lines:
 *              seq=1 ns=812345 cpu=0 event=observe source=swapin pid=123
 *              comm=a.out addr=0x7f..000 observed=F1,S1,S3 violated=-
 *              impact=-
 *              seq=2 ns=812399 cpu=0 event=verdict rule=S1
 *              verdict=conforms source=swapin pid=123 comm=a.out
 *              event=dropped count=17
 *              seq=10 ns=... cpu=1 event=disabled rule=U1
 *              reason=folio-larger-than-pmd
 *            observe: one judged call (rule lists comma-separated, "-"
 *            when empty); verdict: a rule's verdict changed (first
 *            observation: conforms, first violation: diverges); dropped:
 *            records lost since the last one shown (the ring was full).
 *            source is one of SS_SOURCES.  A reset restarts the verdicts.
 *   control  also: "scope PID" watches only PID's process tree (the task
 *            doing the call, or the owner of the mm it works on, is PID or
 *            a descendant of it); "scope none" watches everything.
 *
 * Values are unsigned decimal.  New keys may be appended to a line; readers
 * must look keys up by name and ignore keys they do not know.
 */
#ifndef SWAPSCOPE_UAPI_H
#define SWAPSCOPE_UAPI_H

/*
 * The lists below are X-macro tables, each entry (id, ...).  Where an
 * entry's second field is its name as printed (every list but SS_RULES,
 * SS_PROBES_NR and SS_PROTOS), SS_X_NAMES makes the array of the names in
 * the list's order, e.g.
 *   static const char * const path_names[] = { SS_PATHS(SS_X_NAMES) };
 * and SS_X_IDS, for any list, the array of its ids as strings ("Z1", ...).
 */
#define SS_X_NAMES(id, name, ...)	name,
#define SS_X_IDS(id, ...)		#id,

#define SWAPSCOPE_NAME		"swapscope"
#define SWAPSCOPE_VERSION	"0.1.0"
/* Bumped whenever a debugfs record changes incompatibly. */
#define SWAPSCOPE_ABI		1
#define SWAPSCOPE_DEBUGFS_DIR	"/sys/kernel/debug/swapscope"
/*
 * The kernel series (VERSION.PATCHLEVEL) the module is written and tested
 * for: Debian 12's two kernels.  Kbuild refuses any other at build time
 * and "swapscope doctor" before insmod, both from this one line.
 */
#define SWAPSCOPE_KERNELS	"6.1 6.12"

/*
 * Paths: the kernel paths swapscope watches.  A zap is split by its
 * zap_details because seed 000 gives the two cases different semantics:
 * a full zap (no details, or even_cows set) clears everything, a mapping
 * zap (details with even_cows clear) keeps private COW swap entries.
 */
#define SS_PATHS(X)							\
	X(ZAP_FULL,	"zap_full",	"unmap_page_range, no details or even_cows") \
	X(ZAP_MAPPING,	"zap_mapping",	"unmap_page_range with details, even_cows clear") \
	X(FORK,		"fork",		"copy_page_range") \
	X(SWAPIN,	"swapin",	"do_swap_page") \
	X(RECLAIM,	"reclaim",	"try_to_unmap_one")

enum ss_path {
#define SS_X_ENUM(id, name, what) SS_PATH_##id,
	SS_PATHS(SS_X_ENUM)
#undef SS_X_ENUM
	SS_NR_PATHS
};

/*
 * Phases: "before" is what a path found when it was entered (the range it
 * was asked to zap, the PTE a fault found), "after" what it left behind
 * when it returned (the child's PTEs after fork, the PTE after swap-in or
 * reclaim unmap).  zap_* have no after phase: what is left is nothing.
 */
#define SS_PHASES(X)		\
	X(BEFORE,	"before")	\
	X(AFTER,	"after")

enum ss_phase {
#define SS_X_ENUM(id, name) SS_PHASE_##id,
	SS_PHASES(SS_X_ENUM)
#undef SS_X_ENUM
	SS_NR_PHASES
};

/*
 * Counters kept per (path, phase).  The entry kinds come first and
 * partition every PTE examined that was not pte_none; the tallies after
 * them refine a kind (e.g. swap_exclusive counts swap entries with the
 * exclusive bit of seed 001) and are not part of the partition:
 *   none		pte_none entries inside populated page tables
 *   migration_file	migration entries whose page is not anon (file/shmem)
 *   huge		PMD/PUD-level entries and hugetlb VMAs, not classified
 *   truncated	walks cut short by the walk budget (figures are a floor)
 *   failed	(after phase) calls that returned failure: try_to_unmap_one
 *		false, copy_page_range non-zero, do_swap_page VM_FAULT_ERROR
 */
#define SS_COUNTERS(X)							\
	X(CALLS,		"calls")				\
	/* entry kinds */						\
	X(PRESENT,		"present")				\
	X(SWAP,			"swap")					\
	X(MIGRATION_READ,	"migration_read")			\
	X(MIGRATION_READ_EXCL,	"migration_read_exclusive")		\
	X(MIGRATION_WRITE,	"migration_write")			\
	X(DEVICE_PRIVATE,	"device_private")			\
	X(DEVICE_EXCLUSIVE,	"device_exclusive")			\
	X(UFFD_WP_MARKER,	"uffd_wp_marker")			\
	X(HWPOISON,		"hwpoison")				\
	X(SWAPIN_ERROR,		"swapin_error")				\
	X(UNKNOWN,		"unknown")				\
	/* tallies */							\
	X(NONE,			"none")					\
	X(PRESENT_WRITABLE,	"present_writable")			\
	X(PRESENT_ANON,		"present_anon")				\
	X(PRESENT_ANON_EXCL,	"present_anon_exclusive")		\
	X(SWAP_EXCLUSIVE,	"swap_exclusive")			\
	X(MIGRATION_FILE,	"migration_file")			\
	X(HUGE,			"huge")					\
	X(TRUNCATED,		"truncated")				\
	X(FAILED,		"failed")

enum ss_counter {
#define SS_X_ENUM(id, name) SS_CNT_##id,
	SS_COUNTERS(SS_X_ENUM)
#undef SS_X_ENUM
	SS_NR_COUNTERS
};

/* First and one-past-last entry kind inside enum ss_counter. */
#define SS_KIND_FIRST	SS_CNT_PRESENT
#define SS_KIND_END	SS_CNT_NONE

/* Probes the module registers; one line each in the "probes" file. */
#define SS_PROBES(X)							\
	X(ZAP,		"zap",		"unmap_page_range",	1)	\
	X(ZAP_SINGLE,	"zap_single",	"zap_page_range_single", 0)	\
	X(ZAP_MAPPING,	"zap_mapping",	"unmap_mapping_range",	0)	\
	X(FORK,		"fork",		"copy_page_range",	1)	\
	X(SWAPIN,	"swapin",	"do_swap_page",		1)	\
	X(RECLAIM,	"reclaim",	"try_to_unmap_one",	1)	\
	X(TEARDOWN,	"teardown",	"exit_mmap",		1)	\
	X(SHMEM_SWAP,	"shmem_swap",	"swap_shmem_alloc",	1)	\
	X(MIGRATE,	"migrate",	"try_to_migrate_one",	1)	\
	X(UNMIGRATE,	"unmigrate",	"remove_migration_pte",	1)	\
	X(SWAP_FREE,	"swap_free",	"swap_free",		0)	\
	X(SWAP_DUP,	"swap_dup",	"swap_duplicate",	1)	\
	X(FREE_SWAP,	"free_swap",	"free_swap_and_cache",	1)	\
	X(PAGEMAP,	"pagemap",	"pagemap_pmd_range",	1)	\
	X(PAGEMAP_HOLE,	"pagemap_hole",	"pagemap_pte_hole",	1)

/*
 * Probes whose function changed in later kernels: the kernel frees swap
 * references, and gives shmem its slots, in batches of nr slots (a large
 * folio's).  There the probe sits on this function, whose second
 * argument is nr: symbol, return type and parameters.  The module knows
 * which kernel has which (module/compat/probes.h); "swapscope doctor"
 * expects the form of the running kernel's series, and names the other
 * form when that is what the kernel has.
 */
#define SS_PROBES_NR(X)							\
	X(SWAP_FREE, "swap_free_nr", "void",				\
	  "swp_entry_t entry, int nr_pages")				\
	X(FREE_SWAP, "free_swap_and_cache_nr", "void",			\
	  "swp_entry_t entry, int nr")					\
	X(SHMEM_SWAP, "swap_shmem_alloc", "void",			\
	  "swp_entry_t entry, int nr")

enum ss_probe {
#define SS_X_ENUM(id, name, sym, ret) SS_PROBE_##id,
	SS_PROBES(SS_X_ENUM)
#undef SS_X_ENUM
	SS_NR_PROBES
};

/* A probe's state in the "probes" file (state=). */
#define SS_PROBE_STATES(X)			\
	X(UNAVAILABLE,	"unavailable")		\
	X(ACTIVE,	"active")

enum ss_probe_state {
#define SS_X_ENUM(id, name) SS_PROBE_##id,
	SS_PROBE_STATES(SS_X_ENUM)
#undef SS_X_ENUM
	SS_NR_PROBE_STATES
};

/* How a probe is hooked, in the "probes" file (type=). */
#define SS_PROBE_TYPES(X)			\
	X(KPROBE,	"kprobe")		\
	X(KRETPROBE,	"kretprobe")

enum ss_probe_type {
#define SS_X_ENUM(id, name) SS_PROBE_TYPE_##id,
	SS_PROBE_TYPES(SS_X_ENUM)
#undef SS_X_ENUM
	SS_NR_PROBE_TYPES
};

/*
 * Event sources: where a call was judged, in the events stream.  The
 * first five are SS_PATHS, in the same order.
 */
#define SS_SOURCES(X)				\
	X(ZAP_FULL,	"zap_full")		\
	X(ZAP_MAPPING,	"zap_mapping")		\
	X(FORK,		"fork")			\
	X(SWAPIN,	"swapin")		\
	X(RECLAIM,	"reclaim")		\
	X(TEARDOWN,	"teardown")		\
	X(SHMEM_SWAP,	"shmem_swap")		\
	X(PAGEMAP,	"pagemap")		\
	X(AUDIT,	"audit")

enum ss_source {
#define SS_X_ENUM(id, name) SS_SOURCE_##id,
	SS_SOURCES(SS_X_ENUM)
#undef SS_X_ENUM
	SS_NR_SOURCES
};

/*
 * What a page is, as the pagemap file's page lines name it (truth=), in
 * the order of its summary keys.
 */
#define SS_PM_TRUTHS(X)				\
	X(UNMAPPED,	"unmapped")		\
	X(NONE,		"none")			\
	X(PRESENT,	"present")		\
	X(SWAP,		"swap")			\
	X(SHMEM_SWAPPED, "shmem_swapped")	\
	X(MIGRATION,	"migration")		\
	X(MARKER,	"uffd_wp_marker")	\
	X(HUGE,		"huge")			\
	X(OTHER,	"other")

enum ss_pm_truth {
#define SS_X_ENUM(id, name) SS_PMT_##id,
	SS_PM_TRUTHS(SS_X_ENUM)
#undef SS_X_ENUM
	SS_PMT_NR
};

/* Records of the events file. */
#define SS_EVENTS(X)			\
	X(OBSERVE,	"observe")	\
	X(VERDICT,	"verdict")	\
	X(DISABLED,	"disabled")	\
	X(DROPPED,	"dropped")

enum ss_event_type {
#define SS_X_ENUM(id, name) SS_EV_##id,
	SS_EVENTS(SS_X_ENUM)
#undef SS_X_ENUM
	SS_NR_EVENTS
};

/*
 * The prototype of each SS_PROBES symbol the handlers are written for:
 * return type and parameters, spelled as Debian's 6.1 source declares them
 * (mm/memory.c, mm/rmap.c, mm/swapfile.c, mm/mmap.c, mm/migrate.c).  The
 * handlers read arguments by position from pt_regs, so a kernel where one
 * of these changed would feed them the wrong values; for static functions
 * (try_to_unmap_one, try_to_migrate_one, remove_migration_pte) no header
 * would catch it at build time.  "swapscope doctor" compares the types
 * (not the parameter names) with the running kernel's BTF.  One entry per
 * SS_PROBES id, any order.
 */
#define SS_PROTOS(X)							\
	X(ZAP, "void", "struct mmu_gather *tlb, "			\
	  "struct vm_area_struct *vma, unsigned long addr, "		\
	  "unsigned long end, struct zap_details *details")		\
	X(ZAP_SINGLE, "void", "struct vm_area_struct *vma, "		\
	  "unsigned long address, unsigned long size, "		\
	  "struct zap_details *details")				\
	X(ZAP_MAPPING, "void", "struct address_space *mapping, "	\
	  "loff_t const holebegin, loff_t const holelen, int even_cows") \
	X(FORK, "int", "struct vm_area_struct *dst_vma, "		\
	  "struct vm_area_struct *src_vma")				\
	X(SWAPIN, "vm_fault_t", "struct vm_fault *vmf")			\
	X(RECLAIM, "bool", "struct folio *folio, "			\
	  "struct vm_area_struct *vma, unsigned long address, void *arg") \
	X(TEARDOWN, "void", "struct mm_struct *mm")			\
	X(SHMEM_SWAP, "void", "swp_entry_t entry")			\
	X(MIGRATE, "bool", "struct folio *folio, "			\
	  "struct vm_area_struct *vma, unsigned long address, void *arg") \
	X(UNMIGRATE, "bool", "struct folio *folio, "			\
	  "struct vm_area_struct *vma, unsigned long addr, void *old")	\
	X(SWAP_FREE, "void", "swp_entry_t entry")			\
	X(SWAP_DUP, "int", "swp_entry_t entry")				\
	X(FREE_SWAP, "int", "swp_entry_t entry")				\
	X(PAGEMAP, "int", "pmd_t *pmdp, unsigned long addr, "		\
	  "unsigned long end, struct mm_walk *walk")			\
	X(PAGEMAP_HOLE, "int", "unsigned long start, unsigned long end, " \
	  "int depth, struct mm_walk *walk")

/*
 * What a count-based violation compares (the samples' count=): expected
 * is what the rule says the kernel must have done, actual what it did.
 *   child_swapents	F1: the child's MM_SWAPENTS rise / swap entries copied
 *   swap_refs_taken	F1: swap_duplicate() calls of the fork / entries copied
 *   swap_map_rise	F1: one slot's count change in swap_duplicate() (+1)
 *   swap_refs_dropped	Z1: free_swap_and_cache() calls of the zap / swap
 *			entries it cleared
 *   swap_map_drop	Z1: one slot's count change in free_swap_and_cache()
 *			(-1; a slot whose last reference went is freed)
 *   rss_file ...	Z3: the counter's value at teardown (expected 0);
 *   rss_shmem		Z4, S4: the counter's change against what the
 *			entries cleared or mapped were worth
 *   swap_refs_freed	S4: swap_free() calls of the faulting entry (1)
 */
#define SS_COUNTS(X)					\
	X(NONE,			"-")			\
	X(CHILD_SWAPENTS,	"child_swapents")	\
	X(SWAP_REFS_TAKEN,	"swap_refs_taken")	\
	X(SWAP_MAP_RISE,	"swap_map_rise")	\
	X(SWAP_REFS_DROPPED,	"swap_refs_dropped")	\
	X(SWAP_MAP_DROP,	"swap_map_drop")	\
	X(RSS_FILE,		"rss_file")		\
	X(RSS_ANON,		"rss_anon")		\
	X(RSS_SWAPENTS,		"rss_swapents")		\
	X(RSS_SHMEM,		"rss_shmem")		\
	X(SWAP_REFS_FREED,	"swap_refs_freed")

enum ss_count_what {
#define SS_X_ENUM(id, name) SS_COUNT_##id,
	SS_COUNTS(SS_X_ENUM)
#undef SS_X_ENUM
	SS_NR_COUNTS
};

/*
 * Rule ids (docs/rules.md has a section for each), with the seed thread
 * each one comes from.
 */
#define SS_RULES(X)				\
	X(Z1, "000")	X(Z2, "000")	X(Z3, "000")	X(Z4, "000")	\
	X(F1, "001")	X(F2, "001")				\
	X(S1, "001")	X(S2, "001")	X(S3, "001")	X(S4, "001")	\
	X(U1, "001")	X(U2, "003")	X(U3, "002")		\
	X(P1, "002")	X(P2, "002")	X(P3, "002")		\
	X(C1, "004")	X(C2, "004")	X(C3, "004")

/*
 * What a rule is doing (the rules file's state=): judged; disabled by hand
 * (control "disable"); failed: it disabled itself on an internal
 * inconsistency (dmesg says which), until a reset or a reload; or not
 * applicable to this kernel.  rules.c's ss_rule_state_of() decides.
 */
#define SS_RULE_STATES(X)				\
	X(ENABLED,		"enabled")		\
	X(DISABLED,		"disabled")		\
	X(FAILED,		"failed")		\
	X(NOT_APPLICABLE,	"not-applicable")

enum ss_rule_state {
#define SS_X_ENUM(id, name) SS_STATE_##id,
	SS_RULE_STATES(SS_X_ENUM)
#undef SS_X_ENUM
	SS_NR_STATES
};

/* Verdicts of a rule (docs/rules.md), in the order a report sorts them. */
#define SS_VERDICTS(X)				\
	X(NOT_OBSERVED,		"not-observed")	\
	X(CONFORMS,		"conforms")	\
	X(DIVERGES,		"diverges")	\
	X(NOT_APPLICABLE,	"not-applicable")

enum ss_verdict {
#define SS_X_ENUM(id, name) SS_VERDICT_##id,
	SS_VERDICTS(SS_X_ENUM)
#undef SS_X_ENUM
	SS_NR_VERDICTS
};

enum ss_rule {
#define SS_X_ENUM(id, seed) SS_RULE_##id,
	SS_RULES(SS_X_ENUM)
#undef SS_X_ENUM
	SS_NR_RULES
};

#endif /* SWAPSCOPE_UAPI_H */
