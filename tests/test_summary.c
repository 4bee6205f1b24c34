/* test_summary.c — Kaplan–Meier, quantiles and summaries (DESIGN §8): a
 * hand-worked data set (S, Greenwood variances, median with its interval,
 * restricted means), survfit's midpoint rule when S is exactly 0.5 on a
 * flat, the median interval on a large deterministic exponential sample,
 * "not reached", invalid times, the accumulator growing from capacity 1
 * against direct computation, and the printed table. Deterministic: no
 * random numbers, no timing. */
#include "testutil.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

/* qnorm(0.975), as in sim/summary.c and R's survfit. */
#define Z975 1.959963984540054

static void
fit_ok(nelm_km *km, const double *t, const uint8_t *ev, size_t n)
{
    nelm_err e = {0};
    int ret = nelm_km_fit(km, t, ev, n, &e);
    if (ret != 0)
        print_error("%s\n", e.msg);
    assert_int_equal(ret, 0);
}

/* ---- 1. a small data set worked by hand --------------------------------------- */

/* Times 1, 2, 2+, 3, 4+, 5 (+ censored), given out of order:
 *   t  r  d  S                 Greenwood sum d/(r(r-d))
 *   1  6  1  5/6               1/30
 *   2  5  1  5/6·4/5 = 2/3     1/30 + 1/20 = 1/12   (the censoring at 2 after the death)
 *   3  3  1  2/3·2/3 = 4/9     1/12 + 1/6 = 1/4
 *   4  2  0  4/9               1/4
 *   5  1  1  0                 +inf
 * Median: first S <= 0.5 at t = 3. Interval: lower bound of S at 1 is
 * 5/6·exp(-z·sqrt(1/30)) = 0.583, at 2 it is 2/3·exp(-z/sqrt(12)) = 0.379
 * <= 0.5, so the lower end is 2; the upper bound of S is clipped to 1 at 3
 * and 4, undefined at 5 (S = 0): the upper end is not reached (R: NA).
 * RMST to 5: 1 + 5/6 + 2/3 + 4/9 + 4/9 = 61/18; to 2.5: 1 + 5/6 + 1/3 = 13/6. */
static const double hand_t[] = {5, 2, 4, 1, 2, 3};
static const uint8_t hand_ev[] = {1, 0, 0, 1, 1, 1};

