/* test_psa.c — PSA distributions (sim/psa.h): constructors and their errors,
 * moments and quantiles, keyed draws (known answers, invariance to what else
 * is drawn), statistical checks at fixed seeds and the Gaussian copula.
 *
 * Statistical tests draw N = 200,000 values with nelm_psa_draw at a fixed
 * seed and a fixed path, so they are deterministic; the bounds are 4 Monte
 * Carlo standard errors (a wrong mean, SD or quantile of a few per cent
 * fails them by tens of SEs).
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psa.h"
#include "rng.h"
#include "specfun.h"

#define N_DRAWS 200000
#define SEED UINT64_C(20240611)

/* Known answers: the reproducibility contract of keyed PSA draws. Changing
 * the hash, the constants or the derivation changes every PSA run. Computed
 * by an independent Python transcription of FNV-1a, SplitMix64's finaliser
 * and PCG32 from their definitions (psa.c, rng.h): the key of the path
 * "modalities.lutetium.cure", and nelm_psa_uniform(42, 7, that key). */
#define PINNED_KEY UINT64_C(0xb49d6ee7781bbc5c)
#define PINNED_U 0.28821977215373407

static void
ok(int ret, const nelm_err *e)
{
    if (ret != 0)
        print_error("constructor failed: %s\n", e->msg);
    assert_int_equal(ret, 0);
}

/* ---- names --------------------------------------------------------------------- */

static void
test_family_names(void **state)
{
    (void)state;
    static const char *const names[] = {"fixed", "beta", "lognormal", "gamma", "normal", "uniform"};
    assert_int_equal(sizeof names / sizeof names[0], NELM_PSA_NFAMILIES);
    for (int f = 0; f < NELM_PSA_NFAMILIES; f++) {
        assert_string_equal(nelm_psa_family_name((nelm_psa_family)f), names[f]);
        assert_int_equal(nelm_psa_family_from_name(names[f]), f);
    }
    assert_null(nelm_psa_family_name(NELM_PSA_NFAMILIES));
    assert_int_equal(nelm_psa_family_from_name("Beta"), NELM_PSA_NFAMILIES);
    assert_int_equal(nelm_psa_family_from_name("lnorm"), NELM_PSA_NFAMILIES);
    assert_int_equal(nelm_psa_family_from_name(""), NELM_PSA_NFAMILIES);
    assert_int_equal(nelm_psa_family_from_name(NULL), NELM_PSA_NFAMILIES);
}

/* ---- constructors ------------------------------------------------------------------- */

/* Parameters and moments of each constructor. */
static void
test_constructors(void **state)
{
    (void)state;
    nelm_err e = {0};
    nelm_psa_dist d;

    /* beta, mean 0.3, se 0.05: k = 0.21/0.0025 - 1 = 83 */
    ok(nelm_psa_beta_mean_se(0.3, 0.05, &d, &e), &e);
    assert_int_equal(d.family, NELM_PSA_BETA);
    assert_close_rel(d.p[0], 0.3 * 83.0, 1e-13);
    assert_close_rel(d.p[1], 0.7 * 83.0, 1e-13);
    assert_close_rel(nelm_psa_mean(&d), 0.3, 1e-14);
    assert_close_rel(nelm_psa_sd(&d), 0.05, 1e-13);

    ok(nelm_psa_beta_events(3.0, 120.0, &d, &e), &e);
    assert_true(d.family == NELM_PSA_BETA && d.p[0] == 3.0 && d.p[1] == 117.0);
    assert_close_rel(nelm_psa_mean(&d), 3.0 / 120.0, 1e-15);
    ok(nelm_psa_beta_events(0.5, 121.0, &d, &e), &e); /* Jeffreys, non-integer */
    assert_true(d.p[0] == 0.5 && d.p[1] == 120.5);

    /* lognormal: symmetric CI on the log scale */
    ok(nelm_psa_lnorm_ci(0.75, 0.6, 0.9375, &d, &e), &e);
    assert_int_equal(d.family, NELM_PSA_LNORM);
    assert_close_rel(d.p[0], log(0.75), 1e-15);
    assert_close_rel(d.p[1], log(1.25) / 1.959963984540054, 1e-14);
    assert_close_rel(nelm_psa_quantile(&d, 0.5), 0.75, 1e-14);
    assert_close_rel(nelm_psa_quantile(&d, 0.025), 0.6, 1e-13);
    assert_close_rel(nelm_psa_quantile(&d, 0.975), 0.9375, 1e-13);
    /* a published HR with rounded limits, 5 % of the half-width off centre */
    ok(nelm_psa_lnorm_ci(0.62, 0.45, 0.84, &d, &e), &e);
    assert_close_rel(d.p[1], log(0.84 / 0.45) / (2 * 1.959963984540054), 1e-14);

    ok(nelm_psa_gamma_mean_se(40.0, 5.0, &d, &e), &e);
    assert_int_equal(d.family, NELM_PSA_GAMMA);
    assert_close_rel(d.p[0], 64.0, 1e-15);
    assert_close_rel(d.p[1], 0.625, 1e-15);
    assert_close_rel(nelm_psa_mean(&d), 40.0, 1e-15);
    assert_close_rel(nelm_psa_sd(&d), 5.0, 1e-15);

    ok(nelm_psa_normal(62.0, 2.0, &d, &e), &e);
    assert_true(d.family == NELM_PSA_NORMAL && nelm_psa_mean(&d) == 62.0 && nelm_psa_sd(&d) == 2.0);
    assert_true(nelm_psa_quantile(&d, 0.5) == 62.0);

    ok(nelm_psa_uniform_range(0.6, 0.9, &d, &e), &e);
    assert_int_equal(d.family, NELM_PSA_UNIFORM);
    assert_close_rel(nelm_psa_mean(&d), 0.75, 1e-15);
    assert_close_rel(nelm_psa_sd(&d), 0.3 / sqrt(12.0), 1e-14);
    assert_true(nelm_psa_quantile(&d, 0.0) == 0.6 && nelm_psa_quantile(&d, 1.0) == 0.9);

    ok(nelm_psa_fixed(12.0, &d, &e), &e);
    assert_true(d.family == NELM_PSA_FIXED && nelm_psa_mean(&d) == 12.0 && nelm_psa_sd(&d) == 0.0);
    assert_true(nelm_psa_quantile(&d, 0.01) == 12.0 && nelm_psa_quantile(&d, 0.99) == 12.0);
    assert_true(nelm_psa_draw(&d, SEED, 5, nelm_psa_path_key("x")) == 12.0);
}

