/* test_calibration.c — the default model reproduces the calibration targets
 * it was set from (params/nelm/modalities.yaml, scripts/calibrate_defaults.py):
 * each trial or series is emulated by a population filter and a one-line
 * strategy, and the simulated composite endpoint (PFS/RFS/DFS: progression or
 * any death, from the line's start) or procedure mortality must stay within a
 * tight band around the published figure. A regression test for the default
 * parameters: changing one without re-calibrating fails here. The formal
 * verdicts against every target (validation included) are `nelmsim targets`'
 * job (issue #8). Fixed seed; 20,000 patients per emulation, 200,000 where
 * only the eligible are operated on. */
#include "testutil.h"

#include "enginetest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

#define SEED UINT64_C(20261122)
#define N 20000
/* operations: only the eligible (about 1 in 18) are operated on */
#define N_OPERATED 200000

static const char model[] =
    "include: [builtin:params/nelm/cohort.yaml, builtin:params/nelm/disease.yaml,\n"
    "          builtin:params/nelm/modalities.yaml]\n"
    "strategies:\n"
    "  lan: {lines: [{use: lanreotide}]}\n"
    "  obs: {lines: [{use: observation}]}\n"
    "  eve: {lines: [{use: everolimus}]}\n"
    "  sun: {lines: [{use: sunitinib}]}\n"
    "  prrt: {lines: [{use: lutetium}]}\n"
    "  res: {lines: [{use: resection, if_ineligible: stop}]}\n"
    "  tx: {lines: [{use: transplant, if_ineligible: stop}]}\n"
    "  tace: {lines: [{use: tace, if_ineligible: stop}]}\n";

#define CLARINET                                                                                   \
    "cohort: {age: {mean: 63}, filters: [{attribute: ki67, max: 10}, "                             \
    "{attribute: sstr_positive, is: true}, {attribute: functional, is: false}]}\n"
#define PNET(age)                                                                                  \
    "cohort: {age: {mean: " age "}, filters: [{attribute: site, in: [pancreas]}, "                 \
    "{attribute: grade, in: [G1, G2]}]}\n"

typedef struct target {
    const char *id; /**< targets.yaml id */
    const char *strategy;
    const char *extra;    /**< YAML merged over the model: the population */
    char stat;            /**< 'm' median PFS, 's' PFS at t, 'd' treatment death by t */
    double t, value, tol; /**< published value; allowed |simulated - published| */
} target;

static const target targets[] = {
    {"clarinet_pfs lanreotide S(24)", "lan", CLARINET, 's', 24, 0.651, 0.02},
    {"clarinet_pfs lanreotide median (extension)", "lan", CLARINET, 'm', 0, 32.8, 1.3},
    {"clarinet_pfs placebo median", "obs", CLARINET, 'm', 0, 18.0, 0.7},
    {"clarinet_pfs placebo S(24)", "obs", CLARINET, 's', 24, 0.33, 0.02},
    {"radiant3_pfs everolimus median", "eve", PNET("58"), 'm', 0, 11.0, 0.45},
    {"radiant3_pfs everolimus S(18)", "eve", PNET("58"), 's', 18, 0.34, 0.02},
    {"sunitinib_pfs median", "sun", PNET("56"), 'm', 0, 11.4, 0.45},
    {"netter1_pfs lutetium S(20)", "prrt",
     "cohort: {age: {mean: 63}, filters: [{attribute: site, in: [small_bowel]}, "
     "{attribute: grade, in: [G1, G2]}, {attribute: sstr_positive, is: true}]}\n",
     's', 20, 0.652, 0.02},
    {"prrt_cohort_pfs median", "prrt",
     "cohort: {age: {mean: 63}, filters: [{attribute: site, in: [small_bowel]}, "
     "{attribute: grade, in: [G1, G2]}, {attribute: sstr_positive, is: true}]}\n",
     'm', 0, 29.0, 1.2},
    {"netter2_pfs lutetium median", "prrt",
     "cohort: {age: {mean: 63}, filters: [{attribute: ki67, min: 10, max: 55}, "
     "{attribute: sstr_positive, is: true}]}\n",
     'm', 0, 22.8, 1.0},
    {"resection_dfs_5y", "res", "cohort: {age: {mean: 58}}\n", 's', 60, 0.30, 0.025},
    {"resection_periop_mortality", "res", "cohort: {age: {mean: 58}}\n", 'd', 1, 0.013, 0.004},
    {"transplant_eltr_dfs", "tx",
     "cohort: {age: {mean: 45}}\n"
     "modalities: {transplant: {eligibility: {min_controlled: 0}, wait: {dist: exp, rate: "
     "1000}}}\n",
     's', 60, 0.30, 0.03},
    {"transplant_eltr_mortality", "tx",
     "cohort: {age: {mean: 45}}\n"
     "modalities: {transplant: {eligibility: {min_controlled: 0}, wait: {dist: exp, rate: "
     "1000}}}\n",
     'd', 3, 0.10, 0.012},
    {"iat_procedure_mortality (first procedure)", "tace", "", 'd', 1, 0.01, 0.003},
};

static void
test_calibration_targets(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t k = 0; k < sizeof targets / sizeof targets[0]; k++) {
        const target *tg = &targets[k];
        size_t len = strlen(model) + strlen(tg->extra) + 1;
        char *text = malloc(len);
        assert_non_null(text);
        snprintf(text, len, "%s%s", model, tg->extra);
        nelm_params *p = nelm_t_load_yaml(text);
        free(text);
        nelm_model m;
        nelm_t_model_init(&m, p);
        size_t s = nelm_t_strategy(p, tg->strategy);
        uint64_t np = tg->strategy[0] == 'r' || tg->strategy[0] == 't' ? N_OPERATED : N;
        double *t = malloc(np * sizeof *t);
        uint8_t *ev = malloc(np);
        assert_true(t && ev);
        size_t n = 0, deaths = 0;
        for (uint64_t i = 0; i < np; i++) {
            nelm_patient pt;
            nelm_outcome o;
            nelm_t_sample(p, SEED, i, &pt);
            nelm_simulate(&m, s, SEED, &pt, &o, NULL);
            if (o.nlines == 0)
                continue;
            t[n] = o.line[0].pfs;
            ev[n] = o.line[0].pfs_event;
            n++;
            deaths += o.cause == NELM_CAUSE_TREATMENT && o.os <= o.line[0].start + tg->t;
        }
        assert_true(n > 500);
        nelm_km km;
        nelm_err e = {0};
        assert_int_equal(nelm_km_fit(&km, t, ev, n, &e), 0);
        double sim = 0, lo = 0, hi = 0;
        if (tg->stat == 'm')
            nelm_km_quantile(&km, 0.5, &sim, &lo, &hi);
        else if (tg->stat == 's')
            sim = nelm_km_surv(&km, tg->t);
        else
            sim = (double)deaths / (double)n;
        bool ok = fabs(sim - tg->value) <= tg->tol;
        print_message("  %-44s published %7.3f  simulated %7.3f (n %5zu)  %s\n", tg->id, tg->value,
                      sim, n, ok ? "ok" : "OUT OF BAND");
        bad += !ok;
        nelm_km_free(&km);
        free(t);
        free(ev);
        free(p);
    }
    assert_int_equal(bad, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calibration_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
