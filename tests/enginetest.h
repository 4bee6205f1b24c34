/* enginetest.h — building test models for the engine tests: YAML text
 * loaded as parameters, a cohort pinned to one patient profile, lookups. */
#ifndef NELM_ENGINETEST_H
#define NELM_ENGINETEST_H

#include <stdbool.h>
#include <stdint.h>

#include "cohort.h"
#include "engine.h"
#include "params.h"

/** Parameters from YAML text (calloc'ed; the test fails when they do not load). */
nelm_params *nelm_t_load_yaml(const char *text);
/** A model whose cohort is one patient profile: age `age` (sd 1e-6), female,
 *  small-bowel primary, G1 (Ki-67 1 %), burden < 25 %, Frilling I, no
 *  extrahepatic disease, non-functional, SSTR positive, ECOG 0, primary
 *  resected. Background death from the built-in life table, or none (a table
 *  of zero rates). body: disease, modalities, strategies. */
nelm_params *nelm_t_pinned_model(double age, bool background, const char *body);
void nelm_t_model_init(nelm_model *m, const nelm_params *p);
/** Index of a modality instance by name (the test fails when unknown). */
uint16_t nelm_t_instance(const nelm_params *p, const char *name);
/** Patient i for seed (the test fails on an error). */
void nelm_t_sample(const nelm_params *p, uint64_t seed, uint64_t i, nelm_patient *pt);
/** Index of a strategy by name (the test fails when unknown). */
size_t nelm_t_strategy(const nelm_params *p, const char *name);
/** (count / n - p) in binomial standard errors. */
double nelm_t_z_share(size_t count, size_t n, double p);

#endif
