// SPDX-License-Identifier: MIT
/* The capture writer; see prof_cap.h and uapi/pto_capture.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prof_cap.h"

#define CAP_BUF_BYTES	(1u << 20)

struct prof_cap {
	int fd;
	char *buf;		/* 8-byte aligned */
	size_t cap, len;
	size_t open_at;		/* section header of the open section */
	int open;
	int err;
	uint64_t sections, records;
};

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static int cap_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int prof_cap_flush(struct prof_cap *c)
{
	if (!c->err && c->len)
		c->err = cap_write_all(c->fd, c->buf, c->len);
	c->len = 0;
	return c->err;
}

int prof_cap_error(const struct prof_cap *c)
{
	return c->err;
}

int prof_cap_create(const char *path, struct prof_cap **out)
{
	struct pto_cap_file_header fh = {
		.magic = PTO_CAP_MAGIC,
		.version = PTO_CAP_VERSION,
		.header_size = sizeof(fh),
		.section_size = sizeof(struct pto_cap_section),
		.abi_version = PTO_ABI_VERSION,
	};
	struct prof_cap *c;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->cap = CAP_BUF_BYTES;
	c->buf = aligned_alloc(64, c->cap);
	if (!c->buf) {
		free(c);
		return -ENOMEM;
	}
	c->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (c->fd < 0) {
		int err = -errno;

		free(c->buf);
		free(c);
		return err;
	}
	fh.sum = pto_cap_sum(&fh, offsetof(struct pto_cap_file_header, sum));
	memcpy(c->buf, &fh, sizeof(fh));
	c->len = sizeof(fh);
	*out = c;
	return prof_cap_flush(c);
}

/* Makes room for need more bytes (a section never exceeds the limit). */
static int cap_room(struct prof_cap *c, size_t need)
{
	char *nb;

	if (c->len + need <= c->cap)
		return 0;
	if (prof_cap_flush(c))
		return c->err;
	if (need <= c->cap)
		return 0;
	nb = aligned_alloc(64, pad8(need));
	if (!nb)
		return c->err = -ENOMEM;
	free(c->buf);
	c->buf = nb;
	c->cap = pad8(need);
	return 0;
}

void *prof_cap_begin(struct prof_cap *c, uint32_t type, size_t len)
{
	struct pto_cap_section *s;
	size_t plen = pad8(len);

	if (c->err)
		return NULL;
	if (plen > PTO_CAP_MAX_PAYLOAD) {
		c->err = -E2BIG;
		return NULL;
	}
	if (cap_room(c, sizeof(*s) + plen))
		return NULL;
	c->open_at = c->len;
	c->open = 1;
	s = (struct pto_cap_section *)(c->buf + c->len);
	memset(s, 0, sizeof(*s) + plen);
	s->type = type;
	s->length = plen;
	return s + 1;
}

void prof_cap_commit(struct prof_cap *c)
{
	struct pto_cap_section *s;

	if (!c->open)
		return;
	c->open = 0;
	s = (struct pto_cap_section *)(c->buf + c->open_at);
	s->sum = pto_cap_sum(s + 1, s->length);
	s->hsum = pto_cap_sum(s, offsetof(struct pto_cap_section, hsum));
	c->len = c->open_at + sizeof(*s) + s->length;
	c->sections++;
}

/* The 32-bit words of the records that are not zero in all of them. */
static uint32_t word_mask(const uint32_t *w, uint32_t count, uint32_t words)
{
	uint32_t seen[32] = { 0 }, mask = 0, i, j;

	for (i = 0; i < count; i++, w += words)
		for (j = 0; j < words; j++)
			seen[j] |= w[j];
	for (j = 0; j < words; j++)
		mask |= (uint32_t)!!seen[j] << j;
	return mask;
}

int prof_cap_buffer(struct prof_cap *c, uint32_t kind, uint32_t pool,
		    uint32_t seq, const void *recs, uint32_t count,
		    uint32_t record_size)
{
	uint32_t words = record_size / 4, mask, kept, i, j;
	const uint32_t *in = recs;
	struct pto_cap_buffer *b;
	uint32_t *out;

	if (record_size % 4 || words > 32)
		return c->err = -EINVAL;
	mask = word_mask(in, count, words);
	kept = (uint32_t)__builtin_popcount(mask);
	b = prof_cap_begin(c, PTO_CAP_SEC_BUFFER,
			   sizeof(*b) + (size_t)count * kept * 4);
	if (!b)
		return c->err;
	b->kind = kind;
	b->pool = pool;
	b->seq = seq;
	b->count = count;
	b->record_size = record_size;
	b->word_mask = mask;
	out = (uint32_t *)(b + 1);
	if (kept == words) {
		memcpy(out, in, (size_t)count * record_size);
	} else {
		for (i = 0; i < count; i++, in += words)
			for (j = 0; j < words; j++)
				if (mask >> j & 1)
					*out++ = in[j];
	}
	prof_cap_commit(c);
	c->records += count;
	return 0;
}

