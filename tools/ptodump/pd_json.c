// SPDX-License-Identifier: MIT
/*
 * Streaming JSON tokenizer: see pd_json.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pd_json.h"

enum {
	ST_VALUE,		/* a value must come */
	ST_VALUE_OR_END,	/* just after '[' */
	ST_KEY_OR_END,		/* just after '{' */
	ST_KEY,			/* after ',' in an object */
	ST_COMMA_OR_END,	/* after a value inside a container */
	ST_DONE,		/* the top-level value is complete */
};

int pj_open(struct pj *p, const char *path)
{
	memset(p, 0, sizeof(*p));
	p->line = 1;
	p->col = 1;
	p->state = ST_VALUE;
	p->name = path;
	p->f = fopen(path, "rb");
	if (!p->f) {
		int e = errno;

		snprintf(p->err, sizeof(p->err), "%s: %s", path, strerror(e));
		p->failed = 1;
		return -e;
	}
	return 0;
}

void pj_close(struct pj *p)
{
	if (p->f)
		fclose(p->f);
	p->f = NULL;
}

int pj_fail(struct pj *p, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (p->failed)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Errors are found on the byte just read: name its position. */
	snprintf(p->err, sizeof(p->err), "%s:%" PRIu64 ":%" PRIu64 ": %s",
		 p->name, p->consumed ? p->last_line : p->line,
		 p->consumed ? p->last_col : p->col, msg);
	p->failed = 1;
	return -EINVAL;
}

/* The next byte without consuming it; -1 at end of file. */
static int peekc(struct pj *p)
{
	if (p->pos == p->len) {
		if (p->eof || !p->f)
			return -1;
		p->len = fread(p->buf, 1, sizeof(p->buf), p->f);
		p->pos = 0;
		if (!p->len) {
			p->eof = 1;
			if (ferror(p->f))
				pj_fail(p, "read error");
			return -1;
		}
	}
	return p->buf[p->pos];
}

static int getc_(struct pj *p)
{
	int c = peekc(p);

	if (c < 0)
		return c;
	p->pos++;
	p->consumed++;
	p->last_line = p->line;
	p->last_col = p->col;
	if (c == '\n') {
		p->line++;
		p->col = 1;
	} else {
		p->col++;
	}
	return c;
}

