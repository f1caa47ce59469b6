// SPDX-License-Identifier: MIT
/* pto_device_*: backend choice, device info and the kernel registry. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev_aicpu.h"
#include "dev_cores.h"
#include "device.h"
#include "pto_clock.h"
#include "log.h"

bool rt_opts_ok(const void *p, size_t size, size_t known,
		const char *what)
{
	const unsigned char *b = p;
	size_t i;

	if (size < sizeof(size_t)) {
		pto_err("pto: %s.size %zu is too small (set it with "
			"the *_init function)\n", what, size);
		return false;
	}
	for (i = known; i < size; i++)
		if (b[i]) {
			pto_err("pto: %s: byte %zu beyond the %zu this "
				"libpto knows is not zero\n", what, i, known);
			return false;
		}
	return true;
}

PTO_API void pto_device_opts_init(struct pto_device_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->size = sizeof(*opts);
}

/*
 * The backend asked for: b, else $PTO_DEVICE; auto is drm when a pto
 * render node exists, else sim.
 */
static int resolve_backend(enum pto_backend b, enum pto_backend *out)
{
	const char *env;

	if (b == PTO_BACKEND_AUTO) {
		env = getenv("PTO_DEVICE");
		if (env && !strcmp(env, "sim"))
			b = PTO_BACKEND_SIM;
		else if (env && !strcmp(env, "drm"))
			b = PTO_BACKEND_DRM;
		else if (!env || !*env || !strcmp(env, "auto"))
			b = dev_drm_present() ? PTO_BACKEND_DRM :
			    PTO_BACKEND_SIM;
		else {
			pto_err("pto: PTO_DEVICE=%s: expected sim, "
				"drm or auto\n", env);
			return -EINVAL;
		}
	}
	if (b != PTO_BACKEND_SIM && b != PTO_BACKEND_DRM) {
		pto_err("pto: backend %d: expected PTO_BACKEND_AUTO, "
			"_SIM or _DRM\n", (int)b);
		return -EINVAL;
	}
	*out = b;
	return 0;
}

/* CPUs this process may run on (its affinity mask), at least 1. */
static unsigned int online_cpus(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	n = CPU_COUNT(&set);
	return n > 0 ? (unsigned int)n : 1;
}

PTO_API int pto_device_open(const struct pto_device_opts *opts,
			    pto_device **out)
{
	struct pto_device_opts o;
	pto_device *dev;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	pto_device_opts_init(&o);
	if (opts) {
		if (!rt_opts_ok(opts, opts->size, sizeof(o), "device_opts"))
			return -EINVAL;
		memcpy(&o, opts, opts->size < sizeof(o) ? opts->size :
		       sizeof(o));
		o.size = sizeof(o);
	}
	if (o.blocks > PTO_MAX_BLOCKS) {
		pto_err("pto: device_opts.blocks %u: at most %d\n",
			o.blocks, PTO_MAX_BLOCKS);
		return -EINVAL;
	}
	if (o.aicpu_threads == 1 || o.aicpu_threads > PTO_MAX_AICPU_THREADS) {
		pto_err("pto: device_opts.aicpu_threads %u: 2..%d "
			"(a scheduler and the orchestrator), or 0\n",
			o.aicpu_threads, PTO_MAX_AICPU_THREADS);
		return -EINVAL;
	}
	dev = aligned_alloc(64, (sizeof(*dev) + 63) & ~(size_t)63);
	if (!dev)
		return -ENOMEM;
	memset(dev, 0, sizeof(*dev));
	err = resolve_backend(o.backend, &dev->backend);
	if (err)
		goto err_free;
	dev->ops = dev->backend == PTO_BACKEND_DRM ? &dev_drm_ops :
		   &dev_sim_ops;
	err = dev->ops->open(&o, &dev->priv, &dev->info);
	if (err)
		goto err_free;
	/* Both backends simulate the cores on the TSC counter. */
	dev->freq_hz = pto_clock_freq_hz();
	pto_debug("pto: device: %s backend, %u blocks, %u AICPU threads\n",
		  dev->backend == PTO_BACKEND_DRM ? "drm" : "sim",
		  dev->info.blocks, dev->info.aicpu_threads);
	dev->ncpus = online_cpus();
	err = dev_cores_open(dev, &dev->cores);
	if (!err)
		err = dev_aicpu_open(dev, dev->info.aicpu_threads,
				     &dev->aicpu);
	if (err) {
		dev_cores_close(dev->cores);
		dev->ops->close(dev->priv);
		goto err_free;
	}
	*out = dev;
	return 0;

err_free:
	free(dev);
	return err;
}

PTO_API void pto_device_close(pto_device *dev)
{
	if (!dev)
		return;
	dev_aicpu_close(dev->aicpu);
	dev_cores_close(dev->cores);
	dev->ops->close(dev->priv);
	free(dev);
}

PTO_API int pto_device_info(pto_device *dev, struct pto_device_info *info)
{
	struct pto_device_info i = { .size = sizeof(i) };
	size_t n;

	if (!dev || !info)
		return -EINVAL;
	if (info->size < sizeof(size_t)) {
		pto_err("pto: device_info.size %zu is too small (set "
			"it to sizeof(struct pto_device_info))\n", info->size);
		return -EINVAL;
	}
	n = info->size < sizeof(i) ? info->size : sizeof(i);
	i.backend = dev->backend;
	i.blocks = dev->info.blocks;
	i.cores = dev->info.blocks * PTO_CORES_PER_BLOCK;
	i.aicpu_threads = dev->info.aicpu_threads;
	i.counter_freq_hz = dev->freq_hz;
	i.size = n;
	memcpy(info, &i, n);
	return 0;
}

PTO_API int pto_kernel_register(pto_device *dev, uint32_t func_id,
				enum pto_core_type type, const char *name,
				pto_kernel_fn fn)
{
	struct rt_kernel *k;

	if (!dev || !fn)
		return -EINVAL;
	if (func_id >= PTO_MAX_FUNCS || (type != PTO_AIC && type != PTO_AIV)) {
		pto_err("pto: kernel '%s': func_id %u (< %d) or core "
			"type %d (PTO_AIC/PTO_AIV) out of range\n",
			name ? name : "", func_id, PTO_MAX_FUNCS, (int)type);
		return -EINVAL;
	}
	k = &dev->kernels[func_id];
	if (k->fn) {
		pto_err("pto: kernel '%s': func_id %u is already "
			"registered as '%s'\n", name ? name : "", func_id,
			k->name);
		return -EEXIST;
	}
	k->fn = fn;
	k->type = type;
	snprintf(k->name, sizeof(k->name), "%s", name ? name : "");
	return 0;
}
