/* alloc.h — heap allocation with a test hook for failure injection.
 *
 * nelm_malloc, nelm_calloc and nelm_realloc are what the engine's own code
 * calls instead of malloc, calloc and realloc (free stays free). In a release
 * build they ARE those functions (static inline wrappers: no cost at all).
 *
 * In a test build — AddressSanitizer on (NELMSIM_SANITIZE, the fuzz build)
 * or -DNELM_ALLOC_HOOK — every call is counted, and
 *     NELMSIM_FAIL_ALLOC=N   makes the N-th call (1-based) return NULL
 *                            (once; the calls after it succeed again);
 *     NELMSIM_ALLOC_REPORT=1 prints "nelmsim: N allocations" on stderr at
 *                            exit, so a test knows how many calls to walk.
 * Tests (tests/check_alloc_fail.sh) walk N = 1, 2, ... over real commands and
 * require a clean error every time: exit 2 or 3, one line, no file left, and
 * under AddressSanitizer no leak. Unit tests can set the failing call
 * directly (nelm_alloc_fail_at). The counter is atomic: with several
 * threads the order of calls is not deterministic, so walks use one thread.
 */
#ifndef NELM_ALLOC_H
#define NELM_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NELM_ALLOC_ASAN 1
#endif
#endif
#if defined(NELM_ALLOC_HOOK) || defined(__SANITIZE_ADDRESS__) || defined(NELM_ALLOC_ASAN)
#define NELM_ALLOC_HOOKED 1
#endif

#ifdef NELM_ALLOC_HOOKED

void *nelm_malloc(size_t size);
void *nelm_calloc(size_t n, size_t size);
void *nelm_realloc(void *p, size_t size);

#else

static inline void *
nelm_malloc(size_t size)
{
    return malloc(size);
}

static inline void *
nelm_calloc(size_t n, size_t size)
{
    return calloc(n, size);
}

static inline void *
nelm_realloc(void *p, size_t size)
{
    return realloc(p, size);
}

#endif

/** strdup through nelm_malloc. */
static inline char *
nelm_strdup(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    char *d = nelm_malloc(n + 1);
    if (d != NULL)
        for (size_t i = 0; i <= n; i++)
            d[i] = s[i];
    return d;
}

/** Whether this build has the hook (false: the functions below do nothing). */
bool nelm_alloc_hooked(void);
/** Make call number n (1-based, counted from now on) fail; 0: none. */
void nelm_alloc_fail_at(uint64_t n);
/** Calls counted so far (since the start, or the last nelm_alloc_fail_at). */
uint64_t nelm_alloc_calls(void);

#endif
