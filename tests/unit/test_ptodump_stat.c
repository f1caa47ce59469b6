// SPDX-License-Identifier: MIT
/*
 * ptodump stat reads the queues of a live region while their writers
 * move them. The test makes "a push and a pop land between stat's two
 * index loads" deterministic: head and tail live on two pages that are
 * unreadable at first; the first load faults and only unlocks its page,
 * the second load's fault first moves the queue (one push, one pop),
 * then unlocks. A nearly empty queue read tail first would show head past
 * tail; a nearly full one read head first shows one entry over capacity
 * until it is read again. Either way stat reports a depth within the
 * capacity; a queue truly over its capacity is still called corrupt.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "pd_region.h"
#include "ptodump.h"

static char *pages;		/* head on the first page, tail on the second */
static size_t page;
static int faults;

static uint32_t *head_p(void) { return (uint32_t *)pages; }
static uint32_t *tail_p(void) { return (uint32_t *)(pages + page); }

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	char *at = (char *)((uintptr_t)si->si_addr & ~(uintptr_t)(page - 1));

	(void)sig;
	(void)uc;
	if (at != pages && at != pages + page)
		abort();
	mprotect(at, page, PROT_READ | PROT_WRITE);
	if (++faults == 2) {
		/* Both pages are readable now; the writers move. */
		++*tail_p();	/* push */
		++*head_p();	/* pop */
	}
}

static int setup(void **state)
{
	(void)state;
	page = (size_t)sysconf(_SC_PAGESIZE);
	pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return pages == MAP_FAILED ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	return munmap(pages, 2 * page);
}

/* Reads a queue of depth `depth` whose writers move between the loads. */
static uint32_t read_moving(uint32_t depth)
{
	struct sigaction sa, old;
	struct pd_region r;
	uint32_t d = UINT32_MAX;
	int ret;

	memset(&r, 0, sizeof(r));
	/* Taken over from cmocka (which catches faults) for this read. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	assert_int_equal(sigaction(SIGSEGV, &sa, &old), 0);
	/* Free-running indices, just before the wrap. */
	*head_p() = UINT32_MAX - 2;
	*tail_p() = *head_p() + depth;
	faults = 0;
	assert_int_equal(mprotect(pages, 2 * page, PROT_NONE), 0);
	ret = pd_stat_queue_depth(&r, head_p(), tail_p(), PTO_READY_QUEUE_CAP,
				  "ready queue 0", &d);
	mprotect(pages, 2 * page, PROT_READ | PROT_WRITE);
	sigaction(SIGSEGV, &old, NULL);
	if (ret)
		fail_msg("healthy queue called corrupt: %s", r.err);
	assert_int_equal(faults, 2);
	return d;
}

static void test_nearly_empty(void **state)
{
	(void)state;
	/* Empty, or the one entry it held between the push and the pop. */
	assert_true(read_moving(0) <= 1);
}

static void test_nearly_full(void **state)
{
	(void)state;
	assert_int_equal(read_moving(PTO_READY_QUEUE_CAP),
			 PTO_READY_QUEUE_CAP);
}

static void test_over_capacity_is_corrupt(void **state)
{
	struct pd_region r;
	uint32_t d;

	(void)state;
	memset(&r, 0, sizeof(r));
	*head_p() = 5;
	*tail_p() = 5 + PTO_READY_QUEUE_CAP + 1;
	assert_int_equal(pd_stat_queue_depth(&r, head_p(), tail_p(),
					     PTO_READY_QUEUE_CAP,
					     "ready queue 3", &d), -EINVAL);
	assert_non_null(strstr(r.err, "ready queue 3: depth 1025"));
	assert_non_null(strstr(r.err, "exceeds capacity 1024"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nearly_empty),
		cmocka_unit_test(test_nearly_full),
		cmocka_unit_test(test_over_capacity_is_corrupt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
