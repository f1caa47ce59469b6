// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: dri/<minor>/pto_regions lists each region of the device with
 * its owner, state and the per-pool counters read from its header.
 *
 * Under pto_device.regions_lock the show callback copies what it prints
 * of each region and takes a reference on its BO; it then drops the lock
 * and maps each BO into the kernel only while printing it, so no region
 * keeps a kernel mapping (and its pages pinned) between reads. Counters
 * live in memory userspace writes; offsets come from the kernel's own
 * copy of the layout and are checked against the region size before each
 * read.
 */
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>

#include "pto_drv.h"
#include "pto_debugfs.h"
#include "pto_gem.h"
#include "pto_layout.h"
#include "pto_prof.h"

/* What is printed of one region, copied under regions_lock. */
struct pto_debugfs_entry {
	struct pto_bo *bo;		/* one reference */
	u32 id;
	u32 state;
	pid_t pid;			/* in the initial pid namespace */
	kuid_t uid;
	u64 dfx_flags;
	struct pto_prof_params params;
	struct pto_prof_layout layout;
};

static void pto_debugfs_entry_locked(const struct pto_region *region,
				     struct pto_debugfs_entry *e)
{
	e->bo = region->bo;
	drm_gem_object_get(&e->bo->base.base);
	e->id = region->id;
	e->state = region->state;
	e->pid = pid_nr(region->owner_pid);
	e->uid = region->owner_uid;
	e->dfx_flags = region->dfx_flags;
	e->params = region->params;
	e->layout = region->layout;
}

static void pto_debugfs_counters(struct seq_file *m,
				 const struct pto_debugfs_entry *e,
				 const char *base)
{
	const struct pto_prof_layout *l = &e->layout;
	const struct pto_pool_counters *c;
	u32 k, i;
	u64 off;

	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		const struct pto_prof_kind_layout *kl = &l->kind[k];

		for (i = 0; kl->pool_off && i < kl->buf_pools; i++) {
			off = kl->pool_off + (u64)i * l->pool_size +
			      offsetof(struct pto_pool, counters);
			if (off + sizeof(*c) > l->region_size)
				break;
			c = (const struct pto_pool_counters *)(base + off);
			seq_printf(m, "  %s[%u] total %llu dropped %llu mismatch %llu overwritten %llu\n",
				   pto_prof_kind_name(k), i,
				   READ_ONCE(c->total), READ_ONCE(c->dropped),
				   READ_ONCE(c->mismatch),
				   READ_ONCE(c->overwritten));
		}
	}
}

static void pto_debugfs_entry_show(struct seq_file *m,
				   const struct pto_debugfs_entry *e)
{
	struct iosys_map map;
	int ret;

	seq_printf(m, "region %u %s pid %d uid %u size %llu cores %u threads %u dfx %#llx\n",
		   e->id, e->state == PTO_PROF_STATE_LIVE ? "live" : "retained",
		   e->pid, from_kuid_munged(&init_user_ns, e->uid),
		   e->layout.region_size, e->params.num_cores,
		   e->params.num_aicpu_threads, e->dfx_flags);
	ret = drm_gem_shmem_vmap(&e->bo->base, &map);
	if (ret) {
		seq_printf(m, "  counters not readable: %d\n", ret);
		return;
	}
	pto_debugfs_counters(m, e, map.vaddr);
	drm_gem_shmem_vunmap(&e->bo->base, &map);
}

static int pto_debugfs_regions_show(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct pto_device *pdev = to_pto_device(node->minor->dev);
	struct pto_debugfs_entry *entries = NULL;
	struct pto_region *region;
	u32 n = 0, i;
	int ret;

	ret = mutex_lock_interruptible(&pdev->regions_lock);
	if (ret)
		return ret;
	seq_printf(m, "device %u regions %u retained %u\n", pdev->index,
		   pdev->num_regions, pdev->num_retained);
	if (pdev->num_regions) {
		entries = kvmalloc_array(pdev->num_regions, sizeof(*entries),
					 GFP_KERNEL);
		if (!entries) {
			mutex_unlock(&pdev->regions_lock);
			return -ENOMEM;
		}
	}
	list_for_each_entry(region, &pdev->regions, node)
		pto_debugfs_entry_locked(region, &entries[n++]);
	mutex_unlock(&pdev->regions_lock);

	for (i = 0; i < n; i++) {
		pto_debugfs_entry_show(m, &entries[i]);
		drm_gem_object_put(&entries[i].bo->base.base);
	}
	kvfree(entries);
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
