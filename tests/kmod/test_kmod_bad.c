/*
 * The bad-input battery: every ioctl with a wrong struct size or
 * direction, non-zero padding, unknown flags, zero/huge/overflowing sizes
 * and counts, a shape beyond the device, bad handles and ids, and double
 * release. One test per case, each with otherwise valid input, each
 * expecting its documented errno.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kt.h"

/* ---- wrong struct sizes ------------------------------------------------ */

/* The request of ioctl nr with an 8-byte larger and a smaller struct. */
static void wrong_size(unsigned int nr, size_t size)
{
	unsigned char buf[1024];

	memset(buf, 0, sizeof(buf));
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOWR(DRM_COMMAND_BASE + nr,
						  char[size + 8]), buf),
			 -EINVAL);
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOWR(DRM_COMMAND_BASE + nr,
						  char[size - 8]), buf),
			 -EINVAL);
}

#define WRONG_SIZE_TEST(name, nr, type) \
	static void test_size_##name(void **state) \
	{ \
		(void)state; \
		wrong_size(nr, sizeof(type)); \
	}

WRONG_SIZE_TEST(get_param, DRM_PTO_GET_PARAM, struct drm_pto_get_param)
WRONG_SIZE_TEST(bo_create, DRM_PTO_BO_CREATE, struct drm_pto_bo_create)
WRONG_SIZE_TEST(bo_info, DRM_PTO_BO_INFO, struct drm_pto_bo_info)
WRONG_SIZE_TEST(prof_create, DRM_PTO_PROF_CREATE, struct drm_pto_prof_create)
WRONG_SIZE_TEST(prof_list, DRM_PTO_PROF_LIST, struct drm_pto_prof_list)
WRONG_SIZE_TEST(prof_attach, DRM_PTO_PROF_ATTACH, struct drm_pto_prof_attach)
WRONG_SIZE_TEST(prof_release, DRM_PTO_PROF_RELEASE,
		struct drm_pto_prof_release)
WRONG_SIZE_TEST(hs_create, DRM_PTO_HS_CREATE, struct drm_pto_hs_create)

/* ---- wrong directions -------------------------------------------------- */

/*
 * Valid arguments for each ioctl, so only the direction bits of the
 * request are wrong.
 */
static void fill_get_param(void *buf)
{
	struct drm_pto_get_param *a = buf;

	a->param = PTO_PARAM_ABI_VERSION;
}

static void fill_bo_create(void *buf)
{
	struct drm_pto_bo_create *a = buf;

	a->size = 4096;
}

static void fill_bo_info(void *buf)
{
	struct drm_pto_bo_create c = { .size = 4096 };
	struct drm_pto_bo_info *a = buf;

	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_BO_CREATE, &c), 0);
	a->handle = c.handle;
}

static void fill_prof_create(void *buf)
{
	struct drm_pto_prof_create *a = buf;

	kt_params(&a->params);
}

static void fill_prof_list(void *buf)
{
	(void)buf;	/* count 0: only the number of regions */
}

static void fill_prof_attach(void *buf)
{
	struct drm_pto_prof_create c;
	struct drm_pto_prof_attach *a = buf;

	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	a->region_id = c.region_id;
}

static void fill_prof_release(void *buf)
{
	struct drm_pto_prof_create c;
	struct drm_pto_prof_release *a = buf;

	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	a->region_id = c.region_id;
}

static void fill_hs_create(void *buf)
{
	struct drm_pto_hs_create *a = buf;

	a->num_cores = 4;
}

/* req with each of the other three direction encodings: -EINVAL. */
static void wrong_direction(unsigned long req, void (*fill)(void *buf))
{
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE,
	};
	unsigned char buf[1024];
	unsigned int i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (dirs[i] == _IOC_DIR(req))
			continue;
		memset(buf, 0, sizeof(buf));
		fill(buf);
		assert_int_equal(kt_ioctl(kt_fd, _IOC(dirs[i], _IOC_TYPE(req),
						      _IOC_NR(req),
						      _IOC_SIZE(req)), buf),
				 -EINVAL);
	}
}

