/* test_summary.c — Kaplan–Meier, quantiles and summaries (DESIGN §8): a
 * hand-worked data set (S, Greenwood variances, median with its interval,
 * restricted means), survfit's midpoint rule when S is exactly 0.5 on a
 * flat, the median interval on a large deterministic exponential sample,
 * "not reached", invalid times, the accumulator growing from capacity 1
 * against direct computation, the RMST and its SE, paired differences (by
 * hand, against itself, mismatched patients), PFS by line, the KM grid, the
 * printed table and the CSV. Deterministic: no random numbers, no timing. */
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
    assert_int_equal(nelm_summary_compute(&a, 120, &s, &e), 0);
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
    for (size_t k = 0; k < o->nlines; k++) {
        o->line[k].pfs = 0.5 * o->os / (double)(k + 1);
        o->line[k].pfs_event = (i + k) % 3 != 0;
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
    size_t np = 0, npl[NELM_MAX_LINES] = {0};
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
        for (size_t k = 0; k < o.nlines; k++) {
            assert_true(a.pfs_line[k][npl[k]] == o.line[k].pfs);
            assert_int_equal(a.pfs_line_event[k][npl[k]], o.line[k].pfs_event);
            npl[k]++;
        }
        sum += o.os;
        lines += o.nlines;
        for (size_t k = 0; k < NELM_NKINDS; k++)
            kinds[k] += (o.kinds >> k) & 1u;
        for (size_t k = 0; k < NELM_MAX_INSTANCES; k++)
            inst[k] += (o.instances >> k) & 1u;
        causes[o.cause]++;
    }
    /* lines 1, 2, 3 started by 3/4, 1/2, 1/4 (nlines = i % 4); line 1's
     * columns are pfs1's; each line's columns grew by doubling from 16 */
    const size_t expect_lines[4] = {NPAT / 4 * 3, NPAT / 2, NPAT / 4, 0};
    for (size_t k = 0; k < NELM_MAX_LINES; k++) {
        assert_int_equal(a.npfs_line[k], npl[k]);
        assert_int_equal(a.npfs_line[k], k < 4 ? expect_lines[k] : 0);
    }
    assert_int_equal(a.cap_line[0], 8192);
    assert_int_equal(a.cap_line[2], 4096);
    assert_int_equal(a.cap_line[3], 0);
    assert_null(a.pfs_line[3]);
    assert_memory_equal(a.pfs_line[0], a.pfs1, a.npfs1 * sizeof *a.pfs1);
    assert_memory_equal(a.pfs_line_event[0], a.pfs1_event, a.npfs1);

    double mean = sum / NPAT, ss = 0;
    for (size_t i = 0; i < NPAT; i++)
        ss += (a.os[i] - mean) * (a.os[i] - mean);
    double se = sqrt(ss / (NPAT - 1) / NPAT);

    nelm_summary s;
    assert_int_equal(nelm_summary_compute(&a, 120, &s, &e), 0);
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
    /* PFS by line: the same as fitting each line's column */
    assert_int_equal(s.nlines_pfs, 3);
    for (size_t k = 0; k < NELM_MAX_LINES; k++) {
        assert_int_equal(s.pfs_n[k], a.npfs_line[k]);
        if (k >= 3) {
            assert_true(isnan(s.pfs_median[k]) && isnan(s.pfs_lo[k]) && isnan(s.pfs_hi[k]));
            continue;
        }
        fit_ok(&km, a.pfs_line[k], a.pfs_line_event[k], a.npfs_line[k]);
        nelm_km_quantile(&km, 0.5, &q, &lo, &hi);
        assert_true(s.pfs_median[k] == q && s.pfs_lo[k] == lo && s.pfs_hi[k] == hi);
        assert_true(lo < q && q < hi);
        nelm_km_free(&km);
    }
    assert_true(s.pfs_median[0] == s.median_pfs1);
    /* paired differences are not part of compute */
    assert_true(isnan(s.diff_mean_os) && isnan(s.diff_mean_os_se));
    assert_true(isnan(s.diff_rmst) && isnan(s.diff_rmst_se));

    /* one patient: MCSE 0 */
    nelm_summary_acc_free(&a);
    assert_int_equal(nelm_summary_acc_init(&a, 4, &e), 0);
    fill(&a, 1);
    assert_int_equal(nelm_summary_compute(&a, 120, &s, &e), 0);
    assert_true(s.mean_os == 1.0 && s.mean_os_se == 0);
    nelm_summary_acc_free(&a);

    /* a zeroed accumulator (never initialised, or freed) grows on first add */
    memset(&a, 0, sizeof a);
    fill(&a, 3);
    assert_int_equal(a.n, 3);
    nelm_summary_acc_free(&a);
}

/* Packed accumulators (the ranks of an MPI job exchange them): two packed
 * halves appended in order equal the whole, bit for bit; a cut buffer is an
 * error. */