static void
test_km_hand(void **state)
{
    (void)state;
    nelm_km km;
    fit_ok(&km, hand_t, hand_ev, 6);
    assert_int_equal(km.nobs, 6);
    assert_int_equal(km.n, 5);
    const double t[] = {1, 2, 3, 4, 5};
    const double s[] = {5.0 / 6, 2.0 / 3, 4.0 / 9, 4.0 / 9, 0};
    const double v[] = {1.0 / 30, 1.0 / 12, 0.25, 0.25, INFINITY};
    for (size_t j = 0; j < 5; j++) {
        assert_true(km.t[j] == t[j]);
        if (s[j] == 0)
            assert_true(km.s[j] == 0);
        else
            assert_close_rel(km.s[j], s[j], 1e-14);
        assert_close_rel(km.var_log[j], v[j], 1e-14);
    }

    /* the step function: 1 before the first time, right-continuous */
    assert_true(nelm_km_surv(&km, 0) == 1.0);
    assert_true(nelm_km_surv(&km, 0.999) == 1.0);
    assert_close_rel(nelm_km_surv(&km, 1), 5.0 / 6, 1e-14);
    assert_close_rel(nelm_km_surv(&km, 1.999), 5.0 / 6, 1e-14);
    assert_close_rel(nelm_km_surv(&km, 2), 2.0 / 3, 1e-14);
    assert_close_rel(nelm_km_surv(&km, 4.5), 4.0 / 9, 1e-14);
    assert_true(nelm_km_surv(&km, 5) == 0);
    assert_true(nelm_km_surv(&km, 1e9) == 0);
    assert_true(isnan(nelm_km_surv(&km, NAN)));

    /* pointwise log intervals */
    double sv, lo, hi;
    nelm_km_surv_ci(&km, 2.5, &sv, &lo, &hi);
    assert_close_rel(sv, 2.0 / 3, 1e-14);
    assert_close_rel(lo, 2.0 / 3 * exp(-Z975 / sqrt(12.0)), 1e-13);
    assert_true(hi == 1.0); /* 2/3 · exp(z/sqrt(12)) = 1.17, clipped */
    nelm_km_surv_ci(&km, 3, &sv, &lo, &hi);
    assert_close_rel(lo, 4.0 / 9 * exp(-Z975 * 0.5), 1e-13);
    nelm_km_surv_ci(&km, 5, &sv, &lo, &hi);
    assert_true(sv == 0 && lo == 0 && hi == 0);
    nelm_km_surv_ci(&km, 0.5, &sv, &lo, &hi);
    assert_true(sv == 1 && lo == 1 && hi == 1);

    /* median and its interval */
    double q;
    nelm_km_quantile(&km, 0.5, &q, &lo, &hi);
    assert_true(q == 3);
    assert_true(lo == 2);
    assert_true(isnan(hi));
    /* other quantiles: 0.25 -> first S <= 0.75 at 2; 0 -> the start */
    nelm_km_quantile(&km, 0.25, &q, &lo, &hi);
    assert_true(q == 2);
    nelm_km_quantile(&km, 0, &q, &lo, &hi);
    assert_true(q == 0 && lo == 0 && hi == 0);
    /* p = 1: S reaches 0 at 5 */
    nelm_km_quantile(&km, 1, &q, &lo, &hi);
    assert_true(q == 5);

    /* restricted means */
    assert_close_rel(nelm_km_rmst(&km, 5), 61.0 / 18, 1e-14);
    assert_close_rel(nelm_km_rmst(&km, 2.5), 13.0 / 6, 1e-14);
    assert_close_rel(nelm_km_rmst(&km, 0.5), 0.5, 1e-14);
    assert_close_rel(nelm_km_rmst(&km, 10), 61.0 / 18, 1e-14);
    assert_close_rel(nelm_km_rmst(&km, INFINITY), 61.0 / 18, 1e-14);
    assert_true(nelm_km_rmst(&km, 0) == 0);

    nelm_km_free(&km);
    nelm_km_free(&km); /* free twice is safe */
}

/* A curve that does not reach 0 extends its last value: deaths at 1 and 2,
 * censored at 3: S = 2/3, 1/3, 1/3; RMST to 5 = 1 + 2/3 + 1/3 · 3 = 8/3, and
 * to infinity infinite. */
static void
test_km_rmst_tail(void **state)
{
    (void)state;
    const double t[] = {3, 1, 2};
    const uint8_t ev[] = {0, 1, 1};
    nelm_km km;
    fit_ok(&km, t, ev, 3);
    assert_close_rel(nelm_km_rmst(&km, 5), 8.0 / 3, 1e-14);
    assert_true(isinf(nelm_km_rmst(&km, INFINITY)));
    nelm_km_free(&km);
}

/* ---- 2. survfit's midpoint rule ----------------------------------------------- */

static double
median_of(const double *t, const uint8_t *ev, size_t n)
{
    nelm_km km;
    double q, lo, hi;
    fit_ok(&km, t, ev, n);
    nelm_km_quantile(&km, 0.5, &q, &lo, &hi);
    nelm_km_free(&km);
    return q;
}

static void
test_median_midpoint(void **state)
{
    (void)state;
    /* deaths at 1, 2, 3, 4: S = 0.5 on [2, 3): median 2.5 */
    const double t1[] = {1, 2, 3, 4};
    const uint8_t e1[] = {1, 1, 1, 1};
    assert_close_rel(median_of(t1, e1, 4), 2.5, 1e-15);
    /* S = 5/6·4/5·3/4 = 0.5 (with rounding) from 3; censored at 4; next drop
     * at 5: median (3 + 5)/2 = 4, not 3 and not (3 + 4)/2 */
    const double t2[] = {1, 2, 3, 4, 5, 6};
    const uint8_t e2[] = {1, 1, 1, 0, 1, 1};
    assert_close_rel(median_of(t2, e2, 6), 4, 1e-15);
    /* S = 0.5 from 2 to the end of follow-up (censored at 3 and 4): midpoint
     * of 2 and the last observed time, (2 + 4)/2 = 3 */
    const double t3[] = {1, 2, 3, 4};
    const uint8_t e3[] = {1, 1, 0, 0};
    assert_close_rel(median_of(t3, e3, 4), 3, 1e-15);
    /* no flat at 0.5: deaths at 1, 2, 3 -> S = 2/3, 1/3: median 2 */
    const double t4[] = {1, 2, 3};
    const uint8_t e4[] = {1, 1, 1};
    assert_true(median_of(t4, e4, 3) == 2);
    /* the other quantiles use the same rule: S = 0.75 on [1, 2) -> q(0.25) = 1.5 */
    nelm_km km;
    double q, lo, hi;
    fit_ok(&km, t1, e1, 4);
    nelm_km_quantile(&km, 0.25, &q, &lo, &hi);
    assert_close_rel(q, 1.5, 1e-15);
    nelm_km_free(&km);
}

