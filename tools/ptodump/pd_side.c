// SPDX-License-Identifier: MIT
/*
 * Side files of a records JSON: deps.json edges and the func-id name map;
 * task labels.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_json.h"
#include "pd_model.h"

static int load_fail(struct pj *p, char *msg, size_t msglen, int r)
{
	snprintf(msg, msglen, "%s", p->err[0] ? p->err : "bad input");
	pj_close(p);
	free(p);
	return r == -ENOENT ? r : r == -ENOMEM ? r : -EINVAL;
}

static int read_edge(struct pj *p, struct pd_deps *d, size_t *cap, size_t i)
{
	struct pd_edge e = { 0, 0 };
	unsigned int seen = 0;
	enum pj_tok k, v;
	char where[48];

	snprintf(where, sizeof(where), "edges[%zu]", i);
	while ((k = pj_next(p)) == PJ_KEY) {
		int is_pred = !strcmp(p->str, "pred");
		int is_succ = !strcmp(p->str, "succ");

		v = pj_next(p);
		if (is_pred || is_succ) {
			uint64_t *dst = is_pred ? &e.pred : &e.succ;
			int64_t neg;

			/* Negative ids are masked to 64 bits (E.1). */
			if (v == PJ_STR || (v == PJ_NUM && p->str[0] != '-')) {
				if (pj_u64(p, v, where, dst))
					return -EINVAL;
			} else if (pj_i64(p, v, where, &neg)) {
				return -EINVAL;
			} else {
				*dst = (uint64_t)neg;
			}
			seen |= is_pred ? 1 : 2;
		} else if (pj_skip(p, v)) {
			return -EINVAL;
		}
	}
	if (k != PJ_OBJ_END)
		return -EINVAL;
	if (seen != 3)
		return pj_fail(p, "%s: needs pred and succ", where);
	if (pd_grow((void **)&d->e, cap, d->n, sizeof(*d->e)))
		return -ENOMEM;
	d->e[d->n++] = e;
	return 0;
}

int pd_deps_load(struct pd_deps *d, const char *path, char *msg,
		 size_t msglen)
{
	struct pj *p = malloc(sizeof(*p));
	size_t cap = 0;
	enum pj_tok t, v;
	int r, have = 0;

	memset(d, 0, sizeof(*d));
	if (!p)
		return -ENOMEM;
	r = pj_open(p, path);
	if (r)
		return load_fail(p, msg, msglen, r);
	if (pj_expect(p, PJ_OBJ, "deps.json top level"))
		return load_fail(p, msg, msglen, -EINVAL);
	while ((t = pj_next(p)) == PJ_KEY) {
		if (strcmp(p->str, "edges")) {
			if (pj_skip(p, pj_next(p)))
				goto bad;
			continue;
		}
		have = 1;
		if (pj_expect(p, PJ_ARR, "edges"))
			goto bad;
		while ((v = pj_next(p)) == PJ_OBJ)
			if ((r = read_edge(p, d, &cap, d->n)))
				goto bad;
		if (v != PJ_ARR_END) {
			if (v != PJ_ERR)
				pj_fail(p, "edges: expected objects");
			goto bad;
		}
	}
	if (t != PJ_OBJ_END || pj_next(p) != PJ_EOF)
		goto bad;
	if (!have) {
		pj_fail(p, "missing \"edges\"");
		goto bad;
	}
	pj_close(p);
	free(p);
	r = pd_deps_finish(d);
	if (r) {
		snprintf(msg, msglen, "%s: %s", path, r == -E2BIG ?
			 "too many edges" : "out of memory");
		pd_deps_free(d);
	}
	return r;
bad:
	if (r == -ENOMEM)
		pj_fail(p, "out of memory");
	pd_deps_free(d);
	return load_fail(p, msg, msglen, r == -ENOMEM ? r : -EINVAL);
}

int pd_edge_cmp(const void *a, const void *b)
{
	const struct pd_edge *x = a, *y = b;

	if (x->pred != y->pred)
		return x->pred < y->pred ? -1 : 1;
	return (x->succ > y->succ) - (x->succ < y->succ);
}

static const struct pd_edge *sort_base;

static int cmp_by_succ(const void *a, const void *b)
{
	const struct pd_edge *x = &sort_base[*(const uint32_t *)a];
	const struct pd_edge *y = &sort_base[*(const uint32_t *)b];

	if (x->succ != y->succ)
		return x->succ < y->succ ? -1 : 1;
	return (x->pred > y->pred) - (x->pred < y->pred);
}

int pd_deps_finish(struct pd_deps *d)
{
	size_t i, n = 0;

	if (d->n > UINT32_MAX)
		return -E2BIG;
	pd_sort(d->e, d->n, sizeof(*d->e), pd_edge_cmp);
	for (i = 0; i < d->n; i++)
		if (!n || pd_edge_cmp(&d->e[n - 1], &d->e[i]))
			d->e[n++] = d->e[i];
	d->n = n;
	free(d->by_succ);
	d->by_succ = malloc((n ? n : 1) * sizeof(*d->by_succ));
	if (!d->by_succ)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		d->by_succ[i] = (uint32_t)i;
	sort_base = d->e;
	qsort(d->by_succ, n, sizeof(*d->by_succ), cmp_by_succ);
	return 0;
}

void pd_deps_free(struct pd_deps *d)
{
	free(d->e);
	free(d->by_succ);
	memset(d, 0, sizeof(*d));
}

