// SPDX-License-Identifier: MIT
/* The directory a run's profile is exported to. */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "prof_host.h"

int prof_output_dir(char *buf, size_t len, const char *prefix,
		    const char *name)
{
	char stamp[32];
	struct tm tm;
	time_t now;
	int n;

	if (prefix) {
		n = snprintf(buf, len, "%s", prefix);
	} else {
		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d_%H%M%S", &tm);
		n = snprintf(buf, len, "outputs/%s_%s", name ? name : "run",
			     stamp);
	}
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
