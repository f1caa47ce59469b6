/*
 * libpto's drm backend on pto.ko, through the example programs
 * ($PTO_EXAMPLES_DIR, shipped into the VM): paged_attention_unroll and
 * mixed_pipeline pass their golden check with --device=drm at levels 0
 * and 4, at 4 with every kind reconciled without loss and the JSON
 * holding every completed task; a --tensor-dump --pmu run (dfx bits 4
 * and 5, their pools in pto.ko's region) reconciles its dump and PMU
 * kinds and ptodump tensors shows an entry; at 4 with --pmu (PTO_DFX_PMU) the pmu kind
 * reconciles too, one PMU record per AICPU task record, written to
 * pmu.csv; no region is left behind unless --retain
 * asked for one, which ptodump then lists as retained; auto picks drm
 * while pto is loaded and sim when it is not; --device=drm without pto,
 * with a per-file byte limit below the run's memory, or with --retain on
 * a driver loaded with max_retained=0, fails with exit 1 and a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kt.h"

/* The driver's defaults: a default run config must fit them. */
#define OPTIONS		""
#define OUT_CAP		16384
#define MAX_TASKS	4096

static const char *ex_dir, *ptodump;

/* Runs example name with args; exit code as kt_exec(). */
static int run_ex(const char *name, const char *const *args, char *out,
		  pid_t *pid)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", ex_dir, name);
	return kt_exec(0, path, args, out, OUT_CAP, pid);
}

/* run_ex() that passes golden; shows the output when it does not. */
static void run_pass(const char *name, const char *const *args, char *out,
		     pid_t *pid)
{
	int rc = run_ex(name, args, out, pid);

	if (rc || !strstr(out, "golden: PASS"))
		printf("%s exited %d:\n%s", name, rc, out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "golden: PASS"));
}

/* The value after the first "<key>" in s, or -1. */
static long long value_after(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

/* Every kind has a reconcile line, none with a loss. */
static void assert_reconciled(const char *out)
{
	static const char *const kinds[] = {
		"aicpu_task", "sched_phase", "orch_phase", "aicore_task",
		"dep_edge",
	};
	char key[64];
	const char *line, *eol;
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		snprintf(key, sizeof(key), "reconcile %s: ", kinds[k]);
		line = strstr(out, key);
		assert_non_null(line);
		eol = strchr(line, '\n');
		assert_non_null(eol);
		assert_memory_equal(eol - 3, " ok", 3);
		assert_true(value_after(line, "total=") > 0);
		assert_int_equal(value_after(line, "dropped="), 0);
		assert_int_equal(value_after(line, "mismatch="), 0);
		assert_true(value_after(line, "total=") ==
			    value_after(line, "collected="));
	}
}

/* The distinct task ids of the task list in dir's records JSON. */
static long exported_tasks(const char *dir)
{
	static uint64_t ids[MAX_TASKS];
	char path[512], *buf;
	const char *p, *end;
	long n = 0, i;
	uint64_t id;
	FILE *f;
	long size;

	snprintf(path, sizeof(path), "%s/l2_swimlane_records.json", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)size + 1);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	p = strstr(buf, "\"tasks\": [");
	end = p ? strchr(p, ']') : NULL;
	while (end && (p = strstr(p, "\"task_id\": ")) && p < end) {
		p += strlen("\"task_id\": ");
		id = strtoull(p, NULL, 10);
		for (i = 0; i < n && ids[i] != id; i++)
			;
		if (i == n && n < MAX_TASKS)
			ids[n++] = id;
	}
	free(buf);
	return end ? n : -1;
}

/* The directory of the "output: " line of out, in dir[cap]; 0 or -1. */
static int output_dir(const char *out, char *dir, size_t cap)
{
	const char *p = strstr(out, "\noutput: ");

	if (!p)
		return -1;
	p += strlen("\noutput: ");
	snprintf(dir, cap, "%.*s", (int)strcspn(p, "\n"), p);
	return 0;
}

/* Regions pto lists now. */
static int regions(void)
{
	struct drm_pto_prof_info info[8];

	return kt_list(kt_fd, info, 8);
}

/* name --device=drm at level 0: PASS, no profile. */
static void golden_level0(const char *name)
{
	static const char *const args[] = { "--device=drm", NULL };
	char out[OUT_CAP];
	pid_t pid;

	run_pass(name, args, out, &pid);
	assert_null(strstr(out, "reconcile "));
	assert_null(strstr(out, "\noutput: "));
	assert_int_equal(regions(), 0);
}

