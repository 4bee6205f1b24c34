/* resection.c — hepatic resection (DESIGN §2.3).
 *
 * Eligible by default with Frilling type I or II, no extrahepatic disease,
 * grade at most G2 (Ki-67 <= 20 %), ECOG <= 1, and no whole-liver
 * radioembolization before. Each operation carries perioperative mortality
 * (treatment_death) and is complete (R0/R1, with probability p_complete:
 * recurrence from ttp with the cure fraction `cure`) or a debulking
 * (recurrence hazard times hr_incomplete, cure fraction cure_incomplete).
 * A recurrence may be resected again while the patient is still eligible on
 * the current state (an extrahepatic recurrence makes them ineligible), up
 * to max_courses operations. */
#include <math.h>

#include "kindspec.h"

/* ecog, age, ki67, sites, sstr, functional_ok, extrahepatic_ok, liver_damage_ok,
 * frilling, burden, primary resected, min_controlled, retreat_after */
KIND_ELIGIBILITY("1", "85", "20", ALL_SITES, "false", "false", "false", "false", "II", "gt50",
                 "false", "0", "0");

static const nelm_pkey keys[] = {
    KIND_KEY_KIND,
    KIND_KEY_TTP("net time to recurrence after a complete (R0/R1) resection"),
    KIND_KEY_CURE("0"),
    KIND_KEY_HR,
    KIND_KEY_P_HEPATIC("0.8"),
    KIND_KEY_TDEATH("{p: 0, window: 1}"),
    KIND_KEY_MAX_COURSES("2", NELM_MAX_COURSES),
    {.name = "p_complete",
     .type = NELM_P_NUM,
     .offset = MOFF(resection.p_complete),
     .min = 0,
     .max = 1,
     .unit = "probability",
     .flags = NELM_PK_OPTIONAL,
     .def = "1",
     .doc = "the resection is complete (R0/R1) rather than a debulking"},
    {.name = "hr_incomplete",
     .type = NELM_P_NUM,
     .offset = MOFF(resection.hr_incomplete),
     .min = 1e-3,
     .max = 1e3,
     .unit = "hazard ratio",
     .flags = NELM_PK_OPTIONAL,
     .def = "1",
     .doc = "on recurrence after a debulking, relative to a complete resection"},
    {.name = "cure_incomplete",
     .type = NELM_P_NUM,
     .offset = MOFF(resection.cure_incomplete),
     .min = 0,
     .max = 1,
     .unit = "probability",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "cure fraction after a debulking"},
    KIND_KEY_ELIG(elig_sec),
};
static const nelm_psection section = {
    "resection", "hepatic resection: perioperative mortality, completeness, repeat resection",
    keys,        KEYS_N(keys),
    0,           0,
    NULL};

static void
course(const nelm_modality *m, const nelm_pstate *s, const nelm_draws *d, nelm_course *c)
{
    bool complete = m->resection.p_complete >= 1.0 ||
                    nelm_draw_u(d, NELM_SLOT_KIND_A) < m->resection.p_complete;
    if (complete)
        nelm_course_common(m, s, d, m->cure, 1.0, c);
    else
        nelm_course_common(m, s, d, m->resection.cure_incomplete, m->resection.hr_incomplete, c);
    c->treat_end = 0; /* an operation */
    c->detail = complete ? 0 : 1;
}

const nelm_kind nelm_kind_resection = {
    .name = "resection",
    .doc = "hepatic resection: perioperative mortality, completeness, repeat resection",
    .section = &section,
    .eligible = nelm_elig_common,
    .course = course,
    .repeats_on = NELM_REPEAT_HEPATIC,
};
