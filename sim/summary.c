/* summary.c — per-strategy summaries of simulated outcomes (DESIGN §8):
 * Kaplan–Meier estimates with Greenwood variances, survfit-style quantiles
 * with their intervals, restricted means, the per-strategy accumulator and
 * the printed table.
 *
 * Conventions (R survival 3.x: survfit, quantile.survfit):
 *  - Greenwood variance of log S: sum over event times of d / (r (r - d));
 *    once r == d, S = 0 and the variance is +inf from there on.
 *  - Pointwise interval, conf.type = "log": S · exp(±z · sqrt(var)), z the
 *    0.975 normal quantile (1.959963984540054, printed as "1.96"), the upper
 *    end clipped to 1; undefined where S = 0 (R gives NA there).
 *  - Quantile p: the smallest time with S(t) <= 1 - p. When S equals 1 - p
 *    (within QUANT_TOL, R's sqrt(.Machine$double.eps)) over a flat, the
 *    quantile is the midpoint of the flat: halfway between the time S
 *    reached 1 - p and the next time it drops, or the last observed time
 *    when it never drops again (the usual midpoint rule for medians; e.g.
 *    deaths at 1, 2, 3, 4: median 2.5).
 *  - Its interval applies the same rule to the bounds of S, as survfit
 *    does: lower end from the LOWER pointwise bound of S (it crosses 1 - p
 *    first), upper end from the UPPER bound. Times where S = 0 have no
 *    interval and are skipped (R: NA), so in small samples the upper end is
 *    often "not reached".
 */
#include "summary.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* qnorm(0.975): the 95 % two-sided normal quantile, as survfit uses. */
#define KM_Z 1.959963984540054
/* R's quantile.survfit tolerance, sqrt(.Machine$double.eps). */
#define QUANT_TOL 1.4901161193847656e-08
/* Printed lines stay within this many columns (items wrap). */
#define WRAP_COLS 96
/* Column of the values in a block (2 spaces + a 20-column label). */
#define VALUE_COL 22

const double nelm_landmarks[NELM_NLANDMARKS] = {12.0, 36.0, 60.0, 120.0};

/* ------------------------------------------------------------------------ */
/* Kaplan–Meier                                                               */

typedef struct km_obs {
    double t;
    uint8_t ev; /* 0 or 1 */
} km_obs;

/* By time; at equal times events (1) before censorings (0). */
static int
km_obs_cmp(const void *pa, const void *pb)
{
    const km_obs *a = pa, *b = pb;
    if (a->t < b->t)
        return -1;
    if (a->t > b->t)
        return 1;
    return (int)b->ev - (int)a->ev;
}

void
nelm_km_free(nelm_km *km)
{
    if (km == NULL)
        return;
    free(km->t);
    free(km->s);
    free(km->var_log);
    memset(km, 0, sizeof *km);
}

int
nelm_km_fit(nelm_km *km, const double *time, const uint8_t *event, size_t n, nelm_err *e)
{
    int ret = 0;
    km_obs *obs = NULL;
    memset(km, 0, sizeof *km);
    km->nobs = n;
    if (n == 0)
        return 0;
    nelm_bug_assert(time != NULL && event != NULL);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(time[i]) || time[i] < 0) {
            ret = NELM_FAIL(e, NELM_ERR_PARAM,
                            "Kaplan-Meier: time %zu is %g (expected finite and >= 0)", i, time[i]);
            goto out;
        }
    }
    if (n > SIZE_MAX / sizeof *obs) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "Kaplan-Meier: %zu observations are too many", n);
        goto out;
    }
    obs = malloc(n * sizeof *obs);
    if (obs == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "Kaplan-Meier: out of memory for %zu observations", n);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        obs[i].t = time[i];
        obs[i].ev = event[i] != 0;
    }
    qsort(obs, n, sizeof *obs, km_obs_cmp);

    size_t ndist = 1;
    for (size_t i = 1; i < n; i++)
        ndist += obs[i].t != obs[i - 1].t;
    km->t = malloc(ndist * sizeof *km->t);
    km->s = malloc(ndist * sizeof *km->s);
    km->var_log = malloc(ndist * sizeof *km->var_log);
    if (km->t == NULL || km->s == NULL || km->var_log == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "Kaplan-Meier: out of memory for %zu times", ndist);
        goto out;
    }

    double s = 1.0, v = 0.0;
    size_t at_risk = n, j = 0;
    for (size_t i = 0; i < n;) {
        double t = obs[i].t;
        size_t d = 0, c = 0;
        for (; i < n && obs[i].t == t; i++) {
            if (obs[i].ev)
                d++;
            else
                c++;
        }
        if (d > 0) {
            if (d == at_risk) {
                s = 0.0;
                v = INFINITY;
            } else {
                double r = (double)at_risk, dd = (double)d;
                s *= (r - dd) / r;
                v += dd / (r * (r - dd));
            }
        }
        km->t[j] = t;
        km->s[j] = s;
        km->var_log[j] = v;
        j++;
        at_risk -= d + c;
    }
    nelm_bug_assert(j == ndist && at_risk == 0);
    km->n = ndist;

