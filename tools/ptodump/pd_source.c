// SPDX-License-Identifier: MIT
/*
 * Region source options shared by stat and snapshot.
 */
#include <errno.h>
#include <stdlib.h>

#include "pd_source.h"
#include "ptodump.h"

int pd_source_opt(struct pd_source *s, int c, const char *arg)
{
	unsigned long v;
	char *end;

	switch (c) {
	case 'r':
		s->file = arg;
		return 1;
	case 'd':
		s->node = arg;
		return 1;
	case 'i':
		errno = 0;
		v = strtoul(arg, &end, 0);
		if (errno || *end || !*arg || !v || v > UINT32_MAX) {
			pd_err("--id: '%s' is not a region id", arg);
			return -1;
		}
		s->id = (uint32_t)v;
		s->have_id = 1;
		return 1;
	default:
		return 0;
	}
}

int pd_source_check(const struct pd_source *s, int extra_args,
		    const char *cmd)
{
	if (extra_args) {
		pd_err("%s: unexpected argument", cmd);
		return -1;
	}
	if (!!s->file == !!s->have_id) {
		pd_err("%s: give exactly one of --region FILE and --id N", cmd);
		return -1;
	}
	if (s->node && !s->have_id) {
		pd_err("%s: --device needs --id", cmd);
		return -1;
	}
	return 0;
}

int pd_source_open(const struct pd_source *s, struct pd_region *r)
{
	int ret = s->file ? pd_region_load_file(r, s->file) :
		  pd_region_attach(r, s->id, s->node);

	if (ret) {
		if (s->file)
			pd_err("%s: %s", s->file, r->err);
		else
			pd_err("%s", r->err);
		pd_region_close(r);
		return -1;
	}
	return 0;
}
