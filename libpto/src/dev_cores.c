// SPDX-License-Identifier: MIT
/*
 * Simulated AICores: M:N executor threads stepping the firmware
 * (firmware/aicore.h), and the firmware's platform on this host.
 *
 * Pending cores: dev_core_post() sets a core's bit in pend; a server (an
 * executor, or the poster itself through dev_core_serve()) takes a bit
 * (fetch_and) and claims the core (busy, exchange), steps it until it is
 * idle, releases busy and re-checks the core (aicore_pending_at, on the
 * mark of the firmware state taken before the release): a server that
 * took the bit while the core was claimed dropped it, and the owner's
 * re-check, after its seq_cst release, sees the DATA store that bit
 * announced. Only the claimer touches a core's firmware state.
 *
 * A poster then serves the core itself or calls dev_cores_wake(): a
 * scheduler runs a short kernel it dispatched as the core it went to
 * (same firmware step, same records, same core id), so a dependent
 * hand-off costs no executor wake and no context switch.
 *
 * Waking (no lost wake-up): an idle executor spins, bounded in time and
 * only while the device lets it (device.h: fewer spinners than CPUs, no
 * more threads awake than CPUs), then sets its state to EXEC_SLEEPING
 * and re-checks pend before a futex wait on its state. dev_cores_wake()
 * (after the bits were set) does nothing when an executor spins, else
 * wakes one sleeping executor: the first from a round-robin start whose
 * state it moves from EXEC_SLEEPING to EXEC_WAKING (compare-and-swap),
 * then FUTEX_WAKE on that word. All of these are seq_cst, so either the
 * sleeper sees the bit or the waker sees the sleeper; an executor
 * already being woken is never woken twice, so a pass that posts several
 * cores costs at most one wake per sleeping executor. An executor that
 * takes a bit while others remain wakes the next sleeper the same way,
 * so a long kernel never holds other pending cores.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "aicore.h"
#include "dev_cores.h"
#include "dev_park.h"
#include "device.h"
#include "pto_clock.h"
#include "rt_futex.h"

#define PEND_WORDS	((PTO_MAX_CORES + 63) / 64)
#define MAX_EXEC	PTO_MAX_CORES
#define EXEC_SPIN_NS	2000ull	/* idle spin before sleeping */
#define EXEC_SLEEP_NS	100000000ull	/* bound of one futex sleep */
#define DEV_CORES_STUCK_NS 10000000ull

enum exec_state { EXEC_RUNNING, EXEC_SLEEPING, EXEC_WAKING };

struct exec {
	/* Clock when it started serving a core, 0: not in one (watch). */
	_Alignas(64) _Atomic uint64_t since;
	_Atomic uint32_t state;	/* enum exec_state, its futex word */
	struct dev_cores *dc;
	pthread_t tid;
	unsigned int idx;
	uint32_t seen;		/* run generation served last (park) */
	bool retire;		/* leave when parked (park.lock) */
};

struct dev_cores {
	pto_device *dev;
	_Alignas(64) _Atomic uint64_t pend[PEND_WORDS];
	_Atomic int queued;	/* bits in pend */
	int room;		/* queued below this: dev_cores_room() */
	_Alignas(64) _Atomic uint32_t spinning;
	_Atomic unsigned int rr;	/* where take() starts scanning */
	_Atomic unsigned int wrr;	/* where wake_one() starts */
	_Alignas(64) _Atomic uint32_t active;	/* a run is on */
	_Atomic unsigned int nexec;
	unsigned int base_exec;	/* executors started at open */
	uint64_t spin_ticks, stuck_ticks;
	struct dev_park park;	/* its lock: adding and retiring executors */
	unsigned int ncores;	/* of the run */
	struct aicore_platform pf;
	struct aicore core[PTO_MAX_CORES];
	_Atomic uint32_t busy[PTO_MAX_CORES];
	struct exec *exec[MAX_EXEC];
};

static bool any_pend(struct dev_cores *dc)
{
	unsigned int w;

	for (w = 0; w < PEND_WORDS; w++)
		if (atomic_load(&dc->pend[w]))
			return true;
	return false;
}

/*
 * Wakes x if it sleeps and nobody wakes it yet; true if it did. The
 * state load is seq_cst: it pairs with the executor's store of SLEEPING
 * before its own seq_cst check of pend (the poster's fetch_or came
 * first), so one of the two sees the other.
 */
