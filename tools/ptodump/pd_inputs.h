/* SPDX-License-Identifier: MIT */
/*
 * The inputs convert and report share: a records file, its deps.json
 * (explicit, or the sibling file when it exists) and a name map
 * (explicit, or the sibling name_map.json when it exists).
 */
#ifndef PD_INPUTS_H
#define PD_INPUTS_H

#include "pd_clock.h"
#include "pd_model.h"
#include "pd_progress.h"

struct pd_inputs {
	struct pd_model m;
	struct pd_deps deps;
	struct pd_names names;
	int have_deps, have_names;
	char deps_path[4096];
	/*
	 * The clock anchors (have_clock), judged against
	 * PD_CLOCK_MAX_UNCERTAINTY_NS: a capture's, or a records JSON's
	 * "clock_anchors". A capture's also: its host spans and the device
	 * counter value of time 0 (model times are microseconds from it;
	 * a records JSON holds neither: 0).
	 */
	int have_clock;
	struct pd_clock clock;
	struct pto_cap_host_span *host;
	size_t nhost, cap_host;
	uint64_t time_base;
};

/*
 * Loads everything; deps_path / names_path may be NULL (siblings). A
 * missing sibling deps.json is a warning; any unreadable or malformed
 * file is an error (message printed). Returns 0 or PD_EXIT_ERR.
 */
int pd_inputs_load(struct pd_inputs *in, const char *records,
		   const char *deps_path, const char *names_path,
		   struct pd_progress *prog);
void pd_inputs_free(struct pd_inputs *in);

/*
 * A capture file or raw region dump (pd_capture_is: by its magic) read
 * through libpto's reader into the same inputs: model, edges, names.
 * Returns 0 or PD_EXIT_ERR (message printed); a capture cut short is a
 * warning and loads its valid prefix. prog (may be NULL) advances to one
 * half as the tasks load.
 */
int pd_capture_is(const char *path);
/* The first 8 bytes of path (little-endian), 0 when unreadable. */
uint64_t pd_file_magic(const char *path);
int pd_capture_load(struct pd_inputs *in, const char *path,
		    struct pd_progress *prog);
/*
 * What pd_capture_load takes from an open capture besides the records:
 * its clock anchors into in->clock (have_clock set) and its host spans
 * into in->host. 0 or -ENOMEM.
 */
int pd_capture_clock(struct pd_inputs *in, pto_capture *c);
/*
 * libpto's export of the capture (or region dump) at path: its sets
 * (PTO_CAPTURE_*_JSON, with deps.json and name_map.json) into dir. An
 * incomplete capture exports what precedes its problem, which a warning
 * says ("<verb> what precedes it"). PD_EXIT_OK, or PD_EXIT_ERR with the
 * error printed.
 */
int pd_capture_export(const char *path, const char *dir, unsigned int sets,
		      const char *verb);

/* dir/name next to path into out. */
void pd_sibling(const char *path, const char *name, char *out, size_t len);

#endif /* PD_INPUTS_H */
