// SPDX-License-Identifier: GPL-2.0
/*
 * pto profiling regions.
 *
 * A region is one shmem BO laid out by pto_prof_layout_compute() and
 * initialised by pto_prof_region_init() (both shared with libpto), plus a
 * struct pto_region on its device's list that names it by a device-wide
 * id for PROF_LIST, PROF_ATTACH, PROF_RELEASE, HS_CREATE and debugfs.
 *
 * Locking: pto_device.regions_lock protects the list, the counters next
 * to it, and every field of a listed struct pto_region that changes
 * (owner, state). A struct pto_region is only reachable through the list,
 * so it is freed (outside the lock) right after it is unlisted. Nothing
 * under the lock touches user memory: PROF_LIST copies the entries into
 * a kernel buffer and copies them out after unlocking (pto_drv.h).
 *
 * Lifetime rules:
 *  - A listed region holds one GEM reference on its BO. Handles (the
 *    creator's, observers') and user mappings hold their own references,
 *    so unlisting never frees memory in use: the BO lives on until its
 *    last handle and mapping are gone, and stays charged to its creator's
 *    account until then (pto_gem.c).
 *  - LIVE: from PROF_CREATE until the creating file is released. Only
 *    that file may map it writable (pto_gem.c).
 *  - When the creating file is released (pto_prof_file_close(), called
 *    from postclose), a region created with PTO_PROF_CREATE_RETAIN turns
 *    RETAINED: no owner, no writer, still listed, so an observer can read
 *    a crashed run. Other regions are unlisted.
 *  - At most pto_max_retained regions per device are RETAINED; beyond
 *    that the oldest (first created) are unlisted. With max_retained=0
 *    PROF_CREATE refuses RETAIN.
 *  - PROF_RELEASE unlists a region in either state. Unlisting a LIVE
 *    region also drops its writer.
 *  - Module unload (pto_prof_fini()) unlists everything; by then no file
 *    is open (each open file and each mapping pins the module).
 *
 * Who may do what (the caller's effective uid and capabilities):
 *  - observe (PROF_LIST shows it, PROF_ATTACH, HS_CREATE naming it): the
 *    creator's uid, CAP_PERFMON or CAP_SYS_ADMIN;
 *  - release: the creating file itself, the creator's uid or
 *    CAP_SYS_ADMIN (CAP_PERFMON only observes).
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/iosys-map.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_vma_manager.h>

#include "pto_layout.h"
#include "pto_drv.h"
#include "pto_gem.h"
#include "pto_prof.h"

struct pto_region *pto_region_find_locked(struct pto_device *pdev, u32 id)
{
	struct pto_region *region;

	lockdep_assert_held(&pdev->regions_lock);
	list_for_each_entry(region, &pdev->regions, node)
		if (region->id == id)
			return region;
	return NULL;
}

/* A new id: never 0, never one in use (after the 32-bit counter wraps). */
static u32 pto_region_next_id_locked(struct pto_device *pdev)
{
	u32 id;

	lockdep_assert_held(&pdev->regions_lock);
	do {
		id = pdev->next_region_id++;
		if (!pdev->next_region_id)
			pdev->next_region_id = 1;
	} while (pto_region_find_locked(pdev, id));
	return id;
}

/* Moves region from the device list to dead; free it with pto_region_free. */
static void pto_region_unlist_locked(struct pto_device *pdev,
				     struct pto_region *region,
				     struct list_head *dead)
{
	lockdep_assert_held(&pdev->regions_lock);
	if (region->state == PTO_PROF_STATE_RETAINED)
		pdev->num_retained--;
	pdev->num_regions--;
	WRITE_ONCE(region->bo->writer, NULL);
	region->owner = NULL;
	list_move_tail(&region->node, dead);
}

static void pto_regions_free(struct list_head *dead)
{
	struct pto_region *region, *tmp;

	list_for_each_entry_safe(region, tmp, dead, node) {
		list_del(&region->node);
		put_pid(region->owner_pid);
		drm_gem_object_put(&region->bo->base.base);
		kfree(region);
	}
}

