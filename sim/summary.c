/* summary.c — per-strategy summaries of simulated outcomes (DESIGN §8):
 * Kaplan–Meier estimates with Greenwood variances, survfit-style quantiles
 * with their intervals, restricted means, the per-strategy accumulator (OS,
 * PFS of every line started), paired differences against a reference
 * strategy, the monthly KM grid, the printed table and its CSV.
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
#include "alloc.h"
#include "econ_sum.h"
#include "summary.h"

#include <math.h>
#include <stdarg.h>
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

/* Sort by time, events (1) before censorings (0) at equal times: a stable
 * LSD radix sort, first on the event flag, then on the 8 bytes of the time's
 * bit pattern (times are finite and >= 0, stored with -0 made +0, so the
 * patterns order as the values). O(n), unlike qsort's comparisons that
 * dominated the summaries of large runs. */
static int
km_sort(km_obs *obs, size_t n)
{
    km_obs *tmp = nelm_malloc(n * sizeof *tmp);
    if (tmp == NULL)
        return -1;
    km_obs *src = obs, *dst = tmp;
    size_t ne = 0;
    for (size_t i = 0; i < n; i++)
        ne += src[i].ev;
    size_t pe = 0, pc = ne;
    for (size_t i = 0; i < n; i++)
        dst[src[i].ev ? pe++ : pc++] = src[i];
    km_obs *sw = src;
    src = dst;
    dst = sw;
    for (unsigned byte = 0; byte < 8; byte++) {
        size_t count[256] = {0};
        unsigned shift = 8 * byte;
        for (size_t i = 0; i < n; i++) {
            uint64_t b;
            memcpy(&b, &src[i].t, sizeof b);
            count[(b >> shift) & 255u]++;
        }
        bool one = false;
        for (size_t k = 0; k < 256; k++)
            one = one || count[k] == n;
        if (one)
            continue; /* every key has this byte: the order stands */
        size_t pos = 0;
        for (size_t k = 0; k < 256; k++) {
            size_t c = count[k];
            count[k] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t b;
            memcpy(&b, &src[i].t, sizeof b);
            dst[count[(b >> shift) & 255u]++] = src[i];
        }
        sw = src;
        src = dst;
        dst = sw;
    }
    if (src != obs)
        memcpy(obs, src, n * sizeof *obs);
    free(tmp);
    return 0;
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
    obs = nelm_malloc(n * sizeof *obs);
    if (obs == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "Kaplan-Meier: out of memory for %zu observations", n);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        obs[i].t = time[i] + 0.0; /* -0 becomes +0 */
        obs[i].ev = event[i] != 0;
    }
    if (km_sort(obs, n) != 0) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "Kaplan-Meier: out of memory for %zu observations", n);
        goto out;
    }

    size_t ndist = 1;
    for (size_t i = 1; i < n; i++)
        ndist += obs[i].t != obs[i - 1].t;
    km->t = nelm_malloc(ndist * sizeof *km->t);
    km->s = nelm_malloc(ndist * sizeof *km->s);
    km->var_log = nelm_malloc(ndist * sizeof *km->var_log);
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
    a->os = nelm_malloc(cap * sizeof *a->os);
    a->os_event = nelm_malloc(cap * sizeof *a->os_event);
    a->pfs1 = nelm_malloc(cap * sizeof *a->pfs1);
    a->pfs1_event = nelm_malloc(cap * sizeof *a->pfs1_event);
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
    for (size_t k = 0; k < NELM_MAX_LINES; k++) {
        free(a->pfs_line[k]);
        free(a->pfs_line_event[k]);
    }
    for (size_t q = 0; q < NELM_ECON_NACC; q++)
        free(a->econ[q]);
    memset(a, 0, sizeof *a);
}

/* Grow one column to ncap elements of size `size`; *col unchanged on failure. */
static bool
grow(void **col, size_t ncap, size_t size)
{
    void *p = nelm_realloc(*col, ncap * size);
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

/* Room for one more PFS time of line k: the line's own columns start at
 * LINE_CAP0 and double. On failure both columns stay valid, cap unchanged. */
#define LINE_CAP0 16
static int
line_reserve(nelm_summary_acc *a, size_t k, nelm_err *e)
{
    if (a->npfs_line[k] < a->cap_line[k])
        return 0;
    if (a->cap_line[k] > SIZE_MAX / 2 / sizeof(double))
        return NELM_FAIL(e, NELM_ERR_NOMEM, "summary: more than %zu patients on line %zu",
                         a->cap_line[k], k + 1);
    size_t ncap = a->cap_line[k] == 0 ? LINE_CAP0 : 2 * a->cap_line[k];
    void *t = a->pfs_line[k], *ev = a->pfs_line_event[k];
    bool ok = grow(&t, ncap, sizeof *a->pfs_line[k]);
    a->pfs_line[k] = t;
    ok = ok && grow(&ev, ncap, sizeof *a->pfs_line_event[k]);
    a->pfs_line_event[k] = ev;
    if (!ok)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "summary: out of memory for %zu patients on line %zu",
                         ncap, k + 1);
    a->cap_line[k] = ncap;
    return 0;
}

