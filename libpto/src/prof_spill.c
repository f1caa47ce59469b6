// SPDX-License-Identifier: MIT
/* Spill storage and the memory books of collected records; see prof_spill.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prof_spill.h"

#define PROF_SPILL_ITER_BYTES	(16u * 1024)

void *prof_mem_alloc(struct prof_mem *m, size_t bytes)
{
	return prof_mem_realloc(m, NULL, 0, bytes);
}

void *prof_mem_realloc(struct prof_mem *m, void *p, size_t old, size_t new)
{
	void *q = realloc(p, new ? new : 1);

	if (!q)
		return NULL;
	m->held -= old;
	prof_mem_charge(m, new);
	return q;
}

void prof_mem_charge(struct prof_mem *m, size_t bytes)
{
	m->held += bytes;
	if (m->held > m->peak)
		m->peak = m->held;
}

void prof_mem_free(struct prof_mem *m, void *p, size_t bytes)
{
	if (!p)
		return;
	free(p);
	m->held -= bytes;
}

void prof_spill_init(struct prof_spill *s, struct prof_mem *mem, size_t elem)
{
	memset(s, 0, sizeof(*s));
	s->mem = mem;
	s->elem = elem;
	s->fd = -1;
}

static size_t chunk_records(const struct prof_spill *s)
{
	return PROF_SPILL_CHUNK_BYTES / s->elem;
}

void prof_spill_free(struct prof_spill *s)
{
	if (s->chunk)
		prof_mem_free(s->mem, s->chunk,
			      chunk_records(s) * s->elem);
	if (s->fd >= 0)
		close(s->fd);
	s->chunk = NULL;
	s->chunk_len = 0;
	s->fd = -1;
	s->on_file = 0;
}

/* An unlinked temporary file: nothing is left behind on any exit. */
static int spill_tmpfile(void)
{
	const char *dir = getenv("TMPDIR");
	char path[PATH_MAX];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* Filesystems without O_TMPFILE: create, then unlink at once. */
	if (snprintf(path, sizeof(path), "%s/pto-prof-XXXXXX", dir) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(path);
	return fd;
}

static int spill_write_chunk(struct prof_spill *s)
{
	size_t bytes = s->chunk_len * s->elem, done = 0;
	off_t at = (off_t)(s->on_file * s->elem);
	ssize_t n;

	if (s->fd < 0) {
		s->fd = spill_tmpfile();
		if (s->fd < 0) {
			int err = s->fd;

			s->fd = -1;
			return err;
		}
	}
	while (done < bytes) {
		n = pwrite(s->fd, s->chunk + done, bytes - done, at + done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	s->on_file += s->chunk_len;
	s->chunk_len = 0;
	return 0;
}

int prof_spill_append(struct prof_spill *s, const void *recs, size_t n)
{
	size_t cap = chunk_records(s), take;
	const char *p = recs;
	int err;

	if (!s->chunk && n) {
		s->chunk = prof_mem_alloc(s->mem, cap * s->elem);
		if (!s->chunk)
			return -ENOMEM;
	}
	while (n) {
		if (s->chunk_len == cap) {
			err = spill_write_chunk(s);
			if (err)
				return err;
		}
		take = cap - s->chunk_len < n ? cap - s->chunk_len : n;
		memcpy(s->chunk + s->chunk_len * s->elem, p, take * s->elem);
		s->chunk_len += take;
		p += take * s->elem;
		n -= take;
	}
	return 0;
}

int prof_spill_read(const struct prof_spill *s, uint64_t first, void *buf,
		    size_t n)
{
	char *out = buf;
	ssize_t got;

	while (n && first < s->on_file) {
		size_t want = s->on_file - first < n ?
			      (size_t)(s->on_file - first) : n;

		got = pread(s->fd, out, want * s->elem,
			    (off_t)(first * s->elem));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0 || (size_t)got % s->elem)
			return -EIO;
		want = (size_t)got / s->elem;
		out += want * s->elem;
		first += want;
		n -= want;
	}
	if (n && first + n > prof_spill_count(s))
		return -EIO;
	if (n)
		memcpy(out, s->chunk + (first - s->on_file) * s->elem,
		       n * s->elem);
	return 0;
}

int prof_spill_iter_init(struct prof_spill_iter *it,
			 const struct prof_spill *s, uint64_t first,
			 uint64_t end)
{
	memset(it, 0, sizeof(*it));
	it->s = s;
	it->pos = first;
	it->end = end;
	it->cap = PROF_SPILL_ITER_BYTES / s->elem;
	if (!it->cap)
		it->cap = 1;
	it->buf = prof_mem_alloc(s->mem, it->cap * s->elem);
	return it->buf ? 0 : -ENOMEM;
}

const void *prof_spill_peek(struct prof_spill_iter *it)
{
	if (it->at == it->len) {
		size_t n = it->end - it->pos < it->cap ?
			   (size_t)(it->end - it->pos) : it->cap;

		if (!n || it->err)
			return NULL;
		it->err = prof_spill_read(it->s, it->pos, it->buf, n);
		if (it->err)
			return NULL;
		it->pos += n;
		it->len = n;
		it->at = 0;
	}
	return it->buf + it->at * it->s->elem;
}

const void *prof_spill_next(struct prof_spill_iter *it)
{
	const void *r = prof_spill_peek(it);

	if (r)
		it->at++;
	return r;
}

void prof_spill_iter_free(struct prof_spill_iter *it)
{
	if (it->buf)
		prof_mem_free(it->s->mem, it->buf, it->cap * it->s->elem);
	it->buf = NULL;
}

int prof_spill_each(const struct prof_spill *s, prof_rec_fn fn, void *ctx)
{
	struct prof_spill_iter it;
	const void *r;
	int ret = prof_spill_iter_init(&it, s, 0, prof_spill_count(s));

	while (!ret && (r = prof_spill_next(&it)))
		ret = fn(ctx, r);
	if (!ret)
		ret = it.err;
	prof_spill_iter_free(&it);
	return ret;
}
