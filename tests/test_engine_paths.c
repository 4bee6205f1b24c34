/* test_engine_paths.c — the strategy engine's rules, checked on trajectories
 * (DESIGN §2.1, §2.3, §2.4, §4):
 *   - eligibility of every kind with its defaults, called directly on
 *     hand-built current states (one failing rule at a time, and the reason);
 *   - eligibility through the engine: repeat resection after a hepatic but
 *     not an extrahepatic recurrence; a later line judged on the state the
 *     earlier lines left;
 *   - strategy paths: skip, stop, first eligible, repeats, delay (with deaths
 *     in it), uptake, planned switch, toxicity switch, best supportive care,
 *     waiting-list dropout;
 *   - invariants of every trajectory of every strategy (ordering, one
 *     terminal event, outcomes agreeing with events, background death and
 *     horizon as bounds);
 *   - reproducibility: the same seed gives bit-identical outcomes and
 *     trajectories in any order; another seed gives others.
 * Statistical checks (uptake, deaths during a delay) use fixed seeds and a
 * 5-standard-error rule. */
#include "testutil.h"
#include "enginetest.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "engine.h"
#include "model.h"
#include "params.h"

#define SEED UINT64_C(0x0e1e0001)
#define SEED2 UINT64_C(0x0e1e0002)
#define ZMAX 5.0
enum { NPATH = 2000 };

/* ---- models ------------------------------------------------------------- */

/* nelm_simulate with the event buffer poisoned first, so that a check
 * reading past the end of a trajectory sees no stale event of an earlier
 * patient (type 0xff is no event). */
static void
simulate(const nelm_model *m, size_t s, uint64_t seed, const nelm_patient *pt, nelm_outcome *out,
         nelm_trajectory *tr)
{
    memset(tr->ev, 0xff, sizeof tr->ev);
    nelm_simulate(m, s, seed, pt, out, tr);
}

/* ---- trajectories --------------------------------------------------------- */

static void
dump_traj(const nelm_params *p, const nelm_trajectory *tr)
{
    for (size_t k = 0; k < tr->n; k++) {
        const nelm_event *ev = &tr->ev[k];
        print_error("    %3zu  t=%-22.17g %-17s detail %u line %d %s\n", k, ev->t,
                    nelm_event_name((nelm_event_type)ev->type), ev->detail, ev->line,
                    ev->instance < p->nmodalities ? p->modalities[ev->instance].name : "-");
    }
}

/* Fail with a message and the trajectory. */
#define EXPECT_T(p, tr, i, cond, ...)                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            print_error("patient %llu: ", (unsigned long long)(i));                                \
            print_error(__VA_ARGS__);                                                              \
            print_error("\n  failed: %s\n", #cond);                                                \
            dump_traj((p), (tr));                                                                  \
            _fail(__FILE__, __LINE__);                                                             \
        }                                                                                          \
    } while (0)

/* Index of the first event at or after `from` of `type` (line > 0: on that
 * line); tr->n when none. */
static size_t
find_ev(const nelm_trajectory *tr, size_t from, int type, int line)
{
    for (size_t k = from; k < tr->n; k++)
        if (tr->ev[k].type == type && (line <= 0 || tr->ev[k].line == line))
            return k;
    return tr->n;
}

static size_t
count_ev(const nelm_trajectory *tr, int type, int line)
{
    size_t c = 0;
    for (size_t k = 0; k < tr->n; k++)
        if (tr->ev[k].type == type && (line <= 0 || tr->ev[k].line == line))
            c++;
    return c;
}

static bool
terminal(int type)
{
    return type == NELM_EV_DEATH || type == NELM_EV_CENSORED;
}

/* ==== 1. eligibility, called directly ===================================== */

/* Instances of every kind with the kind's defaults (sun: sites [pancreas];
 * iat_ok: liver_damage_ok). */
static const char elig_model[] =
    "include: [builtin:params/nelm/cohort.yaml, builtin:params/nelm/disease.yaml]\n"
    "modalities:\n"
    "  res: {kind: resection, ttp: {dist: exp, rate: 0.01}, source: t}\n"
    "  tx: {kind: transplant, ttp: {dist: exp, rate: 0.01}, wait: {dist: exp, rate: 0.2},\n"
    "       wait_progression: {dist: exp, rate: 0.05}, source: t}\n"
    "  iat: {kind: iat, ttp: {dist: exp, rate: 0.05}, source: t}\n"
    "  iat_ok: {kind: iat, ttp: {dist: exp, rate: 0.05}, eligibility: {liver_damage_ok: true},\n"
    "           source: t}\n"
    "  prrt: {kind: prrt, ttp: {dist: exp, rate: 0.02}, late_onset: {dist: exp, rate: 0.02},\n"
    "         late_death: {dist: exp, rate: 0.05}, source: t}\n"
    "  ssa: {kind: ssa, ttp: {dist: exp, rate: 0.02}, source: t}\n"
    "  evero: {kind: targeted, ttp: {dist: exp, rate: 0.05}, source: t}\n"
    "  sun: {kind: targeted, ttp: {dist: exp, rate: 0.05}, eligibility: {sites: [pancreas]},\n"
    "        source: t}\n"
    "  obs: {kind: observation, ttp: {dist: exp, rate: 0.05}, source: t}\n";

/* A patient every kind accepts: 50 years, small bowel, G1, burden < 25 %,
 * Frilling I, liver-only, non-functional, SSTR positive, ECOG 0, primary
 * resected. */
static nelm_patient
fit_patient(void)
{
    nelm_patient pt;
    memset(&pt, 0, sizeof pt);
    pt.age = 50.0;
    pt.sex = NELM_FEMALE;
    pt.site = NELM_SITE_SMALL_BOWEL;
    pt.ki67 = 2.0;
    pt.grade = NELM_G1;
    pt.burden = NELM_BURDEN_LT25;
    pt.frilling = NELM_FRILLING_I;
    pt.sstr = true;
    pt.ecog = 0;
    pt.primary_resected = true;
    pt.entry_line = 1;
    return pt;
}

/* The current state at t months: controlled since the start. */
static nelm_pstate
state_at(const nelm_patient *pt, double t)
{
    nelm_pstate s;
    memset(&s, 0, sizeof s);
    s.pt = pt;
    s.t = t;
    s.age = pt->age + t / 12.0;
    s.extrahepatic = pt->extrahepatic;
    s.progressive = false;
    s.controlled_since = 0.0;
    s.backbone_hr = 1.0;
    s.frailty = 1.0;
    return s;
}

/* Eligibility of instance `name` on state s: refused with a reason naming
 * `word` (word != NULL), or accepted. */
static void
check_elig(const nelm_params *p, const char *name, const nelm_pstate *s, const char *word,
           const char *file, int line)
{
    uint16_t i = nelm_t_instance(p, name);
    const nelm_modality *m = &p->modalities[i];
    const char *why = NULL;
    bool ok = nelm_kinds[m->kind]->eligible(m, i, s, &why);
    bool ok_nowhy = nelm_kinds[m->kind]->eligible(m, i, s, NULL);
    if (ok != ok_nowhy) {
        print_error("%s: eligible() depends on whether why is asked for\n", name);
        _fail(file, line);
    }
    if (word == NULL && !ok) {
        print_error("%s refused (%s), expected eligible\n", name, why ? why : "no reason");
        _fail(file, line);
    }
    if (word != NULL && ok) {
        print_error("%s accepted, expected refused for '%s'\n", name, word);
        _fail(file, line);
    }
    if (word != NULL && (why == NULL || strstr(why, word) == NULL)) {
        print_error("%s refused for '%s', expected a reason naming '%s'\n", name,
                    why ? why : "(no reason)", word);
        _fail(file, line);
    }
}
#define ACCEPTS(name, s) check_elig(p, (name), (s), NULL, __FILE__, __LINE__)
#define REFUSES(name, s, word) check_elig(p, (name), (s), (word), __FILE__, __LINE__)

