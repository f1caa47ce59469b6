// SPDX-License-Identifier: MIT
/*
 * ptodump convert streams: a large records file (100k task rows)
 * converts, to JSON and to protobuf, with a peak resident set well below
 * the size of its input (the bound asserted is the input size; the
 * requirement is twice it). Under a sanitizer the conversion runs and the
 * RSS bound is skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "support/ptodump_support.h"
#include "support/sanitize.h"

#define TASKS	100000

struct ctx {
	char dir[256], rec[512], out[512];
	long long in_bytes;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct ptodump_set s;
	struct stat st;

	if (!c || ptodump_tmpdir(c->dir, sizeof(c->dir)))
		return -1;
	ptodump_gen(&s, TASKS, 48, 4, 5, 0);
	if (ptodump_write_set(&s, c->dir))
		return -1;
	ptodump_set_free(&s);
	snprintf(c->rec, sizeof(c->rec), "%s/l2_swimlane_records.json", c->dir);
	snprintf(c->out, sizeof(c->out), "%s/out", c->dir);
	if (stat(c->rec, &st))
		return -1;
	c->in_bytes = st.st_size;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ptodump_rmdir(c->dir);
	free(c);
	return 0;
}

static void check(struct ctx *c, const char *format)
{
	const char *args[] = { "convert", "-q", format, "-o", c->out, c->rec,
			       NULL };
	long rss_kb = 0;
	struct stat st;

	assert_int_equal(ptodump_run_rss(PTODUMP_BIN, args, NULL, NULL,
					 &rss_kb), 0);
	assert_int_equal(stat(c->out, &st), 0);
	assert_true(st.st_size > 0);
	print_message("input %lld bytes, peak RSS %ld KiB (%s)\n", c->in_bytes,
		      rss_kb, format);
	assert_true(rss_kb > 0);
	SKIP_BOUND_UNDER_SANITIZER("peak RSS");
	assert_true((long long)rss_kb * 1024 < c->in_bytes);
}

static void test_json_streams(void **state)
{
	check(*state, "--format=json");
}

static void test_proto_streams(void **state)
{
	check(*state, "--format=proto");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_streams),
		cmocka_unit_test(test_proto_streams),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
