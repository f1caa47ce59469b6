/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pto buffer objects: GEM shmem objects with a per-file byte charge and,
 * for profiling regions, one writer file.
 */
#ifndef PTO_GEM_H
#define PTO_GEM_H

#include <linux/types.h>
#include <drm/drm_gem_shmem_helper.h>

struct drm_device;
struct drm_file;
struct file;
struct pto_device;
struct pto_file;

struct pto_bo {
	/* First member: drm_gem_shmem_free() kfree()s the shmem object. */
	struct drm_gem_shmem_object base;
	/*
	 * File charged for this object's size, or NULL. Cleared exactly once
	 * (cmpxchg) by pto_bo_uncharge(), before that file is freed.
	 */
	struct pto_file *charged;
	/*
	 * writer_only: only mappings made through writer may be writable.
	 * writer is the creator's open file, cleared (WRITE_ONCE) before
	 * that file is freed; NULL means every new mapping is read-only.
	 */
	bool writer_only;
	struct file *writer;
	/* Set at creation: drop the charge when the charged file closes its
	 * handle. Profiling regions drop it when they stop being live.
	 */
	bool uncharge_on_close;
};

static inline struct pto_bo *to_pto_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct pto_bo, base.base);
}

struct drm_gem_object *pto_gem_create_object(struct drm_device *drm,
					     size_t size);
struct pto_bo *pto_bo_create(struct pto_device *pdev, struct pto_file *pfile,
			     u64 size);
void pto_bo_uncharge(struct pto_bo *bo);
int pto_bo_vmap_zeroed(struct pto_bo *bo, struct iosys_map *map);

int pto_bo_create_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int pto_bo_info_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file);

#endif /* PTO_GEM_H */
