/* prrt.c — peptide receptor radionuclide therapy, e.g. 177Lu-DOTATATE
 * (DESIGN §2.3).
 *
 * SSTR positive and Ki-67 at most max_ki67 (55 % by default, the NETTER-2
 * upper limit); a fixed course (`duration`, 4 cycles over about 8 months),
 * then off treatment with the disease controlled. Each course may cause late
 * myelodysplasia or leukaemia (p_late) after a latency (late_onset, from the
 * course start), fatal with probability p_late_death after late_death from
 * onset: the onset and the death stay pending through every later line.
 * Retreatment (a second course on progression) only when the previous course
 * controlled the disease at least retreat_after months. */
#include <math.h>

#include "kindspec.h"

/* ecog, age, ki67, sites, sstr, functional_ok, extrahepatic_ok, liver_damage_ok,
 * frilling, burden, primary resected, min_controlled, retreat_after */
KIND_ELIGIBILITY("2", "90", "55", ALL_SITES, "true", "false", "true", "true", "III", "gt50",
                 "false", "0", "18");

static const nelm_pkey keys[] = {
    KIND_KEY_KIND,
    KIND_KEY_TTP("net time to progression from the course start"),
    KIND_KEY_CURE("0"),
    KIND_KEY_HR,
    KIND_KEY_P_HEPATIC("0.6"),
    KIND_KEY_DURATION("8", "months one course lasts (4 cycles 8 weeks apart: about 8)"),
    KIND_KEY_TDEATH("{p: 0, window: 1}"),
    KIND_KEY_MAX_COURSES("2", NELM_MAX_COURSES),
    {.name = "p_late",
     .type = NELM_P_NUM,
     .offset = MOFF(prrt.p_late),
     .min = 0,
     .max = 1,
     .unit = "probability",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "late myelodysplasia or leukaemia, per course"},
    {.name = "late_onset",
     .type = NELM_P_DIST,
     .offset = MOFF(prrt.late_onset),
     .doc = "latency of the late toxicity from the course start"},
    {.name = "p_late_death",
     .type = NELM_P_NUM,
     .offset = MOFF(prrt.p_late_death),
     .min = 0,
     .max = 1,
     .unit = "probability",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "the late toxicity is fatal"},
    {.name = "late_death",
     .type = NELM_P_DIST,
     .offset = MOFF(prrt.late_death),
     .doc = "time from onset of the late toxicity to death from it"},
    KIND_KEY_ELIG(elig_sec),
};
static const nelm_psection section = {
    "prrt",
    "PRRT: SSTR and Ki-67 requirements, fixed course, late myelodysplasia/leukaemia, "
    "limited retreatment",
    keys,
    KEYS_N(keys),
    0,
    0,
    NULL};

static void
course(const nelm_modality *m, const nelm_pstate *s, const nelm_draws *d, nelm_course *c)
{
    nelm_course_common(m, s, d, m->cure, 1.0, c);
    const nelm_prrt_params *p = &m->prrt;
    if (p->p_late > 0 && nelm_draw_u(d, NELM_SLOT_KIND_A) < p->p_late) {
        double t = 0;
        if (nelm_draw_dist(d, NELM_SLOT_KIND_B, &p->late_onset, NULL, &t)) {
            c->late_onset = t;
            double td = 0;
            if (p->p_late_death > 0 && nelm_draw_u(d, NELM_SLOT_KIND_C) < p->p_late_death &&
                nelm_draw_dist(d, NELM_SLOT_KIND_D, &p->late_death, NULL, &td))
                c->late_death = t + td;
        }
    }
}

const nelm_kind nelm_kind_prrt = {
    .name = "prrt",
    .doc = "PRRT: SSTR and Ki-67 requirements, fixed course, late myelodysplasia/leukaemia, "
           "limited retreatment",
    .section = &section,
    .eligible = nelm_elig_common,
    .course = course,
    .repeats_on = NELM_REPEAT_ANY,
};
