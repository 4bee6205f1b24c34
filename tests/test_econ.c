/* test_econ.c — health-economic arithmetic (sim/econ.h): continuous-time
 * discounting against closed forms, the incremental analysis against a
 * hand-worked example (dominance, extended dominance, ICERs), and CEAC,
 * frontier and EVPI against a hand-computed PSA table. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>

#include "econ.h"

static void
close_to(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (tolerance %g)", got, want, tol);
}

static void
test_discounting(void **state)
{
    (void)state;
    const double r = 0.035, d = log(1.035);
    /* one year at 1 per month: 12 (1 - 1.035^-1) / ln 1.035 */
    close_to(nelm_econ_pv_interval(0, 12, r), 12 * (1 - 1 / 1.035) / d, 1e-12);
    /* from year 2 to year 5 */
    close_to(nelm_econ_pv_interval(24, 60, r), 12 * (pow(1.035, -2) - pow(1.035, -5)) / d, 1e-12);
    /* forever: 12 / ln 1.035 */
    close_to(nelm_econ_pv_interval(0, INFINITY, r), 12 / d, 1e-10);
    /* additive, undiscounted, empty */
    close_to(nelm_econ_pv_interval(0, 7.5, r) + nelm_econ_pv_interval(7.5, 30, r),
             nelm_econ_pv_interval(0, 30, r), 1e-12);
    close_to(nelm_econ_pv_interval(3, 10.25, 0), 7.25, 0);
    close_to(nelm_econ_pv_interval(5, 5, r), 0, 0);
    close_to(nelm_econ_pv_interval(5, 4, r), 0, 0);
    /* a tiny interval: no cancellation (relative accuracy) */
    double t1 = 120 + 1e-9, h = t1 - 120; /* h: the interval as represented */
    double tiny = nelm_econ_pv_interval(120, t1, r);
    close_to(tiny / (h * pow(1.035, -10)), 1, 1e-9);
    /* one-off */
    close_to(nelm_econ_pv_point(12, r), 1 / 1.035, 1e-15);
    close_to(nelm_econ_pv_point(36, 0.05), pow(1.05, -3), 1e-15);
    close_to(nelm_econ_pv_point(36, 0), 1, 0);
    /* steps: 0.9 before month 24, 0.8 to 60, 0.7 after; over 12..84 */
    const double cut[] = {24, 60}, val[] = {0.9, 0.8, 0.7};
    double want = 0.9 * nelm_econ_pv_interval(12, 24, r) + 0.8 * nelm_econ_pv_interval(24, 60, r) +
                  0.7 * nelm_econ_pv_interval(60, 84, r);
    close_to(nelm_econ_pv_steps(12, 84, r, cut, val, 3), want, 1e-12);
    close_to(nelm_econ_pv_steps(30, 40, 0, cut, val, 3), 8.0, 1e-12);
    close_to(nelm_econ_pv_steps(0, 10, 0, cut, val, 1), 9.0, 1e-12);
}

/* A: 0, 1.00; B: 1000, 1.10 (ICER 10,000 vs A); D: 2000, 1.05 (dominated by
 * B); C: 3000, 1.15 (40,000 vs B, but E at 20,000 vs B makes C extendedly
 * dominated); E: 5000, 1.30; F = A (dominated: the lower index stays). */
