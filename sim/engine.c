/* engine.c — one patient under one strategy: lines, courses and the race of
 * net cause-specific hazards (DESIGN §2.2, §2.4).
 *
 * The patient moves through the strategy's lines. On a line, each course of
 * the line's instance is laid out by its kind (models/) from the course's
 * own keyed draws; the engine then takes the earliest of: background death
 * (one age at death per patient), the horizon, a pending late-toxicity
 * death, disease death while controlled (drawn per course), treatment death,
 * toxicity, end of treatment, a planned switch and progression. Between
 * lines (delays) and in best supportive care the disease-death hazard is the
 * post-progression one. Mortality is counted once: every death hazard is
 * net, and the first death ends the patient.
 *
 * Draws: course n of instance i uses the generator keyed (seed, patient,
 * NELM_STREAM_LINE, i, n, slot) for each fixed slot (model.h), so the n-th
 * use of an instance sees the same numbers on whichever line it falls. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "engine.h"

typedef struct sim {
    const nelm_params *p;
    const nelm_strategy *st;
    nelm_pstate s;
    nelm_draws base;   /**< prefix of this patient */
    double t_bg, t_h;  /**< background death and horizon, months */
    double late_onset; /**< earliest pending late toxicity onset (absolute), inf: none */
    double late_death; /**< earliest late toxicity death (absolute), inf: none; only the
                            earliest matters: the first death ends the patient */
    double onsets[NELM_MAX_LINES * NELM_MAX_COURSES]; /**< every pending onset */
    size_t nonsets;
    nelm_outcome *out;
    nelm_trajectory *traj;
    int line_no;                 /**< 1-based number of the current strategy line; 0 none */
    size_t open[NELM_MAX_LINES]; /**< lines whose PFS is still open */
    size_t nopen;
    bool done;
} sim;

static void
emit(sim *x, int type, int detail, uint16_t instance)
{
    if (x->traj == NULL)
        return;
    nelm_bug_assert(x->traj->n < NELM_MAX_EVENTS);
    nelm_event *ev = &x->traj->ev[x->traj->n++];
    ev->t = x->s.t;
    ev->type = (uint8_t)type;
    ev->detail = (uint8_t)detail;
    ev->line = (int16_t)x->line_no;
    ev->instance = instance;
}

static void
advance(sim *x, double t)
{
    x->s.t = t;
}

/* The state as the kinds see it. Only they read the current age, so it is
 * brought up to the clock here, before each call into a kind, rather than
 * at every advance. */
static const nelm_pstate *
kind_view(sim *x)
{
    x->s.age = x->s.pt->age + x->s.t / 12.0;
    return &x->s;
}

/* late toxicity onsets: every one is recorded when it comes */
static void
add_onset(sim *x, double t)
{
    nelm_bug_assert(x->nonsets < sizeof x->onsets / sizeof x->onsets[0]);
    x->onsets[x->nonsets++] = t;
    if (t < x->late_onset)
        x->late_onset = t;
}

static void
pop_onset(sim *x)
{
    size_t j = 0;
    while (j < x->nonsets && x->onsets[j] != x->late_onset)
        j++;
    nelm_bug_assert(j < x->nonsets);
    x->onsets[j] = x->onsets[--x->nonsets];
    x->late_onset = INFINITY;
    for (size_t i = 0; i < x->nonsets; i++)
        if (x->onsets[i] < x->late_onset)
            x->late_onset = x->onsets[i];
}

/* close every open PFS at the current time */
static void
close_pfs(sim *x, bool event)
{
    for (size_t i = 0; i < x->nopen; i++) {
        nelm_line_outcome *l = &x->out->line[x->open[i]];
        l->pfs = x->s.t - l->start;
        l->pfs_event = event;
    }
    x->nopen = 0;
}

static void
finish(sim *x, nelm_cause cause)
{
    if (cause == NELM_CAUSE_NONE)
        emit(x, NELM_EV_CENSORED, 0, NELM_INSTANCE_NONE);
    else
        emit(x, NELM_EV_DEATH, (int)cause, NELM_INSTANCE_NONE);
    close_pfs(x, cause != NELM_CAUSE_NONE);
    x->out->os = x->s.t;
    x->out->cause = (uint8_t)cause;
    x->done = true;
}

