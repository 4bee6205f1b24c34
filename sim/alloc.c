/* alloc.c — the allocation hook of test builds (see alloc.h). */
#include "alloc.h"

#ifdef NELM_ALLOC_HOOKED

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static atomic_uint_fast64_t calls;   /* counted so far */
static atomic_uint_fast64_t fail_at; /* 0: none */
static atomic_int state;             /* 0: environment not read yet, 1: read */

static void
report(void)
{
    fprintf(stderr, "nelmsim: %llu allocations\n", (unsigned long long)atomic_load(&calls));
}

/* The environment, read at the first call. Every allocation before the
 * first thread starts is on the main thread, so a race here is harmless. */
static void
read_env(void)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&state, &expected, 1))
        return;
    const char *n = getenv("NELMSIM_FAIL_ALLOC");
    if (n != NULL && n[0] >= '0' && n[0] <= '9')
        atomic_store(&fail_at, (uint_fast64_t)strtoull(n, NULL, 10));
    const char *r = getenv("NELMSIM_ALLOC_REPORT");
    if (r != NULL && strcmp(r, "1") == 0)
        atexit(report);
}

/* Count this call; true when it is the one to fail. */
static bool
should_fail(void)
{
    if (atomic_load_explicit(&state, memory_order_relaxed) == 0)
        read_env();
    uint_fast64_t k = atomic_fetch_add(&calls, 1) + 1;
    return k == atomic_load_explicit(&fail_at, memory_order_relaxed);
}

void *
nelm_malloc(size_t size)
{
    return should_fail() ? NULL : malloc(size);
}

void *
nelm_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : calloc(n, size);
}

void *
nelm_realloc(void *p, size_t size)
{
    return should_fail() ? NULL : realloc(p, size);
}

bool
nelm_alloc_hooked(void)
{
    return true;
}

void
nelm_alloc_fail_at(uint64_t n)
{
    if (atomic_load(&state) == 0)
        read_env();
    atomic_store(&calls, 0);
    atomic_store(&fail_at, (uint_fast64_t)n);
}

uint64_t
nelm_alloc_calls(void)
{
    return (uint64_t)atomic_load(&calls);
}

#else

bool
nelm_alloc_hooked(void)
{
    return false;
}

void
nelm_alloc_fail_at(uint64_t n)
{
    (void)n;
}

uint64_t
nelm_alloc_calls(void)
{
    return 0;
}

#endif
