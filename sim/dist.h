/* dist.h — parametric survival distributions (DESIGN §3).
 *
 * Families and parameters are exactly those of R's flexsurv, so a fitted
 * model's coefficients can be pasted as they are (after exp() of the log
 * parameters flexsurv reports on its own scale):
 *
 *   family     params            S(t)
 *   exp        rate              exp(-rate t)
 *   weibull    shape, scale      exp(-(t/scale)^shape)            (AFT form)
 *   weibullPH  shape, scale      exp(-scale t^shape)              (PH form)
 *   gompertz   shape, rate       exp(-(rate/shape)(e^{shape t}-1)); shape may be
 *                                < 0: defective, S(inf) = exp(rate/shape)
 *   lnorm      meanlog, sdlog    1 - Φ((log t - meanlog)/sdlog)
 *   llogis     shape, scale      1 / (1 + (t/scale)^shape)
 *   gamma      shape, rate       Q(shape, rate t)
 *   gengamma   mu, sigma, Q      Prentice (1974) generalized gamma:
 *                                w = (log t - mu)/sigma, γ = Q^-2, u = γ e^{Q w};
 *                                Q > 0: S = Q(γ, u); Q < 0: S = P(γ, u);
 *                                Q = 0: lnorm(mu, sigma)
 *   pexp       rates[], cuts[]   hazard rates[i] on [cuts[i], cuts[i+1]),
 *                                cuts[0] = 0, last piece open-ended (msm form)
 *
 * Parameters are in the distribution's own time unit (time_unit: days,
 * weeks, months, years); every function below takes and returns MONTHS.
 * A month is 365.25/12 days.
 *
 * Modifiers (one formula, applied to the uncured part only):
 *     S(t) = π + (1 − π) · S0(t / AF)^HR
 * π cure fraction in [0, 1], AF acceleration factor > 0, HR hazard ratio > 0.
 * Sampling inverts the cumulative hazard from one uniform:
 *     t = AF · H0^{-1}(E / HR),  E = −log of the uncured part's uniform,
 * so one uniform per draw and common random numbers hold across parameter
 * changes. "No event" (cured, or beyond a defective distribution's plateau)
 * is an explicit result, never an infinite time.
 */
#ifndef NELM_DIST_H
#define NELM_DIST_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "rng.h"

typedef enum nelm_dist_family {
    NELM_DIST_EXP = 0,
    NELM_DIST_WEIBULL,
    NELM_DIST_WEIBULL_PH,
    NELM_DIST_GOMPERTZ,
    NELM_DIST_LNORM,
    NELM_DIST_LLOGIS,
    NELM_DIST_GAMMA,
    NELM_DIST_GENGAMMA,
    NELM_DIST_PEXP,
    NELM_DIST_NFAMILIES
} nelm_dist_family;

typedef enum nelm_time_unit {
    NELM_UNIT_DAYS = 0,
    NELM_UNIT_WEEKS,
    NELM_UNIT_MONTHS,
    NELM_UNIT_YEARS,
    NELM_UNIT_NUNITS
} nelm_time_unit;

/** Most pieces of a piecewise-exponential distribution. */
#define NELM_PEXP_MAX 32
#define NELM_DIST_MAX_PARAMS 3

/** A validated distribution. Fill it with nelm_dist_init*; treat the fields
 *  as read-only. No heap memory: copy freely, nothing to free. */
typedef struct nelm_dist {
    nelm_dist_family family;
    nelm_time_unit unit;
    double per_month;                 /**< time units per month (days: 30.4375) */
    double par[NELM_DIST_MAX_PARAMS]; /**< flexsurv parameters, in family order */
    /* derived constants, set by init */
    double c[4];
    /* piecewise exponential (in the distribution's time unit) */
    size_t npieces;
    double cuts[NELM_PEXP_MAX];  /**< cuts[0] = 0, strictly increasing */
    double rates[NELM_PEXP_MAX]; /**< >= 0 */
    double cumhaz[NELM_PEXP_MAX]; /**< H at cuts[i] */
} nelm_dist;

/** Modifiers of one draw (DESIGN §3). nelm_mod_none() is π = 0, AF = HR = 1. */
typedef struct nelm_mod {
    double cure; /**< π, cure fraction in [0, 1] */
    double af;   /**< acceleration factor, > 0 */
    double hr;   /**< hazard ratio, > 0 */
} nelm_mod;

