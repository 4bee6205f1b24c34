/* dist.c — parametric survival distributions (DESIGN §3).
 *
 * Parameterizations are R flexsurv's (see dist.h). Internally every family
 * works in its own time unit x = t * per_month; the public functions convert.
 *
 * Accuracy: each family computes F and S directly (never S = 1 - F), and the
 * cumulative hazard as -log1p(-F) in the lower half and -log S in the upper
 * half, with log S from log-tail special functions where S underflows. The
 * inverse of the cumulative hazard is what sampling uses; it accepts any
 * x >= 0 (E / HR can reach ~4e4 for HR = 1e-3).
 */
#include "dist.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "quad.h"
#include "specfun.h"

#define LOG_2PI 1.8378770664093454836
#define PI 3.14159265358979323846

/* Below this |Q| the generalized gamma is treated as its Q = 0 limit, the
 * log-normal; quantiles then differ from the exact ones by O(|Q|) relative,
 * under 1e-5. */
#define GENGAMMA_Q_LNORM 1e-5
/* Beyond this |Q|, γ = Q^-2 is no longer a normal positive double. */
#define GENGAMMA_Q_MAX 1e150

/* ------------------------------------------------------------------------ */
/* Families, parameter names, units                                          */

typedef struct family_spec {
    const char *name;
    size_t npar;
    const char *par[NELM_DIST_MAX_PARAMS];
} family_spec;

static const family_spec families[NELM_DIST_NFAMILIES] = {
    [NELM_DIST_EXP] = {"exp", 1, {"rate", NULL, NULL}},
    [NELM_DIST_WEIBULL] = {"weibull", 2, {"shape", "scale", NULL}},
    [NELM_DIST_WEIBULL_PH] = {"weibullPH", 2, {"shape", "scale", NULL}},
    [NELM_DIST_GOMPERTZ] = {"gompertz", 2, {"shape", "rate", NULL}},
    [NELM_DIST_LNORM] = {"lnorm", 2, {"meanlog", "sdlog", NULL}},
    [NELM_DIST_LLOGIS] = {"llogis", 2, {"shape", "scale", NULL}},
    [NELM_DIST_GAMMA] = {"gamma", 2, {"shape", "rate", NULL}},
    [NELM_DIST_GENGAMMA] = {"gengamma", 3, {"mu", "sigma", "Q"}},
    [NELM_DIST_PEXP] = {"pexp", 0, {NULL, NULL, NULL}},
};

static const struct {
    const char *name;
    double per_month; /* units in one month; a month is 365.25/12 days */
} units[NELM_UNIT_NUNITS] = {
    [NELM_UNIT_DAYS] = {"days", 365.25 / 12.0},
    [NELM_UNIT_WEEKS] = {"weeks", 365.25 / 12.0 / 7.0},
    [NELM_UNIT_MONTHS] = {"months", 1.0},
    [NELM_UNIT_YEARS] = {"years", 1.0 / 12.0},
};

const char *
nelm_dist_family_name(nelm_dist_family f)
{
    return (unsigned)f < NELM_DIST_NFAMILIES ? families[f].name : "unknown";
}

nelm_dist_family
nelm_dist_family_from_name(const char *name)
{
    for (int f = 0; f < NELM_DIST_NFAMILIES; f++)
        if (name != NULL && strcmp(name, families[f].name) == 0)
            return (nelm_dist_family)f;
    return NELM_DIST_NFAMILIES;
}

size_t
nelm_dist_nparams(nelm_dist_family f)
{
    return (unsigned)f < NELM_DIST_NFAMILIES ? families[f].npar : 0;
}

const char *
nelm_dist_param_name(nelm_dist_family f, size_t i)
{
    if ((unsigned)f >= NELM_DIST_NFAMILIES || i >= families[f].npar)
        return NULL;
    return families[f].par[i];
}

const char *
nelm_time_unit_name(nelm_time_unit u)
{
    return (unsigned)u < NELM_UNIT_NUNITS ? units[u].name : "unknown";
}

nelm_time_unit
nelm_time_unit_from_name(const char *name)
{
    for (int u = 0; u < NELM_UNIT_NUNITS; u++)
        if (name != NULL && strcmp(name, units[u].name) == 0)
            return (nelm_time_unit)u;
    return NELM_UNIT_NUNITS;
}

/* ------------------------------------------------------------------------ */
/* Small numerical helpers                                                    */

/* Cumulative hazard from both tails: -log1p(-F) where F is small, -log S
 * otherwise (log_s must be accurate where S underflows). */
static double
cumhaz_from(double f, double log_s)
{
    return f < 0.5 ? -log1p(-f) : -log_s;
}

/* Gompertz H(x) = (a/b)(e^{bx} - 1) (a x for b = 0) without 0 * inf or
 * overflow in a/b: for |bx| < 1 as a x (expm1(bx)/(bx)), else from a/b or,
 * when a/b is beyond the doubles, in logs. x >= 0. */
