// SPDX-License-Identifier: MIT
/*
 * Each uapi header compiles alone, as C11 and as C++17, with the
 * compilers the build uses (-Wall -Wextra -Werror, nothing else
 * included before it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "support/hdr_alone.h"

static const char *const headers[] = {
	"pto_prof.h", "pto_hs.h", "pto_layout.h", "pto_drm.h",
	"pto_capture.h",
};

static int compile_alone(const char *header, int cxx)
{
	char path[1024], cmd[2048];

	snprintf(path, sizeof(path), "%s/uapi/%s", PTO_SRCDIR, header);
	snprintf(cmd, sizeof(cmd),
		 "%s %s -Wall -Wextra -Werror -pedantic-errors -Wno-long-long "
		 "%s -fsyntax-only -x %s",
		 cxx ? PTO_CXX : PTO_CC, cxx ? "-std=c++17" : "-std=c11",
		 PTO_DRM_CFLAGS, cxx ? "c++" : "c");
	return hdr_compile_alone(path, cmd);
}

static void test_headers_c11(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++)
		assert_int_equal(compile_alone(headers[i], 0), 0);
}

static void test_headers_cxx17(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++)
		assert_int_equal(compile_alone(headers[i], 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers_c11),
		cmocka_unit_test(test_headers_cxx17),
	};

	return cmocka_run_group_tests_name("uapi_headers", tests, NULL, NULL);
}
