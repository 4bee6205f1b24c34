/* test_cohort.c — baseline patients (DESIGN §2.1): marginal and conditional
 * distributions of 200,000 patients at fixed seeds against their exact values
 * (each within 5 standard errors, and a proof that a 0.02 error in p_male
 * fails the same test), the truncated-normal age in both tails, filters
 * (conditional distribution, rejection count, impossible filters), purity
 * and the key layout, and every class of invalid parameter. */
#include "testutil.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "rng.h"
#include "specfun.h"

enum { NSTAT = 200000 };
#define ZMAX 5.0
#define SEED_A UINT64_C(0x5eed0001)
#define SEED_B UINT64_C(0x5eed0002)

/* A realistic NELM cohort (orders of magnitude from published series). */
static nelm_cohort_params
realistic(void)
{
    nelm_cohort_params cp;
    memset(&cp, 0, sizeof cp);
    cp.age_mean = 60.0;
    cp.age_sd = 11.0;
    cp.age_min = 18.0;
    cp.age_max = 90.0;
    cp.p_male = 0.52;
    const double site[NELM_NSITES] = {0.27, 0.32, 0.20, 0.21};
    const double grade[NELM_NGRADES] = {0.48, 0.39, 0.13};
    const double lo[NELM_NGRADES] = {0.5, 3.0, 20.001};
    const double hi[NELM_NGRADES] = {2.999, 20.0, 80.0};
    const double burden[NELM_NBURDENS] = {0.55, 0.30, 0.15};
    const double frilling[NELM_NFRILLING] = {0.20, 0.15, 0.65};
    const double sstr[NELM_NGRADES] = {0.89, 0.78, 0.31};
    const double ecog[NELM_NECOG] = {0.45, 0.38, 0.12, 0.04, 0.01};
    memcpy(cp.site_p, site, sizeof site);
    memcpy(cp.grade_p, grade, sizeof grade);
    memcpy(cp.ki67_lo, lo, sizeof lo);
    memcpy(cp.ki67_hi, hi, sizeof hi);
    memcpy(cp.burden_p, burden, sizeof burden);
    memcpy(cp.frilling_p, frilling, sizeof frilling);
    memcpy(cp.p_sstr_by_grade, sstr, sizeof sstr);
    memcpy(cp.ecog_p, ecog, sizeof ecog);
    cp.p_extrahepatic = 0.35;
    cp.p_functional = 0.30;
    cp.p_syndrome_if_functional = 0.70;
    cp.p_primary_resected = 0.55;
    cp.entry_line = 1;
    cp.entry_prior = 0;
    cp.entry_progressive = false;
    cp.nfilters = 0;
    cp.max_tries = 1000;
    return cp;
}

static nelm_filter
range_filter(nelm_attr a, double lo, double hi)
{
    nelm_filter f;
    memset(&f, 0, sizeof f);
    f.attr = a;
    f.lo = lo;
    f.hi = hi;
    return f;
}

static nelm_filter
set_filter(nelm_attr a, uint32_t allowed)
{
    nelm_filter f;
    memset(&f, 0, sizeof f);
    f.attr = a;
    f.allowed = allowed;
    return f;
}

static void
add_filter(nelm_cohort_params *cp, nelm_filter f)
{
    assert_true(cp->nfilters < NELM_MAX_FILTERS);
    cp->filters[cp->nfilters++] = f;
}

/* WHO 2019, written out independently of the implementation. */
static nelm_grade
who_grade(double ki67)
{
    if (ki67 < 3.0)
        return NELM_G1;
    if (ki67 <= 20.0)
        return NELM_G2;
    return NELM_G3;
}

static void
sample_ok(const nelm_cohort_params *cp, uint64_t seed, uint64_t index, nelm_patient *pt)
{
    nelm_err e = {0};
    int rc = nelm_cohort_sample(cp, seed, index, pt, &e);
    if (rc != 0)
        print_error("patient %llu: %s\n", (unsigned long long)index, e.msg);
    assert_int_equal(rc, 0);
}

/* ---- the 5-standard-error machinery --------------------------------------- */

/* z score of an observed share count/n against probability p. */
static double
z_share(size_t count, size_t n, double p)
{
    double share = (double)count / (double)n;
    double se = sqrt(p * (1.0 - p) / (double)n);
    if (se == 0.0)
        return share == p ? 0.0 : INFINITY;
    return (share - p) / se;
}

static bool
share_within(size_t count, size_t n, double p)
{
    return fabs(z_share(count, n, p)) < ZMAX;
}

static void
check_share(const char *what, size_t count, size_t n, double p)
{
    double z = z_share(count, n, p);
    print_message("  %-28s %9.6f  expected %9.6f  (%+.2f SE, n = %zu)\n", what,
                  (double)count / (double)n, p, z, n);
    assert_true(share_within(count, n, p));
}

static bool
value_within(double got, double want, double se)
{
    return fabs(got - want) < ZMAX * se;
}

static void
check_value(const char *what, double got, double want, double se)
{
    print_message("  %-28s %11.6f  expected %11.6f  (%+.2f SE)\n", what, got, want,
                  (got - want) / se);
    assert_true(value_within(got, want, se));
}

/* Sample moments from power sums of x - shift. */
typedef struct moments {
    size_t n;
    double shift, s1, s2, s3, s4;
} moments;

static void
mom_add(moments *m, double x)
{
    double d = x - m->shift, d2 = d * d;
    m->n++;
    m->s1 += d;
    m->s2 += d2;
    m->s3 += d2 * d;
    m->s4 += d2 * d2;
}

static double
mom_mean(const moments *m)
{
    return m->shift + m->s1 / (double)m->n;
}

/* Central moments m2 (biased) and m4. */
static void
mom_central(const moments *m, double *m2, double *m4)
{
    double n = (double)m->n, a = m->s1 / n, b = m->s2 / n, c = m->s3 / n, d = m->s4 / n;
    *m2 = b - a * a;
    *m4 = d - 4.0 * a * c + 6.0 * a * a * b - 3.0 * a * a * a * a;
}

/* Check mean and sd of a sample against exact values: SE(mean) = s/sqrt(n),
 * SE(sd) = sqrt((m4 - s^4)/n) / (2 s) (delta method, sample kurtosis). */