/* Room for `more` patients (one capacity serves os and pfs1). */
static int
acc_reserve(nelm_summary_acc *a, size_t more, nelm_err *e)
{
    if (a->cap == 0) {
        int ret = nelm_summary_acc_init(a, more ? more : 1, e);
        if (ret != 0)
            return ret;
    }
    while (a->cap - a->n < more) {
        int ret = acc_grow(a, e);
        if (ret != 0)
            return ret;
    }
    return 0;
}

/* Room for `need` patients' economics (the columns double from
 * LINE_CAP0). On failure the columns stay valid, cap_econ unchanged. */
static int
econ_reserve(nelm_summary_acc *a, size_t need, nelm_err *e)
{
    if (need <= a->cap_econ)
        return 0;
    size_t ncap = a->cap_econ ? a->cap_econ : LINE_CAP0;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / sizeof(double))
            return NELM_FAIL(e, NELM_ERR_NOMEM, "summary: economics of %zu patients", need);
        ncap *= 2;
    }
    for (size_t q = 0; q < NELM_ECON_NACC; q++) {
        void *c = a->econ[q];
        bool ok = grow(&c, ncap, sizeof *a->econ[q]);
        a->econ[q] = c;
        if (!ok)
            return NELM_FAIL(e, NELM_ERR_NOMEM,
                             "summary: out of memory for the economics of "
                             "%zu patients",
                             ncap);
    }
    a->cap_econ = ncap;
    return 0;
}

int
nelm_summary_acc_reserve_econ(nelm_summary_acc *a, size_t n, nelm_err *e)
{
    if (n <= a->cap_econ)
        return 0;
    for (size_t q = 0; q < NELM_ECON_NACC; q++) {
        void *c = a->econ[q];
        bool ok = grow(&c, n, sizeof *a->econ[q]);
        a->econ[q] = c;
        if (!ok)
            return NELM_FAIL(e, NELM_ERR_NOMEM,
                             "summary: out of memory for the economics of %zu patients", n);
    }
    a->cap_econ = n;
    return 0;
}

int
nelm_summary_acc_add_econ(nelm_summary_acc *a, const double v[NELM_ECON_NACC], nelm_err *e)
{
    nelm_bug_assert(a->necon + 1 == a->n); /* the patient just added */
    if (a->necon == a->cap_econ) {
        int ret = econ_reserve(a, a->necon + 1, e);
        if (ret != 0)
            return ret;
    }
    for (size_t q = 0; q < NELM_ECON_NACC; q++) {
        nelm_bug_assert(isfinite(v[q]));
        a->econ[q][a->necon] = v[q];
    }
    a->necon++;
    return 0;
}

void
nelm_summary_acc_reset(nelm_summary_acc *a)
{
    a->n = 0;
    a->npfs1 = 0;
    a->necon = 0;
    for (size_t k = 0; k < NELM_MAX_LINES; k++)
        a->npfs_line[k] = 0;
    a->sum_os = a->sum_os2 = a->sum_lines = 0;
    memset(a->kind_count, 0, sizeof a->kind_count);
    memset(a->instance_count, 0, sizeof a->instance_count);
    memset(a->cause_count, 0, sizeof a->cause_count);
}

int
nelm_summary_acc_append(nelm_summary_acc *a, const nelm_summary_acc *b, nelm_err *e)
{
    int ret = acc_reserve(a, b->n, e);
    for (size_t k = 0; ret == 0 && k < NELM_MAX_LINES; k++)
        while (ret == 0 && a->cap_line[k] - a->npfs_line[k] < b->npfs_line[k]) {
            size_t keep = a->npfs_line[k];
            a->npfs_line[k] = a->cap_line[k]; /* line_reserve grows when full */
            ret = line_reserve(a, k, e);
            a->npfs_line[k] = keep;
        }
    if (ret == 0 && b->necon > 0) {
        /* economics for every patient or for none */
        nelm_bug_assert(b->necon == b->n && a->necon == a->n);
        ret = econ_reserve(a, a->necon + b->necon, e);
    }
    if (ret != 0)
        return ret;
    for (size_t q = 0; q < NELM_ECON_NACC && b->necon > 0; q++)
        memcpy(a->econ[q] + a->necon, b->econ[q], b->necon * sizeof *a->econ[q]);
    a->necon += b->necon;
    if (b->n) {
        memcpy(a->os + a->n, b->os, b->n * sizeof *a->os);
        memcpy(a->os_event + a->n, b->os_event, b->n * sizeof *a->os_event);
    }
    if (b->npfs1) {
        memcpy(a->pfs1 + a->npfs1, b->pfs1, b->npfs1 * sizeof *a->pfs1);
        memcpy(a->pfs1_event + a->npfs1, b->pfs1_event, b->npfs1 * sizeof *a->pfs1_event);
    }
    for (size_t k = 0; k < NELM_MAX_LINES; k++)
        if (b->npfs_line[k]) {
            memcpy(a->pfs_line[k] + a->npfs_line[k], b->pfs_line[k],
                   b->npfs_line[k] * sizeof *a->pfs_line[k]);
            memcpy(a->pfs_line_event[k] + a->npfs_line[k], b->pfs_line_event[k],
                   b->npfs_line[k] * sizeof *a->pfs_line_event[k]);
            a->npfs_line[k] += b->npfs_line[k];
        }
    /* the sums as if each patient had been added here, in order */
    for (size_t i = 0; i < b->n; i++) {
        a->sum_os += b->os[i];
        a->sum_os2 += b->os[i] * b->os[i];
    }
    a->n += b->n;
    a->npfs1 += b->npfs1;
    a->sum_lines += b->sum_lines;
    for (size_t k = 0; k < NELM_NKINDS; k++)
        a->kind_count[k] += b->kind_count[k];
    for (size_t k = 0; k < NELM_MAX_INSTANCES; k++)
        a->instance_count[k] += b->instance_count[k];
    for (size_t k = 0; k < NELM_NCAUSES; k++)
        a->cause_count[k] += b->cause_count[k];
    return 0;
}

