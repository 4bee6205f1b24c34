/* lifetable.h — background mortality from a period life table (DESIGN §2.2).
 *
 * The table gives annual all-cause death rates by single year of age and sex
 * (per person-year); the hazard per month is rate / 12, constant within each
 * year of age. Beyond the last age used (default 100: the US 2015 values
 * above 100 are noisy and not monotone) the rate of that age is held
 * constant. Each patient draws one age at death, once, conditioned on being
 * alive at the age at start.
 *
 * Parsing and loading fill a caller-owned table (no allocation kept); the
 * table is then read-only, and cumhaz, surv and death_age are pure functions
 * of it: thread-safe, no allocation, no I/O. Ages are in years.
 */
#ifndef NELM_LIFETABLE_H
#define NELM_LIFETABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "cohort.h"
#include "error.h"

#define NELM_LIFETABLE_MAX_AGE 120

typedef struct nelm_lifetable {
    int last_age;                                   /**< rates beyond held constant */
    /** per person-year on [a, a + 1), from the table for a <= last_age; beyond,
     *  filled with rate[s][last_age] */
    double rate[NELM_NSEXES][NELM_LIFETABLE_MAX_AGE + 1];
    /** H(a) from birth at integer ages: cum[s][a] = rate[s][0] + ... + rate[s][a-1]
     *  (beyond last_age computed as cum[s][last_age] + (a - last_age) * rate) */
    double cum[NELM_NSEXES][NELM_LIFETABLE_MAX_AGE + 2];
    char source[256]; /**< the name given to parse, the path, or "built-in: US 2015 ..." */
} nelm_lifetable;

/** Parse CSV text (len bytes, need not be NUL-terminated) with a header
 *  naming at least the columns Age, Female and Male (others ignored; any
 *  column order; names matched without regard to case; fields may be
 *  double-quoted), one row per single year of age from 0 without gaps, at
 *  most to NELM_LIFETABLE_MAX_AGE, rates per person-year finite, >= 0 and at
 *  most 100. CRLF line ends, a UTF-8 byte order mark and blank lines are
 *  accepted. last_age (0..NELM_LIFETABLE_MAX_AGE): use rows up to this age
 *  (must be present; later rows are still checked) and hold its rate beyond.
 *  Numbers are read with strtod in the "C" locale. Errors (NELM_ERR_PARAM)
 *  are reported as "name:line:col: what (expected ...)"; on error *lt is
 *  zeroed. name (may be NULL) also becomes lt->source. */
int nelm_lifetable_parse(nelm_lifetable *lt, const char *text, size_t len, const char *name,
                         int last_age, nelm_err *e);
/** Read and parse a CSV file; the path names it in messages. NELM_ERR_IO with
 *  the path and the system's reason when it cannot be read, NELM_ERR_LIMIT
 *  when it is larger than 16 MiB. */
int nelm_lifetable_load(nelm_lifetable *lt, const char *path, int last_age, nelm_err *e);
/** The built-in default: US 2015 period life table (params/us-mortality-2015.csv
 *  compiled in), last age 100. */
int nelm_lifetable_default(nelm_lifetable *lt, nelm_err *e);

/** Cumulative hazard from birth to age (years, >= 0; may be +inf):
 *  piecewise linear between integer ages, linear with the last rate beyond
 *  last_age. */
double nelm_lifetable_cumhaz(const nelm_lifetable *lt, nelm_sex sex, double age);
/** Survival from age a0 to age a1 >= a0: exp(-(H(a1) - H(a0))). */
double nelm_lifetable_surv(const nelm_lifetable *lt, nelm_sex sex, double a0, double a1);
/** Age at death for someone alive at age0, from one uniform u in (0, 1]:
 *  the smallest age >= age0 with H(death) = H(age0) - log u, found exactly
 *  (piecewise linear inversion). Finite when the rate at last_age is > 0; when
 *  it is 0 and the target lies beyond H(last_age), +inf ("never"). */
double nelm_lifetable_death_age(const nelm_lifetable *lt, nelm_sex sex, double age0, double u);
#endif
