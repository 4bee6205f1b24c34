/* test_econ_patient.c — life years, QALYs and costs of hand-built
 * trajectories (sim/econ_patient.h) against hand computation with the
 * closed form of continuous discounting, written out here on its own
 * (1.035^(-t/12) integrated: 12 (v^a - v^b) / ln 1.035, v = 1.035^(-1/12));
 * the accumulator's economics columns through append and pack; the
 * incremental analysis of a run's summaries with its paired SEs. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "econ_patient.h"
#include "enginetest.h"
#include "summary.h"

/* discount rates of the test model: costs 3.5 %, effects 1.5 % a year */
#define RC 0.035
#define RE 0.015

/* integral of (1 + r)^(-t / 12) over [a, b] months, and its value at t */
static double
pv(double a, double b, double r)
{
    double l = log(1 + r);
    return 12.0 / l * (pow(1 + r, -a / 12.0) - pow(1 + r, -b / 12.0));
}

static double
at(double t, double r)
{
    return pow(1 + r, -t / 12.0);
}

static const char model[] =
    "include: [builtin:params/nelm/cohort.yaml, builtin:params/nelm/disease.yaml,\n"
    "          builtin:params/nelm/modalities.yaml]\n"
    "strategies:\n"
    "  rich:\n"
    "    lines:\n"
    "      - {use: lanreotide, backbone: true}\n"
    "      - use: tace\n"
    "      - {use: everolimus, delay: 3, on_toxicity: off_treatment}\n"
    "  tx:\n"
    "    lines: [{use: transplant}, {use: lutetium}]\n"
    "  obs:\n"
    "    lines: [{use: observation}]\n"
    "economics:\n"
    "  currency: GBP\n"
    "  price_year: 2020\n"
    "  discount: {costs: 0.035, effects: 0.015, source: test}\n"
    "  utility: {post_progression: 0.6, best_supportive_care: 0.5, uncontrolled_syndrome: 0.3,\n"
    "            source: test}\n"
    "  best_supportive_care: {cost_month: 200, source: test}\n"
    "  norms: {apply: false, source: test}\n"
    "  modalities:\n"
    "    lanreotide: {cost_month: 1000, utility: 0.8, source: test}\n"
    "    tace: {cost_course: 5000, cost_month: 100, utility: 0.75, source: test}\n"
    "    everolimus: {cost_month: 2500, utility: 0.7, toxicity_cost: 700,\n"
    "                 toxicity_disutility: 0.2, toxicity_months: 1, source: test}\n"
    "    transplant: {cost_course: 60000, utility: 0.85, source: test}\n"
    "    lutetium: {cost_course: 70000, cost_month: 10, utility: 0.79, source: test}\n"
    "    observation: {cost_month: 50, utility: 0.78, source: test}\n";

typedef struct fixture {
    nelm_params *p;
    nelm_patient pt;
    nelm_trajectory tr;
    nelm_outcome o;
} fixture;

static void
ev(fixture *f, double t, int type, int detail, const char *inst)
{
    nelm_event *e = &f->tr.ev[f->tr.n++];
    memset(e, 0, sizeof *e);
    e->t = t;
    e->type = (uint8_t)type;
    e->detail = (uint8_t)detail;
    e->instance = inst ? nelm_t_instance(f->p, inst) : NELM_INSTANCE_NONE;
}

static void
line(fixture *f, const char *inst, int number, int end, double start, double end_t)
{
    nelm_line_outcome *l = &f->o.line[f->o.nlines++];
    memset(l, 0, sizeof *l);
    l->instance = nelm_t_instance(f->p, inst);
    l->number = (int16_t)number;
    l->end = (uint8_t)end;
    l->start = start;
    l->end_t = end_t;
}

static void
setup(fixture *f, double age, bool male, bool syndrome)
{
    memset(f, 0, sizeof *f);
    f->p = nelm_t_load_yaml(model);
    f->pt.age = age;
    f->pt.sex = male ? NELM_MALE : NELM_FEMALE;
    f->pt.syndrome = syndrome;
    f->pt.functional = syndrome;
    f->pt.entry_line = 1;
    f->o.bsc_start = -1;
}

