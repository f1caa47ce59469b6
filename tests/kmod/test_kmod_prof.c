/*
 * Profiling and handshake regions, success paths: PROF_CREATE (layout and
 * the content of a fresh region), PROF_LIST (owner pids in the caller's
 * pid namespace), PROF_ATTACH with read-only observer mappings, no
 * dma-buf export of a region, an owner's mappings racing PROF_RELEASE,
 * VM_DONTDUMP mappings, HS_CREATE,
 * and the debugfs listing (which keeps no kernel mapping between reads).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kt.h"

static uint64_t page_round(uint64_t n)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	return (n + page - 1) & ~(page - 1);
}

static int release(int fd, uint32_t id)
{
	struct drm_pto_prof_release r = { .region_id = id };

	return kt_ioctl(fd, DRM_IOCTL_PTO_PROF_RELEASE, &r);
}

static int attach(int fd, uint32_t id, struct drm_pto_prof_attach *a)
{
	memset(a, 0, sizeof(*a));
	a->region_id = id;
	return kt_ioctl(fd, DRM_IOCTL_PTO_PROF_ATTACH, a);
}

static void test_create_layout(void **state)
{
	struct drm_pto_prof_create c;
	struct drm_pto_bo_info info = { 0 };
	struct pto_prof_layout expect;

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	assert_int_not_equal(c.handle, 0);
	assert_int_not_equal(c.region_id, 0);
	assert_int_equal(pto_prof_layout_compute(&c.params, &expect), 0);
	assert_memory_equal(&c.layout, &expect, sizeof(expect));
	info.handle = c.handle;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_BO_INFO, &info), 0);
	assert_int_equal(info.mmap_offset, c.mmap_offset);
	assert_int_equal(info.size, page_round(c.layout.region_size));
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

static void check_pools(const char *base, const struct pto_prof_layout *l,
			uint32_t k)
{
	const struct pto_prof_kind_layout *kl = &l->kind[k];
	uint32_t i, j;

	for (i = 0; i < kl->pool_count; i++) {
		const struct pto_pool *pool = (const void *)
			(base + kl->pool_off + (uint64_t)i * l->pool_size);
		uint32_t fill = i < kl->buf_pools ? kl->buffers_per_pool : 0;

		assert_int_equal(pool->head.buf_off, 0);
		assert_int_equal(pool->counters.total, 0);
		assert_int_equal(pool->counters.dropped, 0);
		assert_int_equal(pool->counters.mismatch, 0);
		assert_int_equal(pool->free_queue.head, 0);
		assert_int_equal(pool->free_queue.tail, fill);
		for (j = 0; j < fill; j++) {
			uint64_t off = kl->buf_off +
				((uint64_t)i * kl->buffers_per_pool + j) *
				kl->buf_size;
			const struct pto_buf_header *bh =
				(const void *)(base + off);

			assert_int_equal(pool->free_queue.slots[j], off);
			assert_int_equal(bh->count, 0);
			assert_int_equal(bh->kind, k);
			assert_int_equal(bh->pool_index, i);
			assert_int_equal(bh->capacity, kl->records_per_buffer);
			assert_int_equal(bh->record_size, kl->record_size);
		}
	}
}

/*
 * The PMU bit alone (outside the lifecycle chain): accepted, normalized to
 * itself, and only the PMU kind is laid out, its pools primed.
 */
static void test_create_pmu_only(void **state)
{
	struct drm_pto_prof_create c;
	const struct pto_prof_header *h;
	uint32_t k;
	char *base;

	(void)state;
	memset(&c, 0, sizeof(c));
	kt_params(&c.params);
	c.params.dfx_flags = PTO_DFX_PMU;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_CREATE, &c), 0);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		assert_int_equal(!!c.layout.kind[k].pool_off, k == PTO_BUF_PMU);
	assert_int_equal(c.layout.kind[PTO_BUF_PMU].record_size,
			 sizeof(struct pto_pmu_record));
	base = kt_map(kt_fd, c.mmap_offset, c.layout.region_size, PROT_READ);
	assert_true(base != MAP_FAILED);
	h = (const void *)base;
	assert_int_equal(h->dfx_flags, PTO_DFX_PMU);
	assert_int_equal(h->level, 0);
	check_pools(base, &c.layout, PTO_BUF_PMU);
	munmap(base, c.layout.region_size);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