static double
gompertz_cumhaz(double b, double a, double x)
{
    double y = b * x;
    if (y == 0.0) /* b = 0, or b x below the doubles */
        return a * x;
    if (fabs(y) < 1.0)
        return a * x * (expm1(y) / y);
    double r = a / b;
    if (isfinite(r) && r != 0.0)
        return r * expm1(y);
    /* y >= 1: (a/b) e^y (1 - e^-y); y <= -1: (a/|b|) (1 - e^y) */
    return exp(log(a) - log(fabs(b)) + (y > 0 ? y + log1p(-exp(-y)) : log1p(-exp(y))));
}

/* Gompertz H^{-1}(h) = log1p(b h / a) / b for 0 < h < H(inf), with b h / a
 * formed without spurious overflow or underflow. */
static double
gompertz_inv_cumhaz(double b, double a, double h)
{
    if (b == 0.0)
        return h / a;
    double z = b * h / a;
    if (!isfinite(z) || fabs(z) < DBL_MIN) {
        double lz = log(fabs(b)) + log(h) - log(a); /* log |z| */
        z = copysign(exp(lz), b);
        /* z = inf needs b > 0 (for b < 0, h < H(inf) = -a/b keeps z > -1);
         * then log1p(z) = log z to double precision */
        if (isinf(z))
            return lz / b;
    }
    if (fabs(z) < 1e-300) /* log1p(z) / b = (h / a)(1 - z/2 ...) */
        return h / a;
    return log1p(z) / b;
}

/* ------------------------------------------------------------------------ */
/* Construction                                                               */

static int
bad_param(nelm_err *e, nelm_dist_family f, size_t i, const char *what, double v)
{
    return NELM_FAIL(e, NELM_ERR_PARAM, "%s: %s must be %s (got %.17g)", families[f].name,
                     families[f].par[i], what, v);
}

int
nelm_dist_init(nelm_dist *d, nelm_dist_family f, const double *par, nelm_time_unit unit,
               nelm_err *e)
{
    memset(d, 0, sizeof *d);
    if ((unsigned)f >= NELM_DIST_NFAMILIES)
        return NELM_FAIL(e, NELM_ERR_PARAM, "unknown distribution family %d", (int)f);
    if (f == NELM_DIST_PEXP)
        return NELM_FAIL(e, NELM_ERR_PARAM, "pexp: takes rates and cuts, not scalar parameters");
    if ((unsigned)unit >= NELM_UNIT_NUNITS)
        return NELM_FAIL(e, NELM_ERR_PARAM, "%s: unknown time unit %d", families[f].name,
                         (int)unit);
    for (size_t i = 0; i < families[f].npar; i++)
        if (!isfinite(par[i]))
            return bad_param(e, f, i, "finite", par[i]);

    d->family = f;
    d->unit = unit;
    d->per_month = units[unit].per_month;
    memcpy(d->par, par, families[f].npar * sizeof *par);

    switch (f) {
    case NELM_DIST_EXP:
        if (!(par[0] > 0))
            return bad_param(e, f, 0, "> 0", par[0]);
        break;
    case NELM_DIST_WEIBULL:
    case NELM_DIST_WEIBULL_PH:
    case NELM_DIST_LLOGIS:
    case NELM_DIST_GAMMA:
        if (!(par[0] > 0))
            return bad_param(e, f, 0, "> 0", par[0]);
        if (!(par[1] > 0))
            return bad_param(e, f, 1, "> 0", par[1]);
        d->c[0] = 1.0 / par[0];
        d->c[1] = log(par[1]);
        if (f == NELM_DIST_GAMMA)
            d->c[2] = nelm_sf_lgamma(par[0]);
        break;
    case NELM_DIST_GOMPERTZ:
        if (!(par[1] > 0))
            return bad_param(e, f, 1, "> 0", par[1]);
        /* c[0]: total cumulative hazard (finite only when shape < 0). */
        d->c[0] = par[0] < 0 ? -par[1] / par[0] : INFINITY;
        break;
    case NELM_DIST_LNORM:
        if (!(par[1] > 0))
            return bad_param(e, f, 1, "> 0", par[1]);
        break;
    case NELM_DIST_GENGAMMA:
        if (!(par[1] > 0))
            return bad_param(e, f, 1, "> 0", par[1]);
        /* γ = Q^-2 must be a positive double: beyond, the distribution
         * degenerates (and S would be 0/0) */
        if (!(fabs(par[2]) <= GENGAMMA_Q_MAX))
            return bad_param(e, f, 2, "at most 1e150 in magnitude", par[2]);
        if (fabs(par[2]) >= GENGAMMA_Q_LNORM) {
            double q = par[2];
            d->c[0] = 1.0 / (q * q);              /* γ */
            d->c[1] = log(d->c[0]);               /* log γ */
            d->c[2] = nelm_sf_lgamma_corr(d->c[0]);     /* for the density */
        }
        break;
    case NELM_DIST_PEXP:
    case NELM_DIST_NFAMILIES:
        break;
    }
    return 0;
}

