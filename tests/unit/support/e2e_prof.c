// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "e2e_prof.h"

const char *const e2e_kind_name[E2E_KINDS] = {
	"aicpu_task", "sched_phase", "orch_phase", "aicore_task", "dep_edge",
};

static void noop_kernel(const struct pto_kernel_ctx *ctx)
{
	(void)ctx;
}

pto_device *e2e_device(unsigned int blocks, unsigned int aicpu_threads)
{
	struct pto_device_opts o;
	pto_device *dev = NULL;

	pto_device_opts_init(&o);
	o.backend = PTO_BACKEND_SIM;
	o.blocks = blocks;
	o.aicpu_threads = aicpu_threads;
	if (pto_device_open(&o, &dev) ||
	    pto_kernel_register(dev, E2E_AIC, PTO_AIC, "e2e_aic",
				noop_kernel) ||
	    pto_kernel_register(dev, E2E_AIV, PTO_AIV, "e2e_aiv",
				noop_kernel) ||
	    pto_kernel_register(dev, E2E_AIV_B, PTO_AIV, "e2e_aiv_b",
				noop_kernel)) {
		fprintf(stderr, "cannot open a sim device\n");
		abort();
	}
	return dev;
}

void e2e_dir_make(struct e2e_dir *d)
{
	snprintf(d->root, sizeof(d->root), "%s/pto_e2e_XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(d->root));
	snprintf(d->out, sizeof(d->out), "%s/out", d->root);
}

/* Removes dir's files and, one level down, its directories' files. */
static void remove_tree(const char *dir, int depth)
{
	char path[512];
	struct dirent *e;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) && depth)
			remove_tree(path, depth - 1);
	}
	closedir(dp);
	rmdir(dir);
}

void e2e_dir_remove(struct e2e_dir *d)
{
	remove_tree(d->root, 1);
}

int e2e_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

struct jc_value *e2e_load(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return jc_parse_file(path);
}

void e2e_config(struct pto_run_config *cfg, const struct e2e_dir *d)
{
	pto_run_config_init(cfg);
	cfg->quiet = 1;
	cfg->output_prefix = d->out;
}

void e2e_capture_run(pto_device *dev, const struct e2e_dir *d,
		     const char *sub, unsigned int n, char *cap, size_t len)
{
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config cfg;
	struct e2e_work w;
	char prefix[400];

	snprintf(prefix, sizeof(prefix), "%s/%s", d->root, sub);
	e2e_config(&cfg, d);
	cfg.output_prefix = prefix;
	cfg.chip_swimlane_level = 4;
	cfg.capture_only = 1;
	e2e_work_init(&w, dev, n);
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &w, &res), 0);
	assert_true(res.reconcile_ok);
	e2e_work_fini(&w);
	assert_true((size_t)snprintf(cap, len, "%s/capture.ptocap",
				     res.output_dir) < len);
}

uint64_t e2e_u64(const struct jc_value *v)
{
	assert_non_null(v);
	assert_true(v->type == JC_NUM || v->type == JC_STR);
	assert_non_null(v->text);
	return strtoull(v->text, NULL, 10);
}

static double num(const struct jc_value *obj, const char *key)
{
	const struct jc_value *v = jc_get(obj, key);

	assert_non_null(v);
	assert_int_equal(v->type, JC_NUM);
	return v->num;
}

struct e2e_row *e2e_rows(const struct jc_value *rec, size_t *n)
{
	const struct jc_value *tasks = jc_get(rec, "tasks"), *t, *ct;
	struct e2e_row *rows;
	size_t i;

	assert_non_null(tasks);
	assert_int_equal(tasks->type, JC_ARR);
	rows = calloc(tasks->len ? tasks->len : 1, sizeof(*rows));
	assert_non_null(rows);
	for (i = 0; i < tasks->len; i++) {
		t = tasks->items[i];
		rows[i].task_id = e2e_u64(jc_get(t, "task_id"));
		rows[i].func_id = (uint32_t)e2e_u64(jc_get(t, "func_id"));
		rows[i].core_id = (uint32_t)e2e_u64(jc_get(t, "core_id"));
		ct = jc_get(t, "core_type");
		assert_non_null(ct);
		assert_true(!strcmp(ct->text, "aic") ||
			    !strcmp(ct->text, "aiv"));
		rows[i].aic = !strcmp(ct->text, "aic");
		assert_int_equal(e2e_u64(jc_get(t, "ring_id")),
				 rows[i].task_id >> 32);
		rows[i].start = num(t, "start_time_us");
		rows[i].end = num(t, "end_time_us");
		rows[i].dispatch = num(t, "dispatch_time_us");
		rows[i].finish = num(t, "finish_time_us");
		rows[i].receive = num(t, "receive_time_us");
	}
	*n = tasks->len;
	return rows;
}