/* Unlists the oldest retained regions beyond pto_max_retained. */
static void pto_prof_evict_locked(struct pto_device *pdev,
				  struct list_head *dead)
{
	struct pto_region *region, *tmp;

	lockdep_assert_held(&pdev->regions_lock);
	list_for_each_entry_safe(region, tmp, &pdev->regions, node) {
		if (pdev->num_retained <= pto_max_retained)
			break;
		if (region->state == PTO_PROF_STATE_RETAINED) {
			pto_dbg(pdev, "region %u evicted\n", region->id);
			pto_region_unlist_locked(pdev, region, dead);
		}
	}
}

void pto_prof_file_close(struct pto_device *pdev, struct pto_file *pfile)
{
	struct pto_region *region, *tmp;
	LIST_HEAD(dead);

	mutex_lock(&pdev->regions_lock);
	list_for_each_entry_safe(region, tmp, &pdev->regions, node) {
		if (region->owner != pfile)
			continue;
		if (!region->retain) {
			pto_region_unlist_locked(pdev, region, &dead);
			continue;
		}
		WRITE_ONCE(region->bo->writer, NULL);
		region->owner = NULL;
		region->state = PTO_PROF_STATE_RETAINED;
		pdev->num_retained++;
	}
	pto_prof_evict_locked(pdev, &dead);
	mutex_unlock(&pdev->regions_lock);
	pto_regions_free(&dead);
}

void pto_prof_fini(struct pto_device *pdev)
{
	struct pto_region *region, *tmp;
	LIST_HEAD(dead);

	mutex_lock(&pdev->regions_lock);
	list_for_each_entry_safe(region, tmp, &pdev->regions, node)
		pto_region_unlist_locked(pdev, region, &dead);
	mutex_unlock(&pdev->regions_lock);
	pto_regions_free(&dead);
}

/* The creator's uid, CAP_PERFMON or CAP_SYS_ADMIN may observe a region. */
bool pto_region_may_observe(const struct pto_region *region)
{
	return uid_eq(region->owner_uid, current_euid()) || perfmon_capable();
}

/* The creating file, the creator's uid or CAP_SYS_ADMIN may release it. */
static bool pto_region_may_release(const struct pto_region *region,
				   const struct pto_file *pfile)
{
	return region->owner == pfile ||
	       uid_eq(region->owner_uid, current_euid()) ||
	       capable(CAP_SYS_ADMIN);
}

/*
 * The shape must fit the device: no more cores or AICPU threads than it
 * has. -E2BIG if not.
 */
static int pto_prof_check_shape(struct pto_device *pdev,
				const struct pto_prof_params *params)
{
	if (params->num_cores > pdev->num_cores ||
	    params->num_aicpu_threads > pdev->num_aicpu_threads) {
		pto_dbg(pdev, "prof_create: %u cores, %u threads: the device has %u, %u\n",
			params->num_cores, params->num_aicpu_threads,
			pdev->num_cores, pdev->num_aicpu_threads);
		return -E2BIG;
	}
	return 0;
}

/*
 * DRM_IOCTL_PTO_PROF_CREATE: allocates a zeroed region for the shape in
 * args->params, writes its header and fills every free queue. The caller
 * gets a read-write handle; the region is listed under a new id.
 * -EINVAL: unknown flags, non-zero padding, a zero or malformed parameter
 * or a reserved dfx flag. -E2BIG: a count beyond its limit or beyond the
 * device's cores or AICPU threads, a size that overflows, or beyond the
 * region or per-file limit. -EOPNOTSUPP: RETAIN with max_retained=0.
 * -ENOMEM. -EINTR: a signal came while waiting for the region list.
 */
