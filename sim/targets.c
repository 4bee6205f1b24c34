/* targets.c — the verdict rules, and simulating the targets (see targets.h;
 * reading a targets file: targets_load.c). */
#include "targets.h"
#include "targets_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cox.h"
#include "engine.h"
#include "summary.h"
#include "yamltree.h"

/* ---- names ------------------------------------------------------------------- */

const char *const nelm_tg_role_names[NELM_NROLES] = {"calibration", "validation"};
const char *const nelm_tg_verdict_names[NELM_NVERDICTS] = {"inside", "outside", "not_modelled"};
const char *const nelm_tg_tstat_names[NELM_NTSTATS] = {"median", "survival", "proportion",
                                                       "incidence", "hazard_ratio"};
const char *const nelm_tg_rule_names[NELM_NRULES] = {"95% CI", "range", "Wilson",
                                                     "exp(1.96/sqrt d)", "15%"};
const char *const nelm_tg_endpoint_names[NELM_NENDPOINTS] = {
    "os", "pfs", "rfs", "dfs", "ttp", "hepatic_pfs", "death_within", "late_toxicity"};

const char *
nelm_role_name(nelm_role r)
{
    return (unsigned)r < NELM_NROLES ? nelm_tg_role_names[r] : "unknown";
}

const char *
nelm_verdict_name(nelm_verdict v)
{
    return (unsigned)v < NELM_NVERDICTS ? nelm_tg_verdict_names[v] : "unknown";
}

const char *
nelm_tstat_name(nelm_tstat_kind k)
{
    return (unsigned)k < NELM_NTSTATS ? nelm_tg_tstat_names[k] : "unknown";
}

const char *
nelm_rule_name(nelm_rule r)
{
    return (unsigned)r < NELM_NRULES ? nelm_tg_rule_names[r] : "unknown";
}

const char *
nelm_endpoint_name(nelm_endpoint ep)
{
    return (unsigned)ep < NELM_NENDPOINTS ? nelm_tg_endpoint_names[ep] : "unknown";
}

/* ---- the verdict rules ---------------------------------------------------------- */

void
nelm_wilson(double p, double n, double z, double *lo, double *hi)
{
    double z2n = z * z / n;
    double centre = (p + z2n / 2) / (1 + z2n);
    double half = z / (1 + z2n) * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
    *lo = fmax(0.0, centre - half);
    *hi = fmin(1.0, centre + half);
}

nelm_rule
nelm_target_interval(nelm_tstat_kind kind, double value, const double *ci, const double *range,
                     double n, double events, double *lo, double *hi)
{
    if (ci != NULL) {
        *lo = ci[0];
        *hi = ci[1];
        return NELM_RULE_CI;
    }
    if (range != NULL) {
        *lo = range[0];
        *hi = range[1];
        return NELM_RULE_RANGE;
    }
    bool proportion = kind == NELM_TSTAT_SURVIVAL || kind == NELM_TSTAT_PROPORTION ||
                      kind == NELM_TSTAT_INCIDENCE;
    if (proportion && n > 0) {
        nelm_wilson(value, n, NELM_Z95, lo, hi);
        return NELM_RULE_WILSON;
    }
    double d = events > 0 ? events : n;
    if (kind == NELM_TSTAT_MEDIAN && d > 0) {
        double f = exp(NELM_Z95 / sqrt(d));
        *lo = value / f;
        *hi = value * f;
        return NELM_RULE_EVENTS;
    }
    *lo = value * 0.85;
    *hi = value * 1.15;
    return NELM_RULE_PCT15;
}

nelm_verdict
nelm_target_verdict(double sim, double lo, double hi)
{
    return sim >= lo && sim <= hi ? NELM_VERDICT_INSIDE : NELM_VERDICT_OUTSIDE;
}

/* ---- loading each arm's model ------------------------------------------------------ */