/* ---- 3. the median interval on a large sample --------------------------------- */

/* Exponential quantiles t_i = -log((i + 0.5)/n)/rate, all deaths. After the
 * k-th smallest time S = 1 - k/n, so S is exactly 0.5 (up to rounding) after
 * the (n/2)-th: the median is the midpoint of the (n/2)-th and (n/2 + 1)-th
 * smallest times. Greenwood without censoring: var log S = (1 - S)/(n S), so
 * the bounds of S cross 0.5 where S ~ 0.5·exp(±z/sqrt(n)): the interval is
 * about (log 2 ∓ z/sqrt(n))/rate. */
static void
test_median_interval_exponential(void **state)
{
    (void)state;
    enum { N = 20000 };
    const double rate = 0.1;
    double *t = malloc(N * sizeof *t);
    uint8_t *ev = malloc(N);
    assert_non_null(t);
    assert_non_null(ev);
    for (size_t i = 0; i < N; i++) {
        t[i] = -log(((double)i + 0.5) / N) / rate;
        ev[i] = 1;
    }
    nelm_km km;
    fit_ok(&km, t, ev, N);
    assert_int_equal(km.n, N);
    double q, lo, hi;
    nelm_km_quantile(&km, 0.5, &q, &lo, &hi);
    /* (n/2)-th smallest is i = n/2, the next i = n/2 - 1 */
    double expect = 0.5 * (-log((N / 2 + 0.5) / N) - log((N / 2 - 0.5) / N)) / rate;
    assert_close_rel(q, expect, 1e-12);
    assert_close_rel(q, log(2.0) / rate, 1e-4);
    assert_true(lo < log(2.0) / rate && log(2.0) / rate < hi);
    double half = Z975 / sqrt((double)N) / rate; /* 0.139 months */
    assert_true(fabs(lo - (log(2.0) / rate - half)) < 0.01);
    assert_true(fabs(hi - (log(2.0) / rate + half)) < 0.01);
    assert_true(hi - lo < 0.3);

    /* the RMST of the sample against its direct mean (all deaths, tau past the end) */
    double sum = 0;
    for (size_t i = 0; i < N; i++)
        sum += t[i];
    assert_close_rel(nelm_km_rmst(&km, 1e6), sum / N, 1e-10);
    nelm_km_free(&km);
    free(t);
    free(ev);
}

/* ---- 4. not reached, empty, invalid ------------------------------------------- */

static void
test_not_reached_and_empty(void **state)
{
    (void)state;
    /* 10 patients, deaths at 1 and 2 only: S = 0.9, 0.8 */
    double t[10];
    uint8_t ev[10];
    for (size_t i = 0; i < 10; i++) {
        t[i] = (double)(i + 1);
        ev[i] = i < 2;
    }
    nelm_km km;
    fit_ok(&km, t, ev, 10);
    double q, lo, hi;
    nelm_km_quantile(&km, 0.5, &q, &lo, &hi);
    assert_true(isnan(q) && isnan(lo) && isnan(hi));
    nelm_km_free(&km);

    /* no patients: S = 1 everywhere */
    fit_ok(&km, NULL, NULL, 0);
    assert_int_equal(km.n, 0);
    assert_true(nelm_km_surv(&km, 3) == 1);
    nelm_km_quantile(&km, 0.5, &q, &lo, &hi);
    assert_true(isnan(q) && isnan(lo) && isnan(hi));
    assert_true(nelm_km_rmst(&km, 7) == 7);
    nelm_km_free(&km);

    /* invalid times are errors, the fit left empty */
    const double bad[] = {1, -2, 3};
    const uint8_t bev[] = {1, 1, 1};
    nelm_err e = {0};
    assert_int_equal(nelm_km_fit(&km, bad, bev, 3, &e), NELM_ERR_PARAM);
    assert_non_null(strstr(e.msg, "time 1 is -2"));
    assert_null(km.t);
    nelm_km_free(&km);
    const double nan_t[] = {NAN};
    e = (nelm_err){0};
    assert_int_equal(nelm_km_fit(&km, nan_t, bev, 1, &e), NELM_ERR_PARAM);
    nelm_km_free(&km);

    /* a summary of no patients */
    nelm_summary_acc a;
    nelm_summary s;
    assert_int_equal(nelm_summary_acc_init(&a, 0, &e), 0);
    assert_int_equal(nelm_summary_compute(&a, &s, &e), 0);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.median_os) && isnan(s.mean_os) && isnan(s.os_at[0]));
    assert_true(isnan(s.median_pfs1) && s.cause_share[NELM_CAUSE_NONE] == 0);
    nelm_summary_acc_free(&a);
    nelm_summary_acc_free(&a);
}

