/* model.h — the clinical model's parameters: modality instances of the seven
 * kinds, the disease's own hazards, the horizon and treatment strategies
 * (DESIGN §2.2–§2.4), and the interface every kind in models/ implements.
 *
 * Units: every time is in MONTHS from the start of the strategy (the decision
 * point); ages are in years; probabilities in [0, 1]; hazard ratios > 0.
 *
 * Plain data: a nelm_params (params.h) holds these by value, so a resolved
 * model is copied and shared read-only between threads. */
#ifndef NELM_MODEL_H
#define NELM_MODEL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cohort.h"
#include "dist.h"
#include "rng.h"

/* ---- limits (documented caps; parameter files beyond them are errors) ---- */

#define NELM_MAX_INSTANCES 24  /**< modality instances in one model */
#define NELM_MAX_STRATEGIES 24 /**< strategies in one model */
#define NELM_MAX_LINES 12      /**< lines in one strategy */
#define NELM_MAX_CHOICES 6     /**< instances in one "first eligible of" */
#define NELM_MAX_COURSES 8     /**< courses of one instance per patient */
#define NELM_MAX_SITES 4       /**< = NELM_NSITES */

/** The kinds, in registry order (models/registry.c). The first six share
 *  their bits with the cohort's NELM_PRIOR_* entry state. */
typedef enum nelm_kind_id {
    NELM_KIND_RESECTION = 0,
    NELM_KIND_TRANSPLANT,
    NELM_KIND_IAT,
    NELM_KIND_PRRT,
    NELM_KIND_SSA,
    NELM_KIND_TARGETED,
    NELM_KIND_OBSERVATION,
    NELM_NKINDS
} nelm_kind_id;

/** Hazard ratios applied to a time-to-event input, multiplied together:
 *  grade[g] · extrahepatic^[extrahepatic now] · burden_gt50^[burden > 50 %]
 *  · pancreas^[pancreatic primary] · prior_line^(number of prior lines). */
typedef struct nelm_covariates {
    double grade[NELM_NGRADES];
    double extrahepatic;
    double burden_gt50;
    double pancreas;
    double prior_line;
} nelm_covariates;

/** Who may start a course of an instance, on the patient's CURRENT state.
 *  Every kind has all of these with its own defaults; kinds add their own
 *  rules in code (the transplant 6-month rule, repeat limits). */
typedef struct nelm_eligibility {
    int max_ecog;         /**< ECOG at most */
    double max_age;       /**< current age at most, years */
    double max_ki67;      /**< Ki-67 at most, % */
    uint32_t sites;       /**< allowed primary sites (bit per nelm_site) */
    bool require_sstr;    /**< SSTR positive required ... */
    bool functional_ok;   /**< ... unless the tumour is functional (SSA) */
    bool extrahepatic_ok; /**< extrahepatic disease allowed */
    bool liver_damage_ok; /**< after whole-liver radioembolization */
    int max_frilling;     /**< nelm_frilling at most */
    int max_burden;       /**< nelm_burden at most */
    bool require_primary_resected;
    double min_controlled; /**< months of controlled disease on the current line */
    double retreat_after;  /**< a further course only if the previous one of this
                                instance kept the disease controlled this long */
} nelm_eligibility;

/** Kind-specific parameters (each kind's file reads its own). */
typedef struct nelm_resection_params {
    double p_complete;      /**< R0/R1 resection (else debulking) */
    double hr_incomplete;   /**< hazard ratio on recurrence after debulking */
    double cure_incomplete; /**< cure fraction after debulking (cure: applies to R0/R1) */
} nelm_resection_params;

typedef struct nelm_transplant_params {
    nelm_dist wait;             /**< time on the waiting list to transplant */
    nelm_dist wait_progression; /**< net time to progression while listed (dropout) */
} nelm_transplant_params;

typedef struct nelm_iat_params {
    bool whole_liver; /**< whole-liver radioembolization: leaves liver damage */
} nelm_iat_params;

typedef struct nelm_prrt_params {
    double p_late;        /**< myelodysplasia / leukaemia per course */
    nelm_dist late_onset; /**< latency from the course start */
    double p_late_death;  /**< the late toxicity is fatal */
    nelm_dist late_death; /**< time from onset to death */
} nelm_prrt_params;

typedef struct nelm_ssa_params {
    double backbone_hr; /**< hazard ratio on later lines' progression while SSA
                             continues as backbone */
} nelm_ssa_params;

