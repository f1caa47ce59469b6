/* SPDX-License-Identifier: MIT */
/*
 * The simulated AICores of a device (both backends simulate them in this
 * process): the firmware's platform (clock, wait, wake) and M:N executor
 * threads that step the cores' firmware. Executors are created at device
 * open and parked between runs; there are as many as online CPUs, so
 * cores never oversubscribe the machine. A dispatch is a DATA store and
 * dev_core_post() (a bit in the pending-core bitmap), then either the
 * poster serves the core itself (dev_core_serve) or dev_cores_wake():
 * at most one futex wake, of a sleeping executor, and only when none
 * spins to see the bit.
 */
#ifndef PTO_DEV_CORES_H
#define PTO_DEV_CORES_H

#include <stdbool.h>

#include "pto_hs.h"

struct pto_device;
struct dev_cores;

/* What one run gives its cores. */
struct dev_cores_env {
	struct pto_hs_core *hs;		/* ncores handshake blocks */
	unsigned int ncores;
	void *prof_region;		/* profiling region base, NULL: off */
	/* Runs the kernel the payload names on core. */
	void (*run)(void *ctx, unsigned int core,
		    const struct pto_hs_payload *p);
	/* COND of core became FIN or EXITED. */
	void (*wake)(void *ctx, unsigned int core);
	void *ctx;
};

int dev_cores_open(struct pto_device *dev, struct dev_cores **out);
void dev_cores_close(struct dev_cores *dc);

/*
 * Powers on env->ncores cores on the run's handshake blocks, whose
 * aicpu_ready is set: on return each core has published
 * aicore_regs_ready.
 */
void dev_cores_start(struct dev_cores *dc, const struct dev_cores_env *env);

/*
 * At the end of a run, with EXIT_SIGNAL in every core's DATA and no task
 * in flight: parks the executors (ending those dev_cores_watch added
 * during the run), then steps each core to COND = EXITED.
 */
void dev_cores_stop(struct dev_cores *dc);

/*
 * After a store to DATA (or the AICPU's handshake words) of core: marks
 * it pending. The caller then calls dev_core_serve() on it or
 * dev_cores_wake(), so a pending core never waits for a sleeper.
 */
void dev_core_post(struct dev_cores *dc, unsigned int core);

/* Wakes an executor for the pending cores unless one spins. */
void dev_cores_wake(struct dev_cores *dc);

/*
 * Serves pending core on the calling thread, as an executor would: runs
 * what its DATA holds (firmware step, records, FIN and its wake); false
 * when it did not: an executor took the core, or holds it and serves
 * the new DATA after its kernel.
 */
bool dev_core_serve(struct dev_cores *dc, unsigned int core);

/*
 * Do the executors have room for another dispatch: fewer posted cores
 * waiting for an executor than two per executor? A scheduler that
 * dispatches only then keeps ready work in its ready queues instead of
 * queueing it for the executors, so dispatch -> start stays short while
 * more cores are busy than the CPUs can run.
 */
bool dev_cores_room(struct dev_cores *dc);

/*
 * When every executor has been inside a kernel for more than 10 ms
 * (DEV_CORES_STUCK_NS) while other cores wait, adds an executor, so a
 * kernel that runs long (or never returns) delays other cores' dispatches
 * by at most that bound plus the caller's period. Cheap when not needed:
 * one load per executor.
 */
void dev_cores_watch(struct dev_cores *dc);

#endif /* PTO_DEV_CORES_H */
