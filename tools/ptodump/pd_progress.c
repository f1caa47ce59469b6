// SPDX-License-Identifier: MIT
/*
 * Progress bar (see pd_progress.h).
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "pd_progress.h"

#define BAR_WIDTH	40

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void pd_progress_init(struct pd_progress *p, const char *what)
{
	p->tty = isatty(STDERR_FILENO);
	p->shown = 0;
	p->t0 = p->tty ? now() : 0;
	p->last = 0;
	p->what = what;
}

void pd_progress_set(struct pd_progress *p, double frac)
{
	double t;
	int i, fill;

	if (!p->tty)
		return;
	t = now();
	if (t - p->t0 < 1.0 || t - p->last < 0.1)
		return;
	p->last = t;
	p->shown = 1;
	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	fill = (int)(frac * BAR_WIDTH);
	fprintf(stderr, "\r%s [", p->what);
	for (i = 0; i < BAR_WIDTH; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %3d%%", (int)(frac * 100));
	fflush(stderr);
}

void pd_progress_done(struct pd_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = 0;
}
