/* kindspec.h — building blocks for the parameter sections of modality kinds
 * (the files in models/). Each kind declares its instance section from these: the
 * common keys every instance has, with the kind's own defaults, plus its
 * own keys. Offsets are into nelm_modality. */
#ifndef NELM_KINDSPEC_H
#define NELM_KINDSPEC_H

#include <stddef.h>

#include "model.h"
#include "params.h"

#define MOFF(field) offsetof(nelm_modality, field)
#define EOFF(field) offsetof(nelm_eligibility, field)
#define KEYS_N(a) (sizeof(a) / sizeof((a)[0]))

extern const char *const nelm_kind_names[NELM_NKINDS];
extern const char *const nelm_site_names[NELM_NSITES];
extern const char *const nelm_frilling_names[NELM_NFRILLING];
extern const char *const nelm_burden_names[NELM_NBURDENS];

/** Hazard-ratio section (offsets into nelm_covariates), every key optional 1. */
extern const nelm_psection nelm_covariates_section;
/** Treatment death {p, window_months} (offsets into nelm_modality). */
extern const nelm_psection nelm_treatment_death_section;

/** Eligibility nobody can meet is an error: no primary site allowed, or a
 *  maximum age below the cohort's youngest starting age (ages only grow). */
int nelm_check_eligibility(nelm_pctx *c, const nelm_ynode *node, void *base, const char *path);

/** An optional distribution: `none` or {dist: ...}; sets has_toxicity. */
int nelm_parse_toxicity(nelm_pctx *c, const nelm_ynode *n, void *base, const char *path);
void nelm_dump_toxicity(FILE *out, const void *base, int indent);

/* ---- common keys ---- */

#define KIND_KEY_KIND                                                                              \
    {                                                                                              \
        .name = "kind", .type = NELM_P_ENUM, .offset = MOFF(kind), .names = nelm_kind_names,       \
        .nnames = NELM_NKINDS, .doc = "the modality kind"                                          \
    }
#define KIND_KEY_TTP(docstr)                                                                       \
    {                                                                                              \
        .name = "ttp", .type = NELM_P_DIST, .offset = MOFF(ttp), .doc = docstr                     \
    }
#define KIND_KEY_CURE(defv)                                                                        \
    {                                                                                              \
        .name = "cure", .type = NELM_P_NUM, .offset = MOFF(cure), .min = 0, .max = 1,              \
        .unit = "probability", .flags = NELM_PK_OPTIONAL, .def = defv,                             \
        .doc = "fraction of courses after which the disease never progresses"                      \
    }
#define KIND_KEY_HR                                                                                \
    {                                                                                              \
        .name = "hr", .type = NELM_P_SECTION, .offset = MOFF(hr), .sub = &nelm_covariates_section, \
        .flags = NELM_PK_OPTIONAL, .def = "{}", .doc = "hazard ratios on time to progression"      \
    }
#define KIND_KEY_P_HEPATIC(defv)                                                                   \
    {                                                                                              \
        .name = "p_hepatic", .type = NELM_P_NUM, .offset = MOFF(p_hepatic), .min = 0, .max = 1,    \
        .unit = "probability", .flags = NELM_PK_OPTIONAL, .def = defv,                             \
        .doc = "a progression is hepatic (else extrahepatic, which sets extrahepatic disease)"     \
    }
#define KIND_KEY_DURATION(defv, docstr)                                                            \
    {                                                                                              \
        .name = "duration", .type = NELM_P_NUM, .offset = MOFF(duration), .min = 0, .max = 1200,   \
        .unit = "months", .flags = NELM_PK_OPTIONAL, .def = defv, .doc = docstr                    \
    }
#define KIND_KEY_TDEATH(defv)                                                                      \
    {                                                                                              \
        .name = "treatment_death", .type = NELM_P_SECTION, .sub = &nelm_treatment_death_section,   \
        .flags = NELM_PK_OPTIONAL, .def = defv,                                                    \
        .doc = "treatment-related death within a window after each course starts"                  \
    }
