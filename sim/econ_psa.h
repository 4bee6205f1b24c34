/* econ_psa.h — the economics of a PSA (issue 9): per draw each strategy's
 * mean discounted cost and QALYs (the cost-effectiveness plane, table
 * /psa/draws), and from them the acceptability curves, the acceptability
 * frontier and the EVPI over the willingness-to-pay grid (/psa/ceac,
 * /psa/frontier), with the share of the between-draw variance that is
 * Monte Carlo noise from the patients per draw (estimated, as for OS, from
 * half the difference between the mean over even and odd patients: its
 * spread over the draws is the part of a draw's Monte Carlo error that
 * changes from draw to draw).
 *
 * nelmsim psa writes them; nelmsim merge recomputes /psa/ceac and
 * /psa/frontier from the shards' /psa/draws. */
#ifndef NELM_ECON_PSA_H
#define NELM_ECON_PSA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "h5out.h"
#include "params.h"

/** The draws' values, in draw order: per draw k and strategy i (of S) the
 *  mean discounted cost c[k S + i] and QALYs q[k S + i], and their
 *  half-differences hc, hq. init zeroes; free is always safe. */
typedef struct nelm_econ_draws {
    size_t n, S, cap;
    double *c, *q, *hc, *hq;
} nelm_econ_draws;

void nelm_econ_draws_init(nelm_econ_draws *d, size_t S);
/** Append one draw (S values of each). */
int nelm_econ_draws_push(nelm_econ_draws *d, const double *c, const double *q, const double *hc,
                         const double *hq, nelm_err *e);
void nelm_econ_draws_free(nelm_econ_draws *d);

/** The stacked per-draw table /psa/draws in h (with the scenario column). */
int nelm_econ_psa_draws_create(nelm_h5 *h, const char *const *snames, size_t S, nelm_h5_table **out,
                               nelm_err *e);
/** Append draw `scenario`'s S rows. */
int nelm_econ_psa_draws_append(nelm_h5_table *t, uint32_t scenario, size_t S, const double *c,
                               const double *q, const double *hc, const double *hq, nelm_err *e);
/** Read /psa/draws of an open HDF5 file f (an hid_t) and append its draws,
 *  in file order, to d (d->S strategies). */
int nelm_econ_psa_draws_read(int64_t f, nelm_econ_draws *d, nelm_err *e);

/** From the draws: print the PSA economics to out (NULL: not printed) and,
 *  with h, write /psa/ceac and /psa/frontier (every rank of an MPI job
 *  calls this with the same draws). */
int nelm_econ_psa_report(nelm_h5 *h, FILE *out, const nelm_params *p, const char *const *snames,
                         const nelm_econ_draws *d, nelm_err *e);

/** nelmsim merge: /psa/ceac and /psa/frontier of the merged file h from
 *  the /psa/draws of the shards (open HDF5 files, in shard order), with the
 *  first shard's parameters. Nothing when the shards have no economics. */
int nelm_econ_psa_merge(nelm_h5 *h, const int64_t *files, size_t nfiles, const char *output,
                        nelm_err *e);

#endif
