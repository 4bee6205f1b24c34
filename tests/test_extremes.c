/* test_extremes.c — numerical extremes through the engine (issue #10):
 * every survival family with its parameters at the ends of what a parameter
 * file accepts (shapes and scales from 1e-300 to 1e300, locations to
 * ±1e300, rates of 0 and 1e300, Gompertz plateaus, the generalized gamma's
 * Q at ±1e300 and near its log-normal limit) and every hazard ratio at the
 * ends of its range (1e-3, 1e3, raised to the number of prior lines), with
 * the largest frailty variance, in days and years as well as months,
 * through every kind (resection, transplant with its waiting list, IAT,
 * PRRT with late toxicity, SSA as a backbone, targeted with toxicity,
 * observation) and best supportive care, on small cohorts:
 *   - every event time, line start and end, PFS, BSC start and OS finite,
 *     ordered and within [0, horizon];
 *   - the run's summaries (nelm_run, as `nelmsim run` makes them) have no
 *     NaN except where a quantity is undefined: a median not reached, OS at
 *     a landmark beyond follow-up;
 * and the distribution functions themselves at those parameters: draws
 * (plain and left-truncated, HR 1e-300 .. 1e300) finite and > 0 or "no
 * event", S(t) in [0, 1], cumulative hazard >= 0, quantiles >= 0 or +inf. */
#include "testutil.h"
#include "enginetest.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "engine.h"
#include "run.h"
#include "summary.h"

#define SEED UINT64_C(0x0e7e0001)
enum { NPAT = 16, MAXCASES = 512 };

/* ---- the extreme distributions --------------------------------------- */

static const double scales[] = {1e-300, 1e-8, 1, 1e8, 1e300};   /* scale, rate */
static const double shapes[] = {1e-300, 1e-3, 1, 1e3, 1e300};   /* shape, sdlog, sigma */
static const double locs[] = {-1e300, -700, 0, 700, 1e300};     /* meanlog, mu */
static const double gshapes[] = {-1e300, -1, 0, 1e-300, 1e300}; /* Gompertz shape */
static const double qs[] = {-1e150, -1, 1e-6, 1, 1e150};        /* gengamma Q (|Q| <= 1e150) */
static const char *const units[] = {"months", "days", "years"};

typedef struct dcase {
    char yaml[256]; /**< {dist: ...} */
    nelm_dist_family family;
    double par[3];
    int unit;
} dcase;

static dcase cases[MAXCASES];
static size_t ncases;

static void
add(nelm_dist_family f, double a, double b, double c)
{
    assert_true(ncases < MAXCASES);
    dcase *d = &cases[ncases];
    d->family = f;
    d->par[0] = a;
    d->par[1] = b;
    d->par[2] = c;
    d->unit = (int)(ncases % 3);
    size_t np = nelm_dist_nparams(f);
    int w = snprintf(d->yaml, sizeof d->yaml, "{dist: %s", nelm_dist_family_name(f));
    for (size_t i = 0; i < np; i++)
        w += snprintf(d->yaml + w, sizeof d->yaml - (size_t)w, ", %s: %.17g",
                      nelm_dist_param_name(f, i), d->par[i]);
    snprintf(d->yaml + w, sizeof d->yaml - (size_t)w, ", time_unit: %s}", units[d->unit]);
    ncases++;
}

static void
add_pexp(const char *yaml)
{
    assert_true(ncases < MAXCASES);
    dcase *d = &cases[ncases++];
    d->family = NELM_DIST_PEXP;
    snprintf(d->yaml, sizeof d->yaml, "%s", yaml);
}

