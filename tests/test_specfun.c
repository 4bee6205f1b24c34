/* test_specfun.c — special functions against scipy/mpmath reference values
 * (tests/data/specfun-scipy.csv, written by tests/gen_specfun_reference.py),
 * plus round trips, identities, monotonicity, seams between methods and edge
 * cases.
 *
 * Tolerances. Forward functions: 1e-13 relative for every table row (the
 * worst measured is ~2e-15). Inverses x(p) are held to 1e-13 + 8ε/κ relative
 * in x, κ = |d log T / d log x| the condition number of T = P or Q: for tiny
 * a, P ≈ x^a/Γ(a+1) makes x = (pΓ(a+1))^{1/a} amplify p's rounding by 1/a
 * (a = 1e-3: 2e-13). Round trips T(a, x) = t are held to 1e-13 + 8εκ, since x
 * itself is rounded to a double, which moves T by κ ε (κ ~ sqrt(a) near the
 * median, ~|x - a| in the tails of large a). The scipy values in the table
 * agree with mpmath to 2e-15 or were replaced by mpmath's.
 */
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specfun.h"

#define EPS DBL_EPSILON
#define SF_TEST_LN2 0.69314718055994531

/* |d log T / d log x| for T = P (side 0) or Q (side 1) at (a, x): the
 * condition number of T with respect to x. */
static double
cond_gamma(double a, double x, int side)
{
    double lt = side == 0 ? nelm_sf_gamma_log_p(a, x) : nelm_sf_gamma_log_q(a, x);
    return exp(a * log(x) - x - nelm_sf_lgamma(a) - lt);
}

static double
relerr(double v, double ref)
{
    if (v == ref)
        return 0.0;
    return fabs(v - ref) / (ref != 0.0 ? fabs(ref) : 1.0);
}

/* ---- reference table ----------------------------------------------------------- */

typedef struct {
    const char *name;
    double worst; /* worst relative error seen (in x for inverses) */
    double worst_a, worst_x;
    int rows;
} fn_stat;

static fn_stat stats[] = {
    {"gammainc", 0, 0, 0, 0},      {"gammaincc", 0, 0, 0, 0},   {"log_gammainc", 0, 0, 0, 0},
    {"log_gammaincc", 0, 0, 0, 0}, {"gammaincinv", 0, 0, 0, 0}, {"gammainccinv_log", 0, 0, 0, 0},
    {"ndtr", 0, 0, 0, 0},          {"norm_sf", 0, 0, 0, 0},     {"log_ndtr", 0, 0, 0, 0},
    {"ndtri", 0, 0, 0, 0},         {"ndtri_log", 0, 0, 0, 0},   {"exp1_scaled", 0, 0, 0, 0},
    {"gammaln", 0, 0, 0, 0},
};
#define NSTATS (sizeof stats / sizeof stats[0])

