/* econ_params.c — the declaration of the `economics:` section (see
 * econ_params.h): keys, ranges, units, documentation, and the checks that
 * need the rest of the model (every instance a strategy uses has its
 * entry; the utility norms stay positive over the model's ages). */
#include "econ_params.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "params.h"

_Static_assert(NELM_ECON_TEXT_MAX == NELM_PATH_MAX, "text keys are NELM_PATH_MAX bytes");
_Static_assert(NELM_ECON_NAME_MAX == NELM_NAME_MAX, "named entries have NELM_NAME_MAX names");

#define XOFF(field) offsetof(nelm_econ_params, field)
#define IOFF(field) offsetof(nelm_econ_instance, field)
#define NKEYS(a) (sizeof(a) / sizeof((a)[0]))
#define MONEY_MAX 1e9

/* the numbers a CUSTOM key holds, for the reference */
#define WTP_DEFAULT "[20000, 30000]"

/* ---- economics.wtp: a list of numbers ---- */

static int
parse_wtp(nelm_pctx *c, const nelm_ynode *n, void *base, const char *path)
{
    nelm_econ_params *x = base;
    if (n->kind != NELM_YSEQ || n->n == 0)
        return nelm_pfail(c, n, path, "expected a non-empty list of amounts per QALY, e.g. %s",
                          WTP_DEFAULT);
    if (n->n > NELM_ECON_MAX_WTP)
        return nelm_pfail(c, n, path, "%zu values (at most %d)", n->n, NELM_ECON_MAX_WTP);
    for (size_t i = 0; i < n->n; i++) {
        char ip[NELM_PATH_MAX + 24];
        if (snprintf(ip, sizeof ip, "%s[%zu]", path, i) < 0)
            ip[0] = '\0';
        int ret = nelm_pread_num(c, n->vals[i], ip, 0, MONEY_MAX, &x->wtp[i]);
        if (ret != 0)
            return ret;
    }
    x->nwtp = n->n;
    return 0;
}

static void
dump_wtp(FILE *out, const void *base, int indent)
{
    (void)indent;
    const nelm_econ_params *x = base;
    fputs(" [", out);
    for (size_t i = 0; i < x->nwtp; i++)
        fprintf(out, "%s%.17g", i ? ", " : "", x->wtp[i]);
    fputs("]\n", out);
}

/* ---- sub-sections ---- */

static int
check_ceac(nelm_pctx *c, const nelm_ynode *node, void *base, const char *path)
{
    const nelm_econ_params *x = base;
    if (!(x->ceac_step <= x->ceac_max))
        return nelm_pfail(c, node, path, "step %.17g is above max %.17g", x->ceac_step,
                          x->ceac_max);
    if (x->ceac_max / x->ceac_step > 10000)
        return nelm_pfail(c, node, path,
                          "max / step = %.6g grid points (at most 10000: raise the step)",
                          x->ceac_max / x->ceac_step);
    return 0;
}

static const nelm_pkey ceac_keys[] = {
    {.name = "max",
     .type = NELM_P_NUM,
     .offset = XOFF(ceac_max),
     .min = 1,
     .max = MONEY_MAX,
     .unit = "currency per QALY",
     .flags = NELM_PK_OPTIONAL,
     .def = "100000",
     .doc = "highest willingness to pay of the grid"},
    {.name = "step",
     .type = NELM_P_NUM,
     .offset = XOFF(ceac_step),
     .min = 1,
     .max = MONEY_MAX,
     .unit = "currency per QALY",
     .flags = NELM_PK_OPTIONAL,
     .def = "1000",
     .doc = "spacing of the grid (0, step, 2 step, ..., max)"},
};
static const nelm_psection ceac_sec = {"ceac", "", ceac_keys, NKEYS(ceac_keys), 0, 0, check_ceac};

static const nelm_pkey discount_keys[] = {
    {.name = "costs",
     .type = NELM_P_NUM,
     .offset = XOFF(r_cost),
     .min = 0,
     .max = 0.25,
     .unit = "per year",
     .flags = NELM_PK_OPTIONAL,
     .def = "0.035",
     .doc = "annual discount rate of costs: a cost at t years counts (1 + r)^-t, continuously"},
    {.name = "effects",
     .type = NELM_P_NUM,
     .offset = XOFF(r_effect),
     .min = 0,
     .max = 0.25,
     .unit = "per year",
     .flags = NELM_PK_OPTIONAL,
     .def = "0.035",
     .doc = "annual discount rate of life years and QALYs"},
};
static const nelm_psection discount_sec = {"discount", "", discount_keys, NKEYS(discount_keys),
                                           0,          0,  NULL};

