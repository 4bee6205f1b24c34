/* params_spec.c — the declarations of every parameter section and key: the
 * one place that says what a parameter file may contain (see params.h). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cohort.h"
#include "econ_params.h"
#include "lifetable.h"
#include "params.h"
#include "params_model.h"

#define OFF(field) offsetof(nelm_params, field)
#define NKEYS(a) (sizeof(a) / sizeof((a)[0]))

/* A probability with its range. */
#define PROB(nm, field, docstr)                                                                 \
    {.name = nm, .type = NELM_P_NUM, .offset = OFF(field), .min = 0, .max = 1,                  \
     .unit = "probability", .doc = docstr}

static const char *const grade_names[] = {"G1", "G2", "G3"};
static const char *const prior_names[] = {"resection", "transplant", "iat",
                                          "prrt",      "ssa",        "targeted"};

/* Names of the filterable attributes and of an attribute's categories, from
 * the cohort module (one spelling for files, messages and output). */
static size_t
attr_list(const char *out[NELM_NATTRS])
{
    for (int a = 0; a < NELM_NATTRS; a++)
        out[a] = nelm_attr_name((nelm_attr)a);
    return NELM_NATTRS;
}

static size_t
category_list(nelm_attr a, const char *out[8])
{
    int n = nelm_attr_ncategories(a);
    for (int i = 0; i < n && i < 8; i++)
        out[i] = nelm_attr_category_name(a, i);
    return (size_t)(n < 8 ? n : 8);
}

/* ---- cohort.age ---- */

static int
check_age(nelm_pctx *c, const nelm_ynode *node, void *base, const char *path)
{
    const nelm_cohort_params *cp = &((const nelm_params *)base)->cohort;
    if (!(cp->age_min < cp->age_max))
        return nelm_pfail(c, node, path, "min %.17g must be below max %.17g", cp->age_min,
                          cp->age_max);
    return 0;
}

static const nelm_pkey age_keys[] = {
    {.name = "mean", .type = NELM_P_NUM, .offset = OFF(cohort.age_mean), .min = 0, .max = 120,
     .unit = "years", .doc = "mean of the normal distribution before truncation"},
    {.name = "sd", .type = NELM_P_NUM, .offset = OFF(cohort.age_sd), .min = 1e-6, .max = 100,
     .unit = "years", .doc = "standard deviation before truncation"},
    {.name = "min", .type = NELM_P_NUM, .offset = OFF(cohort.age_min), .min = 0, .max = 120,
     .unit = "years", .doc = "lower truncation point"},
    {.name = "max", .type = NELM_P_NUM, .offset = OFF(cohort.age_max), .min = 0, .max = 120,
     .unit = "years", .doc = "upper truncation point"},
};
static const nelm_psection age_sec = {"age", "age at the decision point: truncated normal",
                                      age_keys, NKEYS(age_keys), 0, 0, check_age};

/* ---- simple probabilities ---- */

static const nelm_pkey male_keys[] = {PROB("p", cohort.p_male, "probability of male sex")};
static const nelm_psection male_sec = {"male", "", male_keys, 1, 0, 0, NULL};
static const nelm_pkey exh_keys[] = {
    PROB("p", cohort.p_extrahepatic, "probability of extrahepatic disease at the start")};
static const nelm_psection exh_sec = {"extrahepatic", "", exh_keys, 1, 0, 0, NULL};
static const nelm_pkey func_keys[] = {
    PROB("p", cohort.p_functional, "probability of a functional (hormone-secreting) tumour")};
static const nelm_psection func_sec = {"functional", "", func_keys, 1, 0, 0, NULL};
static const nelm_pkey syn_keys[] = {PROB("p_if_functional", cohort.p_syndrome_if_functional,
                                          "probability of carcinoid syndrome given a functional "
                                          "tumour")};