out:
    free(obs);
    if (ret != 0) {
        nelm_km_free(km);
        km->nobs = 0;
    }
    return ret;
}

/* Index of the last distinct time <= t; km->n when t precedes them all. */
static size_t
km_index(const nelm_km *km, double t)
{
    if (km->n == 0 || !(t >= km->t[0]))
        return km->n;
    size_t lo = 0, hi = km->n; /* t[lo] <= t < t[hi] (t[n] = +inf) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (km->t[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

double
nelm_km_surv(const nelm_km *km, double t)
{
    if (isnan(t))
        return NAN;
    size_t j = km_index(km, t);
    return j == km->n ? 1.0 : km->s[j];
}

/* The log-interval of S given the Greenwood variance of log S. */
static void
log_interval(double s, double var_log, double *lo, double *hi)
{
    if (!(s > 0)) {
        *lo = *hi = 0.0;
        return;
    }
    double w = KM_Z * sqrt(var_log);
    *lo = s * exp(-w);
    *hi = fmin(s * exp(w), 1.0);
}

void
nelm_km_surv_ci(const nelm_km *km, double t, double *s, double *lo, double *hi)
{
    if (isnan(t)) {
        *s = *lo = *hi = NAN;
        return;
    }
    size_t j = km_index(km, t);
    if (j == km->n) {
        *s = *lo = *hi = 1.0;
        return;
    }
    *s = km->s[j];
    log_interval(km->s[j], km->var_log[j], lo, hi);
}

/* Which curve a quantile is read from. */
enum { CURVE_S, CURVE_LO, CURVE_HI };

/* Point k of a curve: k = 0 is (0, 1), k >= 1 is distinct time k - 1.
 * False where the curve is undefined (a bound where S = 0). */
static bool
curve_point(const nelm_km *km, int which, size_t k, double *t, double *v)
{
    if (k == 0) {
        *t = 0.0;
        *v = 1.0;
        return true;
    }
    double s = km->s[k - 1];
    *t = km->t[k - 1];
    if (which == CURVE_S) {
        *v = s;
        return true;
    }
    if (!(s > 0))
        return false;
    double lo, hi;
    log_interval(s, km->var_log[k - 1], &lo, &hi);
    *v = which == CURVE_LO ? lo : hi;
    return true;
}

/* The smallest time at which the curve falls to `level` (within QUANT_TOL),
 * with the midpoint rule on a flat at `level` (file comment); NaN when the
 * curve never gets there. */
static double
curve_quantile(const nelm_km *km, int which, double level)
{
    size_t m = km->n + 1, k = 0;
    double tk = 0, vk = 1;
    for (; k < m; k++) {
        if (!curve_point(km, which, k, &tk, &vk))
            return NAN;
        if (vk <= level + QUANT_TOL)
            break;
    }
    if (k == m)
        return NAN;
    if (vk <= level - QUANT_TOL)
        return tk; /* crossed by a drop */
    /* on a flat at level: up to the next drop below it, else the last time */
    for (size_t k2 = k + 1; k2 < m; k2++) {
        double t2, v2;
        if (!curve_point(km, which, k2, &t2, &v2))
            return NAN; /* curve ends undefined: R gives NA */
        if (v2 <= level - QUANT_TOL)
            return 0.5 * (tk + t2);
    }
    return 0.5 * (tk + km->t[km->n - 1]);
}

void
nelm_km_quantile(const nelm_km *km, double p, double *q, double *lo, double *hi)
{
    if (isnan(p)) {
        *q = *lo = *hi = NAN;
        return;
    }
    if (p <= 0) { /* survfit: the start time */
        *q = *lo = *hi = 0.0;
        return;
    }
    double level = 1.0 - p;
    *q = curve_quantile(km, CURVE_S, level);
    *lo = curve_quantile(km, CURVE_LO, level);
    *hi = curve_quantile(km, CURVE_HI, level);
}

double
nelm_km_rmst(const nelm_km *km, double tau)
{
    if (isnan(tau))
        return NAN;
    if (!(tau > 0))
        return 0.0;
    double area = 0.0, prev = 0.0, s = 1.0;
    for (size_t j = 0; j < km->n && km->t[j] < tau; j++) {
        area += s * (km->t[j] - prev);
        prev = km->t[j];
        s = km->s[j];
    }
    if (s > 0)
        area += s * (tau - prev); /* s = 0: nothing more, even for tau = inf */
    return area;
}

/* ------------------------------------------------------------------------ */
/* Accumulator                                                                */

int
nelm_summary_acc_init(nelm_summary_acc *a, size_t cap, nelm_err *e)
{
    memset(a, 0, sizeof *a);
    if (cap == 0)
        cap = 1;
    if (cap > SIZE_MAX / sizeof(double)) {
        return NELM_FAIL(e, NELM_ERR_NOMEM, "summary: %zu patients are too many", cap);
    }
    a->os = malloc(cap * sizeof *a->os);
    a->os_event = malloc(cap * sizeof *a->os_event);
    a->pfs1 = malloc(cap * sizeof *a->pfs1);
    a->pfs1_event = malloc(cap * sizeof *a->pfs1_event);
    if (a->os == NULL || a->os_event == NULL || a->pfs1 == NULL || a->pfs1_event == NULL) {
        nelm_summary_acc_free(a);
        return NELM_FAIL(e, NELM_ERR_NOMEM, "summary: out of memory for %zu patients", cap);
    }
    a->cap = cap;
    return 0;
}

void
nelm_summary_acc_free(nelm_summary_acc *a)
{
    if (a == NULL)
        return;
    free(a->os);
    free(a->os_event);
    free(a->pfs1);
    free(a->pfs1_event);
    memset(a, 0, sizeof *a);
}

/* Grow one column to ncap elements of size `size`; *col unchanged on failure. */
static bool
grow(void **col, size_t ncap, size_t size)
{
    void *p = realloc(*col, ncap * size);
    if (p == NULL)
        return false;
    *col = p;
    return true;
}

/* Double the capacity of every column (npfs1 <= n, so one capacity serves
 * all four). On failure the columns already grown stay valid, cap unchanged. */
static int
acc_grow(nelm_summary_acc *a, nelm_err *e)
{
    if (a->cap > SIZE_MAX / 2 / sizeof(double))
        return NELM_FAIL(e, NELM_ERR_NOMEM, "summary: more than %zu patients", a->cap);
    size_t ncap = a->cap * 2;
    void *os = a->os, *ose = a->os_event, *pfs = a->pfs1, *pfse = a->pfs1_event;
    bool ok = grow(&os, ncap, sizeof *a->os);
    a->os = os;
    ok = ok && grow(&ose, ncap, sizeof *a->os_event);
    a->os_event = ose;
    ok = ok && grow(&pfs, ncap, sizeof *a->pfs1);
    a->pfs1 = pfs;
    ok = ok && grow(&pfse, ncap, sizeof *a->pfs1_event);
    a->pfs1_event = pfse;
    if (!ok)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "summary: out of memory for %zu patients", ncap);
    a->cap = ncap;
    return 0;
}

