// SPDX-License-Identifier: MIT
/*
 * The AICore program (REFERENCE G.6, B.3) as a step function. Handshake:
 * wait for aicpu_ready, publish the core id and aicore_regs_ready, wait
 * for aicpu_regs_ready, set COND idle and aicore_done. Then per token in
 * DATA: read payload[token & 1], COND = ACK(token), run the kernel, write
 * the task record, COND = FIN(token). EXIT_SIGNAL ends the core with COND
 * = EXITED. Every wait is a return of AICORE_IDLE: the host calls again
 * when DATA (or the AICPU's handshake words) may have changed.
 */
#include <stdatomic.h>
#include <stdbool.h>

#include "aicore.h"

static inline _Atomic uint32_t *reg(__u32 *r)
{
	return (_Atomic uint32_t *)r;
}

/* Does DATA value t name a token not served yet (last served: last)? */
static bool data_new(uint32_t last, uint32_t t)
{
	return t != last && t != PTO_TOKEN_AICPU_IDLE;
}

void aicore_init(struct aicore *c, struct pto_hs_core *hs, void *prof_region)
{
	c->hs = hs;
	c->prof_region = prof_region;
	c->prof = (struct fw_prof_core){ 0 };
	c->last = PTO_TOKEN_AICPU_IDLE;
	c->state = AICORE_BOOT;
}

/* Handshake steps; false while waiting for the AICPU. */
static bool handshake(struct aicore *c)
{
	struct pto_hs_core *hs = c->hs;
	unsigned int core = hs->core_index;

	if (c->state == AICORE_BOOT) {
		/* acquire: prof_head_off and the payloads precede ready */
		if (!atomic_load_explicit(reg(&hs->aicpu_ready),
					  memory_order_acquire))
			return false;
		hs->physical_core_id = core;
		fw_prof_bind(&c->prof, c->prof_region, hs->prof_head_off);
		/* release: our id is written before the AICPU sees it */
		atomic_store_explicit(reg(&hs->aicore_regs_ready), 1,
				      memory_order_release);
		c->state = AICORE_REGS;
	}
	/* acquire: the AICPU initialised DATA before regs ready */
	if (!atomic_load_explicit(reg(&hs->aicpu_regs_ready),
				  memory_order_acquire) &&
	    atomic_load(reg(&hs->data)) != PTO_TOKEN_EXIT_SIGNAL)
		return false;
	atomic_store_explicit(reg(&hs->cond), PTO_COND_AICORE_IDLE,
			      memory_order_relaxed);
	/* release: COND is idle before the AICPU sees the core done */
	atomic_store_explicit(reg(&hs->aicore_done),
			      core / PTO_CORES_PER_BLOCK + 1,
			      memory_order_release);
	c->state = AICORE_READY;
	return true;
}

enum aicore_step_result aicore_step(struct aicore *c,
				    const struct aicore_platform *pf)
{
	struct pto_hs_core *hs = c->hs;
	unsigned int core = hs->core_index;
	const struct pto_hs_payload *p;
	uint64_t start, end;
	uint32_t t;

	if (c->state == AICORE_EXITED)
		return AICORE_DONE;
	if (c->state != AICORE_READY && !handshake(c))
		return AICORE_IDLE;
	/* acquire: the payload is written before DATA */
	t = atomic_load_explicit(reg(&hs->data), memory_order_acquire);
	if (!data_new(c->last, t))
		return AICORE_IDLE;
	if (t == PTO_TOKEN_EXIT_SIGNAL) {
		c->state = AICORE_EXITED;
		/* release: all our writes precede EXITED */
		atomic_store_explicit(reg(&hs->cond), PTO_COND_AICORE_EXITED,
				      memory_order_release);
		pf->wake(pf->ctx, core);
		return AICORE_DONE;
	}
	/*
	 * One ordered stamp (only when recording) serves as receive and
	 * start time: taken right after the token was read, it is not
	 * earlier than the dispatch that wrote DATA, and all that lies
	 * between it and the kernel is the ACK store, cheaper than a clock
	 * read: a second read would time mostly itself.
	 */
	start = FW_PROF_ON(&c->prof) ? pf->now(pf->ctx) : 0;
	p = &hs->payload[t & 1];
	/* release: we read the payload before the AICPU may reuse the other
	 * slot
	 */
	atomic_store_explicit(reg(&hs->cond), PTO_COND_ACK(t),
			      memory_order_release);
	/* Timing only when this core records (a branch when off). */
	if (FW_PROF_ON(&c->prof)) {
		pf->run(pf->ctx, core, p);
		/*
		 * Unordered: the end stamp needs only to precede FIN, which
		 * it does (the FIN store below becomes visible only after
		 * the read before it ran), so the scheduler's finish stamp,
		 * ordered after it sees FIN, is not earlier; and to follow
		 * start, which the clamp keeps when the two reads ran out
		 * of order.
		 */
		end = pf->now_local(pf->ctx);
		if (end < start)
			end = start;
		fw_prof_record(&c->prof, t, start, start, end);
	} else {
		pf->run(pf->ctx, core, p);
	}
	c->last = t;
	/* release: kernel results and the record precede FIN */
	atomic_store_explicit(reg(&hs->cond), PTO_COND_FIN(t),
			      memory_order_release);
	pf->wake(pf->ctx, core);
	return AICORE_RAN;
}

bool aicore_pending_at(struct pto_hs_core *hs, struct aicore_mark m)
{
	switch (m.state) {
	case AICORE_BOOT:
		return atomic_load(reg(&hs->aicpu_ready));
	case AICORE_REGS:
		return atomic_load(reg(&hs->aicpu_regs_ready)) ||
		       atomic_load(reg(&hs->data)) == PTO_TOKEN_EXIT_SIGNAL;
	case AICORE_READY:
		return data_new(m.last, atomic_load(reg(&hs->data)));
	default:
		return false;
	}
}

void aicore_main(struct aicore *c, const struct aicore_platform *pf)
{
	enum aicore_step_result r;

	while ((r = aicore_step(c, pf)) != AICORE_DONE)
		if (r == AICORE_IDLE)
			pf->wait(pf->ctx, c->hs->core_index, &c->hs->data,
				 c->last);
}
