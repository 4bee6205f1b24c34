/* params_model.h — the clinical model's parameter sections (params_model.c),
 * for the root declaration in params_spec.c. */
#ifndef NELM_PARAMS_MODEL_H
#define NELM_PARAMS_MODEL_H

#include <stdio.h>

#include "params.h"

int nelm_parse_modality(nelm_pctx *c, const nelm_ynode *node, void *elem, const char *path);
void nelm_dump_modality(FILE *out, const nelm_params *p, const void *elem, const char *path,
                        int indent);
/** The kinds' sections in registry order, NULL after the last (--explain). */
const nelm_psection *nelm_modality_alt(size_t i);
int nelm_parse_strategy(nelm_pctx *c, const nelm_ynode *node, void *elem, const char *path);
void nelm_dump_strategy(FILE *out, const nelm_params *p, const void *elem, const char *path,
                        int indent);
extern const nelm_psection nelm_disease_section;
extern const nelm_psection nelm_horizon_section;

#endif
