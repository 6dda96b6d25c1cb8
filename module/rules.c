// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * swapscope: the rules of docs/rules.md as pure functions (see rules.h).
 *
 * Each judge names the seed thread its rules come from.  Nothing here may
 * call into the kernel: this file is also built into the unit tests.
 */
#include "rules.h"

static const char * const ss_rule_names[] = { SS_RULES(SS_X_IDS) };
#define SS_X_SEED(id, seed) seed,
static const char * const ss_rule_seeds[] = { SS_RULES(SS_X_SEED) };
#undef SS_X_SEED
static const char * const ss_verdict_names[] = { SS_VERDICTS(SS_X_NAMES) };
static const char * const ss_state_names[] = { SS_RULE_STATES(SS_X_NAMES) };

_Static_assert(ARRAY_SIZE(ss_state_names) == SS_NR_STATES,
	       "one name per rule state");
_Static_assert(ARRAY_SIZE(ss_rule_names) == SS_NR_RULES,
	       "one name per rule");
_Static_assert(ARRAY_SIZE(ss_verdict_names) ==
	       SS_NR_VERDICTS, "one name per verdict");

const char *ss_rule_name(enum ss_rule r)
{
	return r < SS_NR_RULES ? ss_rule_names[r] : "?";
}

const char *ss_rule_seed(enum ss_rule r)
{
	return r < SS_NR_RULES ? ss_rule_seeds[r] : "?";
}

const char *ss_verdict_name(enum ss_verdict v)
{
	return v < SS_NR_VERDICTS ? ss_verdict_names[v] : "?";
}

const char *ss_rule_state_name(enum ss_rule_state s)
{
	return s < SS_NR_STATES ? ss_state_names[s] : "?";
}

/*
 * A rule's state: a kernel that lacks the feature wins over everything; a
 * rule that disabled itself on an internal inconsistency stays failed
 * whatever "enable" or "disable" said, so that nobody mistakes a rule
 * that stopped judging for one turned off by hand.
 */
enum ss_rule_state ss_rule_state_of(bool applicable, bool failed,
				    bool enabled)
{
	if (!applicable)
		return SS_STATE_NOT_APPLICABLE;
	if (failed)
		return SS_STATE_FAILED;
	return enabled ? SS_STATE_ENABLED : SS_STATE_DISABLED;
}

/* One violation makes a rule diverge (docs/rules.md, "Verdicts"). */
enum ss_verdict ss_verdict_of(u64 obs, u64 viol, bool applicable)
{
	if (!applicable)
		return SS_VERDICT_NOT_APPLICABLE;
	if (viol)
		return SS_VERDICT_DIVERGES;
	if (obs)
		return SS_VERDICT_CONFORMS;
	return SS_VERDICT_NOT_OBSERVED;
}

/*
 * F1, seed 001: fork clears the exclusive bit of every swap entry it
 * shares, so an exclusive swap PTE whose slot has more than one user is
 * the state that let a later swap-in map a shared page exclusive.
 */
void ss_judge_swap_sighting(const struct ss_pte_view *v,
			    struct ss_judgement *j)
{
	if (v->kind != SS_CNT_SWAP || !v->swap_excl || !v->count_known)
		return;
	ss_obs(j, SS_RULE_F1, 1);
	if (v->swap_count > 1)
		ss_viol(j, SS_RULE_F1, 1);
}

/*
 * S1-S3, seed 001: do_swap_page restores PG_anon_exclusive from the swap
 * PTE, never maps a shared page writable, maps a fresh page exclusive,
 * and drops exclusivity for a folio under writeback on a device with
 * SWP_STABLE_WRITES (the review of the series caught an inverted '!'
 * there: the old test kept exclusivity exactly in that case).
 */
