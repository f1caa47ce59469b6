/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pto driver core: per-device and per-file state and the module
 * parameters every part of the driver reads.
 *
 * Locking: pto_device.regions_lock (a mutex) protects regions,
 * num_regions, num_retained and next_region_id of its device. No other
 * lock of the driver exists; pto_account.bytes is an atomic counter.
 * regions_lock is held only for bounded work on kernel memory: never
 * across an access to user memory (a fault there can be held for as
 * long as its owner likes, e.g. by userfaultfd or FUSE) and never while
 * waiting for anything userspace controls. The ioctl and debugfs paths
 * take it interruptibly; postclose and module unload cannot fail and
 * take it plainly.
 */
#ifndef PTO_DRV_H
#define PTO_DRV_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <drm/drm_device.h>
#include <drm/drm_print.h>

struct platform_device;

#define PTO_DRIVER_DESC		"pto simulated NPU"

struct pto_device {
	struct drm_device drm;
	struct platform_device *pdev;
	u32 index;			/* device number, 0-based */
	u32 num_blocks;
	u32 num_cores;			/* num_blocks * PTO_CORES_PER_BLOCK */
	u32 num_aicpu_threads;
	u64 counter_freq_hz;

	struct mutex regions_lock;	/* protects the four fields below */
	struct list_head regions;	/* struct pto_region, oldest first */
	u32 num_regions;
	u32 num_retained;
	u32 next_region_id;		/* ids start at 1, never 0 */
};

/*
 * Bytes of BO memory created through one open file and not yet freed.
 * Referenced by that file until postclose and by every BO charged to it,
 * so a charge lasts exactly as long as its memory (pto_gem.c).
 */
struct pto_account {
	struct kref ref;
	atomic64_t bytes;
};

/* Per open file. */
struct pto_file {
	struct pto_device *pdev;
	struct pto_account *account;
};

/* Module parameters, validated at load. */
extern u64 pto_file_byte_limit;
extern unsigned int pto_max_retained;

static inline struct pto_device *to_pto_device(struct drm_device *drm)
{
	return container_of(drm, struct pto_device, drm);
}

static inline struct pto_file *to_pto_file(struct drm_file *file)
{
	return file->driver_priv;
}

#define pto_dbg(pdev, fmt, ...) \
	drm_dbg_driver(&(pdev)->drm, fmt, ##__VA_ARGS__)

#endif /* PTO_DRV_H */
