/* psa.c — PSA distributions, keyed draws and the Gaussian copula (psa.h).
 *
 * Moments used by the constructors and nelm_psa_mean/sd: beta(α, β) has mean
 * α/(α+β) and variance αβ/((α+β)²(α+β+1)), so mean m and variance v give
 * α+β = m(1-m)/v - 1; gamma(k, θ) has mean kθ and variance kθ²;
 * lognormal(μ, σ) has median e^μ, mean e^{μ+σ²/2} and variance
 * (e^{σ²} - 1) e^{2μ+σ²}; uniform(a, b) has SD (b-a)/sqrt(12).
 */
#include "psa.h"

#include <math.h>
#include <string.h>

#include "rng.h"
#include "specfun.h"

/* Φ^{-1}(0.975): the 95 % interval is ±Z95 standard deviations. */
#define Z95 1.959963984540054

/* A log-normal's CI is symmetric on the log scale: log(estimate) may sit at
 * most this fraction of the half-width away from the CI's log-centre
 * (rounding of published figures stays well inside it for all but the
 * narrowest intervals). */
#define LNORM_ASYM_MAX 0.10

static const char *const family_names[NELM_PSA_NFAMILIES] = {
    "fixed", "beta", "lognormal", "gamma", "normal", "uniform",
};

const char *
nelm_psa_family_name(nelm_psa_family f)
{
    if ((int)f < 0 || f >= NELM_PSA_NFAMILIES)
        return NULL;
    return family_names[f];
}

nelm_psa_family
nelm_psa_family_from_name(const char *name)
{
    if (name != NULL)
        for (int f = 0; f < NELM_PSA_NFAMILIES; f++)
            if (strcmp(name, family_names[f]) == 0)
                return (nelm_psa_family)f;
    return NELM_PSA_NFAMILIES;
}

/* ---- constructors ------------------------------------------------------------- */

static void
set(nelm_psa_dist *d, nelm_psa_family f, double p0, double p1)
{
    d->family = f;
    d->p[0] = p0;
    d->p[1] = p1;
}

int
nelm_psa_fixed(double value, nelm_psa_dist *d, nelm_err *e)
{
    if (!isfinite(value))
        return NELM_FAIL(e, NELM_ERR_PARAM, "fixed: value must be a finite number (got %g)", value);
    set(d, NELM_PSA_FIXED, value, 0.0);
    return 0;
}

int
nelm_psa_beta_mean_se(double mean, double se, nelm_psa_dist *d, nelm_err *e)
{
    if (!isfinite(mean) || !isfinite(se))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "beta: mean and se must be finite numbers (got mean=%g, se=%g)", mean, se);
    if (!(mean > 0.0 && mean < 1.0))
        return NELM_FAIL(e, NELM_ERR_PARAM, "beta: mean must be in (0, 1) (got %g)", mean);
    if (!(se > 0.0))
        return NELM_FAIL(e, NELM_ERR_PARAM, "beta: se must be > 0 (got %g)", se);
    double v = mean * (1.0 - mean);
    if (!(se * se < v))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "beta: se=%g is too large for mean=%g: a beta's SD is below "
                         "sqrt(mean (1 - mean)) = %g",
                         se, mean, sqrt(v));
    double k = v / (se * se) - 1.0;
    double alpha = mean * k, beta = (1.0 - mean) * k;
    if (!(isfinite(alpha) && isfinite(beta) && alpha > 0.0 && beta > 0.0))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "beta: mean=%g, se=%g give unusable parameters (alpha=%g, beta=%g)", mean,
                         se, alpha, beta);
    set(d, NELM_PSA_BETA, alpha, beta);
    return 0;
}

