/* specfun.c — special functions for the survival distributions (specfun.h).
 *
 * Written in this project from the mathematics; the published method is named
 * beside each function. No GSL, Cephes, Boost or R code. Every function is
 * pure: no static mutable state, and no lgamma() (it writes signgam).
 *
 * Notation for the incomplete gamma ratios (a > 0, x > 0):
 *   P(a,x) = γ(a,x)/Γ(a),  Q(a,x) = Γ(a,x)/Γ(a) = 1 - P(a,x),
 *   λ = x/a,  μ = λ - 1,  φ = μ - log(1+μ) = λ - 1 - log λ >= 0,
 *   η = sign(μ) sqrt(2φ),  D(a,x) = x^a e^{-x} / Γ(a+1).
 * The smaller of P and Q is always computed directly; the larger is 1 minus
 * it, which keeps both to full relative accuracy.
 *
 * The coefficient tables (here and in specfun_temme.h) are computed with
 * mpmath at 120 digits from the definitions quoted beside them and rounded to
 * double by scripts/gen_specfun_tables.py; its --check mode (a CTest script
 * test) recomputes them and compares bit for bit.
 */
#include "specfun.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#define SF_EULER 0.5772156649015329       /* Euler–Mascheroni γ */
#define SF_1M_EULER 0.42278433509846713   /* 1 - γ */
#define SF_LN_SQRT_2PI 0.9189385332046728 /* log sqrt(2π) */
#define SF_SQRT_2PI 2.5066282746310007
#define SF_INV_SQRT_2PI 0.3989422804014327
#define SF_INV_SQRT_PI 0.5641895835477563
#define SF_2_SQRT_PI 1.1283791670955126  /* 2 / sqrt(π) */
#define SF_SQRT1_2_HI 0.7071067811865476 /* sqrt(1/2) = HI + LO */
#define SF_SQRT1_2_LO (-4.833646656726457e-17)
#define SF_LN2 0.6931471805599453 /* log 2 = SF_LN2 + SF_LN2_LO */
#define SF_LN2_LO 2.3190468138462996e-17

/* ---- double-double helpers --------------------------------------------------- */

/* a * b = *hi + *lo exactly (Dekker 1971 two-product with Veltkamp's split;
 * valid while |a|, |b| < 1e150; needs -ffp-contract=off, which the build sets). */
