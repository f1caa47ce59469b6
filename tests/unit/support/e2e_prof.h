/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the end-to-end profiling tests: a sim device with no-op
 * kernels, a temporary output directory, profiled runs and the exported
 * JSON read back into plain arrays.
 */
#ifndef PTO_TEST_E2E_PROF_H
#define PTO_TEST_E2E_PROF_H

#include <stddef.h>
#include <stdint.h>

#include "json_check.h"
#include "pto.h"

#define E2E_AIC 10		/* no-op kernel on AIC */
#define E2E_AIV 11		/* no-op kernel on AIV */
#define E2E_AIV_B 12		/* a second AIV kernel */

/* Buffer kind names as in the JSON reconcile object (by kind value). */
#define E2E_KINDS 5
extern const char *const e2e_kind_name[E2E_KINDS];

/* Opens a sim device (blocks, aicpu_threads; 0 = default) with the
 * no-op kernels registered; aborts on failure.
 */
pto_device *e2e_device(unsigned int blocks, unsigned int aicpu_threads);

/* A fresh temporary directory (mkdtemp) and paths below it. */
struct e2e_dir {
	char root[256];
	char out[320];		/* root/out: the run's output prefix */
};

void e2e_dir_make(struct e2e_dir *d);
/* Removes root and the files and directories below it, 3 levels deep. */
void e2e_dir_remove(struct e2e_dir *d);
/* 1 if path exists. */
int e2e_exists(const char *path);
/* Parsed dir/name, or NULL. */
struct jc_value *e2e_load(const char *dir, const char *name);

/* A config with quiet set and output_prefix = d->out. */
void e2e_config(struct pto_run_config *cfg, const struct e2e_dir *d);

/*
 * A profiled run (level 4, capture only) of an e2e_work of n tasks on
 * dev, its outputs in d->root/sub; the capture's path into cap.
 */
void e2e_capture_run(pto_device *dev, const struct e2e_dir *d,
		     const char *sub, unsigned int n, char *cap, size_t len);

/* One task row of l2_swimlane_records.json. */
struct e2e_row {
	uint64_t task_id;
	uint32_t func_id, core_id;
	int aic;		/* core_type "aic" */
	double start, end, dispatch, finish, receive;
};

/* Rows of the file's "tasks" array (malloc'd, *n set). */
struct e2e_row *e2e_rows(const struct jc_value *rec, size_t *n);

struct e2e_edge {
	uint64_t pred, succ;
};

/* Edges of deps.json (malloc'd, *n set). */
struct e2e_edge *e2e_edges(const struct jc_value *deps, size_t *n);

/* Unsigned value of a JSON number or decimal string. */
uint64_t e2e_u64(const struct jc_value *v);

/*
 * Checks the reconcile object: every present kind has
 * collected + dropped + mismatch + overwritten == total; returns the
 * sums of dropped and mismatch over all kinds through the pointers (may
 * be NULL).
 */
void e2e_check_books(const struct jc_value *rec, uint64_t *dropped,
		     uint64_t *mismatch);

/* The member of reconcile for kind k, or NULL. */
const struct jc_value *e2e_books(const struct jc_value *rec, unsigned int k);

/*
 * A small workload: task i writes 64-byte region i of one tensor and
 * reads region i - 1 and i - 3 (when they exist), so the graph has
 * chains and fan-in. Kinds cycle AIC, AIV, MIX(aic+aiv0), MIX(all),
 * AIV_B, MIX(aiv0+aiv1). ids[i] and subtasks[i] (active subslots) are
 * filled as submitted.
 */
#define E2E_WORK_MAX 512
struct e2e_work {
	unsigned int n;
	pto_tensor *t;
	uint64_t ids[E2E_WORK_MAX];
	unsigned int subtasks[E2E_WORK_MAX];
	uint32_t funcs[E2E_WORK_MAX][3];	/* aic, aiv0, aiv1 */
	int err;
};

/* Allocates w->t on dev for n tasks. */
void e2e_work_init(struct e2e_work *w, pto_device *dev, unsigned int n);
void e2e_work_fini(struct e2e_work *w);
/* pto_orch_fn: submits w (user). */
int e2e_work_orch(pto_orch *o, void *user);
/* Sum of subtasks[]. */
unsigned int e2e_work_subtasks(const struct e2e_work *w);

/* A cmocka test of f with initial state st, reported under name. */
#define NAMED_TEST(name, f, st) { name, f, NULL, NULL, (void *)(st) }

#endif /* PTO_TEST_E2E_PROF_H */