/* ---- packed accumulators: counts, then columns, native byte order ---- */

enum { PACK_NCOUNTS = 3 + NELM_MAX_LINES + NELM_NKINDS + NELM_MAX_INSTANCES + NELM_NCAUSES };

size_t
nelm_summary_acc_packed_size(const nelm_summary_acc *a)
{
    size_t n = PACK_NCOUNTS * 8 + 8 + a->n * 9 + a->npfs1 * 9;
    for (size_t k = 0; k < NELM_MAX_LINES; k++)
        n += a->npfs_line[k] * 9;
    return n + a->necon * 8 * NELM_ECON_NACC;
}

static unsigned char *
put(unsigned char *p, const void *v, size_t n)
{
    if (n)
        memcpy(p, v, n);
    return p + n;
}

size_t
nelm_summary_acc_pack(const nelm_summary_acc *a, unsigned char *out)
{
    uint64_t c[PACK_NCOUNTS];
    size_t q = 0;
    c[q++] = a->n;
    c[q++] = a->npfs1;
    c[q++] = a->necon;
    for (size_t k = 0; k < NELM_MAX_LINES; k++)
        c[q++] = a->npfs_line[k];
    for (size_t k = 0; k < NELM_NKINDS; k++)
        c[q++] = a->kind_count[k];
    for (size_t k = 0; k < NELM_MAX_INSTANCES; k++)
        c[q++] = a->instance_count[k];
    for (size_t k = 0; k < NELM_NCAUSES; k++)
        c[q++] = a->cause_count[k];
    unsigned char *p = put(out, c, sizeof c);
    p = put(p, &a->sum_lines, 8);
    p = put(p, a->os, a->n * 8);
    p = put(p, a->os_event, a->n);
    p = put(p, a->pfs1, a->npfs1 * 8);
    p = put(p, a->pfs1_event, a->npfs1);
    for (size_t k = 0; k < NELM_MAX_LINES; k++) {
        p = put(p, a->pfs_line[k], a->npfs_line[k] * 8);
        p = put(p, a->pfs_line_event[k], a->npfs_line[k]);
    }
    for (size_t k = 0; k < NELM_ECON_NACC; k++)
        p = put(p, a->econ[k], a->necon * 8);
    return (size_t)(p - out);
}

int
nelm_summary_acc_append_packed(nelm_summary_acc *a, const unsigned char *in, size_t avail,
                               size_t *used, nelm_err *e)
{
    uint64_t c[PACK_NCOUNTS];
    *used = 0;
    if (avail < sizeof c + 8)
        return NELM_FAIL(e, NELM_ERR_IO, "summary: truncated packed outcomes");
    memcpy(c, in, sizeof c);
    nelm_summary_acc b;
    memset(&b, 0, sizeof b);
    size_t q = 0;
    b.n = (size_t)c[q++];
    b.npfs1 = (size_t)c[q++];
    b.necon = (size_t)c[q++];
    size_t need = sizeof c + 8;
    bool ok = b.n <= avail && b.npfs1 <= b.n && (b.necon == 0 || b.necon == b.n);
    need += ok ? b.n * 9 + b.npfs1 * 9 + b.necon * 8 * NELM_ECON_NACC : 0;
    for (size_t k = 0; k < NELM_MAX_LINES; k++) {
        b.npfs_line[k] = (size_t)c[q++];
        ok = ok && b.npfs_line[k] <= b.n;
        need += ok ? b.npfs_line[k] * 9 : 0;
    }
    if (!ok || need > avail)
        return NELM_FAIL(e, NELM_ERR_IO, "summary: truncated packed outcomes");
    for (size_t k = 0; k < NELM_NKINDS; k++)
        b.kind_count[k] = (size_t)c[q++];
    for (size_t k = 0; k < NELM_MAX_INSTANCES; k++)
        b.instance_count[k] = (size_t)c[q++];
    for (size_t k = 0; k < NELM_NCAUSES; k++)
        b.cause_count[k] = (size_t)c[q++];
    const unsigned char *p = in + sizeof c;
    memcpy(&b.sum_lines, p, 8);
    p += 8;
    /* columns copied out (the bytes need not be aligned for doubles) */
    int ret = 0;
    b.cap = b.n;
    b.os = malloc(b.n * 8 + 1);
    b.os_event = malloc(b.n + 1);
    b.pfs1 = malloc(b.npfs1 * 8 + 1);
    b.pfs1_event = malloc(b.npfs1 + 1);
    ok = b.os && b.os_event && b.pfs1 && b.pfs1_event;
    for (size_t k = 0; ok && k < NELM_MAX_LINES; k++) {
        b.cap_line[k] = b.npfs_line[k];
        b.pfs_line[k] = malloc(b.npfs_line[k] * 8 + 1);
        b.pfs_line_event[k] = malloc(b.npfs_line[k] + 1);
        ok = b.pfs_line[k] && b.pfs_line_event[k];
    }
    b.cap_econ = b.necon;
    for (size_t k = 0; ok && k < NELM_ECON_NACC; k++) {
        b.econ[k] = malloc(b.necon * 8 + 1);
        ok = b.econ[k] != NULL;
    }
    if (!ok) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "summary: out of memory for %zu patients", b.n);
        goto out;
    }