/* One bad input: NELM_ERR_PARAM, a message containing `needle`, and *d untouched. */
static void
expect_bad(int ret, const nelm_err *e, const nelm_psa_dist *d, const char *needle, int line)
{
    if (ret != NELM_ERR_PARAM || e->code != NELM_ERR_PARAM || strstr(e->msg, needle) == NULL ||
        d->family != NELM_PSA_NFAMILIES) {
        print_error("line %d: got %d, \"%s\" (wanted NELM_ERR_PARAM and \"%s\")\n", line, ret,
                    e->msg, needle);
        fail();
    }
}

#define BAD(call, needle)                                                                          \
    do {                                                                                           \
        nelm_err e_ = {0};                                                                         \
        nelm_psa_dist d_ = {NELM_PSA_NFAMILIES, {-7.0, -7.0}};                                     \
        nelm_psa_dist *d = &d_;                                                                    \
        nelm_err *e = &e_;                                                                         \
        expect_bad((call), e, d, (needle), __LINE__);                                              \
    } while (0)

static void
test_constructor_errors(void **state)
{
    (void)state;
    const double inf = INFINITY, nan = NAN;
    /* beta from mean and se */
    BAD(nelm_psa_beta_mean_se(0.0, 0.1, d, e), "mean must be in (0, 1) (got 0)");
    BAD(nelm_psa_beta_mean_se(1.0, 0.1, d, e), "mean must be in (0, 1) (got 1)");
    BAD(nelm_psa_beta_mean_se(1.2, 0.1, d, e), "(got 1.2)");
    BAD(nelm_psa_beta_mean_se(0.3, 0.0, d, e), "se must be > 0 (got 0)");
    BAD(nelm_psa_beta_mean_se(0.3, -0.1, d, e), "se must be > 0 (got -0.1)");
    BAD(nelm_psa_beta_mean_se(0.3, 0.5, d, e), "se=0.5 is too large for mean=0.3");
    BAD(nelm_psa_beta_mean_se(0.5, 0.5, d, e), "too large"); /* se^2 = mean(1-mean) */
    BAD(nelm_psa_beta_mean_se(nan, 0.1, d, e), "finite");
    BAD(nelm_psa_beta_mean_se(0.3, inf, d, e), "finite");
    BAD(nelm_psa_beta_mean_se(0.3, 1e-200, d, e), "unusable"); /* se^2 underflows */
    /* beta from events and total */
    BAD(nelm_psa_beta_events(0.0, 120.0, d, e), "zero events");
    BAD(nelm_psa_beta_events(0.0, 120.0, d, e), "events: 0.5, total: 121");
    BAD(nelm_psa_beta_events(120.0, 120.0, d, e), "all events");
    BAD(nelm_psa_beta_events(130.0, 120.0, d, e), "need 0 < events < total (got events=130");
    BAD(nelm_psa_beta_events(-1.0, 120.0, d, e), "need 0 < events < total");
    BAD(nelm_psa_beta_events(3.0, 0.0, d, e), "need 0 < events < total");
    BAD(nelm_psa_beta_events(nan, 120.0, d, e), "finite");
    BAD(nelm_psa_beta_events(3.0, inf, d, e), "finite");
    /* lognormal from a CI */
    BAD(nelm_psa_lnorm_ci(0.75, 0.8, 0.9, d, e), "need 0 < low < estimate < high");
    BAD(nelm_psa_lnorm_ci(0.75, 0.6, 0.7, d, e), "need 0 < low < estimate < high");
    BAD(nelm_psa_lnorm_ci(0.75, 0.0, 0.9, d, e), "need 0 < low < estimate < high");
    BAD(nelm_psa_lnorm_ci(0.75, 0.9, 0.6, d, e), "need 0 < low < estimate < high");
    BAD(nelm_psa_lnorm_ci(-1.0, -2.0, 0.5, d, e), "need 0 < low < estimate < high");
    BAD(nelm_psa_lnorm_ci(0.75, 0.75, 0.9, d, e), "need 0 < low < estimate < high");
    BAD(nelm_psa_lnorm_ci(inf, 0.6, 0.9, d, e), "finite");
    BAD(nelm_psa_lnorm_ci(0.75, 0.6, nan, d, e), "finite");
    /* asymmetric on the log scale: 0.9 in [0.6, 1.0] sits 59 % off centre */
    BAD(nelm_psa_lnorm_ci(0.9, 0.6, 1.0, d, e), "not symmetric about the estimate 0.9");
    BAD(nelm_psa_lnorm_ci(0.9, 0.6, 1.0, d, e), "geometric centre is 0.774597");
    /* just beyond the 10 % limit either side, just inside it */
    {
        double lo = 0.5, hi = 2.0, half = 0.5 * log(hi / lo);
        nelm_err e0 = {0};
        nelm_psa_dist d0;
        BAD(nelm_psa_lnorm_ci(exp(0.101 * half), lo, hi, d, e), "not symmetric");
        BAD(nelm_psa_lnorm_ci(exp(-0.101 * half), lo, hi, d, e), "not symmetric");
        assert_int_equal(nelm_psa_lnorm_ci(exp(0.099 * half), lo, hi, &d0, &e0), 0);
        assert_int_equal(nelm_psa_lnorm_ci(exp(-0.099 * half), lo, hi, &d0, &e0), 0);
    }
    /* gamma */
    BAD(nelm_psa_gamma_mean_se(0.0, 1.0, d, e), "mean must be > 0 (got 0)");
    BAD(nelm_psa_gamma_mean_se(-3.0, 1.0, d, e), "mean must be > 0 (got -3)");
    BAD(nelm_psa_gamma_mean_se(40.0, 0.0, d, e), "se must be > 0 (got 0)");
    BAD(nelm_psa_gamma_mean_se(40.0, -5.0, d, e), "se must be > 0");
    BAD(nelm_psa_gamma_mean_se(nan, 5.0, d, e), "finite");
    BAD(nelm_psa_gamma_mean_se(40.0, inf, d, e), "finite");
    BAD(nelm_psa_gamma_mean_se(1e300, 1e-300, d, e), "unusable");
    /* normal */
    BAD(nelm_psa_normal(62.0, 0.0, d, e), "sd must be > 0 (got 0)");
    BAD(nelm_psa_normal(62.0, -2.0, d, e), "sd must be > 0 (got -2)");
    BAD(nelm_psa_normal(nan, 2.0, d, e), "finite");
    BAD(nelm_psa_normal(62.0, inf, d, e), "finite");
    /* uniform */
    BAD(nelm_psa_uniform_range(0.9, 0.6, d, e), "need min < max (got min=0.9, max=0.6)");
    BAD(nelm_psa_uniform_range(0.6, 0.6, d, e), "need min < max");
    BAD(nelm_psa_uniform_range(-inf, 0.6, d, e), "finite");
    BAD(nelm_psa_uniform_range(0.0, nan, d, e), "finite");
    BAD(nelm_psa_uniform_range(-1e308, 1e308, d, e), "too wide");
    /* fixed */
    BAD(nelm_psa_fixed(nan, d, e), "finite");
    BAD(nelm_psa_fixed(inf, d, e), "finite");
    /* a context that already holds an error keeps the first message */
    nelm_err e2 = {0};
    nelm_psa_dist d2;
    assert_int_equal(nelm_psa_normal(0.0, -1.0, &d2, &e2), NELM_ERR_PARAM);
    assert_int_equal(nelm_psa_gamma_mean_se(-1.0, 1.0, &d2, &e2), NELM_ERR_PARAM);
    assert_non_null(strstr(e2.msg, "normal: sd"));
    assert_int_equal(nelm_psa_normal(0.0, 1.0, &d2, NULL), 0); /* e may be NULL */
    assert_int_equal(nelm_psa_normal(0.0, -1.0, &d2, NULL), NELM_ERR_PARAM);
}

