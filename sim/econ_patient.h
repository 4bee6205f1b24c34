/* econ_patient.h — life years, QALYs and costs of one patient under one
 * strategy (issue 9), from the engine's outcome and event trajectory.
 *
 * States, each with a utility and a cost per month constant between events
 * (so the integrals are exact, discounted continuously):
 *  - progression-free on a line of instance i (from the line's start, and
 *    again from each further course, to the progression), and after a
 *    planned switch or a toxicity discontinuation until the next line:
 *    utility of i; cost per month of i while on treatment (a continuous
 *    therapy or observation until progression, discontinuation, switch or
 *    death; a fixed course (IAT, PRRT) until it ends; an operation: none);
 *  - after a progression until the next line (or course) starts: the
 *    post-progression utility;
 *  - best supportive care, and before a first line that waits: the BSC
 *    utility; in BSC the BSC cost per month;
 *  - dead: nothing.
 * An SSA line marked backbone adds its cost per month from its end to best
 * supportive care (not twice while an SSA line is itself under way).
 * A patient with carcinoid syndrome has the uncontrolled-syndrome utility
 * instead wherever no treatment controls it: on an observation line, after
 * a progression until the next line, before a first line and in best
 * supportive care; but not while an SSA continues as backbone.
 * One-off: each course's cost at its start (a transplant's when it is
 * performed: not for a waiting-list dropout or death); each toxicity event's
 * cost at its time, and its disutility subtracted for its duration (or to
 * death). Optional norms multiply every utility by N(a) / N(a0), a the
 * completed years of age (a step each birthday). Life years are the years
 * alive to death or the horizon. */
#ifndef NELM_ECON_PATIENT_H
#define NELM_ECON_PATIENT_H

#include <stddef.h>

#include "cohort.h"
#include "engine.h"
#include "params.h"

/** The per-patient values kept (the undiscounted life years are os / 12). */
enum {
    NELM_ECON_LY = 0,                /**< discounted life years */
    NELM_ECON_QALY,                  /**< discounted QALYs */
    NELM_ECON_COST,                  /**< discounted cost */
    NELM_ECON_QALY_U,                /**< undiscounted QALYs */
    NELM_ECON_COST_U,                /**< undiscounted cost */
    NELM_ECON_NACC,                  /**< kept per patient */
    NELM_ECON_LY_U = NELM_ECON_NACC, /**< summaries: undiscounted life years (os / 12) */
    NELM_ECON_NQ                     /**< quantities summarised */
};

/** Years of age between the start and the horizon, at most (horizon.age
 *  is at most 150). */
#define NELM_ECON_MAX_BANDS 152

/** What a patient's economics share across strategies: the integrals of
 *  the age norms' multiplier, discounted and not, from the start to each
 *  birthday (band k: the (k + 1)-th year of age from the start; band 0
 *  starts at 0). Filled lazily up to the latest time asked for. */
typedef struct nelm_econ_pre {
    size_t nb;                 /**< bands filled */
    size_t cap;                /**< bands up to the horizon age */
    double age0, a0, n0, year; /**< age, completed years, their norm; e^{-12 d} */
    bool male;
    double b[NELM_ECON_MAX_BANDS];  /**< band k starts at b[k] months */
    double m[NELM_ECON_MAX_BANDS];  /**< its multiplier N(a0 + k) / N(a0) */
    double eb[NELM_ECON_MAX_BANDS]; /**< exp(-d b[k]), d of effects */
    double wd[NELM_ECON_MAX_BANDS]; /**< integral of m(t) exp(-d t) over [0, b[k]] */
    double wu[NELM_ECON_MAX_BANDS]; /**< integral of m(t) over [0, b[k]] */
} nelm_econ_pre;

/** A patient's shared part (p->econ.enabled), once for all strategies. */
void nelm_econ_prepare(const nelm_params *p, const nelm_patient *pt, nelm_econ_pre *pre);

/** Patient pt's values under strategy (index into p->strategies) from its
 *  outcome o and its whole event trajectory tr (p->econ.enabled; every
 *  instance in tr has an entry); pre from nelm_econ_prepare for pt (filled
 *  further as needed). No allocation, no I/O. Returns the number of pieces
 *  integrated (spans of constant utility and cost, and toxicity
 *  disutilities): the work the bench's economics floor replays. */
size_t nelm_econ_patient(const nelm_params *p, size_t strategy, const nelm_patient *pt,
                         nelm_econ_pre *pre, const nelm_outcome *o, const nelm_trajectory *tr,
                         double out[NELM_ECON_NACC]);

#endif
