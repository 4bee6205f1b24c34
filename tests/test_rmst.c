/* test_rmst.c — the restricted mean of every survival family, by sampling,
 * against closed forms written here from the mathematics (DESIGN §3, §11;
 * issue #8, "each distribution's simulated RMST equals its closed form").
 *
 * For each family of sim/dist.h, two or three parameter sets and two or
 * three horizons tau: NDRAW (200,000) or more draws through the public
 * sampler (nelm_dist_draw from nelm_rng_uniform_pos of a keyed stream: what
 * nelm_dist_sample does), and the sample mean of min(T, tau) ("no event"
 * counts as tau) must lie within ZMAX = 4 Monte Carlo standard errors (sample
 * sd / sqrt(n)) of RMST(tau) = ∫0^tau S(t) dt computed here:
 *
 *   exp        (1 - e^{-λτ}) / λ
 *   weibull    τ S(τ) + s Γ(1 + 1/k) P(1 + 1/k, (τ/s)^k)   (partial expectation;
 *   weibullPH    the PH form as a Weibull of scale b^{-1/k})
 *   gompertz   a > 0: (1/a) [e^c E1(c) − S(τ) e^{c'} E1(c')], c = b/a, c' = c e^{aτ}
 *                     (u = c e^{at} turns ∫ S into an exponential integral)
 *              a < 0: e^{-c} [τ + Σ_k c^k/k! (1 − e^{−k|a|τ}) / (k|a|)], c = b/|a|
 *                     (S = e^{-c} exp(c e^{−|a|t}), expanded and integrated termwise)
 *   lnorm      τ S(τ) + e^{μ + σ²/2} Φ((log τ − μ − σ²)/σ)
 *   llogis     shape β > 1: (α/β) B(1/β, 1 − 1/β) I_x(1/β, 1 − 1/β), x = r/(1+r),
 *                r = (τ/α)^β (x = F(t) turns ∫ S into an incomplete beta);
 *              β <= 1 (the beta function's second argument is not positive):
 *                adaptive Gauss–Kronrod (sim/quad.h) of 1/(1 + (t/α)^β) written
 *                here, to 1e-13 relative; the same quadrature is checked
 *                against the incomplete beta on the β > 1 sets
 *   gamma      τ Q(a, rτ) + (a/r) P(a + 1, rτ)
 *   gengamma   Q > 0: τ Q(γ, u) + e^μ γ^{−p} Γ(γ+p)/Γ(γ) P(γ + p, u), and
 *              Q < 0: τ P(γ, u) + e^μ γ^{−p} Γ(γ+p)/Γ(γ) Q(γ + p, u), with
 *                γ = Q^-2, p = σ/Q, u = γ (τ e^{−μ})^{Q/σ}: T = e^μ (G/γ)^{σ/Q}
 *                for G ~ Gamma(γ), so the partial expectation is an incomplete
 *                gamma (needs γ + p > 0, i.e. 1 + σQ > 0, true below);
 *              Q = 0: the log-normal
 *   pexp       Σ over pieces S(c_i) (1 − e^{−λ_i Δ_i}) / λ_i (Δ_i for λ_i = 0)
 *
 * using sim/specfun.h (incomplete gamma and beta, log Γ, Φ, scaled E1) but
 * nothing of sim/dist.c. The library's own nelm_dist_rmst must equal these to
 * 1e-9 relative (deterministic: it tells a wrong sampler from a wrong
 * library RMST when the sample check fails).
 *
 * Power: the same uniforms go through the sampler once more with an
 * acceleration factor of 1.02 (every time 2 % too long: a 2 % scale error),
 * and that sample's mean of min(T, tau) must be more than ZMAX of its own
 * standard errors from the correct RMST at EVERY (parameter set, tau). The
 * expected distance, |1.02 RMST(τ/1.02) − RMST(τ)| / MCSE, is printed beside
 * each check; the draws per set (NDRAW times a multiplier) were chosen so that
 * it is at least 7 everywhere. To first order the 2 % error moves the RMST by
 * 0.02 E[T; T <= τ] (the derivative of af RMST(τ/af) at af = 1 is
 * RMST(τ) − τ S(τ)), so the distance is about 0.02 E[T; T <= τ] sqrt(n) / sd,
 * sd that of min(T, τ): short horizons (few events by τ), heavy tails and
 * defective distributions need more draws, up to 2.2 million for the
 * defective Gompertz.
 *
 * What tests/test_dist.c already does and this does not repeat: goodness of
 * fit (KS) of 10^6 draws with its own 2 % power check, the sample mean, the
 * sample RMST at one horizon against nelm_dist_rmst (not against independent
 * closed forms, and without pexp), nelm_dist_rmst against Simpson's rule, the
 * modifiers. tests/test_dist_reference.c checks nelm_dist_rmst against
 * flexsurv and scipy values. Fixed seeds throughout. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "quad.h"
#include "rng.h"
#include "specfun.h"

enum { NDRAW = 200000, MAX_TAU = 3, MAX_PIECES = 4 };
#define ZMAX 4.0
#define SCALE_ERR 1.02
/* the library's RMST against the closed forms */
#define LIB_TOL 1e-9
#define PI 3.14159265358979323846