/* Header fields, full free queues, zero counters and queues. */
static void test_fresh_region_content(void **state)
{
	struct drm_pto_prof_create c;
	const struct pto_prof_header *h;
	uint32_t k, i;
	char *base;

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	base = kt_map(kt_fd, c.mmap_offset, c.layout.region_size, PROT_READ);
	assert_true(base != MAP_FAILED);
	h = (const void *)base;
	assert_int_equal(h->magic, PTO_PROF_MAGIC);
	assert_int_equal(h->abi_version, PTO_ABI_VERSION);
	assert_int_equal(h->dfx_flags, PTO_DFX_LIFECYCLE_CHAIN);
	assert_int_equal(h->level, PTO_LEVEL_MAX);
	assert_int_equal(h->num_cores, c.params.num_cores);
	assert_int_equal(h->num_aicpu_threads, c.params.num_aicpu_threads);
	assert_int_equal(h->creator_freq_hz,
			 kt_param(kt_fd, PTO_PARAM_COUNTER_FREQ));
	assert_memory_equal(&h->layout, &c.layout, sizeof(c.layout));
	assert_int_equal(h->counter_freq_hz, 0);
	assert_int_equal(h->run_state, PTO_RUN_CREATED);
	for (i = 0; i < PTO_MAX_CORES; i++)
		assert_int_equal(h->core_to_thread[i], PTO_CORE_THREAD_NONE);
	for (i = 0; i < PTO_MAX_AICPU_THREADS; i++) {
		assert_int_equal(h->ready[i].head, 0);
		assert_int_equal(h->ready[i].tail, 0);
	}
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		/* Every kind of the level (the PMU bit is not one of them). */
		assert_int_equal(!!c.layout.kind[k].pool_off,
				 pto_prof_kind_enabled(h->dfx_flags, k));
		if (c.layout.kind[k].pool_off)
			check_pools(base, &c.layout, k);
	}
	munmap(base, c.layout.region_size);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

/*
 * dfx bit 4 (tensor dump) alone: the driver lays out only the dump
 * kind, one pool per AICPU thread with full free queues of buffers of
 * 128-byte records.
 */
static void test_tensor_dump_region(void **state)
{
	struct drm_pto_prof_create c;
	const struct pto_prof_header *h;
	const struct pto_prof_kind_layout *kl;
	uint32_t k;
	char *base;

	(void)state;
	memset(&c, 0, sizeof(c));
	kt_params(&c.params);
	c.params.dfx_flags = PTO_DFX_TENSOR_DUMP;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_CREATE, &c), 0);
	base = kt_map(kt_fd, c.mmap_offset, c.layout.region_size, PROT_READ);
	assert_true(base != MAP_FAILED);
	h = (const void *)base;
	assert_int_equal(h->dfx_flags, PTO_DFX_TENSOR_DUMP);
	assert_int_equal(h->level, 0);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		if (k != PTO_BUF_TENSOR_DUMP)
			assert_int_equal(c.layout.kind[k].pool_off, 0);
	kl = &c.layout.kind[PTO_BUF_TENSOR_DUMP];
	assert_int_not_equal(kl->pool_off, 0);
	assert_int_equal(kl->buf_pools, c.params.num_aicpu_threads);
	assert_int_equal(kl->record_size, PTO_TDUMP_RECORD_SIZE);
	check_pools(base, &c.layout, PTO_BUF_TENSOR_DUMP);
	munmap(base, c.layout.region_size);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