/* the overrides of an arm: the target's, then the arm's (its strategy last) */
static int
arm_sets(const nelm_target *tg, const nelm_tarm *a, const char ***out, size_t *n, nelm_err *e)
{
    *n = tg->sets.n + a->sets.n;
    const char **s = nelm_malloc((*n ? *n : 1) * sizeof *s);
    if (s == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
    for (size_t i = 0; i < tg->sets.n; i++)
        s[i] = tg->sets.set[i];
    for (size_t i = 0; i < a->sets.n; i++)
        s[tg->sets.n + i] = a->sets.set[i];
    *out = s;
    return 0;
}

/* does message m start with the parameter path p (followed by '.', '[', ':'
 * or a space, or nothing)? */
static bool
starts_with_path(const char *m, const char *p, size_t plen)
{
    if (strncmp(m, p, plen) != 0)
        return false;
    char c = m[plen];
    return c == '\0' || c == '.' || c == '[' || c == ':' || c == ' ';
}

/* An error of loading an arm's model, located in the targets file at the
 * override it is about (the arm when none is). */
static int
relocate(const char *file, const nelm_target *tg, const nelm_tarm *a, const nelm_err *inner,
         nelm_err *e)
{
    const char *m = inner->msg;
    if (inner->code != NELM_ERR_PARAM) /* out of memory, a file: nothing to locate */
        return NELM_FAIL(e, inner->code, "%s", inner->msg);
    if (strncmp(m, "--set:", 6) == 0) {
        const char *q = strstr(m, ": ");
        m = q ? q + 2 : m;
    }
    int line = a->line, col = a->col;
    size_t best = 0;
    const nelm_tsets *ss[2] = {&tg->sets, &a->sets};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < ss[k]->n; i++) {
            const char *eq = strchr(ss[k]->set[i], '=');
            size_t plen = (size_t)(eq - ss[k]->set[i]);
            if (plen > best && starts_with_path(m, ss[k]->set[i], plen)) {
                best = plen;
                line = ss[k]->line[i];
                col = ss[k]->col[i];
            }
        }
    /* the strategy is the arm: name it as the file does */
    char pre[NELM_NAME_MAX + 16];
    snprintf(pre, sizeof pre, "strategies.%s", a->name);
    if (starts_with_path(m, pre, strlen(pre)))
        return NELM_FAIL(e, inner->code, "%s:%d:%d: %s: arms.%s%s", file, line, col, tg->id,
                         a->name, m + strlen(pre));
    return NELM_FAIL(e, inner->code, "%s:%d:%d: %s: %s", file, line, col, tg->id, m);
}

/* Load arm a's model into p and find its origin instance. */
int
nelm_tg_arm_params(const char *file, const nelm_target *tg, const nelm_tarm *a, nelm_params *p,
                   uint16_t *origin, nelm_err *e)
{
    const char **sets = NULL;
    size_t n = 0;
    int ret = arm_sets(tg, a, &sets, &n, e);
    if (ret != 0)
        return ret;
    nelm_err inner = {0};
    ret = nelm_params_load(p, NULL, sets, n, &inner);
    free(sets);
    if (ret != 0)
        return relocate(file, tg, a, &inner, e);
    for (size_t i = 0; i < p->nmodalities; i++)
        if (strcmp(p->modalities[i].name, a->origin) == 0) {
            *origin = (uint16_t)i;
            if (a->origin_line > 0 && (size_t)a->origin_line > p->strategies[0].nlines)
                return NELM_FAIL(e, NELM_ERR_PARAM,
                                 "%s:%d:%d: %s: arms.%s.origin: line %d, but the arm has %zu "
                                 "lines",
                                 file, a->line, a->col, tg->id, a->name, a->origin_line,
                                 p->strategies[0].nlines);
            return 0;
        }
    return NELM_FAIL(e, NELM_ERR_PARAM,
                     "%s:%d:%d: %s: arms.%s.origin: no modality instance '%s' in the model", file,
                     a->line, a->col, tg->id, a->name, a->origin);
}

/* ---- simulating an arm -------------------------------------------------------------- */

/* what one patient contributes */
typedef struct prec {
    double t;   /**< endpoint time from the origin, months */
    uint8_t ev; /**< endpoint event (else censored) */
    uint8_t reached;
    uint8_t nproc, ndead; /**< death_within: procedures and deaths within the window */
    uint8_t fail;         /**< the patient could not be sampled */
} prec;

/* an arm's data: the patients who reached the origin, in index order */
typedef struct armdata {
    bool frailty; /**< the arm's model has patient frailty on */
    size_t n;
    double *t;
    uint8_t *ev;
    uint64_t nproc, ndead, nev;
} armdata;

static void
armdata_free(armdata *d)
{
    free(d->t);
    free(d->ev);
    memset(d, 0, sizeof *d);
}

static bool
is_progression(const nelm_event *v)
{
    return v->type == NELM_EV_PROGRESSION || v->type == NELM_EV_RECURRENCE ||
           v->type == NELM_EV_WAITLIST_DROPOUT;
}

/* The endpoint of one simulated trajectory (cens: administrative censoring
 * from the origin, +inf: none). */
