/* iat.c — intra-arterial therapy: bland embolisation, TACE, radioembolization
 * (DESIGN §2.3).
 *
 * For liver-dominant disease (extrahepatic disease allowed by default: the
 * model does not track dominance); each course is a procedure with its own
 * mortality; a hepatic progression may be treated by a further course up to
 * max_courses, an extrahepatic one ends the line. A course lasts `duration`
 * months (the procedures of one course), then the patient is off treatment
 * with the disease controlled. whole_liver: radioembolization of the whole
 * liver, which leaves liver damage visible to later lines (resection and
 * transplant eligibility, and further IAT by default). */
#include <math.h>

#include "kindspec.h"

/* ecog, age, ki67, sites, sstr, functional_ok, extrahepatic_ok, liver_damage_ok,
 * frilling, burden, primary resected, min_controlled, retreat_after */
KIND_ELIGIBILITY("2", "90", "100", ALL_SITES, "false", "false", "true", "false", "III", "gt50",
                 "false", "0", "0");

static const nelm_pkey keys[] = {
    KIND_KEY_KIND,
    KIND_KEY_TTP("net time to progression after a course"),
    KIND_KEY_CURE("0"),
    KIND_KEY_HR,
    KIND_KEY_P_HEPATIC("0.7"),
    KIND_KEY_DURATION("1", "months one course of procedures lasts"),
    KIND_KEY_TDEATH("{p: 0, window: 1}"),
    KIND_KEY_MAX_COURSES("4", NELM_MAX_COURSES),
    {.name = "whole_liver",
     .type = NELM_P_BOOL,
     .offset = MOFF(iat.whole_liver),
     .flags = NELM_PK_OPTIONAL,
     .def = "false",
     .doc = "whole-liver radioembolization: leaves liver damage"},
    KIND_KEY_ELIG(elig_sec),
};
static const nelm_psection section = {
    "iat",
    "intra-arterial therapy: per-procedure mortality, repeat courses on hepatic "
    "progression, whole-liver radioembolization damage",
    keys,
    KEYS_N(keys),
    0,
    0,
    NULL};

static void
course(const nelm_modality *m, const nelm_pstate *s, const nelm_draws *d, nelm_course *c)
{
    nelm_course_common(m, s, d, m->cure, 1.0, c);
    c->liver_damage = m->iat.whole_liver;
}

const nelm_kind nelm_kind_iat = {
    .name = "iat",
    .doc = "intra-arterial therapy: per-procedure mortality, repeat courses on hepatic "
           "progression, whole-liver radioembolization damage",
    .section = &section,
    .eligible = nelm_elig_common,
    .course = course,
    .repeats_on = NELM_REPEAT_HEPATIC,
};