/* The owner's mapping is writable and shared with later mappings. */
static void test_owner_mapping_writable(void **state)
{
	struct drm_pto_prof_create c;
	struct pto_prof_header *a, *b;

	(void)state;
	a = kt_own_region(&c);
	a->counter_freq_hz = 12345;
	b = kt_map(kt_fd, c.mmap_offset, c.layout.region_size, PROT_READ);
	assert_true(b != MAP_FAILED);
	assert_int_equal(b->counter_freq_hz, 12345);
	munmap(a, c.layout.region_size);
	munmap(b, c.layout.region_size);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

static void test_list(void **state)
{
	struct drm_pto_prof_info info[16];
	const struct drm_pto_prof_info *e;
	struct drm_pto_prof_create c1, c2;
	struct timespec t0, t1;
	int n;

	(void)state;
	clock_gettime(CLOCK_REALTIME, &t0);
	assert_int_equal(kt_prof_create(kt_fd, 0, &c1), 0);
	assert_int_equal(kt_prof_create(kt_fd, PTO_PROF_CREATE_RETAIN, &c2),
			 0);
	clock_gettime(CLOCK_REALTIME, &t1);
	assert_true(c2.region_id > c1.region_id);
	n = kt_list(kt_fd, info, 16);
	assert_int_equal(n, 2);
	e = kt_find(info, n, c1.region_id);
	assert_non_null(e);
	assert_int_equal(e->state, PTO_PROF_STATE_LIVE);
	assert_int_equal(e->owner_pid, getpid());
	assert_int_equal(e->owner_uid, getuid());
	assert_int_equal(e->size, c1.layout.region_size);
	assert_int_equal(e->num_cores, c1.params.num_cores);
	assert_int_equal(e->num_aicpu_threads, c1.params.num_aicpu_threads);
	assert_int_equal(e->dfx_flags, PTO_DFX_LIFECYCLE_CHAIN);
	assert_true(e->created_ns >= (uint64_t)t0.tv_sec * 1000000000u +
		    (uint64_t)t0.tv_nsec);
	assert_true(e->created_ns <= (uint64_t)t1.tv_sec * 1000000000u +
		    (uint64_t)t1.tv_nsec);
	assert_non_null(kt_find(info, n, c2.region_id));
	assert_int_equal(release(kt_fd, c1.region_id), 0);
	assert_int_equal(release(kt_fd, c2.region_id), 0);
	assert_int_equal(kt_list(kt_fd, info, 16), 0);
}

/* count 0 asks only for the number of regions; a short array is filled. */
static void test_list_capacity(void **state)
{
	struct drm_pto_prof_info info[2];
	struct drm_pto_prof_create c[3];
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_int_equal(kt_prof_create(kt_fd, 0, &c[i]), 0);
	assert_int_equal(kt_list(kt_fd, NULL, 0), 3);
	memset(info, 0, sizeof(info));
	assert_int_equal(kt_list(kt_fd, info, 1), 3);
	assert_int_equal(info[0].region_id, c[0].region_id);
	assert_int_equal(info[1].region_id, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(release(kt_fd, c[i].region_id), 0);
}

struct pidns_arg {
	uint32_t root_region;	/* created outside the namespace */
	int pipefd[2];		/* the inner process's pid, outside */
};

/*
 * Pid 1 of a new pid namespace: its own region is listed with pid 1, the
 * outside creator's with 0 (not visible here). Leaves a retained region.
 */
static int pidns_inner(struct pidns_arg *a)
{
	struct drm_pto_prof_info info[8];
	const struct drm_pto_prof_info *e;
	struct drm_pto_prof_create c;
	int fd = kt_open(0), n;

	if (fd < 0 || getpid() != 1)
		return 2;
	if (kt_prof_create(fd, PTO_PROF_CREATE_RETAIN, &c))
		return 3;
	n = kt_list(fd, info, 8);
	e = kt_find(info, n, c.region_id);
	if (!e || e->owner_pid != 1)
		return 4;
	e = kt_find(info, n, a->root_region);
	if (!e || e->owner_pid != 0)
		return 5;
	return 0;
}

static int pidns_child(void *arg)
{
	struct pidns_arg *a = arg;
	int status;
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		return 10;
	pid = fork();
	if (pid < 0)
		return 11;
	if (pid == 0)
		_exit(pidns_inner(a));
	if (write(a->pipefd[1], &pid, sizeof(pid)) != sizeof(pid) ||
	    waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 12;
	return WEXITSTATUS(status);
}

/* owner_pid is the creator's tgid as the caller's pid namespace sees it. */
static void test_list_pid_namespaces(void **state)
{
	struct drm_pto_prof_info info[8];
	const struct drm_pto_prof_info *e = NULL;
	struct drm_pto_prof_create c;
	struct pidns_arg a;
	pid_t inner = 0;
	int status, n, i;

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	a.root_region = c.region_id;
	assert_int_equal(pipe(a.pipefd), 0);
	status = kt_in_child(pidns_child, &a);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(read(a.pipefd[0], &inner, sizeof(inner)),
			 sizeof(inner));
	close(a.pipefd[0]);
	close(a.pipefd[1]);
	n = kt_list(kt_fd, info, 8);
	for (i = 0; i < n; i++)
		if (info[i].region_id != c.region_id)
			e = &info[i];
	assert_non_null(e);
	assert_int_equal(e->state, PTO_PROF_STATE_RETAINED);
	assert_int_equal(e->owner_pid, inner);
}

static void test_attach_reads_owner_writes(void **state)
{
	struct drm_pto_prof_create c;
	struct drm_pto_prof_attach a;
	struct pto_prof_header *w;
	const struct pto_prof_header *r;
	int fd2 = kt_open(0);

	(void)state;
	assert_true(fd2 >= 0);
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	assert_int_equal(attach(fd2, c.region_id, &a), 0);
	assert_int_not_equal(a.handle, 0);
	assert_int_equal(a.size, page_round(c.layout.region_size));
	w = kt_map(kt_fd, c.mmap_offset, c.layout.region_size,
		   PROT_READ | PROT_WRITE);
	assert_true(w != MAP_FAILED);
	r = kt_map(fd2, a.mmap_offset, c.layout.region_size, PROT_READ);
	assert_true(r != MAP_FAILED);
	w->run_state = PTO_RUN_RUNNING;
	assert_int_equal(r->run_state, PTO_RUN_RUNNING);
	assert_int_equal(r->magic, PTO_PROF_MAGIC);
	munmap(w, c.layout.region_size);
	munmap((void *)r, c.layout.region_size);
	close(fd2);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

static void test_observer_map_write_refused(void **state)
{
	struct drm_pto_prof_create c;
	struct drm_pto_prof_attach a;
	int fd2 = kt_open(0);
	void *p;

	(void)state;
	assert_true(fd2 >= 0);
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	assert_int_equal(attach(fd2, c.region_id, &a), 0);
	p = kt_map(fd2, a.mmap_offset, a.size, PROT_READ | PROT_WRITE);
	assert_true(p == MAP_FAILED);
	assert_int_equal(errno, EACCES);
	close(fd2);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

static void test_observer_mprotect_write_refused(void **state)
{
	struct drm_pto_prof_create c;
	struct drm_pto_prof_attach a;
	int fd2 = kt_open(0);
	void *p;

	(void)state;
	assert_true(fd2 >= 0);
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	assert_int_equal(attach(fd2, c.region_id, &a), 0);
	p = kt_map(fd2, a.mmap_offset, a.size, PROT_READ);
	assert_true(p != MAP_FAILED);
	assert_int_equal(mprotect(p, a.size, PROT_READ | PROT_WRITE), -1);
	assert_int_equal(errno, EACCES);
	munmap(p, a.size);
	close(fd2);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

static int observer_write_child(void *arg)
{
	volatile uint32_t *p = arg;

	*p = 0xdead;	/* must fault */
	return 0;
}

/* Writing through an observer mapping faults (in a child). */
static void test_observer_write_faults(void **state)
{
	struct drm_pto_prof_create c;
	struct drm_pto_prof_attach a;
	int fd2 = kt_open(0), status;
	uint32_t *p;

	(void)state;
	assert_true(fd2 >= 0);
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	assert_int_equal(attach(fd2, c.region_id, &a), 0);
	p = kt_map(fd2, a.mmap_offset, a.size, PROT_READ);
	assert_true(p != MAP_FAILED);
	status = kt_in_child(observer_write_child, p);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSEGV);
	assert_int_equal(*p, PTO_PROF_MAGIC);
	munmap(p, a.size);
	close(fd2);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

static int prime_export(int fd, uint32_t handle, uint32_t flags, int *out)
{
	struct drm_prime_handle ph = { .handle = handle, .flags = flags };
	int ret = kt_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph);

	*out = ph.fd;
	return ret;
}

/* A dma-buf is writable by an importing device: observers get none. */
static void test_observer_export_refused(void **state)
{
	struct drm_pto_prof_create c;
	struct drm_pto_prof_attach a;
	int fd2 = kt_open(0), dmabuf;

	(void)state;
	assert_true(fd2 >= 0);
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	assert_int_equal(attach(fd2, c.region_id, &a), 0);
	assert_int_equal(prime_export(fd2, a.handle, DRM_CLOEXEC | DRM_RDWR,
				      &dmabuf), -EACCES);
	assert_int_equal(prime_export(fd2, a.handle, DRM_CLOEXEC, &dmabuf),
			 -EACCES);
	close(fd2);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

/* Nor does the creator: the dma-buf would outlive its write access. */
static void test_owner_export_refused(void **state)
{
	struct drm_pto_prof_create c;
	int dmabuf;

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	assert_int_equal(prime_export(kt_fd, c.handle, DRM_CLOEXEC | DRM_RDWR,
				      &dmabuf), -EACCES);
	assert_int_equal(prime_export(kt_fd, c.handle, DRM_CLOEXEC, &dmabuf),
			 -EACCES);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

struct race {
	uint64_t offset;
	size_t size;
	atomic_int started;
	int torn;		/* writable mappings that cannot mprotect back */
};

/*
 * Maps the region read-write until that is refused (the release cleared
 * the writer). Every writable mapping must also be VM_MAYWRITE: made
 * read-only, it must become writable again.
 */
static void *race_map(void *arg)
{
	struct race *r = arg;
	void *p;

	for (;;) {
		atomic_store(&r->started, 1);
		p = kt_map(kt_fd, r->offset, r->size, PROT_READ | PROT_WRITE);
		if (p == MAP_FAILED)
			break;
		if (mprotect(p, r->size, PROT_READ) ||
		    mprotect(p, r->size, PROT_READ | PROT_WRITE))
			r->torn++;
		munmap(p, r->size);
	}
	return NULL;
}

/* An owner's mmap racing PROF_RELEASE: each mapping is consistent. */
static void test_owner_mmap_racing_release(void **state)
{
	struct drm_pto_prof_create c;
	struct drm_gem_close gc = { 0 };
	struct race r;
	pthread_t t;
	int i;

	(void)state;
	for (i = 0; i < 200; i++) {
		assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
		r.offset = c.mmap_offset;
		r.size = c.layout.region_size;
		atomic_store(&r.started, 0);
		r.torn = 0;
		assert_int_equal(pthread_create(&t, NULL, race_map, &r), 0);
		while (!atomic_load(&r.started))
			;
		assert_int_equal(release(kt_fd, c.region_id), 0);
		assert_int_equal(pthread_join(t, NULL), 0);
		assert_int_equal(r.torn, 0);
		gc.handle = c.handle;
		assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_GEM_CLOSE, &gc), 0);
	}
}

/* Release unlists; the creator's handle and mapping stay valid. */
static void test_release(void **state)
{
	struct drm_pto_prof_info info[4];
	struct drm_pto_prof_create c;
	struct drm_pto_prof_attach a;
	uint32_t *p;

	(void)state;
	p = kt_own_region(&c);
	assert_int_equal(release(kt_fd, c.region_id), 0);
	assert_int_equal(kt_list(kt_fd, info, 4), 0);
	assert_int_equal(attach(kt_fd, c.region_id, &a), -ENOENT);
	assert_int_equal(*p, PTO_PROF_MAGIC);
	p[1] = 7;
	munmap(p, c.layout.region_size);
}

/* A live region whose handle is closed stays listed until release. */
static void test_handle_close_keeps_region(void **state)
{
	struct drm_pto_prof_info info[4];
	struct drm_pto_prof_create c;
	struct drm_gem_close gc = { 0 };

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	gc.handle = c.handle;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_GEM_CLOSE, &gc), 0);
	assert_int_equal(kt_list(kt_fd, info, 4), 1);
	assert_int_equal(info[0].state, PTO_PROF_STATE_LIVE);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

/* Closing the creating file drops a region created without RETAIN. */
static void test_close_drops_live_region(void **state)
{
	struct drm_pto_prof_info info[4];
	struct drm_pto_prof_create c;
	int fd2 = kt_open(0);

	(void)state;
	assert_true(fd2 >= 0);
	assert_int_equal(kt_prof_create(fd2, 0, &c), 0);
	assert_int_equal(kt_list(kt_fd, info, 4), 1);
	close(fd2);
	assert_int_equal(kt_list(kt_fd, info, 4), 0);
}

static void test_hs_create(void **state)
{
	struct drm_pto_hs_create hs = { .num_cores = 7 };
	const struct pto_hs_header *h;
	const struct pto_hs_core *core;
	uint32_t i;

	(void)state;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_HS_CREATE, &hs), 0);
	assert_int_equal(hs.size, PTO_HS_REGION_SIZE(7));
	h = kt_map(kt_fd, hs.mmap_offset, hs.size, PROT_READ | PROT_WRITE);
	assert_true(h != MAP_FAILED);
	assert_int_equal(h->magic, PTO_HS_MAGIC);
	assert_int_equal(h->abi_version, PTO_ABI_VERSION);
	assert_int_equal(h->num_cores, 7);
	assert_int_equal(h->core_size, sizeof(struct pto_hs_core));
	assert_int_equal(h->prof_region_id, 0);
	core = (const void *)(h + 1);
	for (i = 0; i < 7; i++) {
		assert_int_equal(core[i].core_index, i);
		assert_int_equal(core[i].core_type,
				 i % PTO_CORES_PER_BLOCK ? PTO_CORE_TYPE_AIV :
				 PTO_CORE_TYPE_AIC);
		assert_int_equal(core[i].data, PTO_TOKEN_AICPU_IDLE);
		assert_int_equal(core[i].cond, PTO_COND_AICORE_IDLE);
		assert_int_equal(core[i].prof_head_off, 0);
	}
	munmap((void *)h, hs.size);
}

/* Each core's AICore active head is published in the handshake region. */
static void test_hs_create_publishes_heads(void **state)
{
	struct drm_pto_hs_create hs = { 0 };
	struct drm_pto_prof_create c;
	const struct pto_prof_kind_layout *ak;
	const struct pto_hs_header *h;
	const struct pto_hs_core *core;
	uint32_t i;

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	ak = &c.layout.kind[PTO_BUF_AICORE_TASK];
	hs.num_cores = c.params.num_cores;
	hs.prof_region_id = c.region_id;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_HS_CREATE, &hs), 0);
	h = kt_map(kt_fd, hs.mmap_offset, hs.size, PROT_READ);
	assert_true(h != MAP_FAILED);
	assert_int_equal(h->prof_region_id, c.region_id);
	core = (const void *)(h + 1);
	for (i = 0; i < hs.num_cores; i++)
		assert_int_equal(core[i].prof_head_off,
				 ak->pool_off + (uint64_t)i * c.layout.pool_size);
	munmap((void *)h, hs.size);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

/* The debugfs region listing of device 0 (kt_fd), opened for reading. */
static FILE *debugfs_regions(void)
{
	char path[96];
	struct stat st;

	assert_int_equal(fstat(kt_fd, &st), 0);
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/pto_regions",
		 minor(st.st_rdev));
	return fopen(path, "r");
}

