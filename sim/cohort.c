/* cohort.c — baseline patients (DESIGN §2.1): validation, sampling from keyed
 * streams, population filters.
 *
 * Every attribute of candidate k of patient i takes ONE uniform from its own
 * generator, keyed (seed, i, NELM_STREAM_BASELINE, 0, k, NELM_ATTR_*), and
 * is found by inversion: categories from the cumulative probabilities, the
 * age from the truncated normal's CDF, Ki-67 log-uniformly within the drawn
 * grade's range. Seeding a keyed generator costs a few mixes and no memory,
 * so one generator per draw is cheap and keeps the slots independent.
 */
#include "cohort.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "specfun.h"

/* Tolerance on the sum of a distribution's probabilities. */
#define SUM_TOL 1e-9
/* Required expected number of passing candidates per patient
 * (nelm_cohort_check_filters): e^-20 ~ 2e-9 failures per patient. */
#define FILTER_EXPECTED_PASSES 20.0

#define PRIOR_ALL                                                                                  \
    (NELM_PRIOR_RESECTION | NELM_PRIOR_TRANSPLANT | NELM_PRIOR_IAT | NELM_PRIOR_PRRT |             \
     NELM_PRIOR_SSA | NELM_PRIOR_TARGETED)

/* ------------------------------------------------------------------------ */
/* Names                                                                      */

static const char *const attr_names[NELM_NATTRS] = {
    [NELM_ATTR_AGE] = "age",
    [NELM_ATTR_SEX] = "sex",
    [NELM_ATTR_SITE] = "site",
    [NELM_ATTR_KI67] = "ki67",
    [NELM_ATTR_GRADE] = "grade",
    [NELM_ATTR_BURDEN] = "burden",
    [NELM_ATTR_FRILLING] = "frilling",
    [NELM_ATTR_EXTRAHEPATIC] = "extrahepatic",
    [NELM_ATTR_FUNCTIONAL] = "functional",
    [NELM_ATTR_SYNDROME] = "carcinoid_syndrome",
    [NELM_ATTR_SSTR] = "sstr_positive",
    [NELM_ATTR_ECOG] = "ecog",
    [NELM_ATTR_PRIMARY_RESECTED] = "primary_resected",
};

static const char *const sex_names[NELM_NSEXES] = {"female", "male"};
static const char *const site_names[NELM_NSITES] = {"small_bowel", "pancreas", "other_gi",
                                                    "unknown"};
static const char *const grade_names[NELM_NGRADES] = {"G1", "G2", "G3"};
static const char *const burden_names[NELM_NBURDENS] = {"lt25", "25to50", "gt50"};
static const char *const frilling_names[NELM_NFRILLING] = {"I", "II", "III"};
static const char *const ecog_names[NELM_NECOG] = {"0", "1", "2", "3", "4"};
static const char *const bool_names[2] = {"false", "true"};

/* Category names of attribute a, with their count in *n; NULL (and 0) for
 * age and Ki-67. */
static const char *const *
category_names(nelm_attr a, int *n)
{
    switch (a) {
    case NELM_ATTR_SEX:
        *n = NELM_NSEXES;
        return sex_names;
    case NELM_ATTR_SITE:
        *n = NELM_NSITES;
        return site_names;
    case NELM_ATTR_GRADE:
        *n = NELM_NGRADES;
        return grade_names;
    case NELM_ATTR_BURDEN:
        *n = NELM_NBURDENS;
        return burden_names;
    case NELM_ATTR_FRILLING:
        *n = NELM_NFRILLING;
        return frilling_names;
    case NELM_ATTR_ECOG:
        *n = NELM_NECOG;
        return ecog_names;
    case NELM_ATTR_EXTRAHEPATIC:
    case NELM_ATTR_FUNCTIONAL:
    case NELM_ATTR_SYNDROME:
    case NELM_ATTR_SSTR:
    case NELM_ATTR_PRIMARY_RESECTED:
        *n = 2;
        return bool_names;
    case NELM_ATTR_AGE:
    case NELM_ATTR_KI67:
    case NELM_NATTRS:
        break;
    }
    *n = 0;
    return NULL;
}

const char *
nelm_attr_name(nelm_attr a)
{
    return (unsigned)a < NELM_NATTRS ? attr_names[a] : "unknown";
}

int
nelm_attr_ncategories(nelm_attr a)
{
    int n;
    (void)category_names(a, &n);
    return n;
}