void ss_judge_swapin(const struct ss_swapin_obs *o, struct ss_judgement *j)
{
	const struct ss_pte_view *b = &o->before, *a = &o->after;

	ss_judge_swap_sighting(b, j);
	if (b->kind != SS_CNT_SWAP || a->kind != SS_CNT_PRESENT || !a->anon)
		return;

	ss_obs(j, SS_RULE_S1, 1);
	if (a->writable && !a->anon_excl)
		ss_viol(j, SS_RULE_S1, 1);

	if (o->fresh) {
		ss_obs(j, SS_RULE_S3, 1);
		if (!a->anon_excl)
			ss_viol(j, SS_RULE_S3, 1);
	}

	if (b->swap_excl && !o->fresh && o->stable_writes && a->writeback) {
		ss_obs(j, SS_RULE_S2, 1);
		if (a->anon_excl)
			ss_viol(j, SS_RULE_S2, 1);
		/* The inverted check would have kept exclusivity here. */
		ss_impact(j, SS_RULE_S2, 1);
	}
}

/*
 * F1 and F2, seed 001: after copy_page_range no swap PTE of parent or
 * child is exclusive, the child's MM_SWAPENTS grew by the entries copied,
 * the fork took one swap reference per entry copied, and a writable
 * migration entry of a COW mapping is readable on both sides.
 *
 * The parent's side is always exact: fork holds its mmap_lock for write,
 * and reclaim cannot make a parent's swap PTE exclusive after the copy
 * (the pages the parent keeps exclusive are pinned ones, which reclaim
 * does not unmap).  The child's side is exact only when nobody else wrote
 * the child's mm meanwhile (see struct ss_fork_obs): otherwise its swap
 * entries are counted as not judged, never as violations.  A copy that
 * failed, or a child walk cut short, does not say how much was copied.
 */
void ss_judge_fork(const struct ss_fork_obs *o, struct ss_judgement *j)
{
	/*
	 * The parent keeps a page exclusive across the copy only when it
	 * was maybe pinned; if the pin goes before the fork ends, reclaim
	 * may swap it out exclusive, rightly: judged when nobody wrote the
	 * parent meanwhile.
	 */
	if (o->parent_quiet)
		ss_viol(j, SS_RULE_F1, o->parent_swap_excl_after);
	else if (o->parent_swap_excl_after)
		ss_unjudged(j, SS_RULE_F1, o->parent_swap_excl_after);
	if (!o->child_quiet) {
		/* Reclaim adds swap entries, never takes a copied one away. */
		if (o->child_swap)
			ss_unjudged(j, SS_RULE_F1, o->child_swap);
	} else {
		ss_obs(j, SS_RULE_F1, o->child_swap);
		ss_viol(j, SS_RULE_F1, o->child_swap_excl);
		if (o->failed)
			ss_unjudged(j, SS_RULE_F1, 1);
		else if (o->child_swapents_delta != (long)o->child_swap)
			ss_viol_count(j, SS_RULE_F1, SS_COUNT_CHILD_SWAPENTS,
				      o->child_swap, o->child_swapents_delta);
		if (o->failed)
			;	/* counted above */
		else if (!o->refs_known && o->child_swap)
			ss_unjudged(j, SS_RULE_F1, o->child_swap);
		else if (o->refs_known && o->refs_taken != o->child_swap)
			ss_viol_count(j, SS_RULE_F1, SS_COUNT_SWAP_REFS_TAKEN,
				      o->child_swap, o->refs_taken);
	}

	/*
	 * F2: migration may start on a page that stays writable across the
	 * fork (a pinned page, copied for the child; the parent keeps its
	 * own) and leave a writable entry for a moment, on either side: each
	 * side's leftovers are judged only when no writer touched it.
	 */
	if (o->cow) {
		ss_obs(j, SS_RULE_F2, o->parent_migration_write);
		if (o->child_quiet)
			ss_viol(j, SS_RULE_F2, o->child_migration_write);
		else if (o->child_migration_write)
			ss_unjudged(j, SS_RULE_F2, o->child_migration_write);
		if (o->parent_quiet)
			ss_viol(j, SS_RULE_F2, o->parent_migration_write_after);
		else if (o->parent_migration_write_after)
			ss_unjudged(j, SS_RULE_F2,
				    o->parent_migration_write_after);
	}
}

