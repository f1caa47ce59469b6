// SPDX-License-Identifier: MIT
/*
 * ptodump convert, Chrome JSON: records -> trace -> parsed back. Every
 * task row becomes one slice on its core's lane, every deps edge one
 * flow pair, every scheduler phase one slice; a row's receive time is
 * its slice's argument and a "local_setup" slice from receive to start
 * on its lane; a name map names slices;
 * the loss marker appears exactly when records were lost; a missing
 * deps.json is a warning; nothing is drawn on a non-terminal stderr.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pd_json.h"
#include "support/ptodump_support.h"

struct ev {
	char name[96], cat[16], ph[4];
	int pid, tid;
	double ts, dur;
	uint64_t id, task_id, core_id;
	int has_task, has_receive;
	double receive;
};

struct trace {
	struct ev *v;
	size_t n, cap;
};

static void read_args(struct pj *p, struct ev *e)
{
	enum pj_tok k, v;
	char key[32];

	while ((k = pj_next(p)) == PJ_KEY) {
		pj_copy(p, key, sizeof(key));
		v = pj_next(p);
		if (!strcmp(key, "taskId")) {
			assert_int_equal(pj_u64(p, v, key, &e->task_id), 0);
			e->has_task = 1;
		} else if (!strcmp(key, "coreId")) {
			assert_int_equal(pj_u64(p, v, key, &e->core_id), 0);
		} else if (!strcmp(key, "receive-us")) {
			assert_int_equal(pj_dbl(p, v, key, &e->receive), 0);
			e->has_receive = 1;
		} else {
			assert_int_equal(pj_skip(p, v), 0);
		}
	}
	assert_int_equal(k, PJ_OBJ_END);
}

static void read_event(struct pj *p, struct ev *e)
{
	enum pj_tok k, v;
	char key[32];
	int64_t i;

	memset(e, 0, sizeof(*e));
	while ((k = pj_next(p)) == PJ_KEY) {
		pj_copy(p, key, sizeof(key));
		v = pj_next(p);
		if (!strcmp(key, "name") || !strcmp(key, "cat") ||
		    !strcmp(key, "ph")) {
			assert_int_equal(v, PJ_STR);
			pj_copy(p, !strcmp(key, "name") ? e->name :
				!strcmp(key, "cat") ? e->cat : e->ph,
				!strcmp(key, "name") ? sizeof(e->name) :
				!strcmp(key, "cat") ? sizeof(e->cat) :
				sizeof(e->ph));
		} else if (!strcmp(key, "pid") || !strcmp(key, "tid")) {
			assert_int_equal(pj_i64(p, v, key, &i), 0);
			*(key[0] == 'p' ? &e->pid : &e->tid) = (int)i;
		} else if (!strcmp(key, "ts")) {
			assert_int_equal(pj_dbl(p, v, key, &e->ts), 0);
		} else if (!strcmp(key, "dur")) {
			assert_int_equal(pj_dbl(p, v, key, &e->dur), 0);
		} else if (!strcmp(key, "id")) {
			assert_int_equal(pj_u64(p, v, key, &e->id), 0);
		} else if (!strcmp(key, "args")) {
			assert_int_equal(v, PJ_OBJ);
			read_args(p, e);
		} else {
			assert_int_equal(pj_skip(p, v), 0);
		}
	}
	assert_int_equal(k, PJ_OBJ_END);
}

static void load_trace(const char *path, struct trace *t)
{
	struct pj *p = malloc(sizeof(*p));
	enum pj_tok k;

	memset(t, 0, sizeof(*t));
	assert_non_null(p);
	assert_int_equal(pj_open(p, path), 0);
	assert_int_equal(pj_next(p), PJ_OBJ);
	assert_int_equal(pj_next(p), PJ_KEY);
	assert_string_equal(p->str, "traceEvents");
	assert_int_equal(pj_next(p), PJ_ARR);
	while ((k = pj_next(p)) == PJ_OBJ) {
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 256;
			t->v = realloc(t->v, t->cap * sizeof(*t->v));
			assert_non_null(t->v);
		}
		read_event(p, &t->v[t->n++]);
	}
	assert_int_equal(k, PJ_ARR_END);
	assert_int_equal(pj_next(p), PJ_OBJ_END);
	assert_int_equal(pj_next(p), PJ_EOF);
	pj_close(p);
	free(p);
}

struct ctx {
	char dir[256], records[512], out[512];
	struct ptodump_set set;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c || ptodump_tmpdir(c->dir, sizeof(c->dir)))
		return -1;
	ptodump_gen(&c->set, 400, 9, 3, 7, 1);
	if (ptodump_write_set(&c->set, c->dir))
		return -1;
	snprintf(c->records, sizeof(c->records), "%s/l2_swimlane_records.json",
		 c->dir);
	snprintf(c->out, sizeof(c->out), "%s/out.json", c->dir);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ptodump_set_free(&c->set);
	ptodump_rmdir(c->dir);
	free(c);
	return 0;
}

static int convert(struct ctx *c, const char *extra, char **err)
{
	const char *args[] = { "convert", "-q", "-o", c->out, c->records,
			       extra, NULL };

	return ptodump_run(PTODUMP_BIN, args, NULL, err);
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

struct key { uint64_t task, core; double ts; };

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->task != y->task)
		return cmp_u64(x->task, y->task);
	if (x->core != y->core)
		return cmp_u64(x->core, y->core);
	return (x->ts > y->ts) - (x->ts < y->ts);
}

/* Every row is one slice on lane 10000 + 10 * core, at its start time. */
static void test_slices_match_rows(void **state)
{
	struct ctx *c = *state;
	struct key *want, *got;
	struct trace t;
	size_t i, n = 0;

	assert_int_equal(convert(c, NULL, NULL), 0);
	load_trace(c->out, &t);
	want = calloc(c->set.ntasks, sizeof(*want));
	got = calloc(t.n, sizeof(*got));
	assert_non_null(want);
	assert_non_null(got);
	for (i = 0; i < c->set.ntasks; i++)
		want[i] = (struct key){ c->set.tasks[i].task_id,
					c->set.tasks[i].core_id,
					c->set.tasks[i].start };
	for (i = 0; i < t.n; i++) {
		const struct ev *e = &t.v[i];

		if (strcmp(e->ph, "X") || strcmp(e->cat, "event"))
			continue;
		assert_int_equal(e->pid, 1);
		assert_true(e->has_task);
		assert_int_equal(e->tid, 10000 + 10 * (int)e->core_id);
		got[n++] = (struct key){ e->task_id, e->core_id, e->ts };
	}
	assert_int_equal(n, c->set.ntasks);
	qsort(want, n, sizeof(*want), cmp_key);
	qsort(got, n, sizeof(*got), cmp_key);
	for (i = 0; i < n; i++) {
		assert_true(want[i].task == got[i].task);
		assert_true(want[i].core == got[i].core);
		assert_true(fabs(want[i].ts - got[i].ts) < 1e-6);
	}
	free(want);
	free(got);
	free(t.v);
}

