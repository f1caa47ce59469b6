/* SPDX-License-Identifier: MIT */
/*
 * A minimal JSON reader for tests: parses a whole file into a tree that
 * keeps object keys in file order and each number's text as written.
 */
#ifndef PTO_TEST_JSON_CHECK_H
#define PTO_TEST_JSON_CHECK_H

#include <stddef.h>

enum jc_type { JC_NULL, JC_BOOL, JC_NUM, JC_STR, JC_ARR, JC_OBJ };

struct jc_value {
	enum jc_type type;
	char *text;		/* string contents, or a number as written */
	double num;		/* a number's value; a bool: 1 true, 0 false */
	size_t len;		/* array items or object members */
	char **keys;		/* object keys, in order */
	struct jc_value **items;
};

/* The parsed file, or NULL if it cannot be read or is not valid JSON. */
struct jc_value *jc_parse_file(const char *path);
void jc_free(struct jc_value *v);

/* Member key of object v, NULL if absent or v is not an object. */
const struct jc_value *jc_get(const struct jc_value *v, const char *key);

#endif /* PTO_TEST_JSON_CHECK_H */
