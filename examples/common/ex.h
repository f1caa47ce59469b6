/* SPDX-License-Identifier: MIT */
/*
 * Shared scaffolding of the example workloads: the command line, the
 * round loop around pto_run(), golden comparison and small helpers.
 *
 * A workload describes itself with a struct ex_workload (its kernels and
 * four callbacks) and hands it to ex_main(), which parses the common
 * flags, opens the device, runs the rounds and prints the golden line.
 */
#ifndef EX_H
#define EX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pto.h"

/* ---- command line ----------------------------------------------------- */

enum ex_size {
	EX_SIZE_QUICK = 0,	/* a few hundred tasks at most: tests */
	EX_SIZE_BENCH = 1,	/* >= 5,000 tasks: measurements */
};

struct ex_args {
	enum ex_size size;
	int level;		/* --chip-swimlane: 0..4 */
	int pmu;		/* --pmu: PTO_DFX_PMU on top of the level */
	unsigned int rounds;	/* >= 1 */
	enum pto_wiring_mode wiring;
	unsigned int blocks;	/* 0 = device default */
	unsigned int schedulers; /* 0 = device default */
	const char *output;	/* NULL = library default */
	enum pto_backend backend;
	int retain;		/* --retain: run_config.retain_region */
	int capture_only;	/* --capture-only: run_config.capture_only */
	int chip_json;		/* --chip-json: run_config.chip_json */
	int tensor_dump;	/* --tensor-dump: PTO_DFX_TENSOR_DUMP */
	unsigned int tensor_dump_bytes;	/* its =BYTES, 0: default */
};

/* Exit status of a command-line error. */
#define EX_EXIT_USAGE 2

/*
 * Parses argv into *a. Returns 0 to go on, -1 after printing --help (exit
 * 0), or EX_EXIT_USAGE after printing a usage error.
 */
int ex_args_parse(int argc, char **argv, const char *name, const char *what,
		  struct ex_args *a);

/* ---- workload description -------------------------------------------- */

struct ex_env {
	pto_device *dev;
	const struct ex_args *args;
	void *priv;		/* the workload's own state */
	uint64_t submitted;	/* tasks submitted in the current round */
};

struct ex_kernel {
	uint32_t func_id;
	enum pto_core_type type;
	const char *name;
	pto_kernel_fn fn;
};

struct ex_workload {
	const char *name;
	const char *what;	/* one line for --help */
	const struct ex_kernel *kernels;
	unsigned int num_kernels;
	/* Allocates tensors, writes inputs, computes the host reference. */
	int (*setup)(struct ex_env *env);
	/* Before every round: puts outputs back to their initial state. */
	int (*reset)(struct ex_env *env);
	/*
	 * The orchestration: num_scopes top-level scopes, scope(o, env, i)
	 * submits the tasks of the i-th inside its scope.
	 */
	unsigned int (*num_scopes)(const struct ex_env *env);
	int (*scope)(pto_orch *o, struct ex_env *env, unsigned int i);
	/* 0 when the outputs match; else 1 with a reason in why. */
	int (*check)(struct ex_env *env, char *why, size_t why_len);
	/* Frees what setup made (also after a failed setup). */
	void (*teardown)(struct ex_env *env);
};

/* Runs the whole program; returns the process exit status. */
int ex_main(int argc, char **argv, const struct ex_workload *w);

/* ---- submission helpers (count what a round submits) ------------------ */

int ex_submit(struct ex_env *env, pto_orch *o, uint32_t func_id,
	      const struct pto_param *params, unsigned int n);
int ex_submit_mixed(struct ex_env *env, pto_orch *o,
		    const struct pto_mixed_funcs *f,
		    const struct pto_param *params, unsigned int n);

#define EX_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* EX_PARAMS(a, b, ...) expands to "array, count" for ex_submit(). */
#define EX_PARAMS(...)                                                     \
	((const struct pto_param[]){ __VA_ARGS__ }),                        \
	(unsigned int)(sizeof((const struct pto_param[]){ __VA_ARGS__ }) / \
		       sizeof(struct pto_param))

/* A float travels through a scalar parameter as its bit pattern. */
static inline uint64_t ex_f2u(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static inline float ex_u2f(uint64_t v)
{
	uint32_t u = (uint32_t)v;
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

/* A tensor parameter seen by a kernel. */
static inline float *ex_arg_f32(const struct pto_kernel_ctx *ctx,
				unsigned int i)
{
	return (float *)(uintptr_t)ctx->args[i];
}

/* ---- tensors and data ------------------------------------------------- */

/* A device tensor of n floats holding src (zeroed when src is NULL). */
int ex_tensor_f32(pto_device *dev, const float *src, size_t n,
		  pto_tensor **out);

/* Heap tensors of the current scope: *t[i] of bytes[i] bytes. */
int ex_heap(pto_orch *o, pto_tensor **const *t, const uint64_t *bytes,
	    unsigned int n);

/* Zeroes the whole tensor. */
int ex_tensor_zero(pto_tensor *t);

/* Deterministic inputs: uniform floats in [-1, 1). */
void ex_fill_random(float *v, size_t n, uint64_t *seed);
uint32_t ex_rand_u32(uint64_t *seed);

/* ---- golden comparison ------------------------------------------------ */

/*
 * Compares n values of tensor t (from offset 0) with want: each value
 * must satisfy |got - want| <= atol + rtol * |want|. Returns 0, 1 with a
 * reason in why, or a negative errno if the tensor cannot be read.
 */
int ex_check_f32(const char *what, const pto_tensor *t, const float *want,
		 size_t n, float atol, float rtol, char *why, size_t why_len);

/* ---- tile arithmetic shared by kernels and host references ----------- */

/* c[m x n] (+)= a[m x k] * b[k x n]; row-major with the given strides. */
void ex_matmul(float *c, size_t ldc, const float *a, size_t lda,
	       const float *b, size_t ldb, unsigned int m, unsigned int k,
	       unsigned int n, int accumulate);

#endif /* EX_H */