static void
check_mean_sd(const char *what, const moments *m, double mean, double sd)
{
    double m2, m4;
    mom_central(m, &m2, &m4);
    double n = (double)m->n, s = sqrt(m2);
    char buf[128];
    snprintf(buf, sizeof buf, "%s mean", what);
    check_value(buf, mom_mean(m), mean, s / sqrt(n));
    snprintf(buf, sizeof buf, "%s sd", what);
    check_value(buf, s, sd, sqrt((m4 - m2 * m2) / n) / (2.0 * s));
}

/* Mean and sd of normal(mu, sigma) truncated to [lo, hi], from the normal
 * pdf and cdf (upper-tail differences where the interval lies above mu). */
static void
trunc_normal_moments(double mu, double sigma, double lo, double hi, double *mean, double *sd)
{
    double a = (lo - mu) / sigma, b = (hi - mu) / sigma;
    double z = a >= 0.0 ? nelm_sf_norm_sf(a) - nelm_sf_norm_sf(b)
                        : nelm_sf_norm_cdf(b) - nelm_sf_norm_cdf(a);
    double pa = nelm_sf_norm_pdf(a), pb = nelm_sf_norm_pdf(b);
    double r = (pa - pb) / z;
    *mean = mu + sigma * r;
    *sd = sigma * sqrt(1.0 + (a * pa - b * pb) / z - r * r);
}

/* P(lo <= X <= x) / P(lo <= X <= hi) for the same truncated normal. */
static double
trunc_normal_cdf(double mu, double sigma, double lo, double hi, double x)
{
    double a = (lo - mu) / sigma, b = (hi - mu) / sigma, c = (x - mu) / sigma;
    return (nelm_sf_norm_cdf(c) - nelm_sf_norm_cdf(a)) /
           (nelm_sf_norm_cdf(b) - nelm_sf_norm_cdf(a));
}

/* ---- tallies --------------------------------------------------------------- */

typedef struct tally {
    size_t n;
    size_t sex[NELM_NSEXES], site[NELM_NSITES], grade[NELM_NGRADES];
    size_t burden[NELM_NBURDENS], frilling[NELM_NFRILLING], ecog[NELM_NECOG];
    size_t extrahepatic, functional, syndrome, syndrome_nonfunctional, primary;
    size_t sstr_by_grade[NELM_NGRADES];
    size_t wrong_grade, ki67_outside;
    moments age, logki[NELM_NGRADES];
    moments tries;
} tally;

static void
tally_add(tally *t, const nelm_cohort_params *cp, const nelm_patient *pt)
{
    t->n++;
    t->sex[pt->sex]++;
    t->site[pt->site]++;
    t->grade[pt->grade]++;
    t->burden[pt->burden]++;
    t->frilling[pt->frilling]++;
    t->ecog[pt->ecog]++;
    t->extrahepatic += pt->extrahepatic;
    t->functional += pt->functional;
    t->syndrome += pt->syndrome && pt->functional;
    t->syndrome_nonfunctional += pt->syndrome && !pt->functional;
    t->primary += pt->primary_resected;
    t->sstr_by_grade[pt->grade] += pt->sstr;
    t->wrong_grade += who_grade(pt->ki67) != pt->grade;
    t->ki67_outside += !(pt->ki67 >= cp->ki67_lo[pt->grade] && pt->ki67 <= cp->ki67_hi[pt->grade]);
    mom_add(&t->age, pt->age);
    mom_add(&t->logki[pt->grade], log(pt->ki67));
    mom_add(&t->tries, (double)pt->tries);
}

static void
tally_cohort(tally *t, const nelm_cohort_params *cp, uint64_t seed, size_t n)
{
    memset(t, 0, sizeof *t);
    t->age.shift = cp->age_mean;
    for (size_t i = 0; i < n; i++) {
        nelm_patient pt;
        sample_ok(cp, seed, (uint64_t)i, &pt);
        tally_add(t, cp, &pt);
    }
}

static void
check_dist_shares(const char *what, const size_t *count, const double *p, int k, size_t n)
{
    for (int i = 0; i < k; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s %d", what, i);
        check_share(buf, count[i], n, p[i]);
    }
}

/* ---- marginals and conditionals ------------------------------------------- */

static void
test_marginals_and_conditionals(void **state)
{
    (void)state;
    nelm_cohort_params cp = realistic();
    nelm_err e = {0};
    assert_int_equal(nelm_cohort_check(&cp, &e), 0);
    static tally t;
    tally_cohort(&t, &cp, SEED_A, NSTAT);
    size_t n = t.n;

    check_share("male", t.sex[NELM_MALE], n, cp.p_male);
    check_dist_shares("site", t.site, cp.site_p, NELM_NSITES, n);
    check_dist_shares("grade", t.grade, cp.grade_p, NELM_NGRADES, n);
    check_dist_shares("burden", t.burden, cp.burden_p, NELM_NBURDENS, n);
    check_dist_shares("frilling", t.frilling, cp.frilling_p, NELM_NFRILLING, n);
    check_dist_shares("ecog", t.ecog, cp.ecog_p, NELM_NECOG, n);
    check_share("extrahepatic", t.extrahepatic, n, cp.p_extrahepatic);
    check_share("functional", t.functional, n, cp.p_functional);
    check_share("primary resected", t.primary, n, cp.p_primary_resected);

    /* conditionals */
    assert_int_equal(t.syndrome_nonfunctional, 0);
    check_share("syndrome | functional", t.syndrome, t.functional, cp.p_syndrome_if_functional);
    for (int g = 0; g < NELM_NGRADES; g++) {
        char buf[64];
        snprintf(buf, sizeof buf, "sstr | G%d", g + 1);
        check_share(buf, t.sstr_by_grade[g], t.grade[g], cp.p_sstr_by_grade[g]);
    }

    /* Ki-67: log-uniform within the grade's range; the grade is its WHO grade */
    assert_int_equal(t.wrong_grade, 0);
    assert_int_equal(t.ki67_outside, 0);
    for (int g = 0; g < NELM_NGRADES; g++) {
        double a = log(cp.ki67_lo[g]), b = log(cp.ki67_hi[g]);
        char buf[64];
        snprintf(buf, sizeof buf, "log ki67 | G%d", g + 1);
        check_mean_sd(buf, &t.logki[g], 0.5 * (a + b), (b - a) / sqrt(12.0));
    }

    /* age: truncated normal */
    double mean, sd;
    trunc_normal_moments(cp.age_mean, cp.age_sd, cp.age_min, cp.age_max, &mean, &sd);
    check_mean_sd("age", &t.age, mean, sd);

    /* no filters: every patient is its first candidate */
    assert_true(mom_mean(&t.tries) == 1.0);
}

