// SPDX-License-Identifier: MIT
/*
 * Idle costs nothing: a 72-core device whose orchestration function
 * blocks for one second uses less than 5% of one CPU in that second
 * (process CPU time from getrusage), because idle cores and schedulers
 * sleep instead of spinning. The run then still executes its tasks.
 * Under a sanitizer the run is checked and the CPU bound skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <time.h>

#include <cmocka.h>

#include "support/rt_test.h"
#include "support/sanitize.h"

struct idle {
	uint64_t cpu_us;
	pto_tensor *t;
	struct rt_rec rec;
};

static uint64_t cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int orch(pto_orch *o, void *user)
{
	struct idle *d = user;
	struct timespec settle = { 0, 200000000 }, one = { 1, 0 };
	struct pto_param p[3];
	uint64_t c0;
	unsigned int i;
	int err;

	/* The device's start-up (thread creation, first spins) is not
	 * idleness: measure an idle second after it.
	 */
	while (nanosleep(&settle, &settle))
		;
	c0 = cpu_us();
	while (nanosleep(&one, &one))
		;
	d->cpu_us = cpu_us() - c0;
	for (i = 0; i < 8; i++) {
		p[0] = pto_out(d->t, i * 64, 64);
		rt_rec_params(&p[1], &d->rec, i);
		err = pto_submit(o, i % 2 ? RT_TEST_AIV : RT_TEST_AIC, p, 3,
				 NULL);
		if (err)
			return err;
	}
	return 0;
}

static void test_idle_72_cores(void **state)
{
	pto_device *dev = rt_test_device(24);
	struct pto_device_info info = { .size = sizeof(info) };
	struct idle d = { 0 };
	unsigned int i;

	(void)state;
	assert_int_equal(pto_device_info(dev, &info), 0);
	assert_int_equal(info.cores, 72);
	assert_int_equal(rt_rec_init(&d.rec, 8), 0);
	assert_int_equal(pto_tensor_alloc(dev, 8 * 64, &d.t), 0);
	assert_int_equal(pto_run(dev, NULL, orch, &d, NULL), 0);
	print_message("idle second: %llu us of CPU\n",
		      (unsigned long long)d.cpu_us);
	for (i = 0; i < 8; i++)
		assert_int_equal(atomic_load(&d.rec.runs[i]), 1);
	pto_tensor_free(d.t);
	rt_rec_free(&d.rec);
	pto_device_close(dev);
	SKIP_BOUND_UNDER_SANITIZER("idle CPU time");
	assert_true(d.cpu_us < 50000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_72_cores),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
