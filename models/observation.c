/* observation.c — no active treatment: watch and wait, placebo arms
 * (DESIGN §2.3). The natural history: ttp is the untreated disease's net time
 * to progression. Everyone is eligible unless the instance restricts it. */
#include <math.h>

#include "kindspec.h"

static const nelm_pkey elig_keys[] = {
    ELIG_MAX_ECOG("4"),           ELIG_MAX_AGE("150"),          ELIG_MAX_KI67("100"),
    ELIG_SITES(ALL_SITES),        ELIG_SSTR("false"),           ELIG_FUNCTIONAL_OK("false"),
    ELIG_EXTRAHEPATIC_OK("true"), ELIG_LIVER_DAMAGE_OK("true"), ELIG_MAX_FRILLING("III"),
    ELIG_MAX_BURDEN("gt50"),      ELIG_PRIMARY("false"),        ELIG_MIN_CONTROLLED("0"),
    ELIG_RETREAT_AFTER("0"),
};
static const nelm_psection elig_sec = {"eligibility", "", elig_keys, KEYS_N(elig_keys), 0, 0, NULL};

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