int
nelm_dist_init_pexp(nelm_dist *d, const double *cuts, const double *rates, size_t n,
                    nelm_time_unit unit, nelm_err *e)
{
    memset(d, 0, sizeof *d);
    if (n == 0 || n > NELM_PEXP_MAX)
        return NELM_FAIL(e, NELM_ERR_PARAM, "pexp: needs 1 to %d pieces (got %zu)", NELM_PEXP_MAX,
                         n);
    if ((unsigned)unit >= NELM_UNIT_NUNITS)
        return NELM_FAIL(e, NELM_ERR_PARAM, "pexp: unknown time unit %d", (int)unit);
    if (cuts[0] != 0.0)
        return NELM_FAIL(e, NELM_ERR_PARAM, "pexp: cuts[0] must be 0 (got %.17g)", cuts[0]);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(cuts[i]))
            return NELM_FAIL(e, NELM_ERR_PARAM, "pexp: cuts[%zu] must be finite (got %.17g)", i,
                             cuts[i]);
        if (i > 0 && !(cuts[i] > cuts[i - 1]))
            return NELM_FAIL(e, NELM_ERR_PARAM,
                             "pexp: cuts must be strictly increasing (cuts[%zu] = %.17g after "
                             "%.17g)",
                             i, cuts[i], cuts[i - 1]);
        if (!isfinite(rates[i]) || rates[i] < 0)
            return NELM_FAIL(e, NELM_ERR_PARAM,
                             "pexp: rates[%zu] must be finite and >= 0 (got %.17g)", i, rates[i]);
    }
    d->family = NELM_DIST_PEXP;
    d->unit = unit;
    d->per_month = units[unit].per_month;
    d->npieces = n;
    double h = 0.0;
    for (size_t i = 0; i < n; i++) {
        d->cuts[i] = cuts[i];
        d->rates[i] = rates[i];
        d->cumhaz[i] = h;
        if (i + 1 < n)
            h += rates[i] * (cuts[i + 1] - cuts[i]);
    }
    if (!isfinite(h))
        return NELM_FAIL(e, NELM_ERR_PARAM, "pexp: cumulative hazard overflows");
    return 0;
}

int
nelm_mod_check(const nelm_mod *m, nelm_err *e)
{
    if (!(m->cure >= 0.0 && m->cure <= 1.0))
        return NELM_FAIL(e, NELM_ERR_PARAM, "cure fraction must be in [0, 1] (got %.17g)",
                         m->cure);
    if (!(isfinite(m->af) && m->af > 0))
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "acceleration factor must be finite and > 0 (got %.17g)", m->af);
    if (!(isfinite(m->hr) && m->hr > 0))
        return NELM_FAIL(e, NELM_ERR_PARAM, "hazard ratio must be finite and > 0 (got %.17g)",
                         m->hr);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Forward functions, in the family's own time unit                          */

/* Everything at one point: F and S each direct, log S, cumulative hazard,
 * log density. x > 0 and finite. */
typedef struct point {
    double f, s, log_s, cumhaz, log_pdf;
} point;

static bool
gengamma_is_lnorm(const nelm_dist *d)
{
    return fabs(d->par[2]) < GENGAMMA_Q_LNORM;
}

static void
eval_lnorm(double mu, double sigma, double x, point *pt)
{
    double z = (log(x) - mu) / sigma;
    pt->f = nelm_sf_norm_cdf(z);
    pt->s = nelm_sf_norm_sf(z);
    pt->log_s = nelm_sf_norm_log_cdf(-z);
    pt->cumhaz = cumhaz_from(pt->f, pt->log_s);
    pt->log_pdf = -0.5 * z * z - 0.5 * LOG_2PI - log(sigma * x);
}