static const nelm_pkey utility_keys[] = {
    {.name = "post_progression",
     .type = NELM_P_NUM,
     .offset = XOFF(u_post),
     .min = -1,
     .max = 1,
     .unit = "utility",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "after a progression until the next line starts (required when enabled)"},
    {.name = "best_supportive_care",
     .type = NELM_P_NUM,
     .offset = XOFF(u_bsc),
     .min = -1,
     .max = 1,
     .unit = "utility",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "in best supportive care, and before a first line that waits (required when "
            "enabled)"},
    {.name = "uncontrolled_syndrome",
     .type = NELM_P_NUM,
     .offset = XOFF(u_syndrome),
     .min = -1,
     .max = 1,
     .unit = "utility",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "a patient with carcinoid syndrome wherever no treatment controls it: on an "
            "observation line, after a progression until the next line, before a first line, "
            "in best supportive care; not while an SSA continues as backbone (required when "
            "enabled)"},
};
static const nelm_psection utility_sec = {"utility", "", utility_keys, NKEYS(utility_keys),
                                          0,         0,  NULL};

static const nelm_pkey bsc_keys[] = {
    {.name = "cost_month",
     .type = NELM_P_NUM,
     .offset = XOFF(bsc_cost_month),
     .min = 0,
     .max = MONEY_MAX,
     .unit = "currency per month",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "cost per month of best supportive care (required when enabled)"},
};
static const nelm_psection bsc_sec = {
    "best_supportive_care", "", bsc_keys, NKEYS(bsc_keys), 0, 0, NULL};

static const nelm_pkey norms_keys[] = {
    {.name = "apply",
     .type = NELM_P_BOOL,
     .offset = XOFF(norms),
     .flags = NELM_PK_OPTIONAL,
     .def = "false",
     .doc = "multiply every utility by N(a) / N(a0): a the completed years of age, a0 at the "
            "start (piecewise constant by year of age)"},
    {.name = "intercept",
     .type = NELM_P_NUM,
     .offset = XOFF(norm_c0),
     .min = -2,
     .max = 2,
     .unit = "utility",
     .flags = NELM_PK_OPTIONAL,
     .def = "0.9508566",
     .doc = "c0 of N(a)"},
    {.name = "male",
     .type = NELM_P_NUM,
     .offset = XOFF(norm_male),
     .min = -1,
     .max = 1,
     .unit = "utility",
     .flags = NELM_PK_OPTIONAL,
     .def = "0.0212126",
     .doc = "added for men"},
    {.name = "age",
     .type = NELM_P_NUM,
     .offset = XOFF(norm_age),
     .min = -1,
     .max = 1,
     .unit = "utility per year",
     .flags = NELM_PK_OPTIONAL,
     .def = "-0.0002587",
     .doc = "times the age in years"},
    {.name = "age2",
     .type = NELM_P_NUM,
     .offset = XOFF(norm_age2),
     .min = -1,
     .max = 1,
     .unit = "utility per year^2",
     .flags = NELM_PK_OPTIONAL,
     .def = "-0.0000332",
     .doc = "times the age squared"},
};
static const nelm_psection norms_sec = {"norms", "", norms_keys, NKEYS(norms_keys), 0, 0, NULL};

/* ---- economics.modalities.NAME ---- */

static const nelm_pkey inst_keys[] = {
    {.name = "cost_course",
     .type = NELM_P_NUM,
     .offset = IOFF(cost_course),
     .min = 0,
     .max = MONEY_MAX,
     .unit = "currency",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "one-off cost of each course (procedure, PRRT course, operation), at its start; a "
            "transplant's when it is performed (not while listed)"},
    {.name = "cost_month",
     .type = NELM_P_NUM,
     .offset = IOFF(cost_month),
     .min = 0,
     .max = MONEY_MAX,
     .unit = "currency per month",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "cost per month on treatment (a continuous therapy while taken, a fixed course "
            "while it lasts; an SSA line marked backbone also from its end to best supportive "
            "care)"},
    {.name = "utility",
     .type = NELM_P_NUM,
     .offset = IOFF(utility),
     .min = -1,
     .max = 1,
     .unit = "utility",
     .doc = "progression-free on a line of this instance (on or off treatment), and while "
            "awaiting the next line after a planned switch or a toxicity discontinuation"},
    {.name = "toxicity_cost",
     .type = NELM_P_NUM,
     .offset = IOFF(tox_cost),
     .min = 0,
     .max = MONEY_MAX,
     .unit = "currency",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "cost of each toxicity event (discontinuation for toxicity)"},
    {.name = "toxicity_disutility",
     .type = NELM_P_NUM,
     .offset = IOFF(tox_disutility),
     .min = 0,
     .max = 2,
     .unit = "utility",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "subtracted from the utility after each toxicity event ..."},
    {.name = "toxicity_months",
     .type = NELM_P_NUM,
     .offset = IOFF(tox_months),
     .min = 0,
     .max = 1200,
     .unit = "months",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "... for this long (or to death)"},
};
static const nelm_psection inst_sec = {"instance", "", inst_keys, NKEYS(inst_keys), 0, 0, NULL};