int pto_prof_create_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct pto_device *pdev = to_pto_device(drm);
	struct drm_pto_prof_create *args = data;
	struct pto_region *region;
	struct pto_prof_layout layout;
	struct iosys_map map;
	struct pto_bo *bo;
	u32 handle;
	int ret;

	if ((args->flags & ~PTO_PROF_CREATE_FLAGS_MASK) || args->_pad) {
		pto_dbg(pdev, "prof_create: bad flags %#x or padding\n",
			args->flags);
		return -EINVAL;
	}
	if ((args->flags & PTO_PROF_CREATE_RETAIN) && !pto_max_retained) {
		pto_dbg(pdev, "prof_create: RETAIN with max_retained=0\n");
		return -EOPNOTSUPP;
	}
	ret = pto_prof_layout_compute(&args->params, &layout);
	if (ret) {
		pto_dbg(pdev, "prof_create: layout: %d\n", ret);
		return ret;
	}
	ret = pto_prof_check_shape(pdev, &args->params);
	if (ret)
		return ret;

	region = kzalloc(sizeof(*region), GFP_KERNEL);
	if (!region)
		return -ENOMEM;
	bo = pto_bo_create(pdev, to_pto_file(file), layout.region_size);
	if (IS_ERR(bo)) {
		ret = PTR_ERR(bo);
		pto_dbg(pdev, "prof_create: %llu bytes: %d\n",
			layout.region_size, ret);
		goto err_free_region;
	}
	bo->writer_only = true;
	bo->writer = file->filp;
	ret = pto_bo_vmap_zeroed(bo, &map);
	if (ret)
		goto err_put_bo;
	pto_prof_region_init(map.vaddr, &args->params, &layout,
			     pdev->counter_freq_hz);
	drm_gem_shmem_vunmap(&bo->base, &map);

	region->bo = bo;
	region->owner = to_pto_file(file);
	region->state = PTO_PROF_STATE_LIVE;
	region->retain = args->flags & PTO_PROF_CREATE_RETAIN;
	region->owner_pid = get_pid(task_tgid(current));
	region->owner_uid = current_euid();
	region->created_ns = ktime_get_real_ns();
	region->params = args->params;
	pto_dfx_normalize(args->params.dfx_flags, &region->dfx_flags);
	region->layout = layout;

	ret = drm_gem_handle_create(file, &bo->base.base, &handle);
	if (ret)
		goto err_put_pid;
	ret = mutex_lock_interruptible(&pdev->regions_lock);
	if (ret) {
		drm_gem_handle_delete(file, handle);
		goto err_put_pid;
	}
	region->id = pto_region_next_id_locked(pdev);
	list_add_tail(&region->node, &pdev->regions);
	pdev->num_regions++;
	args->region_id = region->id;
	mutex_unlock(&pdev->regions_lock);

	args->handle = handle;
	args->mmap_offset = drm_vma_node_offset_addr(&bo->base.base.vma_node);
	args->layout = layout;
	return 0;

err_put_pid:
	put_pid(region->owner_pid);
err_put_bo:
	/* Frees the object and drops its charge (pto_gem.c). */
	drm_gem_object_put(&bo->base.base);
err_free_region:
	kfree(region);
	return ret;
}

static void pto_region_info_locked(const struct pto_region *region,
				   struct drm_pto_prof_info *info)
{
	memset(info, 0, sizeof(*info));
	info->region_id = region->id;
	info->state = region->state;
	/* 0 when the creator is not visible in the caller's namespace. */
	info->owner_pid = pid_vnr(region->owner_pid);
	info->owner_uid = from_kuid_munged(current_user_ns(),
					   region->owner_uid);
	info->size = region->layout.region_size;
	info->created_ns = region->created_ns;
	info->num_cores = region->params.num_cores;
	info->num_aicpu_threads = region->params.num_aicpu_threads;
	info->dfx_flags = region->dfx_flags;
}

/*
 * DRM_IOCTL_PTO_PROF_LIST: copies up to args->count entries of the
 * regions the caller may observe, oldest first, and sets args->count to
 * the number of such regions. The entries are gathered under the lock
 * and copied out after it is dropped, so a fault on the destination
 * (however long it is held) blocks only this caller.
 * -EINVAL: non-zero flags. -EFAULT: entries not writable. -ENOMEM.
 * -EINTR: a signal came while waiting for the region list.
 */
