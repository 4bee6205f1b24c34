/* ssa.c — somatostatin analogues: octreotide LAR, lanreotide (DESIGN §2.3).
 *
 * SSTR positive, or a functional tumour (symptom control), Ki-67 at most 20 %
 * by default (antiproliferative use in G1-G2); continuous until progression.
 * A line marked `backbone: true` in a strategy keeps the SSA going alongside
 * the later lines: the patient stays on it (for costs) and the later lines'
 * progression hazards are multiplied by backbone_hr (1 by default: the
 * trials give no separate estimate; NETTER-1 gave octreotide with PRRT). */
#include <math.h>

#include "kindspec.h"

/* ecog, age, ki67, sites, sstr, functional_ok, extrahepatic_ok, liver_damage_ok,
 * frilling, burden, primary resected, min_controlled, retreat_after */
KIND_ELIGIBILITY("3", "100", "20", ALL_SITES, "true", "true", "true", "true", "III", "gt50",
                 "false", "0", "0");

static const nelm_pkey keys[] = {
    KIND_KEY_KIND,
    KIND_KEY_TTP("net time to progression on the SSA"),
    KIND_KEY_CURE("0"),
    KIND_KEY_HR,
    KIND_KEY_P_HEPATIC("0.7"),
    KIND_KEY_TDEATH("{p: 0, window: 1}"),
    KIND_KEY_TOXICITY,
    KIND_KEY_FATAL_TOX,
    KIND_KEY_MAX_COURSES("1", NELM_MAX_COURSES),
    {.name = "backbone_hr",
     .type = NELM_P_NUM,
     .offset = MOFF(ssa.backbone_hr),
     .min = 1e-3,
     .max = 1e3,
     .unit = "hazard ratio",
     .flags = NELM_PK_OPTIONAL,
     .def = "1",
     .doc = "on later lines' progression while this SSA continues as backbone"},
    KIND_KEY_ELIG(elig_sec),
};
static const nelm_psection section = {
    "ssa", "somatostatin analogue: first line and backbone, continuous until progression",
    keys,  KEYS_N(keys),
    0,     0,
    NULL};

static void
course(const nelm_modality *m, const nelm_pstate *s, const nelm_draws *d, nelm_course *c)
{
    nelm_course_common(m, s, d, m->cure, 1.0, c);
    c->treat_end = INFINITY; /* continuous */
    c->backbone_hr = m->ssa.backbone_hr;
}

const nelm_kind nelm_kind_ssa = {
    .name = "ssa",
    .doc = "somatostatin analogue: first line and backbone, continuous until progression",
    .section = &section,
    .eligible = nelm_elig_common,
    .course = course,
    .repeats_on = NELM_REPEAT_NEVER,
};
