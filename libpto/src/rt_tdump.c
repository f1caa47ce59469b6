// SPDX-License-Identifier: MIT
/*
 * Tensor dump (see rt_tdump.h). The selection is made once per task at
 * submit, so a scheduler tests one pointer per task. The copies read
 * device memory the task's dependencies make stable: inputs are final
 * once the task is ready (every writer before it completed), outputs
 * are copied before the task completes (every later writer or reader
 * of the range waits for that). A copy is cut at run->tdump->cap bytes.
 */
#include <errno.h>
#include <stdlib.h>

#include "device.h"
#include "prof_dev.h"
#include "pto_clock.h"
#include "pto_prof.h"
#include "rt_run.h"
#include "rt_sched.h"
#include "rt_task.h"
#include "rt_tdump.h"

int rt_tdump_config(struct rt_run *run)
{
	const struct pto_run_config *c = &run->cfg;

	if (!(run->flags & PTO_DFX_TENSOR_DUMP)) {
		if (c->tensor_dump_select || c->tensor_dump_func ||
		    c->tensor_dump_max_bytes)
			return rt_reject(-EINVAL, "run_config.tensor_dump_*: "
					 "set, but dfx_flags lacks "
					 "PTO_DFX_TENSOR_DUMP");
		return 0;
	}
	if ((unsigned int)c->tensor_dump_select > PTO_TDUMP_MARKED)
		return rt_reject(-EINVAL, "run_config.tensor_dump_select %d: "
				 "PTO_TDUMP_ALL, _FUNC or _MARKED",
				 (int)c->tensor_dump_select);
	if (c->tensor_dump_select != PTO_TDUMP_FUNC && c->tensor_dump_func)
		return rt_reject(-EINVAL, "run_config.tensor_dump_func %u: "
				 "only with tensor_dump_select "
				 "PTO_TDUMP_FUNC", c->tensor_dump_func);
	if (c->tensor_dump_select == PTO_TDUMP_FUNC &&
	    !rt_kernel_get(run->dev, c->tensor_dump_func))
		return rt_reject(-EINVAL, "run_config.tensor_dump_func %u: "
				 "not a registered kernel",
				 c->tensor_dump_func);
	if (c->tensor_dump_max_bytes > PTO_TDUMP_MAX_BYTES)
		return rt_reject(-EINVAL, "run_config.tensor_dump_max_bytes "
				 "%llu: at most %llu",
				 (unsigned long long)c->tensor_dump_max_bytes,
				 (unsigned long long)PTO_TDUMP_MAX_BYTES);
	return 0;
}

int rt_tdump_init(struct rt_run *run)
{
	struct rt_tdump *d;
	unsigned int r;

	if (!(run->flags & PTO_DFX_TENSOR_DUMP))
		return 0;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	run->tdump = d;
	d->cap = run->cfg.tensor_dump_max_bytes ?
		 run->cfg.tensor_dump_max_bytes : PTO_TDUMP_DEFAULT_BYTES;
	for (r = 0; r < RT_RINGS; r++) {
		d->slots[r] = calloc(run->cfg.task_window, sizeof(**d->slots));
		if (!d->slots[r])
			return -ENOMEM;
	}
	return 0;
}

void rt_tdump_fini(struct rt_run *run)
{
	unsigned int r;

	if (!run->tdump)
		return;
	for (r = 0; r < RT_RINGS; r++)
		free(run->tdump->slots[r]);
	free(run->tdump);
	run->tdump = NULL;
}

static int selected(const struct rt_run *run, const struct rt_task *t,
		    unsigned int kind_bits)
{
	const struct pto_run_config *c = &run->cfg;
	unsigned int s;

	switch (c->tensor_dump_select) {
	case PTO_TDUMP_MARKED:
		return !!(kind_bits & PTO_PARAM_MARK);
	case PTO_TDUMP_FUNC:
		for (s = 0; s < 3; s++)
			if (t->func[s] == c->tensor_dump_func)
				return 1;
		return 0;
	default:
		return 1;
	}
}

void rt_tdump_submit(struct rt_run *run, struct rt_task *t,
		     const struct pto_param *params, unsigned int n)
{
	struct rt_tdump_task *d = &run->tdump->slots[t->id >> 32]
		[t->pos & (run->cfg.task_window - 1)];
	unsigned int i, bits, kind;

	d->before = d->after = 0;
	for (i = 0; i < n; i++) {
		bits = (unsigned int)params[i].kind;
		kind = bits & PTO_PARAM_KIND_MASK;
		if (kind == PTO_PARAM_SCALAR || !selected(run, t, bits))
			continue;
		/* PTO_TDUMP_ROLE_* are the param kinds IN, OUT, INOUT. */
		d->role[i] = (uint8_t)kind;
		d->dtype[i] = (uint8_t)(bits >> PTO_PARAM_DTYPE_SHIFT);
		d->offset[i] = params[i].offset;
		d->bytes[i] = params[i].bytes;
		if (kind != PTO_PARAM_OUT)
			d->before |= (uint16_t)(1u << i);
		if (kind != PTO_PARAM_IN)
			d->after |= (uint16_t)(1u << i);
	}
	t->dump = d->before | d->after ? d : NULL;
}

void rt_tdump_copy(struct rt_run *run, struct rt_thread *th,
		   const struct rt_task *t, unsigned int stage)
{
	const struct rt_tdump_task *d = t->dump;
	unsigned int i, mask = stage == PTO_TDUMP_STAGE_BEFORE ? d->before :
			       d->after;
	struct pto_tdump_head h = { .task_id = t->id, .stage = (__u8)stage };

	for (i = 0; mask; i++, mask >>= 1) {
		if (!(mask & 1))
			continue;
		h.tensor = t->args[i] - d->offset[i];
		h.offset = d->offset[i];
		h.bytes = d->bytes[i];
		h.dumped = h.bytes < run->tdump->cap ? h.bytes :
			   run->tdump->cap;
		h.flags = h.dumped < h.bytes ? PTO_TDUMP_TRUNCATED : 0;
		h.time = pto_clock_now();
		h.func_id[0] = t->func[0];
		h.func_id[1] = t->func[1];
		h.func_id[2] = t->func[2];
		h.role = d->role[i];
		h.arg = (__u8)i;
		h.dtype = d->dtype[i];
		/* Device addresses are this process's mappings. */
		prof_dev_tensor(run->prof, th->idx, &h,
				(const void *)(uintptr_t)t->args[i]);
		th->tdump_regions++;
		th->tdump_truncated += h.flags & PTO_TDUMP_TRUNCATED;
	}
}

void rt_tdump_stall(struct rt_run *run)
{
	if (!run->tdump)
		return;
	atomic_fetch_add_explicit(&run->tdump->flush_gen, 1,
				  memory_order_relaxed);
	rt_wake_schedulers(run);
}

void rt_tdump_flush_poll(struct rt_run *run, struct rt_thread *th)
{
	uint32_t gen = atomic_load_explicit(&run->tdump->flush_gen,
					    memory_order_relaxed);

	if (gen == th->tdump_flush_seen)
		return;
	th->tdump_flush_seen = gen;
	prof_dev_tensor_flush(run->prof, th->idx);
}
