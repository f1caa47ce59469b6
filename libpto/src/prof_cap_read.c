// SPDX-License-Identifier: MIT
/*
 * The capture reader: validates the file and every section (see
 * uapi/pto_capture.h) and loads the records into a struct prof_records.
 * The file is read through one window of CAP_WINDOW bytes (larger only
 * for a larger section), so memory does not grow with the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prof_cap.h"
#include "prof_kind.h"
#include "pto_layout.h"

#define CAP_WINDOW	(1u << 20)

struct cap_in {
	int fd;
	uint64_t size;		/* file bytes */
	char *buf;		/* holds [wbeg, wbeg + wlen) of the file */
	size_t cap, wlen;
	uint64_t wbeg;
	char *scratch;		/* records realigned for the join */
	size_t scratch_cap;
	struct prof_mem *mem;
};

/*
 * *buf (of *cap bytes, counted in in->mem) at least want bytes, 64-byte
 * aligned; its contents are not kept. 0, or -ENOMEM (*buf unchanged).
 */
static int cap_grow(struct cap_in *in, char **buf, size_t *cap, size_t want)
{
	char *nb;

	if (want <= *cap)
		return 0;
	nb = aligned_alloc(64, (want + 63) & ~(size_t)63);
	if (!nb)
		return -ENOMEM;
	prof_mem_free(in->mem, *buf, *cap);
	prof_mem_charge(in->mem, want);
	*buf = nb;
	*cap = want;
	return 0;
}

