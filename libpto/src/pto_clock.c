// SPDX-License-Identifier: MIT
#include "pto_clock.h"

#include <pthread.h>

int pto_clock_use_tsc;
static uint64_t clock_freq_hz = 1000000000ull;
static pthread_once_t clock_once = PTHREAD_ONCE_INIT;

#if defined(__x86_64__)
#include <cpuid.h>

/* CPUID 0x80000007 EDX bit 8: the TSC runs at a constant rate. */
static int tsc_invariant(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(0x80000000, &a, &b, &c, &d) || a < 0x80000007)
		return 0;
	__get_cpuid(0x80000007, &a, &b, &c, &d);
	return !!(d & (1u << 8));
}
#endif

static void clock_calibrate(void)
{
#if defined(__x86_64__)
	const struct timespec nap = { 0, 20 * 1000 * 1000 };
	uint64_t n0, n1, t0, t1;

	if (!tsc_invariant())
		return;
	n0 = pto_clock_mono_ns();
	t0 = __rdtsc();
	nanosleep(&nap, NULL);
	n1 = pto_clock_mono_ns();
	t1 = __rdtsc();
	if (n1 <= n0 || t1 <= t0)
		return;
	clock_freq_hz = (uint64_t)((double)(t1 - t0) * 1e9 / (double)(n1 - n0));
	pto_clock_use_tsc = 1;
#endif
}

uint64_t pto_clock_freq_hz(void)
{
	pthread_once(&clock_once, clock_calibrate);
	return clock_freq_hz;
}
