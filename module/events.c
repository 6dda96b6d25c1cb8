// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: the live events stream ('swapscope events --follow').
 *
 * A fixed ring, allocated at load, filled from probe context under a raw
 * spinlock only while the events file is open, and drained by its one
 * reader in process context.  A full ring drops the new record and counts
 * it: the reader sees "event=dropped count=N" before the next record, and
 * the health file keeps the total, so a loss is never silent.  Records
 * are formatted at read time; a probe only copies a few words.
 *
 * A reader sleeps on a waitqueue (read, or poll/select/epoll).  A probe
 * cannot wake it directly: wake_up() takes the waitqueue's lock and the
 * scheduler's runqueue lock, and the probed path may be running with
 * either held (or in a context that must not take them).  So a probe
 * queues an irq_work, as perf's ring buffer and the BPF ringbuf do; its
 * handler runs in the interrupt that follows, with no lock of the probed
 * path held, and does the wake_up.  Only when someone sleeps, and never
 * more than one pending: irq_work_queue() of a work already queued does
 * nothing, so a burst of records costs one interrupt.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include "swapscope.h"

#define SS_EVENTS_RING	4096	/* records, a power of two */
#define SS_EVENT_LINE	384	/* the longest formatted record */

struct ss_event {
	u64 seq;
	u64 ns;
	unsigned long addr;
	const char *reason;	/* disabled: a string literal */
	u32 obs;		/* rule bitmaps */
	u32 viol;
	u32 impact;
	pid_t pid;
	u16 cpu;
	u8 type;		/* enum ss_event_type */
	u8 source;		/* enum ss_source */
	u8 rule;
	u8 verdict;
	char comm[TASK_COMM_LEN];
};

static_assert(SS_NR_RULES <= 32);

const char * const ss_source_names[SS_NR_SOURCES] = {
	SS_SOURCES(SS_X_NAMES)
};

static const char * const ss_event_names[SS_NR_EVENTS] = {
	SS_EVENTS(SS_X_NAMES)
};

static struct ss_event *ss_ring;
static u64 ss_head;		/* next record written */
static u64 ss_tail;		/* next record read */
static u64 ss_seq;
static u64 ss_dropped;		/* since load */
static u64 ss_dropped_unseen;	/* since the reader's last record */
static DEFINE_RAW_SPINLOCK(ss_events_lock);
bool ss_events_on;	/* the file is open: keep records */
static atomic_t ss_events_readers = ATOMIC_INIT(0);
static DEFINE_MUTEX(ss_events_read_lock);
static DECLARE_WAIT_QUEUE_HEAD(ss_events_wait);

/* Interrupt context, no lock of a probed path held: wake the reader. */
static void ss_events_wake(struct irq_work *work)
{
	wake_up_interruptible(&ss_events_wait);
}

static struct irq_work ss_events_work;

int ss_events_init(void)
{
	init_irq_work(&ss_events_work, ss_events_wake);
	ss_ring = vzalloc(array_size(SS_EVENTS_RING, sizeof(*ss_ring)));
	return ss_ring ? 0 : -ENOMEM;
}

/* After the probes are gone: no work can be queued any more. */
void ss_events_exit(void)
{
	irq_work_sync(&ss_events_work);
	vfree(ss_ring);
	ss_ring = NULL;
}

size_t ss_events_memory(void)
{
	return SS_EVENTS_RING * sizeof(*ss_ring);
}

u64 ss_events_dropped(void)
{
	return READ_ONCE(ss_dropped);
}

bool ss_events_followed(void)
{
	return atomic_read(&ss_events_readers);
}

/* A control reset: the total starts again; a reader still gets its line. */
void ss_events_reset(void)
{
	raw_spin_lock_irq(&ss_events_lock);
	ss_dropped = 0;
	raw_spin_unlock_irq(&ss_events_lock);
}

