// SPDX-License-Identifier: MIT
/*
 * The print hook: one process-wide print function (an atomic pointer, so
 * pto_set_print() may race with messages of running threads: a message
 * goes to the old or the new function, whole).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* $PTO_LOG_LEVEL, read at each message (messages are rare). */
static enum pto_log_level max_level(void)
{
	static const char *const names[] = { "error", "warning", "info",
					     "debug" };
	static atomic_flag said = ATOMIC_FLAG_INIT;
	const char *v = getenv("PTO_LOG_LEVEL");
	unsigned int i;

	if (!v || !*v)
		return PTO_LOG_INFO;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(v, names[i]))
			return (enum pto_log_level)i;
	if (!atomic_flag_test_and_set(&said))
		fprintf(stderr, "pto: PTO_LOG_LEVEL=%s: expected error, "
			"warning, info or debug; using info\n", v);
	return PTO_LOG_INFO;
}

/* Info on stdout (reconcile lines, output path), the rest on stderr. */
static int print_default(enum pto_log_level level, const char *fmt,
			 va_list ap)
{
	if (level > max_level())
		return 0;
	return vfprintf(level == PTO_LOG_INFO ? stdout : stderr, fmt, ap);
}

static _Atomic(pto_print_fn) print_fn = print_default;

PTO_API pto_print_fn pto_set_print(pto_print_fn fn)
{
	return atomic_exchange(&print_fn, fn);
}

void pto_log(enum pto_log_level level, const char *fmt, ...)
{
	pto_print_fn fn = atomic_load(&print_fn);
	int saved = errno;
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	fn(level, fmt, ap);
	va_end(ap);
	errno = saved;
}