/* ---- quantiles ------------------------------------------------------------------------- */

static int
make_examples(nelm_psa_dist *ds, size_t n)
{
    nelm_err e = {0};
    size_t k = 0;
    assert_true(n >= 10);
    assert_int_equal(nelm_psa_beta_mean_se(0.3, 0.05, &ds[k++], &e), 0);
    assert_int_equal(nelm_psa_beta_mean_se(0.02, 0.03, &ds[k++], &e), 0); /* alpha < 1 */
    assert_int_equal(nelm_psa_beta_events(3.0, 120.0, &ds[k++], &e), 0);
    assert_int_equal(nelm_psa_beta_events(9990.0, 10000.0, &ds[k++], &e), 0);
    assert_int_equal(nelm_psa_lnorm_ci(0.75, 0.6, 0.9375, &ds[k++], &e), 0);
    assert_int_equal(nelm_psa_lnorm_ci(3.0, 2.0, 4.5, &ds[k++], &e), 0);
    assert_int_equal(nelm_psa_gamma_mean_se(40.0, 5.0, &ds[k++], &e), 0);
    assert_int_equal(nelm_psa_gamma_mean_se(0.5, 1.0, &ds[k++], &e), 0); /* shape 0.25 */
    assert_int_equal(nelm_psa_normal(62.0, 2.0, &ds[k++], &e), 0);
    assert_int_equal(nelm_psa_uniform_range(0.6, 0.9, &ds[k++], &e), 0);
    return (int)k;
}

