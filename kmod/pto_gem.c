// SPDX-License-Identifier: GPL-2.0
/*
 * pto buffer objects.
 *
 * Every piece of device memory is a GEM shmem object (struct pto_bo),
 * mapped by userspace through the GEM fake offset of the render node.
 * pto BOs are made only by BO_CREATE, PROF_CREATE and HS_CREATE: the
 * driver has no dumb-buffer callback, so MODE_CREATE_DUMB on the primary
 * node is refused (-ENOSYS) and cannot make uncharged objects.
 *
 * Lifetime: the usual GEM reference count. A handle, a mapping (the vma
 * holds a reference from drm_gem_mmap_obj() until it is closed), a
 * dma-buf and a listed profiling region (pto_prof.c) each hold one
 * reference; the object is freed when the last goes. No lock of the
 * driver is taken on the mmap, fault or free paths.
 *
 * Byte limit: creating an object charges its page-rounded size to the
 * account of the creating file (struct pto_account, atomic), up to the
 * pto_file_byte_limit module parameter. The charge is dropped when the
 * object is freed (pto_bo_free()), whatever kept it alive that long:
 * closing a handle, releasing a region or closing the file while a
 * mapping or a dma-buf remains leaves the bytes charged. The account
 * outlives its file while any object charged to it exists.
 *
 * Read-only observers: a profiling region's object has writer_only set
 * and writer pointing at its creator's struct file. Its .mmap refuses
 * VM_WRITE and clears VM_MAYWRITE for every mapping not made through that
 * file (observer files holding a handle from PROF_ATTACH). So the same
 * object serves the owner (read-write) and any number of observers
 * (read-only); mprotect() cannot add PROT_WRITE afterwards. A region is
 * never exported as a dma-buf (pto_bo_export()). writer is read once per
 * mmap without a lock: a mapping through the writer file holds that file,
 * so it cannot be cleared and reused under us; it is cleared before the
 * file is freed so a later file at the same address never matches.
 */
#include <linux/err.h>
#include <linux/iosys-map.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_prime.h>
#include <drm/drm_vma_manager.h>

#include "pto_drm.h"
#include "pto_drv.h"
#include "pto_gem.h"

static int pto_bo_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	struct pto_bo *bo = to_pto_bo(obj);
	/* One read of writer decides both checks below. */
	bool read_only = bo->writer_only && vma->vm_file != READ_ONCE(bo->writer);
	int ret;

	if (read_only && (vma->vm_flags & VM_WRITE))
		return -EACCES;
	ret = drm_gem_shmem_mmap(&bo->base, vma);
	if (ret)
		return ret;
	if (read_only)
		vma->vm_flags &= ~VM_MAYWRITE;
	return 0;
}

struct pto_account *pto_account_create(void)
{
	struct pto_account *account;

	account = kzalloc(sizeof(*account), GFP_KERNEL);
	if (!account)
		return NULL;
	kref_init(&account->ref);
	atomic64_set(&account->bytes, 0);
	return account;
}

static void pto_account_release(struct kref *ref)
{
	kfree(container_of(ref, struct pto_account, ref));
}

void pto_account_put(struct pto_account *account)
{
	kref_put(&account->ref, pto_account_release);
}

/* Gives size bytes charged by pto_account_charge() back to account. */
static void pto_account_uncharge(struct pto_account *account, u64 size)
{
	atomic64_sub(size, &account->bytes);
}

static void pto_bo_free(struct drm_gem_object *obj)
{
	struct pto_bo *bo = to_pto_bo(obj);

	if (bo->account) {
		pto_account_uncharge(bo->account, obj->size);
		pto_account_put(bo->account);
	}
	drm_gem_shmem_object_free(obj);
}

/*
 * PRIME export: -EACCES for a profiling region. A dma-buf is writable by
 * whichever device imports it and outlives its exporter's write access,
 * so neither an observer nor the creator may turn a region into one. The
 * decision rests on the object alone, so it holds whatever handle (or
 * file) the export came through.
 */
static struct dma_buf *pto_bo_export(struct drm_gem_object *obj, int flags)
{
	if (to_pto_bo(obj)->writer_only) {
		drm_dbg_driver(obj->dev, "no dma-buf export of a profiling region\n");
		return ERR_PTR(-EACCES);
	}
	return drm_gem_prime_export(obj, flags);
}

