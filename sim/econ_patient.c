/* econ_patient.c — one patient-strategy's life years, QALYs and costs from
 * its event trajectory (see econ_patient.h for the states and rules). */
#include "econ_patient.h"

#include <math.h>

/* Discounting: a value at t months counts exp(-d t), d = ln(1 + r) / 12
 * per month (as econ.h); exp(-d t) is computed once at each time where
 * something changes (from the tables of nelm_econ_disc) and the integrals
 * over the pieces between them are (exp(-d a) - exp(-d b)) / d (b - a when
 * r = 0). QALYs are summed in utility-months and made years at the end. */
typedef struct walk {
    const nelm_econ_params *x;
    nelm_econ_pre *pre;
    const nelm_econ_disc *tbe, *tbc; /**< the effects' and costs' tables */
    double de, dc;                   /**< per month, effects and costs */
    double ide, idc;                 /**< 1 / de, 1 / dc (0 when de, dc are) */
    double t;                        /**< integrated up to here */
    double ee, ec;                   /**< exp(-de t), exp(-dc t) */
    size_t k;                        /**< the norms' band holding t */
    double wd, wu;                   /**< the norms' integrals W(t) (see wnorm) */
    double q_d, q_u;                 /**< QALYs (utility-months) */
    double c_d, c_u;                 /**< costs */
} walk;

double
nelm_econ_discount(const nelm_econ_disc *t, double months)
{
    return nelm_econ_factor(t, months);
}

/* the integral of exp(-d s) over [a, b], given ea = exp(-d a), eb = exp(-d b)
 * and id = 1 / d (d > 0) */
static inline double
integral(double d, double id, double a, double b, double ea, double eb)
{
    return d == 0 ? b - a : (ea - eb) * id;
}

static double
norm_at(const nelm_econ_params *x, bool male, double a)
{
    return x->norm_c0 + (male ? x->norm_male : 0.0) + x->norm_age * a + x->norm_age2 * a * a;
}

void
nelm_econ_prepare(const nelm_params *p, const nelm_patient *pt, nelm_econ_pre *pre)
{
    const nelm_econ_params *x = &p->econ;
    pre->age0 = pt->age;
    pre->a0 = floor(pt->age);
    pre->male = pt->sex == NELM_MALE;
    pre->year = 1.0 / (1.0 + x->r_effect);
    pre->nb = 1;
    pre->b[0] = 0;
    pre->m[0] = 1;
    pre->eb[0] = 1;
    pre->wd[0] = pre->wu[0] = 0;
    pre->cap = 1;
    if (x->norms) {
        pre->n0 = norm_at(x, pre->male, pre->a0);
        double c = floor(p->horizon.age) - pre->a0 + 2;
        pre->cap = c < 1 ? 1 : c > NELM_ECON_MAX_BANDS ? NELM_ECON_MAX_BANDS : (size_t)c;
    }
}

/* Fill band k = pre->nb (birthday k + a0 - age0 years from the start:
 * b[k] = 12 (a0 + k - age0); the discount factors a year's factor apart).
 * False when every band up to the horizon age is filled. */
static bool
more(nelm_econ_pre *pre, const nelm_econ_params *x)
{
    if (pre->nb >= pre->cap)
        return false;
    size_t k = pre->nb;
    double d = x->d_effect;
    double bk = 12.0 * (pre->a0 + (double)k - pre->age0);
    pre->b[k] = bk;
    pre->eb[k] = k == 1 ? nelm_econ_factor(&x->disc_effect, bk) : pre->eb[k - 1] * pre->year;
    pre->wu[k] = pre->wu[k - 1] + pre->m[k - 1] * (bk - pre->b[k - 1]);
    pre->wd[k] = pre->wd[k - 1] + pre->m[k - 1] * integral(d, d > 0 ? 1.0 / d : 0, pre->b[k - 1],
                                                           bk, pre->eb[k - 1], pre->eb[k]);
    pre->m[k] = norm_at(x, pre->male, pre->a0 + (double)k) / pre->n0;
    pre->nb = k + 1;
    return true;
}

/* W(t), the integrals of the norms' multiplier m over [0, t] (t at or after
 * the walk's time): discounted (e = exp(-de t)) into *wd, not into *wu */