static bool wake(struct exec *x)
{
	uint32_t st = EXEC_SLEEPING;

	if (atomic_load(&x->state) != st ||
	    !atomic_compare_exchange_strong(&x->state, &st, EXEC_WAKING))
		return false;
	rt_futex_wake(&x->state, 1);
	return true;
}

/*
 * Wakes one sleeping executor unless one spins (it sees the bit), from
 * the executor after the one woken last, so wakes spread over them.
 */
static void wake_one(struct dev_cores *dc)
{
	/* acquire: pairs with add_exec */
	unsigned int i, x, n = atomic_load_explicit(&dc->nexec,
						     memory_order_acquire);
	unsigned int start = atomic_load_explicit(&dc->wrr,
						  memory_order_relaxed);

	if (atomic_load(&dc->spinning))
		return;
	for (i = 0; i < n; i++) {
		x = (start + i) % n;
		if (wake(dc->exec[x])) {
			atomic_store_explicit(&dc->wrr, x + 1,
					      memory_order_relaxed);
			return;
		}
	}
}

void dev_core_post(struct dev_cores *dc, unsigned int core)
{
	uint64_t bit = 1ull << (core & 63);

	if (atomic_fetch_or(&dc->pend[core >> 6], bit) & bit)
		return;		/* announced already, not yet taken */
	atomic_fetch_add_explicit(&dc->queued, 1, memory_order_relaxed);
}

void dev_cores_wake(struct dev_cores *dc)
{
	if (any_pend(dc))
		wake_one(dc);
}

/*
 * Takes one pending core, -1: none. Round robin from the core after the
 * last one taken, so a core posted again and again cannot starve others.
 */
static int take(struct dev_cores *dc)
{
	unsigned int start = atomic_load_explicit(&dc->rr, memory_order_relaxed);
	unsigned int i, w, ci;
	uint64_t v, bit, old, mask;

	for (i = 0; i <= PEND_WORDS; i++) {
		w = (start / 64 + i) % PEND_WORDS;
		mask = i == 0 ? ~0ull << (start % 64) :
		       i == PEND_WORDS ? (1ull << (start % 64)) - 1 : ~0ull;
		v = atomic_load_explicit(&dc->pend[w], memory_order_relaxed) &
		    mask;
		while (v) {
			bit = v & -v;
			old = atomic_fetch_and(&dc->pend[w], ~bit);
			if (old & bit) {
				atomic_fetch_sub_explicit(&dc->queued, 1,
							  memory_order_relaxed);
				ci = w * 64 + (unsigned int)__builtin_ctzll(bit);
				atomic_store_explicit(&dc->rr, ci + 1,
						      memory_order_relaxed);
				if (old & ~bit || any_pend(dc))
					wake_one(dc);
				return (int)ci;
			}
			v = old & ~bit & mask;
		}
	}
	return -1;
}

/*
 * x: the executor serving, NULL: the core's poster (dev_core_serve).
 * False when another server held the core (it re-checks after).
 */
static bool serve_core(struct dev_cores *dc, struct exec *x, unsigned int ci)
{
	struct aicore *c = &dc->core[ci];
	struct aicore_mark seen;

	if (atomic_exchange(&dc->busy[ci], 1))
		return false;	/* its owner re-checks after releasing */
	do {
		if (x)
			atomic_store_explicit(&x->since, pto_clock_now(),
					      memory_order_relaxed);
		while (aicore_step(c, &dc->pf) == AICORE_RAN)
			;
		if (x)
			atomic_store_explicit(&x->since, 0,
					      memory_order_relaxed);
		/* The re-check reads the firmware state as we left it: once
		 * busy is released the next claimer owns c. A stale mark only
		 * makes the re-check claim a core with nothing to do.
		 */
		seen = aicore_mark(c);
		atomic_store(&dc->busy[ci], 0);
	} while (aicore_pending_at(c->hs, seen) &&
		 !atomic_exchange(&dc->busy[ci], 1));
	return true;
}

bool dev_core_serve(struct dev_cores *dc, unsigned int core)
{
	uint64_t bit = 1ull << (core & 63);

	if (!(atomic_fetch_and(&dc->pend[core >> 6], ~bit) & bit))
		return false;	/* an executor took it */
	atomic_fetch_sub_explicit(&dc->queued, 1, memory_order_relaxed);
	return serve_core(dc, NULL, core);
}