/* The row of task on core, or NULL. */
static const struct ptodump_task *row_of(const struct ctx *c, uint64_t task,
					 uint64_t core)
{
	size_t i;

	for (i = 0; i < c->set.ntasks; i++)
		if (c->set.tasks[i].task_id == task &&
		    c->set.tasks[i].core_id == core)
			return &c->set.tasks[i];
	return NULL;
}

/*
 * Each task slice carries its row's receive time; each row received
 * before it started has one "local_setup" slice on its lane, from receive to
 * start.
 */
static void test_setup_slices_match_receive(void **state)
{
	struct ctx *c = *state;
	const struct ptodump_task *r;
	struct trace t;
	size_t i, want = 0, setups = 0;

	for (i = 0; i < c->set.ntasks; i++)
		want += c->set.tasks[i].receive > 0 &&
			c->set.tasks[i].receive < c->set.tasks[i].start;
	assert_true(want > 0);
	assert_int_equal(convert(c, NULL, NULL), 0);
	load_trace(c->out, &t);
	for (i = 0; i < t.n; i++) {
		const struct ev *e = &t.v[i];

		if (strcmp(e->ph, "X") || e->pid != 1)
			continue;
		assert_true(e->has_task);
		if (!strcmp(e->cat, "event")) {
			r = row_of(c, e->task_id, e->core_id);
			assert_non_null(r);
			assert_true(e->has_receive);
			assert_true(fabs(e->receive - r->receive) < 1e-6);
			continue;
		}
		assert_string_equal(e->cat, "setup");
		assert_string_equal(e->name, "local_setup");
		r = row_of(c, e->task_id, (uint64_t)(e->tid - 10000) / 10);
		assert_non_null(r);
		assert_true(fabs(e->ts - r->receive) < 1e-6);
		assert_true(fabs(e->ts + e->dur - r->start) < 1e-6);
		setups++;
	}
	assert_int_equal(setups, want);
	free(t.v);
}

