/* targets.c — reading a targets file, the verdict rules, and simulating the
 * targets (see targets.h; the format is documented in docs/VALIDATION.md). */
#include "targets.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cox.h"
#include "engine.h"
#include "summary.h"
#include "yamltree.h"

/* ---- names ------------------------------------------------------------------- */

static const char *const role_names[NELM_NROLES] = {"calibration", "validation"};
static const char *const verdict_names[NELM_NVERDICTS] = {"inside", "outside", "not_modelled"};
static const char *const tstat_names[NELM_NTSTATS] = {"median", "survival", "proportion",
                                                      "incidence", "hazard_ratio"};
static const char *const rule_names[NELM_NRULES] = {"95% CI", "range", "Wilson", "exp(1.96/sqrt d)",
                                                    "15%"};
static const char *const endpoint_names[NELM_NENDPOINTS] = {
    "os", "pfs", "rfs", "dfs", "ttp", "hepatic_pfs", "death_within", "late_toxicity"};

const char *
nelm_role_name(nelm_role r)
{
    return (unsigned)r < NELM_NROLES ? role_names[r] : "unknown";
}

const char *
nelm_verdict_name(nelm_verdict v)
{
    return (unsigned)v < NELM_NVERDICTS ? verdict_names[v] : "unknown";
}

const char *
nelm_tstat_name(nelm_tstat_kind k)
{
    return (unsigned)k < NELM_NTSTATS ? tstat_names[k] : "unknown";
}

const char *
nelm_rule_name(nelm_rule r)
{
    return (unsigned)r < NELM_NRULES ? rule_names[r] : "unknown";
}

const char *
nelm_endpoint_name(nelm_endpoint ep)
{
    return (unsigned)ep < NELM_NENDPOINTS ? endpoint_names[ep] : "unknown";
}

/* ---- the verdict rules ---------------------------------------------------------- */

void
nelm_wilson(double p, double n, double z, double *lo, double *hi)
{
    double z2n = z * z / n;
    double centre = (p + z2n / 2) / (1 + z2n);
    double half = z / (1 + z2n) * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
    *lo = fmax(0.0, centre - half);
    *hi = fmin(1.0, centre + half);
}

nelm_rule
nelm_target_interval(nelm_tstat_kind kind, double value, const double *ci, const double *range,
                     double n, double events, double *lo, double *hi)
{
    if (ci != NULL) {
        *lo = ci[0];
        *hi = ci[1];
        return NELM_RULE_CI;
    }
    if (range != NULL) {
        *lo = range[0];
        *hi = range[1];
        return NELM_RULE_RANGE;
    }
    bool proportion = kind == NELM_TSTAT_SURVIVAL || kind == NELM_TSTAT_PROPORTION ||
                      kind == NELM_TSTAT_INCIDENCE;
    if (proportion && n > 0) {
        nelm_wilson(value, n, NELM_Z95, lo, hi);
        return NELM_RULE_WILSON;
    }
    double d = events > 0 ? events : n;
    if (kind == NELM_TSTAT_MEDIAN && d > 0) {
        double f = exp(NELM_Z95 / sqrt(d));
        *lo = value / f;
        *hi = value * f;
        return NELM_RULE_EVENTS;
    }
    *lo = value * 0.85;
    *hi = value * 1.15;
    return NELM_RULE_PCT15;
}

nelm_verdict
nelm_target_verdict(double sim, double lo, double hi)
{
    return sim >= lo && sim <= hi ? NELM_VERDICT_INSIDE : NELM_VERDICT_OUTSIDE;
}

/* ---- reading the file: helpers --------------------------------------------------- */

