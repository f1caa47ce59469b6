// SPDX-License-Identifier: MIT
/*
 * Reading and validating a profiling region (see pd_region.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pd_region.h"
#include "pto_layout.h"

static int verr(struct pd_region *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int verr(struct pd_region *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* off + count * stride <= limit, without overflow. */
static int span_ok(uint64_t off, uint64_t count, uint64_t stride,
		   uint64_t limit)
{
	uint64_t len, end;

	return !__builtin_mul_overflow(count, stride, &len) &&
	       !__builtin_add_overflow(off, len, &end) && end <= limit;
}

static int check_kind(struct pd_region *r, uint32_t k)
{
	const struct pto_prof_header *h = r->h;
	const struct pto_prof_kind_layout *kl = &h->layout.kind[k];
	const char *n = pd_kind_name(k);
	uint64_t limit = h->layout.region_size, need;

	if (k >= PTO_BUF_KIND_COUNT || !pto_prof_kind_enabled(h->dfx_flags, k)) {
		static const struct pto_prof_kind_layout zero;

		if (memcmp(kl, &zero, sizeof(zero)))
			return verr(r, "layout: kind %u (%s) is disabled but "
				    "has a layout", k, n);
		return 0;
	}
	if (!kl->pool_off)
		return verr(r, "layout: %s is enabled but has no pools", n);
	if (kl->record_size != pto_prof_record_size(k))
		return verr(r, "layout: %s record size %u, expected %u", n,
			    kl->record_size, pto_prof_record_size(k));
	if (!kl->pool_count || kl->pool_count > PTO_MAX_CORES ||
	    !kl->buf_pools || kl->buf_pools > kl->pool_count)
		return verr(r, "layout: %s pool counts %u/%u out of range", n,
			    kl->buf_pools, kl->pool_count);
	if (!kl->buffers_per_pool ||
	    kl->buffers_per_pool > PTO_PROF_MAX_BUFFERS_PER_POOL ||
	    !kl->records_per_buffer ||
	    kl->records_per_buffer > PTO_PROF_MAX_RECORDS_PER_BUFFER)
		return verr(r, "layout: %s has %u buffers of %u records "
			    "(out of range)", n, kl->buffers_per_pool,
			    kl->records_per_buffer);
	need = sizeof(struct pto_buf_header) +
	       (uint64_t)kl->record_size * kl->records_per_buffer;
	if (kl->buf_size < need || kl->buf_size % PTO_CACHELINE)
		return verr(r, "layout: %s buffer size %llu cannot hold %u "
			    "records", n, (unsigned long long)kl->buf_size,
			    kl->records_per_buffer);
	if (kl->pool_off % PTO_CACHELINE || kl->pool_off < h->layout.header_size ||
	    !span_ok(kl->pool_off, kl->pool_count, h->layout.pool_size, limit))
		return verr(r, "layout: %s pools at offset %llu lie outside "
			    "the region", n, (unsigned long long)kl->pool_off);
	if (kl->buf_off % PTO_CACHELINE || kl->buf_off < h->layout.header_size ||
	    !span_ok(kl->buf_off, (uint64_t)kl->buf_pools * kl->buffers_per_pool,
		     kl->buf_size, limit))
		return verr(r, "layout: %s buffers at offset %llu lie outside "
			    "the region", n, (unsigned long long)kl->buf_off);
	return 0;
}

/* The stored layout must be the one the layout function computes. */
static int check_recompute(struct pd_region *r)
{
	const struct pto_prof_layout *claimed = &r->h->layout;
	struct pto_prof_params params = { 0 };
	struct pto_prof_layout l;
	uint32_t k;

	params.num_cores = r->h->num_cores;
	params.num_aicpu_threads = r->h->num_aicpu_threads;
	params.dfx_flags = r->h->dfx_flags;
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		params.records_per_buffer[k] =
			claimed->kind[k].records_per_buffer;
		params.buffers_per_pool[k] = claimed->kind[k].buffers_per_pool;
	}
	if (pto_prof_layout_compute(&params, &l))
		return verr(r, "layout: the header's own parameters give no "
			    "layout");
	/* The buffer policies are the run's (written at its start). */
	for (k = 0; k < PTO_BUF_KIND_MAX; k++) {
		if (claimed->kind[k].policy >= PTO_BUF_POLICY_COUNT)
			return verr(r, "layout: kind %u buffer policy %u is "
				    "unknown", k, claimed->kind[k].policy);
		l.kind[k].policy = claimed->kind[k].policy;
	}
	if (memcmp(&l, claimed, sizeof(l)))
		return verr(r, "layout: sections are not where the header's "
			    "own parameters put them");
	return 0;
}

