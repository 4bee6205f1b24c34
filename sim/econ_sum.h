/* econ_sum.h — the economics of a run's summary (issue 9): the incremental
 * analysis over the strategies (nelm_summary_econ, declared in summary.h),
 * and the tables `nelmsim run` and `nelmsim summary` print after the
 * strategies' blocks. */
#ifndef NELM_ECON_SUM_H
#define NELM_ECON_SUM_H

#include <stddef.h>
#include <stdio.h>

#include "econ.h"
#include "params.h"
#include "summary.h"

/** Column names of the quantities (econ_patient.h order): ly, qaly, cost,
 *  qaly_undiscounted, cost_undiscounted, ly_undiscounted. */
extern const char *const nelm_econ_qnames[NELM_ECON_NQ];
/** frontier, dominated, extendedly_dominated */
const char *nelm_econ_status_name(nelm_econ_status st);
extern const char *const nelm_econ_status_names[3];

/** The economics tables of n strategies (indices into p->strategies) whose
 *  summaries s have economics, with the incremental analysis. */
void nelm_econ_print(FILE *out, const nelm_params *p, const size_t *strategies,
                     const nelm_summary *s, size_t n, size_t reference);

#endif