/*
 * F1 ("the swap count rose by one per copy") and Z1 ("one swap reference
 * dropped"), seeds 001 and 000, for one swap_duplicate() of a fork or one
 * free_swap_and_cache() of a zap.  The slot's count is read at the call's
 * entry and return, outside the cluster lock the kernel changes it under.
 * When the count was 1 the caller's own PTE was its only holder, nobody
 * else can change it, and any other change is the kernel's: judged, as
 * long as no folio is in the swap cache for it either (mapped elsewhere
 * as a present page, it holds no count, yet its reclaim there takes
 * one).  With more holders (siblings from earlier forks, exiting or
 * swapping in meanwhile) an unexpected change is not judged.  A count kept in
 * continuation pages (SWAP_MAP_MAX and up) is not read here.  A free that
 * took the count to 0 may see the slot freed and reused by the time it
 * returns: a count that reappeared with a new swap cache bit is that.
 * The call's entry is already an observation of the fork or the zap that
 * made it: this adds violations and what it could not judge, not
 * observations.
 */
void ss_judge_swap_ref(const struct ss_swap_ref *r, struct ss_judgement *j)
{
	enum ss_rule rule = r->take ? SS_RULE_F1 : SS_RULE_Z1;
	enum ss_count_what what = r->take ? SS_COUNT_SWAP_MAP_RISE :
					    SS_COUNT_SWAP_MAP_DROP;
	int b = r->before & ~SS_SWAP_HAS_CACHE;
	int a = r->after & ~SS_SWAP_HAS_CACHE;
	int want = r->take ? 1 : -1;

	/* A duplicate that failed (no continuation page) is retried. */
	if (!r->done)
		return;
	if (!r->known || (b & SS_COUNT_CONTINUED) || b >= SS_SWAP_MAP_MAX ||
	    (a & SS_COUNT_CONTINUED)) {
		ss_unjudged(j, rule, 1);
		return;
	}
	if (a - b == want)
		return;
	if (!r->take && b == 1 && !(r->before & SS_SWAP_HAS_CACHE) &&
	    (r->after & SS_SWAP_HAS_CACHE)) {
		ss_unjudged(j, rule, 1);
		return;
	}
	/*
	 * Other holders may have changed it: other PTEs (count above 1), or
	 * the swap cache's folio, which other mms may map as present pages
	 * holding no count, and whose reclaim there takes references
	 * (try_to_unmap_one's swap_duplicate()) without any lock of ours.
	 */
	if (b > 1 || (r->before & SS_SWAP_HAS_CACHE)) {
		ss_unjudged(j, rule, 1);
		return;
	}
	ss_viol_count(j, rule, what, want, a - b);
}

/*
 * Z1 and Z2, seed 000.  A full zap clears every non-present entry (a
 * uffd-wp armed file VMA may get its marker back) and drops one swap
 * reference per swap entry it clears: its free_swap_and_cache() calls
 * must match the swap entries gone from the range.  A mapping zap keeps
 * the private COW swap entries (it frees none) but zaps migration entries
 * of file and shmem pages.
 *
 * What a zap leaves is read after it: reclaim, migration or memory
 * failure of a page faulted in behind the zap (another thread, under a
 * read mmap_lock) can put a new entry there.  Leftovers are violations
 * only when no such writer touched the mm meanwhile (writers_quiet), else
 * not judged.  The reference count is exact only in a quiet call (nobody
 * else faulted, reclaimed, migrated or zapped in the mm, both walks saw
 * the whole range); otherwise the range's swap entries are not judged.
 * A mapping zap's freed references are its own calls: exact.
 *
 * Impact: before the series, any zap given zap_details as
 * unmap_mapping_range gives them skipped every swap and migration entry.
 */
