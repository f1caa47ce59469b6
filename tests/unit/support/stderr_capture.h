/* SPDX-License-Identifier: MIT */
/*
 * Captures what a piece of code writes to stdout or stderr, for message
 * checks.
 */
#ifndef PTO_TEST_STDERR_CAPTURE_H
#define PTO_TEST_STDERR_CAPTURE_H

#include <stddef.h>

struct stderr_capture {
	int fd;		/* 1 or 2 */
	int saved_fd;
	void *tmp;	/* FILE * */
};

/* Redirects fd (1 or 2) into a temporary file. 0 or -errno. */
int fd_capture_begin(struct stderr_capture *c, int fd);

/* Redirects fd 2; the same as fd_capture_begin(c, 2). */
int stderr_capture_begin(struct stderr_capture *c);

/* Restores the fd and copies up to len-1 captured bytes into buf. */
void stderr_capture_end(struct stderr_capture *c, char *buf, size_t len);

#endif /* PTO_TEST_STDERR_CAPTURE_H */
