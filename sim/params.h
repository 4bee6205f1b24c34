/* params.h — the parameter file: declared once, parsed strictly (DESIGN §5).
 *
 * Every section and key is declared once in a spec table (name, type, range,
 * unit, doc, whether a `source:` is required). That one declaration drives
 * parsing and range checks, the reference documentation (`nelmsim check
 * --explain`) and the echo of the resolved parameters (`--dump`, and the
 * copy stored in every output), which loads back to the identical model.
 *
 * Errors are one line "file:line:col: key.path: what (expected ...)" and
 * carry NELM_ERR_PARAM; nothing is simulated or written after one.
 */
#ifndef NELM_PARAMS_H
#define NELM_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cohort.h"
#include "dist.h"
#include "econ_params.h"
#include "error.h"
#include "model.h"
#include "yamltree.h"

#define NELM_SOURCE_MAX 512
#define NELM_MAX_SOURCES 256
#define NELM_PATH_MAX 256
#define NELM_NAME_MAX 64

/** A literature source attached to a section ("cohort.age" -> text). */
typedef struct nelm_source {
    char path[96];
    char text[NELM_SOURCE_MAX];
} nelm_source;

typedef struct nelm_bgmort_params {
    char table[NELM_PATH_MAX]; /**< "builtin" or a CSV path (resolved) */
    int last_age;              /**< rates beyond this age held constant */
} nelm_bgmort_params;

/** The whole resolved parameter set. Plain data: copy freely. */
typedef struct nelm_params {
    nelm_cohort_params cohort;
    nelm_bgmort_params background;
    nelm_disease_params disease;
    nelm_horizon_params horizon;
    size_t nmodalities;
    nelm_modality modalities[NELM_MAX_INSTANCES];
    size_t nstrategies;
    nelm_strategy strategies[NELM_MAX_STRATEGIES];
    nelm_econ_params econ; /**< economics: (econ_params.h) */
    size_t nsources;
    nelm_source sources[NELM_MAX_SOURCES];
} nelm_params;

/* ---- the spec --------------------------------------------------------- */

typedef enum nelm_ptype {
    NELM_P_NUM,     /**< number in [min, max] (finite) */
    NELM_P_INT,     /**< integer in [min, max] */
    NELM_P_BOOL,    /**< true or false only */
    NELM_P_STR,     /**< text (stored in a char[NELM_PATH_MAX]) */
    NELM_P_ENUM,    /**< one of names -> int */
    NELM_P_FLAGS,   /**< list of names -> uint32 bit set */
    NELM_P_SECTION, /**< nested mapping, same base object */
    NELM_P_DIST,    /**< survival distribution {dist: FAMILY, ...} -> nelm_dist */
    NELM_P_NAMED,   /**< mapping of user-chosen names -> sections, into an array */
    NELM_P_CUSTOM,  /**< parsed and echoed by the section's own functions */
} nelm_ptype;

enum {
    NELM_PK_OPTIONAL = 1u << 0, /**< may be omitted: `def` applies */
    NELM_PK_SOURCE = 1u << 2,   /**< SECTION: needs `source:` beside its values */
    NELM_PK_PATH = 1u << 3,     /**< STR: a file name, resolved relative to the file */
};

typedef struct nelm_psection nelm_psection;
typedef struct nelm_pctx nelm_pctx;

typedef struct nelm_pkey {
    const char *name;
    nelm_ptype type;
    size_t offset; /**< into the base object (SECTION: the sub-section's base) */
    double min, max;
    const char *unit;
    const char *doc;
    unsigned flags;
    const char *const *names; /**< ENUM, FLAGS */
    size_t nnames;
    const nelm_psection *sub; /**< SECTION; NAMED: each element's section */
    const char *def;          /**< default as YAML text, for OPTIONAL keys */
    /* NAMED: elements of elem_size bytes at offset, at most max_items, their
     * number (size_t) at count_offset, each element's name in a
     * char[NELM_NAME_MAX] at name_offset within it. An element is parsed by
     * `sub` (element as base) or, when set, by parse_elem (e.g. to choose
     * the section by a `kind:` key); dumped by `sub` or dump_elem. */
    size_t elem_size, max_items, count_offset, name_offset;
    int (*parse_elem)(nelm_pctx *c, const nelm_ynode *node, void *elem, const char *path);
    void (*dump_elem)(FILE *out, const nelm_params *p, const void *elem, const char *path,
                      int indent);
    /* NAMED elements whose section is chosen per element (by `kind:`): the
     * alternatives, for --explain */
    const nelm_psection *(*alt)(size_t i); /**< NULL after the last */
    /* CUSTOM: parse the node into base; echo as YAML at indent (dump NULL:
     * the key is echoed by its parent's own dumper) */
    int (*parse)(nelm_pctx *c, const nelm_ynode *node, void *base, const char *path);
    void (*dump)(FILE *out, const void *base, int indent);
} nelm_pkey;