int prof_cap_region(struct prof_cap *c, const struct pto_prof_header *h)
{
	void *p = prof_cap_begin(c, PTO_CAP_SEC_REGION, PTO_CAP_REGION_BYTES);

	if (!p)
		return c->err;
	memcpy(p, h, PTO_CAP_REGION_BYTES);
	prof_cap_commit(c);
	return 0;
}

int prof_cap_anchor(struct prof_cap *c, uint32_t when,
		    const struct prof_anchor *a)
{
	struct pto_cap_clock *k;
	uint64_t rtt;
	uint32_t i;

	for (i = 0; i < a->n; i++) {
		k = prof_cap_begin(c, PTO_CAP_SEC_CLOCK, sizeof(*k));
		if (!k)
			return c->err;
		rtt = a->s[i].host_after_ns - a->s[i].host_before_ns;
		k->when = when;
		k->rtt_ns = a->s[i].host_after_ns < a->s[i].host_before_ns ||
			    rtt > UINT32_MAX ? UINT32_MAX : (uint32_t)rtt;
		k->host_ns = a->s[i].host_before_ns;
		k->counter = a->s[i].counter;
		prof_cap_commit(c);
	}
	return 0;
}

int prof_cap_host(struct prof_cap *c, const struct pto_cap_host_span *v,
		  size_t n)
{
	const size_t most = 2048;	/* spans per section */
	size_t k;
	void *p;

	for (; n; n -= k, v += k) {
		k = n < most ? n : most;
		p = prof_cap_begin(c, PTO_CAP_SEC_HOST, k * sizeof(*v));
		if (!p)
			return c->err;
		memcpy(p, v, k * sizeof(*v));
		prof_cap_commit(c);
	}
	return 0;
}

int prof_cap_loss(struct prof_cap *c, const struct pto_cap_loss *l)
{
	struct pto_cap_loss *k = prof_cap_begin(c, PTO_CAP_SEC_LOSS,
						sizeof(*k));

	if (!k)
		return c->err;
	*k = *l;
	prof_cap_commit(c);
	return 0;
}

/* Bytes of one NAMES entry. */
static size_t name_bytes(const char *s)
{
	return sizeof(struct pto_cap_name) + pad8(strlen(s));
}

static char *put_name(char *p, uint32_t id, const char *s)
{
	struct pto_cap_name n = { id, (uint32_t)strlen(s) };

	memcpy(p, &n, sizeof(n));
	memcpy(p + sizeof(n), s, n.len);
	return p + name_bytes(s);
}

int prof_cap_names(struct prof_cap *c, prof_name_fn func_name, void *ctx,
		   uint32_t nfuncs)
{
	const char *s, *orch = func_name(ctx, PROF_NAME_ORCHESTRATOR);
	size_t len = orch ? name_bytes(orch) : 0;
	uint32_t id;
	char *p;

	for (id = 0; id < nfuncs; id++)
		if ((s = func_name(ctx, id)))
			len += name_bytes(s);
	p = prof_cap_begin(c, PTO_CAP_SEC_NAMES, len);
	if (!p)
		return c->err;
	for (id = 0; id < nfuncs; id++)
		if ((s = func_name(ctx, id)))
			p = put_name(p, id, s);
	if (orch)
		put_name(p, PTO_CAP_NAME_ORCHESTRATOR, orch);
	prof_cap_commit(c);
	return 0;
}

int prof_cap_close(struct prof_cap *c, int status)
{
	struct pto_cap_end *e;
	int err;

	if (!c)
		return 0;
	e = prof_cap_begin(c, PTO_CAP_SEC_END, sizeof(*e));
	if (e) {
		e->sections = c->sections;
		e->records = c->records;
		e->status = status;
		prof_cap_commit(c);
	}
	prof_cap_flush(c);
	err = c->err;
	if (close(c->fd) && !err)
		err = -errno;
	free(c->buf);
	free(c);
	return err;
}