/* debugfs lists the region with owner, state and pool counters. */
static void test_debugfs_lists_regions(void **state)
{
	struct drm_pto_prof_create c;
	struct pto_pool *pool;
	char line[256], want[64], want_pool[96];
	int found = 0, found_pool = 0;
	char *base;
	FILE *f;

	(void)state;
	base = kt_own_region(&c);
	pool = (void *)(base + c.layout.kind[PTO_BUF_AICORE_TASK].pool_off +
			c.layout.pool_size);
	pool->counters.total = 41;
	pool->counters.dropped = 2;
	pool->counters.overwritten = 3;
	snprintf(want, sizeof(want), "region %u live pid %d uid %u ",
		 c.region_id, getpid(), getuid());
	snprintf(want_pool, sizeof(want_pool),
		 "  aicore_task[1] total 41 dropped 2 mismatch 0 "
		 "overwritten 3\n");
	f = debugfs_regions();
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		found |= !strncmp(line, want, strlen(want));
		found_pool |= !strcmp(line, want_pool);
	}
	fclose(f);
	assert_true(found);
	assert_true(found_pool);
	munmap(base, c.layout.region_size);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

/* Bytes of kernel mappings the DRM shmem helpers hold (vmallocinfo). */
static unsigned long shmem_vmap_bytes(void)
{
	char line[512];
	unsigned long sum = 0, size;
	FILE *f = fopen("/proc/vmallocinfo", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "drm_shmem_helper") &&
		    sscanf(line, "%*s %lu", &size) == 1)
			sum += size;
	fclose(f);
	return sum;
}

