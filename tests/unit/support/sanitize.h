/* SPDX-License-Identifier: MIT */
/*
 * For the tests that bound RSS or time: a sanitizer's shadow memory and
 * instrumentation change both, so under one (make check-asan etc. build
 * with -DPTO_SANITIZE="address" and the like) those bounds are skipped,
 * visibly and with the reason.
 */
#ifndef PTO_TEST_SANITIZE_H
#define PTO_TEST_SANITIZE_H

/*
 * Inside a cmocka test: under a sanitizer, says that the bound on what is
 * not checked, and why, and ends the test as skipped.
 */
#ifdef PTO_SANITIZE
#define SKIP_BOUND_UNDER_SANITIZER(what)				\
	do {								\
		print_message("SKIP: %s bound not checked: "		\
			      "-fsanitize=" PTO_SANITIZE " changes it\n", \
			      (what));					\
		skip();							\
	} while (0)
#else
#define SKIP_BOUND_UNDER_SANITIZER(what) ((void)(what))
#endif

#endif /* PTO_TEST_SANITIZE_H */
