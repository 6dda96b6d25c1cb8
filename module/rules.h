/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * swapscope: the rules of docs/rules.md as pure functions over observations.
 *
 * No kernel calls here: the module decodes what it saw into the structs
 * below, and the judges say which rules were observed, violated and how
 * often the semantics before each proposal would have acted differently
 * (impact).  The same file compiles into userspace unit tests
 * (tests/unit/test_rules.c), which feed it synthetic observations.
 */
#ifndef SWAPSCOPE_RULES_H
#define SWAPSCOPE_RULES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#else
#include <stdbool.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#endif
#include "uapi/swapscope.h"

/* swap_map value of a shmem-owned slot on kernels that still have it. */
#define SS_SWAP_MAP_SHMEM	0xbf
/* The rest of swap_map's encoding (include/linux/swap.h), for the judges. */
#define SS_SWAP_MAP_MAX		0x3e	/* highest count kept in the byte */
#define SS_SWAP_HAS_CACHE	0x40	/* a folio is in the swap cache */
#define SS_COUNT_CONTINUED	0x80	/* the count goes on in other pages */
/* struct ss_pte_view's swap_count of a slot whose count is continued. */
#define SS_SWAP_COUNT_CONTINUED	0xfe

/* One PTE as the rules see it, decoded by the module. */
struct ss_pte_view {
	u8 kind;		/* an entry kind of enum ss_counter, or SS_CNT_NONE */
	bool writable;		/* present: pte_write */
	bool young;		/* present: pte_young */
	bool anon;		/* present or migration: the page is anon */
	bool anon_excl;		/* present: PageAnonExclusive */
	bool shmem;		/* present: a shmem page (swap-backed, not anon) */
	bool writeback;		/* present: PageWriteback */
	bool migration_file;	/* migration: the page is a file or shmem page */
	bool swap_excl;		/* swap: the exclusive bit of seed 001 */
	bool count_known;	/* swap: swap_count was read */
	u8 swap_count;		/* swap: swap_map count without SWAP_HAS_CACHE */
};

/*
 * A violation judged on counts, as its sample shows it: which count
 * (enum ss_count_what), what the rule expected and what the kernel did.
 */
struct ss_count_diff {
	u8 rule;		/* enum ss_rule */
	u8 what;		/* SS_COUNT_NONE: no count disagreed */
	long expected;
	long actual;
};

/*
 * What one observation adds, rule by rule.  @touched has a bit for every
 * rule the judges wrote, so that a probe accounts for those few rules and
 * does not scan all SS_NR_RULES three times per hit; whoever fills the
 * arrays by hand (pagemap.c, audit.c) sets the bits too.  @unjudged counts
 * what a rule would have judged but could not judge exactly (another
 * writer of the same counters or slot was at work): never a violation.
 * @diff is the first count-based disagreement, for the sample.
 */
struct ss_judgement {
	u32 obs[SS_NR_RULES];
	u32 viol[SS_NR_RULES];
	u32 impact[SS_NR_RULES];
	u32 unjudged[SS_NR_RULES];
	u32 touched;
	struct ss_count_diff diff;
};

_Static_assert(SS_NR_RULES <= 32, "ss_judgement.touched has a bit per rule");

static inline void ss_obs(struct ss_judgement *j, enum ss_rule r, u32 n)
{
	j->obs[r] += n;
	j->touched |= 1U << r;
}

static inline void ss_viol(struct ss_judgement *j, enum ss_rule r, u32 n)
{
	j->viol[r] += n;
	j->touched |= 1U << r;
}

static inline void ss_impact(struct ss_judgement *j, enum ss_rule r, u32 n)
{
	j->impact[r] += n;
	j->touched |= 1U << r;
}

static inline void ss_unjudged(struct ss_judgement *j, enum ss_rule r, u32 n)
{
	j->unjudged[r] += n;
	j->touched |= 1U << r;
}

/* @n violations of @r on counts; the first disagreement's figures kept. */
static inline void ss_viol_counts(struct ss_judgement *j, enum ss_rule r,
				  u32 n, enum ss_count_what what,
				  long expected, long actual)
{
	ss_viol(j, r, n);
	if (j->diff.what != SS_COUNT_NONE)
		return;
	j->diff.rule = r;
	j->diff.what = what;
	j->diff.expected = expected;
	j->diff.actual = actual;
}

