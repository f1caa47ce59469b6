/* SPDX-License-Identifier: MIT */
/* A few helpers for writing JSON files as a stream (no DOM, no buffer). */
#ifndef PTO_JSON_OUT_H
#define PTO_JSON_OUT_H

#include <stdio.h>

/* Opens dir/name for writing; NULL with errno set on failure. */
FILE *json_open(const char *dir, const char *name);

/* Closes f; -EIO if anything written to it failed, else 0. */
int json_close(FILE *f);

/* Writes s as a quoted JSON string (escaping quotes, \ and controls). */
void json_string(FILE *f, const char *s);

/* mkdir -p; 0 or a negative errno. */
int json_mkdirs(const char *dir);

/*
 * A line of JSON built in memory without printf (the exports write
 * millions of them): append pieces, then json_line_put writes it out.
 * The caller keeps a line under JSON_LINE_MAX bytes.
 */
#define JSON_LINE_MAX	1024

struct json_line {
	size_t n;
	char b[JSON_LINE_MAX];
};

void json_line_str(struct json_line *l, const char *s);
void json_line_u64(struct json_line *l, unsigned long long v);
void json_line_i64(struct json_line *l, long long v);
/* A microsecond value with the 3 decimals of the records schema:
 * exactly what printf "%.3f" writes. */
void json_line_us(struct json_line *l, double us);
/* Writes the line to f and empties it. */
void json_line_put(struct json_line *l, FILE *f);

#endif /* PTO_JSON_OUT_H */