#define WRONG_DIRECTION_TEST(name, req) \
	static void test_direction_##name(void **state) \
	{ \
		(void)state; \
		wrong_direction(req, fill_##name); \
	}

WRONG_DIRECTION_TEST(get_param, DRM_IOCTL_PTO_GET_PARAM)
WRONG_DIRECTION_TEST(bo_create, DRM_IOCTL_PTO_BO_CREATE)
WRONG_DIRECTION_TEST(bo_info, DRM_IOCTL_PTO_BO_INFO)
WRONG_DIRECTION_TEST(prof_create, DRM_IOCTL_PTO_PROF_CREATE)
WRONG_DIRECTION_TEST(prof_list, DRM_IOCTL_PTO_PROF_LIST)
WRONG_DIRECTION_TEST(prof_attach, DRM_IOCTL_PTO_PROF_ATTACH)
WRONG_DIRECTION_TEST(prof_release, DRM_IOCTL_PTO_PROF_RELEASE)
WRONG_DIRECTION_TEST(hs_create, DRM_IOCTL_PTO_HS_CREATE)

/* A write-only PROF_CREATE would lose the handle and id: none is made. */
static void test_direction_prof_create_makes_no_region(void **state)
{
	struct drm_pto_prof_create c;

	(void)state;
	memset(&c, 0, sizeof(c));
	kt_params(&c.params);
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOW(DRM_COMMAND_BASE +
						 DRM_PTO_PROF_CREATE,
						 struct drm_pto_prof_create),
				  &c), -EINVAL);
	assert_int_equal(kt_list(kt_fd, NULL, 0), 0);
}

/* ---- GET_PARAM --------------------------------------------------------- */

static void test_get_param_flags(void **state)
{
	struct drm_pto_get_param gp = { .param = PTO_PARAM_ABI_VERSION,
					.flags = 1 };

	(void)state;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_GET_PARAM, &gp), -EINVAL);
}

static void test_get_param_unknown(void **state)
{
	struct drm_pto_get_param gp = { .param = PTO_PARAM_COUNT };

	(void)state;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_GET_PARAM, &gp), -EINVAL);
}

/* ---- BO_CREATE / BO_INFO ----------------------------------------------- */

static int bo_create(uint64_t size, uint32_t flags)
{
	struct drm_pto_bo_create c = { .size = size, .flags = flags };

	return kt_ioctl(kt_fd, DRM_IOCTL_PTO_BO_CREATE, &c);
}

static void test_bo_create_flags(void **state)
{
	(void)state;
	assert_int_equal(bo_create(4096, 1), -EINVAL);
}

static void test_bo_create_size_zero(void **state)
{
	(void)state;
	assert_int_equal(bo_create(0, 0), -EINVAL);
}

static void test_bo_create_size_huge(void **state)
{
	(void)state;
	assert_int_equal(bo_create(kt_param(kt_fd, PTO_PARAM_FILE_BYTE_LIMIT) +
				   1, 0), -E2BIG);
}

static void test_bo_create_size_overflow(void **state)
{
	(void)state;
	assert_int_equal(bo_create(UINT64_MAX, 0), -E2BIG);
}

static void test_bo_info_bad_handle(void **state)
{
	struct drm_pto_bo_info info = { .handle = 0x7fffffff };

	(void)state;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_BO_INFO, &info), -ENOENT);
}

static void test_bo_info_flags(void **state)
{
	struct drm_pto_bo_create c = { .size = 4096 };
	struct drm_pto_bo_info info = { .flags = 1 };

	(void)state;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_BO_CREATE, &c), 0);
	info.handle = c.handle;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_BO_INFO, &info), -EINVAL);
}

/* ---- PROF_CREATE ------------------------------------------------------- */

static int prof_create(void (*edit)(struct drm_pto_prof_create *c))
{
	struct drm_pto_prof_create c;

	memset(&c, 0, sizeof(c));
	kt_params(&c.params);
	edit(&c);
	return kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_CREATE, &c);
}

