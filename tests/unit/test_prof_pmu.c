// SPDX-License-Identifier: MIT
/*
 * The PMU collector (PTO_DFX_PMU) on the sim device, end to end:
 * software counters are counted for every task and task_clock_ns grows
 * with the kernel's work (a loop of 10N iterations against one of N:
 * compared by medians, never held to a wall-clock bound); each task
 * that touches fresh pages counts page faults, a thread's first one too,
 * run right after its counters were opened; each hardware counter is
 * either counted in every row or named unavailable in a warning and
 * absent from pmu.csv and from the capture's counter set; the bit runs
 * alone (no lifecycle records) and with level 4, where pmu.csv holds one
 * row per subtask, each joined to its task row of
 * l2_swimlane_records.json by (task, core) with the same func; and with
 * tiny PMU pools and a host that returns no buffer while the run is
 * live, under each buffer policy (drop, block, overwrite), the PMU books
 * balance and pmu.csv holds exactly the collected records.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "pto_capture.h"
#include "pto_prof.h"
#include "prof_pmu.h"
#include "pto_reader.h"
#include "support/e2e_prof.h"
#include "support/stderr_capture.h"

#define SPIN		20	/* kernel: args[1] loop iterations */
#define FAULT		21	/* kernel: touches args[1] fresh pages */
#define SPIN_N		200000u
#define TASKS_EACH	8
#define FAULT_PAGES	16
#define MAX_ROWS	1024
#define MAX_COLS	(5 + PTO_PMU_SLOTS)

static pto_device *dev;

static void spin_kernel(const struct pto_kernel_ctx *ctx)
{
	volatile uint64_t x = 0;
	uint64_t i;

	for (i = 0; i < ctx->args[1]; i++)
		x += i;
}

static void fault_kernel(const struct pto_kernel_ctx *ctx)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), n = ctx->args[1], i;
	char *p = mmap(NULL, n * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	for (i = 0; i < n; i++)
		((volatile char *)p)[i * pg] = 1;
	munmap(p, n * pg);
}

/* pmu.csv read back: column names and rows of numbers (-1: empty). */
struct csv {
	char head[MAX_COLS][32];
	unsigned int ncol;
	long long v[MAX_ROWS][MAX_COLS];
	int aic[MAX_ROWS];
	size_t nrow;
};

static int csv_col(const struct csv *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->ncol; i++)
		if (!strcmp(c->head[i], name))
			return (int)i;
	return -1;
}

static void csv_load(struct csv *c, const char *dir)
{
	char path[600], line[1024], *s, *f;
	unsigned int i;
	FILE *fp;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "%s/pmu.csv", dir);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	line[strcspn(line, "\n")] = 0;
	for (s = line; (f = strsep(&s, ",")); c->ncol++) {
		assert_true(c->ncol < MAX_COLS);
		snprintf(c->head[c->ncol], sizeof(c->head[0]), "%s", f);
	}
	while (fgets(line, sizeof(line), fp)) {
		assert_true(c->nrow < MAX_ROWS);
		line[strcspn(line, "\n")] = 0;
		s = line;
		for (i = 0; i < c->ncol; i++) {
			f = strsep(&s, ",");
			assert_non_null(f);
			if (i == 2) {
				assert_true(!strcmp(f, "AIC") ||
					    !strcmp(f, "AIV"));
				c->aic[c->nrow] = !strcmp(f, "AIC");
			}
			c->v[c->nrow][i] = i == 2 ? 0 : *f ?
					   strtoll(f, NULL, 10) : -1;
		}
		assert_null(s);		/* no extra field */
		c->nrow++;
	}
	fclose(fp);
	assert_string_equal(c->head[0], "thread");
	assert_string_equal(c->head[1], "core");
	assert_string_equal(c->head[2], "core_type");
	assert_string_equal(c->head[3], "task");
	assert_string_equal(c->head[4], "func");
}

/* The spin and fault tasks: independent, TASKS_EACH of each size. */
struct spin_work {
	pto_tensor *t;
	uint64_t ids[3 * TASKS_EACH];
	uint64_t arg[3 * TASKS_EACH];
	uint32_t func[3 * TASKS_EACH];
};

