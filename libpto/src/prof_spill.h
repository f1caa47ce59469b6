/* SPDX-License-Identifier: MIT */
/*
 * Bounded-memory storage for collected records.
 *
 * A spill is an append-only sequence of fixed-size records: appends fill
 * an in-memory chunk of PROF_SPILL_CHUNK_BYTES; a full chunk is written
 * to an unlinked temporary file (in $TMPDIR, else /tmp) and reused, so a
 * spill holds at most one chunk in memory whatever it stores. A spill
 * that never filled a chunk never creates a file. Readers copy records
 * out with prof_spill_read or stream them with a prof_spill_iter.
 *
 * Every allocation made for collected records (chunks, iterator buffers,
 * the join table, sort buffers) is counted in a struct prof_mem, whose
 * peak is the host-side memory the records ever took.
 */
#ifndef PTO_PROF_SPILL_H
#define PTO_PROF_SPILL_H

#include <stddef.h>
#include <stdint.h>

#define PROF_SPILL_CHUNK_BYTES	(64u * 1024)

/* Bytes held for records; one owner thread at a time (see prof_host.c). */
struct prof_mem {
	size_t held;
	size_t peak;
};

/* malloc/realloc/free that keep m's books (old/new are byte sizes). */
void *prof_mem_alloc(struct prof_mem *m, size_t bytes);
void *prof_mem_realloc(struct prof_mem *m, void *p, size_t old, size_t new);
void prof_mem_free(struct prof_mem *m, void *p, size_t bytes);
/* Counts bytes allocated elsewhere that live as long as m's owner. */
void prof_mem_charge(struct prof_mem *m, size_t bytes);

struct prof_spill {
	struct prof_mem *mem;
	size_t elem;		/* bytes per record */
	char *chunk;		/* NULL until the first append */
	size_t chunk_len;	/* records in chunk */
	int fd;			/* -1 until a chunk was written out */
	uint64_t on_file;	/* records in the file (all before chunk's) */
};

/* An empty spill of elem-byte records counted in mem (allocates nothing). */
void prof_spill_init(struct prof_spill *s, struct prof_mem *mem,
		     size_t elem);
void prof_spill_free(struct prof_spill *s);

static inline uint64_t prof_spill_count(const struct prof_spill *s)
{
	return s->on_file + s->chunk_len;
}

/* Appends n records. 0, -ENOMEM, or the errno of creating/writing the file. */
int prof_spill_append(struct prof_spill *s, const void *recs, size_t n);

/* Copies records [first, first + n) to buf (all must exist). 0 or -EIO. */
int prof_spill_read(const struct prof_spill *s, uint64_t first, void *buf,
		    size_t n);

/* Sequential reader of records [pos, end) through a small buffer. */
struct prof_spill_iter {
	const struct prof_spill *s;
	uint64_t pos, end;	/* next record to load; end of the range */
	char *buf;
	size_t cap, len, at;	/* records: buffer size, loaded, consumed */
	int err;
};

/* Reads [first, end); 0 or -ENOMEM. */
int prof_spill_iter_init(struct prof_spill_iter *it,
			 const struct prof_spill *s, uint64_t first,
			 uint64_t end);
/* The next record, or NULL at the end or on error (it->err). */
const void *prof_spill_next(struct prof_spill_iter *it);
/* The next record without consuming it. */
const void *prof_spill_peek(struct prof_spill_iter *it);
void prof_spill_iter_free(struct prof_spill_iter *it);

/* Called per record; a non-zero return stops the walk and is returned. */
typedef int (*prof_rec_fn)(void *ctx, const void *rec);

/* fn on every record in order: 0, fn's first non-zero return, -errno. */
int prof_spill_each(const struct prof_spill *s, prof_rec_fn fn, void *ctx);

#endif /* PTO_PROF_SPILL_H */
