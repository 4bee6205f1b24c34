/* scenario.h — sweeps and probabilistic sensitivity analysis (DESIGN §4–§6).
 *
 * A scenario is one fully resolved parameter set: the base model with the
 * spec's fixed overrides and one point's values, validated like any
 * parameter file. Every scenario simulates the same patients (the streams
 * are keyed by seed and patient, never by the parameters), so differences
 * between scenarios are not Monte Carlo noise.
 *
 * Sweep spec (YAML):
 *     model: my-model.yaml        # optional; relative to the spec; default built-in
 *     set:                        # optional: overrides for every scenario
 *       horizon.months: 600
 *     grid:                       # every combination (the last path varies fastest)
 *       modalities.lutetium.ttp.scale: [30, 40.46, 50]
 *       disease.frailty_variance: [0, 0.5]
 *     # or zip: lists of one length, taken element by element
 *
 * PSA spec (YAML):
 *     model: ...                  # as above; set: as above
 *     parameters:
 *       modalities.lutetium.cure: {dist: beta, mean: 0.05, se: 0.02}
 *       modalities.resection.p_death: {dist: beta, events: 3, total: 120}
 *       modalities.lutetium.hr.grade.G3: {dist: lognormal, estimate: 3.0, ci: [2.0, 4.5]}
 *       disease.death_progressed.scale: {dist: gamma, mean: 40, se: 5}
 *       cohort.age.mean: {dist: normal, mean: 62, sd: 2}
 *       modalities.tace.p_hepatic: {dist: uniform, min: 0.6, max: 0.9}
 *       modalities.everolimus.duration: {dist: fixed, value: 12}
 *     correlation:                # optional (Gaussian copula)
 *       - {between: [path, path], rho: 0.6}
 *
 * Draw k of a PSA parameter depends only on (seed, k, parameter path): adding
 * draws or parameters changes no existing draw (correlated parameters
 * depend on their group's paths too). */
#ifndef NELM_SCENARIO_H
#define NELM_SCENARIO_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "params.h"
#include "psa.h"

#define NELM_SCEN_MAX_PARAMS 64
#define NELM_SCEN_MAX_VALUES 100000 /**< values of one sweep parameter */
#define NELM_SCEN_MAX 1000000       /**< scenarios in one spec (grid product, PSA draws) */
#define NELM_SCEN_MAX_SETS 64       /**< fixed overrides */
#define NELM_SCEN_MAX_LEVELS 255    /**< distinct non-numeric values of one parameter */

typedef enum nelm_scen_kind { NELM_SCEN_SWEEP = 0, NELM_SCEN_PSA } nelm_scen_kind;

typedef struct nelm_scen_param {
    char path[NELM_PATH_MAX];
    int line, col; /**< where the spec names it */
    /* sweep */
    size_t nvalues;
    char **text;    /**< each value as written (a YAML scalar) */
    double *num;    /**< each value as a number (NaN: not a number) */
    bool numeric;   /**< every value is a finite number */
    uint8_t *level; /**< non-numeric: each value's level (distinct values in order of first use) */
    size_t nlevels;
    /* psa */
    nelm_psa_dist dist;
    uint64_t key; /**< nelm_psa_path_key(path) */
    int group;    /**< index of its correlated group, -1: none */
} nelm_scen_param;

typedef struct nelm_scen_spec {
    nelm_scen_kind kind;
    char *file;  /**< the spec's path */
    char *model; /**< the model file (resolved against the spec), NULL: built-in */
    bool zip;    /**< sweep: zipped lists (else a grid) */
    size_t nparams;
    nelm_scen_param *params;
    size_t nsets;
    char **sets;               /**< fixed overrides, "path=value" */
    int *set_line, *set_col;   /**< where the spec gives each */
    int model_line, model_col; /**< where the spec names the model (0: not named) */
    uint64_t npoints;          /**< sweep: scenarios; psa: 0 (the draws are an option) */
    /* psa correlation groups: each a set of parameters and the Cholesky
     * factor of their correlation matrix */
    size_t ngroups;
    struct nelm_scen_group {
        size_t n;
        size_t member[NELM_SCEN_MAX_PARAMS];
        double *chol; /**< n x n, lower */
    } * groups;
    char *text; /**< the spec's YAML text (for the output) */
} nelm_scen_spec;

/** Read and check a spec (every error names file:line:col and the key). */
int nelm_scen_load(nelm_scen_spec *s, nelm_scen_kind kind, const char *path, nelm_err *e);
void nelm_scen_free(nelm_scen_spec *s);

/** The values of scenario i (sweep: point i; psa: draw i under seed):
 *  num[j] (NaN for a non-numeric sweep value) and the "path=value" override
 *  of each parameter in sets[j] (buffers of NELM_SCEN_SET_MAX bytes). */
#define NELM_SCEN_SET_MAX (NELM_PATH_MAX + 80)
void nelm_scen_point(const nelm_scen_spec *s, uint64_t seed, uint64_t i, double *num,
                     char (*sets)[NELM_SCEN_SET_MAX]);

/** Sweep point i: the index of parameter j's value in its list. */
size_t nelm_scen_value_index(const nelm_scen_spec *s, uint64_t i, size_t j);

/** Load scenario i's parameters: the model, the fixed overrides, the
 *  point's overrides; an error names the spec's line of the parameter it is
 *  about and the scenario. */
int nelm_scen_params(const nelm_scen_spec *s, uint64_t seed, uint64_t i, nelm_params *p,
                     nelm_err *e);
/** Load the base: the model and the fixed overrides. */
int nelm_scen_base(const nelm_scen_spec *s, nelm_params *p, nelm_err *e);
/** Turn an error of loading parameters with overrides into one about the
 *  spec: located at the override (fixed or varied) whose path it names,
 *  `what` (e.g. "scenario 3 (a=1, b=2)", may be NULL) after the path. */
int nelm_scen_locate(const nelm_scen_spec *s, const nelm_err *inner, const char *what, nelm_err *e);

/* ---- running ---- */

typedef struct nelm_scen_opts {
    uint64_t seed;
    uint64_t npatients;                /**< per scenario */
    uint64_t ndraws;                   /**< psa */
    const char *const *strategy_names; /**< NULL: every strategy */
    size_t nnames;
    const char *reference; /**< NULL: the first */
    double tau;
    int threads;
    const char *output; /**< HDF5 file, or NULL */
    int traj;           /**< nelm_traj_mode: per-patient tables in the file too (default none) */
    bool force;
    int deflate_level;
    bool progress;
    const char *command_line;
    uint32_t shard, nshards; /**< this process runs shard `shard` of `nshards` (0 of 1: all) */
    volatile sig_atomic_t *stop;
} nelm_scen_opts;

/** Validate every scenario, then simulate them (this shard's) in order,
 *  printing the table to out and writing the file. */
int nelm_scen_run(const nelm_scen_spec *s, const nelm_scen_opts *o, FILE *out, nelm_err *e);

#endif
