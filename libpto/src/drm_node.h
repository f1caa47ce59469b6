/* SPDX-License-Identifier: MIT */
/*
 * pto render nodes: finding them by driver name and asking them for a
 * parameter. Shared by the drm backend and ptodump.
 */
#ifndef PTO_DRM_NODE_H
#define PTO_DRM_NODE_H

#include <stdint.h>

/*
 * Called for each render node driven by pto, in node order. fd is the
 * node opened read-write (fn owns it), or -EACCES/-EPERM when this user
 * cannot open it (recognised as pto through sysfs). Non-zero stops the
 * scan.
 */
typedef int (*drm_node_fn)(void *ctx, const char *path, int fd);

void drm_node_scan(drm_node_fn fn, void *ctx);

/* GET_PARAM; 0 or -errno. */
int drm_node_param(int fd, uint32_t param, uint64_t *value);

#endif /* PTO_DRM_NODE_H */