static inline void ss_viol_count(struct ss_judgement *j, enum ss_rule r,
				 enum ss_count_what what, long expected,
				 long actual)
{
	ss_viol_counts(j, r, 1, what, expected, actual);
}

/* do_swap_page: the faulting PTE and what the fault left. */
struct ss_swapin_obs {
	struct ss_pte_view before;
	struct ss_pte_view after;
	bool fresh;		/* the folio did not come from the swap cache */
	bool stable_writes;	/* the swap device has SWP_STABLE_WRITES */
};

/*
 * copy_page_range: counts from the walks of parent and child.  The child's
 * side is exact only when child_quiet: nobody but the fork changed the
 * child's PTEs or counters during the call.  Reclaim can: the child's VMAs
 * are on the anon_vma chains before their PTEs are copied, so it may swap
 * out a page the fork just mapped in the child (leaving a swap entry the
 * fork did not copy, exclusive if the page was, and MM_SWAPENTS + 1
 * anywhere in the child's mm) while the walk or the counter is read.
 */
struct ss_fork_obs {
	bool cow;			/* is_cow_mapping(src) */
	u32 parent_migration_write;	/* parent at entry */
	u32 child_swap;			/* child at return */
	u32 child_swap_excl;
	u32 child_migration_write;
	u32 parent_swap_excl_after;	/* parent at return */
	u32 parent_migration_write_after;
	long child_swapents_delta;	/* child's MM_SWAPENTS change */
	bool failed;			/* copy failed, or the child walk was cut */
	bool child_quiet;		/* no other writer of the child's mm */
	bool parent_quiet;		/* no reclaim or migration of the parent */
	bool refs_known;		/* the fork's swap_duplicate()s counted */
	u32 refs_taken;			/* ... those that returned success */
};

/*
 * One swap reference taken (swap_duplicate(), for a fork's copy) or
 * dropped (free_swap_and_cache(), for a zap), with the slot's swap_map
 * byte read at the call's entry and at its return.  Another holder of the
 * slot may change it in between: only a slot the caller's own PTE held
 * alone (count 1) can be judged exactly when the change is not the one
 * expected.
 */
struct ss_swap_ref {
	bool take;		/* swap_duplicate: +1; else free: -1 */
	bool known;		/* both swap_map reads were made */
	bool done;		/* the call reports success */
	u8 before;		/* swap_map, SWAP_HAS_CACHE included */
	u8 after;
};

/* unmap_page_range: counts before and after one zap of a range. */
struct ss_zap_obs {
	bool mapping;		/* zap_details given with even_cows clear */
	bool has_details;	/* details as unmap_mapping_range passes them */
	bool single_folio;	/* details->single_folio: one folio only */
	bool markers_allowed;	/* a uffd-wp armed file VMA may keep markers */
	u32 nonpresent;		/* before: non-present, non-none entries */
	u32 swap;
	u32 migration;
	u32 migration_file;
	u32 nonpresent_after;	/* after: non-present entries left, markers excluded */
	u32 markers_after;
	u32 swap_after;
	u32 migration_file_after;
	bool quiet;		/* nobody else wrote the mm's PTEs or counters */
	bool writers_quiet;	/* no reclaim, migration or other zap of the mm */
	bool truncated;		/* a walk was cut short */
	bool refs_known;	/* the zap's free_swap_and_cache()s counted */
	u32 refs_dropped;	/* ... every such call */
};

/* RSS counters, in the kernel's enum order (MM_FILEPAGES ...). */
enum ss_rss {
	SS_RSS_FILE,
	SS_RSS_ANON,
	SS_RSS_SWAPENTS,
	SS_RSS_SHMEM,
	SS_NR_RSS
};

/* do_swap_page's accounting, measured on an mm nobody else changed. */
struct ss_swapin_acct {
	long delta[SS_NR_RSS];	/* mm counters + the faulting task's cache */
	bool refs_known;	/* the fault's swap_free() calls were counted */
	u32 refs_dropped;	/* swap_free() of the faulting entry by the task */
	u32 nr;			/* pages mapped: 1, a large folio's nr */
};

