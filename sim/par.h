/* par.h — the ranks of an MPI job (DESIGN §6): one process per rank, OpenMP
 * threads inside each, one output file written collectively.
 *
 * Every rank runs the same control flow. Before each collective call (an
 * HDF5 call on the shared file, a gather) the ranks agree on their status
 * with nelm_par_agree, so an error on one rank is seen by all and none is
 * left waiting in a collective call. MPI is called from the thread that
 * initialised it only (MPI_THREAD_FUNNELED): the OpenMP master thread.
 *
 * Without NELM_MPI (the default build), or when MPI is not initialised, this
 * is the one-rank job: rank 0 of 1, and every function is trivial. */
#ifndef NELM_PAR_H
#define NELM_PAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/** Initialise MPI when built with it (a no-op otherwise); 0 or an MPI error
 *  (printed). Call once, first thing in main. */
int nelm_par_init(int *argc, char ***argv);
/** Finalise MPI (a no-op without it, or when not initialised). */
void nelm_par_finalize(void);
/** This process's rank and the number of ranks (0 and 1 without MPI). */
int nelm_par_rank(void);
int nelm_par_size(void);
/** More than one rank: the collective paths are taken. */
bool nelm_par_active(void);

/** Agree on status: each rank passes its code (0 or NELM_ERR_*) with its
 *  error. Every rank returns the same: 0 when all passed 0; otherwise the
 *  code of the lowest failing rank, whose message is copied into *e (e may
 *  hold another message: it is replaced). */
int nelm_par_agree(int code, nelm_err *e);
/** Broadcast len bytes from rank 0 to every rank. */
void nelm_par_bcast(void *buf, size_t len);
/** Sum (over ranks) of n unsigned integers, in place, on every rank. */
void nelm_par_sum_u64(uint64_t *v, size_t n);
/** Maximum over ranks, on every rank. */
uint64_t nelm_par_max_u64(uint64_t v);
/** Gather each rank's len bytes to every rank in rank order: *out (malloc'd,
 *  free it) holds them back to back, lens[r] the length of rank r's part
 *  (lens has nelm_par_size() entries). Collective: agree first. */
int nelm_par_allgather(const void *buf, size_t len, void **out, size_t *lens, nelm_err *e);
/** Wait for every rank. */
void nelm_par_barrier(void);

/** A test hook for the fault tests (tests/check_mpi.py): true when the
 *  environment variable NELMSIM_INJECT_FAULT is "POINT:RANK" with this
 *  point and this process's rank (points: "block", "write", "close"). */
bool nelm_par_inject(const char *point);

#endif
