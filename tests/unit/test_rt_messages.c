// SPDX-License-Identifier: MIT
/*
 * Rejected input is named on stderr: each case returns its documented
 * negative errno and the message names the field that was wrong (the
 * cases test_rt_api covers check their messages there). Also
 * pto_version() against the header's version macros, and a profile that
 * cannot be written.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static int open_with(const struct pto_device_opts *o)
{
	struct stderr_capture cap;
	pto_device *dev = NULL;
	int err;

	assert_int_equal(stderr_capture_begin(&cap), 0);
	err = pto_device_open(o, &dev);
	stderr_capture_end(&cap, msg, sizeof(msg));
	assert_null(dev);
	return err;
}

static int empty_orch(pto_orch *o, void *user)
{
	(void)o;
	(void)user;
	return 0;
}

static int run_with(pto_device *dev, const struct pto_run_config *cfg,
		    struct pto_run_result *res)
{
	struct stderr_capture cap;
	int err;

	assert_int_equal(stderr_capture_begin(&cap), 0);
	err = pto_run(dev, cfg, empty_orch, NULL, res);
	stderr_capture_end(&cap, msg, sizeof(msg));
	return err;
}

static void test_open_one_aicpu_thread(void **state)
{
	struct pto_device_opts o;

	(void)state;
	pto_device_opts_init(&o);
	o.aicpu_threads = 1;
	assert_int_equal(open_with(&o), -EINVAL);
	assert_non_null(strstr(msg, "device_opts.aicpu_threads 1"));
}

static void test_open_size_too_small(void **state)
{
	struct pto_device_opts o;

	(void)state;
	pto_device_opts_init(&o);
	o.size = 1;
	assert_int_equal(open_with(&o), -EINVAL);
	assert_non_null(strstr(msg, "device_opts.size 1 is too small"));
}

static void test_open_unknown_backend(void **state)
{
	struct pto_device_opts o;

	(void)state;
	pto_device_opts_init(&o);
	o.backend = (enum pto_backend)9;
	assert_int_equal(open_with(&o), -EINVAL);
	assert_non_null(strstr(msg, "backend 9"));
}

static void test_run_config_trailing_byte(void **state)
{
	unsigned char buf[sizeof(struct pto_run_config) + 8] = { 0 };
	struct pto_run_config *c = (struct pto_run_config *)buf;

	pto_run_config_init(c);
	c->size = sizeof(buf);
	buf[sizeof(buf) - 2] = 1;
	assert_int_equal(run_with(*state, c, NULL), -EINVAL);
	assert_non_null(strstr(msg, "run_config: byte"));
}

static void test_run_config_heap_size(void **state)
{
	struct pto_run_config c;

	pto_run_config_init(&c);
	c.heap_size = 1;
	assert_int_equal(run_with(*state, &c, NULL), -EINVAL);
	assert_non_null(strstr(msg, "run_config.heap_size 1"));
}

static void test_run_config_records_per_buffer(void **state)
{
	struct pto_run_config c;

	pto_run_config_init(&c);
	c.chip_swimlane_level = 1;
	c.records_per_buffer[PTO_BUF_AICORE_TASK] =
		PTO_PROF_MAX_RECORDS_PER_BUFFER + 1;
	assert_int_equal(run_with(*state, &c, NULL), -EINVAL);
	assert_non_null(strstr(msg, "run_config.records_per_buffer[3]"));
}

static void test_run_config_unknown_buffer_policy(void **state)
{
	struct pto_run_config c;

	pto_run_config_init(&c);
	c.chip_swimlane_level = 4;
	c.buffer_policy[PTO_BUF_SCHED_PHASE] = PTO_BUF_POLICY_COUNT;
	assert_int_equal(run_with(*state, &c, NULL), -EINVAL);
	assert_non_null(strstr(msg, "run_config.buffer_policy[1] 3: "));
}

static void test_run_config_buffer_policy_of_no_kind(void **state)
{
	struct pto_run_config c;

	pto_run_config_init(&c);
	c.chip_swimlane_level = 4;
	c.buffer_policy[7] = PTO_BUF_POLICY_BLOCK;
	assert_int_equal(run_with(*state, &c, NULL), -EINVAL);
	assert_non_null(strstr(msg, "run_config.buffer_policy[7]: only "
			       "kinds"));
}

static void test_run_config_block_timeout(void **state)
{
	struct pto_run_config c;

	pto_run_config_init(&c);
	c.chip_swimlane_level = 4;
	c.buffer_policy[PTO_BUF_ORCH_PHASE] = PTO_BUF_POLICY_BLOCK;
	c.block_timeout_ms = 600001;
	assert_int_equal(run_with(*state, &c, NULL), -EINVAL);
	assert_non_null(strstr(msg, "run_config.block_timeout_ms 600001: "
			       "at most 600000"));
}

/* Every pool at its maximum: the region would pass its size limit. */
static void test_run_config_region_too_big(void **state)
{
	struct pto_run_config c;

	pto_run_config_init(&c);
	c.chip_swimlane_level = 1;
	c.records_per_buffer[PTO_BUF_AICORE_TASK] =
		PTO_PROF_MAX_RECORDS_PER_BUFFER;
	c.buffers_per_pool[PTO_BUF_AICORE_TASK] =
		PTO_PROF_MAX_BUFFERS_PER_POOL;
	assert_int_equal(run_with(*state, &c, NULL), -E2BIG);
	assert_non_null(strstr(msg, "profiling region for 3 cores exceeds"));
}

