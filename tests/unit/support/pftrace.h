/* SPDX-License-Identifier: MIT */
/*
 * A native Perfetto trace (ptodump --format=proto, merge) read back into
 * plain arrays for tests that check what it shows: tracks with their
 * process and thread, slices with absolute times (the sequences'
 * incremental clocks summed) and flow ids, instants, counter samples.
 * The wire format is
 * checked in depth by test_ptodump_proto.c; this reader takes what the
 * other tests need and fails the running test on malformed input; its
 * wire-format reader serves that test too.
 */
#ifndef PTO_TEST_PFTRACE_H
#define PTO_TEST_PFTRACE_H

#include <stddef.h>
#include <stdint.h>

#define PFT_MAX_FLOWS 8

/* The wire format: bytes to read, and one field of them. */
struct pft_rd {
	const uint8_t *p, *end;
};

struct pft_field {
	uint32_t num, wt;	/* field number, wire type */
	uint64_t v;		/* varint or fixed value */
	struct pft_rd sub;	/* length-delimited payload */
};

/* 0 at the end of r, else 1 with the next field in f (asserts it is
 * whole and of a known wire type). */
int pft_next(struct pft_rd *r, struct pft_field *f);

struct pft_track {
	uint64_t uuid;
	int64_t pid, tid;		/* tid -1: a process or counter track */
	int counter;
	char name[192];			/* process, thread or counter name */
};

struct pft_slice {
	int64_t pid, tid;
	uint64_t ts, end;		/* ns */
	char name[128], cat[128];
	uint64_t out[PFT_MAX_FLOWS], in[PFT_MAX_FLOWS];
	unsigned int nout, nin;
};

struct pft_instant {
	int64_t pid;
	uint64_t ts;
	char name[128];
};

struct pft_counter {
	uint64_t ts;			/* ns */
	int64_t value;
	char name[192];			/* the counter track's name */
};

struct pftrace {
	struct pft_track *tracks;
	size_t ntracks;
	struct pft_slice *slices;
	size_t nslices;
	struct pft_instant *instants;
	size_t ninstants;
	struct pft_counter *counters;
	size_t ncounters;
};

/* Reads path (asserts it decodes). */
void pftrace_load(const char *path, struct pftrace *t);
void pftrace_free(struct pftrace *t);
/* The name of process pid, or NULL. */
const char *pftrace_process(const struct pftrace *t, int64_t pid);
/* Flow ids leaving some slice and arriving at some slice. */
size_t pftrace_flows(const struct pftrace *t);

#endif /* PTO_TEST_PFTRACE_H */