/* the values into out; returns the pieces integrated */
static size_t
run(fixture *f, const char *strategy, double out[NELM_ECON_NACC])
{
    nelm_econ_pre pre;
    nelm_econ_prepare(f->p, &f->pt, &pre);
    return nelm_econ_patient(f->p, nelm_t_strategy(f->p, strategy), &f->pt, &pre, &f->o, &f->tr,
                             out);
}

/* lanreotide (backbone) 0-10, TACE 10-30 in two courses with 2-month
 * procedures, progression 30, a 3-month delay, everolimus 33-45 with a
 * toxicity at 40 (off treatment, still controlled), BSC 45, death 60 */
static void
rich_trajectory(fixture *f)
{
    ev(f, 0, NELM_EV_LINE_START, 0, "lanreotide");
    ev(f, 10, NELM_EV_PROGRESSION, 0, "lanreotide");
    ev(f, 10, NELM_EV_LINE_START, 0, "tace");
    ev(f, 12, NELM_EV_TREATMENT_END, 0, "tace");
    ev(f, 18, NELM_EV_PROGRESSION, 0, "tace");
    ev(f, 18, NELM_EV_COURSE_START, 0, "tace");
    ev(f, 20, NELM_EV_TREATMENT_END, 0, "tace");
    ev(f, 30, NELM_EV_PROGRESSION, 1, "tace");
    ev(f, 33, NELM_EV_LINE_START, 0, "everolimus");
    ev(f, 40, NELM_EV_TOXICITY, 0, "everolimus");
    ev(f, 40, NELM_EV_DISCONTINUATION, 0, "everolimus");
    ev(f, 45, NELM_EV_PROGRESSION, 0, "everolimus");
    ev(f, 45, NELM_EV_BSC_START, 0, NULL);
    ev(f, 60, NELM_EV_DEATH, NELM_CAUSE_DISEASE, NULL);
    line(f, "lanreotide", 1, NELM_END_PROGRESSION, 0, 10);
    line(f, "tace", 2, NELM_END_PROGRESSION, 10, 30);
    f->o.line[1].courses = 2;
    line(f, "everolimus", 3, NELM_END_PROGRESSION, 33, 45);
    f->o.os = 60;
    f->o.cause = NELM_CAUSE_DISEASE;
    f->o.bsc_start = 45;
}

static void
test_rich(void **state)
{
    (void)state;
    for (int syn = 0; syn < 2; syn++) {
        fixture f;
        setup(&f, 60.5, false, syn);
        rich_trajectory(&f);
        double v[NELM_ECON_NACC];
        /* pieces (the bench's economics floor counts them): 0-10, 10-12,
         * 12-18, 18-20, 20-30, 30-33, 33-40, 40-45, 45-60 and the toxicity's
         * disutility 40-41 */
        assert_int_equal(run(&f, "rich", v), 10);
        /* utilities by state (months): lanreotide 0-10, TACE progression-free
         * 10-30, post-progression 30-33 (the backbone SSA controls the
         * syndrome), everolimus 33-45 less 0.2 over 40-41, BSC 45-60 (the
         * syndrome uncontrolled there) */
        double ub = syn ? 0.3 : 0.5;
        double q_u = (0.8 * 10 + 0.75 * 20 + 0.6 * 3 + 0.7 * 12 - 0.2 * 1 + ub * 15) / 12;
        double q_d = (0.8 * pv(0, 10, RE) + 0.75 * pv(10, 30, RE) + 0.6 * pv(30, 33, RE) +
                      0.7 * pv(33, 45, RE) - 0.2 * pv(40, 41, RE) + ub * pv(45, 60, RE)) /
                     12;
        /* costs: lanreotide 0-10 and as backbone 10-45; TACE 5000 at 10 and
         * 18, 100 a month over 10-12 and 18-20; everolimus 2500 a month over
         * 33-40 (discontinued), toxicity 700 at 40; BSC 200 a month 45-60 */
        double c_u = 1000 * 45 + 5000 * 2 + 100 * 4 + 2500 * 7 + 700 + 200 * 15;
        double c_d = 1000 * pv(0, 45, RC) + 5000 * (at(10, RC) + at(18, RC)) +
                     100 * (pv(10, 12, RC) + pv(18, 20, RC)) + 2500 * pv(33, 40, RC) +
                     700 * at(40, RC) + 200 * pv(45, 60, RC);
        assert_close_rel(v[NELM_ECON_QALY_U], q_u, 1e-12);
        assert_close_rel(v[NELM_ECON_QALY], q_d, 1e-12);
        assert_close_rel(v[NELM_ECON_COST_U], c_u, 1e-12);
        assert_close_rel(v[NELM_ECON_COST], c_d, 1e-12);
        assert_close_rel(v[NELM_ECON_LY], pv(0, 60, RE) / 12, 1e-12);
        free(f.p);
    }
}