int
nelm_psa_beta_events(double events, double total, nelm_psa_dist *d, nelm_err *e)
{
    if (!isfinite(events) || !isfinite(total))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "beta: events and total must be finite numbers (got events=%g, total=%g)",
                         events, total);
    if (!(events >= 0.0 && total > 0.0 && events <= total))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "beta: need 0 < events < total (got events=%g, total=%g)", events, total);
    if (events == 0.0 || events == total)
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "beta: %s events (events=%g, total=%g) give an improper beta; add a "
                         "prior, e.g. Jeffreys': events: %g, total: %g",
                         events == 0.0 ? "zero" : "all", events, total, events + 0.5, total + 1.0);
    double beta = total - events;
    if (!(beta > 0.0))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "beta: total - events is not positive (events=%g, total=%g)", events,
                         total);
    set(d, NELM_PSA_BETA, events, beta);
    return 0;
}

int
nelm_psa_lnorm_ci(double estimate, double lo, double hi, nelm_psa_dist *d, nelm_err *e)
{
    if (!isfinite(estimate) || !isfinite(lo) || !isfinite(hi))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "lognormal: estimate and ci must be finite numbers (got estimate=%g, "
                         "ci=[%g, %g])",
                         estimate, lo, hi);
    if (!(lo > 0.0 && lo < estimate && estimate < hi))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "lognormal: need 0 < low < estimate < high (got estimate=%g, ci=[%g, %g])",
                         estimate, lo, hi);
    double llo = log(lo), lhi = log(hi), mu = log(estimate);
    double half = 0.5 * (lhi - llo), centre = 0.5 * (llo + lhi);
    double sigma = half / Z95;
    if (!(sigma > 0.0 && isfinite(sigma)))
        return NELM_FAIL(e, NELM_ERR_PARAM, "lognormal: ci=[%g, %g] has no usable width", lo, hi);
    double off = fabs(mu - centre) / half;
    if (off > LNORM_ASYM_MAX)
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "lognormal: the 95 %% CI [%g, %g] is not symmetric about the estimate %g "
                         "on the log scale (the estimate is %.0f %% of the half-width off the "
                         "CI's centre; at most %.0f %% is accepted), so no log-normal has both; "
                         "its geometric centre is %.6g",
                         lo, hi, estimate, 100.0 * off, 100.0 * LNORM_ASYM_MAX, exp(centre));
    set(d, NELM_PSA_LNORM, mu, sigma);
    return 0;
}

int
nelm_psa_gamma_mean_se(double mean, double se, nelm_psa_dist *d, nelm_err *e)
{
    if (!isfinite(mean) || !isfinite(se))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "gamma: mean and se must be finite numbers (got mean=%g, se=%g)", mean,
                         se);
    if (!(mean > 0.0))
        return NELM_FAIL(e, NELM_ERR_PARAM, "gamma: mean must be > 0 (got %g)", mean);
    if (!(se > 0.0))
        return NELM_FAIL(e, NELM_ERR_PARAM, "gamma: se must be > 0 (got %g)", se);
    double r = mean / se;
    double shape = r * r, scale = se / r; /* se^2/mean without overflow */
    if (!(isfinite(shape) && shape > 0.0 && isfinite(scale) && scale > 0.0))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "gamma: mean=%g, se=%g give unusable parameters (shape=%g, scale=%g)",
                         mean, se, shape, scale);
    set(d, NELM_PSA_GAMMA, shape, scale);
    return 0;
}

int
nelm_psa_normal(double mean, double sd, nelm_psa_dist *d, nelm_err *e)
{
    if (!isfinite(mean) || !isfinite(sd))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "normal: mean and sd must be finite numbers (got mean=%g, sd=%g)", mean,
                         sd);
    if (!(sd > 0.0))
        return NELM_FAIL(e, NELM_ERR_PARAM, "normal: sd must be > 0 (got %g)", sd);
    set(d, NELM_PSA_NORMAL, mean, sd);
    return 0;
}