const char *
nelm_attr_category_name(nelm_attr a, int value)
{
    int n;
    const char *const *names = category_names(a, &n);
    return names != NULL && value >= 0 && value < n ? names[value] : NULL;
}

/* Filters compare these attributes with [lo, hi]; the others by category. */
static bool
attr_is_range(nelm_attr a)
{
    return a == NELM_ATTR_AGE || a == NELM_ATTR_KI67 || a == NELM_ATTR_ECOG;
}

/* ------------------------------------------------------------------------ */
/* Messages                                                                   */

/* A number as the shortest of %.15g, %.16g, %.17g that reads back exactly
 * (0.1 prints as "0.1", not "0.10000000000000001"). The array lives until
 * the end of the full expression that calls num(). */
typedef struct numstr {
    char s[32];
} numstr;

static numstr
num(double x)
{
    numstr r;
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(r.s, sizeof r.s, "%.*g", prec, x);
        if (!isfinite(x) || strtod(r.s, NULL) == x)
            break;
    }
    return r;
}

/* A filter's name for messages: its own when set, else its parameter path. */
typedef struct labelstr {
    char s[sizeof(((nelm_filter *)0)->name) + 32];
} labelstr;

static labelstr
filter_label(const nelm_filter *f, size_t i)
{
    labelstr r;
    if (memchr(f->name, '\0', sizeof f->name) != NULL && f->name[0] != '\0')
        snprintf(r.s, sizeof r.s, "%s", f->name);
    else
        snprintf(r.s, sizeof r.s, "cohort.filters[%zu] (%s)", i, nelm_attr_name(f->attr));
    return r;
}

/* ------------------------------------------------------------------------ */
/* Validation                                                                 */

static int
check_prob(const char *path, double p, nelm_err *e)
{
    if (!(p >= 0.0 && p <= 1.0)) /* also NaN */
        return NELM_FAIL(e, NELM_ERR_PARAM, "%s: must be a probability in [0, 1] (got %s)", path,
                         num(p).s);
    return 0;
}

/* A distribution over n named categories: path.name for an element. */
static int
check_dist(const char *path, const double *p, const char *const *names, int n, nelm_err *e)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        if (!(p[i] >= 0.0 && p[i] <= 1.0))
            return NELM_FAIL(e, NELM_ERR_PARAM, "%s.%s: probability must be in [0, 1] (got %s)",
                             path, names[i], num(p[i]).s);
        sum += p[i];
    }
    if (!(fabs(sum - 1.0) <= SUM_TOL))
        return NELM_FAIL(e, NELM_ERR_PARAM, "%s: probabilities sum to %.12g (expected 1)", path,
                         sum);
    return 0;
}

static int
check_age(const nelm_cohort_params *cp, nelm_err *e)
{
    static const char *const what[4] = {"mean", "sd", "min", "max"};
    const double v[4] = {cp->age_mean, cp->age_sd, cp->age_min, cp->age_max};
    for (int i = 0; i < 4; i++)
        if (!isfinite(v[i]))
            return NELM_FAIL(e, NELM_ERR_PARAM, "cohort.age: %s must be finite (got %s)", what[i],
                             num(v[i]).s);
    if (!(cp->age_sd > 0.0))
        return NELM_FAIL(e, NELM_ERR_PARAM, "cohort.age: sd must be > 0 (got %s)",
                         num(cp->age_sd).s);
    if (!(cp->age_min >= 0.0))
        return NELM_FAIL(e, NELM_ERR_PARAM, "cohort.age: min must be >= 0 (got %s)",
                         num(cp->age_min).s);
    if (!(cp->age_min < cp->age_max))
        return NELM_FAIL(e, NELM_ERR_PARAM, "cohort.age: min %s must be below max %s",
                         num(cp->age_min).s, num(cp->age_max).s);
    return 0;
}