static void
build_cases(void)
{
    ncases = 0;
    for (size_t i = 0; i < 5; i++)
        add(NELM_DIST_EXP, scales[i], 0, 0);
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 5; j++) {
            add(NELM_DIST_WEIBULL, shapes[i], scales[j], 0);
            add(NELM_DIST_WEIBULL_PH, shapes[i], scales[j], 0);
            add(NELM_DIST_LLOGIS, shapes[i], scales[j], 0);
            add(NELM_DIST_GAMMA, shapes[i], scales[j], 0);
            add(NELM_DIST_GOMPERTZ, gshapes[i], scales[j], 0);
            add(NELM_DIST_LNORM, locs[i], shapes[j], 0);
        }
    for (size_t i = 0; i < 5; i += 2)
        for (size_t j = 0; j < 5; j++)
            for (size_t k = 0; k < 5; k++)
                add(NELM_DIST_GENGAMMA, locs[i], shapes[j], qs[k]);
    add_pexp("{dist: pexp, cuts: [0], rates: [0]}");
    add_pexp("{dist: pexp, cuts: [0], rates: [1e300]}");
    add_pexp("{dist: pexp, cuts: [0, 1e-300, 1e300], rates: [1e300, 0, 1e-300], time_unit: days}");
    add_pexp("{dist: pexp, cuts: [0, 1, 2], rates: [0, 1e-300, 0], time_unit: years}");
    add_pexp("{dist: pexp, cuts: [0, 1e-8, 1e8], rates: [1e-8, 1e8, 0]}");
}

/* ---- the distribution functions -------------------------------------- */

static void
test_dist_functions(void **state)
{
    (void)state;
    static const double hr[] = {1e-300, 1e-9, 1e-3, 1, 1e3, 1e9, 1e300};
    static const double u[] = {1e-300, 0x1p-32, 1e-3, 0.5, 0.999, 1 - 0x1p-32, 1 - 0x1p-53};
    static const double t[] = {0, 1e-300, 1e-8, 1, 1e8, 1e300};
    size_t draws = 0;
    for (size_t c = 0; c < ncases; c++) {
        if (cases[c].family == NELM_DIST_PEXP)
            continue;
        nelm_dist d;
        nelm_err e = {0};
        if (nelm_dist_init(&d, cases[c].family, cases[c].par, (nelm_time_unit)cases[c].unit, &e) !=
            0)
            fail_msg("%s: %s", cases[c].yaml, e.msg);
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
            double s = nelm_dist_surv(&d, t[i]), h = nelm_dist_cumhaz(&d, t[i]);
            if (!(s >= 0 && s <= 1) || !(h >= 0))
                fail_msg("%s: S(%g) = %g, H = %g", cases[c].yaml, t[i], s, h);
        }
        for (size_t k = 0; k < sizeof u / sizeof u[0]; k++) {
            double q = nelm_dist_quantile(&d, u[k]);
            if (!(q >= 0))
                fail_msg("%s: quantile(%g) = %g", cases[c].yaml, u[k], q);
            for (size_t j = 0; j < sizeof hr / sizeof hr[0]; j++) {
                nelm_mod m = {0.0, 1.0, hr[j]};
                double x = -1;
                if (nelm_dist_draw(&d, &m, u[k], &x) && !(isfinite(x) && x > 0))
                    fail_msg("%s: draw(u %g, HR %g) = %g", cases[c].yaml, u[k], hr[j], x);
                x = -1;
                if (nelm_dist_draw_after(&d, &m, 7.5, u[k], &x) && !(isfinite(x) && x >= 7.5))
                    fail_msg("%s: draw after 7.5 (u %g, HR %g) = %g", cases[c].yaml, u[k], hr[j],
                             x);
                draws += 2;
            }
        }
    }
    /* beyond the accepted range: an error, not a distribution of NaNs */
    double q_huge[3] = {0, 1, 1e300};
    nelm_dist d;
    nelm_err e = {0};
    assert_int_equal(nelm_dist_init(&d, NELM_DIST_GENGAMMA, q_huge, NELM_UNIT_MONTHS, &e),
                     NELM_ERR_PARAM);
    assert_non_null(strstr(e.msg, "Q must be at most 1e150 in magnitude"));
    print_message("%zu distributions, %zu draws\n", ncases, draws);
}

/* ---- through the engine ------------------------------------------------ */

/* The model: D (the extreme distribution) for every time to progression,
 * waiting time, toxicity and late toxicity; for the disease deaths and the
 * untreated progression too when `all`, else mild ones. Every hazard ratio
 * section at `hr`; cure fraction `cure`. */