static void
test_eligibility_direct(void **state)
{
    (void)state;
    nelm_params *p = nelm_t_load_yaml(elig_model);
    nelm_patient pt = fit_patient(), q;
    nelm_pstate s = state_at(&pt, 12.0), t;

    /* the fit patient, 12 months controlled: everything but sunitinib */
    ACCEPTS("res", &s);
    ACCEPTS("tx", &s);
    ACCEPTS("iat", &s);
    ACCEPTS("prrt", &s);
    ACCEPTS("ssa", &s);
    ACCEPTS("evero", &s);
    ACCEPTS("obs", &s);

    /* ---- resection: Frilling <= II, no extrahepatic disease, <= G2, ECOG <= 1 */
    q = pt;
    q.frilling = NELM_FRILLING_III;
    t = state_at(&q, 12.0);
    REFUSES("res", &t, "Frilling");
    q.frilling = NELM_FRILLING_II;
    ACCEPTS("res", &t);
    t = s;
    t.extrahepatic = true; /* the current state, not the baseline */
    REFUSES("res", &t, "extrahepatic");
    q = pt;
    q.extrahepatic = true; /* extrahepatic at baseline, none now (e.g. resected) */
    t = state_at(&q, 12.0);
    t.extrahepatic = false;
    ACCEPTS("res", &t);
    q = pt;
    q.ki67 = 25.0;
    q.grade = NELM_G3;
    t = state_at(&q, 12.0);
    REFUSES("res", &t, "Ki-67");
    q.ki67 = 20.0;
    q.grade = NELM_G2;
    ACCEPTS("res", &t);
    q = pt;
    q.ecog = 2;
    t = state_at(&q, 12.0);
    REFUSES("res", &t, "performance");
    q.ecog = 1;
    ACCEPTS("res", &t);
    t = s;
    t.liver_damage = true;
    REFUSES("res", &t, "liver damage");
    q = pt;
    q.age = 80.0; /* 80 at the start, 86 now */
    t = state_at(&q, 72.0);
    REFUSES("res", &t, "age");
    t = state_at(&q, 60.0); /* 85 now */
    ACCEPTS("res", &t);
    t = s;
    t.uses[nelm_t_instance(p, "res")] = 1;
    ACCEPTS("res", &t);
    t.uses[nelm_t_instance(p, "res")] = 2; /* max_courses 2 by default */
    REFUSES("res", &t, "courses");

    /* ---- transplant: Milan-NET on the current state */
    q = pt;
    q.age = 55.0;
    t = state_at(&q, 72.0); /* 61 now */
    REFUSES("tx", &t, "age");
    t = state_at(&q, 60.0); /* 60 now */
    ACCEPTS("tx", &t);
    q = pt;
    q.burden = NELM_BURDEN_GT50;
    t = state_at(&q, 12.0);
    REFUSES("tx", &t, "burden");
    q.burden = NELM_BURDEN_25_50;
    ACCEPTS("tx", &t);
    q = pt;
    q.primary_resected = false;
    t = state_at(&q, 12.0);
    REFUSES("tx", &t, "primary not resected");
    q = pt;
    q.site = NELM_SITE_UNKNOWN;
    t = state_at(&q, 12.0);
    REFUSES("tx", &t, "site");
    q.site = NELM_SITE_PANCREAS;
    ACCEPTS("tx", &t);
    q.site = NELM_SITE_OTHER_GI;
    ACCEPTS("tx", &t);
    t = s;
    t.extrahepatic = true;
    REFUSES("tx", &t, "extrahepatic");
    q = pt;
    q.ki67 = 21.0;
    q.grade = NELM_G3;
    t = state_at(&q, 12.0);
    REFUSES("tx", &t, "Ki-67");
    q = pt;
    q.ecog = 2;
    t = state_at(&q, 12.0);
    REFUSES("tx", &t, "performance");
    /* the 6-month rule: controlled disease on the current line */
    t = s;
    t.controlled_since = 6.1; /* 5.9 months */
    REFUSES("tx", &t, "not controlled");
    t.controlled_since = 6.0; /* 6 months */
    ACCEPTS("tx", &t);
    t = state_at(&pt, 6.0); /* 6 months from the start */
    ACCEPTS("tx", &t);
    t = state_at(&pt, 5.9);
    REFUSES("tx", &t, "not controlled");
    t = s;
    t.progressive = true; /* progressed: not controlled, however long before */
    REFUSES("tx", &t, "not controlled");
    t = s;
    t.uses[nelm_t_instance(p, "tx")] = 1; /* one transplant by default */
    REFUSES("tx", &t, "courses");

    /* ---- iat: liver damage refused by default; extrahepatic allowed */
    t = s;
    t.liver_damage = true;
    REFUSES("iat", &t, "liver damage");
    ACCEPTS("iat_ok", &t);
    t = s;
    t.extrahepatic = true;
    ACCEPTS("iat", &t);
    q = pt;
    q.frilling = NELM_FRILLING_III;
    q.burden = NELM_BURDEN_GT50;
    t = state_at(&q, 12.0);
    ACCEPTS("iat", &t);
    q = pt;
    q.ecog = 3;
    t = state_at(&q, 12.0);
    REFUSES("iat", &t, "performance");
    t = s;
    t.uses[nelm_t_instance(p, "iat")] = 3;
    ACCEPTS("iat", &t);
    t.uses[nelm_t_instance(p, "iat")] = 4; /* max_courses 4 by default */
    REFUSES("iat", &t, "courses");

    /* ---- prrt: SSTR positive, Ki-67 <= 55, limited retreatment */
    q = pt;
    q.sstr = false;
    t = state_at(&q, 12.0);
    REFUSES("prrt", &t, "SSTR");
    q.functional = true; /* functional does not replace SSTR for PRRT */
    REFUSES("prrt", &t, "SSTR");
    q = pt;
    q.ki67 = 56.0;
    q.grade = NELM_G3;
    t = state_at(&q, 12.0);
    REFUSES("prrt", &t, "Ki-67");
    q.ki67 = 55.0;
    ACCEPTS("prrt", &t);
    uint16_t ip = nelm_t_instance(p, "prrt");
    t = s;
    t.uses[ip] = 1;
    t.last_controlled[ip] = 17.9; /* retreat_after 18 */
    REFUSES("prrt", &t, "briefly");
    t.last_controlled[ip] = 18.0;
    ACCEPTS("prrt", &t);
    t.uses[ip] = 2; /* max_courses 2 */
    REFUSES("prrt", &t, "courses");

    /* ---- ssa: SSTR positive, or functional */
    q = pt;
    q.sstr = false;
    t = state_at(&q, 12.0);
    REFUSES("ssa", &t, "SSTR");
    q.functional = true;
    ACCEPTS("ssa", &t);
    q = pt;
    q.ki67 = 21.0;
    q.grade = NELM_G3;
    t = state_at(&q, 12.0);
    REFUSES("ssa", &t, "Ki-67");

    /* ---- targeted: by primary site */
    REFUSES("sun", &s, "site");
    q = pt;
    q.site = NELM_SITE_PANCREAS;
    t = state_at(&q, 12.0);
    ACCEPTS("sun", &t);
    ACCEPTS("evero", &t);

    /* ---- observation accepts everybody, once */
    q = pt;
    q.age = 95.0;
    q.ecog = 4;
    q.ki67 = 90.0;
    q.grade = NELM_G3;
    q.site = NELM_SITE_UNKNOWN;
    q.sstr = false;
    q.functional = true;
    q.extrahepatic = true;
    q.frilling = NELM_FRILLING_III;
    q.burden = NELM_BURDEN_GT50;
    q.primary_resected = false;
    t = state_at(&q, 120.0);
    t.liver_damage = true;
    t.progressive = true;
    t.kinds_received = (1u << NELM_NKINDS) - 1;
    t.prior_lines = 10;
    ACCEPTS("obs", &t);
    REFUSES("iat", &t, "performance");     /* and the others do not */
    t.uses[nelm_t_instance(p, "obs")] = 1; /* max_courses 1 */
    REFUSES("obs", &t, "courses");
    free(p);
}

/* ==== 1b. eligibility through the engine ================================= */

static const char res_body[] =
    "disease:\n"
    "  death_controlled: {dist: exp, rate: 0.001}\n"
    "  death_progressed: {dist: exp, rate: 0.05}\n"
    "  source: t\n"
    "modalities:\n"
    "  res: {kind: resection, ttp: {dist: exp, rate: 0.05}, p_hepatic: 0.5, max_courses: 3,\n"
    "        source: t}\n"
    "  obs: {kind: observation, ttp: {dist: exp, rate: 0.1}, p_hepatic: 0.5, source: t}\n"
    "strategies:\n"
    "  res: {lines: [{use: res}]}\n"
    "  obs_res: {lines: [{use: obs}, {use: res}]}\n";

/* Repeat resection at recurrence only while still eligible on the current
 * state: after a hepatic recurrence (courses left) a further course starts at
 * once; after an extrahepatic one (extrahepatic disease now) it does not. */