/* a disease-death time from now: dist with the covariates' HR, from the
 * slot's uniform; inf when no event */
static inline double
disease_death(const sim *x, const nelm_draws *d, uint32_t slot, const nelm_dist *dist,
              const nelm_covariates *hr)
{
    nelm_mod mod = {0.0, 1.0, nelm_covariates_hr(hr, &x->s)};
    double t = 0;
    return nelm_draw_dist(d, slot, dist, &mod, &t) ? x->s.t + t : INFINITY;
}

/* The events every state shares. Returns true when one of them (a death, the
 * horizon) comes before `until`, having ended the patient; a late-toxicity
 * onset before `until` is recorded and the race goes on. */
static bool
common_first(sim *x, double until)
{
    for (;;) {
        double t = until;
        int what = 0;
        if (x->late_onset < t) {
            t = x->late_onset;
            what = 1;
        }
        if (x->late_death < t) {
            t = x->late_death;
            what = 2;
        }
        if (x->t_bg < t) {
            t = x->t_bg;
            what = 3;
        }
        if (x->t_h < t) {
            t = x->t_h;
            what = 4;
        }
        if (what == 0)
            return false;
        advance(x, t);
        switch (what) {
        case 1:
            emit(x, NELM_EV_LATE_TOXICITY, 0, NELM_INSTANCE_NONE);
            pop_onset(x);
            continue;
        case 2:
            finish(x, NELM_CAUSE_TOXICITY);
            return true;
        case 3:
            finish(x, NELM_CAUSE_BACKGROUND);
            return true;
        default:
            finish(x, NELM_CAUSE_NONE);
            return true;
        }
    }
}

/* A period without an active line until `until` (a delay): disease death at
 * the post-progression rate if progressed, else the controlled rate. Returns
 * false when the patient died or reached the horizon. */
static bool
wait_until(sim *x, double until, uint16_t instance)
{
    const nelm_disease_params *dp = &x->p->disease;
    nelm_draws d = x->base;
    d.instance = instance;
    d.occurrence = x->s.uses[instance];
    double td = x->s.progressive ? disease_death(x, &d, NELM_SLOT_WAIT_DEATH, &dp->death_progressed,
                                                 &dp->death_progressed_hr)
                                 : disease_death(x, &d, NELM_SLOT_WAIT_DEATH, &dp->death_controlled,
                                                 &dp->death_controlled_hr);
    double end = td < until ? td : until;
    if (common_first(x, end))
        return false;
    advance(x, end);
    if (td < until) {
        finish(x, NELM_CAUSE_DISEASE);
        return false;
    }
    return true;
}

/* May the patient start line li now (the first eligible of its choices)?
 * Returns the instance or -1. */
static int
choose(sim *x, size_t li)
{
    const nelm_line *l = &x->st->lines[li];
    const nelm_pstate *s = kind_view(x);
    for (size_t j = 0; j < l->nchoices; j++) {
        uint16_t i = l->choice[j];
        const nelm_modality *m = &x->p->modalities[i];
        if (nelm_kinds[m->kind]->eligible(m, i, s, NULL))
            return i;
    }
    return -1;
}

static void
progress(sim *x, bool hepatic)
{
    if (!hepatic)
        x->s.extrahepatic = true;
    x->s.progressive = true;
    close_pfs(x, true);
}

enum {
    C_LATE_ONSET,
    C_LATE_DEATH,
    C_BG,
    C_H,
    C_DDEATH,
    C_TDEATH,
    C_TEND,
    C_TOX,
    C_SWITCH,
    C_PROG,
    C_N
};

/* One course of instance `inst` on line li, starting now. Returns how it
 * ended (progression, switch, toxicity, dropout, death, horizon); *hepatic
 * tells a progression's site. */
