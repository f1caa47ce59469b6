// SPDX-License-Identifier: MIT
/*
 * The buffer policy in the run configuration: each invalid value is
 * -EINVAL with a message naming the field (one test per case), and a
 * valid policy reaches the region's layout (where the AICore reads it)
 * with the run's books exact.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pto_layout.h"
#include "support/rt_test.h"
#include "support/stderr_capture.h"

static char msg[1024];

static int setup(void **state)
{
	*state = rt_test_device(1);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	pto_device_close(*state);
	return 0;
}

static int empty_orch(pto_orch *o, void *user)
{
	(void)o;
	(void)user;
	return 0;
}

static int run_with(pto_device *dev, const struct pto_run_config *cfg)
{
	struct stderr_capture cap;
	int err;

	assert_int_equal(stderr_capture_begin(&cap), 0);
	err = pto_run(dev, cfg, empty_orch, NULL, NULL);
	stderr_capture_end(&cap, msg, sizeof(msg));
	return err;
}

static void test_unknown_policy(void **state)
{
	struct pto_run_config c;

	pto_run_config_init(&c);
	c.chip_swimlane_level = 4;
	c.buffer_policy[PTO_BUF_SCHED_PHASE] = PTO_BUF_POLICY_COUNT;
	assert_int_equal(run_with(*state, &c), -EINVAL);
	assert_non_null(strstr(msg, "run_config.buffer_policy[1] 3: "));
}

static void test_policy_of_no_kind(void **state)
{
	struct pto_run_config c;

	pto_run_config_init(&c);
	c.chip_swimlane_level = 4;
	c.buffer_policy[7] = PTO_BUF_POLICY_BLOCK;
	assert_int_equal(run_with(*state, &c), -EINVAL);
	assert_non_null(strstr(msg, "run_config.buffer_policy[7]: only "
			       "kinds"));
}

static void test_block_timeout_too_long(void **state)
{
	struct pto_run_config c;

	pto_run_config_init(&c);
	c.chip_swimlane_level = 4;
	c.buffer_policy[PTO_BUF_ORCH_PHASE] = PTO_BUF_POLICY_BLOCK;
	c.block_timeout_ms = 600001;
	assert_int_equal(run_with(*state, &c), -EINVAL);
	assert_non_null(strstr(msg, "run_config.block_timeout_ms 600001: "
			       "at most 600000"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_policy),
		cmocka_unit_test(test_policy_of_no_kind),
		cmocka_unit_test(test_block_timeout_too_long),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