static int check_header(struct pd_region *r, size_t size)
{
	const struct pto_prof_header *h = r->h;
	const struct pto_prof_layout *l = &h->layout;
	__u64 flags;
	uint32_t k, c;
	int ret;

	if (h->magic != PTO_PROF_MAGIC)
		return verr(r, "bad magic 0x%08x (expected 0x%08x): not a pto "
			    "profiling region", h->magic, PTO_PROF_MAGIC);
	if (h->abi_version >> 16 != PTO_ABI_VERSION_MAJOR)
		return verr(r, "ABI version %u.%u is not supported (this "
			    "ptodump reads %u.x)", h->abi_version >> 16,
			    h->abi_version & 0xffff, PTO_ABI_VERSION_MAJOR);
	if (pto_dfx_normalize(h->dfx_flags, &flags) || flags != h->dfx_flags)
		return verr(r, "dfx_flags 0x%llx are not valid normalized "
			    "flags", (unsigned long long)h->dfx_flags);
	if (h->level != pto_dfx_level(flags))
		return verr(r, "level %u does not match dfx_flags 0x%llx",
			    h->level, (unsigned long long)flags);
	if (!h->num_cores || h->num_cores > PTO_MAX_CORES)
		return verr(r, "num_cores %u out of range 1..%d", h->num_cores,
			    PTO_MAX_CORES);
	if (!h->num_aicpu_threads || h->num_aicpu_threads > PTO_MAX_AICPU_THREADS)
		return verr(r, "num_aicpu_threads %u out of range 1..%d",
			    h->num_aicpu_threads, PTO_MAX_AICPU_THREADS);
	if (l->header_size != sizeof(*h) || l->pool_size != sizeof(struct pto_pool) ||
	    l->ready_queue_count != PTO_MAX_AICPU_THREADS ||
	    l->ready_queue_cap != PTO_READY_QUEUE_CAP)
		return verr(r, "layout: header/pool/ready-queue sizes do not "
			    "match ABI %d", PTO_ABI_VERSION_MAJOR);
	if (l->region_size > PTO_PROF_MAX_REGION_SIZE)
		return verr(r, "layout: region size %llu exceeds the maximum",
			    (unsigned long long)l->region_size);
	if (l->region_size > size)
		return verr(r, "truncated: the header describes %llu bytes, "
			    "only %zu are present",
			    (unsigned long long)l->region_size, size);
	for (k = 0; k < PTO_BUF_KIND_MAX; k++)
		if ((ret = check_kind(r, k)))
			return ret;
	if (h->num_sched_phase_threads > PTO_MAX_AICPU_THREADS ||
	    h->num_orch_phase_threads > PTO_MAX_AICPU_THREADS ||
	    h->num_phase_cores > h->num_cores)
		return verr(r, "phase thread/core counts %u/%u/%u out of "
			    "range", h->num_sched_phase_threads,
			    h->num_orch_phase_threads, h->num_phase_cores);
	for (c = 0; c < h->num_cores; c++)
		if (h->core_to_thread[c] != PTO_CORE_THREAD_NONE &&
		    h->core_to_thread[c] >= PTO_MAX_AICPU_THREADS)
			return verr(r, "core_to_thread[%u] = %u out of range", c,
				    h->core_to_thread[c]);
	if (h->run_state > PTO_RUN_STOPPED)
		return verr(r, "run_state %u unknown", h->run_state);
	return check_recompute(r);
}

int pd_region_open_mem(struct pd_region *r, const void *base, size_t size)
{
	r->base = base;
	r->size = size;
	r->h = NULL;
	if (size < sizeof(struct pto_prof_header))
		return verr(r, "truncated: %zu bytes, the region header alone "
			    "is %zu", size, sizeof(struct pto_prof_header));
	r->h = malloc(sizeof(*r->h));
	if (!r->h)
		return verr(r, "out of memory");
	/* One copy: a live writer cannot change what was validated. */
	memcpy(r->h, base, sizeof(*r->h));
	return check_header(r, size);
}