/* ---- 5. the accumulator --------------------------------------------------------- */

enum { NPAT = 10000 };

/* Patient i's synthetic outcome: every field a simple function of i. */
static void
synthetic(size_t i, nelm_outcome *o)
{
    memset(o, 0, sizeof *o);
    o->os = 1.0 + (double)(i * 37 % 1000) / 10.0; /* 1 to 100.9 months */
    o->cause = (uint8_t)(i % NELM_NCAUSES);
    o->nlines = (uint8_t)(i % 4);
    o->kinds = (uint32_t)(i % 128);
    o->instances = (uint32_t)((i * 2654435761u) & 0xFFFFFFu);
    o->bsc_start = -1;
    if (o->nlines > 0) {
        o->line[0].pfs = 0.5 * o->os;
        o->line[0].pfs_event = i % 3 != 0;
    }
}

static void
fill(nelm_summary_acc *a, size_t n)
{
    nelm_err e = {0};
    for (size_t i = 0; i < n; i++) {
        nelm_outcome o;
        synthetic(i, &o);
        int ret = nelm_summary_acc_add(a, &o, &e);
        if (ret != 0)
            print_error("%s\n", e.msg);
        assert_int_equal(ret, 0);
    }
}

static void
test_accumulator(void **state)
{
    (void)state;
    nelm_err e = {0};
    nelm_summary_acc a;
    assert_int_equal(nelm_summary_acc_init(&a, 1, &e), 0);
    assert_int_equal(a.cap, 1);
    fill(&a, NPAT);
    assert_int_equal(a.n, NPAT);
    assert_int_equal(a.cap, 16384); /* doubled from 1 */
    assert_int_equal(a.npfs1, NPAT / 4 * 3);

    /* the columns, and direct counts */
    size_t kinds[NELM_NKINDS] = {0}, inst[NELM_MAX_INSTANCES] = {0}, causes[NELM_NCAUSES] = {0};
    double sum = 0, lines = 0;
    size_t np = 0;
    for (size_t i = 0; i < NPAT; i++) {
        nelm_outcome o;
        synthetic(i, &o);
        assert_true(a.os[i] == o.os);
        assert_int_equal(a.os_event[i], o.cause != NELM_CAUSE_NONE);
        if (o.nlines > 0) {
            assert_true(a.pfs1[np] == o.line[0].pfs);
            assert_int_equal(a.pfs1_event[np], o.line[0].pfs_event);
            np++;
        }
        sum += o.os;
        lines += o.nlines;
        for (size_t k = 0; k < NELM_NKINDS; k++)
            kinds[k] += (o.kinds >> k) & 1u;
        for (size_t k = 0; k < NELM_MAX_INSTANCES; k++)
            inst[k] += (o.instances >> k) & 1u;
        causes[o.cause]++;
    }
    double mean = sum / NPAT, ss = 0;
    for (size_t i = 0; i < NPAT; i++)
        ss += (a.os[i] - mean) * (a.os[i] - mean);
    double se = sqrt(ss / (NPAT - 1) / NPAT);

    nelm_summary s;
    assert_int_equal(nelm_summary_compute(&a, &s, &e), 0);
    assert_int_equal(s.n, NPAT);
    assert_int_equal(s.npfs1, np);
    assert_close_rel(s.mean_os, mean, 1e-12);
    assert_close_rel(s.mean_os_se, se, 1e-10);
    assert_close_rel(s.mean_lines, lines / NPAT, 1e-12);
    assert_close_rel(s.mean_lines, 1.5, 1e-12);
    for (size_t k = 0; k < NELM_NKINDS; k++)
        assert_close_rel(s.kind_share[k], (double)kinds[k] / NPAT, 1e-15);
    assert_close_rel(s.kind_share[0], 0.5, 1e-15); /* i % 128: every bit half the time */
    for (size_t k = 0; k < NELM_MAX_INSTANCES; k++)
        assert_close_rel(s.instance_share[k], (double)inst[k] / NPAT, 1e-15);
    for (size_t c = 0; c < NELM_NCAUSES; c++)
        assert_close_rel(s.cause_share[c], 0.2, 1e-15);

    /* medians and landmarks: the same as fitting the columns directly */
    nelm_km km;
    double q, lo, hi;
    fit_ok(&km, a.os, a.os_event, a.n);
    nelm_km_quantile(&km, 0.5, &q, &lo, &hi);
    assert_true(s.median_os == q && s.median_os_lo == lo && s.median_os_hi == hi);
    assert_true(s.median_os_lo < s.median_os && s.median_os < s.median_os_hi);
    for (size_t i = 0; i < NELM_NLANDMARKS; i++) {
        if (nelm_landmarks[i] > km.t[km.n - 1] && km.s[km.n - 1] > 0) {
            assert_true(isnan(s.os_at[i])); /* beyond follow-up: not estimable */
            continue;
        }
        double sv;
        nelm_km_surv_ci(&km, nelm_landmarks[i], &sv, &lo, &hi);
        assert_true(s.os_at[i] == sv && s.os_at_lo[i] == lo && s.os_at_hi[i] == hi);
        if (sv > 0)
            assert_true(lo < sv && sv < hi);
    }
    /* the 10 patients at the last time (100.9, i = 27 mod 1000) all die
     * (cause 2): S reaches 0, so S(120) = 0 is defined beyond it */
    assert_true(s.os_at[3] == 0 && s.os_at_lo[3] == 0 && s.os_at_hi[3] == 0);
    nelm_km_free(&km);
    fit_ok(&km, a.pfs1, a.pfs1_event, a.npfs1);
    nelm_km_quantile(&km, 0.5, &q, &lo, &hi);
    assert_true(s.median_pfs1 == q && s.median_pfs1_lo == lo && s.median_pfs1_hi == hi);
    nelm_km_free(&km);

    /* one patient: MCSE 0 */
    nelm_summary_acc_free(&a);
    assert_int_equal(nelm_summary_acc_init(&a, 4, &e), 0);
    fill(&a, 1);
    assert_int_equal(nelm_summary_compute(&a, &s, &e), 0);
    assert_true(s.mean_os == 1.0 && s.mean_os_se == 0);
    nelm_summary_acc_free(&a);

    /* a zeroed accumulator (never initialised, or freed) grows on first add */
    memset(&a, 0, sizeof a);
    fill(&a, 3);
    assert_int_equal(a.n, 3);
    nelm_summary_acc_free(&a);
}

