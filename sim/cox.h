/* cox.h — the Cox proportional-hazards model with one covariate, fitted by
 * maximising the partial likelihood (Newton–Raphson), as R's
 * survival::coxph does: the hazard-ratio targets of `nelmsim targets`
 * (DESIGN §11) compare a simulated arm (x = 1) with its control (x = 0).
 *
 * Ties: Efron's approximation (R's default) or Breslow's. Subjects
 * censored at the time of an event are in its risk set (R's convention).
 * The covariate is centred at its mean before fitting (as coxph does; the
 * estimate is the same, the arithmetic better conditioned). The standard
 * error is 1 / sqrt(information) at the estimate. */
#ifndef NELM_COX_H
#define NELM_COX_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef enum nelm_cox_ties {
    NELM_COX_EFRON = 0, /**< R's default */
    NELM_COX_BRESLOW = 1,
} nelm_cox_ties;

typedef struct nelm_cox_result {
    double beta;    /**< log hazard ratio */
    double se;      /**< its standard error, 1 / sqrt(information) */
    double loglik;  /**< log partial likelihood at beta */
    double loglik0; /**< at beta = 0 */
    int iterations; /**< Newton steps taken */
    size_t n;       /**< subjects */
    size_t events;  /**< events */
} nelm_cox_result;

/** Fit h(t | x) = h0(t) exp(beta x) to n subjects (time >= 0 finite, event
 *  0 censored / 1 event, x finite). Allocates (NELM_ERR_NOMEM). Fails with
 *  NELM_ERR_PARAM, naming why, when there is no event, the covariate does
 *  not vary, or the partial likelihood has no finite maximum (every event in
 *  one group at every event time: a monotone likelihood, beta infinite). */
int nelm_cox_fit(const double *time, const uint8_t *event, const double *x, size_t n,
                 nelm_cox_ties ties, nelm_cox_result *r, nelm_err *e);

#endif
