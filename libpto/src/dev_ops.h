/* SPDX-License-Identifier: MIT */
/*
 * Device backends behind one small ops table. A backend owns device
 * memory: buffer objects, the profiling region (laid out with the one
 * layout function, pto_prof_layout_compute) and the handshake region.
 * The sim backend uses shared anonymous mappings in this process; the drm
 * backend gets them from pto.ko through its ioctls and mmap.
 */
#ifndef PTO_DEV_OPS_H
#define PTO_DEV_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pto.h"
#include "pto_layout.h"

struct dev_bo {
	void *map;		/* CPU mapping */
	size_t size;
	uint64_t dev_addr;	/* what kernels receive as an address */
	uint32_t handle;	/* backend handle, 0 for sim */
};

/* A mapped region (profiling or handshake). */
struct dev_region {
	void *base;
	size_t size;
	uint32_t id;		/* profiling region id, never 0; a handshake
				 * region's is 0 on drm
				 */
	uint32_t handle;	/* backend handle; sim: its shared-memory
				 * file's number (sim_shm.c), 0 for
				 * private memory
				 */
	bool keep;		/* retained, not released when freed */
};

struct dev_info {
	unsigned int blocks;
	unsigned int aicpu_threads;
};

struct dev_ops {
	const char *name;
	int (*open)(const struct pto_device_opts *opts, void **priv,
		    struct dev_info *info);
	void (*close)(void *priv);
	int (*bo_alloc)(void *priv, size_t size, struct dev_bo *bo);
	void (*bo_free)(void *priv, struct dev_bo *bo);
	/*
	 * Lays out and initialises a zeroed profiling region; retain: it
	 * outlives the process for observers (drm; sim ignores it).
	 */
	int (*prof_create)(void *priv, const struct pto_prof_params *params,
			   bool retain, struct pto_prof_layout *layout,
			   struct dev_region *r);
	/* A handshake region for num_cores, heads published from layout. */
	int (*hs_create)(void *priv, unsigned int num_cores,
			 const struct pto_prof_layout *layout,
			 uint32_t prof_region_id, struct dev_region *r);
	void (*region_free)(void *priv, struct dev_region *r);
};

/*
 * sim_shm.c: a sim profiling region in a shared-memory file of this
 * process (r->handle its number, unique in the process; kept after free
 * when retain), and its release. The file is named as pto_reader.h says
 * (PTO_SIM_REGION_*).
 */
int sim_shm_region(size_t size, uint32_t id, bool retain,
		   struct dev_region *r);
void sim_shm_free(struct dev_region *r);

extern const struct dev_ops dev_sim_ops;
extern const struct dev_ops dev_drm_ops;

/* True when a render node of driver "pto" can be opened. */
bool dev_drm_present(void);

#endif /* PTO_DEV_OPS_H */