static int spin_orch(pto_orch *o, void *user)
{
	struct spin_work *w = user;
	struct pto_param p[2];
	unsigned int i;
	int err;

	for (i = 0; i < 3 * TASKS_EACH; i++) {
		w->func[i] = i < 2 * TASKS_EACH ? SPIN : FAULT;
		w->arg[i] = i < TASKS_EACH ? SPIN_N :
			    i < 2 * TASKS_EACH ? 10 * SPIN_N : FAULT_PAGES;
		p[0] = pto_out(w->t, (uint64_t)i * 64, 64);
		p[1] = pto_scalar(w->arg[i]);
		err = pto_submit(o, w->func[i], p, 2, &w->ids[i]);
		if (err)
			return err;
	}
	return 0;
}

/* Runs the spin work with flags; stderr into err. */
static void run_spin(const struct e2e_dir *d, uint64_t flags,
		     struct spin_work *w, struct pto_run_result *res,
		     char *err, size_t errlen)
{
	struct pto_run_config cfg;
	struct stderr_capture cap;

	e2e_config(&cfg, d);
	cfg.dfx_flags = flags;
	assert_int_equal(pto_tensor_alloc(dev, 64 * 3 * TASKS_EACH, &w->t), 0);
	assert_int_equal(stderr_capture_begin(&cap), 0);
	res->size = sizeof(*res);
	assert_int_equal(pto_run(dev, &cfg, spin_orch, w, res), 0);
	stderr_capture_end(&cap, err, errlen);
	pto_tensor_free(w->t);
	assert_int_equal(res->tasks, 3 * TASKS_EACH);
	assert_true(res->reconcile_ok);
}

/* Index of task id in w, or -1. */
static int spin_index(const struct spin_work *w, uint64_t id)
{
	unsigned int i;

	for (i = 0; i < 3 * TASKS_EACH; i++)
		if (w->ids[i] == id)
			return (int)i;
	return -1;
}

static int ll_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void test_software_counts(void **state)
{
	static struct csv c;
	struct pto_run_result res;
	struct spin_work w;
	struct e2e_dir d;
	long long clk[2][TASKS_EACH];
	unsigned int nclk[2] = { 0, 0 }, k;
	int tc, pf, cs, mig, i;
	char err[4096];
	size_t r;

	(void)state;
	e2e_dir_make(&d);
	/* The PMU bit alone: no lifecycle chain bit is implied. */
	run_spin(&d, PTO_DFX_PMU, &w, &res, err, sizeof(err));
	csv_load(&c, res.output_dir);
	tc = csv_col(&c, "task_clock_ns");
	pf = csv_col(&c, "page_faults");
	cs = csv_col(&c, "context_switches");
	mig = csv_col(&c, "cpu_migrations");
	assert_true(tc > 0 && pf > 0 && cs > 0 && mig > 0);
	assert_int_equal(c.nrow, 3 * TASKS_EACH);
	for (r = 0; r < c.nrow; r++) {
		i = spin_index(&w, (uint64_t)c.v[r][3]);
		assert_true(i >= 0);
		assert_int_equal(c.v[r][4], w.func[i]);
		assert_true(c.v[r][0] > 0);		/* a thread id */
		/* Software counters are counted for every task. */
		assert_true(c.v[r][tc] > 0);
		assert_true(c.v[r][cs] >= 0 && c.v[r][mig] >= 0);
		if (w.func[i] == FAULT) {
			/* It wrote FAULT_PAGES fresh pages. */
			assert_true(c.v[r][pf] > 0);
		} else {
			k = i >= TASKS_EACH;
			clk[k][nclk[k]++] = c.v[r][tc];
		}
	}
	/*
	 * Ten times the loop: clearly more task clock (not a time bound).
	 * Medians: a task the machine slowed (a shared VM's stolen time
	 * counts as task clock) moves a sum, not a median.
	 */
	for (k = 0; k < 2; k++) {
		assert_int_equal(nclk[k], TASKS_EACH);
		qsort(clk[k], TASKS_EACH, sizeof(clk[k][0]), ll_cmp);
	}
	assert_true(clk[1][TASKS_EACH / 2] > 2 * clk[0][TASKS_EACH / 2]);
	e2e_dir_remove(&d);
}

/* The first kernel of a thread: its counters opened just before it. */
static void *first_kernel(void *arg)
{
	struct pto_kernel_ctx k = {
		.num_args = 2, .args = { 0, FAULT_PAGES },
	};
	struct prof_pmu_set s;
	struct prof_pmu_sample *x = arg;

	prof_pmu_probe(&s);
	prof_pmu_begin(&s, x);
	fault_kernel(&k);
	prof_pmu_end(x);
	return NULL;
}