void ss_judge_zap(const struct ss_zap_obs *o, struct ss_judgement *j)
{
	u32 left, cleared;

	if (o->mapping) {
		ss_obs(j, SS_RULE_Z2, o->swap + o->migration_file);
		if (o->refs_known) {
			if (o->refs_dropped)
				ss_viol_counts(j, SS_RULE_Z2, o->refs_dropped,
					       SS_COUNT_SWAP_REFS_DROPPED, 0,
					       o->refs_dropped);
		} else if (o->swap > o->swap_after && o->writers_quiet)
			ss_viol(j, SS_RULE_Z2, o->swap - o->swap_after);
		else if (o->swap > o->swap_after)
			ss_unjudged(j, SS_RULE_Z2, o->swap - o->swap_after);
		/* A single-folio zap leaves other folios' entries alone. */
		if (!o->single_folio && o->migration_file_after) {
			if (o->writers_quiet)
				ss_viol(j, SS_RULE_Z2, o->migration_file_after);
			else
				ss_unjudged(j, SS_RULE_Z2,
					    o->migration_file_after);
		}
		/* Zaps, not entries: a zap the old code would have cut short. */
		if (o->migration_file)
			ss_impact(j, SS_RULE_Z2, 1);
		return;
	}
	ss_obs(j, SS_RULE_Z1, o->nonpresent);
	left = o->nonpresent_after + (o->markers_allowed ? 0 : o->markers_after);
	if (left && o->writers_quiet)
		ss_viol(j, SS_RULE_Z1, left);
	else if (left)
		ss_unjudged(j, SS_RULE_Z1, left);
	if (o->has_details && (o->swap || o->migration))
		ss_impact(j, SS_RULE_Z1, 1);

	if (!o->swap && !o->refs_dropped)
		return;
	if (!o->refs_known || !o->quiet || o->truncated ||
	    o->swap_after > o->swap) {
		ss_unjudged(j, SS_RULE_Z1, o->swap ? o->swap : 1);
		return;
	}
	cleared = o->swap - o->swap_after;
	if (o->refs_dropped != cleared)
		ss_viol_count(j, SS_RULE_Z1, SS_COUNT_SWAP_REFS_DROPPED,
			      cleared, o->refs_dropped);
}

/*
 * U1 (seed 001), U2 (seed 003) and U3 (seed 002) for one page of a folio
 * that try_to_unmap_one handled: the swap PTE carries the page's
 * exclusivity; a swapped-out shmem page should leave a marker, not
 * pte_none (informational: the proposal was not merged).
 */
void ss_judge_unmap_page(const struct ss_pte_view *before,
			 const struct ss_pte_view *after, bool for_swapout,
			 struct ss_judgement *j)
{
	if (before->kind != SS_CNT_PRESENT)
		return;
	if (before->anon && after->kind == SS_CNT_SWAP) {
		ss_obs(j, SS_RULE_U1, 1);
		if (after->swap_excl != before->anon_excl)
			ss_viol(j, SS_RULE_U1, 1);
		/* Before the series, this exclusivity was forgotten. */
		if (before->anon_excl)
			ss_impact(j, SS_RULE_U1, 1);
	}
	if (for_swapout && before->shmem &&
	    (after->kind == SS_CNT_NONE || after->kind == SS_CNT_UFFD_WP_MARKER)) {
		ss_obs(j, SS_RULE_U3, 1);
		if (after->kind == SS_CNT_NONE) {
			ss_viol(j, SS_RULE_U3, 1);
			ss_impact(j, SS_RULE_U3, 1);
		}
	}
}

/*
 * U2, seed 003: a failed unmap must have a cause other than the access
 * bit.  Impact: reclaim unmaps that succeeded although a PTE was young,
 * which the code before TTU_IGNORE_ACCESS became the rule would have
 * aborted.  (The module cannot tell memcg from global reclaim here; the
 * seed's point is that reclaim was the one caller still aborting.)
 */
void ss_judge_unmap_call(const struct ss_unmap_fail *f, struct ss_judgement *j)
{
	ss_obs(j, SS_RULE_U2, 1);
	if (f->failed && f->young && !f->known_cause)
		ss_viol(j, SS_RULE_U2, 1);
	if (!f->failed && f->young && f->reclaim)
		ss_impact(j, SS_RULE_U2, 1);
}

