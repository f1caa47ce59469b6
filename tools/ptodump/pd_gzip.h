/* SPDX-License-Identifier: MIT */
/* Gzip-compressed output for convert --gzip. */
#ifndef PD_GZIP_H
#define PD_GZIP_H

#include <stdio.h>

/*
 * A stream whose bytes reach out gzip-compressed; closing it finishes
 * the gzip member and closes out. NULL (out left open) on failure.
 */
FILE *pd_gzip_open(FILE *out);

#endif /* PD_GZIP_H */
