/* bench_dist.c — nanoseconds per draw of each survival family, the building
 * block of the per-patient floor (DESIGN §10). Single thread.
 *
 *   build/bench/bench_dist [DRAWS]     (default 2,000,000 per family)
 *
 * Each draw is one keyed-stream uniform plus the inversion, with a hazard
 * ratio and acceleration factor applied (HR = 1.3, AF = 0.9), as in the
 * engine. Prints one line per family: ns/draw and draws/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "build_info.h"
#include "dist.h"

int
main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
    if (n <= 0) {
        fprintf(stderr, "usage: bench_dist [DRAWS]\n");
        return 1;
    }
    static const struct {
        const char *family;
        double par[3];
    } cases[] = {
        {"exp", {0.0462, 0, 0}},          {"weibull", {1.161, 168.7, 0}},
        {"weibullPH", {1.345, 0.0395, 0}}, {"gompertz", {0.02, 0.005, 0}},
        {"lnorm", {3.2, 0.9, 0}},          {"llogis", {1.8, 30, 0}},
        {"gamma", {2.5, 0.1, 0}},          {"gengamma", {3, 0.8, 0.5}},
    };
    printf("nelmsim %s (git %s), %s\n", NELM_VERSION, NELM_GIT_REV, NELM_BUILD_FLAGS);
    printf("%-10s %10s %14s\n", "family", "ns/draw", "draws/s");
    nelm_mod m = {0.0, 0.9, 1.3};
    double sink = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        nelm_dist d;
        nelm_err e = {0};
        if (nelm_dist_init(&d, nelm_dist_family_from_name(cases[c].family), cases[c].par,
                           NELM_UNIT_MONTHS, &e) != 0) {
            fprintf(stderr, "bench_dist: %s\n", e.msg);
            return 1;
        }
        double t0 = bench_now();
        for (long i = 0; i < n; i++) {
            nelm_key k = {1, (uint64_t)i, NELM_STREAM_LINE, (uint32_t)c, 0, 0};
            nelm_rng r;
            nelm_rng_keyed(&r, &k);
            double t;
            if (nelm_dist_sample(&d, &m, &r, &t))
                sink += t;
        }
        double dt = bench_now() - t0;
        printf("%-10s %10.1f %14.3g\n", cases[c].family, 1e9 * dt / (double)n, (double)n / dt);
    }
    fprintf(stderr, "(checksum %g)\n", sink);
    return 0;
}
