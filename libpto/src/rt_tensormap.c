// SPDX-License-Identifier: MIT
/* TensorMap: writers and readers of byte ranges (see rt_tensormap.h). */
#include <errno.h>
#include <stdlib.h>

#include "rt_tensormap.h"

#define TM_CHUNK 1024
#define TM_SWEEP_MIN 4096	/* entries before the first sweep */

struct rt_tm_chunk {
	struct rt_tm_chunk *next;
	struct rt_tm_entry e[TM_CHUNK];
};

/* The trees of one tensor; root[1]: writers, root[0]: readers. */
struct rt_tm_tensor {
	const void *tensor;
	struct rt_tm_tensor *next;
	struct rt_tm_entry *root[2];
};

int rt_tm_init(struct rt_tensormap *tm, uint32_t nbuckets,
	       rt_tm_live_fn is_live, void *live_ctx)
{
	uint32_t n = 1;

	while (n < nbuckets)
		n <<= 1;
	*tm = (struct rt_tensormap){ 0 };
	tm->buckets = calloc(n, sizeof(*tm->buckets));
	if (!tm->buckets)
		return -ENOMEM;
	tm->nbuckets = n;
	tm->sweep_at = TM_SWEEP_MIN;
	tm->rng = 0x9e3779b9u;
	tm->is_live = is_live;
	tm->live_ctx = live_ctx;
	return 0;
}

void rt_tm_fini(struct rt_tensormap *tm)
{
	struct rt_tm_chunk *c, *cn;
	struct rt_tm_tensor *t, *tn;
	uint32_t i;

	for (c = tm->chunks; c; c = cn) {
		cn = c->next;
		free(c);
	}
	for (i = 0; tm->buckets && i < tm->nbuckets; i++)
		for (t = tm->buckets[i]; t; t = tn) {
			tn = t->next;
			free(t);
		}
	for (t = tm->free_tensors; t; t = tn) {
		tn = t->next;
		free(t);
	}
	free(tm->buckets);
	free(tm->found);
	*tm = (struct rt_tensormap){ 0 };
}

/* ---- interval treap ---------------------------------------------------- */

static uint64_t max_end(const struct rt_tm_entry *e)
{
	return e ? e->max_end : 0;
}

static void fix(struct rt_tm_entry *e)
{
	uint64_t m = e->end, a = max_end(e->child[0]), b = max_end(e->child[1]);

	e->max_end = m > a ? (m > b ? m : b) : (a > b ? a : b);
}

/* Order: start offset, then insertion. */
static int after(const struct rt_tm_entry *n, const struct rt_tm_entry *e)
{
	return n->off < e->off || (n->off == e->off && n->seq < e->seq);
}

/* Lifts n's child d above n. */
static struct rt_tm_entry *rotate(struct rt_tm_entry *n, int d)
{
	struct rt_tm_entry *c = n->child[d];

	n->child[d] = c->child[!d];
	c->child[!d] = n;
	fix(n);
	fix(c);
	return c;
}

static struct rt_tm_entry *tree_insert(struct rt_tm_entry *n,
				       struct rt_tm_entry *e)
{
	int d;

	if (!n)
		return e;
	d = after(n, e);
	n->child[d] = tree_insert(n->child[d], e);
	if (n->child[d]->prio > n->prio)
		return rotate(n, d);
	fix(n);
	return n;
}

/* Joins a and b, every key of a before every key of b. */
static struct rt_tm_entry *join(struct rt_tm_entry *a, struct rt_tm_entry *b)
{
	if (!a || !b)
		return a ? a : b;
	if (a->prio > b->prio) {
		a->child[1] = join(a->child[1], b);
		fix(a);
		return a;
	}
	b->child[0] = join(a, b->child[0]);
	fix(b);
	return b;
}

static struct rt_tm_entry *tree_erase(struct rt_tm_entry *n,
				      struct rt_tm_entry *e)
{
	int d;