static int
check_row(const char *fn, double a, double x, double ref)
{
    size_t k;
    for (k = 0; k < NSTATS; k++)
        if (strcmp(fn, stats[k].name) == 0)
            break;
    if (k == NSTATS) {
        print_error("unknown function '%s' in the reference table\n", fn);
        return 1;
    }
    double v = NAN, tol = 1e-13, err;
    int bad = 0;
    if (k <= 3) { /* forward incomplete gamma */
        if (k == 0)
            v = nelm_sf_gamma_p(a, x);
        else if (k == 1)
            v = nelm_sf_gamma_q(a, x);
        else if (k == 2)
            v = nelm_sf_gamma_log_p(a, x);
        else
            v = nelm_sf_gamma_log_q(a, x);
        err = relerr(v, ref);
    } else if (k == 4 || k == 5) { /* inverses */
        int side;
        double t;
        if (k == 4) {
            v = nelm_sf_gamma_p_inv(a, x);
            side = x <= 0.5 ? 0 : 1;
            t = x <= 0.5 ? x : 1.0 - x;
        } else {
            v = nelm_sf_gamma_q_inv_log(a, x);
            side = x < -0.5 ? 1 : 0;
            t = x < -0.5 ? x : -expm1(x);
        }
        double c = cond_gamma(a, ref, side);
        tol = 1e-13 + 8.0 * EPS / c;
        err = relerr(v, ref);
        /* round trip */
        double back, rt_tol = 1e-13 + 8.0 * EPS * c, rt_err;
        if (k == 5 && side == 1) {
            back = nelm_sf_gamma_log_q(a, v);
            rt_err = fabs(back - t) / fabs(t);
        } else {
            back = side == 0 ? nelm_sf_gamma_p(a, v) : nelm_sf_gamma_q(a, v);
            rt_err = relerr(back, t);
        }
        if (!(rt_err <= rt_tol)) {
            print_error("%s(a=%.17g, %.17g): round trip gives %.17g for %.17g (rel %.3g > %.3g)\n",
                        fn, a, x, back, t, rt_err, rt_tol);
            bad = 1;
        }
    } else {
        switch (k) {
        case 6:
            v = nelm_sf_norm_cdf(x);
            break;
        case 7:
            v = nelm_sf_norm_sf(x);
            break;
        case 8:
            v = nelm_sf_norm_log_cdf(x);
            break;
        case 9:
            v = nelm_sf_norm_quantile(x);
            break;
        case 10:
            v = nelm_sf_norm_quantile_log(x);
            break;
        case 11:
            v = nelm_sf_expint_e1_scaled(x);
            break;
        default:
            v = nelm_sf_lgamma(x);
            break;
        }
        err = relerr(v, ref);
    }
    stats[k].rows++;
    if (err > stats[k].worst || isnan(err)) {
        stats[k].worst = isnan(err) ? INFINITY : err;
        stats[k].worst_a = a;
        stats[k].worst_x = x;
    }
    if (!(err <= tol)) {
        print_error("%s(a=%.17g, x=%.17g) = %.17g, reference %.17g (rel %.3g > %.3g)\n", fn, a, x,
                    v, ref, err, tol);
        bad = 1;
    }
    return bad;
}

static void
test_reference_table(void **state)
{
    (void)state;
    size_t len = 0;
    char *buf = nelm_t_read_file(nelm_t_data_path("specfun-scipy.csv"), &len);
    assert_non_null(buf);
    int nrows = 0, nbad = 0, header = 0;
    char *line = buf;
    while (*line) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        if (line[0] != '#' && line[0] != '\0') {
            if (!header) {
                assert_string_equal(line, "function,a,x,value");
                header = 1;
            } else {
                char *c1 = strchr(line, ',');
                assert_non_null(c1);
                *c1 = '\0';
                char *p = c1 + 1, *q;
                double a = strtod(p, &q);
                assert_true(*q == ',');
                double x = strtod(q + 1, &p);
                assert_true(*p == ',');
                double ref = strtod(p + 1, &q);
                assert_true(*q == '\0' || *q == '\r');
                nbad += check_row(line, a, x, ref);
                nrows++;
            }
        }
        if (!end)
            break;
        line = end + 1;
    }
    free(buf);
    print_message("specfun reference rows: %d, failing: %d\n", nrows, nbad);
    for (size_t k = 0; k < NSTATS; k++)
        print_message("  %-17s %4d rows, worst rel. error %.2e (a=%.6g, x=%.6g)\n", stats[k].name,
                      stats[k].rows, stats[k].worst, stats[k].worst_a, stats[k].worst_x);
    assert_true(nrows > 900);
    for (size_t k = 0; k < NSTATS; k++)
        assert_true(stats[k].rows > 0);
    assert_int_equal(nbad, 0);
}

/* ---- identities and round trips ---------------------------------------------------- */

static const double shapes[] = {1e-3, 0.01, 0.05, 0.3,  0.9,   1.0, 1.2, 2.5, 10.0,
                                19.9, 20.0, 20.5, 50.0, 300.0, 1e4, 1e6, 1e8, 1e10};
