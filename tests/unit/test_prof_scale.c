// SPDX-License-Identifier: MIT
/*
 * Scale: a million tasks through default-sized pools, collected live by
 * the real host collector and exported. Nothing is dropped or
 * unmatched, the books are exact, and the memory the collector held for
 * records (its own count: queues, spill chunks, join table, export
 * buffers) does not grow with the number of tasks: a 100k run and a
 * 1M run stay under one constant that is smaller than the task rows of
 * even the 100k run.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "prof_host.h"
#include "support/prof_sim.h"

#define SCALE_CORES	8
#define SCALE_THREADS	3		/* 2 schedulers + orchestrator */
/*
 * Bound on what the collector holds at any N: queues, a spill chunk per
 * record stream, a join table of at most about two buffers' worth of
 * records per core, then the export's sort and read buffers (measured:
 * 1.5 MB at both sizes).
 */
#define SCALE_MEM_LIMIT	(4u << 20)

static const char *const export_files[] = {
	"l2_swimlane_records.json", "deps.json", "name_map.json",
};

/*
 * A directory whose export files are /dev/null: the export runs in
 * full without putting hundreds of megabytes on disk.
 */
static void null_dir(char *dir, size_t len)
{
	char path[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	unsigned int i;

	assert_true(snprintf(dir, len, "%s/pto-scale-XXXXXX",
			     tmp && *tmp ? tmp : "/tmp") < (int)len);
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < 3; i++) {
		assert_true(snprintf(path, sizeof(path), "%s/%s", dir,
				     export_files[i]) < (int)sizeof(path));
		assert_int_equal(symlink("/dev/null", path), 0);
	}
}

static void null_dir_remove(const char *dir)
{
	char path[PATH_MAX];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir,
			     export_files[i]) < (int)sizeof(path))
			unlink(path);
	}
	rmdir(dir);
}

/* Runs tasks_per_core on every core; returns the collector's peak. */
static size_t run_scale(unsigned int tasks_per_core)
{
	struct prof_sim_cfg cfg = {
		.cores = SCALE_CORES, .threads = SCALE_THREADS,
		.tasks_per_core = tasks_per_core, .level = 4,
		.default_pools = 1, .orch_records = 1000, .orch_edges = 1000,
		.backpressure = 1, .even_kernels = 1,
	};
	uint64_t tasks = (uint64_t)SCALE_CORES * tasks_per_core, sched = 0;
	const struct prof_records *r;
	struct pto_prof_host *h;
	struct prof_sim s;
	char dir[PATH_MAX];
	unsigned int k;
	size_t peak;

	assert_int_equal(prof_sim_init(&s, &cfg), 0);
	assert_int_equal(prof_host_start(s.region, s.size, &h), 0);
	prof_sim_run(&s);
	assert_int_equal(prof_host_stop(h, 1), 0);
	r = prof_host_records(h);
	assert_non_null(r);

	for (k = 0; k < PTO_MAX_AICPU_THREADS; k++)
		sched += s.sched_written[k];
	assert_int_equal(r->books[PTO_BUF_AICPU_TASK].total, tasks);
	assert_int_equal(r->books[PTO_BUF_AICORE_TASK].total, tasks);
	assert_int_equal(r->books[PTO_BUF_SCHED_PHASE].total, sched);
	assert_int_equal(r->books[PTO_BUF_ORCH_PHASE].total, s.orch_written);
	prof_sim_check_books(r->books);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		assert_int_equal(r->books[k].collected, r->books[k].total);
		assert_int_equal(r->books[k].dropped, 0);
		assert_int_equal(r->books[k].mismatch, 0);
	}
	/* Every task became one joined row. */
	assert_int_equal(prof_spill_count(&r->tasks), tasks);
	assert_int_equal(prof_spill_count(&r->lone_core), 0);

	null_dir(dir, sizeof(dir));
	assert_int_equal(prof_host_export(h, dir, NULL, NULL), 0);
	null_dir_remove(dir);
	peak = r->mem.peak;
	print_message("%llu tasks: collector peak %zu bytes\n",
		      (unsigned long long)tasks, peak);
	prof_host_free(h);
	prof_sim_destroy(&s);
	return peak;
}

static void test_million_tasks_bounded(void **state)
{
	size_t small, large;

	(void)state;
	small = run_scale(12500);		/* 100k tasks */
	large = run_scale(125000);		/* 1M tasks */
	assert_true(small < SCALE_MEM_LIMIT);
	assert_true(large < SCALE_MEM_LIMIT);
	/*
	 * 10x the tasks, no growth beyond what the join table's timing can
	 * vary; keeping even 1 byte per task would add 900 kB here.
	 */
	assert_true(large <= small + small / 2);
	/* Keeping even the 100k run's task rows would break the bound. */
	assert_true((uint64_t)SCALE_CORES * 12500 *
		    sizeof(struct prof_task_row) > SCALE_MEM_LIMIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_million_tasks_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
