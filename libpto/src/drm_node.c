// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>

#include "drm_node.h"
#include "pto_drm.h"
#include "pto_reader.h"

/*
 * A node this user may not open is asked about through sysfs instead: pto
 * devices are platform devices named after the driver.
 */
static int pto_by_sysfs(const char *path)
{
	const char *name = strrchr(path, '/');
	char sys[128], alias[64] = "";
	FILE *f;

	snprintf(sys, sizeof(sys), "/sys/class/drm/%s/device/modalias",
		 name ? name + 1 : path);
	f = fopen(sys, "r");
	if (!f)
		return 0;
	if (!fgets(alias, sizeof(alias), f))
		alias[0] = 0;
	fclose(f);
	alias[strcspn(alias, "\n")] = 0;
	return !strcmp(alias, "platform:" PTO_DRIVER_NAME);
}

static int is_pto(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	int pto = v && v->name && !strcmp(v->name, PTO_DRIVER_NAME);

	drmFreeVersion(v);
	return pto;
}

void drm_node_scan(drm_node_fn fn, void *ctx)
{
	glob_t g;
	size_t i;
	int fd, stop = 0;

	if (glob("/dev/dri/renderD*", 0, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc && !stop; i++) {
		fd = open(g.gl_pathv[i], O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			fd = -errno;
			if ((fd == -EACCES || fd == -EPERM) &&
			    pto_by_sysfs(g.gl_pathv[i]))
				stop = fn(ctx, g.gl_pathv[i], fd);
		} else if (is_pto(fd)) {
			stop = fn(ctx, g.gl_pathv[i], fd);
		} else {
			close(fd);
		}
	}
	globfree(&g);
}

int drm_node_param(int fd, uint32_t param, uint64_t *value)
{
	struct drm_pto_get_param gp = { .param = param };

	if (drmIoctl(fd, DRM_IOCTL_PTO_GET_PARAM, &gp))
		return -errno;
	*value = gp.value;
	return 0;
}

/* The same two calls under their public names (pto_reader.h). */
PTO_API void pto_drm_node_scan(pto_drm_node_fn fn, void *ctx)
{
	drm_node_scan(fn, ctx);
}

PTO_API int pto_drm_node_param(int fd, uint32_t param, uint64_t *value)
{
	return drm_node_param(fd, param, value);
}
