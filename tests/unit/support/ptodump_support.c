// SPDX-License-Identifier: MIT
/*
 * Helpers of the ptodump tests (see ptodump_support.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "ptodump_support.h"
#include "pto_layout.h"

int ptodump_tmpdir(char *dir, size_t len)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, len, "%s/ptodump-test-XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(dir) ? 0 : -errno;
}

void ptodump_rmdir(const char *dir)
{
	struct dirent *de;
	char path[4096];
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

int ptodump_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int r;

	if (!f)
		return -errno;
	r = fputs(text, f) < 0;
	r |= fclose(f);
	return r ? -EIO : 0;
}

char *ptodump_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0, got;
	char *buf, *nb;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (!buf)
		return NULL;
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

static int capture_fd(char *tmpl)
{
	int fd = mkstemp(tmpl);

	if (fd >= 0)
		unlink(tmpl);
	return fd;
}

static char *slurp_fd(int fd)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *nb;
	ssize_t got;

	lseek(fd, 0, SEEK_SET);
	while (buf && (got = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)got;
		if (n + 1 == cap) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf)
		buf[n] = 0;
	return buf;
}

int ptodump_run(const char *bin, const char *const *args, char **out,
		char **err)
{
	return ptodump_run_rss(bin, args, out, err, NULL);
}

int ptodump_run_rss(const char *bin, const char *const *args, char **out,
		    char **err, long *maxrss_kb)
{
	struct rusage ru;
	char t1[] = "/tmp/ptodump-out-XXXXXX", t2[] = "/tmp/ptodump-err-XXXXXX";
	const char *argv[64];
	int fo = capture_fd(t1), fe = capture_fd(t2), st, i;
	pid_t pid;

	if (fo < 0 || fe < 0)
		return -1;
	argv[0] = bin;
	for (i = 0; args[i] && i < 62; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(fo, STDOUT_FILENO);
		dup2(fe, STDERR_FILENO);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) != pid)
		st = -1;
	else if (maxrss_kb)
		*maxrss_kb = ru.ru_maxrss;
	if (out)
		*out = slurp_fd(fo);
	if (err)
		*err = slurp_fd(fe);
	close(fo);
	close(fe);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- synthetic records ------------------------------------------------ */

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Microseconds with exactly three decimals (what the JSON can carry). */
static double ms3(uint64_t ns)
{
	return (double)ns / 1000.0;
}

void ptodump_gen(struct ptodump_set *s, size_t ntasks, unsigned int cores,
		 unsigned int threads, unsigned int seed, int mix)
{
	uint32_t st = seed * 2654435761u + 1;
	uint64_t *core_free = calloc(cores, sizeof(*core_free));
	uint64_t now = 1000;
	size_t i, cap_e = ntasks * 3 + 1, nrows = 0;
	unsigned int c, t;

	memset(s, 0, sizeof(*s));
	s->tasks = calloc(ntasks * 2 + 1, sizeof(*s->tasks));
	s->edges = calloc(cap_e, sizeof(*s->edges));
	s->cores = cores;
	s->threads = threads;
	for (c = 0; c < PTO_MAX_CORES; c++)
		s->core_to_thread[c] = c < cores ? (int32_t)(c % threads) : -1;
	for (i = 0; i < ntasks; i++) {
		unsigned int rows = mix && rnd(&st) % 5 == 0 ? 2 : 1, r;
		uint64_t id = i < ntasks / 2 ? i : (1ull << 32) | i;
		uint32_t func = rnd(&st) % 4;

		for (r = 0; r < rows; r++) {
			struct ptodump_task *k = &s->tasks[nrows++];
			uint64_t disp, start, end, fin;

			c = (unsigned int)((i + r) % cores);
			disp = (now > core_free[c] ? now : core_free[c]) +
			       rnd(&st) % 500;
			start = disp + 100 + rnd(&st) % 900;
			end = start + 1000 + rnd(&st) % 20000;
			fin = end + 50 + rnd(&st) % 2000;
			core_free[c] = fin;
			k->task_id = id;
			k->func_id = func;
			k->core_id = c;
			k->core_type = c % 3 ? 1 : 0;
			k->start = ms3(start);
			k->end = ms3(end);
			k->dispatch = ms3(disp);
			k->finish = ms3(fin);
			/* Not drawn: the sets of a seed stay as they were. */
			k->receive = ms3(disp + (start - disp) * 2 / 5);
		}
		now += 200 + rnd(&st) % 800;
		if (i >= 3) {
			unsigned int np = 1 + rnd(&st) % 3, p;
			size_t mine = s->nedges;	/* this task's first edge */

			for (p = 0; p < np; p++) {
				size_t pi = i - 1 - rnd(&st) % (i < 8 ? i : 8);
				uint64_t pid = pi < ntasks / 2 ? pi :
					       (1ull << 32) | pi;
				size_t e;

				for (e = mine; e < s->nedges; e++)
					if (s->edges[e][0] == pid &&
					    s->edges[e][1] == id)
						break;
				if (e == s->nedges && s->nedges < cap_e) {
					s->edges[s->nedges][0] = pid;
					s->edges[s->nedges++][1] = id;
				}
			}
		}
	}
	s->ntasks = nrows;
	/* Scheduler phases: per thread alternating dispatch/complete. */
	s->sched = calloc(ntasks * 2 + 2, sizeof(*s->sched));
	for (t = 0; t < threads; t++) {
		uint64_t ts = 900 + t * 37;
		uint32_t loop = 0;

		for (i = 0; i < ntasks / threads + 1; i++) {
			struct ptodump_sched *p = &s->sched[s->nsched++];

			loop += 1 + rnd(&st) % 4;
			ts += rnd(&st) % 3000;
			p->thread = t;
			p->dispatch = (int)(i % 2 == 0);
			p->start = ms3(ts);
			ts += 100 + rnd(&st) % 400;
			p->end = ms3(ts);
			p->loop_iter = loop;
			p->tasks = 1 + rnd(&st) % 3;
			if (p->dispatch) {
				p->pop_hit = rnd(&st) % 4;
				p->pop_miss = rnd(&st) % 4;
			}
		}
	}
	free(core_free);
}