/* Probe context: fill in who and when, and queue @ev. */
static void ss_event_push(struct ss_event *ev)
{
	unsigned long flags;

	ev->ns = ktime_get_mono_fast_ns();
	ev->cpu = raw_smp_processor_id();
	ev->pid = current->pid;
	ss_comm_copy(ev->comm, current->comm);
	raw_spin_lock_irqsave(&ss_events_lock, flags);
	ev->seq = ++ss_seq;
	if (ss_head - ss_tail >= SS_EVENTS_RING) {
		ss_dropped++;
		ss_dropped_unseen++;
	} else {
		ss_ring[ss_head++ % SS_EVENTS_RING] = *ev;
	}
	raw_spin_unlock_irqrestore(&ss_events_lock, flags);
	/*
	 * wq_has_sleeper()'s barrier pairs with the one in the reader's
	 * prepare_to_wait (or poll_wait): either it sees this record when it
	 * checks again, or it is on the queue by now and is woken.  A drop
	 * wakes too: the reader has a notice to read.
	 */
	if (wq_has_sleeper(&ss_events_wait))
		irq_work_queue(&ss_events_work);
}

/* Probe or process context: one judged call; rule bitmaps, BIT(rule). */
void ss_event_observe(enum ss_source source, unsigned long addr, u32 obs,
		      u32 viol, u32 impact)
{
	struct ss_event ev = {
		.type = SS_EV_OBSERVE,
		.source = source,
		.addr = addr,
		.obs = obs,
		.viol = viol,
		.impact = impact,
	};

	if (READ_ONCE(ss_events_on))
		ss_event_push(&ev);
}

void ss_event_verdict(enum ss_rule rule, enum ss_verdict verdict,
		      enum ss_source source)
{
	struct ss_event ev = {
		.type = SS_EV_VERDICT,
		.rule = rule,
		.verdict = verdict,
		.source = source,
	};

	if (READ_ONCE(ss_events_on))
		ss_event_push(&ev);
}

void ss_event_disabled(enum ss_rule rule, const char *reason)
{
	struct ss_event ev = {
		.type = SS_EV_DISABLED,
		.rule = rule,
		.reason = reason,
	};

	if (READ_ONCE(ss_events_on))
		ss_event_push(&ev);
}

static int ss_rule_list(char *buf, size_t size, u32 mask)
{
	int r, n = 0;

	if (!mask)
		return scnprintf(buf, size, "-");
	for (r = 0; r < SS_NR_RULES; r++)
		if (mask & (1U << r))
			n += scnprintf(buf + n, size - n, "%s%s", n ? "," : "",
				       ss_rule_name(r));
	return n;
}

static int ss_event_format(char *buf, size_t size, const struct ss_event *ev)
{
	char comm[TASK_COMM_LEN];
	int n;

	ss_comm_word(comm, ev->comm);
	n = scnprintf(buf, size, "seq=%llu ns=%llu cpu=%u event=%s", ev->seq,
		      ev->ns, ev->cpu, ss_event_names[ev->type]);
	switch (ev->type) {
	case SS_EV_OBSERVE:
		n += scnprintf(buf + n, size - n,
			       " source=%s pid=%d comm=%s addr=0x%lx observed=",
			       ss_source_names[ev->source], ev->pid, comm,
			       ev->addr);
		n += ss_rule_list(buf + n, size - n, ev->obs);
		n += scnprintf(buf + n, size - n, " violated=");
		n += ss_rule_list(buf + n, size - n, ev->viol);
		n += scnprintf(buf + n, size - n, " impact=");
		n += ss_rule_list(buf + n, size - n, ev->impact);
		break;
	case SS_EV_VERDICT:
		n += scnprintf(buf + n, size - n,
			       " rule=%s verdict=%s source=%s pid=%d comm=%s",
			       ss_rule_name(ev->rule),
			       ss_verdict_name(ev->verdict),
			       ss_source_names[ev->source], ev->pid, comm);
		break;
	case SS_EV_DISABLED:
		n += scnprintf(buf + n, size - n, " rule=%s reason=%s",
			       ss_rule_name(ev->rule), ev->reason);
		break;
	}
	n += scnprintf(buf + n, size - n, "\n");
	return n;
}

