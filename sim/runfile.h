/* runfile.h — reading a run file back (`nelmsim summary FILE`): the
 * parameters from /parameters, the strategies, and the summaries recomputed
 * exactly from the per-patient columns (/outcomes, /lines), with the same
 * code as the run. A file that is not a complete nelmsim run file is an
 * error naming it. Reads whole columns (memory: about 40 bytes per
 * patient-strategy, 80 with economics). */
#ifndef NELM_RUNFILE_H
#define NELM_RUNFILE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "params.h"
#include "summary.h"

typedef struct nelm_runfile {
    nelm_params *p; /**< owned */
    size_t nstrategies;
    size_t strategies[NELM_MAX_STRATEGIES]; /**< indices into p->strategies */
    size_t reference;                       /**< index into strategies[] */
    double tau;
    uint64_t seed;
    nelm_summary_acc acc[NELM_MAX_STRATEGIES];
    nelm_summary sum[NELM_MAX_STRATEGIES];
} nelm_runfile;

int nelm_runfile_summary(const char *path, nelm_runfile *rf, nelm_err *e);
void nelm_runfile_free(nelm_runfile *rf);

#endif
