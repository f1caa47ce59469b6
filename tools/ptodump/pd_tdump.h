/* SPDX-License-Identifier: MIT */
/*
 * A run's tensor dump for ptodump tensors (pd_tdump.c): its entries,
 * read from a capture (through the reader API) or from a
 * tensor_dump/manifest.json with its tensors.bin, and one entry's bytes.
 */
#ifndef PD_TDUMP_H
#define PD_TDUMP_H

#include <stddef.h>
#include <stdint.h>

#include "pto_reader.h"

struct pd_tentry {
	struct pto_tensor_dump d;	/* d.data NULL */
	uint64_t bin_offset;		/* in tensors.bin (capture: as the
					 * export would write it)
					 */
};

struct pd_tdump {
	struct pd_tentry *e;
	size_t n, cap;
	char capture[4096];	/* the capture, or "" */
	char bin[4096];		/* else tensors.bin */
};

/*
 * Loads path: a capture file, a run's output directory (its
 * capture.ptocap when there is one, else its tensor_dump/) or a
 * tensor_dump directory. 0, or -errno with the problem said (pd_err).
 */
int pd_tdump_load(struct pd_tdump *t, const char *path);
void pd_tdump_free(struct pd_tdump *t);

/* Entry i's dumped bytes (malloc'd, *out; NULL for 0 bytes). 0/-errno. */
int pd_tdump_bytes(const struct pd_tdump *t, size_t i, unsigned char **out);

#endif /* PD_TDUMP_H */
