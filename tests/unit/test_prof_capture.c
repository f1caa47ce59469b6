// SPDX-License-Identifier: MIT
/*
 * The capture file: a synthetic run collected with a capture while the
 * collector also keeps its records; the JSON set exported from the
 * capture equals, byte for byte, the one exported from the live records
 * (lossless and lossy runs). A capture cut at every section boundary
 * loads the records before the cut and says where it ends; a cut inside
 * a section says "truncated" at that section's offset. A real run with
 * capture_only writes the complete capture and no JSON; a run that dies
 * midway leaves a capture that opens, incomplete, up to where it ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <setjmp.h>
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

#include "prof_cap.h"
#include "prof_host.h"
#include "support/e2e_prof.h"
#include "support/prof_sim.h"
#include "support/ptodump_support.h"

static const char *name_of(void *ctx, uint32_t id)
{
	(void)ctx;
	if (id == PROF_NAME_ORCHESTRATOR)
		return "orch \"main\"";
	return id == 0 ? "matmul" : id == 1 ? "add" : NULL;
}

struct captured {
	char dir[64];
	char cap[96];
};

/* A synthetic run at level into c->dir: live export in live/, capture. */
static void capture_run(struct captured *c, unsigned int level, int lossy)
{
	struct prof_sim_cfg cfg = {
		.cores = 3, .threads = 3, .tasks_per_core = 40,
		.level = level, .records = 8, .buffers = lossy ? 2 : 4,
		.orch_records = 30, .orch_edges = 25, .backpressure = !lossy,
	};
	char live[96];

	strcpy(c->dir, "/tmp/pto_prof_capture.XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->cap, sizeof(c->cap), "%s/%s", c->dir, PTO_CAP_FILE_NAME);
	snprintf(live, sizeof(live), "%s/live", c->dir);
	/* Lossy: a host that returns no buffer while the run is live. */
	prof_sim_capture(&cfg, c->cap, live, name_of, 4, lossy);
}

static void cleanup(struct captured *c)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
	assert_int_equal(system(cmd), 0);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[160], *buf;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf = ptodump_read_file(path, len);
	assert_non_null(buf);
	return buf;
}

/* Loads path; returns what prof_cap_load did, the records it held. */
static int load(const char *path, struct prof_cap_info *info,
		uint64_t *records)
{
	struct prof_cap_names names;
	struct prof_records r;
	unsigned int k;
	int ret = prof_cap_load(path, &r, &names, info);

	*records = 0;
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		*records += r.books[k].collected + r.books[k].mismatch;
	prof_records_free(&r);
	prof_cap_names_free(&names);
	return ret;
}

static void check_round_trip(unsigned int level, int lossy)
{
	static const char *const files[] = {
		"l2_swimlane_records.json", "deps.json", "name_map.json",
	};
	struct prof_cap_names names;
	struct prof_cap_info info;
	struct prof_records r;
	struct captured c;
	char live[96], conv[96];
	size_t i, la, lb;

	capture_run(&c, level, lossy);
	snprintf(live, sizeof(live), "%s/live", c.dir);
	snprintf(conv, sizeof(conv), "%s/conv", c.dir);
	assert_int_equal(prof_cap_load(c.cap, &r, &names, &info), 0);
	assert_true(info.complete);
	assert_string_equal(info.problem, "");
	assert_true(info.have_books);
	assert_int_equal(info.valid_bytes, info.file_bytes);
	assert_int_equal(prof_records_export(&r, conv, prof_cap_name, &names),
			 0);
	if (lossy)
		assert_true(r.books[PTO_BUF_AICPU_TASK].dropped +
			    r.books[PTO_BUF_AICORE_TASK].dropped > 0);
	prof_records_free(&r);
	prof_cap_names_free(&names);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *a = slurp(live, files[i], &la);
		char *b = slurp(conv, files[i], &lb);

		assert_true(la > 0);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
		free(a);
		free(b);
	}
	cleanup(&c);
}

static void test_round_trip_level4(void **state)
{
	(void)state;
	check_round_trip(4, 0);
}

static void test_round_trip_level2(void **state)
{
	(void)state;
	check_round_trip(2, 0);
}

static void test_round_trip_lossy(void **state)
{
	(void)state;
	check_round_trip(4, 1);
}

