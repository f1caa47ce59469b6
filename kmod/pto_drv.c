// SPDX-License-Identifier: GPL-2.0
/*
 * pto: DRM driver of a simulated task-graph accelerator (NPU).
 *
 * At load the module registers pto_num_devices virtual platform devices,
 * each with its own DRM device (render node; every ioctl is
 * DRM_RENDER_ALLOW) and shape (blocks, AICPU threads, counter frequency)
 * from the module parameters. Invalid parameters fail the load.
 *
 * This file holds the ioctl table, GET_PARAM, per-file state and device
 * setup/teardown; buffer objects are pto_gem.c, profiling regions
 * pto_prof.c, handshake regions pto_hs.c, debugfs pto_debugfs.c.
 *
 * Locks: none of its own; pto_device.regions_lock is described in
 * pto_drv.h and pto_prof.c.
 *
 * Lifetime: a struct pto_file lives from open to postclose; drm releases
 * the file's handles before postclose. A struct pto_device lives from
 * pto_device_create() to pto_device_destroy() (module exit). Every open
 * file and every mapping holds a module reference (through the file), so
 * exit runs only with no file open and no mapping left; it then frees the
 * regions still listed (retained ones) before the DRM device goes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_prime.h>

#include "pto_layout.h"
#include "pto_drv.h"
#include "pto_debugfs.h"
#include "pto_gem.h"
#include "pto_hs.h"
#include "pto_prof.h"

#define PTO_MAX_DEVICES		8
#define PTO_MAX_RETAINED_LIMIT	64
#define PTO_MAX_FREQ_HZ		10000000000ull
#define PTO_MAX_FILE_BYTES	BIT_ULL(40)

static unsigned int pto_num_devices = 1;
module_param_named(num_devices, pto_num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices, "Number of devices (1-8, default 1)");

static unsigned int pto_num_blocks = 4;
module_param_named(blocks, pto_num_blocks, uint, 0444);
MODULE_PARM_DESC(blocks, "Blocks per device, each 1 AIC + 2 AIV (1-24, default 4)");

static unsigned int pto_num_aicpu_threads = 4;
module_param_named(aicpu_threads, pto_num_aicpu_threads, uint, 0444);
MODULE_PARM_DESC(aicpu_threads, "AICPU threads per device (1-8, default 4)");

static unsigned long long pto_counter_freq_hz = 50000000;
module_param_named(counter_freq_hz, pto_counter_freq_hz, ullong, 0444);
MODULE_PARM_DESC(counter_freq_hz, "Device counter frequency in Hz (1-10^10, default 50 MHz)");

u64 pto_file_byte_limit = 1ull << 30;
module_param_named(file_byte_limit, pto_file_byte_limit, ullong, 0444);
MODULE_PARM_DESC(file_byte_limit, "BO bytes one open file may own (one page to 1 TiB, default 1 GiB)");

unsigned int pto_max_retained = 4;
module_param_named(max_retained, pto_max_retained, uint, 0444);
MODULE_PARM_DESC(max_retained, "Retained regions per device, oldest evicted first (0-64, default 4)");

static struct pto_device *pto_devices[PTO_MAX_DEVICES];

static int pto_open(struct drm_device *drm, struct drm_file *file)
{
	struct pto_file *pfile;

	pfile = kzalloc(sizeof(*pfile), GFP_KERNEL);
	if (!pfile)
		return -ENOMEM;
	pfile->account = pto_account_create();
	if (!pfile->account) {
		kfree(pfile);
		return -ENOMEM;
	}
	pfile->pdev = to_pto_device(drm);
	file->driver_priv = pfile;
	return 0;
}

static void pto_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct pto_file *pfile = to_pto_file(file);

	pto_prof_file_close(pfile->pdev, pfile);
	/* Objects still charged to the account keep it. */
	pto_account_put(pfile->account);
	kfree(pfile);
}

/*
 * DRM_IOCTL_PTO_GET_PARAM: one value of PTO_PARAM_*.
 * -EINVAL: non-zero flags or an unknown param.
 */