static void
test_packed(void **state)
{
    (void)state;
    nelm_err e = {0};
    nelm_summary_acc whole, half[2], joined;
    memset(&whole, 0, sizeof whole);
    memset(half, 0, sizeof half);
    memset(&joined, 0, sizeof joined);
    for (size_t i = 0; i < 3001; i++) {
        nelm_outcome o;
        synthetic(i, &o);
        assert_int_equal(nelm_summary_acc_add(&whole, &o, &e), 0);
        assert_int_equal(nelm_summary_acc_add(&half[i < 1234 ? 0 : 1], &o, &e), 0);
    }
    size_t n0 = nelm_summary_acc_packed_size(&half[0]), n1 = nelm_summary_acc_packed_size(&half[1]);
    unsigned char *buf = malloc(n0 + n1 + 1); /* odd offset: no alignment assumed */
    assert_non_null(buf);
    assert_int_equal(nelm_summary_acc_pack(&half[0], buf + 1), n0);
    assert_int_equal(nelm_summary_acc_pack(&half[1], buf + 1 + n0), n1);
    size_t used = 0;
    assert_int_equal(nelm_summary_acc_append_packed(&joined, buf + 1, n0 + n1, &used, &e), 0);
    assert_int_equal(used, n0);
    assert_int_equal(nelm_summary_acc_append_packed(&joined, buf + 1 + n0, n1, &used, &e), 0);
    assert_int_equal(used, n1);
    assert_int_equal(joined.n, whole.n);
    assert_int_equal(joined.npfs1, whole.npfs1);
    assert_memory_equal(joined.os, whole.os, whole.n * sizeof *whole.os);
    assert_memory_equal(joined.os_event, whole.os_event, whole.n);
    assert_memory_equal(joined.pfs1, whole.pfs1, whole.npfs1 * sizeof *whole.pfs1);
    for (size_t k = 0; k < NELM_MAX_LINES; k++) {
        assert_int_equal(joined.npfs_line[k], whole.npfs_line[k]);
        if (whole.npfs_line[k])
            assert_memory_equal(joined.pfs_line[k], whole.pfs_line[k],
                                whole.npfs_line[k] * sizeof(double));
    }
    assert_true(memcmp(&joined.sum_os, &whole.sum_os, sizeof whole.sum_os) == 0);
    assert_true(memcmp(&joined.sum_os2, &whole.sum_os2, sizeof whole.sum_os2) == 0);
    assert_true(joined.sum_lines == whole.sum_lines);
    assert_memory_equal(joined.kind_count, whole.kind_count, sizeof whole.kind_count);
    assert_memory_equal(joined.instance_count, whole.instance_count, sizeof whole.instance_count);
    assert_memory_equal(joined.cause_count, whole.cause_count, sizeof whole.cause_count);
    /* cut short: an error, nothing appended */
    size_t before = joined.n;
    assert_int_equal(nelm_summary_acc_append_packed(&joined, buf + 1, n0 - 1, &used, &e),
                     NELM_ERR_IO);
    assert_int_equal(joined.n, before);
    assert_int_equal(nelm_summary_acc_append_packed(&joined, buf + 1, 10, &used, &e), NELM_ERR_IO);
    free(buf);
    nelm_summary_acc_free(&whole);
    nelm_summary_acc_free(&half[0]);
    nelm_summary_acc_free(&half[1]);
    nelm_summary_acc_free(&joined);
}

/* ---- 6. restricted means, paired differences, PFS by line, the KM grid ------ */

static void
add_ok(nelm_summary_acc *a, const nelm_outcome *o)
{
    nelm_err e = {0};
    int ret = nelm_summary_acc_add(a, o, &e);
    if (ret != 0)
        print_error("%s\n", e.msg);
    assert_int_equal(ret, 0);
}

/* A patient with only OS set: death (cause disease) or alive at the horizon. */
static void
add_os(nelm_summary_acc *a, double os, bool death)
{
    nelm_outcome o;
    memset(&o, 0, sizeof o);
    o.os = os;
    o.cause = death ? NELM_CAUSE_DISEASE : NELM_CAUSE_NONE;
    o.bsc_start = -1;
    add_ok(a, &o);
}

static void
compute_ok(const nelm_summary_acc *a, double tau, nelm_summary *s)
{
    nelm_err e = {0};
    int ret = nelm_summary_compute(a, tau, s, &e);
    if (ret != 0)
        print_error("%s\n", e.msg);
    assert_int_equal(ret, 0);
}

/* RMST = mean of min(os, tau), SE = its sample sd / sqrt(n), against direct
 * two-pass computation; tau past every time gives the mean OS. */