static void
endpoint_of(const nelm_target *tg, const nelm_tarm *a, uint16_t oinst, bool transplant,
            const nelm_trajectory *tr, double cens, prec *r)
{
    size_t io = tr->n;
    const nelm_event *last = &tr->ev[tr->n - 1];
    bool died = last->type == NELM_EV_DEATH;
    for (size_t i = 0; i < tr->n; i++) {
        const nelm_event *v = &tr->ev[i];
        if (v->instance != oinst || (a->origin_line > 0 && v->line != a->origin_line))
            continue;
        bool start = transplant ? v->type == NELM_EV_TREATMENT_START
                                : v->type == NELM_EV_LINE_START || v->type == NELM_EV_COURSE_START;
        if (!start)
            continue;
        if (io == tr->n)
            io = i;
        if (tg->endpoint == NELM_EP_DEATH_WITHIN && (tg->per_procedure || io == i)) {
            r->nproc++;
            if (died && last->t - v->t <= tg->window)
                r->ndead++;
        }
    }
    if (io == tr->n)
        return;
    r->reached = 1;
    double t0 = tr->ev[io].t, t = last->t - t0;
    bool ev = false;
    for (size_t j = io + 1; j < tr->n; j++) {
        const nelm_event *v = &tr->ev[j];
        bool hit = false;
        switch (tg->endpoint) {
        case NELM_EP_PFS:
        case NELM_EP_RFS:
        case NELM_EP_DFS:
        case NELM_EP_TTP:
            hit = is_progression(v);
            break;
        case NELM_EP_HEPATIC_PFS:
            hit = is_progression(v) && v->detail == NELM_SITE_HEPATIC;
            break;
        case NELM_EP_LATE_TOX:
            hit = v->type == NELM_EV_LATE_TOXICITY;
            break;
        default:
            break;
        }
        if (hit) {
            t = v->t - t0;
            ev = true;
            break;
        }
    }
    if (!ev) /* to death or the horizon */
        ev = died && tg->endpoint != NELM_EP_TTP && tg->endpoint != NELM_EP_LATE_TOX;
    if (t > cens) {
        t = cens;
        ev = false;
    }
    r->t = t;
    r->ev = ev;
}

