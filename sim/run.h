/* run.h — the parallel driver (DESIGN §6, §7, §8): patients in fixed-size
 * blocks, simulated by OpenMP threads, reduced and written in block order.
 *
 * Blocks hold `block` patients (a property of the run, never of the thread
 * count). A wave of blocks is simulated in parallel into per-block buffers;
 * then, from the calling thread and in block order, the outcomes go to the
 * summary accumulators and the rows to the HDF5 tables, whose full chunks are
 * compressed by the threads and written in order. Nothing depends on
 * scheduling: every dataset and summary is bit-identical for any number of
 * threads. Memory: the wave's buffers plus the accumulators' per-patient
 * columns. An error inside a block is reported after the wave, the lowest
 * failing block first. */
#ifndef NELM_RUN_H
#define NELM_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "h5out.h"
#include "error.h"
#include "params.h"
#include "summary.h"

typedef enum nelm_traj_mode {
    NELM_TRAJ_NONE = 0, /**< summaries only */
    NELM_TRAJ_OUTCOMES, /**< + patients, per-patient outcomes, lines */
    NELM_TRAJ_FULL,     /**< + every event */
} nelm_traj_mode;

#define NELM_BLOCK_DEFAULT 4096
#define NELM_BLOCK_MAX 1048576
#define NELM_KM_MONTHS_DEFAULT 241 /**< KM grid 0..240 months */

typedef struct nelm_run_tables nelm_run_tables;

typedef struct nelm_run_opts {
    uint64_t seed;
    uint64_t npatients;
    size_t nstrategies;
    size_t strategies[NELM_MAX_STRATEGIES]; /**< indices into p->strategies */
    size_t reference;                       /**< index into strategies[] */
    double tau;                             /**< RMST horizon, months */
    int threads;                            /**< 0: OpenMP's default */
    uint64_t block;                         /**< patients per block */
    const char *output;                     /**< HDF5 file, or NULL */
    nelm_traj_mode traj;
    int deflate_level; /**< < 0: no compression */
    bool force;        /**< replace an existing output */
    bool progress;     /**< progress bar on stderr */
    const char *command_line;
    const char *model_name;
    /* a shard of a bigger run (nelmsim run --shard I/N): patients first ..
     * first + npatients - 1 of total_patients; first a multiple of block */
    uint64_t first;          /**< 0 unless a shard */
    uint64_t total_patients; /**< 0: npatients */
    uint32_t shard, nshards; /**< 0 and 1 (or 0) unless a shard */
    /* the scenarios of a sweep or PSA: append the per-patient rows (when
     * traj is not none) to these tables of the caller's file, with this
     * scenario number; no file of its own (output is ignored) */
    nelm_run_tables *into;
    uint32_t scenario;
    /* an MPI job (par.h) shares a run's blocks among its ranks: wave k
     * gives rank r blocks (k R + r) W .. (k R + r + 1) W - 1, so the ranks'
     * parts of a wave follow in block order; each wave's outcomes are
     * gathered to every rank and its rows written collectively. local: this
     * rank simulates the whole run alone (a sweep's scenario; also with
     * into). */
    bool local;
    volatile sig_atomic_t *stop; /**< set by a signal handler: stop cleanly */
} nelm_run_opts;

typedef struct nelm_run_result {
    nelm_summary_acc acc[NELM_MAX_STRATEGIES];
    nelm_summary sum[NELM_MAX_STRATEGIES];
    nelm_draw_stats stats; /**< draws made, all strategies */
    double seconds;        /**< wall time of the whole run */
    double sim_seconds;    /**< of which simulating, reducing and writing the blocks */
    double busy_seconds;   /**< summed over threads: in tasks (simulating, compressing) */
    double serial_seconds; /**< the master thread's serial stage, without the tasks it ran */
    uint64_t raw_bytes, stored_bytes; /**< HDF5 output, when written */
    int threads;                      /**< threads used */
    uint64_t rank_patients;           /**< patients this rank simulated */
} nelm_run_result;

/** Per-patient tables (patients, outcomes, lines, and events for
 *  trajectories full) with a leading `scenario` column in the open file h,
 *  for the runs of a sweep or PSA to append to (nelm_run_opts.into); o gives
 *  the strategies, block size and trajectories. Free after the last run, before
 *  closing h. */
int nelm_run_tables_create(nelm_h5 *h, const nelm_model *m, const nelm_run_opts *o,
                           nelm_run_tables **out, nelm_err *e);
void nelm_run_tables_free(nelm_run_tables *t);

/** The run fingerprint (16 hex digits): what the shards of one run share —
 *  version, resolved parameters, seed, total patients, block size,
 *  strategies, reference, tau, trajectories and the number of shards. */
void nelm_run_fingerprint(const nelm_params *p, const nelm_run_opts *o, char out[17]);

/** The patients of shard `shard` of `nshards` of a run of `total` patients
 *  in blocks of `bsize`: whole blocks, contiguous, as even as blocks allow
 *  (*n may be 0 when there are more shards than blocks). */
void nelm_run_shard_range(uint64_t total, uint64_t bsize, uint32_t shard, uint32_t nshards,
                          uint64_t *first, uint64_t *n);

/** Run; r is initialised here (free with nelm_run_result_free, always safe
 *  after the call). On NELM_ERR_INTERRUPTED no output file is left. */
int nelm_run(const nelm_model *m, const nelm_run_opts *o, nelm_run_result *r, nelm_err *e);
void nelm_run_result_free(nelm_run_result *r);

#endif