static const struct drm_gem_object_funcs pto_bo_funcs = {
	.free = pto_bo_free,
	.export = pto_bo_export,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = pto_bo_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

struct drm_gem_object *pto_gem_create_object(struct drm_device *drm,
					     size_t size)
{
	struct pto_bo *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->base.base.funcs = &pto_bo_funcs;
	return &bo->base.base;
}

/*
 * Charges size bytes to account: -ENOMEM if its other objects leave no
 * room.
 */
static int pto_account_charge(struct pto_account *account, u64 size)
{
	if (atomic64_add_return(size, &account->bytes) > pto_file_byte_limit) {
		pto_account_uncharge(account, size);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Creates a BO of size bytes rounded up to pages, charged to pfile's
 * account until the object is freed.
 * Returns the object with one reference, or an ERR_PTR: -EINVAL for 0,
 * -E2BIG/-ENOMEM beyond the byte limit, -ENOMEM.
 */
struct pto_bo *pto_bo_create(struct pto_device *pdev, struct pto_file *pfile,
			     u64 size)
{
	struct drm_gem_shmem_object *shmem;
	struct pto_bo *bo;
	int ret;

	if (!size)
		return ERR_PTR(-EINVAL);
	/* Can never fit; also keeps PAGE_ALIGN() from overflowing. */
	if (size > pto_file_byte_limit)
		return ERR_PTR(-E2BIG);
	size = PAGE_ALIGN(size);
	ret = pto_account_charge(pfile->account, size);
	if (ret)
		return ERR_PTR(ret);

	shmem = drm_gem_shmem_create(&pdev->drm, size);
	if (IS_ERR(shmem)) {
		pto_account_uncharge(pfile->account, size);
		/* A failed inode or mmap-offset allocation is -ENOSPC there. */
		if (PTR_ERR(shmem) == -ENOSPC)
			return ERR_PTR(-ENOMEM);
		return ERR_CAST(shmem);
	}
	/*
	 * Userspace (PFN mappings) and the kernel (vmap) write the pages
	 * without dirtying them: mark them dirty when they are put, so
	 * reclaim swaps a region nobody maps (a retained one) out rather
	 * than dropping its contents.
	 */
	shmem->pages_mark_dirty_on_put = true;
	shmem->pages_mark_accessed_on_put = true;
	bo = to_pto_bo(&shmem->base);
	kref_get(&pfile->account->ref);
	bo->account = pfile->account;
	return bo;
}

/* Maps bo into the kernel and zeroes it; undo with drm_gem_shmem_vunmap. */
int pto_bo_vmap_zeroed(struct pto_bo *bo, struct iosys_map *map)
{
	int ret;

	ret = drm_gem_shmem_vmap(&bo->base, map);
	if (ret)
		return ret;
	iosys_map_memset(map, 0, 0, bo->base.base.size);
	return 0;
}

/*
 * DRM_IOCTL_PTO_BO_CREATE: a BO of args->size bytes (rounded up to pages).
 * -EINVAL: unknown flags or size 0. -E2BIG: size beyond the per-file
 * limit. -ENOMEM: the file's limit is used up, or no memory.
 */
int pto_bo_create_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct pto_device *pdev = to_pto_device(drm);
	struct drm_pto_bo_create *args = data;
	struct pto_bo *bo;
	u32 handle;
	int ret;

	if (args->flags & ~PTO_BO_CREATE_FLAGS_MASK) {
		pto_dbg(pdev, "bo_create: unknown flags %#x\n", args->flags);
		return -EINVAL;
	}
	bo = pto_bo_create(pdev, to_pto_file(file), args->size);
	if (IS_ERR(bo)) {
		pto_dbg(pdev, "bo_create: size %llu: %ld\n", args->size,
			PTR_ERR(bo));
		return PTR_ERR(bo);
	}
	ret = drm_gem_handle_create(file, &bo->base.base, &handle);
	/* The handle holds its own reference (or creation failed). */
	drm_gem_object_put(&bo->base.base);
	if (ret)
		return ret;
	args->handle = handle;
	return 0;
}

/*
 * DRM_IOCTL_PTO_BO_INFO: mmap offset and size of a handle.
 * -EINVAL: non-zero flags. -ENOENT: no such handle in this file.
 */
int pto_bo_info_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct drm_pto_bo_info *args = data;
	struct drm_gem_object *obj;

	if (args->flags)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	args->size = obj->size;
	drm_gem_object_put(obj);
	return 0;
}
