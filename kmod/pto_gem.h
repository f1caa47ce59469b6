/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pto buffer objects: GEM shmem objects charged to the account of the
 * file that created them and, for profiling regions, one writer file.
 */
#ifndef PTO_GEM_H
#define PTO_GEM_H

#include <linux/types.h>
#include <drm/drm_gem_shmem_helper.h>

struct drm_device;
struct drm_file;
struct file;
struct pto_account;
struct pto_device;
struct pto_file;

struct pto_bo {
	/* First member: drm_gem_shmem_free() kfree()s the shmem object. */
	struct drm_gem_shmem_object base;
	/*
	 * Account charged for this object's size from creation until the
	 * object is freed (one reference on it); NULL for an imported
	 * dma-buf, whose memory is not ours. Set once, before the object is
	 * visible to anyone else.
	 */
	struct pto_account *account;
	/*
	 * writer_only: only mappings made through writer may be writable.
	 * writer is the creator's open file, cleared (WRITE_ONCE) before
	 * that file is freed; NULL means every new mapping is read-only.
	 */
	bool writer_only;
	struct file *writer;
};

static inline struct pto_bo *to_pto_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct pto_bo, base.base);
}

struct drm_gem_object *pto_gem_create_object(struct drm_device *drm,
					     size_t size);
struct pto_account *pto_account_create(void);
void pto_account_put(struct pto_account *account);
struct pto_bo *pto_bo_create(struct pto_device *pdev, struct pto_file *pfile,
			     u64 size);
int pto_bo_vmap_zeroed(struct pto_bo *bo, struct iosys_map *map);

int pto_bo_create_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int pto_bo_info_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file);

#endif /* PTO_GEM_H */
