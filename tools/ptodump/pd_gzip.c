// SPDX-License-Identifier: MIT
/*
 * A stdio stream that gzips what is written to it (deflate in gzip
 * framing, which the Perfetto UI and trace processor open directly).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pd_gzip.h"

#define GZ_CHUNK	(256u << 10)

struct gz {
	z_stream z;
	FILE *out;
	unsigned char buf[GZ_CHUNK];
	int err;
};

/* Runs deflate over the input set in g->z with flush; 0 or -1. */
static int gz_pump(struct gz *g, int flush)
{
	int r;

	do {
		g->z.next_out = g->buf;
		g->z.avail_out = GZ_CHUNK;
		r = deflate(&g->z, flush);
		if (r == Z_STREAM_ERROR)
			return -1;
		if (fwrite(g->buf, 1, GZ_CHUNK - g->z.avail_out, g->out) !=
		    GZ_CHUNK - g->z.avail_out)
			return -1;
	} while (g->z.avail_out == 0 || (flush == Z_FINISH &&
					 r != Z_STREAM_END));
	return 0;
}

static ssize_t gz_write(void *cookie, const char *p, size_t n)
{
	struct gz *g = cookie;
	size_t done = 0;

	while (!g->err && done < n) {
		size_t take = n - done > (1u << 30) ? (1u << 30) : n - done;

		g->z.next_in = (unsigned char *)(uintptr_t)(p + done);
		g->z.avail_in = (uInt)take;
		if (gz_pump(g, Z_NO_FLUSH))
			g->err = EIO;
		done += take;
	}
	if (g->err) {
		errno = g->err;
		return -1;
	}
	return (ssize_t)n;
}

static int gz_close(void *cookie)
{
	struct gz *g = cookie;
	int bad = g->err;

	g->z.next_in = NULL;
	g->z.avail_in = 0;
	if (!bad && gz_pump(g, Z_FINISH))
		bad = 1;
	deflateEnd(&g->z);
	if (fclose(g->out))
		bad = 1;
	free(g);
	return bad ? EOF : 0;
}

FILE *pd_gzip_open(FILE *out)
{
	cookie_io_functions_t io = { .write = gz_write, .close = gz_close };
	struct gz *g = calloc(1, sizeof(*g));
	FILE *f;

	if (!g)
		return NULL;
	/* windowBits 15 + 16: gzip framing; level 6, the usual trade-off. */
	if (deflateInit2(&g->z, 6, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		free(g);
		return NULL;
	}
	g->out = out;
	f = fopencookie(g, "w", io);
	if (!f) {
		deflateEnd(&g->z);
		free(g);
	}
	return f;
}