#define PROF_CREATE_TEST(name, err, body) \
	static void edit_##name(struct drm_pto_prof_create *c) { body; } \
	static void test_prof_create_##name(void **state) \
	{ \
		(void)state; \
		assert_int_equal(prof_create(edit_##name), err); \
	}

PROF_CREATE_TEST(flags, -EINVAL, c->flags = 1u << 1)
PROF_CREATE_TEST(padding, -EINVAL, c->_pad = 1)
PROF_CREATE_TEST(zero_cores, -EINVAL, c->params.num_cores = 0)
PROF_CREATE_TEST(too_many_cores, -E2BIG,
		 c->params.num_cores = PTO_MAX_CORES + 1)
PROF_CREATE_TEST(zero_threads, -EINVAL, c->params.num_aicpu_threads = 0)
PROF_CREATE_TEST(too_many_threads, -E2BIG,
		 c->params.num_aicpu_threads = PTO_MAX_AICPU_THREADS + 1)
/* Within PTO_MAX_* but beyond what this device has. */
PROF_CREATE_TEST(more_cores_than_device, -E2BIG,
		 c->params.num_cores =
			(uint32_t)kt_param(kt_fd, PTO_PARAM_NUM_CORES) + 1)
PROF_CREATE_TEST(more_threads_than_device, -E2BIG,
		 c->params.num_aicpu_threads =
			(uint32_t)kt_param(kt_fd, PTO_PARAM_NUM_AICPU_THREADS) +
			1)
PROF_CREATE_TEST(reserved_dfx_flag, -EINVAL,
		 c->params.dfx_flags |= 1ull << 40)
PROF_CREATE_TEST(zero_records, -EINVAL,
		 c->params.records_per_buffer[PTO_BUF_AICORE_TASK] = 0)
PROF_CREATE_TEST(zero_buffers, -EINVAL,
		 c->params.buffers_per_pool[PTO_BUF_DEP_EDGE] = 0)
PROF_CREATE_TEST(huge_records, -E2BIG,
		 c->params.records_per_buffer[PTO_BUF_AICPU_TASK] =
			PTO_PROF_MAX_RECORDS_PER_BUFFER + 1)
PROF_CREATE_TEST(huge_buffers, -E2BIG,
		 c->params.buffers_per_pool[PTO_BUF_AICPU_TASK] =
			PTO_PROF_MAX_BUFFERS_PER_POOL + 1)
PROF_CREATE_TEST(unknown_kind_counts, -EINVAL,
		 c->params.records_per_buffer[PTO_BUF_KIND_COUNT] = 1)
/* Every count at its maximum: beyond PTO_PROF_MAX_REGION_SIZE. */
PROF_CREATE_TEST(region_too_big, -E2BIG,
		 for (int k = 0; k < PTO_BUF_KIND_COUNT; k++) {
			 c->params.records_per_buffer[k] =
				PTO_PROF_MAX_RECORDS_PER_BUFFER;
			 c->params.buffers_per_pool[k] =
				PTO_PROF_MAX_BUFFERS_PER_POOL;
		 }
		 c->params.num_cores =
			(uint32_t)kt_param(kt_fd, PTO_PARAM_NUM_CORES))
/* Valid for the layout, but beyond the per-file byte limit. */
PROF_CREATE_TEST(beyond_file_limit, -E2BIG,
		 c->params.records_per_buffer[PTO_BUF_AICPU_TASK] =
			PTO_PROF_MAX_RECORDS_PER_BUFFER / 2)

/* ---- PROF_LIST --------------------------------------------------------- */

static void test_prof_list_flags(void **state)
{
	struct drm_pto_prof_list l = { .flags = 1 };

	(void)state;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_LIST, &l), -EINVAL);
}

static void test_prof_list_bad_pointer(void **state)
{
	struct drm_pto_prof_create c;
	struct drm_pto_prof_release r = { 0 };
	struct drm_pto_prof_list l = { .entries = 8, .count = 4 };

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_LIST, &l), -EFAULT);
	r.region_id = c.region_id;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_RELEASE, &r), 0);
}

/* ---- PROF_ATTACH / PROF_RELEASE ---------------------------------------- */

static int attach(uint32_t id, uint32_t flags, uint32_t pad)
{
	struct drm_pto_prof_attach a = { .region_id = id, .flags = flags,
					 ._pad = pad };

	return kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_ATTACH, &a);
}

static int release(uint32_t id, uint32_t flags)
{
	struct drm_pto_prof_release r = { .region_id = id, .flags = flags };

	return kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_RELEASE, &r);
}

static void test_prof_attach_flags(void **state)
{
	struct drm_pto_prof_create c;

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	assert_int_equal(attach(c.region_id, 1, 0), -EINVAL);
	assert_int_equal(release(c.region_id, 0), 0);
}

static void test_prof_attach_padding(void **state)
{
	struct drm_pto_prof_create c;

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	assert_int_equal(attach(c.region_id, 0, 1), -EINVAL);
	assert_int_equal(release(c.region_id, 0), 0);
}

static void test_prof_attach_bad_id(void **state)
{
	(void)state;
	assert_int_equal(attach(0x7fffffff, 0, 0), -ENOENT);
}

static void test_prof_attach_id_zero(void **state)
{
	(void)state;
	assert_int_equal(attach(0, 0, 0), -ENOENT);
}

static void test_prof_release_flags(void **state)
{
	struct drm_pto_prof_create c;

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	assert_int_equal(release(c.region_id, 1), -EINVAL);
	assert_int_equal(release(c.region_id, 0), 0);
}

static void test_prof_release_bad_id(void **state)
{
	(void)state;
	assert_int_equal(release(0x7fffffff, 0), -ENOENT);
}

