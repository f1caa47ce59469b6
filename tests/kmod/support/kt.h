/*
 * Helpers of the pto.ko test programs: module insert/remove through
 * libkmod, finding the device node by driver name, ioctl wrappers that
 * return 0 or -errno, and a small valid region shape.
 */
#ifndef PTO_KT_H
#define PTO_KT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>

#include <cmocka.h>

#include "pto_drm.h"
#include "pto_layout.h"

/*
 * Loads pto with options ("" for defaults): the file $PTO_KO if set, else
 * as modprobe does (the installed module, its dependencies first).
 * 0 or -errno.
 */
int kt_load(const char *options);
/* Removes pto; 0 or -errno (-EAGAIN while it is in use). */
int kt_unload(void);
/* Non-zero when pto is loaded (/sys/module/pto exists). */
int kt_loaded(void);

/* Opens the render node of pto device index; fd or -errno. */
int kt_open(unsigned int index);
/* The same, also naming the node in path[cap]. */
int kt_open_path(unsigned int index, char *path, size_t cap);
/* Opens the primary node (card*) of pto device index; fd or -errno. */
int kt_open_primary(unsigned int index);

/* drmIoctl(); 0 or -errno. */
int kt_ioctl(int fd, unsigned long req, void *arg);

uint64_t kt_param(int fd, uint32_t param);

/* A valid shape: every kind enabled, few small buffers. */
void kt_params(struct pto_prof_params *p);

/* PROF_CREATE with kt_params(); 0 or -errno. */
int kt_prof_create(int fd, uint32_t flags, struct drm_pto_prof_create *c);

/* mmap of length bytes at a GEM offset; MAP_FAILED with errno. */
void *kt_map(int fd, uint64_t offset, size_t length, int prot);

/* A live region (no flags) on kt_fd, mapped writable; fails the test if not. */
void *kt_own_region(struct drm_pto_prof_create *c);

/* Region list into info[cap]; returns the number of regions or -errno. */
int kt_list(int fd, struct drm_pto_prof_info *info, uint32_t cap);
/* The list entry of id, or NULL (info as filled by kt_list). */
const struct drm_pto_prof_info *kt_find(const struct drm_pto_prof_info *info,
					int n, uint32_t id);

/* Runs fn in a child process (default SIGSEGV/SIGBUS actions); returns
 * its wait status.
 */
int kt_in_child(int (*fn)(void *arg), void *arg);

/*
 * Runs program path with args (NULL-terminated, after argv[0]) as uid (0:
 * as the caller), stdout and stderr into out[cap]; its pid in *pid.
 * Returns its exit code, -1 if it did not exit.
 */
int kt_exec(uid_t uid, const char *path, const char *const *args,
	    char *out, size_t cap, pid_t *pid);

/*
 * Closes kt_fd and unloads pto; with options, loads it again and reopens
 * kt_fd on device 0. 0 or -1.
 */
int kt_reload(const char *options);

/*
 * cmocka group setup/teardown: load pto with kt_group_options (set by the
 * program before running its group), open device 0 into kt_fd; close it
 * and unload (failing the group if the unload fails).
 */
extern const char *kt_group_options;
extern int kt_fd;
int kt_group_setup(void **state);
int kt_group_teardown(void **state);

/*
 * Per-test teardown: releases every listed region, so a failed test does
 * not leave regions behind for the next. KT_TEST(f) registers f with it.
 */
int kt_test_teardown(void **state);
#define KT_TEST(f) cmocka_unit_test_teardown(f, kt_test_teardown)

/* main() of a test program that needs root: SKIP (77) otherwise. */
int kt_run(const char *name, const struct CMUnitTest *tests, size_t n);

#endif
