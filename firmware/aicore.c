// SPDX-License-Identifier: MIT
/*
 * The AICore loop (REFERENCE G.6, B.3). Handshake: wait for aicpu_ready,
 * publish the core id and aicore_regs_ready, wait for aicpu_regs_ready,
 * set COND idle and aicore_done. Then: wait for a token in DATA, read
 * payload[token & 1], COND = ACK(token), run the kernel, write the task
 * record, COND = FIN(token). EXIT_SIGNAL ends the loop with COND =
 * EXITED. An idle core polls DATA a bounded number of times and then
 * sleeps on it (futex), so idle cores cost no CPU.
 */
#include <sched.h>

#include "aicore.h"
#include "fw_prof.h"
#include "pto_clock.h"
#include "rt_futex.h"

static inline _Atomic uint32_t *reg(__u32 *r)
{
	return (_Atomic uint32_t *)r;
}

/* Waits until DATA holds something other than last and AICPU_IDLE. */
static uint32_t wait_data(const struct aicore_env *env, uint32_t last)
{
	_Atomic uint32_t *data = reg(&env->hs->data);
	unsigned int i;
	uint32_t v;

	for (;;) {
		for (i = 0; i < env->spin; i++) {
			/* acquire: the payload is written before DATA */
			v = atomic_load_explicit(data, memory_order_acquire);
			if (v != last && v != PTO_TOKEN_AICPU_IDLE)
				return v;
			rt_cpu_relax();
		}
		atomic_store(env->sleeping, 1);
		/* seq_cst after the flag: pairs with aicore_kick */
		v = atomic_load(data);
		if (v == last || v == PTO_TOKEN_AICPU_IDLE)
			rt_futex_wait(data, v, 0);
		atomic_store(env->sleeping, 0);
	}
}

void aicore_kick(struct pto_hs_core *hs, _Atomic uint32_t *sleeping)
{
	(void)hs;
	if (atomic_load(sleeping))
		rt_futex_wake(reg(&hs->data), 1);
}

void aicore_main(const struct aicore_env *env)
{
	struct pto_hs_core *hs = env->hs;
	unsigned int core = hs->core_index;
	struct fw_prof_core prof = { 0 };
	uint32_t last = PTO_TOKEN_AICPU_IDLE;
	uint64_t start, end;
	uint32_t t;

	/* acquire: prof_head_off and the payloads are set before ready */
	while (!atomic_load_explicit(reg(&hs->aicpu_ready),
				     memory_order_acquire))
		sched_yield();
	hs->physical_core_id = core;
	fw_prof_bind(&prof, env->prof_region, hs->prof_head_off);
	/* release: our id is written before the AICPU sees regs ready */
	atomic_store_explicit(reg(&hs->aicore_regs_ready), 1,
			      memory_order_release);
	/* acquire: the AICPU initialised DATA before regs ready */
	while (!atomic_load_explicit(reg(&hs->aicpu_regs_ready),
				     memory_order_acquire) &&
	       atomic_load(reg(&hs->data)) != PTO_TOKEN_EXIT_SIGNAL)
		sched_yield();
	atomic_store_explicit(reg(&hs->cond), PTO_COND_AICORE_IDLE,
			      memory_order_relaxed);
	/* release: COND is idle before the AICPU sees the core done */
	atomic_store_explicit(reg(&hs->aicore_done),
			      core / PTO_CORES_PER_BLOCK + 1,
			      memory_order_release);

	for (;;) {
		t = wait_data(env, last);
		if (t == PTO_TOKEN_EXIT_SIGNAL) {
			/* release: all our writes precede EXITED */
			atomic_store_explicit(reg(&hs->cond),
					      PTO_COND_AICORE_EXITED,
					      memory_order_release);
			env->notify(env->ctx, core);
			return;
		}
		const struct pto_hs_payload *p = &hs->payload[t & 1];

		/* release: we read the payload before the AICPU may reuse the
		 * other slot
		 */
		atomic_store_explicit(reg(&hs->cond), PTO_COND_ACK(t),
				      memory_order_release);
		/* Timing only when this core records (one branch when off). */
		if (FW_PROF_ON(&prof)) {
			start = pto_clock_now();
			env->run(env->ctx, core, p);
			end = pto_clock_now();
			fw_prof_record(&prof, t, start, end);
		} else {
			env->run(env->ctx, core, p);
		}
		last = t;
		/* release: kernel results and the record precede FIN */
		atomic_store_explicit(reg(&hs->cond), PTO_COND_FIN(t),
				      memory_order_release);
		env->notify(env->ctx, core);
	}
}