static const nelm_psection syn_sec = {"carcinoid_syndrome", "", syn_keys, 1, 0, 0, NULL};
static const nelm_pkey res_keys[] = {
    PROB("p", cohort.p_primary_resected, "probability that the primary tumour is resected")};
static const nelm_psection res_sec = {"primary_resected", "", res_keys, 1, 0, 0, NULL};

/* ---- categorical distributions (probabilities that sum to 1) ---- */

static const nelm_pkey site_keys[] = {
    PROB("small_bowel", cohort.site_p[NELM_SITE_SMALL_BOWEL], "small bowel / midgut primary"),
    PROB("pancreas", cohort.site_p[NELM_SITE_PANCREAS], "pancreatic primary"),
    PROB("other_gi", cohort.site_p[NELM_SITE_OTHER_GI], "other gastrointestinal primary"),
    PROB("unknown", cohort.site_p[NELM_SITE_UNKNOWN], "unknown primary"),
};
static const nelm_psection site_sec = {"site", "", site_keys, NKEYS(site_keys),
                                       OFF(cohort.site_p), NELM_NSITES, NULL};

static const nelm_pkey grade_keys[] = {
    PROB("G1", cohort.grade_p[NELM_G1], "Ki-67 < 3 %"),
    PROB("G2", cohort.grade_p[NELM_G2], "Ki-67 3-20 %"),
    PROB("G3", cohort.grade_p[NELM_G3], "Ki-67 > 20 %"),
};
static const nelm_psection grade_sec = {"grade", "", grade_keys, NKEYS(grade_keys),
                                        OFF(cohort.grade_p), NELM_NGRADES, NULL};

static const nelm_pkey burden_keys[] = {
    PROB("lt25", cohort.burden_p[NELM_BURDEN_LT25], "under 25 % of the liver"),
    PROB("25to50", cohort.burden_p[NELM_BURDEN_25_50], "25-50 % of the liver"),
    PROB("gt50", cohort.burden_p[NELM_BURDEN_GT50], "over 50 % of the liver"),
};
static const nelm_psection burden_sec = {"burden", "", burden_keys, NKEYS(burden_keys),
                                         OFF(cohort.burden_p), NELM_NBURDENS, NULL};

static const nelm_pkey frilling_keys[] = {
    PROB("I", cohort.frilling_p[NELM_FRILLING_I], "single metastasis"),
    PROB("II", cohort.frilling_p[NELM_FRILLING_II], "bulky with satellites"),
    PROB("III", cohort.frilling_p[NELM_FRILLING_III], "disseminated"),
};
static const nelm_psection frilling_sec = {"frilling", "", frilling_keys, NKEYS(frilling_keys),
                                           OFF(cohort.frilling_p), NELM_NFRILLING, NULL};

static const nelm_pkey ecog_keys[] = {
    PROB("0", cohort.ecog_p[0], "ECOG 0"), PROB("1", cohort.ecog_p[1], "ECOG 1"),
    PROB("2", cohort.ecog_p[2], "ECOG 2"), PROB("3", cohort.ecog_p[3], "ECOG 3"),
    PROB("4", cohort.ecog_p[4], "ECOG 4"),
};
static const nelm_psection ecog_sec = {"ecog", "", ecog_keys, NKEYS(ecog_keys),
                                       OFF(cohort.ecog_p), NELM_NECOG, NULL};

/* ---- Ki-67 within grade, SSTR by grade ---- */

