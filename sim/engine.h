/* engine.h — one patient under one strategy (DESIGN §2.2, §2.4, §2.5).
 *
 * nelm_simulate is a pure function of (model, strategy, seed, patient index):
 * no allocation, no global state, no I/O, so any number of threads may call
 * it on a shared nelm_model. Net cause-specific hazards are raced against
 * each other: progression of the current course, disease death (while
 * controlled, or after progression off active treatment), treatment and
 * toxicity deaths, background death (one age at death per patient, from the
 * life table, the same under every strategy) and the horizon. */
#ifndef NELM_ENGINE_H
#define NELM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cohort.h"
#include "error.h"
#include "lifetable.h"
#include "model.h"
#include "params.h"

/** The output vocabulary (DESIGN §2.4). Never renumber: files store these. */
typedef enum nelm_event_type {
    NELM_EV_LINE_START = 0,  /**< detail: 0 */
    NELM_EV_COURSE_START,    /**< a further course of the line's instance */
    NELM_EV_TREATMENT_START, /**< after a waiting list */
    NELM_EV_TREATMENT_END,
    NELM_EV_TOXICITY,        /**< detail: 1 if fatal */
    NELM_EV_DISCONTINUATION, /**< for toxicity */
    NELM_EV_PROGRESSION,     /**< detail: NELM_SITE_HEPATIC / _EXTRAHEPATIC */
    NELM_EV_RECURRENCE,      /**< progression after resection or transplant */
    NELM_EV_PLANNED_SWITCH,
    NELM_EV_WAITLIST_DROPOUT, /**< detail: site of the progression */
    NELM_EV_LINE_SKIPPED,     /**< detail: NELM_SKIP_* */
    NELM_EV_LATE_TOXICITY,    /**< myelodysplasia / leukaemia onset */
    NELM_EV_BSC_START,        /**< best supportive care */
    NELM_EV_DEATH,            /**< detail: nelm_cause */
    NELM_EV_CENSORED,         /**< horizon */
    NELM_NEVENTS
} nelm_event_type;

enum { NELM_SITE_HEPATIC = 0, NELM_SITE_EXTRAHEPATIC = 1 };
enum { NELM_SKIP_INELIGIBLE = 0, NELM_SKIP_DECLINED = 1 };

typedef enum nelm_cause {
    NELM_CAUSE_NONE = 0, /**< alive at the horizon */
    NELM_CAUSE_DISEASE,
    NELM_CAUSE_TREATMENT,
    NELM_CAUSE_TOXICITY,
    NELM_CAUSE_BACKGROUND,
    NELM_NCAUSES
} nelm_cause;

/** How a line ended. */
typedef enum nelm_line_end {
    NELM_END_PROGRESSION = 0,
    NELM_END_SWITCH,   /**< planned switch */
    NELM_END_TOXICITY, /**< discontinued, switched to the next line */
    NELM_END_DROPOUT,  /**< waiting-list dropout */
    NELM_END_DEATH,
    NELM_END_CENSORED,
    NELM_NENDS
} nelm_line_end;

typedef struct nelm_event {
    double t;     /**< months since the strategy start */
    uint8_t type; /**< nelm_event_type */
    uint8_t detail;
    int16_t line;      /**< 1-based line number in the strategy (during a delay: the
                            line awaited); 0: none (best supportive care) */
    uint16_t instance; /**< NELM_INSTANCE_NONE: none */
} nelm_event;

/** Events one patient can produce at most (bounded by the caps). */
#define NELM_MAX_EVENTS (NELM_MAX_LINES * (NELM_MAX_COURSES * 8 + 4) + 8)

typedef struct nelm_trajectory {
    size_t n;
    nelm_event ev[NELM_MAX_EVENTS];
} nelm_trajectory;

typedef struct nelm_line_outcome {
    uint16_t instance;
    int16_t number; /**< position in the strategy, 1-based */
    uint8_t end;    /**< nelm_line_end */
    uint8_t courses;
    bool pfs_event;      /**< progression or death ended PFS (else censored) */
    double start, end_t; /**< months */
    double pfs;          /**< from start to the first progression or death after it */
} nelm_line_outcome;

typedef struct nelm_outcome {
    double os;          /**< months to death or censoring */
    uint8_t cause;      /**< nelm_cause; NONE = censored at the horizon */
    uint8_t nlines;     /**< lines started */
    uint32_t kinds;     /**< bit per nelm_kind_id received */
    uint32_t instances; /**< bit per instance received */
    double bsc_start;   /**< months; < 0: never entered */
    nelm_line_outcome line[NELM_MAX_LINES]; /**< line[k] for k < nlines; the rest
                                                 are left as they were */
} nelm_outcome;

/** The same outcome: header and the nlines line records, bytewise (the
 *  engine zeroes their padding). */
bool nelm_outcome_equal(const nelm_outcome *a, const nelm_outcome *b);

/** A model ready to simulate: parameters plus what is derived from them. */
typedef struct nelm_model {
    const nelm_params *p; /**< not owned; must outlive the model */
    nelm_lifetable lt;
    nelm_dist frailty; /**< gamma, mean 1, when disease.frailty_variance > 0 */
} nelm_model;

int nelm_model_init(nelm_model *m, const nelm_params *p, nelm_err *e);

/** Simulate patient pt (sampled by nelm_cohort_sample for seed and its
 *  index) under strategy s. traj may be NULL. Never fails: parameters were
 *  validated when loaded. */
void nelm_simulate(const nelm_model *m, size_t strategy, uint64_t seed, const nelm_patient *pt,
                   nelm_outcome *out, nelm_trajectory *traj);

/** The same, counting every draw in *stats (added to; may be NULL): the
 *  benchmark's floor (DESIGN §10) replays these counts. */
void nelm_simulate_stats(const nelm_model *m, size_t strategy, uint64_t seed,
                         const nelm_patient *pt, nelm_outcome *out, nelm_trajectory *traj,
                         nelm_draw_stats *stats);

/** What is drawn once per patient and shared by every strategy. */
typedef struct nelm_patient_pre {
    double background_death; /**< months from the start; +inf: never */
    double frailty;          /**< 1 when frailty is off */
} nelm_patient_pre;

/** Draw a patient's once-per-patient values (counted in stats if not NULL). */
void nelm_patient_prepare(const nelm_model *m, uint64_t seed, const nelm_patient *pt,
                          nelm_patient_pre *pre, nelm_draw_stats *stats);
/** nelm_simulate_stats with the once-per-patient values already drawn by
 *  nelm_patient_prepare (the driver draws them once for all strategies):
 *  the result is identical. */
void nelm_simulate_pre(const nelm_model *m, size_t strategy, uint64_t seed, const nelm_patient *pt,
                       const nelm_patient_pre *pre, nelm_outcome *out, nelm_trajectory *traj,
                       nelm_draw_stats *stats);

/** Background death time (months from the start; +inf: never) of a patient,
 *  drawn once: the same under every strategy. */
double nelm_background_death(const nelm_model *m, uint64_t seed, const nelm_patient *pt);

/** Names for output and messages. */
const char *nelm_event_name(nelm_event_type t);
const char *nelm_cause_name(nelm_cause c);
const char *nelm_line_end_name(nelm_line_end e);

#endif
