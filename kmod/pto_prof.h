/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pto profiling regions: create, list, attach, release and retention.
 * (The region ABI itself is uapi/pto_prof.h.)
 */
#ifndef PTO_PROF_H
#define PTO_PROF_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/uidgid.h>

#include "pto_drm.h"

struct drm_device;
struct drm_file;
struct pto_bo;
struct pto_device;
struct pto_file;

/*
 * One profiling region of a device. Exists exactly while it is on its
 * device's regions list (pto_device.regions_lock); holds one reference
 * on bo and one on owner_pid for that time. The kernel maps bo only
 * while it initialises it and while debugfs prints it.
 */
struct pto_region {
	struct list_head node;		/* in pto_device.regions */
	struct pto_bo *bo;
	struct pto_file *owner;		/* creating file; NULL once retained */
	u32 id;
	u32 state;			/* PTO_PROF_STATE_* */
	bool retain;			/* PTO_PROF_CREATE_RETAIN */
	struct pid *owner_pid;		/* creator's thread group */
	kuid_t owner_uid;
	u64 created_ns;
	struct pto_prof_params params;
	u64 dfx_flags;			/* normalized */
	struct pto_prof_layout layout;	/* kernel copy, trusted */
};

struct pto_region *pto_region_find_locked(struct pto_device *pdev, u32 id);
bool pto_region_may_observe(const struct pto_region *region);
void pto_prof_file_close(struct pto_device *pdev, struct pto_file *pfile);
void pto_prof_fini(struct pto_device *pdev);

int pto_prof_create_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);
int pto_prof_list_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int pto_prof_attach_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);
int pto_prof_release_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file);

#endif /* PTO_PROF_H */