static nelm_line_end
run_course(sim *x, size_t li, uint16_t inst, double line_start, bool *hepatic)
{
    const nelm_modality *m = &x->p->modalities[inst];
    const nelm_kind *k = nelm_kinds[m->kind];
    const nelm_line *l = &x->st->lines[li];
    const nelm_disease_params *dp = &x->p->disease;
    nelm_draws d = x->base;
    d.instance = inst;
    d.occurrence = x->s.uses[inst];
    x->s.uses[inst]++;

    double t0 = x->s.t;
    double tc[C_N];
    for (int i = 0; i < C_N; i++)
        tc[i] = INFINITY;
    /* keyed draws do not depend on their order: the disease death first, so
     * that its inversion overlaps the course's own */
    tc[C_DDEATH] =
        disease_death(x, &d, NELM_SLOT_DEATH_CTRL, &dp->death_controlled, &dp->death_controlled_hr);
    nelm_course c;
    k->course(m, kind_view(x), &d, &c);

    /* a waiting list before the treatment itself */
    if (c.wait > 0) {
        double tw = t0 + c.wait, tdrop = t0 + c.dropout;
        double first = tdrop < tw ? tdrop : tw;
        if (tc[C_DDEATH] < first)
            first = tc[C_DDEATH];
        if (common_first(x, first))
            return x->out->cause == NELM_CAUSE_NONE ? NELM_END_CENSORED : NELM_END_DEATH;
        advance(x, first);
        if (first == tc[C_DDEATH]) {
            finish(x, NELM_CAUSE_DISEASE);
            return NELM_END_DEATH;
        }
        if (first == tdrop) {
            *hepatic = c.dropout_hepatic;
            emit(x, NELM_EV_WAITLIST_DROPOUT, c.dropout_hepatic ? 0 : 1, inst);
            progress(x, c.dropout_hepatic);
            return NELM_END_DROPOUT;
        }
        emit(x, NELM_EV_TREATMENT_START, 0, inst);
    }
    double ts = x->s.t;
    x->out->kinds |= 1u << m->kind;
    x->out->instances |= 1u << inst;
    x->s.kinds_received |= 1u << m->kind;
    if (c.liver_damage)
        x->s.liver_damage = true;
    if (isfinite(c.late_onset))
        add_onset(x, ts + c.late_onset);
    if (isfinite(c.late_death) && ts + c.late_death < x->late_death)
        x->late_death = ts + c.late_death;

    tc[C_TDEATH] = ts + c.treat_death;
    tc[C_PROG] = ts + c.progression;
    if (c.treat_end > 0 && isfinite(c.treat_end))
        tc[C_TEND] = ts + c.treat_end;
    if (c.toxicity < c.treat_end)
        tc[C_TOX] = ts + c.toxicity;
    if (l->switch_after > 0 && li + 1 < x->st->nlines && line_start + l->switch_after > x->s.t)
        tc[C_SWITCH] = line_start + l->switch_after;
    bool last_line = li + 1 == x->st->nlines;

    for (;;) {
        tc[C_LATE_ONSET] = x->late_onset;
        tc[C_LATE_DEATH] = x->late_death;
        tc[C_BG] = x->t_bg;
        tc[C_H] = x->t_h;
        /* the earliest, the lowest index on ties; selects rather than
         * branches (which candidate wins is data, and would mispredict) */
        int w = 0;
        double tw = tc[0];
        for (int i = 1; i < C_N; i++) {
            bool earlier = tc[i] < tw;
            w = earlier ? i : w;
            tw = earlier ? tc[i] : tw;
        }
        nelm_bug_assert(isfinite(tw)); /* the horizon is finite */
        advance(x, tw);
        switch (w) {
        case C_LATE_ONSET:
            emit(x, NELM_EV_LATE_TOXICITY, 0, NELM_INSTANCE_NONE);
            pop_onset(x);
            break;
        case C_LATE_DEATH:
            finish(x, NELM_CAUSE_TOXICITY);
            return NELM_END_DEATH;
        case C_BG:
            finish(x, NELM_CAUSE_BACKGROUND);
            return NELM_END_DEATH;
        case C_H:
            finish(x, NELM_CAUSE_NONE);
            return NELM_END_CENSORED;
        case C_DDEATH:
            finish(x, NELM_CAUSE_DISEASE);
            return NELM_END_DEATH;
        case C_TDEATH:
            finish(x, NELM_CAUSE_TREATMENT);
            return NELM_END_DEATH;
        case C_TEND:
            emit(x, NELM_EV_TREATMENT_END, 0, inst);
            tc[C_TEND] = INFINITY;
            break;
        case C_TOX:
            emit(x, NELM_EV_TOXICITY, c.toxicity_fatal ? 1 : 0, inst);
            if (c.toxicity_fatal) {
                finish(x, NELM_CAUSE_TOXICITY);
                return NELM_END_DEATH;
            }
            emit(x, NELM_EV_DISCONTINUATION, 0, inst);
            tc[C_TOX] = INFINITY;
            tc[C_TEND] = INFINITY;
            if (l->on_toxicity == NELM_TOX_NEXT && !last_line)
                return NELM_END_TOXICITY;
            break; /* off treatment, controlled, until progression */
        case C_SWITCH:
            tc[C_SWITCH] = INFINITY;
            if (choose(x, li + 1) >= 0) {
                emit(x, NELM_EV_PLANNED_SWITCH, 0, inst);
                return NELM_END_SWITCH;
            }
            break; /* not eligible now: stay on this line */
        case C_PROG: {
            bool curative = m->kind == NELM_KIND_RESECTION || m->kind == NELM_KIND_TRANSPLANT;
            *hepatic = c.hepatic;
            emit(x, curative ? NELM_EV_RECURRENCE : NELM_EV_PROGRESSION,
                 c.hepatic ? NELM_SITE_HEPATIC : NELM_SITE_EXTRAHEPATIC, inst);
            x->s.last_controlled[inst] = x->s.t - ts;
            progress(x, c.hepatic);
            return NELM_END_PROGRESSION;
        }
        default:
            nelm_bug_assert(0);
        }
    }
}

