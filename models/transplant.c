/* transplant.c — liver transplantation (DESIGN §2.3).
 *
 * Milan-NET criteria on the current state by default: age <= 60, grade
 * G1-G2 (Ki-67 <= 20 %), hepatic burden <= 50 %, no extrahepatic disease,
 * primary resected and portal-drained (small bowel, pancreas, other GI; not
 * an unknown primary), and at least 6 months of controlled disease on the
 * current line (min_controlled; progressive disease fails it). A course
 * starts with the waiting list: the transplant happens after `wait` unless
 * the disease progresses first (wait_progression: dropout, the line ends
 * untreated). Then perioperative mortality (treatment_death) and recurrence
 * from ttp with its cure fraction. One transplant per patient by default. */
#include <math.h>

#include "kindspec.h"

/* ecog, age, ki67, sites, sstr, functional_ok, extrahepatic_ok, liver_damage_ok,
 * frilling, burden, primary resected, min_controlled, retreat_after */
KIND_ELIGIBILITY("1", "60", "20", "[small_bowel, pancreas, other_gi]", "false", "false", "false",
                 "true", "III", "25to50", "true", "6", "0");

static const nelm_pkey keys[] = {
    KIND_KEY_KIND,
    KIND_KEY_TTP("net time to recurrence after the transplant"),
    KIND_KEY_CURE("0"),
    KIND_KEY_HR,
    KIND_KEY_P_HEPATIC("0.5"),
    KIND_KEY_TDEATH("{p: 0, window: 1}"),
    KIND_KEY_MAX_COURSES("1", 2),
    {.name = "wait",
     .type = NELM_P_DIST,
     .offset = MOFF(transplant.wait),
     .doc = "time on the waiting list to the transplant"},
    {.name = "wait_progression",
     .type = NELM_P_DIST,
     .offset = MOFF(transplant.wait_progression),
     .doc = "net time to progression while listed (progression = dropout)"},
    KIND_KEY_ELIG(elig_sec),
};
static const nelm_psection section = {
    "transplant",
    "liver transplantation: Milan-NET criteria, 6 months of controlled disease, "
    "waiting list with dropout, perioperative mortality, cure fraction",
    keys,
    KEYS_N(keys),
    0,
    0,
    NULL};

static void
course(const nelm_modality *m, const nelm_pstate *s, const nelm_draws *d, nelm_course *c)
{
    nelm_course_common(m, s, d, m->cure, 1.0, c);
    c->treat_end = 0; /* an operation */
    double t = 0;
    c->wait = nelm_draw_dist(d, NELM_SLOT_KIND_A, &m->transplant.wait, NULL, &t)
                  ? t
                  : 0.0; /* a defective waiting time: transplanted at once */
    nelm_mod fr = {0.0, 1.0, s->frailty};
    if (nelm_draw_dist(d, NELM_SLOT_KIND_B, &m->transplant.wait_progression, &fr, &t) &&
        t < c->wait) {
        c->dropout = t;
        c->dropout_hepatic = nelm_draw_u(d, NELM_SLOT_KIND_C) < m->p_hepatic;
    }
}

const nelm_kind nelm_kind_transplant = {
    .name = "transplant",
    .doc = "liver transplantation: Milan-NET criteria, 6 months of controlled disease, "
           "waiting list with dropout, perioperative mortality, cure fraction",
    .section = &section,
    .eligible = nelm_elig_common,
    .course = course,
    .repeats_on = NELM_REPEAT_NEVER,
};