static void skip_ws(struct pj *p)
{
	int c;

	while ((c = peekc(p)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		getc_(p);
}

static int put_str(struct pj *p, unsigned int c)
{
	if (p->slen >= PJ_MAX_STR)
		return pj_fail(p, "string longer than %d bytes", PJ_MAX_STR);
	p->str[p->slen++] = (char)c;
	return 0;
}

static int hex4(struct pj *p, unsigned int *out)
{
	unsigned int v = 0;
	int i, c;

	for (i = 0; i < 4; i++) {
		c = getc_(p);
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return pj_fail(p, "bad \\u escape");
	}
	*out = v;
	return 0;
}

static int put_utf8(struct pj *p, unsigned int cp)
{
	int r = 0;

	if (cp < 0x80)
		return put_str(p, cp);
	if (cp < 0x800) {
		r |= put_str(p, 0xc0 | (cp >> 6));
	} else if (cp < 0x10000) {
		r |= put_str(p, 0xe0 | (cp >> 12));
		r |= put_str(p, 0x80 | ((cp >> 6) & 0x3f));
	} else {
		r |= put_str(p, 0xf0 | (cp >> 18));
		r |= put_str(p, 0x80 | ((cp >> 12) & 0x3f));
		r |= put_str(p, 0x80 | ((cp >> 6) & 0x3f));
	}
	r |= put_str(p, 0x80 | (cp & 0x3f));
	return r ? -EINVAL : 0;
}

static int read_escape(struct pj *p)
{
	unsigned int cp, lo;
	int c = getc_(p);

	switch (c) {
	case '"': case '\\': case '/':
		return put_str(p, c);
	case 'b': return put_str(p, '\b');
	case 'f': return put_str(p, '\f');
	case 'n': return put_str(p, '\n');
	case 'r': return put_str(p, '\r');
	case 't': return put_str(p, '\t');
	case 'u':
		if (hex4(p, &cp))
			return -EINVAL;
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return pj_fail(p, "lone low surrogate in \\u escape");
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (getc_(p) != '\\' || getc_(p) != 'u' || hex4(p, &lo) ||
			    lo < 0xdc00 || lo > 0xdfff)
				return pj_fail(p, "unpaired surrogate in \\u escape");
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
		return put_utf8(p, cp);
	default:
		return pj_fail(p, "bad escape in string");
	}
}

/* After the opening quote: the string into p->str (NUL-terminated). */
static int read_string(struct pj *p)
{
	int c;

	p->slen = 0;
	for (;;) {
		c = getc_(p);
		if (c < 0)
			return pj_fail(p, "unterminated string");
		if (c == '"')
			break;
		if (c < 0x20)
			return pj_fail(p, "control character in string");
		if (c == '\\') {
			if (read_escape(p))
				return -EINVAL;
		} else if (put_str(p, c)) {
			return -EINVAL;
		}
	}
	p->str[p->slen] = 0;
	return 0;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int take_digits(struct pj *p)
{
	int n = 0;

	while (is_digit(peekc(p))) {
		if (put_str(p, getc_(p)))
			return -1;
		n++;
	}
	return n;
}

/* The number whose first character c was consumed, checked by grammar. */
static int read_number(struct pj *p, int c)
{
	int n;

	p->slen = 0;
	if (put_str(p, c))
		return -EINVAL;
	if (c == '-') {
		c = getc_(p);
		if (!is_digit(c))
			return pj_fail(p, "bad number");
		put_str(p, c);
	}
	if (c != '0' && take_digits(p) < 0)
		return -EINVAL;
	if (peekc(p) == '.') {
		put_str(p, getc_(p));
		if ((n = take_digits(p)) <= 0)
			return n < 0 ? -EINVAL : pj_fail(p, "bad number");
	}
	if (peekc(p) == 'e' || peekc(p) == 'E') {
		put_str(p, getc_(p));
		if (peekc(p) == '+' || peekc(p) == '-')
			put_str(p, getc_(p));
		if ((n = take_digits(p)) <= 0)
			return n < 0 ? -EINVAL : pj_fail(p, "bad number");
	}
	if (p->failed)
		return -EINVAL;
	p->str[p->slen] = 0;
	return 0;
}

static int read_word(struct pj *p, const char *rest)
{
	for (; *rest; rest++)
		if (getc_(p) != *rest)
			return pj_fail(p, "unexpected character");
	return 0;
}

/* State after a complete value. */
static void value_done(struct pj *p)
{
	p->state = p->depth ? ST_COMMA_OR_END : ST_DONE;
}

static enum pj_tok close_container(struct pj *p, int c)
{
	char open = c == '}' ? '{' : '[';

	if (!p->depth || p->stack[p->depth - 1] != open) {
		pj_fail(p, "unexpected '%c'", c);
		return PJ_ERR;
	}
	p->depth--;
	value_done(p);
	return c == '}' ? PJ_OBJ_END : PJ_ARR_END;
}

static enum pj_tok open_container(struct pj *p, int c)
{
	if (p->depth == PJ_MAX_DEPTH) {
		pj_fail(p, "nesting deeper than %d", PJ_MAX_DEPTH);
		return PJ_ERR;
	}
	p->stack[p->depth++] = (char)c;
	p->state = c == '{' ? ST_KEY_OR_END : ST_VALUE_OR_END;
	return c == '{' ? PJ_OBJ : PJ_ARR;
}

static enum pj_tok read_key(struct pj *p)
{
	if (read_string(p))
		return PJ_ERR;
	skip_ws(p);
	if (getc_(p) != ':') {
		pj_fail(p, "expected ':' after key");
		return PJ_ERR;
	}
	p->state = ST_VALUE;
	return PJ_KEY;
}

static enum pj_tok read_value(struct pj *p, int c)
{
	switch (c) {
	case '{': case '[':
		return open_container(p, c);
	case '"':
		if (read_string(p))
			return PJ_ERR;
		value_done(p);
		return PJ_STR;
	case 't':
		if (read_word(p, "rue"))
			return PJ_ERR;
		value_done(p);
		return PJ_TRUE;
	case 'f':
		if (read_word(p, "alse"))
			return PJ_ERR;
		value_done(p);
		return PJ_FALSE;
	case 'n':
		if (read_word(p, "ull"))
			return PJ_ERR;
		value_done(p);
		return PJ_NULL;
	default:
		if (c == '-' || is_digit(c)) {
			if (read_number(p, c))
				return PJ_ERR;
			value_done(p);
			return PJ_NUM;
		}
		if (c < 0)
			pj_fail(p, "unexpected end of file");
		else
			pj_fail(p, "unexpected character '%c'", c);
		return PJ_ERR;
	}
}

enum pj_tok pj_next(struct pj *p)
{
	int c;

	if (p->failed)
		return PJ_ERR;
	skip_ws(p);
	c = getc_(p);
	if (c < 0 && p->state != ST_DONE) {
		pj_fail(p, "unexpected end of file");
		return PJ_ERR;
	}
	switch (p->state) {
	case ST_DONE:
		if (c < 0)
			return p->failed ? PJ_ERR : PJ_EOF;
		pj_fail(p, "trailing data after the top-level value");
		return PJ_ERR;
	case ST_COMMA_OR_END:
		if (c == '}' || c == ']')
			return close_container(p, c);
		if (c != ',') {
			pj_fail(p, c < 0 ? "unexpected end of file"
				: "expected ',' or a closing bracket");
			return PJ_ERR;
		}
		if (p->stack[p->depth - 1] == '[') {
			p->state = ST_VALUE;
			skip_ws(p);
			return read_value(p, getc_(p));
		}
		p->state = ST_KEY;
		skip_ws(p);
		c = getc_(p);
		/* fall through */
	case ST_KEY:
		if (c != '"') {
			pj_fail(p, c < 0 ? "unexpected end of file" :
				"expected a key");
			return PJ_ERR;
		}
		return read_key(p);
	case ST_KEY_OR_END:
		if (c == '}')
			return close_container(p, c);
		if (c != '"') {
			pj_fail(p, "expected a key or '}'");
			return PJ_ERR;
		}
		return read_key(p);
	case ST_VALUE_OR_END:
		if (c == ']')
			return close_container(p, c);
		return read_value(p, c);
	default:
		return read_value(p, c);
	}
}

int pj_skip(struct pj *p, enum pj_tok t)
{
	int depth;

	if (t == PJ_ERR)
		return -EINVAL;
	if (t != PJ_OBJ && t != PJ_ARR)
		return 0;
	depth = p->depth - 1;
	while (p->depth > depth) {
		t = pj_next(p);
		if (t == PJ_ERR || t == PJ_EOF)
			return t == PJ_EOF ? pj_fail(p, "unexpected end") : -EINVAL;
	}
	return 0;
}

static const char *tok_name(enum pj_tok t)
{
	static const char *const names[] = {
		"end of file", "an object", "'}'", "an array", "']'", "a key",
		"a string", "a number", "true", "false", "null",
	};

	return t >= 0 && t <= PJ_NULL ? names[t] : "an error";
}

int pj_expect(struct pj *p, enum pj_tok want, const char *what)
{
	enum pj_tok t = pj_next(p);

	if (t == want)
		return 0;
	if (t == PJ_ERR)
		return -EINVAL;
	return pj_fail(p, "%s: expected %s, got %s", what, tok_name(want),
		       tok_name(t));
}

int pj_u64(struct pj *p, enum pj_tok t, const char *what, uint64_t *out)
{
	char *end;

	if (t != PJ_NUM && t != PJ_STR)
		return pj_fail(p, "%s: expected an unsigned integer, got %s",
			       what, tok_name(t));
	if (!is_digit(p->str[0]))
		return pj_fail(p, "%s: '%s' is not an unsigned integer", what,
			       p->str);
	errno = 0;
	*out = strtoull(p->str, &end, 10);
	if (errno || *end)
		return pj_fail(p, "%s: '%s' is not an unsigned 64-bit integer",
			       what, p->str);
	return 0;
}

int pj_i64(struct pj *p, enum pj_tok t, const char *what, int64_t *out)
{
	char *end;

	if (t != PJ_NUM)
		return pj_fail(p, "%s: expected an integer, got %s", what,
			       tok_name(t));
	errno = 0;
	*out = strtoll(p->str, &end, 10);
	if (errno || *end)
		return pj_fail(p, "%s: '%s' is not a 64-bit integer", what,
			       p->str);
	return 0;
}

int pj_dbl(struct pj *p, enum pj_tok t, const char *what, double *out)
{
	if (t != PJ_NUM)
		return pj_fail(p, "%s: expected a number, got %s", what,
			       tok_name(t));
	*out = strtod(p->str, NULL);
	if (!isfinite(*out))
		return pj_fail(p, "%s: '%s' is out of range", what, p->str);
	return 0;
}

void pj_copy(const struct pj *p, char *dst, size_t len)
{
	size_t n = p->slen < len - 1 ? p->slen : len - 1;

	memcpy(dst, p->str, n);
	dst[n] = 0;
}
