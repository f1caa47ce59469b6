// SPDX-License-Identifier: MIT
/* pto_strerror and pto_version. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pto.h"
#include "device.h"
#include "log.h"

PTO_API const char *pto_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EDEADLK:
		return "task window or heap can never fit "
		       "(run stopped; see libpto's messages)";
	case -ENOENT:
		return "unknown func_id (no kernel registered)";
	case -E2BIG:
		return "too many parameters or a size beyond a limit";
	case -EINVAL:
		return "invalid argument or configuration";
	case -ERANGE:
		return "range outside the tensor";
	case -ENODEV:
		return "no such device backend";
	case -EOPNOTSUPP:
		return "not supported (a dfx bit whose recording is not "
		       "implemented: tensor dump, PMU)";
	case -EIO:
		return "profiling books did not balance (see the reconcile "
		       "lines)";
	case -EOVERFLOW:
		return "internal queue overflow (a libpto bug)";
	case -ETIMEDOUT:
		return "the device stopped making progress";
	case -EEXIST:
		return "func_id already registered";
	default:
		return err < 0 ? strerror(-err) : "not an error code";
	}
}

PTO_API const char *pto_version(void)
{
#define STR_(x) #x
#define STR(x) STR_(x)
	return STR(PTO_VERSION_MAJOR) "." STR(PTO_VERSION_MINOR) "."
	       STR(PTO_VERSION_PATCH);
}

int rt_reject(int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pto_err("pto: %s\n", msg);
	return err;
}
