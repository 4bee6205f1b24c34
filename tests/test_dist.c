/* test_dist.c — statistical and analytic tests of the survival distributions:
 * goodness of fit of 10^6 draws against each distribution's own CDF (and a
 * proof that a 2 % scale error fails the same test), sample RMST and mean
 * against closed forms, quantile(cdf(x)) = x, the modifier formula (cure,
 * acceleration factor, hazard ratio, left truncation), time units, every
 * class of invalid parameter, and valid extremes. Fixed seeds throughout. */
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"

enum { NDRAW = 1000000 };
/* Draws per modifier check: enough to see a wrong formula (any mistake in
 * cure, AF, HR or truncation shifts the distribution by far more than 1 %). */
enum { NDRAW_MOD = 250000 };

/* Kolmogorov: P(sqrt(n) D > 2.23) ~ 1e-4 under the null. A correct sampler
 * passes at these fixed seeds; a 2 % scale error gives sqrt(n) D of 3.5 or
 * more for every case below (the smallest, Weibull shape 0.51, ~3.7). */
#define KS_CRIT 2.23

typedef struct dcase {
    const char *family;
    double par[3];
    nelm_time_unit unit;
    double tau;      /* horizon for the RMST check, months */
    bool mean_check; /* light enough tail for a sample-mean check */
    int draw_mult;   /* draws = draw_mult * NDRAW for the fit test (default 1) */
} dcase;

static const dcase cases[] = {
    {"exp", {0.0462, 0, 0}, NELM_UNIT_MONTHS, 36, true, 1},
    {"weibull", {1.161, 168.7, 0}, NELM_UNIT_MONTHS, 120, true, 1},
    {"weibull", {0.51, 41.7, 0}, NELM_UNIT_MONTHS, 60, false, 1},
    {"weibull", {4, 20, 0}, NELM_UNIT_MONTHS, 20, true, 1},
    {"weibullPH", {1.345, 0.0395, 0}, NELM_UNIT_MONTHS, 12, true, 1},
    {"gompertz", {0.02, 0.005, 0}, NELM_UNIT_MONTHS, 60, true, 1},
    /* defective: two thirds never progress, so a 2 % scale error shows only
     * in the third that does; four times the draws resolve it */
    {"gompertz", {-0.05, 0.02, 0}, NELM_UNIT_MONTHS, 60, false, 4},
    {"lnorm", {3.2, 0.9, 0}, NELM_UNIT_MONTHS, 60, true, 1},
    {"lnorm", {1, 2, 0}, NELM_UNIT_MONTHS, 12, false, 1},
    {"llogis", {1.8, 30, 0}, NELM_UNIT_MONTHS, 60, false, 1},
    {"llogis", {0.8, 10, 0}, NELM_UNIT_MONTHS, 60, false, 1}, /* infinite mean */
    {"gamma", {2.5, 0.1, 0}, NELM_UNIT_MONTHS, 36, true, 1},
    {"gamma", {0.3, 0.02, 0}, NELM_UNIT_MONTHS, 60, true, 1},
    {"gengamma", {3, 0.8, 0.5}, NELM_UNIT_MONTHS, 36, true, 1},
    {"gengamma", {2.5, 1.2, -0.7}, NELM_UNIT_MONTHS, 60, false, 1},
    {"gengamma", {3.5, 0.6, 0}, NELM_UNIT_MONTHS, 36, true, 1},
    {"weibull", {1.2, 800, 0}, NELM_UNIT_DAYS, 36, true, 1},
    {"gamma", {2, 0.9, 0}, NELM_UNIT_YEARS, 60, true, 1},
};
enum { NCASES = sizeof cases / sizeof cases[0] };

