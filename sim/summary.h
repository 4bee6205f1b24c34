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

#include "econ.h"
#include "econ_patient.h"
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
    /* PFS of the k-th line started (k = 0: first), among those who start it */
    double *pfs_line[NELM_MAX_LINES];
    uint8_t *pfs_line_event[NELM_MAX_LINES];
    size_t npfs_line[NELM_MAX_LINES], cap_line[NELM_MAX_LINES];
    double sum_os, sum_os2; /**< for the mean and its MCSE */
    double sum_lines;
    size_t kind_count[NELM_NKINDS];
    size_t instance_count[NELM_MAX_INSTANCES];
    size_t cause_count[NELM_NCAUSES];
    /* economics (econ_patient.h), when the run computes it: each patient's
     * values in econ[q][i], i < necon; necon == n, or 0 without economics */
    size_t necon, cap_econ;
    double *econ[NELM_ECON_NACC];
} nelm_summary_acc;

/** init zeroes first, so free is always safe. cap: expected patients (grows). */
int nelm_summary_acc_init(nelm_summary_acc *a, size_t cap, nelm_err *e);
int nelm_summary_acc_add(nelm_summary_acc *a, const nelm_outcome *o, nelm_err *e);
/** The economics of the patient nelm_summary_acc_add added last (add both
 *  for every patient, or economics for none). */
int nelm_summary_acc_add_econ(nelm_summary_acc *a, const double v[NELM_ECON_NACC], nelm_err *e);
/** Room for n patients' economics (the columns grow by doubling otherwise). */
int nelm_summary_acc_reserve_econ(nelm_summary_acc *a, size_t n, nelm_err *e);
void nelm_summary_acc_free(nelm_summary_acc *a);
/** Empty a (keeping its memory). */
void nelm_summary_acc_reset(nelm_summary_acc *a);
/** Append b's patients after a's, as if each had been added to a in order
 *  (the sums too): the parallel driver accumulates per block, then appends
 *  the blocks in order. */
int nelm_summary_acc_append(nelm_summary_acc *a, const nelm_summary_acc *b, nelm_err *e);
/** An accumulator as bytes (for the ranks of an MPI job to exchange):
 *  the size, then pack into out (that many bytes; returns it). */
size_t nelm_summary_acc_packed_size(const nelm_summary_acc *a);
size_t nelm_summary_acc_pack(const nelm_summary_acc *a, unsigned char *out);
/** Append the packed accumulator at in (at most avail bytes) to a, as
 *  nelm_summary_acc_append would; *used: its bytes. NELM_ERR_IO when the
 *  bytes are not a whole packed accumulator. */
int nelm_summary_acc_append_packed(nelm_summary_acc *a, const unsigned char *in, size_t avail,
                                   size_t *used, nelm_err *e);

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
    /* restricted mean to tau: mean of min(os, tau) over patients (os is itself
     * restricted to the horizon), with its MCSE */
    double tau, rmst, rmst_se;
    /* PFS by line started (k = 0: first line), among those who start it */
    size_t nlines_pfs; /**< lines with at least one patient */
    size_t pfs_n[NELM_MAX_LINES];
    double pfs_median[NELM_MAX_LINES], pfs_lo[NELM_MAX_LINES], pfs_hi[NELM_MAX_LINES];
    /* paired differences against the reference strategy (same patients):
     * mean over patients of x_i(this) - x_i(reference), SE = sd(d) / sqrt(n);
     * 0 and 0 for the reference itself; NaN when not computed */
    double diff_mean_os, diff_mean_os_se, diff_rmst, diff_rmst_se;
    /* economics (when the accumulator has it): for each quantity q
     * (econ_patient.h: NELM_ECON_LY ... NELM_ECON_LY_U) the mean over
     * patients with its MCSE, and the paired difference against the
     * reference with its SE */
    bool econ;
    double econ_mean[NELM_ECON_NQ], econ_se[NELM_ECON_NQ];
    double econ_diff[NELM_ECON_NQ], econ_diff_se[NELM_ECON_NQ];
    /* the incremental analysis of discounted costs and QALYs over the
     * strategies of the run (nelm_summary_econ): place in cost order
     * (0 cheapest), status, the frontier strategy compared with (index into
     * the run's strategies; n: none), increments with their paired SEs, ICER
     * (NaN where none); net monetary benefit at each economics.wtp value */
    size_t econ_rank, econ_vs;
    nelm_econ_status econ_status;
    double econ_inc_cost, econ_inc_cost_se, econ_inc_qaly, econ_inc_qaly_se, econ_icer;
    double econ_nmb[NELM_ECON_MAX_WTP], econ_nmb_se[NELM_ECON_MAX_WTP];
} nelm_summary;

/** Everything but the paired differences (set to NaN). tau > 0 (months). */
int nelm_summary_compute(const nelm_summary_acc *a, double tau, nelm_summary *s, nelm_err *e);
/** Paired differences of a against ref (both filled with the same patients
 *  in the same order; NELM_ERR_PARAM otherwise), using s->tau. */
int nelm_summary_paired(const nelm_summary_acc *a, const nelm_summary_acc *ref, nelm_summary *s,
                        nelm_err *e);
/** The incremental analysis of n strategies' summaries s (economics
 *  computed: s[i].econ) from their accumulators (same patients, same
 *  order; for the paired SEs) at p->econ.wtp (econ_sum.c). */
int nelm_summary_econ(const nelm_summary_acc *acc, nelm_summary *s, size_t n, const nelm_params *p,
                      nelm_err *e);
/** Kaplan–Meier of OS on the grid t = 0, 1, ..., nmonths - 1 months: S(t)
 *  and its 95 % log interval (arrays of nmonths). */
int nelm_summary_km_grid(const nelm_summary_acc *a, size_t nmonths, double *surv, double *lo,
                         double *hi, nelm_err *e);

/** The table `nelmsim run` and `nelmsim summary` print: one block per
 *  strategy (names from p), instance shares for the instances p declares;
 *  reference: index into strategies of the reference strategy for the paired
 *  differences. */
void nelm_summary_print(FILE *out, const nelm_params *p, const size_t *strategies,
                        const nelm_summary *s, size_t n, size_t reference);
/** The same as CSV: a header line, then one row per strategy (column names
 *  in snake_case, numbers %.17g, NaN as empty). Returns 0 or NELM_ERR_IO. */
int nelm_summary_write_csv(FILE *out, const nelm_params *p, const size_t *strategies,
                           const nelm_summary *s, size_t n, size_t reference, nelm_err *e);

#endif