/* Z3, seed 000: an mm torn down by exit_mmap holds no pages or entries. */
void ss_judge_teardown(const long rss[SS_NR_RSS], struct ss_judgement *j)
{
	int i;

	ss_obs(j, SS_RULE_Z3, 1);
	/* SS_COUNT_RSS_FILE ... RSS_SHMEM are in enum ss_rss's order. */
	for (i = 0; i < SS_NR_RSS; i++) {
		if (rss[i]) {
			ss_viol_count(j, SS_RULE_Z3, SS_COUNT_RSS_FILE + i, 0,
				      rss[i]);
			return;
		}
	}
}

/*
 * Z4, seed 000: the RSS change of a zap equals, counter by counter, what
 * the entries it cleared were worth (a migration entry counts for its
 * page's type: the shmem migration entries the old code skipped without
 * dropping MM_SHMEMPAGES are the case in point).
 */
void ss_judge_zap_rss(const long expected[SS_NR_RSS],
		      const long actual[SS_NR_RSS], struct ss_judgement *j)
{
	int i;

	ss_obs(j, SS_RULE_Z4, 1);
	for (i = 0; i < SS_NR_RSS; i++) {
		if (expected[i] != actual[i]) {
			ss_viol_count(j, SS_RULE_Z4, SS_COUNT_RSS_FILE + i,
				      expected[i], actual[i]);
			return;
		}
	}
}

/*
 * S4, seed 001: a swap-in turns one swap entry into one anon page and
 * drops one reference of the slot; one that maps a large folio whole
 * (6.12) does so for each of its nr pages: nr observations, and the call
 * one violation when its counts are off.
 */
void ss_judge_swapin_acct(const struct ss_swapin_acct *a,
			  struct ss_judgement *j)
{
	long nr = a->nr ? a->nr : 1;
	long want[SS_NR_RSS] = { 0 };
	int i;

	/* One page, or a large folio's nr pages mapped in one fault. */
	want[SS_RSS_ANON] = nr;
	want[SS_RSS_SWAPENTS] = -nr;
	ss_obs(j, SS_RULE_S4, nr);
	for (i = 0; i < SS_NR_RSS; i++) {
		if (a->delta[i] != want[i]) {
			ss_viol_count(j, SS_RULE_S4, SS_COUNT_RSS_FILE + i,
				      want[i], a->delta[i]);
			return;
		}
	}
	if (a->refs_known && a->refs_dropped != nr)
		ss_viol_count(j, SS_RULE_S4, SS_COUNT_SWAP_REFS_FREED, nr,
			      a->refs_dropped);
}

/* C1, seed 004: a shmem-owned swap slot is plain count 1. */
void ss_judge_shmem_swap(const struct ss_pte_view *slot, struct ss_judgement *j)
{
	if (!slot->count_known)
		return;
	ss_obs(j, SS_RULE_C1, 1);
	if (slot->swap_count != 1) {
		ss_viol(j, SS_RULE_C1, 1);
		if (slot->swap_count == SS_SWAP_MAP_SHMEM)
			ss_impact(j, SS_RULE_C1, 1);
	}
}

/*
 * P1-P3, seed 002: one entry of /proc/PID/pagemap against what the kernel
 * held for that page just before it was read.  CRIU dumps only pages that
 * pagemap calls PRESENT or SWAP, so a shmem page in swap must say SWAP
 * (P1), while a page under migration is resident (P2) and a uffd-wp marker
 * on a never-populated page holds no data (P3): SWAP there over-reports.
 * A page pagemap found PRESENT was faulted in between the two reads: its
 * earlier state was never shown to pagemap, so it is not judged.
 */
void ss_judge_pagemap(const struct ss_page_truth *t, u64 pme,
		      struct ss_judgement *j)
{
	bool swap = pme & SS_PM_SWAP;