/* Idle: spins while the device lets it (device.h), then sleeps. */
static void exec_idle(struct dev_cores *dc, struct exec *x)
{
	struct dev_spin sp = { 0 };
	uint64_t t0;

	if (dev_spin_begin(dc->dev, &sp)) {
		atomic_fetch_add(&dc->spinning, 1);
		t0 = pto_clock_now();
		while (!any_pend(dc) && atomic_load(&dc->active) &&
		       pto_clock_now() - t0 < dc->spin_ticks &&
		       dev_spin_on(dc->dev, &sp))
			rt_cpu_relax();
		atomic_fetch_sub(&dc->spinning, 1);
	}
	dev_spin_stop(dc->dev, &sp);
	atomic_store(&x->state, EXEC_SLEEPING);
	if (!any_pend(dc) && atomic_load(&dc->active))
		rt_futex_wait(&x->state, EXEC_SLEEPING, EXEC_SLEEP_NS);
	atomic_store(&x->state, EXEC_RUNNING);
	dev_awake(dc->dev);
}

static void *exec_main(void *arg)
{
	struct exec *x = arg;
	struct dev_cores *dc = x->dc;
	int ci;

	while (dev_park_enter(&dc->park, x->idx, &x->seen, &x->retire)) {
		dev_awake(dc->dev);
		while (atomic_load(&dc->active)) {
			ci = take(dc);
			if (ci >= 0)
				serve_core(dc, x, (unsigned int)ci);
			else
				exec_idle(dc, x);
		}
		dev_asleep(dc->dev);
		dev_park_leave(&dc->park);
	}
	return NULL;
}

/* One more executor, joining the run that is on; under park.lock. */
static int add_exec(struct dev_cores *dc)
{
	unsigned int n = atomic_load(&dc->nexec);
	bool joins = atomic_load(&dc->active);
	struct exec *x;
	int err;

	if (n >= MAX_EXEC)
		return -ENOSPC;
	x = aligned_alloc(64, sizeof(*x));
	if (!x)
		return -ENOMEM;
	memset(x, 0, sizeof(*x));
	x->dc = dc;
	x->idx = n;
	x->seen = dc->park.gen - joins;
	err = -pthread_create(&x->tid, NULL, exec_main, x);
	if (err) {
		free(x);
		return err;
	}
	if (joins)
		dev_park_grow_locked(&dc->park);
	dc->exec[n] = x;
	/* release: exec[n] is set before a watcher sees n + 1 */
	atomic_store_explicit(&dc->nexec, n + 1, memory_order_release);
	return 0;
}

static uint64_t pf_now(void *ctx)
{
	(void)ctx;
	return pto_clock_now();
}

static uint64_t pf_now_local(void *ctx)
{
	(void)ctx;
	return pto_clock_now_unordered();
}

/* aicore_main's wait on this host: a bounded futex sleep on DATA. */
static void pf_wait(void *ctx, unsigned int core, const uint32_t *data,
		    uint32_t seen)
{
	(void)ctx;
	(void)core;
	rt_futex_wait((_Atomic uint32_t *)data, seen, EXEC_SLEEP_NS);
}

int dev_cores_open(pto_device *dev, struct dev_cores **out)
{
	struct dev_cores *dc = aligned_alloc(64, (sizeof(*dc) + 63) & ~63ul);
	unsigned int i, n = dev->ncpus;
	int err = 0;

	if (!dc)
		return -ENOMEM;
	memset(dc, 0, sizeof(*dc));
	dc->dev = dev;
	dc->spin_ticks = pto_clock_ns_to_ticks(EXEC_SPIN_NS, dev->freq_hz);
	dc->stuck_ticks = pto_clock_ns_to_ticks(DEV_CORES_STUCK_NS,
						dev->freq_hz);
	dc->pf.now = pf_now;
	dc->pf.now_local = pf_now_local;
	dc->pf.wait = pf_wait;
	dev_park_init(&dc->park);
	if (n > dev->info.blocks * PTO_CORES_PER_BLOCK)
		n = dev->info.blocks * PTO_CORES_PER_BLOCK;
	pthread_mutex_lock(&dc->park.lock);
	for (i = 0; i < n && !err; i++)
		err = add_exec(dc);
	dc->base_exec = atomic_load(&dc->nexec);
	dc->room = 2 * (int)dc->base_exec;
	pthread_mutex_unlock(&dc->park.lock);
	if (err) {
		dev_cores_close(dc);
		return err;
	}
	*out = dc;
	return 0;
}