static nelm_params *
extreme_model(const char *D, bool all, double hr, double cure, double frailty, double months)
{
    const char *mild = "{dist: exp, rate: 0.01}";
    const char *dd = all ? D : mild;
    char h[256];
    snprintf(h, sizeof h,
             "{grade: {G1: %.17g, G2: %.17g, G3: %.17g}, extrahepatic: %.17g, prior_line: %.17g}",
             hr, hr, hr, hr, hr);
    size_t cap = 16384;
    char *body = malloc(cap);
    assert_non_null(body);
    snprintf(body, cap,
             "disease:\n"
             "  death_controlled: %s\n"
             "  death_controlled_hr: %s\n"
             "  death_progressed: %s\n"
             "  death_progressed_hr: %s\n"
             "  untreated_progression: %s\n"
             "  untreated_hr: %s\n"
             "  frailty_variance: %.17g\n"
             "  source: t\n"
             "horizon: {months: %.17g}\n"
             "modalities:\n"
             "  res: {kind: resection, ttp: %s, hr: %s, cure: %.17g, p_complete: 0.5,\n"
             "        hr_incomplete: %.17g, treatment_death: {p: 0.01, window: 1e-6},\n"
             "        source: t}\n"
             "  tx: {kind: transplant, ttp: %s, hr: %s, cure: %.17g, wait: %s,\n"
             "       wait_progression: %s, source: t}\n"
             "  tace: {kind: iat, ttp: %s, hr: %s, source: t}\n"
             "  lu: {kind: prrt, ttp: %s, hr: %s, p_late: 0.5, late_onset: %s,\n"
             "       p_late_death: 0.5, late_death: %s, source: t}\n"
             "  lan: {kind: ssa, ttp: %s, hr: %s, cure: %.17g, backbone_hr: %.17g,\n"
             "        source: t}\n"
             "  eve: {kind: targeted, ttp: %s, hr: %s, toxicity: %s, p_fatal_toxicity: 0.5,\n"
             "        source: t}\n"
             "  obs: {kind: observation, ttp: %s, hr: %s, source: t}\n"
             "strategies:\n"
             "  a: {lines: [{use: res}, {use: lan, backbone: true, switch_after: 6},\n"
             "              {use: tx}, {use: lu, delay: 1}, {use: eve, uptake: 0.9},\n"
             "              {use: tace}]}\n"
             "  b: {lines: [{first_eligible: [tx, tace, lu]}, {use: eve, delay: 1e-6,\n"
             "              on_toxicity: off_treatment}, {use: obs}]}\n"
             "  c: {lines: [{use: obs}]}\n",
             dd, h, dd, h, dd, h, frailty, months, D, h, cure, hr, D, h, cure, D, D, D, h, D, h, D,
             D, D, h, cure, hr, D, h, D, D, h);
    nelm_params *p = nelm_t_pinned_model(50.0, true, body);
    free(body);
    return p;
}

typedef struct tally {
    size_t n, deaths;
    double max_os;
} tally;

/* Simulate NPAT patients under every strategy: every time finite, ordered
 * and within [0, horizon]. */
