/* cohort.h — baseline patients (DESIGN §2.1): attributes, entry state and
 * population filters, sampled from keyed streams so a patient is a pure
 * function of (parameters, seed, index).
 *
 * Key layout: candidate k of patient i draws attribute j from the generator
 * keyed (seed, i, NELM_STREAM_BASELINE, instance 0, occurrence k, slot j),
 * j = NELM_ATTR_*; a candidate that fails a filter is replaced by candidate
 * k + 1, up to max_tries. Adding an attribute (a new slot) changes no other.
 * Each attribute takes one uniform from its generator (inversion), so a
 * parameter changes only its own attribute and those conditioned on it
 * (Ki-67 and SSTR on the grade, syndrome on functional), and, through the
 * filters, which candidate is accepted. */
#ifndef NELM_COHORT_H
#define NELM_COHORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef enum nelm_attr {
    NELM_ATTR_AGE = 0,          /**< years at the decision point, continuous */
    NELM_ATTR_SEX,              /**< nelm_sex */
    NELM_ATTR_SITE,             /**< nelm_site */
    NELM_ATTR_KI67,             /**< Ki-67 index, %, continuous */
    NELM_ATTR_GRADE,            /**< nelm_grade: drawn first (grade_p), Ki-67 then
                                     drawn within it; always the WHO grade of ki67 */
    NELM_ATTR_BURDEN,           /**< nelm_burden: hepatic tumour burden */
    NELM_ATTR_FRILLING,         /**< nelm_frilling: I, II, III */
    NELM_ATTR_EXTRAHEPATIC,     /**< bool */
    NELM_ATTR_FUNCTIONAL,       /**< bool */
    NELM_ATTR_SYNDROME,         /**< bool: carcinoid syndrome (functional only) */
    NELM_ATTR_SSTR,             /**< bool: SSTR positive, by grade */
    NELM_ATTR_ECOG,             /**< 0..4 */
    NELM_ATTR_PRIMARY_RESECTED, /**< bool */
    NELM_NATTRS
} nelm_attr;

typedef enum nelm_sex { NELM_FEMALE = 0, NELM_MALE = 1, NELM_NSEXES } nelm_sex;
typedef enum nelm_site {
    NELM_SITE_SMALL_BOWEL = 0, /**< small bowel / midgut */
    NELM_SITE_PANCREAS,
    NELM_SITE_OTHER_GI,
    NELM_SITE_UNKNOWN,
    NELM_NSITES
} nelm_site;
typedef enum nelm_grade { NELM_G1 = 0, NELM_G2, NELM_G3, NELM_NGRADES } nelm_grade;
typedef enum nelm_burden {
    NELM_BURDEN_LT25 = 0, /**< < 25 % of the liver */
    NELM_BURDEN_25_50,    /**< 25–50 % */
    NELM_BURDEN_GT50,     /**< > 50 % */
    NELM_NBURDENS
} nelm_burden;
typedef enum nelm_frilling {
    NELM_FRILLING_I = 0, /**< single metastasis */
    NELM_FRILLING_II,    /**< bulky with satellites */
    NELM_FRILLING_III,   /**< disseminated */
    NELM_NFRILLING
} nelm_frilling;
#define NELM_NECOG 5

/** Modality kinds as bits, for the entry state's prior treatments. */
enum {
    NELM_PRIOR_RESECTION = 1u << 0,
    NELM_PRIOR_TRANSPLANT = 1u << 1,
    NELM_PRIOR_IAT = 1u << 2,
    NELM_PRIOR_PRRT = 1u << 3,
    NELM_PRIOR_SSA = 1u << 4,
    NELM_PRIOR_TARGETED = 1u << 5,
};

/** WHO 2019 grade cut-offs on Ki-67 (%): G1 < 3, G2 3–20, G3 > 20. */
#define NELM_KI67_G2_FROM 3.0
#define NELM_KI67_G3_ABOVE 20.0
/** Ki-67 is a percentage: ranges lie in (0, NELM_KI67_MAX]. */
#define NELM_KI67_MAX 100.0
/** Highest line of therapy a patient may enter at. */
#define NELM_ENTRY_LINE_MAX 20

/** A population filter: the patient passes when the attribute lies in
 *  [lo, hi] (continuous attributes and ECOG; lo, hi finite, allowed ignored)
 *  or its category's bit is set in allowed (categorical and boolean
 *  attributes: bit 0 = false/first; lo, hi ignored). */
typedef struct nelm_filter {
    nelm_attr attr;
    double lo, hi;
    uint32_t allowed;
    char name[64]; /**< for messages, e.g. "cohort.filters[2] (ki67)" */
} nelm_filter;

#define NELM_MAX_FILTERS 16
#define NELM_FILTER_MAX_TRIES 65535u

