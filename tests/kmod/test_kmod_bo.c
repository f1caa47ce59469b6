/*
 * Buffer objects and GET_PARAM: create, info, mmap, close, mmap beyond
 * the object, and the per-file byte limit (pto loaded with a 1 MiB limit),
 * which holds as long as the memory exists and cannot be bypassed
 * through the primary node.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kt.h"

#define LIMIT (1u << 20)

static int bo_create(int fd, uint64_t size, uint32_t *handle)
{
	struct drm_pto_bo_create c = { .size = size };
	int ret = kt_ioctl(fd, DRM_IOCTL_PTO_BO_CREATE, &c);

	*handle = c.handle;
	return ret;
}

static int bo_info(int fd, uint32_t handle, struct drm_pto_bo_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return kt_ioctl(fd, DRM_IOCTL_PTO_BO_INFO, info);
}

static int bo_close(int fd, uint32_t handle)
{
	struct drm_gem_close gc = { .handle = handle };

	return kt_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
}

static void test_get_param(void **state)
{
	uint64_t caps = kt_param(kt_fd, PTO_PARAM_CAPABILITIES);

	(void)state;
	assert_int_equal(kt_param(kt_fd, PTO_PARAM_ABI_VERSION),
			 PTO_ABI_VERSION);
	assert_int_equal(kt_param(kt_fd, PTO_PARAM_NUM_BLOCKS), 4);
	assert_int_equal(kt_param(kt_fd, PTO_PARAM_NUM_CORES),
			 4 * PTO_CORES_PER_BLOCK);
	assert_int_equal(kt_param(kt_fd, PTO_PARAM_NUM_AICPU_THREADS), 4);
	assert_true(kt_param(kt_fd, PTO_PARAM_COUNTER_FREQ) > 0);
	assert_int_equal(kt_param(kt_fd, PTO_PARAM_MAX_CORES), PTO_MAX_CORES);
	assert_int_equal(kt_param(kt_fd, PTO_PARAM_MAX_AICPU_THREADS),
			 PTO_MAX_AICPU_THREADS);
	assert_int_equal(kt_param(kt_fd, PTO_PARAM_FILE_BYTE_LIMIT), LIMIT);
	assert_int_equal(kt_param(kt_fd, PTO_PARAM_MAX_REGION_SIZE),
			 PTO_PROF_MAX_REGION_SIZE);
	assert_int_equal(kt_param(kt_fd, PTO_PARAM_DEVICE_INDEX), 0);
	assert_true(caps & PTO_CAP_PROF_RETAIN);
	assert_true(caps & PTO_CAP_PROF_ATTACH);
	assert_true(caps & PTO_CAP_HS);
}

static void test_bo_create_info_mmap(void **state)
{
	struct drm_pto_bo_info info;
	uint32_t handle;
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *a, *b;

	(void)state;
	assert_int_equal(bo_create(kt_fd, page + 1, &handle), 0);
	assert_int_not_equal(handle, 0);
	assert_int_equal(bo_info(kt_fd, handle, &info), 0);
	assert_int_equal(info.size, 2 * page);
	assert_int_not_equal(info.mmap_offset, 0);

	a = kt_map(kt_fd, info.mmap_offset, info.size, PROT_READ | PROT_WRITE);
	assert_true(a != MAP_FAILED);
	b = kt_map(kt_fd, info.mmap_offset, info.size, PROT_READ);
	assert_true(b != MAP_FAILED);
	assert_int_equal(a[info.size - 1], 0);
	a[0] = 0x5a;
	a[info.size - 1] = 0xa5;
	assert_int_equal(b[0], 0x5a);
	assert_int_equal(b[info.size - 1], 0xa5);
	munmap(a, info.size);
	munmap(b, info.size);
	assert_int_equal(bo_close(kt_fd, handle), 0);
}

static void test_bo_close(void **state)
{
	struct drm_pto_bo_info info;
	uint32_t handle;

	(void)state;
	assert_int_equal(bo_create(kt_fd, 4096, &handle), 0);
	assert_int_equal(bo_close(kt_fd, handle), 0);
	assert_int_equal(bo_info(kt_fd, handle, &info), -ENOENT);
	assert_int_equal(bo_close(kt_fd, handle), -EINVAL);
}

/* A mapping longer than the object is refused. */
static void test_mmap_longer_than_object(void **state)
{
	struct drm_pto_bo_info info;
	uint32_t handle;
	void *p;

	(void)state;
	assert_int_equal(bo_create(kt_fd, 8192, &handle), 0);
	assert_int_equal(bo_info(kt_fd, handle, &info), 0);
	p = kt_map(kt_fd, info.mmap_offset, info.size + 4096, PROT_READ);
	assert_true(p == MAP_FAILED);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(bo_close(kt_fd, handle), 0);
}

/* A mapping starting inside the object but past its start is refused. */
static void test_mmap_offset_beyond_object(void **state)
{
	struct drm_pto_bo_info info;
	uint32_t handle;
	void *p;

	(void)state;
	assert_int_equal(bo_create(kt_fd, 8192, &handle), 0);
	assert_int_equal(bo_info(kt_fd, handle, &info), 0);
	p = kt_map(kt_fd, info.mmap_offset + info.size, 4096, PROT_READ);
	assert_true(p == MAP_FAILED);
	assert_int_equal(bo_close(kt_fd, handle), 0);
}

/* An offset of another file's object is not mappable here. */
static void test_mmap_other_files_object(void **state)
{
	struct drm_pto_bo_info info;
	uint32_t handle;
	int fd2 = kt_open(0);
	void *p;

	(void)state;
	assert_true(fd2 >= 0);
	assert_int_equal(bo_create(fd2, 4096, &handle), 0);
	assert_int_equal(bo_info(fd2, handle, &info), 0);
	p = kt_map(kt_fd, info.mmap_offset, 4096, PROT_READ);
	assert_true(p == MAP_FAILED);
	close(fd2);
}

