// SPDX-License-Identifier: MIT
/*
 * Live attach without the driver: a sim run's profiling region is a
 * shared-memory file (mode 0600) that `ptodump list` names and `ptodump
 * stat --region` reads from another process while the run is live,
 * seeing its counters grow between two submit batches; ptodump's mapping
 * of it is read-only (a write through it faults); the file is gone when
 * the run ends.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "pd_region.h"
#include "pto.h"
#include "pto_reader.h"
#include "support/ptodump_support.h"

#define BATCH	40

static sem_t submitted, go;

static void nop(const struct pto_kernel_ctx *ctx)
{
	(void)ctx;
}

/* Two batches of tasks; the test looks at the region after each. */
static int orch(pto_orch *o, void *user)
{
	int i, b, ret;

	(void)user;
	for (b = 0; b < 2; b++) {
		for (i = 0; i < BATCH; i++) {
			ret = pto_submit(o, 1, NULL, 0, NULL);
			if (ret)
				return ret;
		}
		sem_post(&submitted);
		sem_wait(&go);
	}
	return 0;
}

struct run {
	pto_device *dev;
	int rc;
};

static void *run_main(void *arg)
{
	struct run *r = arg;
	struct pto_run_config cfg;
	char out[64];

	snprintf(out, sizeof(out), "%s/out", getenv("PTO_SHM_DIR"));
	pto_run_config_init(&cfg);
	cfg.chip_swimlane_level = 4;
	cfg.output_prefix = out;
	cfg.capture_only = 1;
	cfg.quiet = 1;
	r->rc = pto_run(r->dev, &cfg, orch, NULL, NULL);
	return NULL;
}

/* The orch_phase "sum" total of `ptodump stat --region path`. */
static unsigned long long orch_total(const char *path)
{
	const char *args[] = { "stat", "--region", path, NULL };
	unsigned long long total = 0;
	char *out = NULL;
	const char *p;

	assert_int_equal(ptodump_run(PTODUMP_BIN, args, &out, NULL), 0);
	p = strstr(out, "orch_phase:");
	assert_non_null(p);
	p = strstr(p, "  sum ");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "  sum %llu", &total), 1);
	free(out);
	return total;
}

/* The one sim region file in dir, into path. */
static void find_region(const char *dir, char *path, size_t len)
{
	char cmd[512], *out;
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ls %s/" PTO_SIM_REGION_PREFIX "* "
		 "2>/dev/null", dir);
	f = popen(cmd, "r");
	assert_non_null(f);
	out = fgets(path, (int)len, f);
	pclose(f);
	assert_non_null(out);
	n = strlen(path);
	if (n && path[n - 1] == '\n')
		path[n - 1] = 0;
}

static void test_live_attach(void **state)
{
	struct pto_device_opts opts;
	struct run r = { 0 };
	char dir[256], path[512], *out = NULL;
	const char *list[] = { "list", NULL };
	unsigned long long t1, t2;
	struct pd_region reg;
	struct stat st;
	pthread_t th;
	pid_t child;
	int status;

	(void)state;
	assert_int_equal(ptodump_tmpdir(dir, sizeof(dir)), 0);
	setenv("PTO_SHM_DIR", dir, 1);
	sem_init(&submitted, 0, 0);
	sem_init(&go, 0, 0);
	pto_device_opts_init(&opts);
	opts.backend = PTO_BACKEND_SIM;
	opts.blocks = 1;
	assert_int_equal(pto_device_open(&opts, &r.dev), 0);
	assert_int_equal(pto_kernel_register(r.dev, 1, PTO_AIV, "nop", nop),
			 0);
	assert_int_equal(pthread_create(&th, NULL, run_main, &r), 0);

	sem_wait(&submitted);
	find_region(dir, path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(ptodump_run(PTODUMP_BIN, list, &out, NULL), 0);
	assert_non_null(strstr(out, path));
	assert_non_null(strstr(out, "running"));
	free(out);
	t1 = orch_total(path);
	assert_true(t1 >= BATCH);

	/* ptodump's view of the region is read-only: a write faults. */
	assert_int_equal(pd_region_load_file(&reg, path), 0);
	assert_non_null(reg.map);
	child = fork();
	assert_true(child >= 0);
	if (!child) {
		/* The default action, not cmocka's handler. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		((volatile char *)reg.map)[0] = 1;
		_exit(0);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status));
	assert_true(WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGBUS);
	pd_region_close(&reg);

	sem_post(&go);
	sem_wait(&submitted);
	t2 = orch_total(path);
	assert_true(t2 >= t1 + BATCH);
	sem_post(&go);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(r.rc, 0);
	/* Not retained: removed with the run. */
	assert_int_equal(access(path, F_OK), -1);
	pto_device_close(r.dev);
	unsetenv("PTO_SHM_DIR");
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_attach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
