/* params_model.c — the clinical model's sections of a parameter file:
 * `modalities` (named instances, each section chosen by its `kind:` from the
 * registry), `strategies` (named lists of lines), `disease` and `horizon`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kindspec.h"
#include "model.h"
#include "params.h"
#include "params_model.h"

#define POFF(field) offsetof(nelm_params, field)
#define DOFF(field) offsetof(nelm_disease_params, field)
#define LOFF(field) offsetof(nelm_line, field)

/* ---- modalities ---- */

int
nelm_parse_modality(nelm_pctx *c, const nelm_ynode *node, void *elem, const char *path)
{
    nelm_modality *m = elem;
    if (node->kind != NELM_YMAP)
        return nelm_pfail(c, node, path, "expected a mapping {kind: ..., ...}");
    const nelm_ynode *kn = nelm_ymap_get(node, "kind");
    if (kn == NULL)
        return nelm_pfail(c, node, path,
                          "missing required key 'kind' (resection, transplant, iat, prrt, ssa, "
                          "targeted or observation)");
    char kp[NELM_PATH_MAX + 8];
    if (snprintf(kp, sizeof kp, "%s.kind", path) < 0)
        kp[0] = '\0';
    int kind = 0;
    int ret = nelm_pread_enum(c, kn, kp, nelm_kind_names, NELM_NKINDS, &kind);
    if (ret != 0)
        return ret;
    return nelm_pparse_section_sourced(c, nelm_kinds[kind]->section, node, m, path);
}

void
nelm_dump_modality(FILE *out, const nelm_params *p, const void *elem, const char *path, int indent)
{
    const nelm_modality *m = elem;
    nelm_pdump_section_sourced(out, p, nelm_kinds[m->kind]->section, m, path, indent);
}

/* ---- strategies ---- */

static const char *const if_names[] = {"skip", "stop"};
static const char *const tox_names[] = {"next", "off_treatment"};

static int
instance_ref(nelm_pctx *c, const nelm_ynode *n, const char *path, uint16_t *out)
{
    const char *names[NELM_MAX_INSTANCES];
    const nelm_params *p = c->p;
    for (size_t i = 0; i < p->nmodalities; i++)
        names[i] = p->modalities[i].name;
    size_t idx = 0;
    int ret = nelm_pread_ref(c, n, path, "modality instance", names, p->nmodalities, &idx);
    if (ret == 0)
        *out = (uint16_t)idx;
    return ret;
}

/* `use: NAME` (the default "[]" means: not given) */
static int
parse_use(nelm_pctx *c, const nelm_ynode *n, void *base, const char *path)
{
    nelm_line *l = base;
    if (n->kind == NELM_YSEQ && n->n == 0 && strcmp(n->file, "<default>") == 0)
        return 0;
    if (n->kind != NELM_YSCALAR)
        return nelm_pfail(c, n, path, "expected the name of a modality instance");
    int ret = instance_ref(c, n, path, &l->choice[0]);
    if (ret == 0)
        l->nchoices = 1;
    return ret;
}

static int
parse_first_eligible(nelm_pctx *c, const nelm_ynode *n, void *base, const char *path)
{
    nelm_line *l = base;
    if (n->kind == NELM_YSEQ && n->n == 0 && strcmp(n->file, "<default>") == 0)
        return 0;
    if (n->kind != NELM_YSEQ || n->n == 0)
        return nelm_pfail(c, n, path, "expected a non-empty list of modality instances");
    if (n->n > NELM_MAX_CHOICES)
        return nelm_pfail(c, n, path, "%zu instances (at most %d)", n->n, NELM_MAX_CHOICES);
    for (size_t i = 0; i < n->n; i++) {
        char ip[NELM_PATH_MAX + 24];
        if (snprintf(ip, sizeof ip, "%s[%zu]", path, i) < 0)
            ip[0] = '\0';
        int ret = instance_ref(c, n->vals[i], ip, &l->choice[i]);
        if (ret != 0)
            return ret;
        for (size_t j = 0; j < i; j++)
            if (l->choice[j] == l->choice[i])
                return nelm_pfail(c, n->vals[i], ip, "'%s' listed twice", n->vals[i]->str);
    }
    l->nchoices = n->n;
    return 0;
}

