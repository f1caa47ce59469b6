/* SPDX-License-Identifier: MIT */
/*
 * A streaming JSON tokenizer (pull parser). It reads a file through a
 * fixed buffer and returns one token at a time, checking the grammar as it
 * goes (nesting, commas, colons, number syntax, escapes, UTF-8 of \u
 * escapes). Nothing is kept but the current token, so arbitrarily large
 * arrays stream in constant memory. Every error is sticky and carries
 * "<file>:<line>:<col>: <what>".
 */
#ifndef PD_JSON_H
#define PD_JSON_H

#include <stdint.h>
#include <stdio.h>

enum pj_tok {
	PJ_ERR = -1,
	PJ_EOF = 0,
	PJ_OBJ,		/* { */
	PJ_OBJ_END,	/* } */
	PJ_ARR,		/* [ */
	PJ_ARR_END,	/* ] */
	PJ_KEY,		/* object key; text in p->str */
	PJ_STR,		/* string value; text in p->str */
	PJ_NUM,		/* number; its text in p->str */
	PJ_TRUE,
	PJ_FALSE,
	PJ_NULL,
};

#define PJ_MAX_DEPTH	64
#define PJ_MAX_STR	4096

struct pj {
	FILE *f;
	const char *name;
	unsigned char buf[1 << 16];
	size_t pos, len;
	uint64_t consumed;	/* bytes read so far */
	uint64_t line, col;	/* of the next byte */
	uint64_t last_line, last_col; /* of the last byte read */
	int eof;
	int depth;
	char stack[PJ_MAX_DEPTH];	/* '{' or '[' */
	int state;			/* what may come next */
	char str[PJ_MAX_STR + 1];
	size_t slen;
	char err[512];
	int failed;
};

/* Opens path for reading; -errno with p->err set on failure. */
int pj_open(struct pj *p, const char *path);
void pj_close(struct pj *p);

/* The next token; PJ_ERR (p->err set) on malformed input. */
enum pj_tok pj_next(struct pj *p);

/* Skips the rest of the value whose first token t was just returned. */
int pj_skip(struct pj *p, enum pj_tok t);

/* Records an error at the current position (first error wins); -EINVAL. */
int pj_fail(struct pj *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Conversions of the current PJ_NUM (or, for pj_u64, a PJ_STR holding a
 * decimal, as deps.json writes ids): -EINVAL with p->err naming what.
 */
int pj_u64(struct pj *p, enum pj_tok t, const char *what, uint64_t *out);
int pj_i64(struct pj *p, enum pj_tok t, const char *what, int64_t *out);
int pj_dbl(struct pj *p, enum pj_tok t, const char *what, double *out);

/* Copies the current string (truncated to len - 1 bytes) into dst. */
void pj_copy(const struct pj *p, char *dst, size_t len);

/* Expects token want (else fails naming what). */
int pj_expect(struct pj *p, enum pj_tok want, const char *what);

#endif /* PD_JSON_H */
