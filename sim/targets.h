/* targets.h — calibration and validation targets (DESIGN §11): published
 * figures emulated by the model and judged by the verdict rules.
 *
 * A targets file (params/targets.yaml; format in docs/VALIDATION.md) lists
 * targets. Each has a role (calibration or validation), a population (the
 * default model with overrides, as --set PATH=VALUE takes them: filters,
 * entry state), arms (a strategy each, and the instance whose start is the
 * time origin, "among those who reach it"), an endpoint computed as the
 * publication defined it (OS, PFS, RFS/DFS, TTP, hepatic PFS, death within
 * a window of a procedure, late myeloid toxicity), optional trial follow-up
 * (administrative censoring from the origin), and statistics with their
 * published values.
 *
 * Simulation: arm k of a target simulates patients k N .. (k + 1) N - 1 of
 * the run seed (disjoint, as randomisation makes arms independent) with
 * every event; patients are pure functions of (seed, index), so the table
 * is the same for any number of threads. */
#ifndef NELM_TARGETS_H
#define NELM_TARGETS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "params.h"

/* ---- the verdict rules (DESIGN §11) ---- */

typedef enum nelm_role { NELM_ROLE_CALIBRATION = 0, NELM_ROLE_VALIDATION, NELM_NROLES } nelm_role;

typedef enum nelm_verdict {
    NELM_VERDICT_INSIDE = 0,   /**< simulated value inside the published interval */
    NELM_VERDICT_OUTSIDE,      /**< outside it (or not estimable from the simulation) */
    NELM_VERDICT_NOT_MODELLED, /**< the model cannot produce this statistic */
    NELM_NVERDICTS
} nelm_verdict;

/** What a statistic is. */
typedef enum nelm_tstat_kind {
    NELM_TSTAT_MEDIAN = 0,   /**< Kaplan–Meier median, months */
    NELM_TSTAT_SURVIVAL,     /**< Kaplan–Meier survival at t months */
    NELM_TSTAT_PROPORTION,   /**< deaths within a window / procedures (or patients) */
    NELM_TSTAT_INCIDENCE,    /**< crude cumulative incidence by the end of follow-up */
    NELM_TSTAT_HAZARD_RATIO, /**< Cox, arm vs its control */
    NELM_NTSTATS
} nelm_tstat_kind;

/** How the interval a simulated value must fall in was made. */
typedef enum nelm_rule {
    NELM_RULE_CI = 0, /**< the published 95 % confidence interval */
    NELM_RULE_RANGE,  /**< a published range (the reference says to use one) */
    NELM_RULE_WILSON, /**< proportions: Wilson 95 % interval from n */
    NELM_RULE_EVENTS, /**< medians: published x exp(-+1.96 / sqrt(d)), d events (or n) */
    NELM_RULE_PCT15,  /**< otherwise: published +- 15 % */
    NELM_NRULES
} nelm_rule;

/** qnorm(0.975) */
#define NELM_Z95 1.959963984540054

/** Wilson score interval of a proportion p from n trials (n > 0), z the
 *  normal quantile; clipped to [0, 1]. */
void nelm_wilson(double p, double n, double z, double *lo, double *hi);

/** The published interval of a statistic by the rules, in order: ci (if
 *  has_ci), range (if has_range), Wilson from n for survival, proportion
 *  and incidence (n > 0), value x exp(-+1.96/sqrt(d)) for a median with d =
 *  events if > 0, else n if > 0; else value -+ 15 %. */
nelm_rule nelm_target_interval(nelm_tstat_kind kind, double value, const double *ci,
                               const double *range, double n, double events, double *lo,
                               double *hi);

/** inside when lo <= sim <= hi; outside otherwise (NaN included). */
nelm_verdict nelm_target_verdict(double sim, double lo, double hi);

const char *nelm_role_name(nelm_role r);
const char *nelm_verdict_name(nelm_verdict v);
const char *nelm_tstat_name(nelm_tstat_kind k);
const char *nelm_rule_name(nelm_rule r);

/* ---- the targets file ---- */

typedef enum nelm_endpoint {
    NELM_EP_OS = 0,       /**< death from any cause */
    NELM_EP_PFS,          /**< progression, recurrence (or waiting-list dropout) or death */
    NELM_EP_RFS,          /**< the same after an operation: recurrence or death */
    NELM_EP_DFS,          /**< as RFS */
    NELM_EP_TTP,          /**< progression only; deaths censor */
    NELM_EP_HEPATIC_PFS,  /**< hepatic progression or death; extrahepatic ones are not events */
    NELM_EP_DEATH_WITHIN, /**< death from any cause within `window` months of a procedure */
    NELM_EP_LATE_TOX,     /**< myelodysplasia / leukaemia onset (PRRT late toxicity) */
    NELM_NENDPOINTS
} nelm_endpoint;

