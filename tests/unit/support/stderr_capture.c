// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "stderr_capture.h"

static FILE *std_stream(int fd)
{
	return fd == 1 ? stdout : stderr;
}

int fd_capture_begin(struct stderr_capture *c, int fd)
{
	FILE *f = tmpfile();

	if (!f)
		return -errno;
	fflush(std_stream(fd));
	c->fd = fd;
	c->saved_fd = dup(fd);
	if (c->saved_fd < 0 || dup2(fileno(f), fd) < 0) {
		fclose(f);
		return -errno;
	}
	c->tmp = f;
	return 0;
}

int stderr_capture_begin(struct stderr_capture *c)
{
	return fd_capture_begin(c, 2);
}

void stderr_capture_end(struct stderr_capture *c, char *buf, size_t len)
{
	FILE *f = c->tmp;
	size_t n;

	fflush(std_stream(c->fd));
	dup2(c->saved_fd, c->fd);
	close(c->saved_fd);
	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}
