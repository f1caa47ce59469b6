/* SPDX-License-Identifier: MIT */
/*
 * AICore profiling writer. The AICore alone writes its task records, its
 * buffer's count and its pool counters; it finds its buffer through the
 * active head published once in the handshake (prof_head_off) before
 * aicpu_ready, re-reading the head's sequence per task.
 */
#ifndef PTO_FW_PROF_H
#define PTO_FW_PROF_H

#include <stdint.h>

struct fw_prof_core {
	char *region;		/* profiling region base, NULL: off */
	uint64_t head_off;	/* this core's AICore active head */
	uint32_t cached_seq;
	void *buf;		/* current struct pto_buf_header */
	/* This core's buffers, from the header's layout. */
	uint64_t buf_lo, buf_hi, buf_size;
	uint32_t capacity;	/* records per buffer */
	uint32_t bad_head;	/* the head at cached_seq named no buffer
				 * of this core
				 */
	/* Records dropped since the last buffer written, and the start
	 * times of the first and last of them: added to the next buffer's
	 * loss marker with its first record.
	 */
	uint32_t lost;
	uint64_t lost_first, lost_last;
};

/* Does this core record? Never in a -DPTO_PROF_COMPILED_OUT build. */
#ifdef PTO_PROF_COMPILED_OUT
#define FW_PROF_ON(st) 0
#else
#define FW_PROF_ON(st) ((st)->region != 0)
#endif

/*
 * Binds a core to its head; region NULL, head_off 0, or a head_off that is
 * not one of the region's AICore active heads turns it off.
 */
void fw_prof_bind(struct fw_prof_core *st, void *region, uint64_t head_off);

/*
 * After the kernel of token, read from DATA at receive, ran from start to
 * end, before FIN: writes the record at the count of the buffer the head
 * names (re-read when its sequence changed) and store-releases count + 1.
 * No buffer, or a full one: counted dropped (and marked in the next
 * buffer's header: lost, lost_first, lost_last); a head naming no buffer
 * of this core: counted mismatch. Every call adds one to the pool's
 * total. The kind's buffer policy (layout policy) is carried out by the
 * core's AICPU owner, which rotates the buffers: it waits for one
 * (block) or reuses one (overwrite) before this core could need it.
 */
void fw_prof_record(struct fw_prof_core *st, uint32_t token,
		    uint64_t receive, uint64_t start, uint64_t end);

#endif /* PTO_FW_PROF_H */