/* Quantiles nondecreasing over a fine grid, q(u) <= q(1-u) for u < 1/2, the
 * CDF of the quantile is u (beta, gamma, normal, lognormal), and the ends
 * of the support at u = 0 and 1. */
static void
test_quantiles(void **state)
{
    (void)state;
    nelm_psa_dist ds[10];
    int n = make_examples(ds, 10);
    for (int i = 0; i < n; i++) {
        const nelm_psa_dist *d = &ds[i];
        double prev = nelm_psa_quantile(d, 0.0);
        for (int j = 1; j <= 4000; j++) {
            double u = j / 4000.0, q = nelm_psa_quantile(d, u);
            if (!(q >= prev)) {
                print_error("%s: quantile not monotone at u=%g (%.17g < %.17g)\n",
                            nelm_psa_family_name(d->family), u, q, prev);
                fail();
            }
            prev = q;
        }
        for (int j = 1; j < 500; j++) {
            double u = j / 1000.0, lo = nelm_psa_quantile(d, u), hi = nelm_psa_quantile(d, 1.0 - u);
            assert_true(lo <= hi);
            /* the CDF at the quantile gives u back */
            double a = d->p[0], b = d->p[1], c = NAN;
            switch (d->family) {
            case NELM_PSA_BETA:
                c = nelm_sf_beta_inc(a, b, lo);
                break;
            case NELM_PSA_GAMMA:
                c = nelm_sf_gamma_p(a, lo / b);
                break;
            case NELM_PSA_NORMAL:
                c = nelm_sf_norm_cdf((lo - a) / b);
                assert_close_rel(lo + hi, 2.0 * a, 1e-15); /* symmetric */
                break;
            case NELM_PSA_LNORM:
                c = nelm_sf_norm_cdf((log(lo) - a) / b);
                assert_close_rel(lo * hi, exp(2.0 * a), 1e-13);
                break;
            case NELM_PSA_UNIFORM:
                c = (lo - a) / (b - a);
                break;
            default:
                break;
            }
            assert_close_rel(c, u, 1e-12);
        }
        /* ends and invalid u */
        assert_true(isnan(nelm_psa_quantile(d, -0.1)) && isnan(nelm_psa_quantile(d, 1.5)));
        assert_true(isnan(nelm_psa_quantile(d, NAN)));
    }
    assert_true(nelm_psa_quantile(&ds[0], 0.0) == 0.0 && nelm_psa_quantile(&ds[0], 1.0) == 1.0);
    assert_true(nelm_psa_quantile(&ds[4], 0.0) == 0.0 &&
                nelm_psa_quantile(&ds[4], 1.0) == INFINITY);
    assert_true(nelm_psa_quantile(&ds[6], 0.0) == 0.0 &&
                nelm_psa_quantile(&ds[6], 1.0) == INFINITY);
    assert_true(nelm_psa_quantile(&ds[8], 0.0) == -INFINITY &&
                nelm_psa_quantile(&ds[8], 1.0) == INFINITY);
}