#define TAKE(dst, nbytes)                                                                          \
    do {                                                                                           \
        if ((nbytes) > 0)                                                                          \
            memcpy((dst), p, (nbytes));                                                            \
        p += (nbytes);                                                                             \
    } while (0)
    TAKE(b.os, b.n * 8);
    TAKE(b.os_event, b.n);
    TAKE(b.pfs1, b.npfs1 * 8);
    TAKE(b.pfs1_event, b.npfs1);
    for (size_t k = 0; k < NELM_MAX_LINES; k++) {
        TAKE(b.pfs_line[k], b.npfs_line[k] * 8);
        TAKE(b.pfs_line_event[k], b.npfs_line[k]);
    }
    for (size_t k = 0; k < NELM_ECON_NACC; k++)
        TAKE(b.econ[k], b.necon * 8);
#undef TAKE
    ret = nelm_summary_acc_append(a, &b, e);
    *used = (size_t)(p - in);
out:
    nelm_summary_acc_free(&b);
    return ret;
}

/* Index of the lowest set bit of b (b != 0; GCC and Clang builtin). */
static inline unsigned
bit_index(uint32_t b)
{
    return (unsigned)__builtin_ctz(b);
}

/* Every column is grown before anything is written, so a failed add leaves
 * the accumulator as it was (only capacities may have grown). */
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
    size_t nl = o->nlines;
    for (size_t k = 0; k < nl; k++) {
        nelm_bug_assert(isfinite(o->line[k].pfs) && o->line[k].pfs >= 0);
        if (a->npfs_line[k] == a->cap_line[k]) { /* line_reserve's fast path inline */
            int ret = line_reserve(a, k, e);
            if (ret != 0)
                return ret;
        }
    }
    a->os[a->n] = o->os;
    a->os_event[a->n] = o->cause != NELM_CAUSE_NONE;
    a->n++;
    if (nl > 0) {
        a->pfs1[a->npfs1] = o->line[0].pfs;
        a->pfs1_event[a->npfs1] = o->line[0].pfs_event;
        a->npfs1++;
    }
    for (size_t k = 0; k < nl; k++) {
        size_t j = a->npfs_line[k]++;
        a->pfs_line[k][j] = o->line[k].pfs;
        a->pfs_line_event[k][j] = o->line[k].pfs_event;
    }
    a->sum_os += o->os;
    a->sum_os2 += o->os * o->os;
    a->sum_lines += o->nlines;
    /* only the set bits: a kind or instance index per bit, lowest first */
    for (uint32_t b = o->kinds & ((1u << NELM_NKINDS) - 1); b != 0; b &= b - 1)
        a->kind_count[bit_index(b)]++;
    for (uint32_t b = o->instances & ((1u << NELM_MAX_INSTANCES) - 1); b != 0; b &= b - 1)
        a->instance_count[bit_index(b)]++;
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
    s->tau = s->rmst = s->rmst_se = NAN;
    for (size_t k = 0; k < NELM_MAX_LINES; k++)
        s->pfs_median[k] = s->pfs_lo[k] = s->pfs_hi[k] = NAN;
    s->diff_mean_os = s->diff_mean_os_se = s->diff_rmst = s->diff_rmst_se = NAN;
    for (size_t q = 0; q < NELM_ECON_NQ; q++)
        s->econ_mean[q] = s->econ_se[q] = s->econ_diff[q] = s->econ_diff_se[q] = NAN;
    s->econ_inc_cost = s->econ_inc_cost_se = s->econ_inc_qaly = s->econ_inc_qaly_se = NAN;
    s->econ_icer = NAN;
    for (size_t j = 0; j < NELM_ECON_MAX_WTP; j++)
        s->econ_nmb[j] = s->econ_nmb_se[j] = NAN;
}

/* x_i = min(u_i, cap) - min(v_i, cap) (v NULL: 0) for i < n: the mean and
 * its standard error sd / sqrt(n) by the corrected two-pass algorithm
 * (Chan, Golub & LeVeque 1983: sum (x - m)^2 - (sum (x - m))^2 / n, which
 * removes the rounding error of m to first order). n == 0: NaN, NaN;
 * n == 1: x_0, 0. cap = +inf: no cap. */
