// SPDX-License-Identifier: MIT
/*
 * The handshake registers (uapi/pto_hs.h, REFERENCE G.6) between an
 * AICPU and the AICore loop: dispatch tokens start at 1, alternate
 * payload parity and skip the reserved range; the core answers a token
 * with ACK then FIN after running the payload's kernel, takes a pending
 * token queued while it runs, and leaves on EXIT_SIGNAL with COND =
 * EXITED.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aicore.h"
#include "rt_sched.h"

static void test_token_sequence(void **state)
{
	uint32_t seq = 0, t, prev;

	(void)state;
	assert_int_equal(rt_token_next(&seq), 1);
	assert_int_equal(rt_token_next(&seq), 2);
	seq = PTO_TOKEN_EXIT_SIGNAL - 3;
	prev = rt_token_next(&seq);
	assert_int_equal(prev, PTO_TOKEN_EXIT_SIGNAL - 2);
	for (int i = 0; i < 6; i++) {
		t = rt_token_next(&seq);
		assert_true(t >= 1 && t < PTO_TOKEN_EXIT_SIGNAL);
		assert_int_not_equal(t & 1, prev & 1); /* parity flips */
		prev = t;
	}
}

struct core_sim {
	struct pto_hs_core hs __attribute__((aligned(64)));
	_Atomic uint32_t ran[4];	/* args[0] of each run */
	_Atomic uint32_t nran;
	_Atomic uint32_t gate;		/* kernel blocks while 0 */
	_Atomic uint32_t notified;
	struct aicore core;
	struct aicore_platform pf;
};

static _Atomic uint32_t *r32(__u32 *p)
{
	return (_Atomic uint32_t *)p;
}

static void run(void *ctx, unsigned int core, const struct pto_hs_payload *p)
{
	struct core_sim *s = ctx;

	(void)core;
	while (!atomic_load(&s->gate))
		sched_yield();
	s->ran[atomic_fetch_add(&s->nran, 1) & 3] = (uint32_t)p->args[0];
}

static void notify(void *ctx, unsigned int core)
{
	(void)core;
	atomic_fetch_add(&((struct core_sim *)ctx)->notified, 1);
}

static uint64_t now(void *ctx)
{
	(void)ctx;
	return 0;
}

static void wait_data(void *ctx, unsigned int core, const uint32_t *data,
		      uint32_t seen)
{
	(void)ctx;
	(void)core;
	(void)data;
	(void)seen;
	sched_yield();
}

static void *core_thread(void *arg)
{
	struct core_sim *s = arg;

	aicore_main(&s->core, &s->pf);
	return NULL;
}

static struct core_sim *core_sim_new(void)
{
	struct core_sim *s = aligned_alloc(64, sizeof(*s));

	memset(s, 0, sizeof(*s));
	s->hs.data = PTO_TOKEN_AICPU_IDLE;
	s->hs.cond = PTO_COND_AICORE_IDLE;
	s->pf = (struct aicore_platform){ .now = now, .wait = wait_data,
		.wake = notify, .run = run, .ctx = s };
	aicore_init(&s->core, &s->hs, NULL);
	return s;
}

static void wait_cond(struct core_sim *s, uint32_t v)
{
	while (atomic_load(r32(&s->hs.cond)) != v)
		sched_yield();
}

static void dispatch(struct core_sim *s, uint32_t tok, uint64_t arg)
{
	s->hs.payload[tok & 1].func_id = 0;
	s->hs.payload[tok & 1].num_args = 1;
	s->hs.payload[tok & 1].args[0] = arg;
	atomic_store(r32(&s->hs.data), tok);
}

static void test_ack_fin_pending_exit(void **state)
{
	struct core_sim *s = core_sim_new();
	pthread_t th;

	(void)state;
	atomic_store(r32(&s->hs.aicpu_ready), 1);
	assert_int_equal(pthread_create(&th, NULL, core_thread, s), 0);
	while (!atomic_load(r32(&s->hs.aicore_regs_ready)))
		sched_yield();
	atomic_store(r32(&s->hs.aicpu_regs_ready), 1);
	while (!atomic_load(r32(&s->hs.aicore_done)))
		sched_yield();
	assert_int_equal(s->hs.cond, PTO_COND_AICORE_IDLE);

	dispatch(s, 1, 100);
	wait_cond(s, PTO_COND_ACK(1));	/* running, kernel gated */
	dispatch(s, 2, 200);		/* pending, other slot */
	atomic_store(&s->gate, 1);
	wait_cond(s, PTO_COND_FIN(2));		/* ran both, in order */
	assert_int_equal(atomic_load(&s->nran), 2);
	assert_int_equal(s->ran[0], 100);
	assert_int_equal(s->ran[1], 200);

	dispatch(s, PTO_TOKEN_EXIT_SIGNAL, 0);
	pthread_join(th, NULL);
	assert_int_equal(s->hs.cond, PTO_COND_AICORE_EXITED);
	assert_int_equal(atomic_load(&s->notified), 3); /* 2 FIN + EXITED */
	free(s);
}

/*
 * The step function never blocks: each wait of the handshake and an
 * unchanged DATA are AICORE_IDLE, and aicore_pending_at says when a step
 * would do something.
 */
static void test_step_never_blocks(void **state)
{
	struct core_sim *s = core_sim_new();
	struct aicore *c = &s->core;

	(void)state;
	atomic_store(&s->gate, 1);
	assert_false(aicore_pending_at(c->hs, aicore_mark(c)));
	assert_int_equal(aicore_step(c, &s->pf), AICORE_IDLE);
	atomic_store(r32(&s->hs.aicpu_ready), 1);
	assert_true(aicore_pending_at(c->hs, aicore_mark(c)));
	assert_int_equal(aicore_step(c, &s->pf), AICORE_IDLE); /* regs */
	assert_int_equal(s->hs.aicore_regs_ready, 1);
	assert_false(aicore_pending_at(c->hs, aicore_mark(c)));
	atomic_store(r32(&s->hs.aicpu_regs_ready), 1);
	assert_true(aicore_pending_at(c->hs, aicore_mark(c)));
	assert_int_equal(aicore_step(c, &s->pf), AICORE_IDLE);
	assert_int_equal(s->hs.aicore_done, 1);
	dispatch(s, 1, 7);
	assert_true(aicore_pending_at(c->hs, aicore_mark(c)));
	assert_int_equal(aicore_step(c, &s->pf), AICORE_RAN);
	assert_int_equal(s->hs.cond, PTO_COND_FIN(1));
	assert_false(aicore_pending_at(c->hs, aicore_mark(c)));
	assert_int_equal(aicore_step(c, &s->pf), AICORE_IDLE);
	dispatch(s, PTO_TOKEN_EXIT_SIGNAL, 0);
	assert_int_equal(aicore_step(c, &s->pf), AICORE_DONE);
	assert_int_equal(s->hs.cond, PTO_COND_AICORE_EXITED);
	assert_int_equal(aicore_step(c, &s->pf), AICORE_DONE);
	assert_int_equal(atomic_load(&s->notified), 2); /* FIN + EXITED */
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_sequence),
		cmocka_unit_test(test_ack_fin_pending_exit),
		cmocka_unit_test(test_step_never_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