size_t pd_edge_lower(const struct pd_edge *e, size_t n, uint64_t id)
{
	size_t a = 0, b = n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (e[mid].pred < id)
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

void pd_deps_succs(const struct pd_deps *d, uint64_t id, size_t *lo,
		   size_t *hi)
{
	size_t a = pd_edge_lower(d->e, d->n, id);

	*lo = a;
	while (a < d->n && d->e[a].pred == id)
		a++;
	*hi = a;
}

void pd_deps_preds(const struct pd_deps *d, uint64_t id, size_t *lo,
		   size_t *hi)
{
	size_t a = 0, b = d->n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (d->e[d->by_succ[mid]].succ < id)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	while (a < d->n && d->e[d->by_succ[a]].succ == id)
		a++;
	*hi = a;
}

/* ---- name map ----------------------------------------------------------- */

static int add_name(struct pj *p, struct pd_names *nm, size_t *cap,
		    const char *key)
{
	char *end;
	unsigned long long id;

	errno = 0;
	id = strtoull(key, &end, 10);
	if (errno || *end || !*key || id > UINT32_MAX)
		return pj_fail(p, "name map key \"%s\" is not a func id", key);
	if (pd_grow((void **)&nm->v, cap, nm->n, sizeof(*nm->v)))
		return -ENOMEM;
	nm->v[nm->n].id = (uint32_t)id;
	nm->v[nm->n].name = strdup(p->str);
	if (!nm->v[nm->n].name)
		return -ENOMEM;
	nm->n++;
	return 0;
}

/* Members of an {"<id>": "<name>"} object, the '{' already read. */
static int read_map(struct pj *p, struct pd_names *nm, size_t *cap)
{
	char key[64];
	enum pj_tok t;

	while ((t = pj_next(p)) == PJ_KEY) {
		pj_copy(p, key, sizeof(key));
		if (pj_next(p) != PJ_STR)
			return pj_fail(p, "name of func %s: expected a string",
				       key);
		if (add_name(p, nm, cap, key))
			return -EINVAL;
	}
	return t == PJ_OBJ_END ? 0 : -EINVAL;
}

static int cmp_name(const void *a, const void *b)
{
	const struct pd_name *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

int pd_names_load(struct pd_names *nm, const char *path, char *msg,
		  size_t msglen)
{
	struct pj *p = malloc(sizeof(*p));
	size_t cap = 0;
	enum pj_tok t, v;
	char key[64];
	int r;

	memset(nm, 0, sizeof(*nm));
	if (!p)
		return -ENOMEM;
	r = pj_open(p, path);
	if (r)
		return load_fail(p, msg, msglen, r);
	if (pj_expect(p, PJ_OBJ, "name map top level"))
		goto bad;
	while ((t = pj_next(p)) == PJ_KEY) {
		pj_copy(p, key, sizeof(key));
		v = pj_next(p);
		if (!strcmp(key, "callable_id_to_name")) {
			if (v != PJ_OBJ) {
				pj_fail(p, "callable_id_to_name: expected an "
					"object");
				goto bad;
			}
			if (read_map(p, nm, &cap))
				goto bad;
		} else if (!strcmp(key, "orchestrator_name") && v == PJ_STR) {
			free(nm->orch_name);
			nm->orch_name = strdup(p->str);
		} else if (v == PJ_STR && key[0] >= '0' && key[0] <= '9') {
			if (add_name(p, nm, &cap, key))
				goto bad;
		} else if (pj_skip(p, v)) {
			goto bad;
		}
	}
	if (t != PJ_OBJ_END || pj_next(p) != PJ_EOF)
		goto bad;
	pj_close(p);
	free(p);
	pd_sort(nm->v, nm->n, sizeof(*nm->v), cmp_name);
	return 0;
bad:
	pd_names_free(nm);
	return load_fail(p, msg, msglen, -EINVAL);
}

const char *pd_names_get(const struct pd_names *nm, uint32_t func_id)
{
	size_t a = 0, b = nm ? nm->n : 0;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (nm->v[mid].id == func_id)
			return nm->v[mid].name;
		if (nm->v[mid].id < func_id)
			a = mid + 1;
		else
			b = mid;
	}
	return NULL;
}

void pd_names_free(struct pd_names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		free(nm->v[i].name);
	free(nm->v);
	free(nm->orch_name);
	memset(nm, 0, sizeof(*nm));
}

void pd_task_label(uint64_t task_id, char *buf, size_t len)
{
	unsigned int ring = (unsigned int)((task_id >> 32) & 0xff);
	uint32_t local = (uint32_t)task_id;

	if (ring)
		snprintf(buf, len, "r%ut%" PRIu32, ring, local);
	else
		snprintf(buf, len, "t%" PRIu32, local);
}

void pd_kernel_name(const struct pd_names *nm, uint32_t func_id, char *buf,
		    size_t len)
{
	const char *name = pd_names_get(nm, func_id);
	char letters[16];
	uint64_t n = (uint64_t)func_id + 1;
	int i = (int)sizeof(letters) - 1;

	if (name) {
		snprintf(buf, len, "%s", name);
		return;
	}
	/* Bijective base 26: 0 -> a, 25 -> z, 26 -> aa. */
	letters[i] = 0;
	while (n && i > 0) {
		n--;
		letters[--i] = (char)('a' + n % 26);
		n /= 26;
	}
	snprintf(buf, len, "func_%" PRIu32 "_%s", func_id, letters + i);
}

void pd_task_name(const struct pd_names *nm, uint32_t func_id,
		  uint64_t task_id, char *buf, size_t len)
{
	char label[32], kernel[160];

	pd_task_label(task_id, label, sizeof(label));
	pd_kernel_name(nm, func_id, kernel, sizeof(kernel));
	snprintf(buf, len, "%s(%s)", kernel, label);
}