static void
make_case(const dcase *c, nelm_dist *d)
{
    nelm_err e = {0};
    nelm_dist_family f = nelm_dist_family_from_name(c->family);
    assert_true(f < NELM_DIST_NFAMILIES);
    int rc = nelm_dist_init(d, f, c->par, c->unit, &e);
    if (rc != 0)
        print_error("%s: %s\n", c->family, e.msg);
    assert_int_equal(rc, 0);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Draw n times with modifiers m (t0 > 0: left-truncated); "no event" is
 * stored as +inf. Keyed by (seed, case) so every case has its own draws. */
static void
draw_many(const nelm_dist *d, const nelm_mod *m, double t0, uint64_t seed, double *t, size_t n)
{
    nelm_key k = {seed, 0, NELM_STREAM_TEST, 0, 0, 0};
    nelm_rng r;
    nelm_rng_keyed(&r, &k);
    for (size_t i = 0; i < n; i++) {
        double u = nelm_rng_uniform_pos(&r);
        double x = 0;
        bool ev = t0 > 0 ? nelm_dist_draw_after(d, m, t0, u, &x) : nelm_dist_draw(d, m, u, &x);
        if (ev) {
            assert_true(isfinite(x) && x > 0 && x >= t0);
            t[i] = x;
        } else {
            t[i] = INFINITY;
        }
    }
}

/* Model CDF for the KS test: base, modified, or modified and truncated. */
typedef struct model {
    const nelm_dist *d;
    nelm_mod m;
    double t0;
} model;

static double
model_cdf(const model *mo, double t)
{
    if (mo->m.cure == 0 && mo->m.af == 1 && mo->m.hr == 1 && mo->t0 == 0)
        return nelm_dist_cdf(mo->d, t);
    /* The formula of DESIGN §3, written out here independently of the
     * library's own modified-survival code. */
    double s = mo->m.cure + (1 - mo->m.cure) * pow(nelm_dist_surv(mo->d, t / mo->m.af), mo->m.hr);
    if (mo->t0 > 0) {
        double s0 = mo->m.cure +
                    (1 - mo->m.cure) * pow(nelm_dist_surv(mo->d, mo->t0 / mo->m.af), mo->m.hr);
        s /= s0;
    }
    return 1 - s;
}

/* sqrt(n) * Kolmogorov–Smirnov distance of the sample (sorted in place;
 * +inf entries are "no event") from the model. */
static double
ks_stat(const model *mo, double *t, size_t n)
{
    qsort(t, n, sizeof *t, cmp_double);
    double dmax = 0;
    for (size_t i = 0; i < n && isfinite(t[i]); i++) {
        double f = model_cdf(mo, t[i]);
        double lo = fabs(f - (double)i / (double)n), hi = fabs((double)(i + 1) / (double)n - f);
        dmax = fmax(dmax, fmax(lo, hi));
    }
    /* defective/cured: the empirical CDF stops at the event share */
    size_t nev = 0;
    while (nev < n && isfinite(t[nev]))
        nev++;
    dmax = fmax(dmax, fabs(model_cdf(mo, INFINITY) - (double)nev / (double)n));
    return sqrt((double)n) * dmax;
}

static double *
alloc_draws(void)
{
    double *t = malloc(NDRAW * sizeof *t);
    assert_non_null(t);
    return t;
}

static void
test_goodness_of_fit(void **state)
{
    (void)state;
    for (size_t c = 0; c < NCASES; c++) {
        nelm_dist d;
        make_case(&cases[c], &d);
        nelm_mod none = nelm_mod_none();
        model mo = {&d, none, 0};
        size_t n = NDRAW * (size_t)(cases[c].draw_mult > 1 ? cases[c].draw_mult : 1);
        double *t = malloc(n * sizeof *t);
        assert_non_null(t);

        draw_many(&d, &none, 0, 1000 + c, t, n);
        double ks = ks_stat(&mo, t, n);

        /* The same uniforms through a sampler whose scale is 2 % off: the
         * test must reject it. */
        nelm_mod off = none;
        off.af = 1.02;
        draw_many(&d, &off, 0, 1000 + c, t, n);
        double ks_off = ks_stat(&mo, t, n);
        free(t);

        print_message("%-9s %-6s n=%zu  KS sqrt(n)D = %.3f (crit %.2f); 2%% mis-scaled: %.3f\n",
                      cases[c].family, nelm_time_unit_name(cases[c].unit), n, ks, KS_CRIT, ks_off);
        assert_true(ks < KS_CRIT);
        assert_true(ks_off > KS_CRIT);
    }
}

static void
test_sample_rmst_and_mean(void **state)
{
    (void)state;
    double *t = alloc_draws();
    for (size_t c = 0; c < NCASES; c++) {
        nelm_dist d;
        make_case(&cases[c], &d);
        nelm_mod none = nelm_mod_none();
        draw_many(&d, &none, 0, 2000 + c, t, NDRAW);
        double tau = cases[c].tau;
        double s = 0, ss = 0, sm = 0, ssm = 0;
        for (size_t i = 0; i < NDRAW; i++) {
            double x = fmin(t[i], tau);
            s += x;
            ss += x * x;
            if (cases[c].mean_check) {
                sm += t[i];
                ssm += t[i] * t[i];
            }
        }
        double n = NDRAW, mean = s / n, se = sqrt((ss / n - mean * mean) / n);
        double rmst = nelm_dist_rmst(&d, tau);
        print_message("%-9s rmst(%g) = %.6f, sample %.6f (%.2f SE)\n", cases[c].family, tau, rmst,
                      mean, (mean - rmst) / se);
        assert_true(fabs(mean - rmst) < 5 * se);
        if (cases[c].mean_check) {
            double mm = sm / n, sem = sqrt((ssm / n - mm * mm) / n);
            double exact = nelm_dist_mean(&d);
            assert_true(isfinite(exact));
            print_message("%-9s mean = %.6f, sample %.6f (%.2f SE)\n", cases[c].family, exact, mm,
                          (mm - exact) / sem);
            assert_true(fabs(mm - exact) < 5 * sem);
        }
    }
    free(t);
}

/* RMST and mean against numerical integration of the survival function by
 * the composite Simpson rule on a fine log-spaced grid (independent of the
 * library's own closed forms and quadrature). */
static double
simpson_rmst(const nelm_dist *d, double tau)
{
    /* substitute t = tau * v^4 so endpoint singularities at 0 are smoothed */
    const int n = 200000;
    double h = 1.0 / n, sum = 0;
    for (int i = 0; i <= n; i++) {
        double v = i * h, t = tau * v * v * v * v, w = 4 * tau * v * v * v;
        double f = nelm_dist_surv(d, t) * w;
        sum += f * (i == 0 || i == n ? 1 : (i % 2 ? 4 : 2));
    }
    return sum * h / 3;
}

static void
test_rmst_numeric(void **state)
{
    (void)state;
    for (size_t c = 0; c < NCASES; c++) {
        nelm_dist d;
        make_case(&cases[c], &d);
        static const double taus[] = {1, 12, 60, 240};
        for (size_t j = 0; j < 4; j++) {
            double want = simpson_rmst(&d, taus[j]);
            assert_close_rel(nelm_dist_rmst(&d, taus[j]), want, 1e-8);
        }
        /* the mean is the limit of the RMST */
        /* light tails only: a power-law tail beyond the 1 - 1e-13 quantile
         * still holds ~1e-6 of a log-logistic mean */
        double mean = nelm_dist_mean(&d);
        if (cases[c].mean_check) {
            double big = nelm_dist_quantile(&d, 1 - 1e-13);
            assert_close_rel(nelm_dist_rmst(&d, big), mean, 1e-6);
        }
    }
}

static void
test_quantile_cdf_roundtrip(void **state)
{
    (void)state;
    for (size_t c = 0; c < NCASES; c++) {
        nelm_dist d;
        make_case(&cases[c], &d);
        for (double lx = -3; lx <= 3; lx += 0.125) {
            double x = pow(10.0, lx) * 10;
            double p = nelm_dist_cdf(&d, x);
            /* beyond 1 - 1e-6, p holds too few digits of S for a 1e-9
             * round trip; the cumulative-hazard round trip covers the tail */
            if (p < 1e-12 || p > 1 - 1e-6)
                continue;
            /* and skip where x is ill-determined by p: relative condition
             * number p / (x f(x)) above 1e5 (e.g. near a defective plateau) */
            if (p / (x * nelm_dist_pdf(&d, x)) > 1e5)
                continue;
            assert_close_rel(nelm_dist_quantile(&d, p), x, 1e-9);
            /* and through the cumulative hazard */
            assert_close_rel(nelm_dist_inv_cumhaz(&d, nelm_dist_cumhaz(&d, x)), x, 1e-9);
            /* F + S = 1, H = -log S, h = f / S */
            assert_close_rel(nelm_dist_cdf(&d, x) + nelm_dist_surv(&d, x), 1.0, 1e-14);
            double cdf = nelm_dist_cdf(&d, x);
            assert_close_rel(nelm_dist_cumhaz(&d, x),
                             cdf < 0.5 ? -log1p(-cdf) : -log(nelm_dist_surv(&d, x)), 1e-9);
            assert_close_rel(nelm_dist_hazard(&d, x),
                             nelm_dist_pdf(&d, x) / nelm_dist_surv(&d, x), 1e-9);
        }
        for (double p = 0.001; p < 1; p += 0.0125) {
            double q = nelm_dist_quantile(&d, p);
            if (isinf(q))
                continue; /* beyond a defective distribution's mass */
            assert_close_rel(nelm_dist_cdf(&d, q), p, 1e-11);
        }
    }
}

/* ---- modifiers ---- */

static void
check_modified(const nelm_dist *d, nelm_mod m, double t0, uint64_t seed, const char *what)
{
    double *t = malloc(NDRAW_MOD * sizeof *t);
    model mo = {d, m, t0};
    assert_non_null(t);
    draw_many(d, &m, t0, seed, t, NDRAW_MOD);

    /* share without event vs the cure probability given survival to t0 */
    size_t none = 0;
    double sx = 0, sxx = 0, tau = t0 + 48;
    for (size_t i = 0; i < NDRAW_MOD; i++) {
        none += isinf(t[i]) ? 1u : 0u;
        double x = fmin(t[i], tau) - t0;
        sx += x;
        sxx += x * x;
    }
    double p_none = 1 - model_cdf(&mo, INFINITY);
    double share = (double)none / NDRAW_MOD, se_share = sqrt(p_none * (1 - p_none) / NDRAW_MOD);
    if (p_none > 0)
        assert_true(fabs(share - p_none) < 5 * se_share);
    else
        assert_int_equal(none, 0);

    /* restricted mean: from t0 to t0 + 48, against the library's own */
    if (t0 == 0) {
        double n = NDRAW_MOD, mean = sx / n, se = sqrt((sxx / n - mean * mean) / n);
        double want = nelm_dist_rmst_mod(d, &m, tau);
        print_message("  %s rmst_mod %.6f sample %.6f (%.2f SE)\n", what, want, mean,
                      (mean - want) / se);
        assert_true(fabs(mean - want) < 5 * se);
    }

    double ks = ks_stat(&mo, t, NDRAW_MOD);
    print_message("  %s: KS %.3f, no-event share %.5f (expected %.5f)\n", what, ks, share,
                  p_none);
    assert_true(ks < KS_CRIT);
    free(t);
}

static void
test_modifiers(void **state)
{
    (void)state;
    static const size_t which[] = {1, 6, 7, 11, 14}; /* weibull, defective gompertz, lnorm, gamma,
                                                       gengamma Q<0 */
    static const nelm_mod mods[] = {
        {0.3, 1.0, 1.0},  /* cure */
        {0.0, 1.7, 1.0},  /* acceleration */
        {0.0, 1.0, 2.5},  /* hazard ratio */
        {0.0, 1.0, 0.4},  /* protective hazard ratio */
        {0.25, 0.6, 1.8}, /* all three */
    };
    for (size_t i = 0; i < sizeof which / sizeof which[0]; i++) {
        nelm_dist d;
        make_case(&cases[which[i]], &d);
        print_message("%s %g %g\n", cases[which[i]].family, cases[which[i]].par[0],
                      cases[which[i]].par[1]);
        for (size_t j = 0; j < sizeof mods / sizeof mods[0]; j++) {
            char what[64];
            snprintf(what, sizeof what, "pi=%g AF=%g HR=%g", mods[j].cure, mods[j].af, mods[j].hr);
            check_modified(&d, mods[j], 0, 3000 + 10 * i + j, what);
            snprintf(what, sizeof what, "pi=%g AF=%g HR=%g | T>9", mods[j].cure, mods[j].af,
                     mods[j].hr);
            check_modified(&d, mods[j], 9.0, 4000 + 10 * i + j, what);
        }
    }
}

/* The closed forms of the modified distribution where the family is closed
 * under the modifier: Weibull with HR is Weibull with scale HR^(-1/shape);
 * AF scales; cure mixes. */
static void
test_modifier_formula_closed_forms(void **state)
{
    (void)state;
    nelm_err e = {0};
    nelm_dist w, w2;
    double par[2] = {1.3, 20}, par2[2] = {1.3, 20 * pow(2.5, -1 / 1.3)};
    assert_int_equal(nelm_dist_init(&w, NELM_DIST_WEIBULL, par, NELM_UNIT_MONTHS, &e), 0);
    assert_int_equal(nelm_dist_init(&w2, NELM_DIST_WEIBULL, par2, NELM_UNIT_MONTHS, &e), 0);
    nelm_mod hr = {0, 1, 2.5}, af = {0, 3, 1}, cure = {0.4, 1, 1};
    for (double t = 0.5; t < 100; t *= 1.7) {
        assert_close_rel(nelm_dist_surv_mod(&w, &hr, t), nelm_dist_surv(&w2, t), 1e-13);
        assert_close_rel(nelm_dist_surv_mod(&w, &af, t), nelm_dist_surv(&w, t / 3), 1e-15);
        assert_close_rel(nelm_dist_surv_mod(&w, &cure, t), 0.4 + 0.6 * nelm_dist_surv(&w, t),
                         1e-15);
        assert_close_rel(nelm_dist_rmst_mod(&w, &hr, t), nelm_dist_rmst(&w2, t), 1e-10);
        assert_close_rel(nelm_dist_rmst_mod(&w, &af, t), 3 * nelm_dist_rmst(&w, t / 3), 1e-13);
        assert_close_rel(nelm_dist_rmst_mod(&w, &cure, t), 0.4 * t + 0.6 * nelm_dist_rmst(&w, t),
                         1e-13);
    }
    assert_close_rel(nelm_dist_rmst_mod(&w, &hr, INFINITY), nelm_dist_mean(&w2), 1e-9);
    assert_true(isinf(nelm_dist_rmst_mod(&w, &cure, INFINITY)));
    /* draws: the same uniform gives exactly the closed-form quantile */
    for (double u = 0.01; u < 1; u += 0.07) {
        double t1 = 0, t2 = 0;
        assert_true(nelm_dist_draw(&w, &hr, u, &t1));
        assert_true(nelm_dist_draw(&w2, &(nelm_mod){0, 1, 1}, u, &t2));
        assert_close_rel(t1, t2, 1e-13);
        /* S(T) = u: inversion of the survival function */
        assert_close_rel(nelm_dist_surv(&w2, t2), u, 1e-12);
        /* cure: u <= π is "no event"; above, the uncured part is rescaled */
        bool ev = nelm_dist_draw(&w, &cure, u, &t1);
        assert_int_equal(ev, u > 0.4);
        if (ev)
            assert_close_rel(nelm_dist_surv_mod(&w, &cure, t1), u, 1e-12);
    }
    /* truncation at t0: S(T)/S(t0) = u */
    for (double u = 0.01; u < 1; u += 0.07) {
        double t1 = 0;
        assert_true(nelm_dist_draw_after(&w, &hr, 15.0, u, &t1));
        assert_true(t1 >= 15.0);
        assert_close_rel(nelm_dist_surv_mod(&w, &hr, t1) / nelm_dist_surv_mod(&w, &hr, 15.0), u,
                         1e-11);
    }
}

static void
test_time_units(void **state)
{
    (void)state;
    nelm_err e = {0};
    const double month_days = 365.25 / 12;
    nelm_dist days, months, years, weeks;
    double pd[2] = {1.4, 900}, pm[2] = {1.4, 900 / month_days};
    double py[2] = {1.4, 900 / 365.25}, pw[2] = {1.4, 900 / 7.0};
    assert_int_equal(nelm_dist_init(&days, NELM_DIST_WEIBULL, pd, NELM_UNIT_DAYS, &e), 0);
    assert_int_equal(nelm_dist_init(&months, NELM_DIST_WEIBULL, pm, NELM_UNIT_MONTHS, &e), 0);
    assert_int_equal(nelm_dist_init(&years, NELM_DIST_WEIBULL, py, NELM_UNIT_YEARS, &e), 0);
    assert_int_equal(nelm_dist_init(&weeks, NELM_DIST_WEIBULL, pw, NELM_UNIT_WEEKS, &e), 0);
    const nelm_dist *all[3] = {&days, &years, &weeks};
    for (int i = 0; i < 3; i++) {
        for (double t = 0.3; t < 200; t *= 2.1) {
            assert_close_rel(nelm_dist_surv(all[i], t), nelm_dist_surv(&months, t), 1e-13);
            assert_close_rel(nelm_dist_pdf(all[i], t), nelm_dist_pdf(&months, t), 1e-12);
            assert_close_rel(nelm_dist_hazard(all[i], t), nelm_dist_hazard(&months, t), 1e-12);
            assert_close_rel(nelm_dist_rmst(all[i], t), nelm_dist_rmst(&months, t), 1e-12);
        }
        assert_close_rel(nelm_dist_quantile(all[i], 0.5), nelm_dist_quantile(&months, 0.5), 1e-13);
        assert_close_rel(nelm_dist_mean(all[i]), nelm_dist_mean(&months), 1e-13);
    }
    /* an exponential rate per year is a twelfth per month */
    nelm_dist ey, em;
    double ry = 0.6, rm = 0.05;
    assert_int_equal(nelm_dist_init(&ey, NELM_DIST_EXP, &ry, NELM_UNIT_YEARS, &e), 0);
    assert_int_equal(nelm_dist_init(&em, NELM_DIST_EXP, &rm, NELM_UNIT_MONTHS, &e), 0);
    assert_close_rel(nelm_dist_hazard(&ey, 3), 0.05, 1e-15);
    assert_close_rel(nelm_dist_mean(&ey), nelm_dist_mean(&em), 1e-15);
    assert_int_equal(nelm_time_unit_from_name("years"), NELM_UNIT_YEARS);
    assert_int_equal(nelm_time_unit_from_name("fortnights"), NELM_UNIT_NUNITS);
}

/* ---- invalid parameters ---- */

static void
expect_invalid(nelm_dist_family f, const double *par, const char *needle)
{
    nelm_err e = {0};
    nelm_dist d;
    int rc = nelm_dist_init(&d, f, par, NELM_UNIT_MONTHS, &e);
    if (rc != NELM_ERR_PARAM || strstr(e.msg, needle) == NULL)
        print_error("%s: rc %d, message '%s' (wanted it to name '%s')\n",
                    nelm_dist_family_name(f), rc, e.msg, needle);
    assert_int_equal(rc, NELM_ERR_PARAM);
    assert_non_null(strstr(e.msg, needle));
}

static void
test_invalid_parameters(void **state)
{
    (void)state;
    const double nan = NAN, inf = INFINITY;
    /* every scalar parameter of every family: NaN and ±inf are rejected */
    for (int f = 0; f < NELM_DIST_PEXP; f++) {
        size_t np = nelm_dist_nparams((nelm_dist_family)f);
        for (size_t i = 0; i < np; i++) {
            double par[3] = {1, 1, 1};
            const double bad[3] = {nan, inf, -inf};
            for (int b = 0; b < 3; b++) {
                par[i] = bad[b];
                expect_invalid((nelm_dist_family)f, par,
                               nelm_dist_param_name((nelm_dist_family)f, i));
            }
        }
    }
    /* positivity where the family requires it */
    expect_invalid(NELM_DIST_EXP, (double[]){0}, "rate");
    expect_invalid(NELM_DIST_EXP, (double[]){-0.1}, "rate");
    expect_invalid(NELM_DIST_WEIBULL, (double[]){0, 1}, "shape");
    expect_invalid(NELM_DIST_WEIBULL, (double[]){1, -2}, "scale");
    expect_invalid(NELM_DIST_WEIBULL_PH, (double[]){-1, 1}, "shape");
    expect_invalid(NELM_DIST_WEIBULL_PH, (double[]){1, 0}, "scale");
    expect_invalid(NELM_DIST_GOMPERTZ, (double[]){0.1, 0}, "rate");
    expect_invalid(NELM_DIST_LNORM, (double[]){1, 0}, "sdlog");
    expect_invalid(NELM_DIST_LLOGIS, (double[]){-1, 1}, "shape");
    expect_invalid(NELM_DIST_LLOGIS, (double[]){1, 0}, "scale");
    expect_invalid(NELM_DIST_GAMMA, (double[]){0, 1}, "shape");
    expect_invalid(NELM_DIST_GAMMA, (double[]){1, -1}, "rate");
    expect_invalid(NELM_DIST_GENGAMMA, (double[]){1, -0.5, 1}, "sigma");
    /* negative shape is valid only for Gompertz */
    nelm_err e = {0};
    nelm_dist d;
    assert_int_equal(
        nelm_dist_init(&d, NELM_DIST_GOMPERTZ, (double[]){-0.1, 0.1}, NELM_UNIT_MONTHS, &e), 0);
    /* unknown family, unit, scalar init of pexp */
    assert_int_equal(nelm_dist_family_from_name("weibul"), NELM_DIST_NFAMILIES);
    assert_int_equal(nelm_dist_init(&d, NELM_DIST_NFAMILIES, (double[]){1}, NELM_UNIT_MONTHS, &e),
                     NELM_ERR_PARAM);
    e.code = 0;
    assert_int_equal(nelm_dist_init(&d, NELM_DIST_EXP, (double[]){1}, NELM_UNIT_NUNITS, &e),
                     NELM_ERR_PARAM);
    e.code = 0;
    assert_int_equal(nelm_dist_init(&d, NELM_DIST_PEXP, (double[]){1}, NELM_UNIT_MONTHS, &e),
                     NELM_ERR_PARAM);

    /* piecewise exponential */
    struct {
        double cuts[3], rates[3];
        size_t n;
        const char *needle;
    } pe[] = {
        {{1, 2, 3}, {0.1, 0.1, 0.1}, 3, "cuts[0]"},   /* must start at 0 */
        {{0, 5, 5}, {0.1, 0.1, 0.1}, 3, "increasing"}, /* repeated cut */
        {{0, 5, 2}, {0.1, 0.1, 0.1}, 3, "increasing"}, /* unsorted */
        {{0, 5, 9}, {0.1, -0.1, 0.1}, 3, "rates[1]"},   /* negative rate */
        {{0, 5, 9}, {0.1, 0.1, NAN}, 3, "rates[2]"},    /* NaN rate */
        {{0, INFINITY, 9}, {0.1, 0.1, 0.1}, 3, "cuts[1]"}, /* infinite cut */
        {{0, 5, 9}, {0.1, 0.1, 0.1}, 0, "pieces"},        /* empty */
    };
    for (size_t i = 0; i < sizeof pe / sizeof pe[0]; i++) {
        nelm_err pe_err = {0};
        int rc = nelm_dist_init_pexp(&d, pe[i].cuts, pe[i].rates, pe[i].n, NELM_UNIT_MONTHS,
                                     &pe_err);
        if (rc != NELM_ERR_PARAM || strstr(pe_err.msg, pe[i].needle) == NULL)
            print_error("pexp case %zu: rc %d, '%s'\n", i, rc, pe_err.msg);
        assert_int_equal(rc, NELM_ERR_PARAM);
        assert_non_null(strstr(pe_err.msg, pe[i].needle));
    }
    double many[NELM_PEXP_MAX + 1];
    for (size_t i = 0; i <= NELM_PEXP_MAX; i++)
        many[i] = (double)i;
    nelm_err me = {0};
    assert_int_equal(nelm_dist_init_pexp(&d, many, many, NELM_PEXP_MAX + 1, NELM_UNIT_MONTHS, &me),
                     NELM_ERR_PARAM);
    assert_non_null(strstr(me.msg, "pieces"));

    /* modifiers */
    struct {
        nelm_mod m;
        const char *needle;
    } bm[] = {
        {{-0.01, 1, 1}, "cure"}, {{1.01, 1, 1}, "cure"},  {{NAN, 1, 1}, "cure"},
        {{0, 0, 1}, "acceleration"}, {{0, -1, 1}, "acceleration"}, {{0, INFINITY, 1}, "acceleration"},
        {{0, 1, 0}, "hazard ratio"}, {{0, 1, NAN}, "hazard ratio"}, {{0, 1, INFINITY}, "hazard ratio"},
    };
    for (size_t i = 0; i < sizeof bm / sizeof bm[0]; i++) {
        nelm_err be = {0};
        assert_int_equal(nelm_mod_check(&bm[i].m, &be), NELM_ERR_PARAM);
        assert_non_null(strstr(be.msg, bm[i].needle));
    }
    nelm_mod ok = {1.0, 1e-3, 1e3};
    assert_int_equal(nelm_mod_check(&ok, &e), 0);
}

/* ---- valid extremes ---- */

static void
check_extreme(const nelm_dist *d, const char *what)
{
    static const double hrs[] = {1e-3, 0.1, 1, 10, 1e3};
    static const double afs[] = {1e-3, 1, 1e3};
    static const double us[] = {0x1.0p-53, 1e-12, 1e-6, 0.01, 0.3, 0.5, 0.7, 0.99,
                                1 - 1e-6,  1 - 1e-12, 1 - 0x1.0p-53};
    for (size_t h = 0; h < 5; h++)
        for (size_t a = 0; a < 3; a++)
            for (size_t c = 0; c < 2; c++)
                for (size_t i = 0; i < sizeof us / sizeof us[0]; i++) {
                    nelm_mod m = {c ? 0.2 : 0.0, afs[a], hrs[h]};
                    double t = -1;
                    bool ev = nelm_dist_draw(d, &m, us[i], &t);
                    if (ev && !(isfinite(t) && t > 0)) {
                        print_error("%s HR %g AF %g u %a: t = %g\n", what, hrs[h], afs[a], us[i],
                                    t);
                        fail();
                    }
                    double t2 = -1;
                    ev = nelm_dist_draw_after(d, &m, 5.0, us[i], &t2);
                    if (ev && !(isfinite(t2) && t2 >= 5.0)) {
                        print_error("%s | T>5: HR %g AF %g u %a: t = %g\n", what, hrs[h], afs[a],
                                    us[i], t2);
                        fail();
                    }
                }
    for (double t = 1e-6; t < 1e7; t *= 3.3) {
        double v[6] = {nelm_dist_pdf(d, t),    nelm_dist_cdf(d, t),    nelm_dist_surv(d, t),
                       nelm_dist_hazard(d, t), nelm_dist_cumhaz(d, t), nelm_dist_rmst(d, t)};
        for (int j = 0; j < 6; j++)
            if (isnan(v[j]) || v[j] < 0) {
                print_error("%s: function %d at t = %g gives %g\n", what, j, t, v[j]);
                fail();
            }
    }
    for (double p = 1e-12; p < 1; p = p < 0.5 ? p * 10 : 1 - (1 - p) / 10) {
        double q = nelm_dist_quantile(d, p);
        if (isnan(q) || q < 0) {
            print_error("%s: quantile(%g) = %g\n", what, p, q);
            fail();
        }
        if (p > 1 - 1e-11)
            break;
    }
    double mean = nelm_dist_mean(d);
    assert_true(!isnan(mean));
}

static void
test_valid_extremes(void **state)
{
    (void)state;
    static const double shapes[] = {0.05, 0.5, 1, 5, 50};
    static const double scales[] = {1e-6, 1, 1e6};
    char what[128];
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 3; j++) {
            const nelm_dist_family fams[] = {NELM_DIST_WEIBULL, NELM_DIST_WEIBULL_PH,
                                             NELM_DIST_LLOGIS, NELM_DIST_GAMMA};
            for (size_t f = 0; f < 4; f++) {
                nelm_err e = {0};
                nelm_dist d;
                double par[2] = {shapes[i], scales[j]};
                assert_int_equal(nelm_dist_init(&d, fams[f], par, NELM_UNIT_MONTHS, &e), 0);
                snprintf(what, sizeof what, "%s(%g, %g)", nelm_dist_family_name(fams[f]), par[0],
                         par[1]);
                check_extreme(&d, what);
            }
            nelm_err e = {0};
            nelm_dist d;
            double ln[2] = {log(scales[j]), shapes[i] < 10 ? shapes[i] : 10};
            assert_int_equal(nelm_dist_init(&d, NELM_DIST_LNORM, ln, NELM_UNIT_MONTHS, &e), 0);
            snprintf(what, sizeof what, "lnorm(%g, %g)", ln[0], ln[1]);
            check_extreme(&d, what);
            double ex = scales[j];
            assert_int_equal(nelm_dist_init(&d, NELM_DIST_EXP, &ex, NELM_UNIT_MONTHS, &e), 0);
            check_extreme(&d, "exp");
            double gz[2] = {(shapes[i] - 1) * 0.1, scales[j]};
            assert_int_equal(nelm_dist_init(&d, NELM_DIST_GOMPERTZ, gz, NELM_UNIT_MONTHS, &e), 0);
            snprintf(what, sizeof what, "gompertz(%g, %g)", gz[0], gz[1]);
            check_extreme(&d, what);
        }
    static const double qs[] = {-3, -1, -0.1, -1e-4, 0, 1e-6, 1e-3, 0.2, 1, 3};
    static const double sigmas[] = {0.05, 1, 4};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
        for (size_t j = 0; j < 3; j++) {
            nelm_err e = {0};
            nelm_dist d;
            double par[3] = {2, sigmas[j], qs[i]};
            assert_int_equal(nelm_dist_init(&d, NELM_DIST_GENGAMMA, par, NELM_UNIT_MONTHS, &e), 0);
            snprintf(what, sizeof what, "gengamma(2, %g, %g)", par[1], par[2]);
            check_extreme(&d, what);
        }
    nelm_err e = {0};
    nelm_dist d;
    double cuts[3] = {0, 6, 24}, rates[3] = {0.02, 0, 0}, rates2[3] = {1e-9, 1e3, 1e-9};
    assert_int_equal(nelm_dist_init_pexp(&d, cuts, rates, 3, NELM_UNIT_MONTHS, &e), 0);
    check_extreme(&d, "pexp zero tail");
    assert_int_equal(nelm_dist_init_pexp(&d, cuts, rates2, 3, NELM_UNIT_DAYS, &e), 0);
    check_extreme(&d, "pexp extreme rates");
}