static inline void
wnorm(walk *w, double t, double e, double *wd, double *wu)
{
    nelm_econ_pre *pre = w->pre;
    size_t k = w->k; /* b[k] <= t: move to the band holding t */
    while ((k + 1 < pre->nb || more(pre, w->x)) && pre->b[k + 1] <= t)
        k++;
    w->k = k;
    *wu = pre->wu[k] + pre->m[k] * (t - pre->b[k]);
    *wd = pre->wd[k] + pre->m[k] * integral(w->de, w->ide, pre->b[k], t, pre->eb[k], e);
}

/* Integrate utility u and cost per month c from w->t to te (> w->t), the
 * utility times the norms' multiplier (by year of age). */
static inline void
step(walk *w, double te, double u, double c)
{
    double t = w->t;
    double ee = nelm_econ_factor(w->tbe, te);
    double ec = w->dc == w->de ? ee : nelm_econ_factor(w->tbc, te);
    double wd, wu;
    wnorm(w, te, ee, &wd, &wu);
    w->q_u += u * (wu - w->wu);
    w->q_d += u * (wd - w->wd);
    if (c != 0) {
        w->c_u += c * (te - t);
        w->c_d += c * integral(w->dc, w->idc, t, te, w->ec, ec);
    }
    w->t = te;
    w->ee = ee;
    w->ec = ec;
    w->wd = wd;
    w->wu = wu;
}

/* a one-off cost v whose discount factor is f */
static void
add_once(walk *w, double f, double v)
{
    w->c_u += v;
    w->c_d += v * f;
}

/* months a course of m is on treatment (cost per month): none for an
 * operation, the course for IAT and PRRT, open-ended for continuous
 * therapies and observation (as models/ lays the courses out) */
static bool
treats(const nelm_modality *m)
{
    switch (m->kind) {
    case NELM_KIND_RESECTION:
    case NELM_KIND_TRANSPLANT:
        return false;
    case NELM_KIND_IAT:
    case NELM_KIND_PRRT:
        return m->duration > 0;
    default:
        return true;
    }
}