/* The same tests detect a wrong expectation: p_male off by 0.02 (18 SE) and
 * the age mean off by 0.2 years (8 SE). */
static void
test_check_detects_errors(void **state)
{
    (void)state;
    nelm_cohort_params cp = realistic();
    static tally t;
    tally_cohort(&t, &cp, SEED_B, NSTAT);
    assert_true(share_within(t.sex[NELM_MALE], t.n, cp.p_male));
    double z = z_share(t.sex[NELM_MALE], t.n, cp.p_male + 0.02);
    print_message("  p_male + 0.02: %+.2f SE\n", z);
    assert_false(share_within(t.sex[NELM_MALE], t.n, cp.p_male + 0.02));
    assert_false(share_within(t.sex[NELM_MALE], t.n, cp.p_male - 0.02));

    double mean, sd, m2, m4;
    trunc_normal_moments(cp.age_mean, cp.age_sd, cp.age_min, cp.age_max, &mean, &sd);
    mom_central(&t.age, &m2, &m4);
    double se = sqrt(m2 / (double)t.n);
    assert_true(value_within(mom_mean(&t.age), mean, se));
    print_message("  age mean + 0.2: %+.2f SE\n", (mom_mean(&t.age) - mean - 0.2) / se);
    assert_false(value_within(mom_mean(&t.age), mean + 0.2, se));
}

/* The truncated normal by inversion in both tails and across the mean:
 * [18, 20] with mean 60, sd 5 lies 8 sd below the mean, [90, 95] with mean
 * 40 is 10 sd above it (where Φ-differences would cancel to nothing). */
static void
test_age_truncation(void **state)
{
    (void)state;
    static const double c[][4] = {
        {60, 5, 18, 20},  /* deep lower tail */
        {40, 5, 90, 95},  /* deep upper tail (mirrored) */
        {60, 11, 75, 90}, /* upper side, mirrored */
        {60, 11, 0, 62},  /* across the mean */
        {50, 30, 40, 41}, /* narrow, nearly uniform */
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        nelm_cohort_params cp = realistic();
        cp.age_mean = c[k][0];
        cp.age_sd = c[k][1];
        cp.age_min = c[k][2];
        cp.age_max = c[k][3];
        nelm_err e = {0};
        assert_int_equal(nelm_cohort_check(&cp, &e), 0);
        moments m = {.shift = 0.5 * (cp.age_min + cp.age_max)};
        size_t outside = 0;
        for (size_t i = 0; i < NSTAT / 4; i++) {
            nelm_patient pt;
            sample_ok(&cp, SEED_A + k, (uint64_t)i, &pt);
            outside += !(pt.age >= cp.age_min && pt.age <= cp.age_max);
            mom_add(&m, pt.age);
        }
        assert_int_equal(outside, 0);
        double mean, sd;
        trunc_normal_moments(cp.age_mean, cp.age_sd, cp.age_min, cp.age_max, &mean, &sd);
        char buf[96];
        snprintf(buf, sizeof buf, "age N(%g, %g) on [%g, %g]", c[k][0], c[k][1], c[k][2], c[k][3]);
        check_mean_sd(buf, &m, mean, sd);
    }
}

/* Zero-probability categories are never drawn, probabilities 0 and 1 are
 * certain, and the entry state is copied. */
static void
test_degenerate_and_entry(void **state)
{
    (void)state;
    nelm_cohort_params cp = realistic();
    memset(cp.site_p, 0, sizeof cp.site_p);
    cp.site_p[NELM_SITE_UNKNOWN] = 1.0;
    cp.grade_p[0] = 0.0;
    cp.grade_p[1] = 1.0;
    cp.grade_p[2] = 0.0;
    cp.ki67_lo[1] = cp.ki67_hi[1] = 3.0; /* a point mass on the band edge */
    const double ecog[NELM_NECOG] = {0.5, 0.0, 0.5, 0.0, 0.0};
    memcpy(cp.ecog_p, ecog, sizeof ecog);
    cp.p_male = 1.0;
    cp.p_functional = 0.0;
    cp.p_syndrome_if_functional = 1.0;
    cp.p_extrahepatic = 1.0;
    cp.p_primary_resected = 0.0;
    cp.entry_line = 3;
    cp.entry_prior = NELM_PRIOR_PRRT | NELM_PRIOR_SSA;
    cp.entry_progressive = true;
    nelm_err e = {0};
    assert_int_equal(nelm_cohort_check(&cp, &e), 0);
    for (size_t i = 0; i < 20000; i++) {
        nelm_patient pt;
        sample_ok(&cp, SEED_A, (uint64_t)i, &pt);
        assert_int_equal(pt.site, NELM_SITE_UNKNOWN);
        assert_int_equal(pt.grade, NELM_G2);
        assert_true(pt.ki67 == 3.0);
        assert_true(pt.ecog == 0 || pt.ecog == 2);
        assert_int_equal(pt.sex, NELM_MALE);
        assert_false(pt.functional);
        assert_false(pt.syndrome);
        assert_true(pt.extrahepatic);
        assert_false(pt.primary_resected);
        assert_int_equal(pt.entry_line, 3);
        assert_int_equal(pt.prior, NELM_PRIOR_PRRT | NELM_PRIOR_SSA);
        assert_true(pt.progressive);
        assert_int_equal(pt.tries, 1);
        assert_int_equal(pt.index, i);
    }
}

/* ---- filters ---------------------------------------------------------------- */

static nelm_cohort_params
filtered(void)
{
    nelm_cohort_params cp = realistic();
    nelm_filter f = range_filter(NELM_ATTR_KI67, 10.0, 40.0);
    snprintf(f.name, sizeof f.name, "cohort.filters[0] (ki67)");
    add_filter(&cp, f);
    add_filter(&cp, set_filter(NELM_ATTR_SITE, 1u << NELM_SITE_PANCREAS));
    add_filter(&cp, range_filter(NELM_ATTR_AGE, 0.0, 70.0));
    return cp;
}

