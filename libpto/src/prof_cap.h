/* SPDX-License-Identifier: MIT */
/*
 * The capture file (uapi/pto_capture.h): its writer, used by the host
 * collector while a run is live, and its reader, which validates every
 * section and loads a capture into a struct prof_records (the same spill
 * storage and join the live collector uses), so exports of a capture are
 * those of the run.
 *
 * Writer: sections are built in place in a 1 MiB buffer (prof_cap_begin
 * returns the payload, prof_cap_commit checksums it) and written out when
 * the buffer fills, at prof_cap_flush and at close. One thread at a time
 * (the collector's poll thread while the run is live, else its owner).
 * The first error sticks: later calls do nothing and return it.
 */
#ifndef PTO_PROF_CAP_H
#define PTO_PROF_CAP_H

#include <stddef.h>
#include <stdint.h>

#include "prof_records.h"
#include "pto.h"
#include "pto_capture.h"

struct prof_cap;

/* Creates path (mode 0644, truncated) and writes the file header. */
int prof_cap_create(const char *path, struct prof_cap **out);

/* Room for a payload of len bytes (zeroed, len rounded up to 8) of a
 * section of type; NULL on error (prof_cap_error says which). */
void *prof_cap_begin(struct prof_cap *c, uint32_t type, size_t len);
/* Ends the section prof_cap_begin opened. */
void prof_cap_commit(struct prof_cap *c);

/* One device buffer's records as a BUFFER section. */
int prof_cap_buffer(struct prof_cap *c, uint32_t kind, uint32_t pool,
		    uint32_t seq, const void *recs, uint32_t count,
		    uint32_t record_size);
/* A buffer's loss marker / block wait (LOSS). */
int prof_cap_loss(struct prof_cap *c, const struct pto_cap_loss *l);
/* The region header (REGION); every sample of an anchor (CLOCK each). */
int prof_cap_region(struct prof_cap *c, const struct pto_prof_header *h);
int prof_cap_anchor(struct prof_cap *c, uint32_t when,
		    const struct prof_anchor *a);
/* Host spans, as HOST sections of up to 2048 spans each. */
int prof_cap_host(struct prof_cap *c, const struct pto_cap_host_span *v,
		  size_t n);
/* NAMES: func_name(ctx, id) for every id < nfuncs, and the orchestrator. */
int prof_cap_names(struct prof_cap *c, prof_name_fn func_name, void *ctx,
		   uint32_t nfuncs);

int prof_cap_flush(struct prof_cap *c);
int prof_cap_error(const struct prof_cap *c);
/* Writes END (with status) unless a write failed, closes, frees.
 * Returns the first error. */
int prof_cap_close(struct prof_cap *c, int status);

/* ---- reader ------------------------------------------------------------ */

struct prof_cap_names {
	char *name[PTO_MAX_FUNCS];
	char *orchestrator;
};

/* What a loaded capture said besides its records. */
struct prof_cap_info {
	int complete;			/* END was read */
	uint32_t version;		/* the file's PTO_CAP_VERSION */
	int32_t status;			/* END's status */
	int have_region, have_run, have_books, have_pmu;
	struct pto_cap_run run;
	struct pto_cap_pmu pmu;		/* PTO_DFX_PMU runs */
	uint64_t sections;
	uint64_t valid_bytes;		/* the prefix that was read */
	uint64_t file_bytes;
	char problem[256];		/* why reading stopped early, or "" */
};

/*
 * Reads the capture at path into r (initialised here; free it with
 * prof_records_free, even on error) and names (free with
 * prof_cap_names_free), then ends the join; r->anchor holds the CLOCK
 * sections' samples, r->host the HOST sections' spans. A capture that is
 * cut or corrupt after a valid prefix loads that prefix: 0 is returned with
 * info->complete 0 and info->problem naming the offset. Errors: -ENOENT
 * etc. from open, -EINVAL (not a capture, bad file header, or no REGION
 * before the problem), -ENOMEM, spill I/O errors.
 */
int prof_cap_load(const char *path, struct prof_records *r,
		  struct prof_cap_names *names, struct prof_cap_info *info);
/* The same from a file open at fd (read with pread; left open). */
int prof_cap_load_fd(int fd, struct prof_records *r,
		     struct prof_cap_names *names, struct prof_cap_info *info);

void prof_cap_names_free(struct prof_cap_names *names);
/* Where names keeps func_id's name (PROF_NAME_ORCHESTRATOR, which is
 * PTO_CAP_NAME_ORCHESTRATOR, included); NULL for an id out of range. */
char **prof_cap_name_slot(struct prof_cap_names *names, uint32_t func_id);
/* A prof_name_fn over names (ctx: the struct prof_cap_names). */
const char *prof_cap_name(void *ctx, uint32_t func_id);

#endif /* PTO_PROF_CAP_H */