/* Simulate arm `ai` of target tg: patients base .. base + N - 1. */
static int
simulate_arm(const char *file, const nelm_target *tg, size_t ai, const nelm_targets_opts *o,
             nelm_params *p, armdata *d, nelm_err *e)
{
    const nelm_tarm *a = &tg->arms[ai];
    memset(d, 0, sizeof *d);
    uint16_t oinst = 0;
    int ret = nelm_tg_arm_params(file, tg, a, p, &oinst, e);
    if (ret != 0)
        return ret;
    nelm_model m;
    if ((ret = nelm_model_init(&m, p, e)) != 0)
        return ret;
    bool transplant = p->modalities[oinst].kind == NELM_KIND_TRANSPLANT;
    d->frailty = p->disease.frailty_variance > 0;
    uint64_t N = o->npatients, base = (uint64_t)ai * N;
    prec *r = nelm_calloc(N, sizeof *r);
    if (r == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (%llu patients)", (unsigned long long)N);
    int nt = o->threads > 0 ? o->threads : omp_get_max_threads();
#pragma omp parallel num_threads(nt)
    {
        nelm_trajectory *tr = nelm_malloc(sizeof *tr);
#pragma omp for schedule(dynamic, 256)
        for (long long k = 0; k < (long long)N; k++) {
            prec *pr = &r[k];
            if (tr == NULL) {
                pr->fail = 2;
                continue;
            }
            nelm_patient pt;
            nelm_err pe = {0};
            if (nelm_cohort_sample(&p->cohort, o->seed, base + (uint64_t)k, &pt, &pe) != 0) {
                pr->fail = 1;
                continue;
            }
            nelm_outcome out;
            nelm_simulate(&m, 0, o->seed, &pt, &out, tr);
            double cens = INFINITY;
            if (tg->has_follow_up)
                cens = tg->fu_min + (tg->fu_max - tg->fu_min) * ((double)k + 0.5) / (double)N;
            endpoint_of(tg, a, oinst, transplant, tr, cens, pr);
        }
        free(tr);
    }
    for (uint64_t k = 0; k < N && ret == 0; k++)
        if (r[k].fail == 2) {
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (trajectory)");
        } else if (r[k].fail == 1) { /* again, for its message */
            nelm_patient pt;
            nelm_cohort_sample(&p->cohort, o->seed, base + k, &pt, e);
            ret = e->code ? e->code : NELM_ERR_PARAM;
        }
    size_t n = 0;
    for (uint64_t k = 0; k < N && ret == 0; k++) {
        n += r[k].reached;
        d->nproc += r[k].nproc;
        d->ndead += r[k].ndead;
    }
    if (ret == 0 && n > 0) {
        d->t = nelm_malloc(n * sizeof *d->t);
        d->ev = nelm_malloc(n);
        if (d->t == NULL || d->ev == NULL)
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (%zu patients)", n);
    }
    for (uint64_t k = 0; k < N && ret == 0; k++)
        if (r[k].reached) {
            d->t[d->n] = r[k].t;
            d->ev[d->n] = r[k].ev;
            d->nev += r[k].ev;
            d->n++;
        }
    free(r);
    if (ret != 0)
        armdata_free(d);
    return ret;
}

/* ---- the statistics ------------------------------------------------------------------ */

static int
stat_km(const armdata *d, const nelm_tstat *s, nelm_trow *row, nelm_err *e)
{
    row->patients = d->n;
    row->events = d->nev;
    if (d->n == 0) {
        snprintf(row->note, sizeof row->note, "no simulated patient reached the origin");
        return 0;
    }
    nelm_km km;
    int ret = nelm_km_fit(&km, d->t, d->ev, d->n, e);
    if (ret != 0)
        return ret;
    if (s->kind == NELM_TSTAT_MEDIAN) {
        nelm_km_quantile(&km, 0.5, &row->sim, &row->sim_lo, &row->sim_hi);
        if (isnan(row->sim))
            snprintf(row->note, sizeof row->note, "median not reached in the simulation");
    } else {
        nelm_km_surv_ci(&km, s->t, &row->sim, &row->sim_lo, &row->sim_hi);
    }
    nelm_km_free(&km);
    return 0;
}

static void
stat_share(uint64_t k, uint64_t n, nelm_trow *row)
{
    row->patients = n;
    row->events = k;
    if (n == 0)
        return;
    row->sim = (double)k / (double)n;
    nelm_wilson(row->sim, (double)n, NELM_Z95, &row->sim_lo, &row->sim_hi);
}

static int
stat_hr(const armdata *arm, const armdata *ctl, nelm_trow *row, nelm_err *e)
{
    size_t n = arm->n + ctl->n;
    row->patients = n;
    row->events = arm->nev + ctl->nev;
    double *t = nelm_malloc((n ? n : 1) * sizeof *t), *x = nelm_malloc((n ? n : 1) * sizeof *x);
    uint8_t *ev = nelm_malloc(n ? n : 1);
    int ret = 0;
    if (t == NULL || x == NULL || ev == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (Cox model)");
        goto out;
    }
    for (size_t i = 0; i < arm->n; i++) {
        t[i] = arm->t[i];
        ev[i] = arm->ev[i];
        x[i] = 1;
    }
    for (size_t i = 0; i < ctl->n; i++) {
        t[arm->n + i] = ctl->t[i];
        ev[arm->n + i] = ctl->ev[i];
        x[arm->n + i] = 0;
    }
    nelm_cox_result cr;
    nelm_err ce = {0};
    if (nelm_cox_fit(t, ev, x, n, NELM_COX_EFRON, &cr, &ce) != 0) {
        if (ce.code == NELM_ERR_NOMEM) {
            ret = NELM_FAIL(e, ce.code, "%s", ce.msg);
            goto out;
        }
        snprintf(row->note, sizeof row->note, "%.159s", ce.msg);
        goto out;
    }
    row->sim = exp(cr.beta);
    row->sim_lo = exp(cr.beta - NELM_Z95 * cr.se);
    row->sim_hi = exp(cr.beta + NELM_Z95 * cr.se);
out:
    free(t);
    free(x);
    free(ev);
    return ret;
}

void
nelm_trow_arm(const nelm_targets *ts, const nelm_trow *r, char *out, size_t len)
{
    const nelm_target *tg = &ts->t[r->target];
    const nelm_tstat *s = &tg->stats[r->stat];
    if (s->kind == NELM_TSTAT_HAZARD_RATIO)
        snprintf(out, len, "%s vs %s", tg->arms[s->arm].name, tg->arms[s->vs].name);
    else
        snprintf(out, len, "%s", tg->arms[s->arm].name);
}

/* ---- running ---------------------------------------------------------------------- */

static int
run_target(const nelm_targets *ts, size_t ti, const nelm_targets_opts *o, nelm_trow *rows,
           nelm_params *p, nelm_err *e)
{
    const nelm_target *tg = &ts->t[ti];
    armdata *d = nelm_calloc(tg->narms, sizeof *d);
    bool *need = nelm_calloc(tg->narms, sizeof *need);
    int ret = 0;
    if (d == NULL || need == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
        goto out;
    }
    for (size_t s = 0; s < tg->nstats; s++)
        if (tg->stats[s].modelled)
            need[tg->stats[s].arm] = need[tg->stats[s].vs] = true;
    for (size_t a = 0; a < tg->narms && ret == 0; a++) {
        if (o->stop && *o->stop) {
            ret = NELM_FAIL(e, NELM_ERR_INTERRUPTED, "interrupted");
            break;
        }
        if (need[a])
            ret = simulate_arm(ts->file, tg, a, o, p, &d[a], e);
    }
    for (size_t si = 0; si < tg->nstats && ret == 0; si++) {
        const nelm_tstat *s = &tg->stats[si];
        nelm_trow *row = &rows[si];
        memset(row, 0, sizeof *row);
        row->target = ti;
        row->stat = si;
        row->published = s->value;
        row->rule = nelm_target_interval(s->kind, s->value, s->has_ci ? s->ci : NULL,
                                         s->has_range ? s->range : NULL, s->n, s->events, &row->lo,
                                         &row->hi);
        row->sim = row->sim_lo = row->sim_hi = NAN;
        if (!s->modelled) {
            row->verdict = NELM_VERDICT_NOT_MODELLED;
            continue;
        }
        const armdata *ad = &d[s->arm];
        row->frailty = ad->frailty || d[s->vs].frailty;
        switch (s->kind) {
        case NELM_TSTAT_MEDIAN:
        case NELM_TSTAT_SURVIVAL:
            ret = stat_km(ad, s, row, e);
            break;
        case NELM_TSTAT_PROPORTION:
            stat_share(ad->ndead, ad->nproc, row);
            break;
        case NELM_TSTAT_INCIDENCE:
            stat_share(ad->nev, ad->n, row);
            break;
        case NELM_TSTAT_HAZARD_RATIO:
            ret = stat_hr(ad, &d[s->vs], row, e);
            break;
        default:
            nelm_bug_assert(0);
        }
        row->verdict = nelm_target_verdict(row->sim, row->lo, row->hi);
        bool crosses = (row->sim_lo < row->lo && row->lo < row->sim_hi) ||
                       (row->sim_lo < row->hi && row->hi < row->sim_hi);
        if (crosses && row->note[0] == '\0')
            snprintf(row->note, sizeof row->note,
                     "borderline: the Monte Carlo interval crosses a bound of the published "
                     "interval (another seed or more patients may change the verdict)");
    }
out:
    for (size_t a = 0; d && a < tg->narms; a++)
        armdata_free(&d[a]);
    free(d);
    free(need);
    return ret;
}

int
nelm_targets_run(const nelm_targets *ts, const nelm_targets_opts *o, nelm_trow **rows,
                 size_t *nrows, nelm_err *e)
{
    *rows = NULL;
    *nrows = 0;
    if (o->npatients == 0)
        return NELM_FAIL(e, NELM_ERR_USAGE, "patients per arm must be >= 1");
    bool *sel = nelm_calloc(ts->n ? ts->n : 1, sizeof *sel);
    if (sel == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
    for (size_t i = 0; i < ts->n; i++)
        sel[i] = o->nids == 0;
    for (size_t k = 0; k < o->nids; k++) {
        size_t i = 0;
        while (i < ts->n && strcmp(ts->t[i].id, o->ids[k]) != 0)
            i++;
        if (i == ts->n) {
            free(sel);
            return NELM_FAIL(e, NELM_ERR_USAGE, "no target '%s' in %s", o->ids[k], ts->file);
        }
        sel[i] = true;
    }
    size_t total = 0, ntargets = 0;
    for (size_t i = 0; i < ts->n; i++)
        if (sel[i]) {
            total += ts->t[i].nstats;
            ntargets++;
        }
    nelm_trow *out = nelm_calloc(total ? total : 1, sizeof *out);
    nelm_params *p = nelm_malloc(sizeof *p);
    int ret = 0;
    if (out == NULL || p == NULL)
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
    size_t at = 0, done = 0;
    for (size_t i = 0; i < ts->n && ret == 0; i++) {
        if (!sel[i])
            continue;
        if (o->progress) {
            fprintf(o->progress, "\r[%zu/%zu] %-40s", ++done, ntargets, ts->t[i].id);
            fflush(o->progress);
        }
        ret = run_target(ts, i, o, out + at, p, e);
        at += ts->t[i].nstats;
    }
    if (o->progress) {
        fprintf(o->progress, "\r%60s\r", "");
        fflush(o->progress);
    }
    free(p);
    free(sel);
    if (ret != 0) {
        free(out);
        return ret;
    }
    *rows = out;
    *nrows = total;
    return 0;
}