/* Age-adjusted: lanreotide 0-30 then death, a man of 60.5: birthdays at 6
 * and 18 months, the utility times N(a) / N(60) for a = 60, 61, 62 */
static void
test_norms(void **state)
{
    (void)state;
    fixture f;
    setup(&f, 60.5, true, false);
    f.p->econ.norms = true;
    const nelm_econ_params *x = &f.p->econ;
    assert_close_rel(x->norm_c0, 0.9508566, 1e-15); /* Ara & Brazier 2010, the defaults */
    ev(&f, 0, NELM_EV_LINE_START, 0, "lanreotide");
    ev(&f, 30, NELM_EV_DEATH, NELM_CAUSE_BACKGROUND, NULL);
    line(&f, "lanreotide", 1, NELM_END_DEATH, 0, 30);
    f.o.os = 30;
    double N[3];
    for (int k = 0; k < 3; k++) {
        double a = 60 + k;
        N[k] = 0.9508566 + 0.0212126 - 0.0002587 * a - 0.0000332 * a * a;
    }
    double v[NELM_ECON_NACC];
    run(&f, "rich", v);
    double q_u = 0.8 * (6 + 12 * N[1] / N[0] + 12 * N[2] / N[0]) / 12;
    double q_d =
        0.8 * (pv(0, 6, RE) + N[1] / N[0] * pv(6, 18, RE) + N[2] / N[0] * pv(18, 30, RE)) / 12;
    assert_close_rel(v[NELM_ECON_QALY_U], q_u, 1e-12);
    assert_close_rel(v[NELM_ECON_QALY], q_d, 1e-12);
    assert_close_rel(v[NELM_ECON_COST_U], 1000.0 * 30, 1e-12);
    free(f.p);
}

/* A transplant is costed when performed: not for a dropout from the list;
 * a PRRT course's cost at its start, its monthly cost over the course */
