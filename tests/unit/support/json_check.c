// SPDX-License-Identifier: MIT
/* Minimal JSON reader for tests; see json_check.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

struct jc_in {
	const char *p;
};

static struct jc_value *jc_value(struct jc_in *in);

static void jc_ws(struct jc_in *in)
{
	while (isspace((unsigned char)*in->p))
		in->p++;
}

static struct jc_value *jc_new(enum jc_type t)
{
	struct jc_value *v = calloc(1, sizeof(*v));

	if (v)
		v->type = t;
	return v;
}

static char *jc_string(struct jc_in *in)
{
	const char *s = ++in->p;
	char *out, *o;

	while (*in->p && *in->p != '"')
		in->p += *in->p == '\\' && in->p[1] ? 2 : 1;
	if (*in->p != '"')
		return NULL;
	out = o = malloc((size_t)(in->p - s) + 1);
	if (!out)
		return NULL;
	while (s < in->p) {
		if (*s == '\\') {
			s++;
			if (*s == 'u') {	/* tests only need \u00xx */
				*o++ = (char)strtol((char[]){ s[3], s[4], 0 },
						    NULL, 16);
				s += 5;
				continue;
			}
			*o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
			s++;
			continue;
		}
		*o++ = *s++;
	}
	*o = '\0';
	in->p++;
	return out;
}

static int jc_push(struct jc_value *v, char *key, struct jc_value *item)
{
	struct jc_value **items = realloc(v->items,
					  (v->len + 1) * sizeof(*items));
	char **keys;

	if (!items)
		return -1;
	v->items = items;
	if (v->type == JC_OBJ) {
		keys = realloc(v->keys, (v->len + 1) * sizeof(*keys));
		if (!keys)
			return -1;
		v->keys = keys;
		keys[v->len] = key;
	}
	items[v->len++] = item;
	return 0;
}

static struct jc_value *jc_container(struct jc_in *in, int obj)
{
	struct jc_value *v = jc_new(obj ? JC_OBJ : JC_ARR), *item;
	char close = obj ? '}' : ']', *key = NULL;

	in->p++;
	jc_ws(in);
	if (*in->p == close) {
		in->p++;
		return v;
	}
	for (;;) {
		jc_ws(in);
		if (obj) {
			if (*in->p != '"' || !(key = jc_string(in)))
				goto bad;
			jc_ws(in);
			if (*in->p++ != ':')
				goto bad;
		}
		item = jc_value(in);
		if (!item || jc_push(v, key, item)) {
			jc_free(item);
			goto bad;
		}
		key = NULL;
		jc_ws(in);
		if (*in->p == ',') {
			in->p++;
			continue;
		}
		if (*in->p++ == close)
			return v;
		goto bad;
	}
bad:
	free(key);
	jc_free(v);
	return NULL;
}

static struct jc_value *jc_value(struct jc_in *in)
{
	struct jc_value *v;
	char *end;

	jc_ws(in);
	switch (*in->p) {
	case '{':
		return jc_container(in, 1);
	case '[':
		return jc_container(in, 0);
	case '"':
		v = jc_new(JC_STR);
		if (v && !(v->text = jc_string(in))) {
			free(v);
			v = NULL;
		}
		return v;
	case 't':
	case 'f':
	case 'n':
		if (!strncmp(in->p, "true", 4) || !strncmp(in->p, "null", 4)) {
			v = jc_new(*in->p == 'n' ? JC_NULL : JC_BOOL);
			if (v)
				v->num = *in->p == 't';
			in->p += 4;
			return v;
		}
		if (!strncmp(in->p, "false", 5)) {
			in->p += 5;
			return jc_new(JC_BOOL);
		}
		return NULL;
	default:
		v = jc_new(JC_NUM);
		if (!v)
			return NULL;
		v->num = strtod(in->p, &end);
		if (end == in->p) {
			free(v);
			return NULL;
		}
		v->text = strndup(in->p, (size_t)(end - in->p));
		in->p = end;
		return v;
	}
}

struct jc_value *jc_parse_file(const char *path)
{
	FILE *f = fopen(path, "r");
	struct jc_value *v = NULL;
	struct jc_in in;
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		in.p = buf;
		v = jc_value(&in);
		jc_ws(&in);
		if (v && *in.p) {
			jc_free(v);
			v = NULL;
		}
	}
	free(buf);
	fclose(f);
	return v;
}

void jc_free(struct jc_value *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->len; i++) {
		jc_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
	free(v);
}

const struct jc_value *jc_get(const struct jc_value *v, const char *key)
{
	size_t i;

	if (!v || v->type != JC_OBJ)
		return NULL;
	for (i = 0; i < v->len; i++)
		if (!strcmp(v->keys[i], key))
			return v->items[i];
	return NULL;
}