/* name --device=drm at level 4: PASS, reconciled, every task exported. */
static void golden_level4(const char *name, const char *prefix)
{
	const char *args[] = { "--device=drm", "--chip-swimlane=4",
			       "--output", prefix, NULL };
	char out[OUT_CAP], dir[256];
	const char *round;
	long long completed;
	pid_t pid;

	run_pass(name, args, out, &pid);
	assert_reconciled(out);
	assert_int_equal(output_dir(out, dir, sizeof(dir)), 0);
	round = strstr(out, "round 1: ");
	assert_non_null(round);
	completed = value_after(round, "submitted, ");
	assert_true(completed > 0);
	assert_int_equal(exported_tasks(dir), completed);
	assert_int_equal(regions(), 0);
}

static void test_paged_attention_level0(void **state)
{
	(void)state;
	golden_level0("paged_attention_unroll");
}

static void test_paged_attention_level4(void **state)
{
	(void)state;
	golden_level4("paged_attention_unroll", "/tmp/rt_pa");
}

/* Lines of dir/name, -1 when it cannot be read. */
static long file_lines(const char *dir, const char *name)
{
	char path[512];
	long n = 0;
	FILE *f;
	int c;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Level 4 and --pmu on drm: the PMU kind reconciles beside the others. */
static void test_paged_attention_pmu(void **state)
{
	static const char *const args[] = { "--device=drm",
		"--chip-swimlane=4", "--pmu", "--output", "/tmp/rt_pmu", NULL };
	char out[OUT_CAP], dir[256];
	const char *pmu, *cpu;
	pid_t pid;

	(void)state;
	run_pass("paged_attention_unroll", args, out, &pid);
	assert_reconciled(out);
	pmu = strstr(out, "reconcile pmu: ");
	cpu = strstr(out, "reconcile aicpu_task: ");
	assert_non_null(pmu);
	assert_non_null(cpu);
	assert_true(value_after(pmu, "total=") > 0);
	assert_true(value_after(pmu, "total=") == value_after(cpu, "total="));
	assert_true(value_after(pmu, "total=") ==
		    value_after(pmu, "collected="));
	assert_int_equal(output_dir(out, dir, sizeof(dir)), 0);
	/* A header and one row per PMU record. */
	assert_int_equal(file_lines(dir, "pmu.csv"),
			 value_after(pmu, "collected=") + 1);
	assert_int_equal(regions(), 0);
}

static void test_mixed_pipeline_level0(void **state)
{
	(void)state;
	golden_level0("mixed_pipeline");
}

static void test_mixed_pipeline_level4(void **state)
{
	(void)state;
	golden_level4("mixed_pipeline", "/tmp/rt_mix");
}

/*
 * mixed_pipeline with the three collectors at once: the swimlane at
 * level 4, its tensors dumped (256 bytes per region) and PMU counters:
 * every kind, the dump and the PMU included, reconciled without loss; an
 * entry shown by ptodump tensors.
 */
static void test_mixed_pipeline_all_collectors(void **state)
{
	static const char *const args[] = { "--device=drm",
					    "--chip-swimlane=4",
					    "--tensor-dump=256", "--pmu",
					    "--output", "/tmp/rt_dump", NULL };
	static const char *const pd[] = { "tensors", "--show", "0",
					  "/tmp/rt_dump", NULL };
	char out[OUT_CAP], show[OUT_CAP];
	const char *line;
	pid_t pid;

	(void)state;
	run_pass("mixed_pipeline", args, out, &pid);
	assert_reconciled(out);
	/* The PMU beside the dump: one record per AICPU task record. */
	line = strstr(out, "reconcile pmu: ");
	assert_non_null(line);
	assert_true(value_after(line, "total=") ==
		    value_after(strstr(out, "reconcile aicpu_task: "),
				"total="));
	assert_true(value_after(line, "total=") ==
		    value_after(line, "collected="));
	line = strstr(out, "reconcile tensor_dump: ");
	assert_non_null(line);
	assert_true(value_after(line, "total=") > 0);
	assert_int_equal(value_after(line, "dropped="), 0);
	assert_true(value_after(line, "total=") ==
		    value_after(line, "collected="));
	assert_int_equal(kt_exec(0, ptodump, pd, show, OUT_CAP, &pid), 0);
	if (!strstr(show, "entry 0: task ") || !strstr(show, "elements: "))
		printf("ptodump tensors --show 0:\n%s", show);
	assert_non_null(strstr(show, "entry 0: task "));
	assert_non_null(strstr(show, "elements: "));
	assert_int_equal(regions(), 0);
}

/*
 * A profiled --retain run of paged_attention_unroll on device (its
 * --device option); ptodump list's output after it in list, its pid.
 */
static void retained_run(const char *device, char *list, pid_t *pid)
{
	const char *args[] = { device, "--chip-swimlane=4", "--retain",
			       "--output", "/tmp/rt_retain", NULL };
	static const char *const pd[] = { "list", NULL };
	char out[OUT_CAP];
	pid_t pd_pid;

	run_pass("paged_attention_unroll", args, out, pid);
	assert_int_equal(kt_exec(0, ptodump, pd, list, OUT_CAP, &pd_pid), 0);
}

/* ptodump list's out has a region retained from pid. */
static int lists_retained(const char *out, pid_t pid)
{
	char want[64];

	snprintf(want, sizeof(want), "  retained pid %d ", (int)pid);
	return strstr(out, want) != NULL;
}

static void test_retain_listed_after_exit(void **state)
{
	char list[OUT_CAP];
	pid_t pid;

	(void)state;
	retained_run("--device=drm", list, &pid);
	assert_true(lists_retained(list, pid));
	assert_int_equal(regions(), 1);
}

/* With pto loaded, auto is drm: the retained region is pto's. */
static void test_auto_is_drm(void **state)
{
	char list[OUT_CAP];
	pid_t pid;

	(void)state;
	retained_run("--device=auto", list, &pid);
	assert_true(lists_retained(list, pid));
}

/*
 * paged_attention_unroll with args while pto is loaded with options
 * (NULL: not loaded), then back to the group's pto; its exit code.
 */
static int run_with_pto(const char *options, const char *const *args,
			char *out)
{
	pid_t pid;
	int rc;

	assert_int_equal(kt_reload(options), 0);
	rc = run_ex("paged_attention_unroll", args, out, &pid);
	assert_int_equal(kt_reload(OPTIONS), 0);
	return rc;
}

static void test_drm_without_pto(void **state)
{
	static const char *const args[] = { "--device=drm", NULL };
	char out[OUT_CAP];

	(void)state;
	assert_int_equal(run_with_pto(NULL, args, out), 1);
	assert_non_null(strstr(out, "pto.ko"));
	assert_non_null(strstr(out, "golden: FAIL (opening the device"));
}

static void test_auto_without_pto_is_sim(void **state)
{
	static const char *const args[] = { "--device=auto", NULL };
	char out[OUT_CAP];

	(void)state;
	assert_int_equal(run_with_pto(NULL, args, out), 0);
	assert_non_null(strstr(out, "golden: PASS"));
}

/* A heap ring beyond pto.ko's per-file limit: exit 1 naming the limit. */
static void test_beyond_byte_limit(void **state)
{
	static const char *const args[] = { "--device=drm", NULL };
	char out[OUT_CAP];

	(void)state;
	assert_int_equal(run_with_pto("file_byte_limit=67108864", args, out),
			 1);
	assert_non_null(strstr(out, "file_byte_limit"));
	assert_non_null(strstr(out, "golden: FAIL"));
}

/* --retain on a driver that retains nothing: exit 1 saying so. */
static void test_retain_with_max_retained_zero(void **state)
{
	static const char *const args[] = { "--device=drm", "--chip-swimlane=4",
					    "--retain", "--output",
					    "/tmp/rt_retain0", NULL };
	char out[OUT_CAP];

	(void)state;
	assert_int_equal(run_with_pto("max_retained=0", args, out), 1);
	assert_non_null(strstr(out, "max_retained=0"));
	assert_non_null(strstr(out, "golden: FAIL"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KT_TEST(test_paged_attention_level0),
		KT_TEST(test_paged_attention_level4),
		KT_TEST(test_paged_attention_pmu),
		KT_TEST(test_mixed_pipeline_level0),
		KT_TEST(test_mixed_pipeline_level4),
		KT_TEST(test_mixed_pipeline_all_collectors),
		KT_TEST(test_retain_listed_after_exit),
		KT_TEST(test_auto_is_drm),
		KT_TEST(test_drm_without_pto),
		KT_TEST(test_auto_without_pto_is_sim),
		KT_TEST(test_beyond_byte_limit),
		KT_TEST(test_retain_with_max_retained_zero),
	};
	char probe[256];

	ex_dir = getenv("PTO_EXAMPLES_DIR");
	ptodump = getenv("PTO_PTODUMP");
	snprintf(probe, sizeof(probe), "%s/paged_attention_unroll",
		 ex_dir ? ex_dir : "");
	if (!ex_dir || access(probe, X_OK) || !ptodump ||
	    access(ptodump, X_OK)) {
		printf("SKIP: kmod_runtime needs $PTO_EXAMPLES_DIR with the "
		       "example programs and $PTO_PTODUMP (make test-kmod "
		       "ships them)\n");
		return 77;
	}
	kt_group_options = OPTIONS;
	return kt_run("kmod_runtime", tests, sizeof(tests) / sizeof(tests[0]));
}