static int
check_line(nelm_pctx *c, const nelm_ynode *node, void *base, const char *path)
{
    nelm_line *l = base;
    bool has_use = nelm_ymap_get(node, "use") != NULL;
    bool has_first = nelm_ymap_get(node, "first_eligible") != NULL;
    if (has_use == has_first)
        return nelm_pfail(c, node, path,
                          has_use ? "both use and first_eligible given (one of them)"
                                  : "missing use: INSTANCE or first_eligible: [INSTANCES]");
    if (l->backbone) {
        char bp[NELM_PATH_MAX + 16];
        if (snprintf(bp, sizeof bp, "%s.backbone", path) < 0)
            bp[0] = '\0';
        for (size_t i = 0; i < l->nchoices; i++) {
            const nelm_modality *m = &c->p->modalities[l->choice[i]];
            if (m->kind != NELM_KIND_SSA)
                return nelm_pfail(c, nelm_ymap_get(node, "backbone"), bp,
                                  "true needs an ssa instance ('%s' is %s)", m->name,
                                  nelm_kind_names[m->kind]);
        }
    }
    return 0;
}

static const nelm_pkey line_keys[] = {
    {.name = "use",
     .type = NELM_P_CUSTOM,
     .parse = parse_use,
     .flags = NELM_PK_OPTIONAL,
     .def = "[]",
     .doc = "the modality instance of this line"},
    {.name = "first_eligible",
     .type = NELM_P_CUSTOM,
     .parse = parse_first_eligible,
     .flags = NELM_PK_OPTIONAL,
     .def = "[]",
     .doc = "instead of use: the first of these instances the patient is eligible for"},
    {.name = "if_ineligible",
     .type = NELM_P_ENUM,
     .offset = LOFF(if_ineligible),
     .names = if_names,
     .nnames = 2,
     .flags = NELM_PK_OPTIONAL,
     .def = "skip",
     .doc = "skip to the next line, or stop (best supportive care)"},
    {.name = "uptake",
     .type = NELM_P_NUM,
     .offset = LOFF(uptake),
     .min = 0,
     .max = 1,
     .unit = "probability",
     .flags = NELM_PK_OPTIONAL,
     .def = "1",
     .doc = "an eligible patient takes the line up (attrition, partial crossover)"},
    {.name = "if_declined",
     .type = NELM_P_ENUM,
     .offset = LOFF(if_declined),
     .names = if_names,
     .nnames = 2,
     .flags = NELM_PK_OPTIONAL,
     .def = "skip",
     .doc = "when not taken up: skip to the next line, or stop (best supportive care)"},
    {.name = "repeats",
     .type = NELM_P_INT,
     .offset = LOFF(repeats),
     .min = -1,
     .max = NELM_MAX_COURSES - 1,
     .flags = NELM_PK_OPTIONAL,
     .def = "-1",
     .doc = "further courses on this line after a progression the kind repeats on (-1: as "
            "many as the instance's max_courses allow)"},
    {.name = "delay",
     .type = NELM_P_NUM,
     .offset = LOFF(delay),
     .min = 0,
     .max = 1200,
     .unit = "months",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "from the end of the previous line to this one's start"},
    {.name = "on_toxicity",
     .type = NELM_P_ENUM,
     .offset = LOFF(on_toxicity),
     .names = tox_names,
     .nnames = 2,
     .flags = NELM_PK_OPTIONAL,
     .def = "next",
     .doc = "after a discontinuation for toxicity: the next line at once, or off treatment "
            "until progression"},
    {.name = "switch_after",
     .type = NELM_P_NUM,
     .offset = LOFF(switch_after),
     .min = 0,
     .max = 1200,
     .unit = "months",
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "planned switch to the next line after this long without progression, if the "
            "patient is then eligible for it (0: none)"},
    {.name = "backbone",
     .type = NELM_P_BOOL,
     .offset = LOFF(backbone),
     .flags = NELM_PK_OPTIONAL,
     .def = "false",
     .doc = "an ssa line that continues alongside the later lines"},
};
static const nelm_psection line_sec = {"line", "", line_keys, KEYS_N(line_keys), 0, 0, check_line};