/* ---- 6. printing ------------------------------------------------------------------ */

/* Everything written to f, NUL-terminated (caller frees). */
static char *
slurp(FILE *f)
{
    long len = ftell(f);
    assert_true(len >= 0);
    rewind(f);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    return buf;
}

/* Every line at most `cols` terminal columns (UTF-8 code points). */
static void
assert_line_widths(const char *text, size_t cols)
{
    size_t col = 0;
    for (const char *c = text; *c; c++) {
        if (*c == '\n') {
            col = 0;
            continue;
        }
        col += ((unsigned char)*c & 0xC0u) != 0x80u;
        if (col > cols) {
            print_error("line longer than %zu columns in:\n%s\n", cols, text);
            fail();
        }
    }
}

static void
test_print(void **state)
{
    (void)state;
    nelm_params *p = calloc(1, sizeof *p);
    assert_non_null(p);
    p->nstrategies = 3;
    snprintf(p->strategies[0].name, sizeof p->strategies[0].name, "ssa-first");
    snprintf(p->strategies[0].description, sizeof p->strategies[0].description,
             "somatostatin analogue first, then liver-directed therapy at progression, then "
             "PRRT, then targeted agents, with best supportive care after the last line; a "
             "description long enough to need wrapping");
    snprintf(p->strategies[1].name, sizeof p->strategies[1].name, "watch");
    snprintf(p->strategies[2].name, sizeof p->strategies[2].name, "nobody");
    p->nmodalities = 3;
    snprintf(p->modalities[0].name, sizeof p->modalities[0].name, "lanreotide");
    snprintf(p->modalities[1].name, sizeof p->modalities[1].name, "tace");
    snprintf(p->modalities[2].name, sizeof p->modalities[2].name, "everolimus");

    nelm_err e = {0};
    nelm_summary s[3];
    /* strategy 0: the synthetic cohort, instances 0 and 1 only */
    nelm_summary_acc a;
    assert_int_equal(nelm_summary_acc_init(&a, 16, &e), 0);
    for (size_t i = 0; i < 1000; i++) {
        nelm_outcome o;
        synthetic(i, &o);
        o.instances &= 3u;
        assert_int_equal(nelm_summary_acc_add(&a, &o, &e), 0);
    }
    assert_int_equal(nelm_summary_compute(&a, &s[0], &e), 0);
    nelm_summary_acc_free(&a);
    /* strategy 1: nobody dies (median not reached), nobody starts a line */
    assert_int_equal(nelm_summary_acc_init(&a, 16, &e), 0);
    for (size_t i = 0; i < 50; i++) {
        nelm_outcome o;
        memset(&o, 0, sizeof o);
        o.os = 60;
        o.cause = NELM_CAUSE_NONE;
        assert_int_equal(nelm_summary_acc_add(&a, &o, &e), 0);
    }
    assert_int_equal(nelm_summary_compute(&a, &s[1], &e), 0);
    assert_true(s[1].os_at[2] == 1);
    assert_true(isnan(s[1].os_at[3])); /* 120 months: past follow-up, S > 0 */
    nelm_summary_acc_free(&a);
    /* strategy 2: no patients */
    assert_int_equal(nelm_summary_acc_init(&a, 16, &e), 0);
    assert_int_equal(nelm_summary_compute(&a, &s[2], &e), 0);
    nelm_summary_acc_free(&a);

    FILE *f = tmpfile();
    assert_non_null(f);
    const size_t which[3] = {0, 1, 2};
    nelm_summary_print(f, p, which, s, 3);
    char *text = slurp(f);
    fclose(f);

    const char *expect[] = {
        "strategy ssa-first \u2014 somatostatin analogue first",
        "  patients            1000\n",
        "  median OS           ",
        "months (95% MC interval ",
        "  mean OS             ",
        "months (MCSE; restricted to the horizon)",
        "  OS at 1/3/5/10 y    ",
        "  median PFS, line 1  ",
        ", n = 750\n",
        "  mean lines          1.50\n",
        "  received            resection 0.500  transplant 0.500",
        "observation 0.488", /* bit 6 of i % 128, i < 1000: 7 · 64 + 40 */
        "  instances           lanreotide ",
        "  causes of death     disease 0.200  treatment 0.200  toxicity 0.200",
        "alive at horizon 0.200",
        "strategy watch\n  patients            50\n",
        "  median OS           not reached (95% MC interval NR\u2013NR)\n",
        "  OS at 1/3/5/10 y    1.000  1.000  1.000  NA\n",
        "  median PFS, line 1  no patient started a line\n",
        "  instances           none\n",
        "strategy nobody\n  patients            0\n  no patients simulated\n",
    };
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++) {
        if (strstr(text, expect[i]) == NULL) {
            print_error("missing \"%s\" in:\n%s\n", expect[i], text);
            fail();
        }
    }
    assert_non_null(strstr(text, "tace "));
    assert_null(strstr(text, "everolimus")); /* share 0: not listed */
    assert_line_widths(text, 100);
    free(text);
    free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_km_hand),
        cmocka_unit_test(test_km_rmst_tail),
        cmocka_unit_test(test_median_midpoint),
        cmocka_unit_test(test_median_interval_exponential),
        cmocka_unit_test(test_not_reached_and_empty),
        cmocka_unit_test(test_accumulator),
        cmocka_unit_test(test_print),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