/* One 's' and one 'f' per unique edge, ids 1..E, bound to task lanes. */
static void test_flows_match_edges(void **state)
{
	struct ctx *c = *state;
	size_t i, e = c->set.nedges;
	unsigned char *s_seen = calloc(e + 1, 1), *f_seen = calloc(e + 1, 1);
	struct trace t;

	assert_non_null(s_seen);
	assert_non_null(f_seen);
	assert_int_equal(convert(c, NULL, NULL), 0);
	load_trace(c->out, &t);
	for (i = 0; i < t.n; i++) {
		const struct ev *x = &t.v[i];
		int s = !strcmp(x->ph, "s"), f = !strcmp(x->ph, "f");

		if (!s && !f)
			continue;
		assert_string_equal(x->cat, "flow");
		assert_int_equal(x->pid, 1);
		assert_true(x->tid >= 10000);
		assert_true(x->id >= 1 && x->id <= e);
		if (s)
			s_seen[x->id]++;
		else
			f_seen[x->id]++;
	}
	for (i = 1; i <= e; i++) {
		assert_int_equal(s_seen[i], 1);
		assert_int_equal(f_seen[i], 1);
	}
	free(s_seen);
	free(f_seen);
	free(t.v);
}

/* AICPU dispatch..finish slices and scheduler phase slices. */
static void test_aicpu_and_sched_lanes(void **state)
{
	struct ctx *c = *state;
	size_t i, aicpu = 0, sched = 0, counters = 0;
	struct trace t;

	assert_int_equal(convert(c, NULL, NULL), 0);
	load_trace(c->out, &t);
	for (i = 0; i < t.n; i++) {
		const struct ev *x = &t.v[i];

		if (!strcmp(x->ph, "X") && !strcmp(x->cat, "aicpu")) {
			assert_int_equal(x->pid, 2);
			assert_true(x->tid >= 10000 + 10 * (int)0);
			aicpu++;
		}
		if (!strcmp(x->ph, "X") && !strcmp(x->cat, "scheduler")) {
			assert_int_equal(x->pid, 3);
			assert_true(x->tid >= 3000 &&
				    x->tid < 3000 + (int)c->set.threads);
			sched++;
		}
		if (!strcmp(x->ph, "C"))
			counters++;
	}
	assert_int_equal(aicpu, c->set.ntasks);
	assert_int_equal(sched, c->set.nsched);
	assert_true(counters > 0);
	free(t.v);
}

static void test_func_names(void **state)
{
	struct ctx *c = *state;
	char names[600], arg[700];
	struct trace t;
	size_t i, named = 0;

	snprintf(names, sizeof(names), "%s/names.json", c->dir);
	assert_int_equal(ptodump_write_file(names, "{\"callable_id_to_name\":"
		" {\"0\": \"gemm\", \"1\": \"relu\", \"2\": \"add\", "
		"\"3\": \"exp\"}}"), 0);
	snprintf(arg, sizeof(arg), "--func-names=%s", names);
	assert_int_equal(convert(c, arg, NULL), 0);
	load_trace(c->out, &t);
	for (i = 0; i < t.n; i++) {
		const struct ev *x = &t.v[i];
		char want[64];

		if (strcmp(x->ph, "X") || strcmp(x->cat, "event"))
			continue;
		snprintf(want, sizeof(want), "(%st%u)",
			 x->task_id >> 32 ? "r1" : "",
			 (unsigned int)(x->task_id & 0xffffffffu));
		assert_non_null(strstr(x->name, want));
		assert_true(!strncmp(x->name, "gemm(", 5) ||
			    !strncmp(x->name, "relu(", 5) ||
			    !strncmp(x->name, "add(", 4) ||
			    !strncmp(x->name, "exp(", 4));
		named++;
	}
	assert_int_equal(named, c->set.ntasks);
	free(t.v);
}