/* Ki-67 range of grade g: 0 < lo <= hi, inside the WHO band. */
static int
check_ki67(const nelm_cohort_params *cp, int g, nelm_err *e)
{
    static const char *const band[NELM_NGRADES] = {"(0, 3)", "[3, 20]", "(20, 100]"};
    double lo = cp->ki67_lo[g], hi = cp->ki67_hi[g];
    const char *gn = grade_names[g];
    if (!isfinite(lo) || !isfinite(hi))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "cohort.ki67.%s: min and max must be finite (got [%s, %s])", gn, num(lo).s,
                         num(hi).s);
    if (!(lo <= hi))
        return NELM_FAIL(e, NELM_ERR_PARAM, "cohort.ki67.%s: min %s > max %s", gn, num(lo).s,
                         num(hi).s);
    if (!(lo > 0.0))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "cohort.ki67.%s: min must be > 0 (got %s; Ki-67 is log-uniform)", gn,
                         num(lo).s);
    bool inside;
    switch (g) {
    case NELM_G1:
        inside = hi < NELM_KI67_G2_FROM;
        break;
    case NELM_G2:
        inside = lo >= NELM_KI67_G2_FROM && hi <= NELM_KI67_G3_ABOVE;
        break;
    default:
        inside = lo > NELM_KI67_G3_ABOVE && hi <= NELM_KI67_MAX;
        break;
    }
    if (!inside)
        return NELM_FAIL(e, NELM_ERR_PARAM, "cohort.ki67.%s: range [%s, %s] leaves the %s band %s",
                         gn, num(lo).s, num(hi).s, gn, band[g]);
    return 0;
}

static int
check_filter(const nelm_filter *f, size_t i, nelm_err *e)
{
    if (memchr(f->name, '\0', sizeof f->name) == NULL)
        return NELM_FAIL(e, NELM_ERR_PARAM, "cohort.filters[%zu]: name is not NUL-terminated", i);
    if ((unsigned)f->attr >= NELM_NATTRS)
        return NELM_FAIL(e, NELM_ERR_PARAM, "cohort.filters[%zu]: unknown attribute %d", i,
                         (int)f->attr);
    if (attr_is_range(f->attr)) {
        if (!isfinite(f->lo) || !isfinite(f->hi))
            return NELM_FAIL(e, NELM_ERR_PARAM, "%s: min and max must be finite (got [%s, %s])",
                             filter_label(f, i).s, num(f->lo).s, num(f->hi).s);
        if (!(f->lo <= f->hi))
            return NELM_FAIL(e, NELM_ERR_PARAM, "%s: min %s > max %s", filter_label(f, i).s,
                             num(f->lo).s, num(f->hi).s);
        return 0;
    }
    int n = nelm_attr_ncategories(f->attr);
    uint32_t known = (1u << n) - 1u;
    if (f->allowed == 0)
        return NELM_FAIL(e, NELM_ERR_PARAM, "%s: allows no category (empty set)",
                         filter_label(f, i).s);
    if ((f->allowed & ~known) != 0)
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "%s: allowed set 0x%" PRIx32 " names categories beyond the %d of %s",
                         filter_label(f, i).s, f->allowed, n, nelm_attr_name(f->attr));
    return 0;
}

int
nelm_cohort_check(const nelm_cohort_params *cp, nelm_err *e)
{
    /* Attributes in the order of nelm_attr; the first failure is reported. */
    int ret = check_age(cp, e);
    if (ret == 0)
        ret = check_prob("cohort.male.p", cp->p_male, e);
    if (ret == 0)
        ret = check_dist("cohort.site", cp->site_p, site_names, NELM_NSITES, e);
    if (ret == 0)
        ret = check_dist("cohort.grade", cp->grade_p, grade_names, NELM_NGRADES, e);
    for (int g = 0; g < NELM_NGRADES && ret == 0; g++)
        ret = check_ki67(cp, g, e);
    if (ret == 0)
        ret = check_dist("cohort.burden", cp->burden_p, burden_names, NELM_NBURDENS, e);
    if (ret == 0)
        ret = check_dist("cohort.frilling", cp->frilling_p, frilling_names, NELM_NFRILLING, e);
    if (ret == 0)
        ret = check_prob("cohort.extrahepatic.p", cp->p_extrahepatic, e);
    if (ret == 0)
        ret = check_prob("cohort.functional.p", cp->p_functional, e);
    if (ret == 0)
        ret = check_prob("cohort.carcinoid_syndrome.p_if_functional", cp->p_syndrome_if_functional,
                         e);
    for (int g = 0; g < NELM_NGRADES && ret == 0; g++) {
        char path[64];
        snprintf(path, sizeof path, "cohort.sstr_positive.%s", grade_names[g]);
        ret = check_prob(path, cp->p_sstr_by_grade[g], e);
    }
    if (ret == 0)
        ret = check_dist("cohort.ecog", cp->ecog_p, ecog_names, NELM_NECOG, e);
    if (ret == 0)
        ret = check_prob("cohort.primary_resected.p", cp->p_primary_resected, e);
    if (ret != 0)
        return ret;

    if (cp->entry_line < 1 || cp->entry_line > NELM_ENTRY_LINE_MAX)
        return NELM_FAIL(e, NELM_ERR_PARAM, "cohort.entry.line: must be in 1..%d (got %d)",
                         NELM_ENTRY_LINE_MAX, cp->entry_line);
    if ((cp->entry_prior & ~(uint32_t)PRIOR_ALL) != 0)
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "cohort.entry.prior: unknown modality bits 0x%" PRIx32 " (known: 0x%x)",
                         cp->entry_prior & ~(uint32_t)PRIOR_ALL, (unsigned)PRIOR_ALL);
    if (cp->max_tries < 1 || cp->max_tries > NELM_FILTER_MAX_TRIES)
        return NELM_FAIL(e, NELM_ERR_PARAM, "cohort.max_tries: must be in 1..%u (got %" PRIu32 ")",
                         NELM_FILTER_MAX_TRIES, cp->max_tries);
    if (cp->nfilters > NELM_MAX_FILTERS)
        return NELM_FAIL(e, NELM_ERR_PARAM, "cohort.filters: at most %d filters (got %zu)",
                         NELM_MAX_FILTERS, cp->nfilters);
    for (size_t i = 0; i < cp->nfilters; i++)
        if ((ret = check_filter(&cp->filters[i], i, e)) != 0)
            return ret;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Attributes and filters                                                     */