int pto_prof_list_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct pto_device *pdev = to_pto_device(drm);
	struct drm_pto_prof_list *args = data;
	struct drm_pto_prof_info __user *out = u64_to_user_ptr(args->entries);
	struct drm_pto_prof_info *info = NULL;
	struct pto_region *region;
	u32 cap, n = 0, visible = 0;
	int ret;

	if (args->flags)
		return -EINVAL;
	ret = mutex_lock_interruptible(&pdev->regions_lock);
	if (ret)
		return ret;
	cap = min(args->count, pdev->num_regions);
	if (cap) {
		info = kvmalloc_array(cap, sizeof(*info), GFP_KERNEL);
		if (!info) {
			mutex_unlock(&pdev->regions_lock);
			return -ENOMEM;
		}
	}
	list_for_each_entry(region, &pdev->regions, node) {
		if (!pto_region_may_observe(region))
			continue;
		if (n < cap)
			pto_region_info_locked(region, &info[n++]);
		visible++;
	}
	mutex_unlock(&pdev->regions_lock);

	if (n && copy_to_user(out, info, n * sizeof(*info)))
		ret = -EFAULT;
	kvfree(info);
	args->count = visible;
	return ret;
}

/*
 * DRM_IOCTL_PTO_PROF_ATTACH: a handle on region args->region_id in this
 * file; mappings through any file but the creator's are read-only.
 * -EINVAL: unknown flags or non-zero padding. -ENOENT: no such region.
 * -EPERM: neither the owner's uid nor CAP_PERFMON/CAP_SYS_ADMIN. -EINTR.
 */
int pto_prof_attach_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct pto_device *pdev = to_pto_device(drm);
	struct drm_pto_prof_attach *args = data;
	struct pto_region *region;
	struct drm_gem_object *obj;
	u32 handle;
	int ret;

	if ((args->flags & ~PTO_PROF_ATTACH_FLAGS_MASK) || args->_pad)
		return -EINVAL;
	ret = mutex_lock_interruptible(&pdev->regions_lock);
	if (ret)
		return ret;
	region = pto_region_find_locked(pdev, args->region_id);
	if (!region) {
		mutex_unlock(&pdev->regions_lock);
		return -ENOENT;
	}
	if (!pto_region_may_observe(region)) {
		mutex_unlock(&pdev->regions_lock);
		pto_dbg(pdev, "attach %u: not permitted\n", args->region_id);
		return -EPERM;
	}
	obj = &region->bo->base.base;
	/* Keeps the object alive if the region is unlisted meanwhile. */
	drm_gem_object_get(obj);
	mutex_unlock(&pdev->regions_lock);

	ret = drm_gem_handle_create(file, obj, &handle);
	if (!ret) {
		args->handle = handle;
		args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
		args->size = obj->size;
	}
	drm_gem_object_put(obj);
	return ret;
}

/*
 * DRM_IOCTL_PTO_PROF_RELEASE: unlists region args->region_id (live or
 * retained). Existing handles and mappings stay valid, and the memory
 * stays charged to its creator until they are gone.
 * -EINVAL: non-zero flags. -ENOENT: no such region (or already released).
 * -EPERM: not the creating file, not the creator's uid and no
 * CAP_SYS_ADMIN. -EINTR.
 */
int pto_prof_release_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct pto_device *pdev = to_pto_device(drm);
	struct drm_pto_prof_release *args = data;
	struct pto_region *region;
	LIST_HEAD(dead);
	int ret;

	if (args->flags)
		return -EINVAL;
	ret = mutex_lock_interruptible(&pdev->regions_lock);
	if (ret)
		return ret;
	region = pto_region_find_locked(pdev, args->region_id);
	if (!region)
		ret = -ENOENT;
	else if (!pto_region_may_release(region, to_pto_file(file)))
		ret = -EPERM;
	else
		pto_region_unlist_locked(pdev, region, &dead);
	mutex_unlock(&pdev->regions_lock);
	pto_regions_free(&dead);
	return ret;
}