struct nelm_psection {
    const char *name;
    const char *doc;
    const nelm_pkey *keys;
    size_t nkeys;
    /** sum_count > 0: the doubles at base + sum_offset are probabilities
     *  that must sum to 1 (within 1e-9) */
    size_t sum_offset, sum_count;
    /** cross-key check after parsing (inconsistent combinations) */
    int (*check)(nelm_pctx *c, const nelm_ynode *node, void *base, const char *path);
};

/** Parsing context (for CUSTOM parsers and checks). */
struct nelm_pctx {
    nelm_params *p;
    nelm_err *e;
    nelm_ydoc *doc; /**< owns nodes made for defaults */
};

/** Error helper for parsers: "file:line:col: path: what". */
int nelm_pfail(nelm_pctx *c, const nelm_ynode *at, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/** Scalar readers with the standard messages. */
int nelm_pread_num(nelm_pctx *c, const nelm_ynode *n, const char *path, double min, double max,
                   double *out);
int nelm_pread_enum(nelm_pctx *c, const nelm_ynode *n, const char *path,
                    const char *const *names, size_t nnames, int *out);

/** Parse node as section s into base (for custom element parsers). */
int nelm_pparse_section(nelm_pctx *c, const nelm_psection *s, const nelm_ynode *node,
                        void *base, const char *path);
/** The same, with a `source:` required beside the values (stored under path). */
int nelm_pparse_section_sourced(nelm_pctx *c, const nelm_psection *s, const nelm_ynode *node,
                                void *base, const char *path);
/** Echo base as section s at indent (for custom element dumpers). */
void nelm_pdump_section(FILE *out, const nelm_params *p, const nelm_psection *s,
                        const void *base, const char *path, int indent);
/** The same, echoing the section's stored `source:` last. */
void nelm_pdump_section_sourced(FILE *out, const nelm_params *p, const nelm_psection *s,
                                const void *base, const char *path, int indent);

/** Resolve a reference to a named element: the index of `node`'s text
 *  among names[0..n), or an "unknown reference" error with did-you-mean
 *  naming what is referred to (e.g. "modality instance"). */
int nelm_pread_ref(nelm_pctx *c, const nelm_ynode *node, const char *path, const char *what,
                   const char *const *names, size_t n, size_t *out);

/** Survival distributions in parameter files (params_dist.c):
 *  {dist: weibull, shape: 1.3, scale: 20, time_unit: months}, flexsurv's
 *  families and parameter names; errors located at the offending key. */
int nelm_pread_dist(nelm_pctx *c, const nelm_ynode *n, const char *path, nelm_dist *out);
/** The distribution as a one-line YAML flow mapping (numbers %.17g). */
void nelm_pdump_dist(FILE *out, const nelm_dist *d);
/** The families and their parameters, for --explain. */
void nelm_pexplain_dist(FILE *out, int indent);

/* ---- loading -------------------------------------------------------------- */

/** Override from the command line: "path=value", e.g. "cohort.age.mean=62"
 *  or "cohort.filters[0].max=40" (list elements by index). */
typedef struct nelm_override {
    const char *arg;
} nelm_override;

/** Load a parameter file (NULL: the built-in default model), apply the
 *  overrides in order, validate everything. */
int nelm_params_load(nelm_params *p, const char *path, const char *const *sets, size_t nsets,
                     nelm_err *e);
/** Load from YAML text (name used in messages and for relative paths). */
int nelm_params_load_string(nelm_params *p, const char *text, size_t len, const char *name,
                            const char *const *sets, size_t nsets, nelm_err *e);

/** Echo the resolved parameters as YAML (numbers %.17g) that loads back to
 *  the identical model. */
void nelm_params_dump(FILE *out, const nelm_params *p);
/** Reference documentation of the format, generated from the spec. */
void nelm_params_explain(FILE *out);

/** The built-in default model (params/nelm.yaml and its includes, compiled
 *  in): what nelm_params_load(p, NULL, ...) loads. */
#define NELM_DEFAULT_MODEL "builtin:params/nelm.yaml"

#endif