static void
test_eligibility_engine(void **state)
{
    (void)state;
    nelm_params *p = nelm_t_pinned_model(60.0, false, res_body);
    nelm_model m;
    nelm_t_model_init(&m, p);
    static nelm_trajectory tr;
    nelm_patient pt;
    nelm_outcome out;
    uint16_t res = nelm_t_instance(p, "res");
    size_t n_exh = 0, n_hep = 0, n_limit = 0;
    size_t s_res = nelm_t_strategy(p, "res");
    for (uint64_t i = 0; i < NPATH; i++) {
        nelm_t_sample(p, SEED, i, &pt);
        simulate(&m, s_res, SEED, &pt, &out, &tr);
        int courses = 0;
        bool over = false;
        for (size_t k = 0; k < tr.n; k++) {
            const nelm_event *ev = &tr.ev[k];
            if ((ev->type == NELM_EV_LINE_START || ev->type == NELM_EV_COURSE_START) &&
                ev->instance == res) {
                EXPECT_T(p, &tr, i, !over, "a course after the line ended");
                courses++;
            }
            if (ev->type != NELM_EV_RECURRENCE)
                continue;
            EXPECT_T(p, &tr, i, ev->instance == res && ev->line == 1, "recurrence elsewhere");
            EXPECT_T(p, &tr, i, k + 1 < tr.n, "trajectory ends at a recurrence");
            const nelm_event *next = &tr.ev[k + 1];
            if (ev->detail == NELM_SITE_EXTRAHEPATIC) {
                EXPECT_T(p, &tr, i, next->type != NELM_EV_COURSE_START,
                         "resected again after an extrahepatic recurrence");
                over = true;
                n_exh++;
            } else if (courses < 3) {
                EXPECT_T(p, &tr, i, next->type == NELM_EV_COURSE_START && next->t == ev->t,
                         "no repeat resection after hepatic recurrence %d", courses);
                n_hep++;
            } else {
                EXPECT_T(p, &tr, i, next->type != NELM_EV_COURSE_START,
                         "a fourth resection (max_courses 3)");
                over = true;
                n_limit++;
            }
        }
        EXPECT_T(p, &tr, i, out.nlines == 1 && out.line[0].courses == courses,
                 "line outcome says %d courses, events %d", out.line[0].courses, courses);
    }
    print_message("  recurrences: %zu extrahepatic, %zu hepatic repeated, %zu hepatic at the "
                  "limit\n",
                  n_exh, n_hep, n_limit);
    assert_true(n_exh > 200 && n_hep > 200 && n_limit > 100);

    /* a later line is judged on the state the earlier one left */
    size_t s2 = nelm_t_strategy(p, "obs_res"), n_skip = 0, n_start = 0;
    for (uint64_t i = 0; i < NPATH; i++) {
        nelm_t_sample(p, SEED, i, &pt);
        simulate(&m, s2, SEED, &pt, &out, &tr);
        size_t k = find_ev(&tr, 0, NELM_EV_PROGRESSION, 1);
        if (k == tr.n)
            continue;
        EXPECT_T(p, &tr, i, k + 1 < tr.n, "trajectory ends at a progression");
        const nelm_event *next = &tr.ev[k + 1];
        if (tr.ev[k].detail == NELM_SITE_EXTRAHEPATIC) {
            EXPECT_T(p, &tr, i,
                     next->type == NELM_EV_LINE_SKIPPED && next->line == 2 &&
                         next->detail == NELM_SKIP_INELIGIBLE,
                     "resection not refused after extrahepatic progression");
            n_skip++;
        } else {
            EXPECT_T(p, &tr, i,
                     next->type == NELM_EV_LINE_START && next->line == 2 && next->instance == res,
                     "resection refused after hepatic progression");
            n_start++;
        }
    }
    assert_true(n_skip > 300 && n_start > 300);
    free(p);
}

/* first_eligible over a mixed cohort: resection when resectable (Frilling
 * I/II, liver only, Ki-67 <= 20, ECOG <= 1, age <= 85), else IAT for
 * liver-only disease with ECOG <= 2, else the line is skipped. The rules are
 * written out here, independently of the kinds. */
static const char first_model[] =
    "include: [builtin:params/nelm/cohort.yaml, builtin:params/nelm/disease.yaml]\n"
    "modalities:\n"
    "  res: {kind: resection, ttp: {dist: exp, rate: 0.01}, source: t}\n"
    "  tace: {kind: iat, ttp: {dist: exp, rate: 0.05}, eligibility: {extrahepatic_ok: false},\n"
    "         source: t}\n"
    "  obs: {kind: observation, ttp: {dist: exp, rate: 0.05}, source: t}\n"
    "strategies:\n"
    "  first: {lines: [{first_eligible: [res, tace]}, {use: obs}]}\n";

static void
test_first_eligible(void **state)
{
    (void)state;
    nelm_params *p = nelm_t_load_yaml(first_model);
    nelm_model m;
    nelm_t_model_init(&m, p);
    static nelm_trajectory tr;
    nelm_patient pt;
    nelm_outcome out;
    uint16_t res = nelm_t_instance(p, "res"), tace = nelm_t_instance(p, "tace"),
             obs = nelm_t_instance(p, "obs");
    size_t n[3] = {0, 0, 0};
    for (uint64_t i = 0; i < 4 * NPATH; i++) {
        nelm_t_sample(p, SEED, i, &pt);
        simulate(&m, 0, SEED, &pt, &out, &tr);
        bool resectable = pt.frilling <= NELM_FRILLING_II && !pt.extrahepatic && pt.ki67 <= 20.0 &&
                          pt.ecog <= 1 && pt.age <= 85.0;
        bool iat = !pt.extrahepatic && pt.ecog <= 2 && pt.age <= 90.0;
        const nelm_event *e0 = &tr.ev[0];
        if (resectable) {
            EXPECT_T(p, &tr, i, e0->type == NELM_EV_LINE_START && e0->instance == res,
                     "resectable, not resected");
            n[0]++;
        } else if (iat) {
            EXPECT_T(p, &tr, i, e0->type == NELM_EV_LINE_START && e0->instance == tace,
                     "not resectable, IAT expected");
            n[1]++;
        } else {
            EXPECT_T(p, &tr, i,
                     e0->type == NELM_EV_LINE_SKIPPED && e0->detail == NELM_SKIP_INELIGIBLE &&
                         e0->line == 1 && e0->t == 0.0,
                     "eligible for neither, line 1 not skipped");
            EXPECT_T(p, &tr, i,
                     tr.n > 1 && tr.ev[1].type == NELM_EV_LINE_START && tr.ev[1].line == 2 &&
                         tr.ev[1].instance == obs && tr.ev[1].t == 0.0,
                     "line 2 does not follow the skipped line");
            n[2]++;
        }
    }
    print_message("  first line: %zu resection, %zu IAT, %zu skipped\n", n[0], n[1], n[2]);
    assert_true(n[0] > 50 && n[1] > 50 && n[2] > 50);
    free(p);
}

/* ==== 2. strategy paths ==================================================== */

/* Patients of 50 (transplant-eligible by age), no background death. */
static const char path_body[] =
    "disease:\n"
    "  death_controlled: {dist: exp, rate: 0.002}\n"
    "  death_progressed: {dist: exp, rate: 0.1}\n"
    "  source: t\n"
    "modalities:\n"
    "  obs: {kind: observation, ttp: {dist: exp, rate: 0.08}, source: t}\n"
    "  ssa: {kind: ssa, ttp: {dist: weibull, shape: 1.5, scale: 20}, source: t}\n"
    "  sun: {kind: targeted, ttp: {dist: exp, rate: 0.06}, eligibility: {sites: [pancreas]},\n"
    "        source: t}\n"
    "  tgt: {kind: targeted, ttp: {dist: exp, rate: 0.06}, toxicity: {dist: exp, rate: 0.05},\n"
    "        source: t}\n"
    "  tace: {kind: iat, ttp: {dist: exp, rate: 0.1}, p_hepatic: 1, max_courses: 4, duration: 1,\n"
    "         source: t}\n"
    "  tx: {kind: transplant, ttp: {dist: exp, rate: 0.02}, wait: {dist: exp, rate: 0.1},\n"
    "       wait_progression: {dist: exp, rate: 0.1}, source: t}\n"
    "strategies:\n"
    "  skip: {lines: [{use: sun}, {use: obs}]}\n"
    "  stop: {lines: [{use: sun, if_ineligible: stop}, {use: obs}]}\n"
    "  first: {lines: [{first_eligible: [sun, tgt, obs]}]}\n"
    "  rep0: {lines: [{use: tace, repeats: 0}, {use: obs}]}\n"
    "  rep1: {lines: [{use: tace, repeats: 1}]}\n"
    "  repall: {lines: [{use: tace, repeats: -1}]}\n"
    "  delay: {lines: [{use: obs}, {use: ssa, delay: 3}]}\n"
    "  uptake: {lines: [{use: ssa, uptake: 0.3}, {use: obs}]}\n"
    "  switch: {lines: [{use: ssa, switch_after: 6}, {use: tx}]}\n"
    "  switch_inel: {lines: [{use: ssa, switch_after: 6}, {use: sun}, {use: obs}]}\n"
    "  tox_next: {lines: [{use: tgt, on_toxicity: next}, {use: obs}]}\n"
    "  tox_off: {lines: [{use: tgt, on_toxicity: off_treatment}, {use: obs}]}\n";

static nelm_params *path_p;
static nelm_model path_m;