static void
eval_point(const nelm_dist *d, double x, point *pt)
{
    const double *p = d->par;
    switch (d->family) {
    case NELM_DIST_EXP: {
        double h = p[0] * x;
        pt->cumhaz = h;
        pt->log_pdf = log(p[0]) - h;
        break;
    }
    case NELM_DIST_WEIBULL: {
        double lz = log(x) - d->c[1]; /* log(x / scale) */
        pt->cumhaz = exp(p[0] * lz);
        pt->log_pdf = log(p[0]) - d->c[1] + (p[0] - 1.0) * lz - pt->cumhaz;
        break;
    }
    case NELM_DIST_WEIBULL_PH: {
        double lx = log(x);
        pt->cumhaz = p[1] * exp(p[0] * lx);
        pt->log_pdf = d->c[1] + log(p[0]) + (p[0] - 1.0) * lx - pt->cumhaz;
        break;
    }
    case NELM_DIST_GOMPERTZ: {
        double b = p[0], a = p[1];
        pt->cumhaz = gompertz_cumhaz(b, a, x);
        /* where H overflows the density is 0 (not inf - inf) */
        pt->log_pdf = isinf(pt->cumhaz) ? -INFINITY : log(a) + b * x - pt->cumhaz;
        break;
    }
    case NELM_DIST_LNORM:
        eval_lnorm(p[0], p[1], x, pt);
        return;
    case NELM_DIST_LLOGIS: {
        double ly = p[0] * (log(x) - d->c[1]); /* log (x/scale)^shape */
        /* log(1 + y) */
        double l1py = ly > 0 ? ly + log1p(exp(-ly)) : log1p(exp(ly));
        pt->f = exp(ly - l1py);
        pt->s = exp(-l1py);
        pt->log_s = -l1py;
        pt->cumhaz = l1py;
        pt->log_pdf = log(p[0]) - log(x) + ly - 2.0 * l1py;
        return;
    }
    case NELM_DIST_GAMMA: {
        double a = p[0], rx = p[1] * x;
        nelm_sf_gamma_pq(a, rx, &pt->f, &pt->s);
        pt->log_s = pt->s > 1e-300 ? log(pt->s) : nelm_sf_gamma_log_q(a, rx);
        pt->cumhaz = cumhaz_from(pt->f, pt->log_s);
        pt->log_pdf = log(p[1]) + (a - 1.0) * log(rx) - rx - d->c[2];
        return;
    }
    case NELM_DIST_GENGAMMA: {
        if (gengamma_is_lnorm(d)) {
            eval_lnorm(p[0], p[1], x, pt);
            return;
        }
        double sigma = p[1], q = p[2], g = d->c[0];
        double w = (log(x) - p[0]) / sigma;
        double y = q * w;
        double u = exp(d->c[1] + y); /* γ e^{Q w} */
        double lower, upper, log_upper;
        nelm_sf_gamma_pq(g, u, &lower, &upper);
        if (q > 0) {
            pt->f = lower;
            pt->s = upper;
            log_upper = upper > 1e-300 ? log(upper) : nelm_sf_gamma_log_q(g, u);
            pt->log_s = log_upper;
        } else {
            pt->f = upper;
            pt->s = lower;
            pt->log_s = lower > 1e-300 ? log(lower) : nelm_sf_gamma_log_p(g, u);
        }
        pt->cumhaz = cumhaz_from(pt->f, pt->log_s);
        /* log density = -log(σ x) - log(2π)/2 - corr(γ) - γ (expm1(y) - y):
         * the flexsurv form with log|Q| + log(γ)/2 = 0 and Stirling's series
         * taken out analytically, so small |Q| does not cancel. */
        pt->log_pdf = -log(sigma * x) - 0.5 * LOG_2PI - d->c[2] - g * nelm_sf_expm1mx(y);
        return;
    }
    case NELM_DIST_PEXP: {
        size_t i = d->npieces - 1;
        while (i > 0 && x < d->cuts[i])
            i--;
        pt->cumhaz = d->cumhaz[i] + d->rates[i] * (x - d->cuts[i]);
        pt->log_pdf = log(d->rates[i]) - pt->cumhaz;
        break;
    }
    case NELM_DIST_NFAMILIES:
        nelm_bug_assert(0);
    }
    /* Families that only set the cumulative hazard. */
    pt->f = -expm1(-pt->cumhaz);
    pt->s = exp(-pt->cumhaz);
    pt->log_s = -pt->cumhaz;
}

/* Density (= hazard, as S(0) = 1) at x = 0: the limit from the right. */
static double
pdf_at_zero(const nelm_dist *d)
{
    const double *p = d->par;
    switch (d->family) {
    case NELM_DIST_LLOGIS:
    case NELM_DIST_GAMMA: {
        double k = p[0];
        double at_one = d->family == NELM_DIST_LLOGIS ? 1.0 / p[1] : p[1];
        return k < 1 ? INFINITY : k == 1 ? at_one : 0.0;
    }
    case NELM_DIST_LNORM:
    case NELM_DIST_GENGAMMA:
        return 0.0;
    default:
        return NAN; /* the closed-form hazards below handle x = 0 */
    }
}

/* Hazard at x >= 0 in the family's unit. */
static double
hazard_unit(const nelm_dist *d, double x)
{
    const double *p = d->par;
    if (x == 0.0 && !isnan(pdf_at_zero(d)))
        return pdf_at_zero(d);
    switch (d->family) {
    case NELM_DIST_EXP:
        return p[0];
    case NELM_DIST_WEIBULL:
        return p[0] / p[1] * pow(x / p[1], p[0] - 1.0);
    case NELM_DIST_WEIBULL_PH:
        return p[1] * p[0] * pow(x, p[0] - 1.0);
    case NELM_DIST_GOMPERTZ:
        return p[1] * exp(p[0] * x);
    case NELM_DIST_PEXP: {
        size_t i = d->npieces - 1;
        while (i > 0 && x < d->cuts[i])
            i--;
        return d->rates[i];
    }
    default: {
        point pt;
        eval_point(d, x, &pt);
        /* So far out that even log S overflows: the hazard (which grows
         * without bound in these tails) is beyond the doubles. */
        if (isinf(pt.log_s))
            return INFINITY;
        return exp(pt.log_pdf - pt.log_s);
    }
    }
}