typedef struct nelm_cohort_params {
    /* age: normal(mean, sd) truncated to [min, max], years */
    double age_mean, age_sd, age_min, age_max;
    double p_male;
    double site_p[NELM_NSITES];
    /* Ki-67: the grade is drawn with grade_p, then Ki-67 log-uniform on
     * [ki67_lo[g], ki67_hi[g]] (the grade derived back from Ki-67 by the WHO
     * cut-offs must be g: the ranges lie within the grade's band) */
    double grade_p[NELM_NGRADES];
    double ki67_lo[NELM_NGRADES], ki67_hi[NELM_NGRADES];
    double burden_p[NELM_NBURDENS];
    double frilling_p[NELM_NFRILLING];
    double p_extrahepatic;
    double p_functional;
    double p_syndrome_if_functional;
    double p_sstr_by_grade[NELM_NGRADES];
    double ecog_p[NELM_NECOG];
    double p_primary_resected;
    /* entry state */
    int entry_line;          /**< 1 = first line */
    uint32_t entry_prior;    /**< NELM_PRIOR_* bits */
    bool entry_progressive;  /**< progressive disease at entry */
    /* filters */
    size_t nfilters;
    nelm_filter filters[NELM_MAX_FILTERS];
    uint32_t max_tries;      /**< candidates per patient, 1..NELM_FILTER_MAX_TRIES */
} nelm_cohort_params;

typedef struct nelm_patient {
    uint64_t index;
    double age; /**< years at the decision point */
    nelm_sex sex;
    nelm_site site;
    double ki67; /**< % */
    nelm_grade grade;
    nelm_burden burden;
    nelm_frilling frilling;
    bool extrahepatic, functional, syndrome, sstr, primary_resected;
    int ecog;
    int entry_line;
    uint32_t prior;
    bool progressive;
    uint32_t tries; /**< candidates drawn before one passed the filters */
} nelm_patient;

/** Validate, with a message naming the field as a parameter file does
 *  ("cohort.site: probabilities sum to 1.2 (expected 1)"): every number
 *  finite; probabilities in [0, 1]; each distribution sums to 1 within 1e-9;
 *  age_sd > 0, 0 <= age_min < age_max; Ki-67 ranges 0 < lo <= hi inside
 *  their grade band (G1 (0, 3), G2 [3, 20], G3 (20, 100]; every grade, even
 *  one of probability 0); entry_line in 1..NELM_ENTRY_LINE_MAX; entry_prior
 *  only NELM_PRIOR_* bits; max_tries in 1..NELM_FILTER_MAX_TRIES; at most
 *  NELM_MAX_FILTERS filters, each on a known attribute, with lo <= hi (range
 *  filters) or a non-empty mask of existing categories (the others), and a
 *  NUL-terminated name (empty: messages use "cohort.filters[i] (attr)"). */
int nelm_cohort_check(const nelm_cohort_params *cp, nelm_err *e);

/** Attribute value as a double (categories and booleans as their index). */
double nelm_patient_attr(const nelm_patient *pt, nelm_attr a);
bool nelm_filter_pass(const nelm_filter *f, const nelm_patient *pt);

/** Patient `index` for `seed`: pure function of (cp, seed, index); cp must
 *  have passed nelm_cohort_check. Fails (NELM_ERR_PARAM, message naming the
 *  filter that rejected most candidates and the patient) when max_tries
 *  candidates all fail; *pt is then zeroed but for its index. No allocation,
 *  no global state: safe from any number of threads. */
int nelm_cohort_sample(const nelm_cohort_params *cp, uint64_t seed, uint64_t index,
                       nelm_patient *pt, nelm_err *e);

/** Before a run: estimate each filter's pass rate from `pilot` (> 0)
 *  unfiltered candidates (candidate 0 of patients 0..pilot-1, the draws
 *  sampling uses); error naming the most restrictive filter (with its
 *  estimated pass rate) when the filters together pass none, or fewer than
 *  min(1, 20/max_tries) of them: at a pass rate q >= 20/max_tries a patient
 *  fails with probability (1 - q)^max_tries < e^-20, so a run never starts
 *  that would fail on a patient far into it (max_tries <= 20 needs every
 *  pilot to pass). cp must have passed nelm_cohort_check. */
int nelm_cohort_check_filters(const nelm_cohort_params *cp, uint64_t seed, size_t pilot,
                              nelm_err *e);

/** Names for messages and output, as parameter files spell them: attributes
 *  ("age", "ki67", "carcinoid_syndrome", "sstr_positive"; "unknown" when out
 *  of range) and their categories ("small_bowel", "G2", "lt25", "25to50",
 *  "I", "female", "false"/"true", ECOG "0".."4"; NULL for a continuous
 *  attribute or a value out of range). */
const char *nelm_attr_name(nelm_attr a);
const char *nelm_attr_category_name(nelm_attr a, int value);
/** Number of categories (booleans 2, ECOG 5); 0 for age and Ki-67. */
int nelm_attr_ncategories(nelm_attr a);
#endif
