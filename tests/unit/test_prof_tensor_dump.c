// SPDX-License-Identifier: MIT
/*
 * Tensor dump (PTO_DFX_TENSOR_DUMP): the bytes dumped equal the tensors
 * before and after each task (IN, OUT and INOUT), a region longer than
 * the cap is cut to exactly the cap and flagged, selection by func and
 * by mark, the manifest and tensors.bin describe the same bytes, the
 * books stay exact with tiny pools and a host that holds every buffer
 * (drop and overwrite policies) and the block policy loses nothing,
 * a stalled run has its dump in the capture while it hangs, the reader
 * places the chunks it has and counts the rest (a dropped chunk reads as
 * zeros, a chunk without its head or repeated is an orphan), and every
 * invalid option or param flag is refused with its own message.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "prof_records.h"
#include "prof_tdump.h"
#include "pto.h"
#include "pto_reader.h"
#include "support/e2e_prof.h"
#include "support/stderr_capture.h"

#define F_INC	20	/* AIV: out[i] = in[i] + 1 (bytes in args[2]) */
#define F_DBL	21	/* AIC: x[i] *= 2 in place (bytes in args[1]) */
#define F_WAIT	22	/* AIV: waits until the capture holds the dump */
#define BYTES	1000

static void inc_kernel(const struct pto_kernel_ctx *ctx)
{
	const unsigned char *in = (const void *)(uintptr_t)ctx->args[0];
	unsigned char *out = (void *)(uintptr_t)ctx->args[1];
	uint64_t i;

	for (i = 0; i < ctx->args[2]; i++)
		out[i] = (unsigned char)(in[i] + 1);
}

static void dbl_kernel(const struct pto_kernel_ctx *ctx)
{
	unsigned char *x = (void *)(uintptr_t)ctx->args[0];
	uint64_t i;

	for (i = 0; i < ctx->args[1]; i++)
		x[i] = (unsigned char)(x[i] * 2);
}

/* ---- a run -------------------------------------------------------------- */

struct tworld {
	pto_device *dev;
	struct e2e_dir d;
	pto_tensor *a, *b, *c;	/* IN, OUT, INOUT */
	unsigned char a0[BYTES], c0[BYTES];	/* contents before */
	uint64_t task_inc, task_dbl;
	int mark;		/* submit with marks/dtypes */
	int wait;		/* add an F_WAIT task reading b */
};

static int two_tasks(pto_orch *o, void *user)
{
	struct tworld *w = user;
	struct pto_param p1[3] = {
		pto_in(w->a, 0, BYTES), pto_out(w->b, 0, BYTES),
		pto_scalar(BYTES),
	};
	struct pto_param p2[2] = { pto_inout(w->c, 0, BYTES),
				   pto_scalar(BYTES) };
	struct pto_param p3[1] = { pto_in(w->b, 0, BYTES) };
	int err;

	if (w->mark) {
		/* Only the OUT of the first task is marked; types on all. */
		p1[0] = pto_param_dtype(p1[0], PTO_DTYPE_U8);
		p1[1] = pto_param_mark(pto_param_dtype(p1[1], PTO_DTYPE_F32));
		p2[0] = pto_param_dtype(p2[0], PTO_DTYPE_I16);
	}
	err = pto_submit(o, F_INC, p1, 3, &w->task_inc);
	if (!err)
		err = pto_submit(o, F_DBL, p2, 2, &w->task_dbl);
	if (!err && w->wait)
		err = pto_submit(o, F_WAIT, p3, 1, NULL);
	return err;
}

static void world_open(struct tworld *w)
{
	unsigned int i;

	memset(w, 0, sizeof(*w));
	w->dev = e2e_device(1, 0);
	assert_int_equal(pto_kernel_register(w->dev, F_INC, PTO_AIV, "inc",
					     inc_kernel), 0);
	assert_int_equal(pto_kernel_register(w->dev, F_DBL, PTO_AIC, "dbl",
					     dbl_kernel), 0);
	assert_int_equal(pto_tensor_alloc(w->dev, BYTES, &w->a), 0);
	assert_int_equal(pto_tensor_alloc(w->dev, BYTES, &w->b), 0);
	assert_int_equal(pto_tensor_alloc(w->dev, BYTES, &w->c), 0);
	for (i = 0; i < BYTES; i++) {
		w->a0[i] = (unsigned char)(i * 7 + 3);
		w->c0[i] = (unsigned char)(i * 13 + 1);
	}
	assert_int_equal(pto_tensor_write(w->a, 0, w->a0, BYTES), 0);
	assert_int_equal(pto_tensor_write(w->c, 0, w->c0, BYTES), 0);
	e2e_dir_make(&w->d);
}

