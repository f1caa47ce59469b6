// SPDX-License-Identifier: MIT
/*
 * The print hook (pto_set_print): a run that emits every kind of message
 * — errors (a rejected device option, a rejected submit), warnings
 * (records lost to a host that holds every buffer), info (reconcile
 * lines, the output path) and debug (backend, run shape) — hands each of
 * them to the installed function and writes nothing to stdout or stderr
 * itself. The default function writes errors and warnings to stderr and
 * info to stdout, up to $PTO_LOG_LEVEL; NULL silences libpto;
 * pto_set_print returns the function it replaces.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/e2e_prof.h"
#include "support/stderr_capture.h"

#define TASKS 96
#define OUT_CAP 65536

/* What the capturing hook received, per level, in order. */
static struct {
	pthread_mutex_t lock;
	char text[4][OUT_CAP];
	unsigned int count[4];
	unsigned int bad_level;
} got = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int capture(enum pto_log_level level, const char *fmt, va_list ap)
{
	char line[1024];
	size_t len;

	vsnprintf(line, sizeof(line), fmt, ap);
	pthread_mutex_lock(&got.lock);
	if ((unsigned int)level > PTO_LOG_DEBUG) {
		got.bad_level++;
	} else {
		len = strlen(got.text[level]);
		snprintf(got.text[level] + len, OUT_CAP - len, "%s", line);
		got.count[level]++;
	}
	pthread_mutex_unlock(&got.lock);
	return 0;
}

#define NO_FUNC 999

/* A submit rejected for an unregistered kernel, then the e2e workload. */
static int orch(pto_orch *o, void *user)
{
	struct pto_param p = pto_scalar(1);

	if (pto_submit(o, NO_FUNC, &p, 1, NULL) != -ENOENT)
		return -EPROTO;
	return e2e_work_orch(o, user);
}

/* The fds a run wrote to itself. */
static char out1[OUT_CAP], out2[OUT_CAP];

/*
 * A device open that is rejected, then a run on a sim device that holds
 * a rejected submit, loses records to a host holding every buffer and
 * writes its profile; stdout and stderr of it all into out1 and out2.
 */
static void emit_every_kind(void)
{
	struct stderr_capture c1, c2;
	struct pto_device_opts opts;
	struct pto_run_config cfg;
	struct pto_run_result res = { .size = sizeof(res) };
	struct e2e_work w;
	struct e2e_dir d;
	pto_device *dev = NULL;
	unsigned int k;
	int rc;

	e2e_dir_make(&d);
	assert_int_equal(setenv("PTO_PROF_HOST_THROTTLE_US", "-1", 1), 0);
	fflush(NULL);
	assert_int_equal(fd_capture_begin(&c1, 1), 0);
	assert_int_equal(fd_capture_begin(&c2, 2), 0);

	pto_device_opts_init(&opts);
	opts.backend = PTO_BACKEND_SIM;
	opts.blocks = 25;
	rc = pto_device_open(&opts, &dev) == -EINVAL ? 0 : -1;
	if (!rc) {
		dev = e2e_device(2, 0);
		e2e_work_init(&w, dev, TASKS);
		e2e_config(&cfg, &d);
		cfg.quiet = 0;
		cfg.chip_swimlane_level = 4;
		for (k = 0; k < E2E_KINDS; k++) {
			cfg.records_per_buffer[k] = 8;
			cfg.buffers_per_pool[k] = 1;
		}
		rc = pto_run(dev, &cfg, orch, &w, &res);
		e2e_work_fini(&w);
	}
	pto_device_close(dev);

	fflush(NULL);
	stderr_capture_end(&c2, out2, sizeof(out2));
	stderr_capture_end(&c1, out1, sizeof(out1));
	unsetenv("PTO_PROF_HOST_THROTTLE_US");
	e2e_dir_remove(&d);
	assert_int_equal(rc, 0);
	assert_true(res.records_dropped > 0);
}

static int reset(void **state)
{
	(void)state;
	pthread_mutex_lock(&got.lock);
	memset(got.text, 0, sizeof(got.text));
	memset(got.count, 0, sizeof(got.count));
	got.bad_level = 0;
	pthread_mutex_unlock(&got.lock);
	out1[0] = out2[0] = 0;
	unsetenv("PTO_LOG_LEVEL");
	return 0;
}

/* Leaves the default print function installed, whatever a test did. */
static int restore(void **state)
{
	static pto_print_fn dflt;

	(void)state;
	if (!dflt) {
		dflt = pto_set_print(NULL);
		pto_set_print(dflt);
	}
	pto_set_print(dflt);
	unsetenv("PTO_LOG_LEVEL");
	return 0;
}