/* [off, off + len) of the file (all of it exists), 8-byte aligned. */
static const void *cap_get(struct cap_in *in, uint64_t off, size_t len)
{
	size_t want = len > CAP_WINDOW ? len : CAP_WINDOW, got = 0;
	ssize_t n;

	if (off >= in->wbeg && off + len <= in->wbeg + in->wlen)
		return in->buf + (off - in->wbeg);
	if (want > in->size - off)
		want = (size_t)(in->size - off);
	if (cap_grow(in, &in->buf, &in->cap, want))
		return NULL;
	while (got < want) {
		n = pread(in->fd, in->buf + got, want - got,
			  (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	in->wbeg = off;
	in->wlen = got;
	return got >= len ? in->buf : NULL;
}

static const char *const sec_names[] = {
	[PTO_CAP_SEC_REGION] = "REGION", [PTO_CAP_SEC_RUN] = "RUN",
	[PTO_CAP_SEC_CLOCK] = "CLOCK", [PTO_CAP_SEC_BUFFER] = "BUFFER",
	[PTO_CAP_SEC_BOOKS] = "BOOKS", [PTO_CAP_SEC_NAMES] = "NAMES",
	[PTO_CAP_SEC_END] = "END", [PTO_CAP_SEC_HOST] = "HOST",
	[PTO_CAP_SEC_LOSS] = "LOSS",
	[PTO_CAP_SEC_PMU] = "PMU",
};

static const char *sec_name(uint32_t type)
{
	return type < sizeof(sec_names) / sizeof(sec_names[0]) &&
	       sec_names[type] ? sec_names[type] : "unknown";
}

static void problem(struct prof_cap_info *info, uint64_t off,
		    const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = (size_t)snprintf(info->problem, sizeof(info->problem),
			     "offset %" PRIu64 ": ", off);
	va_start(ap, fmt);
	if (n < sizeof(info->problem))
		vsnprintf(info->problem + n, sizeof(info->problem) - n, fmt,
			  ap);
	va_end(ap);
}

/* The file header; 0, or -EINVAL with info->problem set. */
static int check_file_header(struct cap_in *in, struct prof_cap_info *info)
{
	const struct pto_cap_file_header *fh;

	if (in->size < sizeof(*fh)) {
		problem(info, 0, "%" PRIu64 " bytes, shorter than the %zu-byte "
			"file header", in->size, sizeof(*fh));
		return -EINVAL;
	}
	fh = cap_get(in, 0, sizeof(*fh));
	if (!fh) {
		problem(info, 0, "file header unreadable");
		return -EIO;
	}
	if (fh->magic != PTO_CAP_MAGIC) {
		problem(info, 0, "not a pto capture (bad magic)");
		return -EINVAL;
	}
	if (fh->sum != pto_cap_sum(fh, offsetof(struct pto_cap_file_header,
						 sum))) {
		problem(info, 0, "file header checksum mismatch");
		return -EINVAL;
	}
	if (fh->version < 1 || fh->version > PTO_CAP_VERSION ||
	    fh->header_size != sizeof(*fh) ||
	    fh->section_size != sizeof(struct pto_cap_section) ||
	    PTO_ABI_MAJOR(fh->abi_version) != PTO_ABI_VERSION_MAJOR) {
		problem(info, 0, "capture version %u (header %u, section %u "
			"bytes, ABI %u.%u); this reader knows versions 1..%u",
			fh->version, fh->header_size, fh->section_size,
			PTO_ABI_MAJOR(fh->abi_version),
			PTO_ABI_MINOR(fh->abi_version), PTO_CAP_VERSION);
		return -EINVAL;
	}
	info->version = fh->version;
	return 0;
}

/* What is wrong with a REGION payload, NULL if nothing. */
static const char *region_problem(const struct pto_prof_header *h)
{
	if (h->magic != PTO_PROF_MAGIC ||
	    PTO_ABI_MAJOR(h->abi_version) != PTO_ABI_VERSION_MAJOR)
		return "REGION: not a pto profiling region header";
	if (!h->num_cores || h->num_cores > PTO_MAX_CORES)
		return "REGION: num_cores out of range";
	if (!h->num_aicpu_threads ||
	    h->num_aicpu_threads > PTO_MAX_AICPU_THREADS)
		return "REGION: num_aicpu_threads out of range";
	if (h->dfx_flags & ~PTO_DFX_VALID_MASK || h->level > 4)
		return "REGION: dfx_flags or level out of range";
	return NULL;
}

static const char *buffer_problem(const struct prof_records *r,
				  const struct pto_cap_buffer *b,
				  uint64_t len)
{
	const struct prof_kind_desc *d = prof_kind_desc(b->kind);

	if (!d)
		return "BUFFER: unknown record kind";
	if (!pto_prof_kind_enabled(r->dfx_flags, b->kind))
		return "BUFFER: kind not enabled by the REGION's dfx_flags";
	if (b->record_size != pto_prof_record_size(b->kind) &&
	    (!d->old_record_size || b->record_size != d->old_record_size))
		return "BUFFER: record size is not the kind's";
	if (b->pool >= d->pools)
		return "BUFFER: pool out of range";
	/* A 128-byte record uses all 32 bits (a shift by 32 is undefined). */
	if (b->record_size < 128 && b->word_mask >> (b->record_size / 4))
		return "BUFFER: word mask names words past the record";
	if (b->count > PTO_PROF_MAX_RECORDS_PER_BUFFER)
		return "BUFFER: more records than a buffer holds";
	if (sizeof(*b) + (((uint64_t)b->count *
			   (uint64_t)__builtin_popcount(b->word_mask) * 4 + 7) &
			  ~7ull) != len)
		return "BUFFER: record count does not match the length";
	return NULL;
}

/* BOOKS entries are 32 bytes in version 1 (no overwritten), else 40. */
static const char *books_problem(struct prof_records *r, const void *p,
				 uint64_t len, uint32_t version)
{
	size_t esize = version < 2 ? PTO_CAP_BOOKS_V1_SIZE :
		       sizeof(struct pto_cap_books);
	uint64_t i, n = len / esize;
	struct pto_cap_books b;

	if (len % esize)
		return "BOOKS: length is not a whole number of entries";
	for (i = 0; i < n; i++) {
		memcpy(&b, (const char *)p + i * esize, PTO_CAP_BOOKS_V1_SIZE);
		if (!prof_kind_desc(b.kind) ||
		    b.pool >= prof_kind_desc(b.kind)->pools)
			return "BOOKS: kind or pool out of range";
	}
	for (i = 0; i < n; i++) {
		b.overwritten = 0;
		memcpy(&b, (const char *)p + i * esize, esize);
		prof_records_pool_books(r, b.kind, b.pool, b.total, b.dropped,
					b.mismatch, b.overwritten);
	}
	return NULL;
}

/* *err: -ENOMEM when a name could not be copied. */
static const char *names_problem(struct prof_cap_names *nm, const char *p,
				 uint64_t len, int *err)
{
	const char *end = p + len;
	struct pto_cap_name n;
	char **slot, *s;

	while (end - p >= (ptrdiff_t)sizeof(n)) {
		memcpy(&n, p, sizeof(n));
		p += sizeof(n);
		if (n.len > (uint64_t)(end - p))
			return "NAMES: a name runs past the section";
		slot = prof_cap_name_slot(nm, n.func_id);
		if (slot) {
			s = strndup(p, n.len);
			if (!s) {
				*err = -ENOMEM;
				return "out of memory";
			}
			free(*slot);
			*slot = s;
		}
		p += (n.len + 7) & ~7u;
	}
	return NULL;
}

/*
 * The records of a BUFFER section whole again (the words left out are
 * zero), at the alignment of their type and at the kind's record size
 * (rsize; a record of an older, smaller size is zero-filled to it);
 * NULL: out of memory.
 */
static const void *buffer_records(struct cap_in *in,
				  const struct pto_cap_buffer *b,
				  uint32_t rsize)
{
	size_t bytes = (size_t)b->count * rsize;
	uint32_t words = b->record_size / 4, i, j;
	const uint32_t *src = (const uint32_t *)(b + 1);
	uint32_t *dst;

	if (cap_grow(in, &in->scratch, &in->scratch_cap, bytes))
		return NULL;
	dst = (uint32_t *)in->scratch;
	if (rsize == b->record_size &&
	    b->word_mask == (words == 32 ? ~0u : (1u << words) - 1))
		return memcpy(dst, src, bytes);
	for (i = 0; i < b->count; i++) {
		for (j = 0; j < words; j++)
			*dst++ = b->word_mask >> j & 1 ? *src++ : 0;
		for (; j < rsize / 4; j++)
			*dst++ = 0;
	}
	return in->scratch;
}

/* A CLOCK section: one more sample of its anchor. */
static const char *clock_sample(struct prof_anchor *clk,
				const struct pto_cap_clock *k)
{
	struct prof_anchor *a = &clk[k->when];

	if (a->n == PTO_CAP_CLOCK_MAX_SAMPLES)
		return "CLOCK: more samples than an anchor holds";
	a->s[a->n].host_before_ns = k->host_ns;
	a->s[a->n].counter = k->counter;
	a->s[a->n].host_after_ns = k->host_ns + k->rtt_ns;
	a->n++;
	return NULL;
}

static const char *host_spans(struct prof_records *r, const void *p,
			      uint64_t len, int *err)
{
	const struct pto_cap_host_span *v = p;
	size_t n = (size_t)(len / sizeof(*v)), i;

	if (len % sizeof(*v))
		return "HOST: length is not a whole number of spans";
	for (i = 0; i < n; i++)
		if (v[i].kind >= PTO_HOST_SPAN_KINDS ||
		    v[i].end_ns < v[i].start_ns)
			return "HOST: unknown kind or a span that ends "
			       "before it starts";
	*err = prof_records_add_host(r, v, n);
	return *err ? "out of memory" : NULL;
}

/*
 * The anchors of the CLOCK sections into r (the REGION's where a
 * position has none): an older collector's single pair has no round
 * trip, and a reader keeping one pair per position keeps the last.
 */
static void take_anchors(struct prof_records *r, struct prof_anchor *clk,
			 const struct pto_prof_header *hdr)
{
	uint32_t w;

	for (w = PTO_CAP_CLOCK_START; w <= PTO_CAP_CLOCK_STOP; w++) {
		struct prof_anchor *a = &clk[w];

		if (!a->n)
			continue;
		if (!hdr->sync_samples) {
			a->s[0] = a->s[a->n - 1];
			a->s[0].host_after_ns = a->s[0].host_before_ns;
			a->n = 1;
			a->legacy = 1;
		}
		prof_anchor_pick(a);
		r->anchor[w] = *a;
	}
}

/*
 * One section's payload into r/names/info. NULL, or what is wrong with
 * it (a validation problem; *err set for an I/O or memory failure).
 */
static const char *take_section(struct cap_in *in,
				const struct pto_cap_section *s,
				const void *p, struct prof_records *r,
				struct prof_cap_names *names,
				struct prof_cap_info *info,
				struct pto_prof_header *hdr,
				struct prof_anchor *clk, int *err)
{
	const struct pto_cap_buffer *b = p;
	const void *recs;
	const char *why;

	if (s->type != PTO_CAP_SEC_REGION && s->type != PTO_CAP_SEC_RUN &&
	    s->type != PTO_CAP_SEC_PMU && !info->have_region)
		return "a section before the first REGION";
	switch (s->type) {
	case PTO_CAP_SEC_REGION:
		if (s->length != PTO_CAP_REGION_BYTES)
			return "REGION: wrong length";
		memcpy(hdr, p, PTO_CAP_REGION_BYTES);
		why = region_problem(hdr);
		if (why)
			return why;
		prof_records_read_header(r, hdr);
		info->have_region = 1;
		return NULL;
	case PTO_CAP_SEC_RUN:
		if (s->length != sizeof(info->run))
			return "RUN: wrong length";
		memcpy(&info->run, p, sizeof(info->run));
		info->run.name[PTO_CAP_NAME_LEN - 1] = 0;
		info->have_run = 1;
		return NULL;
	case PTO_CAP_SEC_CLOCK:
		if (s->length != sizeof(struct pto_cap_clock) ||
		    ((const struct pto_cap_clock *)p)->when > PTO_CAP_CLOCK_STOP)
			return "CLOCK: wrong length or kind";
		return clock_sample(clk, p);
	case PTO_CAP_SEC_HOST:
		return host_spans(r, p, s->length, err);
	case PTO_CAP_SEC_BUFFER:
		if (s->length < sizeof(*b))
			return "BUFFER: shorter than its header";
		why = buffer_problem(r, b, s->length);
		if (why)
			return why;
		recs = buffer_records(in, b,
				      pto_prof_record_size(b->kind));
		*err = recs ? prof_records_add(r, b->kind, b->pool, recs,
					       b->count) : -ENOMEM;
		return *err ? "records could not be stored" : NULL;
	case PTO_CAP_SEC_BOOKS:
		if (info->have_books)
			return "BOOKS: a second BOOKS section";
		info->have_books = 1;
		return books_problem(r, p, s->length, info->version);
	case PTO_CAP_SEC_NAMES:
		return names_problem(names, p, s->length, err);
	case PTO_CAP_SEC_PMU:
		if (s->length != sizeof(info->pmu))
			return "PMU: wrong length";
		memcpy(&info->pmu, p, sizeof(info->pmu));
		r->pmu_counters = info->pmu.counters;
		info->have_pmu = 1;
		return NULL;
	case PTO_CAP_SEC_LOSS: {
		const struct pto_cap_loss *l = p;

		if (s->length != sizeof(*l))
			return "LOSS: wrong length";
		if (!prof_kind_desc(l->kind) ||
		    l->pool >= prof_kind_desc(l->kind)->pools)
			return "LOSS: kind or pool out of range";
		*err = prof_records_loss(r, l);
		return *err ? "a loss marker could not be stored" : NULL;
	}
	case PTO_CAP_SEC_END: {
		const struct pto_cap_end *e = p;

		if (s->length != sizeof(*e))
			return "END: wrong length";
		info->complete = 1;
		info->status = e->status;
		return NULL;
	}
	default:
		return NULL;	/* a newer section type: skipped */
	}
}

/* Reads sections from in until END, the end of the file or a problem. */
static int read_sections(struct cap_in *in, struct prof_records *r,
			 struct prof_cap_names *names,
			 struct prof_cap_info *info,
			 struct pto_prof_header *hdr, struct prof_anchor *clk)
{
	uint64_t off = sizeof(struct pto_cap_file_header);
	struct pto_cap_section s;
	const void *p;
	const char *why;
	int err = 0;

	while (!info->complete) {
		info->valid_bytes = off;
		if (off == in->size) {
			problem(info, off, "the file ends after %" PRIu64
				" sections without an END section (the run "
				"did not finish writing it)", info->sections);
			break;
		}
		if (in->size - off < sizeof(s)) {
			problem(info, off, "truncated: a section header needs "
				"%zu bytes, %" PRIu64 " left", sizeof(s),
				in->size - off);
			break;
		}
		p = cap_get(in, off, sizeof(s));
		if (!p)
			return -EIO;
		memcpy(&s, p, sizeof(s));
		if (s.hsum != pto_cap_sum(&s, offsetof(struct pto_cap_section,
							hsum))) {
			problem(info, off, "section header checksum mismatch");
			break;
		}
		if (s.flags || s.length % 8 || s.length > PTO_CAP_MAX_PAYLOAD) {
			problem(info, off, "%s section: bad flags or length "
				"%" PRIu64, sec_name(s.type), s.length);
			break;
		}
		if (s.length > in->size - off - sizeof(s)) {
			problem(info, off, "truncated: %s section needs "
				"%" PRIu64 " payload bytes, %" PRIu64 " left",
				sec_name(s.type), s.length,
				in->size - off - sizeof(s));
			break;
		}
		p = cap_get(in, off + sizeof(s), (size_t)s.length);
		if (!p)
			return -EIO;
		if (s.sum != pto_cap_sum(p, s.length)) {
			problem(info, off, "%s section: payload checksum "
				"mismatch", sec_name(s.type));
			break;
		}
		why = take_section(in, &s, p, r, names, info, hdr, clk, &err);
		if (err)
			return err;
		if (why) {
			problem(info, off, "%s", why);
			break;
		}
		off += sizeof(s) + s.length;
		info->sections++;
	}
	if (info->complete)
		info->valid_bytes = off;
	return 0;
}

int prof_cap_load(const char *path, struct prof_records *r,
		  struct prof_cap_names *names, struct prof_cap_info *info)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0) {
		err = -errno;
		memset(info, 0, sizeof(*info));
		memset(names, 0, sizeof(*names));
		prof_records_init_empty(r);
		snprintf(info->problem, sizeof(info->problem), "%s",
			 strerror(-err));
		return err;
	}
	err = prof_cap_load_fd(fd, r, names, info);
	close(fd);
	return err;
}

int prof_cap_load_fd(int fd, struct prof_records *r,
		     struct prof_cap_names *names, struct prof_cap_info *info)
{
	struct cap_in in = { .fd = fd };
	struct prof_anchor clk[2] = { { 0 } };
	struct pto_prof_header *hdr;
	struct stat st;
	int err;

	memset(info, 0, sizeof(*info));
	memset(names, 0, sizeof(*names));
	/* The REGION copy: the full struct, of which the prefix is read. */
	prof_records_init_empty(r);
	hdr = calloc(1, sizeof(*hdr));
	if (!hdr)
		return -ENOMEM;
	in.mem = &r->mem;
	if (fstat(in.fd, &st)) {
		err = -errno;
		snprintf(info->problem, sizeof(info->problem), "%s",
			 strerror(-err));
		goto out;
	}
	in.size = info->file_bytes = (uint64_t)st.st_size;
	err = check_file_header(&in, info);
	if (!err)
		err = read_sections(&in, r, names, info, hdr, clk);
	if (!err)
		take_anchors(r, clk, hdr);
	if (!err && !info->have_region) {
		if (!info->problem[0])
			problem(info, info->valid_bytes, "no REGION section");
		err = -EINVAL;
	}
	if (!err) {
		prof_records_unheld(r, hdr);
		prof_records_join(r);
	}
out:
	prof_mem_free(&r->mem, in.buf, in.cap);
	prof_mem_free(&r->mem, in.scratch, in.scratch_cap);
	free(hdr);
	return err;
}

void prof_cap_names_free(struct prof_cap_names *names)
{
	uint32_t i;

	for (i = 0; i < PTO_MAX_FUNCS; i++)
		free(names->name[i]);
	free(names->orchestrator);
	memset(names, 0, sizeof(*names));
}

char **prof_cap_name_slot(struct prof_cap_names *names, uint32_t func_id)
{
	if (func_id == PROF_NAME_ORCHESTRATOR)
		return &names->orchestrator;
	return func_id < PTO_MAX_FUNCS ? &names->name[func_id] : NULL;
}

const char *prof_cap_name(void *ctx, uint32_t func_id)
{
	char **slot = prof_cap_name_slot(ctx, func_id);

	return slot ? *slot : NULL;
}