static int
path_setup(void **state)
{
    (void)state;
    path_p = nelm_t_pinned_model(50.0, false, path_body);
    nelm_t_model_init(&path_m, path_p);
    return 0;
}

static int
path_teardown(void **state)
{
    (void)state;
    free(path_p);
    path_p = NULL;
    return 0;
}

/* Patient i of the path model under strategy `name`. */
static void
path_run(const char *name, uint64_t i, nelm_patient *pt, nelm_outcome *out, nelm_trajectory *tr)
{
    nelm_t_sample(path_p, SEED, i, pt);
    simulate(&path_m, nelm_t_strategy(path_p, name), SEED, pt, out, tr);
}

static void
test_pinned_cohort(void **state)
{
    (void)state;
    nelm_patient pt;
    for (uint64_t i = 0; i < 100; i++) {
        nelm_t_sample(path_p, SEED, i, &pt);
        assert_true(fabs(pt.age - 50.0) <= 1e-4);
        assert_true(pt.sex == NELM_FEMALE && pt.site == NELM_SITE_SMALL_BOWEL);
        assert_true(pt.grade == NELM_G1 && pt.ki67 == 1.0 && pt.burden == NELM_BURDEN_LT25);
        assert_true(pt.frilling == NELM_FRILLING_I && !pt.extrahepatic && !pt.functional);
        assert_true(pt.sstr && pt.ecog == 0 && pt.primary_resected);
    }
}

/* if_ineligible: skip (the default) and stop. */
static void
test_skip_and_stop(void **state)
{
    (void)state;
    static nelm_trajectory tr;
    nelm_patient pt;
    nelm_outcome out;
    const nelm_params *p = path_p;
    uint16_t sun = nelm_t_instance(p, "sun"), obs = nelm_t_instance(p, "obs");
    for (uint64_t i = 0; i < NPATH; i++) {
        path_run("skip", i, &pt, &out, &tr);
        EXPECT_T(p, &tr, i,
                 tr.n >= 2 && tr.ev[0].type == NELM_EV_LINE_SKIPPED &&
                     tr.ev[0].detail == NELM_SKIP_INELIGIBLE && tr.ev[0].line == 1 &&
                     tr.ev[0].instance == sun && tr.ev[0].t == 0.0,
                 "line 1 not skipped as ineligible");
        EXPECT_T(p, &tr, i,
                 tr.ev[1].type == NELM_EV_LINE_START && tr.ev[1].line == 2 &&
                     tr.ev[1].instance == obs && tr.ev[1].t == 0.0,
                 "line 2 does not start at once");
        EXPECT_T(p, &tr, i, out.nlines == 1 && out.line[0].number == 2, "line outcomes");

        path_run("stop", i, &pt, &out, &tr);
        EXPECT_T(p, &tr, i,
                 tr.n >= 3 && tr.ev[0].type == NELM_EV_LINE_SKIPPED &&
                     tr.ev[0].detail == NELM_SKIP_INELIGIBLE && tr.ev[0].line == 1,
                 "line 1 not skipped as ineligible");
        EXPECT_T(p, &tr, i, tr.ev[1].type == NELM_EV_BSC_START && tr.ev[1].t == 0.0,
                 "stop: best supportive care does not follow at once");
        EXPECT_T(p, &tr, i, count_ev(&tr, NELM_EV_LINE_START, 0) == 0 && out.nlines == 0,
                 "a line started after a stop");
        EXPECT_T(p, &tr, i, out.bsc_start == 0.0, "bsc_start %g", out.bsc_start);
    }
}

static void
test_first_eligible_path(void **state)
{
    (void)state;
    static nelm_trajectory tr;
    nelm_patient pt;
    nelm_outcome out;
    uint16_t tgt = nelm_t_instance(path_p, "tgt");
    for (uint64_t i = 0; i < NPATH; i++) {
        path_run("first", i, &pt, &out, &tr);
        EXPECT_T(path_p, &tr, i,
                 tr.ev[0].type == NELM_EV_LINE_START && tr.ev[0].instance == tgt &&
                     out.line[0].instance == tgt,
                 "first_eligible [sun, tgt, obs] did not pick tgt");
    }
}

/* repeats: 0 allows one course, 1 two, -1 up to max_courses (4); tace
 * progresses only hepatically, so it always repeats when allowed. */
static void
test_repeats(void **state)
{
    (void)state;
    static nelm_trajectory tr;
    nelm_patient pt;
    nelm_outcome out;
    const nelm_params *p = path_p;
    const char *names[3] = {"rep0", "rep1", "repall"};
    const int allowed[3] = {1, 2, 4};
    for (int v = 0; v < 3; v++) {
        size_t at_limit = 0;
        for (uint64_t i = 0; i < NPATH; i++) {
            path_run(names[v], i, &pt, &out, &tr);
            int courses = 1, progressions = 0;
            for (size_t k = 0; k < tr.n; k++) {
                const nelm_event *ev = &tr.ev[k];
                if (ev->line != 1)
                    continue;
                if (ev->type == NELM_EV_COURSE_START)
                    courses++;
                if (ev->type != NELM_EV_PROGRESSION)
                    continue;
                progressions++;
                EXPECT_T(p, &tr, i, k + 1 < tr.n, "ends at a progression");
                bool again = tr.ev[k + 1].type == NELM_EV_COURSE_START;
                EXPECT_T(p, &tr, i, again == (courses < allowed[v]), "%s: course %d %s", names[v],
                         courses, again ? "repeated beyond the limit" : "not repeated");
                if (again)
                    EXPECT_T(p, &tr, i, tr.ev[k + 1].t == ev->t, "repeat not at progression");
            }
            EXPECT_T(p, &tr, i, courses <= allowed[v] && out.line[0].courses == courses,
                     "%s: %d courses (outcome %d)", names[v], courses, out.line[0].courses);
            if (progressions == allowed[v])
                at_limit++;
        }
        print_message("  %-6s: %zu patients progressed through all %d courses\n", names[v],
                      at_limit, allowed[v]);
        assert_true(at_limit > NPATH / 2);
    }
}

/* delay: the line starts exactly `delay` months after the previous one ended;
 * in between the post-progression disease-death hazard (0.1 / month) acts:
 * P(death within 3 months) = 1 - exp(-0.3). */
static void
test_delay(void **state)
{
    (void)state;
    static nelm_trajectory tr;
    nelm_patient pt;
    nelm_outcome out;
    const nelm_params *p = path_p;
    uint16_t ssa = nelm_t_instance(p, "ssa");
    size_t entered = 0, died = 0;
    for (uint64_t i = 0; i < 2 * NPATH; i++) {
        path_run("delay", i, &pt, &out, &tr);
        if (out.line[0].end != NELM_END_PROGRESSION)
            continue;
        double end = out.line[0].end_t;
        entered++;
        size_t k = find_ev(&tr, 0, NELM_EV_PROGRESSION, 1);
        EXPECT_T(p, &tr, i, k + 1 < tr.n && tr.ev[k].t == end, "line 1 end");
        const nelm_event *next = &tr.ev[k + 1];
        if (next->type == NELM_EV_LINE_START) {
            EXPECT_T(p, &tr, i,
                     next->line == 2 && next->instance == ssa &&
                         fabs(next->t - (end + 3.0)) <= 1e-12 * (end + 3.0),
                     "line 2 starts at %.17g, previous line ended at %.17g (delay 3)", next->t,
                     end);
            EXPECT_T(p, &tr, i, out.nlines == 2 && out.line[1].start == next->t, "outcome");
        } else {
            EXPECT_T(p, &tr, i,
                     next->type == NELM_EV_DEATH && next->detail == NELM_CAUSE_DISEASE &&
                         next->t > end && next->t < end + 3.0 && out.nlines == 1,
                     "neither line 2 nor a disease death in the delay");
            died++;
        }
    }
    double want = -expm1(-0.3);
    double z = nelm_t_z_share(died, entered, want);
    print_message("  deaths during the delay: %zu / %zu = %.4f, expected %.4f (%+.2f SE)\n", died,
                  entered, (double)died / (double)entered, want, z);
    assert_true(entered > NPATH);
    assert_true(fabs(z) < ZMAX);
    /* the same check with the controlled-disease rate (0.002) would fail */
    assert_true(fabs(nelm_t_z_share(died, entered, -expm1(-0.006))) > ZMAX);
}

/* Eligibility is judged when a line starts, after its delay: resection up to
 * age 60.5 for patients of 60, after observation and a 12-month delay, is
 * only ever started before the patient turns 60.5; who progressed earlier
 * but would reach the line older gets LINE_SKIPPED (ineligible) at the end of
 * the delay, and a stop follows. */