static void
test_incremental(void **state)
{
    (void)state;
    nelm_err e = {0};
    enum { A, B, C, D, E, F, N };
    const double cost[N] = {0, 1000, 3000, 2000, 5000, 0};
    const double eff[N] = {1.0, 1.1, 1.15, 1.05, 1.3, 1.0};
    nelm_econ_row out[N];
    assert_int_equal(nelm_econ_incremental(cost, eff, N, out, &e), 0);
    const size_t order[N] = {A, F, B, D, C, E};
    const nelm_econ_status st[N] = {NELM_ECON_FRONTIER,      NELM_ECON_DOMINATED,
                                    NELM_ECON_FRONTIER,      NELM_ECON_DOMINATED,
                                    NELM_ECON_EXT_DOMINATED, NELM_ECON_FRONTIER};
    for (size_t k = 0; k < N; k++) {
        assert_int_equal(out[k].strategy, order[k]);
        assert_int_equal(out[k].status, st[k]);
    }
    assert_true(isnan(out[0].icer) && out[0].vs == N);
    close_to(out[2].icer, 10000, 1e-6);
    assert_int_equal(out[2].vs, A);
    close_to(out[2].inc_cost, 1000, 0);
    close_to(out[2].inc_effect, 0.1, 1e-12);
    close_to(out[5].icer, 20000, 1e-6);
    assert_int_equal(out[5].vs, B);
    assert_true(isnan(out[1].icer) && isnan(out[3].icer) && isnan(out[4].icer));
    /* one strategy; a non-finite mean */
    assert_int_equal(nelm_econ_incremental(cost, eff, 1, out, &e), 0);
    assert_int_equal(out[0].status, NELM_ECON_FRONTIER);
    const double bad[2] = {0, NAN};
    assert_int_equal(nelm_econ_incremental(bad, eff, 2, out, &e), NELM_ERR_PARAM);
    /* net monetary benefit */
    close_to(nelm_econ_nmb(1000, 1.1, 20000), 21000, 0);
}

/* 4 draws of 2 strategies (cost, effect): s0 always (0, 1); s1 (1000, 1.1),
 * (1000, 1.0), (500, 1.2), (3000, 1.1). At 10,000 per unit: NMB s0 10,000;
 * s1 10,000 (tie: s0), 9,000, 11,500, 8,000: CEAC 0.75 / 0.25, means 10,000
 * and 9,625 (best s0, 0.75), EVPI (10,000 + 10,000 + 11,500 + 10,000) / 4 -
 * 10,000 = 375. At 50,000: s1 54,000, 49,000, 59,500, 52,000 vs 50,000:
 * CEAC 0.25 / 0.75, means 50,000 and 53,625 (best s1, 0.75), EVPI 53,875 -
 * 53,625 = 250. At 0: s0 always, EVPI 0. */
static void
test_psa(void **state)
{
    (void)state;
    nelm_err e = {0};
    const double cost[8] = {0, 1000, 0, 1000, 0, 500, 0, 3000};
    const double eff[8] = {1, 1.1, 1, 1.0, 1, 1.2, 1, 1.1};
    const double wtp[3] = {10000, 50000, 0};
    double ceac[6], frontier[3], evpi[3];
    size_t best[3];
    assert_int_equal(nelm_econ_psa(cost, eff, 4, 2, wtp, 3, ceac, best, frontier, evpi, &e), 0);
    close_to(ceac[0], 0.75, 0);
    close_to(ceac[1], 0.25, 0);
    close_to(ceac[2], 0.25, 0);
    close_to(ceac[3], 0.75, 0);
    close_to(ceac[4], 1, 0);
    close_to(ceac[5], 0, 0);
    assert_int_equal(best[0], 0);
    assert_int_equal(best[1], 1);
    assert_int_equal(best[2], 0);
    close_to(frontier[0], 0.75, 0);
    close_to(frontier[1], 0.75, 0);
    close_to(frontier[2], 1, 0);
    close_to(evpi[0], 375, 1e-9);
    close_to(evpi[1], 250, 1e-9);
    close_to(evpi[2], 0, 0);
    /* optional outputs, bad input */
    assert_int_equal(nelm_econ_psa(cost, eff, 4, 2, wtp, 3, NULL, NULL, NULL, evpi, &e), 0);
    close_to(evpi[0], 375, 1e-9);
    assert_int_equal(nelm_econ_psa(cost, eff, 0, 2, wtp, 3, ceac, best, frontier, evpi, &e),
                     NELM_ERR_PARAM);
    const double inf[2] = {INFINITY, 0};
    assert_int_equal(nelm_econ_psa(inf, eff, 1, 2, wtp, 1, ceac, best, frontier, evpi, &e),
                     NELM_ERR_PARAM);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discounting),
        cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_psa),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