/* Total cumulative hazard H(inf) in the family's unit (finite only for
 * defective distributions). */
static double
cumhaz_total(const nelm_dist *d)
{
    if (d->family == NELM_DIST_GOMPERTZ)
        return d->c[0];
    if (d->family == NELM_DIST_PEXP && d->rates[d->npieces - 1] == 0.0)
        return d->cumhaz[d->npieces - 1];
    return INFINITY;
}

/* ------------------------------------------------------------------------ */
/* Inversion: the time where H reaches a target, given the target three ways
 * (F = 1 - e^{-H}, S = e^{-H} and log S = -H) so each family can use the
 * accurate tail. Returns +inf when H never reaches it.                        */

typedef struct target {
    double f;     /* 1 - e^{-H}, accurate when small */
    double log_f; /* log F, accurate when F underflows or is tiny */
    double log_s; /* -H */
} target;

static double
inv_lnorm(double mu, double sigma, const target *tg)
{
    double z = tg->f < 0.5 ? nelm_sf_norm_quantile(tg->f) : -nelm_sf_norm_quantile_log(tg->log_s);
    return exp(mu + sigma * z);
}

/* Families with a closed-form inverse work from H alone. 0 < h < H(inf). */
static double
inv_closed(const nelm_dist *d, double h)
{
    const double *p = d->par;
    switch (d->family) {
    case NELM_DIST_EXP:
        return h / p[0];
    case NELM_DIST_WEIBULL:
        return p[1] * pow(h, d->c[0]);
    case NELM_DIST_WEIBULL_PH:
        return pow(h / p[1], d->c[0]);
    case NELM_DIST_GOMPERTZ:
        return gompertz_inv_cumhaz(p[0], p[1], h);
    case NELM_DIST_LLOGIS: {
        /* H = log(1 + y), y = (x/scale)^shape: log y = log expm1(H). */
        double ly = h > 1.0 ? h + log1p(-exp(-h)) : log(expm1(h));
        return exp(d->c[1] + ly * d->c[0]);
    }
    case NELM_DIST_PEXP: {
        size_t i = d->npieces - 1;
        while (i > 0 && h < d->cumhaz[i])
            i--;
        if (d->rates[i] == 0.0) {
            /* h equals the cumulative hazard at this cut (any h inside a
             * zero-rate piece would have stopped the scan higher): the first
             * time H reaches h is the lowest cut with that cumulative hazard. */
            while (i > 0 && d->cumhaz[i - 1] == h)
                i--;
            return d->cuts[i];
        }
        return d->cuts[i] + (h - d->cumhaz[i]) / d->rates[i];
    }
    default:
        break;
    }
    nelm_bug_assert(0);
}

static bool
has_closed_inverse(const nelm_dist *d)
{
    return d->family != NELM_DIST_LNORM && d->family != NELM_DIST_GAMMA &&
           d->family != NELM_DIST_GENGAMMA;
}

/* Families without a closed form invert a special function, from whichever
 * tail is accurate. */
static double
inv_tail(const nelm_dist *d, const target *tg)
{
    const double *p = d->par;
    switch (d->family) {
    case NELM_DIST_LNORM:
        return inv_lnorm(p[0], p[1], tg);
    case NELM_DIST_GAMMA: {
        double g = tg->f < 0.5 ? nelm_sf_gamma_p_inv(p[0], tg->f)
                               : nelm_sf_gamma_q_inv_log(p[0], tg->log_s);
        return g / p[1];
    }
    case NELM_DIST_GENGAMMA: {
        if (gengamma_is_lnorm(d))
            return inv_lnorm(p[0], p[1], tg);
        double a = d->c[0], q = p[2], u;
        if (q > 0) /* F = P(γ, u) */
            u = tg->f < 0.5 ? nelm_sf_gamma_p_inv(a, tg->f) : nelm_sf_gamma_q_inv_log(a, tg->log_s);
        else { /* S = P(γ, u), F = Q(γ, u) */
            double s = exp(tg->log_s);
            u = s < 0.5 ? nelm_sf_gamma_p_inv(a, s) : nelm_sf_gamma_q_inv_log(a, tg->log_f);
        }
        double w = (log(u) - d->c[1]) / q;
        return exp(p[0] + p[1] * w);
    }
    default:
        break;
    }
    nelm_bug_assert(0);
}

/* The time (family unit) where H reaches the target; +inf when it never does. */
static double
inv_unit(const nelm_dist *d, const target *tg)
{
    double h = -tg->log_s;
    if (!(h > 0))
        return 0.0;
    if (h >= cumhaz_total(d))
        return INFINITY;
    return has_closed_inverse(d) ? inv_closed(d, h) : inv_tail(d, tg);
}