/*
 * The next line to read into @buf: records lost since the last one come
 * first.  Returns its length, 0 if there is nothing; @dropped and @record
 * say what to consume once the line is copied out.
 */
static int ss_events_peek(char *buf, size_t size, u64 *dropped, bool *record)
{
	struct ss_event ev;

	raw_spin_lock_irq(&ss_events_lock);
	*dropped = ss_dropped_unseen;
	*record = !*dropped && ss_head != ss_tail;
	if (*record)
		ev = ss_ring[ss_tail % SS_EVENTS_RING];
	raw_spin_unlock_irq(&ss_events_lock);
	if (*dropped)
		return scnprintf(buf, size, "event=%s count=%llu\n",
				 ss_event_names[SS_EV_DROPPED], *dropped);
	return *record ? ss_event_format(buf, size, &ev) : 0;
}

static void ss_events_consume(u64 dropped, bool record)
{
	raw_spin_lock_irq(&ss_events_lock);
	ss_dropped_unseen -= dropped;
	if (record)
		ss_tail++;
	raw_spin_unlock_irq(&ss_events_lock);
}

/* Something to read: a record, or the notice of records dropped. */
static bool ss_events_pending(void)
{
	bool pending;

	raw_spin_lock_irq(&ss_events_lock);
	pending = ss_dropped_unseen || ss_head != ss_tail;
	raw_spin_unlock_irq(&ss_events_lock);
	return pending;
}

static ssize_t ss_events_read_locked(struct file *file, char __user *ubuf,
				     size_t len)
{
	char line[SS_EVENT_LINE];
	size_t done = 0;
	u64 dropped;
	bool record;
	int n;

	for (;;) {
		n = ss_events_peek(line, sizeof(line), &dropped, &record);
		if (!n) {
			if (done)
				return done;
			if (file->f_flags & O_NONBLOCK)
				return -EAGAIN;
			if (wait_event_interruptible(ss_events_wait,
						     ss_events_pending()))
				return -ERESTARTSYS;
			continue;
		}
		if (n > len - done)
			return done ? done : -EINVAL;	/* whole lines only */
		if (copy_to_user(ubuf + done, line, n))
			return done ? done : -EFAULT;
		ss_events_consume(dropped, record);
		done += n;
	}
}

static ssize_t ss_events_read(struct file *file, char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	ssize_t ret;

	if (mutex_lock_interruptible(&ss_events_read_lock))
		return -ERESTARTSYS;
	ret = ss_events_read_locked(file, ubuf, len);
	mutex_unlock(&ss_events_read_lock);
	return ret;
}

static __poll_t ss_events_poll(struct file *file, poll_table *wait)
{
	poll_wait(file, &ss_events_wait, wait);
	return ss_events_pending() ? EPOLLIN | EPOLLRDNORM : 0;
}

/* One reader: the stream starts empty at its open. */
static int ss_events_open(struct inode *inode, struct file *file)
{
	if (atomic_cmpxchg(&ss_events_readers, 0, 1))
		return -EBUSY;
	raw_spin_lock_irq(&ss_events_lock);
	ss_tail = ss_head;
	ss_dropped_unseen = 0;
	raw_spin_unlock_irq(&ss_events_lock);
	WRITE_ONCE(ss_events_on, true);
	return nonseekable_open(inode, file);
}

static int ss_events_release(struct inode *inode, struct file *file)
{
	WRITE_ONCE(ss_events_on, false);
	atomic_set(&ss_events_readers, 0);
	return 0;
}

const struct file_operations ss_events_fops = {
	.owner = THIS_MODULE,
	.open = ss_events_open,
	.read = ss_events_read,
	.poll = ss_events_poll,
	.release = ss_events_release,
};