static void
test_transplant(void **state)
{
    (void)state;
    fixture f;
    /* listed 0-3, dropout (progression) at 3, PRRT 3-11 (treatment end),
     * progression 20, BSC 20, death 30 */
    setup(&f, 50, false, false);
    ev(&f, 0, NELM_EV_LINE_START, 0, "transplant");
    ev(&f, 3, NELM_EV_WAITLIST_DROPOUT, 0, "transplant");
    ev(&f, 3, NELM_EV_LINE_START, 0, "lutetium");
    ev(&f, 11, NELM_EV_TREATMENT_END, 0, "lutetium");
    ev(&f, 20, NELM_EV_PROGRESSION, 0, "lutetium");
    ev(&f, 20, NELM_EV_BSC_START, 0, NULL);
    ev(&f, 30, NELM_EV_DEATH, NELM_CAUSE_DISEASE, NULL);
    line(&f, "transplant", 1, NELM_END_DROPOUT, 0, 3);
    line(&f, "lutetium", 2, NELM_END_PROGRESSION, 3, 20);
    f.o.os = 30;
    double v[NELM_ECON_NACC];
    run(&f, "tx", v);
    assert_close_rel(v[NELM_ECON_COST_U], 70000 + 10 * 8 + 200 * 10, 1e-12);
    assert_close_rel(v[NELM_ECON_COST],
                     70000 * at(3, RC) + 10 * pv(3, 11, RC) + 200 * pv(20, 30, RC), 1e-12);
    assert_close_rel(v[NELM_ECON_QALY_U], (0.85 * 3 + 0.79 * 17 + 0.5 * 10) / 12, 1e-12);
    free(f.p);

    /* listed 0-4, transplanted at 4, recurrence 30, PRRT not given
     * (censored at 40 after BSC from 30) */
    setup(&f, 50, false, false);
    ev(&f, 0, NELM_EV_LINE_START, 0, "transplant");
    ev(&f, 4, NELM_EV_TREATMENT_START, 0, "transplant");
    ev(&f, 30, NELM_EV_RECURRENCE, 0, "transplant");
    ev(&f, 30, NELM_EV_LINE_SKIPPED, 0, "lutetium");
    ev(&f, 30, NELM_EV_BSC_START, 0, NULL);
    ev(&f, 40, NELM_EV_CENSORED, 0, NULL);
    line(&f, "transplant", 1, NELM_END_PROGRESSION, 0, 30);
    f.o.os = 40;
    run(&f, "tx", v);
    assert_close_rel(v[NELM_ECON_COST_U], 60000 + 200 * 10, 1e-12);
    assert_close_rel(v[NELM_ECON_COST], 60000 * at(4, RC) + 200 * pv(30, 40, RC), 1e-12);
    free(f.p);

    /* died on the list: no transplant cost */
    setup(&f, 50, false, false);
    ev(&f, 0, NELM_EV_LINE_START, 0, "transplant");
    ev(&f, 2, NELM_EV_DEATH, NELM_CAUSE_BACKGROUND, NULL);
    line(&f, "transplant", 1, NELM_END_DEATH, 0, 2);
    f.o.os = 2;
    run(&f, "tx", v);
    assert_close_rel(v[NELM_ECON_COST_U], 0, 0);
    free(f.p);
}

/* Observation: its monthly cost until progression; with carcinoid
 * syndrome the uncontrolled-syndrome utility throughout */
static void
test_observation_syndrome(void **state)
{
    (void)state;
    for (int syn = 0; syn < 2; syn++) {
        fixture f;
        setup(&f, 70, false, syn);
        ev(&f, 0, NELM_EV_LINE_START, 0, "observation");
        ev(&f, 18, NELM_EV_PROGRESSION, 0, "observation");
        ev(&f, 18, NELM_EV_BSC_START, 0, NULL);
        ev(&f, 24, NELM_EV_DEATH, NELM_CAUSE_DISEASE, NULL);
        line(&f, "observation", 1, NELM_END_PROGRESSION, 0, 18);
        f.o.os = 24;
        double v[NELM_ECON_NACC];
        run(&f, "obs", v);
        double q = syn ? 0.3 * 24 / 12.0 : (0.78 * 18 + 0.5 * 6) / 12;
        assert_close_rel(v[NELM_ECON_QALY_U], q, 1e-12);
        assert_close_rel(v[NELM_ECON_COST_U], 50 * 18 + 200 * 6, 1e-12);
        free(f.p);
    }
}

/* The economics columns through append and pack, and the incremental
 * analysis: 3 strategies, 4 patients, by hand */