static void test_limit_single_bo_too_big(void **state)
{
	uint32_t handle;

	(void)state;
	assert_int_equal(bo_create(kt_fd, LIMIT + 1, &handle), -E2BIG);
}

static void test_limit_cumulative(void **state)
{
	uint32_t h1, h2, h3;

	(void)state;
	assert_int_equal(bo_create(kt_fd, LIMIT / 2, &h1), 0);
	assert_int_equal(bo_create(kt_fd, LIMIT / 2, &h2), 0);
	assert_int_equal(bo_create(kt_fd, 4096, &h3), -ENOMEM);
	assert_int_equal(bo_close(kt_fd, h1), 0);
	assert_int_equal(bo_create(kt_fd, 4096, &h3), 0);
	assert_int_equal(bo_close(kt_fd, h2), 0);
	assert_int_equal(bo_close(kt_fd, h3), 0);
}

/* The limit is per file: another open file has its own. */
static void test_limit_per_file(void **state)
{
	uint32_t h1, h2;
	int fd2 = kt_open(0);

	(void)state;
	assert_true(fd2 >= 0);
	assert_int_equal(bo_create(kt_fd, LIMIT, &h1), 0);
	assert_int_equal(bo_create(fd2, LIMIT, &h2), 0);
	close(fd2);
	assert_int_equal(bo_close(kt_fd, h1), 0);
}

/*
 * Regions count against the limit while their memory exists: releasing
 * one's own live region while its handle remains frees nothing.
 */
static void test_limit_regions(void **state)
{
	struct drm_pto_prof_release r = { 0 };
	struct drm_pto_prof_create c[8];
	uint64_t size;
	int i, n, fit;

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c[0]), 0);
	size = (c[0].layout.region_size + 4095) & ~4095ull;
	fit = (int)(LIMIT / size);
	assert_true(fit >= 1 && fit < 8);
	for (n = 1; n < 8 && kt_prof_create(kt_fd, 0, &c[n]) == 0; n++)
		;
	assert_int_equal(n, fit);
	assert_int_equal(kt_prof_create(kt_fd, 0, &c[n]), -ENOMEM);
	r.region_id = c[0].region_id;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_RELEASE, &r), 0);
	assert_int_equal(kt_prof_create(kt_fd, 0, &c[n]), -ENOMEM);
	assert_int_equal(bo_close(kt_fd, c[0].handle), 0);
	assert_int_equal(kt_prof_create(kt_fd, 0, &c[0]), 0);
	for (i = 0; i < n; i++) {
		r.region_id = c[i].region_id;
		assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_RELEASE,
					  &r), 0);
		assert_int_equal(bo_close(kt_fd, c[i].handle), 0);
	}
}

/* A mapping keeps the memory, so the charge stays after the handle goes. */
static void test_limit_mapping_keeps_charge(void **state)
{
	struct drm_pto_bo_info info;
	uint32_t h, h2;
	void *p;

	(void)state;
	assert_int_equal(bo_create(kt_fd, LIMIT, &h), 0);
	assert_int_equal(bo_info(kt_fd, h, &info), 0);
	p = kt_map(kt_fd, info.mmap_offset, LIMIT, PROT_READ | PROT_WRITE);
	assert_true(p != MAP_FAILED);
	assert_int_equal(bo_close(kt_fd, h), 0);
	assert_int_equal(bo_create(kt_fd, 4096, &h2), -ENOMEM);
	assert_int_equal(munmap(p, LIMIT), 0);
	assert_int_equal(bo_create(kt_fd, LIMIT, &h2), 0);
	assert_int_equal(bo_close(kt_fd, h2), 0);
}

/* So does an exported dma-buf. */
static void test_limit_dmabuf_keeps_charge(void **state)
{
	struct drm_prime_handle ph = { .flags = DRM_CLOEXEC | DRM_RDWR };
	uint32_t h2;

	(void)state;
	assert_int_equal(bo_create(kt_fd, LIMIT, &ph.handle), 0);
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph), 0);
	assert_int_equal(bo_close(kt_fd, ph.handle), 0);
	assert_int_equal(bo_create(kt_fd, 4096, &h2), -ENOMEM);
	assert_int_equal(close(ph.fd), 0);
	assert_int_equal(bo_create(kt_fd, LIMIT, &h2), 0);
	assert_int_equal(bo_close(kt_fd, h2), 0);
}

/* The primary node makes no dumb buffers, which would escape the limit. */
static void test_primary_node_no_dumb_buffers(void **state)
{
	struct drm_mode_create_dumb d = { .height = 64, .width = 64,
					  .bpp = 32 };
	int fd = kt_open_primary(0);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(kt_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &d), -ENOSYS);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KT_TEST(test_get_param),
		KT_TEST(test_bo_create_info_mmap),
		KT_TEST(test_bo_close),
		KT_TEST(test_mmap_longer_than_object),
		KT_TEST(test_mmap_offset_beyond_object),
		KT_TEST(test_mmap_other_files_object),
		KT_TEST(test_limit_single_bo_too_big),
		KT_TEST(test_limit_cumulative),
		KT_TEST(test_limit_per_file),
		KT_TEST(test_limit_regions),
		KT_TEST(test_limit_mapping_keeps_charge),
		KT_TEST(test_limit_dmabuf_keeps_charge),
		KT_TEST(test_primary_node_no_dumb_buffers),
	};

	kt_group_options = "file_byte_limit=1048576";
	return kt_run("kmod_bo", tests, sizeof(tests) / sizeof(tests[0]));
}
