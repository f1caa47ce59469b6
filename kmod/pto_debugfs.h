/* SPDX-License-Identifier: GPL-2.0 */
/* pto debugfs: the regions of a device. */
#ifndef PTO_DEBUGFS_H
#define PTO_DEBUGFS_H

struct drm_minor;

void pto_debugfs_init(struct drm_minor *minor);

#endif /* PTO_DEBUGFS_H */