static void test_prof_release_twice(void **state)
{
	struct drm_pto_prof_create c;

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	assert_int_equal(release(c.region_id, 0), 0);
	assert_int_equal(release(c.region_id, 0), -ENOENT);
}

/* ---- HS_CREATE --------------------------------------------------------- */

static int hs_create(uint32_t cores, uint32_t flags, uint32_t region)
{
	struct drm_pto_hs_create hs = { .num_cores = cores, .flags = flags,
					.prof_region_id = region };

	return kt_ioctl(kt_fd, DRM_IOCTL_PTO_HS_CREATE, &hs);
}

static void test_hs_create_flags(void **state)
{
	(void)state;
	assert_int_equal(hs_create(4, 1, 0), -EINVAL);
}

static void test_hs_create_zero_cores(void **state)
{
	(void)state;
	assert_int_equal(hs_create(0, 0, 0), -EINVAL);
}

static void test_hs_create_too_many_cores(void **state)
{
	(void)state;
	assert_int_equal(hs_create(PTO_MAX_CORES + 1, 0, 0), -E2BIG);
}

static void test_hs_create_more_cores_than_device(void **state)
{
	(void)state;
	assert_int_equal(hs_create((uint32_t)kt_param(kt_fd,
						      PTO_PARAM_NUM_CORES) + 1,
				   0, 0), -E2BIG);
}

static void test_hs_create_bad_region(void **state)
{
	(void)state;
	assert_int_equal(hs_create(4, 0, 0x7fffffff), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KT_TEST(test_size_get_param),
		KT_TEST(test_size_bo_create),
		KT_TEST(test_size_bo_info),
		KT_TEST(test_size_prof_create),
		KT_TEST(test_size_prof_list),
		KT_TEST(test_size_prof_attach),
		KT_TEST(test_size_prof_release),
		KT_TEST(test_size_hs_create),
		KT_TEST(test_direction_get_param),
		KT_TEST(test_direction_bo_create),
		KT_TEST(test_direction_bo_info),
		KT_TEST(test_direction_prof_create),
		KT_TEST(test_direction_prof_list),
		KT_TEST(test_direction_prof_attach),
		KT_TEST(test_direction_prof_release),
		KT_TEST(test_direction_hs_create),
		KT_TEST(test_direction_prof_create_makes_no_region),
		KT_TEST(test_get_param_flags),
		KT_TEST(test_get_param_unknown),
		KT_TEST(test_bo_create_flags),
		KT_TEST(test_bo_create_size_zero),
		KT_TEST(test_bo_create_size_huge),
		KT_TEST(test_bo_create_size_overflow),
		KT_TEST(test_bo_info_bad_handle),
		KT_TEST(test_bo_info_flags),
		KT_TEST(test_prof_create_flags),
		KT_TEST(test_prof_create_padding),
		KT_TEST(test_prof_create_zero_cores),
		KT_TEST(test_prof_create_too_many_cores),
		KT_TEST(test_prof_create_zero_threads),
		KT_TEST(test_prof_create_too_many_threads),
		KT_TEST(test_prof_create_more_cores_than_device),
		KT_TEST(test_prof_create_more_threads_than_device),
		KT_TEST(test_prof_create_reserved_dfx_flag),
		KT_TEST(test_prof_create_zero_records),
		KT_TEST(test_prof_create_zero_buffers),
		KT_TEST(test_prof_create_huge_records),
		KT_TEST(test_prof_create_huge_buffers),
		KT_TEST(test_prof_create_unknown_kind_counts),
		KT_TEST(test_prof_create_region_too_big),
		KT_TEST(test_prof_create_beyond_file_limit),
		KT_TEST(test_prof_list_flags),
		KT_TEST(test_prof_list_bad_pointer),
		KT_TEST(test_prof_attach_flags),
		KT_TEST(test_prof_attach_padding),
		KT_TEST(test_prof_attach_bad_id),
		KT_TEST(test_prof_attach_id_zero),
		KT_TEST(test_prof_release_flags),
		KT_TEST(test_prof_release_bad_id),
		KT_TEST(test_prof_release_twice),
		KT_TEST(test_hs_create_flags),
		KT_TEST(test_hs_create_zero_cores),
		KT_TEST(test_hs_create_too_many_cores),
		KT_TEST(test_hs_create_more_cores_than_device),
		KT_TEST(test_hs_create_bad_region),
	};

	/* A small limit, so a valid layout can exceed it. */
	kt_group_options = "file_byte_limit=16777216";
	return kt_run("kmod_bad", tests, sizeof(tests) / sizeof(tests[0]));
}
