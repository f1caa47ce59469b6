// SPDX-License-Identifier: MIT
/*
 * ptodump tensors on a real run's dump: the list names every region copy
 * with its role, stage, param, bytes, dtype and truncation, the same from
 * the capture and from tensor_dump/; --show prints the values as the
 * dtype given at submit with min/max/mean, and for an INOUT region the
 * diff of before and after; a cut capture (a run that died) is listed
 * with a warning; bad arguments are usage errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pto.h"
#include "support/ptodump_support.h"

#define F_SCALE	30	/* AIV: x[i] *= 3 for int32 x, in place */
#define F_COPY	31	/* AIV: out = in, bytes in args[2] */
#define N	64	/* int32 elements */

static void scale_kernel(const struct pto_kernel_ctx *ctx)
{
	int32_t *x = (void *)(uintptr_t)ctx->args[0];
	unsigned int i;

	for (i = 0; i < N; i++)
		x[i] *= 3;
}

static void copy_kernel(const struct pto_kernel_ctx *ctx)
{
	memcpy((void *)(uintptr_t)ctx->args[1],
	       (const void *)(uintptr_t)ctx->args[0], ctx->args[2]);
}

struct world {
	pto_tensor *x, *y;
};

static int orch(pto_orch *o, void *user)
{
	struct world *w = user;
	struct pto_param p1[1] = {
		pto_param_dtype(pto_inout(w->x, 0, N * 4), PTO_DTYPE_I32),
	};
	struct pto_param p2[3] = {
		pto_in(w->x, 0, N * 4), pto_out(w->y, 0, N * 4),
		pto_scalar(N * 4),
	};
	int err = pto_submit(o, F_SCALE, p1, 1, NULL);

	return err ? err : pto_submit(o, F_COPY, p2, 3, NULL);
}

static char dir[512], out[600];

static int setup(void **state)
{
	struct pto_device_opts o;
	struct pto_run_config cfg;
	struct world w;
	pto_device *dev;
	int32_t v[N];
	unsigned int i;

	(void)state;
	if (ptodump_tmpdir(dir, sizeof(dir)))
		return -1;
	snprintf(out, sizeof(out), "%s/run", dir);
	pto_device_opts_init(&o);
	o.backend = PTO_BACKEND_SIM;
	o.blocks = 1;
	if (pto_device_open(&o, &dev))
		return -1;
	for (i = 0; i < N; i++)
		v[i] = (int32_t)i - 10;
	pto_run_config_init(&cfg);
	cfg.quiet = 1;
	cfg.output_prefix = out;
	cfg.dfx_flags = PTO_DFX_TENSOR_DUMP;
	cfg.tensor_dump_max_bytes = 200;	/* the copy's regions: cut */
	if (pto_kernel_register(dev, F_SCALE, PTO_AIV, "scale",
				scale_kernel) ||
	    pto_kernel_register(dev, F_COPY, PTO_AIV, "copy", copy_kernel) ||
	    pto_tensor_alloc(dev, N * 4, &w.x) ||
	    pto_tensor_alloc(dev, N * 4, &w.y) ||
	    pto_tensor_write(w.x, 0, v, sizeof(v)))
		return -1;
	/* The INOUT region is 256 bytes: only its first 200 are dumped. */
	if (pto_run(dev, &cfg, orch, &w, NULL))
		return -1;
	pto_tensor_free(w.x);
	pto_tensor_free(w.y);
	pto_device_close(dev);
	return 0;
}

static int teardown(void **state)
{
	char sub[700];

	(void)state;
	snprintf(sub, sizeof(sub), "%s/tensor_dump", out);
	ptodump_rmdir(sub);
	ptodump_rmdir(out);
	ptodump_rmdir(dir);
	return 0;
}

static char *run_ok(const char *const *args)
{
	char *o = NULL, *e = NULL;

	assert_int_equal(ptodump_run(PTODUMP_BIN, args, &o, &e), 0);
	free(e);
	return o;
}

static void test_list(void **state)
{
	const char *a1[] = { "tensors", out, NULL };
	char td[700];
	const char *a2[] = { "tensors", td, NULL };
	char *o1, *o2;
	const char *l;

	(void)state;
	snprintf(td, sizeof(td), "%s/tensor_dump", out);
	o1 = run_ok(a1);
	o2 = run_ok(a2);
	/* scale: INOUT before and after; copy: IN before, OUT after. */
	l = ptodump_at(o1, "\n0 ");
	assert_non_null(strstr(l, " 30 "));
	assert_non_null(strstr(l, " inout "));
	assert_non_null(strstr(l, " before "));
	assert_non_null(strstr(l, " 256 "));
	assert_non_null(strstr(l, " 200 "));
	assert_non_null(strstr(l, " i32 "));
	assert_non_null(strstr(l, "truncated"));
	ptodump_at(o1, " out    after ");
	ptodump_at(o1, "4 entries\n");
	/* The manifest and the capture list the same entries. */
	assert_string_equal(o1, o2);
	free(o1);
	free(o2);
}

static void test_show_inout(void **state)
{
	char *o, *list;
	const char *a0[] = { "tensors", out, NULL };
	char idx[16];
	const char *a1[] = { "tensors", "--show", idx, "-n", "3", out, NULL };
	const char *l;

	(void)state;
	/* The INOUT copy made after the FIN. */
	list = run_ok(a0);
	l = ptodump_at(list, " inout  after ");
	while (l > list && l[-1] != '\n')
		l--;
	snprintf(idx, sizeof(idx), "%d", atoi(l));
	free(list);
	o = run_ok(a1);
	ptodump_at(o, "inout after, offset 0, 256 bytes, 200 dumped "
		      "(truncated)");
	/* 50 i32 after x3: -30, -27, ... , 117. */
	ptodump_at(o, "elements: 50 (i32)");
	ptodump_at(o, "min -30  max 117  mean 43.5");
	ptodump_at(o, "first values: -30 -27 -24 ...");
	/* Every element but x[10] = 0 changed. */
	ptodump_at(o, "[0] -10 -> -30");
	ptodump_at(o, "49 of 50 elements changed, max |after - before| 78");
	free(o);
}

static void test_cut_capture(void **state)
{
	char src[700], cut[700], *data, *o = NULL, *e = NULL;
	const char *args[] = { "tensors", cut, NULL };
	size_t len;
	FILE *f;

	(void)state;
	snprintf(src, sizeof(src), "%s/capture.ptocap", out);
	snprintf(cut, sizeof(cut), "%s/cut.ptocap", dir);
	data = ptodump_read_file(src, &len);
	assert_non_null(data);
	f = fopen(cut, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len / 2, f), len / 2);
	fclose(f);
	free(data);
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, &o, &e), 0);
	ptodump_at(e, "incomplete capture (offset ");
	ptodump_at(o, " entries\n");
	free(o);
	free(e);
	unlink(cut);
}

static void test_bad_args(void **state)
{
	const char *show_big[] = { "tensors", "--show", "99", out, NULL };
	const char *show_nan[] = { "tensors", "--show", "x", out, NULL };
	const char *none[] = { "tensors", NULL };
	const char *missing[] = { "tensors", "/nonexistent/capture", NULL };

	(void)state;
	ptodump_run_err(PTODUMP_BIN, show_big, 1, "the dump has 4 entries");
	ptodump_run_err(PTODUMP_BIN, show_nan, 2, "not a number");
	ptodump_run_err(PTODUMP_BIN, none, 2, "expected one capture");
	ptodump_run_err(PTODUMP_BIN, missing, 1, "/nonexistent/capture");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_show_inout),
		cmocka_unit_test(test_cut_capture),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
