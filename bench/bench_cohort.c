/* bench_cohort.c — cost of sampling a patient (baseline attributes, filters)
 * and of drawing the background age at death, single thread, default model.
 *
 *   build/bench/bench_cohort [PATIENTS]     (default 1,000,000)
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "build_info.h"
#include "lifetable.h"
#include "params.h"

static int
time_cohort(const char *label, const nelm_params *p, long n)
{
    nelm_err e = {0};
    double t0 = bench_now(), tries = 0, sink = 0;
    for (long i = 0; i < n; i++) {
        nelm_patient pt;
        if (nelm_cohort_sample(&p->cohort, 1, (uint64_t)i, &pt, &e) != 0) {
            fprintf(stderr, "bench_cohort: %s\n", e.msg);
            return 1;
        }
        tries += pt.tries;
        sink += pt.age;
    }
    double dt = bench_now() - t0;
    printf("%-34s %8.1f ns/patient  (%.2f candidates/patient)\n", label, 1e9 * dt / (double)n,
           tries / (double)n);
    fprintf(stderr, "(checksum %g)\n", sink);
    return 0;
}

int
main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    if (n <= 0) {
        fprintf(stderr, "usage: bench_cohort [PATIENTS]\n");
        return 1;
    }
    printf("nelmsim %s (git %s), %s\n", NELM_VERSION, NELM_GIT_REV, NELM_BUILD_FLAGS);
    static nelm_params p, pf;
    nelm_err e = {0};
    const char *filt[] = {"cohort.filters=[{attribute: ki67, min: 10, max: 40}, "
                          "{attribute: site, in: [pancreas]}]"};
    if (nelm_params_load(&p, NULL, NULL, 0, &e) != 0 ||
        nelm_params_load(&pf, NULL, filt, 1, &e) != 0) {
        fprintf(stderr, "bench_cohort: %s\n", e.msg);
        return 1;
    }
    if (time_cohort("default cohort", &p, n) || time_cohort("ki67 10-40 and pancreas filter", &pf, n))
        return 1;

    nelm_lifetable lt;
    if (nelm_lifetable_default(&lt, &e) != 0) {
        fprintf(stderr, "bench_cohort: %s\n", e.msg);
        return 1;
    }
    double t0 = bench_now(), sink = 0;
    for (long i = 0; i < n; i++) {
        nelm_key k = {1, (uint64_t)i, NELM_STREAM_BACKGROUND, 0, 0, 0};
        nelm_rng r;
        nelm_rng_keyed(&r, &k);
        sink += nelm_lifetable_death_age(&lt, (nelm_sex)(i & 1), 60.0, nelm_rng_uniform_pos(&r));
    }
    double dt = bench_now() - t0;
    printf("%-34s %8.1f ns/patient\n", "background age at death", 1e9 * dt / (double)n);
    fprintf(stderr, "(checksum %g)\n", sink);
    return 0;
}