/* H^{-1}(h) in the family unit: the sampling path, so closed forms skip
 * building the tail probabilities. */
static double
inv_cumhaz_unit(const nelm_dist *d, double h)
{
    if (!(h > 0))
        return 0.0;
    if (h >= cumhaz_total(d))
        return INFINITY;
    if (has_closed_inverse(d))
        return inv_closed(d, h);
    target tg;
    tg.f = -expm1(-h);
    tg.log_f = h < 0.7 ? log(tg.f) : log1p(-exp(-h));
    tg.log_s = -h;
    return inv_tail(d, &tg);
}

/* ------------------------------------------------------------------------ */
/* Public functions of the base distribution (months)                        */

double
nelm_dist_pdf(const nelm_dist *d, double t)
{
    if (isnan(t))
        return NAN;
    if (t < 0 || isinf(t))
        return 0.0;
    double x = t * d->per_month;
    if (x == 0.0)
        return hazard_unit(d, 0.0) * d->per_month;
    point pt;
    eval_point(d, x, &pt);
    return exp(pt.log_pdf) * d->per_month;
}

double
nelm_dist_surv(const nelm_dist *d, double t)
{
    if (isnan(t))
        return NAN;
    if (t <= 0)
        return 1.0;
    if (isinf(t))
        return exp(-cumhaz_total(d));
    point pt;
    eval_point(d, t * d->per_month, &pt);
    return pt.s;
}

double
nelm_dist_cdf(const nelm_dist *d, double t)
{
    if (isnan(t))
        return NAN;
    if (t <= 0)
        return 0.0;
    if (isinf(t))
        return -expm1(-cumhaz_total(d));
    point pt;
    eval_point(d, t * d->per_month, &pt);
    return pt.f;
}

double
nelm_dist_cumhaz(const nelm_dist *d, double t)
{
    if (isnan(t))
        return NAN;
    if (t <= 0)
        return 0.0;
    if (isinf(t))
        return cumhaz_total(d);
    point pt;
    eval_point(d, t * d->per_month, &pt);
    return pt.cumhaz;
}

double
nelm_dist_hazard(const nelm_dist *d, double t)
{
    if (isnan(t))
        return NAN;
    if (t < 0)
        return 0.0;
    return hazard_unit(d, t * d->per_month) * d->per_month;
}

double
nelm_dist_quantile(const nelm_dist *d, double p)
{
    if (isnan(p) || p < 0 || p > 1)
        return NAN;
    if (p == 0)
        return 0.0;
    if (p == 1)
        return INFINITY;
    target tg = {p, log(p), log1p(-p)};
    return inv_unit(d, &tg) / d->per_month;
}

double
nelm_dist_inv_cumhaz(const nelm_dist *d, double h)
{
    if (isnan(h) || h < 0)
        return NAN;
    return inv_cumhaz_unit(d, h) / d->per_month;
}

/* ------------------------------------------------------------------------ */
/* Integration of the survival function                                       */

/* Survival of the HR-modified base (no cure, no AF) in the family's unit. */
typedef struct surv_ctx {
    const nelm_dist *d;
    double hr;
} surv_ctx;

static double
surv_hr(const void *ctx, double x)
{
    const surv_ctx *c = ctx;
    if (x <= 0)
        return 1.0;
    point pt;
    eval_point(c->d, x, &pt);
    return c->hr == 1.0 ? pt.s : exp(-c->hr * pt.cumhaz);
}

/* ∫0^xmax S0(x)^hr dx in the family's unit, with break points at quantiles
 * of the modified distribution so sharp drops are resolved. */
static double
integrate_surv(const nelm_dist *d, double hr, double xmax)
{
    static const double probs[] = {1e-9, 1e-4, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.9999,
                                   1 - 1e-9};
    enum { NP = sizeof probs / sizeof probs[0] };
    surv_ctx c = {d, hr};
    double pts[NP + NELM_PEXP_MAX + 2];
    size_t n = 0;
    pts[n++] = 0.0;
    for (size_t i = 0; i < NP; i++) {
        double x = inv_cumhaz_unit(d, -log1p(-probs[i]) / hr);
        if (x > pts[n - 1] && x < xmax)
            pts[n++] = x;
    }
    if (d->family == NELM_DIST_PEXP)
        for (size_t i = 1; i < d->npieces; i++) {
            /* keep sorted: insert cut points */
            double x = d->cuts[i];
            if (x >= xmax)
                break;
            size_t j = n;
            while (j > 0 && pts[j - 1] > x)
                j--;
            if (j > 0 && pts[j - 1] == x)
                continue;
            memmove(pts + j + 1, pts + j, (n - j) * sizeof *pts);
            pts[j] = x;
            n++;
        }
    pts[n++] = xmax;
    return nelm_quad(surv_hr, &c, pts, n, 1e-14);
}