double
nelm_patient_attr(const nelm_patient *pt, nelm_attr a)
{
    switch (a) {
    case NELM_ATTR_AGE:
        return pt->age;
    case NELM_ATTR_SEX:
        return (double)pt->sex;
    case NELM_ATTR_SITE:
        return (double)pt->site;
    case NELM_ATTR_KI67:
        return pt->ki67;
    case NELM_ATTR_GRADE:
        return (double)pt->grade;
    case NELM_ATTR_BURDEN:
        return (double)pt->burden;
    case NELM_ATTR_FRILLING:
        return (double)pt->frilling;
    case NELM_ATTR_EXTRAHEPATIC:
        return pt->extrahepatic ? 1.0 : 0.0;
    case NELM_ATTR_FUNCTIONAL:
        return pt->functional ? 1.0 : 0.0;
    case NELM_ATTR_SYNDROME:
        return pt->syndrome ? 1.0 : 0.0;
    case NELM_ATTR_SSTR:
        return pt->sstr ? 1.0 : 0.0;
    case NELM_ATTR_ECOG:
        return (double)pt->ecog;
    case NELM_ATTR_PRIMARY_RESECTED:
        return pt->primary_resected ? 1.0 : 0.0;
    case NELM_NATTRS:
        break;
    }
    nelm_bug(__FILE__, __LINE__, "nelm_patient_attr: unknown attribute");
}

bool
nelm_filter_pass(const nelm_filter *f, const nelm_patient *pt)
{
    double v = nelm_patient_attr(pt, f->attr);
    if (attr_is_range(f->attr))
        return f->lo <= v && v <= f->hi;
    /* categories are small non-negative integers, exactly representable */
    return (f->allowed & (1u << (unsigned)v)) != 0; /* not (x >> v) & 1: GCC 12.2 -O2 bug */
}

/* ------------------------------------------------------------------------ */
/* Sampling                                                                   */

/* The uniform on [0, 1) for attribute slot j of candidate k of the patient
 * whose key prefix is pre (nelm_rng_key_prefix(seed, index)): the generator
 * keyed (seed, index, NELM_STREAM_BASELINE, 0, k, j). */
static double
draw(uint64_t pre, uint32_t k, nelm_attr j)
{
    nelm_rng r;
    nelm_rng_keyed_tail(&r, pre, NELM_STREAM_BASELINE, 0, k, (uint32_t)j);
    return nelm_rng_uniform(&r);
}

/* Category of a distribution over n by inversion: the first i with
 * u * total < p[0] + ... + p[i], skipping zero-probability categories (never
 * chosen); the sum is normalized (it may differ from 1 by 1e-9), and the last
 * positive category catches rounding at u -> 1. */
static int
draw_category(const double *p, int n, double u)
{
    double total = 0.0;
    for (int i = 0; i < n; i++)
        total += p[i];
    double x = u * total, c = 0.0;
    int last = 0;
    for (int i = 0; i < n; i++) {
        if (!(p[i] > 0.0))
            continue;
        c += p[i];
        last = i;
        if (x < c)
            return i;
    }
    return last;
}