typedef struct rcase {
    const char *family;
    double par[3];
    double tau[MAX_TAU]; /* months; 0 ends the list */
    int mult;            /* draws = mult * NDRAW (0 or 1: NDRAW) */
    size_t npieces;      /* pexp only */
    double cuts[MAX_PIECES], rates[MAX_PIECES];
} rcase;

static const rcase cases[] = {
    {"exp", {0.0462, 0, 0}, {12, 36, 0}, 2, 0, {0}, {0}},
    {"exp", {0.2, 0, 0}, {3, 24, 0}, 2, 0, {0}, {0}},
    {"weibull", {1.161, 168.7, 0}, {60, 240, 0}, 3, 0, {0}, {0}},
    {"weibull", {0.51, 41.7, 0}, {24, 120, 0}, 6, 0, {0}, {0}},
    {"weibull", {4, 20, 0}, {15, 30, 0}, 1, 0, {0}, {0}},
    {"weibullPH", {1.345, 0.0395, 0}, {6, 24, 0}, 2, 0, {0}, {0}},
    {"gompertz", {0.02, 0.005, 0}, {60, 240, 0}, 1, 0, {0}, {0}},
    {"gompertz", {0.3, 0.01, 0}, {12, 24, 0}, 1, 0, {0}, {0}},
    /* defective: S(inf) = exp(0.02 / -0.05) = 0.67 */
    {"gompertz", {-0.05, 0.02, 0}, {24, 48, 0}, 11, 0, {0}, {0}},
    {"lnorm", {3.2, 0.9, 0}, {24, 60, 0}, 1, 0, {0}, {0}},
    {"lnorm", {1, 2, 0}, {12, 120, 0}, 5, 0, {0}, {0}},
    {"llogis", {1.8, 30, 0}, {36, 120, 0}, 1, 0, {0}, {0}},
    {"llogis", {4, 12, 0}, {10, 30, 0}, 1, 0, {0}, {0}},
    {"llogis", {0.8, 10, 0}, {12, 60, 0}, 4, 0, {0}, {0}}, /* infinite mean: quadrature */
    {"gamma", {2.5, 0.1, 0}, {12, 36, 0}, 2, 0, {0}, {0}},
    {"gamma", {0.3, 0.02, 0}, {24, 120, 0}, 6, 0, {0}, {0}},
    {"gengamma", {3, 0.8, 0.5}, {12, 36, 0}, 1, 0, {0}, {0}},
    {"gengamma", {2.5, 1.2, -0.7}, {24, 60, 0}, 2, 0, {0}, {0}}, /* 1 + σQ = 0.16 */
    {"gengamma", {2, 0.5, 1.5}, {6, 12, 0}, 1, 0, {0}, {0}},
    {"gengamma", {3.5, 0.6, 0}, {24, 36, 0}, 1, 0, {0}, {0}}, /* the log-normal limit */
    {"pexp", {0}, {9, 30, 60}, 5, 3, {0, 6, 24, 0}, {0.05, 0.02, 0.1, 0}},
    {"pexp", {0}, {20, 48, 0}, 4, 3, {0, 12, 24, 0}, {0.1, 0, 0.05, 0}}, /* a zero-rate piece */
};
enum { NCASES = sizeof cases / sizeof cases[0] };

static void
make_case(const rcase *c, nelm_dist *d)
{
    nelm_err e = {0};
    int rc;
    if (strcmp(c->family, "pexp") == 0) {
        rc = nelm_dist_init_pexp(d, c->cuts, c->rates, c->npieces, NELM_UNIT_MONTHS, &e);
    } else {
        nelm_dist_family f = nelm_dist_family_from_name(c->family);
        assert_true(f < NELM_DIST_NFAMILIES);
        rc = nelm_dist_init(d, f, c->par, NELM_UNIT_MONTHS, &e);
    }
    if (rc != 0)
        print_error("%s: %s\n", c->family, e.msg);
    assert_int_equal(rc, 0);
}

/* ---- closed forms ---- */

/* ∫0^tau of the Weibull survival exp(-(t/s)^k) */
static double
rmst_weibull(double k, double s, double tau)
{
    double x = pow(tau / s, k);
    return tau * exp(-x) + s * exp(nelm_sf_lgamma(1 + 1 / k)) * nelm_sf_gamma_p(1 + 1 / k, x);
}