void dev_cores_close(struct dev_cores *dc)
{
	unsigned int i, n;

	if (!dc)
		return;
	dev_park_close(&dc->park);
	n = atomic_load(&dc->nexec);
	for (i = 0; i < n; i++) {
		pthread_join(dc->exec[i]->tid, NULL);
		free(dc->exec[i]);
	}
	dev_park_fini(&dc->park);
	free(dc);
}

void dev_cores_start(struct dev_cores *dc, const struct dev_cores_env *env)
{
	unsigned int i;

	dc->pf.run = env->run;
	dc->pf.wake = env->wake;
	dc->pf.ctx = env->ctx;
	dc->ncores = env->ncores;
	/*
	 * Power-on here: the first handshake step (aicpu_ready is set) binds
	 * each core and publishes aicore_regs_ready, so schedulers never
	 * wait for an executor to boot a core. The rest of the handshake
	 * happens in the core's first step after a post.
	 */
	for (i = 0; i < env->ncores; i++) {
		aicore_init(&dc->core[i], &env->hs[i], env->prof_region);
		aicore_step(&dc->core[i], &dc->pf);
		atomic_store_explicit(&dc->busy[i], 0, memory_order_relaxed);
	}
	atomic_store(&dc->active, 1);
	/* The lock orders the writes above before the executors' run. */
	pthread_mutex_lock(&dc->park.lock);
	dev_park_start_locked(&dc->park, atomic_load(&dc->nexec));
	pthread_mutex_unlock(&dc->park.lock);
}

void dev_cores_stop(struct dev_cores *dc)
{
	unsigned int w, i, n;

	atomic_store(&dc->active, 0);
	n = atomic_load(&dc->nexec);
	for (i = 0; i < n; i++)
		wake(dc->exec[i]);
	pthread_mutex_lock(&dc->park.lock);
	dev_park_wait_locked(&dc->park);
	/* Executors the watch added leave: the next run starts with one
	 * per online CPU again.
	 */
	n = atomic_load(&dc->nexec);
	for (i = dc->base_exec; i < n; i++)
		dc->exec[i]->retire = true;
	dev_park_notify_locked(&dc->park);
	atomic_store(&dc->nexec, dc->base_exec);
	pthread_mutex_unlock(&dc->park.lock);
	for (i = dc->base_exec; i < n; i++) {
		pthread_join(dc->exec[i]->tid, NULL);
		free(dc->exec[i]);
		dc->exec[i] = NULL;
	}
	for (w = 0; w < PEND_WORDS; w++)
		atomic_store_explicit(&dc->pend[w], 0, memory_order_relaxed);
	atomic_store_explicit(&dc->queued, 0, memory_order_relaxed);
	/* No executor is in the run now: the cores' last steps, to EXITED. */
	for (i = 0; i < dc->ncores; i++)
		while (aicore_step(&dc->core[i], &dc->pf) == AICORE_RAN)
			;
}

bool dev_cores_room(struct dev_cores *dc)
{
	return atomic_load_explicit(&dc->queued, memory_order_relaxed) <
	       dc->room;
}

void dev_cores_watch(struct dev_cores *dc)
{
	/* acquire: pairs with add_exec */
	unsigned int i, n = atomic_load_explicit(&dc->nexec,
						  memory_order_acquire);
	uint64_t s, newest = 0;

	for (i = 0; i < n; i++) {
		s = atomic_load_explicit(&dc->exec[i]->since,
					 memory_order_relaxed);
		if (!s)
			return;
		if (s > newest)
			newest = s;
	}
	if (!any_pend(dc) || pto_clock_now() - newest < dc->stuck_ticks)
		return;
	pthread_mutex_lock(&dc->park.lock);
	if (atomic_load(&dc->nexec) == n && atomic_load(&dc->active))
		add_exec(dc);
	pthread_mutex_unlock(&dc->park.lock);
}
