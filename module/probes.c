// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: the probes on the four paths and what each handler records.
 *
 * Every handler does a bounded, lockless classification (walk.c) and adds
 * the result to per-cpu counters (stats.c).  Nothing here sleeps,
 * allocates or takes a lock.  A probe whose symbol is missing or refused
 * stays unavailable, with the reason, and the others work on.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/kallsyms.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include "swapscope.h"

unsigned int ss_maxactive = 128;

/* symbols= overrides, e.g. for a kernel where a function was renamed. */
static char ss_symbol_override[SS_NR_PROBES][KSYM_NAME_LEN];

/* What a kretprobe instance carries from entry to return. */
struct ss_call {
	struct vm_area_struct *vma;
	unsigned long addr;
	unsigned long end;
};

struct ss_probe_slot {
	const char *name;
	const char *symbol;
	bool is_ret;
	union {
		struct kprobe kp;
		struct kretprobe rp;
	};
	enum ss_probe_state state;
	const char *reason;
};

static DEFINE_PER_CPU(u64, ss_hits[SS_NR_PROBES]);

static void ss_hit(enum ss_probe id)
{
	this_cpu_inc(ss_hits[id]);
}

static unsigned long ss_arg(struct pt_regs *regs, unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

/* ---- zap: unmap_page_range(tlb, vma, addr, end, details) ---- */

/*
 * Seed 000: a zap with zap_details and even_cows clear keeps private COW
 * swap entries; every other zap clears everything.  The two are counted
 * apart so the rules can hold each to its own semantics.
 */
static int ss_zap_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct vm_area_struct *vma = (void *)ss_arg(regs, 1);
	struct zap_details *details = (void *)ss_arg(regs, 4);
	struct ss_tally t = { .c[SS_CNT_CALLS] = 1 };
	enum ss_path path = SS_PATH_ZAP_FULL;

	ss_hit(SS_PROBE_ZAP);
	if (details && !details->even_cows)
		path = SS_PATH_ZAP_MAPPING;
	ss_walk_vma(vma, ss_arg(regs, 2), ss_arg(regs, 3), &t);
	ss_stats_add(path, SS_PHASE_BEFORE, &t);
	return 0;
}
NOKPROBE_SYMBOL(ss_zap_pre);

static int ss_zap_single_pre(struct kprobe *p, struct pt_regs *regs)
{
	ss_hit(SS_PROBE_ZAP_SINGLE);
	return 0;
}
NOKPROBE_SYMBOL(ss_zap_single_pre);

static int ss_zap_mapping_pre(struct kprobe *p, struct pt_regs *regs)
{
	ss_hit(SS_PROBE_ZAP_MAPPING);
	return 0;
}
NOKPROBE_SYMBOL(ss_zap_mapping_pre);

/* ---- fork: copy_page_range(dst_vma, src_vma) ---- */

static int ss_fork_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_call *call = (void *)ri->data;
	struct vm_area_struct *src = (void *)ss_arg(regs, 1);
	struct ss_tally t = { .c[SS_CNT_CALLS] = 1 };

	ss_hit(SS_PROBE_FORK);
	call->vma = (void *)ss_arg(regs, 0);
	ss_walk_vma(src, src->vm_start, src->vm_end, &t);
	ss_stats_add(SS_PATH_FORK, SS_PHASE_BEFORE, &t);
	return 0;
}
NOKPROBE_SYMBOL(ss_fork_entry);

/* The child is not running yet and its mmap_lock is held: tables stable. */
static int ss_fork_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_call *call = (void *)ri->data;
	struct vm_area_struct *dst = call->vma;
	struct ss_tally t = { .c[SS_CNT_CALLS] = 1 };

	if (regs_return_value(regs))
		t.c[SS_CNT_FAILED] = 1;
	ss_walk_vma(dst, dst->vm_start, dst->vm_end, &t);
	ss_stats_add(SS_PATH_FORK, SS_PHASE_AFTER, &t);
	return 0;
}
NOKPROBE_SYMBOL(ss_fork_ret);

/* ---- swap-in: do_swap_page(vmf) ---- */

static int ss_swapin_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_fault *vmf = (void *)ss_arg(regs, 0);
	struct ss_call *call = (void *)ri->data;
	struct ss_tally t = { .c[SS_CNT_CALLS] = 1 };

	ss_hit(SS_PROBE_SWAPIN);
	call->vma = vmf->vma;
	call->addr = vmf->address & PAGE_MASK;
	ss_classify_pte(vmf->orig_pte, &t);
	ss_stats_add(SS_PATH_SWAPIN, SS_PHASE_BEFORE, &t);
	return 0;
}
NOKPROBE_SYMBOL(ss_swapin_entry);