static void
check_trajectories(const nelm_model *m, const char *what, tally *tl)
{
    const nelm_params *p = m->p;
    static nelm_trajectory tr;
    for (size_t s = 0; s < p->nstrategies; s++) {
        memset(&tl[s], 0, sizeof tl[s]);
        for (uint64_t i = 0; i < NPAT; i++) {
            nelm_patient pt;
            nelm_outcome o;
            nelm_t_sample(p, SEED, i, &pt);
            nelm_simulate(m, s, SEED, &pt, &o, &tr);
            double th = (p->horizon.age - pt.age) * 12.0;
            if (p->horizon.months < th)
                th = p->horizon.months;
            if (!(isfinite(o.os) && o.os >= 0 && o.os <= th))
                fail_msg("%s, strategy %zu, patient %llu: OS %g (horizon %g)", what, s,
                         (unsigned long long)i, o.os, th);
            if (!(o.bsc_start < 0 || (isfinite(o.bsc_start) && o.bsc_start <= o.os)))
                fail_msg("%s: BSC start %g, OS %g", what, o.bsc_start, o.os);
            double prev = 0;
            for (size_t k = 0; k < tr.n; k++) {
                double t = tr.ev[k].t;
                if (!(isfinite(t) && t >= prev && t <= o.os))
                    fail_msg("%s, strategy %zu, patient %llu: event %zu (%s) at %g after %g, OS %g",
                             what, s, (unsigned long long)i, k,
                             nelm_event_name((nelm_event_type)tr.ev[k].type), t, prev, o.os);
                prev = t;
            }
            for (size_t k = 0; k < o.nlines; k++) {
                const nelm_line_outcome *l = &o.line[k];
                if (!(isfinite(l->start) && l->start >= 0 && l->start <= l->end_t &&
                      l->end_t <= o.os && isfinite(l->pfs) && l->pfs >= 0 &&
                      l->start + l->pfs <= o.os * (1 + 1e-12)))
                    fail_msg("%s: line %zu: start %g end %g PFS %g, OS %g", what, k, l->start,
                             l->end_t, l->pfs, o.os);
            }
            tl[s].n++;
            tl[s].deaths += o.cause != NELM_CAUSE_NONE;
            if (o.os > tl[s].max_os)
                tl[s].max_os = o.os;
        }
    }
}

/* A median: a number in [0, max OS], or NaN when not reached. */
static void
check_median(const char *what, const char *name, double q, double lo, double hi, double max_os)
{
    if (isnan(q))
        return;
    if (!(q >= 0 && q <= max_os))
        fail_msg("%s: %s %g (max OS %g)", what, name, q, max_os);
    if (!isnan(lo) && !(lo >= 0 && lo <= q))
        fail_msg("%s: %s lower bound %g, estimate %g", what, name, lo, q);
    if (!isnan(hi) && !(hi >= q))
        fail_msg("%s: %s upper bound %g, estimate %g", what, name, hi, q);
}

#define FINITE(x, what, name)                                                                      \
    do {                                                                                           \
        if (!isfinite(x))                                                                          \
            fail_msg("%s: %s is %g", (what), (name), (x));                                         \
    } while (0)