static void
test_rmst(void **state)
{
    (void)state;
    nelm_err e = {0};
    nelm_summary_acc a;
    assert_int_equal(nelm_summary_acc_init(&a, 64, &e), 0);
    fill(&a, NPAT);
    const double taus[] = {0.5, 12, 50, 60.25, 120};
    for (size_t j = 0; j < sizeof taus / sizeof *taus; j++) {
        double tau = taus[j], sum = 0, ss = 0;
        for (size_t i = 0; i < NPAT; i++)
            sum += fmin(a.os[i], tau);
        double mean = sum / NPAT;
        for (size_t i = 0; i < NPAT; i++)
            ss += (fmin(a.os[i], tau) - mean) * (fmin(a.os[i], tau) - mean);
        nelm_summary s;
        compute_ok(&a, tau, &s);
        assert_true(s.tau == tau);
        assert_close_rel(s.rmst, mean, 1e-13);
        if (tau <= 1) { /* every os >= 1: min(os, tau) is constant */
            assert_true(s.rmst == tau);
            assert_true(s.rmst_se < 1e-15);
        } else {
            assert_close_rel(s.rmst_se, sqrt(ss / (NPAT - 1) / NPAT), 1e-10);
        }
        if (tau > 101) { /* past the longest os (100.9): the mean OS */
            assert_close_rel(s.rmst, s.mean_os, 1e-13);
            assert_close_rel(s.rmst_se, s.mean_os_se, 1e-10);
        }
    }

    /* tau must be finite and > 0; s is left empty */
    const double bad[] = {0, -1, NAN, INFINITY};
    for (size_t j = 0; j < sizeof bad / sizeof *bad; j++) {
        nelm_summary s;
        e = (nelm_err){0};
        assert_int_equal(nelm_summary_compute(&a, bad[j], &s, &e), NELM_ERR_PARAM);
        assert_non_null(strstr(e.msg, "restricted mean time"));
        assert_true(isnan(s.rmst) && isnan(s.mean_os));
    }
    nelm_summary_acc_free(&a);

    /* one patient: SE 0; none: NaN */
    assert_int_equal(nelm_summary_acc_init(&a, 1, &e), 0);
    nelm_summary s;
    compute_ok(&a, 120, &s);
    assert_true(isnan(s.rmst) && isnan(s.rmst_se) && s.tau == 120);
    add_os(&a, 130, false);
    compute_ok(&a, 120, &s);
    assert_true(s.rmst == 120 && s.rmst_se == 0 && s.mean_os == 130);
    nelm_summary_acc_free(&a);
}

/* Four patients under two strategies, tau = 120:
 *   os(a)   10  20  30  150      os(ref)  8  25  30  100
 *   d        2  -5   0   50      mean 47/4,  sum (d - mean)^2 = 1976.75
 *   d(tau)   2  -5   0   20      mean 17/4,  sum (d - mean)^2 = 356.75
 * SE = sqrt(ss / (n - 1) / n). */
static void
test_paired(void **state)
{
    (void)state;
    nelm_err e = {0};
    nelm_summary_acc a, ref;
    assert_int_equal(nelm_summary_acc_init(&a, 2, &e), 0);
    assert_int_equal(nelm_summary_acc_init(&ref, 2, &e), 0);
    const double osa[] = {10, 20, 30, 150}, osr[] = {8, 25, 30, 100};
    for (size_t i = 0; i < 4; i++) {
        add_os(&a, osa[i], i < 3);
        add_os(&ref, osr[i], i != 2);
    }
    nelm_summary s;
    compute_ok(&a, 120, &s);
    assert_int_equal(nelm_summary_paired(&a, &ref, &s, &e), 0);
    assert_close_rel(s.diff_mean_os, 47.0 / 4, 1e-15);
    assert_close_rel(s.diff_mean_os_se, sqrt(1976.75 / 3 / 4), 1e-14);
    assert_close_rel(s.diff_rmst, 17.0 / 4, 1e-15);
    assert_close_rel(s.diff_rmst_se, sqrt(356.75 / 3 / 4), 1e-14);
    /* the other way round: the sign flips, the SE stays */
    nelm_summary sr;
    compute_ok(&ref, 120, &sr);
    assert_int_equal(nelm_summary_paired(&ref, &a, &sr, &e), 0);
    assert_close_rel(sr.diff_mean_os, -47.0 / 4, 1e-15);
    assert_close_rel(sr.diff_mean_os_se, s.diff_mean_os_se, 1e-15);
    assert_close_rel(sr.diff_rmst, -17.0 / 4, 1e-15);
    /* a smaller tau: min(os, 15): d = 2, 0, 0, 0 */
    compute_ok(&a, 15, &s);
    assert_int_equal(nelm_summary_paired(&a, &ref, &s, &e), 0);
    assert_close_rel(s.diff_rmst, 2.0 / 4, 1e-15);
    nelm_summary_acc_free(&a);
    nelm_summary_acc_free(&ref);

    /* against itself: exactly 0 and 0 */
    assert_int_equal(nelm_summary_acc_init(&a, 1, &e), 0);
    fill(&a, NPAT);
    compute_ok(&a, 120, &s);
    assert_int_equal(nelm_summary_paired(&a, &a, &s, &e), 0);
    assert_true(s.diff_mean_os == 0 && s.diff_mean_os_se == 0);
    assert_true(s.diff_rmst == 0 && s.diff_rmst_se == 0);

    /* a constant shift (os + 2 everywhere, all below tau): mean 2, SE ~0 */
    assert_int_equal(nelm_summary_acc_init(&ref, 1, &e), 0);
    for (size_t i = 0; i < NPAT; i++) {
        nelm_outcome o;
        synthetic(i, &o);
        o.os += 2;
        add_ok(&ref, &o);
    }
    assert_int_equal(nelm_summary_paired(&ref, &a, &s, &e), 0);
    assert_close_rel(s.diff_mean_os, 2, 1e-13);
    assert_close_rel(s.diff_rmst, 2, 1e-13);
    assert_true(s.diff_mean_os_se < 1e-14 && s.diff_rmst_se < 1e-14);

    /* different patients: an error naming both counts, differences NaN */
    add_os(&ref, 5, true);
    e = (nelm_err){0};
    assert_int_equal(nelm_summary_paired(&a, &ref, &s, &e), NELM_ERR_PARAM);
    assert_non_null(strstr(e.msg, "same patients"));
    assert_non_null(strstr(e.msg, "10000"));
    assert_non_null(strstr(e.msg, "10001"));
    assert_true(isnan(s.diff_mean_os) && isnan(s.diff_rmst_se));
    /* without a computed summary (no tau) */
    nelm_summary blank;
    memset(&blank, 0, sizeof blank);
    e = (nelm_err){0};
    assert_int_equal(nelm_summary_paired(&a, &a, &blank, &e), NELM_ERR_PARAM);
    nelm_summary_acc_free(&ref);

    /* one patient: the difference, SE 0; none: NaN */
    assert_int_equal(nelm_summary_acc_init(&ref, 1, &e), 0);
    nelm_summary_acc b;
    assert_int_equal(nelm_summary_acc_init(&b, 1, &e), 0);
    compute_ok(&b, 120, &s);
    assert_int_equal(nelm_summary_paired(&b, &ref, &s, &e), 0);
    assert_true(isnan(s.diff_mean_os) && isnan(s.diff_mean_os_se));
    add_os(&b, 130, false);
    add_os(&ref, 30, true);
    compute_ok(&b, 120, &s);
    assert_int_equal(nelm_summary_paired(&b, &ref, &s, &e), 0);
    assert_true(s.diff_mean_os == 100 && s.diff_mean_os_se == 0);
    assert_true(s.diff_rmst == 90 && s.diff_rmst_se == 0);
    nelm_summary_acc_free(&b);
    nelm_summary_acc_free(&ref);
    nelm_summary_acc_free(&a);
}