static void test_hook_gets_every_message(void **state)
{
	pto_print_fn prev;

	(void)state;
	prev = pto_set_print(capture);
	emit_every_kind();
	assert_ptr_equal(pto_set_print(prev), capture);

	/* Nothing went around the hook. */
	assert_string_equal(out1, "");
	assert_string_equal(out2, "");
	assert_int_equal(got.bad_level, 0);
	assert_non_null(strstr(got.text[PTO_LOG_ERROR],
			       "pto: device_opts.blocks 25"));
	assert_non_null(strstr(got.text[PTO_LOG_ERROR], "pto: submit: func_id 999"));
	assert_non_null(strstr(got.text[PTO_LOG_WARN],
			       "pto: profiling lost records"));
	assert_non_null(strstr(got.text[PTO_LOG_INFO], "reconcile "));
	assert_non_null(strstr(got.text[PTO_LOG_INFO],
			       "pto: profile written to "));
	assert_non_null(strstr(got.text[PTO_LOG_DEBUG], "pto: device: sim"));
	assert_non_null(strstr(got.text[PTO_LOG_DEBUG], "pto: run: "));
	/* Every message is whole lines. */
	for (int l = 0; l <= PTO_LOG_DEBUG; l++) {
		size_t n = strlen(got.text[l]);

		assert_true(n > 0);
		assert_int_equal(got.text[l][n - 1], '\n');
	}
}

static void test_default_stderr_and_stdout(void **state)
{
	(void)state;
	emit_every_kind();
	assert_non_null(strstr(out2, "pto: device_opts.blocks 25"));
	assert_non_null(strstr(out2, "pto: profiling lost records"));
	assert_non_null(strstr(out1, "reconcile "));
	assert_non_null(strstr(out1, "pto: profile written to "));
	assert_null(strstr(out1, "pto: device_opts"));
	assert_null(strstr(out2, "reconcile "));
	/* Debug is off by default. */
	assert_null(strstr(out1, "pto: device: sim"));
	assert_null(strstr(out2, "pto: device: sim"));
}

static void test_level_error(void **state)
{
	(void)state;
	assert_int_equal(setenv("PTO_LOG_LEVEL", "error", 1), 0);
	emit_every_kind();
	assert_non_null(strstr(out2, "pto: device_opts.blocks 25"));
	assert_null(strstr(out2, "pto: profiling lost records"));
	assert_string_equal(out1, "");
}

static void test_level_warning(void **state)
{
	(void)state;
	assert_int_equal(setenv("PTO_LOG_LEVEL", "warning", 1), 0);
	emit_every_kind();
	assert_non_null(strstr(out2, "pto: profiling lost records"));
	assert_string_equal(out1, "");
}

static void test_level_debug(void **state)
{
	(void)state;
	assert_int_equal(setenv("PTO_LOG_LEVEL", "debug", 1), 0);
	emit_every_kind();
	assert_non_null(strstr(out2, "pto: device: sim"));
	assert_non_null(strstr(out2, "pto: run: "));
	assert_non_null(strstr(out1, "reconcile "));
}

static void test_level_unknown(void **state)
{
	(void)state;
	assert_int_equal(setenv("PTO_LOG_LEVEL", "loud", 1), 0);
	emit_every_kind();
	assert_non_null(strstr(out2, "pto: PTO_LOG_LEVEL=loud: expected"));
	/* It keeps the default level. */
	assert_non_null(strstr(out1, "reconcile "));
	assert_null(strstr(out2, "pto: device: sim"));
}

static void test_null_silences(void **state)
{
	(void)state;
	pto_set_print(NULL);
	emit_every_kind();
	assert_null(pto_set_print(NULL));
	assert_string_equal(out1, "");
	assert_string_equal(out2, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hook_gets_every_message,
						reset, restore),
		cmocka_unit_test_setup_teardown(test_default_stderr_and_stdout,
						reset, restore),
		cmocka_unit_test_setup_teardown(test_level_error, reset,
						restore),
		cmocka_unit_test_setup_teardown(test_level_warning, reset,
						restore),
		cmocka_unit_test_setup_teardown(test_level_debug, reset,
						restore),
		cmocka_unit_test_setup_teardown(test_level_unknown, reset,
						restore),
		cmocka_unit_test_setup_teardown(test_null_silences, reset,
						restore),
	};

	restore(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
