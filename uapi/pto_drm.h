/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * pto DRM driver ioctls (render node only).
 *
 * Rules every struct here follows: fixed-width types, pointers as __u64,
 * sizes a multiple of 8, explicit padding that must be zero, a flags field
 * whose bits outside the documented mask are rejected with -EINVAL.
 * Ioctl numbers are never reused or renumbered; extensions get a
 * capability bit (PTO_PARAM_CAPABILITIES) and a minor ABI bump. A request
 * must be exactly the DRM_IOCTL_PTO_* below: another size or direction
 * for the same number is refused with -EINVAL.
 *
 * Memory: every buffer object (BO_CREATE, PROF_CREATE, HS_CREATE) is
 * charged to the open file that created it, up to
 * PTO_PARAM_FILE_BYTE_LIMIT, for as long as the memory exists: closing
 * the handle, releasing a region or closing the file does not end the
 * charge while a mapping, a dma-buf or a retained region still holds the
 * memory. The driver makes no dumb buffers (MODE_CREATE_DUMB on its
 * primary node: -ENOSYS).
 *
 * Observers. A region's creator may let others read it: a process with
 * the creator's uid, CAP_PERFMON or CAP_SYS_ADMIN may observe it. Only
 * those see it in PROF_LIST, attach to it, or name it in HS_CREATE
 * (anyone else: absent from the list, -EPERM by id). An observer can
 * map the region read-only through its own handle, watch it live, and
 * read it after its creator exited if it was retained. An observer
 * cannot map it writable (mmap with PROT_WRITE: -EACCES; mprotect cannot
 * add it) and cannot release it unless it has the creator's uid or
 * CAP_SYS_ADMIN (CAP_PERFMON alone only observes). No one, creator
 * included, can export a region as a dma-buf (PRIME_HANDLE_TO_FD:
 * -EACCES): any importing device could write it, after the creator's
 * write access ended too.
 *
 * Core dumps: mappings of pto memory are not dumped (VM_DONTDUMP), so a
 * crashed process's core holds none of its regions. The post-mortem path
 * is retention (PTO_PROF_CREATE_RETAIN): the region stays listed after
 * its creator exits, for an observer to attach to and read.
 *
 * Userspace builds with libdrm's include directory on the path
 * (pkg-config --cflags libdrm).
 */
#ifndef PTO_UAPI_DRM_H
#define PTO_UAPI_DRM_H

#ifdef __KERNEL__
#include <drm/drm.h>
#else
#include "drm.h"
#endif
#include "pto_prof.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PTO_DRIVER_NAME		"pto"

#define DRM_PTO_GET_PARAM	0x00
#define DRM_PTO_BO_CREATE	0x01
#define DRM_PTO_BO_INFO		0x02
#define DRM_PTO_PROF_CREATE	0x03
#define DRM_PTO_PROF_LIST	0x04
#define DRM_PTO_PROF_ATTACH	0x05
#define DRM_PTO_PROF_RELEASE	0x06
#define DRM_PTO_HS_CREATE	0x07

#define DRM_IOCTL_PTO_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_PTO_GET_PARAM, struct drm_pto_get_param)
#define DRM_IOCTL_PTO_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_PTO_BO_CREATE, struct drm_pto_bo_create)
#define DRM_IOCTL_PTO_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_PTO_BO_INFO, struct drm_pto_bo_info)
#define DRM_IOCTL_PTO_PROF_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_PTO_PROF_CREATE, \
		 struct drm_pto_prof_create)
#define DRM_IOCTL_PTO_PROF_LIST \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_PTO_PROF_LIST, struct drm_pto_prof_list)
#define DRM_IOCTL_PTO_PROF_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_PTO_PROF_ATTACH, \
		 struct drm_pto_prof_attach)
#define DRM_IOCTL_PTO_PROF_RELEASE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_PTO_PROF_RELEASE, \
		struct drm_pto_prof_release)
#define DRM_IOCTL_PTO_HS_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_PTO_HS_CREATE, struct drm_pto_hs_create)

/* ---- GET_PARAM -------------------------------------------------------- */

#define PTO_PARAM_ABI_VERSION		0  /* PTO_ABI_VERSION */
#define PTO_PARAM_NUM_BLOCKS		1  /* blocks of this device */
#define PTO_PARAM_NUM_CORES		2  /* blocks * PTO_CORES_PER_BLOCK */
#define PTO_PARAM_NUM_AICPU_THREADS	3
#define PTO_PARAM_COUNTER_FREQ		4  /* Hz */
#define PTO_PARAM_MAX_CORES		5  /* PTO_MAX_CORES */
#define PTO_PARAM_MAX_AICPU_THREADS	6  /* PTO_MAX_AICPU_THREADS */
#define PTO_PARAM_FILE_BYTE_LIMIT	7  /* BO bytes one open file may have
					    * created and not yet freed
					    */
#define PTO_PARAM_MAX_RETAINED		8  /* retained regions per device */
#define PTO_PARAM_MAX_REGION_SIZE	9  /* PTO_PROF_MAX_REGION_SIZE */
#define PTO_PARAM_CAPABILITIES		10 /* PTO_CAP_* */
#define PTO_PARAM_DEVICE_INDEX		11
#define PTO_PARAM_COUNT			12

#define PTO_CAP_PROF_RETAIN	(1ull << 0) /* PTO_PROF_CREATE_RETAIN; clear
					     * when max_retained is 0
					     */
