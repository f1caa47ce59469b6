// SPDX-License-Identifier: MIT
/* Loading a run's tensor dump (see pd_tdump.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pd_inputs.h"
#include "pd_json.h"
#include "pd_tdump.h"
#include "pto_capture.h"
#include "ptodump.h"

static int add(struct pd_tdump *t, const struct pto_tensor_dump *d,
	       uint64_t bin_offset)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct pd_tentry *e = realloc(t->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		t->e = e;
		t->cap = cap;
	}
	t->e[t->n].d = *d;
	t->e[t->n].d.data = NULL;
	t->e[t->n].bin_offset = bin_offset;
	t->n++;
	return 0;
}

/* ---- capture ------------------------------------------------------------ */

struct cap_walk {
	struct pd_tdump *t;
	uint64_t at;		/* bytes of the entries so far */
	size_t want;		/* pd_tdump_bytes: the entry, its index */
	size_t i;
	unsigned char *out;
};

static int cap_list(void *ctx, const struct pto_tensor_dump *d)
{
	struct cap_walk *w = ctx;
	int ret = add(w->t, d, w->at);

	w->at += d->dumped;
	return ret;
}

static int load_capture(struct pd_tdump *t, const char *path)
{
	struct pto_capture_info info = { .size = sizeof(info) };
	struct cap_walk w = { .t = t };
	pto_capture *c;
	int ret = pto_capture_open(path, NULL, &c);

	if (ret) {
		pd_err("%s: %s", path, pto_strerror(ret));
		return ret;
	}
	/* A run that died or hangs: what reached the file is listed. */
	if (!pto_capture_info(c, &info) && !info.complete)
		pd_warn("%s: incomplete capture (%s); listing what it holds",
			path, info.problem);
	snprintf(t->capture, sizeof(t->capture), "%s", path);
	ret = pto_capture_tensor_dumps(c, cap_list, &w);
	pto_capture_close(c);
	if (ret)
		pd_err("%s: tensor dump: %s", path, pto_strerror(ret));
	return ret;
}

static int cap_copy(void *ctx, const struct pto_tensor_dump *d)
{
	struct cap_walk *w = ctx;

	if (w->i++ != w->want)
		return 0;
	w->out = d->dumped ? malloc(d->dumped) : NULL;
	if (d->dumped && !w->out)
		return -ENOMEM;
	if (d->dumped)
		memcpy(w->out, d->data, d->dumped);
	return 1;		/* found: stop */
}

/* ---- manifest ------------------------------------------------------------ */

static int role_of(const char *s)
{
	return !strcmp(s, "in") ? PTO_TDUMP_ROLE_IN :
	       !strcmp(s, "out") ? PTO_TDUMP_ROLE_OUT :
	       !strcmp(s, "inout") ? PTO_TDUMP_ROLE_INOUT : -1;
}

static int dtype_of(const char *s)
{
	int i;

	for (i = 0; i < PTO_DTYPE_COUNT; i++)
		if (!strcmp(s, pto_dtype_name((enum pto_dtype)i)))
			return i;
	return -1;
}

/* One object of "tensors"; its '{' was just read. */
static int manifest_entry(struct pj *p, struct pd_tdump *t)
{
	struct pto_tensor_dump d = { .func_id = { PTO_FUNC_NONE,
						  PTO_FUNC_NONE,
						  PTO_FUNC_NONE } };
	uint64_t v, bin_offset = 0;
	int64_t func = -1;
	enum pj_tok k;
	char key[32];
	int x;

	while ((k = pj_next(p)) == PJ_KEY) {
		pj_copy(p, key, sizeof(key));
		k = pj_next(p);
		if (!strcmp(key, "role") || !strcmp(key, "stage") ||
		    !strcmp(key, "dtype")) {
			if (k != PJ_STR)
				return pj_fail(p, "%s: not a string", key);
			x = !strcmp(key, "role") ? role_of(p->str) :
			    !strcmp(key, "dtype") ? dtype_of(p->str) :
			    !strcmp(p->str, "before") ? 0 :
			    !strcmp(p->str, "after") ? 1 : -1;
			if (x < 0)
				return pj_fail(p, "%s \"%s\" unknown", key,
					       p->str);
			if (key[0] == 'r')
				d.role = (uint32_t)x;
			else if (key[0] == 'd')
				d.dtype = (uint32_t)x;
			else
				d.stage = (uint32_t)x;
		} else if (!strcmp(key, "truncated")) {
			if (k != PJ_TRUE && k != PJ_FALSE)
				return pj_fail(p, "truncated: not a boolean");
			d.truncated = k == PJ_TRUE;
		} else if (!strcmp(key, "func")) {
			if (pj_i64(p, k, key, &func))
				return -EINVAL;
		} else if (!strcmp(key, "tensor")) {
			if (k != PJ_STR)
				return pj_fail(p, "tensor: not a string");
			d.tensor = strtoull(p->str, NULL, 16);
		} else if (k == PJ_NUM) {
			if (pj_u64(p, k, key, &v))
				return -EINVAL;
			if (!strcmp(key, "task"))
				d.task_id = v;
			else if (!strcmp(key, "thread"))
				d.thread = (uint32_t)v;
			else if (!strcmp(key, "param"))
				d.arg = (uint32_t)v;
			else if (!strcmp(key, "offset"))
				d.offset = v;
			else if (!strcmp(key, "bytes"))
				d.bytes = v;
			else if (!strcmp(key, "lost"))
				d.lost = v;
			else if (!strcmp(key, "time"))
				d.time = v;
			else if (!strcmp(key, "bin_offset"))
				bin_offset = v;
			else if (!strcmp(key, "bin_size"))
				d.dumped = v;
		} else if (pj_skip(p, k)) {	/* "funcs" and the unknown */
			return -EINVAL;
		}
	}
	if (k != PJ_OBJ_END)
		return pj_fail(p, "a tensors entry is not an object");
	if (func >= 0)
		d.func_id[0] = (uint32_t)func;
	return add(t, &d, bin_offset) ? pj_fail(p, "out of memory") : 0;
}

