// SPDX-License-Identifier: GPL-2.0
/*
 * pto handshake regions: a plain BO (charged like any BO, writable by
 * every holder of a handle) initialised by pto_hs_region_init(). When a
 * profiling region is named, its layout is copied under regions_lock and
 * each core's AICore active-head offset is published in the new region;
 * nothing links the two regions afterwards. Naming a region needs the
 * right to observe it (pto_prof.c).
 */
#include <linux/err.h>
#include <linux/iosys-map.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_vma_manager.h>

#include "pto_layout.h"
#include "pto_drv.h"
#include "pto_gem.h"
#include "pto_hs.h"
#include "pto_prof.h"

/*
 * DRM_IOCTL_PTO_HS_CREATE: a zeroed handshake region for args->num_cores
 * cores. -EINVAL: non-zero flags or num_cores 0. -E2BIG: num_cores beyond
 * the device's cores. -ENOENT: prof_region_id names no region. -EPERM:
 * the caller may not observe that region. -ENOMEM, and -E2BIG/-ENOMEM
 * from the per-file byte limit. -EINTR.
 */
int pto_hs_create_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct pto_device *pdev = to_pto_device(drm);
	struct drm_pto_hs_create *args = data;
	struct pto_prof_layout layout;
	struct pto_region *region;
	struct iosys_map map;
	struct pto_bo *bo;
	u32 handle;
	int ret;

	if (args->flags || !args->num_cores) {
		pto_dbg(pdev, "hs_create: flags %#x cores %u\n", args->flags,
			args->num_cores);
		return -EINVAL;
	}
	if (args->num_cores > pdev->num_cores) {
		pto_dbg(pdev, "hs_create: %u cores: the device has %u\n",
			args->num_cores, pdev->num_cores);
		return -E2BIG;
	}
	if (args->prof_region_id) {
		ret = mutex_lock_interruptible(&pdev->regions_lock);
		if (ret)
			return ret;
		region = pto_region_find_locked(pdev, args->prof_region_id);
		if (!region)
			ret = -ENOENT;
		else if (!pto_region_may_observe(region))
			ret = -EPERM;
		else
			layout = region->layout;
		mutex_unlock(&pdev->regions_lock);
		if (ret) {
			pto_dbg(pdev, "hs_create: region %u: %d\n",
				args->prof_region_id, ret);
			return ret;
		}
	}

	bo = pto_bo_create(pdev, to_pto_file(file),
			   PTO_HS_REGION_SIZE(args->num_cores));
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	ret = pto_bo_vmap_zeroed(bo, &map);
	if (ret)
		goto out_put;
	pto_hs_region_init(map.vaddr, args->num_cores,
			   args->prof_region_id ? &layout : NULL,
			   args->prof_region_id);
	drm_gem_shmem_vunmap(&bo->base, &map);

	ret = drm_gem_handle_create(file, &bo->base.base, &handle);
	if (!ret) {
		args->handle = handle;
		args->mmap_offset =
			drm_vma_node_offset_addr(&bo->base.base.vma_node);
		args->size = PTO_HS_REGION_SIZE(args->num_cores);
	}
out_put:
	/*
	 * On success the handle holds the object; on failure this frees it
	 * and drops its charge (pto_gem.c).
	 */
	drm_gem_object_put(&bo->base.base);
	return ret;
}