#define NSHAPES (sizeof shapes / sizeof shapes[0])

/* P + Q = 1 to 1e-15, both in [0, 1], and P, Q agree with their logs. */
static void
test_p_plus_q(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSHAPES; i++) {
        double a = shapes[i];
        for (int j = -60; j <= 40; j++) {
            double lam = pow(10.0, j / 20.0); /* 1e-3 .. 1e2 */
            double x = a * lam, p, q;
            nelm_sf_gamma_pq(a, x, &p, &q);
            assert_true(p >= 0.0 && p <= 1.0 && q >= 0.0 && q <= 1.0);
            if (!(fabs(p + q - 1.0) <= 1e-15)) {
                print_error("a=%g x=%g: P=%.17g Q=%.17g\n", a, x, p, q);
                fail();
            }
            assert_true(p == nelm_sf_gamma_p(a, x) && q == nelm_sf_gamma_q(a, x));
            /* log(p) itself carries p's rounding: ε / |log p| relative */
            if (p > 1e-300)
                assert_close_rel(nelm_sf_gamma_log_p(a, x), log(p), 1e-14 + 2 * EPS / fabs(log(p)));
            if (q > 1e-300)
                assert_close_rel(nelm_sf_gamma_log_q(a, x), log(q), 1e-14 + 2 * EPS / fabs(log(q)));
        }
    }
}

/* Extreme log tails: log_q from -1e5 to -1e-19 round-trips for every shape. */
static void
test_q_inv_log_extremes(void **state)
{
    (void)state;
    static const double lqs[] = {-1e5, -3e4,  -1e4, -1e3,  -700.0, -100.0, -10.0,  -1.0,
                                 -0.7, -0.69, -0.1, -1e-3, -1e-6,  -1e-10, -1e-15, -1e-19};
    for (size_t i = 0; i < NSHAPES; i++) {
        double a = shapes[i];
        for (size_t j = 0; j < sizeof lqs / sizeof lqs[0]; j++) {
            double lq = lqs[j];
            double x = nelm_sf_gamma_q_inv_log(a, lq);
            assert_true(x >= 0.0 && isfinite(x));
            if (lq < -SF_TEST_LN2) {
                double c = cond_gamma(a, x, 1);
                double back = nelm_sf_gamma_log_q(a, x);
                if (!(fabs(back - lq) <= 1e-13 * fabs(lq) + 8.0 * EPS * c)) {
                    print_error("a=%g log_q=%g: x=%.17g gives log Q=%.17g\n", a, lq, x, back);
                    fail();
                }
            } else {
                double p = -expm1(lq);
                if (x < DBL_MIN) { /* the root is below the normal range */
                    assert_true(nelm_sf_gamma_log_p(a, DBL_MIN) > log(p));
                    continue;
                }
                double c = cond_gamma(a, x, 0);
                double back = nelm_sf_gamma_p(a, x);
                if (!(relerr(back, p) <= 1e-13 + 8.0 * EPS * c)) {
                    print_error("a=%g log_q=%g: x=%.17g gives P=%.17g for %.17g\n", a, lq, x, back,
                                p);
                    fail();
                }
            }
        }
    }
}

/* P^{-1}(a, p) from p = 1e-300 to 1 - 1e-16 round-trips. */
static void
test_p_inv_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSHAPES; i++) {
        double a = shapes[i];
        for (int j = 0; j <= 120; j++) {
            double p =
                j < 60 ? pow(10.0, -300.0 + 5.0 * j) /* 1e-300 .. 1e-5 */
                       : (j < 100 ? (j - 59) / 41.0 : 1.0 - pow(10.0, -16.0 + 0.55 * (j - 100)));
            if (j == 120)
                p = 1.0 - 1e-16;
            double x = nelm_sf_gamma_p_inv(a, p);
            assert_true(x >= 0.0 && isfinite(x));
            if (x < DBL_MIN) {
                assert_true(p <= 0.5 && nelm_sf_gamma_log_p(a, DBL_MIN) > log(p));
                continue;
            }
            int side = p <= 0.5 ? 0 : 1;
            double t = side == 0 ? p : 1.0 - p;
            double back = side == 0 ? nelm_sf_gamma_p(a, x) : nelm_sf_gamma_q(a, x);
            double tol = 1e-13 + 8.0 * EPS * cond_gamma(a, x, side);
            if (!(relerr(back, t) <= tol)) {
                print_error("a=%g p=%.17g: x=%.17g gives %.17g for %.17g\n", a, p, x, back, t);
                fail();
            }
        }
    }
}