static int
parse_lines(nelm_pctx *c, const nelm_ynode *n, void *base, const char *path)
{
    nelm_strategy *s = base;
    if (n->kind != NELM_YSEQ || n->n == 0)
        return nelm_pfail(c, n, path, "expected a non-empty list of lines");
    if (n->n > NELM_MAX_LINES)
        return nelm_pfail(c, n, path, "%zu lines (at most %d)", n->n, NELM_MAX_LINES);
    for (size_t i = 0; i < n->n; i++) {
        char ip[NELM_PATH_MAX + 24];
        if (snprintf(ip, sizeof ip, "%s[%zu]", path, i) < 0)
            ip[0] = '\0';
        nelm_line *l = &s->lines[i];
        memset(l, 0, sizeof *l);
        const nelm_ynode *ln = n->vals[i];
        if (ln->kind != NELM_YMAP)
            return nelm_pfail(c, ln, ip, "expected a mapping {use: INSTANCE, ...}");
        int ret = nelm_pparse_section(c, &line_sec, ln, l, ip);
        if (ret != 0)
            return ret;
        if (l->switch_after > 0 && i + 1 == n->n) {
            char sp[NELM_PATH_MAX + 48];
            if (snprintf(sp, sizeof sp, "%s.switch_after", ip) < 0)
                sp[0] = '\0';
            return nelm_pfail(c, nelm_ymap_get(ln, "switch_after"), sp,
                              "a planned switch on the last line (there is no next line)");
        }
        s->nlines = i + 1;
    }
    return 0;
}

static const nelm_pkey strategy_keys[] = {
    {.name = "description",
     .type = NELM_P_STR,
     .offset = offsetof(nelm_strategy, description),
     .flags = NELM_PK_OPTIONAL,
     .def = "\"\"",
     .doc = "one line for tables and reports"},
    {.name = "lines",
     .type = NELM_P_CUSTOM,
     .parse = parse_lines,
     .doc = "the lines in order; after the last (or a stop) best supportive care"},
};
static const nelm_psection strategy_sec = {"strategy", "", strategy_keys, KEYS_N(strategy_keys),
                                           0,          0,  NULL};

void
nelm_dump_strategy(FILE *out, const nelm_params *p, const void *elem, const char *path, int indent)
{
    const nelm_strategy *s = elem;
    nelm_pdump_section(out, p, &strategy_sec, s, path, indent);
    fprintf(out, "%*slines:\n", indent, "");
    for (size_t i = 0; i < s->nlines; i++) {
        const nelm_line *l = &s->lines[i];
        fprintf(out, "%*s-\n", indent + 2, "");
        if (l->nchoices == 1) {
            fprintf(out, "%*suse: %s\n", indent + 4, "", p->modalities[l->choice[0]].name);
        } else {
            fprintf(out, "%*sfirst_eligible: [", indent + 4, "");
            for (size_t j = 0; j < l->nchoices; j++)
                fprintf(out, "%s%s", j ? ", " : "", p->modalities[l->choice[j]].name);
            fputs("]\n", out);
        }
        nelm_pdump_section(out, p, &line_sec, l, path, indent + 4);
    }
}

/* A one-instance first_eligible list echoes as `use:`: the same model. */

int
nelm_parse_strategy(nelm_pctx *c, const nelm_ynode *node, void *elem, const char *path)
{
    return nelm_pparse_section(c, &strategy_sec, node, elem, path);
}

/* ---- disease ---- */

/* `untreated_progression: none` or a distribution */
static int
parse_untreated(nelm_pctx *c, const nelm_ynode *n, void *base, const char *path)
{
    nelm_disease_params *d = base;
    if (n->kind == NELM_YSCALAR && strcmp(n->str, "none") == 0) {
        d->has_untreated = false;
        memset(&d->untreated_progression, 0, sizeof d->untreated_progression);
        return 0;
    }
    if (n->kind != NELM_YMAP)
        return nelm_pfail(c, n, path, "expected none or a distribution {dist: ...}");
    d->has_untreated = true;
    return nelm_pread_dist(c, n, path, &d->untreated_progression);
}

