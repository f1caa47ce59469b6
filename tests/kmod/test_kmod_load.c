/*
 * pto.ko load, parameters, devices and unload: invalid parameters fail the
 * load; unload is refused while a file or a mapping is open and frees
 * everything otherwise; reload cycles work.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "kt.h"

static int setup(void **state)
{
	(void)state;
	if (kt_loaded())
		return kt_unload();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (kt_loaded())
		return kt_unload();
	return 0;
}

static void bad_param(const char *opts)
{
	assert_int_equal(kt_load(opts), -EINVAL);
	assert_false(kt_loaded());
}

static void test_param_num_devices_zero(void **state)
{
	(void)state;
	bad_param("num_devices=0");
}

static void test_param_num_devices_too_many(void **state)
{
	(void)state;
	bad_param("num_devices=9");
}

static void test_param_blocks_zero(void **state)
{
	(void)state;
	bad_param("blocks=0");
}

static void test_param_blocks_too_many(void **state)
{
	(void)state;
	bad_param("blocks=25");
}

static void test_param_aicpu_threads_zero(void **state)
{
	(void)state;
	bad_param("aicpu_threads=0");
}

static void test_param_aicpu_threads_too_many(void **state)
{
	(void)state;
	bad_param("aicpu_threads=9");
}

static void test_param_counter_freq_zero(void **state)
{
	(void)state;
	bad_param("counter_freq_hz=0");
}

static void test_param_file_byte_limit_small(void **state)
{
	(void)state;
	bad_param("file_byte_limit=100");
}

static void test_param_max_retained_too_many(void **state)
{
	(void)state;
	bad_param("max_retained=65");
}

/* The shape parameters reach GET_PARAM of every device. */
static void test_params_and_devices(void **state)
{
	unsigned int i;
	int fd;

	(void)state;
	assert_int_equal(kt_load("num_devices=2 blocks=5 aicpu_threads=3 "
				 "counter_freq_hz=1000000 max_retained=7 "
				 "file_byte_limit=8388608"), 0);
	for (i = 0; i < 2; i++) {
		fd = kt_open(i);
		assert_true(fd >= 0);
		assert_int_equal(kt_param(fd, PTO_PARAM_DEVICE_INDEX), i);
		assert_int_equal(kt_param(fd, PTO_PARAM_NUM_BLOCKS), 5);
		assert_int_equal(kt_param(fd, PTO_PARAM_NUM_CORES),
				 5 * PTO_CORES_PER_BLOCK);
		assert_int_equal(kt_param(fd, PTO_PARAM_NUM_AICPU_THREADS), 3);
		assert_int_equal(kt_param(fd, PTO_PARAM_COUNTER_FREQ), 1000000);
		assert_int_equal(kt_param(fd, PTO_PARAM_MAX_RETAINED), 7);
		assert_int_equal(kt_param(fd, PTO_PARAM_FILE_BYTE_LIMIT),
				 8388608);
		close(fd);
	}
	assert_int_equal(kt_open(2), -ENODEV);
	assert_int_equal(kt_unload(), 0);
}

/*
 * max_retained=0 keeps nothing: RETAIN is not advertised and refused
 * rather than silently ignored.
 */
static void test_max_retained_zero_refuses_retain(void **state)
{
	struct drm_pto_prof_create c;
	int fd;

	(void)state;
	assert_int_equal(kt_load("max_retained=0"), 0);
	fd = kt_open(0);
	assert_true(fd >= 0);
	assert_int_equal(kt_param(fd, PTO_PARAM_CAPABILITIES) &
			 PTO_CAP_PROF_RETAIN, 0);
	assert_int_equal(kt_prof_create(fd, PTO_PROF_CREATE_RETAIN, &c),
			 -EOPNOTSUPP);
	assert_int_equal(kt_list(fd, NULL, 0), 0);
	assert_int_equal(kt_prof_create(fd, 0, &c), 0);
	close(fd);
	assert_int_equal(kt_unload(), 0);
}

/* Load, use, unload, three times over. */
static void test_reload_cycles(void **state)
{
	struct drm_pto_prof_create c;
	int i, fd;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(kt_load(""), 0);
		fd = kt_open(0);
		assert_true(fd >= 0);
		assert_int_equal(kt_prof_create(fd, 0, &c), 0);
		assert_int_equal(kt_prof_create(fd, PTO_PROF_CREATE_RETAIN, &c),
				 0);
		close(fd);
		assert_int_equal(kt_unload(), 0);
		assert_false(kt_loaded());
	}
}

static void test_unload_busy_while_open(void **state)
{
	int fd;

	(void)state;
	assert_int_equal(kt_load(""), 0);
	fd = kt_open(0);
	assert_true(fd >= 0);
	assert_int_equal(kt_unload(), -EAGAIN);
	close(fd);
	assert_int_equal(kt_unload(), 0);
}

/* A mapping keeps the module; unmapping lets it go with no leak. */
static void test_unload_busy_while_mapped(void **state)
{
	struct drm_pto_prof_create c;
	void *p;
	int fd;

	(void)state;
	assert_int_equal(kt_load(""), 0);
	fd = kt_open(0);
	assert_true(fd >= 0);
	assert_int_equal(kt_prof_create(fd, PTO_PROF_CREATE_RETAIN, &c), 0);
	p = kt_map(fd, c.mmap_offset, c.layout.region_size,
		   PROT_READ | PROT_WRITE);
	assert_true(p != MAP_FAILED);
	close(fd);
	assert_int_equal(kt_unload(), -EAGAIN);
	assert_int_equal(*(uint32_t *)p, PTO_PROF_MAGIC);
	munmap(p, c.layout.region_size);
	assert_int_equal(kt_unload(), 0);
}

/* Retained and released-but-referenced regions are freed at unload. */
static void test_unload_with_retained_regions(void **state)
{
	struct drm_pto_prof_info info[8];
	struct drm_pto_prof_create c;
	int fd, i;

	(void)state;
	assert_int_equal(kt_load(""), 0);
	fd = kt_open(0);
	assert_true(fd >= 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(kt_prof_create(fd, PTO_PROF_CREATE_RETAIN,
						&c), 0);
	close(fd);
	fd = kt_open(0);
	assert_true(fd >= 0);
	assert_int_equal(kt_list(fd, info, 8), 3);
	close(fd);
	assert_int_equal(kt_unload(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_param_num_devices_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_param_num_devices_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_param_blocks_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_param_blocks_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_param_aicpu_threads_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_param_aicpu_threads_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_param_counter_freq_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_param_file_byte_limit_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_param_max_retained_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_params_and_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_retained_zero_refuses_retain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_cycles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unload_busy_while_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unload_busy_while_mapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unload_with_retained_regions, setup, teardown),
	};

	if (geteuid() != 0) {
		printf("SKIP: loading pto.ko needs root (run by make test-kmod)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