static void
test_filters(void **state)
{
    (void)state;
    nelm_cohort_params cp = filtered();
    nelm_err e = {0};
    assert_int_equal(nelm_cohort_check(&cp, &e), 0);
    assert_int_equal(nelm_cohort_check_filters(&cp, SEED_A, 2000, &e), 0);

    static tally t;
    memset(&t, 0, sizeof t);
    t.age.shift = cp.age_mean;
    size_t nfail = 0, min_tries = 0xffffffffu;
    for (size_t i = 0; i < NSTAT; i++) {
        nelm_patient pt;
        sample_ok(&cp, SEED_A, (uint64_t)i, &pt);
        for (size_t f = 0; f < cp.nfilters; f++)
            nfail += !nelm_filter_pass(&cp.filters[f], &pt);
        nfail += !(pt.ki67 >= 10.0 && pt.ki67 <= 40.0 && pt.site == NELM_SITE_PANCREAS &&
                   pt.age <= 70.0);
        if (pt.tries < min_tries)
            min_tries = pt.tries;
        assert_true(pt.tries >= 1 && pt.tries <= cp.max_tries);
        tally_add(&t, &cp, &pt);
    }
    assert_int_equal(nfail, 0);
    assert_int_equal(min_tries, 1);
    assert_int_equal(t.wrong_grade, 0);

    /* Grade mix given Ki-67 in [10, 40]: the log-uniform's mass in the window,
     * G2 [3, 20] -> [10, 20], G3 (20.001, 80] -> (20.001, 40]. SSTR depends on
     * the grade only; age and site filters are independent of it. */
    const double *gp = cp.grade_p, *lo = cp.ki67_lo, *hi = cp.ki67_hi;
    double w2 = gp[1] * log(20.0 / 10.0) / log(hi[1] / lo[1]);
    double w3 = gp[2] * log(40.0 / lo[2]) / log(hi[2] / lo[2]);
    double p3 = w3 / (w2 + w3);
    double sstr = (w2 * cp.p_sstr_by_grade[1] + w3 * cp.p_sstr_by_grade[2]) / (w2 + w3);
    size_t nsstr = t.sstr_by_grade[1] + t.sstr_by_grade[2];
    assert_int_equal(t.grade[0], 0);
    check_share("G3 | ki67 in [10, 40]", t.grade[2], t.n, p3);
    check_share("sstr | filters", nsstr, t.n, sstr);
    /* untouched attributes keep their marginals */
    check_share("male | filters", t.sex[NELM_MALE], t.n, cp.p_male);
    check_share("functional | filters", t.functional, t.n, cp.p_functional);
    /* Ki-67 within G2 now log-uniform on [10, 20] */
    check_value("mean log ki67 | G2, filters", mom_mean(&t.logki[1]), 0.5 * (log(10.0) + log(20.0)),
                (log(2.0) / sqrt(12.0)) / sqrt((double)t.logki[1].n));
    /* age: truncated to [18, 70] */
    double mean, sd;
    trunc_normal_moments(cp.age_mean, cp.age_sd, cp.age_min, 70.0, &mean, &sd);
    check_mean_sd("age | filters", &t.age, mean, sd);
    /* candidates until one passes: geometric with the joint pass rate */
    double q = (w2 + w3) * cp.site_p[NELM_SITE_PANCREAS] *
               trunc_normal_cdf(cp.age_mean, cp.age_sd, cp.age_min, cp.age_max, 70.0);
    check_value("tries (geometric mean 1/q)", mom_mean(&t.tries), 1.0 / q,
                sqrt((1.0 - q) / (q * q) / (double)t.n));
}

/* A filter does not change the candidates: an accepted first candidate is
 * the unfiltered patient, and a patient that needed more tries had a first
 * candidate some filter rejects. Candidate k is drawn from occurrence k. */
static void
test_filters_keep_candidates(void **state)
{
    (void)state;
    nelm_cohort_params cp = filtered(), plain = realistic();
    size_t first = 0, later = 0;
    for (size_t i = 0; i < 20000; i++) {
        nelm_patient pf, pu;
        sample_ok(&cp, SEED_B, (uint64_t)i, &pf);
        sample_ok(&plain, SEED_B, (uint64_t)i, &pu);
        if (pf.tries == 1) {
            pu.tries = 1;
            assert_memory_equal(&pf, &pu, sizeof pf);
            first++;
        } else {
            bool rejected = false;
            for (size_t f = 0; f < cp.nfilters; f++)
                rejected |= !nelm_filter_pass(&cp.filters[f], &pu);
            assert_true(rejected);
            later++;
        }
        /* the accepted candidate's sex is the uniform of its own key */
        nelm_key key = {SEED_B, (uint64_t)i, NELM_STREAM_BASELINE, 0, pf.tries - 1, NELM_ATTR_SEX};
        nelm_rng r;
        nelm_rng_keyed(&r, &key);
        assert_int_equal(pf.sex, nelm_rng_uniform(&r) < cp.p_male ? NELM_MALE : NELM_FEMALE);
    }
    assert_true(first > 0 && later > 0);
}

