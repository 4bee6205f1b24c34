/* test_engine_stats.c — the engine's statistics at fixed seeds (DESIGN §2.2,
 * §4, §11):
 *   - competing risks: the cumulative incidence of "progression first" and
 *     "disease death first" against the closed form (exponential) and
 *     against numerical integration of f1 S2 and f2 S1 (Weibull);
 *   - with every death hazard off, the distribution of the time to
 *     progression equals the ttp input (Kolmogorov–Smirnov and pointwise);
 *   - mortality counted once: overall survival is exp(-b t) times the life
 *     table's survival from the patient's age (and the life table alone when
 *     disease death is off), with the deaths split between the causes as the
 *     net hazards say;
 *   - common random numbers: background death a function of (seed, patient)
 *     only; the n-th course of an instance the same on whichever line it
 *     falls; a repeat course different from the first.
 * Every statistical check passes within 5 standard errors (ZMAX) and, to show
 * it has the power it claims, fails against the same truth with a 3 % error
 * in one hazard. */
#include "testutil.h"
#include "enginetest.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "engine.h"
#include "lifetable.h"
#include "model.h"
#include "params.h"

#define SEED UINT64_C(0x0e1e5001)
#define ZMAX 5.0
/* Kolmogorov: P(sqrt(n) D > 2.2) = 1.3e-4 */
#define KS_MAX 2.2
/* the hazard error every check must detect */
#define HR_WRONG 1.03

/* NCIF_W: the Weibull deaths are rarer (13 % by 48 months) */
enum { NCIF = 200000, NCIF_W = 500000, NMORT = 200000, NMORT_BG = 400000, NCRN = 5000 };

/* Simpson's rule on [a, b] with n (even) intervals. */
static double
simpson(double (*f)(double, const void *), const void *ctx, double a, double b, int n)
{
    double h = (b - a) / n, s = f(a, ctx) + f(b, ctx);
    for (int i = 1; i < n; i++)
        s += (i % 2 ? 4.0 : 2.0) * f(a + i * h, ctx);
    return s * h / 3.0;
}

/* ==== 3. competing risks ==================================================== */

/* First events of patients on one observation line: type 0 progression, 1
 * disease death, 2 censored; time in months. */
typedef struct first_events {
    size_t n;
    double *t;
    unsigned char *type;
} first_events;

static first_events
simulate_first(const nelm_params *p, size_t n)
{
    nelm_model m;
    nelm_t_model_init(&m, p);
    first_events fe = {n, malloc(n * sizeof(double)), malloc(n)};
    assert_true(fe.t && fe.type);
    nelm_patient pt;
    nelm_outcome out;
    for (uint64_t i = 0; i < n; i++) {
        nelm_t_sample(p, SEED, i, &pt);
        nelm_simulate(&m, 0, SEED, &pt, &out, NULL);
        const nelm_line_outcome *l = &out.line[0];
        assert_int_equal(out.nlines, 1);
        fe.t[i] = l->end_t;
        if (l->end == NELM_END_PROGRESSION) {
            fe.type[i] = 0;
        } else if (l->end == NELM_END_DEATH) {
            if (out.cause != NELM_CAUSE_DISEASE)
                fail_msg("patient %llu: death of cause %s", (unsigned long long)i,
                         nelm_cause_name((nelm_cause)out.cause));
            fe.type[i] = 1;
        } else {
            assert_int_equal(l->end, NELM_END_CENSORED);
            fe.type[i] = 2;
        }
    }
    return fe;
}

static void
first_free(first_events *fe)
{
    free(fe->t);
    free(fe->type);
}

/* Cumulative incidences at t of progression (c[0]) and death (c[1]) with the
 * progression and death hazards multiplied by hr1 and hr2. */
typedef void (*cif_fn)(double hr1, double hr2, double t, double c[2]);

static const double cif_times[4] = {6, 12, 24, 48};

/* Within ZMAX of the truth at every time, for both causes; beyond ZMAX
 * somewhere with a HR_WRONG error in either hazard. */