/* RMST to xmax in the family's unit with closed forms where they exist. */
static double
rmst_unit(const nelm_dist *d, double xmax)
{
    const double *p = d->par;
    if (xmax <= 0)
        return 0.0;
    switch (d->family) {
    case NELM_DIST_EXP:
        return -expm1(-p[0] * xmax) / p[0];
    case NELM_DIST_WEIBULL:
    case NELM_DIST_WEIBULL_PH: {
        /* ∫0^X e^{-(x/s)^k} dx = s Γ(1 + 1/k) P(1/k, (X/s)^k) */
        double k = p[0];
        double log_s = d->family == NELM_DIST_WEIBULL ? d->c[1] : -log(p[1]) / k;
        double z = exp(k * (log(xmax) - log_s));
        double log_p = nelm_sf_gamma_log_p(1.0 / k, z);
        return exp(log_s + nelm_sf_lgamma(1.0 + 1.0 / k) + log_p);
    }
    case NELM_DIST_GAMMA: {
        /* X Q(a, rX) + (a/r) P(a + 1, rX) */
        double a = p[0], r = p[1];
        return xmax * nelm_sf_gamma_q(a, r * xmax) + a / r * nelm_sf_gamma_p(a + 1.0, r * xmax);
    }
    case NELM_DIST_LNORM: {
        /* X S(X) + e^{μ + σ²/2} Φ((log X - μ - σ²)/σ) */
        double mu = p[0], s = p[1];
        double z = (log(xmax) - mu) / s;
        return xmax * nelm_sf_norm_sf(z) + exp(mu + 0.5 * s * s + nelm_sf_norm_log_cdf(z - s));
    }
    case NELM_DIST_PEXP: {
        double sum = 0.0;
        for (size_t i = 0; i < d->npieces; i++) {
            double a = d->cuts[i];
            if (a >= xmax)
                break;
            double b = i + 1 < d->npieces ? d->cuts[i + 1] : INFINITY;
            double len = (b < xmax ? b : xmax) - a, r = d->rates[i];
            double s_a = exp(-d->cumhaz[i]);
            sum += r > 0 ? s_a * -expm1(-r * len) / r : s_a * len;
        }
        return sum;
    }
    default:
        return integrate_surv(d, 1.0, xmax);
    }
}

double
nelm_dist_rmst(const nelm_dist *d, double tau)
{
    if (isnan(tau))
        return NAN;
    if (isinf(tau) && tau > 0)
        return nelm_dist_mean(d);
    return rmst_unit(d, tau * d->per_month) / d->per_month;
}

double
nelm_dist_mean(const nelm_dist *d)
{
    const double *p = d->par;
    double m = INFINITY;
    switch (d->family) {
    case NELM_DIST_EXP:
        m = 1.0 / p[0];
        break;
    case NELM_DIST_WEIBULL:
        m = exp(d->c[1] + nelm_sf_lgamma(1.0 + d->c[0]));
        break;
    case NELM_DIST_WEIBULL_PH:
        m = exp(-log(p[1]) * d->c[0] + nelm_sf_lgamma(1.0 + d->c[0]));
        break;
    case NELM_DIST_GOMPERTZ:
        if (p[0] > 0) /* (1/b) e^{a/b} E1(a/b) */
            m = nelm_sf_expint_e1_scaled(p[1] / p[0]) / p[0];
        else if (p[0] == 0)
            m = 1.0 / p[1];
        break; /* shape < 0: defective, infinite */
    case NELM_DIST_LNORM:
        m = exp(p[0] + 0.5 * p[1] * p[1]);
        break;
    case NELM_DIST_LLOGIS:
        if (p[0] > 1) {
            double b = PI / p[0];
            m = p[1] * b / sin(b);
        }
        break;
    case NELM_DIST_GAMMA:
        m = p[0] / p[1];
        break;
    case NELM_DIST_GENGAMMA: {
        double mu = p[0], s = p[1], q = p[2];
        if (gengamma_is_lnorm(d)) {
            m = exp(mu + 0.5 * s * s);
            break;
        }
        /* E T = e^μ (Q²)^{σ/Q} Γ(γ + σ/Q) / Γ(γ), finite iff γ + σ/Q > 0. */
        double g = d->c[0], delta = s / q;
        if (!(g + delta > 0))
            break;
        double log_m;
        if (g >= 10 && g + delta >= 10) {
            /* Stirling form without cancellation for large γ (small |Q|):
             * log m = μ + γ(log1p(y) - y) + (δ - 1/2) log1p(y) + corr(γ+δ) - corr(γ),
             * y = σQ = δ/γ. */
            double y = s * q;
            log_m = mu + g * nelm_sf_log1pmx(y) + (delta - 0.5) * log1p(y) +
                    nelm_sf_lgamma_corr(g + delta) - nelm_sf_lgamma_corr(g);
        } else {
            log_m = mu - delta * d->c[1] + nelm_sf_lgamma(g + delta) - nelm_sf_lgamma(g);
        }
        m = exp(log_m);
        break;
    }
    case NELM_DIST_PEXP: {
        size_t last = d->npieces - 1;
        if (d->rates[last] > 0)
            m = rmst_unit(d, d->cuts[last]) + exp(-d->cumhaz[last]) / d->rates[last];
        break;
    }
    case NELM_DIST_NFAMILIES:
        nelm_bug_assert(0);
    }
    return m / d->per_month;
}