int pd_region_load_file(struct pd_region *r, const char *path)
{
	struct stat st;
	FILE *f;
	size_t n;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	f = fopen(path, "rb");
	if (!f) {
		int e = errno;

		snprintf(r->err, sizeof(r->err), "%s: %s", path, strerror(e));
		return -e;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fclose(f);
		return verr(r, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > PTO_PROF_MAX_REGION_SIZE) {
		fclose(f);
		return verr(r, "%s: %lld bytes is larger than any region", path,
			    (long long)st.st_size);
	}
	/*
	 * Mapped read-only and shared: a live region's file (a sim run's,
	 * see ptodump list) is read as its writers update it.
	 */
	if (st.st_size) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED,
			       fileno(f), 0);

		if (m != MAP_FAILED) {
			fclose(f);
			r->map = m;
			r->map_len = (size_t)st.st_size;
			return pd_region_open_mem(r, m, r->map_len);
		}
	}
	/* Aligned as a mapping is: records are 64-byte aligned types. */
	r->owned = aligned_alloc(64, ((size_t)st.st_size + 64) & ~(size_t)63);
	if (!r->owned) {
		fclose(f);
		return verr(r, "out of memory");
	}
	n = fread(r->owned, 1, (size_t)st.st_size, f);
	fclose(f);
	if (n != (size_t)st.st_size)
		return verr(r, "%s: short read", path);
	return pd_region_open_mem(r, r->owned, n);
}

void pd_region_close(struct pd_region *r)
{
	free(r->h);
	free(r->owned);
	if (r->map)
		munmap(r->map, r->map_len);
	if (r->fd >= 0)
		close(r->fd);
	r->h = NULL;
	r->owned = r->map = NULL;
	r->fd = -1;
}

const struct pto_pool *pd_pool(const struct pd_region *r, uint32_t kind,
			       uint32_t i)
{
	const struct pto_prof_kind_layout *kl = &r->h->layout.kind[kind];

	return (const struct pto_pool *)(r->base + kl->pool_off +
					 (uint64_t)i * r->h->layout.pool_size);
}

uint64_t pd_buf_off(const struct pd_region *r, uint32_t kind, uint32_t i,
		    uint32_t j)
{
	const struct pto_prof_kind_layout *kl = &r->h->layout.kind[kind];

	return kl->buf_off + ((uint64_t)i * kl->buffers_per_pool + j) *
	       kl->buf_size;
}

int pd_check_buf_off(struct pd_region *r, uint32_t kind, uint32_t i,
		     uint64_t off, int zero_ok, const char *where)
{
	const struct pto_prof_kind_layout *kl = &r->h->layout.kind[kind];
	uint64_t first = pd_buf_off(r, kind, i, 0);

	if (!off && zero_ok)
		return 0;
	if (off < first || off - first >= kl->buf_size * kl->buffers_per_pool ||
	    (off - first) % kl->buf_size)
		return verr(r, "%s: offset %llu is not a buffer of %s pool %u",
			    where, (unsigned long long)off, pd_kind_name(kind),
			    i);
	return 0;
}

int pd_buffer(struct pd_region *r, uint32_t kind, uint32_t i, uint32_t j,
	      const void **records, uint32_t *count)
{
	const struct pto_prof_kind_layout *kl = &r->h->layout.kind[kind];
	const uint8_t *b = r->base + pd_buf_off(r, kind, i, j);
	const struct pto_buf_header *bh = (const struct pto_buf_header *)b;
	uint32_t n;

	if (PD_LOAD(&bh->kind) != kind || PD_LOAD(&bh->pool_index) != i ||
	    PD_LOAD(&bh->capacity) != kl->records_per_buffer ||
	    PD_LOAD(&bh->record_size) != kl->record_size)
		return verr(r, "%s pool %u buffer %u: header (kind %u, pool %u, "
			    "capacity %u, record size %u) does not match the "
			    "layout", pd_kind_name(kind), i, j,
			    PD_LOAD(&bh->kind), PD_LOAD(&bh->pool_index),
			    PD_LOAD(&bh->capacity),
			    PD_LOAD(&bh->record_size));
	/* Pairs with the writer's store-release of count: records visible. */
	n = __atomic_load_n(&bh->count, __ATOMIC_ACQUIRE);
	if (n > kl->records_per_buffer)
		return verr(r, "%s pool %u buffer %u: count %u exceeds capacity "
			    "%u", pd_kind_name(kind), i, j, n,
			    kl->records_per_buffer);
	*records = b + sizeof(struct pto_buf_header);
	*count = n;
	return 0;
}

int pd_queue_depth(struct pd_region *r, uint32_t head, uint32_t tail,
		   uint32_t cap, const char *what, uint32_t *out)
{
	*out = tail - head;
	if (*out > cap)
		return verr(r, "%s: depth %u (head %u, tail %u) exceeds "
			    "capacity %u", what, *out, head, tail, cap);
	return 0;
}
