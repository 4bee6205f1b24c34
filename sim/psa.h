/* psa.h — distributions of uncertain parameters for probabilistic sensitivity
 * analysis (DESIGN §4, §6): construction from what papers report, quantiles,
 * moments, keyed uniform draws and the Gaussian copula for correlated
 * parameters. Math only; the spec's syntax is read elsewhere (scenario.c).
 *
 *   family     p[0], p[1]            built from
 *   fixed      value, -              a value
 *   beta       alpha, beta           mean and SE (method of moments), or
 *                                    events and total (alpha = events,
 *                                    beta = total - events)
 *   lognormal  mu, sigma (log scale) a point estimate and its 95 % CI:
 *                                    mu = log(estimate),
 *                                    sigma = log(hi / lo) / (2 · 1.959963984540054)
 *   gamma      shape, scale          mean and SE: shape = (mean/se)^2,
 *                                    scale = se^2 / mean
 *   normal     mean, sd              mean and SD
 *   uniform    min, max              its range
 *
 * Every constructor checks its inputs (finite, in range, and a usable
 * result) and returns 0 or NELM_ERR_PARAM with a message naming the input
 * and its value; the caller adds the parameter's path.
 *
 * Draws: draw k of a parameter is quantile(u) for a uniform u from a PCG32
 * generator keyed by (seed, k, hash of the parameter's path) alone, so it
 * does not change when draws or parameters are added or reordered.
 * Correlated parameters (a Gaussian copula) share their uniforms through a
 * Cholesky factor: z = Φ^{-1}(u), z' = L z, u' = Φ(z'); each marginal is kept
 * and the normal scores z' have the given correlations.
 */
#ifndef NELM_PSA_H
#define NELM_PSA_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef enum nelm_psa_family {
    NELM_PSA_FIXED = 0,
    NELM_PSA_BETA,
    NELM_PSA_LNORM,
    NELM_PSA_GAMMA,
    NELM_PSA_NORMAL,
    NELM_PSA_UNIFORM,
    NELM_PSA_NFAMILIES
} nelm_psa_family;

/** Natural parameters (see the table above). Build with a constructor. */
typedef struct nelm_psa_dist {
    nelm_psa_family family;
    double p[2];
} nelm_psa_dist;

/** "fixed", "beta", "lognormal", "gamma", "normal", "uniform"; NULL for a
 *  value out of range. */
const char *nelm_psa_family_name(nelm_psa_family f);
/** The family of a name (exact, case-sensitive); NELM_PSA_NFAMILIES if none. */
nelm_psa_family nelm_psa_family_from_name(const char *name);

/* ---- constructors: 0 or NELM_ERR_PARAM; *d is written only on success ---- */

/** fixed(value): any finite value. */
int nelm_psa_fixed(double value, nelm_psa_dist *d, nelm_err *e);
/** beta by the method of moments: 0 < mean < 1, se > 0 and se^2 < mean (1 -
 *  mean) (a beta's variance is below that); alpha = mean k, beta = (1-mean) k
 *  with k = mean (1-mean)/se^2 - 1. */
int nelm_psa_beta_mean_se(double mean, double se, nelm_psa_dist *d, nelm_err *e);
/** beta(events, total - events): 0 < events < total. No continuity
 *  correction is added and zero events (or zero non-events) is an error,
 *  since beta(0, n) is improper; the message suggests the Jeffreys form
 *  events + 1/2 of total + 1, which may be given directly (non-integer
 *  counts, e.g. effective sample sizes, are accepted). */
int nelm_psa_beta_events(double events, double total, nelm_psa_dist *d, nelm_err *e);
/** lognormal from an estimate (hazard ratio, odds ratio, ...) and its 95 %
 *  CI [lo, hi]: 0 < lo < estimate < hi. A log-normal's CI is symmetric about
 *  log(estimate), so log(estimate) must lie within 10 % of the half-width
 *  log(hi/lo)/2 from the CI's log-centre; otherwise (a CI from another
 *  scale, a typo, or an estimate that is not the CI's centre) it is an
 *  error whose message gives the geometric centre sqrt(lo hi). */
int nelm_psa_lnorm_ci(double estimate, double lo, double hi, nelm_psa_dist *d, nelm_err *e);
/** gamma(shape = (mean/se)^2, scale = se^2/mean): mean > 0, se > 0. */
int nelm_psa_gamma_mean_se(double mean, double se, nelm_psa_dist *d, nelm_err *e);
/** normal(mean, sd): sd > 0. */
int nelm_psa_normal(double mean, double sd, nelm_psa_dist *d, nelm_err *e);
/** uniform(min, max): min < max, max - min finite. */
int nelm_psa_uniform_range(double min, double max, nelm_psa_dist *d, nelm_err *e);

/* ---- values ---- */

/** The u-quantile, 0 < u < 1 (u = 0 and 1 give the ends of the support,
 *  e.g. ±inf for a normal; NaN outside [0, 1]). Beta by
 *  nelm_sf_beta_inc_inv, gamma by nelm_sf_gamma_p_inv, normal and lognormal
 *  by nelm_sf_norm_quantile; nondecreasing in u. */
double nelm_psa_quantile(const nelm_psa_dist *d, double u);
/** Mean and standard deviation of the distribution (0 for fixed). */
double nelm_psa_mean(const nelm_psa_dist *d);
double nelm_psa_sd(const nelm_psa_dist *d);

/* ---- keyed draws ---- */

/** 64-bit key of a parameter path: FNV-1a of its bytes, then nelm_mix64.
 *  Part of the reproducibility contract (tests pin known values). */
uint64_t nelm_psa_path_key(const char *path);
/** Uniform in (0, 1) (53 bits; nelm_rng_uniform_pos) for draw `draw` of the
 *  parameter with key path_key under run seed `seed`: a PCG32 generator
 *  whose state and increment are both derived by nelm_mix64 from (seed,
 *  draw, path_key) with PSA-only constants, so the stream differs from every
 *  patient stream (rng.h) and depends on nothing else. */
double nelm_psa_uniform(uint64_t seed, uint64_t draw, uint64_t path_key);
/** nelm_psa_quantile(d, nelm_psa_uniform(seed, draw, path_key)). */
double nelm_psa_draw(const nelm_psa_dist *d, uint64_t seed, uint64_t draw, uint64_t path_key);

/* ---- correlated parameters (Gaussian copula) ---- */

#define NELM_PSA_CORR_MAX 64 /**< parameters in one correlated group */

/** Lower Cholesky factor L (k x k, row-major, zeros above the diagonal) of
 *  the correlation matrix corr (k x k, row-major), 1 <= k <=
 *  NELM_PSA_CORR_MAX. Errors: an entry not finite or outside [-1, 1], a
 *  diagonal entry not 1, corr not symmetric (to 1e-12), or corr not
 *  positive definite (a pivot <= 1e-10: the correlations contradict each
 *  other, or some are ±1). */
int nelm_psa_cholesky(const double *corr, size_t k, double *L, nelm_err *e);
/** u_out[i] = Φ(Σ_{j<=i} L[i k + j] Φ^{-1}(u[j])), i < k <= NELM_PSA_CORR_MAX,
 *  kept inside [2^-1074, 1 - 2^-53] so every quantile stays finite; u and
 *  u_out may be the same array. */
void nelm_psa_correlate(const double *L, size_t k, const double *u, double *u_out);

#endif