/*
 * A listed region keeps no kernel mapping (which would pin its pages
 * after its owners exit): debugfs maps it only while printing it.
 */
static void test_no_kernel_mapping_kept(void **state)
{
	struct drm_pto_prof_create c;
	char line[256];
	FILE *f;

	(void)state;
	assert_int_equal(shmem_vmap_bytes(), 0);
	assert_int_equal(kt_prof_create(kt_fd, PTO_PROF_CREATE_RETAIN, &c), 0);
	assert_int_equal(shmem_vmap_bytes(), 0);
	f = debugfs_regions();
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		;
	fclose(f);
	assert_int_equal(shmem_vmap_bytes(), 0);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

/*
 * Regions are left out of core dumps (retention is the post-mortem
 * path): the mapping carries VM_DONTDUMP ("dd" in smaps).
 */
static void test_mapping_not_dumped(void **state)
{
	struct drm_pto_prof_create c;
	char line[512], start[32];
	int in_vma = 0, dd = -1;
	FILE *f;
	void *p;

	(void)state;
	p = kt_own_region(&c);
	snprintf(start, sizeof(start), "%lx-", (unsigned long)p);
	f = fopen("/proc/self/smaps", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') &&
		    strchr(line, '-') < strchr(line, ' '))
			in_vma = !strncmp(line, start, strlen(start));
		else if (in_vma && !strncmp(line, "VmFlags:", 8))
			dd = strstr(line, " dd") != NULL;
	}
	fclose(f);
	assert_int_equal(dd, 1);
	munmap(p, c.layout.region_size);
	assert_int_equal(release(kt_fd, c.region_id), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KT_TEST(test_create_layout),
		KT_TEST(test_fresh_region_content),
		KT_TEST(test_tensor_dump_region),
		KT_TEST(test_create_pmu_only),
		KT_TEST(test_owner_mapping_writable),
		KT_TEST(test_list),
		KT_TEST(test_list_capacity),
		KT_TEST(test_list_pid_namespaces),
		KT_TEST(test_attach_reads_owner_writes),
		KT_TEST(test_observer_map_write_refused),
		KT_TEST(test_observer_mprotect_write_refused),
		KT_TEST(test_observer_write_faults),
		KT_TEST(test_release),
		KT_TEST(test_handle_close_keeps_region),
		KT_TEST(test_close_drops_live_region),
		KT_TEST(test_hs_create),
		KT_TEST(test_hs_create_publishes_heads),
		KT_TEST(test_debugfs_lists_regions),
		KT_TEST(test_no_kernel_mapping_kept),
		KT_TEST(test_observer_export_refused),
		KT_TEST(test_owner_export_refused),
		KT_TEST(test_owner_mmap_racing_release),
		KT_TEST(test_mapping_not_dumped),
	};

	return kt_run("kmod_prof", tests, sizeof(tests) / sizeof(tests[0]));
}
