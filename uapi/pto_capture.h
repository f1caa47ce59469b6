/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * pto capture file (capture.ptocap): what a profiled run collected, in
 * one binary file, written by the host collector while the run is live.
 * JSON and Perfetto traces are conversions of it.
 *
 * Layout: a file header, then sections back to back until the end of
 * the file:
 *
 *   [ pto_cap_file_header | section | section | ... | END section ]
 *   section = [ pto_cap_section | payload (length bytes) ]
 *
 * Every integer is little-endian. Every section starts at a multiple of
 * 8 bytes and its payload length is a multiple of 8 (payloads are zero
 * padded). Nothing in the file is an address or an offset into it: each
 * section stands alone, so a file cut after any section is a valid
 * prefix. The writer appends sections as buffers arrive; a run that dies
 * leaves every section it wrote whole plus at most one cut section,
 * which a reader reports (with its offset) and ignores.
 *
 * Validation, by every reader: the file header's magic, version, sizes
 * and checksum; per section, the header checksum (hsum) before trusting
 * type or length, then length against the file's remaining bytes and the
 * section type's limits, then the payload checksum (sum). A reader that
 * finds a section it does not know skips it (its length was validated);
 * one that finds a bad section stops there, naming the offset, and keeps
 * what came before.
 *
 * Sections, in the order the collector writes them:
 *
 *   REGION  the profiling region's header up to its ready queues
 *           (struct pto_prof_header bytes [0, PTO_CAP_REGION_BYTES)):
 *           layout, level, dfx_flags, counter frequency, core_to_thread,
 *           thread counts, the clock pairs. Written at start and again at
 *           stop (the AICPU side fills part of it at run start): a reader
 *           uses the last one. At least one precedes every BUFFER.
 *   RUN     struct pto_cap_run: the run's configuration and core types.
 *   CLOCK   struct pto_cap_clock: one sample of a clock anchor: host
 *           CLOCK_MONOTONIC before the device counter read, the counter,
 *           and the round trip to the host read after it. A run writes
 *           the REGION's sync_samples of them at start and as many at
 *           stop, in the order taken; the one with the smallest round
 *           trip (the first of equals) is the anchor. Captures whose
 *           REGION has sync_samples 0 (ABI minor < 4) hold one pair per
 *           position, rtt_ns 0 meaning unknown. A reader that keeps one
 *           pair per position may keep the last one: a valid sample.
 *   BUFFER  struct pto_cap_buffer + count records: one device buffer's
 *           records exactly as the host took them, in arrival order,
 *           without the 32-bit words that are zero in every record of
 *           the buffer: word i (bytes 4i..4i+3) of a record is stored
 *           when bit i of word_mask is set, and each record is its stored
 *           words in order (popcount(word_mask) * 4 bytes; the records
 *           are padded to 8 bytes as a whole). A word left out is zero.
 *           Dependency edges are the PTO_BUF_DEP_EDGE kind's buffers.
 *   LOSS    struct pto_cap_loss: the loss marker and block wait a
 *           buffer carried (its header's lost, lost_first/last,
 *           wait_start/end), written before that buffer's BUFFER
 *           section (or alone, for a buffer with no records), only
 *           when one of them is not 0.
 *   BOOKS   struct pto_cap_books[n]: every pool's device counters
 *           (total, dropped, mismatch, overwritten) at stop. collected
 *           is what the BUFFER sections hold.
 *   NAMES   struct pto_cap_name + name bytes (padded to 8), repeated:
 *           the kernel names; func_id PTO_CAP_NAME_ORCHESTRATOR names the
 *           orchestrator.
 *   HOST    struct pto_cap_host_span[n]: what the host did, on its
 *           CLOCK_MONOTONIC (pto_run, the collector's drain passes and
 *           stop), written after the run; placed on the device's
 *           timeline through the anchors. Older readers skip it.
 *   PMU     struct pto_cap_pmu: the PMU counters a PTO_DFX_PMU run
 *           counts (the columns of its records) and why each other one
 *           is absent. Written after RUN (before the first REGION).
 *   END     struct pto_cap_end: the capture is complete.
 */
#ifndef PTO_UAPI_CAPTURE_H
#define PTO_UAPI_CAPTURE_H

#include <linux/types.h>

#include "pto_prof.h"

#define PTO_CAP_MAGIC		0x31305041434f5450ull	/* "PTOCAP01" */
#define PTO_CAP_VERSION		2	/* 2: BOOKS entries carry
					 * overwritten (version 1: 32-byte
					 * entries without it); LOSS
					 */