static int fail_at(nelm_err *e, const nelm_ynode *n, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* "file:line:col: key: what" at node n */
static int
fail_at(nelm_err *e, const nelm_ynode *n, const char *key, const char *fmt, ...)
{
    char what[NELM_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return NELM_FAIL(e, NELM_ERR_PARAM, "%s:%d:%d: %s: %s", n->file, n->line, n->col, key, what);
}

static const char *
kind_of(const nelm_ynode *n)
{
    return n->kind == NELM_YMAP ? "a mapping" : n->kind == NELM_YSEQ ? "a list" : "a scalar";
}

/* keys of a mapping must be among allowed (NULL-terminated) */
static int
check_keys(const nelm_ynode *map, const char *const *allowed, const char *where, nelm_err *e)
{
    for (size_t i = 0; i < map->n; i++) {
        const char *k = map->keys[i]->str;
        size_t j = 0;
        while (allowed[j] && strcmp(allowed[j], k) != 0)
            j++;
        if (allowed[j] == NULL) {
            char list[512] = "";
            for (size_t q = 0; allowed[q]; q++) {
                strncat(list, q ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, allowed[q], sizeof list - strlen(list) - 1);
            }
            return fail_at(e, map->keys[i], where, "unknown key '%s' (expected %s)", k, list);
        }
    }
    return 0;
}

static int
want_map(const nelm_ynode *n, const char *where, nelm_err *e)
{
    if (n->kind != NELM_YMAP)
        return fail_at(e, n, where, "expected a mapping, got %s", kind_of(n));
    return 0;
}

/* a plain scalar that is a finite number */
static int
read_number(const nelm_ynode *n, const char *where, double *v, nelm_err *e)
{
    if (n->kind != NELM_YSCALAR || !n->plain || n->len == 0)
        return fail_at(e, n, where, "expected a number, got %s", kind_of(n));
    char *end = NULL;
    errno = 0;
    double x = strtod(n->str, &end);
    if (end == n->str || *end != '\0' || errno == ERANGE || !isfinite(x))
        return fail_at(e, n, where, "'%.60s' is not a finite number", n->str);
    *v = x;
    return 0;
}

static int
read_pair(const nelm_ynode *n, const char *where, double v[2], nelm_err *e)
{
    if (n->kind != NELM_YSEQ || n->n != 2)
        return fail_at(e, n, where, "expected [LOW, HIGH], got %s", kind_of(n));
    int ret;
    if ((ret = read_number(n->vals[0], where, &v[0], e)) != 0 ||
        (ret = read_number(n->vals[1], where, &v[1], e)) != 0)
        return ret;
    if (!(v[0] < v[1]))
        return fail_at(e, n, where, "expected LOW < HIGH, got [%g, %g]", v[0], v[1]);
    return 0;
}

static int
read_text(const nelm_ynode *n, const char *where, char **out, nelm_err *e)
{
    if (n->kind != NELM_YSCALAR || n->len == 0)
        return fail_at(e, n, where, "expected text, got %s", n->len == 0 ? "nothing" : kind_of(n));
    free(*out);
    if ((*out = nelm_strdup(n->str)) == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
    return 0;
}

static int
read_name(const nelm_ynode *n, const char *where, char out[NELM_NAME_MAX], nelm_err *e)
{
    if (n->kind != NELM_YSCALAR || n->len == 0 || n->len >= NELM_NAME_MAX)
        return fail_at(e, n, where, "expected a name of 1 to %d characters", NELM_NAME_MAX - 1);
    for (const char *c = n->str; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-'))
            return fail_at(e, n, where, "'%s': names have letters, digits, '_' and '-' only",
                           n->str);
    memcpy(out, n->str, n->len + 1);
    return 0;
}

static int
read_enum(const nelm_ynode *n, const char *where, const char *const *names, size_t nn, int *out,
          nelm_err *e)
{
    if (n->kind == NELM_YSCALAR)
        for (size_t i = 0; i < nn; i++)
            if (strcmp(n->str, names[i]) == 0) {
                *out = (int)i;
                return 0;
            }
    char list[256] = "";
    for (size_t q = 0; q < nn; q++) {
        strncat(list, q ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, names[q], sizeof list - strlen(list) - 1);
    }
    return fail_at(e, n, where, "'%.60s' is not one of %s",
                   n->kind == NELM_YSCALAR ? n->str : kind_of(n), list);
}

/* ---- YAML nodes back to flow text, for --set-style overrides ---- */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    bool oom;
} sbuf;

static void
sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *t = nelm_realloc(b->s, cap);
        if (t == NULL) {
            b->oom = true;
            return;
        }
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void
sb_puts(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static bool
plain_safe(const char *s)
{
    for (const char *c = s; *c; c++)
        if (!(isalnum((unsigned char)*c) || strchr("_.+-", *c) != NULL))
            return false;
    return true;
}

static void
emit_scalar(sbuf *b, const nelm_ynode *n)
{
    if (n->plain && plain_safe(n->str)) { /* numbers, names, booleans (and empty) */
        sb_puts(b, n->str);
        return;
    }
    sb_put(b, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)n->str; *c; c++) {
        char esc[8];
        if (*c == '"' || *c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*c;
            sb_put(b, esc, 2);
        } else if (*c < 0x20 || *c == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02x", *c);
            sb_puts(b, esc);
        } else {
            sb_put(b, (const char *)c, 1);
        }
    }
    sb_put(b, "\"", 1);
}

static void
emit_flow(sbuf *b, const nelm_ynode *n)
{
    if (n->kind == NELM_YSCALAR) {
        emit_scalar(b, n);
    } else if (n->kind == NELM_YSEQ) {
        sb_put(b, "[", 1);
        for (size_t i = 0; i < n->n; i++) {
            if (i)
                sb_put(b, ", ", 2);
            emit_flow(b, n->vals[i]);
        }
        sb_put(b, "]", 1);
    } else {
        sb_put(b, "{", 1);
        for (size_t i = 0; i < n->n; i++) {
            if (i)
                sb_put(b, ", ", 2);
            emit_scalar(b, n->keys[i]);
            sb_put(b, ": ", 2);
            emit_flow(b, n->vals[i]);
        }
        sb_put(b, "}", 1);
    }
}

/* append text (taken over: freed here on failure) located at (line, col) */
static int
sets_push(nelm_tsets *s, char *text, int line, int col, nelm_err *e)
{
    char **set = nelm_realloc(s->set, (s->n + 1) * sizeof *set);
    if (set)
        s->set = set;
    int *ln = set ? nelm_realloc(s->line, (s->n + 1) * sizeof *ln) : NULL;
    if (ln)
        s->line = ln;
    int *cl = ln ? nelm_realloc(s->col, (s->n + 1) * sizeof *cl) : NULL;
    if (cl)
        s->col = cl;
    if (text == NULL || cl == NULL) {
        free(text);
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
    }
    s->set[s->n] = text;
    s->line[s->n] = line;
    s->col[s->n] = col;
    s->n++;
    return 0;
}

/* append "path=<value as flow YAML>" located at (line, col) */
static int
sets_add(nelm_tsets *s, const char *path, const nelm_ynode *value, int line, int col, nelm_err *e)
{
    sbuf b = {0};
    sb_puts(&b, path);
    sb_put(&b, "=", 1);
    emit_flow(&b, value);
    if (b.oom) {
        free(b.s);
        b.s = NULL;
    }
    return sets_push(s, b.s, line, col, e);
}

static void
sets_free(nelm_tsets *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->set[i]);
    free(s->set);
    free(s->line);
    free(s->col);
    memset(s, 0, sizeof *s);
}

/* a `set:` mapping of parameter paths to values */
static int
read_sets(const nelm_ynode *set, const char *where, nelm_tsets *s, nelm_err *e)
{
    int ret = want_map(set, where, e);
    for (size_t i = 0; i < set->n && ret == 0; i++) {
        const nelm_ynode *k = set->keys[i];
        if (k->len == 0 || k->len >= NELM_PATH_MAX)
            return fail_at(e, k, where, "parameter path must have 1 to %d characters",
                           NELM_PATH_MAX - 1);
        for (const char *c = k->str; *c; c++)
            if (*c == '=' || isspace((unsigned char)*c))
                return fail_at(e, k, where, "'%s' is not a parameter path (like a.b[0].c)", k->str);
        if (strncmp(k->str, "strategies", 10) == 0 && (k->str[10] == '\0' || k->str[10] == '.'))
            return fail_at(e, k, where, "strategies are the arms: give them under arms");
        ret = sets_add(s, k->str, set->vals[i], k->line, k->col, e);
    }
    return ret;
}

/* ---- reading the file: targets ----------------------------------------------- */

static int
parse_arm(nelm_target *tg, nelm_tarm *a, const nelm_ynode *key, const nelm_ynode *node, nelm_err *e)
{
    char where[160];
    snprintf(where, sizeof where, "%s.arms.%s", tg->id, key->str);
    static const char *const keys[] = {"origin", "lines",       "set", "crossover",
                                       "note",   "description", NULL};
    int ret;
    if ((ret = read_name(key, where, a->name, e)) != 0 || (ret = want_map(node, where, e)) != 0 ||
        (ret = check_keys(node, keys, where, e)) != 0)
        return ret;
    a->line = key->line;
    a->col = key->col;
    const nelm_ynode *o = nelm_ymap_get(node, "origin");
    if (o == NULL)
        return fail_at(e, node, where,
                       "missing 'origin' (the instance whose first start is time zero)");
    if (o->kind == NELM_YMAP) {
        static const char *const okeys[] = {"instance", "line", NULL};
        if ((ret = check_keys(o, okeys, where, e)) != 0)
            return ret;
        const nelm_ynode *oi = nelm_ymap_get(o, "instance"), *ol = nelm_ymap_get(o, "line");
        if (oi == NULL)
            return fail_at(e, o, where, "origin: missing 'instance'");
        if ((ret = read_name(oi, where, a->origin, e)) != 0)
            return ret;
        if (ol) {
            double v = 0;
            if ((ret = read_number(ol, where, &v, e)) != 0)
                return ret;
            if (!(v >= 1 && v <= NELM_MAX_LINES && v == floor(v)))
                return fail_at(e, ol, where, "origin line must be 1 to %d", NELM_MAX_LINES);
            a->origin_line = (int)v;
        }
    } else if ((ret = read_name(o, where, a->origin, e)) != 0) {
        return ret;
    }
    const nelm_ynode *set = nelm_ymap_get(node, "set");
    if (set && (ret = read_sets(set, where, &a->sets, e)) != 0)
        return ret;
    const nelm_ynode *lines = nelm_ymap_get(node, "lines");
    if (lines == NULL || lines->kind != NELM_YSEQ || lines->n == 0)
        return fail_at(e, lines ? lines : node, where,
                       "expected 'lines': a list of strategy lines (as in a parameter file)");
    /* strategies={ARM: {lines: [...]}}: the arm is the only strategy of its
     * model (last, so the arm's own overrides cannot add others) */
    sbuf b = {0};
    sb_puts(&b, "strategies={");
    sb_puts(&b, a->name);
    sb_puts(&b, ": {lines: ");
    emit_flow(&b, lines);
    sb_puts(&b, "}}");
    if (b.oom) {
        free(b.s);
        b.s = NULL;
    }
    if ((ret = sets_push(&a->sets, b.s, lines->line, lines->col, e)) != 0)
        return ret;
    static const char *const texts[] = {"crossover", "note", "description"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const nelm_ynode *t = nelm_ymap_get(node, texts[i]);
        char *tmp = NULL;
        if (t && (ret = read_text(t, where, &tmp, e)) != 0)
            return ret;
        free(tmp);
    }
    return 0;
}

static int
find_arm(const nelm_target *tg, const nelm_ynode *n, const char *where, size_t *out, nelm_err *e)
{
    if (n->kind == NELM_YSCALAR)
        for (size_t i = 0; i < tg->narms; i++)
            if (strcmp(tg->arms[i].name, n->str) == 0) {
                *out = i;
                return 0;
            }
    return fail_at(e, n, where, "'%.60s' is not an arm of this target",
                   n->kind == NELM_YSCALAR ? n->str : kind_of(n));
}

static int
parse_stat(nelm_target *tg, nelm_tstat *s, const nelm_ynode *node, size_t idx, nelm_err *e)
{
    char where[160];
    snprintf(where, sizeof where, "%s.stats[%zu]", tg->id, idx);
    static const char *const keys[] = {"name",   "kind",     "arm", "vs",     "t",      "value",
                                       "ci",     "range",    "n",   "events", "source", "note",
                                       "reason", "modelled", "why", NULL};
    int ret;
    if ((ret = want_map(node, where, e)) != 0 || (ret = check_keys(node, keys, where, e)) != 0)
        return ret;
    s->line = node->line;
    s->col = node->col;
    s->modelled = true;
    const nelm_ynode *n;
    if ((n = nelm_ymap_get(node, "name")) == NULL)
        return fail_at(e, node, where, "missing 'name'");
    if ((ret = read_name(n, where, s->name, e)) != 0)
        return ret;
    if ((n = nelm_ymap_get(node, "kind")) == NULL)
        return fail_at(e, node, where,
                       "missing 'kind' (median, survival, proportion, incidence "
                       "or hazard_ratio)");
    int k = 0;
    if ((ret = read_enum(n, where, tstat_names, NELM_NTSTATS, &k, e)) != 0)
        return ret;
    s->kind = (nelm_tstat_kind)k;
    if ((n = nelm_ymap_get(node, "arm")) == NULL)
        return fail_at(e, node, where, "missing 'arm'");
    if ((ret = find_arm(tg, n, where, &s->arm, e)) != 0)
        return ret;
    s->vs = s->arm;
    n = nelm_ymap_get(node, "vs");
    if (s->kind == NELM_TSTAT_HAZARD_RATIO) {
        if (n == NULL)
            return fail_at(e, node, where, "a hazard ratio needs 'vs' (the control arm)");
        if ((ret = find_arm(tg, n, where, &s->vs, e)) != 0)
            return ret;
        if (s->vs == s->arm)
            return fail_at(e, n, where, "'vs' must be another arm");
    } else if (n != NULL) {
        return fail_at(e, n, where, "'vs' is for hazard ratios only");
    }
    n = nelm_ymap_get(node, "t");
    if (s->kind == NELM_TSTAT_SURVIVAL) {
        if (n == NULL)
            return fail_at(e, node, where, "a survival statistic needs 't' (months)");
        if ((ret = read_number(n, where, &s->t, e)) != 0)
            return ret;
        if (!(s->t > 0))
            return fail_at(e, n, where, "t must be > 0 months");
    } else {
        s->t = NAN;
        if (n != NULL)
            return fail_at(e, n, where, "'t' is for survival statistics only");
    }
    if ((n = nelm_ymap_get(node, "value")) == NULL)
        return fail_at(e, node, where, "missing 'value' (the published figure)");
    if ((ret = read_number(n, where, &s->value, e)) != 0)
        return ret;
    bool prop = s->kind == NELM_TSTAT_SURVIVAL || s->kind == NELM_TSTAT_PROPORTION ||
                s->kind == NELM_TSTAT_INCIDENCE;
    if (prop ? !(s->value >= 0 && s->value <= 1) : !(s->value > 0))
        return fail_at(e, n, where, "value %g out of range (expected %s)", s->value,
                       prop ? "a proportion from 0 to 1" : "> 0");
    if ((n = nelm_ymap_get(node, "ci")) != NULL) {
        if ((ret = read_pair(n, where, s->ci, e)) != 0)
            return ret;
        s->has_ci = true;
    }
    if ((n = nelm_ymap_get(node, "range")) != NULL) {
        if ((ret = read_pair(n, where, s->range, e)) != 0)
            return ret;
        s->has_range = true;
    }
    static const char *const counts[] = {"n", "events"};
    for (int c = 0; c < 2; c++)
        if ((n = nelm_ymap_get(node, counts[c])) != NULL) {
            double v = 0;
            if ((ret = read_number(n, where, &v, e)) != 0)
                return ret;
            if (!(v >= 1 && v == floor(v)))
                return fail_at(e, n, where, "%s must be a whole number >= 1", counts[c]);
            *(c == 0 ? &s->n : &s->events) = v;
        }
    if ((n = nelm_ymap_get(node, "modelled")) != NULL) {
        if (n->kind != NELM_YSCALAR || !n->plain ||
            (strcmp(n->str, "true") != 0 && strcmp(n->str, "false") != 0))
            return fail_at(e, n, where, "modelled: expected true or false");
        s->modelled = strcmp(n->str, "true") == 0;
    }
    if ((n = nelm_ymap_get(node, "why")) != NULL && (ret = read_text(n, where, &s->why, e)) != 0)
        return ret;
    if (!s->modelled && s->why == NULL)
        return fail_at(e, node, where, "modelled: false needs 'why' (what the model lacks)");
    if ((n = nelm_ymap_get(node, "reason")) != NULL &&
        (ret = read_text(n, where, &s->reason, e)) != 0)
        return ret;
    if ((n = nelm_ymap_get(node, "source")) != NULL &&
        (ret = read_text(n, where, &s->source, e)) != 0)
        return ret;
    if ((n = nelm_ymap_get(node, "note")) != NULL) {
        char *tmp = NULL;
        if ((ret = read_text(n, where, &tmp, e)) != 0)
            return ret;
        free(tmp);
    }
    if (s->modelled) { /* the endpoint must give this kind of statistic */
        bool ok;
        switch (tg->endpoint) {
        case NELM_EP_DEATH_WITHIN:
            ok = s->kind == NELM_TSTAT_PROPORTION;
            break;
        case NELM_EP_LATE_TOX:
            ok = s->kind == NELM_TSTAT_INCIDENCE;
            break;
        default:
            ok = s->kind == NELM_TSTAT_MEDIAN || s->kind == NELM_TSTAT_SURVIVAL ||
                 s->kind == NELM_TSTAT_HAZARD_RATIO;
        }
        if (!ok)
            return fail_at(e, node, where, "a %s is not a statistic of endpoint %s",
                           tstat_names[s->kind], endpoint_names[tg->endpoint]);
    }
    return 0;
}

static int
parse_target(nelm_target *tg, const nelm_ynode *node, size_t idx, nelm_err *e)
{
    char where[160];
    snprintf(where, sizeof where, "targets[%zu]", idx);
    static const char *const keys[] = {
        "id",   "role", "population", "treatment", "endpoint", "statistic", "source",
        "note", "set",  "follow_up",  "arms",      "stats",    NULL};
    int ret;
    if ((ret = want_map(node, where, e)) != 0 || (ret = check_keys(node, keys, where, e)) != 0)
        return ret;
    tg->line = node->line;
    tg->col = node->col;
    const nelm_ynode *n = nelm_ymap_get(node, "id");
    if (n == NULL)
        return fail_at(e, node, where, "missing 'id'");
    if ((ret = read_name(n, where, tg->id, e)) != 0)
        return ret;
    snprintf(where, sizeof where, "%s", tg->id);
    int k = 0;
    if ((n = nelm_ymap_get(node, "role")) == NULL)
        return fail_at(e, node, where, "missing 'role' (calibration or validation)");
    if ((ret = read_enum(n, where, role_names, NELM_NROLES, &k, e)) != 0)
        return ret;
    tg->role = (nelm_role)k;
    static const char *const texts[] = {"population", "source", "treatment", "statistic", "note"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        n = nelm_ymap_get(node, texts[i]);
        if (n == NULL && i < 2)
            return fail_at(e, node, where, "missing '%s'", texts[i]);
        char *tmp = NULL;
        if (n && (ret = read_text(n, where, i == 1 ? &tg->source : &tmp, e)) != 0)
            return ret;
        free(tmp);
    }
    /* the endpoint */
    if ((n = nelm_ymap_get(node, "endpoint")) == NULL)
        return fail_at(e, node, where, "missing 'endpoint'");
    static const char *const ekeys[] = {"kind", "window", "per", "text", NULL};
    if ((ret = want_map(n, where, e)) != 0 || (ret = check_keys(n, ekeys, where, e)) != 0)
        return ret;
    const nelm_ynode *ek = nelm_ymap_get(n, "kind");
    if (ek == NULL)
        return fail_at(e, n, where, "endpoint: missing 'kind'");
    if ((ret = read_enum(ek, where, endpoint_names, NELM_NENDPOINTS, &k, e)) != 0)
        return ret;
    tg->endpoint = (nelm_endpoint)k;
    const nelm_ynode *ew = nelm_ymap_get(n, "window"), *ep = nelm_ymap_get(n, "per");
    if (tg->endpoint == NELM_EP_DEATH_WITHIN) {
        if (ew == NULL)
            return fail_at(e, n, where, "death_within needs 'window' (months)");
        if ((ret = read_number(ew, where, &tg->window, e)) != 0)
            return ret;
        if (!(tg->window > 0))
            return fail_at(e, ew, where, "window must be > 0 months");
        static const char *const per[] = {"patient", "procedure"};
        if (ep && (ret = read_enum(ep, where, per, 2, &k, e)) != 0)
            return ret;
        tg->per_procedure = ep && k == 1;
    } else if (ew || ep) {
        return fail_at(e, ew ? ew : ep, where, "window and per are for death_within only");
    }
    /* follow-up */
    if ((n = nelm_ymap_get(node, "follow_up")) != NULL) {
        static const char *const fkeys[] = {"min", "max", "source", NULL};
        if ((ret = want_map(n, where, e)) != 0 || (ret = check_keys(n, fkeys, where, e)) != 0)
            return ret;
        const nelm_ynode *mn = nelm_ymap_get(n, "min"), *mx = nelm_ymap_get(n, "max"),
                         *src = nelm_ymap_get(n, "source");
        if (mn == NULL || mx == NULL || src == NULL)
            return fail_at(e, n, where, "follow_up needs min, max (months) and source");
        if ((ret = read_number(mn, where, &tg->fu_min, e)) != 0 ||
            (ret = read_number(mx, where, &tg->fu_max, e)) != 0)
            return ret;
        if (!(tg->fu_min >= 0 && tg->fu_max >= tg->fu_min && tg->fu_max > 0))
            return fail_at(e, n, where, "follow_up: expected 0 <= min <= max, max > 0");
        char *tmp = NULL;
        if ((ret = read_text(src, where, &tmp, e)) != 0)
            return ret;
        free(tmp);
        tg->has_follow_up = true;
    }
    if ((n = nelm_ymap_get(node, "set")) != NULL && (ret = read_sets(n, where, &tg->sets, e)) != 0)
        return ret;
    /* arms */
    if ((n = nelm_ymap_get(node, "arms")) == NULL || n->kind != NELM_YMAP || n->n == 0)
        return fail_at(e, n ? n : node, where, "expected 'arms': a mapping of arm names to arms");
    if ((tg->arms = nelm_calloc(n->n, sizeof *tg->arms)) == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
    for (size_t i = 0; i < n->n; i++) {
        tg->narms++;
        if ((ret = parse_arm(tg, &tg->arms[i], n->keys[i], n->vals[i], e)) != 0)
            return ret;
    }
    /* statistics */
    if ((n = nelm_ymap_get(node, "stats")) == NULL || n->kind != NELM_YSEQ || n->n == 0)
        return fail_at(e, n ? n : node, where, "expected 'stats': a list of statistics");
    if ((tg->stats = nelm_calloc(n->n, sizeof *tg->stats)) == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
    for (size_t i = 0; i < n->n; i++) {
        tg->nstats++;
        if ((ret = parse_stat(tg, &tg->stats[i], n->vals[i], i, e)) != 0)
            return ret;
        for (size_t j = 0; j < i; j++)
            if (strcmp(tg->stats[j].name, tg->stats[i].name) == 0)
                return fail_at(e, n->vals[i], where, "statistic '%s' is given twice",
                               tg->stats[i].name);
    }
    return 0;
}

/* ---- loading each arm's model ------------------------------------------------------ */

/* the overrides of an arm: the target's, then the arm's (its strategy last) */
static int
arm_sets(const nelm_target *tg, const nelm_tarm *a, const char ***out, size_t *n, nelm_err *e)
{
    *n = tg->sets.n + a->sets.n;
    const char **s = nelm_malloc((*n ? *n : 1) * sizeof *s);
    if (s == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
    for (size_t i = 0; i < tg->sets.n; i++)
        s[i] = tg->sets.set[i];
    for (size_t i = 0; i < a->sets.n; i++)
        s[tg->sets.n + i] = a->sets.set[i];
    *out = s;
    return 0;
}

/* does message m start with the parameter path p (followed by '.', '[', ':'
 * or a space, or nothing)? */
static bool
starts_with_path(const char *m, const char *p, size_t plen)
{
    if (strncmp(m, p, plen) != 0)
        return false;
    char c = m[plen];
    return c == '\0' || c == '.' || c == '[' || c == ':' || c == ' ';
}

/* An error of loading an arm's model, located in the targets file at the
 * override it is about (the arm when none is). */
static int
relocate(const char *file, const nelm_target *tg, const nelm_tarm *a, const nelm_err *inner,
         nelm_err *e)
{
    const char *m = inner->msg;
    if (inner->code != NELM_ERR_PARAM) /* out of memory, a file: nothing to locate */
        return NELM_FAIL(e, inner->code, "%s", inner->msg);
    if (strncmp(m, "--set:", 6) == 0) {
        const char *q = strstr(m, ": ");
        m = q ? q + 2 : m;
    }
    int line = a->line, col = a->col;
    size_t best = 0;
    const nelm_tsets *ss[2] = {&tg->sets, &a->sets};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < ss[k]->n; i++) {
            const char *eq = strchr(ss[k]->set[i], '=');
            size_t plen = (size_t)(eq - ss[k]->set[i]);
            if (plen > best && starts_with_path(m, ss[k]->set[i], plen)) {
                best = plen;
                line = ss[k]->line[i];
                col = ss[k]->col[i];
            }
        }
    /* the strategy is the arm: name it as the file does */
    char pre[NELM_NAME_MAX + 16];
    snprintf(pre, sizeof pre, "strategies.%s", a->name);
    if (starts_with_path(m, pre, strlen(pre)))
        return NELM_FAIL(e, inner->code, "%s:%d:%d: %s: arms.%s%s", file, line, col, tg->id,
                         a->name, m + strlen(pre));
    return NELM_FAIL(e, inner->code, "%s:%d:%d: %s: %s", file, line, col, tg->id, m);
}

/* Load arm a's model into p and find its origin instance. */
static int
arm_params(const char *file, const nelm_target *tg, const nelm_tarm *a, nelm_params *p,
           uint16_t *origin, nelm_err *e)
{
    const char **sets = NULL;
    size_t n = 0;
    int ret = arm_sets(tg, a, &sets, &n, e);
    if (ret != 0)
        return ret;
    nelm_err inner = {0};
    ret = nelm_params_load(p, NULL, sets, n, &inner);
    free(sets);
    if (ret != 0)
        return relocate(file, tg, a, &inner, e);
    for (size_t i = 0; i < p->nmodalities; i++)
        if (strcmp(p->modalities[i].name, a->origin) == 0) {
            *origin = (uint16_t)i;
            if (a->origin_line > 0 && (size_t)a->origin_line > p->strategies[0].nlines)
                return NELM_FAIL(e, NELM_ERR_PARAM,
                                 "%s:%d:%d: %s: arms.%s.origin: line %d, but the arm has %zu "
                                 "lines",
                                 file, a->line, a->col, tg->id, a->name, a->origin_line,
                                 p->strategies[0].nlines);
            return 0;
        }
    return NELM_FAIL(e, NELM_ERR_PARAM,
                     "%s:%d:%d: %s: arms.%s.origin: no modality instance '%s' in the model", file,
                     a->line, a->col, tg->id, a->name, a->origin);
}

/* ---- loading ---------------------------------------------------------------------- */

const char *
nelm_targets_default(void)
{
    return NELM_BUILTIN_PREFIX "params/targets.yaml"; /* compiled in (CMakeLists.txt) */
}

void
nelm_targets_free(nelm_targets *ts)
{
    for (size_t i = 0; i < ts->n; i++) {
        nelm_target *t = &ts->t[i];
        free(t->source);
        sets_free(&t->sets);
        for (size_t a = 0; a < t->narms; a++)
            sets_free(&t->arms[a].sets);
        free(t->arms);
        for (size_t s = 0; s < t->nstats; s++) {
            free(t->stats[s].reason);
            free(t->stats[s].why);
            free(t->stats[s].source);
        }
        free(t->stats);
    }
    free(ts->t);
    free(ts->file);
    memset(ts, 0, sizeof *ts);
}

int
nelm_targets_load(nelm_targets *ts, const char *path, nelm_err *e)
{
    memset(ts, 0, sizeof *ts);
    nelm_ydoc doc;
    int ret = nelm_ydoc_load(&doc, path, e);
    nelm_params *p = NULL;
    if (ret != 0)
        goto out;
    if ((ts->file = nelm_strdup(path)) == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
        goto out;
    }
    const nelm_ynode *root = doc.root;
    static const char *const rkeys[] = {"targets", NULL};
    if (root == NULL || root->kind != NELM_YMAP) {
        ret = NELM_FAIL(e, NELM_ERR_PARAM, "%s:1:1: targets: expected a mapping with 'targets:'",
                        path);
        goto out;
    }
    if ((ret = check_keys(root, rkeys, "targets", e)) != 0)
        goto out;
    const nelm_ynode *list = nelm_ymap_get(root, "targets");
    if (list == NULL || list->kind != NELM_YSEQ || list->n == 0) {
        ret = list ? fail_at(e, list, "targets", "expected a list of targets")
                   : NELM_FAIL(e, NELM_ERR_PARAM, "%s:%d:%d: targets: missing 'targets:'", path,
                               root->line, root->col);
        goto out;
    }
    if ((ts->t = nelm_calloc(list->n, sizeof *ts->t)) == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
        goto out;
    }
    for (size_t i = 0; i < list->n; i++) {
        ts->n++;
        if ((ret = parse_target(&ts->t[i], list->vals[i], i, e)) != 0)
            goto out;
        for (size_t j = 0; j < i; j++)
            if (strcmp(ts->t[j].id, ts->t[i].id) == 0) {
                ret = fail_at(e, list->vals[i], ts->t[i].id, "id given twice (also line %d)",
                              ts->t[j].line);
                goto out;
            }
    }
    /* every arm's model loads (errors located in this file), so a file that
     * loads simulates */
    if ((p = nelm_malloc(sizeof *p)) == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
        goto out;
    }
    for (size_t i = 0; i < ts->n && ret == 0; i++)
        for (size_t a = 0; a < ts->t[i].narms && ret == 0; a++) {
            uint16_t origin = 0;
            ret = arm_params(path, &ts->t[i], &ts->t[i].arms[a], p, &origin, e);
        }
out:
    free(p);
    nelm_ydoc_free(&doc);
    if (ret != 0)
        nelm_targets_free(ts);
    return ret;
}

/* ---- simulating an arm -------------------------------------------------------------- */

/* what one patient contributes */
typedef struct prec {
    double t;   /**< endpoint time from the origin, months */
    uint8_t ev; /**< endpoint event (else censored) */
    uint8_t reached;
    uint8_t nproc, ndead; /**< death_within: procedures and deaths within the window */
    uint8_t fail;         /**< the patient could not be sampled */
} prec;

/* an arm's data: the patients who reached the origin, in index order */
typedef struct armdata {
    bool frailty; /**< the arm's model has patient frailty on */
    size_t n;
    double *t;
    uint8_t *ev;
    uint64_t nproc, ndead, nev;
} armdata;

static void
armdata_free(armdata *d)
{
    free(d->t);
    free(d->ev);
    memset(d, 0, sizeof *d);
}

static bool
is_progression(const nelm_event *v)
{
    return v->type == NELM_EV_PROGRESSION || v->type == NELM_EV_RECURRENCE ||
           v->type == NELM_EV_WAITLIST_DROPOUT;
}

/* The endpoint of one simulated trajectory (cens: administrative censoring
 * from the origin, +inf: none). */
static void
endpoint_of(const nelm_target *tg, const nelm_tarm *a, uint16_t oinst, bool transplant,
            const nelm_trajectory *tr, double cens, prec *r)
{
    size_t io = tr->n;
    const nelm_event *last = &tr->ev[tr->n - 1];
    bool died = last->type == NELM_EV_DEATH;
    for (size_t i = 0; i < tr->n; i++) {
        const nelm_event *v = &tr->ev[i];
        if (v->instance != oinst || (a->origin_line > 0 && v->line != a->origin_line))
            continue;
        bool start = transplant ? v->type == NELM_EV_TREATMENT_START
                                : v->type == NELM_EV_LINE_START || v->type == NELM_EV_COURSE_START;
        if (!start)
            continue;
        if (io == tr->n)
            io = i;
        if (tg->endpoint == NELM_EP_DEATH_WITHIN && (tg->per_procedure || io == i)) {
            r->nproc++;
            if (died && last->t - v->t <= tg->window)
                r->ndead++;
        }
    }
    if (io == tr->n)
        return;
    r->reached = 1;
    double t0 = tr->ev[io].t, t = last->t - t0;
    bool ev = false;
    for (size_t j = io + 1; j < tr->n; j++) {
        const nelm_event *v = &tr->ev[j];
        bool hit = false;
        switch (tg->endpoint) {
        case NELM_EP_PFS:
        case NELM_EP_RFS:
        case NELM_EP_DFS:
        case NELM_EP_TTP:
            hit = is_progression(v);
            break;
        case NELM_EP_HEPATIC_PFS:
            hit = is_progression(v) && v->detail == NELM_SITE_HEPATIC;
            break;
        case NELM_EP_LATE_TOX:
            hit = v->type == NELM_EV_LATE_TOXICITY;
            break;
        default:
            break;
        }
        if (hit) {
            t = v->t - t0;
            ev = true;
            break;
        }
    }
    if (!ev) /* to death or the horizon */
        ev = died && tg->endpoint != NELM_EP_TTP && tg->endpoint != NELM_EP_LATE_TOX;
    if (t > cens) {
        t = cens;
        ev = false;
    }
    r->t = t;
    r->ev = ev;
}

/* Simulate arm `ai` of target tg: patients base .. base + N - 1. */
static int
simulate_arm(const char *file, const nelm_target *tg, size_t ai, const nelm_targets_opts *o,
             nelm_params *p, armdata *d, nelm_err *e)
{
    const nelm_tarm *a = &tg->arms[ai];
    memset(d, 0, sizeof *d);
    uint16_t oinst = 0;
    int ret = arm_params(file, tg, a, p, &oinst, e);
    if (ret != 0)
        return ret;
    nelm_model m;
    if ((ret = nelm_model_init(&m, p, e)) != 0)
        return ret;
    bool transplant = p->modalities[oinst].kind == NELM_KIND_TRANSPLANT;
    d->frailty = p->disease.frailty_variance > 0;
    uint64_t N = o->npatients, base = (uint64_t)ai * N;
    prec *r = nelm_calloc(N, sizeof *r);
    if (r == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (%llu patients)", (unsigned long long)N);
    int nt = o->threads > 0 ? o->threads : omp_get_max_threads();
#pragma omp parallel num_threads(nt)
    {
        nelm_trajectory *tr = nelm_malloc(sizeof *tr);
#pragma omp for schedule(dynamic, 256)
        for (long long k = 0; k < (long long)N; k++) {
            prec *pr = &r[k];
            if (tr == NULL) {
                pr->fail = 2;
                continue;
            }
            nelm_patient pt;
            nelm_err pe = {0};
            if (nelm_cohort_sample(&p->cohort, o->seed, base + (uint64_t)k, &pt, &pe) != 0) {
                pr->fail = 1;
                continue;
            }
            nelm_outcome out;
            nelm_simulate(&m, 0, o->seed, &pt, &out, tr);
            double cens = INFINITY;
            if (tg->has_follow_up)
                cens = tg->fu_min + (tg->fu_max - tg->fu_min) * ((double)k + 0.5) / (double)N;
            endpoint_of(tg, a, oinst, transplant, tr, cens, pr);
        }
        free(tr);
    }
    for (uint64_t k = 0; k < N && ret == 0; k++)
        if (r[k].fail == 2) {
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (trajectory)");
        } else if (r[k].fail == 1) { /* again, for its message */
            nelm_patient pt;
            nelm_cohort_sample(&p->cohort, o->seed, base + k, &pt, e);
            ret = e->code ? e->code : NELM_ERR_PARAM;
        }
    size_t n = 0;
    for (uint64_t k = 0; k < N && ret == 0; k++) {
        n += r[k].reached;
        d->nproc += r[k].nproc;
        d->ndead += r[k].ndead;
    }
    if (ret == 0 && n > 0) {
        d->t = nelm_malloc(n * sizeof *d->t);
        d->ev = nelm_malloc(n);
        if (d->t == NULL || d->ev == NULL)
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (%zu patients)", n);
    }
    for (uint64_t k = 0; k < N && ret == 0; k++)
        if (r[k].reached) {
            d->t[d->n] = r[k].t;
            d->ev[d->n] = r[k].ev;
            d->nev += r[k].ev;
            d->n++;
        }
    free(r);
    if (ret != 0)
        armdata_free(d);
    return ret;
}

/* ---- the statistics ------------------------------------------------------------------ */

static int
stat_km(const armdata *d, const nelm_tstat *s, nelm_trow *row, nelm_err *e)
{
    row->patients = d->n;
    row->events = d->nev;
    if (d->n == 0) {
        snprintf(row->note, sizeof row->note, "no simulated patient reached the origin");
        return 0;
    }
    nelm_km km;
    int ret = nelm_km_fit(&km, d->t, d->ev, d->n, e);
    if (ret != 0)
        return ret;
    if (s->kind == NELM_TSTAT_MEDIAN) {
        nelm_km_quantile(&km, 0.5, &row->sim, &row->sim_lo, &row->sim_hi);
        if (isnan(row->sim))
            snprintf(row->note, sizeof row->note, "median not reached in the simulation");
    } else {
        nelm_km_surv_ci(&km, s->t, &row->sim, &row->sim_lo, &row->sim_hi);
    }
    nelm_km_free(&km);
    return 0;
}

static void
stat_share(uint64_t k, uint64_t n, nelm_trow *row)
{
    row->patients = n;
    row->events = k;
    if (n == 0)
        return;
    row->sim = (double)k / (double)n;
    nelm_wilson(row->sim, (double)n, NELM_Z95, &row->sim_lo, &row->sim_hi);
}

static int
stat_hr(const armdata *arm, const armdata *ctl, nelm_trow *row, nelm_err *e)
{
    size_t n = arm->n + ctl->n;
    row->patients = n;
    row->events = arm->nev + ctl->nev;
    double *t = nelm_malloc((n ? n : 1) * sizeof *t), *x = nelm_malloc((n ? n : 1) * sizeof *x);
    uint8_t *ev = nelm_malloc(n ? n : 1);
    int ret = 0;
    if (t == NULL || x == NULL || ev == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (Cox model)");
        goto out;
    }
    for (size_t i = 0; i < arm->n; i++) {
        t[i] = arm->t[i];
        ev[i] = arm->ev[i];
        x[i] = 1;
    }
    for (size_t i = 0; i < ctl->n; i++) {
        t[arm->n + i] = ctl->t[i];
        ev[arm->n + i] = ctl->ev[i];
        x[arm->n + i] = 0;
    }
    nelm_cox_result cr;
    nelm_err ce = {0};
    if (nelm_cox_fit(t, ev, x, n, NELM_COX_EFRON, &cr, &ce) != 0) {
        if (ce.code == NELM_ERR_NOMEM) {
            ret = NELM_FAIL(e, ce.code, "%s", ce.msg);
            goto out;
        }
        snprintf(row->note, sizeof row->note, "%.159s", ce.msg);
        goto out;
    }
    row->sim = exp(cr.beta);
    row->sim_lo = exp(cr.beta - NELM_Z95 * cr.se);
    row->sim_hi = exp(cr.beta + NELM_Z95 * cr.se);
out:
    free(t);
    free(x);
    free(ev);
    return ret;
}

void
nelm_trow_arm(const nelm_targets *ts, const nelm_trow *r, char *out, size_t len)
{
    const nelm_target *tg = &ts->t[r->target];
    const nelm_tstat *s = &tg->stats[r->stat];
    if (s->kind == NELM_TSTAT_HAZARD_RATIO)
        snprintf(out, len, "%s vs %s", tg->arms[s->arm].name, tg->arms[s->vs].name);
    else
        snprintf(out, len, "%s", tg->arms[s->arm].name);
}

/* ---- running ---------------------------------------------------------------------- */

static int
run_target(const nelm_targets *ts, size_t ti, const nelm_targets_opts *o, nelm_trow *rows,
           nelm_params *p, nelm_err *e)
{
    const nelm_target *tg = &ts->t[ti];
    armdata *d = nelm_calloc(tg->narms, sizeof *d);
    bool *need = nelm_calloc(tg->narms, sizeof *need);
    int ret = 0;
    if (d == NULL || need == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
        goto out;
    }
    for (size_t s = 0; s < tg->nstats; s++)
        if (tg->stats[s].modelled)
            need[tg->stats[s].arm] = need[tg->stats[s].vs] = true;
    for (size_t a = 0; a < tg->narms && ret == 0; a++) {
        if (o->stop && *o->stop) {
            ret = NELM_FAIL(e, NELM_ERR_INTERRUPTED, "interrupted");
            break;
        }
        if (need[a])
            ret = simulate_arm(ts->file, tg, a, o, p, &d[a], e);
    }
    for (size_t si = 0; si < tg->nstats && ret == 0; si++) {
        const nelm_tstat *s = &tg->stats[si];
        nelm_trow *row = &rows[si];
        memset(row, 0, sizeof *row);
        row->target = ti;
        row->stat = si;
        row->published = s->value;
        row->rule = nelm_target_interval(s->kind, s->value, s->has_ci ? s->ci : NULL,
                                         s->has_range ? s->range : NULL, s->n, s->events, &row->lo,
                                         &row->hi);
        row->sim = row->sim_lo = row->sim_hi = NAN;
        if (!s->modelled) {
            row->verdict = NELM_VERDICT_NOT_MODELLED;
            continue;
        }
        const armdata *ad = &d[s->arm];
        row->frailty = ad->frailty || d[s->vs].frailty;
        switch (s->kind) {
        case NELM_TSTAT_MEDIAN:
        case NELM_TSTAT_SURVIVAL:
            ret = stat_km(ad, s, row, e);
            break;
        case NELM_TSTAT_PROPORTION:
            stat_share(ad->ndead, ad->nproc, row);
            break;
        case NELM_TSTAT_INCIDENCE:
            stat_share(ad->nev, ad->n, row);
            break;
        case NELM_TSTAT_HAZARD_RATIO:
            ret = stat_hr(ad, &d[s->vs], row, e);
            break;
        default:
            nelm_bug_assert(0);
        }
        row->verdict = nelm_target_verdict(row->sim, row->lo, row->hi);
        bool crosses = (row->sim_lo < row->lo && row->lo < row->sim_hi) ||
                       (row->sim_lo < row->hi && row->hi < row->sim_hi);
        if (crosses && row->note[0] == '\0')
            snprintf(row->note, sizeof row->note,
                     "borderline: the Monte Carlo interval crosses a bound of the published "
                     "interval (another seed or more patients may change the verdict)");
    }
out:
    for (size_t a = 0; d && a < tg->narms; a++)
        armdata_free(&d[a]);
    free(d);
    free(need);
    return ret;
}

int
nelm_targets_run(const nelm_targets *ts, const nelm_targets_opts *o, nelm_trow **rows,
                 size_t *nrows, nelm_err *e)
{
    *rows = NULL;
    *nrows = 0;
    if (o->npatients == 0)
        return NELM_FAIL(e, NELM_ERR_USAGE, "patients per arm must be >= 1");
    bool *sel = nelm_calloc(ts->n ? ts->n : 1, sizeof *sel);
    if (sel == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
    for (size_t i = 0; i < ts->n; i++)
        sel[i] = o->nids == 0;
    for (size_t k = 0; k < o->nids; k++) {
        size_t i = 0;
        while (i < ts->n && strcmp(ts->t[i].id, o->ids[k]) != 0)
            i++;
        if (i == ts->n) {
            free(sel);
            return NELM_FAIL(e, NELM_ERR_USAGE, "no target '%s' in %s", o->ids[k], ts->file);
        }
        sel[i] = true;
    }
    size_t total = 0, ntargets = 0;
    for (size_t i = 0; i < ts->n; i++)
        if (sel[i]) {
            total += ts->t[i].nstats;
            ntargets++;
        }
    nelm_trow *out = nelm_calloc(total ? total : 1, sizeof *out);
    nelm_params *p = nelm_malloc(sizeof *p);
    int ret = 0;
    if (out == NULL || p == NULL)
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
    size_t at = 0, done = 0;
    for (size_t i = 0; i < ts->n && ret == 0; i++) {
        if (!sel[i])
            continue;
        if (o->progress) {
            fprintf(o->progress, "\r[%zu/%zu] %-40s", ++done, ntargets, ts->t[i].id);
            fflush(o->progress);
        }
        ret = run_target(ts, i, o, out + at, p, e);
        at += ts->t[i].nstats;
    }
    if (o->progress) {
        fprintf(o->progress, "\r%60s\r", "");
        fflush(o->progress);
    }
    free(p);
    free(sel);
    if (ret != 0) {
        free(out);
        return ret;
    }
    *rows = out;
    *nrows = total;
    return 0;
}