static double
rmst_gompertz(double a, double b, double tau)
{
    if (a > 0) {
        double c = b / a, c2 = c * exp(a * tau), s_tau = exp(-c * expm1(a * tau));
        return (nelm_sf_expint_e1_scaled(c) - s_tau * nelm_sf_expint_e1_scaled(c2)) / a;
    }
    double aa = -a, c = b / aa, sum = tau, term = 1;
    for (int k = 1; k < 500; k++) {
        term *= c / k; /* c^k / k! */
        double add = term * -expm1(-k * aa * tau) / (k * aa);
        sum += add;
        if (add < 1e-17 * sum)
            break;
    }
    return exp(-c) * sum;
}

/* the log-logistic survival, written here (not the library's) */
typedef struct llogis_par {
    double shape, scale;
} llogis_par;

static double
llogis_surv(const void *ctx, double t)
{
    const llogis_par *p = ctx;
    return 1 / (1 + pow(t / p->scale, p->shape));
}

static double
rmst_llogis_quad(double shape, double scale, double tau)
{
    llogis_par p = {shape, scale};
    double pts[3] = {0, scale, tau};
    if (scale < tau)
        return nelm_quad(llogis_surv, &p, pts, 3, 1e-13);
    double pts2[2] = {0, tau};
    return nelm_quad(llogis_surv, &p, pts2, 2, 1e-13);
}

static double
rmst_llogis_beta(double shape, double scale, double tau)
{
    double r = pow(tau / scale, shape), x = r / (1 + r), a = 1 / shape;
    /* B(a, 1 - a) = π / sin(π a) */
    return scale / shape * (PI / sin(PI * a)) * nelm_sf_beta_inc(a, 1 - a, x);
}

static double
rmst_lnorm(double mu, double sigma, double tau)
{
    double z = (log(tau) - mu) / sigma;
    return tau * nelm_sf_norm_sf(z) + exp(mu + sigma * sigma / 2) * nelm_sf_norm_cdf(z - sigma);
}

static double
rmst_gengamma(double mu, double sigma, double q, double tau)
{
    if (q == 0)
        return rmst_lnorm(mu, sigma, tau);
    double g = 1 / (q * q), p = sigma / q;
    double u = g * exp(q * (log(tau) - mu) / sigma);
    assert_true(g + p > 0);
    double scale = exp(mu - p * log(g) + nelm_sf_lgamma(g + p) - nelm_sf_lgamma(g));
    if (q > 0)
        return tau * nelm_sf_gamma_q(g, u) + scale * nelm_sf_gamma_p(g + p, u);
    return tau * nelm_sf_gamma_p(g, u) + scale * nelm_sf_gamma_q(g + p, u);
}

static double
rmst_pexp(const rcase *c, double tau)
{
    double sum = 0, h = 0; /* h: cumulative hazard at the piece's start */
    for (size_t i = 0; i < c->npieces && c->cuts[i] < tau; i++) {
        double end = i + 1 < c->npieces ? fmin(c->cuts[i + 1], tau) : tau;
        double len = end - c->cuts[i], lam = c->rates[i];
        sum += exp(-h) * (lam > 0 ? -expm1(-lam * len) / lam : len);
        h += lam * len;
    }
    return sum;
}

/* RMST(tau) of the case's base distribution */
static double
rmst0(const rcase *c, double tau)
{
    const double *p = c->par;
    const char *f = c->family;
    if (strcmp(f, "exp") == 0)
        return -expm1(-p[0] * tau) / p[0];
    if (strcmp(f, "weibull") == 0)
        return rmst_weibull(p[0], p[1], tau);
    if (strcmp(f, "weibullPH") == 0)
        return rmst_weibull(p[0], pow(p[1], -1 / p[0]), tau);
    if (strcmp(f, "gompertz") == 0)
        return rmst_gompertz(p[0], p[1], tau);
    if (strcmp(f, "lnorm") == 0)
        return rmst_lnorm(p[0], p[1], tau);
    if (strcmp(f, "llogis") == 0)
        return p[0] > 1 ? rmst_llogis_beta(p[0], p[1], tau) : rmst_llogis_quad(p[0], p[1], tau);
    if (strcmp(f, "gamma") == 0)
        return tau * nelm_sf_gamma_q(p[0], p[1] * tau) +
               p[0] / p[1] * nelm_sf_gamma_p(p[0] + 1, p[1] * tau);
    if (strcmp(f, "gengamma") == 0)
        return rmst_gengamma(p[0], p[1], p[2], tau);
    if (strcmp(f, "pexp") == 0)
        return rmst_pexp(c, tau);
    fail_msg("no closed form for %s", f);
    return NAN;
}