static int
parse_instance(nelm_pctx *c, const nelm_ynode *node, void *elem, const char *path)
{
    nelm_econ_instance *x = elem;
    /* the entry's name must be a modality instance (declared before) */
    const char *names[NELM_MAX_INSTANCES];
    const nelm_params *p = c->p;
    for (size_t i = 0; i < p->nmodalities; i++)
        names[i] = p->modalities[i].name;
    nelm_ynode key = {.kind = NELM_YSCALAR,
                      .file = node->file,
                      .line = node->line,
                      .col = node->col,
                      .str = x->name,
                      .len = strlen(x->name),
                      .plain = true};
    size_t idx = 0;
    int ret = nelm_pread_ref(c, &key, path, "modality instance", names, p->nmodalities, &idx);
    if (ret != 0)
        return ret;
    return nelm_pparse_section_sourced(c, &inst_sec, node, x, path);
}

static void
dump_instance(FILE *out, const nelm_params *p, const void *elem, const char *path, int indent)
{
    nelm_pdump_section_sourced(out, p, &inst_sec, elem, path, indent);
}

/* ---- the section ---- */

/* a key the mapping must have when economics is enabled */
static int
require(nelm_pctx *c, const nelm_ynode *map, const char *path, const char *key, const char *what)
{
    if (map != NULL && nelm_ymap_get(map, key) != NULL)
        return 0;
    return nelm_pfail(c, map, path,
                      "missing required key '%s' (%s; required when economics is "
                      "enabled)",
                      key, what);
}

void
nelm_econ_disc_init(nelm_econ_disc *t, double d)
{
    t->d = d;
    for (size_t n = 0; n < NELM_ECON_DISC_YEARS; n++)
        t->year[n] = exp(-12.0 * d * (double)n);
    for (size_t j = 0; j < 13; j++)
        t->month[j] = exp(-d * (double)j);
}

static int
check_econ(nelm_pctx *c, const nelm_ynode *node, void *base, const char *path)
{
    nelm_econ_params *x = base;
    const nelm_params *p = c->p;
    for (size_t i = 0; i < NELM_MAX_INSTANCES; i++)
        x->of_instance[i] = -1;
    x->d_effect = log1p(x->r_effect) / 12.0;
    x->d_cost = log1p(x->r_cost) / 12.0;
    nelm_econ_disc_init(&x->disc_effect, x->d_effect);
    nelm_econ_disc_init(&x->disc_cost, x->d_cost);
    for (size_t k = 0; k < x->nentries; k++)
        for (size_t i = 0; i < p->nmodalities; i++)
            if (strcmp(x->entry[k].name, p->modalities[i].name) == 0)
                x->of_instance[i] = (int)k;
    if (!x->enabled)
        return 0;
    int ret;
    char sp[NELM_PATH_MAX];
    if ((ret = require(c, node, path, "currency", "the currency of the costs, e.g. GBP")) != 0 ||
        (ret = require(c, node, path, "price_year", "the price year of the costs")) != 0 ||
        (ret = require(c, node, path, "utility", "the utilities of the health states")) != 0 ||
        (ret = require(c, node, path, "best_supportive_care",
                       "the cost per month of best supportive care")) != 0)
        return ret;
    if (x->currency[0] == '\0')
        return nelm_pfail(c, nelm_ymap_get(node, "currency"), "economics.currency",
                          "empty (name the currency, e.g. GBP)");
    if (x->price_year < 1900)
        return nelm_pfail(c, nelm_ymap_get(node, "price_year"), "economics.price_year",
                          "%d is out of range (expected 1900 to 2200)", x->price_year);
    const nelm_ynode *un = nelm_ymap_get(node, "utility");
    snprintf(sp, sizeof sp, "%s.utility", path);
    for (size_t k = 0; k < NKEYS(utility_keys); k++)
        if ((ret = require(c, un, sp, utility_keys[k].name, "a state utility")) != 0)
            return ret;
    const nelm_ynode *bn = nelm_ymap_get(node, "best_supportive_care");
    snprintf(sp, sizeof sp, "%s.best_supportive_care", path);
    if ((ret = require(c, bn, sp, "cost_month", "the cost per month")) != 0)
        return ret;
    /* every instance a strategy uses has its costs and utility */
    const nelm_ynode *mn = nelm_ymap_get(node, "modalities");
    snprintf(sp, sizeof sp, "%s.modalities", path);
    for (size_t s = 0; s < p->nstrategies; s++) {
        const nelm_strategy *st = &p->strategies[s];
        for (size_t l = 0; l < st->nlines; l++)
            for (size_t j = 0; j < st->lines[l].nchoices; j++) {
                uint16_t i = st->lines[l].choice[j];
                if (x->of_instance[i] < 0)
                    return nelm_pfail(c, mn ? mn : node, sp,
                                      "no entry for modality instance '%s' (used by strategy "
                                      "'%s'; every instance a strategy uses needs its costs and "
                                      "utility)",
                                      p->modalities[i].name, st->name);
            }
    }
    /* the norms must stay positive wherever a patient can be */
    if (x->norms) {
        int a0 = (int)floor(p->cohort.age_min), a1 = (int)ceil(p->horizon.age);
        for (int sex = 0; sex < 2; sex++)
            for (int a = a0; a <= a1; a++) {
                double v = x->norm_c0 + (sex ? x->norm_male : 0.0) + x->norm_age * a +
                           x->norm_age2 * (double)a * a;
                if (!(v > 0)) {
                    snprintf(sp, sizeof sp, "%s.norms", path);
                    return nelm_pfail(c, nelm_ymap_get(node, "norms"), sp,
                                      "the norm is %.6g at age %d (%s): it must stay above 0 from "
                                      "the youngest starting age to the horizon age",
                                      v, a, sex ? "men" : "women");
                }
            }
    }
    return 0;
}

