// SPDX-License-Identifier: MIT
/*
 * ptodump tensors: a run's tensor dump, listed (one line per region copy)
 * or one entry shown: its bytes as the dtype given at submit (raw bytes
 * without one), min/max/mean, the first values and, for an INOUT region,
 * what changed between before and after.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_tdump.h"
#include "ptodump.h"

static const char tensors_usage[] =
"usage: ptodump tensors [options] CAPTURE|DIR\n"
"Lists the tensor dump of a run (dfx_flags PTO_DFX_TENSOR_DUMP): one line\n"
"per region copy. CAPTURE is a capture.ptocap; DIR a run's output\n"
"directory (its capture, else its tensor_dump/) or a tensor_dump\n"
"directory (manifest.json and tensors.bin).\n"
"  -s, --show N      show entry N (the list's first column): bytes,\n"
"                    min/max/mean as its dtype, the first values; for an\n"
"                    INOUT region also the diff of before and after\n"
"  -n, --values N    values shown (default 16)\n"
"  -h, --help        this text\n";

static const char *const role_name[] = { "in", "out", "inout" };

static const char *dtype_str(uint32_t t)
{
	const char *s = pto_dtype_name((enum pto_dtype)t);

	return s ? s : "?";
}

static void list(const struct pd_tdump *t)
{
	size_t i;

	printf("%-5s %-12s %-6s %-6s %-7s %-5s %-10s %-10s %-10s %-5s %s\n",
	       "#", "task", "func", "role", "stage", "param", "offset",
	       "bytes", "dumped", "dtype", "flags");
	for (i = 0; i < t->n; i++) {
		const struct pto_tensor_dump *d = &t->e[i].d;
		uint32_t f = d->func_id[0] != PTO_FUNC_NONE ? d->func_id[0] :
			     d->func_id[1] != PTO_FUNC_NONE ? d->func_id[1] :
			     d->func_id[2];

		printf("%-5zu %-12" PRIu64 " %-6" PRId64 " %-6s %-7s %-5"
		       PRIu32 " %-10" PRIu64 " %-10" PRIu64 " %-10" PRIu64
		       " %-5s %s%s\n", i, d->task_id,
		       f == PTO_FUNC_NONE ? (int64_t)-1 : (int64_t)f,
		       d->role < 3 ? role_name[d->role] : "?",
		       d->stage ? "after" : "before", d->arg, d->offset,
		       d->bytes, d->dumped, dtype_str(d->dtype),
		       d->truncated ? "truncated" : "-",
		       d->lost ? " lost" : "");
	}
	printf("%zu entr%s\n", t->n, t->n == 1 ? "y" : "ies");
}

/* IEEE binary16 and bfloat16 as double. */
static double half(uint16_t h)
{
	int e = h >> 10 & 0x1f;
	double m = h & 0x3ff;
	double v = e == 0 ? ldexp(m, -24) : e == 31 ?
		   (m ? NAN : INFINITY) : ldexp(m + 1024, e - 25);

	return h & 0x8000 ? -v : v;
}

