/* SPDX-License-Identifier: MIT */
/*
 * ptodump convert --critical-path: the tasks of a critical path, and a
 * sink wrapped around the trace's sink that highlights them. Task slices
 * (AICore and AICPU views, told by their taskId argument) on the path
 * turn yellow and carry their step; the others are renamed "·(<label>)"
 * and greyed, so the path stands out in any zoom.
 */
#ifndef PD_CRIT_H
#define PD_CRIT_H

#include "pd_trace.h"

enum pd_crit_mode { PD_CRIT_OBSERVED, PD_CRIT_STATIC };

struct pd_crit {
	uint64_t *id;		/* path task ids, sorted */
	uint32_t *step;		/* step of id[i] along the path */
	size_t n;
};

/*
 * The observed (blame) path or the static path (report's "Critical
 * Path") of m. Re-sorts m->tasks. 0, -ELOOP (static: the edges form a
 * cycle) or -ENOMEM.
 */
int pd_crit_path(struct pd_model *m, const struct pd_deps *deps,
		 enum pd_crit_mode mode, struct pd_crit *out);
void pd_crit_free(struct pd_crit *c);

/* Wraps inner (closed with the wrapper); c must outlive the sink. NULL
 * on ENOMEM (inner untouched). */
struct pd_sink *pd_sink_crit_open(struct pd_sink *inner,
				  const struct pd_crit *c);

#endif /* PD_CRIT_H */
