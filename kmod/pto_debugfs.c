// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: dri/<minor>/pto_regions lists each region of the device with
 * its owner, state and the per-pool counters read from its header.
 *
 * The file is shown with pto_device.regions_lock held, so every listed
 * region (and its kernel mapping) stays valid while it is printed.
 * Counters live in memory userspace writes; offsets come from the
 * kernel's own copy of the layout and are checked against the region
 * size before each read.
 */
#include <linux/seq_file.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>

#include "pto_drv.h"
#include "pto_debugfs.h"
#include "pto_prof.h"

static const char *const pto_kind_names[PTO_BUF_KIND_COUNT] = {
	[PTO_BUF_AICPU_TASK] = "aicpu_task",
	[PTO_BUF_SCHED_PHASE] = "sched_phase",
	[PTO_BUF_ORCH_PHASE] = "orch_phase",
	[PTO_BUF_AICORE_TASK] = "aicore_task",
	[PTO_BUF_DEP_EDGE] = "dep_edge",
};

static void pto_debugfs_region_locked(struct seq_file *m,
				      const struct pto_region *region)
{
	const struct pto_prof_layout *l = &region->layout;
	const char *base = region->map.vaddr;
	const struct pto_pool_counters *c;
	u32 k, i;
	u64 off;

	seq_printf(m, "region %u %s pid %d uid %u size %llu cores %u threads %u dfx %#llx\n",
		   region->id,
		   region->state == PTO_PROF_STATE_LIVE ? "live" : "retained",
		   region->owner_pid,
		   from_kuid_munged(&init_user_ns, region->owner_uid),
		   l->region_size, region->params.num_cores,
		   region->params.num_aicpu_threads, region->dfx_flags);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		const struct pto_prof_kind_layout *kl = &l->kind[k];

		for (i = 0; kl->pool_off && i < kl->buf_pools; i++) {
			off = kl->pool_off + (u64)i * l->pool_size +
			      offsetof(struct pto_pool, counters);
			if (off + sizeof(*c) > l->region_size)
				break;
			c = (const struct pto_pool_counters *)(base + off);
			seq_printf(m, "  %s[%u] total %llu dropped %llu mismatch %llu\n",
				   pto_kind_names[k], i, READ_ONCE(c->total),
				   READ_ONCE(c->dropped),
				   READ_ONCE(c->mismatch));
		}
	}
}

static int pto_debugfs_regions_show(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct pto_device *pdev = to_pto_device(node->minor->dev);
	struct pto_region *region;

	mutex_lock(&pdev->regions_lock);
	seq_printf(m, "device %u regions %u retained %u\n", pdev->index,
		   pdev->num_regions, pdev->num_retained);
	list_for_each_entry(region, &pdev->regions, node)
		pto_debugfs_region_locked(m, region);
	mutex_unlock(&pdev->regions_lock);
	return 0;
}

static const struct drm_info_list pto_debugfs_list[] = {
	{ "pto_regions", pto_debugfs_regions_show, 0 },
};

void pto_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(pto_debugfs_list,
				 ARRAY_SIZE(pto_debugfs_list),
				 minor->debugfs_root, minor);
}