int
nelm_summary_acc_add(nelm_summary_acc *a, const nelm_outcome *o, nelm_err *e)
{
    /* the engine's outcomes satisfy these; anything else is a bug upstream */
    nelm_bug_assert(o->cause < NELM_NCAUSES);
    nelm_bug_assert(o->nlines <= NELM_MAX_LINES);
    nelm_bug_assert(isfinite(o->os) && o->os >= 0);
    if (a->n == a->cap || a->cap == 0) {
        if (a->cap == 0) {
            int ret = nelm_summary_acc_init(a, 1, e);
            if (ret != 0)
                return ret;
        } else {
            int ret = acc_grow(a, e);
            if (ret != 0)
                return ret;
        }
    }
    a->os[a->n] = o->os;
    a->os_event[a->n] = o->cause != NELM_CAUSE_NONE;
    a->n++;
    if (o->nlines > 0) {
        nelm_bug_assert(isfinite(o->line[0].pfs) && o->line[0].pfs >= 0);
        a->pfs1[a->npfs1] = o->line[0].pfs;
        a->pfs1_event[a->npfs1] = o->line[0].pfs_event;
        a->npfs1++;
    }
    a->sum_os += o->os;
    a->sum_os2 += o->os * o->os;
    a->sum_lines += o->nlines;
    for (unsigned k = 0; k < NELM_NKINDS; k++)
        a->kind_count[k] += (o->kinds & (1u << k)) != 0;
    for (unsigned i = 0; i < NELM_MAX_INSTANCES; i++)
        a->instance_count[i] += (o->instances & (1u << i)) != 0;
    a->cause_count[o->cause]++;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Summary                                                                    */

/* Every estimate NaN, every share 0: the summary of no patients. */
static void
summary_empty(nelm_summary *s)
{
    memset(s, 0, sizeof *s);
    s->median_os = s->median_os_lo = s->median_os_hi = NAN;
    s->mean_os = s->mean_os_se = NAN;
    for (size_t i = 0; i < NELM_NLANDMARKS; i++)
        s->os_at[i] = s->os_at_lo[i] = s->os_at_hi[i] = NAN;
    s->median_pfs1 = s->median_pfs1_lo = s->median_pfs1_hi = NAN;
    s->mean_lines = NAN;
}

/* Fills s from a: KM median OS and PFS of line 1 with their intervals; OS at
 * the landmarks with pointwise intervals, NaN beyond the last observed time
 * unless S already reached 0 (the curve is not estimable there); the mean OS
 * (times censored at the horizon, so restricted to it) with its Monte Carlo
 * standard error sd / sqrt(n) (two-pass sample variance; 0 when n < 2);
 * shares as fractions of all n patients. n == 0: estimates NaN, shares 0. */
int
nelm_summary_compute(const nelm_summary_acc *a, nelm_summary *s, nelm_err *e)
{
    int ret = 0;
    nelm_km os, pfs;
    memset(&os, 0, sizeof os);
    memset(&pfs, 0, sizeof pfs);
    summary_empty(s);
    s->n = a->n;
    s->npfs1 = a->npfs1;
    if (a->n == 0)
        return 0;

    ret = nelm_km_fit(&os, a->os, a->os_event, a->n, e);
    if (ret != 0)
        goto out;
    ret = nelm_km_fit(&pfs, a->pfs1, a->pfs1_event, a->npfs1, e);
    if (ret != 0)
        goto out;

    nelm_km_quantile(&os, 0.5, &s->median_os, &s->median_os_lo, &s->median_os_hi);
    double t_last = os.t[os.n - 1], s_last = os.s[os.n - 1];
    for (size_t i = 0; i < NELM_NLANDMARKS; i++) {
        if (nelm_landmarks[i] > t_last && s_last > 0)
            continue; /* beyond follow-up: stays NaN */
        nelm_km_surv_ci(&os, nelm_landmarks[i], &s->os_at[i], &s->os_at_lo[i], &s->os_at_hi[i]);
    }
    nelm_km_quantile(&pfs, 0.5, &s->median_pfs1, &s->median_pfs1_lo, &s->median_pfs1_hi);

    double n = (double)a->n;
    s->mean_os = a->sum_os / n;
    if (a->n >= 2) {
        double ss = 0.0;
        for (size_t i = 0; i < a->n; i++) {
            double d = a->os[i] - s->mean_os;
            ss += d * d;
        }
        s->mean_os_se = sqrt(ss / (n - 1.0) / n);
    } else {
        s->mean_os_se = 0.0;
    }
    s->mean_lines = a->sum_lines / n;
    for (size_t k = 0; k < NELM_NKINDS; k++)
        s->kind_share[k] = (double)a->kind_count[k] / n;
    for (size_t i = 0; i < NELM_MAX_INSTANCES; i++)
        s->instance_share[i] = (double)a->instance_count[i] / n;
    for (size_t c = 0; c < NELM_NCAUSES; c++)
        s->cause_share[c] = (double)a->cause_count[c] / n;

out:
    nelm_km_free(&os);
    nelm_km_free(&pfs);
    return ret;
}

/* ------------------------------------------------------------------------ */
/* Printing                                                                   */

/* Local names so this file needs neither models/ nor engine.c. Must follow
 * the NELM_KIND_* and NELM_CAUSE_* orders. */
static const char *const kind_names[NELM_NKINDS] = {
    [NELM_KIND_RESECTION] = "resection",
    [NELM_KIND_TRANSPLANT] = "transplant",
    [NELM_KIND_IAT] = "iat",
    [NELM_KIND_PRRT] = "prrt",
    [NELM_KIND_SSA] = "ssa",
    [NELM_KIND_TARGETED] = "targeted",
    [NELM_KIND_OBSERVATION] = "observation",
};
static const char *const cause_names[NELM_NCAUSES] = {
    [NELM_CAUSE_NONE] = "alive at horizon", [NELM_CAUSE_DISEASE] = "disease",
    [NELM_CAUSE_TREATMENT] = "treatment",   [NELM_CAUSE_TOXICITY] = "toxicity",
    [NELM_CAUSE_BACKGROUND] = "background",
};

/* Terminal columns of UTF-8 text (code points; names are ASCII or Latin). */
static size_t
text_cols(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0u) != 0x80u;
    return n;
}