static void
test_delay_eligibility_at_start(void **state)
{
    (void)state;
    static nelm_trajectory tr;
    nelm_params *p = nelm_t_pinned_model(
        60.0, false,
        "disease:\n"
        "  death_controlled: {dist: exp, rate: 0.0001}\n"
        "  death_progressed: {dist: exp, rate: 0.0001}\n"
        "  source: t\n"
        "modalities:\n"
        "  obs: {kind: observation, ttp: {dist: exp, rate: 0.2}, p_hepatic: 1,\n"
        "        source: t}\n"
        "  res: {kind: resection, ttp: {dist: exp, rate: 0.05},\n"
        "        eligibility: {max_age: 61.5}, source: t}\n"
        "strategies:\n"
        "  s: {lines: [{use: obs}, {use: res, delay: 12, if_ineligible: stop}]}\n");
    nelm_model m;
    nelm_t_model_init(&m, p);
    size_t started = 0, refused = 0, refused_at_once = 0;
    for (uint64_t i = 0; i < NPATH; i++) {
        nelm_patient pt;
        nelm_outcome out;
        nelm_err e = {0};
        assert_int_equal(nelm_cohort_sample(&p->cohort, 5, i, &pt, &e), 0);
        nelm_simulate(&m, 0, 5, &pt, &out, &tr);
        if (out.nlines < 1 || out.line[0].end != NELM_END_PROGRESSION)
            continue;
        double end = out.line[0].end_t;
        if (out.nlines == 2) {
            started++;
            assert_true(out.line[1].start <= 18.0 + 1e-9); /* age <= 61.5 at the start */
            assert_true(fabs(out.line[1].start - (end + 12.0)) <= 1e-9);
        } else if (out.os < end + 12.0 && find_ev(&tr, 0, NELM_EV_LINE_SKIPPED, 2) >= tr.n) {
            continue; /* died in the delay */
        } else {
            size_t k = find_ev(&tr, 0, NELM_EV_LINE_SKIPPED, 2);
            assert_true(k < tr.n);
            assert_true(tr.ev[k].detail == NELM_SKIP_INELIGIBLE);
            assert_true(k + 1 < tr.n && tr.ev[k + 1].type == NELM_EV_BSC_START);
            if (end > 18.0) { /* too old already: refused before the delay */
                assert_true(tr.ev[k].t == end);
                refused_at_once++;
            } else { /* eligible at the choice, too old when the line would start */
                assert_true(fabs(tr.ev[k].t - (end + 12.0)) <= 1e-9);
                refused++;
            }
        }
    }
    print_message("  resection after the delay: %zu started, %zu refused at the start, %zu "
                  "refused before the delay\n",
                  started, refused, refused_at_once);
    assert_true(started > 100 && refused > 100 && refused_at_once > 10);
    free(p);
}

/* Late toxicity of every PRRT course is recorded: two courses, each certain to
 * cause late toxicity (none fatal), give two LATE_TOXICITY events, never more
 * than the courses received. */
static void
test_late_toxicity_every_course(void **state)
{
    (void)state;
    static nelm_trajectory tr;
    nelm_params *p =
        nelm_t_pinned_model(50.0, false,
                            "disease:\n"
                            "  death_controlled: {dist: exp, rate: 0.0001}\n"
                            "  death_progressed: {dist: exp, rate: 0.0001}\n"
                            "  source: t\n"
                            "modalities:\n"
                            "  lu: {kind: prrt, ttp: {dist: exp, rate: 0.2}, duration: 1,\n"
                            "       max_courses: 2, eligibility: {retreat_after: 0},\n"
                            "       p_late: 1, late_onset: {dist: exp, rate: 0.02},\n"
                            "       p_late_death: 0, late_death: {dist: exp, rate: 1},\n"
                            "       source: t}\n"
                            "strategies:\n"
                            "  s: {lines: [{use: lu}]}\n");
    nelm_model m;
    nelm_t_model_init(&m, p);
    size_t both = 0;
    for (uint64_t i = 0; i < NPATH; i++) {
        nelm_patient pt;
        nelm_outcome out;
        nelm_err e = {0};
        assert_int_equal(nelm_cohort_sample(&p->cohort, 9, i, &pt, &e), 0);
        nelm_simulate(&m, 0, 9, &pt, &out, &tr);
        size_t late = 0;
        for (size_t k = 0; k < tr.n; k++)
            late += tr.ev[k].type == NELM_EV_LATE_TOXICITY;
        assert_true(out.nlines == 1 && late <= out.line[0].courses);
        both += out.line[0].courses == 2 && late == 2;
    }
    print_message("  %zu of %d patients: two courses and two late toxicities\n", both, NPATH);
    assert_true(both > NPATH * 9 / 10);
    free(p);
}

/* Best supportive care entered with the disease controlled (the only line
 * refused): with disease.untreated_progression the natural history comes
 * first (an untreated progression at rate 0.1, then post-progression death);
 * without it, post-progression survival from the start. */
static void
test_bsc_untreated(void **state)
{
    (void)state;
    static nelm_trajectory tr;
    static const char body[] =
        "disease:\n"
        "  death_controlled: {dist: pexp, cuts: [0], rates: [0]}\n"
        "  death_progressed: {dist: exp, rate: 0.05}\n"
        "  %s\n"
        "  source: t\n"
        "modalities:\n"
        "  sun: {kind: targeted, ttp: {dist: exp, rate: 0.06}, eligibility: {sites: [pancreas]},\n"
        "        source: t}\n"
        "strategies:\n"
        "  s: {lines: [{use: sun, if_ineligible: stop}]}\n";
    for (int with = 0; with < 2; with++) {
        char text[2048];
        snprintf(text, sizeof text, body,
                 with ? "untreated_progression: {dist: exp, rate: 0.1}" : "frailty_variance: 0");
        nelm_params *p = nelm_t_pinned_model(50.0, false, text);
        nelm_model m;
        nelm_t_model_init(&m, p);
        double sum_tp = 0;
        size_t nprog = 0;
        for (uint64_t i = 0; i < NPATH; i++) {
            nelm_patient pt;
            nelm_outcome out;
            nelm_t_sample(p, 3, i, &pt);
            nelm_simulate(&m, 0, 3, &pt, &out, &tr);
            assert_true(out.nlines == 0 && out.bsc_start == 0.0);
            size_t k = find_ev(&tr, 0, NELM_EV_PROGRESSION, 0);
            if (!with) {
                assert_true(k == tr.n); /* straight to post-progression survival */
                continue;
            }
            assert_true(k < tr.n && tr.ev[k].instance == NELM_INSTANCE_NONE);
            assert_true(tr.ev[tr.n - 1].type == NELM_EV_DEATH && tr.ev[tr.n - 1].t >= tr.ev[k].t);
            sum_tp += tr.ev[k].t;
            nprog++;
        }
        if (with) {
            double mean = sum_tp / (double)nprog, se = 10.0 / sqrt((double)nprog);
            print_message("  untreated progression: mean %.3f months (expected 10, SE %.3f)\n",
                          mean, se);
            assert_true(nprog == NPATH && fabs(mean - 10.0) < ZMAX * se);
        }
        free(p);
    }
}

/* uptake 0.3: about 30 % take the line up; who declines skips to the next
 * line at once. */
static void
test_uptake(void **state)
{
    (void)state;
    static nelm_trajectory tr;
    nelm_patient pt;
    nelm_outcome out;
    const nelm_params *p = path_p;
    uint16_t ssa = nelm_t_instance(p, "ssa"), obs = nelm_t_instance(p, "obs");
    enum { N = 20000 };
    size_t taken = 0;
    for (uint64_t i = 0; i < N; i++) {
        path_run("uptake", i, &pt, &out, &tr);
        const nelm_event *e0 = &tr.ev[0];
        if (e0->type == NELM_EV_LINE_START) {
            EXPECT_T(p, &tr, i, e0->line == 1 && e0->instance == ssa, "line 1");
            taken++;
        } else {
            EXPECT_T(p, &tr, i,
                     e0->type == NELM_EV_LINE_SKIPPED && e0->detail == NELM_SKIP_DECLINED &&
                         e0->line == 1 && e0->instance == ssa && e0->t == 0.0,
                     "declined line not recorded as declined");
            EXPECT_T(p, &tr, i,
                     tr.n > 1 && tr.ev[1].type == NELM_EV_LINE_START && tr.ev[1].line == 2 &&
                         tr.ev[1].instance == obs && tr.ev[1].t == 0.0,
                     "declined: next line not started at once");
        }
    }
    double z = nelm_t_z_share(taken, N, 0.3);
    print_message("  uptake %.4f, expected 0.3 (%+.2f SE)\n", (double)taken / N, z);
    assert_true(fabs(z) < ZMAX);
    assert_true(fabs(nelm_t_z_share(taken, N, 0.33)) > ZMAX); /* a 10 % error fails */
}

/* switch_after 6 to a transplant (Milan-NET: 6 months controlled): those
 * controlled at 6 months switch exactly then; those who progressed before
 * stay on SSA to progression, and the transplant line is then refused. With
 * an ineligible next line there is no switch at all. */