#define KIND_KEY_TOXICITY                                                                          \
    {                                                                                              \
        .name = "toxicity", .type = NELM_P_CUSTOM, .parse = nelm_parse_toxicity,                   \
        .dump = nelm_dump_toxicity, .flags = NELM_PK_OPTIONAL, .def = "none",                      \
        .doc = "net time to discontinuation for toxicity: a distribution, or none"                 \
    }
#define KIND_KEY_FATAL_TOX                                                                         \
    {                                                                                              \
        .name = "p_fatal_toxicity", .type = NELM_P_NUM, .offset = MOFF(p_fatal_toxicity),          \
        .min = 0, .max = 1, .unit = "probability", .flags = NELM_PK_OPTIONAL, .def = "0",          \
        .doc = "a toxicity discontinuation is fatal"                                               \
    }
#define KIND_KEY_MAX_COURSES(defv, maxv)                                                           \
    {                                                                                              \
        .name = "max_courses", .type = NELM_P_INT, .offset = MOFF(max_courses), .min = 1,          \
        .max = maxv, .flags = NELM_PK_OPTIONAL, .def = defv,                                       \
        .doc = "courses of this instance per patient"                                              \
    }
#define KIND_KEY_ELIG(sec)                                                                         \
    {                                                                                              \
        .name = "eligibility", .type = NELM_P_SECTION, .offset = MOFF(elig), .sub = &sec,          \
        .flags = NELM_PK_OPTIONAL, .def = "{}",                                                    \
        .doc = "who may start a course, on the current state"                                      \
    }

/* ---- eligibility keys, each with the kind's default (offsets into
 *      nelm_eligibility) ---- */

#define ELIG_MAX_ECOG(d)                                                                           \
    {                                                                                              \
        .name = "max_ecog", .type = NELM_P_INT, .offset = EOFF(max_ecog), .min = 0, .max = 4,      \
        .flags = NELM_PK_OPTIONAL, .def = d, .doc = "ECOG performance status at most"              \
    }
#define ELIG_MAX_AGE(d)                                                                            \
    {                                                                                              \
        .name = "max_age", .type = NELM_P_NUM, .offset = EOFF(max_age), .min = 0, .max = 150,      \
        .unit = "years", .flags = NELM_PK_OPTIONAL, .def = d, .doc = "current age at most"         \
    }
#define ELIG_MAX_KI67(d)                                                                           \
    {                                                                                              \
        .name = "max_ki67", .type = NELM_P_NUM, .offset = EOFF(max_ki67), .min = 0, .max = 100,    \
        .unit = "%", .flags = NELM_PK_OPTIONAL, .def = d, .doc = "Ki-67 index at most"             \
    }
#define ELIG_SITES(d)                                                                              \
    {                                                                                              \
        .name = "sites", .type = NELM_P_FLAGS, .offset = EOFF(sites), .names = nelm_site_names,    \
        .nnames = NELM_NSITES, .flags = NELM_PK_OPTIONAL, .def = d, .doc = "primary sites allowed" \
    }
#define ELIG_SSTR(d)                                                                               \
    {                                                                                              \
        .name = "require_sstr", .type = NELM_P_BOOL, .offset = EOFF(require_sstr),                 \
        .flags = NELM_PK_OPTIONAL, .def = d, .doc = "SSTR positivity required"                     \
    }
#define ELIG_FUNCTIONAL_OK(d)                                                                      \
    {                                                                                              \
        .name = "functional_ok", .type = NELM_P_BOOL, .offset = EOFF(functional_ok),               \
        .flags = NELM_PK_OPTIONAL, .def = d,                                                       \
        .doc = "a functional tumour qualifies without SSTR positivity (symptom control)"           \
    }
#define ELIG_EXTRAHEPATIC_OK(d)                                                                    \
    {                                                                                              \
        .name = "extrahepatic_ok", .type = NELM_P_BOOL, .offset = EOFF(extrahepatic_ok),           \
        .flags = NELM_PK_OPTIONAL, .def = d, .doc = "extrahepatic disease allowed"                 \
    }