/* A line being filled with tokens, wrapped at WRAP_COLS to `indent`. */
typedef struct wrapper {
    FILE *out;
    size_t col;    /* current column */
    size_t indent; /* continuation lines start here */
    bool fresh;    /* nothing on this line after the indent yet */
} wrapper;

/* Print token after `sep` spaces, or on a new line when it would pass
 * WRAP_COLS (a token longer than a line goes on one of its own). */
static void
wrap_put(wrapper *w, const char *token, size_t sep)
{
    size_t len = text_cols(token);
    if (!w->fresh && w->col + sep + len > WRAP_COLS) {
        fprintf(w->out, "\n%*s", (int)w->indent, "");
        w->col = w->indent;
        w->fresh = true;
    }
    if (!w->fresh) {
        fprintf(w->out, "%*s", (int)sep, "");
        w->col += sep;
    }
    fputs(token, w->out);
    w->col += len;
    w->fresh = false;
}

/* Start a block line: two spaces and a label padded to VALUE_COL. */
static wrapper
line_start(FILE *out, const char *label)
{
    fprintf(out, "  %-*s", VALUE_COL - 2, label);
    return (wrapper){.out = out, .col = VALUE_COL, .indent = VALUE_COL, .fresh = true};
}

/* Append "name share" as one token. */
static void
put_share(wrapper *w, const char *name, double share)
{
    char item[NELM_NAME_MAX + 32];
    int len = snprintf(item, sizeof item, "%s %.3f", name, share);
    if (len < 0)
        return;
    wrap_put(w, item, 2); /* truncated at worst: names are < NELM_NAME_MAX */
}

