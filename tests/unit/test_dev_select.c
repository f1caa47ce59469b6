// SPDX-License-Identifier: MIT
/*
 * Backend choice on a host without pto.ko: auto (the default, or
 * PTO_DEVICE=auto) is sim; drm, asked for by opts or $PTO_DEVICE, is
 * -ENODEV with a message saying what is missing. (With pto.ko loaded the
 * kernel tests cover drm.)
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>

#include <cmocka.h>

#include "pto.h"
#include "pto_drm.h"
#include "support/stderr_capture.h"

static enum pto_backend opened_backend(const struct pto_device_opts *o)
{
	struct pto_device_info info = { .size = sizeof(info) };
	pto_device *dev = NULL;

	assert_int_equal(pto_device_open(o, &dev), 0);
	assert_int_equal(pto_device_info(dev, &info), 0);
	pto_device_close(dev);
	return info.backend;
}

static void test_default_is_sim(void **state)
{
	(void)state;
	unsetenv("PTO_DEVICE");
	assert_int_equal(opened_backend(NULL), PTO_BACKEND_SIM);
}

static void test_env_auto_is_sim(void **state)
{
	(void)state;
	setenv("PTO_DEVICE", "auto", 1);
	assert_int_equal(opened_backend(NULL), PTO_BACKEND_SIM);
	unsetenv("PTO_DEVICE");
}

/* Opening with o fails -ENODEV, saying the pto node is missing. */
static void expect_no_device(const struct pto_device_opts *o)
{
	struct stderr_capture cap;
	pto_device *dev = NULL;
	char msg[512];
	int ret;

	assert_int_equal(stderr_capture_begin(&cap), 0);
	ret = pto_device_open(o, &dev);
	stderr_capture_end(&cap, msg, sizeof(msg));
	assert_int_equal(ret, -ENODEV);
	assert_null(dev);
	assert_non_null(strstr(msg, "drm backend"));
	assert_non_null(strstr(msg, "pto.ko"));
}

static void test_opts_drm_no_device(void **state)
{
	struct pto_device_opts o;

	(void)state;
	unsetenv("PTO_DEVICE");
	pto_device_opts_init(&o);
	o.backend = PTO_BACKEND_DRM;
	expect_no_device(&o);
}

static void test_env_drm_no_device(void **state)
{
	(void)state;
	setenv("PTO_DEVICE", "drm", 1);
	expect_no_device(NULL);
	unsetenv("PTO_DEVICE");
}

/* Non-zero when a render node of driver "pto" opens on this host. */
static int pto_node_present(void)
{
	drmVersionPtr v;
	size_t i;
	glob_t g;
	int fd, found = 0;

	if (glob("/dev/dri/renderD*", 0, NULL, &g))
		return 0;
	for (i = 0; i < g.gl_pathc && !found; i++) {
		fd = open(g.gl_pathv[i], O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		found = v && v->name && !strcmp(v->name, PTO_DRIVER_NAME);
		drmFreeVersion(v);
		close(fd);
	}
	globfree(&g);
	return found;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_is_sim),
		cmocka_unit_test(test_env_auto_is_sim),
		cmocka_unit_test(test_opts_drm_no_device),
		cmocka_unit_test(test_env_drm_no_device),
	};

	if (pto_node_present()) {
		printf("SKIP: dev_select checks the choice without pto.ko, "
		       "and a pto render node is present\n");
		return 77;
	}
	return cmocka_run_group_tests_name("dev_select", tests, NULL, NULL);
}
