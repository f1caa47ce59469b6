// SPDX-License-Identifier: MIT
/* See hdr_alone.h. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hdr_alone.h"

int hdr_compile_alone(const char *header, const char *cmd)
{
	char src[] = "/tmp/pto-hdr-XXXXXX";
	char line[4096];
	FILE *f;
	int fd, rc;

	fd = mkstemp(src);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(src);
		return -1;
	}
	fprintf(f, "#include \"%s\"\nint pto_header_probe;\n", header);
	fclose(f);
	snprintf(line, sizeof(line), "%s %s", cmd, src);
	rc = system(line);
	unlink(src);
	if (rc != 0)
		fprintf(stderr, "header %s failed alone: %s\n", header, line);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