static inline nelm_mod
nelm_mod_none(void)
{
    nelm_mod m = {0.0, 1.0, 1.0};
    return m;
}

/* ---- families, parameter names, units (drive parsing and docs) ---- */

/** flexsurv name of a family ("weibullPH", ...). */
const char *nelm_dist_family_name(nelm_dist_family f);
/** Family by flexsurv name; returns NELM_DIST_NFAMILIES when unknown. */
nelm_dist_family nelm_dist_family_from_name(const char *name);
/** Number of scalar parameters (0 for pexp, which takes arrays). */
size_t nelm_dist_nparams(nelm_dist_family f);
/** Name of scalar parameter i of family f. */
const char *nelm_dist_param_name(nelm_dist_family f, size_t i);
const char *nelm_time_unit_name(nelm_time_unit u);
/** Unit by name ("days", "weeks", "months", "years"); NELM_UNIT_NUNITS when unknown. */
nelm_time_unit nelm_time_unit_from_name(const char *name);

/* ---- construction and validation ---- */

/** Validate and set up a scalar-parameter family. par holds
 *  nelm_dist_nparams(f) values in the order of the table above. Errors name
 *  the parameter, e.g. "weibull: shape must be > 0 (got -1)". */
int nelm_dist_init(nelm_dist *d, nelm_dist_family f, const double *par, nelm_time_unit unit,
                   nelm_err *e);
/** Piecewise exponential with n pieces: cuts[0] must be 0, cuts strictly
 *  increasing and finite, rates finite and >= 0. */
int nelm_dist_init_pexp(nelm_dist *d, const double *cuts, const double *rates, size_t n,
                        nelm_time_unit unit, nelm_err *e);
/** Validate modifiers: π in [0,1], AF and HR finite and > 0. */
int nelm_mod_check(const nelm_mod *m, nelm_err *e);

/* ---- functions of the base distribution (t in months, t >= 0) ---- */

double nelm_dist_pdf(const nelm_dist *d, double t);
double nelm_dist_cdf(const nelm_dist *d, double t);
double nelm_dist_surv(const nelm_dist *d, double t);
double nelm_dist_hazard(const nelm_dist *d, double t);
double nelm_dist_cumhaz(const nelm_dist *d, double t);
/** Smallest t with F(t) >= p; +inf when no such t (p = 1, or p at or above a
 *  defective distribution's total mass). */
double nelm_dist_quantile(const nelm_dist *d, double p);
/** H0^{-1}(x): the time where the cumulative hazard reaches x >= 0;
 *  +inf when the cumulative hazard never reaches x. */
double nelm_dist_inv_cumhaz(const nelm_dist *d, double x);
/** Mean in months; +inf when the mean is infinite (heavy tail or defective). */
double nelm_dist_mean(const nelm_dist *d);
/** Restricted mean survival to a horizon tau (months): ∫0^tau S(t) dt. */
double nelm_dist_rmst(const nelm_dist *d, double tau);

/* ---- functions of the modified distribution ---- */

double nelm_dist_surv_mod(const nelm_dist *d, const nelm_mod *m, double t);
double nelm_dist_rmst_mod(const nelm_dist *d, const nelm_mod *m, double tau);

/* ---- sampling ---- */

/** One draw from uniform u in (0, 1). Returns true and sets *t (months,
 *  finite, > 0) when the event happens; false for "no event" (*t untouched).
 *  Times below the smallest normal double are returned as DBL_MIN, times
 *  beyond DBL_MAX as DBL_MAX. */
bool nelm_dist_draw(const nelm_dist *d, const nelm_mod *m, double u, double *t);
/** Left-truncated draw given no event by t0 (months, >= 0): returns the
 *  absolute time (>= t0) as nelm_dist_draw does. */
bool nelm_dist_draw_after(const nelm_dist *d, const nelm_mod *m, double t0, double u,
                          double *t);
/** Convenience: one uniform from r, then nelm_dist_draw. */
bool nelm_dist_sample(const nelm_dist *d, const nelm_mod *m, nelm_rng *r, double *t);

#endif
