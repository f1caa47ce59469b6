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
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static int compile_alone(const char *header)
{
	char src[] = "/tmp/pto-rthdr-XXXXXX";
	char cmd[4096];
	FILE *f;
	int fd, rc;

	fd = mkstemp(src);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f)
		return -1;
	fprintf(f, "#include \"%s\"\nint pto_header_probe;\n", header);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "%s -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE "
		 "-I%s/uapi -I%s/libpto/include -I%s/libpto/src -I%s/firmware "
		 "%s -fsyntax-only -x c %s",
		 PTO_CC, PTO_SRCDIR, PTO_SRCDIR, PTO_SRCDIR, PTO_SRCDIR,
		 PTO_DRM_CFLAGS, src);
	rc = system(cmd);
	unlink(src);
	if (rc != 0)
		fprintf(stderr, "header %s failed alone: %s\n", header, cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
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