	if (t->shmem_swapped) {
		if (pme & SS_PM_PRESENT)
			return;
		ss_obs(j, SS_RULE_P1, 1);
		if (!swap) {
			/* A page the reader was told is not there. */
			ss_viol(j, SS_RULE_P1, 1);
			ss_impact(j, SS_RULE_P1, 1);
		}
		return;
	}
	switch (t->kind) {
	case SS_CNT_MIGRATION_READ:
	case SS_CNT_MIGRATION_READ_EXCL:
	case SS_CNT_MIGRATION_WRITE:
		/*
		 * Migration entries live for microseconds: judge only when
		 * pagemap provably read this one, because it was still there
		 * afterwards or because pagemap's frame is its encoding.
		 */
		if (!t->migration_held &&
		    !(swap && (pme & SS_PM_PFRAME_MASK) == t->migration_frame))
			return;
		ss_obs(j, SS_RULE_P2, 1);
		if (swap) {
			/* The reader was told a resident page is in swap. */
			ss_viol(j, SS_RULE_P2, 1);
			ss_impact(j, SS_RULE_P2, 1);
		}
		break;
	case SS_CNT_UFFD_WP_MARKER:
		if (pme & SS_PM_PRESENT)
			return;
		ss_obs(j, SS_RULE_P3, 1);
		if (swap) {
			ss_viol(j, SS_RULE_P3, 1);
			ss_impact(j, SS_RULE_P3, 1);
		}
		break;
	default:
		break;
	}
}

/*
 * P1, P3 as a reader meets them (module/pmwatch.c): a shmem page whose PTE
 * was none or a marker when pagemap made its entry is in swap or not by
 * its mapping's xarray, which no lock of pagemap's walk holds still.  It
 * was read before the entry was made (@swapped_before) and after
 * (@swapped_after): a page that changed in between is not judged (P3 for
 * a marker, else P1); one that did not is judged by that state.
 */
void ss_judge_pagemap_shmem(const struct ss_page_truth *t, bool swapped_before,
			    bool swapped_after, u64 pme, struct ss_judgement *j)
{
	struct ss_page_truth now = *t;

	if (swapped_before != swapped_after) {
		ss_unjudged(j, t->kind == SS_CNT_UFFD_WP_MARKER ? SS_RULE_P3 :
								SS_RULE_P1, 1);
		return;
	}
	now.shmem_swapped = swapped_after;
	ss_judge_pagemap(&now, pme, j);
}

/*
 * C2, seed 004: a slot's count (continuations included, the swap cache
 * bit excluded, SWAP_MAP_SHMEM taken as the one reference of its shmem
 * owner) equals the PTEs that reference it plus its shmem owner.  The
 * sums are 64-bit so that no pair of u32 figures wraps into a match.
 */
enum ss_slot_state ss_slot_state(u32 count, u32 ptes, u32 shmem_owners)
{
	u64 expected = (u64)ptes + shmem_owners;

	if (count == expected)
		return SS_SLOT_OK;
	if (count < expected)
		return SS_SLOT_UNDERCOUNT;
	return expected ? SS_SLOT_OVERCOUNT : SS_SLOT_LEAK;
}

const char *ss_slot_state_name(enum ss_slot_state s)
{
	static const char * const names[] = {
		"ok", "leak", "overcount", "undercount",
	};

	return s < ARRAY_SIZE(names) ? names[s] : "?";
}

/*
 * C2, seed 004, for one slot of the audit: a free slot nobody references
 * is no observation; any other is one, and a violation on any mismatch.
 * Impact stays with C1, whose probe already counts the slots that enter
 * the SWAP_MAP_SHMEM state (the audit reports how many sit there).
 */
void ss_judge_slot(u32 count, u32 ptes, u32 shmem_owners,
		   struct ss_judgement *j)
{
	if (!count && !ptes && !shmem_owners)
		return;
	ss_obs(j, SS_RULE_C2, 1);
	if (ss_slot_state(count, ptes, shmem_owners) != SS_SLOT_OK)
		ss_viol(j, SS_RULE_C2, 1);
}