/* with every time multiplied by af: S_af(t) = S(t / af) */
static double
rmst_scaled(const rcase *c, double tau, double af)
{
    return af * rmst0(c, tau / af);
}

static size_t
ntaus(const rcase *c)
{
    size_t n = 0;
    while (n < MAX_TAU && c->tau[n] > 0)
        n++;
    return n;
}

/* ---- tests ---- */

/* The closed forms against the library (and the quadrature against the
 * incomplete beta where both apply), before anything is sampled. */
static void
test_closed_forms_agree(void **state)
{
    (void)state;
    for (size_t c = 0; c < NCASES; c++) {
        nelm_dist d;
        make_case(&cases[c], &d);
        for (size_t j = 0; j < ntaus(&cases[c]); j++) {
            double tau = cases[c].tau[j], want = rmst0(&cases[c], tau);
            assert_true(isfinite(want) && want > 0 && want <= tau);
            assert_close_rel(nelm_dist_rmst(&d, tau), want, LIB_TOL);
            if (strcmp(cases[c].family, "llogis") == 0 && cases[c].par[0] > 1)
                assert_close_rel(rmst_llogis_quad(cases[c].par[0], cases[c].par[1], tau), want,
                                 1e-11);
        }
    }
    /* the Gompertz form for a > 0 tends to the exponential's as a -> 0 (the
     * series for a < 0 has c = b/|a| terms and is used for moderate c only) */
    assert_close_rel(rmst_gompertz(1e-6, 0.02, 60), -expm1(-0.02 * 60) / 0.02, 1e-4);
}

typedef struct moments {
    double s[MAX_TAU], ss[MAX_TAU];
} moments;

static void
add(moments *m, const rcase *c, bool event, double t)
{
    for (size_t j = 0; j < ntaus(c); j++) {
        double x = event && t < c->tau[j] ? t : c->tau[j];
        m->s[j] += x;
        m->ss[j] += x * x;
    }
}

static void
test_sample_rmst(void **state)
{
    (void)state;
    double worst = 0, weakest = INFINITY;
    for (size_t c = 0; c < NCASES; c++) {
        const rcase *rc = &cases[c];
        nelm_dist d;
        make_case(rc, &d);
        size_t n = (size_t)NDRAW * (size_t)(rc->mult > 1 ? rc->mult : 1);
        nelm_key k = {UINT64_C(0x52a57), c, NELM_STREAM_TEST, 0, 0, 0};
        nelm_rng r;
        nelm_rng_keyed(&r, &k);
        nelm_mod none = nelm_mod_none(), off = none;
        off.af = SCALE_ERR;
        moments m = {{0}, {0}}, mo = {{0}, {0}};
        for (size_t i = 0; i < n; i++) {
            double u = nelm_rng_uniform_pos(&r), t = 0, to = 0;
            bool ev = nelm_dist_draw(&d, &none, u, &t);
            bool evo = nelm_dist_draw(&d, &off, u, &to);
            add(&m, rc, ev, t);
            add(&mo, rc, evo, to);
        }
        char label[64];
        if (rc->npieces > 0)
            snprintf(label, sizeof label, "rates %g %g %g", rc->rates[0], rc->rates[1],
                     rc->rates[2]);
        else
            snprintf(label, sizeof label, "%g %g %g", rc->par[0], rc->par[1], rc->par[2]);
        for (size_t j = 0; j < ntaus(rc); j++) {
            double tau = rc->tau[j], want = rmst0(rc, tau), nn = (double)n;
            double mean = m.s[j] / nn, se = sqrt(fmax(m.ss[j] / nn - mean * mean, 0) / nn);
            double mo_mean = mo.s[j] / nn;
            double se_o = sqrt(fmax(mo.ss[j] / nn - mo_mean * mo_mean, 0) / nn);
            double z = (mean - want) / se, z_off = (mo_mean - want) / se_o;
            double z_expect = fabs(rmst_scaled(rc, tau, SCALE_ERR) - want) / se;
            print_message("%-9s %-17s tau %3g: rmst %9.5f, sample %9.5f (n %zu, %+5.2f SE); "
                          "2%% scale error %+6.1f SE (expected %4.1f)\n",
                          rc->family, label, tau, want, mean, n, z, z_off, z_expect);
            assert_true(se > 0);
            assert_true(fabs(z) < ZMAX);
            assert_true(fabs(z_off) > ZMAX);
            worst = fmax(worst, fabs(z));
            weakest = fmin(weakest, fabs(z_off));
        }
    }
    print_message("largest |z| %.2f (limit %.0f); smallest |z| of the 2%% scale error %.1f\n",
                  worst, ZMAX, weakest);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_forms_agree),
        cmocka_unit_test(test_sample_rmst),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
