/* sumtables.h — the summary tables of a run file (DESIGN §7, §8):
 * summary/strategies (a row per strategy), summary/instance_share,
 * summary/pfs_by_line and summary/km (overall survival on a monthly grid).
 * A single run writes them once; scenarios (sweeps, PSA) stack one set of
 * rows per scenario, with a leading `scenario` column. */
#ifndef NELM_SUMTABLES_H
#define NELM_SUMTABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h5out.h"
#include "params.h"
#include "run.h"

typedef struct nelm_sum_tables nelm_sum_tables;

/** Create the tables in h for the strategies (indices into p->strategies)
 *  and p's instances; with_scenario adds the column. */
int nelm_sum_tables_create(nelm_h5 *h, const nelm_params *p, const size_t *strategies, size_t S,
                           bool with_scenario, nelm_sum_tables **out, nelm_err *e);
/** Append one run's summaries (r->sum and, for the KM grid, r->acc) as
 *  scenario `scenario` (ignored without the column). */
int nelm_sum_tables_append(nelm_sum_tables *t, uint32_t scenario, const nelm_run_result *r,
                           nelm_err *e);
void nelm_sum_tables_free(nelm_sum_tables *t);

#endif