/** One modality instance ("lanreotide", "tace", ...). */
typedef struct nelm_modality {
    char name[64];
    int kind; /**< nelm_kind_id */
    /* progression, from the start of each course (net: death censors) */
    nelm_dist ttp;
    double cure;        /**< fraction never progressing after a course */
    nelm_covariates hr; /**< on ttp */
    double p_hepatic;   /**< a progression is hepatic (else extrahepatic) */
    /* treatment */
    double duration;     /**< months of treatment per course; 0 = a procedure;
                              +inf = continuous until progression or toxicity */
    double p_death;      /**< treatment death within death_window of a course start */
    double death_window; /**< months */
    bool has_toxicity;
    nelm_dist toxicity;      /**< net time to discontinuation for toxicity (continuous) */
    double p_fatal_toxicity; /**< a toxicity discontinuation is fatal */
    int max_courses;         /**< courses of this instance per patient */
    nelm_eligibility elig;
    nelm_resection_params resection;
    nelm_transplant_params transplant;
    nelm_iat_params iat;
    nelm_prrt_params prrt;
    nelm_ssa_params ssa;
} nelm_modality;

/** What a line does when the patient cannot or does not take it. */
enum { NELM_IF_SKIP = 0, NELM_IF_STOP = 1 };
/** What follows a toxicity discontinuation. */
enum { NELM_TOX_NEXT = 0, NELM_TOX_OFF = 1 };

typedef struct nelm_line {
    size_t nchoices;                   /**< 1: `use: NAME`; more: first eligible of */
    uint16_t choice[NELM_MAX_CHOICES]; /**< instance indices */
    int if_ineligible;                 /**< NELM_IF_SKIP (default) or NELM_IF_STOP */
    double uptake;                     /**< probability the line is taken up */
    int if_declined;                   /**< NELM_IF_SKIP (default) or NELM_IF_STOP */
    int repeats;                       /**< further courses on this line (-1: as the
                                            instance allows) */
    double delay;                      /**< months from the previous line's end */
    int on_toxicity;                   /**< NELM_TOX_NEXT or NELM_TOX_OFF */
    double switch_after;               /**< planned switch to the next line after this
                                            long without progression (inf: never) */
    bool backbone;                     /**< SSA continues alongside later lines */
} nelm_line;

typedef struct nelm_strategy {
    char name[64];
    char description[256];
    size_t nlines;
    nelm_line lines[NELM_MAX_LINES];
} nelm_strategy;

/** The disease's own hazards (net), shared by every strategy. */
typedef struct nelm_disease_params {
    nelm_dist death_controlled; /**< disease death while progression-free,
                                     from the start of each course */
    nelm_covariates death_controlled_hr;
    nelm_dist death_progressed; /**< disease death after progression off active
                                     treatment: awaiting a line, best supportive
                                     care; from entering that state */
    nelm_covariates death_progressed_hr;
    double frailty_variance; /**< gamma frailty on progression hazards; 0 = off */
    /* natural history for a patient who enters best supportive care with
     * the disease controlled (no line taken, or every line refused): net
     * time to progression from entering it (site hepatic with probability
     * untreated_p_hepatic), then death_progressed from the progression.
     * Absent: best supportive care is post-progression survival for all. */
    bool has_untreated;
    nelm_dist untreated_progression;
    nelm_covariates untreated_hr;
    double untreated_p_hepatic;
} nelm_disease_params;

typedef struct nelm_horizon_params {
    double age;    /**< censor at this age, years */
    double months; /**< or after this many months, whichever is first */
} nelm_horizon_params;

/* ---- the patient's current state, seen by the kinds ---- */

typedef struct nelm_pstate {
    const nelm_patient *pt;           /**< baseline attributes */
    double t;                         /**< months since the strategy start */
    double age;                       /**< current age, years */
    bool extrahepatic;                /**< now */
    bool liver_damage;                /**< whole-liver radioembolization received */
    bool progressive;                 /**< progressed and not yet controlled by a new line */
    double controlled_since;          /**< start of the current period of disease control */
    int prior_lines;                  /**< lines before the current one (entry included) */
    uint32_t kinds_received;          /**< bit per nelm_kind_id (entry prior included) */
    double backbone_hr;               /**< SSA backbone multiplier on progression (1: none) */
    double frailty;                   /**< patient frailty (1: none) */
    uint8_t uses[NELM_MAX_INSTANCES]; /**< courses of each instance so far */
    double last_controlled[NELM_MAX_INSTANCES]; /**< months the latest course of
                                                     each instance kept control */
} nelm_pstate;

/* ---- random draws of one course (DESIGN §4) ----
 * Course n (0-based) of instance i of patient p draws slot s from the
 * generator keyed (seed, p, NELM_STREAM_LINE, i, n, s): the same numbers
 * whichever line the course falls on (common random numbers); the next
 * course of the same instance gets new ones. Slots are fixed: adding one
 * shifts nothing. Never renumber. */