/* The inverses are monotone over fine grids, in p and in log q. */
static void
test_inverse_monotone(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSHAPES; i++) {
        double a = shapes[i];
        double prev = 0.0;
        for (int j = 1; j < 4000; j++) {
            double p = j / 4000.0;
            double x = nelm_sf_gamma_p_inv(a, p);
            if (!(x >= prev)) {
                print_error("gamma_p_inv(%g, .) not monotone at p=%g: %.17g < %.17g\n", a, p, x,
                            prev);
                fail();
            }
            prev = x;
        }
        prev = 0.0;
        for (int j = 0; j < 2000; j++) { /* log q from -1e-12 down to -1e4 */
            double lq = -pow(10.0, -12.0 + 16.0 * j / 1999.0);
            double x = nelm_sf_gamma_q_inv_log(a, lq);
            if (!(x >= prev)) {
                print_error("gamma_q_inv_log(%g, .) not monotone at %g: %.17g < %.17g\n", a, lq, x,
                            prev);
                fail();
            }
            prev = x;
        }
    }
    double prev = -INFINITY;
    for (int j = 1; j < 20000; j++) {
        double z = nelm_sf_norm_quantile(j / 20000.0);
        assert_true(z > prev);
        prev = z;
    }
    prev = -INFINITY;
    for (int j = 0; j < 2000; j++) {
        double z = nelm_sf_norm_quantile_log(-pow(10.0, 5.0 - 24.0 * j / 1999.0));
        assert_true(z > prev);
        prev = z;
    }
}

/* The methods (series, small-a series, continued fraction, Temme's
 * expansion) agree where they meet: values just either side of each seam
 * differ by no more than the function's own change. */
static void
test_method_seams(void **state)
{
    (void)state;
    const double d = 1e-9;
    static const double big[] = {20.0, 20.5, 37.3, 100.0, 1e4, 1e6};
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        double a = big[i];
        static const double lam[] = {0.3, 1.6, 1.0};
        for (int s = 0; s < 3; s++) {
            double x = a * lam[s];
            double lp0 = nelm_sf_gamma_log_p(a, x * (1 - d)),
                   lp1 = nelm_sf_gamma_log_p(a, x * (1 + d));
            double lq0 = nelm_sf_gamma_log_q(a, x * (1 - d)),
                   lq1 = nelm_sf_gamma_log_q(a, x * (1 + d));
            double cp = cond_gamma(a, x, 0), cq = cond_gamma(a, x, 1);
            assert_true(fabs(lp1 - lp0) <= 2.2 * d * cp + 1e-13 * fabs(lp0) + 1e-15);
            assert_true(fabs(lq1 - lq0) <= 2.2 * d * cq + 1e-13 * fabs(lq0) + 1e-15);
            assert_true(lp1 >= lp0 && lq1 <= lq0);
        }
    }
    static const double small[] = {1e-3, 0.05, 0.3, 0.7, 1.2, 1.49};
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
        double a = small[i];
        /* x = 1.5 (small-a series | continued fraction); x = a for a >= 0.5 and
         * x = 2^{1 - 1/a} (where a = α(x)) below (P series | Q series). */
        double xs[2] = {1.5, a >= 0.5 ? a : 2.0 * pow(0.5, 1.0 / a)};
        for (int s = 0; s < 2; s++) {
            double x = xs[s];
            if (x < DBL_MIN)
                continue;
            double p0, q0, p1, q1;
            nelm_sf_gamma_pq(a, x * (1 - d), &p0, &q0);
            nelm_sf_gamma_pq(a, x * (1 + d), &p1, &q1);
            double cp = cond_gamma(a, x, 0), cq = cond_gamma(a, x, 1);
            assert_true(relerr(p1, p0) <= 2.2 * d * cp + 1e-14);
            assert_true(relerr(q1, q0) <= 2.2 * d * cq + 1e-14);
        }
    }
}