static int ss_swapin_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_call *call = (void *)ri->data;
	vm_fault_t ret = regs_return_value(regs);
	struct ss_tally t = { .c[SS_CNT_CALLS] = 1 };

	/*
	 * RETRY and COMPLETED mean do_swap_page dropped the mmap_lock: the
	 * page tables may be gone, so the result is not read.
	 */
	if (ret & (VM_FAULT_RETRY | VM_FAULT_COMPLETED))
		return 0;
	if (ret & VM_FAULT_ERROR)
		t.c[SS_CNT_FAILED] = 1;
	ss_walk_vma(call->vma, call->addr, call->addr + PAGE_SIZE, &t);
	ss_stats_add(SS_PATH_SWAPIN, SS_PHASE_AFTER, &t);
	return 0;
}
NOKPROBE_SYMBOL(ss_swapin_ret);

/* ---- reclaim unmap: try_to_unmap_one(folio, vma, address, flags) ---- */

/* The rmap walk holds the anon_vma or i_mmap lock: the tables stay. */
static int ss_reclaim_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct folio *folio = (void *)ss_arg(regs, 0);
	struct ss_call *call = (void *)ri->data;
	struct ss_tally t = { .c[SS_CNT_CALLS] = 1 };

	ss_hit(SS_PROBE_RECLAIM);
	call->vma = (void *)ss_arg(regs, 1);
	call->addr = ss_arg(regs, 2);
	call->end = call->addr + folio_size(folio);
	ss_walk_vma(call->vma, call->addr, call->end, &t);
	ss_stats_add(SS_PATH_RECLAIM, SS_PHASE_BEFORE, &t);
	return 0;
}
NOKPROBE_SYMBOL(ss_reclaim_entry);

static int ss_reclaim_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_call *call = (void *)ri->data;
	struct ss_tally t = { .c[SS_CNT_CALLS] = 1 };

	if (!regs_return_value(regs))
		t.c[SS_CNT_FAILED] = 1;
	ss_walk_vma(call->vma, call->addr, call->end, &t);
	ss_stats_add(SS_PATH_RECLAIM, SS_PHASE_AFTER, &t);
	return 0;
}
NOKPROBE_SYMBOL(ss_reclaim_ret);

/* ---- registration ---- */

#define SS_KP(id, pre)						\
	[SS_PROBE_##id] = { .kp = { .pre_handler = pre } }
#define SS_RP(id, entry, ret)						\
	[SS_PROBE_##id] = { .is_ret = true, .rp = {			\
		.entry_handler = entry, .handler = ret,			\
		.data_size = sizeof(struct ss_call) } }

static struct ss_probe_slot ss_probes[SS_NR_PROBES] = {
	SS_KP(ZAP, ss_zap_pre),
	SS_KP(ZAP_SINGLE, ss_zap_single_pre),
	SS_KP(ZAP_MAPPING, ss_zap_mapping_pre),
	SS_RP(FORK, ss_fork_entry, ss_fork_ret),
	SS_RP(SWAPIN, ss_swapin_entry, ss_swapin_ret),
	SS_RP(RECLAIM, ss_reclaim_entry, ss_reclaim_ret),
};

#define SS_X_DESC(id, pname, sym, ret) \
	[SS_PROBE_##id] = { .name = pname, .symbol = sym, .is_ret = ret },
static const struct {
	const char *name;
	const char *symbol;
	bool is_ret;
} ss_probe_desc[SS_NR_PROBES] = {
	SS_PROBES(SS_X_DESC)
};
#undef SS_X_DESC

static const char *ss_register_reason(int err)
{
	switch (err) {
	case -ENOENT:
		return "not-in-kallsyms";
	case -EINVAL:
		return "not-probeable";
	case -EILSEQ:
		return "bad-address";
	case -ENOMEM:
		return "no-memory";
	case -EBUSY:
		return "busy";
	default:
		return "register-failed";
	}
}

static int ss_probe_register(struct ss_probe_slot *p)
{
	if (!p->is_ret) {
		p->kp.symbol_name = p->symbol;
		return register_kprobe(&p->kp);
	}
	p->rp.kp.symbol_name = p->symbol;
	/* do_swap_page sleeps on I/O: each sleeper holds an instance. */
	p->rp.maxactive = ss_maxactive;
	return register_kretprobe(&p->rp);
}

/* Register every probe it can; a failure leaves that one unavailable. */
void ss_probes_register(void)
{
	int i, err;

	for (i = 0; i < SS_NR_PROBES; i++) {
		struct ss_probe_slot *p = &ss_probes[i];

		p->name = ss_probe_desc[i].name;
		p->symbol = ss_symbol_override[i][0] ? ss_symbol_override[i] :
			    ss_probe_desc[i].symbol;
		if (WARN_ON_ONCE(p->is_ret != ss_probe_desc[i].is_ret)) {
			p->state = SS_PROBE_UNAVAILABLE;
			p->reason = "internal-mismatch";
			continue;
		}
		err = ss_probe_register(p);
		if (err) {
			p->state = SS_PROBE_UNAVAILABLE;
			p->reason = ss_register_reason(err);
			pr_warn("probe %s on %s unavailable: %s (%d)\n",
				p->name, p->symbol, p->reason, err);
			continue;
		}
		p->state = SS_PROBE_ACTIVE;
		p->reason = "-";
	}
}

/* Unregister before anything the handlers touch is freed. */
void ss_probes_unregister(void)
{
	int i;

	for (i = SS_NR_PROBES - 1; i >= 0; i--) {
		struct ss_probe_slot *p = &ss_probes[i];

		if (p->state != SS_PROBE_ACTIVE)
			continue;
		if (p->is_ret)
			unregister_kretprobe(&p->rp);
		else
			unregister_kprobe(&p->kp);
		p->state = SS_PROBE_UNAVAILABLE;
		p->reason = "unregistered";
	}
}

unsigned int ss_probes_active(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < SS_NR_PROBES; i++)
		n += ss_probes[i].state == SS_PROBE_ACTIVE;
	return n;
}