static const nelm_pkey econ_keys[] = {
    {.name = "enabled",
     .type = NELM_P_BOOL,
     .offset = XOFF(enabled),
     .flags = NELM_PK_OPTIONAL,
     .def = "true",
     .doc = "false: no economics, as when the section is absent"},
    {.name = "currency",
     .type = NELM_P_STR,
     .offset = XOFF(currency),
     .flags = NELM_PK_OPTIONAL,
     .def = "\"\"",
     .doc = "currency of every cost, e.g. GBP (metadata; required when enabled)"},
    {.name = "price_year",
     .type = NELM_P_INT,
     .offset = XOFF(price_year),
     .min = 0,
     .max = 2200,
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "price year of the costs (metadata; required when enabled)"},
    {.name = "wtp",
     .type = NELM_P_CUSTOM,
     .parse = parse_wtp,
     .dump = dump_wtp,
     .flags = NELM_PK_OPTIONAL,
     .def = WTP_DEFAULT,
     .doc = "willingness to pay per QALY (up to 8 values): the net monetary benefit is "
            "reported at each"},
    {.name = "ceac",
     .type = NELM_P_SECTION,
     .sub = &ceac_sec,
     .flags = NELM_PK_OPTIONAL,
     .def = "{}",
     .doc = "the willingness-to-pay grid of the acceptability curves (nelmsim psa)"},
    {.name = "discount",
     .type = NELM_P_SECTION,
     .sub = &discount_sec,
     .flags = NELM_PK_OPTIONAL | NELM_PK_SOURCE,
     .def = "{source: \"NICE reference case (PMG36, 2022): 3.5 % per year for costs and "
            "effects\"}",
     .doc = "discounting, continuous in time"},
    {.name = "utility",
     .type = NELM_P_SECTION,
     .sub = &utility_sec,
     .flags = NELM_PK_OPTIONAL | NELM_PK_SOURCE,
     .def = "{source: \"not given\"}",
     .doc = "utilities of the states that belong to no modality instance (required when "
            "enabled)"},
    {.name = "best_supportive_care",
     .type = NELM_P_SECTION,
     .sub = &bsc_sec,
     .flags = NELM_PK_OPTIONAL | NELM_PK_SOURCE,
     .def = "{source: \"not given\"}",
     .doc = "costs of best supportive care (required when enabled)"},
    {.name = "norms",
     .type = NELM_P_SECTION,
     .sub = &norms_sec,
     .flags = NELM_PK_OPTIONAL | NELM_PK_SOURCE,
     .def = "{source: \"Ara R, Brazier JE. Value Health 2010;13:509-18 (EQ-5D by age and sex, "
            "Health Survey for England)\"}",
     .doc = "age-adjusted utility norms, N(a) = intercept + male [man] + age a + age2 a^2"},
    {.name = "modalities",
     .type = NELM_P_NAMED,
     .offset = XOFF(entry),
     .elem_size = sizeof(nelm_econ_instance),
     .max_items = NELM_MAX_INSTANCES,
     .count_offset = XOFF(nentries),
     .name_offset = offsetof(nelm_econ_instance, name),
     .sub = &inst_sec,
     .parse_elem = parse_instance,
     .dump_elem = dump_instance,
     .flags = NELM_PK_OPTIONAL,
     .def = "{}",
     .doc = "per modality instance (named as in modalities:), each with source: its costs, "
            "progression-free utility and toxicity"},
};

const nelm_psection nelm_econ_section = {"economics", "", econ_keys, NKEYS(econ_keys),
                                         0,           0,  check_econ};