/* Filters nobody (or almost nobody) passes are errors naming the filter. */
static void
test_impossible_filters(void **state)
{
    (void)state;
    nelm_err e = {0};
    nelm_patient pt;

    /* age in [95, 99] with ages truncated at 90: an unnamed filter */
    nelm_cohort_params cp = realistic();
    add_filter(&cp, set_filter(NELM_ATTR_SEX, 3u));
    add_filter(&cp, range_filter(NELM_ATTR_AGE, 95.0, 99.0));
    cp.max_tries = 100;
    assert_int_equal(nelm_cohort_check(&cp, &e), 0);
    assert_int_equal(nelm_cohort_check_filters(&cp, SEED_A, 2000, &e), NELM_ERR_PARAM);
    print_message("  %s\n", e.msg);
    assert_non_null(strstr(e.msg, "cohort.filters[1] (age): only 0 % of sampled patients pass "
                                  "(0 of 2000); the filters together pass 0 of 2000, too few "
                                  "for max_tries 100"));
    memset(&e, 0, sizeof e);
    memset(&pt, 0xa5, sizeof pt);
    assert_int_equal(nelm_cohort_sample(&cp, SEED_A, 7, &pt, &e), NELM_ERR_PARAM);
    print_message("  %s\n", e.msg);
    assert_non_null(strstr(e.msg, "cohort.filters[1] (age): rejected 100 of 100"));
    assert_non_null(strstr(e.msg, "patient 7"));
    assert_int_equal(pt.index, 7);
    assert_int_equal(pt.tries, 0);

    /* Ki-67 in [50, 60] with G3 weight 0: a named filter, the other lax */
    cp = realistic();
    cp.grade_p[0] = 0.55;
    cp.grade_p[1] = 0.45;
    cp.grade_p[2] = 0.0;
    add_filter(&cp, range_filter(NELM_ATTR_ECOG, 0, 4));
    nelm_filter f = range_filter(NELM_ATTR_KI67, 50.0, 60.0);
    snprintf(f.name, sizeof f.name, "trial.ki67");
    add_filter(&cp, f);
    memset(&e, 0, sizeof e);
    assert_int_equal(nelm_cohort_check(&cp, &e), 0);
    assert_int_equal(nelm_cohort_check_filters(&cp, SEED_A, 2000, &e), NELM_ERR_PARAM);
    print_message("  %s\n", e.msg);
    assert_ptr_equal(strstr(e.msg, "trial.ki67: only 0 % "), e.msg);
    memset(&e, 0, sizeof e);
    assert_int_equal(nelm_cohort_sample(&cp, SEED_A, 123456789, &pt, &e), NELM_ERR_PARAM);
    print_message("  %s\n", e.msg);
    assert_ptr_equal(strstr(e.msg, "trial.ki67: rejected 1000 of 1000 candidates for patient "
                                   "123456789"),
                     e.msg);

    /* Possible but rare: Ki-67 in [70, 80] passes ~1.25 % (0.13 of G3's
     * log-range), below the 2 % that max_tries 1000 needs, above the 0.2 %
     * for 10000. */
    cp = realistic();
    add_filter(&cp, range_filter(NELM_ATTR_KI67, 70.0, 80.0));
    memset(&e, 0, sizeof e);
    assert_int_equal(nelm_cohort_check_filters(&cp, SEED_A, 20000, &e), NELM_ERR_PARAM);
    print_message("  %s\n", e.msg);
    assert_ptr_equal(strstr(e.msg, "cohort.filters[0] (ki67): only 1."), e.msg);
    cp.max_tries = 10000;
    assert_int_equal(nelm_cohort_check_filters(&cp, SEED_A, 20000, NULL), 0);

    /* max_tries <= 20 asks every pilot candidate to pass */
    cp = realistic();
    add_filter(&cp, set_filter(NELM_ATTR_SITE, 1u << NELM_SITE_PANCREAS));
    cp.max_tries = 10;
    memset(&e, 0, sizeof e);
    assert_int_equal(nelm_cohort_check_filters(&cp, SEED_A, 2000, &e), NELM_ERR_PARAM);
    print_message("  %s\n", e.msg);
    cp.filters[0].allowed = 0xfu;
    assert_int_equal(nelm_cohort_check_filters(&cp, SEED_A, 2000, NULL), 0);
    cp.max_tries = 1;
    assert_int_equal(nelm_cohort_check_filters(&cp, SEED_A, 2000, NULL), 0);
    cp.max_tries = 1000;
    cp.filters[0].allowed = 1u << NELM_SITE_PANCREAS;
    assert_int_equal(nelm_cohort_check_filters(&cp, SEED_A, 2000, NULL), 0);
    cp.nfilters = 0;
    assert_int_equal(nelm_cohort_check_filters(&cp, SEED_A, 1, NULL), 0);
}

/* ---- purity and the key layout -------------------------------------------- */

enum { NPURE = 2000 };

static void
test_purity(void **state)
{
    (void)state;
    static nelm_patient fwd[NPURE], rev[NPURE], other[NPURE];
    const nelm_cohort_params configs[2] = {realistic(), filtered()};
    for (int c = 0; c < 2; c++) {
        const nelm_cohort_params *cp = &configs[c];
        memset(fwd, 0x5a, sizeof fwd);
        memset(rev, 0xa5, sizeof rev);
        for (size_t i = 0; i < NPURE; i++)
            sample_ok(cp, SEED_A, (uint64_t)i, &fwd[i]);
        for (size_t i = NPURE; i-- > 0;)
            sample_ok(cp, SEED_A, (uint64_t)i, &rev[i]);
        assert_memory_equal(fwd, rev, sizeof fwd);

        /* patient i alone, into a dirty buffer, after unrelated calls */
        nelm_patient one;
        memset(&one, 0xff, sizeof one);
        sample_ok(cp, SEED_B, 5, &one);
        sample_ok(cp, SEED_A, 1234, &one);
        assert_memory_equal(&one, &fwd[1234], sizeof one);
        assert_int_equal(one.index, 1234);

        /* another seed: different patients */
        size_t same_age = 0;
        for (size_t i = 0; i < NPURE; i++) {
            sample_ok(cp, SEED_B, (uint64_t)i, &other[i]);
            same_age += other[i].age == fwd[i].age;
        }
        assert_int_equal(same_age, 0);
        /* and different indices too */
        size_t same_neighbour = 0;
        for (size_t i = 1; i < NPURE; i++)
            same_neighbour += fwd[i].age == fwd[i - 1].age;
        assert_int_equal(same_neighbour, 0);
    }
}

/* Each attribute has its own slot: changing p_male changes the sex of some
 * patients and nothing else; changing the site distribution changes only the
 * site. Bernoulli and categorical attributes are the inverse of their slot's
 * uniform. */