/* ---- keyed draws -------------------------------------------------------------------------- */

static void
test_keyed_known_answers(void **state)
{
    (void)state;
    uint64_t key = nelm_psa_path_key("modalities.lutetium.cure");
    if (key != PINNED_KEY) {
        print_error("path key 0x%016llx, pinned 0x%016llx\n", (unsigned long long)key,
                    (unsigned long long)PINNED_KEY);
        fail();
    }
    double u = nelm_psa_uniform(42, 7, key);
    if (u != PINNED_U) {
        print_error("nelm_psa_uniform(42, 7, key) = %.17g, pinned %.17g\n", u, PINNED_U);
        fail();
    }
    /* FNV-1a: the empty path is the offset basis, mixed */
    assert_true(nelm_psa_path_key("") == nelm_mix64(UINT64_C(0xcbf29ce484222325)));
}

/* Draw k of a parameter depends on (seed, k, path) only: the same value
 * alone, inside a loop over many draws and parameters in any order; and a
 * different path, k or seed gives a different value. */
static void
test_keyed_invariance(void **state)
{
    (void)state;
    static const char *const paths[] = {
        "modalities.lutetium.cure",
        "modalities.lutetium.curE",
        "modalities.resection.p_death",
        "disease.death_progressed.scale",
        "cohort.age.mean",
        "a",
        "b",
        "ab",
        "ba",
    };
    enum { NP = sizeof paths / sizeof paths[0], NK = 300 };
    static double table[NP][NK];
    uint64_t keys[NP];
    for (size_t p = 0; p < NP; p++) {
        keys[p] = nelm_psa_path_key(paths[p]);
        for (size_t q = 0; q < p; q++)
            assert_true(keys[p] != keys[q]);
    }
    /* draws by parameter, then by draw, backwards */
    for (size_t p = 0; p < NP; p++)
        for (size_t k = 0; k < NK; k++)
            table[p][k] = nelm_psa_uniform(SEED, k, keys[p]);
    for (size_t k = NK; k-- > 0;)
        for (size_t p = NP; p-- > 0;)
            assert_true(nelm_psa_uniform(SEED, k, keys[p]) == table[p][k]);
    /* alone: a few cells recomputed from scratch, with their own keys */
    assert_true(nelm_psa_uniform(SEED, 123, nelm_psa_path_key("cohort.age.mean")) == table[4][123]);
    assert_true(nelm_psa_uniform(SEED, 0, nelm_psa_path_key("a")) == table[5][0]);
    /* every value distinct (paths, draws), all in (0, 1); seeds differ */
    for (size_t p = 0; p < NP; p++)
        for (size_t k = 0; k < NK; k++) {
            double v = table[p][k];
            assert_true(v > 0.0 && v < 1.0);
            assert_true(nelm_psa_uniform(SEED + 1, k, keys[p]) != v);
            for (size_t q = 0; q <= p; q++)
                for (size_t m = 0; m < NK; m++)
                    if (q != p || m != k)
                        assert_true(table[q][m] != v);
        }
    /* a draw of a distribution is its quantile of that uniform */
    nelm_psa_dist d;
    nelm_err e = {0};
    assert_int_equal(nelm_psa_gamma_mean_se(40.0, 5.0, &d, &e), 0);
    assert_true(nelm_psa_draw(&d, SEED, 17, keys[3]) == nelm_psa_quantile(&d, table[3][17]));
    /* huge draw indices and seeds are fine */
    double big = nelm_psa_uniform(UINT64_MAX, UINT64_MAX, keys[0]);
    assert_true(big > 0.0 && big < 1.0);
}

/* The uniforms of one path over draws k: 20 equal bins (chi-square with 19
 * degrees of freedom below 43.8, its 0.1 % point), mean 1/2 within 4 SE, and
 * no correlation between two paths' uniforms at the same k (within 4 SE). */
static void
test_keyed_uniformity(void **state)
{
    (void)state;
    uint64_t k1 = nelm_psa_path_key("p.one"), k2 = nelm_psa_path_key("p.two");
    int bins[20] = {0};
    double s = 0.0, s12 = 0.0;
    for (uint64_t k = 0; k < N_DRAWS; k++) {
        double u = nelm_psa_uniform(SEED, k, k1), v = nelm_psa_uniform(SEED, k, k2);
        bins[(int)(u * 20.0)]++;
        s += u;
        s12 += (u - 0.5) * (v - 0.5);
    }
    double chi2 = 0.0, expct = N_DRAWS / 20.0;
    for (int i = 0; i < 20; i++)
        chi2 += (bins[i] - expct) * (bins[i] - expct) / expct;
    print_message("uniformity: chi2 = %.2f (19 df), mean = %.5f\n", chi2, s / N_DRAWS);
    assert_true(chi2 < 43.8);
    assert_true(fabs(s / N_DRAWS - 0.5) < 4.0 * sqrt(1.0 / 12.0 / N_DRAWS));
    double r = (s12 / N_DRAWS) * 12.0; /* correlation of two U(0,1) */
    assert_true(fabs(r) < 4.0 / sqrt((double)N_DRAWS));
}

