// SPDX-License-Identifier: MIT
/*
 * Stall diagnostic: while a kernel blocks (on a futex the test holds)
 * with a second task pending behind it on the only AIC core, a run with
 * stall_report_ms = 100 prints a "pto: STALL" block on stderr naming the
 * core, the running and the pending task and their kernel; once
 * released, the run completes normally. A run that never stalls (an
 * idle stretch longer than the budget with nothing in flight, then quick
 * tasks) prints no STALL line. A kernel that ran short often enough to
 * be run inline by a scheduler and then hangs is reported too (by a
 * scheduler it does not hold).
 */
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/rt_test.h"
#include "support/stderr_capture.h"

#define BLOCK_FUNC 7
#define OUT_CAP 65536

/* Shared by the test, the blocking kernel and the run thread. */
struct gate {
	_Atomic uint32_t open;		/* futex word: 1 releases the kernel */
	_Atomic uint32_t core;		/* core_id + 1 of the blocked kernel */
	_Atomic uint64_t task_id;	/* of the blocked kernel */
	_Atomic uint64_t ids[2];	/* both tasks submitted */
	pto_device *dev;
	struct pto_run_config cfg;
	int rc;
};

static void block_kernel(const struct pto_kernel_ctx *ctx)
{
	struct gate *g = (struct gate *)(uintptr_t)ctx->args[0];

	atomic_store(&g->task_id, ctx->task_id);
	atomic_store(&g->core, ctx->core_id + 1);
	while (!atomic_load(&g->open))
		syscall(SYS_futex, &g->open, FUTEX_WAIT_PRIVATE, 0, NULL,
			NULL, 0);
}

static int block_orch(pto_orch *o, void *user)
{
	struct gate *g = user;
	struct pto_param p = pto_scalar((uint64_t)(uintptr_t)g);
	uint64_t id;
	int i, err;

	for (i = 0; i < 2; i++) {
		err = pto_submit(o, BLOCK_FUNC, &p, 1, &id);
		if (err)
			return err;
		atomic_store(&g->ids[i], id);
	}
	return 0;
}

static void *run_thread(void *arg)
{
	struct gate *g = arg;

	g->rc = pto_run(g->dev, &g->cfg, block_orch, g, NULL);
	return NULL;
}

/* What was captured so far (the capture file shares fd 2's offset, so
 * read it with pread).
 */
static void captured(struct stderr_capture *c, char *buf, size_t len)
{
	ssize_t n = pread(fileno((FILE *)c->tmp), buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
}

static void test_stall_reported(void **state)
{
	struct timespec poll = { 0, 10000000 };
	struct stderr_capture cap;
	struct gate g = { 0 };
	static char out[OUT_CAP];
	char line[160], pend[96];
	uint64_t run_id;
	pthread_t tid;

	(void)state;
	g.dev = rt_test_device(1);
	assert_int_equal(pto_kernel_register(g.dev, BLOCK_FUNC, PTO_AIC,
					     "stall_block", block_kernel), 0);
	pto_run_config_init(&g.cfg);
	g.cfg.stall_report_ms = 100;
	g.cfg.quiet = 1;
	assert_int_equal(fd_capture_begin(&cap, 2), 0);
	assert_int_equal(pthread_create(&tid, NULL, run_thread, &g), 0);
	/* Wait (polling the capture) for a block naming both tasks; the
	 * pending one is dispatched once the scheduler saw the first ACK,
	 * so an earlier block may show the running one only.
	 */
	for (;;) {
		captured(&cap, out, sizeof(out));
		if (atomic_load(&g.core)) {
			run_id = atomic_load(&g.task_id);
			snprintf(line, sizeof(line), "pto: STALL:   core %u "
				 "AIC: task %llu kernel stall_block running",
				 atomic_load(&g.core) - 1,
				 (unsigned long long)run_id);
			snprintf(pend, sizeof(pend), "; pending task %llu "
				 "kernel stall_block\n", (unsigned long long)
				 atomic_load(&g.ids[run_id == g.ids[0]]));
			if (strstr(out, line) && strstr(out, pend))
				break;
		}
		nanosleep(&poll, NULL);
	}
	atomic_store(&g.open, 1);
	syscall(SYS_futex, &g.open, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL,
		0);
	assert_int_equal(pthread_join(tid, NULL), 0);
	stderr_capture_end(&cap, out, sizeof(out));
	assert_int_equal(g.rc, 0);
	assert_non_null(strstr(out, "pto: STALL: no task finished for "));
	assert_non_null(strstr(out, " ms; 2 tasks in flight\n"));
	assert_non_null(strstr(out, line));
	assert_non_null(strstr(out, pend));
	pto_device_close(g.dev);
}

/*
 * A kernel that ran short often enough to be run inline by a scheduler
 * (rt_sched.c), then hangs: kernels 1..LATE_SHORT return at once, the
 * next one blocks on the gate. The tasks form a chain (one INOUT tensor),
 * so they run one at a time.
 */
#define LATE_FUNC 8
#define LATE_SHORT 24

struct late {
	struct gate g;
	_Atomic unsigned int runs;
	pto_tensor *t;
};

static void late_kernel(const struct pto_kernel_ctx *ctx)
{
	struct late *l = (struct late *)(uintptr_t)ctx->args[1];

	if (atomic_fetch_add(&l->runs, 1) < LATE_SHORT)
		return;
	atomic_store(&l->g.task_id, ctx->task_id);
	atomic_store(&l->g.core, ctx->core_id + 1);
	while (!atomic_load(&l->g.open))
		syscall(SYS_futex, &l->g.open, FUTEX_WAIT_PRIVATE, 0, NULL,
			NULL, 0);
}

static int late_orch(pto_orch *o, void *user)
{
	struct late *l = user;
	struct pto_param p[2] = { pto_inout(l->t, 0, 64),
				  pto_scalar((uint64_t)(uintptr_t)l) };
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i <= LATE_SHORT; i++)
		err = pto_submit(o, LATE_FUNC, p, 2, NULL);
	return err;
}