/*
 * nmissed: for a kretprobe, hits that found no free instance (maxactive
 * too small) plus recursion misses of its kprobe; such hits ran no handler
 * and are not in hits, so hits + nmissed is every entry of the function.
 */
void ss_probe_info(enum ss_probe id, struct ss_probe_info *info)
{
	struct ss_probe_slot *p = &ss_probes[id];
	int cpu;

	info->name = ss_probe_desc[id].name;
	info->symbol = p->symbol ? p->symbol : ss_probe_desc[id].symbol;
	info->is_ret = p->is_ret;
	info->state = p->state;
	info->reason = p->reason ? p->reason : "not-registered";
	info->hits = 0;
	for_each_possible_cpu(cpu)
		info->hits += per_cpu(ss_hits[id], cpu);
	if (p->is_ret) {
		info->nmissed = p->rp.nmissed + p->rp.kp.nmissed;
		info->maxactive = p->rp.maxactive;
	} else {
		info->nmissed = p->kp.nmissed;
		info->maxactive = 0;
	}
}

static int ss_probe_by_name(const char *name, size_t len)
{
	int i;

	for (i = 0; i < SS_NR_PROBES; i++)
		if (strlen(ss_probe_desc[i].name) == len &&
		    !strncmp(ss_probe_desc[i].name, name, len))
			return i;
	return -1;
}

static bool ss_symbol_valid(const char *sym, size_t len)
{
	size_t i;

	if (!len || len >= KSYM_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(sym[i]) && sym[i] != '_' && sym[i] != '.')
			return false;
	return true;
}

/*
 * One item "probe=symbol" of the symbols= parameter: check it and, when
 * @apply, store it.  Returns the length consumed or -EINVAL.
 */
static int ss_symbol_item(const char *arg, const char *item, bool apply)
{
	size_t len = strcspn(item, ",\n");
	const char *eq = memchr(item, '=', len);
	size_t symlen;
	int id;

	if (!eq) {
		pr_err("invalid symbols=%s: expected probe=symbol\n", arg);
		return -EINVAL;
	}
	id = ss_probe_by_name(item, eq - item);
	if (id < 0) {
		pr_err("invalid symbols=%s: unknown probe '%.*s'\n", arg,
		       (int)(eq - item), item);
		return -EINVAL;
	}
	symlen = len - (eq + 1 - item);
	if (!ss_symbol_valid(eq + 1, symlen)) {
		pr_err("invalid symbols=%s: bad symbol for probe %s\n", arg,
		       ss_probe_desc[id].name);
		return -EINVAL;
	}
	if (apply) {
		memcpy(ss_symbol_override[id], eq + 1, symlen);
		ss_symbol_override[id][symlen] = '\0';
	}
	return len;
}

/*
 * Parse "probe=symbol[,probe=symbol...]" (the symbols= parameter) before
 * any probe is registered.  All or nothing: the whole list is checked
 * before anything is stored.
 */
int ss_probes_set_symbols(const char *arg)
{
	int pass, len;

	for (pass = 0; pass < 2; pass++) {
		const char *item = arg;

		while (*item && *item != '\n') {
			len = ss_symbol_item(arg, item, pass);
			if (len < 0)
				return len;
			item += len;
			if (*item == ',')
				item++;
		}
	}
	return 0;
}
