// SPDX-License-Identifier: MIT
/* The round loop every example program shares. */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "ex.h"
#include "pto_prof.h"	/* PTO_DFX_* */

int ex_submit(struct ex_env *env, pto_orch *o, uint32_t func_id,
	      const struct pto_param *params, unsigned int n)
{
	int ret = pto_submit(o, func_id, params, n, NULL);

	if (ret == 0)
		env->submitted++;
	return ret;
}

int ex_submit_mixed(struct ex_env *env, pto_orch *o,
		    const struct pto_mixed_funcs *f,
		    const struct pto_param *params, unsigned int n)
{
	int ret = pto_submit_mixed(o, f, params, n, NULL);

	if (ret == 0)
		env->submitted++;
	return ret;
}

struct ex_call {
	const struct ex_workload *w;
	struct ex_env *env;
	uint64_t orch_ns;	/* time spent in the orchestration */
};

static uint64_t ex_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int ex_orch(pto_orch *o, void *user)
{
	struct ex_call *call = user;
	unsigned int i, n = call->w->num_scopes(call->env);
	uint64_t t0 = ex_now_ns();
	int ret;

	for (i = 0; i < n; i++) {
		ret = pto_scope_begin(o);
		if (ret)
			return ret;
		ret = call->w->scope(o, call->env, i);
		if (ret)
			return ret;
		ret = pto_scope_end(o);
		if (ret)
			return ret;
	}
	call->orch_ns = ex_now_ns() - t0;
	return 0;
}

static int ex_open(const struct ex_args *a, pto_device **dev)
{
	struct pto_device_opts opts;

	pto_device_opts_init(&opts);
	opts.backend = a->backend;
	opts.blocks = a->blocks;
	if (a->schedulers)
		opts.aicpu_threads = a->schedulers + 1;
	return pto_device_open(&opts, dev);
}

static int ex_register(pto_device *dev, const struct ex_workload *w)
{
	unsigned int i;
	int ret;

	for (i = 0; i < w->num_kernels; i++) {
		const struct ex_kernel *k = &w->kernels[i];

		ret = pto_kernel_register(dev, k->func_id, k->type, k->name,
					  k->fn);
		if (ret) {
			fprintf(stderr, "%s: registering %s: %s\n", w->name,
				k->name, pto_strerror(ret));
			return ret;
		}
	}
	return 0;
}

/* One round; fills *res. Profiling only in the first round. */
static int ex_round(const struct ex_workload *w, struct ex_env *env,
		    unsigned int round, struct pto_run_result *res)
{
	const struct ex_args *a = env->args;
	struct ex_call call = { w, env, 0 };
	struct pto_run_config cfg;
	int ret;

	ret = w->reset(env);
	if (ret) {
		fprintf(stderr, "%s: resetting outputs: %s\n", w->name,
			pto_strerror(ret));
		return ret;
	}
	pto_run_config_init(&cfg);
	cfg.schedulers = a->schedulers;
	cfg.blocks = a->blocks;
	cfg.wiring = a->wiring;
	cfg.chip_swimlane_level = round == 0 ? a->level : 0;
	if (round == 0 && (a->tensor_dump || a->pmu)) {
		cfg.dfx_flags = PTO_DFX_FLAGS_OF_LEVEL(a->level);
		if (a->tensor_dump) {
			cfg.dfx_flags |= PTO_DFX_TENSOR_DUMP;
			cfg.tensor_dump_max_bytes = a->tensor_dump_bytes;
		}
		if (a->pmu)
			cfg.dfx_flags |= PTO_DFX_PMU;
	}
	cfg.output_prefix = a->output;
	cfg.retain_region = a->retain;
	cfg.capture_only = a->capture_only;
	cfg.chip_json = a->chip_json;
	cfg.name = w->name;

	res->size = sizeof(*res);
	env->submitted = 0;
	ret = pto_run(env->dev, &cfg, ex_orch, &call, res);
	if (ret) {
		fprintf(stderr, "%s: round %u: pto_run: %s\n", w->name,
			round + 1, pto_strerror(ret));
		return ret;
	}
	printf("round %u: %.3f ms, %llu tasks submitted, %llu completed, "
	       "orchestration %.3f ms\n", round + 1,
	       (double)res->elapsed_ns / 1e6,
	       (unsigned long long)env->submitted,
	       (unsigned long long)res->tasks, (double)call.orch_ns / 1e6);
	return 0;
}

int ex_main(int argc, char **argv, const struct ex_workload *w)
{
	struct pto_run_result res, first = { 0 };
	struct ex_env env = { 0 };
	struct ex_args args;
	char why[256] = "";
	unsigned int r;
	int ret, fail = 1;

	ret = ex_args_parse(argc, argv, w->name, w->what, &args);
	if (ret)
		return ret < 0 ? 0 : ret;
	env.args = &args;

	printf("%s: size=%s wiring=%s chip-swimlane=%d rounds=%u\n", w->name,
	       args.size == EX_SIZE_BENCH ? "bench" : "quick",
	       args.wiring == PTO_WIRING_INLINE ? "inline" : "deferred",
	       args.level, args.rounds);
	ret = ex_open(&args, &env.dev);
	if (ret) {
		snprintf(why, sizeof(why), "opening the device: %s",
			 pto_strerror(ret));
		goto out;
	}
	ret = ex_register(env.dev, w);
	if (!ret)
		ret = w->setup(&env);
	if (ret) {
		snprintf(why, sizeof(why), "setup: %s", pto_strerror(ret));
		goto out_teardown;
	}

	for (r = 0; r < args.rounds; r++) {
		ret = ex_round(w, &env, r, &res);
		if (ret) {
			snprintf(why, sizeof(why), "round %u: %s", r + 1,
				 pto_strerror(ret));
			break;
		}
		if (r == 0)
			first = res;
		ret = w->check(&env, why, sizeof(why));
		if (ret < 0)
			snprintf(why, sizeof(why), "reading outputs: %s",
				 pto_strerror(ret));
		if (ret)
			break;
	}
	fail = r < args.rounds;
out_teardown:
	if (env.priv)
		w->teardown(&env);
	pto_device_close(env.dev);
out:
	if (fail)
		printf("golden: FAIL (%s)\n", why);
	else
		printf("golden: PASS\n");
	if (first.output_dir[0])
		printf("output: %s\n", first.output_dir);
	fflush(stdout);
	return fail ? 1 : 0;
}
