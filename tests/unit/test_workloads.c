// SPDX-License-Identifier: MIT
/*
 * Every example workload at its quick size, in both wiring modes, without
 * profiling: exit status 0 and "golden: PASS". Every example again with
 * all three collectors at once (swimlane at level 4, tensor dump, PMU):
 * golden passes, every kind's books add up and each collector's files
 * are written. Plus the command-line battery shared by the examples:
 * each invalid input exits 2.
 *
 * examples/build.mk passes the binaries' directory (PTO_EXAMPLES_DIR) and
 * their names (PTO_EXAMPLES, space-separated).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#if !defined(PTO_EXAMPLES) || !defined(PTO_EXAMPLES_DIR)
#error "built by examples/build.mk, which defines PTO_EXAMPLES(_DIR)"
#endif

#define MAX_EXAMPLES 32
#define MAX_ARGS 8

static const char ex_dir[] = PTO_EXAMPLES_DIR;
static char *ex_names[MAX_EXAMPLES];
static unsigned int ex_count;

struct child {
	int status;		/* exit status, or -1 if it did not exit */
	char *out;		/* stdout and stderr */
};

/* Runs dir/name with args (NULL-terminated), collecting its output. */
static void run_example(const char *name, const char *const *args,
			struct child *c)
{
	char path[PATH_MAX + 64];
	char *argv[MAX_ARGS + 2];
	size_t len = 0, cap = 4096;
	unsigned int i;
	int fds[2], st;
	pid_t pid;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", ex_dir, name);
	argv[0] = path;
	for (i = 0; args[i]; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(path, argv);
		_exit(127);
	}
	close(fds[1]);
	c->out = malloc(cap);
	assert_non_null(c->out);
	while ((n = read(fds[0], c->out + len, cap - len - 1)) > 0 ||
	       (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		len += (size_t)n;
		if (cap - len < 1024) {
			cap *= 2;
			c->out = realloc(c->out, cap);
			assert_non_null(c->out);
		}
	}
	c->out[len] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int has_line(const char *out, const char *line)
{
	size_t n = strlen(line);
	const char *p = out;

	while ((p = strstr(p, line))) {
		if ((p == out || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* ---- workloads -------------------------------------------------------- */

struct wl_case {
	const char *name;
	const char *wiring;
};

static void test_workload(void **state)
{
	const struct wl_case *wc = *state;
	char wiring[32];
	const char *args[] = { "--size=quick", wiring, "--chip-swimlane=0",
			       NULL };
	struct child c;

	snprintf(wiring, sizeof(wiring), "--wiring=%s", wc->wiring);
	run_example(wc->name, args, &c);
	if (c.status != 0 || !has_line(c.out, "golden: PASS"))
		print_error("%s %s:\n%s\n", wc->name, wiring, c.out);
	assert_int_equal(c.status, 0);
	assert_true(has_line(c.out, "golden: PASS"));
	free(c.out);
}

/* ---- all collectors at once ------------------------------------------- */

/*
 * Every "reconcile KIND: total=T collected=C dropped=D mismatch=M
 * overwritten=O ok" line of out adds up (C + D + M + O == T); returns
 * how many lines name kind.
 */
static unsigned int check_books(const char *out, const char *kind)
{
	unsigned long long t, c, d, m, o;
	unsigned int named = 0;
	const char *p = out;
	char k[64];

	while ((p = strstr(p, "reconcile "))) {
		if (p != out && p[-1] != '\n') {
			p++;
			continue;
		}
		assert_int_equal(sscanf(p, "reconcile %63[^:]: total=%llu "
					"collected=%llu dropped=%llu "
					"mismatch=%llu overwritten=%llu",
					k, &t, &c, &d, &m, &o), 6);
		assert_int_equal(c + d + m + o, t);
		named += !strcmp(k, kind);
		p++;
	}
	return named;
}

/* dir/name exists as a non-empty file. */
static void assert_file(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		print_error("%s missing\n", path);
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true(ftell(f) > 0);
	fclose(f);
}

static void test_all_collectors(void **state)
{
	const char *name = *state;
	char prefix[PATH_MAX], dir[PATH_MAX];
	const char *args[] = { "--size=quick", "--chip-swimlane=4",
			       "--tensor-dump", "--pmu", "--output", prefix,
			       NULL };
	char tmpl[] = "/tmp/pto_allcol.XXXXXX";
	const char *o;
	struct child c;

	assert_non_null(mkdtemp(tmpl));
	snprintf(prefix, sizeof(prefix), "%s/%s", tmpl, name);
	run_example(name, args, &c);
	if (c.status != 0 || !has_line(c.out, "golden: PASS"))
		print_error("%s:\n%s\n", name, c.out);
	assert_int_equal(c.status, 0);
	assert_true(has_line(c.out, "golden: PASS"));
	/* The swimlane's kinds, the dump and the PMU each reconciled. */
	assert_int_equal(check_books(c.out, "aicore_task"), 1);
	assert_int_equal(check_books(c.out, "tensor_dump"), 1);
	assert_int_equal(check_books(c.out, "pmu"), 1);
	o = strstr(c.out, "\noutput: ");
	assert_non_null(o);
	assert_int_equal(sscanf(o, "\noutput: %4095s", dir), 1);
	assert_file(dir, "capture.ptocap");
	assert_file(dir, "l2_swimlane_records.json");
	assert_file(dir, "tensor_dump/manifest.json");
	assert_file(dir, "tensor_dump/tensors.bin");
	assert_file(dir, "pmu.csv");
	free(c.out);
	snprintf(dir, sizeof(dir), "rm -rf '%s'", tmpl);
	assert_int_equal(system(dir), 0);
}

/* ---- command line: each invalid input exits 2 -------------------------- */

static void expect_usage_error(const char *const *args)
{
	unsigned int i;

	for (i = 0; i < ex_count; i++) {
		struct child c;

		run_example(ex_names[i], args, &c);
		if (c.status != 2)
			print_error("%s %s: exit %d\n%s\n", ex_names[i], args[0],
				    c.status, c.out);
		assert_int_equal(c.status, 2);
		/* It stopped before running anything. */
		assert_false(has_line(c.out, "golden: PASS"));
		free(c.out);
	}
}

static void test_swimlane_level_too_high(void **state)
{
	const char *args[] = { "--chip-swimlane=5", NULL };

	(void)state;
	expect_usage_error(args);
}

static void test_swimlane_level_negative(void **state)
{
	const char *args[] = { "--chip-swimlane=-1", NULL };

	(void)state;
	expect_usage_error(args);
}

static void test_swimlane_level_not_a_number(void **state)
{
	const char *args[] = { "--chip-swimlane=high", NULL };

	(void)state;
	expect_usage_error(args);
}

static void test_rounds_zero(void **state)
{
	const char *args[] = { "--rounds", "0", NULL };

	(void)state;
	expect_usage_error(args);
}

static void test_rounds_not_a_number(void **state)
{
	const char *args[] = { "--rounds", "3x", NULL };

	(void)state;
	expect_usage_error(args);
}

static void test_rounds_missing_value(void **state)
{
	const char *args[] = { "--rounds", NULL };

	(void)state;
	expect_usage_error(args);
}

static void test_unknown_option(void **state)
{
	const char *args[] = { "--no-such-option", NULL };

	(void)state;
	expect_usage_error(args);
}

static void test_bad_size(void **state)
{
	const char *args[] = { "--size=huge", NULL };

	(void)state;
	expect_usage_error(args);
}

static void test_bad_wiring(void **state)
{
	const char *args[] = { "--wiring=eager", NULL };

	(void)state;
	expect_usage_error(args);
}

static void test_help_exits_zero(void **state)
{
	const char *args[] = { "--help", NULL };
	unsigned int i;

	(void)state;
	for (i = 0; i < ex_count; i++) {
		struct child c;

		run_example(ex_names[i], args, &c);
		assert_int_equal(c.status, 0);
		assert_non_null(strstr(c.out, "--chip-swimlane"));
		assert_false(has_line(c.out, "golden: PASS"));
		free(c.out);
	}
}

/* ---- setup ------------------------------------------------------------ */

/* 0 when every example program was built. */
static int check_built(void)
{
	char path[PATH_MAX + 16];
	unsigned int i;

	for (i = 0; i < ex_count; i++) {
		snprintf(path, sizeof(path), "%s/%s", ex_dir, ex_names[i]);
		if (access(path, X_OK)) {
			fprintf(stderr, "test_workloads: %s missing\n", path);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest cli[] = {
		cmocka_unit_test(test_swimlane_level_too_high),
		cmocka_unit_test(test_swimlane_level_negative),
		cmocka_unit_test(test_swimlane_level_not_a_number),
		cmocka_unit_test(test_rounds_zero),
		cmocka_unit_test(test_rounds_not_a_number),
		cmocka_unit_test(test_rounds_missing_value),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_bad_size),
		cmocka_unit_test(test_bad_wiring),
		cmocka_unit_test(test_help_exits_zero),
	};
	static const char *const wirings[] = { "deferred", "inline" };
	struct CMUnitTest tests[3 * MAX_EXAMPLES];
	struct wl_case cases[2 * MAX_EXAMPLES];
	char all_names[MAX_EXAMPLES][96];
	char names[2 * MAX_EXAMPLES][96];
	char *list = strdup(PTO_EXAMPLES), *tok, *save = NULL;
	unsigned int i, n = 0;
	int ret;

	(void)argc;
	(void)argv;
	if (!list)
		return 1;
	for (tok = strtok_r(list, " ", &save); tok && ex_count < MAX_EXAMPLES;
	     tok = strtok_r(NULL, " ", &save))
		ex_names[ex_count++] = tok;
	ret = check_built();
	if (ret)
		goto out;

	for (i = 0; i < ex_count; i++) {
		unsigned int w;

		for (w = 0; w < 2; w++, n++) {
			cases[n].name = ex_names[i];
			cases[n].wiring = wirings[w];
			snprintf(names[n], sizeof(names[n]), "%s_%s",
				 ex_names[i], wirings[w]);
			memset(&tests[n], 0, sizeof(tests[n]));
			tests[n].name = names[n];
			tests[n].test_func = test_workload;
			tests[n].initial_state = &cases[n];
		}
	}
	for (i = 0; i < ex_count; i++) {
		snprintf(all_names[i], sizeof(all_names[i]),
			 "%s_all_collectors", ex_names[i]);
		memset(&tests[n + i], 0, sizeof(tests[n + i]));
		tests[n + i].name = all_names[i];
		tests[n + i].test_func = test_all_collectors;
		tests[n + i].initial_state = ex_names[i];
	}
	n += ex_count;
	ret = _cmocka_run_group_tests("workloads", tests, n, NULL, NULL);
	ret += cmocka_run_group_tests_name("workload_cli", cli, NULL, NULL);
	ret = ret ? 1 : 0;
out:
	free(list);
	return ret;
}