/* 30 patients, patient i starts 1 + i % 3 lines (lines 1, 2, 3 started by
 * 30, 20, 10), all PFS ending in progression:
 *   line 1: pfs 100 + i            S = 1/2 on [114, 115): median 114.5
 *   line 2: pfs 2 (j + 1), j-th    S = 1/2 on [20, 22): median 21
 *   line 3: pfs j + 1, j-th        S = 1/2 on [5, 6): median 5.5 */
static void
test_pfs_by_line(void **state)
{
    (void)state;
    nelm_err e = {0};
    nelm_summary_acc a;
    assert_int_equal(nelm_summary_acc_init(&a, 8, &e), 0);
    size_t j2 = 0, j3 = 0;
    for (size_t i = 0; i < 30; i++) {
        nelm_outcome o;
        memset(&o, 0, sizeof o);
        o.os = 200;
        o.cause = NELM_CAUSE_NONE;
        o.bsc_start = -1;
        o.nlines = (uint8_t)(1 + i % 3);
        for (size_t k = 0; k < o.nlines; k++) {
            o.line[k].number = (int16_t)(k + 1);
            o.line[k].pfs_event = true;
        }
        o.line[0].pfs = 100 + (double)i;
        if (o.nlines >= 2)
            o.line[1].pfs = 2.0 * (double)(++j2);
        if (o.nlines >= 3)
            o.line[2].pfs = (double)(++j3);
        add_ok(&a, &o);
    }
    assert_int_equal(a.npfs1, 30);
    assert_int_equal(a.npfs_line[0], 30);
    assert_int_equal(a.npfs_line[1], 20);
    assert_int_equal(a.npfs_line[2], 10);
    assert_int_equal(a.npfs_line[3], 0);
    assert_int_equal(a.cap_line[0], 32);
    assert_int_equal(a.cap_line[1], 32);
    assert_int_equal(a.cap_line[2], 16);

    nelm_summary s;
    compute_ok(&a, 120, &s);
    assert_int_equal(s.nlines_pfs, 3);
    assert_int_equal(s.pfs_n[0], 30);
    assert_int_equal(s.pfs_n[1], 20);
    assert_int_equal(s.pfs_n[2], 10);
    assert_int_equal(s.pfs_n[3], 0);
    assert_close_rel(s.pfs_median[0], 114.5, 1e-15);
    assert_close_rel(s.pfs_median[1], 21, 1e-15);
    assert_close_rel(s.pfs_median[2], 5.5, 1e-15);
    assert_true(isnan(s.pfs_median[3]));
    assert_true(s.median_pfs1 == s.pfs_median[0] && s.npfs1 == 30);
    for (size_t k = 0; k < 3; k++)
        assert_true(s.pfs_lo[k] < s.pfs_median[k]);
    /* nobody dies: OS median not reached */
    assert_true(isnan(s.median_os));
    nelm_summary_acc_free(&a);

    /* only one line ever started */
    assert_int_equal(nelm_summary_acc_init(&a, 8, &e), 0);
    for (size_t i = 0; i < 4; i++) {
        nelm_outcome o;
        memset(&o, 0, sizeof o);
        o.os = 50;
        o.nlines = 1;
        o.line[0].pfs = (double)(i + 1);
        o.line[0].pfs_event = true;
        add_ok(&a, &o);
    }
    compute_ok(&a, 120, &s);
    assert_int_equal(s.nlines_pfs, 1);
    assert_int_equal(s.pfs_n[0], 4);
    assert_close_rel(s.pfs_median[0], 2.5, 1e-15);
    assert_int_equal(s.pfs_n[1], 0);
    nelm_summary_acc_free(&a);

    /* no line started */
    assert_int_equal(nelm_summary_acc_init(&a, 8, &e), 0);
    add_os(&a, 3, true);
    compute_ok(&a, 120, &s);
    assert_int_equal(s.nlines_pfs, 0);
    assert_true(isnan(s.pfs_median[0]));
    nelm_summary_acc_free(&a);
}