/* Tails checked against analytic asymptotics. */
static void
test_asymptotics(void **state)
{
    (void)state;
    /* log Q(a, x) for x >> a: (a-1) log x - x - log Γ(a) + log Σ_k (a-1)…(a-k)/x^k */
    static const double xs[] = {5e3, 5e4, 1e5, 1e7};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double a = 2.5, x = xs[i], s = 1.0, t = 1.0;
        for (int k = 1; k < 8; k++) {
            t *= (a - k) / x;
            s += t;
        }
        double ref = (a - 1.0) * log(x) - x - nelm_sf_lgamma(a) + log(s);
        assert_close_rel(nelm_sf_gamma_log_q(a, x), ref, 1e-14);
    }
    /* log P(a, x) for tiny x: a log x - log Γ(a+1) + log(1 - a x/(a+1) + …) */
    assert_close_rel(nelm_sf_gamma_log_p(2.5, 1e-200), 2.5 * log(1e-200) - nelm_sf_lgamma(3.5),
                     1e-14);
    assert_close_rel(nelm_sf_gamma_log_p(50.0, 1e-20), 50.0 * log(1e-20) - nelm_sf_lgamma(51.0),
                     1e-14);
    /* log Φ(z), z -> -inf: -z²/2 - log(-z) - log sqrt(2π) + log Σ_k (-1)^k (2k-1)!!/z^{2k} */
    static const double zs[] = {-40.0, -1e3, -1e5, -1e7};
    for (size_t i = 0; i < sizeof zs / sizeof zs[0]; i++) {
        double z = zs[i], v = 1.0 / (z * z), s = 0.0, t = 1.0;
        for (int k = 1; k <= 10; k++) {
            t *= -(2 * k - 1) * v;
            s += t;
        }
        double ref = -0.5 * z * z - log(-z) - 0.91893853320467274 + log1p(s);
        assert_close_rel(nelm_sf_norm_log_cdf(z), ref, 1e-15);
    }
    /* e^x E1(x) ~ (1/x) Σ_k (-1)^k k! / x^k */
    static const double ex[] = {1e3, 1e6, 1e100, 1e300};
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        double x = ex[i], v = 1.0 / x, s = 1.0, t = 1.0;
        for (int k = 1; k <= 8; k++) {
            t *= -k * v;
            s += t;
        }
        assert_close_rel(nelm_sf_expint_e1_scaled(x), v * s, 1e-14);
    }
}

