// SPDX-License-Identifier: MIT
/*
 * The scheduler and orchestrator phases of a model, sorted and then
 * parked in an unlinked temporary file, read back a chunk at a time.
 * A 1M-task level-4 run has over 2M phase records (130 MB as structs)
 * that report and convert only ever walk in order, while the tasks and
 * the analyses' own tables must stay in memory: parked, the phases cost
 * the page cache, not the process.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pd_model.h"

static int cmp_sched(const void *a, const void *b)
{
	const struct pd_sched *x = a, *y = b;

	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

static int cmp_orch(const void *a, const void *b)
{
	const struct pd_orch *x = a, *y = b;

	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

/* A file no name refers to (gone on any exit), or -1. */
static int unnamed_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[PATH_MAX];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || snprintf(path, sizeof(path), "%s/ptodump-XXXXXX",
				dir) >= (int)sizeof(path))
		return fd;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/*
 * *v (n records of elem bytes) written to a new unnamed file, then
 * freed: *parked set. Left in memory when the file cannot be made.
 */
static void park(void **v, size_t n, size_t elem, size_t *cap, int *fd,
		 uint8_t *parked)
{
	const char *p = *v;
	size_t left = n * elem;
	ssize_t w;
	int f;

	if (!*v || *parked || (f = unnamed_file()) < 0)
		return;
	while (left) {
		w = write(f, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(f);
			return;
		}
		p += w;
		left -= (size_t)w;
	}
	free(*v);
	*v = NULL;
	*cap = 0;
	*fd = f;
	*parked = 1;
}

void pd_model_sort(struct pd_model *m)
{
	if (m->sched) {
		pd_sort(m->sched, m->nsched, sizeof(*m->sched), cmp_sched);
		park((void **)&m->sched, m->nsched, sizeof(*m->sched),
		     &m->cap_sched, &m->sched_fd, &m->sched_parked);
	}
	if (m->orch) {
		pd_sort(m->orch, m->norch, sizeof(*m->orch), cmp_orch);
		park((void **)&m->orch, m->norch, sizeof(*m->orch),
		     &m->cap_orch, &m->orch_fd, &m->orch_parked);
	}
}

void pd_phases_close(struct pd_model *m)
{
	if (m->sched_parked)
		close(m->sched_fd);
	if (m->orch_parked)
		close(m->orch_fd);
	m->sched_parked = m->orch_parked = 0;
}

static void iter_init(struct pd_iter *it, const void *mem, int parked,
		      int fd, size_t n, size_t elem)
{
	it->mem = parked ? NULL : mem;
	it->fd = parked ? fd : -1;
	it->elem = elem;
	it->n = parked || mem ? n : 0;
	it->next = it->lo = it->len = 0;
	it->err = 0;
}

void pd_iter_sched(struct pd_iter *it, const struct pd_model *m)
{
	iter_init(it, m->sched, m->sched_parked, m->sched_fd, m->nsched,
		  sizeof(*m->sched));
}

void pd_iter_orch(struct pd_iter *it, const struct pd_model *m)
{
	iter_init(it, m->orch, m->orch_parked, m->orch_fd, m->norch,
		  sizeof(*m->orch));
}

/* Records [it->next, ...) into buf; 0, or -EIO. */
static int iter_fill(struct pd_iter *it)
{
	size_t want = sizeof(it->buf) / it->elem, got = 0;
	off_t at = (off_t)(it->next * it->elem);
	ssize_t r;

	if (want > it->n - it->next)
		want = it->n - it->next;
	want *= it->elem;
	while (got < want) {
		r = pread(it->fd, it->buf + got, want - got, at + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return it->err = -EIO;
		got += (size_t)r;
	}
	it->lo = it->next;
	it->len = want / it->elem;
	return 0;
}

static const void *iter_next(struct pd_iter *it)
{
	const void *r;

	if (it->err || it->next >= it->n)
		return NULL;
	if (it->mem) {
		r = it->mem + it->next * it->elem;
	} else {
		if (it->next >= it->lo + it->len && iter_fill(it))
			return NULL;
		r = it->buf + (it->next - it->lo) * it->elem;
	}
	it->next++;
	return r;
}

const struct pd_sched *pd_sched_next(struct pd_iter *it)
{
	return iter_next(it);
}

const struct pd_orch *pd_orch_next(struct pd_iter *it)
{
	return iter_next(it);
}

int pd_model_depths(const struct pd_model *m, pd_depth_fn fn, void *ctx)
{
	const struct pd_sched *r;
	struct pd_iter it;

	pd_iter_sched(&it, m);
	while ((r = pd_sched_next(&it))) {
		if (!r->has_depth || r->phase == PD_PHASE_OTHER)
			continue;
		fn(ctx, r->start, r->depth_start,
		   r->phase == PTO_SCHED_PHASE_DISPATCH);
		fn(ctx, r->end, r->depth_end, 0);
	}
	return it.err;
}
