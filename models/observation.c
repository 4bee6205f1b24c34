/* observation.c — no active treatment: watch and wait, placebo arms
 * (DESIGN §2.3). The natural history: ttp is the untreated disease's net time
 * to progression. Everyone is eligible unless the instance restricts it. */
#include <math.h>

#include "kindspec.h"

/* ecog, age, ki67, sites, sstr, functional_ok, extrahepatic_ok, liver_damage_ok,
 * frilling, burden, primary resected, min_controlled, retreat_after */
KIND_ELIGIBILITY("4", "150", "100", ALL_SITES, "false", "false", "true", "true", "III", "gt50",
                 "false", "0", "0");

static const nelm_pkey keys[] = {
    KIND_KEY_KIND,
    KIND_KEY_TTP("net time to progression without treatment"),
    KIND_KEY_CURE("0"),
    KIND_KEY_HR,
    KIND_KEY_P_HEPATIC("0.7"),
    KIND_KEY_MAX_COURSES("1", NELM_MAX_COURSES),
    KIND_KEY_ELIG(elig_sec),
};
static const nelm_psection section = {
    "observation",
    "no active treatment (watch and wait, placebo): the natural history",
    keys,
    KEYS_N(keys),
    0,
    0,
    NULL};

static void
course(const nelm_modality *m, const nelm_pstate *s, const nelm_draws *d, nelm_course *c)
{
    nelm_course_common(m, s, d, m->cure, 1.0, c);
    c->treat_end = INFINITY; /* observed until progression; no treatment events */
}

const nelm_kind nelm_kind_observation = {
    .name = "observation",
    .doc = "no active treatment (watch and wait, placebo): the natural history",
    .section = &section,
    .eligible = nelm_elig_common,
    .course = course,
    .repeats_on = NELM_REPEAT_NEVER,
};
