/* test_cox.c — the Cox partial likelihood of `nelmsim targets` (sim/cox.c)
 * and the verdict rules of DESIGN §11 (sim/targets.c):
 *   1. a three-subject case solved by hand (beta = -ln 2 / 2);
 *   2. a data set with tied times and censoring against R's survival::coxph,
 *      Efron and Breslow ties (estimate, SE, log partial likelihoods);
 *   3. a large deterministic exponential sample recovers its hazard ratio;
 *   4. what has no finite estimate is an error, not a number;
 *   5. the verdict intervals (Wilson against R's prop.test, the median rule,
 *      +-15 %, a published CI or range first) and the verdicts at their bounds.
 * Deterministic: no random numbers from the engine, no timing. */
#include "testutil.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cox.h"
#include "targets.h"

static nelm_cox_result
fit_ok(const double *t, const uint8_t *ev, const double *x, size_t n, nelm_cox_ties ties)
{
    nelm_cox_result r;
    nelm_err e = {0};
    int ret = nelm_cox_fit(t, ev, x, n, ties, &r, &e);
    if (ret != 0)
        print_error("%s\n", e.msg);
    assert_int_equal(ret, 0);
    return r;
}

/* ---- 1. by hand -------------------------------------------------------------------- */

/* Times 1 (x = 1), 2 (x = 0), 3 (x = 1), all events. With u = e^beta the
 * partial likelihood is u/(2u + 1) * 1/(1 + u) * 1, whose score
 * 1 - 2u/(2u + 1) - u/(1 + u) vanishes at u^2 = 1/2: beta = -ln(2)/2. The
 * information is 2u/(2u+1)^2 + u/(1+u)^2 = 2 sqrt2 / (sqrt2 + 1)^2 at that
 * u, so SE = (sqrt2 + 1) / sqrt(2 sqrt2) = 1.4354999727...
 * (R: coxph(Surv(t, e) ~ x) gives -0.34657359027997253 and 1.435499972755075.) */
static void
test_by_hand(void **state)
{
    (void)state;
    const double t[] = {2, 1, 3}, x[] = {0, 1, 1};
    const uint8_t ev[] = {1, 1, 1};
    double want_se = (sqrt(2.0) + 1) / sqrt(2 * sqrt(2.0));
    for (int ties = 0; ties < 2; ties++) { /* no ties: Efron = Breslow */
        nelm_cox_result r = fit_ok(t, ev, x, 3, (nelm_cox_ties)ties);
        assert_close_rel(r.beta, -log(2.0) / 2, 1e-10);
        assert_close_rel(r.se, want_se, 1e-10);
        assert_close_rel(r.se, 1.435499972755075, 1e-10);
        assert_int_equal(r.n, 3);
        assert_int_equal(r.events, 3);
        /* loglik = beta - log(2u + 1) - log(1 + u) */
        double u = exp(r.beta);
        assert_close_rel(r.loglik, r.beta - log(2 * u + 1) - log(1 + u), 1e-12);
        assert_close_rel(r.loglik0, -log(3.0) - log(2.0), 1e-12);
    }
}

/* ---- 2. against R ------------------------------------------------------------------- */

/* Made with R 4.2 (survival 3.4):
 *   library(survival)
 *   d <- data.frame(t=c(1,1,2,2,2,3,4,4,5,6,7,7,8,9,10),
 *                   e=c(1,1,1,0,1,1,0,1,1,1,0,1,1,0,1),
 *                   x=c(1,0,1,1,0,0,1,0,1,0,1,0,0,1,0))
 *   for (ti in c("efron","breslow")) {
 *     f <- coxph(Surv(t,e)~x, data=d, ties=ti,
 *                control=coxph.control(eps=1e-12, iter.max=100, toler.chol=1e-15))
 *     cat(ti, sprintf("%.15g %.15g %.15g %.15g\n", coef(f), sqrt(vcov(f)[1,1]),
 *                     f$loglik[1], f$loglik[2]))
 *   }
 * efron   -0.525360170880585 0.692882163869363 -21.3424930276828 -21.0373663509035
 * breslow -0.527770108878579 0.692937663411893 -21.4915286068433 -21.1835813576128 */