#define ELIG_LIVER_DAMAGE_OK(d)                                                                    \
    {                                                                                              \
        .name = "liver_damage_ok", .type = NELM_P_BOOL, .offset = EOFF(liver_damage_ok),           \
        .flags = NELM_PK_OPTIONAL, .def = d, .doc = "allowed after whole-liver radioembolization"  \
    }
#define ELIG_MAX_FRILLING(d)                                                                       \
    {                                                                                              \
        .name = "max_frilling", .type = NELM_P_ENUM, .offset = EOFF(max_frilling),                 \
        .names = nelm_frilling_names, .nnames = NELM_NFRILLING, .flags = NELM_PK_OPTIONAL,         \
        .def = d, .doc = "Frilling pattern at most"                                                \
    }
#define ELIG_MAX_BURDEN(d)                                                                         \
    {                                                                                              \
        .name = "max_burden", .type = NELM_P_ENUM, .offset = EOFF(max_burden),                     \
        .names = nelm_burden_names, .nnames = NELM_NBURDENS, .flags = NELM_PK_OPTIONAL, .def = d,  \
        .doc = "hepatic tumour burden at most"                                                     \
    }
#define ELIG_PRIMARY(d)                                                                            \
    {                                                                                              \
        .name = "require_primary_resected", .type = NELM_P_BOOL,                                   \
        .offset = EOFF(require_primary_resected), .flags = NELM_PK_OPTIONAL, .def = d,             \
        .doc = "primary tumour resected required"                                                  \
    }
#define ELIG_MIN_CONTROLLED(d)                                                                     \
    {                                                                                              \
        .name = "min_controlled", .type = NELM_P_NUM, .offset = EOFF(min_controlled), .min = 0,    \
        .max = 1200, .unit = "months", .flags = NELM_PK_OPTIONAL, .def = d,                        \
        .doc = "months of controlled disease on the current line required (0: none)"               \
    }
#define ELIG_RETREAT_AFTER(d)                                                                      \
    {                                                                                              \
        .name = "retreat_after", .type = NELM_P_NUM, .offset = EOFF(retreat_after), .min = 0,      \
        .max = 1200, .unit = "months", .flags = NELM_PK_OPTIONAL, .def = d,                        \
        .doc = "a further course only if the previous one controlled the disease this long"        \
    }

#define ALL_SITES "[small_bowel, pancreas, other_gi, unknown]"

/* A kind's eligibility section, every key with this kind's default (YAML
 * text), in the order of nelm_eligibility: defines `elig_sec`. */
#define KIND_ELIGIBILITY(ecog, age, ki67, sites, sstr, functional, extrahepatic, damage, frilling, \
                         burden, primary, controlled, retreat)                                     \
    static const nelm_pkey elig_keys[] = {                                                         \
        ELIG_MAX_ECOG(ecog),                                                                       \
        ELIG_MAX_AGE(age),                                                                         \
        ELIG_MAX_KI67(ki67),                                                                       \
        ELIG_SITES(sites),                                                                         \
        ELIG_SSTR(sstr),                                                                           \
        ELIG_FUNCTIONAL_OK(functional),                                                            \
        ELIG_EXTRAHEPATIC_OK(extrahepatic),                                                        \
        ELIG_LIVER_DAMAGE_OK(damage),                                                              \
        ELIG_MAX_FRILLING(frilling),                                                               \
        ELIG_MAX_BURDEN(burden),                                                                   \
        ELIG_PRIMARY(primary),                                                                     \
        ELIG_MIN_CONTROLLED(controlled),                                                           \
        ELIG_RETREAT_AFTER(retreat),                                                               \
    };                                                                                             \
    static const nelm_psection elig_sec = {"eligibility", "", elig_keys, KEYS_N(elig_keys), 0, 0,  \
                                           nelm_check_eligibility}

#endif