	if (n == e)
		return join(e->child[0], e->child[1]);
	d = after(n, e);
	n->child[d] = tree_erase(n->child[d], e);
	fix(n);
	return n;
}

static int found_push(struct rt_tensormap *tm, struct rt_tm_entry *e)
{
	struct rt_tm_entry **p;
	uint64_t n;

	if (tm->nfound == tm->found_cap) {
		n = tm->found_cap ? tm->found_cap * 2 : 64;
		p = realloc(tm->found, n * sizeof(*p));
		if (!p)
			return -ENOMEM;
		tm->found = p;
		tm->found_cap = n;
	}
	tm->found[tm->nfound++] = e;
	return 0;
}

/* Appends the entries of n overlapping [off, end) to tm->found. */
static int tree_overlaps(struct rt_tensormap *tm, struct rt_tm_entry *n,
			 uint64_t off, uint64_t end)
{
	int err;

	for (; n && n->max_end > off; n = n->child[1]) {
		err = tree_overlaps(tm, n->child[0], off, end);
		if (err)
			return err;
		if (n->off >= end)
			return 0;
		if (n->end > off && (err = found_push(tm, n)))
			return err;
	}
	return 0;
}

/* ---- tensors and entries ----------------------------------------------- */

static struct rt_tm_tensor **bucket(struct rt_tensormap *tm, const void *t)
{
	uint64_t h = (uint64_t)(uintptr_t)t;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ull;
	return &tm->buckets[(h >> 32) & (tm->nbuckets - 1)];
}

static struct rt_tm_tensor *tensor_find(struct rt_tensormap *tm,
					const void *tensor)
{
	struct rt_tm_tensor *t;

	for (t = *bucket(tm, tensor); t; t = t->next)
		if (t->tensor == tensor)
			return t;
	return NULL;
}

static struct rt_tm_tensor *tensor_get(struct rt_tensormap *tm,
				       const void *tensor)
{
	struct rt_tm_tensor **b, *t = tensor_find(tm, tensor);

	if (t)
		return t;
	t = tm->free_tensors;
	if (t)
		tm->free_tensors = t->next;
	else if (!(t = malloc(sizeof(*t))))
		return NULL;
	b = bucket(tm, tensor);
	*t = (struct rt_tm_tensor){ .tensor = tensor, .next = *b };
	*b = t;
	return t;
}

static void entry_drop(struct rt_tensormap *tm, struct rt_tm_tensor *t,
		       struct rt_tm_entry *e)
{
	t->root[e->writer] = tree_erase(t->root[e->writer], e);
	e->child[0] = tm->free;
	tm->free = e;
	tm->live--;
}

static struct rt_tm_entry *entry_new(struct rt_tensormap *tm)
{
	struct rt_tm_chunk *c;
	struct rt_tm_entry *e;
	int i;

	if (!tm->free) {
		c = malloc(sizeof(*c));
		if (!c)
			return NULL;
		c->next = tm->chunks;
		tm->chunks = c;
		for (i = 0; i < TM_CHUNK; i++) {
			c->e[i].child[0] = tm->free;
			tm->free = &c->e[i];
		}
	}
	e = tm->free;
	tm->free = e->child[0];
	return e;
}

/*
 * Collects into tm->found the live entries of t overlapping [off, end)
 * (writers, and readers when readers), dropping stale ones.
 */
static int collect(struct rt_tensormap *tm, struct rt_tm_tensor *t,
		   uint64_t off, uint64_t end, bool readers)
{
	uint64_t i, n = 0;
	int w, err;

	tm->nfound = 0;
	for (w = readers ? 0 : 1; w < 2; w++) {
		err = tree_overlaps(tm, t->root[w], off, end);
		if (err)
			return err;
	}
	for (i = 0; i < tm->nfound; i++) {
		if (tm->is_live(tm->live_ctx, &tm->found[i]->who))
			tm->found[n++] = tm->found[i];
		else
			entry_drop(tm, t, tm->found[i]);
	}
	tm->nfound = n;
	tm->found_of = t;
	tm->found_off = off;
	tm->found_end = end;
	tm->found_readers = readers;
	return 0;
}