static void
run_line(sim *x, size_t li, uint16_t inst)
{
    const nelm_modality *m = &x->p->modalities[inst];
    const nelm_kind *k = nelm_kinds[m->kind];
    const nelm_line *l = &x->st->lines[li];
    nelm_outcome *out = x->out;
    size_t rec = out->nlines++;
    nelm_line_outcome *lo = &out->line[rec];
    memset(lo, 0, sizeof *lo); /* padding too */
    lo->instance = inst;
    lo->number = (int16_t)(li + 1);
    lo->start = x->s.t;
    x->open[x->nopen++] = rec;
    x->line_no = (int)li + 1;
    emit(x, NELM_EV_LINE_START, 0, inst);
    if (x->s.progressive) {
        x->s.controlled_since = x->s.t;
        x->s.progressive = false;
    }
    x->s.prior_lines = x->s.pt->entry_line - 1 + (int)rec;
    int allowed = l->repeats < 0 ? NELM_MAX_COURSES : l->repeats + 1;
    double line_start = x->s.t;
    nelm_line_end end;
    for (;;) {
        bool hepatic = true;
        lo->courses++;
        end = run_course(x, li, inst, line_start, &hepatic);
        if (end != NELM_END_PROGRESSION || lo->courses >= allowed ||
            k->repeats_on == NELM_REPEAT_NEVER ||
            (k->repeats_on == NELM_REPEAT_HEPATIC && !hepatic) ||
            !k->eligible(m, inst, kind_view(x), NULL))
            break;
        emit(x, NELM_EV_COURSE_START, 0, inst);
        x->s.controlled_since = x->s.t;
        x->s.progressive = false;
    }
    lo->end = (uint8_t)end;
    lo->end_t = x->s.t;
    if (l->backbone && end != NELM_END_DEATH && end != NELM_END_CENSORED)
        x->s.backbone_hr = m->ssa.backbone_hr;
}

static void
best_supportive_care(sim *x)
{
    const nelm_disease_params *dp = &x->p->disease;
    x->line_no = 0;
    x->out->bsc_start = x->s.t;
    emit(x, NELM_EV_BSC_START, 0, NELM_INSTANCE_NONE);
    nelm_draws d = x->base;
    d.instance = NELM_INSTANCE_NONE;
    d.occurrence = 0;
    if (!x->s.progressive && dp->has_untreated) {
        /* controlled, untreated: the natural history first */
        nelm_mod mod = {0.0, 1.0,
                        nelm_covariates_hr(&dp->untreated_hr, kind_view(x)) * x->s.frailty};
        double dt = 0;
        double tp =
            nelm_draw_dist(&d, NELM_SLOT_BSC_PROGRESSION, &dp->untreated_progression, &mod, &dt)
                ? x->s.t + dt
                : INFINITY;
        double tdc = disease_death(x, &d, NELM_SLOT_BSC_CTRL_DEATH, &dp->death_controlled,
                                   &dp->death_controlled_hr);
        double first = tp < tdc ? tp : tdc;
        if (common_first(x, first))
            return;
        advance(x, first);
        if (first == tdc) {
            finish(x, NELM_CAUSE_DISEASE);
            return;
        }
        bool hepatic = nelm_draw_u(&d, NELM_SLOT_BSC_HEPATIC) < dp->untreated_p_hepatic;
        emit(x, NELM_EV_PROGRESSION, hepatic ? NELM_SITE_HEPATIC : NELM_SITE_EXTRAHEPATIC,
             NELM_INSTANCE_NONE);
        progress(x, hepatic);
    }
    double td =
        disease_death(x, &d, NELM_SLOT_BSC_DEATH, &dp->death_progressed, &dp->death_progressed_hr);
    if (common_first(x, td))
        return;
    advance(x, td);
    finish(x, NELM_CAUSE_DISEASE);
}