#define PTO_CAP_FILE_NAME	"capture.ptocap"

/* Largest payload a reader accepts (a section is at most one buffer). */
#define PTO_CAP_MAX_PAYLOAD	(64ull << 20)

struct pto_cap_file_header {
	__u64 magic;		/* PTO_CAP_MAGIC */
	__u32 version;		/* PTO_CAP_VERSION */
	__u32 header_size;	/* sizeof(struct pto_cap_file_header) */
	__u32 section_size;	/* sizeof(struct pto_cap_section) */
	__u32 abi_version;	/* PTO_ABI_VERSION of the records */
	__u64 _pad[4];		/* zero */
	__u64 sum;		/* pto_cap_sum of the 56 bytes above */
};

enum pto_cap_type {
	PTO_CAP_SEC_REGION = 1,
	PTO_CAP_SEC_RUN = 2,
	PTO_CAP_SEC_CLOCK = 3,
	PTO_CAP_SEC_BUFFER = 4,
	PTO_CAP_SEC_BOOKS = 5,
	PTO_CAP_SEC_NAMES = 6,
	PTO_CAP_SEC_END = 7,
	PTO_CAP_SEC_HOST = 8,	/* ABI minor 4 */
	PTO_CAP_SEC_LOSS = 9,	/* capture version 2 */
	PTO_CAP_SEC_PMU = 10,	/* ABI minor 7 */
};

struct pto_cap_section {
	__u32 type;		/* PTO_CAP_SEC_* */
	__u32 flags;		/* zero */
	__u64 length;		/* payload bytes, a multiple of 8 */
	__u64 sum;		/* pto_cap_sum of the payload */
	__u64 hsum;		/* pto_cap_sum of the 24 bytes above */
};

/* REGION: the region header's bytes before its ready queues. */
#define PTO_CAP_REGION_BYTES	offsetof(struct pto_prof_header, ready)

#define PTO_CAP_NAME_LEN	64	/* run name bytes, NUL padded */

struct pto_cap_run {
	__u32 backend;		/* 1 sim, 2 drm (enum pto_backend) */
	__u32 blocks;		/* blocks used */
	__u32 num_cores;
	__u32 schedulers;
	__u32 aicpu_threads;
	__u32 orch_to_sched;
	__u32 wiring;		/* enum pto_wiring_mode */
	__u32 task_window;
	__u64 heap_size;
	__u32 dep_pool;
	__u32 _pad0;
	__u64 counter_freq_hz;	/* the device's */
	__u8 core_type[PTO_MAX_CORES];	/* PTO_CORE_TYPE_* per core */
	char name[PTO_CAP_NAME_LEN];	/* run name, NUL padded */
};

#define PTO_CAP_CLOCK_START	0
#define PTO_CAP_CLOCK_STOP	1

/* Samples per anchor a reader accepts; the collector takes 5. */
#define PTO_CAP_CLOCK_MAX_SAMPLES 16

struct pto_cap_clock {
	__u32 when;		/* PTO_CAP_CLOCK_* */
	__u32 rtt_ns;		/* host after - host_ns (ABI minor 4;
				 * saturates), 0 before
				 */
	__u64 host_ns;		/* CLOCK_MONOTONIC before the counter read */
	__u64 counter;		/* device counter read with it */
};

/* Host span kinds (pto_cap_host_span.kind). */
#define PTO_HOST_SPAN_RUN	0	/* pto_run: entry to the device's end */
#define PTO_HOST_SPAN_SETUP	1	/* pto_run: entry to device start */
#define PTO_HOST_SPAN_DRAIN	2	/* a collector pass that moved
					 * buffers (arg: buffers moved)
					 */
#define PTO_HOST_SPAN_STOP	3	/* collector stop: final drain, books */
#define PTO_HOST_SPAN_KINDS	4

/* Host threads (pto_cap_host_span.thread). */
#define PTO_HOST_THREAD_RUN	0	/* the thread that called pto_run */
#define PTO_HOST_THREAD_MGMT	1	/* the collector's mgmt thread */

struct pto_cap_host_span {
	__u64 start_ns;		/* CLOCK_MONOTONIC */
	__u64 end_ns;
	__u32 kind;		/* PTO_HOST_SPAN_* */
	__u32 thread;		/* PTO_HOST_THREAD_* */
	__u64 arg;
};

struct pto_cap_buffer {
	__u32 kind;		/* PTO_BUF_* */
	__u32 pool;		/* core for per-core kinds, else thread */
	__u32 seq;		/* the buffer's publication sequence */
	__u32 count;		/* records that follow */
	__u32 record_size;	/* the kind's record size, <= 128 */
	__u32 word_mask;	/* 32-bit words stored per record */
};