static void
test_key_layout(void **state)
{
    (void)state;
    nelm_cohort_params cp = realistic(), more_men = realistic(), sites = realistic();
    more_men.p_male = 0.6;
    sites.site_p[0] = 0.1;
    sites.site_p[3] = 0.38;
    size_t sex_changed = 0, site_changed = 0;
    for (size_t i = 0; i < NPURE; i++) {
        nelm_patient a, b, c;
        sample_ok(&cp, SEED_A, (uint64_t)i, &a);
        sample_ok(&more_men, SEED_A, (uint64_t)i, &b);
        sample_ok(&sites, SEED_A, (uint64_t)i, &c);
        sex_changed += a.sex != b.sex;
        assert_true(a.sex == b.sex || (a.sex == NELM_FEMALE && b.sex == NELM_MALE));
        b.sex = a.sex;
        assert_memory_equal(&a, &b, sizeof a);
        site_changed += a.site != c.site;
        c.site = a.site;
        assert_memory_equal(&a, &c, sizeof a);

        double u[NELM_NATTRS];
        for (int j = 0; j < NELM_NATTRS; j++) {
            nelm_key key = {SEED_A, (uint64_t)i, NELM_STREAM_BASELINE, 0, 0, (uint32_t)j};
            nelm_rng r;
            nelm_rng_keyed(&r, &key);
            u[j] = nelm_rng_uniform(&r);
        }
        assert_int_equal(a.sex, u[NELM_ATTR_SEX] < cp.p_male);
        assert_int_equal(a.extrahepatic, u[NELM_ATTR_EXTRAHEPATIC] < cp.p_extrahepatic);
        assert_int_equal(a.functional, u[NELM_ATTR_FUNCTIONAL] < cp.p_functional);
        assert_int_equal(a.syndrome,
                         a.functional && u[NELM_ATTR_SYNDROME] < cp.p_syndrome_if_functional);
        assert_int_equal(a.sstr, u[NELM_ATTR_SSTR] < cp.p_sstr_by_grade[a.grade]);
        assert_int_equal(a.primary_resected, u[NELM_ATTR_PRIMARY_RESECTED] < cp.p_primary_resected);
        double cum = 0.0;
        int site = NELM_NSITES - 1;
        for (int s = 0; s < NELM_NSITES; s++) {
            cum += cp.site_p[s];
            if (u[NELM_ATTR_SITE] < cum) {
                site = s;
                break;
            }
        }
        assert_int_equal(a.site, site);
        /* Ki-67 log-uniform from the KI67 slot, within the GRADE slot's grade */
        double lo = cp.ki67_lo[a.grade], hi = cp.ki67_hi[a.grade];
        assert_close_rel(a.ki67, lo * pow(hi / lo, u[NELM_ATTR_KI67]), 1e-13);
        /* age increasing in its uniform: Φ((age - mean)/sd) matches */
        double za = (cp.age_min - cp.age_mean) / cp.age_sd;
        double zb = (cp.age_max - cp.age_mean) / cp.age_sd;
        double fa = nelm_sf_norm_cdf(za), fb = nelm_sf_norm_cdf(zb);
        double want =
            cp.age_mean + cp.age_sd * nelm_sf_norm_quantile(fa + u[NELM_ATTR_AGE] * (fb - fa));
        assert_close_rel(a.age, want, 1e-10);
    }
    print_message("  p_male 0.52 -> 0.6 changed the sex of %zu of %d; the site change %zu\n",
                  sex_changed, NPURE, site_changed);
    assert_true(sex_changed > 0 && site_changed > 0);
}

/* ---- attributes, names, filter semantics ------------------------------------ */

static void
test_attributes_and_names(void **state)
{
    (void)state;
    nelm_patient pt;
    memset(&pt, 0, sizeof pt);
    pt.age = 64.5;
    pt.sex = NELM_MALE;
    pt.site = NELM_SITE_OTHER_GI;
    pt.ki67 = 20.0;
    pt.grade = NELM_G2;
    pt.burden = NELM_BURDEN_GT50;
    pt.frilling = NELM_FRILLING_III;
    pt.extrahepatic = true;
    pt.functional = true;
    pt.syndrome = false;
    pt.sstr = true;
    pt.ecog = 2;
    pt.primary_resected = true;
    const double want[NELM_NATTRS] = {64.5, 1, 2, 20.0, 1, 2, 2, 1, 1, 0, 1, 2, 1};
    for (int a = 0; a < NELM_NATTRS; a++)
        assert_true(nelm_patient_attr(&pt, (nelm_attr)a) == want[a]);

    /* ranges are closed; categories by bit */
    nelm_filter f = range_filter(NELM_ATTR_KI67, 3.0, 20.0);
    assert_true(nelm_filter_pass(&f, &pt));
    f.hi = 19.999;
    assert_false(nelm_filter_pass(&f, &pt));
    f = range_filter(NELM_ATTR_ECOG, 0, 1);
    assert_false(nelm_filter_pass(&f, &pt));
    f.hi = 2;
    assert_true(nelm_filter_pass(&f, &pt));
    f = set_filter(NELM_ATTR_SITE, 1u << NELM_SITE_OTHER_GI);
    assert_true(nelm_filter_pass(&f, &pt));
    f.allowed = 0xfu & ~(1u << NELM_SITE_OTHER_GI);
    assert_false(nelm_filter_pass(&f, &pt));
    f = set_filter(NELM_ATTR_SYNDROME, 1u); /* only without syndrome */
    assert_true(nelm_filter_pass(&f, &pt));
    f = set_filter(NELM_ATTR_SSTR, 1u);
    assert_false(nelm_filter_pass(&f, &pt));

    static const char *const names[NELM_NATTRS] = {"age",
                                                   "sex",
                                                   "site",
                                                   "ki67",
                                                   "grade",
                                                   "burden",
                                                   "frilling",
                                                   "extrahepatic",
                                                   "functional",
                                                   "carcinoid_syndrome",
                                                   "sstr_positive",
                                                   "ecog",
                                                   "primary_resected"};
    for (int a = 0; a < NELM_NATTRS; a++)
        assert_string_equal(nelm_attr_name((nelm_attr)a), names[a]);
    assert_string_equal(nelm_attr_name(NELM_NATTRS), "unknown");
    assert_int_equal(nelm_attr_ncategories(NELM_ATTR_AGE), 0);
    assert_int_equal(nelm_attr_ncategories(NELM_ATTR_KI67), 0);
    assert_int_equal(nelm_attr_ncategories(NELM_ATTR_SITE), NELM_NSITES);
    assert_int_equal(nelm_attr_ncategories(NELM_ATTR_ECOG), NELM_NECOG);
    assert_int_equal(nelm_attr_ncategories(NELM_ATTR_SSTR), 2);
    assert_string_equal(nelm_attr_category_name(NELM_ATTR_SITE, NELM_SITE_SMALL_BOWEL),
                        "small_bowel");
    assert_string_equal(nelm_attr_category_name(NELM_ATTR_GRADE, NELM_G2), "G2");
    assert_string_equal(nelm_attr_category_name(NELM_ATTR_BURDEN, NELM_BURDEN_LT25), "lt25");
    assert_string_equal(nelm_attr_category_name(NELM_ATTR_BURDEN, NELM_BURDEN_25_50), "25to50");
    assert_string_equal(nelm_attr_category_name(NELM_ATTR_FRILLING, NELM_FRILLING_I), "I");
    assert_string_equal(nelm_attr_category_name(NELM_ATTR_SEX, NELM_FEMALE), "female");
    assert_string_equal(nelm_attr_category_name(NELM_ATTR_FUNCTIONAL, 1), "true");
    assert_string_equal(nelm_attr_category_name(NELM_ATTR_ECOG, 4), "4");
    assert_null(nelm_attr_category_name(NELM_ATTR_AGE, 0));
    assert_null(nelm_attr_category_name(NELM_ATTR_SITE, NELM_NSITES));
    assert_null(nelm_attr_category_name(NELM_ATTR_SITE, -1));
}

/* ---- validation --------------------------------------------------------------- */

typedef enum bad_kind { K_DOUBLE, K_DOUBLE2, K_INT, K_U32, K_SIZE, K_FILTER, K_NAME } bad_kind;

