/* SPDX-License-Identifier: MIT */
/*
 * libpto's messages: every line libpto writes goes through pto_log() to
 * the print function of pto_set_print() (log.c), with a level.
 */
#ifndef PTO_LOG_H
#define PTO_LOG_H

#include "pto.h"

/* fmt: whole lines, each ending with a newline. Keeps errno. */
void pto_log(enum pto_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pto_err(...)	pto_log(PTO_LOG_ERROR, __VA_ARGS__)
#define pto_warn(...)	pto_log(PTO_LOG_WARN, __VA_ARGS__)
#define pto_info(...)	pto_log(PTO_LOG_INFO, __VA_ARGS__)
#define pto_debug(...)	pto_log(PTO_LOG_DEBUG, __VA_ARGS__)

#endif
