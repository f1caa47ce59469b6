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
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static const char *const headers[] = {
	"pto_prof.h", "pto_hs.h", "pto_layout.h", "pto_drm.h",
	"pto_capture.h",
};

static int compile_alone(const char *header, int cxx)
{
	char src[] = "/tmp/pto-hdr-XXXXXX";
	char cmd[2048];
	FILE *f;
	int fd, rc;

	fd = mkstemp(src);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f)
		return -1;
	fprintf(f, "#include \"%s/uapi/%s\"\nint pto_header_probe;\n",
		PTO_SRCDIR, header);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "%s %s -Wall -Wextra -Werror -pedantic-errors -Wno-long-long "
		 "%s -fsyntax-only -x %s %s",
		 cxx ? PTO_CXX : PTO_CC, cxx ? "-std=c++17" : "-std=c11",
		 PTO_DRM_CFLAGS, cxx ? "c++" : "c", src);
	rc = system(cmd);
	unlink(src);
	if (rc != 0)
		fprintf(stderr, "header %s failed as %s: %s\n", header,
			cxx ? "C++17" : "C11", cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
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