int
nelm_model_init(nelm_model *m, const nelm_params *p, nelm_err *e)
{
    memset(m, 0, sizeof *m);
    m->p = p;
    int ret;
    if (strcmp(p->background.table, "builtin") == 0)
        ret = nelm_lifetable_default(&m->lt, e);
    else
        ret = nelm_lifetable_load(&m->lt, p->background.table, p->background.last_age, e);
    if (ret != 0)
        return ret;
    if (p->disease.frailty_variance > 0) {
        double v = p->disease.frailty_variance;
        double par[2] = {1.0 / v, 1.0 / v};
        ret = nelm_dist_init(&m->frailty, NELM_DIST_GAMMA, par, NELM_UNIT_MONTHS, e);
    }
    return ret;
}

double
nelm_background_death(const nelm_model *m, uint64_t seed, const nelm_patient *pt)
{
    nelm_key k = {seed, pt->index, NELM_STREAM_BACKGROUND, 0, 0, 0};
    nelm_rng r;
    nelm_rng_keyed(&r, &k);
    double age = nelm_lifetable_death_age(&m->lt, pt->sex, pt->age, nelm_rng_uniform_pos(&r));
    return isfinite(age) ? (age - pt->age) * 12.0 : INFINITY;
}

static double
frailty(const nelm_model *m, uint64_t seed, const nelm_patient *pt)
{
    if (!(m->p->disease.frailty_variance > 0))
        return 1.0;
    nelm_key k = {seed, pt->index, NELM_STREAM_FRAILTY, 0, 0, 0};
    nelm_rng r;
    nelm_rng_keyed(&r, &k);
    return nelm_dist_quantile(&m->frailty, nelm_rng_uniform_pos(&r));
}

void
nelm_simulate(const nelm_model *m, size_t strategy, uint64_t seed, const nelm_patient *pt,
              nelm_outcome *out, nelm_trajectory *traj)
{
    nelm_simulate_stats(m, strategy, seed, pt, out, traj, NULL);
}

void
nelm_patient_prepare(const nelm_model *m, uint64_t seed, const nelm_patient *pt,
                     nelm_patient_pre *pre, nelm_draw_stats *stats)
{
    pre->background_death = nelm_background_death(m, seed, pt);
    pre->frailty = frailty(m, seed, pt);
    if (stats) {
        stats->lifetable++;
        if (m->p->disease.frailty_variance > 0)
            stats->family[NELM_DIST_GAMMA]++;
    }
}

void
nelm_simulate_stats(const nelm_model *m, size_t strategy, uint64_t seed, const nelm_patient *pt,
                    nelm_outcome *out, nelm_trajectory *traj, nelm_draw_stats *stats)
{
    nelm_patient_pre pre;
    nelm_patient_prepare(m, seed, pt, &pre, stats);
    nelm_simulate_pre(m, strategy, seed, pt, &pre, out, traj, stats);
}