/* ---- statistical checks of the distributions ----------------------------------------------- */

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* N draws: sample mean within 4 SE of want_mean, sample SD within rel_sd of
 * want_sd. Returns the sorted draws in buf. */
static void
check_moments(const nelm_psa_dist *d, const char *path, double want_mean, double want_sd,
              double rel_sd, double *buf)
{
    uint64_t key = nelm_psa_path_key(path);
    double s = 0.0;
    for (uint64_t k = 0; k < N_DRAWS; k++) {
        buf[k] = nelm_psa_draw(d, SEED, k, key);
        s += buf[k];
    }
    double m = s / N_DRAWS, ss = 0.0;
    for (size_t k = 0; k < N_DRAWS; k++)
        ss += (buf[k] - m) * (buf[k] - m);
    double sd = sqrt(ss / (N_DRAWS - 1));
    double se = want_sd / sqrt((double)N_DRAWS);
    print_message("%-10s %-28s mean %.6g (want %.6g, %+.2f SE), sd %.6g (want %.6g, %+.2f %%)\n",
                  nelm_psa_family_name(d->family), path, m, want_mean, (m - want_mean) / se, sd,
                  want_sd, 100.0 * (sd / want_sd - 1.0));
    assert_true(fabs(m - want_mean) <= 4.0 * se);
    assert_true(fabs(sd / want_sd - 1.0) <= rel_sd);
    qsort(buf, N_DRAWS, sizeof buf[0], cmp_double);
}

/* fraction of sorted draws <= x */
static double
ecdf(const double *sorted, double x)
{
    size_t lo = 0, hi = N_DRAWS;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (double)lo / N_DRAWS;
}

/* |ECDF(x) - p| within 4 binomial SEs */
static void
check_ecdf(const double *sorted, double x, double p)
{
    double f = ecdf(sorted, x), se = sqrt(p * (1.0 - p) / N_DRAWS);
    if (!(fabs(f - p) <= 4.0 * se)) {
        print_error("ECDF(%g) = %.5f, want %.5f (%.1f SE)\n", x, f, p, (f - p) / se);
        fail();
    }
}

static void
test_draw_statistics(void **state)
{
    (void)state;
    double *buf = malloc(N_DRAWS * sizeof *buf);
    assert_non_null(buf);
    nelm_err e = {0};
    nelm_psa_dist d;

    /* beta from mean and SE: the specified mean and SE */
    assert_int_equal(nelm_psa_beta_mean_se(0.3, 0.05, &d, &e), 0);
    check_moments(&d, "modalities.lutetium.cure", 0.3, 0.05, 0.015, buf);
    check_ecdf(buf, nelm_psa_quantile(&d, 0.1), 0.1);
    assert_int_equal(nelm_psa_beta_mean_se(0.02, 0.03, &d, &e), 0); /* skewed, alpha < 1 */
    check_moments(&d, "skewed.beta", 0.02, 0.03, 0.03, buf);

    /* beta from events and total: the mean is events/total */
    assert_int_equal(nelm_psa_beta_events(3.0, 120.0, &d, &e), 0);
    double sd = sqrt(3.0 * 117.0 / (121.0 * 120.0 * 120.0));
    check_moments(&d, "modalities.resection.p_death", 3.0 / 120.0, sd, 0.02, buf);

    /* lognormal from a CI: median = estimate, 2.5 % and 97.5 % points = CI */
    assert_int_equal(nelm_psa_lnorm_ci(0.75, 0.6, 0.9375, &d, &e), 0);
    double s2 = d.p[1] * d.p[1];
    check_moments(&d, "modalities.lutetium.hr", 0.75 * exp(0.5 * s2),
                  0.75 * exp(0.5 * s2) * sqrt(expm1(s2)), 0.015, buf);
    check_ecdf(buf, 0.6, 0.025);
    check_ecdf(buf, 0.75, 0.5);
    check_ecdf(buf, 0.9375, 0.975);
    /* the empirical quantiles themselves, within 1 % */
    assert_close_rel(buf[(size_t)(0.025 * N_DRAWS)], 0.6, 0.01);
    assert_close_rel(buf[N_DRAWS / 2], 0.75, 0.01);
    assert_close_rel(buf[(size_t)(0.975 * N_DRAWS)], 0.9375, 0.01);
    /* a wide, slightly asymmetric published CI: estimate 3.0 (2.0, 4.5) */
    assert_int_equal(nelm_psa_lnorm_ci(3.0, 2.0, 4.5, &d, &e), 0);
    s2 = d.p[1] * d.p[1];
    check_moments(&d, "modalities.lutetium.hr.grade.G3", 3.0 * exp(0.5 * s2),
                  3.0 * exp(0.5 * s2) * sqrt(expm1(s2)), 0.02, buf);
    check_ecdf(buf, 3.0, 0.5);

    /* gamma from mean and SE, and a very skewed one (shape 0.25) */
    assert_int_equal(nelm_psa_gamma_mean_se(40.0, 5.0, &d, &e), 0);
    check_moments(&d, "disease.death_progressed.scale", 40.0, 5.0, 0.015, buf);
    assert_int_equal(nelm_psa_gamma_mean_se(0.5, 1.0, &d, &e), 0);
    check_moments(&d, "skewed.gamma", 0.5, 1.0, 0.04, buf);

    assert_int_equal(nelm_psa_normal(62.0, 2.0, &d, &e), 0);
    check_moments(&d, "cohort.age.mean", 62.0, 2.0, 0.015, buf);
    check_ecdf(buf, 62.0 - 2.0 * 1.959963984540054, 0.025);

    assert_int_equal(nelm_psa_uniform_range(0.6, 0.9, &d, &e), 0);
    check_moments(&d, "modalities.tace.p_hepatic", 0.75, 0.3 / sqrt(12.0), 0.01, buf);
    assert_true(buf[0] >= 0.6 && buf[N_DRAWS - 1] <= 0.9);
    check_ecdf(buf, 0.66, 0.2);
    free(buf);
}