static void
test_km_grid(void **state)
{
    (void)state;
    nelm_err e = {0};
    nelm_summary_acc a;
    assert_int_equal(nelm_summary_acc_init(&a, 1, &e), 0);
    fill(&a, NPAT);
    enum { NM = 130 };
    double sv[NM], lo[NM], hi[NM];
    assert_int_equal(nelm_summary_km_grid(&a, NM, sv, lo, hi, &e), 0);
    nelm_km km;
    fit_ok(&km, a.os, a.os_event, a.n);
    for (size_t t = 0; t < NM; t++) {
        double s1, l1, h1;
        nelm_km_surv_ci(&km, (double)t, &s1, &l1, &h1);
        assert_true(sv[t] == nelm_km_surv(&km, (double)t));
        assert_true(sv[t] == s1 && lo[t] == l1 && hi[t] == h1);
        assert_true(lo[t] <= sv[t] && sv[t] <= hi[t]);
        if (t > 0)
            assert_true(sv[t] <= sv[t - 1]);
    }
    assert_true(sv[0] == 1 && lo[0] == 1 && hi[0] == 1); /* first time is 1 */
    assert_true(sv[1] == 1);                 /* those at 1 (i = 0 mod 1000) are censored */
    assert_true(sv[2] < 1 && lo[2] < sv[2]); /* deaths from 1.1 */
    assert_true(sv[NM - 1] == 0);            /* all die by 100.9 */
    nelm_km_free(&km);
    /* nmonths 0: nothing written */
    assert_int_equal(nelm_summary_km_grid(&a, 0, NULL, NULL, NULL, &e), 0);
    nelm_summary_acc_free(&a);

    /* deaths at time 0 lower S(0) */
    assert_int_equal(nelm_summary_acc_init(&a, 1, &e), 0);
    add_os(&a, 0, true);
    add_os(&a, 0, false);
    add_os(&a, 2.5, true);
    add_os(&a, 4, false);
    assert_int_equal(nelm_summary_km_grid(&a, 5, sv, lo, hi, &e), 0);
    const double expect[] = {0.75, 0.75, 0.75, 0.375, 0.375};
    for (size_t t = 0; t < 5; t++)
        assert_close_rel(sv[t], expect[t], 1e-15);
    assert_true(lo[0] < 0.75 && hi[0] == 1);
    nelm_summary_acc_free(&a);

    /* no patients: no curve */
    assert_int_equal(nelm_summary_acc_init(&a, 1, &e), 0);
    assert_int_equal(nelm_summary_km_grid(&a, 3, sv, lo, hi, &e), 0);
    assert_true(isnan(sv[0]) && isnan(lo[1]) && isnan(hi[2]));
    nelm_summary_acc_free(&a);
}

/* ---- 7. printing ------------------------------------------------------------------ */

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

/* Six strategies and their summaries (reference: ssa-first, index 0):
 *  0 ssa-first  the synthetic cohort (1000), instances 0 and 1 only
 *  1 watch      50 patients, nobody dies, nobody starts a line
 *  2 nobody     no patients
 *  3 later      the same 1000 patients, each living 10 % longer (paired)
 *  4 many       20 patients, each starting all 12 lines (wrapping)
 *  5 a 63-character name (a reference label too long for its column) */
enum { NFIX = 6 };
typedef struct fixture {
    nelm_params *p;
    nelm_summary s[NFIX];
} fixture;

static const char later_desc[] = "later, \"slower\" start";

