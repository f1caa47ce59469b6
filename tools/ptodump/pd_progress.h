/* SPDX-License-Identifier: MIT */
/*
 * A progress bar on stderr, shown only when stderr is a terminal and the
 * work has already taken more than a second; silent when piped.
 */
#ifndef PD_PROGRESS_H
#define PD_PROGRESS_H

struct pd_progress {
	int tty;
	int shown;
	double t0, last;
	const char *what;
};

void pd_progress_init(struct pd_progress *p, const char *what);
/* frac: 0..1 of the whole job. */
void pd_progress_set(struct pd_progress *p, double frac);
/* Clears the bar if it was drawn. */
void pd_progress_done(struct pd_progress *p);

#endif /* PD_PROGRESS_H */