/* Standard normal truncated to [a, b] with a < 0 (the interval reaches into
 * the lower half), by inversion in logs: log Φ(z) = log(Φ(a) + u (Φ(b) -
 * Φ(a))) = log Φ(b) + log1p((1 - u) expm1(log Φ(a) - log Φ(b))), accurate
 * however far into the lower tail the interval lies (no underflow, no
 * cancellation). Monotone increasing in u. */
static double
trunc_norm_lower(double a, double b, double u)
{
    /* the bounds' terms depend on the cohort only: remembered per thread
     * for the last (a, b), bit for bit what they would be recomputed as */
    static _Thread_local double memo_a = NAN, memo_b = NAN, memo_lb, memo_em;
    if (!(a == memo_a && b == memo_b)) {
        double la = nelm_sf_norm_log_cdf(a), lb = nelm_sf_norm_log_cdf(b);
        memo_lb = lb;
        memo_em = expm1(la - lb);
        memo_a = a;
        memo_b = b;
    }
    double lb = memo_lb;
    double lp = lb + log1p((1.0 - u) * memo_em);
    double z = nelm_sf_norm_quantile_log(lp < 0.0 ? lp : 0.0);
    if (!(z >= a)) /* also NaN, -inf at u = 0 when Φ(a) << Φ(b) */
        z = a;
    if (z > b)
        z = b;
    return z;
}

/* Standard normal truncated to [a, b], increasing in u in [0, 1): an
 * interval within the upper half is mirrored into the lower one (where
 * log Φ keeps full accuracy), with u -> 1 - u (exact for 53-bit u). */
static double
trunc_norm(double a, double b, double u)
{
    if (a >= 0.0)
        return -trunc_norm_lower(-b, -a, 1.0 - u);
    return trunc_norm_lower(a, b, u);
}

/* fmin(fmax(v, lo), hi) for lo <= hi, lo and hi not NaN, without the
 * library calls: the same value in every case (a NaN v gives lo; on equal
 * values, signed zeros included, the first argument, as glibc returns). */
static double
clamp(double v, double lo, double hi)
{
    double w = v >= lo ? v : lo;
    return w > hi ? hi : w;
}

/* WHO 2019 grade of a Ki-67 index. */
static nelm_grade
ki67_grade(double ki67)
{
    if (ki67 < NELM_KI67_G2_FROM)
        return NELM_G1;
    return ki67 <= NELM_KI67_G3_ABOVE ? NELM_G2 : NELM_G3;
}

/* Candidate k of patient index, ignoring the filters; fills every field but
 * tries. */
static void
sample_candidate(const nelm_cohort_params *cp, uint64_t seed, uint64_t index, uint32_t k,
                 nelm_patient *pt)
{
    nelm_bug_assert(k <= NELM_KEY_FIELD_MAX);
    const uint64_t pre = nelm_rng_key_prefix(seed, index);
    pt->index = index;

    double za = (cp->age_min - cp->age_mean) / cp->age_sd;
    double zb = (cp->age_max - cp->age_mean) / cp->age_sd;
    double age =
        cp->age_mean + cp->age_sd * trunc_norm(za, zb, draw(pre, k, NELM_ATTR_AGE));
    pt->age = clamp(age, cp->age_min, cp->age_max);

    pt->sex = draw(pre, k, NELM_ATTR_SEX) < cp->p_male ? NELM_MALE : NELM_FEMALE;
    pt->site =
        (nelm_site)draw_category(cp->site_p, NELM_NSITES, draw(pre, k, NELM_ATTR_SITE));

    /* Grade, then Ki-67 log-uniform within the grade's range; clamped so that
     * exp(log lo) rounding below lo cannot leave the grade band. */
    nelm_grade g =
        (nelm_grade)draw_category(cp->grade_p, NELM_NGRADES, draw(pre, k, NELM_ATTR_GRADE));
    double lo = cp->ki67_lo[g], hi = cp->ki67_hi[g];
    double ki67 = lo * exp(draw(pre, k, NELM_ATTR_KI67) * log(hi / lo));
    pt->ki67 = clamp(ki67, lo, hi);
    pt->grade = ki67_grade(pt->ki67);
    nelm_bug_assert(pt->grade == g);

    pt->burden = (nelm_burden)draw_category(cp->burden_p, NELM_NBURDENS,
                                            draw(pre, k, NELM_ATTR_BURDEN));
    pt->frilling = (nelm_frilling)draw_category(cp->frilling_p, NELM_NFRILLING,
                                                draw(pre, k, NELM_ATTR_FRILLING));
    pt->extrahepatic = draw(pre, k, NELM_ATTR_EXTRAHEPATIC) < cp->p_extrahepatic;
    pt->functional = draw(pre, k, NELM_ATTR_FUNCTIONAL) < cp->p_functional;
    pt->syndrome =
        pt->functional && draw(pre, k, NELM_ATTR_SYNDROME) < cp->p_syndrome_if_functional;
    pt->sstr = draw(pre, k, NELM_ATTR_SSTR) < cp->p_sstr_by_grade[g];
    pt->ecog = draw_category(cp->ecog_p, NELM_NECOG, draw(pre, k, NELM_ATTR_ECOG));
    pt->primary_resected =
        draw(pre, k, NELM_ATTR_PRIMARY_RESECTED) < cp->p_primary_resected;

    pt->entry_line = cp->entry_line;
    pt->prior = cp->entry_prior;
    pt->progressive = cp->entry_progressive;
    pt->tries = 0;
}