/* The run's summaries: no NaN where the quantity is defined. */
static void
check_summaries(const nelm_model *m, const char *what, const tally *tl)
{
    const nelm_params *p = m->p;
    nelm_run_opts o;
    memset(&o, 0, sizeof o);
    o.seed = SEED;
    o.npatients = NPAT;
    o.nstrategies = p->nstrategies;
    for (size_t s = 0; s < p->nstrategies; s++)
        o.strategies[s] = s;
    o.tau = 120;
    o.threads = 1;
    o.block = 8;
    o.traj = NELM_TRAJ_NONE;
    o.deflate_level = -1;
    o.command_line = "test_extremes";
    o.model_name = "test";
    static nelm_run_result r;
    nelm_err e = {0};
    if (nelm_run(m, &o, &r, &e) != 0)
        fail_msg("%s: nelm_run: %s", what, e.msg);
    for (size_t s = 0; s < p->nstrategies; s++) {
        const nelm_summary *S = &r.sum[s];
        assert_int_equal(S->n, NPAT);
        FINITE(S->mean_os, what, "mean OS");
        FINITE(S->mean_os_se, what, "mean OS MCSE");
        FINITE(S->rmst, what, "RMST");
        FINITE(S->rmst_se, what, "RMST MCSE");
        FINITE(S->mean_lines, what, "mean lines");
        FINITE(S->diff_mean_os, what, "difference in mean OS");
        FINITE(S->diff_mean_os_se, what, "its MCSE");
        FINITE(S->diff_rmst, what, "difference in RMST");
        FINITE(S->diff_rmst_se, what, "its MCSE");
        /* (the mean of equal values may round one ulp above them) */
        if (!(S->mean_os >= 0 && S->mean_os <= tl[s].max_os * (1 + 1e-12) &&
              S->rmst <= 120 * (1 + 1e-12)))
            fail_msg("%s: mean OS %g, RMST %g, max OS %g", what, S->mean_os, S->rmst, tl[s].max_os);
        double share = 0;
        for (size_t c = 0; c < NELM_NCAUSES; c++) {
            FINITE(S->cause_share[c], what, "cause share");
            share += S->cause_share[c];
        }
        if (fabs(share - 1) > 1e-12)
            fail_msg("%s: causes of death add up to %g", what, share);
        for (size_t k = 0; k < NELM_NKINDS; k++)
            FINITE(S->kind_share[k], what, "kind share");
        /* the median is not reached only when fewer than half die (every
         * patient's horizon is the same to 1e-5 months) */
        if (isnan(S->median_os) && 2 * tl[s].deaths > tl[s].n + 1)
            fail_msg("%s: median OS NaN with %zu deaths of %zu", what, tl[s].deaths, tl[s].n);
        if (!isnan(S->median_os) && 2 * tl[s].deaths + 1 < tl[s].n)
            fail_msg("%s: median OS %g with %zu deaths of %zu", what, S->median_os, tl[s].deaths,
                     tl[s].n);
        check_median(what, "median OS", S->median_os, S->median_os_lo, S->median_os_hi,
                     tl[s].max_os);
        check_median(what, "median PFS", S->median_pfs1, S->median_pfs1_lo, S->median_pfs1_hi,
                     tl[s].max_os);
        for (size_t k = 0; k < S->nlines_pfs; k++)
            check_median(what, "median PFS of a line", S->pfs_median[k], S->pfs_lo[k], S->pfs_hi[k],
                         tl[s].max_os);
        for (size_t i = 0; i < NELM_NLANDMARKS; i++) {
            bool beyond = nelm_landmarks[i] > tl[s].max_os && tl[s].deaths < tl[s].n;
            if (beyond != isnan(S->os_at[i]))
                fail_msg("%s: OS at %g months is %g (max OS %g, %zu deaths of %zu)", what,
                         nelm_landmarks[i], S->os_at[i], tl[s].max_os, tl[s].deaths, tl[s].n);
            if (!beyond && !(S->os_at_lo[i] >= 0 && S->os_at_lo[i] <= S->os_at[i] &&
                             S->os_at[i] <= S->os_at_hi[i] && S->os_at_hi[i] <= 1))
                fail_msg("%s: OS at %g months %g (%g-%g)", what, nelm_landmarks[i], S->os_at[i],
                         S->os_at_lo[i], S->os_at_hi[i]);
        }
    }
    nelm_run_result_free(&r);
}

static void
run_case(const char *D, bool all, double hr, double cure, double frailty, double months,
         size_t *models)
{
    char what[512];
    snprintf(what, sizeof what, "D = %s (%s), HR %g, cure %g, frailty variance %g, horizon %g", D,
             all ? "everywhere" : "progression and toxicity", hr, cure, frailty, months);
    nelm_params *p = extreme_model(D, all, hr, cure, frailty, months);
    nelm_model m;
    nelm_t_model_init(&m, p);
    tally tl[NELM_MAX_STRATEGIES];
    check_trajectories(&m, what, tl);
    check_summaries(&m, what, tl);
    free(p);
    (*models)++;
}

static void
test_engine_extremes(void **state)
{
    (void)state;
    static const double hrs[] = {1e-3, 1, 1e3};
    size_t models = 0;
    for (size_t c = 0; c < ncases; c++) {
        /* each distribution at each HR limit; where it also rules the
         * deaths, with the largest frailty variance and the shortest and
         * longest horizons, and cure fractions 0 and 1 in turn */
        for (size_t h = 0; h < 3; h++)
            run_case(cases[c].yaml, false, hrs[h], 0.0, 0.0, 1200, &models);
        run_case(cases[c].yaml, true, hrs[c % 3], (double)(c % 2), 10.0, c % 4 == 0 ? 1 : 1800,
                 &models);
    }
    print_message("%zu models, %d patients under 3 strategies each\n", models, NPAT);
}

static int
setup(void **state)
{
    (void)state;
    build_cases();
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dist_functions),
        cmocka_unit_test(test_engine_extremes),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
