/* course.c — what every modality kind shares: the common parameter keys,
 * the common eligibility rules and the common layout of one course. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kindspec.h"
#include "model.h"

const char *const nelm_kind_names[NELM_NKINDS] = {"resection", "transplant", "iat",        "prrt",
                                                  "ssa",       "targeted",   "observation"};
const char *const nelm_site_names[NELM_NSITES] = {"small_bowel", "pancreas", "other_gi", "unknown"};
const char *const nelm_frilling_names[NELM_NFRILLING] = {"I", "II", "III"};
const char *const nelm_burden_names[NELM_NBURDENS] = {"lt25", "25to50", "gt50"};

/* ---- hazard ratios ---- */

#define COFF(field) offsetof(nelm_covariates, field)
#define HR_KEY(nm, field, docstr)                                                                  \
    {                                                                                              \
        .name = nm, .type = NELM_P_NUM, .offset = COFF(field), .min = 1e-3, .max = 1e3,            \
        .unit = "hazard ratio", .flags = NELM_PK_OPTIONAL, .def = "1", .doc = docstr               \
    }

static const nelm_pkey grade_hr_keys[] = {
    HR_KEY("G1", grade[0], "grade 1"),
    HR_KEY("G2", grade[1], "grade 2"),
    HR_KEY("G3", grade[2], "grade 3"),
};
static const nelm_psection grade_hr_sec = {"grade", "", grade_hr_keys, KEYS_N(grade_hr_keys),
                                           0,       0,  NULL};

static const nelm_pkey covariate_keys[] = {
    {.name = "grade",
     .type = NELM_P_SECTION,
     .sub = &grade_hr_sec,
     .flags = NELM_PK_OPTIONAL,
     .def = "{}",
     .doc = "by WHO grade (current Ki-67)"},
    HR_KEY("extrahepatic", extrahepatic, "with extrahepatic disease (current)"),
    HR_KEY("burden_gt50", burden_gt50, "with hepatic tumour burden > 50 %"),
    HR_KEY("pancreas", pancreas, "with a pancreatic primary"),
    HR_KEY("prior_line", prior_line, "per prior line of therapy (raised to their number)"),
};
const nelm_psection nelm_covariates_section = {"hr", "",  covariate_keys, KEYS_N(covariate_keys), 0,
                                               0,    NULL};

/* ---- treatment death ---- */

static const nelm_pkey tdeath_keys[] = {
    {.name = "p",
     .type = NELM_P_NUM,
     .offset = MOFF(p_death),
     .min = 0,
     .max = 1,
     .unit = "probability",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "death from the treatment, per course (procedure)"},
    {.name = "window",
     .type = NELM_P_NUM,
     .offset = MOFF(death_window),
     .min = 1e-6,
     .max = 120,
     .unit = "months",
     .doc = "such deaths happen uniformly within this window after the course starts"},
};
const nelm_psection nelm_treatment_death_section = {
    "treatment_death", "", tdeath_keys, KEYS_N(tdeath_keys), 0, 0, NULL};

/* ---- optional toxicity distribution ---- */

int
nelm_parse_toxicity(nelm_pctx *c, const nelm_ynode *n, void *base, const char *path)
{
    nelm_modality *m = base;
    if (n->kind == NELM_YSCALAR && strcmp(n->str, "none") == 0) {
        m->has_toxicity = false;
        memset(&m->toxicity, 0, sizeof m->toxicity);
        return 0;
    }
    if (n->kind != NELM_YMAP)
        return nelm_pfail(c, n, path, "expected none or a distribution {dist: ...}");
    m->has_toxicity = true;
    return nelm_pread_dist(c, n, path, &m->toxicity);
}

void
nelm_dump_toxicity(FILE *out, const void *base, int indent)
{
    (void)indent;
    const nelm_modality *m = base;
    if (!m->has_toxicity) {
        fputs(" none\n", out);
        return;
    }
    fputc(' ', out);
    nelm_pdump_dist(out, &m->toxicity);
    fputc('\n', out);
}

/* ---- the registry lookup ---- */

const nelm_kind *
nelm_kind_find(const char *name, int *id)
{
    for (int k = 0; k < NELM_NKINDS; k++)
        if (strcmp(nelm_kinds[k]->name, name) == 0) {
            if (id)
                *id = k;
            return nelm_kinds[k];
        }
    return NULL;
}

/* ---- shared behaviour ---- */

bool
nelm_elig_common(const nelm_modality *m, uint16_t index, const nelm_pstate *s, const char **why)
{
    const nelm_eligibility *e = &m->elig;
    const nelm_patient *pt = s->pt;
    const char *w = NULL;
    if (s->uses[index] >= m->max_courses)
        w = "no courses left";
    else if (pt->ecog > e->max_ecog)
        w = "performance status";
    else if (s->age > e->max_age)
        w = "age";
    else if (pt->ki67 > e->max_ki67)
        w = "Ki-67";
    else if (!(e->sites & (1u << pt->site)))
        w = "primary site";
    else if (e->require_sstr && !pt->sstr && !(e->functional_ok && pt->functional))
        w = "SSTR negative";
    else if (!e->extrahepatic_ok && s->extrahepatic)
        w = "extrahepatic disease";
    else if (!e->liver_damage_ok && s->liver_damage)
        w = "liver damage";
    else if ((int)pt->frilling > e->max_frilling)
        w = "Frilling pattern";
    else if ((int)pt->burden > e->max_burden)
        w = "tumour burden";
    else if (e->require_primary_resected && !pt->primary_resected)
        w = "primary not resected";
    else if (e->min_controlled > 0 &&
             (s->progressive || s->t - s->controlled_since < e->min_controlled - 1e-9))
        w = "disease not controlled long enough";
    else if (s->uses[index] > 0 && e->retreat_after > 0 &&
             s->last_controlled[index] < e->retreat_after - 1e-9)
        w = "previous course controlled the disease too briefly";
    if (why)
        *why = w;
    return w == NULL;
}

int
nelm_check_eligibility(nelm_pctx *c, const nelm_ynode *node, void *base, const char *path)
{
    const nelm_eligibility *el = base;
    char at[NELM_PATH_MAX + 16];
    if (el->sites == 0) {
        const nelm_ynode *n = nelm_ymap_get(node, "sites");
        snprintf(at, sizeof at, "%s.sites", path);
        return nelm_pfail(c, n ? n : node, at, "no primary site is eligible: nobody can receive it");
    }
    /* the cohort is read before the modalities (the root's key order) */
    const nelm_cohort_params *cp = &c->p->cohort;
    if (cp->age_max > 0 && el->max_age < cp->age_min) {
        const nelm_ynode *n = nelm_ymap_get(node, "max_age");
        snprintf(at, sizeof at, "%s.max_age", path);
        return nelm_pfail(c, n ? n : node, at,
                          "%.17g is below the youngest starting age (cohort.age.min %.17g): "
                          "nobody can receive it",
                          el->max_age, cp->age_min);
    }
    return 0;
}