/* "No event" is explicit: a defective Gompertz plateaus at exp(rate/shape),
 * and draws beyond it report no event; mean is infinite, not an error. */
static void
test_defective_and_infinite_mean(void **state)
{
    (void)state;
    nelm_err e = {0};
    nelm_dist g, l;
    assert_int_equal(
        nelm_dist_init(&g, NELM_DIST_GOMPERTZ, (double[]){-0.05, 0.02}, NELM_UNIT_MONTHS, &e), 0);
    double plateau = exp(0.02 / -0.05);
    assert_close_rel(nelm_dist_surv(&g, INFINITY), plateau, 1e-15);
    assert_true(isinf(nelm_dist_quantile(&g, 1 - plateau * 0.999)));
    assert_true(isfinite(nelm_dist_quantile(&g, 1 - plateau * 1.001)));
    assert_true(isinf(nelm_dist_mean(&g)));
    double t = 0;
    nelm_mod none = nelm_mod_none();
    assert_false(nelm_dist_draw(&g, &none, plateau * 0.999, &t));
    assert_true(nelm_dist_draw(&g, &none, plateau * 1.001, &t));
    assert_true(isfinite(t));
    assert_int_equal(
        nelm_dist_init(&l, NELM_DIST_LLOGIS, (double[]){0.8, 10}, NELM_UNIT_MONTHS, &e), 0);
    assert_true(isinf(nelm_dist_mean(&l)));
    assert_true(isfinite(nelm_dist_rmst(&l, 1e6)));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_goodness_of_fit),
        cmocka_unit_test(test_sample_rmst_and_mean),
        cmocka_unit_test(test_rmst_numeric),
        cmocka_unit_test(test_quantile_cdf_roundtrip),
        cmocka_unit_test(test_modifiers),
        cmocka_unit_test(test_modifier_formula_closed_forms),
        cmocka_unit_test(test_time_units),
        cmocka_unit_test(test_invalid_parameters),
        cmocka_unit_test(test_valid_extremes),
        cmocka_unit_test(test_defective_and_infinite_mean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