static void
check_cif(const char *what, const first_events *fe, cif_fn fn)
{
    size_t k[4][2] = {{0}};
    for (size_t i = 0; i < fe->n; i++)
        for (int j = 0; j < 4; j++)
            if (fe->type[i] < 2 && fe->t[i] <= cif_times[j])
                k[j][fe->type[i]]++;
    print_message("  %s (n = %zu)\n", what, fe->n);
    double zmax_wrong[2] = {0, 0};
    for (int j = 0; j < 4; j++) {
        double c[2], w1[2], w2[2];
        fn(1.0, 1.0, cif_times[j], c);
        fn(HR_WRONG, 1.0, cif_times[j], w1);
        fn(1.0, HR_WRONG, cif_times[j], w2);
        for (int r = 0; r < 2; r++) {
            double z = nelm_t_z_share(k[j][r], fe->n, c[r]);
            print_message("    %-11s by %2.0f: %.5f, expected %.5f (%+.2f SE)\n",
                          r ? "death" : "progression", cif_times[j],
                          (double)k[j][r] / (double)fe->n, c[r], z);
            assert_true(fabs(z) < ZMAX);
            zmax_wrong[0] = fmax(zmax_wrong[0], fabs(nelm_t_z_share(k[j][r], fe->n, w1[r])));
            zmax_wrong[1] = fmax(zmax_wrong[1], fabs(nelm_t_z_share(k[j][r], fe->n, w2[r])));
        }
    }
    print_message("    with a %.0f %% error in the progression hazard: max |z| %.1f; in the "
                  "death hazard: %.1f\n",
                  100 * (HR_WRONG - 1), zmax_wrong[0], zmax_wrong[1]);
    assert_true(zmax_wrong[0] > ZMAX && zmax_wrong[1] > ZMAX);
}

#define RATE_A 0.05 /* progression */
#define RATE_B 0.03 /* disease death while controlled */

static void
cif_exp(double hr1, double hr2, double t, double c[2])
{
    double a = RATE_A * hr1, b = RATE_B * hr2, s = a + b;
    c[0] = a / s * -expm1(-s * t);
    c[1] = b / s * -expm1(-s * t);
}

static void
test_competing_exponential(void **state)
{
    (void)state;
    char body[1024];
    snprintf(body, sizeof body,
             "disease:\n"
             "  death_controlled: {dist: exp, rate: %.17g}\n"
             "  death_progressed: {dist: exp, rate: 0.1}\n"
             "  source: t\n"
             "modalities:\n"
             "  obs: {kind: observation, ttp: {dist: exp, rate: %.17g}, source: t}\n"
             "strategies:\n"
             "  obs: {lines: [{use: obs}]}\n",
             RATE_B, RATE_A);
    nelm_params *p = nelm_t_pinned_model(60.0, false, body);
    first_events fe = simulate_first(p, NCIF);
    check_cif("exponential progression 0.05 vs death 0.03", &fe, cif_exp);
    first_free(&fe);
    free(p);
}

/* Weibull progression (shape 1.5, scale 20) against Weibull disease death
 * (shape 0.8, scale 200): CIF_1(t) = ∫ f1 S2, CIF_2(t) = ∫ f2 S1, integrated
 * in v = u^(1/5) so that the integrands are smooth at 0 (f2 ~ u^-0.2). */
#define W1_K 1.5
#define W1_L 20.0
#define W2_K 0.8
#define W2_L 200.0

typedef struct wctx {
    double hr1, hr2;
    int cause; /* 0: f1 S2, 1: f2 S1 */
} wctx;

static double
weib_cumhaz(double t, double k, double l)
{
    return pow(t / l, k);
}

/* hr k/l (t/l)^(k-1) written so that t = v^5 keeps it finite */
static double
cif_integrand(double v, const void *vctx)
{
    const wctx *c = vctx;
    if (v == 0.0)
        return 0.0;
    double t = pow(v, 5.0);
    double s = exp(-c->hr1 * weib_cumhaz(t, W1_K, W1_L) - c->hr2 * weib_cumhaz(t, W2_K, W2_L));
    double k = c->cause ? W2_K : W1_K, l = c->cause ? W2_L : W1_L, hr = c->cause ? c->hr2 : c->hr1;
    /* hazard × dt/dv = hr k/l (t/l)^(k-1) · 5 v^4 = hr k 5 v^4 t^(k-1) / l^k */
    double h_dt = hr * k * 5.0 * pow(v, 4.0 + 5.0 * (k - 1.0)) / pow(l, k);
    return h_dt * s;
}