enum {
    NELM_SLOT_TTP = 0,              /**< time to progression */
    NELM_SLOT_HEPATIC = 1,          /**< progression hepatic or extrahepatic */
    NELM_SLOT_TDEATH = 2,           /**< treatment death: whether */
    NELM_SLOT_TDEATH_TIME = 3,      /**< treatment death: when, within the window */
    NELM_SLOT_TOXICITY = 4,         /**< toxicity discontinuation */
    NELM_SLOT_TOX_FATAL = 5,        /**< toxicity fatal */
    NELM_SLOT_DEATH_CTRL = 6,       /**< disease death while controlled */
    NELM_SLOT_KIND_A = 7,           /**< kind's own: completeness, wait, late toxicity */
    NELM_SLOT_KIND_B = 8,           /**< kind's own: dropout, latency */
    NELM_SLOT_KIND_C = 9,           /**< kind's own: late toxicity fatal */
    NELM_SLOT_KIND_D = 10,          /**< kind's own: late toxicity death time */
    NELM_SLOT_WAIT_DEATH = 11,      /**< disease death during a delay before this course */
    NELM_SLOT_UPTAKE = 12,          /**< the line is taken up */
    NELM_SLOT_BSC_DEATH = 13,       /**< disease death in best supportive care */
    NELM_SLOT_BSC_PROGRESSION = 14, /**< untreated progression in best supportive care */
    NELM_SLOT_BSC_HEPATIC = 15,     /**< its site */
    NELM_SLOT_BSC_CTRL_DEATH = 16,  /**< disease death before it */
};
/** The "instance" of draws that belong to no instance (best supportive care). */
#define NELM_INSTANCE_NONE 0xffffu

/** Draws made, by kind (for the benchmark's floor, DESIGN §10): bare
 *  uniforms (Bernoulli choices, uniform times), the baseline attributes'
 *  uniforms (one per attribute and candidate; counted by the driver),
 *  inversions per family and life-table deaths. */
typedef struct nelm_draw_stats {
    uint64_t uniforms;
    uint64_t baseline;
    uint64_t family[NELM_DIST_NFAMILIES];
    uint64_t lifetable;
    uint64_t econ_pieces; /**< not draws: pieces the economics integrated (econ_patient.h) */
} nelm_draw_stats;

typedef struct nelm_draws {
    uint64_t prefix;        /**< nelm_rng_key_prefix(seed, patient) */
    uint32_t instance;      /**< instance index */
    uint32_t occurrence;    /**< course of that instance, 0-based */
    nelm_draw_stats *stats; /**< counts the draws when not NULL */
} nelm_draws;

/** Uniform in (0, 1) of one slot (a bare uniform: counted as such). */
static inline double
nelm_draw_u(const nelm_draws *d, uint32_t slot)
{
    nelm_rng r;
    nelm_rng_keyed_tail(&r, d->prefix, NELM_STREAM_LINE, d->instance, d->occurrence, slot);
    if (d->stats)
        d->stats->uniforms++;
    return nelm_rng_uniform_pos(&r);
}

/** A draw from dist (with modifiers m; NULL: none) from slot's uniform:
 *  nelm_dist_draw's result (false: no event). Counted by family. */
static inline bool
nelm_draw_dist(const nelm_draws *d, uint32_t slot, const nelm_dist *dist, const nelm_mod *m,
               double *t)
{
    nelm_rng r;
    nelm_rng_keyed_tail(&r, d->prefix, NELM_STREAM_LINE, d->instance, d->occurrence, slot);
    if (d->stats)
        d->stats->family[dist->family]++;
    nelm_mod none = nelm_mod_none();
    return nelm_dist_draw(dist, m ? m : &none, nelm_rng_uniform_pos(&r), t);
}

/* ---- one course, as the kind lays it out ----
 * Times are months from the course start; INFINITY = never. */
typedef struct nelm_course {
    double wait;    /**< to the treatment itself (transplant waiting list) */
    double dropout; /**< progression while waiting (ends the line untreated) */
    bool dropout_hepatic;
    /* the rest is from the treatment start (course start + wait) */
    double progression; /**< INFINITY: cured or no event */
    bool hepatic;
    double treat_end;   /**< end of treatment (0: procedure; inf: continuous) */
    double treat_death; /**< treatment-related death */
    double toxicity;    /**< discontinuation for toxicity */
    bool toxicity_fatal;
    double late_onset;  /**< late toxicity onset (PRRT) */
    double late_death;  /**< death from late toxicity */
    bool liver_damage;  /**< this course damages the whole liver */
    double backbone_hr; /**< > 0: SSA backbone multiplier for later lines */
    uint8_t detail;     /**< kind's note for the output (e.g. R0/R1 vs debulking) */
} nelm_course;

/* ---- the kind interface: one const descriptor per file in models/ ---- */

struct nelm_psection;

