// SPDX-License-Identifier: MIT
/*
 * ptodump's messages on stderr.
 */
#include <stdarg.h>
#include <stdio.h>

#include "ptodump.h"

void pd_err(const char *fmt, ...)
{
	va_list ap;

	fputs("ptodump: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void pd_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("ptodump: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int pd_usage_error(const char *cmd)
{
	fprintf(stderr, "Try 'ptodump %s --help'.\n", cmd);
	return PD_EXIT_USAGE;
}