static void
fixture_build(fixture *f)
{
    nelm_params *p = calloc(1, sizeof *p);
    assert_non_null(p);
    f->p = p;
    p->nstrategies = NFIX;
    snprintf(p->strategies[0].name, sizeof p->strategies[0].name, "ssa-first");
    snprintf(p->strategies[0].description, sizeof p->strategies[0].description,
             "somatostatin analogue first, then liver-directed therapy at progression, then "
             "PRRT, then targeted agents, with best supportive care after the last line; a "
             "description long enough to need wrapping");
    snprintf(p->strategies[1].name, sizeof p->strategies[1].name, "watch");
    snprintf(p->strategies[2].name, sizeof p->strategies[2].name, "nobody");
    snprintf(p->strategies[3].name, sizeof p->strategies[3].name, "later");
    snprintf(p->strategies[3].description, sizeof p->strategies[3].description, "%s", later_desc);
    snprintf(p->strategies[4].name, sizeof p->strategies[4].name, "many");
    memset(p->strategies[5].name, 'x', sizeof p->strategies[5].name - 1);
    p->nmodalities = 3;
    snprintf(p->modalities[0].name, sizeof p->modalities[0].name, "lanreotide");
    snprintf(p->modalities[1].name, sizeof p->modalities[1].name, "tace");
    snprintf(p->modalities[2].name, sizeof p->modalities[2].name, "everolimus");

    nelm_err e = {0};
    nelm_summary *s = f->s;
    nelm_summary_acc ref, a;
    /* 0 and 3 */
    assert_int_equal(nelm_summary_acc_init(&ref, 16, &e), 0);
    assert_int_equal(nelm_summary_acc_init(&a, 16, &e), 0);
    for (size_t i = 0; i < 1000; i++) {
        nelm_outcome o;
        synthetic(i, &o);
        o.instances &= 3u;
        add_ok(&ref, &o);
        o.os *= 1.1;
        add_ok(&a, &o);
    }
    compute_ok(&ref, 120, &s[0]);
    assert_int_equal(nelm_summary_paired(&ref, &ref, &s[0], &e), 0);
    compute_ok(&a, 120, &s[3]);
    assert_int_equal(nelm_summary_paired(&a, &ref, &s[3], &e), 0);
    assert_true(s[3].diff_mean_os > 0 && s[3].diff_mean_os_se > 0);
    nelm_summary_acc_free(&a);
    /* 5: a copy of 0 under another name */
    s[5] = s[0];
    nelm_summary_acc_free(&ref);
    /* 1: nobody dies (median not reached), nobody starts a line */
    assert_int_equal(nelm_summary_acc_init(&a, 16, &e), 0);
    for (size_t i = 0; i < 50; i++) {
        nelm_outcome o;
        memset(&o, 0, sizeof o);
        o.os = 60;
        o.cause = NELM_CAUSE_NONE;
        add_ok(&a, &o);
    }
    compute_ok(&a, 120, &s[1]);
    assert_true(s[1].os_at[2] == 1);
    assert_true(isnan(s[1].os_at[3])); /* 120 months: past follow-up, S > 0 */
    nelm_summary_acc_free(&a);
    /* 2: no patients */
    assert_int_equal(nelm_summary_acc_init(&a, 16, &e), 0);
    compute_ok(&a, 120, &s[2]);
    nelm_summary_acc_free(&a);
    /* 4: every line */
    assert_int_equal(nelm_summary_acc_init(&a, 16, &e), 0);
    for (size_t i = 0; i < 20; i++) {
        nelm_outcome o;
        memset(&o, 0, sizeof o);
        o.os = 100 + (double)i;
        o.cause = NELM_CAUSE_DISEASE;
        o.nlines = NELM_MAX_LINES;
        for (size_t k = 0; k < NELM_MAX_LINES; k++) {
            o.line[k].pfs = 100.0 / (double)(k + 1) + (double)i;
            o.line[k].pfs_event = i % 4 != 0;
        }
        add_ok(&a, &o);
    }
    compute_ok(&a, 120, &s[4]);
    assert_int_equal(s[4].nlines_pfs, NELM_MAX_LINES);
    nelm_summary_acc_free(&a);
}

static void
expect_all(const char *text, const char *const *expect, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strstr(text, expect[i]) == NULL) {
            print_error("missing \"%s\" in:\n%s\n", expect[i], text);
            fail();
        }
    }
}

static void
test_print(void **state)
{
    (void)state;
    fixture fx;
    fixture_build(&fx);
    const nelm_summary *s = fx.s;

    FILE *f = tmpfile();
    assert_non_null(f);
    const size_t which[5] = {0, 1, 2, 3, 4};
    nelm_summary_print(f, fx.p, which, fx.s, 5, 0);
    char *text = slurp(f);
    fclose(f);

    char rmst0[96], diff3[96], rdiff3[96];
    snprintf(rmst0, sizeof rmst0, "  RMST to 120 mo      %.1f \u00b1 %.2f months (MCSE)\n",
             s[0].rmst, s[0].rmst_se);
    snprintf(diff3, sizeof diff3, "  vs ssa-first        mean OS +%.1f \u00b1 %.2f,",
             s[3].diff_mean_os, s[3].diff_mean_os_se);
    snprintf(rdiff3, sizeof rdiff3, "RMST to 120 mo +%.1f \u00b1 %.2f months (paired SE)\n",
             s[3].diff_rmst, s[3].diff_rmst_se);
    const char *expect[] = {
        "strategy ssa-first \u2014 somatostatin analogue first",
        "  patients            1000\n",
        "  median OS           ",
        "months (95% MC interval ",
        "  mean OS             ",
        "months (MCSE; restricted to the horizon)",
        rmst0,
        "  paired differences  this is the reference strategy\n",
        "  OS at 1/3/5/10 y    ",
        "  median PFS, line 1  ",
        ", n = 750\n",
        "  PFS by line         1: ",
        " n 750; 2: ",
        " n 250\n",
        "  mean lines          1.50\n",
        "  received            resection 0.500  transplant 0.500",
        "observation 0.488", /* bit 6 of i % 128, i < 1000: 7 · 64 + 40 */
        "  instances           lanreotide ",
        "  causes of death     disease 0.200  treatment 0.200  toxicity 0.200",
        "alive at horizon 0.200",
        "strategy watch\n  patients            50\n",
        "  median OS           not reached (95% MC interval NR\u2013NR)\n",
        "  RMST to 120 mo      60.0 \u00b1 0.00 months (MCSE)\n",
        "  vs ssa-first        paired differences not computed\n",
        "  OS at 1/3/5/10 y    1.000  1.000  1.000  NA\n",
        "  median PFS, line 1  no patient started a line\n",
        "  PFS by line         no patient started a line\n",
        "  instances           none\n",
        "strategy nobody\n  patients            0\n  no patients simulated\n",
        "strategy later \u2014 later, \"slower\" start\n",
        diff3,
        rdiff3,
        "strategy many\n",
        "; 12: ",
        " n 20\n",
    };
    expect_all(text, expect, sizeof expect / sizeof *expect);
    assert_non_null(strstr(text, "tace "));
    assert_null(strstr(text, "everolimus")); /* share 0: not listed */
    /* the reference line once; "vs" for every other strategy with patients */
    assert_null(strstr(strstr(text, "this is the reference") + 1, "this is the reference"));
    /* many's 12 lines wrap onto continuation lines at the value column */
    const char *pl = strstr(strstr(text, "strategy many"), "  PFS by line");
    assert_non_null(pl);
    const char *nl = strchr(pl, '\n');
    assert_non_null(nl);
    assert_true(strncmp(nl + 1, "                      ", 22) == 0 && nl[23] != ' ');
    assert_line_widths(text, 100);
    free(text);

    /* a reference name too long for the label column: values on the next line */
    f = tmpfile();
    assert_non_null(f);
    const size_t which2[2] = {5, 3};
    nelm_summary s2[2] = {fx.s[5], fx.s[3]};
    nelm_summary_print(f, fx.p, which2, s2, 2, 0);
    text = slurp(f);
    fclose(f);
    char longvs[128];
    snprintf(longvs, sizeof longvs, "\n  vs %s\n                      mean OS +",
             fx.p->strategies[5].name);
    const char *expect2[] = {longvs, "  paired differences  this is the reference strategy\n"};
    expect_all(text, expect2, 2);
    assert_line_widths(text, 100);
    free(text);
    free(fx.p);
}

