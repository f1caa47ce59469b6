// SPDX-License-Identifier: MIT
/*
 * The sim backend: device memory is shared anonymous mappings of this
 * process (zeroed by the kernel), and regions are laid out and
 * initialised with the same uapi functions pto.ko uses.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "dev_ops.h"
#include "pto_clock.h"

struct sim_dev {
	_Atomic uint32_t next_region_id;
};

static void *sim_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int sim_open(const struct pto_device_opts *opts, void **priv,
		    struct dev_info *info)
{
	struct sim_dev *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	atomic_init(&s->next_region_id, 1);
	info->blocks = opts->blocks ? opts->blocks : PTO_MAX_BLOCKS;
	info->aicpu_threads = opts->aicpu_threads ? opts->aicpu_threads : 4;
	*priv = s;
	return 0;
}

static void sim_close(void *priv)
{
	free(priv);
}

static int sim_bo_alloc(void *priv, size_t size, struct dev_bo *bo)
{
	(void)priv;
	bo->map = sim_map(size);
	if (!bo->map)
		return -ENOMEM;
	bo->size = size;
	bo->dev_addr = (uint64_t)(uintptr_t)bo->map;
	bo->handle = 0;
	return 0;
}

static void sim_bo_free(void *priv, struct dev_bo *bo)
{
	(void)priv;
	if (bo->map)
		munmap(bo->map, bo->size);
	bo->map = NULL;
}

static int sim_region(struct sim_dev *s, size_t size, struct dev_region *r)
{
	r->base = sim_map(size);
	if (!r->base)
		return -ENOMEM;
	r->size = size;
	r->id = atomic_fetch_add(&s->next_region_id, 1);
	r->handle = 0;
	r->keep = false;
	return 0;
}

static int sim_prof_create(void *priv, const struct pto_prof_params *params,
			   bool retain, struct pto_prof_layout *layout,
			   struct dev_region *r)
{
	struct sim_dev *s = priv;
	int err = pto_prof_layout_compute(params, layout);

	if (err)
		return err;
	/* Shared with readers in other processes; else private memory. */
	err = sim_shm_region(layout->region_size,
			     atomic_fetch_add(&s->next_region_id, 1), retain,
			     r);
	if (err)
		err = sim_region(priv, layout->region_size, r);
	if (err)
		return err;
	pto_prof_region_init(r->base, params, layout, pto_clock_freq_hz());
	return 0;
}

static int sim_hs_create(void *priv, unsigned int num_cores,
			 const struct pto_prof_layout *layout,
			 uint32_t prof_region_id, struct dev_region *r)
{
	int err = sim_region(priv, PTO_HS_REGION_SIZE(num_cores), r);

	if (err)
		return err;
	pto_hs_region_init(r->base, num_cores, layout, prof_region_id);
	return 0;
}

static void sim_region_free(void *priv, struct dev_region *r)
{
	(void)priv;
	if (r->base && r->handle)
		sim_shm_free(r);
	else if (r->base)
		munmap(r->base, r->size);
	r->base = NULL;
}

const struct dev_ops dev_sim_ops = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.bo_alloc = sim_bo_alloc,
	.bo_free = sim_bo_free,
	.prof_create = sim_prof_create,
	.hs_create = sim_hs_create,
	.region_free = sim_region_free,
};
