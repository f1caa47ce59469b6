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

/* Writes a microsecond value with the 3 decimals of the records schema. */
void json_us(FILE *f, double us);

/* mkdir -p; 0 or a negative errno. */
int json_mkdirs(const char *dir);

#endif /* PTO_JSON_OUT_H */