/* ---- 8. CSV ---------------------------------------------------------------------- */

enum { MAXF = 128, FLEN = 512 };

/* One RFC 4180 record from *pp (advanced past its newline) into fields;
 * returns the number of fields, 0 at the end of the text. */
static size_t
csv_record(const char **pp, char (*fields)[FLEN])
{
    const char *c = *pp;
    if (*c == '\0')
        return 0;
    size_t nf = 0;
    for (;;) {
        assert_true(nf < MAXF);
        size_t len = 0;
        if (*c == '"') {
            for (c++;; c++) {
                assert_true(*c != '\0');
                if (*c == '"') {
                    if (c[1] != '"')
                        break;
                    c++;
                }
                assert_true(len + 1 < FLEN);
                fields[nf][len++] = *c;
            }
            c++; /* closing quote */
        } else {
            for (; *c != ',' && *c != '\n' && *c != '\0'; c++) {
                assert_true(*c != '"');
                assert_true(len + 1 < FLEN);
                fields[nf][len++] = *c;
            }
        }
        fields[nf++][len] = '\0';
        if (*c == ',') {
            c++;
            continue;
        }
        assert_true(*c == '\n'); /* every record ends in a newline */
        *pp = c + 1;
        return nf;
    }
}

static size_t
column(char (*head)[FLEN], size_t nh, const char *name)
{
    for (size_t j = 0; j < nh; j++) {
        if (strcmp(head[j], name) == 0)
            return j;
    }
    print_error("no column %s\n", name);
    fail();
    return 0;
}

/* A field parsed back with strtod, the whole field consumed. */
static double
field_num(const char *field)
{
    char *end;
    assert_true(field[0] != '\0');
    double x = strtod(field, &end);
    assert_true(*end == '\0');
    return x;
}