static size_t count_loss(const char *path)
{
	struct trace t;
	size_t i, n = 0;

	load_trace(path, &t);
	for (i = 0; i < t.n; i++)
		n += !strcmp(t.v[i].ph, "i") && !strcmp(t.v[i].cat, "loss");
	free(t.v);
	return n;
}

/* Rewrites the records with a reconcile section appended. */
static void add_reconcile(struct ctx *c, const char *section)
{
	char *text, *end;
	size_t len;
	FILE *f;

	text = ptodump_read_file(c->records, &len);
	assert_non_null(text);
	end = strrchr(text, '}');
	assert_non_null(end);
	*end = 0;
	f = fopen(c->records, "w");
	assert_non_null(f);
	fprintf(f, "%s, \"reconcile\": %s}\n", text, section);
	fclose(f);
	free(text);
}

static void test_no_loss_no_marker(void **state)
{
	struct ctx *c = *state;

	add_reconcile(c, "{\"aicpu_task\": {\"total\": 9, \"collected\": 9, "
		      "\"dropped\": 0, \"mismatch\": 0}}");
	assert_int_equal(convert(c, NULL, NULL), 0);
	assert_int_equal(count_loss(c->out), 0);
}

static void test_loss_marker(void **state)
{
	struct ctx *c = *state;

	add_reconcile(c, "{\"aicpu_task\": {\"total\": 9, \"collected\": 8, "
		      "\"dropped\": 1, \"mismatch\": 0}}");
	assert_int_equal(convert(c, NULL, NULL), 0);
	assert_int_equal(count_loss(c->out), 1);
}

/* The list form of the section, each entry naming its kind. */
static void test_loss_marker_list_form(void **state)
{
	struct ctx *c = *state;

	add_reconcile(c, "[{\"kind\": \"aicore_task\", \"total\": 9, "
		      "\"collected\": 7, \"dropped\": 0, \"mismatch\": 2}]");
	assert_int_equal(convert(c, NULL, NULL), 0);
	assert_int_equal(count_loss(c->out), 1);
}

static void test_missing_deps_warns(void **state)
{
	struct ctx *c = *state;
	char deps[600], *err = NULL;
	struct trace t;
	size_t i;

	snprintf(deps, sizeof(deps), "%s/deps.json", c->dir);
	assert_int_equal(remove(deps), 0);
	assert_int_equal(convert(c, NULL, &err), 0);
	assert_non_null(strstr(err, "no usable deps.json"));
	free(err);
	load_trace(c->out, &t);
	for (i = 0; i < t.n; i++)
		assert_string_not_equal(t.v[i].ph, "s");
	free(t.v);
}

/* Piped stderr: no progress bar, whatever the size. */
static void test_silent_when_piped(void **state)
{
	struct ctx *c = *state;
	char *err = NULL;

	assert_int_equal(convert(c, NULL, &err), 0);
	assert_non_null(err);
	assert_null(strchr(err, '\r'));
	assert_null(strchr(err, '#'));
	free(err);
}

/* Default output: merged_swimlane.json next to the input. */
static void test_default_output(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "convert", c->records, NULL };
	char path[600], *out = NULL;

	assert_int_equal(ptodump_run(PTODUMP_BIN, args, &out, NULL), 0);
	snprintf(path, sizeof(path), "%s/merged_swimlane.json", c->dir);
	assert_non_null(strstr(out, path));
	free(out);
	assert_int_equal(count_loss(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_slices_match_rows, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_setup_slices_match_receive,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_flows_match_edges, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_aicpu_and_sched_lanes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_func_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_loss_no_marker, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_loss_marker, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_loss_marker_list_form,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_deps_warns, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_silent_when_piped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_default_output, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