static void
test_summary_econ(void **state)
{
    (void)state;
    nelm_params *p = nelm_t_load_yaml(model);
    nelm_err e = {0};
    /* per strategy and patient: cost, QALY (discounted) */
    static const double cost[3][4] = {
        {100, 120, 80, 100}, {300, 260, 340, 300}, {150, 250, 200, 200}};
    static const double qaly[3][4] = {
        {1.0, 1.2, 0.8, 1.0}, {2.0, 2.1, 1.9, 2.0}, {1.1, 1.3, 0.9, 1.1}};
    nelm_summary_acc acc[3], whole[3];
    nelm_summary sum[3];
    for (int s = 0; s < 3; s++) {
        nelm_summary_acc a, b;
        assert_int_equal(nelm_summary_acc_init(&a, 1, &e), 0);
        assert_int_equal(nelm_summary_acc_init(&b, 1, &e), 0);
        assert_int_equal(nelm_summary_acc_init(&whole[s], 1, &e), 0);
        for (int i = 0; i < 4; i++) {
            nelm_outcome o;
            memset(&o, 0, sizeof o);
            o.os = 12.0 * (i + 1);
            o.cause = NELM_CAUSE_DISEASE;
            double v[NELM_ECON_NACC] = {1, qaly[s][i], cost[s][i], 2 * qaly[s][i], 2 * cost[s][i]};
            nelm_summary_acc *t = i < 2 ? &a : &b;
            assert_int_equal(nelm_summary_acc_add(t, &o, &e), 0);
            assert_int_equal(nelm_summary_acc_add_econ(t, v, &e), 0);
            assert_int_equal(nelm_summary_acc_add(&whole[s], &o, &e), 0);
            assert_int_equal(nelm_summary_acc_add_econ(&whole[s], v, &e), 0);
        }
        /* b packed and appended to a: the same as adding all four */
        size_t len = nelm_summary_acc_packed_size(&b);
        unsigned char *buf = malloc(len);
        assert_non_null(buf);
        assert_int_equal(nelm_summary_acc_pack(&b, buf), len);
        size_t used = 0;
        acc[s] = a;
        assert_int_equal(nelm_summary_acc_append_packed(&acc[s], buf, len, &used, &e), 0);
        assert_int_equal(used, len);
        assert_int_equal(acc[s].necon, 4);
        for (size_t q = 0; q < NELM_ECON_NACC; q++)
            assert_memory_equal(acc[s].econ[q], whole[s].econ[q], 4 * sizeof(double));
        free(buf);
        nelm_summary_acc_free(&b);
        assert_int_equal(nelm_summary_compute(&acc[s], 120, &sum[s], &e), 0);
    }
    for (int s = 0; s < 3; s++)
        assert_int_equal(nelm_summary_paired(&acc[s], &acc[0], &sum[s], &e), 0);
    assert_true(sum[0].econ);
    assert_close_rel(sum[1].econ_mean[NELM_ECON_COST], 300, 1e-15);
    assert_close_rel(sum[1].econ_mean[NELM_ECON_LY_U], 2.5, 1e-15);
    assert_close_rel(sum[2].econ_diff[NELM_ECON_QALY], 0.1, 1e-12);
    assert_true(fabs(sum[2].econ_diff_se[NELM_ECON_QALY]) < 1e-15); /* 0 but for rounding */
    assert_int_equal(nelm_summary_econ(acc, sum, 3, p, &e), 0);
    /* means: A 100 / 1.0, B 300 / 2.0, C 200 / 1.1. By cost A, C, B; C's
     * ICER vs A 1000 exceeds B's vs C (100 / 0.9 = 111): C extendedly
     * dominated; B vs A: 200 / 1.0 */
    assert_int_equal(sum[0].econ_rank, 0);
    assert_int_equal(sum[2].econ_rank, 1);
    assert_int_equal(sum[1].econ_rank, 2);
    assert_int_equal(sum[2].econ_status, NELM_ECON_EXT_DOMINATED);
    assert_int_equal(sum[1].econ_status, NELM_ECON_FRONTIER);
    assert_int_equal(sum[1].econ_vs, 0);
    assert_int_equal(sum[0].econ_vs, 3); /* none */
    assert_close_rel(sum[1].econ_icer, 200, 1e-12);
    /* paired differences B - A: cost 200, 140, 260, 200 (sd sqrt(2400)),
     * QALY 1.0, 0.9, 1.1, 1.0 (sd sqrt(0.02 / 3)) */
    assert_close_rel(sum[1].econ_inc_cost_se, sqrt(2400.0 / 4), 1e-12);
    assert_close_rel(sum[1].econ_inc_qaly_se, sqrt(0.02 / 3 / 4), 1e-12);
    /* NMB at 20000 of A: 20000 - 100; per patient 19900, 23880, 15920,
     * 19900: sd = sqrt(sum of squared deviations / 3) */
    assert_close_rel(sum[0].econ_nmb[0], 19900, 1e-12);
    double d1 = 23880 - 19900, d2 = 15920 - 19900;
    assert_close_rel(sum[0].econ_nmb_se[0], sqrt((d1 * d1 + d2 * d2) / 3 / 4), 1e-12);
    for (int s = 0; s < 3; s++) {
        nelm_summary_acc_free(&acc[s]);
        nelm_summary_acc_free(&whole[s]);
    }
    free(p);
}