static void
test_against_r(void **state)
{
    (void)state;
    const double t[] = {1, 1, 2, 2, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10};
    const uint8_t ev[] = {1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1};
    const double x[] = {1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0};
    const struct {
        nelm_cox_ties ties;
        double beta, se, ll0, ll;
    } want[] = {
        {NELM_COX_EFRON, -0.525360170880585, 0.692882163869363, -21.3424930276828,
         -21.0373663509035},
        {NELM_COX_BRESLOW, -0.527770108878579, 0.692937663411893, -21.4915286068433,
         -21.1835813576128},
    };
    for (size_t k = 0; k < 2; k++) {
        nelm_cox_result r = fit_ok(t, ev, x, 15, want[k].ties);
        assert_close_rel(r.beta, want[k].beta, 1e-9);
        assert_close_rel(r.se, want[k].se, 1e-9);
        assert_close_rel(r.loglik0, want[k].ll0, 1e-12);
        assert_close_rel(r.loglik, want[k].ll, 1e-12);
        assert_int_equal(r.events, 11);
    }
    /* the order of the subjects does not matter; nor does shifting x */
    double t2[15], x2[15];
    uint8_t e2[15];
    for (size_t i = 0; i < 15; i++) {
        t2[i] = t[14 - i];
        e2[i] = ev[14 - i];
        x2[i] = x[14 - i] + 5;
    }
    nelm_cox_result r = fit_ok(t2, e2, x2, 15, NELM_COX_EFRON);
    assert_close_rel(r.beta, want[0].beta, 1e-9);
    assert_close_rel(r.se, want[0].se, 1e-9);
}

/* ---- 3. a large sample ----------------------------------------------------------------- */

/* splitmix64: a fixed stream of uniforms, independent of the engine */
static double
u01(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) * 0x1.0p-53;
}

/* Exponential times, rate 0.1 (x = 0) and 0.05 (x = 1: HR 0.5), censored at
 * 24 (administrative, as a trial's follow-up): the estimate is within 4 of
 * its standard errors of log 0.5, and the SE is near its large-sample value
 * 1 / sqrt(d1 d0 / (d1 + d0)) (d: events per arm). */
static void
test_large_sample(void **state)
{
    (void)state;
    enum { N = 20000 };
    double *t = malloc(N * sizeof *t), *x = malloc(N * sizeof *x);
    uint8_t *ev = malloc(N);
    assert_true(t && x && ev);
    uint64_t s = 12345;
    double d[2] = {0, 0};
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)(i % 2);
        double rate = x[i] > 0 ? 0.05 : 0.1;
        double tt = -log(u01(&s)) / rate;
        ev[i] = tt <= 24;
        t[i] = ev[i] ? tt : 24;
        d[i % 2] += ev[i];
    }
    nelm_cox_result r = fit_ok(t, ev, x, N, NELM_COX_EFRON);
    assert_true(fabs(r.beta - log(0.5)) < 4 * r.se);
    assert_close_rel(r.se, 1 / sqrt(d[0] * d[1] / (d[0] + d[1])), 0.05);
    nelm_cox_result b = fit_ok(t, ev, x, N, NELM_COX_BRESLOW);
    assert_close_rel(b.beta, r.beta, 1e-6); /* continuous times: no ties to treat */
    free(t);
    free(x);
    free(ev);
}

/* ---- 4. no finite estimate ---------------------------------------------------------------- */

static void
expect_error(const double *t, const uint8_t *ev, const double *x, size_t n, const char *part)
{
    nelm_cox_result r;
    nelm_err e = {0};
    assert_int_equal(nelm_cox_fit(t, ev, x, n, NELM_COX_EFRON, &r, &e), NELM_ERR_PARAM);
    assert_non_null(strstr(e.msg, part));
    assert_true(isnan(r.beta) && isnan(r.se));
}

static void
test_errors(void **state)
{
    (void)state;
    /* every event in the x = 1 group, before any in the other: beta -> +inf */
    const double t[] = {1, 2, 3, 4}, x[] = {1, 1, 0, 0};
    const uint8_t ev[] = {1, 1, 0, 0};
    expect_error(t, ev, x, 4, "no finite maximum");
    const uint8_t none[] = {0, 0, 0, 0};
    expect_error(t, none, x, 4, "no events");
    const double same[] = {1, 1, 1, 1};
    const uint8_t all[] = {1, 1, 1, 1};
    expect_error(t, all, same, 4, "does not vary");
    const double bad[] = {1, NAN, 3, 4};
    expect_error(bad, all, x, 4, "subject 1");
    expect_error(t, all, x, 0, "no subjects");
}

/* ---- 5. the verdict rules -------------------------------------------------------------- */

/* Wilson's interval against R: prop.test(50, 100, correct = FALSE)$conf.int is
 * 0.403831530365996 0.596168469634004, prop.test(3, 40, correct = FALSE)
 * 0.0258360257745882 0.1986423352431054. */