int
nelm_psa_uniform_range(double min, double max, nelm_psa_dist *d, nelm_err *e)
{
    if (!isfinite(min) || !isfinite(max))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "uniform: min and max must be finite numbers (got min=%g, max=%g)", min,
                         max);
    if (!(min < max))
        return NELM_FAIL(e, NELM_ERR_PARAM, "uniform: need min < max (got min=%g, max=%g)", min,
                         max);
    if (!isfinite(max - min))
        return NELM_FAIL(e, NELM_ERR_PARAM, "uniform: the range [%g, %g] is too wide", min, max);
    set(d, NELM_PSA_UNIFORM, min, max);
    return 0;
}

/* ---- values ---------------------------------------------------------------------- */

double
nelm_psa_quantile(const nelm_psa_dist *d, double u)
{
    if (!(u >= 0.0 && u <= 1.0))
        return NAN;
    const double a = d->p[0], b = d->p[1];
    switch (d->family) {
    case NELM_PSA_FIXED:
        return a;
    case NELM_PSA_BETA:
        return nelm_sf_beta_inc_inv(a, b, u);
    case NELM_PSA_LNORM:
        return exp(a + b * nelm_sf_norm_quantile(u));
    case NELM_PSA_GAMMA:
        return b * nelm_sf_gamma_p_inv(a, u);
    case NELM_PSA_NORMAL:
        return a + b * nelm_sf_norm_quantile(u);
    case NELM_PSA_UNIFORM:
        return fmin(a + u * (b - a), b); /* monotone in u; the ends exact */
    default:
        break;
    }
    nelm_bug(__FILE__, __LINE__, "nelm_psa_quantile: unknown family");
}

double
nelm_psa_mean(const nelm_psa_dist *d)
{
    const double a = d->p[0], b = d->p[1];
    switch (d->family) {
    case NELM_PSA_FIXED:
    case NELM_PSA_NORMAL:
        return a;
    case NELM_PSA_BETA:
        return a / (a + b);
    case NELM_PSA_LNORM:
        return exp(a + 0.5 * b * b);
    case NELM_PSA_GAMMA:
        return a * b;
    case NELM_PSA_UNIFORM:
        return 0.5 * a + 0.5 * b;
    default:
        break;
    }
    nelm_bug(__FILE__, __LINE__, "nelm_psa_mean: unknown family");
}

double
nelm_psa_sd(const nelm_psa_dist *d)
{
    const double a = d->p[0], b = d->p[1];
    switch (d->family) {
    case NELM_PSA_FIXED:
        return 0.0;
    case NELM_PSA_NORMAL:
        return b;
    case NELM_PSA_BETA: {
        double s = a + b;
        return sqrt(a * b / (s + 1.0)) / s;
    }
    case NELM_PSA_LNORM:
        return exp(a + 0.5 * b * b) * sqrt(expm1(b * b));
    case NELM_PSA_GAMMA:
        return sqrt(a) * b;
    case NELM_PSA_UNIFORM:
        return (b - a) / sqrt(12.0);
    default:
        break;
    }
    nelm_bug(__FILE__, __LINE__, "nelm_psa_sd: unknown family");
}

/* ---- keyed draws ------------------------------------------------------------------ */

/* FNV-1a (Fowler, Noll, Vo), 64-bit offset basis and prime. */
#define FNV64_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV64_PRIME UINT64_C(0x00000100000001b3)

/* The PSA stream's constants: the fractional parts of sqrt(2), sqrt(3),
 * sqrt(5), sqrt(7) and sqrt(11) (as in SHA-512's initial values; the first
 * made odd), none of them used by the patient streams in rng.h. Part of the
 * reproducibility contract. */
#define PSA_C_SEED UINT64_C(0x6a09e667f3bcc909)
#define PSA_C_DRAW UINT64_C(0xbb67ae8584caa73b)
#define PSA_C_PATH UINT64_C(0x3c6ef372fe94f82b)
#define PSA_C_STATE UINT64_C(0xa54ff53a5f1d36f1)
#define PSA_C_STREAM UINT64_C(0x510e527fade682d1)

uint64_t
nelm_psa_path_key(const char *path)
{
    uint64_t h = FNV64_OFFSET;
    for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
        h ^= *c;
        h *= FNV64_PRIME;
    }
    return nelm_mix64(h);
}

