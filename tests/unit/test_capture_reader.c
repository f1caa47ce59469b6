// SPDX-License-Identifier: MIT
/*
 * The public reader (pto_reader.h) on captures and regions of a synthetic
 * run: what it iterates agrees with the books and the JSON it exports is
 * the live export's; a region still holding its records opens with
 * balanced books; and every kind of bad input, one test each, is a
 * negative errno or a prefix with the problem's offset — never a crash.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prof_cap.h"
#include "prof_host.h"
#include "pto_layout.h"
#include "pto_reader.h"
#include "support/prof_sim.h"

static const char *name_of(void *ctx, uint32_t id)
{
	(void)ctx;
	if (id == PROF_NAME_ORCHESTRATOR)
		return "orch";
	return id == 0 ? "matmul" : NULL;
}

static char dir[64];
static char cap_path[128];
static char *cap;		/* the capture's bytes */
static size_t cap_len;

/* A level-4 synthetic run: its capture and its live export in dir/live. */
static int setup(void **state)
{
	struct prof_sim_cfg cfg = {
		.cores = 3, .threads = 3, .tasks_per_core = 30, .level = 4,
		.records = 8, .buffers = 4, .orch_records = 20,
		.orch_edges = 15, .backpressure = 1,
	};
	char live[96];
	FILE *f;

	(void)state;
	strcpy(dir, "/tmp/pto_capture_reader.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(cap_path, sizeof(cap_path), "%s/%s", dir, PTO_CAP_FILE_NAME);
	snprintf(live, sizeof(live), "%s/live", dir);
	prof_sim_capture(&cfg, cap_path, live, name_of, 2, 0);
	f = fopen(cap_path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	cap_len = (size_t)ftell(f);
	rewind(f);
	cap = malloc(cap_len);
	assert_int_equal(fread(cap, 1, cap_len, f), cap_len);
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	free(cap);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* Writes len bytes of buf as dir/name; returns the path (static). */
static const char *put(const char *name, const void *buf, size_t len)
{
	static char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	return path;
}

/* Offset of the n-th section (0-based) of type, or 0. */
static size_t section_at(uint32_t type, unsigned int n)
{
	size_t off = sizeof(struct pto_cap_file_header);
	struct pto_cap_section s;

	while (off + sizeof(s) <= cap_len) {
		memcpy(&s, cap + off, sizeof(s));
		if (s.type == type && !n--)
			return off;
		off += sizeof(s) + s.length;
	}
	return 0;
}

/* Re-checksums the header of the section at off of the copy b. */
static void resum_header(char *b, size_t off)
{
	struct pto_cap_section *s = (struct pto_cap_section *)(b + off);

	s->hsum = pto_cap_sum(s, offsetof(struct pto_cap_section, hsum));
}

/* Re-checksums the section at off of the copy b, payload and header. */
static void resum(char *b, size_t off)
{
	struct pto_cap_section *s = (struct pto_cap_section *)(b + off);

	s->sum = pto_cap_sum(s + 1, s->length);
	resum_header(b, off);
}

/* Opens a copy that was altered; expects a prefix stopping at off. */
static void expect_prefix(char *b, size_t off, const char *what)
{
	struct pto_capture_info info = { .size = sizeof(info) };
	pto_capture *c;
	char want[64];

	assert_int_equal(pto_capture_open(put("bad.ptocap", b, cap_len), NULL,
					  &c), 0);
	assert_int_equal(pto_capture_info(c, &info), 0);
	assert_false(info.complete);
	snprintf(want, sizeof(want), "offset %zu: ", off);
	assert_non_null(strstr(info.problem, want));
	assert_non_null(strstr(info.problem, what));
	assert_int_equal(info.valid_bytes, off);
	pto_capture_close(c);
	free(b);
}

static char *copy(void)
{
	char *b = malloc(cap_len);

	assert_non_null(b);
	return memcpy(b, cap, cap_len);
}

/* ---- what it reads -------------------------------------------------------- */

struct counts {
	uint64_t tasks, recs[PTO_BUF_KIND_COUNT];
	uint64_t last_id;
	int ordered;
};

static int on_task(void *ctx, const struct pto_task *t)
{
	struct counts *n = ctx;

	n->ordered &= !n->tasks || t->task_id >= n->last_id;
	n->last_id = t->task_id;
	n->tasks++;
	return 0;
}

static int on_rec(void *ctx, uint32_t pool, const void *rec)
{
	(void)pool;
	(void)rec;
	((uint64_t *)ctx)[0]++;
	return 0;
}

static void test_reads_what_was_recorded(void **state)
{
	struct pto_capture_info info = { .size = sizeof(info) };
	struct pto_capture_books b = { .size = sizeof(b) };
	struct counts n = { .ordered = 1 };
	pto_capture *c;
	uint32_t k;

	(void)state;
	assert_int_equal(pto_capture_open(cap_path, NULL, &c), 0);
	assert_int_equal(pto_capture_info(c, &info), 0);
	assert_true(info.complete);
	assert_string_equal(info.problem, "");
	assert_int_equal(info.level, 4);
	assert_int_equal(info.num_cores, 3);
	assert_int_equal(info.valid_bytes, cap_len);
	assert_int_equal(pto_capture_tasks(c, on_task, &n), 0);
	assert_int_equal(n.tasks, 90);
	assert_int_equal(info.tasks, 90);
	assert_true(n.ordered);
	for (k = PTO_BUF_SCHED_PHASE; k <= PTO_BUF_DEP_EDGE; k++) {
		if (k == PTO_BUF_AICORE_TASK)
			continue;
		assert_int_equal(pto_capture_records(c, k, on_rec,
						     &n.recs[k]), 0);
		assert_int_equal(pto_capture_reconcile(c, k, &b), 0);
		assert_int_equal(n.recs[k], b.collected);
		assert_int_equal(b.total, b.collected);
	}
	assert_true(n.recs[PTO_BUF_DEP_EDGE] >= 15);
	assert_string_equal(pto_capture_func_name(c, 0), "matmul");
	assert_null(pto_capture_func_name(c, 1));
	assert_string_equal(pto_capture_func_name(c,
				PTO_CAPTURE_ORCHESTRATOR), "orch");
	assert_string_equal(pto_capture_kind_name(PTO_BUF_DEP_EDGE),
			    "dep_edge");
	pto_capture_close(c);
}

static void test_export_equals_live(void **state)
{
	static const char *const files[] = {
		"l2_swimlane_records.json", "deps.json", "name_map.json",
	};
	char out[96], cmd[256];
	pto_capture *c;
	size_t i;

	(void)state;
	snprintf(out, sizeof(out), "%s/conv", dir);
	assert_int_equal(pto_capture_open(cap_path, NULL, &c), 0);
	assert_int_equal(pto_capture_export_json(c, out), 0);
	pto_capture_close(c);
	for (i = 0; i < 3; i++) {
		snprintf(cmd, sizeof(cmd), "cmp -s '%s/live/%s' '%s/%s'", dir,
			 files[i], out, files[i]);
		assert_int_equal(system(cmd), 0);
	}
}

/* A region whose records were never collected still holds them all. */
static void test_open_region(void **state)
{
	struct prof_sim_cfg cfg = {
		.cores = 2, .threads = 2, .tasks_per_core = 6, .level = 4,
		.records = 8, .buffers = 4, .orch_records = 5,
		.orch_edges = 4,
	};
	struct pto_capture_books b = { .size = sizeof(b) };
	struct counts n = { .ordered = 1 };
	struct prof_sim s;
	pto_capture *c;
	uint32_t k;

	(void)state;
	assert_int_equal(prof_sim_init(&s, &cfg), 0);
	prof_sim_run(&s);
	assert_int_equal(pto_capture_open_region(s.region, s.size, NULL, &c),
			 0);
	assert_int_equal(pto_capture_tasks(c, on_task, &n), 0);
	assert_int_equal(n.tasks, 12);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		/* Kinds outside the level (PMU) are not recorded. */
		if (!pto_prof_kind_enabled(PTO_DFX_FLAGS_OF_LEVEL(4), k)) {
			assert_int_equal(pto_capture_reconcile(c, k, &b),
					 -ENOENT);
			continue;
		}
		assert_int_equal(pto_capture_reconcile(c, k, &b), 0);
		assert_int_equal(b.collected + b.dropped + b.mismatch,
				 b.total);
	}
	pto_capture_close(c);
	prof_sim_destroy(&s);
}

/* A region that recorded no counter frequency reads as 1 GHz, the
 * frequency the JSON export assumes. */
static void test_info_default_freq(void **state)
{
	struct prof_sim_cfg cfg = {
		.cores = 2, .threads = 2, .tasks_per_core = 6, .level = 4,
		.records = 8, .buffers = 4, .orch_records = 5,
		.orch_edges = 4,
	};
	struct pto_capture_info info = { .size = sizeof(info) };
	struct pto_prof_header *h;
	struct prof_sim s;
	pto_capture *c;

	(void)state;
	assert_int_equal(prof_sim_init(&s, &cfg), 0);
	prof_sim_run(&s);
	h = s.region;
	h->counter_freq_hz = 0;
	h->creator_freq_hz = 0;
	assert_int_equal(pto_capture_open_region(s.region, s.size, NULL, &c),
			 0);
	assert_int_equal(pto_capture_info(c, &info), 0);
	assert_int_equal(info.counter_freq_hz, 1000000000u);
	pto_capture_close(c);
	prof_sim_destroy(&s);
}

/* ---- bad input, one test each ---------------------------------------------- */

static void test_null_out(void **state)
{
	(void)state;
	assert_int_equal(pto_capture_open(cap_path, NULL, NULL), -EINVAL);
}

static void test_null_path(void **state)
{
	pto_capture *c = (pto_capture *)1;

	(void)state;
	assert_int_equal(pto_capture_open(NULL, NULL, &c), -EINVAL);
	assert_null(c);
}

static void test_opts_bad_size(void **state)
{
	struct pto_capture_opts o = { .size = 2 };
	pto_capture *c;

	(void)state;
	assert_int_equal(pto_capture_open(cap_path, &o, &c), -EINVAL);
}

static void test_opts_unknown_flags(void **state)
{
	struct pto_capture_opts o;
	pto_capture *c;

	(void)state;
	pto_capture_opts_init(&o);
	o.flags = 1;
	assert_int_equal(pto_capture_open(cap_path, &o, &c), -EINVAL);
}

static void test_missing_file(void **state)
{
	pto_capture *c;

	(void)state;
	assert_int_equal(pto_capture_open("/nonexistent/capture.ptocap", NULL,
					  &c), -ENOENT);
}

static void test_empty_file(void **state)
{
	pto_capture *c;

	(void)state;
	assert_int_equal(pto_capture_open(put("empty", "", 0), NULL, &c),
			 -EINVAL);
}

static void test_not_a_capture(void **state)
{
	char junk[256];
	pto_capture *c;

	(void)state;
	memset(junk, 'x', sizeof(junk));
	assert_int_equal(pto_capture_open(put("junk", junk, sizeof(junk)),
					  NULL, &c), -EINVAL);
}

static void test_file_header_checksum(void **state)
{
	char *b = copy();
	pto_capture *c;

	(void)state;
	((struct pto_cap_file_header *)b)->_pad[0] = 1;
	assert_int_equal(pto_capture_open(put("h.ptocap", b, cap_len), NULL,
					  &c), -EINVAL);
	free(b);
}

static void test_unknown_version(void **state)
{
	char *b = copy();
	struct pto_cap_file_header *fh = (struct pto_cap_file_header *)b;
	pto_capture *c;

	(void)state;
	fh->version = PTO_CAP_VERSION + 1;
	fh->sum = pto_cap_sum(fh, offsetof(struct pto_cap_file_header, sum));
	assert_int_equal(pto_capture_open(put("v.ptocap", b, cap_len), NULL,
					  &c), -EINVAL);
	free(b);
}

static void test_no_region_first(void **state)
{
	size_t off = section_at(PTO_CAP_SEC_REGION, 0);
	char *b = copy();
	pto_capture *c;

	(void)state;
	b[off + offsetof(struct pto_cap_section, type)] = PTO_CAP_SEC_BOOKS;
	resum(b, off);
	assert_int_equal(pto_capture_open(put("r.ptocap", b, cap_len), NULL,
					  &c), -EINVAL);
	free(b);
}

static void test_section_header_checksum(void **state)
{
	size_t off = section_at(PTO_CAP_SEC_BUFFER, 2);
	char *b = copy();

	(void)state;
	b[off + offsetof(struct pto_cap_section, flags)] ^= 1;
	expect_prefix(b, off, "section header checksum");
}

static void test_payload_checksum(void **state)
{
	size_t off = section_at(PTO_CAP_SEC_BUFFER, 3);
	char *b = copy();

	(void)state;
	b[off + sizeof(struct pto_cap_section) + 30] ^= 0x40;
	expect_prefix(b, off, "payload checksum");
}

static void test_length_past_end(void **state)
{
	size_t off = section_at(PTO_CAP_SEC_BUFFER, 1);
	char *b = copy();

	(void)state;
	/* The payload would run past the file: only the header is valid. */
	((struct pto_cap_section *)(b + off))->length = cap_len;
	resum_header(b, off);
	expect_prefix(b, off, "truncated");
}

static void test_buffer_bad_kind(void **state)
{
	size_t off = section_at(PTO_CAP_SEC_BUFFER, 0);
	char *b = copy();

	(void)state;
	((struct pto_cap_buffer *)(b + off + sizeof(struct pto_cap_section)))
		->kind = 7;
	resum(b, off);
	expect_prefix(b, off, "unknown record kind");
}

static void test_buffer_bad_pool(void **state)
{
	size_t off = section_at(PTO_CAP_SEC_BUFFER, 0);
	char *b = copy();

	(void)state;
	((struct pto_cap_buffer *)(b + off + sizeof(struct pto_cap_section)))
		->pool = 1000;
	resum(b, off);
	expect_prefix(b, off, "pool out of range");
}

static void test_buffer_bad_count(void **state)
{
	size_t off = section_at(PTO_CAP_SEC_BUFFER, 0);
	char *b = copy();

	(void)state;
	((struct pto_cap_buffer *)(b + off + sizeof(struct pto_cap_section)))
		->count += 1;
	resum(b, off);
	expect_prefix(b, off, "record count");
}

static void test_buffer_bad_word_mask(void **state)
{
	size_t off = section_at(PTO_CAP_SEC_BUFFER, 0);
	char *b = copy();

	(void)state;
	((struct pto_cap_buffer *)(b + off + sizeof(struct pto_cap_section)))
		->word_mask |= 1u << 31;
	resum(b, off);
	expect_prefix(b, off, "word mask");
}

static void test_names_overrun(void **state)
{
	size_t off = section_at(PTO_CAP_SEC_NAMES, 0);
	char *b = copy();

	(void)state;
	((struct pto_cap_name *)(b + off + sizeof(struct pto_cap_section)))
		->len = 1u << 30;
	resum(b, off);
	expect_prefix(b, off, "NAMES");
}

static void test_region_not_a_region(void **state)
{
	pto_capture *c;

	(void)state;
	assert_int_equal(pto_capture_open_region(cap, cap_len, NULL, &c),
			 -EINVAL);
	assert_int_equal(pto_capture_open_region(NULL, 0, NULL, &c), -EINVAL);
}

static void test_info_bad_size(void **state)
{
	struct pto_capture_info info = { .size = 0 };
	pto_capture *c;

	(void)state;
	assert_int_equal(pto_capture_open(cap_path, NULL, &c), 0);
	assert_int_equal(pto_capture_info(c, &info), -EINVAL);
	pto_capture_close(c);
}

static void test_reconcile_bad_kind(void **state)
{
	struct pto_capture_books b = { .size = sizeof(b) };
	pto_capture *c;

	(void)state;
	assert_int_equal(pto_capture_open(cap_path, NULL, &c), 0);
	assert_int_equal(pto_capture_reconcile(c, PTO_BUF_KIND_COUNT, &b),
			 -EINVAL);
	pto_capture_close(c);
}

static void test_reconcile_bad_size(void **state)
{
	struct pto_capture_books b = { .size = 0 };
	pto_capture *c;

	(void)state;
	assert_int_equal(pto_capture_open(cap_path, NULL, &c), 0);
	assert_int_equal(pto_capture_reconcile(c, PTO_BUF_DEP_EDGE, &b),
			 -EINVAL);
	pto_capture_close(c);
}

/* A caller built when the books ended before overwritten gets the
 * fields it knows and nothing past them. */
static void test_reconcile_older_size(void **state)
{
	struct pto_capture_books b = {
		.size = offsetof(struct pto_capture_books, overwritten),
		.overwritten = 12345,
	};
	pto_capture *c;

	(void)state;
	assert_int_equal(pto_capture_open(cap_path, NULL, &c), 0);
	assert_int_equal(pto_capture_reconcile(c, PTO_BUF_DEP_EDGE, &b), 0);
	assert_int_equal(b.size,
			 offsetof(struct pto_capture_books, overwritten));
	assert_true(b.total >= 15);
	assert_int_equal(b.collected, b.total);
	assert_int_equal(b.overwritten, 12345);
	pto_capture_close(c);
}

static void test_records_of_a_joined_kind(void **state)
{
	uint64_t n = 0;
	pto_capture *c;

	(void)state;
	assert_int_equal(pto_capture_open(cap_path, NULL, &c), 0);
	assert_int_equal(pto_capture_records(c, PTO_BUF_AICPU_TASK, on_rec,
					     &n), -EINVAL);
	pto_capture_close(c);
}

static void test_set_name_bad_func(void **state)
{
	pto_capture *c;

	(void)state;
	assert_int_equal(pto_capture_open(cap_path, NULL, &c), 0);
	assert_int_equal(pto_capture_set_func_name(c, PTO_MAX_FUNCS, "x"),
			 -EINVAL);
	assert_int_equal(pto_capture_set_func_name(c, 1, "add"), 0);
	assert_string_equal(pto_capture_func_name(c, 1), "add");
	pto_capture_close(c);
}

static void test_export_null_dir(void **state)
{
	pto_capture *c;

	(void)state;
	assert_int_equal(pto_capture_open(cap_path, NULL, &c), 0);
	assert_int_equal(pto_capture_export_json(c, NULL), -EINVAL);
	pto_capture_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_what_was_recorded),
		cmocka_unit_test(test_export_equals_live),
		cmocka_unit_test(test_open_region),
		cmocka_unit_test(test_info_default_freq),
		cmocka_unit_test(test_null_out),
		cmocka_unit_test(test_null_path),
		cmocka_unit_test(test_opts_bad_size),
		cmocka_unit_test(test_opts_unknown_flags),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_not_a_capture),
		cmocka_unit_test(test_file_header_checksum),
		cmocka_unit_test(test_unknown_version),
		cmocka_unit_test(test_no_region_first),
		cmocka_unit_test(test_section_header_checksum),
		cmocka_unit_test(test_payload_checksum),
		cmocka_unit_test(test_length_past_end),
		cmocka_unit_test(test_buffer_bad_kind),
		cmocka_unit_test(test_buffer_bad_pool),
		cmocka_unit_test(test_buffer_bad_count),
		cmocka_unit_test(test_buffer_bad_word_mask),
		cmocka_unit_test(test_names_overrun),
		cmocka_unit_test(test_region_not_a_region),
		cmocka_unit_test(test_info_bad_size),
		cmocka_unit_test(test_reconcile_bad_kind),
		cmocka_unit_test(test_reconcile_bad_size),
		cmocka_unit_test(test_reconcile_older_size),
		cmocka_unit_test(test_records_of_a_joined_kind),
		cmocka_unit_test(test_set_name_bad_func),
		cmocka_unit_test(test_export_null_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
