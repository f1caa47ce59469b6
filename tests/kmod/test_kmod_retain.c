/*
 * Retention and process exit (pto loaded with max_retained=3): a retained
 * region outlives its creator, even one killed with SIGKILL, and stays
 * readable; other regions go with their creator's file; the oldest
 * retained regions are evicted first; mappings outlive eviction.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

#define MAX_RETAINED 3

static int release(uint32_t id)
{
	struct drm_pto_prof_release r = { .region_id = id };

	return kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_RELEASE, &r);
}

/* Creates a retained region in a new file and closes that file. */
static uint32_t retained_region(void)
{
	struct drm_pto_prof_create c;
	int fd = kt_open(0);

	assert_true(fd >= 0);
	assert_int_equal(kt_prof_create(fd, PTO_PROF_CREATE_RETAIN, &c), 0);
	close(fd);
	return c.region_id;
}

static void test_retained_after_close(void **state)
{
	struct drm_pto_prof_info info[8];
	const struct drm_pto_prof_info *e;
	uint32_t id = retained_region();
	int n;

	(void)state;
	n = kt_list(kt_fd, info, 8);
	assert_int_equal(n, 1);
	e = kt_find(info, n, id);
	assert_non_null(e);
	assert_int_equal(e->state, PTO_PROF_STATE_RETAINED);
	assert_int_equal(e->owner_pid, getpid());
	assert_int_equal(release(id), 0);
	assert_int_equal(kt_list(kt_fd, info, 8), 0);
}

static int killed_owner(void *p)
{
	int *pipefd = p;
	struct drm_pto_prof_create c;
	struct pto_prof_header *h;
	int fd = kt_open(0);

	if (fd < 0 || kt_prof_create(fd, PTO_PROF_CREATE_RETAIN, &c))
		return 1;
	h = kt_map(fd, c.mmap_offset, c.layout.region_size,
		   PROT_READ | PROT_WRITE);
	if (h == MAP_FAILED)
		return 1;
	h->counter_freq_hz = 777;
	h->run_state = PTO_RUN_RUNNING;
	if (write(pipefd[1], &c.region_id, sizeof(c.region_id)) !=
	    sizeof(c.region_id))
		return 1;
	for (;;)
		pause();
}

/* The run is SIGKILLed mid-run; its region is listed and readable. */
static void test_retained_after_sigkill(void **state)
{
	struct drm_pto_prof_info info[8];
	const struct drm_pto_prof_info *e;
	struct drm_pto_prof_attach a = { 0 };
	const struct pto_prof_header *h;
	int pipefd[2], status, n;
	uint32_t id = 0;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		_exit(killed_owner(pipefd));
	}
	assert_int_equal(read(pipefd[0], &id, sizeof(id)), sizeof(id));
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	close(pipefd[0]);
	close(pipefd[1]);

	n = kt_list(kt_fd, info, 8);
	e = kt_find(info, n, id);
	assert_non_null(e);
	assert_int_equal(e->state, PTO_PROF_STATE_RETAINED);
	assert_int_equal(e->owner_pid, pid);
	a.region_id = id;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_ATTACH, &a), 0);
	h = kt_map(kt_fd, a.mmap_offset, a.size, PROT_READ);
	assert_true(h != MAP_FAILED);
	assert_int_equal(h->magic, PTO_PROF_MAGIC);
	assert_int_equal(h->counter_freq_hz, 777);
	assert_int_equal(h->run_state, PTO_RUN_RUNNING);
	munmap((void *)h, a.size);
	assert_int_equal(release(id), 0);
}

static int exit_with_mappings(void *p)
{
	struct drm_pto_prof_create c1, c2;
	struct drm_pto_bo_create bo = { .size = 65536 };
	struct drm_pto_bo_info bi = { 0 };
	uint32_t *ids = p;
	int fd = kt_open(0);

	if (fd < 0 || kt_prof_create(fd, 0, &c1) ||
	    kt_prof_create(fd, PTO_PROF_CREATE_RETAIN, &c2) ||
	    kt_ioctl(fd, DRM_IOCTL_PTO_BO_CREATE, &bo))
		return 1;
	bi.handle = bo.handle;
	if (kt_ioctl(fd, DRM_IOCTL_PTO_BO_INFO, &bi) ||
	    kt_map(fd, c1.mmap_offset, c1.layout.region_size,
		   PROT_READ | PROT_WRITE) == MAP_FAILED ||
	    kt_map(fd, c2.mmap_offset, c2.layout.region_size,
		   PROT_READ | PROT_WRITE) == MAP_FAILED ||
	    kt_map(fd, bi.mmap_offset, bi.size, PROT_READ) == MAP_FAILED)
		return 1;
	ids[0] = c1.region_id;
	ids[1] = c2.region_id;
	return 0;	/* exits with everything open and mapped */
}

