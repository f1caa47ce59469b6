/* SPDX-License-Identifier: MIT */
/*
 * pto render nodes through libdrm: finding them by driver name, their
 * parameters (GET_PARAM), their profiling regions (PROF_LIST).
 */
#ifndef PD_DRM_H
#define PD_DRM_H

#include <stddef.h>
#include <stdint.h>

#include "pto_drm.h"

#define PD_MAX_NODES	16

struct pd_node {
	char path[64];
};

/*
 * Render nodes whose driver is "pto" (those this user cannot open are
 * recognised through sysfs, so opening them reports why); returns how
 * many (<= max).
 */
int pd_drm_find(struct pd_node *nodes, int max);

/* Opens a render node read-write (ioctls need it); -errno. */
int pd_drm_open(const char *path);

/*
 * PROF_LIST into a malloc'd array (*out, *n). 0 or -errno.
 */
int pd_drm_regions(int fd, struct drm_pto_prof_info **out, uint32_t *n);

#endif /* PD_DRM_H */