/* ---- Gaussian copula --------------------------------------------------------------------------
 */

static void
test_cholesky(void **state)
{
    (void)state;
    nelm_err e = {0};
    double L[9];
    const double c2[4] = {1.0, 0.6, 0.6, 1.0};
    assert_int_equal(nelm_psa_cholesky(c2, 2, L, &e), 0);
    assert_true(L[0] == 1.0 && L[1] == 0.0 && L[2] == 0.6);
    assert_close_rel(L[3], 0.8, 1e-15);
    const double c3[9] = {1.0, 0.5, -0.3, 0.5, 1.0, 0.2, -0.3, 0.2, 1.0};
    assert_int_equal(nelm_psa_cholesky(c3, 3, L, &e), 0);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0.0;
            for (int m = 0; m < 3; m++)
                s += L[i * 3 + m] * L[j * 3 + m];
            assert_true(fabs(s - c3[i * 3 + j]) <= 1e-15);
            if (j > i)
                assert_true(L[i * 3 + j] == 0.0);
        }
    const double c1[1] = {1.0};
    assert_int_equal(nelm_psa_cholesky(c1, 1, L, &e), 0);
    assert_true(L[0] == 1.0);
    assert_int_equal(e.code, 0);

    struct {
        double c[9];
        size_t k;
        const char *needle;
    } bad[] = {
        {{1.0, 0.6, 0.5, 1.0}, 2, "not symmetric: (2, 1) = 0.5 but (1, 2) = 0.6"},
        {{0.9, 0.6, 0.6, 1.0}, 2, "diagonal entry (1, 1)"},
        {{1.0, 1.2, 1.2, 1.0}, 2, "(1, 2) = 1.2 is not a number in [-1, 1]"},
        {{1.0, NAN, NAN, 1.0}, 2, "is not a number in [-1, 1]"},
        {{1.0, 1.0, 1.0, 1.0}, 2, "not positive definite (pivot 2 of 2"},
        {{1.0, 0.9, -0.9, 0.9, 1.0, 0.9, -0.9, 0.9, 1.0}, 3, "not positive definite (pivot 3 of 3"},
        {{1.0}, 0, "1 to 64 parameters (got 0)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nelm_err eb = {0};
        int ret = nelm_psa_cholesky(bad[i].c, bad[i].k, L, &eb);
        if (ret != NELM_ERR_PARAM || strstr(eb.msg, bad[i].needle) == NULL) {
            print_error("case %zu: %d \"%s\", wanted \"%s\"\n", i, ret, eb.msg, bad[i].needle);
            fail();
        }
    }
    nelm_err eb = {0};
    assert_int_equal(nelm_psa_cholesky(c1, NELM_PSA_CORR_MAX + 1, L, &eb), NELM_ERR_PARAM);
}

/* Three parameters (beta, gamma, lognormal) with target correlations of
 * their normal scores: the sample correlations of Φ^{-1}(u') are within 4
 * SE ((1 - ρ²)/sqrt(N)) of the targets, each u' stays uniform (mean and 20
 * bins), and each parameter keeps its marginal (mean within 4 SE, ECDF at
 * its median). The first parameter's uniforms pass through unchanged. */
