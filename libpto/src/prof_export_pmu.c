// SPDX-License-Identifier: MIT
/*
 * pmu.csv: the PMU records (PTO_BUF_PMU) of a record set, one row per
 * task run, sorted by task id (then core, then thread id) in bounded
 * memory:
 *
 *   thread,core,core_type,task,func,<counter>,...
 *
 * thread is the OS thread id of the thread that ran the kernel, core_type
 * AIC or AIV, task the task id in decimal, func the func_id. The counter
 * columns are the run's counter set (prof_records.pmu_counters, with any
 * counter a record holds), named as
 * prof_pmu_name() names them; a cell is empty where that task's counter
 * was not counted (never an estimate). Written only when the run recorded
 * PMU counters.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "json_out.h"
#include "prof_pmu.h"
#include "prof_records.h"
#include "prof_sort.h"

struct pmu_csv {
	FILE *f;
	uint32_t set;
	struct prof_spill all;
};

static int pmu_cmp(const void *a, const void *b)
{
	const struct pto_pmu_record *x = a, *y = b;

	if (x->task_id != y->task_id)
		return x->task_id < y->task_id ? -1 : 1;
	if (x->core != y->core)
		return x->core < y->core ? -1 : 1;
	return x->thread < y->thread ? -1 : x->thread > y->thread;
}

static int pmu_row(void *ctx, const void *rec)
{
	const struct pto_pmu_record *p = rec;
	struct pmu_csv *c = ctx;
	unsigned int i;

	fprintf(c->f, "%" PRIu32 ",%" PRIu32 ",%s,%" PRIu64 ",%" PRIu32,
		p->thread, p->core,
		p->core_type == PTO_CORE_TYPE_AIC ? "AIC" : "AIV",
		(uint64_t)p->task_id, p->func_id);
	for (i = 0; i < PTO_PMU_COUNTERS; i++) {
		if (!(c->set >> i & 1))
			continue;
		if (p->counter_mask >> i & 1)
			fprintf(c->f, ",%" PRIu64, (uint64_t)p->counters[i]);
		else
			fputc(',', c->f);
	}
	fputc('\n', c->f);
	return 0;
}

/* Every thread's records into one spill; their counters into the set. */
static int pmu_gather(void *ctx, const void *rec)
{
	struct pmu_csv *c = ctx;

	c->set |= ((const struct pto_pmu_record *)rec)->counter_mask;
	return prof_spill_append(&c->all, rec, 1);
}

int prof_records_export_pmu(const struct prof_records *r, const char *dir)
{
	struct pmu_csv c = { .set = r->pmu_counters };
	unsigned int i;
	int ret = 0;

	if (!(r->dfx_flags & PTO_DFX_PMU))
		return 0;
	prof_spill_init(&c.all, r->tasks.mem, sizeof(struct pto_pmu_record));
	for (i = 0; !ret && i < PTO_MAX_AICPU_THREADS; i++)
		ret = prof_spill_each(prof_records_spill(r, PTO_BUF_PMU, i),
				      pmu_gather, &c);
	c.f = ret ? NULL : json_open(dir, "pmu.csv");
	if (!ret && !c.f)
		ret = -errno;
	if (!ret) {
		fputs("thread,core,core_type,task,func", c.f);
		for (i = 0; i < PTO_PMU_COUNTERS; i++)
			if (c.set >> i & 1)
				fprintf(c.f, ",%s", prof_pmu_name(i));
		fputc('\n', c.f);
		ret = prof_sort_stream(&c.all, NULL, pmu_cmp, pmu_row, &c);
		if (json_close(c.f) && !ret)
			ret = -EIO;
	}
	prof_spill_free(&c.all);
	return ret;
}