static void
test_wilson(void **state)
{
    (void)state;
    double lo, hi;
    nelm_wilson(0.5, 100, NELM_Z95, &lo, &hi);
    assert_close_rel(lo, 0.403831530365996, 1e-12);
    assert_close_rel(hi, 0.596168469634004, 1e-12);
    nelm_wilson(3.0 / 40, 40, NELM_Z95, &lo, &hi);
    assert_close_rel(lo, 0.0258360257745882, 1e-12);
    assert_close_rel(hi, 0.1986423352431054, 1e-12);
    nelm_wilson(0, 10, NELM_Z95, &lo, &hi); /* zero events: from 0 */
    assert_true(lo == 0 && hi > 0 && hi < 0.31);
    /* a proportion target with n uses it */
    assert_int_equal(nelm_target_interval(NELM_TSTAT_PROPORTION, 0.5, NULL, NULL, 100, 0, &lo, &hi),
                     NELM_RULE_WILSON);
    assert_close_rel(lo, 0.403831530365996, 1e-12);
    assert_int_equal(nelm_target_interval(NELM_TSTAT_SURVIVAL, 0.5, NULL, NULL, 100, 0, &lo, &hi),
                     NELM_RULE_WILSON);
    assert_int_equal(nelm_target_interval(NELM_TSTAT_INCIDENCE, 0.5, NULL, NULL, 100, 0, &lo, &hi),
                     NELM_RULE_WILSON);
}

/* Medians: published x exp(-+1.96/sqrt(d)); d = events if given, else n.
 * 125.1 with n 339: exp(1.959964/18.41195) = exp(0.1064508) = 1.1123230, so
 * 112.4673 .. 139.1516. With d = 100: exp(0.1959964) = 1.2165225. */
static void
test_median_rule(void **state)
{
    (void)state;
    double lo, hi;
    assert_int_equal(nelm_target_interval(NELM_TSTAT_MEDIAN, 125.1, NULL, NULL, 339, 0, &lo, &hi),
                     NELM_RULE_EVENTS);
    assert_close_rel(lo, 125.1 / 1.112323011, 1e-9);
    assert_close_rel(hi, 125.1 * 1.112323011, 1e-9);
    assert_close_rel(lo, 112.4673, 1e-6);
    assert_close_rel(hi, 139.1516, 1e-6);
    /* events come first */
    assert_int_equal(nelm_target_interval(NELM_TSTAT_MEDIAN, 10, NULL, NULL, 339, 100, &lo, &hi),
                     NELM_RULE_EVENTS);
    assert_close_rel(hi, 12.165225, 1e-7);
    assert_close_rel(lo, 10 / 1.2165225, 1e-7);
}

/* Otherwise +-15 %: a median or a proportion without n, a hazard ratio
 * without CI. A published CI comes first, then a range. */
static void
test_other_rules(void **state)
{
    (void)state;
    double lo, hi;
    assert_int_equal(nelm_target_interval(NELM_TSTAT_MEDIAN, 87, NULL, NULL, 0, 0, &lo, &hi),
                     NELM_RULE_PCT15);
    assert_close_rel(lo, 73.95, 1e-12);
    assert_close_rel(hi, 100.05, 1e-12);
    assert_int_equal(nelm_target_interval(NELM_TSTAT_PROPORTION, 0.01, NULL, NULL, 0, 0, &lo, &hi),
                     NELM_RULE_PCT15);
    assert_close_rel(lo, 0.0085, 1e-12);
    assert_close_rel(hi, 0.0115, 1e-12);
    assert_int_equal(
        nelm_target_interval(NELM_TSTAT_HAZARD_RATIO, 0.21, NULL, NULL, 229, 90, &lo, &hi),
        NELM_RULE_PCT15); /* n and events make no interval for an HR */
    const double ci[2] = {0.2, 0.59}, range[2] = {0.6, 0.8};
    assert_int_equal(
        nelm_target_interval(NELM_TSTAT_HAZARD_RATIO, 0.34, ci, range, 85, 67, &lo, &hi),
        NELM_RULE_CI);
    assert_true(lo == 0.2 && hi == 0.59);
    assert_int_equal(nelm_target_interval(NELM_TSTAT_SURVIVAL, 0.67, NULL, range, 339, 0, &lo, &hi),
                     NELM_RULE_RANGE);
    assert_true(lo == 0.6 && hi == 0.8);
    /* verdicts: bounds are inside; NaN (not reached) is outside */
    assert_int_equal(nelm_target_verdict(0.2, 0.2, 0.59), NELM_VERDICT_INSIDE);
    assert_int_equal(nelm_target_verdict(0.59, 0.2, 0.59), NELM_VERDICT_INSIDE);
    assert_int_equal(nelm_target_verdict(0.1999, 0.2, 0.59), NELM_VERDICT_OUTSIDE);
    assert_int_equal(nelm_target_verdict(0.61, 0.2, 0.59), NELM_VERDICT_OUTSIDE);
    assert_int_equal(nelm_target_verdict(NAN, 0.2, 0.59), NELM_VERDICT_OUTSIDE);
    assert_string_equal(nelm_verdict_name(NELM_VERDICT_NOT_MODELLED), "not_modelled");
    assert_string_equal(nelm_role_name(NELM_ROLE_VALIDATION), "validation");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),      cmocka_unit_test(test_against_r),
        cmocka_unit_test(test_large_sample), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_wilson),       cmocka_unit_test(test_median_rule),
        cmocka_unit_test(test_other_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