#define PTO_CAP_PROF_ATTACH	(1ull << 1) /* read-only observers */
#define PTO_CAP_HS		(1ull << 2) /* HS_CREATE */
#define PTO_CAP_DEBUGFS		(1ull << 3)

struct drm_pto_get_param {
	__u32 param;	/* In: PTO_PARAM_* */
	__u32 flags;	/* In: must be 0 */
	__u64 value;	/* Out */
};

/* ---- buffer objects --------------------------------------------------- */

#define PTO_BO_CREATE_FLAGS_MASK	0u

struct drm_pto_bo_create {
	__u64 size;	/* In: bytes, > 0; rounded up to pages */
	__u32 flags;	/* In: PTO_BO_CREATE_FLAGS_MASK */
	__u32 handle;	/* Out: GEM handle, closed with DRM_IOCTL_GEM_CLOSE */
};

struct drm_pto_bo_info {
	__u32 handle;		/* In */
	__u32 flags;		/* In: must be 0 */
	__u64 mmap_offset;	/* Out: offset to mmap() the render node at */
	__u64 size;		/* Out: bytes */
};

/* ---- profiling regions ------------------------------------------------ */

/*
 * The region outlives its creator's file until released or evicted.
 * -EOPNOTSUPP when the device retains nothing (PTO_CAP_PROF_RETAIN clear).
 */
#define PTO_PROF_CREATE_RETAIN		(1u << 0)
#define PTO_PROF_CREATE_FLAGS_MASK	PTO_PROF_CREATE_RETAIN

struct drm_pto_prof_create {
	struct pto_prof_params params;	/* In: the run's shape, within the
					 * device's cores and AICPU threads
					 * (else -E2BIG)
					 */
	__u32 flags;			/* In: PTO_PROF_CREATE_* */
	__u32 handle;			/* Out: GEM handle of the region */
	__u32 region_id;		/* Out: device-wide id, never 0 */
	__u32 _pad;			/* In: must be 0 */
	__u64 mmap_offset;		/* Out */
	struct pto_prof_layout layout;	/* Out: size and every offset */
};

#define PTO_PROF_STATE_LIVE	0 /* the creating file is open */
#define PTO_PROF_STATE_RETAINED	1 /* creator gone, kept for readers */

struct drm_pto_prof_info {
	__u32 region_id;
	__u32 state;		/* PTO_PROF_STATE_* */
	__u32 owner_pid;	/* tgid of the creator in the caller's pid
				 * namespace, 0 if not visible there
				 */
	__u32 owner_uid;
	__u64 size;		/* bytes */
	__u64 created_ns;	/* CLOCK_REALTIME at creation */
	__u32 num_cores;
	__u32 num_aicpu_threads;
	__u64 dfx_flags;
};

struct drm_pto_prof_list {
	__u64 entries;	/* In: user pointer to struct drm_pto_prof_info[] */
	__u32 count;	/* In: capacity of entries; Out: regions the caller
			 * may observe (entries holds min(in, out) of them,
			 * oldest first)
			 */
	__u32 flags;	/* In: must be 0 */
};

#define PTO_PROF_ATTACH_FLAGS_MASK	0u

/*
 * A read-only handle on another file's region (same uid, CAP_PERFMON or
 * CAP_SYS_ADMIN). Its mmap refuses PROT_WRITE.
 */
struct drm_pto_prof_attach {
	__u32 region_id;	/* In */
	__u32 flags;		/* In: PTO_PROF_ATTACH_FLAGS_MASK */
	__u32 handle;		/* Out: GEM handle, read-only mappings only */
	__u32 _pad;		/* In: must be 0 */
	__u64 mmap_offset;	/* Out */
	__u64 size;		/* Out */
};

/*
 * Unlists a region, live or retained: by its creating file, the
 * creator's uid or CAP_SYS_ADMIN (else -EPERM). Handles and mappings stay
 * valid; the memory (and its charge) goes with the last of them.
 */
struct drm_pto_prof_release {
	__u32 region_id;	/* In */
	__u32 flags;		/* In: must be 0 */
};

/* ---- handshake -------------------------------------------------------- */

struct drm_pto_hs_create {
	__u32 num_cores;	/* In: 1..the device's cores */
	__u32 flags;		/* In: must be 0 */
	__u32 prof_region_id;	/* In: region whose AICore heads to publish,
				 * 0 for none; one the caller may observe
				 */
	__u32 handle;		/* Out: GEM handle */
	__u64 mmap_offset;	/* Out */
	__u64 size;		/* Out: PTO_HS_REGION_SIZE(num_cores) */
};

PTO_STATIC_ASSERT(sizeof(struct drm_pto_get_param) == 16, "ABI");
PTO_STATIC_ASSERT(sizeof(struct drm_pto_bo_create) == 16, "ABI");
PTO_STATIC_ASSERT(sizeof(struct drm_pto_bo_info) == 24, "ABI");
PTO_STATIC_ASSERT(sizeof(struct drm_pto_prof_create) == 80 + 24 + 416, "ABI");
PTO_STATIC_ASSERT(sizeof(struct drm_pto_prof_info) == 48, "ABI");
PTO_STATIC_ASSERT(sizeof(struct drm_pto_prof_list) == 16, "ABI");
PTO_STATIC_ASSERT(sizeof(struct drm_pto_prof_attach) == 32, "ABI");
PTO_STATIC_ASSERT(sizeof(struct drm_pto_prof_release) == 8, "ABI");
PTO_STATIC_ASSERT(sizeof(struct drm_pto_hs_create) == 32, "ABI");

#ifdef __cplusplus
}
#endif

#endif /* PTO_UAPI_DRM_H */
