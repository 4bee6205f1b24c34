/* bench_engine.c — cost of simulating one patient under one strategy (the
 * engine alone: patients are sampled before the clock starts), single
 * thread, built-in default model, outcomes only and with the trajectory;
 * then every strategy patient by patient as the run does, with the health
 * economics computed from each trajectory (the patient's part prepared once
 * for all strategies).
 *
 *   build/bench/bench_engine [PATIENTS]     (default 200,000)
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "build_info.h"
#include "econ_patient.h"
#include "engine.h"
#include "params.h"

int
main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
    if (n <= 0) {
        fprintf(stderr, "usage: bench_engine [PATIENTS]\n");
        return 1;
    }
    printf("nelmsim %s (git %s), %s\n", NELM_VERSION, NELM_GIT_REV, NELM_BUILD_FLAGS);
    static nelm_params p;
    static nelm_trajectory traj;
    nelm_err e = {0};
    nelm_model m;
    if (nelm_params_load(&p, NULL, NULL, 0, &e) != 0 || nelm_model_init(&m, &p, &e) != 0) {
        fprintf(stderr, "bench_engine: %s\n", e.msg);
        return 1;
    }
    nelm_patient *pts = malloc((size_t)n * sizeof *pts);
    if (pts == NULL) {
        fprintf(stderr, "bench_engine: out of memory\n");
        return 1;
    }
    for (long i = 0; i < n; i++)
        if (nelm_cohort_sample(&p.cohort, 1, (uint64_t)i, &pts[i], &e) != 0) {
            fprintf(stderr, "bench_engine: %s\n", e.msg);
            return 1;
        }
    double total = 0, total_traj = 0, sink = 0;
    printf("%-20s %14s %16s %12s %8s\n", "strategy", "ns/patient", "ns/patient+traj", "events/pt",
           "lines/pt");
    for (size_t s = 0; s < p.nstrategies; s++) {
        nelm_outcome o;
        double lines = 0, events = 0;
        double t0 = bench_now();
        for (long i = 0; i < n; i++) {
            nelm_simulate(&m, s, 1, &pts[i], &o, NULL);
            sink += o.os;
            lines += o.nlines;
        }
        double t1 = bench_now();
        for (long i = 0; i < n; i++) {
            nelm_simulate(&m, s, 1, &pts[i], &o, &traj);
            events += (double)traj.n;
        }
        double t2 = bench_now();
        total += t1 - t0;
        total_traj += t2 - t1;
        printf("%-20s %14.1f %16.1f %12.2f %8.2f\n", p.strategies[s].name,
               1e9 * (t1 - t0) / (double)n, 1e9 * (t2 - t1) / (double)n, events / (double)n,
               lines / (double)n);
    }
    double ps = (double)n * (double)p.nstrategies;
    static nelm_econ_pre epre;
    double t0 = bench_now();
    for (long i = 0; i < n; i++) {
        nelm_econ_prepare(&p, &pts[i], &epre);
        for (size_t s = 0; s < p.nstrategies; s++) {
            nelm_outcome o;
            double ev[NELM_ECON_NACC];
            nelm_simulate(&m, s, 1, &pts[i], &o, &traj);
            nelm_econ_patient(&p, s, &pts[i], &epre, &o, &traj, ev);
            sink += ev[NELM_ECON_QALY] + ev[NELM_ECON_COST];
        }
    }
    double total_econ = bench_now() - t0;
    printf("%-20s %14.1f %16.1f\n", "all strategies", 1e9 * total / ps, 1e9 * total_traj / ps);
    printf("%-20s %14.1f   (patient by patient, trajectory and health economics)\n",
           "all, economics", 1e9 * total_econ / ps);
    printf("patient-strategies per second (outcomes only): %.3g; with economics: %.3g\n",
           ps / total, ps / total_econ);
    fprintf(stderr, "(checksum %g)\n", sink);
    free(pts);
    return 0;
}
