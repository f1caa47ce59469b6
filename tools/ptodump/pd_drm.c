// SPDX-License-Identifier: MIT
/*
 * pto render nodes (see pd_drm.h) and the read-only attach of a region.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>

#include "pto_reader.h"
#include "pd_drm.h"
#include "pd_region.h"
#include "pto_layout.h"

int pd_drm_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

struct pd_collect {
	struct pd_node *nodes;
	int n, max;
};

static int collect_node(void *ctx, const char *path, int fd)
{
	struct pd_collect *c = ctx;

	if (fd >= 0)
		close(fd);
	snprintf(c->nodes[c->n++].path, sizeof(c->nodes[0].path), "%s", path);
	return c->n >= c->max;
}

int pd_drm_find(struct pd_node *nodes, int max)
{
	struct pd_collect c = { nodes, 0, max };

	if (max > 0)
		pto_drm_node_scan(collect_node, &c);
	return c.n;
}

int pd_drm_regions(int fd, struct drm_pto_prof_info **out, uint32_t *n)
{
	struct drm_pto_prof_list l = { 0 };
	struct drm_pto_prof_info *v = NULL;
	uint32_t want = 0;
	int tries;

	/* The count can grow between the two calls: retry a few times. */
	for (tries = 0; tries < 4; tries++) {
		l.entries = (uintptr_t)v;
		if (drmIoctl(fd, DRM_IOCTL_PTO_PROF_LIST, &l)) {
			free(v);
			return -errno;
		}
		if (v && l.count <= want) {
			*out = v;
			*n = l.count;
			return 0;
		}
		want = l.count;
		free(v);
		v = calloc(want ? want : 1, sizeof(*v));
		if (!v)
			return -ENOMEM;
		l.count = want;
		if (!want) {
			*out = v;
			*n = 0;
			return 0;
		}
	}
	free(v);
	return -EAGAIN;
}

/* r->err for a refused PROF_ATTACH (errno e). */
static void attach_error(struct pd_region *r, uint32_t id, const char *node,
			 int e)
{
	if (e == ENOENT)
		snprintf(r->err, sizeof(r->err), "no such region %u on %s "
			 "('ptodump list' shows the regions)", id, node);
	else if (e == EPERM || e == EACCES)
		snprintf(r->err, sizeof(r->err), "attach region %u: permission "
			 "denied (only its owner's uid, CAP_PERFMON or "
			 "CAP_SYS_ADMIN may read it)", id);
	else
		snprintf(r->err, sizeof(r->err), "attach region %u on %s: %s",
			 id, node, strerror(e));
}

/* Non-zero when the region list of node has id. */
static int node_has(const char *node, uint32_t id)
{
	struct drm_pto_prof_info *v = NULL;
	uint32_t n = 0, i;
	int fd = pd_drm_open(node), has = 0;

	if (fd < 0)
		return 0;
	if (!pd_drm_regions(fd, &v, &n))
		for (i = 0; i < n; i++)
			has |= v[i].region_id == id;
	free(v);
	close(fd);
	return has;
}

/*
 * Region ids are per device: without --device, the pto node whose list
 * has id (the first node when none has it, so attaching says why).
 * -ENODEV without a pto node, -EEXIST when several have id.
 */
static int pick_node(struct pd_region *r, uint32_t id, struct pd_node *nodes,
		     const char **node)
{
	int n = pd_drm_find(nodes, PD_MAX_NODES), i, found = -1;

	if (n < 1) {
		snprintf(r->err, sizeof(r->err), "no pto device (is pto.ko "
			 "loaded?)");
		return -ENODEV;
	}
	for (i = 0; n > 1 && i < n; i++) {
		if (!node_has(nodes[i].path, id))
			continue;
		if (found >= 0) {
			snprintf(r->err, sizeof(r->err), "region %u exists on "
				 "%.63s and %.63s: choose one with --device", id,
				 nodes[found].path, nodes[i].path);
			return -EEXIST;
		}
		found = i;
	}
	*node = nodes[found < 0 ? 0 : found].path;
	return 0;
}

int pd_region_attach(struct pd_region *r, uint32_t id, const char *node)
{
	struct drm_pto_prof_attach at = { .region_id = id };
	struct pd_node nodes[PD_MAX_NODES];
	int fd, e;
	void *map;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (!node && (e = pick_node(r, id, nodes, &node)))
		return e;
	fd = pd_drm_open(node);
	if (fd < 0) {
		snprintf(r->err, sizeof(r->err), "%s: %s%s", node,
			 strerror(-fd), fd == -EACCES || fd == -EPERM ?
			 " (a pto render node needs read-write access)" : "");
		return fd;
	}
	if (drmIoctl(fd, DRM_IOCTL_PTO_PROF_ATTACH, &at)) {
		e = errno;
		attach_error(r, id, node, e);
		close(fd);
		return -e;
	}
	if (!at.size || at.size > PTO_PROF_MAX_REGION_SIZE) {
		snprintf(r->err, sizeof(r->err), "region %u: size %llu out of "
			 "range", id, (unsigned long long)at.size);
		close(fd);
		return -EINVAL;
	}
	map = mmap(NULL, at.size, PROT_READ, MAP_SHARED, fd,
		   (off_t)at.mmap_offset);
	if (map == MAP_FAILED) {
		e = errno;
		snprintf(r->err, sizeof(r->err), "mmap region %u: %s", id,
			 strerror(e));
		close(fd);
		return -e;
	}
	r->fd = fd;
	r->map = map;
	r->map_len = at.size;
	return pd_region_open_mem(r, map, at.size);
}
