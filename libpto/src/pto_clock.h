/* SPDX-License-Identifier: MIT */
/*
 * The device counter: the cheapest monotonic counter of the machine. On
 * x86-64 with an invariant TSC it is the TSC, its frequency calibrated
 * against CLOCK_MONOTONIC once per process; otherwise CLOCK_MONOTONIC in
 * nanoseconds (frequency 1 GHz). Every *_time in a profiling record is in
 * this counter's ticks.
 */
#ifndef PTO_CLOCK_H
#define PTO_CLOCK_H

#include <stdint.h>
#include <time.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

/* 1 when pto_clock_now() reads the TSC; set by pto_clock_freq_hz(). */
extern int pto_clock_use_tsc;

static inline uint64_t pto_clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t pto_clock_now(void)
{
#if defined(__x86_64__)
	/*
	 * lfence: the TSC read must not pass earlier loads, or a finish
	 * stamp taken after seeing FIN could predate the AICore's end stamp.
	 */
	if (__builtin_expect(pto_clock_use_tsc, 1)) {
		_mm_lfence();
		return __rdtsc();
	}
#endif
	return pto_clock_mono_ns();
}

/*
 * The device counter without the fence: for a stamp whose only ordering
 * needs are program order after an earlier pto_clock_now() of the same
 * thread and before the thread's later stores (a store becomes visible
 * only after the read before it executed). The read may run ahead of
 * the instructions just before it by the width of the out-of-order
 * window, and, not ordered with other counter reads either, may even
 * read below that earlier stamp: callers clamp to it.
 */
static inline uint64_t pto_clock_now_unordered(void)
{
#if defined(__x86_64__)
	if (__builtin_expect(pto_clock_use_tsc, 1))
		return __rdtsc();
#endif
	return pto_clock_mono_ns();
}

/*
 * Frequency of pto_clock_now() in Hz. The first call calibrates (about
 * 20 ms) and must happen before any pto_clock_now() whose value is kept;
 * pto_device_open() makes it. Thread-safe.
 */
uint64_t pto_clock_freq_hz(void);

/* ns nanoseconds in ticks of a counter of freq_hz (ns < 2^64 / freq_hz). */
static inline uint64_t pto_clock_ns_to_ticks(uint64_t ns, uint64_t freq_hz)
{
	return ns * freq_hz / 1000000000ull;
}

#endif /* PTO_CLOCK_H */