typedef struct bad_case {
    bad_kind kind;
    size_t off, off2; /* fields of nelm_cohort_params */
    double v, v2;
    nelm_filter f; /* K_FILTER: becomes filters[fi] after fi valid filters */
    size_t fi;
    const char *expect; /* the message starts with this */
} bad_case;

/* clang-format off */
#define OFF(field) offsetof(nelm_cohort_params, field)
#define BAD_D(field, val, msg) {.kind = K_DOUBLE, .off = OFF(field), .v = (val), .expect = (msg)}
#define BAD_D2(field, val, field2, val2, msg)                                                    \
    {.kind = K_DOUBLE2, .off = OFF(field), .v = (val), .off2 = OFF(field2), .v2 = (val2),       \
     .expect = (msg)}
#define BAD_I(kind_, field, val, msg)                                                        \
    {.kind = (kind_), .off = OFF(field), .v = (val), .expect = (msg)}
#define BAD_F(idx, msg, ...) {.kind = K_FILTER, .fi = (idx), .f = {__VA_ARGS__}, .expect = (msg)}
/* clang-format on */

static const bad_case bad_cases[] = {
    BAD_D(age_mean, NAN, "cohort.age: mean must be finite (got "),
    BAD_D(age_sd, 0.0, "cohort.age: sd must be > 0 (got 0)"),
    BAD_D(age_sd, -2.5, "cohort.age: sd must be > 0 (got -2.5)"),
    BAD_D(age_sd, INFINITY, "cohort.age: sd must be finite (got inf)"),
    BAD_D(age_min, -1.0, "cohort.age: min must be >= 0 (got -1)"),
    BAD_D(age_max, -INFINITY, "cohort.age: max must be finite (got -inf)"),
    BAD_D(age_max, 18.0, "cohort.age: min 18 must be below max 18"),
    BAD_D2(age_min, 90.0, age_max, 30.0, "cohort.age: min 90 must be below max 30"),
    BAD_D(p_male, 1.2, "cohort.male.p: must be a probability in [0, 1] (got 1.2)"),
    BAD_D(p_male, NAN, "cohort.male.p: must be a probability in [0, 1] (got "),
    BAD_D(site_p[0], 0.47, "cohort.site: probabilities sum to 1.2 (expected 1)"),
    BAD_D(site_p[3], 0.21 + 2e-9, "cohort.site: probabilities sum to 1.000000002 (expected 1)"),
    BAD_D(site_p[1], -0.1, "cohort.site.pancreas: probability must be in [0, 1] (got -0.1)"),
    BAD_D(site_p[3], NAN, "cohort.site.unknown: probability must be in [0, 1] (got "),
    BAD_D(grade_p[2], 0.2, "cohort.grade: probabilities sum to 1.07 (expected 1)"),
    BAD_D(grade_p[0], INFINITY, "cohort.grade.G1: probability must be in [0, 1] (got inf)"),
    BAD_D2(ki67_lo[1], 2.0, ki67_hi[1], 25.0,
           "cohort.ki67.G2: range [2, 25] leaves the G2 band [3, 20]"),
    BAD_D(ki67_hi[0], 3.0, "cohort.ki67.G1: range [0.5, 3] leaves the G1 band (0, 3)"),
    BAD_D(ki67_lo[2], 20.0, "cohort.ki67.G3: range [20, 80] leaves the G3 band (20, 100]"),
    BAD_D(ki67_hi[2], 120.0, "cohort.ki67.G3: range [20.001, 120] leaves the G3 band (20, 100]"),
    BAD_D(ki67_lo[0], 0.0, "cohort.ki67.G1: min must be > 0 (got 0"),
    BAD_D(ki67_lo[1], 25.0, "cohort.ki67.G2: min 25 > max 20"),
    BAD_D(ki67_hi[1], NAN, "cohort.ki67.G2: min and max must be finite (got [3, "),
    BAD_D(ki67_lo[2], -INFINITY, "cohort.ki67.G3: min and max must be finite (got [-inf, 80])"),
    BAD_D(burden_p[2], 0.25, "cohort.burden: probabilities sum to 1.1 (expected 1)"),
    BAD_D(frilling_p[0], -0.2, "cohort.frilling.I: probability must be in [0, 1] (got -0.2)"),
    BAD_D(frilling_p[2], 0.6, "cohort.frilling: probabilities sum to 0.95 (expected 1)"),
    BAD_D(p_extrahepatic, 1.5, "cohort.extrahepatic.p: must be a probability in [0, 1] (got 1.5)"),
    BAD_D(p_functional, -0.5, "cohort.functional.p: must be a probability in [0, 1] (got -0.5)"),
    BAD_D(p_syndrome_if_functional, NAN,
          "cohort.carcinoid_syndrome.p_if_functional: must be a probability"),
    BAD_D(p_sstr_by_grade[2], 1.31,
          "cohort.sstr_positive.G3: must be a probability in [0, 1] (got 1.31)"),
    BAD_D(ecog_p[4], 0.1, "cohort.ecog: probabilities sum to 1.09 (expected 1)"),
    BAD_D(ecog_p[1], -INFINITY, "cohort.ecog.1: probability must be in [0, 1] (got -inf)"),
    BAD_D(p_primary_resected, INFINITY,
          "cohort.primary_resected.p: must be a probability in [0, 1] (got inf)"),
    BAD_I(K_INT, entry_line, 0, "cohort.entry.line: must be in 1..20 (got 0)"),
    BAD_I(K_INT, entry_line, 21, "cohort.entry.line: must be in 1..20 (got 21)"),
    BAD_I(K_INT, entry_line, -3, "cohort.entry.line: must be in 1..20 (got -3)"),
    BAD_I(K_U32, entry_prior, 0x40 | NELM_PRIOR_SSA,
          "cohort.entry.prior: unknown modality bits 0x40"),
    BAD_I(K_U32, max_tries, 0, "cohort.max_tries: must be in 1..65535 (got 0)"),
    BAD_I(K_U32, max_tries, 65536, "cohort.max_tries: must be in 1..65535 (got 65536)"),
    BAD_I(K_SIZE, nfilters, 17, "cohort.filters: at most 16 filters (got 17)"),
    BAD_F(0, "cohort.filters[0]: unknown attribute 13", .attr = NELM_NATTRS),
    BAD_F(2, "cohort.filters[2]: unknown attribute", .attr = (nelm_attr)99),
    BAD_F(1, "cohort.filters[1] (age): min 80 > max 70", .attr = NELM_ATTR_AGE, .lo = 80, .hi = 70),
    BAD_F(0, "cohort.filters[0] (ki67): min and max must be finite (got [", .attr = NELM_ATTR_KI67,
          .lo = NAN, .hi = 20),
    BAD_F(2, "cohort.filters[2] (ecog): min and max must be finite (got [0, inf])",
          .attr = NELM_ATTR_ECOG, .lo = 0, .hi = INFINITY),
    BAD_F(0, "cohort.filters[0] (site): allows no category", .attr = NELM_ATTR_SITE, .allowed = 0),
    BAD_F(0, "cohort.filters[0] (site): allowed set 0x1f names categories beyond the 4 of site",
          .attr = NELM_ATTR_SITE, .allowed = 0x1f),
    BAD_F(0, "cohort.filters[0] (sex): allowed set 0x4 ", .attr = NELM_ATTR_SEX, .allowed = 4),
    BAD_F(1, "cohort.filters[1] (grade): allowed set 0x8 ", .attr = NELM_ATTR_GRADE, .allowed = 8),
    BAD_F(0, "cohort.filters[0] (sstr_positive): allowed set 0x80000000 ", .attr = NELM_ATTR_SSTR,
          .allowed = 0x80000000u),
    BAD_F(0, "cohort.filters[0] (ecog): min 3 > max 2", .attr = NELM_ATTR_ECOG, .lo = 3, .hi = 2),
    BAD_F(3, "trial.age: min 80 > max 70", .attr = NELM_ATTR_AGE, .lo = 80, .hi = 70,
          .name = "trial.age"),
    {.kind = K_NAME, .fi = 1, .expect = "cohort.filters[1]: name is not NUL-terminated"},
};

