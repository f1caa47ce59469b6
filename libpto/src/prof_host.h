/* SPDX-License-Identifier: MIT */
/*
 * Host-side profiling collector: streams full buffers out of a live
 * region (a mgmt thread recycling buffers, a poll thread copying
 * records), reconciles every pool kind at stop, and exports the records.
 */
#ifndef PTO_PROF_HOST_H
#define PTO_PROF_HOST_H

#include <stddef.h>
#include <stdint.h>

struct pto_prof_host;

/* Looks up a kernel's registered name (NULL: unknown). */
#include "prof_records.h"

/*
 * Starts collecting from the region at base (initialised by
 * pto_prof_region_init; the device side may open it before or after).
 * Takes the start clock anchor. -EINVAL when the header's layout is not
 * the one pto_prof_layout_compute() gives for its shape or exceeds size.
 */
int prof_host_start(void *base, size_t size, struct pto_prof_host **out);

/*
 * The same, writing a capture as the run goes (cap, created by the caller
 * and closed by it after prof_host_stop): REGION and the start CLOCK
 * samples now, each buffer as it arrives, then at stop the final REGION,
 * the stop CLOCK samples and the BOOKS. Unless keep_records, the collector keeps no
 * records (it counts and joins for the books; prof_host_export is then
 * -EINVAL: export the capture).
 */
struct prof_cap;
int prof_host_start_capture(void *base, size_t size, struct prof_cap *cap,
			    int keep_records, struct pto_prof_host **out);

/*
 * Test hook: while hold is set the collector takes no ready entry and
 * returns no buffer (a host that stalls); clearing it resumes. Any
 * thread; stop ends a hold.
 */
void prof_host_hold(struct pto_prof_host *h, int hold);

/*
 * The device's doorbell (prof_dev_set_doorbell; arg: the host): the
 * collector drains now instead of at its next idle tick.
 */
void prof_host_kick(void *arg);

/*
 * After every device thread has flushed and exited: stops the threads,
 * drains what is left, reconciles every pool kind. Prints one line per
 * kind unless quiet. Returns 0, or -EIO when a pool's books do not
 * balance or a buffer was left un-flushed (the error names the pool).
 */
int prof_host_stop(struct pto_prof_host *h, int quiet);

/*
 * Writes dir/l2_swimlane_records.json, dir/deps.json and
 * dir/name_map.json (creating dir). Returns 0 or a negative errno.
 */
int prof_host_export(struct pto_prof_host *h, const char *dir,
		     prof_name_fn func_name, void *ctx);

/*
 * The collected records and books once stopped (NULL while running).
 * Its mem.peak is the most memory the collector held for records, its
 * queues included, export buffers too once exported.
 */
const struct prof_records *prof_host_records(const struct pto_prof_host *h);

/*
 * Once stopped, with a capture: the collector's host spans (drain
 * passes, the stop) for the capture's HOST sections; *n of them.
 */
struct pto_cap_host_span;
const struct pto_cap_host_span *prof_host_spans(const struct pto_prof_host *h,
						size_t *n);

void prof_host_free(struct pto_prof_host *h);

/*
 * The export directory of a run: prefix when it is not NULL, else
 * outputs/<name>_<YYYYMMDD_HHMMSS> (local time). 0 or -ENAMETOOLONG.
 */
int prof_output_dir(char *buf, size_t len, const char *prefix,
		    const char *name);

#endif /* PTO_PROF_HOST_H */