/* x with `digits` decimals into buf, or `na` when x is NaN. */
static const char *
fmt_num(char *buf, size_t size, int digits, double x, const char *na)
{
    if (isnan(x))
        return na;
    int len = snprintf(buf, size, "%.*f", digits, x);
    if (len < 0 || (size_t)len >= size)
        return "?";
    return buf;
}

/* "strategy NAME — description", the description word-wrapped. */
static void
print_heading(FILE *out, const nelm_strategy *st)
{
    fprintf(out, "strategy %s", st->name);
    if (st->description[0] == '\0') {
        fputc('\n', out);
        return;
    }
    fputs(" \u2014", out);
    wrapper w = {.out = out, .col = 11 + text_cols(st->name), .indent = 4, .fresh = false};
    char words[sizeof st->description];
    memcpy(words, st->description, sizeof words);
    words[sizeof words - 1] = '\0';
    for (char *tok = strtok(words, " \t\n"); tok != NULL; tok = strtok(NULL, " \t\n"))
        wrap_put(&w, tok, 1);
    fputc('\n', out);
}

/* "1/3/5/10 y" from nelm_landmarks (months). */
static void
landmark_label(char *buf, size_t size)
{
    size_t at = 0;
    int len = snprintf(buf, size, "OS at ");
    if (len < 0 || (size_t)len >= size)
        goto fail;
    at = (size_t)len;
    for (size_t i = 0; i < NELM_NLANDMARKS; i++) {
        len = snprintf(buf + at, size - at, "%s%g", i ? "/" : "", nelm_landmarks[i] / 12.0);
        if (len < 0 || (size_t)len >= size - at)
            goto fail;
        at += (size_t)len;
    }
    len = snprintf(buf + at, size - at, " y");
    if (len < 0 || (size_t)len >= size - at)
        goto fail;
    return;
fail:
    snprintf(buf, size, "OS at landmarks");
}