static void
test_correlated_draws(void **state)
{
    (void)state;
    const double rho[9] = {1.0, 0.6, -0.3, 0.6, 1.0, 0.2, -0.3, 0.2, 1.0};
    double L[9];
    nelm_err e = {0};
    assert_int_equal(nelm_psa_cholesky(rho, 3, L, &e), 0);
    nelm_psa_dist d[3];
    assert_int_equal(nelm_psa_beta_mean_se(0.3, 0.05, &d[0], &e), 0);
    assert_int_equal(nelm_psa_gamma_mean_se(40.0, 5.0, &d[1], &e), 0);
    assert_int_equal(nelm_psa_lnorm_ci(0.75, 0.6, 0.9375, &d[2], &e), 0);
    uint64_t keys[3] = {nelm_psa_path_key("c.beta"), nelm_psa_path_key("c.gamma"),
                        nelm_psa_path_key("c.lnorm")};
    double sz[3] = {0}, szz[3][3] = {{0}}, su[3] = {0}, sx[3] = {0};
    int below_median[3] = {0}, bins[3][20] = {{0}};
    for (uint64_t k = 0; k < N_DRAWS; k++) {
        double u[3], uc[3], z[3];
        for (int i = 0; i < 3; i++)
            u[i] = nelm_psa_uniform(SEED, k, keys[i]);
        nelm_psa_correlate(L, 3, u, uc);
        assert_close_rel(uc[0], u[0], 1e-14);
        for (int i = 0; i < 3; i++) {
            assert_true(uc[i] > 0.0 && uc[i] < 1.0);
            z[i] = nelm_sf_norm_quantile(uc[i]);
            sz[i] += z[i];
            su[i] += uc[i];
            bins[i][(int)(uc[i] * 20.0)]++;
            double x = nelm_psa_quantile(&d[i], uc[i]);
            sx[i] += x;
            below_median[i] += x <= nelm_psa_quantile(&d[i], 0.5);
            for (int j = 0; j <= i; j++)
                szz[i][j] += z[i] * z[j];
        }
    }
    for (int i = 0; i < 3; i++) {
        double mi = sz[i] / N_DRAWS, vi = szz[i][i] / N_DRAWS - mi * mi;
        for (int j = 0; j < i; j++) {
            double mj = sz[j] / N_DRAWS, vj = szz[j][j] / N_DRAWS - mj * mj;
            double r = (szz[i][j] / N_DRAWS - mi * mj) / sqrt(vi * vj), t = rho[i * 3 + j];
            double se = (1.0 - t * t) / sqrt((double)N_DRAWS);
            print_message("normal scores %d,%d: r = %.4f (target %.2f, %+.2f SE)\n", i, j, r, t,
                          (r - t) / se);
            assert_true(fabs(r - t) <= 4.0 * se);
        }
        /* marginals: uniform u', the distribution's mean and median */
        assert_true(fabs(su[i] / N_DRAWS - 0.5) <= 4.0 * sqrt(1.0 / 12.0 / N_DRAWS));
        double chi2 = 0.0, expct = N_DRAWS / 20.0;
        for (int b = 0; b < 20; b++)
            chi2 += (bins[i][b] - expct) * (bins[i][b] - expct) / expct;
        assert_true(chi2 < 43.8);
        double m = nelm_psa_mean(&d[i]), se = nelm_psa_sd(&d[i]) / sqrt((double)N_DRAWS);
        assert_true(fabs(sx[i] / N_DRAWS - m) <= 4.0 * se);
        double f = (double)below_median[i] / N_DRAWS;
        assert_true(fabs(f - 0.5) <= 4.0 * sqrt(0.25 / N_DRAWS));
    }
    /* in place (u == u_out), and extreme uniforms stay inside (0, 1) */
    double u[3] = {1.0 - 0x1p-53, 1.0 - 0x1p-53, 0x1p-53}, v[3];
    nelm_psa_correlate(L, 3, u, v);
    nelm_psa_correlate(L, 3, u, u);
    for (int i = 0; i < 3; i++) {
        assert_true(u[i] == v[i]);
        assert_true(v[i] > 0.0 && v[i] < 1.0 && isfinite(nelm_psa_quantile(&d[i], v[i])));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_family_names),
        cmocka_unit_test(test_constructors),
        cmocka_unit_test(test_constructor_errors),
        cmocka_unit_test(test_quantiles),
        cmocka_unit_test(test_keyed_known_answers),
        cmocka_unit_test(test_keyed_invariance),
        cmocka_unit_test(test_keyed_uniformity),
        cmocka_unit_test(test_draw_statistics),
        cmocka_unit_test(test_cholesky),
        cmocka_unit_test(test_correlated_draws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
