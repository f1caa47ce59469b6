/* SPDX-License-Identifier: GPL-2.0 */
/* pto handshake regions. */
#ifndef PTO_HS_H
#define PTO_HS_H

struct drm_device;
struct drm_file;

int pto_hs_create_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);

#endif /* PTO_HS_H */
