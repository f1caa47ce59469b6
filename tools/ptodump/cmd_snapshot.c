// SPDX-License-Identifier: MIT
/*
 * ptodump snapshot: every record still in a region's buffers ->
 * l2_swimlane_records.json (+ deps.json, name_map.json): the region is
 * validated here (every message names what is wrong), then read and
 * exported by libpto's public reader, the writer a run uses.
 *
 * Buffers sitting in a free queue are empty by protocol and skipped; every
 * other buffer (active, handed over in a ready queue, or with the host)
 * contributes its count records, each checked before use.
 *
 * --region FILE may also be a capture file (capture.ptocap): its JSON set
 * is written through libpto's public reader.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_inputs.h"
#include "pd_model.h"
#include "pd_region.h"
#include "pd_source.h"
#include "pto_capture.h"
#include "pto_reader.h"
#include "ptodump.h"

static const char snapshot_usage[] =
"usage: ptodump snapshot (--region FILE | --id N [--device NODE]) [options]\n"
"Writes the records of a profiling region as l2_swimlane_records.json,\n"
"deps.json and name_map.json (and pmu.csv with PMU records), the files\n"
"a profiled run exports.\n"
"  -r, --region FILE     a raw region dump, or a capture file\n"
"  -i, --id N            a live or retained region of the pto driver\n"
"  -d, --device NODE     the render node (default: the pto node with\n"
"                        region N; ids are per device)\n"
"  -o, --output DIR      output directory (default: .)\n"
"      --func-names FILE name map {\"callable_id_to_name\": {...}}\n"
"  -h, --help            this text\n";

/* The enumerated field of record x of kind, and whether v is valid. */
static const char *enum_field(uint32_t k, const void *recs, uint32_t x,
			      uint32_t *v, int *ok)
{
	switch (k) {
	case PTO_BUF_AICPU_TASK:
		*v = ((const struct pto_aicpu_task_record *)recs)[x].core_type;
		*ok = *v <= PTO_CORE_TYPE_AIV;
		return "core_type";
	case PTO_BUF_SCHED_PHASE:
		*v = ((const struct pto_sched_phase_record *)recs)[x].kind;
		*ok = pto_sched_phase_name(*v) != NULL;
		return "kind";
	case PTO_BUF_ORCH_PHASE:
		*v = ((const struct pto_orch_phase_record *)recs)[x].kind;
		*ok = pto_orch_phase_name(*v) != NULL;
		return "kind";
	case PTO_BUF_DEP_EDGE:
		*v = ((const struct pto_dep_edge_record *)recs)[x].source;
		*ok = *v <= PTO_DEP_SRC_EXPLICIT;
		return "source";
	case PTO_BUF_PMU:
		*v = ((const struct pto_pmu_record *)recs)[x].core_type;
		*ok = *v <= PTO_CORE_TYPE_AIV;
		return "core_type";
	default:
		return NULL;
	}
}

/* Checks the enumerated fields of n records of kind. */
static int check_records(struct pd_region *r, uint32_t k, uint32_t pool,
			 const void *recs, uint32_t n)
{
	const char *field;
	uint32_t x, v;
	int ok;

	for (x = 0; x < n; x++) {
		field = enum_field(k, recs, x, &v, &ok);
		if (!field)
			return 0;
		if (!ok) {
			snprintf(r->err, sizeof(r->err), "%s pool %u record %u: "
				 "%s %u out of range", pd_kind_name(k), pool, x,
				 field, v);
			return -EINVAL;
		}
	}
	return 0;
}

/* Marks in *free_mask the buffers of pool i sitting in its free queue. */
static int free_buffers(struct pd_region *r, uint32_t k, uint32_t i,
			uint32_t *free_mask)
{
	const struct pto_pool *p = pd_pool(r, k, i);
	const struct pto_prof_kind_layout *kl = &r->h->layout.kind[k];
	uint32_t head = PD_LOAD(&p->free_queue.head);
	uint32_t tail = PD_LOAD(&p->free_queue.tail), n;
	char where[64];

	*free_mask = 0;
	snprintf(where, sizeof(where), "%s pool %u free queue",
		 pd_kind_name(k), i);
	if (pd_queue_depth(r, head, tail, PTO_FREE_QUEUE_SLOTS, where, &n))
		return -EINVAL;
	for (; head != tail; head++) {
		uint64_t off = PD_LOAD(&p->free_queue.slots[head &
					 (PTO_FREE_QUEUE_SLOTS - 1)]);

		snprintf(where, sizeof(where), "%s pool %u free slot %u",
			 pd_kind_name(k), i, head);
		if (pd_check_buf_off(r, k, i, off, 0, where))
			return -EINVAL;
		*free_mask |= 1u << ((off - pd_buf_off(r, k, i, 0)) /
				     kl->buf_size);
	}
	return 0;
}