static void
cif_weibull(double hr1, double hr2, double t, double c[2])
{
    double vmax = pow(t, 0.2);
    for (int r = 0; r < 2; r++) {
        wctx ctx = {hr1, hr2, r};
        c[r] = simpson(cif_integrand, &ctx, 0.0, vmax, 4000);
    }
}

static void
test_competing_weibull(void **state)
{
    (void)state;
    /* the integrator first: the two incidences and survival add up to 1 */
    for (int j = 0; j < 4; j++) {
        double c[2], t = cif_times[j];
        cif_weibull(1.0, 1.0, t, c);
        double s = exp(-weib_cumhaz(t, W1_K, W1_L) - weib_cumhaz(t, W2_K, W2_L));
        assert_true(fabs(c[0] + c[1] + s - 1.0) < 1e-9);
    }
    nelm_params *p =
        nelm_t_pinned_model(60.0, false,
                            "disease:\n"
                            "  death_controlled: {dist: weibull, shape: 0.8, scale: 200}\n"
                            "  death_progressed: {dist: exp, rate: 0.1}\n"
                            "  source: t\n"
                            "modalities:\n"
                            "  obs: {kind: observation, ttp: {dist: weibull, shape: 1.5,\n"
                            "        scale: 20}, source: t}\n"
                            "strategies:\n"
                            "  obs: {lines: [{use: obs}]}\n");
    first_events fe = simulate_first(p, NCIF_W);
    check_cif("Weibull progression (1.5, 20) vs death (0.8, 200)", &fe, cif_weibull);
    first_free(&fe);
    free(p);
}

/* With every death hazard off (rate-0 piecewise exponentials, a life table
 * of zeros) the time to progression has the ttp distribution itself:
 * log-normal (meanlog 2.8, sdlog 0.8). No censoring before the horizon
 * (480 months, S = 1e-5 there), so the empirical CDF is the estimate. */
#define LN_MU 2.8
#define LN_SD 0.8

