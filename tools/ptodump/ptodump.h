/* SPDX-License-Identifier: MIT */
/*
 * ptodump: shared definitions of the subcommands (exit codes, messages).
 */
#ifndef PTODUMP_H
#define PTODUMP_H

#include <stdint.h>

/* Exit codes of every subcommand. */
#define PD_EXIT_OK	0
#define PD_EXIT_ERR	1
#define PD_EXIT_USAGE	2

/* Prints "ptodump: <msg>" to stderr. */
void pd_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Subcommands: argv[0] is "ptodump <subcommand>" (for getopt's messages). */
int pd_cmd_list(int argc, char **argv);
int pd_cmd_stat(int argc, char **argv);
int pd_cmd_snapshot(int argc, char **argv);
int pd_cmd_convert(int argc, char **argv);
int pd_cmd_report(int argc, char **argv);
int pd_cmd_deps(int argc, char **argv);
int pd_cmd_merge(int argc, char **argv);

/*
 * stat's depth of a live queue (free-running indices; consumer is head,
 * producer tail): retried while the indices move, so a healthy queue
 * never reads as corrupt. 0, or -EINVAL with r->err naming what.
 */
struct pd_region;
int pd_stat_queue_depth(struct pd_region *r, const uint32_t *consumer,
			const uint32_t *producer, uint32_t cap,
			const char *what, uint32_t *out);

/*
 * Reports an unknown option / missing argument the getopt_long way and
 * points at --help. Returns PD_EXIT_USAGE.
 */
int pd_usage_error(const char *cmd);

#endif /* PTODUMP_H */