/* Checks every counted buffer of kind (a copy of it, then its records). */
static int check_kind(struct pd_region *r, uint32_t k, void *copy)
{
	const struct pto_prof_kind_layout *kl = &r->h->layout.kind[k];
	uint32_t i, j, n, free_mask;
	const void *recs;

	for (i = 0; i < kl->buf_pools; i++) {
		if (free_buffers(r, k, i, &free_mask))
			return -EINVAL;
		for (j = 0; j < kl->buffers_per_pool; j++) {
			if (free_mask & (1u << j))
				continue;
			if (pd_buffer(r, k, i, j, &recs, &n))
				return -EINVAL;
			memcpy(copy, recs, (size_t)n * kl->record_size);
			if (check_records(r, k, i, copy, n))
				return -EINVAL;
		}
	}
	return 0;
}

static int check_all(struct pd_region *r)
{
	uint32_t k;
	void *copy;
	int ret;

	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		const struct pto_prof_kind_layout *kl = &r->h->layout.kind[k];

		if (!kl->pool_off)
			continue;
		/* Records are 64-byte aligned types (pto_prof.h). */
		copy = aligned_alloc(64, ((size_t)kl->records_per_buffer *
					  kl->record_size + 63) & ~(size_t)63);
		if (!copy) {
			snprintf(r->err, sizeof(r->err), "out of memory");
			return -ENOMEM;
		}
		ret = check_kind(r, k, copy);
		free(copy);
		if (ret)
			return ret;
	}
	return 0;
}

/* The checked region's records through libpto's reader into dir. */
static int export_region(struct pd_region *r, const struct pd_names *nm,
			 const char *dir)
{
	pto_capture *c;
	size_t i;
	int ret = pto_capture_open_region(r->base, r->size, NULL, &c);

	if (ret) {
		pd_err("reading the region: %s", pto_strerror(ret));
		return ret;
	}
	for (i = 0; !ret && i < nm->n; i++)
		if (nm->v[i].id < PTO_MAX_FUNCS)
			ret = pto_capture_set_func_name(c, nm->v[i].id,
							nm->v[i].name);
	if (!ret && nm->orch_name)
		ret = pto_capture_set_func_name(c, PTO_CAPTURE_ORCHESTRATOR,
						nm->orch_name);
	if (!ret)
		ret = pto_capture_export_json(c, dir);
	pto_capture_close(c);
	if (ret)
		pd_err("export to %s: %s", dir, pto_strerror(ret));
	return ret;
}

/* A capture file's JSON set, as the run that wrote it would write it. */
static int snapshot_capture(const char *path, const char *dir)
{
	if (pd_capture_export(path, dir, PTO_CAPTURE_RECORDS_JSON, "writing"))
		return PD_EXIT_ERR;
	printf("%s/l2_swimlane_records.json\n", dir);
	return PD_EXIT_OK;
}


int pd_cmd_snapshot(int argc, char **argv)
{
	static const struct option opts[] = {
		PD_SOURCE_LONG,
		{ "output", required_argument, NULL, 'o' },
		{ "func-names", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = ".", *names_path = NULL;
	struct pd_source src = { 0 };
	struct pd_names names = { 0 };
	struct pd_region r;
	char msg[600];
	int c, ret;

	while ((c = getopt_long(argc, argv, PD_SOURCE_SHORT "o:h", opts,
				NULL)) != -1) {
		int s = pd_source_opt(&src, c, optarg);

		if (s < 0)
			return PD_EXIT_USAGE;
		if (s)
			continue;
		switch (c) {
		case 'o': dir = optarg; break;
		case 'n': names_path = optarg; break;
		case 'h':
			fputs(snapshot_usage, stdout);
			return PD_EXIT_OK;
		default:
			return pd_usage_error("snapshot");
		}
	}
	if (pd_source_check(&src, argc - optind, "snapshot"))
		return pd_usage_error("snapshot");
	if (src.file && pd_file_magic(src.file) == PTO_CAP_MAGIC)
		return snapshot_capture(src.file, dir);
	if (names_path && pd_names_load(&names, names_path, msg, sizeof(msg))) {
		pd_err("%s", msg);
		return PD_EXIT_ERR;
	}
	if (pd_source_open(&src, &r)) {
		pd_names_free(&names);
		return PD_EXIT_ERR;
	}
	ret = check_all(&r);
	if (ret)
		pd_err("%s", r.err);
	else
		ret = export_region(&r, &names, dir);
	if (!ret)
		printf("%s/l2_swimlane_records.json\n", dir);
	pd_region_close(&r);
	pd_names_free(&names);
	return ret ? PD_EXIT_ERR : PD_EXIT_OK;
}