/*
 * A thread's counters count from its first kernel on, without the thread
 * being switched out between opening them and the kernel: every member
 * of a group, not only its leader (the task clock).
 */
static void test_first_kernel_counted(void **state)
{
	struct prof_pmu_sample x;
	pthread_t th;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, first_kernel, &x), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_true(x.mask >> PTO_PMU_TASK_CLOCK & 1);
	assert_true(x.mask >> PTO_PMU_PAGE_FAULTS & 1);
	assert_true(x.v[PTO_PMU_TASK_CLOCK] > 0);
	assert_true(x.v[PTO_PMU_PAGE_FAULTS] > 0);
}

static void test_hardware_present_or_named(void **state)
{
	static const char *const hw[] = {
		"cycles", "instructions", "cache_references", "cache_misses",
		"branch_misses",
	};
	struct pto_capture_info info = { .size = sizeof(info) };
	static struct csv c;
	struct pto_run_result res;
	struct spin_work w;
	struct e2e_dir d;
	pto_capture *cap;
	char err[4096], path[600], msg[96];
	unsigned int k, avail = 0;
	size_t r;
	int col;

	(void)state;
	e2e_dir_make(&d);
	run_spin(&d, PTO_DFX_PMU, &w, &res, err, sizeof(err));
	csv_load(&c, res.output_dir);
	snprintf(path, sizeof(path), "%s/%s", res.output_dir,
		 PTO_CAP_FILE_NAME);
	assert_int_equal(pto_capture_open(path, NULL, &cap), 0);
	assert_int_equal(pto_capture_info(cap, &info), 0);
	pto_capture_close(cap);
	assert_true(info.pmu_counters >> PTO_PMU_TASK_CLOCK & 1);
	for (k = 0; k < sizeof(hw) / sizeof(hw[0]); k++) {
		assert_string_equal(pto_capture_pmu_counter_name(k), hw[k]);
		col = csv_col(&c, hw[k]);
		snprintf(msg, sizeof(msg), "pto: pmu: %s not counted: ", hw[k]);
		if (info.pmu_counters >> k & 1) {
			/* Counted: a column, a value in every row of the
			 * kernels that ran a loop, and no warning.
			 */
			avail++;
			assert_true(col > 0);
			assert_null(strstr(err, msg));
			for (r = 0; r < c.nrow; r++)
				assert_true(c.v[r][col] != 0);
		} else {
			/* Named once with the reason, and left out. */
			assert_int_equal(col, -1);
			assert_non_null(strstr(err, msg));
			assert_null(strstr(strstr(err, msg) + 1, msg));
		}
	}
	if (!avail)
		print_message("no hardware PMU here: every hardware counter "
			      "was named unavailable\n");
	e2e_dir_remove(&d);
}

/* Level 4 and PMU: one row per subtask, each joined to its task row. */
static void test_joined_to_every_task(void **state)
{
	static struct csv c;
	struct pto_run_config cfg;
	struct pto_run_result res = { .size = sizeof(res) };
	struct e2e_work w;
	struct e2e_row *rows;
	struct jc_value *rec;
	struct e2e_dir d;
	size_t n, r, j;
	int tc;

	(void)state;
	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.dfx_flags = PTO_DFX_FLAGS_OF_LEVEL(4) | PTO_DFX_PMU;
	e2e_work_init(&w, dev, 60);
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &w, &res), 0);
	assert_true(res.reconcile_ok);
	csv_load(&c, res.output_dir);
	tc = csv_col(&c, "task_clock_ns");
	assert_true(tc > 0);
	rec = e2e_load(res.output_dir, "l2_swimlane_records.json");
	assert_non_null(rec);
	rows = e2e_rows(rec, &n);
	assert_int_equal(n, e2e_work_subtasks(&w));
	assert_int_equal(c.nrow, n);
	for (r = 0; r < c.nrow; r++) {
		for (j = 0; j < n; j++)
			if (rows[j].task_id == (uint64_t)c.v[r][3] &&
			    rows[j].core_id == (uint32_t)c.v[r][1])
				break;
		assert_true(j < n);
		assert_int_equal(rows[j].func_id, c.v[r][4]);
		assert_int_equal(rows[j].aic, c.aic[r]);
		assert_true(c.v[r][tc] > 0);
		rows[j].core_id = UINT32_MAX;	/* joined once */
	}
	free(rows);
	jc_free(rec);
	e2e_work_fini(&w);
	e2e_dir_remove(&d);
}

