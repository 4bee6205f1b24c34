/* targets_int.h — what targets.c (the rules, simulating) and targets_load.c
 * (reading a targets file) share. Not a public header. */
#ifndef NELM_TARGETS_INT_H
#define NELM_TARGETS_INT_H

#include "targets.h"

extern const char *const nelm_tg_role_names[NELM_NROLES];
extern const char *const nelm_tg_verdict_names[NELM_NVERDICTS];
extern const char *const nelm_tg_tstat_names[NELM_NTSTATS];
extern const char *const nelm_tg_rule_names[NELM_NRULES];
extern const char *const nelm_tg_endpoint_names[NELM_NENDPOINTS];

/** Load arm a's model into p (the model with the target's and the arm's
 *  overrides; errors located in the targets file `file`) and find its
 *  origin instance. */
int nelm_tg_arm_params(const char *file, const nelm_target *tg, const nelm_tarm *a, nelm_params *p,
                       uint16_t *origin, nelm_err *e);

#endif