static void world_close(struct tworld *w)
{
	pto_tensor_free(w->a);
	pto_tensor_free(w->b);
	pto_tensor_free(w->c);
	e2e_dir_remove(&w->d);
	pto_device_close(w->dev);
}

static void dump_config(struct pto_run_config *cfg, struct tworld *w)
{
	e2e_config(cfg, &w->d);
	cfg->dfx_flags = PTO_DFX_TENSOR_DUMP;
}

/* ---- reading the dump back ---------------------------------------------- */

#define MAX_ENTRIES 16

struct got {
	unsigned int n;
	struct pto_tensor_dump e[MAX_ENTRIES];
	unsigned char data[MAX_ENTRIES][BYTES];
};

static int keep(void *ctx, const struct pto_tensor_dump *d)
{
	struct got *g = ctx;

	assert_true(g->n < MAX_ENTRIES);
	assert_true(d->dumped <= BYTES);
	g->e[g->n] = *d;
	memcpy(g->data[g->n], d->data, d->dumped);
	g->e[g->n].data = g->data[g->n];
	g->n++;
	return 0;
}

static void load_dump(const struct tworld *w, struct got *g,
		      struct pto_capture_books *books)
{
	char path[512];
	pto_capture *c;

	memset(g, 0, sizeof(*g));
	snprintf(path, sizeof(path), "%s/capture.ptocap", w->d.out);
	assert_int_equal(pto_capture_open(path, NULL, &c), 0);
	assert_int_equal(pto_capture_tensor_dumps(c, keep, g), 0);
	if (books)
		assert_int_equal(pto_capture_reconcile(c, PTO_BUF_TENSOR_DUMP,
						       books), 0);
	pto_capture_close(c);
}

static const struct pto_tensor_dump *find(const struct got *g,
					  uint64_t task, uint32_t arg,
					  uint32_t stage)
{
	unsigned int i;

	for (i = 0; i < g->n; i++)
		if (g->e[i].task_id == task && g->e[i].arg == arg &&
		    g->e[i].stage == stage)
			return &g->e[i];
	return NULL;
}

static void check_entry(const struct pto_tensor_dump *e, uint32_t role,
			uint64_t dumped, const unsigned char *want)
{
	assert_non_null(e);
	assert_int_equal(e->role, role);
	assert_int_equal(e->bytes, BYTES);
	assert_int_equal(e->offset, 0);
	assert_int_equal(e->dumped, dumped);
	assert_int_equal(e->truncated, dumped < BYTES);
	assert_int_equal(e->lost, 0);
	assert_memory_equal(e->data, want, dumped);
}

/*
 * The four copies of two_tasks: IN before, OUT after (b1: the output read
 * back), INOUT before and after (c1: the INOUT read back).
 */
static void check_four(const struct tworld *w, const struct got *g,
		       const unsigned char *b1, const unsigned char *c1)
{
	check_entry(find(g, w->task_inc, 0, PTO_TDUMP_STAGE_BEFORE),
		    PTO_TDUMP_ROLE_IN, BYTES, w->a0);
	check_entry(find(g, w->task_inc, 1, PTO_TDUMP_STAGE_AFTER),
		    PTO_TDUMP_ROLE_OUT, BYTES, b1);
	check_entry(find(g, w->task_dbl, 0, PTO_TDUMP_STAGE_BEFORE),
		    PTO_TDUMP_ROLE_INOUT, BYTES, w->c0);
	check_entry(find(g, w->task_dbl, 0, PTO_TDUMP_STAGE_AFTER),
		    PTO_TDUMP_ROLE_INOUT, BYTES, c1);
}

/* Two buffers of two records for the dump's pools. */
static void tiny_pools(struct pto_run_config *cfg)
{
	cfg->records_per_buffer[PTO_BUF_TENSOR_DUMP] = 2;
	cfg->buffers_per_pool[PTO_BUF_TENSOR_DUMP] = 2;
}