static void *late_thread(void *arg)
{
	struct late *l = arg;

	l->g.rc = pto_run(l->g.dev, &l->g.cfg, late_orch, l, NULL);
	return NULL;
}

/*
 * The hung kernel may hold the scheduler that runs it inline; another
 * scheduler reports the stall (bounded wait: 30 s against a 100 ms
 * budget, so a missing report fails instead of hanging the suite).
 */
static void test_stall_inline_reported(void **state)
{
	struct timespec poll = { 0, 10000000 };
	struct stderr_capture cap;
	static struct late l;
	static char out[OUT_CAP];
	char line[160];
	unsigned int waited;
	pthread_t tid;

	(void)state;
	memset(&l, 0, sizeof(l));
	l.g.dev = rt_test_device(1);
	assert_int_equal(pto_kernel_register(l.g.dev, LATE_FUNC, PTO_AIV,
					     "stall_late", late_kernel), 0);
	assert_int_equal(pto_tensor_alloc(l.g.dev, 64, &l.t), 0);
	pto_run_config_init(&l.g.cfg);
	l.g.cfg.stall_report_ms = 100;
	l.g.cfg.schedulers = 2;
	l.g.cfg.quiet = 1;
	assert_int_equal(fd_capture_begin(&cap, 2), 0);
	assert_int_equal(pthread_create(&tid, NULL, late_thread, &l), 0);
	line[0] = '\0';
	for (waited = 0; waited < 3000; waited++) {
		captured(&cap, out, sizeof(out));
		if (atomic_load(&l.g.core)) {
			snprintf(line, sizeof(line), "pto: STALL:   core %u "
				 "AIV: task %llu kernel stall_late running",
				 atomic_load(&l.g.core) - 1,
				 (unsigned long long)
				 atomic_load(&l.g.task_id));
			if (strstr(out, line))
				break;
		}
		nanosleep(&poll, NULL);
	}
	atomic_store(&l.g.open, 1);
	syscall(SYS_futex, &l.g.open, FUTEX_WAKE_PRIVATE, INT_MAX, NULL,
		NULL, 0);
	assert_int_equal(pthread_join(tid, NULL), 0);
	stderr_capture_end(&cap, out, sizeof(out));
	assert_int_equal(l.g.rc, 0);
	assert_int_equal(atomic_load(&l.runs), LATE_SHORT + 1);
	assert_true(line[0]);
	assert_non_null(strstr(out, line));
	pto_tensor_free(l.t);
	pto_device_close(l.g.dev);
}

static int quick_orch(pto_orch *o, void *user)
{
	struct rt_rec *rec = user;
	struct timespec idle = { 0, 700000000 };
	struct pto_param p[2];
	unsigned int i;
	int err;

	/* Nothing in flight for longer than the budget: not a stall. */
	while (nanosleep(&idle, &idle))
		;
	for (i = 0; i < rec->n; i++) {
		rt_rec_params(p, rec, i);
		err = pto_submit(o, i % 2 ? RT_TEST_AIV : RT_TEST_AIC, p, 2,
				 NULL);
		if (err)
			return err;
	}
	return 0;
}

static void test_no_stall_silent(void **state)
{
	pto_device *dev = rt_test_device(1);
	struct pto_run_config cfg;
	struct stderr_capture cap;
	static char out[OUT_CAP];
	struct rt_rec rec;
	unsigned int i;
	int rc;

	(void)state;
	assert_int_equal(rt_rec_init(&rec, 16), 0);
	pto_run_config_init(&cfg);
	cfg.stall_report_ms = 500;
	cfg.quiet = 1;
	assert_int_equal(fd_capture_begin(&cap, 2), 0);
	rc = pto_run(dev, &cfg, quick_orch, &rec, NULL);
	stderr_capture_end(&cap, out, sizeof(out));
	assert_int_equal(rc, 0);
	for (i = 0; i < rec.n; i++)
		assert_int_equal(atomic_load(&rec.runs[i]), 1);
	assert_null(strstr(out, "STALL"));
	rt_rec_free(&rec);
	pto_device_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stall_reported),
		cmocka_unit_test(test_stall_inline_reported),
		cmocka_unit_test(test_no_stall_silent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