static void
test_csv(void **state)
{
    (void)state;
    fixture fx;
    fixture_build(&fx);
    const nelm_summary *s = fx.s;
    nelm_err e = {0};

    FILE *f = tmpfile();
    assert_non_null(f);
    const size_t which[5] = {0, 1, 2, 3, 4};
    assert_int_equal(nelm_summary_write_csv(f, fx.p, which, fx.s, 5, 0, &e), 0);
    char *text = slurp(f);
    fclose(f);

    /* header: fixed columns, landmarks, 12 PFS lines (many), kinds, the
     * three instances, causes, reference, differences */
    const char *prefix = "strategy,description,patients,median_os,median_os_lo,median_os_hi,"
                         "mean_os,mean_os_se,tau,rmst,rmst_se,os_12,os_12_lo,os_12_hi,os_36,"
                         "os_36_lo,os_36_hi,os_60,os_60_lo,os_60_hi,os_120,os_120_lo,os_120_hi,"
                         "median_pfs_line1,median_pfs_line1_lo,median_pfs_line1_hi,n_pfs_line1,"
                         "median_pfs_line2,";
    assert_true(strncmp(text, prefix, strlen(prefix)) == 0);
    const char *suffix = "n_pfs_line12,mean_lines,received_resection,received_transplant,"
                         "received_iat,received_prrt,received_ssa,received_targeted,"
                         "received_observation,received_instance_lanreotide,"
                         "received_instance_tace,received_instance_everolimus,death_disease,"
                         "death_treatment,death_toxicity,death_background,alive_at_horizon,"
                         "reference,diff_mean_os,diff_mean_os_se,diff_rmst,diff_rmst_se\n";
    assert_non_null(strstr(text, suffix));
    assert_null(strstr(text, "n_pfs_line13"));

    static char head[MAXF][FLEN], row[5][MAXF][FLEN];
    const char *c = text;
    size_t nh = csv_record(&c, head);
    assert_int_equal(nh, 11 + 3 * NELM_NLANDMARKS + 4 * NELM_MAX_LINES + 1 + NELM_NKINDS + 3 +
                             NELM_NCAUSES + 5);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(csv_record(&c, row[i]), nh);
    assert_int_equal(csv_record(&c, head), 0); /* one row per strategy, nothing after */

    /* names, and the description with a comma and quotes, quoted */
    assert_string_equal(row[0][0], "ssa-first");
    assert_string_equal(row[3][0], "later");
    assert_string_equal(row[3][1], later_desc);
    assert_non_null(strstr(text, ",\"later, \"\"slower\"\" start\","));
    assert_non_null(strstr(text, "\"somatostatin analogue first, then"));
    assert_string_equal(row[1][1], "");

    /* values round-trip exactly */
    assert_true(field_num(row[0][column(head, nh, "mean_os")]) == s[0].mean_os);
    assert_true(field_num(row[0][column(head, nh, "median_os_lo")]) == s[0].median_os_lo);
    assert_true(field_num(row[3][column(head, nh, "rmst_se")]) == s[3].rmst_se);
    assert_true(field_num(row[3][column(head, nh, "diff_mean_os")]) == s[3].diff_mean_os);
    assert_true(field_num(row[3][column(head, nh, "diff_rmst_se")]) == s[3].diff_rmst_se);
    assert_true(field_num(row[0][column(head, nh, "os_36_hi")]) == s[0].os_at_hi[1]);
    assert_true(field_num(row[4][column(head, nh, "median_pfs_line12")]) == s[4].pfs_median[11]);
    assert_true(field_num(row[0][column(head, nh, "received_observation")]) ==
                s[0].kind_share[NELM_KIND_OBSERVATION]);
    assert_true(field_num(row[0][column(head, nh, "received_instance_tace")]) ==
                s[0].instance_share[1]);
    assert_true(field_num(row[0][column(head, nh, "alive_at_horizon")]) ==
                s[0].cause_share[NELM_CAUSE_NONE]);
    assert_true(field_num(row[0][column(head, nh, "death_toxicity")]) ==
                s[0].cause_share[NELM_CAUSE_TOXICITY]);
    assert_string_equal(row[0][column(head, nh, "patients")], "1000");
    assert_string_equal(row[0][column(head, nh, "tau")], "120");
    assert_string_equal(row[0][column(head, nh, "n_pfs_line3")], "250");
    /* fewer lines than the most: empty; NaN: empty */
    for (size_t k = 4; k <= NELM_MAX_LINES; k++) {
        char name[32];
        snprintf(name, sizeof name, "n_pfs_line%zu", k);
        assert_string_equal(row[0][column(head, nh, name)], "");
        snprintf(name, sizeof name, "median_pfs_line%zu_hi", k);
        assert_string_equal(row[0][column(head, nh, name)], "");
    }
    assert_string_equal(row[1][column(head, nh, "n_pfs_line1")], "");
    assert_string_equal(row[1][column(head, nh, "median_os")], ""); /* not reached */
    assert_string_equal(row[1][column(head, nh, "os_120")], "");    /* past follow-up */
    assert_string_equal(row[1][column(head, nh, "diff_rmst")], ""); /* not computed */
    assert_string_equal(row[2][column(head, nh, "mean_os")], "");   /* no patients */
    assert_string_equal(row[2][column(head, nh, "patients")], "0");
    /* the reference: its name on every row, differences 0 for itself */
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(row[i][column(head, nh, "reference")], "ssa-first");
    assert_string_equal(row[0][column(head, nh, "diff_mean_os")], "0");
    assert_string_equal(row[0][column(head, nh, "diff_rmst_se")], "0");
    free(text);

    /* no strategies: the header alone, without PFS columns */
    f = tmpfile();
    assert_non_null(f);
    assert_int_equal(nelm_summary_write_csv(f, fx.p, which, fx.s, 0, 0, &e), 0);
    text = slurp(f);
    fclose(f);
    assert_true(strncmp(text, "strategy,description,", 21) == 0);
    assert_null(strstr(text, "pfs_line"));
    assert_int_equal(strchr(text, '\n')[1], '\0');
    free(text);

    /* write errors: a stream open for reading only; a full device */
    f = fopen("/dev/null", "r");
    assert_non_null(f);
    e = (nelm_err){0};
    assert_int_equal(nelm_summary_write_csv(f, fx.p, which, fx.s, 5, 0, &e), NELM_ERR_IO);
    assert_non_null(strstr(e.msg, "CSV"));
    fclose(f);
    f = fopen("/dev/full", "w");
    if (f != NULL) {
        e = (nelm_err){0};
        assert_int_equal(nelm_summary_write_csv(f, fx.p, which, fx.s, 5, 0, &e), NELM_ERR_IO);
        fclose(f);
    }
    free(fx.p);
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
        cmocka_unit_test(test_packed),
        cmocka_unit_test(test_rmst),
        cmocka_unit_test(test_paired),
        cmocka_unit_test(test_pfs_by_line),
        cmocka_unit_test(test_km_grid),
        cmocka_unit_test(test_print),
        cmocka_unit_test(test_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
