/* econ.h — health-economic arithmetic (issue: health economics): discounting
 * in continuous time, the incremental analysis of strategies (dominance,
 * extended dominance, ICERs, net monetary benefit) and, from a PSA table of
 * costs and effects per draw, acceptability curves, the frontier and EVPI.
 *
 * Pure functions on numbers: no parameters, no engine, no I/O.
 *
 * Discounting: an annual rate r (0.035 = 3.5 % per year) discounts a value
 * at time t years by (1 + r)^-t = exp(-d t), d = ln(1 + r), continuously; a
 * rate paid at a constant level over [t0, t1] is integrated exactly. Times
 * are months (the simulator's unit), rates per month. */
#ifndef NELM_ECON_H
#define NELM_ECON_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/** Present value of 1 paid at time t (months) at annual rate r (>= 0). */
double nelm_econ_pv_point(double t, double r);
/** Present value of 1 per month paid over [t0, t1] months (t1 >= t0) at
 *  annual rate r: int_t0^t1 exp(-d t / 12) dt (t1 - t0 when r = 0). */
double nelm_econ_pv_interval(double t0, double t1, double r);
/** The same for a level that steps: value[k] per month on [cut[k-1],
 *  cut[k]) (cut[-1] = -inf, cut[n-1] = +inf; n values, n - 1 cuts in
 *  increasing order, times on the same clock as t0 and t1), e.g. an
 *  age-band utility norm shifted to the patient's clock. */
double nelm_econ_pv_steps(double t0, double t1, double r, const double *cut, const double *value,
                          size_t n);

/** A strategy's place in the incremental analysis. */
typedef enum nelm_econ_status {
    NELM_ECON_FRONTIER = 0,  /**< on the efficiency frontier */
    NELM_ECON_DOMINATED,     /**< another costs no more and gives no less (one strictly) */
    NELM_ECON_EXT_DOMINATED, /**< a mix of two others does better (extended dominance) */
} nelm_econ_status;

typedef struct nelm_econ_row {
    size_t strategy;     /**< index into the caller's arrays */
    double cost, effect; /**< means */
    nelm_econ_status status;
    double inc_cost, inc_effect; /**< vs the previous frontier strategy (frontier rows;
                                   NaN for the first and for dominated rows) */
    double icer; /**< inc_cost / inc_effect (frontier rows but the first; else NaN) */
    size_t vs;   /**< the frontier strategy compared with (frontier rows
                      but the first); n when none */
} nelm_econ_row;

/** Incremental analysis of n strategies (n >= 1) with mean cost[i] and
 *  effect[i] (e.g. QALYs): out (n rows) ordered by cost (ties: more effect
 *  first, then index), each marked frontier, dominated or extendedly
 *  dominated; ICERs between consecutive frontier strategies. Equal cost and
 *  effect: the lower index stays on the frontier, the other is dominated.
 *  NELM_ERR_PARAM for non-finite inputs. */
int nelm_econ_incremental(const double *cost, const double *effect, size_t n, nelm_econ_row *out,
                          nelm_err *e);

/** Net monetary benefit at willingness to pay wtp per unit effect. */
double nelm_econ_nmb(double cost, double effect, double wtp);

/** From a PSA table: cost[k * n + i] and effect[k * n + i] of strategy i in
 *  draw k (ndraws draws, n strategies), at each of nw willingness-to-pay
 *  values wtp[j]:
 *  - ceac[j * n + i]: the share of draws in which strategy i has the highest
 *    net monetary benefit (ties: the lowest index);
 *  - best[j]: the strategy with the highest mean net monetary benefit (the
 *    acceptability frontier's choice), frontier[j] the share of draws in
 *    which it is the best (NULL: not wanted);
 *  - evpi[j]: mean over draws of the highest NMB minus the highest mean NMB
 *    (>= 0), per patient (NULL: not wanted).
 *  NELM_ERR_PARAM for ndraws == 0, n == 0 or non-finite values. */
int nelm_econ_psa(const double *cost, const double *effect, size_t ndraws, size_t n,
                  const double *wtp, size_t nw, double *ceac, size_t *best, double *frontier,
                  double *evpi, nelm_err *e);

#endif
