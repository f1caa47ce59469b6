/* SPDX-License-Identifier: MIT */
/*
 * Sleeping for idle device threads: futex wait/wake on 32-bit words, and
 * a doorbell a scheduler thread sleeps on.
 *
 * Doorbell protocol (no lost wake-up): the sleeper reads seq, sets
 * sleeping, re-checks for work, then futex-waits on seq; a waker first
 * publishes the work, then tests sleeping and, when set, bumps seq and
 * wakes. Both sides put a sequentially consistent fence between their
 * store and their load, so either the waker sees sleeping or the
 * sleeper's re-check sees the work. The first waker clears sleeping
 * (exchange), so one sleep costs at most one wake system call however
 * many threads ring it.
 */
#ifndef PTO_RT_FUTEX_H
#define PTO_RT_FUTEX_H

#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline void rt_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Sleeps while *addr == val, at most timeout_ns (0: no limit). */
static inline void rt_futex_wait(_Atomic uint32_t *addr, uint32_t val,
				 uint64_t timeout_ns)
{
	struct timespec ts, *tp = NULL;

	if (timeout_ns) {
		ts.tv_sec = (time_t)(timeout_ns / 1000000000ull);
		ts.tv_nsec = (long)(timeout_ns % 1000000000ull);
		tp = &ts;
	}
	syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, val, tp,
		NULL, 0);
}

static inline void rt_futex_wake(_Atomic uint32_t *addr, int n)
{
	syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, n, NULL,
		NULL, 0);
}

struct rt_doorbell {
	_Alignas(64) _Atomic uint32_t seq;
	_Atomic uint32_t sleeping;
	_Atomic uint32_t can_take;	/* the sleeper's own hint for its
					 * wakers (rt_sched.c)
					 */
};

/* After publishing work: wakes the doorbell's thread if it sleeps. */
static inline void rt_doorbell_ring(struct rt_doorbell *d)
{
	/* seq_cst: the work is visible before we test sleeping (Dekker) */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&d->sleeping, memory_order_relaxed) &&
	    atomic_exchange(&d->sleeping, 0)) {
		atomic_fetch_add(&d->seq, 1);
		rt_futex_wake(&d->seq, 1);
	}
}

/*
 * Sleeps on d unless has_work(ctx) is true once sleeping is set; at most
 * timeout_ns.
 */
static inline void rt_doorbell_sleep(struct rt_doorbell *d,
				     int (*has_work)(void *), void *ctx,
				     uint64_t timeout_ns)
{
	uint32_t s = atomic_load(&d->seq);

	atomic_store(&d->sleeping, 1);
	/* seq_cst: sleeping is visible before we re-check (Dekker) */
	atomic_thread_fence(memory_order_seq_cst);
	if (!has_work(ctx))
		rt_futex_wait(&d->seq, s, timeout_ns);
	atomic_store(&d->sleeping, 0);
}

#endif /* PTO_RT_FUTEX_H */
