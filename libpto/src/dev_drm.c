// SPDX-License-Identifier: MIT
/*
 * The drm backend: device memory comes from pto.ko. Buffer objects, the
 * profiling region and the handshake region are GEM objects of the first
 * render node whose driver is "pto", mapped through their GEM offsets;
 * the driver lays out and initialises the regions (with the counter
 * frequency it knows in creator_freq_hz). The AICore and AICPU threads
 * stay simulated in this process, so what kernels receive as an address
 * is the CPU mapping, as on sim.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>

#include "dev_ops.h"
#include "drm_node.h"
#include "pto_drm.h"
#include "log.h"

struct drm_dev {
	int fd;		/* the render node, open for the device's lifetime */
	uint64_t byte_limit;	/* BO bytes this file may own (pto.ko) */
};

/* drmIoctl(); 0 or -errno. */
static int drm_call(int fd, unsigned long req, void *arg)
{
	return drmIoctl(fd, req, arg) ? -errno : 0;
}

struct drm_first {
	int fd;		/* the first pto node opened */
	int err;	/* -ENODEV, or why a pto node could not be opened */
};

static int first_node(void *ctx, const char *path, int fd)
{
	struct drm_first *f = ctx;

	(void)path;
	if (fd < 0) {
		f->err = fd;
		return 0;
	}
	f->fd = fd;
	return 1;
}

/*
 * Opens the first render node of driver "pto": an fd, or -ENODEV (none;
 * -EACCES when the only pto nodes could not be opened).
 */
static int drm_find(void)
{
	struct drm_first f = { -1, -ENODEV };

	drm_node_scan(first_node, &f);
	return f.fd >= 0 ? f.fd : f.err;
}

bool dev_drm_present(void)
{
	int fd = drm_find();

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * Blocks from the driver; AICPU threads from opts, at most the driver's;
 * the driver's per-file byte limit into d.
 */
static int drm_info(struct drm_dev *d, const struct pto_device_opts *opts,
		    struct dev_info *info)
{
	uint64_t abi, blocks, threads;
	int err;

	err = drm_node_param(d->fd, PTO_PARAM_ABI_VERSION, &abi);
	if (!err)
		err = drm_node_param(d->fd, PTO_PARAM_NUM_BLOCKS, &blocks);
	if (!err)
		err = drm_node_param(d->fd, PTO_PARAM_NUM_AICPU_THREADS, &threads);
	if (!err)
		err = drm_node_param(d->fd, PTO_PARAM_FILE_BYTE_LIMIT,
				&d->byte_limit);
	if (err) {
		pto_err("pto: drm: GET_PARAM: %s\n", strerror(-err));
		return err;
	}
	if (PTO_ABI_MAJOR(abi) != PTO_ABI_VERSION_MAJOR) {
		pto_err("pto: drm: pto.ko ABI %llu.%llu, this libpto "
			"needs %d.x\n", (unsigned long long)PTO_ABI_MAJOR(abi),
			(unsigned long long)PTO_ABI_MINOR(abi),
			PTO_ABI_VERSION_MAJOR);
		return -ENODEV;
	}
	if (opts->aicpu_threads > threads) {
		pto_err("pto: device_opts.aicpu_threads %u: the pto "
			"device has %llu\n", opts->aicpu_threads,
			(unsigned long long)threads);
		return -EINVAL;
	}
	if (!opts->aicpu_threads && threads < 2) {
		pto_err("pto: the pto device has %llu AICPU thread; "
			"libpto needs 2 (a scheduler and the orchestrator)\n",
			(unsigned long long)threads);
		return -ENODEV;
	}
	info->blocks = (unsigned int)blocks;
	info->aicpu_threads = opts->aicpu_threads ? opts->aicpu_threads :
			      (unsigned int)threads;
	return 0;
}

static void drm_close(void *priv)
{
	struct drm_dev *d = priv;

	close(d->fd);
	free(d);
}

static int drm_open(const struct pto_device_opts *opts, void **priv,
		    struct dev_info *info)
{
	struct drm_dev *d;
	int fd = drm_find(), err;

	if (fd < 0) {
		pto_err("pto: drm backend: %s; load pto.ko or use "
			"PTO_DEVICE=sim\n", fd == -EACCES ?
			"no render node of driver \"pto\" among those this "
			"user may open" :
			"no /dev/dri/renderD* node of driver \"pto\"");
		return -ENODEV;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	d->fd = fd;
	err = drm_info(d, opts, info);
	if (err) {
		drm_close(d);
		return err;
	}
	*priv = d;
	return 0;
}

static void drm_gem_close(struct drm_dev *d, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	drm_call(d->fd, DRM_IOCTL_GEM_CLOSE, &c);
}

/* Maps size bytes at a GEM offset; NULL with -errno in *err. */
static void *drm_map(struct drm_dev *d, uint64_t offset, size_t size,
		     int *err)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		       (off_t)offset);

	*err = p == MAP_FAILED ? -errno : 0;
	return p == MAP_FAILED ? NULL : p;
}

