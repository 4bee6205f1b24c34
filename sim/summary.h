/* summary.h — per-strategy summaries of simulated outcomes (DESIGN §8).
 *
 * Kaplan–Meier estimates follow R's survival::survfit conventions: the
 * median is the smallest time with S(t) <= 0.5; its interval is the range of
 * times where the pointwise 95 % interval of S(t) (Greenwood variance,
 * conf.type = "log": S · exp(±1.96 · se(log S))) contains 0.5, as R's
 * quantile.survfit: lower = smallest t with lower(S(t)) <= 0.5, upper =
 * smallest t with upper(S(t)) <= 0.5 (NaN when never reached, printed "NR"). Ties: deaths at
 * the same time counted together, censorings at a time after its deaths.
 *
 * Accumulators hold the per-patient columns needed for exact summaries
 * (times and event flags), nothing else. */
#ifndef NELM_SUMMARY_H
#define NELM_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "error.h"
#include "params.h"

/** Kaplan–Meier on n (time, event) pairs (event 1 = death/progression,
 *  0 = censored). Sorts internally on a copy (allocates; NELM_ERR_NOMEM). */
typedef struct nelm_km {
    size_t n;        /**< distinct event or censoring times */
    double *t;       /**< distinct times, increasing */
    double *s;       /**< S(t) just after t */
    double *var_log; /**< Greenwood variance of log S at t: sum d/(r(r-d)) */
    size_t nobs;     /**< patients */
} nelm_km;

int nelm_km_fit(nelm_km *km, const double *time, const uint8_t *event, size_t n, nelm_err *e);
void nelm_km_free(nelm_km *km);
/** S(t) (right-continuous step function; 1 before the first time). */
double nelm_km_surv(const nelm_km *km, double t);
/** S(t) with its 95 % log-interval. */
void nelm_km_surv_ci(const nelm_km *km, double t, double *s, double *lo, double *hi);
/** Quantile p (0.5: median) by the survfit convention with its interval;
 *  NaN where not reached. */
void nelm_km_quantile(const nelm_km *km, double p, double *q, double *lo, double *hi);
/** Area under S from 0 to tau (restricted mean). */
double nelm_km_rmst(const nelm_km *km, double tau);

/** Landmarks printed for OS, months (1, 3, 5, 10 years). */
#define NELM_NLANDMARKS 4
extern const double nelm_landmarks[NELM_NLANDMARKS];

/** Accumulates one strategy's outcomes. */
typedef struct nelm_summary_acc {
    size_t n, cap;
    double *os;
    uint8_t *os_event;
    double *pfs1; /**< first line's PFS, among those who start a line */
    uint8_t *pfs1_event;
    size_t npfs1;
    double sum_os, sum_os2; /**< for the mean and its MCSE */
    double sum_lines;
    size_t kind_count[NELM_NKINDS];
    size_t instance_count[NELM_MAX_INSTANCES];
    size_t cause_count[NELM_NCAUSES];
} nelm_summary_acc;

/** init zeroes first, so free is always safe. cap: expected patients (grows). */
int nelm_summary_acc_init(nelm_summary_acc *a, size_t cap, nelm_err *e);
int nelm_summary_acc_add(nelm_summary_acc *a, const nelm_outcome *o, nelm_err *e);
void nelm_summary_acc_free(nelm_summary_acc *a);

typedef struct nelm_summary {
    size_t n;
    double median_os, median_os_lo, median_os_hi; /**< months; NaN: not reached */
    double mean_os, mean_os_se;                   /**< months, restricted to the horizon; MCSE */
    double os_at[NELM_NLANDMARKS], os_at_lo[NELM_NLANDMARKS], os_at_hi[NELM_NLANDMARKS];
    size_t npfs1;
    double median_pfs1, median_pfs1_lo, median_pfs1_hi;
    double mean_lines;
    double kind_share[NELM_NKINDS]; /**< received at least once */
    double instance_share[NELM_MAX_INSTANCES];
    double cause_share[NELM_NCAUSES]; /**< NONE = alive at the horizon */
} nelm_summary;

int nelm_summary_compute(const nelm_summary_acc *a, nelm_summary *s, nelm_err *e);

/** The table `nelmsim run` prints: one block per strategy (names from p),
 *  instance shares for the instances p declares. */
void nelm_summary_print(FILE *out, const nelm_params *p, const size_t *strategies,
                        const nelm_summary *s, size_t n);

#endif