static void
test_planned_switch(void **state)
{
    (void)state;
    static nelm_trajectory tr;
    nelm_patient pt;
    nelm_outcome out;
    const nelm_params *p = path_p;
    uint16_t ssa = nelm_t_instance(p, "ssa"), tx = nelm_t_instance(p, "tx"),
             obs = nelm_t_instance(p, "obs");
    size_t n_switch = 0, n_prog = 0;
    for (uint64_t i = 0; i < NPATH; i++) {
        path_run("switch", i, &pt, &out, &tr);
        size_t ks = find_ev(&tr, 0, NELM_EV_PLANNED_SWITCH, 0);
        size_t kp = find_ev(&tr, 0, NELM_EV_PROGRESSION, 1);
        if (kp < tr.n && tr.ev[kp].t < 6.0) {
            EXPECT_T(p, &tr, i, ks == tr.n, "switched after progression");
            EXPECT_T(p, &tr, i,
                     tr.ev[kp + 1].type == NELM_EV_LINE_SKIPPED && tr.ev[kp + 1].line == 2 &&
                         tr.ev[kp + 1].detail == NELM_SKIP_INELIGIBLE,
                     "transplant not refused after progression");
            n_prog++;
        } else if (out.os > 6.0) {
            EXPECT_T(p, &tr, i,
                     ks < tr.n && tr.ev[ks].t == 6.0 && tr.ev[ks].line == 1 &&
                         tr.ev[ks].instance == ssa,
                     "no planned switch at 6 months");
            EXPECT_T(p, &tr, i,
                     tr.ev[ks + 1].type == NELM_EV_LINE_START && tr.ev[ks + 1].line == 2 &&
                         tr.ev[ks + 1].instance == tx && tr.ev[ks + 1].t == 6.0,
                     "line 2 does not start at the switch");
            EXPECT_T(p, &tr, i,
                     out.line[0].end == NELM_END_SWITCH && out.line[0].end_t == 6.0 &&
                         out.line[1].start == 6.0,
                     "line outcomes of the switch");
            n_switch++;
        }

        path_run("switch_inel", i, &pt, &out, &tr);
        EXPECT_T(p, &tr, i, count_ev(&tr, NELM_EV_PLANNED_SWITCH, 0) == 0,
                 "switched to an ineligible line");
        kp = find_ev(&tr, 0, NELM_EV_PROGRESSION, 1);
        if (kp < tr.n) {
            EXPECT_T(p, &tr, i,
                     tr.ev[kp + 1].type == NELM_EV_LINE_SKIPPED && tr.ev[kp + 1].line == 2 &&
                         tr.ev[kp + 2].type == NELM_EV_LINE_START && tr.ev[kp + 2].line == 3 &&
                         tr.ev[kp + 2].instance == obs && tr.ev[kp + 2].t == tr.ev[kp].t,
                     "after SSA progression: line 2 skipped, line 3 at once");
            EXPECT_T(p, &tr, i, out.line[0].end == NELM_END_PROGRESSION, "line 1 end");
        }
    }
    print_message("  %zu switched at 6 months, %zu progressed before\n", n_switch, n_prog);
    assert_true(n_switch > NPATH / 2 && n_prog > 100);
}

/* on_toxicity: next starts the next line at the discontinuation;
 * off_treatment leaves the patient off treatment, controlled, until the
 * progression, and only then starts the next line. The toxicity is the same
 * draw under both. */
static void
test_toxicity_switch(void **state)
{
    (void)state;
    static nelm_trajectory tr;
    nelm_patient pt;
    nelm_outcome out;
    const nelm_params *p = path_p;
    uint16_t tgt = nelm_t_instance(p, "tgt"), obs = nelm_t_instance(p, "obs");
    size_t n_next = 0, n_off = 0;
    for (uint64_t i = 0; i < NPATH; i++) {
        path_run("tox_next", i, &pt, &out, &tr);
        size_t kt = find_ev(&tr, 0, NELM_EV_TOXICITY, 1);
        double t_tox = -1.0;
        if (kt < tr.n) {
            t_tox = tr.ev[kt].t;
            EXPECT_T(p, &tr, i, tr.ev[kt].detail == 0 && tr.ev[kt].instance == tgt, "toxicity");
            EXPECT_T(p, &tr, i,
                     tr.ev[kt + 1].type == NELM_EV_DISCONTINUATION && tr.ev[kt + 1].t == t_tox,
                     "no discontinuation at the toxicity");
            EXPECT_T(p, &tr, i,
                     tr.ev[kt + 2].type == NELM_EV_LINE_START && tr.ev[kt + 2].line == 2 &&
                         tr.ev[kt + 2].instance == obs && tr.ev[kt + 2].t == t_tox,
                     "on_toxicity next: line 2 does not start at the toxicity");
            EXPECT_T(p, &tr, i, out.line[0].end == NELM_END_TOXICITY && out.line[0].end_t == t_tox,
                     "line 1 outcome");
            n_next++;
        }

        path_run("tox_off", i, &pt, &out, &tr);
        kt = find_ev(&tr, 0, NELM_EV_TOXICITY, 1);
        EXPECT_T(p, &tr, i, (kt < tr.n) == (t_tox >= 0.0) && (kt == tr.n || tr.ev[kt].t == t_tox),
                 "the toxicity differs between on_toxicity next and off_treatment");
        if (kt == tr.n)
            continue;
        EXPECT_T(p, &tr, i, tr.ev[kt + 1].type == NELM_EV_DISCONTINUATION, "discontinuation");
        size_t k = kt + 2;
        EXPECT_T(p, &tr, i, tr.ev[k].type == NELM_EV_PROGRESSION || terminal(tr.ev[k].type),
                 "off treatment: something other than progression or death follows");
        if (tr.ev[k].type == NELM_EV_PROGRESSION) {
            EXPECT_T(p, &tr, i, tr.ev[k].line == 1 && tr.ev[k].instance == tgt, "progression");
            EXPECT_T(p, &tr, i,
                     tr.ev[k + 1].type == NELM_EV_LINE_START && tr.ev[k + 1].line == 2 &&
                         tr.ev[k + 1].t == tr.ev[k].t,
                     "line 2 does not start at the progression");
            EXPECT_T(p, &tr, i,
                     out.line[0].end == NELM_END_PROGRESSION && out.line[0].end_t == tr.ev[k].t,
                     "line 1 outcome");
            n_off++;
        }
    }
    print_message("  toxicity: %zu switched at once, %zu went on to progression off "
                  "treatment\n",
                  n_next, n_off);
    assert_true(n_next > 300 && n_off > 200);
}

/* Best supportive care after the last line's progression, then death from
 * the disease or background (here with the built-in life table at 75). */
static void
test_best_supportive_care(void **state)
{
    (void)state;
    nelm_params *p =
        nelm_t_pinned_model(75.0, true,
                            "disease:\n"
                            "  death_controlled: {dist: exp, rate: 0.001}\n"
                            "  death_progressed: {dist: exp, rate: 0.03}\n"
                            "  source: t\n"
                            "modalities:\n"
                            "  obs: {kind: observation, ttp: {dist: exp, rate: 0.05},\n"
                            "        source: t}\n"
                            "strategies:\n"
                            "  obs: {lines: [{use: obs}]}\n");
    nelm_model m;
    nelm_t_model_init(&m, p);
    static nelm_trajectory tr;
    nelm_patient pt;
    nelm_outcome out;
    size_t n_cause[NELM_NCAUSES] = {0};
    for (uint64_t i = 0; i < NPATH; i++) {
        nelm_t_sample(p, SEED, i, &pt);
        simulate(&m, 0, SEED, &pt, &out, &tr);
        size_t kp = find_ev(&tr, 0, NELM_EV_PROGRESSION, 1);
        size_t kb = find_ev(&tr, 0, NELM_EV_BSC_START, 0);
        if (kp == tr.n) {
            EXPECT_T(p, &tr, i, kb == tr.n && out.bsc_start < 0, "care without progression");
            continue;
        }
        EXPECT_T(p, &tr, i, kb == kp + 1 && tr.ev[kb].t == tr.ev[kp].t,
                 "best supportive care does not follow the last line's progression");
        EXPECT_T(p, &tr, i, out.bsc_start == tr.ev[kb].t && tr.ev[kb].line == 0, "bsc_start");
        EXPECT_T(p, &tr, i, kb + 2 == tr.n && terminal(tr.ev[kb + 1].type),
                 "events after best supportive care other than the end");
        EXPECT_T(p, &tr, i,
                 out.cause == NELM_CAUSE_DISEASE || out.cause == NELM_CAUSE_BACKGROUND ||
                     out.cause == NELM_CAUSE_NONE,
                 "cause %d", out.cause);
        n_cause[out.cause]++;
    }
    print_message("  after best supportive care: %zu disease, %zu background deaths\n",
                  n_cause[NELM_CAUSE_DISEASE], n_cause[NELM_CAUSE_BACKGROUND]);
    assert_true(n_cause[NELM_CAUSE_DISEASE] > 300 && n_cause[NELM_CAUSE_BACKGROUND] > 50);
    free(p);
}