static int load_manifest(struct pd_tdump *t, const char *dir)
{
	char path[4400];
	struct pj *p = calloc(1, sizeof(*p));
	enum pj_tok k;
	int ret;

	if (!p)
		return -ENOMEM;
	if (snprintf(path, sizeof(path), "%s/manifest.json", dir) >=
	    (int)sizeof(path) ||
	    snprintf(t->bin, sizeof(t->bin), "%s/tensors.bin", dir) >=
	    (int)sizeof(t->bin)) {
		pd_err("%s: path too long", dir);
		free(p);
		return -ENAMETOOLONG;
	}
	ret = pj_open(p, path);
	if (ret) {
		pd_err("%s", p->err);
		free(p);
		return ret;
	}
	ret = pj_expect(p, PJ_OBJ, "the manifest");
	while (!ret && (k = pj_next(p)) == PJ_KEY) {
		if (strcmp(p->str, "tensors")) {
			ret = pj_skip(p, pj_next(p));
			continue;
		}
		ret = pj_expect(p, PJ_ARR, "tensors");
		while (!ret && (k = pj_next(p)) == PJ_OBJ)
			ret = manifest_entry(p, t);
		if (!ret && k != PJ_ARR_END)
			ret = pj_fail(p, "tensors: not an array of objects");
	}
	if (ret || p->failed) {
		pd_err("%s", p->err);
		ret = -EINVAL;
	}
	pj_close(p);
	free(p);
	return ret;
}

/* ---- API --------------------------------------------------------------- */

static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int pd_tdump_load(struct pd_tdump *t, const char *path)
{
	char sub[4200];

	memset(t, 0, sizeof(*t));
	if (!is_dir(path))
		return load_capture(t, path);
	snprintf(sub, sizeof(sub), "%s/%s", path, PTO_CAP_FILE_NAME);
	if (pd_capture_is(sub))
		return load_capture(t, sub);
	snprintf(sub, sizeof(sub), "%s/tensor_dump", path);
	return load_manifest(t, is_dir(sub) ? sub : path);
}

void pd_tdump_free(struct pd_tdump *t)
{
	free(t->e);
	memset(t, 0, sizeof(*t));
}

int pd_tdump_bytes(const struct pd_tdump *t, size_t i, unsigned char **out)
{
	const struct pd_tentry *e = &t->e[i];
	struct cap_walk w = { .want = i };
	pto_capture *c;
	FILE *f;
	int ret;

	*out = NULL;
	if (t->capture[0]) {
		ret = pto_capture_open(t->capture, NULL, &c);
		if (!ret)
			ret = pto_capture_tensor_dumps(c, cap_copy, &w);
		pto_capture_close(c);
		*out = w.out;
		if (ret >= 0 && !w.out && e->d.dumped)
			ret = -EIO;	/* the capture changed since */
		if (ret < 0)
			pd_err("%s: entry %zu: %s", t->capture, i,
			       pto_strerror(ret));
		return ret < 0 ? ret : 0;
	}
	if (!e->d.dumped)
		return 0;
	*out = malloc(e->d.dumped);
	f = fopen(t->bin, "rb");
	if (!*out || !f || fseek(f, (long)e->bin_offset, SEEK_SET) ||
	    fread(*out, 1, e->d.dumped, f) != e->d.dumped) {
		pd_err("%s: %llu bytes at offset %llu: %s", t->bin,
		       (unsigned long long)e->d.dumped,
		       (unsigned long long)e->bin_offset,
		       f ? "cannot read them" : strerror(errno));
		free(*out);
		*out = NULL;
		ret = -EIO;
	} else {
		ret = 0;
	}
	if (f)
		fclose(f);
	return ret;
}