static void test_run_result_size(void **state)
{
	struct pto_run_result r = { .size = 1 };

	assert_int_equal(run_with(*state, NULL, &r), -EINVAL);
	assert_non_null(strstr(msg, "run_result.size 1"));
}

static void test_tensor_range_named(void **state)
{
	struct stderr_capture cap;
	pto_tensor *t;
	char b[8];
	int err;

	assert_int_equal(pto_tensor_alloc(*state, 16, &t), 0);
	assert_int_equal(stderr_capture_begin(&cap), 0);
	err = pto_tensor_read(t, 12, b, sizeof(b));
	stderr_capture_end(&cap, msg, sizeof(msg));
	pto_tensor_free(t);
	assert_int_equal(err, -ERANGE);
	assert_non_null(strstr(msg, "8 bytes at offset 12"));
}

/* A prefix below a regular file cannot be created: the run says so. */
static void test_profile_not_writable(void **state)
{
	char file[] = "/tmp/pto_msg_XXXXXX", prefix[64];
	struct pto_run_result r = { .size = sizeof(r) };
	struct pto_run_config c;
	int fd = mkstemp(file), err;

	assert_true(fd >= 0);
	close(fd);
	snprintf(prefix, sizeof(prefix), "%s/out", file);
	pto_run_config_init(&c);
	c.chip_swimlane_level = 1;
	c.output_prefix = prefix;
	c.quiet = 1;
	err = run_with(*state, &c, &r);
	unlink(file);
	assert_true(err < 0);
	assert_string_equal(r.output_dir, "");
	assert_non_null(strstr(msg, "profile not written"));
}

static void test_version_matches_header(void **state)
{
	char want[32];

	(void)state;
	snprintf(want, sizeof(want), "%d.%d.%d", PTO_VERSION_MAJOR,
		 PTO_VERSION_MINOR, PTO_VERSION_PATCH);
	assert_string_equal(pto_version(), want);
}

static void test_strerror_eopnotsupp(void **state)
{
	(void)state;
	assert_non_null(strstr(pto_strerror(-EOPNOTSUPP),
			       "not implemented"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_one_aicpu_thread),
		T(test_open_size_too_small),
		T(test_open_unknown_backend),
		T(test_run_config_trailing_byte),
		T(test_run_config_heap_size),
		T(test_run_config_records_per_buffer),
		T(test_run_config_unknown_buffer_policy),
		T(test_run_config_buffer_policy_of_no_kind),
		T(test_run_config_block_timeout),
		T(test_run_config_region_too_big),
		T(test_run_result_size),
		T(test_tensor_range_named),
		T(test_profile_not_writable),
		T(test_version_matches_header),
		T(test_strerror_eopnotsupp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