int
nelm_cohort_sample(const nelm_cohort_params *cp, uint64_t seed, uint64_t index, nelm_patient *pt,
                   nelm_err *e)
{
    nelm_bug_assert(cp->nfilters <= NELM_MAX_FILTERS);
    nelm_bug_assert(cp->max_tries >= 1 && cp->max_tries <= NELM_FILTER_MAX_TRIES);
    memset(pt, 0, sizeof *pt); /* padding too: patients compare with memcmp */

    uint32_t rejected[NELM_MAX_FILTERS] = {0};
    for (uint32_t k = 0; k < cp->max_tries; k++) {
        sample_candidate(cp, seed, index, k, pt);
        bool pass = true;
        for (size_t i = 0; i < cp->nfilters; i++) {
            if (!nelm_filter_pass(&cp->filters[i], pt)) {
                rejected[i]++;
                pass = false;
            }
        }
        if (pass) {
            pt->tries = k + 1;
            return 0;
        }
    }

    size_t worst = 0;
    for (size_t i = 1; i < cp->nfilters; i++)
        if (rejected[i] > rejected[worst])
            worst = i;
    memset(pt, 0, sizeof *pt);
    pt->index = index;
    return NELM_FAIL(e, NELM_ERR_PARAM,
                     "%s: rejected %" PRIu32 " of %" PRIu32 " candidates for patient %" PRIu64
                     "; none passed all %zu filters (max_tries %" PRIu32 ")",
                     filter_label(&cp->filters[worst], worst).s, rejected[worst], cp->max_tries,
                     index, cp->nfilters, cp->max_tries);
}

int
nelm_cohort_check_filters(const nelm_cohort_params *cp, uint64_t seed, size_t pilot, nelm_err *e)
{
    nelm_bug_assert(cp->nfilters <= NELM_MAX_FILTERS);
    nelm_bug_assert(cp->max_tries >= 1 && cp->max_tries <= NELM_FILTER_MAX_TRIES);
    nelm_bug_assert(pilot > 0);
    if (cp->nfilters == 0)
        return 0;

    size_t passed[NELM_MAX_FILTERS] = {0}, joint = 0;
    for (size_t s = 0; s < pilot; s++) {
        nelm_patient pt;
        sample_candidate(cp, seed, (uint64_t)s, 0, &pt);
        bool all = true;
        for (size_t i = 0; i < cp->nfilters; i++) {
            if (nelm_filter_pass(&cp->filters[i], &pt))
                passed[i]++;
            else
                all = false;
        }
        joint += all;
    }

    double need = FILTER_EXPECTED_PASSES / (double)cp->max_tries;
    if (need > 1.0)
        need = 1.0;
    if (joint > 0 && (double)joint >= need * (double)pilot)
        return 0;

    size_t worst = 0;
    for (size_t i = 1; i < cp->nfilters; i++)
        if (passed[i] < passed[worst])
            worst = i;
    return NELM_FAIL(
        e, NELM_ERR_PARAM,
        "%s: only %.3g %% of sampled patients pass (%zu of %zu); the filters "
        "together pass %zu of %zu, too few for max_tries %" PRIu32 " (at least %.3g %% needed)",
        filter_label(&cp->filters[worst], worst).s, 100.0 * (double)passed[worst] / (double)pilot,
        passed[worst], pilot, joint, pilot, cp->max_tries, 100.0 * need);
}