/* collect(), unless found holds that already (a writer's lookup). */
static int collect_again(struct rt_tensormap *tm, struct rt_tm_tensor *t,
			 uint64_t off, uint64_t end, bool readers)
{
	if (tm->found_of == t && tm->found_off == off &&
	    tm->found_end == end && tm->found_readers == readers)
		return 0;
	return collect(tm, t, off, end, readers);
}

/* Drops the stale entries of every tensor; frees tensors left empty. */
static int sweep(struct rt_tensormap *tm)
{
	struct rt_tm_tensor **link, *t;
	uint32_t b;
	int err;

	for (b = 0; b < tm->nbuckets; b++) {
		for (link = &tm->buckets[b]; (t = *link);) {
			err = collect(tm, t, 0, UINT64_MAX, true);
			if (err)
				return err;
			if (t->root[0] || t->root[1]) {
				link = &t->next;
				continue;
			}
			*link = t->next;
			t->next = tm->free_tensors;
			tm->free_tensors = t;
		}
	}
	tm->sweep_at = tm->live * 2 > TM_SWEEP_MIN ? tm->live * 2 :
		       TM_SWEEP_MIN;
	tm->found_of = NULL;	/* tensors were freed */
	return 0;
}

static int newest_first(const void *a, const void *b)
{
	uint64_t x = (*(struct rt_tm_entry *const *)a)->seq;
	uint64_t y = (*(struct rt_tm_entry *const *)b)->seq;

	return x < y ? 1 : x > y ? -1 : 0;
}

int rt_tm_lookup(struct rt_tensormap *tm, const void *tensor, uint64_t off,
		 uint64_t end, bool readers, rt_tm_visit_fn visit, void *ctx)
{
	struct rt_tm_tensor *t = tensor_find(tm, tensor);
	struct rt_tm_entry *e;
	bool covered;
	uint64_t i;
	int err;

	if (!t)
		return 0;
	err = collect(tm, t, off, end, readers);
	if (err)
		return err;
	if (tm->nfound > 1)
		qsort(tm->found, tm->nfound, sizeof(*tm->found),
		      newest_first);
	for (i = 0; i < tm->nfound; i++) {
		e = tm->found[i];
		covered = e->off <= off && end <= e->end;
		visit(ctx, e, covered);
		if (covered && e->writer)
			break;
	}
	return 0;
}

int rt_tm_insert(struct rt_tensormap *tm, const void *tensor, uint64_t off,
		 uint64_t end, bool writer, const struct rt_tm_task *who)
{
	struct rt_tm_tensor *t;
	struct rt_tm_entry *e;
	uint64_t i;
	int err;

	if (tm->live >= tm->sweep_at && (err = sweep(tm)))
		return err;
	t = tensor_get(tm, tensor);
	if (!t)
		return -ENOMEM;
	if (writer) {
		/* Superseded: the new writer is ordered after them. */
		err = collect_again(tm, t, off, end, true);
		if (err)
			return err;
		for (i = 0; i < tm->nfound; i++)
			if (off <= tm->found[i]->off &&
			    tm->found[i]->end <= end)
				entry_drop(tm, t, tm->found[i]);
	}
	tm->found_of = NULL;	/* the trees change */
	e = entry_new(tm);
	if (!e)
		return -ENOMEM;
	tm->rng ^= tm->rng << 13;
	tm->rng ^= tm->rng >> 17;
	tm->rng ^= tm->rng << 5;
	*e = (struct rt_tm_entry){
		.off = off, .end = end, .seq = ++tm->seq, .who = *who,
		.writer = writer, .max_end = end, .prio = tm->rng,
	};
	t->root[writer] = tree_insert(t->root[writer], e);
	tm->live++;
	return 0;
}