size_t
nelm_econ_patient(const nelm_params *p, size_t strategy, const nelm_patient *pt, nelm_econ_pre *pre,
                  const nelm_outcome *o, const nelm_trajectory *tr, double out[NELM_ECON_NACC])
{
    const nelm_econ_params *x = &p->econ;
    const nelm_strategy *st = &p->strategies[strategy];
    nelm_bug_assert(pre->age0 == pt->age);
    walk w = {.x = x,
              .pre = pre,
              .de = x->d_effect,
              .dc = x->d_cost,
              .tbe = &x->disc_effect,
              .tbc = &x->disc_cost,
              .ide = x->d_effect > 0 ? 1.0 / x->d_effect : 0,
              .idc = x->d_cost > 0 ? 1.0 / x->d_cost : 0,
              .ee = 1.0,
              .ec = 1.0};
    const double os = o->os;

    /* SSA backbones: from the end of each backbone line the patient survived */
    double bb_t[NELM_MAX_LINES];
    int bb_e[NELM_MAX_LINES];
    size_t nbb = 0, next_bb = 0;
    for (size_t k = 0; k < o->nlines; k++) {
        const nelm_line_outcome *lo = &o->line[k];
        nelm_bug_assert(lo->number >= 1 && (size_t)lo->number <= st->nlines);
        if (st->lines[lo->number - 1].backbone && lo->end != NELM_END_DEATH &&
            lo->end != NELM_END_CENSORED) {
            bb_t[nbb] = lo->end_t;
            bb_e[nbb++] = x->of_instance[lo->instance];
        }
    }

    int e = -1;           /* economics entry of the current (or last) line's instance */
    int kind = -1;        /* its kind */
    int bb = -1;          /* the SSA backbone's entry, -1 none */
    bool started = false; /* a line has started */
    bool pf = !pt->progressive;
    bool bsc = false, treating = false;
    bool pend = false; /* a transplant's cost, charged when it is performed */
    size_t pieces = 0;
    double pend_f = 1, pend_v = 0;
    for (size_t k = 0; k <= tr->n; k++) {
        /* the state since w.t: its utility and cost per month, integrated
         * to te (nothing between events at the same time) */
        double te = k < tr->n ? tr->ev[k].t : os;
        if (te > w.t) {
            bool ssa_on = bb >= 0 && !bsc; /* a backbone SSA controls the syndrome */
            bool uncontrolled = true;
            double u;
            if (bsc || !started) {
                u = x->u_bsc;
            } else if (pf) {
                u = x->entry[e].utility;
                uncontrolled = kind == NELM_KIND_OBSERVATION;
            } else {
                u = x->u_post;
            }
            if (pt->syndrome && uncontrolled && !ssa_on)
                u = x->u_syndrome;
            double c = 0;
            if (treating)
                c += x->entry[e].cost_month;
            if (ssa_on && !(treating && kind == NELM_KIND_SSA))
                c += x->entry[bb].cost_month;
            if (bsc)
                c += x->bsc_cost_month;
            step(&w, te, u, c);
            pieces++;
        }
        double t = te, f = w.ec; /* now, and its cost discount factor */
        if (k == tr->n)
            break;
        /* what changes now */
        while (next_bb < nbb && bb_t[next_bb] <= t)
            bb = bb_e[next_bb++];
        const nelm_event *ev = &tr->ev[k];
        switch (ev->type) {
        case NELM_EV_LINE_START:
        case NELM_EV_COURSE_START: {
            if (pend)
                add_once(&w, pend_f, pend_v);
            pend = false;
            nelm_bug_assert(ev->instance < p->nmodalities);
            const nelm_modality *m = &p->modalities[ev->instance];
            e = x->of_instance[ev->instance];
            nelm_bug_assert(e >= 0);
            kind = m->kind;
            started = true;
            pf = true;
            treating = treats(m);
            if (m->kind == NELM_KIND_TRANSPLANT) {
                pend = true;
                pend_f = f;
                pend_v = x->entry[e].cost_course;
            } else {
                add_once(&w, f, x->entry[e].cost_course);
            }
            break;
        }
        case NELM_EV_TREATMENT_START:
            if (pend)
                add_once(&w, f, pend_v);
            pend = false;
            break;
        case NELM_EV_TREATMENT_END:
        case NELM_EV_DISCONTINUATION:
        case NELM_EV_PLANNED_SWITCH:
            treating = false;
            break;
        case NELM_EV_TOXICITY: {
            nelm_bug_assert(ev->instance < p->nmodalities && x->of_instance[ev->instance] >= 0);
            const nelm_econ_instance *q = &x->entry[x->of_instance[ev->instance]];
            add_once(&w, f, q->tox_cost);
            double end = t + q->tox_months < os ? t + q->tox_months : os;
            if (end > t && q->tox_disutility > 0) { /* not age-adjusted */
                w.q_u -= q->tox_disutility * (end - t);
                w.q_d -= q->tox_disutility *
                         integral(w.de, w.ide, t, end, w.ee, nelm_econ_factor(w.tbe, end));
                pieces++;
            }
            break;
        }
        case NELM_EV_PROGRESSION:
        case NELM_EV_RECURRENCE:
            if (pend) /* transplanted at once (no waiting list) */
                add_once(&w, pend_f, pend_v);
            pend = false;
            pf = false;
            treating = false;
            break;
        case NELM_EV_WAITLIST_DROPOUT:
            pend = false; /* never transplanted */
            pf = false;
            treating = false;
            break;
        case NELM_EV_BSC_START:
            if (pend)
                add_once(&w, pend_f, pend_v);
            pend = false;
            bsc = true;
            treating = false;
            break;
        case NELM_EV_DEATH:
        case NELM_EV_CENSORED:
            pend = false; /* died on the waiting list */
            treating = false;
            break;
        default: /* line skipped, late toxicity: no change of state */
            break;
        }
    }
    out[NELM_ECON_LY] = integral(w.de, w.ide, 0, os, 1.0, w.ee) / 12.0; /* w.t == os */
    out[NELM_ECON_QALY] = w.q_d / 12.0;
    out[NELM_ECON_COST] = w.c_d;
    out[NELM_ECON_QALY_U] = w.q_u / 12.0;
    out[NELM_ECON_COST_U] = w.c_u;
    return pieces;
}