struct pto_cap_books {
	__u32 kind;
	__u32 pool;
	__u64 total;
	__u64 dropped;
	__u64 mismatch;
	__u64 overwritten;	/* version 2 */
};

/* A version 1 BOOKS entry: the fields before overwritten. */
#define PTO_CAP_BOOKS_V1_SIZE	32

struct pto_cap_loss {
	__u32 kind;
	__u32 pool;
	__u32 seq;		/* the buffer's */
	__u32 lost;		/* records of the pool lost just before it */
	__u64 lost_first;	/* device times of the first and last */
	__u64 lost_last;
	__u64 wait_start;	/* block policy: the wait for the buffer */
	__u64 wait_end;
};

#define PTO_CAP_NAME_ORCHESTRATOR	0xffffffffu

struct pto_cap_name {
	__u32 func_id;
	__u32 len;		/* name bytes that follow (no NUL) */
};

struct pto_cap_pmu {
	__u32 counters;		/* bit PTO_PMU_*: counted */
	__u32 user_only;	/* 1: user-mode counts only (paranoid) */
	__s32 error[PTO_PMU_SLOTS]; /* absent counter: -errno, else 0 */
};

struct pto_cap_end {
	__u64 sections;		/* sections before this one */
	__u64 records;		/* records in BUFFER sections */
	__s32 status;		/* 0, or the collector's negative errno */
	__u32 _pad;
};

PTO_STATIC_ASSERT(sizeof(struct pto_cap_file_header) == 64, "cap header");
PTO_STATIC_ASSERT(sizeof(struct pto_cap_section) == 32, "cap section");
PTO_STATIC_ASSERT(sizeof(struct pto_cap_run) == 56 + PTO_MAX_CORES +
		  PTO_CAP_NAME_LEN, "cap run");
PTO_STATIC_ASSERT(sizeof(struct pto_cap_run) % 8 == 0, "cap run pad");
PTO_STATIC_ASSERT(sizeof(struct pto_cap_clock) == 24, "cap clock");
PTO_STATIC_ASSERT(sizeof(struct pto_cap_host_span) == 32, "cap host span");
PTO_STATIC_ASSERT(sizeof(struct pto_cap_buffer) == 24, "cap buffer");
PTO_STATIC_ASSERT(sizeof(struct pto_cap_books) == 40, "cap books");
PTO_STATIC_ASSERT(offsetof(struct pto_cap_books, overwritten) ==
		  PTO_CAP_BOOKS_V1_SIZE, "cap books v1");
PTO_STATIC_ASSERT(sizeof(struct pto_cap_loss) == 48, "cap loss");
PTO_STATIC_ASSERT(sizeof(struct pto_cap_name) == 8, "cap name");
PTO_STATIC_ASSERT(sizeof(struct pto_cap_end) == 24, "cap end");
PTO_STATIC_ASSERT(sizeof(struct pto_cap_pmu) == 56, "cap pmu");
PTO_STATIC_ASSERT(PTO_CAP_REGION_BYTES % 8 == 0, "cap region");

/*
 * The checksum of every header and payload: four 64-bit lanes over
 * 32-byte blocks, one lane over the 8-byte words left, each word w
 * folded as h = (h ^ w) * PTO_CAP_SUM_MUL; h ^= h >> 29. len is a
 * multiple of 8 and p is 8-byte aligned.
 */
#define PTO_CAP_SUM_MUL		0x9e3779b97f4a7c15ull

static inline __u64 pto_cap_fold(__u64 h, __u64 w)
{
	h = (h ^ w) * PTO_CAP_SUM_MUL;
	return h ^ (h >> 29);
}

static inline __u64 pto_cap_sum(const void *p, __u64 len)
{
	const __u64 *w = (const __u64 *)p;
	__u64 n = len / 8, i = 0;
	__u64 a = 1, b = 2, c = 3, d = 4;

	for (; i + 4 <= n; i += 4) {
		a = pto_cap_fold(a, w[i]);
		b = pto_cap_fold(b, w[i + 1]);
		c = pto_cap_fold(c, w[i + 2]);
		d = pto_cap_fold(d, w[i + 3]);
	}
	for (; i < n; i++)
		a = pto_cap_fold(a, w[i]);
	a = pto_cap_fold(a, b);
	a = pto_cap_fold(a, c);
	a = pto_cap_fold(a, d);
	return pto_cap_fold(a, len);
}

#endif /* PTO_UAPI_CAPTURE_H */
