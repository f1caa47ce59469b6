// SPDX-License-Identifier: MIT
/*
 * PMU collector: perf_event_open counting groups of the thread that runs
 * a kernel (see prof_pmu.h). Per thread, at most one group per perf type
 * (hardware, software): a hardware group the PMU cannot schedule then
 * never stops the software counts.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "prof_pmu.h"

#define PMU_GROUPS	2	/* hardware, software */

static const struct {
	const char *name;
	uint32_t type;		/* PERF_TYPE_* */
	uint64_t config;
} pmu_counters[PTO_PMU_COUNTERS] = {
	[PTO_PMU_CYCLES] = { "cycles", PERF_TYPE_HARDWARE,
			     PERF_COUNT_HW_CPU_CYCLES },
	[PTO_PMU_INSTRUCTIONS] = { "instructions", PERF_TYPE_HARDWARE,
				   PERF_COUNT_HW_INSTRUCTIONS },
	[PTO_PMU_CACHE_REFERENCES] = { "cache_references",
				       PERF_TYPE_HARDWARE,
				       PERF_COUNT_HW_CACHE_REFERENCES },
	[PTO_PMU_CACHE_MISSES] = { "cache_misses", PERF_TYPE_HARDWARE,
				   PERF_COUNT_HW_CACHE_MISSES },
	[PTO_PMU_BRANCH_MISSES] = { "branch_misses", PERF_TYPE_HARDWARE,
				    PERF_COUNT_HW_BRANCH_MISSES },
	[PTO_PMU_TASK_CLOCK] = { "task_clock_ns", PERF_TYPE_SOFTWARE,
				 PERF_COUNT_SW_TASK_CLOCK },
	[PTO_PMU_CONTEXT_SWITCHES] = { "context_switches",
				       PERF_TYPE_SOFTWARE,
				       PERF_COUNT_SW_CONTEXT_SWITCHES },
	[PTO_PMU_PAGE_FAULTS] = { "page_faults", PERF_TYPE_SOFTWARE,
				  PERF_COUNT_SW_PAGE_FAULTS },
	[PTO_PMU_CPU_MIGRATIONS] = { "cpu_migrations", PERF_TYPE_SOFTWARE,
				     PERF_COUNT_SW_CPU_MIGRATIONS },
};

/* One counting group of a thread: member k counts counter idx[k]. */
struct pmu_group {
	uint32_t n;			/* members; fd[0] leads */
	int fd[PTO_PMU_COUNTERS];
	uint8_t idx[PTO_PMU_COUNTERS];
	uint64_t enabled, running;	/* at prof_pmu_begin */
};

/* A thread's open counters (thread-specific data, closed at its exit). */
struct pmu_thread {
	uint32_t want, user_only;	/* the set they were opened for */
	uint32_t tid;
	struct pmu_group g[PMU_GROUPS];
};

/* What a group read returns (PERF_FORMAT_GROUP with both times). */
struct pmu_read {
	uint64_t nr, enabled, running;
	uint64_t v[PTO_PMU_COUNTERS];
};

static pthread_key_t pmu_key;
static pthread_once_t pmu_once = PTHREAD_ONCE_INIT;
static int pmu_key_err;

const char *prof_pmu_name(unsigned int i)
{
	return i < PTO_PMU_COUNTERS ? pmu_counters[i].name : NULL;
}

/*
 * Opens counter i for the calling thread in group (-1: a new leader);
 * the fd or -errno. A leader starts disabled and pmu_thread_open enables
 * its group whole once every member is in: a member added to a leader
 * already counting is not scheduled in with it until the thread is next
 * switched out and back, so a thread that ran its kernels without being
 * switched counted none of its page faults (its task clock, the leader,
 * counted).
 */