/*
 * The books of two_tasks' dump: one head per copy plus one record per
 * 120 bytes, each collected, dropped, overwritten or mismatched.
 */
static void assert_books_exact(const struct pto_capture_books *b)
{
	assert_int_equal(b->total, 4 * (1 + (BYTES + 119) / 120));
	assert_int_equal(b->collected + b->dropped + b->overwritten +
			 b->mismatch, b->total);
}

/* ---- tests -------------------------------------------------------------- */

static void test_bytes_before_and_after(void **state)
{
	struct pto_run_result res = { .size = sizeof(res) };
	unsigned char b1[BYTES], c1[BYTES];
	struct pto_run_config cfg;
	struct tworld w;
	struct got g;
	unsigned int i;

	(void)state;
	world_open(&w);
	dump_config(&cfg, &w);
	assert_int_equal(pto_run(w.dev, &cfg, two_tasks, &w, &res), 0);
	assert_int_equal(pto_tensor_read(w.b, 0, b1, BYTES), 0);
	assert_int_equal(pto_tensor_read(w.c, 0, c1, BYTES), 0);
	for (i = 0; i < BYTES; i++) {
		assert_int_equal(b1[i], (unsigned char)(w.a0[i] + 1));
		assert_int_equal(c1[i], (unsigned char)(w.c0[i] * 2));
	}
	/* IN before, OUT after, INOUT before and after: 4 copies. */
	assert_int_equal(res.tensors_dumped, 4);
	assert_int_equal(res.tensors_truncated, 0);
	load_dump(&w, &g, NULL);
	assert_int_equal(g.n, 4);
	check_four(&w, &g, b1, c1);
	assert_null(find(&g, w.task_inc, 0, PTO_TDUMP_STAGE_AFTER));
	assert_null(find(&g, w.task_inc, 1, PTO_TDUMP_STAGE_BEFORE));
	assert_int_equal(find(&g, w.task_inc, 0, 0)->func_id[1], F_INC);
	assert_int_equal(find(&g, w.task_dbl, 0, 0)->func_id[0], F_DBL);
	world_close(&w);
}