static int count_rec(void *ctx, uint32_t pool, const void *rec)
{
	const struct pto_pmu_record *p = rec;

	(void)pool;
	assert_true(p->counter_mask >> PTO_PMU_TASK_CLOCK & 1);
	++*(uint64_t *)ctx;
	return 0;
}

/*
 * Tiny PMU pools and a host that holds every buffer while the run is
 * live, under the buffer policy *state: the books stay exact, the
 * capture and pmu.csv hold exactly the collected records, and the
 * policy's loss shows (dropped, or overwritten).
 */
static void test_tiny_pools_reconcile(void **state)
{
	const unsigned int policy = *(const unsigned int *)*state;
	struct pto_capture_books b = { .size = sizeof(b) };
	static struct csv c;
	struct pto_run_config cfg;
	struct pto_run_result res = { .size = sizeof(res) };
	struct stderr_capture sc;
	struct e2e_work w;
	struct e2e_dir d;
	pto_capture *cap;
	char path[600], err[8192];
	uint64_t n = 0;

	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.dfx_flags = PTO_DFX_FLAGS_OF_LEVEL(1) | PTO_DFX_PMU;
	cfg.records_per_buffer[PTO_BUF_PMU] = 2;
	cfg.buffers_per_pool[PTO_BUF_PMU] = 1;
	cfg.buffer_policy[PTO_BUF_PMU] = policy;
	cfg.block_timeout_ms = 1;
	e2e_work_init(&w, dev, 120);
	setenv("PTO_PROF_HOST_THROTTLE_US", "-1", 1);
	assert_int_equal(stderr_capture_begin(&sc), 0);
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &w, &res), 0);
	stderr_capture_end(&sc, err, sizeof(err));
	unsetenv("PTO_PROF_HOST_THROTTLE_US");
	assert_true(res.reconcile_ok);
	snprintf(path, sizeof(path), "%s/%s", res.output_dir,
		 PTO_CAP_FILE_NAME);
	assert_int_equal(pto_capture_open(path, NULL, &cap), 0);
	assert_int_equal(pto_capture_reconcile(cap, PTO_BUF_PMU, &b), 0);
	assert_int_equal(b.total, e2e_work_subtasks(&w));
	assert_int_equal(b.collected + b.dropped + b.mismatch +
			 b.overwritten, b.total);
	/*
	 * This host takes buffers off the ready queues (it only keeps them),
	 * so an overwrite can find none left to take back and drop instead:
	 * which of the two a loss is depends on timing. That overwrite
	 * reuses exactly the oldest buffers is test_prof_policy_overwrite's,
	 * with a host that stops taking.
	 */
	if (policy == PTO_BUF_POLICY_OVERWRITE)
		assert_true(b.overwritten + b.dropped > 0);
	else
		assert_true(b.dropped > 0 && !b.overwritten);
	assert_int_equal(pto_capture_records(cap, PTO_BUF_PMU, count_rec, &n),
			 0);
	assert_int_equal(n, b.collected);
	pto_capture_close(cap);
	csv_load(&c, res.output_dir);
	assert_int_equal(c.nrow, b.collected);
	e2e_work_fini(&w);
	e2e_dir_remove(&d);
}

static int setup(void **state)
{
	(void)state;
	dev = e2e_device(2, 0);
	if (pto_kernel_register(dev, SPIN, PTO_AIV, "spin", spin_kernel) ||
	    pto_kernel_register(dev, FAULT, PTO_AIV, "fault", fault_kernel))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pto_device_close(dev);
	return 0;
}

int main(void)
{
	static const unsigned int policies[] = {
		PTO_BUF_POLICY_DROP, PTO_BUF_POLICY_BLOCK,
		PTO_BUF_POLICY_OVERWRITE,
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_kernel_counted),
		cmocka_unit_test(test_software_counts),
		cmocka_unit_test(test_hardware_present_or_named),
		cmocka_unit_test(test_joined_to_every_task),
		NAMED_TEST("test_tiny_pools_drop", test_tiny_pools_reconcile,
			   &policies[0]),
		NAMED_TEST("test_tiny_pools_block", test_tiny_pools_reconcile,
			   &policies[1]),
		NAMED_TEST("test_tiny_pools_overwrite",
			   test_tiny_pools_reconcile, &policies[2]),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