static int pmu_open(unsigned int i, uint32_t user_only, int group)
{
	struct perf_event_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = pmu_counters[i].type;
	a.config = pmu_counters[i].config;
	a.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED |
			PERF_FORMAT_TOTAL_TIME_RUNNING;
	a.exclude_kernel = user_only;
	a.exclude_hv = 1;
	a.disabled = group < 0;
	fd = syscall(SYS_perf_event_open, &a, 0, -1, group,
		     PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

void prof_pmu_probe(struct prof_pmu_set *s)
{
	unsigned int i;
	int fd;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < PTO_PMU_COUNTERS; i++) {
		fd = pmu_open(i, s->user_only, -1);
		if ((fd == -EACCES || fd == -EPERM) && !s->user_only) {
			/* perf_event_paranoid: user-mode counts only. */
			s->user_only = 1;
			pto_warn("pto: pmu: kernel-mode counting not "
				 "allowed (perf_event_paranoid); counting "
				 "user mode only\n");
			fd = pmu_open(i, s->user_only, -1);
		}
		if (fd < 0) {
			s->err[i] = fd;
			pto_warn("pto: pmu: %s not counted: %s; left out\n",
				 pmu_counters[i].name, strerror(-fd));
			continue;
		}
		close(fd);
		s->mask |= 1u << i;
	}
}

static void pmu_group_close(struct pmu_group *g)
{
	/* Members before their leader. */
	while (g->n)
		close(g->fd[--g->n]);
}

static void pmu_close(struct pmu_thread *t)
{
	unsigned int g;

	for (g = 0; g < PMU_GROUPS; g++)
		pmu_group_close(&t->g[g]);
}

static void pmu_thread_free(void *p)
{
	pmu_close(p);
	free(p);
}

static void pmu_key_init(void)
{
	pmu_key_err = pthread_key_create(&pmu_key, pmu_thread_free);
}

/* Opens s's counters for the calling thread into t. */
static void pmu_thread_open(struct pmu_thread *t, const struct prof_pmu_set *s)
{
	struct pmu_group *g;
	unsigned int i;
	int fd;

	pmu_close(t);
	t->want = s->mask;
	t->user_only = s->user_only;
	for (i = 0; i < PTO_PMU_COUNTERS; i++) {
		if (!(s->mask >> i & 1))
			continue;
		g = &t->g[pmu_counters[i].type == PERF_TYPE_HARDWARE ? 0 : 1];
		fd = pmu_open(i, s->user_only, g->n ? g->fd[0] : -1);
		if (fd < 0)
			continue;	/* the probe's warning named the set */
		g->fd[g->n] = fd;
		g->idx[g->n++] = (uint8_t)i;
	}
	/* A group that cannot be enabled would read as counted zeros. */
	for (i = 0; i < PMU_GROUPS; i++)
		if (t->g[i].n && ioctl(t->g[i].fd[0], PERF_EVENT_IOC_ENABLE,
				       PERF_IOC_FLAG_GROUP))
			pmu_group_close(&t->g[i]);
}

/* The calling thread's counters for s, opened on first use; NULL: none. */
static struct pmu_thread *pmu_thread(const struct prof_pmu_set *s)
{
	struct pmu_thread *t;

	if (pthread_once(&pmu_once, pmu_key_init) || pmu_key_err)
		return NULL;
	t = pthread_getspecific(pmu_key);
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t || pthread_setspecific(pmu_key, t)) {
			free(t);
			return NULL;
		}
		t->tid = (uint32_t)syscall(SYS_gettid);
		t->want = ~0u;
	}
	if (t->want != s->mask || t->user_only != s->user_only)
		pmu_thread_open(t, s);
	return t;
}

/* One group's values; 0 or -1 (a short read: the group is not used). */
static int pmu_read_group(const struct pmu_group *g, struct pmu_read *r)
{
	ssize_t want = (ssize_t)((3 + g->n) * sizeof(uint64_t));

	return read(g->fd[0], r, (size_t)want) == want && r->nr == g->n ?
	       0 : -1;
}

void prof_pmu_begin(const struct prof_pmu_set *s, struct prof_pmu_sample *x)
{
	struct pmu_thread *t = pmu_thread(s);
	struct pmu_group *g;
	struct pmu_read r;
	unsigned int k, gi;

	memset(x, 0, sizeof(*x));
	if (!t)
		return;
	x->tid = t->tid;
	for (gi = 0; gi < PMU_GROUPS; gi++) {
		g = &t->g[gi];
		if (!g->n || pmu_read_group(g, &r))
			continue;
		g->enabled = r.enabled;
		g->running = r.running;
		for (k = 0; k < g->n; k++) {
			x->v[g->idx[k]] = r.v[k];
			x->mask |= 1u << g->idx[k];
		}
	}
}

void prof_pmu_end(struct prof_pmu_sample *x)
{
	struct pmu_thread *t;
	struct pmu_group *g;
	struct pmu_read r;
	unsigned int k, gi;
	uint32_t mask = 0;

	if (pmu_key_err || !x->mask)
		return;
	t = pthread_getspecific(pmu_key);
	for (gi = 0; t && gi < PMU_GROUPS; gi++) {
		g = &t->g[gi];
		/* A group the PMU did not run all along is not counted. */
		if (!g->n || !(x->mask >> g->idx[0] & 1) ||
		    pmu_read_group(g, &r) ||
		    r.enabled - g->enabled != r.running - g->running)
			continue;
		for (k = 0; k < g->n; k++) {
			x->v[g->idx[k]] = r.v[k] - x->v[g->idx[k]];
			mask |= 1u << g->idx[k];
		}
	}
	for (k = 0; k < PTO_PMU_COUNTERS; k++)
		if (!(mask >> k & 1))
			x->v[k] = 0;
	x->mask = mask;
}