/* log Γ near its zeros at 1 and 2, for tiny and huge x, and at integers. */
static void
test_lgamma(void **state)
{
    (void)state;
    const double eg = 0.57721566490153286, z2 = 1.6449340668482264; /* γ, ζ(2) */
    static const double es[] = {1e-300, 1e-100, 1e-20, 1e-12, 1e-8, -1e-8, -1e-12, -1e-20};
    for (size_t i = 0; i < sizeof es / sizeof es[0]; i++) {
        double e = es[i], d1 = (1.0 + e) - 1.0, d2 = (2.0 + e) - 2.0; /* exact */
        /* log Γ(1+d) = -γd + ζ(2)d²/2 + O(d³); log Γ(2+d) = (1-γ)d + (ζ(2)-1)d²/2 + … */
        assert_close_rel(nelm_sf_lgamma(1.0 + e), -eg * d1 + 0.5 * z2 * d1 * d1, 1e-15);
        assert_close_rel(nelm_sf_lgamma(2.0 + e), (1 - eg) * d2 + 0.5 * (z2 - 1) * d2 * d2, 1e-15);
        if (e > 0) /* log Γ(e) = -log e - γe + … */
            assert_close_rel(nelm_sf_lgamma(e), -log(e) - eg * e, 1e-15);
    }
    assert_true(nelm_sf_lgamma(1.0) == 0.0 && nelm_sf_lgamma(2.0) == 0.0);
    double lf = 0.0; /* log (n-1)! */
    for (int n = 2; n <= 200; n++) {
        lf += log(n - 1.0);
        assert_close_rel(nelm_sf_lgamma((double)n), lf, 2e-14);
    }
    for (double x = 0.05; x < 170.0; x *= 1.07) {
        double ref = log(tgamma(x));
        if (fabs(ref) > 0.1) /* glibc's tgamma is within a few ulps */
            assert_close_rel(nelm_sf_lgamma(x), ref, 5e-15);
    }
    /* x log x - x - log x / 2 + log sqrt(2π) + 1/(12x) for huge x */
    assert_close_rel(nelm_sf_lgamma(1e300), 1e300 * (log(1e300) - 1.0), 1e-15);
    assert_close_rel(nelm_sf_lgamma(1e15),
                     1e15 * (log(1e15) - 1.0) - 0.5 * log(1e15) + 0.91893853320467274, 1e-15);
}

/* Φ^{-1} and its log form round-trip; the tails mirror. */
/* The cancellation-free helpers: against their Taylor series near 0, the
 * direct formula where it does not cancel, and Stirling's leading term. */
static void
test_cancellation_free_helpers(void **state)
{
    (void)state;
    for (double x = 1e-300; x < 1e-4; x *= 1e3) {
        /* series through x^5: truncation below 1e-16 relative for x < 1e-4 */
        double x2 = x * x, x3 = x2 * x, x4 = x3 * x, x5 = x4 * x;
        assert_close_rel(nelm_sf_log1pmx(x), -x2 / 2 + x3 / 3 - x4 / 4 + x5 / 5, 1e-14);
        assert_close_rel(nelm_sf_log1pmx(-x), -x2 / 2 - x3 / 3 - x4 / 4 - x5 / 5, 1e-14);
        assert_close_rel(nelm_sf_expm1mx(x), x2 / 2 + x3 / 6 + x4 / 24 + x5 / 120, 1e-14);
        assert_close_rel(nelm_sf_expm1mx(-x), x2 / 2 - x3 / 6 + x4 / 24 - x5 / 120, 1e-14);
    }
    /* ±0.3: the series (cut-off 0.5 / 1.0) against long double references */
    assert_close_rel(nelm_sf_log1pmx(0.3), (double)(log1pl(0.3L) - 0.3L), 1e-15);
    assert_close_rel(nelm_sf_log1pmx(-0.3), (double)(log1pl(-0.3L) + 0.3L), 1e-15);
    assert_close_rel(nelm_sf_expm1mx(0.3), (double)(expm1l(0.3L) - 0.3L), 1e-15);
    assert_close_rel(nelm_sf_expm1mx(-0.3), (double)(expm1l(-0.3L) + 0.3L), 1e-15);
    /* away from 0 the direct formulas are exact enough */
    for (double x = 2; x < 100; x *= 1.7) {
        assert_close_rel(nelm_sf_log1pmx(x), log1p(x) - x, 1e-15);
        assert_close_rel(nelm_sf_expm1mx(x), expm1(x) - x, 1e-15);
    }
    /* Stirling remainder: 1/(12x) - 1/(360x^3) for large x; continuous at
     * the switch to the series at 10; lgamma(1) = 0 gives -(1/2 - 1 +
     * log sqrt(2π))... i.e. 1 - log sqrt(2π) at x = 1. */
    for (double x = 1e3; x < 1e15; x *= 10)
        assert_close_rel(nelm_sf_lgamma_corr(x), 1 / (12 * x) - 1 / (360 * x * x * x), 1e-14);
    assert_close_rel(nelm_sf_lgamma_corr(1.0), 1.0 - 0.91893853320467274178, 1e-15);
    assert_close_rel(nelm_sf_lgamma_corr(nextafter(10.0, 0.0)), nelm_sf_lgamma_corr(10.0), 1e-13);
}