double
nelm_psa_uniform(uint64_t seed, uint64_t draw, uint64_t path_key)
{
    /* absorb the three words through the bijection nelm_mix64, each with its
     * own constant (as nelm_rng_keyed_tail does), then state and increment
     * from two independent-looking images of the result */
    uint64_t h = nelm_mix64(seed + PSA_C_SEED);
    h = nelm_mix64(h ^ (draw + PSA_C_DRAW));
    h = nelm_mix64(h ^ (path_key + PSA_C_PATH));
    nelm_rng r;
    r.state = nelm_mix64(h ^ PSA_C_STATE);
    r.inc = (nelm_mix64(h + PSA_C_STREAM) << 1u) | 1u;
    return nelm_rng_uniform_pos(&r);
}

double
nelm_psa_draw(const nelm_psa_dist *d, uint64_t seed, uint64_t draw, uint64_t path_key)
{
    return nelm_psa_quantile(d, nelm_psa_uniform(seed, draw, path_key));
}

/* ---- Gaussian copula ---------------------------------------------------------------- */

int
nelm_psa_cholesky(const double *corr, size_t k, double *L, nelm_err *e)
{
    if (k < 1 || k > NELM_PSA_CORR_MAX)
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "a correlation matrix needs 1 to %d parameters (got %zu)",
                         NELM_PSA_CORR_MAX, k);
    for (size_t i = 0; i < k; i++) {
        for (size_t j = 0; j < k; j++) {
            double c = corr[i * k + j];
            if (!isfinite(c) || c < -1.0 || c > 1.0)
                return NELM_FAIL(e, NELM_ERR_PARAM,
                                 "correlation (%zu, %zu) = %g is not a number in [-1, 1]", i + 1,
                                 j + 1, c);
            if (i == j && c != 1.0)
                return NELM_FAIL(e, NELM_ERR_PARAM,
                                 "diagonal entry (%zu, %zu) = %.17g of a correlation matrix "
                                 "must be 1",
                                 i + 1, i + 1, c);
            if (j < i && fabs(c - corr[j * k + i]) > 1e-12)
                return NELM_FAIL(e, NELM_ERR_PARAM,
                                 "correlation matrix not symmetric: (%zu, %zu) = %g but (%zu, %zu) "
                                 "= %g",
                                 i + 1, j + 1, c, j + 1, i + 1, corr[j * k + i]);
        }
    }
    /* Cholesky–Banachiewicz, row by row, from the lower triangle */
    for (size_t i = 0; i < k; i++) {
        for (size_t j = 0; j <= i; j++) {
            double s = corr[i * k + j];
            for (size_t m = 0; m < j; m++)
                s -= L[i * k + m] * L[j * k + m];
            if (j == i) {
                if (!(s > 1e-10))
                    return NELM_FAIL(e, NELM_ERR_PARAM,
                                     "correlation matrix not positive definite (pivot %zu of %zu "
                                     "is %.3g): the correlations contradict each other, or some "
                                     "are +-1",
                                     i + 1, k, s);
                L[i * k + i] = sqrt(s);
            } else {
                L[i * k + j] = s / L[j * k + j];
            }
        }
        for (size_t j = i + 1; j < k; j++)
            L[i * k + j] = 0.0;
    }
    return 0;
}

void
nelm_psa_correlate(const double *L, size_t k, const double *u, double *u_out)
{
    nelm_bug_assert(k <= NELM_PSA_CORR_MAX);
    double z[NELM_PSA_CORR_MAX];
    for (size_t j = 0; j < k; j++)
        z[j] = nelm_sf_norm_quantile(u[j]);
    for (size_t i = 0; i < k; i++) {
        double s = 0.0;
        for (size_t j = 0; j <= i; j++)
            s += L[i * k + j] * z[j];
        double v = nelm_sf_norm_cdf(s);
        u_out[i] = fmin(fmax(v, 0x1p-1074), 1.0 - 0x1p-53);
    }
}