/* Waiting-list dropout: progression while listed ends the transplant line
 * untreated (no treatment start, the transplant not received); otherwise the
 * transplant follows the waiting time. */
static void
test_waitlist_dropout(void **state)
{
    (void)state;
    static nelm_trajectory tr;
    nelm_patient pt;
    nelm_outcome out;
    const nelm_params *p = path_p;
    uint16_t tx = nelm_t_instance(p, "tx");
    size_t n_drop = 0, n_tx = 0;
    for (uint64_t i = 0; i < NPATH; i++) {
        path_run("switch", i, &pt, &out, &tr);
        size_t k = find_ev(&tr, 0, NELM_EV_LINE_START, 2);
        if (k == tr.n)
            continue;
        const nelm_event *next = &tr.ev[k + 1];
        /* (not `bool b = (x >> k) & 1u`: GCC 12.2 at -O2 miscompiles it) */
        bool received = (out.kinds & (1u << NELM_KIND_TRANSPLANT)) != 0;
        bool inst = (out.instances & (1u << tx)) != 0;
        EXPECT_T(p, &tr, i, received == inst, "kinds %#x and instances %#x disagree",
                 (unsigned)out.kinds, (unsigned)out.instances);
        if (next->type == NELM_EV_WAITLIST_DROPOUT) {
            EXPECT_T(p, &tr, i, next->line == 2 && next->instance == tx, "dropout");
            EXPECT_T(p, &tr, i, count_ev(&tr, NELM_EV_TREATMENT_START, 2) == 0,
                     "transplanted after dropping out");
            EXPECT_T(p, &tr, i, !received, "transplant counted as received after dropout");
            EXPECT_T(p, &tr, i,
                     out.line[1].end == NELM_END_DROPOUT && out.line[1].end_t == next->t &&
                         out.line[1].pfs_event && out.line[1].pfs == next->t - out.line[1].start,
                     "line 2 outcome after dropout");
            EXPECT_T(p, &tr, i, tr.ev[k + 2].type == NELM_EV_BSC_START, "care after dropout");
            n_drop++;
        } else if (next->type == NELM_EV_TREATMENT_START) {
            EXPECT_T(p, &tr, i, next->t > tr.ev[k].t && received, "transplant");
            n_tx++;
        } else {
            EXPECT_T(p, &tr, i, terminal(next->type) && !received, "death on the list");
        }
    }
    print_message("  waiting list: %zu dropouts, %zu transplants\n", n_drop, n_tx);
    assert_true(n_drop > 200 && n_tx > 200);
}

/* ==== invariants of every trajectory ====================================== */

static void
check_invariants(const nelm_model *m, size_t s, uint64_t seed, uint64_t i, const nelm_patient *pt,
                 const nelm_outcome *o, const nelm_trajectory *tr)
{
    const nelm_params *p = m->p;
    EXPECT_T(p, tr, i, tr->n >= 1 && tr->n <= NELM_MAX_EVENTS, "%zu events", tr->n);
    size_t nterm = 0, nstart = 0, nbsc = 0;
    for (size_t k = 0; k < tr->n; k++) {
        const nelm_event *ev = &tr->ev[k];
        EXPECT_T(p, tr, i, isfinite(ev->t) && ev->t >= 0.0, "event %zu at %g", k, ev->t);
        EXPECT_T(p, tr, i, k == 0 || ev->t >= tr->ev[k - 1].t, "time goes back at event %zu", k);
        EXPECT_T(p, tr, i, ev->type < NELM_NEVENTS, "event type %u", ev->type);
        if (terminal(ev->type))
            nterm++;
        switch (ev->type) {
        case NELM_EV_LINE_START:
            EXPECT_T(p, tr, i,
                     nstart < o->nlines && o->line[nstart].start == ev->t &&
                         o->line[nstart].instance == ev->instance &&
                         o->line[nstart].number == ev->line,
                     "line start %zu does not match the line outcome", nstart);
            EXPECT_T(p, tr, i, nbsc == 0, "a line after best supportive care");
            nstart++;
            break;
        case NELM_EV_PROGRESSION:
            if (nbsc > 0) { /* untreated progression in best supportive care */
                EXPECT_T(p, tr, i,
                         ev->line == 0 && ev->instance == NELM_INSTANCE_NONE &&
                             ev->detail <= NELM_SITE_EXTRAHEPATIC,
                         "progression %zu in best supportive care", k);
                break;
            }
            /* fall through */
        case NELM_EV_COURSE_START:
        case NELM_EV_TREATMENT_START:
        case NELM_EV_TREATMENT_END:
        case NELM_EV_TOXICITY:
        case NELM_EV_DISCONTINUATION:
        case NELM_EV_RECURRENCE:
        case NELM_EV_PLANNED_SWITCH:
        case NELM_EV_WAITLIST_DROPOUT:
            EXPECT_T(p, tr, i,
                     ev->line >= 1 && ev->line <= (int)p->strategies[s].nlines &&
                         ev->instance < p->nmodalities && nstart > 0 &&
                         o->line[nstart - 1].number == ev->line,
                     "event %zu outside its line", k);
            if (ev->type == NELM_EV_PROGRESSION || ev->type == NELM_EV_RECURRENCE ||
                ev->type == NELM_EV_WAITLIST_DROPOUT)
                EXPECT_T(p, tr, i, ev->detail <= NELM_SITE_EXTRAHEPATIC, "site");
            break;
        case NELM_EV_LINE_SKIPPED:
            EXPECT_T(p, tr, i, ev->detail <= NELM_SKIP_DECLINED && ev->line >= 1, "skip");
            break;
        case NELM_EV_BSC_START:
            EXPECT_T(p, tr, i, ev->t == o->bsc_start && ev->line == 0, "bsc_start");
            nbsc++;
            break;
        default:
            break;
        }
    }
    const nelm_event *last = &tr->ev[tr->n - 1];
    EXPECT_T(p, tr, i, nterm == 1 && terminal(last->type),
             "%zu death/censoring events, the last is not one", nterm);
    EXPECT_T(p, tr, i, o->os == last->t, "os %.17g, last event at %.17g", o->os, last->t);
    if (last->type == NELM_EV_DEATH)
        EXPECT_T(p, tr, i,
                 o->cause == last->detail && o->cause > NELM_CAUSE_NONE && o->cause < NELM_NCAUSES,
                 "cause %d, death event detail %d", o->cause, last->detail);
    else
        EXPECT_T(p, tr, i, o->cause == NELM_CAUSE_NONE, "censored with cause %d", o->cause);
    EXPECT_T(p, tr, i, nstart == o->nlines, "%zu line starts, %d lines", nstart, o->nlines);
    EXPECT_T(p, tr, i, nbsc <= 1 && (nbsc == 1) == (o->bsc_start >= 0.0), "bsc");

    /* background death and horizon bound everything */
    double t_bg = nelm_background_death(m, seed, pt);
    double t_h = (p->horizon.age - pt->age) * 12.0;
    if (p->horizon.months < t_h)
        t_h = p->horizon.months;
    EXPECT_T(p, tr, i, o->os <= t_bg && o->os <= t_h * (1 + 1e-12),
             "os %.17g beyond background death %.17g or horizon %.17g", o->os, t_bg, t_h);
    if (o->cause == NELM_CAUSE_BACKGROUND)
        EXPECT_T(p, tr, i, o->os == t_bg, "background death at %.17g, drawn %.17g", o->os, t_bg);
    if (o->cause == NELM_CAUSE_NONE)
        EXPECT_T(p, tr, i, fabs(o->os - t_h) <= 1e-9 * t_h, "censored at %.17g, horizon %.17g",
                 o->os, t_h);

    /* line outcomes */
    uint32_t received = 0;
    for (size_t l = 0; l < o->nlines; l++) {
        const nelm_line_outcome *lo = &o->line[l];
        EXPECT_T(p, tr, i, l == 0 || lo->number > o->line[l - 1].number, "line numbers");
        EXPECT_T(p, tr, i,
                 lo->start <= lo->end_t && lo->end_t <= o->os && lo->pfs >= 0.0 &&
                     lo->start + lo->pfs <= o->os * (1 + 1e-12),
                 "line %zu: start %g end %g pfs %g os %g", l + 1, lo->start, lo->end_t, lo->pfs,
                 o->os);
        EXPECT_T(p, tr, i, lo->end < NELM_NENDS && lo->courses >= 1, "line %zu end", l + 1);
        EXPECT_T(p, tr, i, lo->courses == 1 + count_ev(tr, NELM_EV_COURSE_START, lo->number),
                 "line %zu: %d courses", l + 1, lo->courses);
        if (lo->end == NELM_END_DEATH || lo->end == NELM_END_CENSORED)
            EXPECT_T(p, tr, i, l + 1 == o->nlines && lo->end_t == o->os,
                     "line %zu ended by death or censoring before the last", l + 1);
        /* open PFS at the end: censored exactly when the patient was */
        if (!lo->pfs_event)
            EXPECT_T(p, tr, i,
                     o->cause == NELM_CAUSE_NONE &&
                         fabs(lo->start + lo->pfs - o->os) <= 1e-9 * (1.0 + o->os),
                     "line %zu: PFS censored but the patient died", l + 1);
        const nelm_modality *mo = &p->modalities[lo->instance];
        bool got = mo->kind == NELM_KIND_TRANSPLANT
                       ? count_ev(tr, NELM_EV_TREATMENT_START, lo->number) > 0
                       : true;
        if (got)
            received |= 1u << lo->instance;
    }
    EXPECT_T(p, tr, i, o->instances == received, "instances received %#x, lines say %#x",
             (unsigned)o->instances, (unsigned)received);
    uint32_t kinds = 0;
    for (size_t j = 0; j < p->nmodalities; j++)
        if ((received & (1u << j)) != 0)
            kinds |= 1u << p->modalities[j].kind;
    EXPECT_T(p, tr, i, o->kinds == kinds, "kinds %#x, expected %#x", (unsigned)o->kinds,
             (unsigned)kinds);
}

