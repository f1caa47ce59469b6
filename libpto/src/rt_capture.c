// SPDX-License-Identifier: MIT
/*
 * The outputs of a profiled run: its directory, the capture file the
 * host collector writes while the run is live, and after the run the
 * capture's conversion to the seed-schema JSON set (unless the run asked
 * for the capture only) and, when asked, to chip_swimlane_records.json.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "device.h"
#include "json_out.h"
#include "prof_cap.h"
#include "prof_host.h"
#include "pto_reader.h"
#include "rt_capture.h"
#include "rt_run.h"
#include "log.h"

/* Kernel names for the capture; the orchestrator is named after the run. */
static const char *func_name(void *ctx, uint32_t func_id)
{
	struct rt_run *run = ctx;
	const struct rt_kernel *k;

	if (func_id == PROF_NAME_ORCHESTRATOR)
		return run->cfg.name;
	k = rt_kernel_get(run->dev, func_id);

	return k && k->name[0] ? k->name : NULL;
}

static void capture_run(struct rt_run *run, struct prof_cap *cap)
{
	struct pto_cap_run *r = prof_cap_begin(cap, PTO_CAP_SEC_RUN,
					       sizeof(*r));
	unsigned int i;

	if (!r)
		return;
	r->backend = run->dev->backend;
	r->blocks = run->nblocks;
	r->num_cores = run->ncores;
	r->schedulers = run->nsched;
	r->aicpu_threads = run->nthreads;
	r->orch_to_sched = run->cfg.orch_to_sched != 0;
	r->wiring = run->cfg.wiring;
	r->task_window = run->cfg.task_window;
	r->heap_size = run->cfg.heap_size;
	r->dep_pool = run->cfg.dep_pool;
	r->counter_freq_hz = run->dev->freq_hz;
	for (i = 0; i < run->ncores && i < PTO_MAX_CORES; i++)
		r->core_type[i] = (__u8)run->cores[i].type;
	if (run->cfg.name)
		snprintf(r->name, sizeof(r->name), "%s", run->cfg.name);
	prof_cap_commit(cap);
}

static void capture_pmu(struct rt_run *run, struct prof_cap *cap)
{
	struct pto_cap_pmu *p = prof_cap_begin(cap, PTO_CAP_SEC_PMU,
					       sizeof(*p));

	if (!p)
		return;
	p->counters = run->pmu.mask;
	p->user_only = run->pmu.user_only;
	memcpy(p->error, run->pmu.err, sizeof(p->error));
	prof_cap_commit(cap);
}

/* dir/capture.ptocap into path (PATH_MAX bytes); -ENAMETOOLONG. */
static int capture_path(char *path, const char *dir)
{
	return snprintf(path, PATH_MAX, "%s/%s", dir, PTO_CAP_FILE_NAME) >=
	       PATH_MAX ? -ENAMETOOLONG : 0;
}

int rt_capture_open(struct rt_run *run, char *dir, size_t dirlen,
		    struct prof_cap **cap)
{
	char path[PATH_MAX];
	int err;

	*cap = NULL;
	err = prof_output_dir(dir, dirlen, run->cfg.output_prefix,
			      run->cfg.name);
	if (!err)
		err = json_mkdirs(dir);
	if (!err)
		err = capture_path(path, dir);
	if (!err)
		err = prof_cap_create(path, cap);
	if (err) {
		pto_err("pto: profile not written to %s: %s\n",
			err == -ENAMETOOLONG ? "the output prefix" : dir,
			strerror(-err));
		dir[0] = 0;
		return err;
	}
	capture_run(run, *cap);
	if (run->flags & PTO_DFX_PMU)
		capture_pmu(run, *cap);
	return prof_cap_error(*cap);
}

int rt_capture_finish(struct rt_run *run, struct prof_cap *cap, int status,
		      char *dir)
{
	struct pto_capture_info info = { .size = sizeof(info) };
	unsigned int sets = (run->cfg.capture_only ? 0 :
			     PTO_CAPTURE_RECORDS_JSON) |
			    (run->cfg.chip_json ? PTO_CAPTURE_CHIP_JSON : 0);
	char path[PATH_MAX];
	pto_capture *c;
	int err;

	prof_cap_names(cap, func_name, run, PTO_MAX_FUNCS);
	err = prof_cap_close(cap, status);
	/* It fit when the capture was created. */
	capture_path(path, dir);
	if (!err && sets) {
		err = pto_capture_open(path, NULL, &c);
		if (!err) {
			pto_capture_info(c, &info);
			if (!info.complete) {
				pto_err("pto: capture %s: %s\n", path,
					info.problem);
				err = -EIO;
			}
		}
		if (!err)
			err = pto_capture_export(c, dir, sets);
		pto_capture_close(c);
	}
	if (err) {
		pto_err("pto: profile not written to %s: %s\n", dir,
			strerror(-err));
		dir[0] = 0;
	} else if (!run->cfg.quiet) {
		pto_info("pto: profile written to %s\n", dir);
	}
	return err;
}