/* ------------------------------------------------------------------------ */
/* Modified distribution and sampling                                         */

double
nelm_dist_surv_mod(const nelm_dist *d, const nelm_mod *m, double t)
{
    if (isnan(t))
        return NAN;
    if (t <= 0)
        return 1.0;
    double h = nelm_dist_cumhaz(d, t / m->af);
    return m->cure + (1.0 - m->cure) * exp(-m->hr * h);
}

double
nelm_dist_rmst_mod(const nelm_dist *d, const nelm_mod *m, double tau)
{
    if (isnan(tau))
        return NAN;
    if (tau <= 0)
        return 0.0;
    if (isinf(tau)) {
        /* The mean of the modified distribution. */
        if (m->cure > 0 || !isinf(cumhaz_total(d)))
            return INFINITY;
        if (m->hr == 1.0)
            return m->af * nelm_dist_mean(d);
        /* Power-law tails: S0^HR ~ t^{-α HR}, finite mean iff α HR > 1. */
        if (d->family == NELM_DIST_LLOGIS && !(d->par[0] * m->hr > 1.0))
            return INFINITY;
        if (d->family == NELM_DIST_GENGAMMA && !gengamma_is_lnorm(d) && d->par[2] < 0 &&
            !(m->hr > d->par[1] * fabs(d->par[2])))
            return INFINITY;
        /* Otherwise integrate to where S0^HR = e^{-45}; the rest is below
         * 1e-19 of the mean for every family here. */
        double xmax = inv_cumhaz_unit(d, 45.0 / m->hr);
        return m->af * integrate_surv(d, m->hr, xmax) / d->per_month;
    }
    double xmax = tau / m->af * d->per_month;
    double uncured = m->hr == 1.0 ? rmst_unit(d, xmax) : integrate_surv(d, m->hr, xmax);
    return m->cure * tau + (1.0 - m->cure) * m->af * uncured / d->per_month;
}

/* From the target cumulative hazard of the base to a time in months,
 * clamped to the finite positive doubles. */
static bool
finish(const nelm_dist *d, const nelm_mod *m, double h, double t_min, double *t)
{
    double total = cumhaz_total(d);
    if (isfinite(total) && h >= total)
        return false; /* beyond a defective distribution's plateau */
    double x = inv_cumhaz_unit(d, h);
    /* v = af * (x / per_month); dividing or multiplying by exactly 1 changes
     * nothing, so the common unit months and af = 1 skip the operation and
     * its latency (the engine waits on every draw) */
    double v = d->per_month == 1.0 ? x : x / d->per_month;
    if (m->af != 1.0)
        v = m->af * v;
    if (!(v >= DBL_MIN))
        v = DBL_MIN;
    if (!(v <= DBL_MAX))
        v = DBL_MAX;
    *t = v < t_min ? t_min : v;
    return true;
}

bool
nelm_dist_draw(const nelm_dist *d, const nelm_mod *m, double u, double *t)
{
    double e;
    if (m->cure > 0) {
        if (u <= m->cure)
            return false;
        /* The uncured part's uniform is (u - π)/(1 - π) = 1 - (1-u)/(1-π). */
        e = -log1p(-(1.0 - u) / (1.0 - m->cure));
    } else {
        e = -log(u);
    }
    /* e / 1 is exactly e: skip the division when there is no hazard ratio */
    return finish(d, m, m->hr == 1.0 ? e : e / m->hr, 0.0, t);
}

bool
nelm_dist_draw_after(const nelm_dist *d, const nelm_mod *m, double t0, double u, double *t)
{
    if (!(t0 > 0))
        return nelm_dist_draw(d, m, u, t);
    double h0 = nelm_dist_cumhaz(d, t0 / m->af);
    double e;
    if (m->cure > 0) {
        /* Given survival to t0 the cure probability is π / S(t0). */
        double s_unc = exp(-m->hr * h0);
        double pc = m->cure / (m->cure + (1.0 - m->cure) * s_unc);
        if (u <= pc)
            return false;
        e = -log1p(-(1.0 - u) / (1.0 - pc));
    } else {
        e = -log(u);
    }
    if (isinf(h0)) { /* survival to t0 had probability zero: event at once */
        *t = t0;
        return true;
    }
    return finish(d, m, h0 + e / m->hr, t0, t);
}

bool
nelm_dist_sample(const nelm_dist *d, const nelm_mod *m, nelm_rng *r, double *t)
{
    return nelm_dist_draw(d, m, nelm_rng_uniform_pos(r), t);
}
