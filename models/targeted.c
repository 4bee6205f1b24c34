/* targeted.c — targeted agents: everolimus, sunitinib (DESIGN §2.3).
 *
 * Agent-specific eligibility by primary site (sunitinib: pancreas only) and
 * grade; continuous until progression or discontinuation for toxicity
 * (toxicity: net time to discontinuation; p_fatal_toxicity). What follows a
 * discontinuation (the next line, or off treatment until progression) is the
 * strategy line's on_toxicity. */
#include <math.h>

#include "kindspec.h"

/* ecog, age, ki67, sites, sstr, functional_ok, extrahepatic_ok, liver_damage_ok,
 * frilling, burden, primary resected, min_controlled, retreat_after */
KIND_ELIGIBILITY("2", "100", "20", ALL_SITES, "false", "false", "true", "true", "III", "gt50",
                 "false", "0", "0");

static const nelm_pkey keys[] = {
    KIND_KEY_KIND,
    KIND_KEY_TTP("net time to progression on the agent"),
    KIND_KEY_CURE("0"),
    KIND_KEY_HR,
    KIND_KEY_P_HEPATIC("0.6"),
    KIND_KEY_TDEATH("{p: 0, window: 1}"),
    KIND_KEY_TOXICITY,
    KIND_KEY_FATAL_TOX,
    KIND_KEY_MAX_COURSES("1", NELM_MAX_COURSES),
    KIND_KEY_ELIG(elig_sec),
};
static const nelm_psection section = {
    "targeted",
    "targeted agent: eligibility by primary site, continuous until progression or "
    "toxicity",
    keys,
    KEYS_N(keys),
    0,
    0,
    NULL};

static void
course(const nelm_modality *m, const nelm_pstate *s, const nelm_draws *d, nelm_course *c)
{
    nelm_course_common(m, s, d, m->cure, 1.0, c);
    c->treat_end = INFINITY; /* continuous */
}

const nelm_kind nelm_kind_targeted = {
    .name = "targeted",
    .doc = "targeted agent: eligibility by primary site, continuous until progression or "
           "toxicity",
    .section = &section,
    .eligible = nelm_elig_common,
    .course = course,
    .repeats_on = NELM_REPEAT_NEVER,
};
