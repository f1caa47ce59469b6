// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "stderr_capture.h"

int stderr_capture_begin(struct stderr_capture *c)
{
	FILE *f = tmpfile();

	if (!f)
		return -errno;
	fflush(stderr);
	c->saved_fd = dup(2);
	if (c->saved_fd < 0 || dup2(fileno(f), 2) < 0) {
		fclose(f);
		return -errno;
	}
	c->tmp = f;
	return 0;
}

void stderr_capture_end(struct stderr_capture *c, char *buf, size_t len)
{
	FILE *f = c->tmp;
	size_t n;

	fflush(stderr);
	dup2(c->saved_fd, 2);
	close(c->saved_fd);
	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}
