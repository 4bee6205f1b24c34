/* bench_util.h — shared helpers of the benchmark programs. */
#ifndef NELM_BENCH_UTIL_H
#define NELM_BENCH_UTIL_H

#include <time.h>

/** Wall-clock seconds (C11 timespec_get). */
static inline double
bench_now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
