// SPDX-License-Identifier: MIT
/*
 * Streaming reader of the records JSON into struct pd_model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_json.h"
#include "pd_model.h"
#include "pto_layout.h"
#include "pto_reader.h"

void pd_sort(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *))
{
	const char *p = base;
	size_t i;

	/* Already in order (the tasks of a capture, mostly): kept as is,
	 * which is what glibc's stable merge sort would leave. */
	for (i = 1; i < n && cmp(p + (i - 1) * size, p + i * size) <= 0; i++)
		;
	if (i < n)
		qsort(base, n, size, cmp);
}

int pd_grow(void **v, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 1024;
	if (ncap > SIZE_MAX / elem)
		return -ENOMEM;
	nv = realloc(*v, ncap * elem);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

/* Task fields; bits of the "seen" mask. */
enum {
	TF_ID = 1 << 0, TF_FUNC = 1 << 1, TF_CORE = 1 << 2, TF_TYPE = 1 << 3,
	TF_START = 1 << 4, TF_END = 1 << 5, TF_DUR = 1 << 6,
	TF_REQUIRED = (1 << 7) - 1,
};

static const char *const task_required[] = {
	"task_id", "func_id", "core_id", "core_type", "start_time_us",
	"end_time_us", "duration_us",
};

static int missing_field(struct pj *p, const char *where, unsigned int seen,
			 unsigned int need, const char *const *names)
{
	unsigned int i;

	for (i = 0; need >> i; i++)
		if ((need & (1u << i)) && !(seen & (1u << i)))
			return pj_fail(p, "%s: missing field \"%s\"", where,
				       names[i]);
	return 0;
}

static int read_task(struct pj *p, struct pd_task *t, size_t idx)
{
	char where[64];
	unsigned int seen = 0;
	enum pj_tok k;
	uint64_t u;
	int r = 0;

	snprintf(where, sizeof(where), "tasks[%zu]", idx);
	memset(t, 0, sizeof(*t));
	while ((k = pj_next(p)) == PJ_KEY) {
		char key[32];
		enum pj_tok v;

		pj_copy(p, key, sizeof(key));
		v = pj_next(p);
		if (!strcmp(key, "task_id")) {
			r = pj_u64(p, v, "task_id", &t->task_id);
			seen |= TF_ID;
		} else if (!strcmp(key, "func_id")) {
			r = pj_u64(p, v, "func_id", &u);
			if (!r && u > UINT32_MAX)
				r = pj_fail(p, "%s: func_id out of range", where);
			t->func_id = (uint32_t)u;
			seen |= TF_FUNC;
		} else if (!strcmp(key, "core_id")) {
			r = pj_u64(p, v, "core_id", &u);
			if (!r && u >= PTO_MAX_CORES)
				r = pj_fail(p, "%s: core_id %llu out of range "
					    "(max %d)", where,
					    (unsigned long long)u,
					    PTO_MAX_CORES - 1);
			t->core_id = (uint16_t)u;
			seen |= TF_CORE;
		} else if (!strcmp(key, "core_type")) {
			if (v != PJ_STR || (strcmp(p->str, "aic") &&
					    strcmp(p->str, "aiv")))
				r = pj_fail(p, "%s: core_type must be \"aic\" or "
					    "\"aiv\"", where);
			t->core_type = v == PJ_STR && !strcmp(p->str, "aiv") ?
				       PTO_CORE_TYPE_AIV : PTO_CORE_TYPE_AIC;
			seen |= TF_TYPE;
		} else if (!strcmp(key, "start_time_us")) {
			r = pj_dbl(p, v, "start_time_us", &t->start);
			seen |= TF_START;
		} else if (!strcmp(key, "end_time_us")) {
			r = pj_dbl(p, v, "end_time_us", &t->end);
			seen |= TF_END;
		} else if (!strcmp(key, "duration_us")) {
			r = pj_dbl(p, v, "duration_us", &t->dur);
			seen |= TF_DUR;
		} else if (!strcmp(key, "dispatch_time_us")) {
			r = pj_dbl(p, v, "dispatch_time_us", &t->dispatch);
		} else if (!strcmp(key, "finish_time_us")) {
			r = pj_dbl(p, v, "finish_time_us", &t->finish);
		} else if (!strcmp(key, "receive_time_us")) {
			r = pj_dbl(p, v, "receive_time_us", &t->receive);
		} else {
			r = pj_skip(p, v);
		}
		if (r)
			return -EINVAL;
	}
	if (k != PJ_OBJ_END)
		return k == PJ_ERR ? -EINVAL : pj_fail(p, "%s: bad object", where);
	if (missing_field(p, where, seen, TF_REQUIRED, task_required))
		return -EINVAL;
	if (t->end < t->start || t->finish < t->dispatch)
		return pj_fail(p, "%s: ends before it starts", where);
	if (t->receive > t->start)
		return pj_fail(p, "%s: received after it starts", where);
	return 0;
}

static int read_tasks(struct pj *p, struct pd_model *m,
		      pd_progress_fn progress, void *ctx)
{
	enum pj_tok t;

	if (pj_expect(p, PJ_ARR, "tasks"))
		return -EINVAL;
	while ((t = pj_next(p)) == PJ_OBJ) {
		if (pd_grow((void **)&m->tasks, &m->cap_tasks, m->ntasks,
			    sizeof(*m->tasks)))
			return pj_fail(p, "out of memory");
		if (read_task(p, &m->tasks[m->ntasks], m->ntasks))
			return -EINVAL;
		m->ntasks++;
		if (progress && !(m->ntasks & 0xffff))
			progress(ctx, p->consumed);
	}
	if (t != PJ_ARR_END)
		return t == PJ_ERR ? -EINVAL :
		       pj_fail(p, "tasks[%zu]: expected an object", m->ntasks);
	return 0;
}

/*
 * The keys both phase kinds share: start_time_us, end_time_us and phase
 * (a string, left in p->str). Returns 1 when key was one of them, with
 * *r the result and the key's bit set in *seen; 0 otherwise.
 */
static int span_field(struct pj *p, const char *key, enum pj_tok v,
		      const char *where, double *start, double *end,
		      unsigned int *seen, int *r)
{
	if (!strcmp(key, "start_time_us")) {
		*r = pj_dbl(p, v, key, start);
		*seen |= 1;
	} else if (!strcmp(key, "end_time_us")) {
		*r = pj_dbl(p, v, key, end);
		*seen |= 2;
	} else if (!strcmp(key, "phase")) {
		*r = v == PJ_STR ? 0 :
		     pj_fail(p, "%s: phase must be a string", where);
		*seen |= 4;
	} else {
		return 0;
	}
	return 1;
}

static int span_done(struct pj *p, enum pj_tok k, unsigned int seen,
		     const char *where, const double *start, const double *end)
{
	if (k != PJ_OBJ_END)
		return -EINVAL;
	if (seen != 7)
		return pj_fail(p, "%s: needs start_time_us, end_time_us and "
			       "phase", where);
	if (*end < *start)
		return pj_fail(p, "%s: ends before it starts", where);
	return 0;
}

/* The kind below n that name_of names name, else -1. */
static int kind_named(const char *(*name_of)(__u32 kind), uint32_t n,
		      const char *name)
{
	const char *s;
	uint32_t k;

	for (k = 0; k < n; k++)
		if ((s = name_of(k)) && !strcmp(s, name))
			return (int)k;
	return -1;
}

/* The kind name_of names name (PTO_*_PHASE_*), else PD_PHASE_OTHER. */
static uint8_t phase_kind(const char *(*name_of)(__u32 kind),
			  const char *name)
{
	int k = kind_named(name_of, PD_PHASE_OTHER, name);

	return k < 0 ? PD_PHASE_OTHER : (uint8_t)k;
}

/* A queue-depth triple [aic, aiv, mix] (v: the array's first token). */
static int read_depths(struct pj *p, enum pj_tok v, const char *key,
		       const char *where, uint32_t d[PTO_SHAPES])
{
	unsigned int i;
	uint64_t u;

	if (v != PJ_ARR)
		return pj_fail(p, "%s: %s must be an array", where, key);
	for (i = 0; i < PTO_SHAPES; i++) {
		if (pj_u64(p, pj_next(p), key, &u) || u > UINT32_MAX)
			return pj_fail(p, "%s: %s needs %d counts", where, key,
				       PTO_SHAPES);
		d[i] = (uint32_t)u;
	}
	if (pj_next(p) != PJ_ARR_END)
		return pj_fail(p, "%s: %s needs %d counts", where, key,
			       PTO_SHAPES);
	return 0;
}

static int read_sched_rec(struct pj *p, struct pd_sched *s, const char *where)
{
	unsigned int seen = 0;
	enum pj_tok k, v;
	uint64_t u;
	int r = 0;

	memset(s, 0, sizeof(*s));
	while ((k = pj_next(p)) == PJ_KEY) {
		char key[32];

		pj_copy(p, key, sizeof(key));
		v = pj_next(p);
		if (span_field(p, key, v, where, &s->start, &s->end, &seen,
			       &r)) {
			if (!r && !strcmp(key, "phase"))
				s->phase = phase_kind(pto_sched_phase_name,
						      p->str);
		} else if (!strcmp(key, "shared_at_start") ||
			   !strcmp(key, "shared_at_end")) {
			r = read_depths(p, v, key, where, key[10] == 's' ?
					s->depth_start : s->depth_end);
			s->has_depth = 1;
		} else if (!strcmp(key, "loop_iter") ||
			   !strcmp(key, "tasks_processed") ||
			   !strcmp(key, "pop_hit") || !strcmp(key, "pop_miss")) {
			r = pj_u64(p, v, key, &u);
			if (!r && u > UINT32_MAX)
				r = pj_fail(p, "%s: %s out of range", where, key);
			if (key[0] == 'l')
				s->loop_iter = (uint32_t)u;
			else if (key[0] == 't')
				s->tasks = (uint32_t)u;
			else if (!strcmp(key, "pop_hit"))
				s->pop_hit = (uint32_t)u, s->has_pop = 1;
			else
				s->pop_miss = (uint32_t)u, s->has_pop = 1;
		} else {
			r = pj_skip(p, v);
		}
		if (r)
			return -EINVAL;
	}
	return span_done(p, k, seen, where, &s->start, &s->end);
}

static int read_orch_rec(struct pj *p, struct pd_orch *o, const char *where)
{
	unsigned int seen = 0;
	enum pj_tok k, v;
	uint64_t u;
	int r = 0;

	memset(o, 0, sizeof(*o));
	while ((k = pj_next(p)) == PJ_KEY) {
		char key[32];

		pj_copy(p, key, sizeof(key));
		v = pj_next(p);
		if (span_field(p, key, v, where, &o->start, &o->end, &seen,
			       &r)) {
			if (!r && !strcmp(key, "phase")) {
				o->kind = phase_kind(pto_orch_phase_name,
						     p->str);
				o->is_submit = o->kind == PTO_ORCH_PHASE_SUBMIT;
			}
		} else if (!strcmp(key, "scope_depth") ||
			   !strcmp(key, "ring")) {
			r = pj_u64(p, v, key, &u);
			if (!r && u > UINT32_MAX)
				r = pj_fail(p, "%s: %s out of range", where,
					    key);
			*(key[0] == 'r' ? &o->ring : &o->scope_depth) =
				(uint32_t)u;
		} else if (!strcmp(key, "bytes") ||
			   !strcmp(key, "tasks_released")) {
			r = pj_u64(p, v, key, &o->arg);
		} else if (!strcmp(key, "submit_idx")) {
			r = pj_i64(p, v, key, &o->submit_idx);
		} else if (!strcmp(key, "task_id")) {
			if (v == PJ_NUM && p->str[0] == '-') {
				o->has_task = 0;
			} else {
				r = pj_u64(p, v, key, &o->task_id);
				o->has_task = 1;
			}
		} else {
			r = pj_skip(p, v);
		}
		if (r)
			return -EINVAL;
	}
	return span_done(p, k, seen, where, &o->start, &o->end);
}

/* aicpu_scheduler_phases (orch = 0) or aicpu_orchestrator_phases. */
static int read_phases(struct pj *p, struct pd_model *m, int orch)
{
	const char *sec = orch ? "aicpu_orchestrator_phases" :
				 "aicpu_scheduler_phases";
	unsigned int thr = 0;
	enum pj_tok t, r;
	char where[96];

	if (pj_expect(p, PJ_ARR, sec))
		return -EINVAL;
	while ((t = pj_next(p)) == PJ_ARR) {
		size_t i = 0;

		if (thr >= PD_MAX_THREADS)
			return pj_fail(p, "%s: more than %d threads", sec,
				       PD_MAX_THREADS);
		while ((r = pj_next(p)) == PJ_OBJ) {
			snprintf(where, sizeof(where), "%s[%u][%zu]", sec, thr,
				 i++);
			if (orch) {
				if (pd_grow((void **)&m->orch, &m->cap_orch,
					    m->norch, sizeof(*m->orch)))
					return pj_fail(p, "out of memory");
				if (read_orch_rec(p, &m->orch[m->norch], where))
					return -EINVAL;
				m->orch[m->norch++].thread = (uint16_t)thr;
			} else {
				if (pd_grow((void **)&m->sched, &m->cap_sched,
					    m->nsched, sizeof(*m->sched)))
					return pj_fail(p, "out of memory");
				if (read_sched_rec(p, &m->sched[m->nsched],
						   where))
					return -EINVAL;
				m->sched[m->nsched++].thread = (uint16_t)thr;
			}
		}
		if (r != PJ_ARR_END)
			return r == PJ_ERR ? -EINVAL :
			       pj_fail(p, "%s[%u]: expected objects", sec, thr);
		thr++;
	}
	if (t != PJ_ARR_END)
		return t == PJ_ERR ? -EINVAL :
		       pj_fail(p, "%s: expected an array per thread", sec);
	if (orch)
		m->orch_threads = thr, m->has_orch = 1;
	else
		m->sched_threads = thr, m->has_sched = 1;
	return 0;
}

static int read_core_to_thread(struct pj *p, struct pd_model *m)
{
	enum pj_tok t;
	int64_t v;

	if (pj_expect(p, PJ_ARR, "core_to_thread"))
		return -EINVAL;
	while ((t = pj_next(p)) == PJ_NUM) {
		if (m->n_core_to_thread >= PTO_MAX_CORES)
			return pj_fail(p, "core_to_thread: more than %d cores",
				       PTO_MAX_CORES);
		if (pj_i64(p, t, "core_to_thread", &v))
			return -EINVAL;
		if (v < -1 || v >= PD_MAX_THREADS)
			return pj_fail(p, "core_to_thread: thread %lld out of "
				       "range", (long long)v);
		m->core_to_thread[m->n_core_to_thread++] = (int32_t)v;
	}
	if (t != PJ_ARR_END)
		return t == PJ_ERR ? -EINVAL :
		       pj_fail(p, "core_to_thread: expected integers");
	return 0;
}

/* The members of one kind's books, its '{' already read. */
static int read_books(struct pj *p, struct pd_books *b)
{
	enum pj_tok k, v;

	while ((k = pj_next(p)) == PJ_KEY) {
		char key[32];
		uint64_t *dst = NULL;

		pj_copy(p, key, sizeof(key));
		v = pj_next(p);
		if (!strcmp(key, "kind") && v == PJ_STR) {
			pj_copy(p, b->kind, sizeof(b->kind));
			continue;
		}
		if (!strcmp(key, "total"))
			dst = &b->total;
		else if (!strcmp(key, "collected"))
			dst = &b->collected;
		else if (!strcmp(key, "dropped"))
			dst = &b->dropped;
		else if (!strcmp(key, "mismatch"))
			dst = &b->mismatch;
		else if (!strcmp(key, "overwritten"))
			dst = &b->overwritten;
		if (dst ? pj_u64(p, v, key, dst) : pj_skip(p, v))
			return -EINVAL;
	}
	return k == PJ_OBJ_END ? 0 : -EINVAL;
}

/*
 * "reconcile": per kind {"total", "collected", "dropped", "mismatch",
 * "overwritten" (optional)},
 * either keyed by kind ({"<kind>": {...}}) or as a list of objects that
 * name their "kind".
 */
static int read_reconcile(struct pj *p, struct pd_model *m)
{
	enum pj_tok t = pj_next(p), end = t == PJ_OBJ ? PJ_OBJ_END : PJ_ARR_END;
	struct pd_books *b;

	if (t != PJ_OBJ && t != PJ_ARR)
		return t == PJ_ERR ? -EINVAL :
		       pj_fail(p, "reconcile: expected an object or array");
	while ((t = pj_next(p)) == (end == PJ_OBJ_END ? PJ_KEY : PJ_OBJ)) {
		if (m->nbooks >= PD_MAX_BOOKS)
			return pj_fail(p, "reconcile: too many kinds");
		b = &m->books[m->nbooks++];
		if (t == PJ_KEY) {
			pj_copy(p, b->kind, sizeof(b->kind));
			if (pj_expect(p, PJ_OBJ, "reconcile entry"))
				return -EINVAL;
		}
		if (read_books(p, b))
			return -EINVAL;
		m->lost_dropped += b->dropped;
		m->lost_mismatch += b->mismatch;
		m->lost_overwritten += b->overwritten;
	}
	if (t != end)
		return t == PJ_ERR ? -EINVAL :
		       pj_fail(p, "reconcile: expected an object per kind");
	return 0;
}

/* One "loss_markers" entry, its '{' already read. */
static int read_loss(struct pj *p, struct pd_loss *l)
{
	enum pj_tok k, v;
	uint64_t u;
	int r = 0, kind = -1;

	while (!r && (k = pj_next(p)) == PJ_KEY) {
		char key[32];

		pj_copy(p, key, sizeof(key));
		v = pj_next(p);
		if (!strcmp(key, "kind") && v == PJ_STR) {
			kind = kind_named(pto_capture_kind_name,
					  PTO_BUF_KIND_MAX, p->str);
		} else if (!strcmp(key, "pool")) {
			r = pj_u64(p, v, key, &u);
			l->pool = u < PTO_MAX_CORES ? (uint32_t)u : 0;
			if (!r && u >= PTO_MAX_CORES)
				r = pj_fail(p, "loss_markers: pool %llu out of "
					    "range", (unsigned long long)u);
		} else if (!strcmp(key, "lost")) {
			r = pj_u64(p, v, key, &l->lost);
		} else if (!strcmp(key, "first_lost_us")) {
			r = pj_dbl(p, v, key, &l->first);
		} else if (!strcmp(key, "last_lost_us")) {
			r = pj_dbl(p, v, key, &l->last);
		} else if (!strcmp(key, "wait_start_us")) {
			r = pj_dbl(p, v, key, &l->wait_start);
		} else if (!strcmp(key, "wait_end_us")) {
			r = pj_dbl(p, v, key, &l->wait_end);
		} else {
			r = pj_skip(p, v);
		}
	}
	if (r || k != PJ_OBJ_END)
		return -EINVAL;
	if (kind < 0)
		return pj_fail(p, "loss_markers: an entry without a known "
			       "kind");
	l->kind = (uint32_t)kind;
	return 0;
}

/* "loss_markers": [ {"kind", "pool", "lost", "first_lost_us", ...} ] */
static int read_losses(struct pj *p, struct pd_model *m)
{
	enum pj_tok t;

	if (pj_expect(p, PJ_ARR, "loss_markers"))
		return -EINVAL;
	while ((t = pj_next(p)) == PJ_OBJ) {
		if (pd_grow((void **)&m->losses, &m->cap_losses, m->nlosses,
			    sizeof(*m->losses)))
			return pj_fail(p, "out of memory");
		memset(&m->losses[m->nlosses], 0, sizeof(*m->losses));
		if (read_loss(p, &m->losses[m->nlosses]))
			return -EINVAL;
		m->nlosses++;
	}
	if (t != PJ_ARR_END)
		return t == PJ_ERR ? -EINVAL :
		       pj_fail(p, "loss_markers: expected objects");
	return 0;
}

static int read_top(struct pj *p, struct pd_model *m, pd_progress_fn progress,
		    void *ctx)
{
	int have_level = 0, have_tasks = 0;
	enum pj_tok t, v;
	int64_t i;
	int r;

	if (pj_expect(p, PJ_OBJ, "top level"))
		return -EINVAL;
	while ((t = pj_next(p)) == PJ_KEY) {
		char key[40];

		pj_copy(p, key, sizeof(key));
		if (!strcmp(key, "tasks")) {
			r = read_tasks(p, m, progress, ctx);
			have_tasks = 1;
		} else if (!strcmp(key, "aicpu_scheduler_phases")) {
			r = read_phases(p, m, 0);
		} else if (!strcmp(key, "aicpu_orchestrator_phases")) {
			r = read_phases(p, m, 1);
		} else if (!strcmp(key, "core_to_thread")) {
			r = read_core_to_thread(p, m);
		} else if (!strcmp(key, "reconcile")) {
			r = read_reconcile(p, m);
		} else if (!strcmp(key, "loss_markers")) {
			r = read_losses(p, m);
		} else if (!strcmp(key, "clock_anchors")) {
			r = pd_clock_read_json(p, &m->clock);
			m->has_clock = !r;
		} else {
			v = pj_next(p);
			if (!strcmp(key, "l2_swimlane_level")) {
				r = pj_i64(p, v, key, &i);
				if (!r && (i < 1 || i > PTO_LEVEL_MAX))
					r = pj_fail(p, "l2_swimlane_level %lld "
						    "not in 1..%d", (long long)i,
						    PTO_LEVEL_MAX);
				m->level = (int)i;
				have_level = 1;
			} else if (!strcmp(key, "schema_version")) {
				r = pj_i64(p, v, key, &m->schema_version);
			} else if (!strcmp(key, "dfx_flags")) {
				r = pj_u64(p, v, key, &m->dfx_flags);
			} else if (!strcmp(key, "counter_freq_hz")) {
				r = pj_dbl(p, v, key, &m->counter_freq_hz);
			} else {
				r = pj_skip(p, v);
			}
		}
		if (r)
			return -EINVAL;
	}
	if (t != PJ_OBJ_END || pj_next(p) != PJ_EOF)
		return -EINVAL;
	if (!have_level)
		return pj_fail(p, "missing required field: l2_swimlane_level");
	if (!have_tasks)
		return pj_fail(p, "missing required field: tasks");
	return 0;
}

int pd_model_load(struct pd_model *m, const char *path, char *msg,
		  size_t msglen, pd_progress_fn progress, void *ctx)
{
	struct pj *p;
	int r;

	memset(m, 0, sizeof(*m));
	m->schema_version = -1;
	p = malloc(sizeof(*p));
	if (!p) {
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	r = pj_open(p, path);
	if (!r)
		r = read_top(p, m, progress, ctx);
	if (r) {
		snprintf(msg, msglen, "%s", p->err[0] ? p->err : "bad input");
		pj_close(p);
		free(p);
		pd_model_free(m);
		return r == -ENOENT ? r : -EINVAL;
	}
	if (progress)
		progress(ctx, p->consumed);
	pj_close(p);
	free(p);
	pd_model_sort(m);
	return 0;
}

void pd_model_free(struct pd_model *m)
{
	pd_phases_close(m);
	free(m->tasks);
	free(m->sched);
	free(m->orch);
	free(m->losses);
	m->tasks = NULL;
	m->sched = NULL;
	m->orch = NULL;
	m->losses = NULL;
	m->ntasks = m->nsched = m->norch = m->nlosses = 0;
}
