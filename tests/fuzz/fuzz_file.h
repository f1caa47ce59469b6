/* SPDX-License-Identifier: MIT */
/*
 * Shared by the fuzz targets (one fuzz_<target>.c each, a thin call into
 * the reader it fuzzes): the input bytes as a file, for readers that take
 * a path. One memfd per process, rewritten for each input.
 */
#ifndef PTO_FUZZ_FILE_H
#define PTO_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *fuzz_file(const uint8_t *data, size_t size)
{
	static char path[32];
	static int fd = -1;

	if (fd < 0) {
		fd = memfd_create("pto-fuzz", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	return path;
}

#endif /* PTO_FUZZ_FILE_H */
