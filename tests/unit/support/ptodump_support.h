/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the ptodump tests: temp directories, running the ptodump
 * binary with captured output, synthetic records files with their
 * expected figures, and in-memory profiling regions.
 */
#ifndef PTODUMP_SUPPORT_H
#define PTODUMP_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "pto_prof.h"

/* A fresh directory under $TMPDIR (or /tmp); path into dir (>= 64 B). */
int ptodump_tmpdir(char *dir, size_t len);
/* rm -r of a directory made by ptodump_tmpdir (files one level deep). */
void ptodump_rmdir(const char *dir);

int ptodump_write_file(const char *path, const char *text);
/* Whole file, NUL-terminated, malloc'd; NULL on error. */
char *ptodump_read_file(const char *path, size_t *len);
/* Asserts that files a and b exist, are not empty and hold the same bytes. */
void ptodump_assert_same_file(const char *a, const char *b);

/*
 * Runs bin with args (NULL-terminated, args[0] is the subcommand) and
 * returns its exit status (-1 if it did not exit normally). *out / *err
 * receive its malloc'd stdout / stderr when not NULL.
 */
int ptodump_run(const char *bin, const char *const *args, char **out,
		char **err);
/* The same, also reporting the child's peak resident set in KiB. */
int ptodump_run_rss(const char *bin, const char *const *args, char **out,
		    char **err, long *maxrss_kb);
/*
 * Runs bin with args and asserts that it exits with status and that its
 * stderr contains needle.
 */
void ptodump_run_err(const char *bin, const char *const *args, int status,
		     const char *needle);

/*
 * The first occurrence of what in text; fails the running test, printing
 * text, when there is none.
 */
const char *ptodump_at(const char *text, const char *what);

/* ---- synthetic records ------------------------------------------------ */

struct ptodump_task {
	uint64_t task_id;
	uint32_t func_id, core_id, core_type;
	double start, end, dispatch, finish;	/* us, 3 decimals */
	double receive;				/* us, 3 decimals */
};

struct ptodump_sched {
	unsigned int thread;
	int dispatch;			/* phase: 1 dispatch, 0 complete */
	double start, end;
	uint32_t loop_iter, tasks, pop_hit, pop_miss;
};

struct ptodump_set {
	struct ptodump_task *tasks;
	size_t ntasks;
	uint64_t (*edges)[2];		/* unique (pred, succ) */
	size_t nedges;
	struct ptodump_sched *sched;
	size_t nsched;
	unsigned int threads, cores;
	int32_t core_to_thread[PTO_MAX_CORES];
};

/*
 * A deterministic pseudo-random run of ntasks tasks on cores cores and
 * threads scheduler threads (seed varies it); every task but the first
 * few has 1..3 producers among earlier tasks, and some task ids repeat
 * as MIX subtasks when mix is set.
 */
void ptodump_gen(struct ptodump_set *s, size_t ntasks, unsigned int cores,
		 unsigned int threads, unsigned int seed, int mix);
void ptodump_set_free(struct ptodump_set *s);

/* Writes dir/l2_swimlane_records.json (level 4) and dir/deps.json. */
int ptodump_write_set(const struct ptodump_set *s, const char *dir);

/* ---- regions ------------------------------------------------------------ */

/*
 * A zeroed, initialised region for num_cores cores, threads AICPU
 * threads, level (0..4), records per buffer and buffers per pool for
 * every enabled kind; malloc'd 64-byte aligned (free() it), size in
 * *size. NULL on bad parameters.
 */
void *ptodump_region_new(unsigned int num_cores, unsigned int threads,
			 unsigned int level, unsigned int records,
			 unsigned int buffers, size_t *size);

#endif /* PTODUMP_SUPPORT_H */