const char *nelm_endpoint_name(nelm_endpoint ep);

/** "path=value" overrides with where the file gives them. */
typedef struct nelm_tsets {
    size_t n;
    char **set;
    int *line, *col;
} nelm_tsets;

typedef struct nelm_tarm {
    char name[NELM_NAME_MAX];
    char origin[NELM_NAME_MAX]; /**< instance whose first start is the origin */
    int origin_line;            /**< the origin must be on this strategy line (0: any) */
    nelm_tsets sets;            /**< the arm's own overrides, then "strategies=..." */
    int line, col;
} nelm_tarm;

typedef struct nelm_tstat {
    char name[NELM_NAME_MAX];
    nelm_tstat_kind kind;
    bool modelled;
    size_t arm, vs; /**< arms (vs: the control of a hazard ratio) */
    double t;       /**< survival: months */
    double value;
    bool has_ci, has_range;
    double ci[2], range[2];
    double n, events; /**< 0: not given */
    char *reason;     /**< why a failure failed (written after seeing it); may be NULL */
    char *why;        /**< not modelled: why */
    char *source;     /**< of this figure, when not the target's; may be NULL */
    int line, col;
} nelm_tstat;

typedef struct nelm_target {
    char id[NELM_NAME_MAX];
    nelm_role role;
    char *source;
    nelm_endpoint endpoint;
    double window;      /**< death_within: months */
    bool per_procedure; /**< death_within: every procedure (else the first) */
    bool has_follow_up;
    double fu_min, fu_max; /**< administrative censoring, months from the origin */
    nelm_tsets sets;       /**< the population */
    size_t narms;
    nelm_tarm *arms;
    size_t nstats;
    nelm_tstat *stats;
    int line, col;
} nelm_target;

typedef struct nelm_targets {
    char *file; /**< as named (builtin:... or a path) */
    size_t n;
    nelm_target *t;
} nelm_targets;

/** The default targets: builtin:params/targets.yaml when it is compiled
 *  in, else params/targets.yaml of the source tree this binary was built
 *  from. */
const char *nelm_targets_default(void);

/** Read and check a targets file: every error is one line
 *  "file:line:col: key: what" with NELM_ERR_PARAM (NELM_ERR_IO when it
 *  cannot be read). Each arm's model is loaded and checked here too, so a
 *  file that loads simulates. init zeroes first: free is always safe. */
int nelm_targets_load(nelm_targets *ts, const char *path, nelm_err *e);
void nelm_targets_free(nelm_targets *ts);

/* ---- running ---- */

typedef struct nelm_targets_opts {
    uint64_t seed;
    uint64_t npatients;     /**< per arm */
    int threads;            /**< 0: OpenMP's default */
    const char *const *ids; /**< only these targets (NULL: all) */
    size_t nids;
    FILE *progress; /**< one line per target (NULL: none) */
    volatile sig_atomic_t *stop;
} nelm_targets_opts;

/** One row of the table: a statistic of a target. */
typedef struct nelm_trow {
    size_t target, stat;
    double published, lo, hi; /**< the published value and the verdict interval */
    nelm_rule rule;
    double sim, sim_lo, sim_hi; /**< simulated, with its 95 % Monte Carlo interval */
    uint64_t patients;          /**< simulated patients who reached the origin (both arms
                                     of a hazard ratio) or procedures (per procedure) */
    uint64_t events;
    nelm_verdict verdict;
    bool frailty;   /**< an arm of this statistic has patient frailty on */
    char note[160]; /**< e.g. "median not reached", "Cox: ..." */
} nelm_trow;

/** Simulate the targets (all, or those named in o->ids: an unknown id is
 *  NELM_ERR_USAGE) and fill *rows (malloc'ed, *nrows of them). */
int nelm_targets_run(const nelm_targets *ts, const nelm_targets_opts *o, nelm_trow **rows,
                     size_t *nrows, nelm_err *e);

/** The arm label of a row ("placebo", "lutetium vs control"). */
void nelm_trow_arm(const nelm_targets *ts, const nelm_trow *r, char *out, size_t len);

#endif