/* A process exits with regions and a BO mapped: only retained stays. */
static void test_exit_with_regions_mapped(void **state)
{
	struct drm_pto_prof_info info[8];
	uint32_t *ids;
	int status, n;

	(void)state;
	ids = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(ids != MAP_FAILED);
	status = kt_in_child(exit_with_mappings, ids);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	n = kt_list(kt_fd, info, 8);
	assert_int_equal(n, 1);
	assert_null(kt_find(info, n, ids[0]));
	assert_non_null(kt_find(info, n, ids[1]));
	assert_int_equal(info[0].state, PTO_PROF_STATE_RETAINED);
	assert_int_equal(release(ids[1]), 0);
	munmap(ids, 4096);
}

/* A mapping keeps its file open: the region is live until unmapped. */
static void test_live_while_owner_mapping_exists(void **state)
{
	struct drm_pto_prof_info info[8];
	struct drm_pto_prof_create c;
	int fd = kt_open(0);
	void *p;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(kt_prof_create(fd, PTO_PROF_CREATE_RETAIN, &c), 0);
	p = kt_map(fd, c.mmap_offset, c.layout.region_size, PROT_READ);
	assert_true(p != MAP_FAILED);
	close(fd);
	assert_int_equal(kt_list(kt_fd, info, 8), 1);
	assert_int_equal(info[0].state, PTO_PROF_STATE_LIVE);
	munmap(p, c.layout.region_size);
	assert_int_equal(kt_list(kt_fd, info, 8), 1);
	assert_int_equal(info[0].state, PTO_PROF_STATE_RETAINED);
	assert_int_equal(release(c.region_id), 0);
}

/* Beyond max_retained the oldest retained regions go first. */
static void test_eviction_oldest_first(void **state)
{
	struct drm_pto_prof_info info[8];
	uint32_t ids[MAX_RETAINED + 2];
	int i, n;

	(void)state;
	assert_int_equal(kt_param(kt_fd, PTO_PARAM_MAX_RETAINED),
			 MAX_RETAINED);
	for (i = 0; i < MAX_RETAINED + 2; i++)
		ids[i] = retained_region();
	n = kt_list(kt_fd, info, 8);
	assert_int_equal(n, MAX_RETAINED);
	assert_null(kt_find(info, n, ids[0]));
	assert_null(kt_find(info, n, ids[1]));
	for (i = 2; i < MAX_RETAINED + 2; i++) {
		assert_non_null(kt_find(info, n, ids[i]));
		assert_int_equal(info[i - 2].region_id, ids[i]);
	}
	for (i = 2; i < MAX_RETAINED + 2; i++)
		assert_int_equal(release(ids[i]), 0);
}

/* Live regions are never evicted, even when they are older. */
static void test_eviction_spares_live(void **state)
{
	struct drm_pto_prof_info info[8];
	struct drm_pto_prof_create live;
	uint32_t ids[MAX_RETAINED + 1];
	int i, n;

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, PTO_PROF_CREATE_RETAIN, &live),
			 0);
	for (i = 0; i < MAX_RETAINED + 1; i++)
		ids[i] = retained_region();
	n = kt_list(kt_fd, info, 8);
	assert_int_equal(n, MAX_RETAINED + 1);
	assert_non_null(kt_find(info, n, live.region_id));
	assert_null(kt_find(info, n, ids[0]));
	for (i = 0; i < n; i++)
		assert_int_equal(release(info[i].region_id), 0);
}

/* An observer's mapping of an evicted region stays valid. */
static void test_mapping_outlives_eviction(void **state)
{
	struct drm_pto_prof_info info[8];
	struct drm_pto_prof_attach a = { 0 };
	const uint32_t *p;
	uint32_t first;
	int i, n;

	(void)state;
	first = retained_region();
	a.region_id = first;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_ATTACH, &a), 0);
	p = kt_map(kt_fd, a.mmap_offset, a.size, PROT_READ);
	assert_true(p != MAP_FAILED);
	for (i = 0; i < MAX_RETAINED; i++)
		retained_region();
	n = kt_list(kt_fd, info, 8);
	assert_null(kt_find(info, n, first));
	assert_int_equal(*p, PTO_PROF_MAGIC);
	munmap((void *)p, a.size);
	for (i = 0; i < n; i++)
		assert_int_equal(release(info[i].region_id), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KT_TEST(test_retained_after_close),
		KT_TEST(test_retained_after_sigkill),
		KT_TEST(test_exit_with_regions_mapped),
		KT_TEST(test_live_while_owner_mapping_exists),
		KT_TEST(test_eviction_oldest_first),
		KT_TEST(test_eviction_spares_live),
		KT_TEST(test_mapping_outlives_eviction),
	};

	kt_group_options = "max_retained=3";
	return kt_run("kmod_retain", tests, sizeof(tests) / sizeof(tests[0]));
}