void ptodump_set_free(struct ptodump_set *s)
{
	free(s->tasks);
	free(s->edges);
	free(s->sched);
	memset(s, 0, sizeof(*s));
}

int ptodump_write_set(const struct ptodump_set *s, const char *dir)
{
	char path[4096];
	unsigned int t, c;
	size_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/l2_swimlane_records.json", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "{\n  \"l2_swimlane_level\": 4,\n  \"tasks\": [");
	for (i = 0; i < s->ntasks; i++) {
		const struct ptodump_task *k = &s->tasks[i];

		fprintf(f, "%s\n    {\n      \"task_id\": %" PRIu64 ",\n"
			"      \"func_id\": %u,\n      \"core_id\": %u,\n"
			"      \"core_type\": \"%s\",\n      \"ring_id\": %u,\n"
			"      \"start_time_us\": %.3f,\n"
			"      \"end_time_us\": %.3f,\n"
			"      \"duration_us\": %.3f,\n"
			"      \"dispatch_time_us\": %.3f,\n"
			"      \"finish_time_us\": %.3f,\n"
			"      \"receive_time_us\": %.3f\n    }", i ? "," : "",
			k->task_id, k->func_id, k->core_id,
			k->core_type ? "aiv" : "aic",
			(unsigned int)(k->task_id >> 32), k->start, k->end,
			k->end - k->start, k->dispatch, k->finish, k->receive);
	}
	fprintf(f, "\n  ],\n  \"aicpu_scheduler_phases\": [");
	for (t = 0; t < s->threads; t++) {
		int first = 1;

		fprintf(f, "%s\n    [", t ? "," : "");
		for (i = 0; i < s->nsched; i++) {
			const struct ptodump_sched *p = &s->sched[i];

			if (p->thread != t)
				continue;
			fprintf(f, "%s\n      {\"start_time_us\": %.3f, "
				"\"end_time_us\": %.3f, \"phase\": \"%s\", "
				"\"loop_iter\": %u, \"tasks_processed\": %u",
				first ? "" : ",", p->start, p->end,
				p->dispatch ? "dispatch" : "complete",
				p->loop_iter, p->tasks);
			if (p->dispatch)
				fprintf(f, ", \"pop_hit\": %u, \"pop_miss\": %u",
					p->pop_hit, p->pop_miss);
			fputc('}', f);
			first = 0;
		}
		fprintf(f, "\n    ]");
	}
	fprintf(f, "\n  ],\n  \"core_to_thread\": [");
	for (c = 0; c < s->cores; c++)
		fprintf(f, "%s%d", c ? ", " : "", s->core_to_thread[c]);
	fprintf(f, "]\n}\n");
	if (fclose(f))
		return -EIO;
	snprintf(path, sizeof(path), "%s/deps.json", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "{\"tasks\": [], \"tensors\": [], \"edges\": [");
	for (i = 0; i < s->nedges; i++)
		fprintf(f, "%s\n  {\"pred\": \"%" PRIu64 "\", \"succ\": \"%"
			PRIu64 "\", \"arg\": 0, \"source\": \"tensormap\"}",
			i ? "," : "", s->edges[i][0], s->edges[i][1]);
	fprintf(f, "\n]}\n");
	return fclose(f) ? -EIO : 0;
}

/* ---- regions ------------------------------------------------------------ */

void *ptodump_region_new(unsigned int num_cores, unsigned int threads,
			 unsigned int level, unsigned int records,
			 unsigned int buffers, size_t *size)
{
	struct pto_prof_params p;
	struct pto_prof_layout l;
	unsigned int k;
	__u64 flags;
	void *base;

	memset(&p, 0, sizeof(p));
	if (pto_dfx_from_level(level, &flags))
		return NULL;
	p.num_cores = num_cores;
	p.num_aicpu_threads = threads;
	p.dfx_flags = flags;
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		if (!pto_prof_kind_enabled(flags, k))
			continue;
		p.records_per_buffer[k] = records;
		p.buffers_per_pool[k] = buffers;
	}
	if (pto_prof_layout_compute(&p, &l))
		return NULL;
	/* Aligned as a mapped region is: records are 64-byte aligned. */
	base = aligned_alloc(PTO_CACHELINE, (l.region_size + PTO_CACHELINE - 1) &
			     ~(size_t)(PTO_CACHELINE - 1));
	if (!base)
		return NULL;
	memset(base, 0, l.region_size);
	pto_prof_region_init(base, &p, &l, 1000000000ull);
	*size = l.region_size;
	return base;
}

const char *ptodump_at(const char *text, const char *what)
{
	const char *p = strstr(text, what);

	if (!p)
		fail_msg("report lacks \"%s\":\n%s", what, text);
	return p;
}

void ptodump_run_err(const char *bin, const char *const *args, int status,
		     const char *needle)
{
	char *err = NULL;

	assert_int_equal(ptodump_run(bin, args, NULL, &err), status);
	assert_non_null(strstr(err, needle));
	free(err);
}

void ptodump_assert_same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *x = ptodump_read_file(a, &la), *y = ptodump_read_file(b, &lb);

	assert_non_null(x);
	assert_non_null(y);
	assert_true(la > 0);
	assert_int_equal(la, lb);
	assert_memory_equal(x, y, la);
	free(x);
	free(y);
}