struct e2e_edge *e2e_edges(const struct jc_value *deps, size_t *n)
{
	const struct jc_value *edges = jc_get(deps, "edges");
	struct e2e_edge *out;
	size_t i;

	assert_non_null(edges);
	assert_int_equal(edges->type, JC_ARR);
	out = calloc(edges->len ? edges->len : 1, sizeof(*out));
	assert_non_null(out);
	for (i = 0; i < edges->len; i++) {
		out[i].pred = e2e_u64(jc_get(edges->items[i], "pred"));
		out[i].succ = e2e_u64(jc_get(edges->items[i], "succ"));
	}
	*n = edges->len;
	return out;
}

const struct jc_value *e2e_books(const struct jc_value *rec, unsigned int k)
{
	return jc_get(jc_get(rec, "reconcile"), e2e_kind_name[k]);
}

void e2e_check_books(const struct jc_value *rec, uint64_t *dropped,
		     uint64_t *mismatch)
{
	const struct jc_value *r = jc_get(rec, "reconcile"), *b;
	uint64_t d = 0, m = 0, t, c, bd, bm, ow;
	size_t i;

	assert_non_null(r);
	assert_int_equal(r->type, JC_OBJ);
	for (i = 0; i < r->len; i++) {
		b = r->items[i];
		t = e2e_u64(jc_get(b, "total"));
		c = e2e_u64(jc_get(b, "collected"));
		bd = e2e_u64(jc_get(b, "dropped"));
		bm = e2e_u64(jc_get(b, "mismatch"));
		ow = jc_get(b, "overwritten") ?
		     e2e_u64(jc_get(b, "overwritten")) : 0;
		if (c + bd + bm + ow != t)
			fail_msg("%s: collected %llu + dropped %llu + mismatch "
				 "%llu + overwritten %llu != total %llu",
				 r->keys[i], (unsigned long long)c,
				 (unsigned long long)bd, (unsigned long long)bm,
				 (unsigned long long)ow, (unsigned long long)t);
		d += bd;
		m += bm;
	}
	if (dropped)
		*dropped = d;
	if (mismatch)
		*mismatch = m;
}

void e2e_work_init(struct e2e_work *w, pto_device *dev, unsigned int n)
{
	memset(w, 0, sizeof(*w));
	assert_true(n > 0 && n <= E2E_WORK_MAX);
	w->n = n;
	assert_int_equal(pto_tensor_alloc(dev, (size_t)n * 64, &w->t), 0);
}

void e2e_work_fini(struct e2e_work *w)
{
	pto_tensor_free(w->t);
	w->t = NULL;
}

int e2e_work_orch(pto_orch *o, void *user)
{
	static const uint32_t kinds[6][3] = {
		{ E2E_AIC, PTO_FUNC_NONE, PTO_FUNC_NONE },
		{ PTO_FUNC_NONE, E2E_AIV, PTO_FUNC_NONE },
		{ E2E_AIC, E2E_AIV, PTO_FUNC_NONE },
		{ E2E_AIC, E2E_AIV, E2E_AIV_B },
		{ PTO_FUNC_NONE, E2E_AIV_B, PTO_FUNC_NONE },
		{ PTO_FUNC_NONE, E2E_AIV, E2E_AIV_B },
	};
	struct e2e_work *w = user;
	struct pto_param p[3];
	struct pto_mixed_funcs mf;
	const uint32_t *k;
	unsigned int i, np, s;
	int err;

	for (i = 0; i < w->n; i++) {
		k = kinds[i % 6];
		np = 0;
		p[np++] = pto_out(w->t, (uint64_t)i * 64, 64);
		if (i >= 1)
			p[np++] = pto_in(w->t, (uint64_t)(i - 1) * 64, 64);
		if (i >= 3)
			p[np++] = pto_in(w->t, (uint64_t)(i - 3) * 64, 64);
		s = (k[0] != PTO_FUNC_NONE) + (k[1] != PTO_FUNC_NONE) +
		    (k[2] != PTO_FUNC_NONE);
		if (s == 1 && k[2] == PTO_FUNC_NONE) {
			err = pto_submit(o, k[0] != PTO_FUNC_NONE ? k[0] : k[1],
					 p, np, &w->ids[i]);
		} else {
			mf.aic = k[0];
			mf.aiv0 = k[1];
			mf.aiv1 = k[2];
			err = pto_submit_mixed(o, &mf, p, np, &w->ids[i]);
		}
		if (err) {
			w->err = err;
			return err;
		}
		memcpy(w->funcs[i], k, sizeof(w->funcs[i]));
		w->subtasks[i] = s;
	}
	return 0;
}

unsigned int e2e_work_subtasks(const struct e2e_work *w)
{
	unsigned int i, s = 0;

	for (i = 0; i < w->n; i++)
		s += w->subtasks[i];
	return s;
}