void
nelm_simulate_pre(const nelm_model *m, size_t strategy, uint64_t seed, const nelm_patient *pt,
                  const nelm_patient_pre *pre, nelm_outcome *out, nelm_trajectory *traj,
                  nelm_draw_stats *stats)
{
    const nelm_params *p = m->p;
    nelm_bug_assert(strategy < p->nstrategies);
    sim x;
    /* no memset of the whole state: the pending-onset list is large and
     * only its count matters; last_controlled[i] is read only once uses[i] > 0 */
    memset(x.s.uses, 0, sizeof x.s.uses);
    x.s.liver_damage = false;
    x.s.controlled_since = 0;
    x.p = p;
    x.st = &p->strategies[strategy];
    x.out = out;
    x.traj = traj;
    x.line_no = 0;
    x.nopen = 0;
    x.nonsets = 0;
    x.done = false;
    /* the header here (padding too: outcomes compare bytewise), each line
     * record when its line starts (run_line); the records past nlines are
     * left as they were */
    memset(out, 0, offsetof(nelm_outcome, line));
    out->bsc_start = -1;
    if (traj)
        traj->n = 0;
    x.base.prefix = nelm_rng_key_prefix(seed, pt->index);
    x.base.instance = 0;
    x.base.occurrence = 0;
    x.base.stats = stats;
    x.s.pt = pt;
    x.s.extrahepatic = pt->extrahepatic;
    x.s.progressive = pt->progressive;
    x.s.kinds_received = pt->prior;
    x.s.prior_lines = pt->entry_line - 1;
    x.s.backbone_hr = 1.0;
    x.s.frailty = pre->frailty;
    advance(&x, 0.0);
    x.late_onset = INFINITY;
    x.late_death = INFINITY;
    x.t_bg = pre->background_death;
    x.t_h = (p->horizon.age - pt->age) * 12.0;
    if (p->horizon.months < x.t_h)
        x.t_h = p->horizon.months;

    for (size_t li = 0; li < x.st->nlines && !x.done; li++) {
        const nelm_line *l = &x.st->lines[li];
        x.line_no = (int)li + 1;
        int inst = choose(&x, li);
        if (inst < 0) {
            emit(&x, NELM_EV_LINE_SKIPPED, NELM_SKIP_INELIGIBLE, l->choice[0]);
            if (l->if_ineligible == NELM_IF_STOP)
                break;
            continue;
        }
        uint16_t i = (uint16_t)inst;
        if (l->uptake < 1.0) {
            nelm_draws d = x.base;
            d.instance = i;
            d.occurrence = x.s.uses[i];
            if (!(nelm_draw_u(&d, NELM_SLOT_UPTAKE) < l->uptake)) {
                emit(&x, NELM_EV_LINE_SKIPPED, NELM_SKIP_DECLINED, i);
                if (l->if_declined == NELM_IF_STOP)
                    break;
                continue;
            }
        }
        if (l->delay > 0) {
            if (!wait_until(&x, x.s.t + l->delay, i))
                break;
            /* eligibility is judged on the state when the line starts */
            int again = choose(&x, li);
            if (again < 0) {
                emit(&x, NELM_EV_LINE_SKIPPED, NELM_SKIP_INELIGIBLE, l->choice[0]);
                if (l->if_ineligible == NELM_IF_STOP)
                    break;
                continue;
            }
            i = (uint16_t)again;
        }
        run_line(&x, li, i);
    }
    if (!x.done)
        best_supportive_care(&x);
}

bool
nelm_outcome_equal(const nelm_outcome *a, const nelm_outcome *b)
{
    return memcmp(a, b, offsetof(nelm_outcome, line)) == 0 &&
           memcmp(a->line, b->line, a->nlines * sizeof a->line[0]) == 0;
}

const char *
nelm_event_name(nelm_event_type t)
{
    static const char *const names[NELM_NEVENTS] = {
        "line_start",      "course_start",  "treatment_start", "treatment_end",  "toxicity",
        "discontinuation", "progression",   "recurrence",      "planned_switch", "waitlist_dropout",
        "line_skipped",    "late_toxicity", "bsc_start",       "death",          "censored",
    };
    return (unsigned)t < NELM_NEVENTS ? names[t] : "unknown";
}

const char *
nelm_cause_name(nelm_cause c)
{
    static const char *const names[NELM_NCAUSES] = {"none", "disease", "treatment", "toxicity",
                                                    "background"};
    return (unsigned)c < NELM_NCAUSES ? names[c] : "unknown";
}

const char *
nelm_line_end_name(nelm_line_end e)
{
    static const char *const names[NELM_NENDS] = {"progression", "planned_switch", "toxicity",
                                                  "dropout",     "death",          "censored"};
    return (unsigned)e < NELM_NENDS ? names[e] : "unknown";
}
