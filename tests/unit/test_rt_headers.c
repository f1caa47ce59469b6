// SPDX-License-Identifier: MIT
/*
 * Each runtime header (libpto/src/rt*.h) compiles alone, as C11 with the
 * compiler and flags the build uses (nothing included before it).
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "support/hdr_alone.h"

static int compile_alone(const char *header)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
		 "%s -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE "
		 "-I%s/uapi -I%s/libpto/include -I%s/libpto/src -I%s/firmware "
		 "%s -fsyntax-only -x c",
		 PTO_CC, PTO_SRCDIR, PTO_SRCDIR, PTO_SRCDIR, PTO_SRCDIR,
		 PTO_DRM_CFLAGS);
	return hdr_compile_alone(header, cmd);
}

static void test_rt_headers_alone(void **state)
{
	glob_t g;

	(void)state;
	assert_int_equal(glob(PTO_SRCDIR "/libpto/src/rt*.h", 0, NULL, &g), 0);
	/* rt_futex, rt_queue, rt_tensormap and the run's split headers. */
	assert_true(g.gl_pathc >= 8);
	for (size_t i = 0; i < g.gl_pathc; i++)
		assert_int_equal(compile_alone(g.gl_pathv[i]), 0);
	globfree(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rt_headers_alone),
	};

	return cmocka_run_group_tests_name("rt_headers", tests, NULL, NULL);
}