static void
mean_se(const double *u, const double *v, size_t n, double cap, double *mean, double *se)
{
    if (n == 0) {
        *mean = *se = NAN;
        return;
    }
    /* without a cap, the values themselves (fmin(x, inf) is x: the same
     * sums, without a call per value) */
    bool capped = cap < INFINITY;
#define MEAN_SE_X(i)                                                                               \
    ((capped ? fmin(u[i], cap) : u[i]) - (v != NULL ? (capped ? fmin(v[i], cap) : v[i]) : 0.0))
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += MEAN_SE_X(i);
    double dn = (double)n, m = sum / dn;
    *mean = m;
    if (n < 2) {
        *se = 0.0;
        return;
    }
    double ss = 0.0, c = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = MEAN_SE_X(i) - m;
        ss += d * d;
        c += d;
    }
#undef MEAN_SE_X
    double var = (ss - c * c / dn) / (dn - 1.0);
    *se = var > 0 ? sqrt(var / dn) : 0.0;
}

static bool
tau_ok(double tau)
{
    return isfinite(tau) && tau > 0;
}

/* Fills s from a: KM median OS and PFS of every line started with their
 * intervals; OS at the landmarks with pointwise intervals, NaN beyond the
 * last observed time unless S already reached 0 (the curve is not estimable
 * there); the mean OS (times censored at the horizon, so restricted to it)
 * and the mean of min(OS, tau) with Monte Carlo standard errors sd / sqrt(n)
 * (two-pass sample variance; 0 when n < 2); shares as fractions of all n
 * patients. n == 0: estimates NaN, shares 0. Paired differences NaN. */
int
nelm_summary_compute(const nelm_summary_acc *a, double tau, nelm_summary *s, nelm_err *e)
{
    int ret = 0;
    nelm_km os, pfs;
    memset(&os, 0, sizeof os);
    memset(&pfs, 0, sizeof pfs);
    summary_empty(s);
    if (!tau_ok(tau))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "summary: restricted mean time %g (expected finite and > 0 months)", tau);
    s->tau = tau;
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
    nelm_km_free(&pfs);

    /* PFS by line: whoever starts line k + 1 started line k, so the lines
     * with patients are 0 .. nlines_pfs - 1 */
    for (size_t k = 0; k < NELM_MAX_LINES && a->npfs_line[k] > 0; k++) {
        nelm_bug_assert(k == 0 || a->npfs_line[k] <= a->npfs_line[k - 1]);
        ret = nelm_km_fit(&pfs, a->pfs_line[k], a->pfs_line_event[k], a->npfs_line[k], e);
        if (ret != 0)
            goto out;
        nelm_km_quantile(&pfs, 0.5, &s->pfs_median[k], &s->pfs_lo[k], &s->pfs_hi[k]);
        nelm_km_free(&pfs);
        s->pfs_n[k] = a->npfs_line[k];
        s->nlines_pfs = k + 1;
    }

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
    mean_se(a->os, NULL, a->n, tau, &s->rmst, &s->rmst_se);
    s->mean_lines = a->sum_lines / n;
    for (size_t k = 0; k < NELM_NKINDS; k++)
        s->kind_share[k] = (double)a->kind_count[k] / n;
    for (size_t i = 0; i < NELM_MAX_INSTANCES; i++)
        s->instance_share[i] = (double)a->instance_count[i] / n;
    for (size_t c = 0; c < NELM_NCAUSES; c++)
        s->cause_share[c] = (double)a->cause_count[c] / n;
    if (a->necon == a->n) { /* economics: means with their MCSE */
        s->econ = true;
        for (size_t q = 0; q < NELM_ECON_NACC; q++)
            mean_se(a->econ[q], NULL, a->n, INFINITY, &s->econ_mean[q], &s->econ_se[q]);
        double m, se;
        mean_se(a->os, NULL, a->n, INFINITY, &m, &se);
        s->econ_mean[NELM_ECON_LY_U] = m / 12.0;
        s->econ_se[NELM_ECON_LY_U] = se / 12.0;
    }

out:
    nelm_km_free(&os);
    nelm_km_free(&pfs);
    return ret;
}

/* Common random numbers make patient i the same person under a and ref, so
 * the differences are paired: their SE is that of the mean of d_i. */
int
nelm_summary_paired(const nelm_summary_acc *a, const nelm_summary_acc *ref, nelm_summary *s,
                    nelm_err *e)
{
    s->diff_mean_os = s->diff_mean_os_se = s->diff_rmst = s->diff_rmst_se = NAN;
    if (a->n != ref->n)
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "summary: paired differences need the same patients, but the strategy "
                         "has %zu and the reference %zu",
                         a->n, ref->n);
    if (!tau_ok(s->tau))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "summary: restricted mean time %g (expected finite and > 0 months; "
                         "compute the summary first)",
                         s->tau);
    mean_se(a->os, ref->os, a->n, INFINITY, &s->diff_mean_os, &s->diff_mean_os_se);
    mean_se(a->os, ref->os, a->n, s->tau, &s->diff_rmst, &s->diff_rmst_se);
    if (a->n > 0 && a->necon == a->n && ref->necon == ref->n) {
        for (size_t q = 0; q < NELM_ECON_NACC; q++)
            mean_se(a->econ[q], ref->econ[q], a->n, INFINITY, &s->econ_diff[q],
                    &s->econ_diff_se[q]);
        s->econ_diff[NELM_ECON_LY_U] = s->diff_mean_os / 12.0;
        s->econ_diff_se[NELM_ECON_LY_U] = s->diff_mean_os_se / 12.0;
    }
    return 0;
}

