// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: addresses of kernel symbols the kernel does not export
 * (swap_info, the tmpfs file system types), at load, in process context.
 *
 * kallsyms_lookup_name() has not been exported since 5.7.  The usual way
 * out, taking its address from a kprobe and calling it, breaks under IBT
 * (6.12 is built with X86_KERNEL_IBT): a kprobe on a function sits after
 * its ENDBR, and an indirect call there traps on CPUs that enforce it.
 * Nothing here calls through a probed address.  register_kprobe() itself
 * looks a symbol name up with kallsyms_lookup_name(); a kretprobe on that
 * function, filtered to this task and this name, reads the answer.  The
 * lookup registers a disabled kprobe (nothing is patched) and unregisters
 * it; for a data symbol the registration fails after the lookup, as it
 * should.  The kretprobe is in place only between ss_ksym_open() and
 * ss_ksym_close(), during module init.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include "swapscope.h"

static DEFINE_MUTEX(ss_ksym_lock);
static struct task_struct *ss_ksym_task;	/* whose lookup is watched */
static const char *ss_ksym_name;		/* the very string passed */
static unsigned long ss_ksym_addr;
static bool ss_ksym_ready;

static int ss_ksym_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	/* Only our own lookup: anybody else's skips the return handler. */
	if (current != READ_ONCE(ss_ksym_task) ||
	    (const char *)regs_get_kernel_argument(regs, 0) != ss_ksym_name)
		return 1;
	return 0;
}
NOKPROBE_SYMBOL(ss_ksym_entry);

static int ss_ksym_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	WRITE_ONCE(ss_ksym_addr, regs_return_value(regs));
	return 0;
}
NOKPROBE_SYMBOL(ss_ksym_ret);

static struct kretprobe ss_ksym_rp = {
	.kp.symbol_name = "kallsyms_lookup_name",
	.entry_handler = ss_ksym_entry,
	.handler = ss_ksym_ret,
	.maxactive = 4,
};

/* Process context: make lookups possible; false (and said) when not. */
bool ss_ksym_open(void)
{
	int err = register_kretprobe(&ss_ksym_rp);

	if (err) {
		pr_warn("kallsyms_lookup_name cannot be probed (%d): no symbol lookups\n",
			err);
		return false;
	}
	ss_ksym_ready = true;
	return true;
}

void ss_ksym_close(void)
{
	if (!ss_ksym_ready)
		return;
	unregister_kretprobe(&ss_ksym_rp);
	ss_ksym_ready = false;
}

/*
 * Process context, between ss_ksym_open() and ss_ksym_close(): the
 * address kallsyms has for @name, 0 when it has none.
 */
unsigned long ss_ksym_lookup(const char *name)
{
	struct kprobe kp = { .symbol_name = name,
			     .flags = KPROBE_FLAG_DISABLED };
	unsigned long addr;

	if (!ss_ksym_ready)
		return 0;
	mutex_lock(&ss_ksym_lock);
	ss_ksym_addr = 0;
	ss_ksym_name = name;
	WRITE_ONCE(ss_ksym_task, current);
	if (!register_kprobe(&kp))
		unregister_kprobe(&kp);
	WRITE_ONCE(ss_ksym_task, NULL);
	addr = READ_ONCE(ss_ksym_addr);
	mutex_unlock(&ss_ksym_lock);
	return addr;
}