static int pto_get_param_ioctl(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct pto_device *pdev = to_pto_device(drm);
	struct drm_pto_get_param *args = data;

	if (args->flags)
		return -EINVAL;
	switch (args->param) {
	case PTO_PARAM_ABI_VERSION:
		args->value = PTO_ABI_VERSION;
		break;
	case PTO_PARAM_NUM_BLOCKS:
		args->value = pdev->num_blocks;
		break;
	case PTO_PARAM_NUM_CORES:
		args->value = pdev->num_cores;
		break;
	case PTO_PARAM_NUM_AICPU_THREADS:
		args->value = pdev->num_aicpu_threads;
		break;
	case PTO_PARAM_COUNTER_FREQ:
		args->value = pdev->counter_freq_hz;
		break;
	case PTO_PARAM_MAX_CORES:
		args->value = PTO_MAX_CORES;
		break;
	case PTO_PARAM_MAX_AICPU_THREADS:
		args->value = PTO_MAX_AICPU_THREADS;
		break;
	case PTO_PARAM_FILE_BYTE_LIMIT:
		args->value = pto_file_byte_limit;
		break;
	case PTO_PARAM_MAX_RETAINED:
		args->value = pto_max_retained;
		break;
	case PTO_PARAM_MAX_REGION_SIZE:
		args->value = PTO_PROF_MAX_REGION_SIZE;
		break;
	case PTO_PARAM_CAPABILITIES:
		args->value = PTO_CAP_PROF_ATTACH | PTO_CAP_HS;
		/* With max_retained=0 nothing is kept: RETAIN is refused. */
		if (pto_max_retained)
			args->value |= PTO_CAP_PROF_RETAIN;
		if (IS_ENABLED(CONFIG_DEBUG_FS))
			args->value |= PTO_CAP_DEBUGFS;
		break;
	case PTO_PARAM_DEVICE_INDEX:
		args->value = pdev->index;
		break;
	default:
		pto_dbg(pdev, "get_param: unknown param %u\n", args->param);
		return -EINVAL;
	}
	return 0;
}