/* The manifest's entries point at the same bytes in tensors.bin. */
static void test_manifest_and_bin(void **state)
{
	struct pto_run_config cfg;
	const struct jc_value *t, *e;
	struct jc_value *man;
	unsigned char buf[BYTES];
	char dir[512], path[600];
	struct tworld w;
	struct got g;
	size_t i, total = 0;
	FILE *f;

	(void)state;
	world_open(&w);
	w.mark = 1;		/* dtypes given at submit */
	dump_config(&cfg, &w);
	assert_int_equal(pto_run(w.dev, &cfg, two_tasks, &w, NULL), 0);
	load_dump(&w, &g, NULL);
	snprintf(dir, sizeof(dir), "%s/tensor_dump", w.d.out);
	man = e2e_load(dir, "manifest.json");
	assert_non_null(man);
	t = jc_get(man, "tensors");
	assert_non_null(t);
	assert_int_equal(t->len, 4);
	assert_int_equal(e2e_u64(jc_get(man, "entries")), 4);
	assert_int_equal(e2e_u64(jc_get(man, "truncated")), 0);
	snprintf(path, sizeof(path), "%s/tensors.bin", dir);
	f = fopen(path, "rb");
	assert_non_null(f);
	for (i = 0; i < t->len; i++) {
		const struct pto_tensor_dump *d;
		uint64_t task, off, size;

		e = t->items[i];
		task = e2e_u64(jc_get(e, "task"));
		d = find(&g, task, (uint32_t)e2e_u64(jc_get(e, "param")),
			 !strcmp(jc_get(e, "stage")->text, "after"));
		assert_non_null(d);
		assert_string_equal(jc_get(e, "role")->text,
				    d->role == PTO_TDUMP_ROLE_IN ? "in" :
				    d->role == PTO_TDUMP_ROLE_OUT ? "out" :
				    "inout");
		assert_string_equal(jc_get(e, "dtype")->text, task ==
				    w.task_dbl ? "i16" : d->arg ? "f32" :
				    "u8");
		assert_int_equal(e2e_u64(jc_get(e, "func")), task ==
				 w.task_dbl ? F_DBL : F_INC);
		assert_int_equal(e2e_u64(jc_get(e, "bytes")), BYTES);
		off = e2e_u64(jc_get(e, "bin_offset"));
		size = e2e_u64(jc_get(e, "bin_size"));
		assert_int_equal(off, total);
		assert_int_equal(size, BYTES);
		assert_int_equal(fseek(f, (long)off, SEEK_SET), 0);
		assert_int_equal(fread(buf, 1, BYTES, f), BYTES);
		assert_memory_equal(buf, d->data, BYTES);
		total += size;
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_int_equal(ftell(f), (long)total);
	fclose(f);
	jc_free(man);
	world_close(&w);
}

static void test_truncated_at_cap(void **state)
{
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config cfg;
	struct tworld w;
	struct got g;
	unsigned int i;

	(void)state;
	world_open(&w);
	dump_config(&cfg, &w);
	cfg.tensor_dump_max_bytes = 130;	/* a chunk and a bit */
	assert_int_equal(pto_run(w.dev, &cfg, two_tasks, &w, &res), 0);
	assert_int_equal(res.tensors_dumped, 4);
	assert_int_equal(res.tensors_truncated, 4);
	load_dump(&w, &g, NULL);
	assert_int_equal(g.n, 4);
	for (i = 0; i < g.n; i++) {
		assert_int_equal(g.e[i].dumped, 130);
		assert_true(g.e[i].truncated);
		assert_int_equal(g.e[i].bytes, BYTES);
	}
	check_entry(find(&g, w.task_inc, 0, PTO_TDUMP_STAGE_BEFORE),
		    PTO_TDUMP_ROLE_IN, 130, w.a0);
	check_entry(find(&g, w.task_dbl, 0, PTO_TDUMP_STAGE_BEFORE),
		    PTO_TDUMP_ROLE_INOUT, 130, w.c0);
	world_close(&w);
}

static void test_select_by_func(void **state)
{
	struct pto_run_config cfg;
	struct tworld w;
	struct got g;
	unsigned int i;

	(void)state;
	world_open(&w);
	dump_config(&cfg, &w);
	cfg.tensor_dump_select = PTO_TDUMP_FUNC;
	cfg.tensor_dump_func = F_DBL;
	assert_int_equal(pto_run(w.dev, &cfg, two_tasks, &w, NULL), 0);
	load_dump(&w, &g, NULL);
	assert_int_equal(g.n, 2);
	for (i = 0; i < g.n; i++)
		assert_int_equal(g.e[i].task_id, w.task_dbl);
	check_entry(find(&g, w.task_dbl, 0, PTO_TDUMP_STAGE_BEFORE),
		    PTO_TDUMP_ROLE_INOUT, BYTES, w.c0);
	world_close(&w);
}

static void test_select_by_mark(void **state)
{
	struct pto_run_config cfg;
	unsigned char b1[BYTES];
	struct tworld w;
	struct got g;

	(void)state;
	world_open(&w);
	w.mark = 1;
	dump_config(&cfg, &w);
	cfg.tensor_dump_select = PTO_TDUMP_MARKED;
	assert_int_equal(pto_run(w.dev, &cfg, two_tasks, &w, NULL), 0);
	assert_int_equal(pto_tensor_read(w.b, 0, b1, BYTES), 0);
	load_dump(&w, &g, NULL);
	assert_int_equal(g.n, 1);
	check_entry(find(&g, w.task_inc, 1, PTO_TDUMP_STAGE_AFTER),
		    PTO_TDUMP_ROLE_OUT, BYTES, b1);
	assert_int_equal(g.e[0].dtype, PTO_DTYPE_F32);
	world_close(&w);
}

/*
 * Two buffers of two records per pool and a host that returns none while
 * the run is live: most records are dropped, and the books still hold
 * every record the writers made: one head per copy plus one record per
 * 120 bytes (4 x (1 + 9) = 40).
 */
static void test_reconcile_tiny_pools_held_host(void **state)
{
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_capture_books b = { .size = sizeof(b) };
	struct pto_run_config cfg;
	struct tworld w;
	struct got g;
	uint64_t lost = 0;
	unsigned int i;

	(void)state;
	setenv("PTO_PROF_HOST_THROTTLE_US", "-1", 1);
	world_open(&w);
	dump_config(&cfg, &w);
	tiny_pools(&cfg);
	assert_int_equal(pto_run(w.dev, &cfg, two_tasks, &w, &res), 0);
	unsetenv("PTO_PROF_HOST_THROTTLE_US");
	assert_true(res.reconcile_ok);
	load_dump(&w, &g, &b);
	assert_books_exact(&b);
	assert_true(b.dropped > 0);
	assert_int_equal(b.mismatch, 0);
	assert_int_equal(res.records_dropped, b.dropped);
	/* What was collected is placed; what was not reads as lost. */
	for (i = 0; i < g.n; i++)
		lost += g.e[i].lost;
	assert_true(g.n >= 1);
	assert_true(lost > 0);
	world_close(&w);
}

/*
 * The block policy with the same tiny pools and a live host: the writers
 * wait for buffers instead of dropping, so every byte arrives.
 */
static void test_block_policy_loses_nothing(void **state)
{
	struct pto_run_result res = { .size = sizeof(res) };
	unsigned char b1[BYTES], c1[BYTES];
	struct pto_capture_books b = { .size = sizeof(b) };
	struct pto_run_config cfg;
	struct tworld w;
	struct got g;
	unsigned int i;

	(void)state;
	world_open(&w);
	dump_config(&cfg, &w);
	tiny_pools(&cfg);
	cfg.buffer_policy[PTO_BUF_TENSOR_DUMP] = PTO_BUF_POLICY_BLOCK;
	cfg.block_timeout_ms = 600000;	/* a live host always answers */
	assert_int_equal(pto_run(w.dev, &cfg, two_tasks, &w, &res), 0);
	assert_int_equal(pto_tensor_read(w.b, 0, b1, BYTES), 0);
	assert_int_equal(pto_tensor_read(w.c, 0, c1, BYTES), 0);
	load_dump(&w, &g, &b);
	assert_int_equal(b.total, 4 * (1 + (BYTES + 119) / 120));
	assert_int_equal(b.collected, b.total);
	assert_int_equal(b.dropped + b.overwritten + b.mismatch, 0);
	assert_int_equal(g.n, 4);
	for (i = 0; i < g.n; i++)
		assert_int_equal(g.e[i].lost, 0);
	check_four(&w, &g, b1, c1);
	world_close(&w);
}

/*
 * The overwrite policy with a host that holds every buffer: the oldest
 * buffers are reused, the books count them overwritten and stay exact.
 */
static void test_overwrite_policy_books(void **state)
{
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_capture_books b = { .size = sizeof(b) };
	struct pto_run_config cfg;
	struct tworld w;
	struct got g;

	(void)state;
	setenv("PTO_PROF_HOST_THROTTLE_US", "-1", 1);
	world_open(&w);
	dump_config(&cfg, &w);
	tiny_pools(&cfg);
	cfg.buffer_policy[PTO_BUF_TENSOR_DUMP] = PTO_BUF_POLICY_OVERWRITE;
	assert_int_equal(pto_run(w.dev, &cfg, two_tasks, &w, &res), 0);
	unsetenv("PTO_PROF_HOST_THROTTLE_US");
	assert_true(res.reconcile_ok);
	load_dump(&w, &g, &b);
	assert_books_exact(&b);
	assert_true(b.overwritten > 0);
	assert_int_equal(b.mismatch, 0);
	world_close(&w);
}

/* ---- the reader on hand-made records ------------------------------------ */

static struct pto_tdump_data chunk_rec(uint32_t entry, uint32_t chunk,
				       unsigned char fill)
{
	struct pto_tdump_data d = { .entry = entry, .chunk = chunk };

	memset(d.data, fill, sizeof(d.data));
	return d;
}

static struct pto_tdump_data head_rec(uint32_t entry, uint64_t task,
				      uint64_t dumped)
{
	struct pto_tdump_head h = { .entry = entry, .task_id = task,
				    .bytes = dumped, .dumped = dumped };
	struct pto_tdump_data d;

	memcpy(&d, &h, sizeof(d));
	return d;
}

/*
 * Pool 0: entry 0 of 300 bytes whose chunk 2 was dropped, a chunk of
 * entry 1 whose head was dropped, entry 2 of 10 bytes with its chunk
 * twice. Pool 1: entry 0 of 120 bytes, whole.
 */
static void test_reader_places_chunks(void **state)
{
	const struct pto_tdump_data p0[] = {
		head_rec(0, 7, 300), chunk_rec(0, 1, 0x11),
		chunk_rec(0, 3, 0x33), chunk_rec(1, 1, 0x44),
		head_rec(2, 8, 10), chunk_rec(2, 1, 0x55),
		chunk_rec(2, 1, 0x66),
	};
	const struct pto_tdump_data p1[] = {
		head_rec(0, 9, 120), chunk_rec(0, 1, 0x77),
	};
	struct prof_records r;
	unsigned char want[300];
	uint64_t orphans = 0;
	struct got g;

	(void)state;
	prof_records_init_empty(&r);
	assert_int_equal(prof_records_add(&r, PTO_BUF_TENSOR_DUMP, 0, p0, 7),
			 0);
	assert_int_equal(prof_records_add(&r, PTO_BUF_TENSOR_DUMP, 1, p1, 2),
			 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(prof_tdump_each(&r, keep, &g, &orphans), 0);
	prof_records_free(&r);
	assert_int_equal(g.n, 3);
	assert_int_equal(orphans, 2);
	/* Entry 0: chunk 2 (bytes 120..239) lost, reads as zeros. */
	memset(want, 0x11, 120);
	memset(want + 120, 0, 120);
	memset(want + 240, 0x33, 60);
	assert_int_equal(g.e[0].task_id, 7);
	assert_int_equal(g.e[0].lost, 120);
	assert_memory_equal(g.e[0].data, want, 300);
	/* Entry 2: the first copy of its chunk counts, once. */
	memset(want, 0x55, 10);
	assert_int_equal(g.e[1].task_id, 8);
	assert_int_equal(g.e[1].lost, 0);
	assert_memory_equal(g.e[1].data, want, 10);
	assert_int_equal(g.e[2].task_id, 9);
	assert_int_equal(g.e[2].thread, 1);
	assert_int_equal(g.e[2].lost, 0);
}

/* ---- a stalled run ------------------------------------------------------ */

static char wait_capture[512];
static atomic_int wait_seen;

static int count_dumps(void *ctx, const struct pto_tensor_dump *d)
{
	(void)d;
	(*(unsigned int *)ctx)++;
	return 0;
}

/*
 * Hangs until the run's capture holds the 3 copies made so far (IN of
 * task 1, OUT of task 1, IN of this task), which only the stall's flush
 * puts there: each pool holds them in a buffer far from full. Gives up
 * after 30 s (the test then fails).
 */
static void wait_kernel(const struct pto_kernel_ctx *ctx)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	unsigned int i, n;
	pto_capture *c;

	(void)ctx;
	for (i = 0; i < 3000; i++) {
		n = 0;
		if (!pto_capture_open(wait_capture, NULL, &c)) {
			pto_capture_tensor_dumps(c, count_dumps, &n);
			pto_capture_close(c);
		}
		if (n >= 3) {
			atomic_store(&wait_seen, 1);
			return;
		}
		nanosleep(&ts, NULL);	/* polls the file: not a sync */
	}
}

static void test_stall_flushes_dump(void **state)
{
	struct pto_run_config cfg;
	struct stderr_capture sc;
	char err[4096];
	struct tworld w;
	int rc;

	(void)state;
	world_open(&w);
	assert_int_equal(pto_kernel_register(w.dev, F_WAIT, PTO_AIV, "wait",
					     wait_kernel), 0);
	w.wait = 1;
	dump_config(&cfg, &w);
	cfg.stall_report_ms = 100;
	snprintf(wait_capture, sizeof(wait_capture), "%s/capture.ptocap",
		 w.d.out);
	atomic_store(&wait_seen, 0);
	assert_int_equal(stderr_capture_begin(&sc), 0);
	rc = pto_run(w.dev, &cfg, two_tasks, &w, NULL);
	stderr_capture_end(&sc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_non_null(strstr(err, "pto: STALL"));
	assert_true(atomic_load(&wait_seen));
	world_close(&w);
}

/* ---- invalid options and params ----------------------------------------- */

/* A dump run with set() applied to its config and orchestration fn is
 * refused with -EINVAL and msg.
 */
static void run_bad(void (*set)(struct pto_run_config *), pto_orch_fn fn,
		    const char *msg)
{
	struct pto_run_config cfg;
	struct stderr_capture sc;
	char err[2048];
	struct tworld w;
	int rc;

	world_open(&w);
	dump_config(&cfg, &w);
	if (set)
		set(&cfg);
	assert_int_equal(stderr_capture_begin(&sc), 0);
	rc = pto_run(w.dev, &cfg, fn, &w, NULL);
	stderr_capture_end(&sc, err, sizeof(err));
	assert_int_equal(rc, -EINVAL);
	if (!strstr(err, msg))
		fail_msg("expected \"%s\" in: %s", msg, err);
	world_close(&w);
}

static void s_select(struct pto_run_config *c)
{
	c->tensor_dump_select = (enum pto_tdump_select)7;
}

static void s_func_without_select(struct pto_run_config *c)
{
	c->tensor_dump_func = F_INC;
}

static void s_func_unregistered(struct pto_run_config *c)
{
	c->tensor_dump_select = PTO_TDUMP_FUNC;
	c->tensor_dump_func = 999;
}

static void s_cap_too_big(struct pto_run_config *c)
{
	c->tensor_dump_max_bytes = PTO_TDUMP_MAX_BYTES + 1;
}

static void s_without_bit(struct pto_run_config *c)
{
	c->dfx_flags = PTO_DFX_AICORE_TIMING;
	c->tensor_dump_max_bytes = 4096;
}

static void test_bad_select(void **state)
{
	(void)state;
	run_bad(s_select, two_tasks, "run_config.tensor_dump_select 7");
}

static void test_bad_func_without_select(void **state)
{
	(void)state;
	run_bad(s_func_without_select, two_tasks, "tensor_dump_func 20: only with");
}

static void test_bad_func_unregistered(void **state)
{
	(void)state;
	run_bad(s_func_unregistered, two_tasks,
		"tensor_dump_func 999: not a registered kernel");
}

static void test_bad_cap(void **state)
{
	(void)state;
	run_bad(s_cap_too_big, two_tasks, "tensor_dump_max_bytes 67108865: at most");
}

static void test_bad_options_without_bit(void **state)
{
	(void)state;
	run_bad(s_without_bit, two_tasks, "lacks PTO_DFX_TENSOR_DUMP");
}

/* A submit whose param kind is kind: the run fails with its message. */
static unsigned int bad_kind;

static int bad_submit(pto_orch *o, void *user)
{
	struct tworld *w = user;
	struct pto_param p[2] = { pto_in(w->a, 0, BYTES), pto_scalar(1) };

	p[bad_kind == PTO_PARAM_SCALAR ? 1 : 0].kind =
		(enum pto_param_kind)(bad_kind == PTO_PARAM_SCALAR ?
				      PTO_PARAM_SCALAR | PTO_PARAM_MARK :
				      bad_kind);
	return pto_submit(o, F_INC, p, 2, NULL);
}

static void submit_bad(unsigned int kind, const char *msg)
{
	bad_kind = kind;
	run_bad(NULL, bad_submit, msg);
}

static void test_bad_mark_on_scalar(void **state)
{
	(void)state;
	submit_bad(PTO_PARAM_SCALAR, "param 1: a scalar has no tensor");
}

static void test_bad_dtype(void **state)
{
	(void)state;
	submit_bad(PTO_PARAM_IN | PTO_PARAM_DTYPE(PTO_DTYPE_COUNT),
		   "param 0: dtype 13 unknown");
}

static void test_bad_kind_bits(void **state)
{
	(void)state;
	submit_bad(PTO_PARAM_IN | 0x200, "unknown bits 0x200");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_before_and_after),
		cmocka_unit_test(test_manifest_and_bin),
		cmocka_unit_test(test_truncated_at_cap),
		cmocka_unit_test(test_select_by_func),
		cmocka_unit_test(test_select_by_mark),
		cmocka_unit_test(test_reconcile_tiny_pools_held_host),
		cmocka_unit_test(test_block_policy_loses_nothing),
		cmocka_unit_test(test_overwrite_policy_books),
		cmocka_unit_test(test_stall_flushes_dump),
		cmocka_unit_test(test_reader_places_chunks),
		cmocka_unit_test(test_bad_select),
		cmocka_unit_test(test_bad_func_without_select),
		cmocka_unit_test(test_bad_func_unregistered),
		cmocka_unit_test(test_bad_cap),
		cmocka_unit_test(test_bad_options_without_bit),
		cmocka_unit_test(test_bad_mark_on_scalar),
		cmocka_unit_test(test_bad_dtype),
		cmocka_unit_test(test_bad_kind_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
