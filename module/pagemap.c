// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: /proc/PID/pagemap against the kernel's own state of each page
 * (seed 002, rules P1-P3).
 *
 * Writing "PID START END" to debugfs "pagemap" compares, one page table's
 * worth of pages at a time, what the target mm holds (the PTE, and for a
 * shmem VMA whose PTE is none or a marker, the swap entry in the shmem
 * mapping's xarray) with what the real /proc/PID/pagemap says about the
 * same pages.  Seed 002 is about exactly that gap: a shmem page in swap
 * whose PTE reclaim left none has no PM_SWAP, and a CRIU-style dumper that
 * copies only PRESENT or SWAP pages loses it.  Reading the file back shows
 * the last comparison.
 *
 * Everything runs in the writer's process context and may sleep; nothing
 * here is reachable from a probe.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/hugetlb.h>
#include <linux/shmem_fs.h>
#include <linux/swapops.h>
#include <linux/xarray.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/sched/signal.h>
#include <linux/pid.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include "swapscope.h"
#include "ptwalk.h"
#include "pmwatch.h"

/* Pages compared per round: at most one page table, one pagemap read. */
#define SS_PM_CHUNK	PTRS_PER_PTE
#define SS_PM_MAX_PAGES	(1UL << 20)
#define SS_PM_LINES	64
/* The longest command written to pagemap, plus one. */
#define SS_PM_WRITE_MAX	80
static_assert(SS_PM_WRITE_MAX <= SS_CMD_MAX);

/* What a page is (uapi/swapscope.h's SS_PM_TRUTHS). */
static const char * const ss_pmt_names[SS_PMT_NR] = {
	SS_PM_TRUTHS(SS_X_NAMES)
};

struct ss_pm_line {
	unsigned long addr;
	u64 pte;
	u64 pme;
	u8 truth;
};

enum ss_pm_state { SS_PM_NEVER, SS_PM_DONE, SS_PM_FAILED };

/* One comparison, as the pagemap file shows it. */
struct ss_pm_result {
	enum ss_pm_state state;
	int err;
	pid_t pid;
	unsigned long start, end;
	unsigned long pages;		/* compared so far */
	unsigned long n[SS_PMT_NR];
	unsigned long markers;		/* marker PTEs, over swap or not */
	unsigned long migration_held;
	unsigned long mismatches;
	struct ss_judgement j;
	unsigned int nlines;
	struct ss_pm_line lines[SS_PM_LINES];
};

/* One page of the round in progress. */
struct ss_pm_page {
	struct ss_page_truth t;
	u64 pte;
	u8 truth;
};

/* A run: the target, the /proc file, and the buffers of one round. */
struct ss_pm_run {
	struct mm_struct *mm;
	struct file *file;
	unsigned long ubuf;		/* user buffer pagemap_read copies to */
	struct ss_pm_page page[SS_PM_CHUNK];
	u64 raw[SS_PM_CHUNK];
	u64 pme[SS_PM_CHUNK];
	struct ss_pm_result res;
	/*
	 * The passive watch (pmwatch.c) judges this run's own read of
	 * pagemap and counts it: the rules see each page once.
	 */
	bool passive;
};

/* One run at a time; also guards ss_pm_last. */
static DEFINE_MUTEX(ss_pm_lock);
static struct ss_pm_result ss_pm_last;

/* Reading one round's raw PTEs through the shared walk (ptwalk.c). */
struct ss_pm_read {
	struct ss_ptw ptw;
	unsigned long start;
	u64 *raw;
	bool huge;
};

static bool ss_pm_read_table(struct ss_ptw *ptw, pte_t *ptes,
			     unsigned long addr, unsigned long end)
{
	struct ss_pm_read *r = container_of(ptw, struct ss_pm_read, ptw);
	unsigned long k = (addr - r->start) >> PAGE_SHIFT;

	for (; addr < end; addr += PAGE_SIZE, ptes++, k++)
		r->raw[k] = pte_val(ptep_get(ptes));
	return true;
}

static bool ss_pm_read_huge(struct ss_ptw *ptw, pmd_t pmdval,
			    unsigned long addr, unsigned long end)
{
	container_of(ptw, struct ss_pm_read, ptw)->huge = true;
	return false;
}

static const struct ss_ptw_ops ss_pm_read_ops = {
	.ptes = ss_pm_read_table,
	.huge = ss_pm_read_huge,
};

/*
 * Raw PTEs of [addr, addr + n pages) of @vma, all in one page table, read
 * under the page table lock as pagemap_pmd_range reads them: a PTE that
 * reclaim or migration is rewriting is seen before or after, never torn.
 * Slots with no table are none.  Returns false when the range is mapped at
 * a huge level (a THP, a PMD migration entry, a PUD leaf).  The caller
 * holds mmap_lock for read; a PTE table retracted under it (6.12) is read
 * again from its PMD by the walk, so what is there now is what is judged.
 */
static bool ss_pm_read_ptes(struct vm_area_struct *vma, unsigned long addr,
			    unsigned int n, u64 *raw)
{
	struct ss_pm_read r = {
		.ptw = { .ops = &ss_pm_read_ops, .mm = vma->vm_mm, .lock = true },
		.start = addr,
		.raw = raw,
	};

	if (is_vm_hugetlb_page(vma))
		return false;
	memset(raw, 0, n * sizeof(*raw));
	ss_ptw_walk(&r.ptw, addr, addr + (unsigned long)n * PAGE_SIZE);
	return !r.huge;
}

/* The frame pagemap shows for a non-present entry (pte_to_pagemap_entry). */
static u64 ss_pm_swap_frame(swp_entry_t entry)
{
	u64 offset = is_pfn_swap_entry(entry) ? swp_offset_pfn(entry) :
						swp_offset(entry);

	return swp_type(entry) | (offset << MAX_SWAPFILES_SHIFT);
}

static void ss_pm_classify(struct ss_pm_page *pg, struct vm_area_struct *vma,
			   unsigned long addr, bool shmem)
{
	struct ss_pte_view v;
	pte_t pte = __pte(pg->pte);

	ss_view_pte(pte, &v, NULL);
	pg->t.kind = v.kind;
	pg->truth = ss_pm_truth_of_kind(v.kind);
	switch (pg->truth) {
	case SS_PMT_NONE:
	case SS_PMT_MARKER:
		pg->t.shmem_swapped = shmem && ss_shmem_swapped(vma, addr);
		if (pg->t.shmem_swapped)
			pg->truth = SS_PMT_SHMEM_SWAPPED;
		break;
	case SS_PMT_MIGRATION:
		pg->t.migration_frame = ss_pm_swap_frame(pte_to_swp_entry(pte));
		break;
	}
}

/* The kernel's truth for the n pages of one round, under mmap_lock. */
static int ss_pm_truth(struct ss_pm_run *run, unsigned long start,
		       unsigned int n)
{
	unsigned long addr = start, end = start + n * PAGE_SIZE, vend;
	struct vm_area_struct *vma;
	unsigned int i, k;
	bool shmem;

	memset(run->page, 0, n * sizeof(run->page[0]));
	for (i = 0; i < n; i++)
		run->page[i].t.kind = SS_CNT_NONE;
	if (mmap_read_lock_killable(run->mm))
		return -EINTR;
	while (addr < end) {
		i = (addr - start) >> PAGE_SHIFT;
		vma = find_vma(run->mm, addr);
		if (!vma || vma->vm_start >= end) {
			for (; i < n; i++)
				run->page[i].truth = SS_PMT_UNMAPPED;
			break;
		}
		for (; addr < vma->vm_start; addr += PAGE_SIZE, i++)
			run->page[i].truth = SS_PMT_UNMAPPED;
		vend = min(end, vma->vm_end);
		k = (vend - addr) >> PAGE_SHIFT;
		if (!ss_pm_read_ptes(vma, addr, k, run->raw)) {
			for (; addr < vend; addr += PAGE_SIZE, i++) {
				run->page[i].truth = SS_PMT_HUGE;
				run->page[i].t.kind = SS_CNT_HUGE;
			}
			continue;
		}
		shmem = ss_vma_is_shmem(vma);
		for (k = 0; addr < vend; addr += PAGE_SIZE, i++, k++) {
			run->page[i].pte = run->raw[k];
			ss_pm_classify(&run->page[i], vma, addr, shmem);
		}
	}
	mmap_read_unlock(run->mm);
	return 0;
}

/*
 * The real /proc/PID/pagemap of the round.  pagemap has no read_iter, so
 * kernel_read() refuses it: its ->read is called with a buffer mapped in
 * the writer's own mm, as a read(2) of the writer's would pass one.
 */
static int ss_pm_read_pagemap(struct ss_pm_run *run, unsigned long start,
			      unsigned int n)
{
	loff_t pos = (start >> PAGE_SHIFT) * sizeof(u64);
	size_t len = n * sizeof(u64);
	ssize_t got;

	got = run->file->f_op->read(run->file, (char __user *)run->ubuf, len,
				    &pos);
	if (got < 0)
		return got;
	if (got != len) {
		pr_err("pagemap: short read of /proc pagemap at 0x%lx: %zd of %zu bytes\n",
		       start, got, len);
		return -EIO;
	}
	if (copy_from_user(run->pme, (void __user *)run->ubuf, len))
		return -EFAULT;
	return 0;
}

/*
 * P2: a migration entry seen before pagemap was read and still there, the
 * same, afterwards was there while pagemap read it (the migrating folio
 * stays locked from try_to_migrate to remove_migration_ptes).
 */
static int ss_pm_recheck(struct ss_pm_run *run, unsigned long start,
			 unsigned int n)
{
	struct vm_area_struct *vma;
	unsigned long addr;
	unsigned int i;
	u64 raw;

	for (i = 0; i < n; i++)
		if (run->page[i].truth == SS_PMT_MIGRATION)
			break;
	if (i == n)
		return 0;
	if (mmap_read_lock_killable(run->mm))
		return -EINTR;
	for (; i < n; i++) {
		if (run->page[i].truth != SS_PMT_MIGRATION)
			continue;
		addr = start + i * PAGE_SIZE;
		vma = vma_lookup(run->mm, addr);
		if (vma && ss_pm_read_ptes(vma, addr, 1, &raw) &&
		    raw == run->page[i].pte) {
			run->page[i].t.migration_held = true;
			run->res.migration_held++;
		}
	}
	mmap_read_unlock(run->mm);
	return 0;
}

/* What a pagemap entry says of a page, or should say. */
enum ss_pm_says {
	SS_PMS_ANY = -1,	/* no opinion: either is right */
	SS_PMS_NEITHER,		/* neither PRESENT nor SWAP */
	SS_PMS_PRESENT,
	SS_PMS_SWAP,
};

/* What pagemap should say for a page whose truth is @truth. */
static enum ss_pm_says ss_pm_expected(u8 truth)
{
	switch (truth) {
	case SS_PMT_PRESENT:
	case SS_PMT_MIGRATION:		/* resident (P2) */
		return SS_PMS_PRESENT;
	case SS_PMT_SWAP:
	case SS_PMT_SHMEM_SWAPPED:	/* P1 */
		return SS_PMS_SWAP;
	case SS_PMT_UNMAPPED:
	case SS_PMT_NONE:
	case SS_PMT_MARKER:		/* P3 */
		return SS_PMS_NEITHER;
	default:
		return SS_PMS_ANY;
	}
}

/* What the pagemap entry @pme says. */
static enum ss_pm_says ss_pm_says(u64 pme)
{
	if (pme & SS_PM_PRESENT)
		return SS_PMS_PRESENT;
	return pme & SS_PM_SWAP ? SS_PMS_SWAP : SS_PMS_NEITHER;
}

static const enum ss_rule ss_pm_rules[] = {
	SS_RULE_P1, SS_RULE_P2, SS_RULE_P3,
};

/* Judge the pages of one round, count them, keep samples and lines. */
static void ss_pm_judge(struct ss_pm_run *run, unsigned long start,
			unsigned int n)
{
	struct ss_pm_result *res = &run->res;
	struct ss_judgement round = { }, j;
	struct ss_pte_view v;
	unsigned long addr;
	unsigned int i, r;
	enum ss_pm_says want;
	u64 pme;

	for (i = 0; i < n; i++) {
		struct ss_pm_page *pg = &run->page[i];

		addr = start + i * PAGE_SIZE;
		pme = run->pme[i];
		res->n[pg->truth]++;
		if (pg->t.kind == SS_CNT_UFFD_WP_MARKER)
			res->markers++;

		memset(&j, 0, sizeof(j));
		ss_judge_pagemap(&pg->t, pme, &j);
		for (r = 0; r < ARRAY_SIZE(ss_pm_rules); r++) {
			enum ss_rule rule = ss_pm_rules[r];

			round.obs[rule] += j.obs[rule];
			round.viol[rule] += j.viol[rule];
			round.impact[rule] += j.impact[rule];
			round.touched |= j.touched & BIT(rule);
			if (j.viol[rule] && !run->passive) {
				ss_view_pte(__pte(pg->pte), &v, NULL);
				ss_sample(rule, SS_SRC_PAGEMAP, addr, pg->pte,
					  pme, &v, j.viol[rule]);
			}
		}

		want = ss_pm_expected(pg->truth);
		if (want == SS_PMS_ANY || want == ss_pm_says(pme))
			continue;
		res->mismatches++;
		if (res->nlines < SS_PM_LINES) {
			res->lines[res->nlines++] = (struct ss_pm_line) {
				.addr = addr, .pte = pg->pte, .pme = pme,
				.truth = pg->truth,
			};
		}
	}
	if (!run->passive)
		ss_rules_account(&round, SS_SOURCE_PAGEMAP, start);
	for (r = 0; r < ARRAY_SIZE(ss_pm_rules); r++) {
		enum ss_rule rule = ss_pm_rules[r];

		res->j.obs[rule] += round.obs[rule];
		res->j.viol[rule] += round.viol[rule];
		res->j.impact[rule] += round.impact[rule];
	}
	res->pages += n;
}

static int ss_pm_compare(struct ss_pm_run *run, unsigned long start,
			 unsigned long end)
{
	unsigned long addr, next;
	unsigned int n;
	int ret;

	for (addr = start; addr < end; addr = next) {
		next = pmd_addr_end(addr, end);
		n = (next - addr) >> PAGE_SHIFT;
		ret = ss_pm_truth(run, addr, n);
		if (!ret)
			ret = ss_pm_read_pagemap(run, addr, n);
		if (!ret)
			ret = ss_pm_recheck(run, addr, n);
		if (ret)
			return ret;
		ss_pm_judge(run, addr, n);
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/* The target's mm and its /proc pagemap, checked to be the same process. */
static int ss_pm_open(struct ss_pm_run *run, pid_t nr, unsigned long end)
{
	struct task_struct *task;
	struct pid *pid;
	char path[32];

	pid = find_get_pid(nr);
	task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	put_pid(pid);
	if (!task) {
		pr_err_ratelimited("pagemap: no process %d\n", nr);
		return -ESRCH;
	}
	run->mm = get_task_mm(task);
	put_task_struct(task);
	if (!run->mm) {
		pr_err_ratelimited("pagemap: process %d has no user memory\n", nr);
		return -EINVAL;
	}
	if (end > run->mm->task_size) {
		pr_err_ratelimited("pagemap: end 0x%lx beyond the task size 0x%lx\n", end,
		       run->mm->task_size);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "/proc/%d/pagemap", nr);
	run->file = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(run->file)) {
		int err = PTR_ERR(run->file);

		run->file = NULL;
		pr_err("pagemap: cannot open %s: %d\n", path, err);
		return err;
	}
	/*
	 * pagemap_open keeps the mm it opened as private_data: a /proc
	 * mounted for another pid namespace, or a pid reused meanwhile,
	 * would name another process.
	 */
	if (run->file->private_data != run->mm || !run->file->f_op->read ||
	    !(run->file->f_mode & FMODE_READ)) {
		pr_err("pagemap: %s is not the pagemap of the same process\n",
		       path);
		return -ESRCH;
	}
	return 0;
}

static void ss_pm_close(struct ss_pm_run *run)
{
	if (run->ubuf)
		vm_munmap(run->ubuf, sizeof(run->pme));
	if (run->file)
		filp_close(run->file, NULL);
	if (run->mm)
		mmput(run->mm);
}

/* Called with ss_pm_lock held; ss_pm_last changes only once a run started. */
static int ss_pm_run(pid_t nr, unsigned long start, unsigned long end)
{
	struct ss_pm_run *run;
	unsigned long ubuf;
	int ret;

	run = kvzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	ret = ss_pm_open(run, nr, end);
	if (ret)
		goto out;
	/*
	 * Mapped before the truth is read: should it land inside the range
	 * (a hole of the writer's own mm), both sides see it the same way.
	 */
	ubuf = vm_mmap(NULL, 0, sizeof(run->pme), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(ubuf)) {
		ret = (long)ubuf;
		goto out;
	}
	run->ubuf = ubuf;
	run->res.pid = nr;
	run->res.start = start;
	run->res.end = end;
	run->passive = ss_pmw_live();
	if (run->passive)
		ss_pmw_set_runner(current);
	ret = ss_pm_compare(run, start, end);
	ss_pmw_set_runner(NULL);
	/* A run cut short keeps what it compared; it was counted. */
	run->res.state = ret ? SS_PM_FAILED : SS_PM_DONE;
	run->res.err = ret;
	ss_pm_last = run->res;
out:
	ss_pm_close(run);
	kvfree(run);
	return ret;
}

/* "0x..." is hex, anything else decimal (no octal surprise from "010"). */
static int ss_pm_parse_ulong(const char *tok, unsigned long *val)
{
	if (tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X'))
		return kstrtoul(tok + 2, 16, val);
	return kstrtoul(tok, 10, val);
}

/*
 * "PID START END" (the language: kv.c): validated whole before anything
 * runs or changes; the values go to ss_pm_run_cmd in @c->arg.
 */
static int ss_pm_parse(struct ss_cmd *c)
{
	char * const *tok = c->word;
	unsigned long v, *start = &c->arg[1], *end = &c->arg[2];

	if (c->nr != 3) {
		pr_err_ratelimited("pagemap: want 'PID START END', got '%s'\n", c->text);
		return -EINVAL;
	}
	if (kstrtoul(tok[0], 10, &v) || !v || v > PID_MAX_LIMIT) {
		pr_err_ratelimited("pagemap: bad pid '%s'\n", tok[0]);
		return -EINVAL;
	}
	c->arg[0] = v;
	if (ss_pm_parse_ulong(tok[1], start) || ss_pm_parse_ulong(tok[2], end)) {
		pr_err_ratelimited("pagemap: bad address '%s' or '%s' (hex with 0x, or decimal)\n",
		       tok[1], tok[2]);
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(*start) || !PAGE_ALIGNED(*end)) {
		pr_err_ratelimited("pagemap: range 0x%lx-0x%lx not page-aligned\n", *start,
		       *end);
		return -EINVAL;
	}
	if (*end <= *start) {
		pr_err_ratelimited("pagemap: end 0x%lx not above start 0x%lx\n", *end,
		       *start);
		return -EINVAL;
	}
	if ((*end - *start) >> PAGE_SHIFT > SS_PM_MAX_PAGES) {
		pr_err_ratelimited("pagemap: range of %lu pages over the limit of %lu\n",
		       (*end - *start) >> PAGE_SHIFT, SS_PM_MAX_PAGES);
		return -EINVAL;
	}
	/* pagemap's ->read needs a user buffer, in the writer's mm. */
	if (!current->mm) {
		pr_err_ratelimited("pagemap: written from a task without user memory\n");
		return -EINVAL;
	}
	return 0;
}

static int ss_pm_run_cmd(const struct ss_cmd *c)
{
	return ss_pm_run(c->arg[0], c->arg[1], c->arg[2]);
}

const struct ss_cmd_file ss_pagemap_cmd = {
	.name = "pagemap",
	.max = SS_PM_WRITE_MAX,
	.lock = &ss_pm_lock,
	.check = ss_pm_parse,
	.run = ss_pm_run_cmd,
};

static int ss_pagemap_show(struct seq_file *m, void *v)
{
	const struct ss_pm_result *r = &ss_pm_last;
	const struct ss_pm_line *l;
	unsigned int i;

	if (mutex_lock_killable(&ss_pm_lock))
		return -EINTR;
	if (r->state == SS_PM_NEVER) {
		seq_puts(m, "pagemap=never\n");
		goto out;
	}
	seq_printf(m, "pagemap=%s pid=%d start=0x%lx end=0x%lx pages=%lu present=%lu swap=%lu shmem_swapped=%lu migration=%lu markers=%lu",
		   r->state == SS_PM_DONE ? "done" : "failed", r->pid,
		   r->start, r->end, r->pages, r->n[SS_PMT_PRESENT],
		   r->n[SS_PMT_SWAP], r->n[SS_PMT_SHMEM_SWAPPED],
		   r->n[SS_PMT_MIGRATION], r->markers);
	for (i = 0; i < ARRAY_SIZE(ss_pm_rules); i++)
		seq_printf(m, " p%u_obs=%u p%u_viol=%u", i + 1,
			   r->j.obs[ss_pm_rules[i]], i + 1,
			   r->j.viol[ss_pm_rules[i]]);
	seq_printf(m, " p1_impact=%u none=%lu unmapped=%lu huge=%lu other=%lu migration_held=%lu mismatches=%lu err=%d\n",
		   r->j.impact[SS_RULE_P1], r->n[SS_PMT_NONE],
		   r->n[SS_PMT_UNMAPPED], r->n[SS_PMT_HUGE],
		   r->n[SS_PMT_OTHER], r->migration_held, r->mismatches,
		   r->err);
	for (i = 0; i < r->nlines; i++) {
		l = &r->lines[i];
		seq_printf(m, "page addr=0x%lx truth=%s pagemap=0x%llx present=%d swap=%d pte=0x%llx\n",
			   l->addr, ss_pmt_names[l->truth], l->pme,
			   !!(l->pme & SS_PM_PRESENT), !!(l->pme & SS_PM_SWAP),
			   l->pte);
	}
	if (r->mismatches > r->nlines)
		seq_printf(m, "dropped=%lu\n", r->mismatches - r->nlines);
out:
	mutex_unlock(&ss_pm_lock);
	return 0;
}

static int ss_pagemap_open(struct inode *inode, struct file *file)
{
	return single_open(file, ss_pagemap_show, NULL);
}

const struct file_operations ss_pagemap_fops = {
	.owner = THIS_MODULE,
	.open = ss_pagemap_open,
	.read = seq_read,
	.write = ss_cmd_write,	/* ss_pagemap_cmd */
	.llseek = seq_lseek,
	.release = single_release,
};