static void
two_prod(double a, double b, double *hi, double *lo)
{
    const double split = 134217729.0; /* 2^27 + 1 */
    double p = a * b;
    double ca = split * a, ah = ca - (ca - a), al = a - ah;
    double cb = split * b, bh = cb - (cb - b), bl = b - bh;
    *hi = p;
    *lo = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/* ---- log Γ ------------------------------------------------------------------------ */

/* c_k = (-1)^k (ζ(k) - 1) / k, k = 2..31: Taylor series of log Γ(2+t) about t = 0,
 *   log Γ(2+t) = (1-γ) t + Σ_{k>=2} (-1)^k (ζ(k)-1) t^k / k
 * (from the Weierstrass product; Abramowitz & Stegun 6.1.33 shifted by one).
 * Enough terms for |t| <= 0.5 to 1e-19 relative. */
/* clang-format off */
static const double lgam2_c[30] = {
    0.3224670334241132, -0.0673523010531981, 0.020580808427784546, -0.007385551028673986,
    0.0028905103307415234, -0.001192753911703261, 0.0005096695247430425, -0.00022315475845357939,
    9.945751278180853e-05, -4.492623673813314e-05, 2.050721277567069e-05, -9.439488275268397e-06,
    4.374866789907488e-06, -2.039215753801366e-06, 9.55141213040742e-07, -4.492469198764566e-07,
    2.1207184805554665e-07, -1.0043224823968099e-07, 4.7698101693639804e-08,
    -2.2711094608943164e-08, 1.0838659214896955e-08, -5.183475041970047e-09, 2.4836745438024785e-09,
    -1.1921401405860912e-09, 5.731367241678862e-10, -2.7595228851242334e-10, 1.330476437424449e-10,
    -6.4229645638381e-11, 3.1044247747322276e-11, -1.5021384080754142e-11,
};
/* clang-format on */

/* B_{2k} / (2k (2k-1)), k = 1..8: Stirling's series for log Γ*(x). */
/* clang-format off */
static const double stirling_c[8] = {
    1.0 / 12.0,   -1.0 / 360.0,      1.0 / 1260.0, -1.0 / 1680.0,
    1.0 / 1188.0, -691.0 / 360360.0, 1.0 / 156.0,  -3617.0 / 122400.0,
};
/* clang-format on */

/* log Γ(2+t) for |t| <= 0.5 by the ζ series above (relative error ~1e-16,
 * including near the zero at t = 0). */
static double
lgamma_2p(double t)
{
    size_t n = sizeof lgam2_c / sizeof lgam2_c[0];
    double s = lgam2_c[n - 1];
    for (size_t i = n - 1; i-- > 0;)
        s = s * t + lgam2_c[i];
    return t * (SF_1M_EULER + t * s);
}

/* log Γ(1+t) for -0.5 <= t <= 1.5, relative accuracy near the zeros t = 0, 1. */
static double
lgamma_1p(double t)
{
    if (t <= 0.5)
        return lgamma_2p(t) - log1p(t);
    return lgamma_2p(t - 1.0); /* exact shift */
}

/* log Γ*(x) = log Γ(x) - (x - 1/2) log x + x - log sqrt(2π) for x >= 10:
 * Stirling's asymptotic series (DLMF 5.11.1), truncation error < 2e-18 / x. */
static double
stirling_corr(double x)
{
    double y = 1.0 / x, y2 = y * y;
    double s = stirling_c[7];
    for (int k = 6; k >= 0; k--)
        s = s * y2 + stirling_c[k];
    return s * y;
}

/* log Γ(x), x > 0. Method: the ζ-series of log Γ(2+t) on [0.5, 2.5] (with
 * log Γ(1+t) = log Γ(2+t) - log1p(t)), the recurrence Γ(x) = (x-1)Γ(x-1)
 * down to that interval for x < 10, Stirling's series for x >= 10. x = 0
 * gives +inf; x < 0 and NaN give NaN. */
double
nelm_sf_lgamma(double x)
{
    if (isnan(x) || x < 0.0)
        return NAN;
    if (x == 0.0 || isinf(x))
        return INFINITY;
    if (x < 0.5)
        return (lgamma_2p(x) - log1p(x)) - log(x);
    if (x < 1.5)
        return lgamma_2p(x - 1.0) - log1p(x - 1.0);
    if (x <= 2.5)
        return lgamma_2p(x - 2.0);
    if (x < 10.0) {
        double prod = 1.0, y = x;
        while (y > 2.5) {
            y -= 1.0; /* exact */
            prod *= y;
        }
        return log(prod) + lgamma_2p(y - 2.0);
    }
    double lx = log(x);
    return x * (lx - 1.0) - 0.5 * lx + SF_LN_SQRT_2PI + stirling_corr(x);
}

double
nelm_sf_lgamma_corr(double x)
{
    if (x >= 10.0)
        return stirling_corr(x);
    return nelm_sf_lgamma(x) - ((x - 0.5) * log(x) - x + SF_LN_SQRT_2PI);
}

/* ---- standard normal ----------------------------------------------------------- */

/* erfc(w / sqrt 2) for w >= 1, with w / sqrt 2 carried as a double-double and
 * the low part applied to first order: erfc(y + d) = erfc(y) - d (2/sqrtπ) e^{-y^2}.
 * This removes the y^2 ε error that rounding w / sqrt 2 would cause in the tail. */
static double
erfc_w_sqrt1_2(double w)
{
    if (w > 40.0) /* erfc(28.3) underflows */
        return 0.0;
    double yh, yl;
    two_prod(w, SF_SQRT1_2_HI, &yh, &yl);
    yl += w * SF_SQRT1_2_LO;
    return erfc(yh) - yl * SF_2_SQRT_PI * exp(-yh * yh);
}

/* erfc(y) e^{y^2} for y >= 20 by its asymptotic series (A&S 7.1.23); at y = 20
 * the 9th term is below 1e-19 of the sum. */
static double
erfcx_large(double y)
{
    double v = 1.0 / (2.0 * y * y), s = 1.0, t = 1.0;
    for (int k = 1; k <= 9; k++) {
        t *= -(2.0 * k - 1.0) * v;
        s += t;
    }
    return s * SF_INV_SQRT_PI / y;
}

/* Φ(z) = erfc(-z/√2)/2 with libm's erfc; the argument is split exactly below
 * z = -1 (see erfc_w_sqrt1_2), so the lower tail keeps erfc's own accuracy. */
double
nelm_sf_norm_cdf(double z)
{
    if (isnan(z))
        return z;
    if (z >= -1.0)
        return 0.5 * erfc(-z * SF_SQRT1_2_HI);
    return 0.5 * erfc_w_sqrt1_2(-z);
}

double
nelm_sf_norm_sf(double z)
{
    return nelm_sf_norm_cdf(-z);
}

/* φ(z) = e^{-z²/2}/√(2π) with z² split exactly (Dekker), so the exponent is
 * not rounded: relative error ~2ε for all z where φ is a normal number. */
double
nelm_sf_norm_pdf(double z)
{
    if (isnan(z))
        return z;
    double w = fabs(z);
    if (w < 1.0 || w > 40.0) /* w > 38.6: e^{-w²/2} underflows */
        return w > 1e150 ? 0.0 : exp(-0.5 * w * w) * SF_INV_SQRT_2PI;
    double h, l;
    two_prod(w, w, &h, &l);
    return exp(-0.5 * h) * (1.0 - 0.5 * l) * SF_INV_SQRT_2PI;
}

/* log Φ(z): log1p(-Φ(-z)) for z > 0, log Φ(z) while Φ(z) is comfortably
 * normal (z > -30), and below that the asymptotic (Mills ratio) series
 * Φ(-w) = φ(w)/w · Σ_k (-1)^k (2k-1)!! / w^{2k}  (A&S 26.2.12) in log form,
 * so z = -1e3 (log Φ ≈ -5e5) is as accurate as z = -3. */
double
nelm_sf_norm_log_cdf(double z)
{
    if (isnan(z))
        return z;
    if (z > 0.0)
        return log1p(-nelm_sf_norm_cdf(-z));
    if (z > -30.0)
        return log(nelm_sf_norm_cdf(z));
    double w = -z;
    double v = 1.0 / (w * w), s = 0.0, t = 1.0;
    for (int k = 1; k <= 9; k++) {
        t *= -(2.0 * k - 1.0) * v;
        s += t;
    }
    return -0.5 * w * w - log(w) - SF_LN_SQRT_2PI + log1p(s);
}

/* Wichura (1988), Algorithm AS 241 PPND16: Φ^{-1}(p), relative error ~1e-16.
 * Coefficients as published (Applied Statistics 37(3), 477–484). */
/* clang-format off */
static const double as241_a[8] = {
    3.3871328727963666080,    1.3314166789178437745e+2, 1.9715909503065514427e+3,
    1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
    3.3430575583588128105e+4, 2.5090809287301226727e+3,
};
static const double as241_b[8] = {
    1.0,                      4.2313330701600911252e+1, 6.8718700749205790830e+2,
    5.3941960214247511077e+3, 2.1213794301586595867e+4, 3.9307895800092710610e+4,
    2.8729085735721942674e+4, 5.2264952788528545610e+3,
};
static const double as241_c[8] = {
    1.42343711074968357734,    4.63033784615654529590,    5.76949722146069140550,
    3.64784832476320460504,    1.27045825245236838258,    2.41780725177450611770e-1,
    2.27238449892691845833e-2, 7.74545014278341407640e-4,
};
static const double as241_d[8] = {
    1.0,                       2.05319162663775882187,    1.67638483018380384940,
    6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2,
    5.47593808499534494600e-4, 1.05075007164441684324e-9,
};
static const double as241_e[8] = {
    6.65790464350110377720,    5.46378491116411436990,    1.78482653991729133580,
    2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
    2.71155556874348757815e-5, 2.01033439929228813265e-7,
};
static const double as241_f[8] = {
    1.0,                       5.99832206555887937690e-1, 1.36929880922735805310e-1,
    1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5,
    1.42151175831644588870e-7, 2.04426310338993978564e-15,
};
/* clang-format on */

static double
poly7(const double c[8], double x)
{
    double s = c[7];
    for (int i = 6; i >= 0; i--)
        s = s * x + c[i];
    return s;
}

/* Φ^{-1}(1/2 + q) for |q| <= 0.425: AS 241's central rational function, then
 * one Halley step on erf(z/√2)/2 - q, where q is exact, so z near 0 keeps
 * its relative accuracy. */
static double
norm_quantile_central(double q)
{
    double r = 0.180625 - q * q;
    double z = q * poly7(as241_a, r) / poly7(as241_b, r);
    double u = (0.5 * erf(z * SF_SQRT1_2_HI) - q) / nelm_sf_norm_pdf(z);
    return z - u / (1.0 + 0.5 * z * u);
}

/* Φ^{-1}(p): AS 241, then one Halley step on Φ(z) - p (central region: see
 * above). p < 1e-300 goes to the log-space inverse. */
double
nelm_sf_norm_quantile(double p)
{
    if (isnan(p) || p < 0.0 || p > 1.0)
        return NAN;
    if (p == 0.0)
        return -INFINITY;
    if (p == 1.0)
        return INFINITY;
    double q = p - 0.5; /* exact */
    if (fabs(q) <= 0.425)
        return norm_quantile_central(q);
    double r = q < 0.0 ? p : 1.0 - p; /* exact */
    double z;
    if (r < 1e-300) {
        z = nelm_sf_norm_quantile_log(log(r));
    } else {
        double s = sqrt(-log(r));
        if (s <= 5.0)
            z = -poly7(as241_c, s - 1.6) / poly7(as241_d, s - 1.6);
        else
            z = -poly7(as241_e, s - 5.0) / poly7(as241_f, s - 5.0);
        double u = (nelm_sf_norm_cdf(z) - r) / nelm_sf_norm_pdf(z);
        z -= u / (1.0 + 0.5 * z * u);
    }
    return q < 0.0 ? z : -z;
}

/* z with log Φ(z) = log_p. For p > 0.925 through the upper tail
 * -Φ^{-1}(-expm1(log_p)); in AS 241's central region from p - 1/2 computed
 * as expm1(log_p + log 2)/2 (relative accuracy for z near 0); while
 * p = e^{log_p} is a normal number through nelm_sf_norm_quantile (exp of an
 * exact argument loses nothing); below that
 * from the asymptotic guess w² = -2 log_p - log(2π) - 2 log w, then Newton
 * on log Φ, which is concave, so the iteration is monotone. */
double
nelm_sf_norm_quantile_log(double log_p)
{
    if (isnan(log_p) || log_p > 0.0)
        return NAN;
    if (log_p == 0.0)
        return INFINITY;
    if (isinf(log_p))
        return -INFINITY;
    if (log_p > -0.078) /* p > 0.925: upper tail 1 - p = -expm1(log_p) */
        return -nelm_sf_norm_quantile(-expm1(log_p));
    if (log_p > -2.59) /* central: p - 1/2 = expm1(log_p + log 2)/2, log 2 in two parts */
        return norm_quantile_central(0.5 * expm1((log_p + SF_LN2) + SF_LN2_LO));
    if (log_p > -690.0)
        return nelm_sf_norm_quantile(exp(log_p));
    double w = sqrt(-2.0 * log_p);
    for (int i = 0; i < 3; i++)
        w = sqrt(-2.0 * log_p - 2.0 * SF_LN_SQRT_2PI - 2.0 * log(w));
    double z = -w;
    for (int i = 0; i < 20; i++) {
        double lc = nelm_sf_norm_log_cdf(z);
        double g1 = exp(-0.5 * z * z - SF_LN_SQRT_2PI - lc); /* φ/Φ */
        double dz = -(lc - log_p) / g1;
        z += dz;
        if (fabs(dz) <= 1e-15 * fabs(z))
            break;
    }
    return z;
}

/* ---- incomplete gamma ratios ------------------------------------------------ */

/* Temme's uniform asymptotic expansion: its definition and coefficient
 * tables are in specfun_temme.h. */
#include "specfun_temme.h"

/* a-dependent constants, computed once per call (or once per inversion). */
typedef struct gam_ctx {
    double a;
    double gam1;    /* Γ(a+1) = a Γ(a), for a < 10 */
    double gstar;   /* Γ*(a) = Γ(a) / (sqrt(2π/a) (a/e)^a), for a >= 10 */
    double rgam1m1; /* 1/Γ(1+a) - 1, for a <= 1.5 */
} gam_ctx;

static void
gam_ctx_init(gam_ctx *c, double a)
{
    c->a = a;
    c->gam1 = a < 10.0 ? a * tgamma(a) : 0.0;
    c->gstar = a >= 10.0 ? exp(stirling_corr(a)) : 0.0;
    c->rgam1m1 = a <= 1.5 ? expm1(-lgamma_1p(a)) : 0.0;
}

/* μ - log(1+μ) for μ > -1, to a few ulps relative: for -0.5 < μ < 1 by
 * log(1+μ) = 2 atanh(t), t = μ/(2+μ), so μ - log(1+μ) = μt - 2(t³/3 + t⁵/5 + …)
 * with |t| <= 1/3 (no cancellation); elsewhere directly. */
static double
log1pmx_neg(double mu)
{
    if (mu > -0.5 && mu < 1.0) {
        double t = mu / (2.0 + mu), t2 = t * t;
        double s = 1.0 / 37.0;
        for (int k = 17; k >= 1; k--)
            s = s * t2 + 1.0 / (2.0 * k + 1.0);
        return mu * t - 2.0 * t * t2 * s;
    }
    return mu - log1p(mu);
}

double
nelm_sf_log1pmx(double x)
{
    return -log1pmx_neg(x);
}

/* expm1(x) - x = x²/2 + x³/6 + ... by its Taylor series for |x| < 0.5 (terms
 * fall by at least 1/6 each), directly elsewhere. */
double
nelm_sf_expm1mx(double x)
{
    if (fabs(x) < 0.5) {
        double term = 0.5 * x * x, sum = 0.0;
        for (int k = 3; k < 40 && fabs(term) > 1e-18 * fabs(sum); k++) {
            sum += term;
            term *= x / k;
        }
        return sum + term;
    }
    return expm1(x) - x;
}

/* φ = λ - 1 - log λ for λ = x/a (x, a > 0), with *mu = (x - a)/a. */
static double
gam_phi(double a, double x, double *mu)
{
    *mu = (x - a) / a;
    if (*mu > -0.5 && *mu < 1.0)
        return log1pmx_neg(*mu);
    double lam = x / a;
    double llam = lam >= DBL_MIN ? log(lam) : log(x) - log(a);
    return lam - 1.0 - llam;
}

/* e^{-aφ} = λ^a e^{a-x} (λ = x/a) to a few ulps, for the a >= 10 paths: λ and
 * a - x are carried as double-doubles (Dekker product, TwoSum) and applied to
 * first order, so pow and exp get exact arguments. When λ^a or e^{a-x} alone
 * leaves the double range, both are taken to the power 2^-k (exact scalings)
 * and the product squared back k times; that multiplies the error by 2^k, so
 * k is kept to 2^k <= aφ/2, where it still beats the alternative.
 * Returns false when that is not enough or the result is not a normal number;
 * the callers then use exp(-aφ), whose error is about ε aφ. */
static bool
lam_pow_exp(double a, double x, double E, double *v)
{
    double lam = x / a;
    if (!(lam >= DBL_MIN && lam <= 1e300))
        return false;
    double ph, pl;
    two_prod(lam, a, &ph, &pl);
    double lam_lo = ((x - ph) - pl) / a; /* λ = lam + lam_lo */
    double s = a - x, bb = s - a;
    double r = (a - (s - bb)) + (-x - bb); /* a - x = s + r */
    double cc = a * lam_lo / lam;
    double corr = (1.0 + cc + 0.5 * cc * cc) * (1.0 + r);
    double h = 1.0;
    for (int k = 0; k == 0 || (k <= 6 && ldexp(1.0, k + 1) <= E); k++, h *= 0.5) {
        double pw = pow(lam, a * h), ex = exp(s * h);
        if (pw >= DBL_MIN && pw <= DBL_MAX && ex >= DBL_MIN && ex <= DBL_MAX) {
            double w = pw * ex;
            for (int j = 0; j < k; j++)
                w *= w;
            w *= corr;
            if (!(w >= DBL_MIN && w <= DBL_MAX))
                return false;
            *v = w;
            return true;
        }
    }
    return false;
}

/* D(a,x) = x^a e^{-x} / Γ(a+1) as *f · exp(*l) (*l = 0 whenever D is a normal
 * number). Where it can, every elementary function gets an exact argument:
 *   a < 10:   pow(x, a) · e^{-x} / Γ(a+1);
 *   a >= 10:  λ^a e^{a-x} / (sqrt(2πa) Γ*(a))  (lam_pow_exp),
 * so D keeps a few ulps however large log D is. Out of range it falls back
 * to the log form, whose error is about ε |log D|, the conditioning of D. */
static void
gam_prefactor(const gam_ctx *c, double x, double *f, double *l)
{
    double a = c->a;
    if (a < 10.0) {
        double pw = pow(x, a);
        if (pw >= DBL_MIN && pw <= DBL_MAX && x <= 1400.0) {
            double v = x <= 700.0 ? pw * exp(-x) / c->gam1
                                  : (pw * exp(-0.5 * x) / c->gam1) * exp(-0.5 * x);
            if (v >= DBL_MIN) {
                *f = v;
                *l = 0.0;
                return;
            }
        }
        *f = 1.0;
        *l = a * log(x) - x - log(c->gam1);
        return;
    }
    double mu, E = a * gam_phi(a, x, &mu);
    double w, norm = SF_SQRT_2PI * sqrt(a) * c->gstar;
    if (E < 745.0 && lam_pow_exp(a, x, E, &w) && w / norm >= DBL_MIN) {
        *f = w / norm;
        *l = 0.0;
        return;
    }
    *f = 1.0 / norm;
    *l = -E;
}

/* Result of one evaluation: the directly computed ratio (P if side == 0, Q
 * if side == 1) is f · exp(l); lr = log(a D / that ratio) = |d log T / d log x|
 * (only when asked for, by the inversion). */
enum { GAM_P = 0, GAM_Q = 1 };
typedef struct gam_val {
    int side;
    double f, l, lr;
} gam_val;

/* Temme's expansion (see above) for a >= 20, 0.3 <= λ <= 1.6. The smaller
 * ratio is returned: Q for x >= a, P for x < a. When e^{-aη²/2} would drop
 * below ~1e-260 the result is kept as f · exp(-aη²/2) with erfc scaled. */
static void
gam_temme(const gam_ctx *c, double x, double phi, double mu, bool deriv, gam_val *v)
{
    double a = c->a;
    double eta = sqrt(2.0 * phi);
    if (mu < 0.0)
        eta = -eta;
    double ia = 1.0 / a, ak = 1.0, sum = 0.0;
    for (int k = 0; k < 14; k++) {
        if (k > 0 && ak * temme_bound[k] < 2e-18)
            break;
        const double *d = temme_d[k];
        double ck = d[temme_n[k] - 1];
        for (int n = temme_n[k] - 2; n >= 0; n--)
            ck = ck * eta + d[n];
        sum += ak * ck;
        ak *= ia;
    }
    double E = a * phi; /* aη²/2, relative error a few ε */
    double y = sqrt(E); /* |η| sqrt(a/2) */
    double rf = sum / (SF_SQRT_2PI * sqrt(a));
    double sgn = mu < 0.0 ? -1.0 : 1.0; /* Q: +R;  P: -R */
    v->side = mu < 0.0 ? GAM_P : GAM_Q;
    /* erfc(y) has relative sensitivity 2y² = 2E to y, so E's own rounding
     * would cost ~ε E. When e^{-E} is available to a few ulps (ew, from
     * lam_pow_exp), the exact E is E + el with el = -log(ew e^E), and
     * y = sqrt(E + el) = y + yl. */
    double ew = 0.0, yl = 0.0;
    bool exact = E > 1.0 && E < 708.0 && lam_pow_exp(a, x, E, &ew);
    if (exact) {
        double el = -log(ew * exp(E));
        double sh, sl;
        two_prod(y, y, &sh, &sl);
        yl = (((E - sh) - sl) + el) / (2.0 * y);
    }
    if (E < 600.0) {
        double ex = exact ? ew : exp(-E);
        v->f = (0.5 * erfc(y) - yl * SF_INV_SQRT_PI * ex) + sgn * ex * rf;
        v->l = 0.0;
    } else {
        v->f = 0.5 * erfcx_large(y) + sgn * rf;
        v->l = -E;
        if (exact && v->f * ew >= DBL_MIN) { /* still a normal number */
            v->f *= ew;
            v->l = 0.0;
        }
    }
    if (deriv) {
        double df, dl;
        gam_prefactor(c, x, &df, &dl);
        v->lr = log(a * df / v->f) + (dl - v->l);
    }
}

/* P by its power series (DLMF 8.7.1, Kummer's form):
 * P = D · Σ_{n>=0} x^n / ((a+1)…(a+n)), used for x < a (all terms positive). */
static double
gam_p_series(double a, double x)
{
    double t = 1.0, s = 1.0;
    for (int n = 1; n < 100000; n++) {
        t *= x / (a + n);
        s += t;
        if (t <= s * (0.5 * DBL_EPSILON))
            break;
    }
    return s;
}

/* Q for small a and x < 1.5 (as in DiDonato & Morris 1986 and Gil, Segura &
 * Temme 2012): from
 * γ(a,x) = Σ (-1)^n x^{a+n} / (n!(a+n)),
 *   Q = -(g + (x^a - 1)/Γ(1+a)) + a x^a / Γ(1+a) · Σ_{n>=1} (-1)^{n+1} x^n / (n!(a+n)),
 * g = 1/Γ(1+a) - 1 and x^a - 1 = expm1(a log x) computed to relative accuracy,
 * so Q ≈ a E1(x) keeps its digits when a -> 0 (where 1 - P would not). */
static double
gam_q_small(const gam_ctx *c, double x, double *dval)
{
    double a = c->a, g = c->rgam1m1;
    double e = expm1(a * log(x));
    double t = x, s = x / (a + 1.0);
    for (int n = 2; n < 200; n++) {
        t *= -x / n;
        double term = t / (a + n);
        s += term;
        if (fabs(term) <= fabs(s) * (0.5 * DBL_EPSILON))
            break;
    }
    double xg = (1.0 + e) * (1.0 + g); /* x^a / Γ(1+a) */
    *dval = xg * exp(-x);              /* D */
    return -(g + e * (1.0 + g)) + a * xg * s;
}

/* Legendre's continued fraction for Γ(a,x) (DLMF 8.9.2, even part):
 *   Γ(a,x) = e^{-x} x^a F,  F = 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- …))),
 * evaluated by the modified Lentz method (Lentz 1976; Thompson & Barnett 1986).
 * Q = a D F. With a = 0 it gives e^x E1(x). */
static double
gam_q_cf(double a, double x)
{
    const double tiny = 1e-300;
    double b0 = x + 1.0 - a;
    double f = b0 != 0.0 ? b0 : tiny, cc = f, dd = 0.0;
    int n = 1;
    for (; n < 100000; n++) {
        double an = -n * (n - a), b = b0 + 2.0 * n;
        dd = b + an * dd;
        if (fabs(dd) < tiny)
            dd = tiny;
        cc = b + an / cc;
        if (fabs(cc) < tiny)
            cc = tiny;
        dd = 1.0 / dd;
        double delta = cc * dd;
        f *= delta;
        if (fabs(delta - 1.0) <= DBL_EPSILON)
            break;
    }
    /* Lentz's running product accumulates rounding (up to ~3e-15 after 60
     * terms); with the length now known, evaluate the fraction again from
     * the bottom up, which is stable: error ~1e-16. */
    double t = 0.0;
    for (int k = n + n / 4 + 8; k >= 1; k--) {
        double den = b0 + 2.0 * k + t;
        t = -k * (k - a) / (den != 0.0 ? den : tiny);
    }
    double den = b0 + t;
    return 1.0 / (den != 0.0 ? den : tiny);
}

/* One evaluation for a > 0 and 0 < x < inf. Method by region (after Gil,
 * Segura & Temme 2012, SIAM J. Sci. Comput. 34(6), with their α(x) split):
 *   a >= 20 and 0.3 <= x/a <= 1.6       Temme's uniform expansion;
 *   a > α(x)                            P by the power series;
 *   otherwise x < 1.5                   Q by the small-a series;
 *   otherwise                           Q by the continued fraction;
 * α(x) = x for x >= 1/2, log(1/2)/log(x/2) below (where P(α(x), x) ≈ 1/2). */
static void
gam_eval(const gam_ctx *c, double x, bool deriv, gam_val *v)
{
    double a = c->a;
    if (a >= 20.0 && x >= 0.3 * a && x <= 1.6 * a) {
        double mu, phi = gam_phi(a, x, &mu);
        gam_temme(c, x, phi, mu, deriv, v);
        return;
    }
    bool p_side = x >= 0.5 ? a > x : a > log(0.5) / log(0.5 * x);
    if (p_side) {
        double s = gam_p_series(a, x);
        gam_prefactor(c, x, &v->f, &v->l);
        v->f *= s;
        v->side = GAM_P;
        if (deriv)
            v->lr = log(a / s);
        return;
    }
    if (x < 1.5) {
        double dv;
        v->f = gam_q_small(c, x, &dv);
        v->l = 0.0;
        v->side = GAM_Q;
        if (deriv)
            v->lr = log(a * dv / v->f);
        return;
    }
    double fcf = gam_q_cf(a, x);
    gam_prefactor(c, x, &v->f, &v->l);
    v->f *= a * fcf;
    v->side = GAM_Q;
    if (deriv)
        v->lr = -log(fcf);
}

static double
gam_val_value(const gam_val *v)
{
    return v->l == 0.0 ? v->f : v->f * exp(v->l);
}

static double
gam_val_log(const gam_val *v)
{
    return log(v->f) + v->l;
}

/* Shared edge cases; true when *p, *q are set. a must be finite and > 0. */
static bool
gam_edge(double a, double x, double *p, double *q)
{
    if (isnan(a) || isnan(x) || !(a > 0.0) || isinf(a) || x < 0.0) {
        *p = *q = NAN;
        return true;
    }
    if (x == 0.0) {
        *p = 0.0;
        *q = 1.0;
        return true;
    }
    if (isinf(x)) {
        *p = 1.0;
        *q = 0.0;
        return true;
    }
    return false;
}

void
nelm_sf_gamma_pq(double a, double x, double *p, double *q)
{
    double pv, qv;
    if (!gam_edge(a, x, &pv, &qv)) {
        gam_ctx c;
        gam_val v;
        gam_ctx_init(&c, a);
        gam_eval(&c, x, false, &v);
        double t = gam_val_value(&v);
        if (v.side == GAM_P) {
            pv = t;
            qv = 1.0 - t;
        } else {
            qv = t;
            pv = 1.0 - t;
        }
    }
    if (p)
        *p = pv;
    if (q)
        *q = qv;
}

double
nelm_sf_gamma_p(double a, double x)
{
    double p;
    nelm_sf_gamma_pq(a, x, &p, NULL);
    return p;
}

double
nelm_sf_gamma_q(double a, double x)
{
    double q;
    nelm_sf_gamma_pq(a, x, NULL, &q);
    return q;
}

/* log of the ratio on the given side, from one evaluation. */
static double
gam_log_side(const gam_ctx *c, double x, int side)
{
    gam_val v;
    gam_eval(c, x, false, &v);
    if (v.side == side)
        return gam_val_log(&v);
    return log1p(-gam_val_value(&v));
}

double
nelm_sf_gamma_log_q(double a, double x)
{
    double p, q;
    if (gam_edge(a, x, &p, &q))
        return log(q);
    gam_ctx c;
    gam_ctx_init(&c, a);
    return gam_log_side(&c, x, GAM_Q);
}

double
nelm_sf_gamma_log_p(double a, double x)
{
    double p, q;
    if (gam_edge(a, x, &p, &q))
        return log(p);
    gam_ctx c;
    gam_ctx_init(&c, a);
    return gam_log_side(&c, x, GAM_P);
}

/* ---- inverse incomplete gamma ---------------------------------------------- */

/* λ > 0 with λ - 1 - log λ = η²/2 and sign(λ - 1) = sign(η): Taylor series
 * λ = 1 + η + η²/3 + η³/36 - η⁴/270 + … for |η| < 0.3 (Temme 1992), else
 * Newton from a side where it converges monotonically (the function is convex
 * in λ for η > 0 and in log λ for η < 0). Used for initial guesses only. */
static double
lambda_of_eta(double eta)
{
    if (fabs(eta) < 0.3) {
        static const double m[8] = {1.0,
                                    1.0 / 3.0,
                                    1.0 / 36.0,
                                    -1.0 / 270.0,
                                    1.0 / 4320.0,
                                    1.0 / 17010.0,
                                    -2.553644914756026e-05,
                                    4.899078973153047e-06};
        double s = m[7];
        for (int i = 6; i >= 0; i--)
            s = s * eta + m[i];
        return 1.0 + eta * s;
    }
    double h = 0.5 * eta * eta;
    if (eta > 0.0) {
        double lam = 1.0 + eta + h; /* right of the root: e^η >= 1 + η + η²/2 */
        for (int i = 0; i < 30; i++) {
            double d = (lam - 1.0 - log(lam) - h) / (1.0 - 1.0 / lam);
            lam -= d;
            if (fabs(d) <= 1e-12 * lam)
                break;
        }
        return lam;
    }
    double u = -1.0 - h; /* log λ, left of the root */
    for (int i = 0; i < 60; i++) {
        double el = exp(u);
        double d = (el - 1.0 - u - h) / (el - 1.0);
        u -= d;
        if (fabs(d) <= 1e-12 * fabs(u))
            break;
    }
    return exp(u);
}

/* Initial guess for x with log T(a,x) = lt, T = P or Q, lt <= log(1/2).
 *  - P, small x: from P = x^a e^{-x}/Γ(a+1) · (1 + x/(a+1) + …) = t,
 *    x ≈ r (1 + r/(a+1)) with r = (t Γ(a+1))^{1/a} (the small-x start of
 *    DiDonato & Morris 1986, ACM TOMS 12(4), to first order);
 *  - Q, a < 1, large x: fixed point of x = a log x - log Γ(a) - log(x+1-a) - lt
 *    (first term of the continued fraction);
 *  - otherwise Temme (1992, "Asymptotic inversion of incomplete gamma
 *    functions", Math. Comp. 58): η0 from the normal quantile of the target,
 *    η = η0 + ε1(η0)/a with ε1 = log(η0/μ0)/η0, then λ(η).
 * The Halley iteration in gam_inv only needs the guess to be near. */
static double
gam_inv_guess(const gam_ctx *c, int side, double lt)
{
    double a = c->a;
    double lg1 = a < 10.0 ? log(c->gam1) : nelm_sf_lgamma(a) + log(a);
    if (side == GAM_P) {
        double lx = (lt + lg1) / a;
        if (lx < -708.0) /* below the normal range: P = x^a/Γ(a+1) to all digits */
            return exp(lx);
        double r = exp(lx);
        if (a < 1.0 || r < 0.2 * (a + 1.0))
            return r * (1.0 + r / (a + 1.0));
    } else if (a < 1.0) {
        double r = exp((log1p(-exp(lt)) + lg1) / a); /* from P = 1 - t */
        if (r < 0.5)
            return r * (1.0 + r / (a + 1.0));
        double lga = lg1 - log(a), x = fmax(1.0, -lt);
        for (int i = 0; i < 6; i++)
            x = fmax(a * log(x) - lga - log(x + 1.0 - a) - lt, 0.5);
        return x;
    }
    double z = nelm_sf_norm_quantile_log(lt); /* <= 0 */
    double sa = sqrt(a);
    double eta0 = (side == GAM_P ? z : -z) / sa;
    double eta = eta0;
    if (fabs(eta0) > 1e-6) {
        double mu0 = lambda_of_eta(eta0) - 1.0;
        eta = eta0 + log(eta0 / mu0) / eta0 / a;
    } else {
        eta = eta0 - 1.0 / (3.0 * a);
    }
    return a * lambda_of_eta(eta);
}

/* x with T(a,x) = t, log t = lt, on side GAM_P or GAM_Q (t <= 1/2; t = 0 when
 * only the log is given), by Halley's method in u = log x on log T (log T is
 * concave in log x: the log-gamma density is log-concave), with a bracket
 * kept from the signs of the residual; a step that leaves the bracket becomes
 * a Newton step, then a bisection in log x. One to three evaluations from
 * the guess in general. */
static double
gam_inv(double a, int side, double t, double lt)
{
    gam_ctx c;
    gam_ctx_init(&c, a);
    double x = gam_inv_guess(&c, side, lt);
    if (!(x >= DBL_MIN))
        return x > 0.0 ? x : 0.0; /* subnormal or underflowed root */
    double lo = 0.0, hi = INFINITY;
    for (int it = 0; it < 100; it++) {
        gam_val v;
        gam_eval(&c, x, true, &v);
        double g, g1;
        if (v.side == side) {
            /* log(T/t) rather than log T - log t where both are normal:
             * the latter would carry the rounding of log t (|log t| ε). */
            g = (v.l == 0.0 && t >= DBL_MIN) ? log(v.f / t) : gam_val_log(&v) - lt;
            g1 = exp(v.lr);
        } else {
            double o = gam_val_value(&v);
            g = t >= DBL_MIN ? log((1.0 - o) / t) : log1p(-o) - lt;
            g1 = exp(v.lr) * o / (1.0 - o);
        }
        if (g == 0.0)
            break;
        if ((g > 0.0) == (side == GAM_P))
            hi = x;
        else
            lo = x;
        if (side == GAM_Q)
            g1 = -g1;
        double du = -g / g1;
        if (fabs(du) < 4.0 * DBL_EPSILON || hi - lo <= 4.0 * DBL_EPSILON * lo)
            break; /* at the rounding level of x, or the bracket has closed */
        double den = 1.0 + 0.5 * du * (a - x - g1); /* Halley: d²/du² = g1 (a - x - g1) */
        double step = (den > 0.5 && den < 2.0) ? du / den : du;
        double xn = x * exp(step);
        if (!(xn > lo && xn < hi)) {
            step = du;
            xn = x * exp(step);
        }
        if (!(xn > lo && xn < hi)) { /* bisection in log x */
            if (lo > 0.0 && isfinite(hi))
                xn = sqrt(lo) * sqrt(hi);
            else
                xn = lo > 0.0 ? 4.0 * lo : 0.25 * hi;
            x = xn;
            continue;
        }
        x = xn;
        /* |step g1| is the step in units where log T changes by O(1); after
         * a Halley (cubic) or Newton (quadratic) step of 1e-7 there, what is
         * left is below the rounding of log T itself. */
        if (fabs(step * g1) < 1e-7 || fabs(step) < 1e-15)
            break;
    }
    return x;
}

double
nelm_sf_gamma_p_inv(double a, double p)
{
    if (isnan(a) || isnan(p) || !(a > 0.0) || isinf(a) || p < 0.0 || p > 1.0)
        return NAN;
    if (p == 0.0)
        return 0.0;
    if (p == 1.0)
        return INFINITY;
    if (p <= 0.5)
        return gam_inv(a, GAM_P, p, log(p));
    return gam_inv(a, GAM_Q, 1.0 - p, log(1.0 - p)); /* 1 - p exact */
}

double
nelm_sf_gamma_q_inv_log(double a, double log_q)
{
    if (isnan(a) || isnan(log_q) || !(a > 0.0) || isinf(a) || log_q > 0.0)
        return NAN;
    if (log_q == 0.0)
        return 0.0;
    if (isinf(log_q))
        return INFINITY;
    if (log_q < -SF_LN2)
        return gam_inv(a, GAM_Q, 0.0, log_q); /* the target is the log itself */
    double p = -expm1(log_q);
    return gam_inv(a, GAM_P, p, log(p));
}

/* ---- exponential integral --------------------------------------------------- */

/* e^x E1(x), x > 0: for x < 1 the series E1 = -γ - log x - Σ_{k>=1} (-x)^k/(k k!)
 * (A&S 5.1.11); for x >= 1 Legendre's continued fraction (A&S 5.1.22, the
 * a = 0 case of the incomplete gamma one), by Lentz's method. x = 0 gives
 * +inf, x = +inf gives 0. */
double
nelm_sf_expint_e1_scaled(double x)
{
    if (isnan(x) || x < 0.0)
        return NAN;
    if (x == 0.0)
        return INFINITY;
    if (isinf(x))
        return 0.0;
    if (x < 1.0) {
        double t = 1.0, s = 0.0;
        for (int k = 1; k < 40; k++) {
            t *= -x / k;
            s -= t / k;
            if (fabs(t) <= k * fabs(s) * (0.5 * DBL_EPSILON))
                break;
        }
        return exp(x) * ((-SF_EULER - log(x)) + s);
    }
    return gam_q_cf(0.0, x);
}

/* ---- incomplete beta ------------------------------------------------------------ */

/* Notation (a, b > 0, 0 < x < 1, y = 1 - x):
 *   I_x(a,b) = B_x(a,b)/B(a,b),  s = a + b,  p0 = a/s,  q0 = b/s = 1 - p0,
 *   e = x - p0 = q0 - y,  K = x^a y^b / B(a,b).
 * Of x and y the smaller is taken as exact and the larger as its rounded
 * complement, so callers that know y more precisely than 1 - x (the inverse,
 * working near x = 1) lose nothing. */

/* c = a/s as the double-double (*hi, *lo), s = a + b formed exactly as
 * (sh, sl) by Knuth's two-sum; the remainder a - hi·sh is exact by fma. */
static void
dd_ratio(double a, double sh, double sl, double *hi, double *lo)
{
    *hi = a / sh;
    *lo = (fma(-*hi, sh, a) - *hi * sl) / sh;
}

/* a + b = *s + *err exactly (Knuth's two-sum). */
static void
two_sum(double a, double b, double *s, double *err)
{
    double t = a + b, bb = t - a;
    *s = t;
    *err = (a - (t - bb)) + (b - bb);
}

/* (c1 + c2) + sign (sh + sl) v, for the first level of the fraction
 * (1 ± λ, written on the exact variable v = x or y): the constant and the
 * product are carried as double-doubles, so the result is good to a few
 * ulps of itself even when the two parts cancel (b >> a near the turning
 * point). */
static double
beta_one_pm_lam(double c1, double c2, double sh, double sl, double v, double sign)
{
    double ch, cl, rh, rl;
    two_sum(c1, c2, &ch, &cl);
    double ph = sign * (sh * v), pl = sign * (fma(sh, v, -sh * v) + sl * v);
    two_sum(ch, ph, &rh, &rl);
    return rh + (rl + (cl + pl));
}

/* a log(r) - a (r - 1) for r = 1 + z, from z = e/p0 or -e/q0 (relative
 * accuracy in z suffices): log1pmx for z > -1/2 (no cancellation), else
 * log r - z with r = v/c formed from the exact small variable v. */
static double
beta_log_term(double v, double c, double z)
{
    if (z > -0.5)
        return nelm_sf_log1pmx(z);
    double r = v / c;
    return (r >= DBL_MIN ? log(r) : log(v) - log(c)) - z;
}

/* log K = log(x^a y^b / B(a,b)). Stirling's formula for the three Γ's gives
 *   log K = a log(x/p0) + b log(y/q0) + ½ log(a b / s) - log √(2π)
 *           - (Γc(a) + Γc(b) - Γc(s)),
 * Γc the Stirling remainder (nelm_sf_lgamma_corr, accurate for all
 * arguments). With z1 = e/p0, z2 = -e/q0 the linear parts cancel exactly
 * (a z1 + b z2 = 0), leaving a·log1pmx(z1) + b·log1pmx(z2): two terms <= 0,
 * so no cancellation however large a and b (the form of DiDonato & Morris
 * 1992, ACM TOMS 18(3), §2, derived afresh here). e is formed from the exact
 * variable and p0 (or q0) in double-double, so it is accurate to a few ulps
 * even where x is within rounding of p0. The error of log K is then a few
 * ulps of its terms, i.e. K itself is good to about ε (3 + |log K|). */
static double
beta_log_k(double a, double b, double x, double y, double sh, double sl, double *ep)
{
    double p0, p0l, q0, q0l;
    dd_ratio(a, sh, sl, &p0, &p0l);
    dd_ratio(b, sh, sl, &q0, &q0l);
    double e = x <= y ? (x - p0) - p0l : (q0 - y) + q0l;
    *ep = e;
    double t1 = a * beta_log_term(x, p0, e / p0);
    double t2 = b * beta_log_term(y, q0, -e / q0);
    double corr = nelm_sf_lgamma_corr(a) + nelm_sf_lgamma_corr(b) - nelm_sf_lgamma_corr(sh);
    return (t1 + t2) + (0.5 * log(p0 * b) - SF_LN_SQRT_2PI - corr);
}

/* The continued fraction of DLMF 8.17.22,
 *   I_x(a,b) = K / (a F),  F = 1 + d1/(1 + d2/(1 + d3/(1 + ...))),
 *   d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),
 *   d_{2m}   = m (b-m) x / ((a+2m-1)(a+2m)),
 * taken in its odd contraction (pairs of levels merged; e.g. Lorentzen &
 * Waadeland 1992, §2.4), F = β0 + α1/(β1 + α2/(β2 + ...)) with β0 = 1 + d1,
 * βk = 1 + d_{2k} + d_{2k+1}, αk = -d_{2k-1} d_{2k}. Written with
 * λ = a - (a+b) x = -(a+b) e, the β's are (derived by expanding them)
 *   β0 = (1 + λ)/(a + 1),
 *   βk = [c0 + λ c1] / ((a+b)(a+2k-1)(a+2k+1)),
 *     c0 = a (a(2k+1) + b(4k+1) + 2k² - 1) + b (4k² - 1)   (> 0),
 *     c1 = (a+b)(a-1) + 2k(a+k),
 *   αk = k (b-k)(a+k-1)(a+b+k-1) x² / ((a+2k-2)(a+2k-1)²(a+2k)).
 * Formed this way, with λ from the accurate e and 1 + λ passed in as opl
 * (beta_one_pm_lam), the βk do not cancel on the fast side, whereas
 * 1 + d_{2m+1} computed from x loses up to log10(a) digits when a is large
 * and x near p0. Evaluated forwards by the modified Lentz method (Thompson &
 * Barnett 1986). The fraction converges fast for x < (a+1)/(a+b+2), in
 * O(sqrt(max(a,b))) terms at worst. Returns F, with *amp = max |partial
 * value| / |F| (how much the evaluation cancelled), or NaN if maxit levels
 * were not enough. */
static double
beta_cf(double a, double b, double x, double lam, double opl, int maxit, double *amp)
{
    const double tiny = 1e-300;
    double s = a + b;
    double f = opl / (a + 1.0);
    if (fabs(f) < tiny)
        f = tiny;
    double c = f, d = 0.0, fmax = fabs(f);
    for (int k = 1; k <= maxit; k++) {
        double kk = (double)k;
        double c0 = a * (a * (2.0 * kk + 1.0) + b * (4.0 * kk + 1.0) + 2.0 * kk * kk - 1.0) +
                    b * (4.0 * kk * kk - 1.0);
        double c1 = s * (a - 1.0) + 2.0 * kk * (a + kk);
        double bk = (c0 + lam * c1) / (s * (a + 2.0 * kk - 1.0) * (a + 2.0 * kk + 1.0));
        double t = a + 2.0 * kk - 1.0;
        double ak = kk * (b - kk) * (a + kk - 1.0) * (s + kk - 1.0) * x * x /
                    ((t - 1.0) * t * t * (t + 1.0));
        d = bk + ak * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = bk + ak / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double delta = c * d;
        f *= delta;
        fmax = fmax > fabs(f) ? fmax : fabs(f);
        if (fabs(delta - 1.0) <= DBL_EPSILON) {
            *amp = fmax / fabs(f);
            return f;
        }
    }
    return NAN;
}

/* I_x(a,b) into *w and 1 - I_x(a,b) into *w1, each to full relative
 * accuracy, and log K into *lk (for the inverse's derivative); 0 < x, y < 1,
 * x + y = 1 (see the notation above). The side where the fraction converges
 * fast (x below or above (a+1)/(a+b+2)) is computed first, to a few ulps.
 * The other side is 1 minus it, which multiplies that error by
 * loss = (1 - t)/t for a result t. Where t < 1/4 (only for skewed shapes,
 * b < 1 < a or the mirror, beyond the turning point) t is also computed
 * directly, by the fraction outside its fast region; it converges there in
 * a few hundred levels, but can cancel, by about amp^5 ulps for the
 * amplification amp that beta_cf reports (measured against 50-digit values
 * over a, b in [0.05, 1e4]). The direct value is taken when loss > 3 amp^5,
 * which keeps both choices within about 80 ulps on that range. */
static void
beta_eval(double a, double b, double x, double y, double *w, double *w1, double *lk)
{
    enum { FAST_MAX = 100000, SLOW_MAX = 3000 };
    double sh, sl, e;
    two_sum(a, b, &sh, &sl);
    double l = beta_log_k(a, b, x, y, sh, sl, &e);
    double lam = -sh * e; /* a - (a+b) x */
    /* 1 + λ = (a+1) - (a+b) x = (1-b) + (a+b) y, and 1 - λ likewise */
    double opl = x <= y ? beta_one_pm_lam(a, 1.0, sh, sl, x, -1.0)
                        : beta_one_pm_lam(1.0, -b, sh, sl, y, 1.0);
    double oml = x <= y ? beta_one_pm_lam(1.0, -a, sh, sl, x, 1.0)
                        : beta_one_pm_lam(b, 1.0, sh, sl, y, -1.0);
    *lk = l;
    /* x < (a+1)/(a+b+2), decided on the exact variable */
    bool lower = x <= y ? x * (a + b + 2.0) < a + 1.0 : y * (a + b + 2.0) > b + 1.0;
    double k = exp(l), amp = 1.0, t, v;
    if (lower) {
        *w = k / (a * beta_cf(a, b, x, lam, opl, FAST_MAX, &amp));
        *w1 = t = 1.0 - *w;
        if (t < 0.25) {
            v = k / (b * beta_cf(b, a, y, -lam, oml, SLOW_MAX, &amp));
            if (v >= 0.0 && (1.0 - t) > 3.0 * pow(amp, 5.0) * t)
                *w1 = v;
        }
    } else {
        *w1 = k / (b * beta_cf(b, a, y, -lam, oml, FAST_MAX, &amp));
        *w = t = 1.0 - *w1;
        if (t < 0.25) {
            v = k / (a * beta_cf(a, b, x, lam, opl, SLOW_MAX, &amp));
            if (v >= 0.0 && (1.0 - t) > 3.0 * pow(amp, 5.0) * t)
                *w = v;
        }
    }
}

double
nelm_sf_beta_inc(double a, double b, double x)
{
    if (isnan(a) || isnan(b) || isnan(x) || !(a > 0.0) || !(b > 0.0) || isinf(a) || isinf(b) ||
        x < 0.0 || x > 1.0)
        return NAN;
    if (x == 0.0)
        return 0.0;
    if (x == 1.0)
        return 1.0;
    double w, w1, lk;
    beta_eval(a, b, x, 1.0 - x, &w, &w1, &lk);
    return w;
}

/* Initial guess for x <= 1/2 with I_x(a,b) = p:
 *  - a, b >= 1: the normal-deviate approximation of Abramowitz & Stegun
 *    26.5.22 (x = a / (a + b e^{2w}), w from the upper normal deviate of p,
 *    corrected for skewness);
 *  - otherwise the small-x form I ≈ x^a / (a B(a,b)), x = (p a B)^{1/a}.
 * lb = log B(a,b) (a guess only needs a few digits). The result is clipped
 * into the bracket by the caller. */
static double
beta_inv_guess(double a, double b, double p, double lb)
{
    if (a >= 1.0 && b >= 1.0) {
        double yp = -nelm_sf_norm_quantile(p);
        double r = 1.0 / (2.0 * a - 1.0), t = 1.0 / (2.0 * b - 1.0);
        double h = 2.0 / (r + t), lam = (yp * yp - 3.0) / 6.0;
        double w = yp * sqrt(h + lam) / h - (t - r) * (lam + 5.0 / 6.0 - 2.0 / (3.0 * h));
        return a / (a + b * exp(2.0 * w));
    }
    return exp((log(p) + log(a) + lb) / a);
}

/* x in (0, 1/2] with I_x(a,b) = p, 1 - I_x(a,b) = q (the smaller of p and q
 * exact, the other its rounded complement; the root is known to be at most
 * 1/2). Halley's method in u = log x on log T, T the smaller of I and 1 - I
 * (target t), as for the incomplete gamma inverse: with g1 = d log T/du
 * (= ±K/(y T)) and c = a - (b-1) x/y, d²log T/du² = g1 (c - g1). A bracket is
 * kept from the signs of the residual, starting from bounds that hold for
 * x <= 1/2: (1-x)^{b-1} lies between 1 and 2^{1-b}, so x^a/(aB) · min(1,
 * 2^{1-b}) <= I <= x^a/(aB) · max(1, 2^{1-b}); a step that leaves the bracket
 * becomes a Newton step, then a bisection in log x. */
static double
beta_inv_low(double a, double b, double p, double q)
{
    double lb = nelm_sf_lgamma(a) + nelm_sf_lgamma(b) - nelm_sf_lgamma(a + b);
    double lpab = log(p) + log(a) + lb; /* log(p a B) */
    double u0 = lpab / a;               /* the root when x << min(1, a/b) */
    if (u0 < -709.0 && u0 + log(b / a) < -30.0)
        return exp(u0); /* subnormal, where I = x^a/(aB) to all digits */
    double ulo = (lpab - fmax(0.0, 1.0 - b) * SF_LN2 - 1e-3) / a;
    double uhi = (lpab + fmax(0.0, b - 1.0) * SF_LN2 + 1e-3) / a;
    double lo = ulo < -744.0 ? DBL_TRUE_MIN : exp(ulo);
    double hi = uhi < log(0.5) ? exp(uhi) : 0.5;
    double x = beta_inv_guess(a, b, p, lb);
    if (!(x > lo && x < hi))
        x = exp(u0);
    if (!(x > lo && x < hi))
        x = sqrt(lo) * sqrt(hi);
    bool side_i = p <= q; /* T = I (else T = 1 - I) */
    double t = side_i ? p : q;
    for (int it = 0; it < 300; it++) {
        double y = 1.0 - x, w, w1, lk;
        beta_eval(a, b, x, y, &w, &w1, &lk);
        double tv = side_i ? w : w1;
        if (!(tv > 0.0)) { /* T underflowed: far on its small side */
            if (side_i)
                lo = x;
            else
                hi = x;
            x = sqrt(lo) * sqrt(hi);
            continue;
        }
        double g = log(tv / t);
        double g1 = exp(lk - log1p(-x) - log(tv));
        if (!side_i)
            g1 = -g1;
        if (g == 0.0)
            break;
        if ((g > 0.0) == side_i)
            hi = x;
        else
            lo = x;
        double du = -g / g1;
        if (fabs(du) < 2.0 * DBL_EPSILON || hi - lo <= 4.0 * DBL_EPSILON * lo)
            break; /* at the rounding level of x, or the bracket has closed */
        double den = 1.0 + 0.5 * du * (a - (b - 1.0) * x / y - g1);
        double step = (den > 0.5 && den < 2.0) ? du / den : du;
        double xn = x * exp(step);
        if (!(xn > lo && xn < hi)) {
            step = du;
            xn = x * exp(step);
        }
        if (!(xn > lo && xn < hi)) { /* bisection in log x */
            x = sqrt(lo) * sqrt(hi);
            continue;
        }
        x = xn;
        /* after a Halley (cubic) or Newton (quadratic) step of 1e-8 in units
         * where log T changes by O(1), what is left is below its rounding */
        if (fabs(step * g1) < 1e-8 || fabs(step) < 1e-15)
            break;
    }
    return x;
}

/* The root lies below 1/2 when p <= I_{1/2}(a,b); otherwise y = 1 - x solves
 * the mirrored problem I_y(b,a) = 1 - p, and x = 1 - y. */
double
nelm_sf_beta_inc_inv(double a, double b, double p)
{
    if (isnan(a) || isnan(b) || isnan(p) || !(a > 0.0) || !(b > 0.0) || isinf(a) || isinf(b) ||
        p < 0.0 || p > 1.0)
        return NAN;
    if (p == 0.0)
        return 0.0;
    if (p == 1.0)
        return 1.0;
    double q = 1.0 - p; /* exact when p >= 1/2 */
    double w, w1, lk;
    beta_eval(a, b, 0.5, 0.5, &w, &w1, &lk);
    bool low = p <= 0.5 ? p <= w : q >= w1;
    if (low)
        return beta_inv_low(a, b, p, q);
    return 1.0 - beta_inv_low(b, a, q, p);
}
