/* SPDX-License-Identifier: MIT */
/* The device and tensor objects behind the opaque public handles. */
#ifndef PTO_DEVICE_H
#define PTO_DEVICE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "dev_ops.h"
#include "pto.h"

struct rt_kernel {
	pto_kernel_fn fn;
	enum pto_core_type type;
	char name[48];
	/* Whether schedulers run it inline (rt_sched.c: rt_kernel_ran). */
	_Atomic uint32_t inline_score;
};

struct dev_cores;
struct dev_aicpu;

/*
 * The device's threads live as long as it: the AICPU threads and the
 * executors of the simulated cores (dev_aicpu.c, dev_cores.c). During a
 * run each of them counts itself in awake unless it sleeps (futex) or is
 * parked. A thread without work spins only while spinners < ncpus and
 * awake <= ncpus (itself included), and stops as soon as more threads are
 * awake than CPUs, so runnable threads exceed the online CPUs only while
 * each has work.
 */
struct pto_device {
	const struct dev_ops *ops;
	void *priv;
	enum pto_backend backend;
	struct dev_info info;
	uint64_t freq_hz;
	unsigned int ncpus;	/* online CPUs this process may use */
	struct dev_cores *cores;
	struct dev_aicpu *aicpu;
	_Alignas(64) _Atomic uint32_t awake;
	_Atomic uint32_t spinners;
	_Alignas(64) struct rt_kernel kernels[PTO_MAX_FUNCS];
};

struct pto_tensor {
	pto_device *dev;
	struct dev_bo bo;	/* owned unless heap */
	char *base;
	uint64_t dev_addr;	/* what kernels receive for base */
	size_t size;
	bool heap;		/* from a run's heap ring, freed with it */
};

/* Non-zero when an options struct of size bytes at p is acceptable for
 * a library that knows known bytes: size covers at least the size field
 * and any bytes past known are zero. Otherwise says why (an error), naming
 * the struct what.
 */
/*
 * Rejected input: "pto: <message>" as an error (log.h); returns err, so
 * every refusal names what was wrong.
 */
int rt_reject(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

bool rt_opts_ok(const void *p, size_t size, size_t known,
		const char *what);

static inline const struct rt_kernel *rt_kernel_get(const pto_device *dev,
						    uint32_t func_id)
{
	if (func_id >= PTO_MAX_FUNCS || !dev->kernels[func_id].fn)
		return NULL;
	return &dev->kernels[func_id];
}

/* A device thread starts to sleep (or leaves a run) / wakes (joins one). */
static inline void dev_asleep(pto_device *dev)
{
	atomic_fetch_sub_explicit(&dev->awake, 1, memory_order_relaxed);
}

static inline void dev_awake(pto_device *dev)
{
	atomic_fetch_add_explicit(&dev->awake, 1, memory_order_relaxed);
}

/*
 * The spin of an idle device thread: slot while it holds a spinner slot
 * (dev_spin_begin .. dev_spin_end), asleep once dev_spin_on() counted it
 * asleep. dev_spin_stop() ends the spin before a sleep.
 */
struct dev_spin {
	bool slot;
	bool asleep;
};

/*
 * May an awake thread without work spin now? Then it holds a spinner
 * slot (fewer spinners than CPUs, so one CPU is left for a thread being
 * woken) and calls dev_spin_on() each check of its spin, and
 * dev_spin_end() (or dev_spin_stop()) when it stops.
 */
static inline bool dev_spin_begin(pto_device *dev, struct dev_spin *s)
{
	uint32_t n = atomic_load_explicit(&dev->spinners,
					  memory_order_relaxed);

	if (atomic_load_explicit(&dev->awake, memory_order_relaxed) >
	    dev->ncpus)
		return false;
	while (n + 1 < dev->ncpus)
		if (atomic_compare_exchange_weak_explicit(
			    &dev->spinners, &n, n + 1, memory_order_relaxed,
			    memory_order_relaxed))
			return s->slot = true;
	return false;
}

static inline void dev_spin_end(pto_device *dev, struct dev_spin *s)
{
	if (s->slot)
		atomic_fetch_sub_explicit(&dev->spinners, 1,
					  memory_order_relaxed);
	s->slot = false;
}

/*
 * One check of a spin: false when the caller must stop because more
 * threads are awake than CPUs. Then it has counted itself asleep (one
 * spinner stops per thread too many) and goes to sleep.
 */
static inline bool dev_spin_on(pto_device *dev, struct dev_spin *s)
{
	uint32_t n = atomic_load_explicit(&dev->awake, memory_order_relaxed);

	while (n > dev->ncpus)
		if (atomic_compare_exchange_weak_explicit(
			    &dev->awake, &n, n - 1, memory_order_relaxed,
			    memory_order_relaxed)) {
			s->asleep = true;
			return false;
		}
	return true;
}

/*
 * The thread goes to sleep after its spin (or without one): ends the
 * spin and counts it asleep unless dev_spin_on() did; dev_awake() when
 * it wakes.
 */
static inline void dev_spin_stop(pto_device *dev, struct dev_spin *s)
{
	dev_spin_end(dev, s);
	if (!s->asleep)
		dev_asleep(dev);
	s->asleep = false;
}

#endif /* PTO_DEVICE_H */