static void
test_norm_round_trip(void **state)
{
    (void)state;
    for (int j = -300; j <= -1; j++) {
        double p = pow(10.0, j / 1.0);
        double z = nelm_sf_norm_quantile(p);
        /* z is rounded to a double: that moves Φ(z) by about z² ε relative */
        assert_close_rel(nelm_sf_norm_cdf(z), p, 1e-14 + 4 * EPS * (1 + z * z));
        if (p >= 1e-15) /* upper tail mirrors the lower one; 1 - (1 - p) is exact */
            assert_close_rel(nelm_sf_norm_quantile(1.0 - p),
                             -nelm_sf_norm_quantile(1.0 - (1.0 - p)), 1e-15);
    }
    for (int j = 0; j <= 480; j++) {
        double lp = -pow(10.0, 5.0 - j * 0.05); /* -1e5 .. -1e-19 */
        double z = nelm_sf_norm_quantile_log(lp);
        assert_close_rel(nelm_sf_norm_log_cdf(z), lp, 1e-13);
    }
    for (double z = -38.0; z <= 38.0; z += 0.37) {
        assert_close_rel(nelm_sf_norm_cdf(z), nelm_sf_norm_sf(-z), 0.0);
        double lc = nelm_sf_norm_log_cdf(z); /* exp() turns its rounding into |lc| ε */
        if (nelm_sf_norm_cdf(z) > 1e-300)
            assert_close_rel(exp(lc), nelm_sf_norm_cdf(z), 1e-14 + 2 * EPS * fabs(lc));
    }
}