/* The discount factor from the tables against exp(-d t) itself, for rates
 * from none to beyond the tables' polynomial (which falls back to exp):
 * whole years and months, just either side of them (where the split of t
 * into years, months and a fraction rounds), and past the tables. */
static void
test_discount_tables(void **state)
{
    (void)state;
    static const double rates[] = {0, 0.015, 0.035, 0.05, 0.10, 0.40, 0.45, 2.0};
    static const double ts[] = {0,      1e-300, 1e-9,       0.5,     1,          11.999999999999,
                                12,     12.000000000001, 23.99999999999999, 24, 100.37,
                                359.99, 360,    1000.5,     1811.99, 1812,       1823.9,
                                1824,   5000,   1e6};
    nelm_econ_disc tb;
    double worst = 0;
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        double d = log1p(rates[i]) / 12.0;
        nelm_econ_disc_init(&tb, d);
        for (size_t k = 0; k < sizeof ts / sizeof ts[0]; k++) {
            double want = exp(-d * ts[k]), got = nelm_econ_discount(&tb, ts[k]);
            double rel = want > 0 ? fabs(got - want) / want : fabs(got);
            if (rel > worst)
                worst = rel;
            if (rel > 4e-15)
                fail_msg("r %g, t %.17g: %.17g, exp gives %.17g", rates[i], ts[k], got, want);
        }
        /* a fine sweep over the first years: every month boundary region */
        for (int k = 0; k <= 60000; k++) {
            double t = (double)k * 0.001 * 3.7;
            double want = exp(-d * t), got = nelm_econ_discount(&tb, t);
            double rel = fabs(got - want) / want;
            if (rel > worst)
                worst = rel;
            if (rel > 4e-15)
                fail_msg("r %g, t %.17g: %.17g, exp gives %.17g", rates[i], t, got, want);
        }
    }
    print_message("discount tables: largest relative difference from exp %.3g\n", worst);
}

/* Economics is required in full when enabled; absent, nothing */
static void
test_params(void **state)
{
    (void)state;
    nelm_params *p = nelm_t_load_yaml(
        "include: [builtin:params/nelm/cohort.yaml, builtin:params/nelm/disease.yaml,\n"
        "          builtin:params/nelm/modalities.yaml, builtin:params/nelm/strategies.yaml]\n");
    assert_false(p->econ.enabled);
    free(p);
    p = calloc(1, sizeof *p);
    assert_non_null(p);
    nelm_err e = {0};
    const char *sets[] = {"economics.modalities.tace.utility=1.5"};
    assert_int_not_equal(nelm_params_load(p, NULL, sets, 1, &e), 0);
    assert_non_null(strstr(e.msg, "economics.modalities.tace.utility: 1.5 is out of range"));
    memset(&e, 0, sizeof e); /* the first error stays in e: a fresh one */
    const char *sets2[] = {"economics.modalities={}"};
    assert_int_not_equal(nelm_params_load(p, NULL, sets2, 1, &e), 0);
    if (strstr(e.msg, "no entry for modality instance") == NULL)
        fail_msg("unexpected message: %s", e.msg);
    memset(&e, 0, sizeof e);
    const char *sets3[] = {"economics.enabled=false", "economics.modalities={}"};
    assert_int_equal(nelm_params_load(p, NULL, sets3, 2, &e), 0);
    assert_false(p->econ.enabled);
    assert_int_equal(nelm_params_load(p, NULL, NULL, 0, &e), 0);
    assert_true(p->econ.enabled);
    assert_int_equal(p->econ.nwtp, 2);
    free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rich),         cmocka_unit_test(test_norms),
        cmocka_unit_test(test_transplant),   cmocka_unit_test(test_observation_syndrome),
        cmocka_unit_test(test_summary_econ), cmocka_unit_test(test_params),
        cmocka_unit_test(test_discount_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