static void
invariants_of(const nelm_params *p, size_t n, uint64_t seed)
{
    nelm_model m;
    nelm_t_model_init(&m, p);
    static nelm_trajectory tr;
    nelm_patient pt;
    nelm_outcome out, out2;
    for (size_t s = 0; s < p->nstrategies; s++) {
        size_t cause[NELM_NCAUSES] = {0};
        for (uint64_t i = 0; i < n; i++) {
            nelm_t_sample(p, seed, i, &pt);
            simulate(&m, s, seed, &pt, &out, &tr);
            check_invariants(&m, s, seed, i, &pt, &out, &tr);
            /* the outcome does not depend on whether events are recorded */
            nelm_simulate(&m, s, seed, &pt, &out2, NULL);
            EXPECT_T(p, &tr, i, nelm_outcome_equal(&out, &out2),
                     "outcome differs without a trajectory");
            cause[out.cause]++;
        }
        print_message("  %-18s deaths: %5zu disease %5zu treatment %5zu toxicity %5zu "
                      "background, %5zu censored\n",
                      p->strategies[s].name, cause[NELM_CAUSE_DISEASE], cause[NELM_CAUSE_TREATMENT],
                      cause[NELM_CAUSE_TOXICITY], cause[NELM_CAUSE_BACKGROUND],
                      cause[NELM_CAUSE_NONE]);
    }
}

static void
test_invariants_default(void **state)
{
    (void)state;
    nelm_params *p = calloc(1, sizeof *p);
    assert_non_null(p);
    nelm_err e = {0};
    if (nelm_params_load(p, NULL, NULL, 0, &e) != 0)
        fail_msg("default model: %s", e.msg);
    invariants_of(p, 5000, SEED);
    free(p);
}

static void
test_invariants_paths(void **state)
{
    (void)state;
    invariants_of(path_p, NPATH, SEED);
}

/* ==== 6. reproducibility ===================================================== */

static bool
same_events(const nelm_event *a, const nelm_event *b, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (memcmp(&a[k].t, &b[k].t, sizeof a[k].t) != 0 || a[k].type != b[k].type ||
            a[k].detail != b[k].detail || a[k].line != b[k].line || a[k].instance != b[k].instance)
            return false;
    return true;
}

static bool
same_patient(const nelm_patient *a, const nelm_patient *b)
{
    return a->index == b->index && memcmp(&a->age, &b->age, sizeof a->age) == 0 &&
           a->sex == b->sex && a->site == b->site &&
           memcmp(&a->ki67, &b->ki67, sizeof a->ki67) == 0 && a->grade == b->grade &&
           a->burden == b->burden && a->frilling == b->frilling &&
           a->extrahepatic == b->extrahepatic && a->functional == b->functional &&
           a->syndrome == b->syndrome && a->sstr == b->sstr &&
           a->primary_resected == b->primary_resected && a->ecog == b->ecog &&
           a->entry_line == b->entry_line && a->prior == b->prior &&
           a->progressive == b->progressive && a->tries == b->tries;
}

static void
test_reproducible(void **state)
{
    (void)state;
    enum { N = 2000 };
    nelm_params *p = calloc(1, sizeof *p);
    assert_non_null(p);
    nelm_err e = {0};
    if (nelm_params_load(p, NULL, NULL, 0, &e) != 0)
        fail_msg("default model: %s", e.msg);
    nelm_model m;
    nelm_t_model_init(&m, p);
    size_t ns = p->nstrategies;
    nelm_outcome *outs = calloc(ns * N, sizeof *outs);
    size_t *first = calloc(ns * N + 1, sizeof *first);
    size_t cap = ns * N * 16, used = 0;
    nelm_event *evs = malloc(cap * sizeof *evs);
    nelm_patient *pts = calloc(N, sizeof *pts);
    assert_true(outs && first && evs && pts);
    static nelm_trajectory tr;

    /* first pass, in order */
    for (uint64_t i = 0; i < N; i++) {
        nelm_t_sample(p, SEED, i, &pts[i]);
        for (size_t s = 0; s < ns; s++) {
            size_t r = (size_t)i * ns + s;
            simulate(&m, s, SEED, &pts[i], &outs[r], &tr);
            if (used + tr.n > cap) {
                cap = 2 * (used + tr.n);
                evs = realloc(evs, cap * sizeof *evs);
                assert_non_null(evs);
            }
            first[r] = used;
            memcpy(evs + used, tr.ev, tr.n * sizeof *evs);
            used += tr.n;
            first[r + 1] = used;
        }
    }
    /* second pass: patients backwards, strategies backwards, each patient
     * sampled again */
    nelm_patient pt;
    nelm_outcome out;
    for (uint64_t j = 0; j < N; j++) {
        uint64_t i = N - 1 - j;
        nelm_t_sample(p, SEED, i, &pt);
        if (!same_patient(&pt, &pts[i]))
            fail_msg("patient %llu sampled differently the second time", (unsigned long long)i);
        for (size_t s2 = 0; s2 < ns; s2++) {
            size_t s = ns - 1 - s2, r = (size_t)i * ns + s;
            simulate(&m, s, SEED, &pt, &out, &tr);
            EXPECT_T(p, &tr, i, nelm_outcome_equal(&out, &outs[r]),
                     "%s: outcome differs on the second run", p->strategies[s].name);
            EXPECT_T(p, &tr, i,
                     tr.n == first[r + 1] - first[r] && same_events(tr.ev, evs + first[r], tr.n),
                     "%s: trajectory differs on the second run", p->strategies[s].name);
        }
    }
    /* another seed: other patients, other outcomes */
    size_t same_os = 0, same_pt = 0;
    for (uint64_t i = 0; i < N; i++) {
        nelm_t_sample(p, SEED2, i, &pt);
        if (pt.age == pts[i].age && pt.ki67 == pts[i].ki67)
            same_pt++;
        for (size_t s = 0; s < ns; s++) {
            nelm_simulate(&m, s, SEED2, &pt, &out, NULL);
            if (out.os == outs[(size_t)i * ns + s].os)
                same_os++;
        }
    }
    print_message("  another seed: %zu of %d patients and %zu of %zu survival times equal\n",
                  same_pt, N, same_os, ns * N);
    assert_true(same_pt == 0);
    assert_true(same_os < ns * N / 100);
    free(outs);
    free(first);
    free(evs);
    free(pts);
    free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eligibility_direct),
        cmocka_unit_test(test_eligibility_engine),
        cmocka_unit_test(test_first_eligible),
        cmocka_unit_test(test_pinned_cohort),
        cmocka_unit_test(test_skip_and_stop),
        cmocka_unit_test(test_first_eligible_path),
        cmocka_unit_test(test_repeats),
        cmocka_unit_test(test_delay),
        cmocka_unit_test(test_delay_eligibility_at_start),
        cmocka_unit_test(test_late_toxicity_every_course),
        cmocka_unit_test(test_bsc_untreated),
        cmocka_unit_test(test_uptake),
        cmocka_unit_test(test_planned_switch),
        cmocka_unit_test(test_toxicity_switch),
        cmocka_unit_test(test_best_supportive_care),
        cmocka_unit_test(test_waitlist_dropout),
        cmocka_unit_test(test_invariants_default),
        cmocka_unit_test(test_invariants_paths),
        cmocka_unit_test(test_reproducible),
    };
    return cmocka_run_group_tests(tests, path_setup, path_teardown);
}