/* pagemap entry bits (fs/proc/task_mmu.c), the ABI of /proc/PID/pagemap. */
#define SS_PM_PFRAME_MASK	((1ULL << 55) - 1)
#define SS_PM_UFFD_WP		(1ULL << 57)
#define SS_PM_SWAP		(1ULL << 62)
#define SS_PM_PRESENT		(1ULL << 63)

/*
 * One user page as the kernel holds it, to judge its pagemap entry by.
 * shmem_swapped: the PTE is none or a marker and the shmem mapping's
 * xarray holds a swap entry at the page's index.  migration_held: the same
 * migration entry was read again after pagemap was, so pagemap read the
 * page while it was under migration.
 */
struct ss_page_truth {
	u8 kind;		/* the PTE's entry kind; SS_CNT_NONE: none, no table */
	bool shmem_swapped;
	bool migration_held;
	u64 migration_frame;	/* migration: the frame pagemap shows for it */
};

/* Why a try_to_unmap_one that failed may have failed legitimately. */
struct ss_unmap_fail {
	bool failed;
	bool young;		/* some PTE of the folio was young at entry */
	bool known_cause;	/* mlock, GUP pin, MADV_FREE redirty, ... */
	bool reclaim;		/* unmapping for reclaim (TTU_BATCH_FLUSH) */
};

enum ss_verdict ss_verdict_of(u64 obs, u64 viol, bool applicable);
const char *ss_verdict_name(enum ss_verdict v);
enum ss_rule_state ss_rule_state_of(bool applicable, bool failed,
				    bool enabled);
const char *ss_rule_state_name(enum ss_rule_state s);
const char *ss_rule_name(enum ss_rule r);
const char *ss_rule_seed(enum ss_rule r);

void ss_judge_swapin(const struct ss_swapin_obs *o, struct ss_judgement *j);
void ss_judge_swap_sighting(const struct ss_pte_view *v,
			    struct ss_judgement *j);
void ss_judge_fork(const struct ss_fork_obs *o, struct ss_judgement *j);
void ss_judge_swap_ref(const struct ss_swap_ref *r, struct ss_judgement *j);
void ss_judge_zap(const struct ss_zap_obs *o, struct ss_judgement *j);
void ss_judge_unmap_page(const struct ss_pte_view *before,
			 const struct ss_pte_view *after, bool for_swapout,
			 struct ss_judgement *j);
void ss_judge_unmap_call(const struct ss_unmap_fail *f,
			 struct ss_judgement *j);
void ss_judge_teardown(const long rss[SS_NR_RSS], struct ss_judgement *j);
void ss_judge_zap_rss(const long expected[SS_NR_RSS],
		      const long actual[SS_NR_RSS], struct ss_judgement *j);
void ss_judge_swapin_acct(const struct ss_swapin_acct *a,
			  struct ss_judgement *j);
void ss_judge_shmem_swap(const struct ss_pte_view *slot,
			 struct ss_judgement *j);
void ss_judge_pagemap(const struct ss_page_truth *t, u64 pme,
		      struct ss_judgement *j);
void ss_judge_pagemap_shmem(const struct ss_page_truth *t, bool swapped_before,
			    bool swapped_after, u64 pme, struct ss_judgement *j);

/* C2, seed 004: what one audited swap slot is, count against referents. */
enum ss_slot_state {
	SS_SLOT_OK,
	SS_SLOT_LEAK,		/* a count and no referent at all */
	SS_SLOT_OVERCOUNT,	/* more count than referents, some referent */
	SS_SLOT_UNDERCOUNT,	/* fewer count than referents: use after free */
};

enum ss_slot_state ss_slot_state(u32 count, u32 ptes, u32 shmem_owners);
const char *ss_slot_state_name(enum ss_slot_state s);
void ss_judge_slot(u32 count, u32 ptes, u32 shmem_owners,
		   struct ss_judgement *j);

#endif /* SWAPSCOPE_RULES_H */