static void
test_edge_cases(void **state)
{
    (void)state;
    double p, q;
    nelm_sf_gamma_pq(2.0, 0.0, &p, &q);
    assert_true(p == 0.0 && q == 1.0);
    nelm_sf_gamma_pq(2.0, INFINITY, &p, &q);
    assert_true(p == 1.0 && q == 0.0);
    nelm_sf_gamma_pq(1e-3, 0.0, &p, &q);
    assert_true(p == 0.0 && q == 1.0);
    nelm_sf_gamma_pq(1e9, INFINITY, &p, &q);
    assert_true(p == 1.0 && q == 0.0);
    static const double bad_a[] = {0.0, -1.0, -INFINITY, INFINITY, NAN};
    for (size_t i = 0; i < sizeof bad_a / sizeof bad_a[0]; i++) {
        nelm_sf_gamma_pq(bad_a[i], 1.0, &p, &q);
        assert_true(isnan(p) && isnan(q));
        assert_true(isnan(nelm_sf_gamma_p(bad_a[i], 1.0)) && isnan(nelm_sf_gamma_q(bad_a[i], 1.0)));
        assert_true(isnan(nelm_sf_gamma_log_p(bad_a[i], 1.0)));
        assert_true(isnan(nelm_sf_gamma_log_q(bad_a[i], 1.0)));
        assert_true(isnan(nelm_sf_gamma_p_inv(bad_a[i], 0.5)));
        assert_true(isnan(nelm_sf_gamma_q_inv_log(bad_a[i], -1.0)));
    }
    nelm_sf_gamma_pq(2.0, NAN, &p, &q);
    assert_true(isnan(p) && isnan(q));
    nelm_sf_gamma_pq(2.0, -1.0, &p, &q);
    assert_true(isnan(p) && isnan(q));
    assert_true(nelm_sf_gamma_log_q(3.0, 0.0) == 0.0);
    assert_true(nelm_sf_gamma_log_p(3.0, 0.0) == -INFINITY);
    assert_true(nelm_sf_gamma_log_q(3.0, INFINITY) == -INFINITY);
    assert_true(nelm_sf_gamma_log_p(3.0, INFINITY) == 0.0);
    assert_true(isnan(nelm_sf_gamma_log_q(3.0, NAN)));
    assert_true(nelm_sf_gamma_p_inv(3.0, 0.0) == 0.0);
    assert_true(nelm_sf_gamma_p_inv(3.0, 1.0) == INFINITY);
    assert_true(isnan(nelm_sf_gamma_p_inv(3.0, -0.1)) && isnan(nelm_sf_gamma_p_inv(3.0, 1.1)));
    assert_true(isnan(nelm_sf_gamma_p_inv(3.0, NAN)));
    assert_true(nelm_sf_gamma_q_inv_log(3.0, 0.0) == 0.0);
    assert_true(nelm_sf_gamma_q_inv_log(3.0, -INFINITY) == INFINITY);
    assert_true(isnan(nelm_sf_gamma_q_inv_log(3.0, 0.5)) &&
                isnan(nelm_sf_gamma_q_inv_log(3.0, NAN)));
    /* normal */
    assert_true(nelm_sf_norm_cdf(-INFINITY) == 0.0 && nelm_sf_norm_cdf(INFINITY) == 1.0);
    assert_true(nelm_sf_norm_sf(INFINITY) == 0.0 && nelm_sf_norm_sf(-INFINITY) == 1.0);
    assert_true(nelm_sf_norm_cdf(0.0) == 0.5 && nelm_sf_norm_sf(0.0) == 0.5);
    assert_true(nelm_sf_norm_log_cdf(-INFINITY) == -INFINITY &&
                nelm_sf_norm_log_cdf(INFINITY) == 0.0);
    assert_true(nelm_sf_norm_pdf(INFINITY) == 0.0 && nelm_sf_norm_pdf(-1e300) == 0.0);
    assert_true(nelm_sf_norm_quantile(0.0) == -INFINITY && nelm_sf_norm_quantile(1.0) == INFINITY);
    assert_true(nelm_sf_norm_quantile(0.5) == 0.0);
    assert_true(isnan(nelm_sf_norm_quantile(-0.1)) && isnan(nelm_sf_norm_quantile(1.5)));
    assert_true(nelm_sf_norm_quantile_log(0.0) == INFINITY);
    assert_true(nelm_sf_norm_quantile_log(-INFINITY) == -INFINITY);
    assert_true(isnan(nelm_sf_norm_quantile_log(0.1)));
    assert_true(isfinite(nelm_sf_norm_quantile(4.9e-324)));
    static const double nanin[] = {NAN};
    assert_true(isnan(nelm_sf_norm_cdf(nanin[0])) && isnan(nelm_sf_norm_sf(nanin[0])));
    assert_true(isnan(nelm_sf_norm_log_cdf(nanin[0])) && isnan(nelm_sf_norm_pdf(nanin[0])));
    assert_true(isnan(nelm_sf_norm_quantile(nanin[0])) &&
                isnan(nelm_sf_norm_quantile_log(nanin[0])));
    /* lgamma, E1 */
    assert_true(nelm_sf_lgamma(0.0) == INFINITY && nelm_sf_lgamma(INFINITY) == INFINITY);
    assert_true(isnan(nelm_sf_lgamma(-1.0)) && isnan(nelm_sf_lgamma(NAN)));
    assert_true(nelm_sf_expint_e1_scaled(0.0) == INFINITY);
    assert_true(nelm_sf_expint_e1_scaled(INFINITY) == 0.0);
    assert_true(isnan(nelm_sf_expint_e1_scaled(-1.0)) && isnan(nelm_sf_expint_e1_scaled(NAN)));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_table),    cmocka_unit_test(test_p_plus_q),
        cmocka_unit_test(test_q_inv_log_extremes), cmocka_unit_test(test_p_inv_round_trip),
        cmocka_unit_test(test_inverse_monotone),   cmocka_unit_test(test_method_seams),
        cmocka_unit_test(test_asymptotics),        cmocka_unit_test(test_lgamma),
        cmocka_unit_test(test_norm_round_trip),    cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_cancellation_free_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