static const struct drm_ioctl_desc pto_ioctls[] = {
	DRM_IOCTL_DEF_DRV(PTO_GET_PARAM, pto_get_param_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(PTO_BO_CREATE, pto_bo_create_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(PTO_BO_INFO, pto_bo_info_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(PTO_PROF_CREATE, pto_prof_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(PTO_PROF_LIST, pto_prof_list_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(PTO_PROF_ATTACH, pto_prof_attach_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(PTO_PROF_RELEASE, pto_prof_release_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(PTO_HS_CREATE, pto_hs_create_ioctl, DRM_RENDER_ALLOW),
};

/*
 * A driver ioctl number must be exactly the one pto_drm.h defines: the
 * DRM core would otherwise zero-extend or truncate a struct of another
 * size, and copy in or out only the directions both numbers share (a
 * write-only PROF_CREATE would create a region whose handle and id never
 * reach userspace). pto structs grow only through new ioctls
 * (pto_drm.h). -EINVAL if not.
 */
static bool pto_ioctl_cmd_ok(unsigned int cmd)
{
	unsigned int index = DRM_IOCTL_NR(cmd) - DRM_COMMAND_BASE;

	if (DRM_IOCTL_NR(cmd) < DRM_COMMAND_BASE ||
	    index >= ARRAY_SIZE(pto_ioctls))
		return true;
	index = array_index_nospec(index, ARRAY_SIZE(pto_ioctls));
	return cmd == pto_ioctls[index].cmd;
}

static long pto_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	if (!pto_ioctl_cmd_ok(cmd))
		return -EINVAL;
	return drm_ioctl(filp, cmd, arg);
}

static long pto_compat_ioctl(struct file *filp, unsigned int cmd,
			     unsigned long arg)
{
	if (!pto_ioctl_cmd_ok(cmd))
		return -EINVAL;
	return drm_compat_ioctl(filp, cmd, arg);
}

static const struct file_operations pto_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = pto_ioctl,
	.compat_ioctl = pto_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.mmap = drm_gem_mmap,
};

static const struct drm_driver pto_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER,
	.open = pto_open,
	.postclose = pto_postclose,
	.ioctls = pto_ioctls,
	.num_ioctls = ARRAY_SIZE(pto_ioctls),
	.fops = &pto_fops,
	.debugfs_init = pto_debugfs_init,
	/*
	 * DRM_GEM_SHMEM_DRIVER_OPS without .dumb_create: every pto BO is
	 * charged (pto_gem.c).
	 */
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd,
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.gem_prime_mmap = drm_gem_prime_mmap,
	.gem_create_object = pto_gem_create_object,
	.name = PTO_DRIVER_NAME,
	.desc = PTO_DRIVER_DESC,
	.date = "20260101",
	.major = PTO_ABI_VERSION_MAJOR,
	.minor = PTO_ABI_VERSION_MINOR,
};

static struct pto_device *pto_device_create(u32 index)
{
	struct platform_device *plat;
	struct pto_device *pdev;
	int ret;

	plat = platform_device_register_simple(PTO_DRIVER_NAME, index, NULL, 0);
	if (IS_ERR(plat))
		return ERR_CAST(plat);
	if (!devres_open_group(&plat->dev, NULL, GFP_KERNEL)) {
		ret = -ENOMEM;
		goto err_unregister_plat;
	}
	ret = dma_coerce_mask_and_coherent(&plat->dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_release_group;

	pdev = devm_drm_dev_alloc(&plat->dev, &pto_driver, struct pto_device,
				  drm);
	if (IS_ERR(pdev)) {
		ret = PTR_ERR(pdev);
		goto err_release_group;
	}
	pdev->pdev = plat;
	pdev->index = index;
	pdev->num_blocks = pto_num_blocks;
	pdev->num_cores = pto_num_blocks * PTO_CORES_PER_BLOCK;
	pdev->num_aicpu_threads = pto_num_aicpu_threads;
	pdev->counter_freq_hz = pto_counter_freq_hz;
	mutex_init(&pdev->regions_lock);
	INIT_LIST_HEAD(&pdev->regions);
	pdev->next_region_id = 1;

	ret = drm_dev_register(&pdev->drm, 0);
	if (ret)
		goto err_release_group;
	return pdev;

err_release_group:
	devres_release_group(&plat->dev, NULL);
err_unregister_plat:
	platform_device_unregister(plat);
	return ERR_PTR(ret);
}

static void pto_device_destroy(struct pto_device *pdev)
{
	struct platform_device *plat = pdev->pdev;

	drm_dev_unregister(&pdev->drm);
	pto_prof_fini(pdev);
	mutex_destroy(&pdev->regions_lock);
	/* Drops the last reference of the DRM device (devm). */
	devres_release_group(&plat->dev, NULL);
	platform_device_unregister(plat);
}

static int pto_check_params(void)
{
	if (!pto_num_devices || pto_num_devices > PTO_MAX_DEVICES) {
		pr_err("num_devices=%u: must be 1..%u\n", pto_num_devices,
		       PTO_MAX_DEVICES);
		return -EINVAL;
	}
	if (!pto_num_blocks || pto_num_blocks > PTO_MAX_BLOCKS) {
		pr_err("blocks=%u: must be 1..%u\n", pto_num_blocks,
		       PTO_MAX_BLOCKS);
		return -EINVAL;
	}
	if (!pto_num_aicpu_threads ||
	    pto_num_aicpu_threads > PTO_MAX_AICPU_THREADS) {
		pr_err("aicpu_threads=%u: must be 1..%u\n",
		       pto_num_aicpu_threads, PTO_MAX_AICPU_THREADS);
		return -EINVAL;
	}
	if (!pto_counter_freq_hz || pto_counter_freq_hz > PTO_MAX_FREQ_HZ) {
		pr_err("counter_freq_hz=%llu: must be 1..%llu\n",
		       pto_counter_freq_hz, PTO_MAX_FREQ_HZ);
		return -EINVAL;
	}
	if (pto_file_byte_limit < PAGE_SIZE ||
	    pto_file_byte_limit > PTO_MAX_FILE_BYTES) {
		pr_err("file_byte_limit=%llu: must be %lu..%llu\n",
		       pto_file_byte_limit, PAGE_SIZE, PTO_MAX_FILE_BYTES);
		return -EINVAL;
	}
	if (pto_max_retained > PTO_MAX_RETAINED_LIMIT) {
		pr_err("max_retained=%u: must be 0..%u\n",
		       pto_max_retained, PTO_MAX_RETAINED_LIMIT);
		return -EINVAL;
	}
	return 0;
}

static void pto_destroy_devices(void)
{
	u32 i;

	for (i = PTO_MAX_DEVICES; i-- > 0;) {
		if (pto_devices[i])
			pto_device_destroy(pto_devices[i]);
		pto_devices[i] = NULL;
	}
}

static int __init pto_init(void)
{
	struct pto_device *pdev;
	u32 i;
	int ret;

	ret = pto_check_params();
	if (ret)
		return ret;
	for (i = 0; i < pto_num_devices; i++) {
		pdev = pto_device_create(i);
		if (IS_ERR(pdev)) {
			pr_err("device %u: %ld\n", i, PTR_ERR(pdev));
			pto_destroy_devices();
			return PTR_ERR(pdev);
		}
		pto_devices[i] = pdev;
	}
	return 0;
}

static void __exit pto_exit(void)
{
	pto_destroy_devices();
}

module_init(pto_init);
module_exit(pto_exit);

MODULE_DESCRIPTION(PTO_DRIVER_DESC);
MODULE_AUTHOR("The pto developers");
MODULE_LICENSE("GPL");
/* The package version: PTO_VERSION_* of pto.h and dkms.conf say the same. */
MODULE_VERSION("0.1.0");
