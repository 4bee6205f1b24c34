/* enginetest.c — models for the engine tests (see enginetest.h). */
#include "testutil.h"

#include "enginetest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nelm_params *
nelm_t_load_yaml(const char *text)
{
    nelm_params *p = calloc(1, sizeof *p);
    assert_non_null(p);
    nelm_err e = {0};
    if (nelm_params_load_string(p, text, strlen(text), "t.yaml", NULL, 0, &e) != 0)
        fail_msg("test model does not load: %s\n%s", e.msg, text);
    return p;
}

/* A model whose cohort is one patient profile: age `age` (sd 1e-6), female,
 * small-bowel primary, G1 (Ki-67 1 %), burden < 25 %, Frilling I, no
 * extrahepatic disease, non-functional, SSTR positive, ECOG 0, primary
 * resected. Background death from the built-in life table, or none (a table
 * of zero rates). body: disease, modalities, strategies. */
nelm_params *
nelm_t_pinned_model(double age, bool background, const char *body)
{
    static const char fmt[] = "include: builtin:params/nelm/cohort.yaml\n"
                              "cohort:\n"
                              "  age: {mean: %.17g, sd: 1.0e-6, min: %.17g, max: %.17g}\n"
                              "  male: {p: 0}\n"
                              "  site: {small_bowel: 1, pancreas: 0, other_gi: 0, unknown: 0}\n"
                              "  grade: {G1: 1, G2: 0, G3: 0}\n"
                              "  ki67: {G1: {min: 1, max: 1}}\n"
                              "  burden: {lt25: 1, 25to50: 0, gt50: 0}\n"
                              "  frilling: {I: 1, II: 0, III: 0}\n"
                              "  extrahepatic: {p: 0}\n"
                              "  functional: {p: 0}\n"
                              "  sstr_positive: {G1: 1, G2: 1, G3: 1}\n"
                              "  ecog: {\"0\": 1, \"1\": 0, \"2\": 0, \"3\": 0, \"4\": 0}\n"
                              "  primary_resected: {p: 1}\n"
                              "background_mortality: {table: \"%s\", last_age: 100}\n"
                              "%s";
    char table[4096];
    snprintf(table, sizeof table, "%s",
             background ? "builtin" : nelm_t_data_path("engine/zero-mortality.csv"));
    size_t cap = sizeof fmt + strlen(table) + strlen(body) + 256;
    char *text = malloc(cap);
    assert_non_null(text);
    snprintf(text, cap, fmt, age, age - 1e-4, age + 1e-4, table, body);
    nelm_params *p = nelm_t_load_yaml(text);
    free(text);
    return p;
}

void
nelm_t_model_init(nelm_model *m, const nelm_params *p)
{
    nelm_err e = {0};
    if (nelm_model_init(m, p, &e) != 0)
        fail_msg("nelm_model_init: %s", e.msg);
}

uint16_t
nelm_t_instance(const nelm_params *p, const char *name)
{
    for (size_t i = 0; i < p->nmodalities; i++)
        if (strcmp(p->modalities[i].name, name) == 0)
            return (uint16_t)i;
    fail_msg("no modality instance '%s'", name);
    return 0;
}

void
nelm_t_sample(const nelm_params *p, uint64_t seed, uint64_t i, nelm_patient *pt)
{
    nelm_err e = {0};
    if (nelm_cohort_sample(&p->cohort, seed, i, pt, &e) != 0)
        fail_msg("patient %llu: %s", (unsigned long long)i, e.msg);
}

size_t
nelm_t_strategy(const nelm_params *p, const char *name)
{
    for (size_t i = 0; i < p->nstrategies; i++)
        if (strcmp(p->strategies[i].name, name) == 0)
            return i;
    fail_msg("no strategy '%s'", name);
    return 0;
}

double
nelm_t_z_share(size_t count, size_t n, double p)
{
    return ((double)count / (double)n - p) / sqrt(p * (1.0 - p) / (double)n);
}