static double
lnorm_cdf(double t, double hr)
{
    double s = 0.5 * erfc((log(t) - LN_MU) / (LN_SD * sqrt(2.0)));
    return 1.0 - pow(s, hr);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* sqrt(n) sup |F_n - F| over the sorted sample x[0..n) (censored: +inf) */
static double
ks_stat(const double *x, size_t n, double hr)
{
    double d = 0.0;
    for (size_t i = 0; i < n && isfinite(x[i]); i++) {
        double f = lnorm_cdf(x[i], hr);
        d = fmax(d, fmax((double)(i + 1) / (double)n - f, f - (double)i / (double)n));
    }
    return sqrt((double)n) * d;
}

static void
test_progression_without_death(void **state)
{
    (void)state;
    nelm_params *p =
        nelm_t_pinned_model(60.0, false,
                            "disease:\n"
                            "  death_controlled: {dist: pexp, cuts: [0], rates: [0]}\n"
                            "  death_progressed: {dist: pexp, cuts: [0], rates: [0]}\n"
                            "  source: t\n"
                            "modalities:\n"
                            "  obs: {kind: observation, ttp: {dist: lnorm, meanlog: 2.8,\n"
                            "        sdlog: 0.8}, source: t}\n"
                            "strategies:\n"
                            "  obs: {lines: [{use: obs}]}\n");
    nelm_model m;
    nelm_t_model_init(&m, p);
    double *x = malloc(NCIF * sizeof *x);
    assert_non_null(x);
    nelm_patient pt;
    nelm_outcome out;
    size_t censored = 0;
    for (uint64_t i = 0; i < NCIF; i++) {
        nelm_t_sample(p, SEED, i, &pt);
        nelm_simulate(&m, 0, SEED, &pt, &out, NULL);
        /* nobody dies: every patient reaches the horizon */
        if (out.cause != NELM_CAUSE_NONE)
            fail_msg("patient %llu died (%s) with every death hazard off", (unsigned long long)i,
                     nelm_cause_name((nelm_cause)out.cause));
        if (out.line[0].end == NELM_END_PROGRESSION) {
            x[i] = out.line[0].end_t;
        } else {
            x[i] = INFINITY;
            censored++;
        }
    }
    assert_true(censored < 20);
    qsort(x, NCIF, sizeof *x, cmp_double);
    double ks = ks_stat(x, NCIF, 1.0), ks_wrong = ks_stat(x, NCIF, HR_WRONG);
    print_message("  time to progression: sqrt(n) D = %.3f (limit %.1f); with a 3 %% hazard "
                  "error %.2f\n",
                  ks, KS_MAX, ks_wrong);
    assert_true(ks < KS_MAX);
    assert_true(ks_wrong > KS_MAX);
    for (int j = 0; j < 4; j++) {
        double t = cif_times[j];
        size_t k = 0;
        while (k < NCIF && x[k] <= t)
            k++;
        double z = nelm_t_z_share(k, NCIF, lnorm_cdf(t, 1.0));
        print_message("    F(%2.0f) = %.5f, expected %.5f (%+.2f SE)\n", t, (double)k / NCIF,
                      lnorm_cdf(t, 1.0), z);
        assert_true(fabs(z) < ZMAX);
    }
    free(x);
    free(p);
}

/* ==== 4. mortality counted once ================================================ */

#define RATE_D 0.005 /* disease death, per month */

typedef struct lt_ctx {
    const nelm_lifetable *lt;
    double age, b;
} lt_ctx;

/* density of disease death first: b e^{-b u} S_lt(age, age + u/12) */
static double
disease_first(double u, const void *vctx)
{
    const lt_ctx *c = vctx;
    return c->b * exp(-c->b * u) * nelm_lifetable_surv(c->lt, NELM_FEMALE, c->age, c->age + u / 12);
}

/* Patients of 60 who never progress (cure 1) die of the disease at rate b
 * or of background: S(t) = exp(-b t) S_lt(age, age + t/12), averaged over the
 * patients' ages (60 ± 1e-4). b = 0: the life table alone. */
static void
mortality_once(double b, size_t n)
{
    char body[1024];
    if (b > 0)
        snprintf(body, sizeof body, "  death_controlled: {dist: exp, rate: %.17g}\n", b);
    else
        snprintf(body, sizeof body, "  death_controlled: {dist: pexp, cuts: [0], rates: [0]}\n");
    char text[2048];
    snprintf(text, sizeof text,
             "disease:\n%s"
             "  death_progressed: {dist: exp, rate: 0.1}\n"
             "  source: t\n"
             "modalities:\n"
             "  obs: {kind: observation, ttp: {dist: exp, rate: 0.1}, cure: 1, source: t}\n"
             "strategies:\n"
             "  obs: {lines: [{use: obs}]}\n",
             body);
    nelm_params *p = nelm_t_pinned_model(60.0, true, text);
    nelm_model m;
    nelm_t_model_init(&m, p);
    nelm_lifetable lt;
    nelm_err e = {0};
    if (nelm_lifetable_default(&lt, &e) != 0)
        fail_msg("%s", e.msg);

    static const double times[4] = {12, 60, 120, 240};
    size_t alive[4] = {0}, disease_by[4] = {0};
    double want[4] = {0}, wrong[4] = {0};
    nelm_patient pt;
    nelm_outcome out;
    for (uint64_t i = 0; i < n; i++) {
        nelm_t_sample(p, SEED, i, &pt);
        assert_true(pt.sex == NELM_FEMALE && fabs(pt.age - 60.0) <= 1e-4);
        nelm_simulate(&m, 0, SEED, &pt, &out, NULL);
        /* the horizon (age 100, 480 months) lies beyond the times checked */
        assert_true(out.cause == NELM_CAUSE_DISEASE || out.cause == NELM_CAUSE_BACKGROUND ||
                    (out.cause == NELM_CAUSE_NONE && out.os > 479.9));
        if (b == 0)
            assert_true(out.cause != NELM_CAUSE_DISEASE);
        for (int j = 0; j < 4; j++) {
            double t = times[j];
            double s_lt = nelm_lifetable_surv(&lt, NELM_FEMALE, pt.age, pt.age + t / 12.0);
            want[j] += exp(-b * t) * s_lt;
            /* a 3 % error in the disease hazard, or (b = 0) in background */
            wrong[j] += b > 0 ? exp(-HR_WRONG * b * t) * s_lt : pow(s_lt, HR_WRONG);
            if (out.os > t)
                alive[j]++;
            else if (out.cause == NELM_CAUSE_DISEASE)
                disease_by[j]++;
        }
    }
    print_message("  disease death %g / month, background US 2015 from 60 (n = %zu)\n", b, n);
    double zw = 0;
    for (int j = 0; j < 4; j++) {
        want[j] /= (double)n;
        wrong[j] /= (double)n;
        double z = nelm_t_z_share(alive[j], n, want[j]);
        print_message("    S(%3.0f) = %.5f, expected %.5f (%+.2f SE)\n", times[j],
                      (double)alive[j] / (double)n, want[j], z);
        assert_true(fabs(z) < ZMAX);
        zw = fmax(zw, fabs(nelm_t_z_share(alive[j], n, wrong[j])));
        if (b > 0) {
            /* P(disease death by t) = ∫0^t b e^{-bu} S_lt du */
            lt_ctx c = {&lt, 60.0, b};
            double pd = simpson(disease_first, &c, 0.0, times[j], 40 * (int)times[j]);
            double zd = nelm_t_z_share(disease_by[j], n, pd);
            print_message("      disease deaths by %3.0f: %.5f, expected %.5f (%+.2f SE)\n",
                          times[j], (double)disease_by[j] / (double)n, pd, zd);
            assert_true(fabs(zd) < ZMAX);
        }
    }
    print_message("    with a 3 %% error in the %s hazard: max |z| %.1f\n",
                  b > 0 ? "disease" : "background", zw);
    assert_true(zw > ZMAX);
    free(p);
}

static void
test_mortality_once(void **state)
{
    (void)state;
    mortality_once(RATE_D, NMORT);
}

static void
test_background_alone(void **state)
{
    (void)state;
    mortality_once(0.0, NMORT_BG);
}

/* ==== 5. common random numbers ============================================== */

/* (a) Background death is a function of (seed, patient): the same under every
 * strategy and every disease parameter; a patient dying of background dies
 * exactly then, and nobody outlives it. */
static void
test_crn_background(void **state)
{
    (void)state;
    nelm_params *p = calloc(1, sizeof *p), *p2 = calloc(1, sizeof *p2);
    assert_true(p && p2);
    nelm_err e = {0};
    const char *sets[] = {"disease.death_controlled.rate=0.01",
                          "modalities.lanreotide.ttp.scale=30"};
    if (nelm_params_load(p, NULL, NULL, 0, &e) != 0 || nelm_params_load(p2, NULL, sets, 2, &e))
        fail_msg("default model: %s", e.msg);
    nelm_model m, m2;
    nelm_t_model_init(&m, p);
    nelm_t_model_init(&m2, p2);
    nelm_patient pt, pt2;
    nelm_outcome out;
    size_t nbg[NELM_MAX_STRATEGIES] = {0}, multi = 0;
    for (uint64_t i = 0; i < NCRN; i++) {
        nelm_t_sample(p, SEED, i, &pt);
        nelm_t_sample(p2, SEED, i, &pt2);
        assert_true(pt.age == pt2.age && pt.sex == pt2.sex && pt.ki67 == pt2.ki67);
        double t_bg = nelm_background_death(&m, SEED, &pt);
        assert_true(t_bg > 0);
        /* a function of seed and patient: the same in the other model */
        assert_true(nelm_background_death(&m2, SEED, &pt2) == t_bg);
        size_t nb = 0;
        for (size_t s = 0; s < p->nstrategies; s++) {
            for (int v = 0; v < 2; v++) {
                nelm_simulate(v ? &m2 : &m, s, SEED, &pt, &out, NULL);
                if (!(out.os <= t_bg))
                    fail_msg("patient %llu, %s: alive at %.17g after background death at %.17g",
                             (unsigned long long)i, p->strategies[s].name, out.os, t_bg);
                if (out.cause == NELM_CAUSE_BACKGROUND) {
                    if (out.os != t_bg)
                        fail_msg("patient %llu, %s: background death at %.17g, drawn %.17g",
                                 (unsigned long long)i, p->strategies[s].name, out.os, t_bg);
                    if (v == 0) {
                        nbg[s]++;
                        nb++;
                    }
                }
            }
        }
        if (nb >= 2)
            multi++;
    }
    print_message("  %zu patients die of background at the same time under two or more "
                  "strategies\n",
                  multi);
    for (size_t s = 0; s < p->nstrategies; s++)
        assert_true(nbg[s] > 50);
    assert_true(multi > 200);
    free(p);
    free(p2);
}

/* (b) The first course of instance x gives the same progression (duration
 * from the line start and site) and the same disease death on line 1 of
 * A = [x, w, v] as on line 3 of B = [w, v, x]; HRs are 1, no frailty. (c) A
 * second course of tace differs from the first, and is the same whether it
 * is a repeat on line 1 or the first course on line 3. */
static const char crn_body[] =
    "disease:\n"
    "  death_controlled: {dist: exp, rate: 0.01}\n"
    "  death_progressed: {dist: exp, rate: 0.05}\n"
    "  source: t\n"
    "modalities:\n"
    "  x: {kind: targeted, ttp: {dist: weibull, shape: 1.2, scale: 15}, p_hepatic: 0.5,\n"
    "      source: t}\n"
    "  w: {kind: ssa, ttp: {dist: exp, rate: 0.1}, source: t}\n"
    "  v: {kind: observation, ttp: {dist: exp, rate: 0.1}, source: t}\n"
    "  tace: {kind: iat, ttp: {dist: exp, rate: 0.1}, p_hepatic: 1, max_courses: 4,\n"
    "         duration: 1, source: t}\n"
    "  x2: {kind: targeted, ttp: {dist: weibull, shape: 1.2, scale: 15}, hr: {prior_line: 1.5},\n"
    "       p_hepatic: 0.5, source: t}\n"
    "  sun: {kind: targeted, ttp: {dist: exp, rate: 0.1}, eligibility: {sites: [pancreas]},\n"
    "        source: t}\n"
    "strategies:\n"
    "  A: {lines: [{use: x}, {use: w}, {use: v}]}\n"
    "  B: {lines: [{use: w}, {use: v}, {use: x}]}\n"
    "  T: {lines: [{use: tace, repeats: 1}]}\n"
    "  C: {lines: [{use: tace, repeats: 0}, {use: v}, {use: tace, repeats: 0}]}\n"
    "  A2: {lines: [{use: x2}, {use: w}, {use: v}]}\n"
    "  B2: {lines: [{use: w}, {use: v}, {use: x2}]}\n"
    "  D2: {lines: [{use: sun}, {use: w}, {use: x2}]}\n";

/* The line outcome with number `number`; NULL when not started. */
static const nelm_line_outcome *
line_numbered(const nelm_outcome *o, int number)
{
    for (size_t l = 0; l < o->nlines; l++)
        if (o->line[l].number == number)
            return &o->line[l];
    return NULL;
}

/* Site of the progression event on line `line`; -1 when none. */
static int
progression_site(const nelm_trajectory *tr, int line)
{
    for (size_t k = 0; k < tr->n; k++)
        if (tr->ev[k].type == NELM_EV_PROGRESSION && tr->ev[k].line == line)
            return tr->ev[k].detail;
    return -1;
}

static bool
same_time(double a, double b)
{
    return fabs(a - b) <= 1e-9 * (1.0 + fabs(a) + fabs(b));
}

static void
test_crn_instance(void **state)
{
    (void)state;
    nelm_params *p = nelm_t_pinned_model(60.0, false, crn_body);
    nelm_model m;
    nelm_t_model_init(&m, p);
    static nelm_trajectory ta, tb;
    nelm_patient pt;
    nelm_outcome oa, ob;
    size_t sa = nelm_t_strategy(p, "A"), sb = nelm_t_strategy(p, "B");
    size_t n_prog = 0, n_death = 0, n_ext = 0;
    for (uint64_t i = 0; i < NCRN; i++) {
        nelm_t_sample(p, SEED, i, &pt);
        nelm_simulate(&m, sa, SEED, &pt, &oa, &ta);
        nelm_simulate(&m, sb, SEED, &pt, &ob, &tb);
        const nelm_line_outcome *la = line_numbered(&oa, 1), *lb = line_numbered(&ob, 3);
        assert_non_null(la);
        if (lb == NULL || lb->end == NELM_END_CENSORED)
            continue;
        assert_true(la->instance == lb->instance);
        double da = la->end_t - la->start, db = lb->end_t - lb->start;
        if (la->end != lb->end || !same_time(da, db))
            fail_msg("patient %llu: x ends by %s after %.17g on line 1 of A, by %s after "
                     "%.17g on line 3 of B",
                     (unsigned long long)i, nelm_line_end_name((nelm_line_end)la->end), da,
                     nelm_line_end_name((nelm_line_end)lb->end), db);
        if (la->end == NELM_END_PROGRESSION) {
            int sa_site = progression_site(&ta, 1), sb_site = progression_site(&tb, 3);
            if (sa_site < 0 || sa_site != sb_site)
                fail_msg("patient %llu: progression site %d on A, %d on B", (unsigned long long)i,
                         sa_site, sb_site);
            n_prog++;
            if (sa_site == NELM_SITE_EXTRAHEPATIC)
                n_ext++;
        } else {
            assert_int_equal(la->end, NELM_END_DEATH);
            assert_true(oa.cause == NELM_CAUSE_DISEASE && ob.cause == NELM_CAUSE_DISEASE);
            n_death++;
        }
    }
    print_message("  x on line 1 and line 3: %zu identical progressions (%zu extrahepatic), "
                  "%zu identical disease deaths\n",
                  n_prog, n_ext, n_death);
    assert_true(n_prog > 1000 && n_ext > 300 && n_death > 30);

    /* (c) repeat courses */
    size_t st = nelm_t_strategy(p, "T"), sc = nelm_t_strategy(p, "C");
    size_t n2 = 0, nsame = 0, n3 = 0, ncourse2 = 0, ndeath2 = 0;
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (uint64_t i = 0; i < NCRN; i++) {
        nelm_t_sample(p, SEED, i, &pt);
        nelm_simulate(&m, st, SEED, &pt, &oa, &ta);
        double t_start = -1, t_p1 = -1, t_c2 = -1, t_p2 = -1;
        for (size_t k = 0; k < ta.n; k++) {
            const nelm_event *ev = &ta.ev[k];
            if (ev->type == NELM_EV_LINE_START)
                t_start = ev->t;
            else if (ev->type == NELM_EV_PROGRESSION && t_p1 < 0)
                t_p1 = ev->t;
            else if (ev->type == NELM_EV_COURSE_START)
                t_c2 = ev->t;
            else if (ev->type == NELM_EV_PROGRESSION)
                t_p2 = ev->t;
        }
        /* disease death while controlled is drawn again for the second
         * course: it comes first with probability 0.01 / (0.01 + 0.1) */
        if (t_c2 >= 0) {
            ncourse2++;
            if (t_p2 < 0 && oa.cause == NELM_CAUSE_DISEASE)
                ndeath2++;
        }
        if (t_p2 < 0)
            continue;
        assert_true(t_c2 == t_p1);
        double d1 = t_p1 - t_start, d2 = t_p2 - t_c2;
        n2++;
        if (same_time(d1, d2))
            nsame++;
        sx += d1;
        sy += d2;
        sxx += d1 * d1;
        syy += d2 * d2;
        sxy += d1 * d2;
        /* the second use of tace on line 3 of C is the same draw */
        nelm_simulate(&m, sc, SEED, &pt, &ob, &tb);
        const nelm_line_outcome *l3 = line_numbered(&ob, 3);
        if (l3 != NULL && l3->end == NELM_END_PROGRESSION) {
            if (!same_time(l3->end_t - l3->start, d2))
                fail_msg("patient %llu: second tace course %.17g as a repeat, %.17g on line 3",
                         (unsigned long long)i, d2, l3->end_t - l3->start);
            n3++;
        }
    }
    double nn = (double)n2;
    double r = (sxy / nn - sx / nn * sy / nn) /
               sqrt((sxx / nn - sx / nn * sx / nn) * (syy / nn - sy / nn * sy / nn));
    print_message("  tace: %zu patients with two courses, %zu with equal durations, "
                  "correlation %.4f; %zu second courses on line 3 identical\n",
                  n2, nsame, r, n3);
    assert_true(n2 > 1000 && n3 > 1000);
    assert_true(nsame == 0);
    double z2 = nelm_t_z_share(ndeath2, ncourse2, 0.01 / 0.11);
    print_message("  disease death first in the second course: %zu / %zu (%+.2f SE)\n", ndeath2,
                  ncourse2, z2);
    assert_true(fabs(z2) < ZMAX);
    assert_true(fabs(r) < ZMAX / sqrt(nn));
    free(p);
}

/* The line effect, on the same draws: x2 has hr.prior_line 1.5, so on line 3
 * after two lines its Weibull (shape 1.2) progression time is the line-1 time
 * times 1.5^(-2/1.2); after a skipped line and one started line (D2) the
 * factor is 1.5^(-1/1.2): only lines started count as prior lines. */
static void
test_prior_line_hr(void **state)
{
    (void)state;
    nelm_params *p = nelm_t_pinned_model(60.0, false, crn_body);
    nelm_model m;
    nelm_t_model_init(&m, p);
    nelm_patient pt;
    nelm_outcome o[3];
    const char *names[3] = {"A2", "B2", "D2"};
    const int line[3] = {1, 3, 3};
    const double factor[3] = {1.0, pow(1.5, -2.0 / 1.2), pow(1.5, -1.0 / 1.2)};
    size_t n = 0;
    for (uint64_t i = 0; i < NCRN; i++) {
        nelm_t_sample(p, SEED, i, &pt);
        const nelm_line_outcome *l[3];
        bool all = true;
        for (int v = 0; v < 3; v++) {
            nelm_simulate(&m, nelm_t_strategy(p, names[v]), SEED, &pt, &o[v], NULL);
            l[v] = line_numbered(&o[v], line[v]);
            all = all && l[v] != NULL && l[v]->end == NELM_END_PROGRESSION;
        }
        if (!all)
            continue;
        assert_int_equal(o[2].line[0].number, 2); /* line 1 of D2 was skipped */
        double d0 = l[0]->end_t - l[0]->start;
        for (int v = 1; v < 3; v++) {
            double d = l[v]->end_t - l[v]->start;
            if (!same_time(d, d0 * factor[v]))
                fail_msg("patient %llu, %s: x2 progresses after %.17g on line 3, expected "
                         "%.17g (%.17g on line 1 times %.6f)",
                         (unsigned long long)i, names[v], d, d0 * factor[v], d0, factor[v]);
        }
        n++;
    }
    print_message("  %zu patients: line-3 progression times scaled by the prior-line hazard "
                  "ratio\n",
                  n);
    assert_true(n > 1000);
    free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_competing_exponential),
        cmocka_unit_test(test_competing_weibull),
        cmocka_unit_test(test_progression_without_death),
        cmocka_unit_test(test_mortality_once),
        cmocka_unit_test(test_background_alone),
        cmocka_unit_test(test_crn_background),
        cmocka_unit_test(test_crn_instance),
        cmocka_unit_test(test_prior_line_hr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
