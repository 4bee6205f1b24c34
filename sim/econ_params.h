/* econ_params.h — the `economics:` section of a parameter file (issue 9):
 * currency and price year, discounting, the utilities of the health states,
 * best-supportive-care costs, optional age-adjusted utility norms, the
 * willingness-to-pay values, and per modality instance its costs, its
 * progression-free utility and its toxicity's cost and disutility.
 *
 * Absent (or `enabled: false`): no economics is computed or written. When
 * enabled, currency, price_year, the state utilities, the best-supportive-
 * care cost and an entry for every modality instance a strategy uses are
 * required; a missing one is an error naming it.
 *
 * Units: costs in the stated currency (per month, per course, per event);
 * utilities on the 0 (dead) to 1 (full health) scale (negative allowed);
 * discount rates per year; durations in months. */
#ifndef NELM_ECON_PARAMS_H
#define NELM_ECON_PARAMS_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "model.h"

#define NELM_ECON_MAX_WTP 8    /**< willingness-to-pay values reported */
#define NELM_ECON_TEXT_MAX 256 /**< = NELM_PATH_MAX (text keys) */
#define NELM_ECON_NAME_MAX 64  /**< = NELM_NAME_MAX (named entries) */

/** Years covered by the discount tables (t up to the horizon: horizon.age
 *  is at most 150); later times fall back to exp. */
#define NELM_ECON_DISC_YEARS 152

/** Continuous discounting at d per month, exp(-d t), by tables derived at
 *  load: t = 12 n + j + f months (n whole years, j whole months, f < 1)
 *  gives year[n] month[j] exp(-d f), the last factor by its Taylor series
 *  to degree 7 (exact to rounding for d <= NELM_ECON_DISC_DMAX, a rate of
 *  40 % a year; beyond, or past the tables, exp itself): nelm_econ_factor below. */
typedef struct nelm_econ_disc {
    double d;
    double year[NELM_ECON_DISC_YEARS]; /**< exp(-12 d n) */
    double month[13];                  /**< exp(-d j) */
} nelm_econ_disc;

#define NELM_ECON_DISC_DMAX 0.028

/** The tables for d >= 0 per month (done at load for both rates). */
void nelm_econ_disc_init(nelm_econ_disc *t, double d);

/** exp(-d t) for t >= 0 by the tables. */
double nelm_econ_discount(const nelm_econ_disc *t, double months);

/** exp(-d t), t >= 0, by the tables: t = 12 n + j + f months (inline: the
 *  economics walk's hot path, and the bench's economics floor) */
static inline double
nelm_econ_factor(const nelm_econ_disc *tb, double t)
{
    double d = tb->d;
    if (d == 0)
        return 1.0;
    double y = t * (1.0 / 12.0);
    if (!(y >= 0 && y < (double)(NELM_ECON_DISC_YEARS - 1)) || d > NELM_ECON_DISC_DMAX)
        return exp(-d * t);
    int n = (int)y;                  /* int conversions: one instruction each */
    double r = t - 12.0 * (double)n; /* [0, 12] up to rounding of y */
    if (r < 0 && n > 0) {
        n--;
        r += 12.0;
    }
    int j = r <= 0 ? 0 : r >= 12 ? 12 : (int)r;
    double z = -d * (r - (double)j); /* |z| < d */
    double e =
        1.0 +
        z * (1.0 + z * (1.0 / 2 +
                        z * (1.0 / 6 + z * (1.0 / 24 + z * (1.0 / 120 +
                                                            z * (1.0 / 720 + z * (1.0 / 5040)))))));
    return tb->year[n] * tb->month[j] * e;
}

/** One modality instance's economics (economics.modalities.NAME). */
typedef struct nelm_econ_instance {
    char name[NELM_ECON_NAME_MAX]; /**< the modality instance */
    double cost_course;            /**< one-off per course, at its start (a transplant:
                                        when it is performed) */
    double cost_month;             /**< per month on treatment (an SSA given as
                                        backbone: also while it continues) */
    double utility;                /**< progression-free on a line of this instance */
    double tox_cost;               /**< per toxicity event */
    double tox_disutility;         /**< subtracted from the utility ... */
    double tox_months;             /**< ... this many months from the event */
} nelm_econ_instance;

typedef struct nelm_econ_params {
    bool enabled;
    char currency[NELM_ECON_TEXT_MAX];
    int price_year;
    size_t nwtp;
    double wtp[NELM_ECON_MAX_WTP]; /**< per QALY, for the net monetary benefit */
    double ceac_max, ceac_step;    /**< PSA: the CEAC grid 0, step, ..., max */
    double r_cost, r_effect;       /**< annual discount rates (continuous time) */
    double u_post;                 /**< after progression, until the next line */
    double u_bsc;                  /**< best supportive care */
    double u_syndrome;             /**< uncontrolled carcinoid syndrome */
    double bsc_cost_month;
    /* general-population norms: multiplier N(a) / N(a0) on every utility,
     * a = completed years of age, a0 at the start, N(a) = c0 + male [male]
     * + age a + age2 a^2 (Ara & Brazier 2010) */
    bool norms;
    double norm_c0, norm_male, norm_age, norm_age2;
    size_t nentries;
    nelm_econ_instance entry[NELM_MAX_INSTANCES];
    /** derived at load: entry index of modality instance i, -1 when none */
    int of_instance[NELM_MAX_INSTANCES];
    /** derived at load: ln(1 + r) / 12, per month, of r_effect and r_cost */
    double d_effect, d_cost;
    /** derived at load: their tables */
    nelm_econ_disc disc_effect, disc_cost;
} nelm_econ_params;

struct nelm_psection;
/** The section (econ_params.c), for the root declaration in params_spec.c. */
extern const struct nelm_psection nelm_econ_section;

#endif
