/* SPDX-License-Identifier: MIT */
/*
 * The AICore program: one loop per core driven through the core's
 * handshake block (uapi/pto_hs.h). The simulated device runs it on one
 * host thread per core; what the loop needs from its surroundings (the
 * kernel to run, a wake-up for the scheduler that owns the core) comes
 * in through struct aicore_env.
 */
#ifndef PTO_FW_AICORE_H
#define PTO_FW_AICORE_H

#include <stdatomic.h>
#include <stdint.h>

#include "pto_hs.h"
#include "pto_prof.h"

struct aicore_env {
	struct pto_hs_core *hs;
	void *prof_region;	/* profiling region base, NULL: off */
	/* Runs the kernel the payload names on this core. */
	void (*run)(void *ctx, unsigned int core,
		    const struct pto_hs_payload *p);
	/* After COND changed to FIN or EXITED: wake the core's scheduler. */
	void (*notify)(void *ctx, unsigned int core);
	void *ctx;
	/* 1 while the core sleeps on DATA; the writer of DATA wakes it. */
	_Atomic uint32_t *sleeping;
	unsigned int spin;	/* DATA polls before sleeping */
};

/* The loop: returns after EXIT_SIGNAL, with COND = EXITED. */
void aicore_main(const struct aicore_env *env);

/* Wakes a core sleeping in aicore_main after DATA was written. */
void aicore_kick(struct pto_hs_core *hs, _Atomic uint32_t *sleeping);

#endif /* PTO_FW_AICORE_H */
