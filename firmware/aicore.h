/* SPDX-License-Identifier: MIT */
/*
 * The AICore program as a step function over one core's handshake block
 * (uapi/pto_hs.h). aicore_step() never blocks: it advances the core's
 * handshake, or polls DATA and, for a new token, runs the kernel, writes
 * the task record and publishes FIN. Whoever hosts the cores (the device's
 * executor threads, or a dedicated thread through aicore_main()) calls it
 * whenever DATA may have changed.
 *
 * What the firmware needs from its host is struct aicore_platform: a
 * clock, a wait for DATA, a wake for the scheduler owning the core, and
 * the kernel runner. The firmware includes only uapi/ and its own headers.
 */
#ifndef PTO_FW_AICORE_H
#define PTO_FW_AICORE_H

#include <stdbool.h>
#include <stdint.h>

#include "fw_prof.h"
#include "pto_hs.h"
#include "pto_prof.h"

struct aicore_platform {
	/*
	 * The device counter (record timestamps; called only when the core
	 * records). now: ordered after this core's earlier loads (a stamp
	 * taken after reading DATA is not earlier than the dispatch that
	 * wrote it). now_local: unordered, for the end stamp, which needs
	 * only program order (see aicore_step).
	 */
	uint64_t (*now)(void *ctx);
	uint64_t (*now_local)(void *ctx);
	/* aicore_main only: sleep until DATA (*data) may differ from seen. */
	void (*wait)(void *ctx, unsigned int core, const uint32_t *data,
		     uint32_t seen);
	/* COND became FIN or EXITED: wake the scheduler owning the core. */
	void (*wake)(void *ctx, unsigned int core);
	/* Runs the kernel the payload names on this core. */
	void (*run)(void *ctx, unsigned int core,
		    const struct pto_hs_payload *p);
	void *ctx;
};

enum aicore_state {
	AICORE_BOOT = 0,	/* waits for aicpu_ready */
	AICORE_REGS,		/* waits for aicpu_regs_ready */
	AICORE_READY,		/* serves DATA */
	AICORE_EXITED,		/* after EXIT_SIGNAL, COND = EXITED */
};

struct aicore {
	struct pto_hs_core *hs;
	void *prof_region;	/* profiling region base, NULL: off */
	struct fw_prof_core prof;
	uint32_t last;		/* last token served */
	enum aicore_state state;
};

enum aicore_step_result {
	AICORE_IDLE = 0,	/* nothing to do until DATA changes */
	AICORE_RAN,		/* ran a task or advanced the handshake */
	AICORE_DONE,		/* exited: COND = EXITED */
};

/* A core at power-on, bound to its handshake block. */
void aicore_init(struct aicore *c, struct pto_hs_core *hs, void *prof_region);

/* One step; see enum aicore_step_result. */
enum aicore_step_result aicore_step(struct aicore *c,
				    const struct aicore_platform *pf);

/*
 * Would a step do something now? Asked on the core's state as its host
 * left it (aicore_mark, taken while it owned it), so a host that no
 * longer owns the core can ask too. Sequentially consistent loads: a
 * host that stops serving a core calls it after its own seq_cst store,
 * so a DATA store it raced with is seen here.
 */
struct aicore_mark {
	uint32_t last;
	enum aicore_state state;
};

static inline struct aicore_mark aicore_mark(const struct aicore *c)
{
	return (struct aicore_mark){ c->last, c->state };
}

bool aicore_pending_at(struct pto_hs_core *hs, struct aicore_mark m);

/* A dedicated loop: steps, waiting when idle, until the core exits. */
void aicore_main(struct aicore *c, const struct aicore_platform *pf);

#endif /* PTO_FW_AICORE_H */