int
nelm_summary_km_grid(const nelm_summary_acc *a, size_t nmonths, double *surv, double *lo,
                     double *hi, nelm_err *e)
{
    if (nmonths == 0)
        return 0;
    nelm_bug_assert(surv != NULL && lo != NULL && hi != NULL);
    if (a->n == 0) { /* no patients: no curve */
        for (size_t t = 0; t < nmonths; t++)
            surv[t] = lo[t] = hi[t] = NAN;
        return 0;
    }
    nelm_km km;
    int ret = nelm_km_fit(&km, a->os, a->os_event, a->n, e);
    if (ret != 0)
        return ret;
    for (size_t t = 0; t < nmonths; t++)
        nelm_km_surv_ci(&km, (double)t, &surv[t], &lo[t], &hi[t]);
    nelm_km_free(&km);
    return 0;
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

/* x with an explicit sign, as fmt_num. */
static const char *
fmt_signed(char *buf, size_t size, int digits, double x, const char *na)
{
    if (isnan(x))
        return na;
    int len = snprintf(buf, size, "%+.*f", digits, x);
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

/* "RMST to 120 mo" from tau. */
static void
rmst_label(char *buf, size_t size, double tau)
{
    int len = snprintf(buf, size, "RMST to %g mo", tau);
    if (len < 0 || (size_t)len >= size)
        snprintf(buf, size, "RMST");
}

/* "1: 25.5 (25.3–25.7) n 92541; 2: ..." for each line started. */
static void
print_pfs_lines(FILE *out, const nelm_summary *s)
{
    wrapper w = line_start(out, "PFS by line");
    if (s->nlines_pfs == 0) {
        wrap_put(&w, "no patient started a line", 0);
        fputc('\n', out);
        return;
    }
    for (size_t k = 0; k < s->nlines_pfs; k++) {
        char m[32], l[32], h[32], item[160];
        int len = snprintf(item, sizeof item, "%zu: %s (%s\u2013%s) n %zu%s", k + 1,
                           fmt_num(m, sizeof m, 1, s->pfs_median[k], "NR"),
                           fmt_num(l, sizeof l, 1, s->pfs_lo[k], "NR"),
                           fmt_num(h, sizeof h, 1, s->pfs_hi[k], "NR"), s->pfs_n[k],
                           k + 1 < s->nlines_pfs ? ";" : "");
        if (len < 0)
            continue;
        wrap_put(&w, item, 1); /* truncated at worst: the numbers are short */
    }
    fputc('\n', out);
}

/* "vs REF  mean OS +1.2 ± 0.34, RMST +1.0 ± 0.30 months (paired SE)", or
 * that this is the reference. A name too long for the label column puts the
 * values on the next line. */
static void
print_paired(FILE *out, const nelm_strategy *ref, const nelm_summary *s, bool is_ref)
{
    if (is_ref) {
        line_start(out, "paired differences");
        fputs("this is the reference strategy\n", out);
        return;
    }
    char label[NELM_NAME_MAX + 8];
    snprintf(label, sizeof label, "vs %s", ref->name);
    wrapper w;
    if (text_cols(label) < VALUE_COL - 2) {
        w = line_start(out, label);
    } else {
        fprintf(out, "  %s\n%*s", label, VALUE_COL, "");
        w = (wrapper){.out = out, .col = VALUE_COL, .indent = VALUE_COL, .fresh = true};
    }
    if (isnan(s->diff_mean_os) && isnan(s->diff_rmst)) {
        wrap_put(&w, "paired differences not computed", 0);
        fputc('\n', out);
        return;
    }
    char item[160], a[32], b[32], rl[48];
    snprintf(item, sizeof item, "mean OS %s \u00b1 %s,",
             fmt_signed(a, sizeof a, 1, s->diff_mean_os, "NA"),
             fmt_num(b, sizeof b, 2, s->diff_mean_os_se, "NA"));
    wrap_put(&w, item, 0);
    rmst_label(rl, sizeof rl, s->tau);
    snprintf(item, sizeof item, "%s %s \u00b1 %s", rl,
             fmt_signed(a, sizeof a, 1, s->diff_rmst, "NA"),
             fmt_num(b, sizeof b, 2, s->diff_rmst_se, "NA"));
    wrap_put(&w, item, 1);
    wrap_put(&w, "months (paired SE)", 1);
    fputc('\n', out);
}

static void
print_block(FILE *out, const nelm_params *p, const nelm_strategy *st, const nelm_summary *s,
            const nelm_strategy *ref, bool is_ref)
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

    rmst_label(label, sizeof label, s->tau);
    line_start(out, label);
    fprintf(out, "%.1f \u00b1 %.2f months (MCSE)\n", s->rmst, s->rmst_se);

    print_paired(out, ref, s, is_ref);

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

    print_pfs_lines(out, s);

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

/* The strategy strategies[i], checked. */
static const nelm_strategy *
strategy_at(const nelm_params *p, const size_t *strategies, size_t i)
{
    nelm_bug_assert(strategies[i] < p->nstrategies && strategies[i] < NELM_MAX_STRATEGIES);
    return &p->strategies[strategies[i]];
}

void
nelm_summary_print(FILE *out, const nelm_params *p, const size_t *strategies, const nelm_summary *s,
                   size_t n, size_t reference)
{
    if (n == 0)
        return;
    nelm_bug_assert(reference < n);
    const nelm_strategy *ref = strategy_at(p, strategies, reference);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            fputc('\n', out);
        print_block(out, p, strategy_at(p, strategies, i), &s[i], ref, i == reference);
    }
    if (s[0].econ)
        nelm_econ_print(out, p, strategies, s, n, reference);
}

/* ------------------------------------------------------------------------ */
/* CSV                                                                        */

/* A row being written: fields separated by commas, quoted as RFC 4180 asks
 * when they hold a comma, a quote or a line break; `bad` remembers a failed
 * write (checked once at the end, with ferror). */
typedef struct csv {
    FILE *out;
    bool first; /* no field on this row yet */
    bool bad;
} csv;

static void
csv_text(csv *c, const char *text)
{
    if (!c->first && fputc(',', c->out) == EOF)
        c->bad = true;
    c->first = false;
    if (strpbrk(text, ",\"\r\n") == NULL) {
        if (fputs(text, c->out) == EOF)
            c->bad = true;
        return;
    }
    if (fputc('"', c->out) == EOF)
        c->bad = true;
    for (const char *ch = text; *ch; ch++) {
        if ((*ch == '"' && fputc('"', c->out) == EOF) || fputc(*ch, c->out) == EOF)
            c->bad = true;
    }
    if (fputc('"', c->out) == EOF)
        c->bad = true;
}

/* A column name "prefix" followed by a printf-formatted suffix. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
csv_textf(csv *c, const char *fmt, ...)
{
    char buf[NELM_NAME_MAX + 64];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    nelm_bug_assert(len >= 0 && (size_t)len < sizeof buf); /* names are < NELM_NAME_MAX */
    csv_text(c, buf);
}

