/*
 * A program built against an installed libpto by test_install.sh with
 * nothing but `pkg-config --cflags --libs libpto`: a chain of vector
 * tasks profiled at level 2, checked on the host, and its capture file
 * read back through the reader API. Prints the library version and
 * "app: PASS", or says what failed and exits 1.
 */
#include <stdio.h>

#include <pto.h>
#include <pto_prof.h>
#include <pto_reader.h>

#define N 64

static void add_one(const struct pto_kernel_ctx *ctx)
{
	float *x = (float *)(uintptr_t)ctx->args[0];

	for (int i = 0; i < N; i++)
		x[i] += 1.0f;
}

static int orch(pto_orch *o, void *user)
{
	pto_tensor *t = user;
	struct pto_param p = pto_inout(t, 0, N * sizeof(float));

	for (int i = 0; i < 10; i++) {
		int err = pto_submit(o, 0, &p, 1, NULL);

		if (err)
			return err;
	}
	return 0;
}

/* The run's capture holds its 10 tasks, joined. */
static int read_capture(const char *dir)
{
	struct pto_capture_info info = { .size = sizeof(info) };
	char path[600];
	pto_capture *c;
	int err;

	snprintf(path, sizeof(path), "%s/capture.ptocap", dir);
	err = pto_capture_open(path, NULL, &c);
	if (!err) {
		err = pto_capture_info(c, &info);
		pto_capture_close(c);
	}
	if (err || !info.complete || info.tasks != 10) {
		printf("app: FAIL: capture %s: %s, %llu tasks\n", path,
		       err ? pto_strerror(err) : info.problem,
		       (unsigned long long)info.tasks);
		return 1;
	}
	printf("app: PASS\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct pto_run_config cfg;
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_device_opts opts;
	pto_device *dev;
	pto_tensor *t;
	float x[N];
	int err;

	pto_device_opts_init(&opts);
	opts.backend = PTO_BACKEND_SIM;
	opts.blocks = 1;
	err = pto_device_open(&opts, &dev);
	if (!err)
		err = pto_kernel_register(dev, 0, PTO_AIV, "add_one", add_one);
	if (!err)
		err = pto_tensor_alloc(dev, sizeof(x), &t);
	if (err) {
		printf("app: setup: %s\n", pto_strerror(err));
		return 1;
	}
	pto_run_config_init(&cfg);
	cfg.dfx_flags = PTO_DFX_AICORE_TIMING | PTO_DFX_TASK_LIFECYCLE;
	cfg.output_prefix = argc > 1 ? argv[1] : NULL;
	cfg.quiet = 1;
	err = pto_run(dev, &cfg, orch, t, &res);
	if (!err)
		err = pto_tensor_read(t, 0, x, sizeof(x));
	if (err) {
		printf("app: run: %s\n", pto_strerror(err));
		return 1;
	}
	printf("libpto %s, %llu tasks\n", pto_version(),
	       (unsigned long long)res.tasks);
	for (int i = 0; i < N; i++) {
		if (x[i] != 10.0f) {
			printf("app: FAIL: x[%d] = %g, expected 10\n", i, x[i]);
			return 1;
		}
	}
	pto_tensor_free(t);
	pto_device_close(dev);
	if (res.tasks != 10 || !res.reconcile_ok) {
		printf("app: FAIL: tasks or reconcile\n");
		return 1;
	}
	return read_capture(res.output_dir);
}