/* A copy of the first len bytes of src at dst. */
static void cut(const char *src, const char *dst, size_t len)
{
	size_t n;
	char *buf;
	FILE *f = fopen(src, "rb");

	assert_non_null(f);
	buf = malloc(len ? len : 1);
	n = fread(buf, 1, len, f);
	fclose(f);
	assert_int_equal(n, len);
	f = fopen(dst, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	free(buf);
}

static void test_truncated_at_every_boundary(void **state)
{
	struct pto_cap_section s;
	struct prof_cap_info info;
	struct captured c;
	uint64_t off = sizeof(struct pto_cap_file_header), size, got;
	uint64_t records = 0, sections = 0;
	int seen_region = 0;
	char part[128], want[96];
	struct stat st;
	FILE *f;

	(void)state;
	capture_run(&c, 4, 0);
	snprintf(part, sizeof(part), "%s/part.ptocap", c.dir);
	assert_int_equal(stat(c.cap, &st), 0);
	size = (uint64_t)st.st_size;
	f = fopen(c.cap, "rb");
	assert_non_null(f);
	while (off < size) {
		struct pto_cap_buffer b;

		assert_int_equal(fseek(f, (long)off, SEEK_SET), 0);
		assert_int_equal(fread(&s, sizeof(s), 1, f), 1);
		if (s.type == PTO_CAP_SEC_BUFFER) {
			assert_int_equal(fread(&b, sizeof(b), 1, f), 1);
			records += b.count;
		}
		/* Inside this section: truncated, named at its offset. */
		cut(c.cap, part, off + sizeof(s) + 8);
		snprintf(want, sizeof(want), "offset %llu: truncated",
			 (unsigned long long)off);
		assert_int_equal(load(part, &info, &got),
				 seen_region ? 0 : -EINVAL);
		assert_non_null(strstr(info.problem, want));
		seen_region |= s.type == PTO_CAP_SEC_REGION;
		off += sizeof(s) + s.length;
		sections++;
		if (s.type == PTO_CAP_SEC_END)
			break;
		/* At its end: every record so far, no END. */
		cut(c.cap, part, off);
		assert_int_equal(load(part, &info, &got),
				 seen_region ? 0 : -EINVAL);
		assert_false(info.complete);
		snprintf(want, sizeof(want), "offset %llu: the file ends "
			 "after %llu sections", (unsigned long long)off,
			 (unsigned long long)sections);
		assert_non_null(strstr(info.problem, want));
		if (seen_region)
			assert_int_equal(got, records);
	}
	fclose(f);
	assert_int_equal(off, size);
	assert_true(records > 0);
	cleanup(&c);
}

static void test_run_capture_only(void **state)
{
	pto_device *dev = e2e_device(2, 0);
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config cfg;
	struct prof_cap_info info;
	struct e2e_work w;
	struct e2e_dir d;
	char path[400];
	uint64_t records;

	(void)state;
	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = 4;
	cfg.capture_only = 1;
	e2e_work_init(&w, dev, 50);
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &w, &res), 0);
	assert_string_equal(res.output_dir, d.out);
	snprintf(path, sizeof(path), "%s/l2_swimlane_records.json", d.out);
	assert_false(e2e_exists(path));
	snprintf(path, sizeof(path), "%s/%s", d.out, PTO_CAP_FILE_NAME);
	assert_int_equal(load(path, &info, &records), 0);
	assert_true(info.complete);
	assert_int_equal(info.status, 0);
	assert_true(info.have_run);
	assert_int_equal(info.run.num_cores, 6);
	/* AICPU + AICore record per subtask at least, all collected. */
	assert_true(records >= 2 * e2e_work_subtasks(&w));
	e2e_work_fini(&w);
	e2e_dir_remove(&d);
	pto_device_close(dev);
}

static void abort_at_200(const struct pto_kernel_ctx *ctx)
{
	static _Atomic unsigned int n;

	(void)ctx;
	if (++n == 200)
		abort();
}

static int crash_orch(pto_orch *o, void *user)
{
	int i, ret = 0;

	(void)user;
	for (i = 0; !ret && i < 400; i++)
		ret = pto_submit(o, 1, NULL, 0, NULL);
	return ret;
}

static void test_run_that_dies(void **state)
{
	struct prof_cap_info info;
	struct e2e_dir d;
	char path[400];
	uint64_t records;
	int status;
	pid_t pid;

	(void)state;
	e2e_dir_make(&d);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct pto_run_config cfg;
		pto_device *dev = e2e_device(1, 0);
		unsigned int k;

		/* The run's death, not cmocka's report of it. */
		signal(SIGABRT, SIG_DFL);
		pto_kernel_register(dev, 1, PTO_AIV, "dies", abort_at_200);
		e2e_config(&cfg, &d);
		cfg.chip_swimlane_level = 4;
		for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
			cfg.records_per_buffer[k] = 8;
		pto_run(dev, &cfg, crash_orch, NULL, NULL);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	snprintf(path, sizeof(path), "%s/%s", d.out, PTO_CAP_FILE_NAME);
	assert_int_equal(load(path, &info, &records), 0);
	assert_false(info.complete);
	assert_true(info.have_run);
	/* Cut after a section, or inside one if a write was cut short. */
	assert_true(strstr(info.problem, "without an END section") ||
		    strstr(info.problem, "truncated"));
	e2e_dir_remove(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_level4),
		cmocka_unit_test(test_round_trip_level2),
		cmocka_unit_test(test_round_trip_lossy),
		cmocka_unit_test(test_truncated_at_every_boundary),
		cmocka_unit_test(test_run_capture_only),
		cmocka_unit_test(test_run_that_dies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