#define KI67_RANGE(g)                                                                           \
    static const nelm_pkey ki67_##g##_keys[] = {                                                \
        {.name = "min", .type = NELM_P_NUM, .offset = OFF(cohort.ki67_lo[NELM_##g]),             \
         .min = 1e-3, .max = 100, .unit = "%", .doc = "lowest Ki-67 in " #g},                   \
        {.name = "max", .type = NELM_P_NUM, .offset = OFF(cohort.ki67_hi[NELM_##g]),             \
         .min = 1e-3, .max = 100, .unit = "%", .doc = "highest Ki-67 in " #g},                  \
    };                                                                                          \
    static const nelm_psection ki67_##g##_sec = {#g, "", ki67_##g##_keys, 2, 0, 0, NULL}
KI67_RANGE(G1);
KI67_RANGE(G2);
KI67_RANGE(G3);

static int
check_ki67(nelm_pctx *c, const nelm_ynode *node, void *base, const char *path)
{
    const nelm_cohort_params *cp = &((const nelm_params *)base)->cohort;
    static const double band_lo[NELM_NGRADES] = {0, NELM_KI67_G2_FROM, NELM_KI67_G3_ABOVE};
    static const double band_hi[NELM_NGRADES] = {NELM_KI67_G2_FROM, NELM_KI67_G3_ABOVE, 100};
    for (int g = 0; g < NELM_NGRADES; g++) {
        const nelm_ynode *gn = nelm_ymap_get(node, grade_names[g]);
        char gp[NELM_PATH_MAX];
        snprintf(gp, sizeof gp, "%s.%s", path, grade_names[g]);
        double lo = cp->ki67_lo[g], hi = cp->ki67_hi[g];
        if (!(lo <= hi))
            return nelm_pfail(c, gn, gp, "min %.17g above max %.17g", lo, hi);
        /* the grade derived back from Ki-67 (WHO 2019) must be this grade */
        bool inside = g == NELM_G1   ? hi < band_hi[g]
                      : g == NELM_G2 ? lo >= band_lo[g] && hi <= band_hi[g]
                                     : lo > band_lo[g];
        if (!inside)
            return nelm_pfail(c, gn, gp, "range [%g, %g] leaves the %s band (WHO 2019: G1 < 3, "
                                         "G2 3-20, G3 > 20)",
                              lo, hi, grade_names[g]);
    }
    return 0;
}

static const nelm_pkey ki67_keys[] = {
    {.name = "G1", .type = NELM_P_SECTION, .sub = &ki67_G1_sec, .doc = "Ki-67 range of G1"},
    {.name = "G2", .type = NELM_P_SECTION, .sub = &ki67_G2_sec, .doc = "Ki-67 range of G2"},
    {.name = "G3", .type = NELM_P_SECTION, .sub = &ki67_G3_sec, .doc = "Ki-67 range of G3"},
};
static const nelm_psection ki67_sec = {"ki67", "", ki67_keys, NKEYS(ki67_keys), 0, 0,
                                       check_ki67};

static const nelm_pkey sstr_keys[] = {
    PROB("G1", cohort.p_sstr_by_grade[NELM_G1], "SSTR positive given G1"),
    PROB("G2", cohort.p_sstr_by_grade[NELM_G2], "SSTR positive given G2"),
    PROB("G3", cohort.p_sstr_by_grade[NELM_G3], "SSTR positive given G3"),
};
static const nelm_psection sstr_sec = {"sstr_positive", "", sstr_keys, NKEYS(sstr_keys), 0, 0,
                                       NULL};

/* ---- entry state ---- */

static const nelm_pkey entry_keys[] = {
    {.name = "line", .type = NELM_P_INT, .offset = OFF(cohort.entry_line), .min = 1, .max = 20,
     .doc = "line number at entry (1: first line)", .flags = NELM_PK_OPTIONAL, .def = "1"},
    {.name = "prior", .type = NELM_P_FLAGS, .offset = OFF(cohort.entry_prior),
     .names = prior_names, .nnames = NKEYS(prior_names),
     .doc = "modalities received before entry", .flags = NELM_PK_OPTIONAL, .def = "[]"},
    {.name = "progressive", .type = NELM_P_BOOL, .offset = OFF(cohort.entry_progressive),
     .doc = "progressive disease at entry", .flags = NELM_PK_OPTIONAL, .def = "false"},
};
static const nelm_psection entry_sec = {"entry", "", entry_keys, NKEYS(entry_keys), 0, 0, NULL};

/* ---- population filters (custom: the allowed values depend on the attribute) ---- */

static bool
attr_is_continuous(nelm_attr a)
{
    return a == NELM_ATTR_AGE || a == NELM_ATTR_KI67 || a == NELM_ATTR_ECOG;
}

static bool
attr_is_bool(nelm_attr a)
{
    return a == NELM_ATTR_EXTRAHEPATIC || a == NELM_ATTR_FUNCTIONAL || a == NELM_ATTR_SYNDROME ||
           a == NELM_ATTR_SSTR || a == NELM_ATTR_PRIMARY_RESECTED;
}

static int
parse_filters(nelm_pctx *c, const nelm_ynode *node, void *base, const char *path)
{
    nelm_cohort_params *cp = &((nelm_params *)base)->cohort;
    if (node->kind != NELM_YSEQ)
        return nelm_pfail(c, node, path, "expected a list of filters");
    if (node->n > NELM_MAX_FILTERS)
        return nelm_pfail(c, node, path, "%zu filters (at most %d)", node->n, NELM_MAX_FILTERS);
    cp->nfilters = 0;
    for (size_t i = 0; i < node->n; i++) {
        const nelm_ynode *f = node->vals[i];
        char fp[NELM_PATH_MAX], kp[NELM_PATH_MAX + 16];
        snprintf(fp, sizeof fp, "%s[%zu]", path, i);
        if (f->kind != NELM_YMAP)
            return nelm_pfail(c, f, fp, "expected a mapping {attribute: ..., min/max or in or "
                                        "is}");
        const nelm_ynode *an = nelm_ymap_get(f, "attribute");
        if (an == NULL)
            return nelm_pfail(c, f, fp, "missing required key 'attribute'");
        snprintf(kp, sizeof kp, "%s.attribute", fp);
        const char *attr_names[NELM_NATTRS];
        size_t nattr = attr_list(attr_names);
        int a = 0, ret = nelm_pread_enum(c, an, kp, attr_names, nattr, &a);
        if (ret != 0)
            return ret;
        nelm_filter *flt = &cp->filters[cp->nfilters];
        memset(flt, 0, sizeof *flt);
        flt->attr = (nelm_attr)a;
        snprintf(flt->name, sizeof flt->name, "%.40s (%s)", fp, attr_names[a]);
        const char *allowed_keys = attr_is_continuous(flt->attr) ? "min, max"
                                   : attr_is_bool(flt->attr)     ? "is"
                                                                 : "in";
        for (size_t j = 0; j < f->n; j++) {
            const char *k = f->keys[j]->str;
            bool ok = strcmp(k, "attribute") == 0 ||
                      (attr_is_continuous(flt->attr) &&
                       (strcmp(k, "min") == 0 || strcmp(k, "max") == 0)) ||
                      (attr_is_bool(flt->attr) && strcmp(k, "is") == 0) ||
                      (!attr_is_continuous(flt->attr) && !attr_is_bool(flt->attr) &&
                       strcmp(k, "in") == 0);
            if (!ok) {
                snprintf(kp, sizeof kp, "%s.%s", fp, k);
                return nelm_pfail(c, f->keys[j], kp, "unknown key for a %s filter (expected %s)",
                                  attr_names[a], allowed_keys);
            }
        }
        if (attr_is_continuous(flt->attr)) {
            const nelm_ynode *mn = nelm_ymap_get(f, "min"), *mx = nelm_ymap_get(f, "max");
            if (mn == NULL && mx == NULL)
                return nelm_pfail(c, f, fp, "a %s filter needs min, max or both", attr_names[a]);
            flt->lo = -1e300;
            flt->hi = 1e300;
            snprintf(kp, sizeof kp, "%s.min", fp);
            if (mn && (ret = nelm_pread_num(c, mn, kp, -1e300, 1e300, &flt->lo)) != 0)
                return ret;
            snprintf(kp, sizeof kp, "%s.max", fp);
            if (mx && (ret = nelm_pread_num(c, mx, kp, -1e300, 1e300, &flt->hi)) != 0)
                return ret;
            if (flt->lo > flt->hi)
                return nelm_pfail(c, f, fp, "min %.17g above max %.17g", flt->lo, flt->hi);
        } else if (attr_is_bool(flt->attr)) {
            const nelm_ynode *is = nelm_ymap_get(f, "is");
            if (is == NULL)
                return nelm_pfail(c, f, fp, "a %s filter needs is: true or is: false",
                                  attr_names[a]);
            snprintf(kp, sizeof kp, "%s.is", fp);
            int v = 0;
            const char *bool_names[8];
            size_t nb = category_list(flt->attr, bool_names);
            if ((ret = nelm_pread_enum(c, is, kp, bool_names, nb, &v)) != 0)
                return ret;
            if (!is->plain)
                return nelm_pfail(c, is, kp, "expected true or false, not a quoted string");
            flt->allowed = 1u << v;
        } else {
            const nelm_ynode *in = nelm_ymap_get(f, "in");
            snprintf(kp, sizeof kp, "%s.in", fp);
            if (in == NULL || in->kind != NELM_YSEQ || in->n == 0)
                return nelm_pfail(c, in ? in : f, kp, "expected a non-empty list of %s values",
                                  attr_names[a]);
            const char *cats[8];
            size_t nc = category_list(flt->attr, cats);
            for (size_t j = 0; j < in->n; j++) {
                char ip[NELM_PATH_MAX + 48];
                if (snprintf(ip, sizeof ip, "%s[%zu]", kp, j) < 0)
                    ip[0] = '\0';
                int v = 0;
                if ((ret = nelm_pread_enum(c, in->vals[j], ip, cats, nc, &v)) != 0)
                    return ret;
                flt->allowed |= 1u << v;
            }
        }
        cp->nfilters++;
    }
    return 0;
}

static void
dump_filters(FILE *out, const void *base, int indent)
{
    const nelm_cohort_params *cp = &((const nelm_params *)base)->cohort;
    if (cp->nfilters == 0) {
        fputs(" []\n", out);
        return;
    }
    fputc('\n', out);
    for (size_t i = 0; i < cp->nfilters; i++) {
        const nelm_filter *f = &cp->filters[i];
        fprintf(out, "%*s- {attribute: %s", indent + 2, "", nelm_attr_name(f->attr));
        if (attr_is_continuous(f->attr)) {
            if (f->lo > -1e300)
                fprintf(out, ", min: %.17g", f->lo);
            if (f->hi < 1e300)
                fprintf(out, ", max: %.17g", f->hi);
        } else if (attr_is_bool(f->attr)) {
            fprintf(out, ", is: %s", (f->allowed & 2u) ? "true" : "false");
        } else {
            const char *cats[8];
            size_t nc = category_list(f->attr, cats);
            fputs(", in: [", out);
            bool first = true;
            for (size_t j = 0; j < nc; j++)
                if (f->allowed & (1u << j)) {
                    fprintf(out, "%s%s", first ? "" : ", ", cats[j]);
                    first = false;
                }
            fputc(']', out);
        }
        fputs("}\n", out);
    }
}

/* ---- the cohort section ---- */

static int
check_cohort(nelm_pctx *c, const nelm_ynode *node, void *base, const char *path)
{
    nelm_cohort_params *cp = &((nelm_params *)base)->cohort;
    nelm_err e2 = {0};
    if (nelm_cohort_check(cp, &e2) != 0)
        return nelm_pfail(c, node, path, "%s", e2.msg);
    /* a filter set that (almost) nobody passes is an error before any run;
     * the pilot uses a fixed seed so the verdict does not depend on the run */
    if (cp->nfilters > 0 && nelm_cohort_check_filters(cp, 0, 2000, &e2) != 0) {
        const nelm_ynode *fl = nelm_ymap_get(node, "filters");
        return nelm_pfail(c, fl ? fl : node, "", "%s", e2.msg); /* the message names the filter */
    }
    return 0;
}

#define SUBSEC(nm, sec, docstr)                                                                 \
    {.name = nm, .type = NELM_P_SECTION, .sub = &sec, .flags = NELM_PK_SOURCE, .doc = docstr}

static const nelm_pkey cohort_keys[] = {
    SUBSEC("age", age_sec, "age at the decision point (truncated normal)"),
    SUBSEC("male", male_sec, "sex"),
    SUBSEC("site", site_sec, "primary site"),
    SUBSEC("grade", grade_sec, "WHO grade mix; Ki-67 is drawn within the grade"),
    SUBSEC("ki67", ki67_sec, "Ki-67 range (%) within each grade, log-uniform"),
    SUBSEC("burden", burden_sec, "hepatic tumour burden"),
    SUBSEC("frilling", frilling_sec, "Frilling pattern of liver metastases"),
    SUBSEC("extrahepatic", exh_sec, "extrahepatic disease at the start"),
    SUBSEC("functional", func_sec, "functional tumour"),
    SUBSEC("carcinoid_syndrome", syn_sec, "carcinoid syndrome among functional tumours"),
    SUBSEC("sstr_positive", sstr_sec, "somatostatin-receptor positivity by grade"),
    SUBSEC("ecog", ecog_sec, "ECOG performance status"),
    SUBSEC("primary_resected", res_sec, "primary tumour resected"),
    {.name = "entry", .type = NELM_P_SECTION, .sub = &entry_sec, .flags = NELM_PK_OPTIONAL,
     .def = "{}", .doc = "entry state, for emulating trials and series"},
    {.name = "filters", .type = NELM_P_CUSTOM, .parse = parse_filters, .dump = dump_filters,
     .flags = NELM_PK_OPTIONAL, .def = "[]",
     .doc = "population filters: {attribute: age|ki67|ecog, min, max}, {attribute: "
            "sex|site|grade|burden|frilling, in: [...]}, {attribute: extrahepatic|functional|"
            "carcinoid_syndrome|sstr_positive|primary_resected, is: true|false}"},
    {.name = "max_tries", .type = NELM_P_INT, .offset = OFF(cohort.max_tries), .min = 1,
     .max = NELM_FILTER_MAX_TRIES, .flags = NELM_PK_OPTIONAL, .def = "1000",
     .doc = "candidates drawn per patient before a filter counts as (almost) impossible"},
};
static const nelm_psection cohort_sec = {"cohort", "", cohort_keys, NKEYS(cohort_keys), 0, 0,
                                         check_cohort};

/* ---- background mortality ---- */

extern const char nelm_us_mortality_2015_csv[];
extern const size_t nelm_us_mortality_2015_csv_len;

/* The table named by the parameters: "builtin" or a CSV path. */
static int
lifetable_from_params(nelm_lifetable *lt, const char *table, int last_age, nelm_err *e)
{
    if (strcmp(table, "builtin") == 0)
        return nelm_lifetable_parse(lt, nelm_us_mortality_2015_csv,
                                    nelm_us_mortality_2015_csv_len, "builtin", last_age, e);
    return nelm_lifetable_load(lt, table, last_age, e);
}

static int
check_background(nelm_pctx *c, const nelm_ynode *node, void *base, const char *path)
{
    const nelm_bgmort_params *bg = &((const nelm_params *)base)->background;
    nelm_lifetable lt;
    nelm_err e2 = {0};
    int ret = lifetable_from_params(&lt, bg->table, bg->last_age, &e2);
    if (ret != 0) {
        const nelm_ynode *tn = nelm_ymap_get(node, "table");
        char tp[NELM_PATH_MAX];
        snprintf(tp, sizeof tp, "%s.table", path);
        return nelm_pfail(c, tn ? tn : node, tp, "%s", e2.msg);
    }
    return 0;
}

static const nelm_pkey bg_keys[] = {
    {.name = "table", .type = NELM_P_STR, .offset = OFF(background.table),
     .flags = NELM_PK_OPTIONAL | NELM_PK_PATH, .def = "builtin",
     .doc = "life table CSV (columns Age, Female, Male: annual death rates by single year of "
            "age), relative to this file; builtin = US 2015 period life table"},
    {.name = "last_age", .type = NELM_P_INT, .offset = OFF(background.last_age), .min = 1,
     .max = NELM_LIFETABLE_MAX_AGE, .unit = "years", .flags = NELM_PK_OPTIONAL, .def = "100",
     .doc = "rates beyond this age are held at this age's rate"},
};
static const nelm_psection bg_sec = {"background_mortality", "", bg_keys, NKEYS(bg_keys), 0, 0,
                                     check_background};

/* ---- the root ---- */

static const nelm_pkey root_keys[] = {
    {.name = "cohort", .type = NELM_P_SECTION, .sub = &cohort_sec,
     .doc = "who the patients are (DESIGN 2.1)"},
    {.name = "background_mortality", .type = NELM_P_SECTION, .sub = &bg_sec,
     .flags = NELM_PK_OPTIONAL, .def = "{}",
     .doc = "background (all-cause) mortality from a life table (DESIGN 2.2)"},
    {.name = "modalities", .type = NELM_P_NAMED, .offset = OFF(modalities),
     .elem_size = sizeof(nelm_modality), .max_items = NELM_MAX_INSTANCES,
     .count_offset = OFF(nmodalities), .name_offset = offsetof(nelm_modality, name),
     .parse_elem = nelm_parse_modality, .dump_elem = nelm_dump_modality, .alt = nelm_modality_alt,
     .flags = NELM_PK_OPTIONAL, .def = "{}",
     .doc = "modality instances: NAME: {kind: KIND, ...}, each with source: (DESIGN 2.3)"},
    {.name = "strategies", .type = NELM_P_NAMED, .offset = OFF(strategies),
     .elem_size = sizeof(nelm_strategy), .max_items = NELM_MAX_STRATEGIES,
     .count_offset = OFF(nstrategies), .name_offset = offsetof(nelm_strategy, name),
     .parse_elem = nelm_parse_strategy, .dump_elem = nelm_dump_strategy,
     .flags = NELM_PK_OPTIONAL, .def = "{}",
     .doc = "treatment strategies: NAME: {description: TEXT, lines: [LINE, ...]} (DESIGN 2.4)"},
    {.name = "disease", .type = NELM_P_SECTION, .offset = OFF(disease),
     .sub = &nelm_disease_section, .flags = NELM_PK_SOURCE,
     .doc = "the disease's own death hazards, net (DESIGN 2.2)"},
    {.name = "horizon", .type = NELM_P_SECTION, .offset = OFF(horizon),
     .sub = &nelm_horizon_section, .flags = NELM_PK_OPTIONAL, .def = "{}",
     .doc = "censoring at an age or a time (DESIGN 2.4)"},
    {.name = "economics", .type = NELM_P_SECTION, .offset = OFF(econ), .sub = &nelm_econ_section,
     .flags = NELM_PK_OPTIONAL, .def = "{enabled: false}",
     .doc = "costs, utilities and discounting: life years, QALYs and costs per strategy, the "
            "incremental analysis (absent: none)"},
};

static int
check_root(nelm_pctx *c, const nelm_ynode *node, void *base, const char *path)
{
    (void)path;
    const nelm_params *p = base;
    if (!(p->horizon.age > p->cohort.age_max)) {
        const nelm_ynode *h = nelm_ymap_get(node, "horizon");
        return nelm_pfail(c, h ? h : node, "horizon.age",
                          "%.17g must be above the oldest starting age (cohort.age.max %.17g)",
                          p->horizon.age, p->cohort.age_max);
    }
    return 0;
}

const nelm_psection nelm_params_root = {"", "", root_keys, NKEYS(root_keys), 0, 0, check_root};
