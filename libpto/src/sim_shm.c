// SPDX-License-Identifier: MIT
/*
 * The sim backend's profiling regions live in shared-memory files owned
 * by the running process, so another process (ptodump list / stat /
 * snapshot) can map one read-only while the run is live, as it attaches
 * to a pto.ko region:
 *
 *   $PTO_SHM_DIR (default /dev/shm)/pto-prof.<pid>.<n>
 *
 * n numbers the process's sim regions from 1 (each device numbers its
 * regions from 1, so a region id alone could repeat).
 * created exclusively with mode 0600 (only this user may read it) and
 * removed when the region is freed, unless the run retains it. The
 * region's protocol and memory ordering are those of uapi/pto_prof.h;
 * readers map it PROT_READ and cannot write it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dev_ops.h"
#include "pto_reader.h"

static _Atomic uint32_t next_file = 1;

static int shm_path(char *buf, size_t len, pid_t pid, uint32_t n)
{
	const char *dir = getenv("PTO_SHM_DIR");

	if (!dir || !*dir)
		dir = PTO_SIM_REGION_DIR;
	return snprintf(buf, len, "%s/" PTO_SIM_REGION_PREFIX "%d.%u", dir,
			(int)pid, n) < (int)len ? 0 : -ENAMETOOLONG;
}

int sim_shm_region(size_t size, uint32_t id, bool retain,
		   struct dev_region *r)
{
	uint32_t n = atomic_fetch_add(&next_file, 1);
	char path[PATH_MAX];
	void *p;
	int fd, err = shm_path(path, sizeof(path), getpid(), n);

	if (err)
		return err;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size)) {
		err = -errno;
		goto fail;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	close(fd);
	r->base = p;
	r->size = size;
	r->id = id;
	r->handle = n;
	r->keep = retain;
	return 0;
fail:
	close(fd);
	unlink(path);
	return err;
}

void sim_shm_free(struct dev_region *r)
{
	char path[PATH_MAX];

	munmap(r->base, r->size);
	if (!r->keep && !shm_path(path, sizeof(path), getpid(), r->handle))
		unlink(path);
	r->base = NULL;
}