static void
dump_untreated(FILE *out, const void *base, int indent)
{
    (void)indent;
    const nelm_disease_params *d = base;
    if (!d->has_untreated) {
        fputs(" none\n", out);
        return;
    }
    fputc(' ', out);
    nelm_pdump_dist(out, &d->untreated_progression);
    fputc('\n', out);
}

static const nelm_pkey disease_keys[] = {
    {.name = "death_controlled",
     .type = NELM_P_DIST,
     .offset = DOFF(death_controlled),
     .doc = "net time to disease death while the disease is controlled (on or off "
            "treatment, progression-free), from the start of each course"},
    {.name = "death_controlled_hr",
     .type = NELM_P_SECTION,
     .offset = DOFF(death_controlled_hr),
     .sub = &nelm_covariates_section,
     .flags = NELM_PK_OPTIONAL,
     .def = "{}",
     .doc = "hazard ratios on death_controlled"},
    {.name = "death_progressed",
     .type = NELM_P_DIST,
     .offset = DOFF(death_progressed),
     .doc = "net time to disease death after progression without active treatment "
            "(awaiting a line, best supportive care), from entering that state"},
    {.name = "death_progressed_hr",
     .type = NELM_P_SECTION,
     .offset = DOFF(death_progressed_hr),
     .sub = &nelm_covariates_section,
     .flags = NELM_PK_OPTIONAL,
     .def = "{}",
     .doc = "hazard ratios on death_progressed"},
    {.name = "untreated_progression",
     .type = NELM_P_CUSTOM,
     .parse = parse_untreated,
     .dump = dump_untreated,
     .flags = NELM_PK_OPTIONAL,
     .def = "none",
     .doc = "net time to progression of untreated disease, for a patient who enters best "
            "supportive care with the disease controlled (every line refused or not taken); "
            "then death_progressed. none: best supportive care is post-progression survival"},
    {.name = "untreated_hr",
     .type = NELM_P_SECTION,
     .offset = DOFF(untreated_hr),
     .sub = &nelm_covariates_section,
     .flags = NELM_PK_OPTIONAL,
     .def = "{}",
     .doc = "hazard ratios on untreated_progression"},
    {.name = "untreated_p_hepatic",
     .type = NELM_P_NUM,
     .offset = DOFF(untreated_p_hepatic),
     .min = 0,
     .max = 1,
     .unit = "probability",
     .flags = NELM_PK_OPTIONAL,
     .def = "0.7",
     .doc = "an untreated progression is hepatic"},
    {.name = "frailty_variance",
     .type = NELM_P_NUM,
     .offset = DOFF(frailty_variance),
     .min = 0,
     .max = 10,
     .flags = NELM_PK_OPTIONAL,
     .def = "0",
     .doc = "variance of a gamma frailty (mean 1) shared by a patient's progression hazards; "
            "0: off (lines conditionally independent given the attributes)"},
};

/* ---- horizon ---- */

static const nelm_pkey horizon_keys[] = {
    {.name = "age",
     .type = NELM_P_NUM,
     .offset = offsetof(nelm_horizon_params, age),
     .min = 1,
     .max = 150,
     .unit = "years",
     .flags = NELM_PK_OPTIONAL,
     .def = "100",
     .doc = "censor at this age"},
    {.name = "months",
     .type = NELM_P_NUM,
     .offset = offsetof(nelm_horizon_params, months),
     .min = 1,
     .max = 1800,
     .unit = "months",
     .flags = NELM_PK_OPTIONAL,
     .def = "1200",
     .doc = "or this long after the start, whichever comes first"},
};

/* ---- what params_spec.c puts in the root ---- */

const nelm_psection *
nelm_modality_alt(size_t i)
{
    return i < NELM_NKINDS ? nelm_kinds[i]->section : NULL;
}

const nelm_psection nelm_disease_section = {"disease", "", disease_keys, KEYS_N(disease_keys),
                                            0,         0,  NULL};
const nelm_psection nelm_horizon_section = {"horizon", "", horizon_keys, KEYS_N(horizon_keys),
                                            0,         0,  NULL};