static double bf16(uint16_t h)
{
	uint32_t u = (uint32_t)h << 16;
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

/* Element i of bytes b as dtype t. */
static double elem(const unsigned char *b, uint32_t t, size_t i)
{
	union {
		uint8_t u8; int8_t i8; uint16_t u16; int16_t i16;
		uint32_t u32; int32_t i32; uint64_t u64; int64_t i64;
		float f32; double f64;
	} v;
	size_t sz = pto_dtype_size((enum pto_dtype)t);

	memcpy(&v, b + i * sz, sz);
	switch (t) {
	case PTO_DTYPE_I8: return v.i8;
	case PTO_DTYPE_U16: return v.u16;
	case PTO_DTYPE_I16: return v.i16;
	case PTO_DTYPE_U32: return v.u32;
	case PTO_DTYPE_I32: return v.i32;
	case PTO_DTYPE_U64: return (double)v.u64;
	case PTO_DTYPE_I64: return (double)v.i64;
	case PTO_DTYPE_F16: return half(v.u16);
	case PTO_DTYPE_BF16: return bf16(v.u16);
	case PTO_DTYPE_F32: return v.f32;
	case PTO_DTYPE_F64: return v.f64;
	default: return v.u8;
	}
}

static void stats(const unsigned char *b, uint32_t t, size_t n,
		  unsigned int values)
{
	double mn = 0, mx = 0, sum = 0, x;
	size_t i;

	for (i = 0; i < n; i++) {
		x = elem(b, t, i);
		mn = !i || x < mn ? x : mn;
		mx = !i || x > mx ? x : mx;
		sum += x;
	}
	printf("  elements: %zu (%s)\n", n, dtype_str(t));
	if (n)
		printf("  min %.6g  max %.6g  mean %.6g\n", mn, mx, sum / n);
	printf("  first values:");
	for (i = 0; i < n && i < values; i++)
		printf(" %.6g", elem(b, t, i));
	printf("%s\n", n > values ? " ..." : "");
}

static void diff(const unsigned char *a, const unsigned char *b, uint32_t t,
		 size_t n, unsigned int values)
{
	size_t i, changed = 0, shown = 0;
	double d, maxd = 0;

	printf("  diff before -> after:\n");
	for (i = 0; i < n; i++) {
		if (elem(a, t, i) == elem(b, t, i))
			continue;
		changed++;
		d = fabs(elem(b, t, i) - elem(a, t, i));
		maxd = d > maxd ? d : maxd;
		if (shown++ < values)
			printf("    [%zu] %.6g -> %.6g\n", i, elem(a, t, i),
			       elem(b, t, i));
	}
	printf("  %zu of %zu elements changed, max |after - before| %.6g\n",
	       changed, n, maxd);
}

/* The other stage of entry i's region (same task and param), or -1. */
static long partner(const struct pd_tdump *t, size_t i)
{
	const struct pto_tensor_dump *d = &t->e[i].d;
	size_t j;

	for (j = 0; j < t->n; j++)
		if (t->e[j].d.task_id == d->task_id &&
		    t->e[j].d.arg == d->arg && t->e[j].d.stage != d->stage)
			return (long)j;
	return -1;
}

static int show(const struct pd_tdump *t, size_t i, unsigned int values)
{
	const struct pto_tensor_dump *d = &t->e[i].d;
	unsigned char *b, *o = NULL;
	size_t sz = pto_dtype_size((enum pto_dtype)d->dtype);
	uint32_t dt = sz ? d->dtype : PTO_DTYPE_RAW;
	long j;
	int ret;

	sz = sz ? sz : 1;
	ret = pd_tdump_bytes(t, i, &b);
	if (ret)
		return ret;
	printf("entry %zu: task %" PRIu64 " param %" PRIu32 " %s %s, "
	       "offset %" PRIu64 ", %" PRIu64 " bytes, %" PRIu64
	       " dumped%s", i, d->task_id, d->arg,
	       d->role < 3 ? role_name[d->role] : "?",
	       d->stage ? "after" : "before", d->offset, d->bytes,
	       d->dumped, d->truncated ? " (truncated)" : "");
	if (d->lost)
		printf(", %" PRIu64 " bytes lost (read as 0)", d->lost);
	printf("\n");
	stats(b, dt, d->dumped / sz, values);
	j = d->role == PTO_TDUMP_ROLE_INOUT ? partner(t, i) : -1;
	if (j >= 0 && !(ret = pd_tdump_bytes(t, (size_t)j, &o))) {
		size_t n = t->e[j].d.dumped < d->dumped ? t->e[j].d.dumped :
			   d->dumped;

		if (d->stage)
			diff(o, b, dt, n / sz, values);
		else
			diff(b, o, dt, n / sz, values);
	}
	free(o);
	free(b);
	return ret;
}

int pd_cmd_tensors(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "show", required_argument, NULL, 's' },
		{ "values", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long values = 16, which = 0;
	int c, want = 0, ret;
	struct pd_tdump t;
	char *end;

	while ((c = getopt_long(argc, argv, "s:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
		case 'n':
			errno = 0;
			(c == 's' ? &which : &values)[0] =
				strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-') {
				pd_err("tensors: --%s '%s': not a number",
				       c == 's' ? "show" : "values", optarg);
				return PD_EXIT_USAGE;
			}
			want |= c == 's';
			break;
		case 'h':
			fputs(tensors_usage, stdout);
			return PD_EXIT_OK;
		default:
			return pd_usage_error("tensors");
		}
	}
	if (optind != argc - 1) {
		pd_err("tensors: expected one capture or directory");
		return pd_usage_error("tensors");
	}
	if (pd_tdump_load(&t, argv[optind]))
		return PD_EXIT_ERR;
	if (!want) {
		list(&t);
		ret = 0;
	} else if (which >= t.n) {
		pd_err("tensors: --show %lu: the dump has %zu entries", which,
		       t.n);
		ret = -1;
	} else {
		ret = show(&t, which, (unsigned int)values);
	}
	pd_tdump_free(&t);
	return ret ? PD_EXIT_ERR : PD_EXIT_OK;
}