static int drm_bo_alloc(void *priv, size_t size, struct dev_bo *bo)
{
	struct drm_dev *d = priv;
	struct drm_pto_bo_create c = { .size = size };
	struct drm_pto_bo_info i = { 0 };
	int err = drm_call(d->fd, DRM_IOCTL_PTO_BO_CREATE, &c);

	if (err == -ENOMEM || err == -E2BIG)
		pto_err("pto: drm: a %zu-byte buffer does not fit in "
			"the %llu bytes pto.ko lets one file own (module "
			"parameter file_byte_limit)\n", size,
			(unsigned long long)d->byte_limit);
	if (err)
		return err;
	i.handle = c.handle;
	err = drm_call(d->fd, DRM_IOCTL_PTO_BO_INFO, &i);
	if (!err)
		bo->map = drm_map(d, i.mmap_offset, size, &err);
	if (err) {
		drm_gem_close(d, c.handle);
		return err;
	}
	bo->size = size;
	bo->dev_addr = (uint64_t)(uintptr_t)bo->map;
	bo->handle = c.handle;
	return 0;
}

static void drm_bo_free(void *priv, struct dev_bo *bo)
{
	if (!bo->map)
		return;
	munmap(bo->map, bo->size);
	drm_gem_close(priv, bo->handle);
	bo->map = NULL;
}

static int drm_prof_create(void *priv, const struct pto_prof_params *params,
			   bool retain, struct pto_prof_layout *layout,
			   struct dev_region *r)
{
	struct drm_dev *d = priv;
	struct drm_pto_prof_create c = {
		.params = *params,
		.flags = retain ? PTO_PROF_CREATE_RETAIN : 0,
	};
	struct drm_pto_prof_release rel = { 0 };
	int err = drm_call(d->fd, DRM_IOCTL_PTO_PROF_CREATE, &c);

	if (err == -EOPNOTSUPP && retain)
		pto_err("pto: run_config.retain_region: the pto driver "
			"retains no regions (loaded with max_retained=0)\n");
	if (err)
		return err;
	r->base = drm_map(d, c.mmap_offset, c.layout.region_size, &err);
	if (err) {
		rel.region_id = c.region_id;
		drm_call(d->fd, DRM_IOCTL_PTO_PROF_RELEASE, &rel);
		drm_gem_close(d, c.handle);
		return err;
	}
	*layout = c.layout;
	r->size = c.layout.region_size;
	r->id = c.region_id;
	r->handle = c.handle;
	r->keep = retain;
	return 0;
}

static int drm_hs_create(void *priv, unsigned int num_cores,
			 const struct pto_prof_layout *layout,
			 uint32_t prof_region_id, struct dev_region *r)
{
	struct drm_dev *d = priv;
	struct drm_pto_hs_create c = {
		.num_cores = num_cores,
		.prof_region_id = prof_region_id,
	};
	int err;

	(void)layout;	/* the driver copies it from region prof_region_id */
	err = drm_call(d->fd, DRM_IOCTL_PTO_HS_CREATE, &c);
	if (err)
		return err;
	r->base = drm_map(d, c.mmap_offset, c.size, &err);
	if (err) {
		drm_gem_close(d, c.handle);
		return err;
	}
	r->size = c.size;
	r->id = 0;
	r->handle = c.handle;
	r->keep = false;
	return 0;
}

/*
 * Unmaps and closes the handle; a profiling region is also released
 * unless it was created to be retained (pto.ko keeps it for observers
 * once this file closes).
 */
static void drm_region_free(void *priv, struct dev_region *r)
{
	struct drm_dev *d = priv;
	struct drm_pto_prof_release rel = { .region_id = r->id };

	if (!r->base)
		return;
	munmap(r->base, r->size);
	if (r->id && !r->keep)
		drm_call(d->fd, DRM_IOCTL_PTO_PROF_RELEASE, &rel);
	drm_gem_close(d, r->handle);
	r->base = NULL;
}

const struct dev_ops dev_drm_ops = {
	.name = "drm",
	.open = drm_open,
	.close = drm_close,
	.bo_alloc = drm_bo_alloc,
	.bo_free = drm_bo_free,
	.prof_create = drm_prof_create,
	.hs_create = drm_hs_create,
	.region_free = drm_region_free,
};