static void
print_block(FILE *out, const nelm_params *p, const nelm_strategy *st, const nelm_summary *s)
{
    char a[32], b[32], c[32], label[48];
    print_heading(out, st);
    fprintf(out, "  %-*s%zu\n", VALUE_COL - 2, "patients", s->n);
    if (s->n == 0) {
        fprintf(out, "  no patients simulated\n");
        return;
    }

    line_start(out, "median OS");
    const char *lo = fmt_num(a, sizeof a, 1, s->median_os_lo, "NR");
    const char *hi = fmt_num(b, sizeof b, 1, s->median_os_hi, "NR");
    if (isnan(s->median_os))
        fprintf(out, "not reached (95%% MC interval %s\u2013%s)\n", lo, hi);
    else
        fprintf(out, "%.1f months (95%% MC interval %s\u2013%s)\n", s->median_os, lo, hi);

    line_start(out, "mean OS");
    fprintf(out, "%.1f \u00b1 %.2f months (MCSE; restricted to the horizon)\n", s->mean_os,
            s->mean_os_se);

    landmark_label(label, sizeof label);
    wrapper w = line_start(out, label);
    for (size_t i = 0; i < NELM_NLANDMARKS; i++)
        wrap_put(&w, fmt_num(a, sizeof a, 3, s->os_at[i], "NA"), 2);
    fputc('\n', out);

    line_start(out, "median PFS, line 1");
    if (s->npfs1 == 0) {
        fprintf(out, "no patient started a line\n");
    } else {
        lo = fmt_num(a, sizeof a, 1, s->median_pfs1_lo, "NR");
        hi = fmt_num(b, sizeof b, 1, s->median_pfs1_hi, "NR");
        const char *med = fmt_num(c, sizeof c, 1, s->median_pfs1, "not reached");
        fprintf(out, "%s%s (%s\u2013%s), n = %zu\n", med, isnan(s->median_pfs1) ? "" : " months",
                lo, hi, s->npfs1);
    }

    line_start(out, "mean lines");
    fprintf(out, "%.2f\n", s->mean_lines);

    w = line_start(out, "received");
    for (size_t k = 0; k < NELM_NKINDS; k++)
        put_share(&w, kind_names[k], s->kind_share[k]);
    fputc('\n', out);

    w = line_start(out, "instances");
    size_t nm = p->nmodalities < NELM_MAX_INSTANCES ? p->nmodalities : NELM_MAX_INSTANCES;
    bool any = false;
    for (size_t i = 0; i < nm; i++) {
        if (s->instance_share[i] > 0) {
            put_share(&w, p->modalities[i].name, s->instance_share[i]);
            any = true;
        }
    }
    if (!any)
        wrap_put(&w, "none", 2);
    fputc('\n', out);

    w = line_start(out, "causes of death");
    for (size_t k = 1; k <= NELM_NCAUSES; k++) /* deaths first, the living last */
        put_share(&w, cause_names[k % NELM_NCAUSES], s->cause_share[k % NELM_NCAUSES]);
    fputc('\n', out);
}

void
nelm_summary_print(FILE *out, const nelm_params *p, const size_t *strategies, const nelm_summary *s,
                   size_t n)
{
    for (size_t i = 0; i < n; i++) {
        nelm_bug_assert(strategies[i] < p->nstrategies && strategies[i] < NELM_MAX_STRATEGIES);
        if (i > 0)
            fputc('\n', out);
        print_block(out, p, &p->strategies[strategies[i]], &s[i]);
    }
}