/* %.17g (round-trips through strtod); NaN: an empty field. */
static void
csv_num(csv *c, double x)
{
    if (isnan(x)) {
        csv_text(c, "");
        return;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%.17g", x);
    csv_text(c, buf);
}

static void
csv_count(csv *c, size_t x)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", x);
    csv_text(c, buf);
}

static void
csv_end(csv *c)
{
    if (fputc('\n', c->out) == EOF)
        c->bad = true;
    c->first = true;
}

/* Column names of the causes, in the order the row writes them. */
static const char *const cause_columns[NELM_NCAUSES] = {
    "death_disease", "death_treatment", "death_toxicity", "death_background", "alive_at_horizon",
};
static const nelm_cause cause_order[NELM_NCAUSES] = {
    NELM_CAUSE_DISEASE,    NELM_CAUSE_TREATMENT, NELM_CAUSE_TOXICITY,
    NELM_CAUSE_BACKGROUND, NELM_CAUSE_NONE,
};

/* Column names: kinds received as received_<kind>; instances as
 * received_instance_<name>, since instances may share a kind's name
 * ("resection", "observation"). PFS columns for lines 1 .. the most lines
 * any strategy started, empty where a strategy started fewer. */
int
nelm_summary_write_csv(FILE *out, const nelm_params *p, const size_t *strategies,
                       const nelm_summary *s, size_t n, size_t reference, nelm_err *e)
{
    csv c = {.out = out, .first = true, .bad = false};
    size_t nm = p->nmodalities < NELM_MAX_INSTANCES ? p->nmodalities : NELM_MAX_INSTANCES;
    size_t maxlines = 0;
    for (size_t i = 0; i < n; i++) {
        nelm_bug_assert(s[i].nlines_pfs <= NELM_MAX_LINES);
        if (s[i].nlines_pfs > maxlines)
            maxlines = s[i].nlines_pfs;
    }
    nelm_bug_assert(n == 0 || reference < n);

    /* header */
    static const char *const head[] = {
        "strategy", "description", "patients", "median_os", "median_os_lo", "median_os_hi",
        "mean_os",  "mean_os_se",  "tau",      "rmst",      "rmst_se",
    };
    for (size_t j = 0; j < sizeof head / sizeof *head; j++)
        csv_text(&c, head[j]);
    for (size_t j = 0; j < NELM_NLANDMARKS; j++) {
        csv_textf(&c, "os_%g", nelm_landmarks[j]);
        csv_textf(&c, "os_%g_lo", nelm_landmarks[j]);
        csv_textf(&c, "os_%g_hi", nelm_landmarks[j]);
    }
    for (size_t k = 1; k <= maxlines; k++) {
        csv_textf(&c, "median_pfs_line%zu", k);
        csv_textf(&c, "median_pfs_line%zu_lo", k);
        csv_textf(&c, "median_pfs_line%zu_hi", k);
        csv_textf(&c, "n_pfs_line%zu", k);
    }
    csv_text(&c, "mean_lines");
    for (size_t k = 0; k < NELM_NKINDS; k++)
        csv_textf(&c, "received_%s", kind_names[k]);
    for (size_t j = 0; j < nm; j++)
        csv_textf(&c, "received_instance_%s", p->modalities[j].name);
    for (size_t k = 0; k < NELM_NCAUSES; k++)
        csv_text(&c, cause_columns[k]);
    csv_text(&c, "reference");
    csv_text(&c, "diff_mean_os");
    csv_text(&c, "diff_mean_os_se");
    csv_text(&c, "diff_rmst");
    csv_text(&c, "diff_rmst_se");
    /* economics after the columns above (absent without economics) */
    bool econ = n > 0 && s[0].econ;
    const nelm_econ_params *x = &p->econ;
    for (size_t q = 0; econ && q < NELM_ECON_NQ; q++) {
        csv_text(&c, nelm_econ_qnames[q]);
        csv_textf(&c, "%s_se", nelm_econ_qnames[q]);
    }
    for (size_t q = 0; econ && q < NELM_ECON_NQ; q++) {
        csv_textf(&c, "diff_%s", nelm_econ_qnames[q]);
        csv_textf(&c, "diff_%s_se", nelm_econ_qnames[q]);
    }
    if (econ) {
        static const char *const inc[] = {"cost_rank",   "ce_status", "ce_vs",       "inc_cost",
                                          "inc_cost_se", "inc_qaly",  "inc_qaly_se", "icer"};
        for (size_t j = 0; j < sizeof inc / sizeof *inc; j++)
            csv_text(&c, inc[j]);
        for (size_t j = 0; j < x->nwtp; j++) {
            csv_textf(&c, "nmb_%.17g", x->wtp[j]);
            csv_textf(&c, "nmb_%.17g_se", x->wtp[j]);
        }
    }
    csv_end(&c);

    for (size_t i = 0; i < n; i++) {
        const nelm_strategy *st = strategy_at(p, strategies, i);
        const nelm_summary *r = &s[i];
        csv_text(&c, st->name);
        csv_text(&c, st->description);
        csv_count(&c, r->n);
        csv_num(&c, r->median_os);
        csv_num(&c, r->median_os_lo);
        csv_num(&c, r->median_os_hi);
        csv_num(&c, r->mean_os);
        csv_num(&c, r->mean_os_se);
        csv_num(&c, r->tau);
        csv_num(&c, r->rmst);
        csv_num(&c, r->rmst_se);
        for (size_t j = 0; j < NELM_NLANDMARKS; j++) {
            csv_num(&c, r->os_at[j]);
            csv_num(&c, r->os_at_lo[j]);
            csv_num(&c, r->os_at_hi[j]);
        }
        for (size_t k = 0; k < maxlines; k++) {
            if (k < r->nlines_pfs) {
                csv_num(&c, r->pfs_median[k]);
                csv_num(&c, r->pfs_lo[k]);
                csv_num(&c, r->pfs_hi[k]);
                csv_count(&c, r->pfs_n[k]);
            } else {
                for (size_t f = 0; f < 4; f++)
                    csv_text(&c, "");
            }
        }
        csv_num(&c, r->mean_lines);
        for (size_t k = 0; k < NELM_NKINDS; k++)
            csv_num(&c, r->kind_share[k]);
        for (size_t j = 0; j < nm; j++)
            csv_num(&c, r->instance_share[j]);
        for (size_t k = 0; k < NELM_NCAUSES; k++)
            csv_num(&c, r->cause_share[cause_order[k]]);
        csv_text(&c, strategy_at(p, strategies, reference)->name);
        csv_num(&c, r->diff_mean_os);
        csv_num(&c, r->diff_mean_os_se);
        csv_num(&c, r->diff_rmst);
        csv_num(&c, r->diff_rmst_se);
        for (size_t q = 0; econ && q < NELM_ECON_NQ; q++) {
            csv_num(&c, r->econ_mean[q]);
            csv_num(&c, r->econ_se[q]);
        }
        for (size_t q = 0; econ && q < NELM_ECON_NQ; q++) {
            csv_num(&c, r->econ_diff[q]);
            csv_num(&c, r->econ_diff_se[q]);
        }
        if (econ) {
            csv_count(&c, r->econ_rank + 1);
            csv_text(&c, nelm_econ_status_name(r->econ_status));
            csv_text(&c, r->econ_vs < n ? strategy_at(p, strategies, r->econ_vs)->name : "");
            csv_num(&c, r->econ_inc_cost);
            csv_num(&c, r->econ_inc_cost_se);
            csv_num(&c, r->econ_inc_qaly);
            csv_num(&c, r->econ_inc_qaly_se);
            csv_num(&c, r->econ_icer);
            for (size_t j = 0; j < x->nwtp; j++) {
                csv_num(&c, r->econ_nmb[j]);
                csv_num(&c, r->econ_nmb_se[j]);
            }
        }
        csv_end(&c);
    }
    if (fflush(out) == EOF || ferror(out))
        c.bad = true;
    if (c.bad)
        return NELM_FAIL(e, NELM_ERR_IO, "summary: writing the CSV failed");
    return 0;
}
