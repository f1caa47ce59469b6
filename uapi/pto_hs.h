/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * pto handshake region: per-core handshake blocks and the dispatch (DATA)
 * and condition (COND) "registers" through which an AICPU scheduler thread
 * drives one AICore.
 *
 * Layout: struct pto_hs_header, then struct pto_hs_core[num_cores].
 *
 * Writers (each cache line has one):
 *   line 0 of a core   AICPU: aicpu_ready, aicpu_regs_ready, prof_head_off
 *   line 1             AICore: aicore_regs_ready, aicore_done, physical id
 *   line 2 (DATA)      AICPU: dispatch token, AICPU_IDLE or EXIT_SIGNAL
 *   line 3 (COND)      AICore: ACK(token) / FIN(token), IDLE, EXITED
 *   payload[t & 1]     AICPU, only while token t's slot is free
 *
 * Memory ordering:
 *   dispatch: AICPU fills payload[t & 1], then store-release data = t;
 *             AICore load-acquires data and then reads the payload.
 *   ack/fin:  AICore store-release cond = ACK(t) after reading the payload
 *             (the AICPU may then reuse the other slot); after the kernel
 *             and its profiling record, store-release cond = FIN(t). The
 *             AICPU load-acquires cond before reading records or results.
 *   handshake: AICPU stores prof_head_off and payload, store-release
 *             aicpu_ready = 1; AICore load-acquires it. AICore stores its
 *             id, store-release aicore_regs_ready; AICPU load-acquires.
 *
 * At most one running and one pending task per core: the payload slot of
 * token t is t & 1, so a token is only reused after its slot was ACKed.
 */
#ifndef PTO_UAPI_HS_H
#define PTO_UAPI_HS_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/stddef.h>
#else
#include <stddef.h>
#endif

#ifdef __cplusplus
#define PTO_HS_STATIC_ASSERT(e, msg) static_assert(e, msg)
#else
#define PTO_HS_STATIC_ASSERT(e, msg) _Static_assert(e, msg)
#endif

#define PTO_HS_MAGIC		0x50544f48u	/* "PTOH" */

/* COND encoding: bit 31 = state (0 ACK, 1 FIN), bits 30..0 = token. */
#define PTO_COND_FIN_BIT	0x80000000u
#define PTO_TOKEN_MASK		0x7fffffffu
#define PTO_COND_ACK(t)		((__u32)(t) & PTO_TOKEN_MASK)
#define PTO_COND_FIN(t)		(PTO_COND_ACK(t) | PTO_COND_FIN_BIT)
#define PTO_COND_IS_FIN(v)	(((v) & PTO_COND_FIN_BIT) != 0)
#define PTO_COND_TOKEN(v)	((v) & PTO_TOKEN_MASK)

/* Reserved tokens; valid dispatch tokens are 1..PTO_TOKEN_EXIT_SIGNAL-1. */
#define PTO_TOKEN_AICORE_IDLE	0x7fffffffu
#define PTO_TOKEN_AICORE_EXIT	0x7ffffffeu
#define PTO_TOKEN_AICPU_IDLE	0x7ffffffdu
#define PTO_TOKEN_EXIT_SIGNAL	0x7ffffff0u
#define PTO_COND_AICORE_IDLE	PTO_COND_FIN(PTO_TOKEN_AICORE_IDLE)
#define PTO_COND_AICORE_EXITED	PTO_COND_FIN(PTO_TOKEN_AICORE_EXIT)
/* Token skip at the reserved range: even, so payload parity is kept. */
#define PTO_TOKEN_WRAP_SKIP	16

#define PTO_MAX_TASK_ARGS	16

/* Subslots of a block (cluster). */
#define PTO_SUBSLOT_AIC		0
#define PTO_SUBSLOT_AIV0	1
#define PTO_SUBSLOT_AIV1	2

/* What one dispatch runs: written by AICPU, read by AICore. */
struct pto_hs_payload {
	__u64 task_id;
	__u32 func_id;
	__u32 num_args;
	__u32 block_idx;
	__u32 block_num;
	__u32 sub_block_id;	/* 0 for AIV0, 1 for AIV1 */
	__u32 flags;
	__u64 args[PTO_MAX_TASK_ARGS]; /* device addresses or scalars */
	__u64 _pad[4];
};

struct pto_hs_core {
	/* line 0: AICPU */
	__u32 aicpu_ready;
	__u32 aicpu_regs_ready;
	__u32 core_type;	/* PTO_CORE_TYPE_* */
	__u32 core_index;	/* logical worker index */
	__u64 prof_head_off;	/* AICore active head in the profiling
				 * region; 0 when AICore timing is off
				 */
	__u64 _pad0[5];
	/* line 1: AICore */
	__u32 aicore_regs_ready;
	__u32 aicore_done;
	__u32 physical_core_id;
	__u32 _pad1[13];
	/* line 2: DATA register, AICPU */
	__u32 data;
	__u32 _pad2[15];
	/* line 3: COND register, AICore */
	__u32 cond;
	__u32 _pad3[15];
	/* lines 4..9: dual payload, slot = token & 1 */
	struct pto_hs_payload payload[2];
};

struct pto_hs_header {
	__u32 magic;		/* PTO_HS_MAGIC */
	__u32 abi_version;	/* PTO_ABI_VERSION of pto_prof.h */
	__u32 num_cores;
	__u32 core_size;	/* sizeof(struct pto_hs_core) */
	__u32 prof_region_id;	/* region whose heads were published, or 0 */
	__u32 _pad0;
	__u64 _pad1[5];
};

/* Bytes of a handshake region for n cores. */
#define PTO_HS_REGION_SIZE(n) \
	(sizeof(struct pto_hs_header) + (__u64)(n) * sizeof(struct pto_hs_core))

PTO_HS_STATIC_ASSERT(sizeof(struct pto_hs_payload) == 192, "ABI");
PTO_HS_STATIC_ASSERT(offsetof(struct pto_hs_payload, args) == 32, "ABI");
PTO_HS_STATIC_ASSERT(sizeof(struct pto_hs_core) == 640, "ABI");
PTO_HS_STATIC_ASSERT(offsetof(struct pto_hs_core, aicore_regs_ready) == 64,
		     "ABI");
PTO_HS_STATIC_ASSERT(offsetof(struct pto_hs_core, data) == 128, "ABI");
PTO_HS_STATIC_ASSERT(offsetof(struct pto_hs_core, cond) == 192, "ABI");
PTO_HS_STATIC_ASSERT(offsetof(struct pto_hs_core, payload) == 256, "ABI");
PTO_HS_STATIC_ASSERT(sizeof(struct pto_hs_header) == 64, "ABI");

#endif /* PTO_UAPI_HS_H */