static void
apply_bad(nelm_cohort_params *cp, const bad_case *c)
{
    char *base = (char *)cp;
    switch (c->kind) {
    case K_DOUBLE2:
        *(double *)(base + c->off2) = c->v2;
        /* fall through */
    case K_DOUBLE:
        *(double *)(base + c->off) = c->v;
        break;
    case K_INT:
        *(int *)(base + c->off) = (int)c->v;
        break;
    case K_U32:
        *(uint32_t *)(base + c->off) = (uint32_t)c->v;
        break;
    case K_SIZE:
        *(size_t *)(base + c->off) = (size_t)c->v;
        break;
    case K_FILTER:
    case K_NAME:
        for (size_t i = 0; i < c->fi; i++)
            add_filter(cp, set_filter(NELM_ATTR_SEX, 3u));
        if (c->kind == K_FILTER) {
            add_filter(cp, c->f);
        } else {
            nelm_filter f = set_filter(NELM_ATTR_SITE, 1u);
            memset(f.name, 'x', sizeof f.name);
            add_filter(cp, f);
        }
        break;
    }
}

static void
test_check_invalid(void **state)
{
    (void)state;
    nelm_cohort_params good = realistic();
    nelm_err e = {0};
    assert_int_equal(nelm_cohort_check(&good, &e), 0);
    for (size_t k = 0; k < sizeof bad_cases / sizeof bad_cases[0]; k++) {
        nelm_cohort_params cp = realistic();
        apply_bad(&cp, &bad_cases[k]);
        memset(&e, 0, sizeof e);
        int rc = nelm_cohort_check(&cp, &e);
        if (rc != NELM_ERR_PARAM ||
            strncmp(e.msg, bad_cases[k].expect, strlen(bad_cases[k].expect)) != 0)
            print_error("case %zu: rc %d, message \"%s\", expected \"%s...\"\n", k, rc, e.msg,
                        bad_cases[k].expect);
        assert_int_equal(rc, NELM_ERR_PARAM);
        assert_int_equal(e.code, NELM_ERR_PARAM);
        assert_memory_equal(e.msg, bad_cases[k].expect, strlen(bad_cases[k].expect));
    }
    print_message("  %zu invalid parameter sets rejected with the field named\n",
                  sizeof bad_cases / sizeof bad_cases[0]);
}

/* Valid extremes pass. */
static void
test_check_valid_extremes(void **state)
{
    (void)state;
    nelm_err e = {0};
    nelm_cohort_params cp = realistic();
    cp.site_p[3] += 5e-10; /* within the 1e-9 tolerance */
    cp.grade_p[2] = 0.0;
    cp.grade_p[1] = 0.52;
    cp.ki67_lo[0] = cp.ki67_hi[0] = 1e-3;
    cp.ki67_lo[1] = 3.0;
    cp.ki67_hi[1] = 20.0;
    cp.ki67_lo[2] = cp.ki67_hi[2] = 100.0;
    cp.age_min = 0.0;
    cp.entry_line = NELM_ENTRY_LINE_MAX;
    cp.entry_prior = NELM_PRIOR_RESECTION | NELM_PRIOR_TRANSPLANT | NELM_PRIOR_IAT |
                     NELM_PRIOR_PRRT | NELM_PRIOR_SSA | NELM_PRIOR_TARGETED;
    cp.max_tries = NELM_FILTER_MAX_TRIES;
    for (int i = 0; i < NELM_MAX_FILTERS; i++)
        add_filter(&cp, i % 2 ? set_filter(NELM_ATTR_SITE, 0xfu)
                              : range_filter(NELM_ATTR_AGE, 50.0, 50.0));
    assert_int_equal(nelm_cohort_check(&cp, &e), 0);
    cp.max_tries = 1;
    assert_int_equal(nelm_cohort_check(&cp, &e), 0);
    assert_int_equal(e.code, 0);
    /* a point-mass Ki-67 at the top of G3 is sampled as such */
    cp.nfilters = 0;
    cp.grade_p[0] = 0.0;
    cp.grade_p[1] = 0.0;
    cp.grade_p[2] = 1.0;
    nelm_patient pt;
    sample_ok(&cp, SEED_A, 3, &pt);
    assert_true(pt.ki67 == 100.0 && pt.grade == NELM_G3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marginals_and_conditionals),
        cmocka_unit_test(test_check_detects_errors),
        cmocka_unit_test(test_age_truncation),
        cmocka_unit_test(test_degenerate_and_entry),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_filters_keep_candidates),
        cmocka_unit_test(test_impossible_filters),
        cmocka_unit_test(test_purity),
        cmocka_unit_test(test_key_layout),
        cmocka_unit_test(test_attributes_and_names),
        cmocka_unit_test(test_check_invalid),
        cmocka_unit_test(test_check_valid_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