typedef enum nelm_repeat_rule {
    NELM_REPEAT_NEVER = 0,
    NELM_REPEAT_HEPATIC, /**< repeat resection, IAT */
    NELM_REPEAT_ANY,     /**< PRRT retreatment */
} nelm_repeat_rule;

typedef struct nelm_kind {
    const char *name; /**< as parameter files spell it */
    const char *doc;
    /** the instance's keys (common keys plus the kind's own, with the kind's
     *  defaults); parsed into a nelm_modality */
    const struct nelm_psection *section;
    /** may a course start now? On ineligibility *why names the first rule
     *  that failed (static text). Common rules are nelm_elig_common(). */
    bool (*eligible)(const nelm_modality *m, uint16_t index, const nelm_pstate *s,
                     const char **why);
    /** lay out one course from its draws; pure */
    void (*course)(const nelm_modality *m, const nelm_pstate *s, const nelm_draws *d,
                   nelm_course *c);
    /** after a progression on this instance's course, the line may continue
     *  with a further course (if eligible and within the limits): never, on a
     *  hepatic progression only, or on any progression */
    nelm_repeat_rule repeats_on;
} nelm_kind;

/** The registry (models/registry.c): nelm_kinds[k] for k < NELM_NKINDS, NULL
 *  after. */
extern const nelm_kind *const nelm_kinds[NELM_NKINDS + 1];
extern const nelm_kind nelm_kind_resection, nelm_kind_transplant, nelm_kind_iat, nelm_kind_prrt,
    nelm_kind_ssa, nelm_kind_targeted, nelm_kind_observation;
/** Kind by name; NULL when unknown. */
const nelm_kind *nelm_kind_find(const char *name, int *id);

/* ---- helpers for the kinds (sim/course.c) ---- */

/** Product of the covariate hazard ratios for the current state (inline:
 *  the engine and the kinds call it for every course). */
static inline double
nelm_covariates_hr(const nelm_covariates *c, const nelm_pstate *s)
{
    const nelm_patient *pt = s->pt;
    /* x * 1.0 is exactly x: selecting a factor of 1 instead of branching
     * gives the same product, without mispredicted branches */
    double hr = c->grade[pt->grade];
    hr *= s->extrahepatic ? c->extrahepatic : 1.0;
    hr *= pt->burden == NELM_BURDEN_GT50 ? c->burden_gt50 : 1.0;
    hr *= pt->site == NELM_SITE_PANCREAS ? c->pancreas : 1.0;
    if (s->prior_lines > 0 && c->prior_line != 1.0)
        hr *= pow(c->prior_line, (double)s->prior_lines);
    return hr;
}

/** The common eligibility rules; false with *why set when one fails. */
bool nelm_elig_common(const nelm_modality *m, uint16_t index, const nelm_pstate *s,
                      const char **why);
/** The common course: progression (ttp with cure fraction `cure`, covariate
 *  HRs times extra_hr, frailty and backbone), hepatic or not, treatment
 *  death, treatment end and toxicity. Kinds call it and then add their own
 *  (inline: one copy in each kind's course, whose draws then schedule
 *  together). */
static inline void
nelm_course_common(const nelm_modality *m, const nelm_pstate *s, const nelm_draws *d, double cure,
                   double extra_hr, nelm_course *c)
{
    c->wait = 0;
    c->dropout = INFINITY;
    c->dropout_hepatic = false;
    c->late_onset = INFINITY;
    c->late_death = INFINITY;
    c->liver_damage = false;
    c->backbone_hr = 0;
    c->detail = 0;

    nelm_mod mod = {cure, 1.0,
                    nelm_covariates_hr(&m->hr, s) * extra_hr * s->frailty * s->backbone_hr};
    double t = 0;
    c->progression = nelm_draw_dist(d, NELM_SLOT_TTP, &m->ttp, &mod, &t) ? t : INFINITY;
    c->hepatic = m->p_hepatic >= 1.0 ||
                 (m->p_hepatic > 0 && nelm_draw_u(d, NELM_SLOT_HEPATIC) < m->p_hepatic);
    c->treat_end = m->duration;
    c->treat_death = INFINITY;
    if (m->p_death > 0 && nelm_draw_u(d, NELM_SLOT_TDEATH) < m->p_death)
        c->treat_death = nelm_draw_u(d, NELM_SLOT_TDEATH_TIME) * m->death_window;
    c->toxicity = INFINITY;
    c->toxicity_fatal = false;
    if (m->has_toxicity) {
        if (nelm_draw_dist(d, NELM_SLOT_TOXICITY, &m->toxicity, NULL, &t))
            c->toxicity = t;
        c->toxicity_fatal =
            m->p_fatal_toxicity > 0 && nelm_draw_u(d, NELM_SLOT_TOX_FATAL) < m->p_fatal_toxicity;
    }
}

#endif
