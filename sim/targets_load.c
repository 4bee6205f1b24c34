/* targets_load.c — reading a targets file (see targets.h; the format is
 * documented in docs/VALIDATION.md). */
#include "targets.h"
#include "targets_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "yamltree.h"

/* ---- reading the file: helpers --------------------------------------------------- */

static const char *
kind_of(const nelm_ynode *n)
{
    return n->kind == NELM_YMAP ? "a mapping" : n->kind == NELM_YSEQ ? "a list" : "a scalar";
}

static int
want_map(const nelm_ynode *n, const char *where, nelm_err *e)
{
    if (n->kind != NELM_YMAP)
        return nelm_yfail(e, n, where, "expected a mapping, got %s", kind_of(n));
    return 0;
}

/* a plain scalar that is a finite number */
static int
read_number(const nelm_ynode *n, const char *where, double *v, nelm_err *e)
{
    if (n->kind != NELM_YSCALAR || !n->plain || n->len == 0)
        return nelm_yfail(e, n, where, "expected a number, got %s", kind_of(n));
    char *end = NULL;
    errno = 0;
    double x = strtod(n->str, &end);
    if (end == n->str || *end != '\0' || errno == ERANGE || !isfinite(x))
        return nelm_yfail(e, n, where, "'%.60s' is not a finite number", n->str);
    *v = x;
    return 0;
}

static int
read_pair(const nelm_ynode *n, const char *where, double v[2], nelm_err *e)
{
    if (n->kind != NELM_YSEQ || n->n != 2)
        return nelm_yfail(e, n, where, "expected [LOW, HIGH], got %s", kind_of(n));
    int ret;
    if ((ret = read_number(n->vals[0], where, &v[0], e)) != 0 ||
        (ret = read_number(n->vals[1], where, &v[1], e)) != 0)
        return ret;
    if (!(v[0] < v[1]))
        return nelm_yfail(e, n, where, "expected LOW < HIGH, got [%g, %g]", v[0], v[1]);
    return 0;
}

static int
read_text(const nelm_ynode *n, const char *where, char **out, nelm_err *e)
{
    if (n->kind != NELM_YSCALAR || n->len == 0)
        return nelm_yfail(e, n, where, "expected text, got %s",
                          n->len == 0 ? "nothing" : kind_of(n));
    free(*out);
    if ((*out = nelm_strdup(n->str)) == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
    return 0;
}

static int
read_name(const nelm_ynode *n, const char *where, char out[NELM_NAME_MAX], nelm_err *e)
{
    if (n->kind != NELM_YSCALAR || n->len == 0 || n->len >= NELM_NAME_MAX)
        return nelm_yfail(e, n, where, "expected a name of 1 to %d characters", NELM_NAME_MAX - 1);
    for (const char *c = n->str; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-'))
            return nelm_yfail(e, n, where, "'%s': names have letters, digits, '_' and '-' only",
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
    return nelm_yfail(e, n, where, "'%.60s' is not one of %s",
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
            return nelm_yfail(e, k, where, "parameter path must have 1 to %d characters",
                              NELM_PATH_MAX - 1);
        for (const char *c = k->str; *c; c++)
            if (*c == '=' || isspace((unsigned char)*c))
                return nelm_yfail(e, k, where, "'%s' is not a parameter path (like a.b[0].c)",
                                  k->str);
        if (strncmp(k->str, "strategies", 10) == 0 && (k->str[10] == '\0' || k->str[10] == '.'))
            return nelm_yfail(e, k, where, "strategies are the arms: give them under arms");
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
        (ret = nelm_ycheck_keys(node, keys, where, e)) != 0)
        return ret;
    a->line = key->line;
    a->col = key->col;
    const nelm_ynode *o = nelm_ymap_get(node, "origin");
    if (o == NULL)
        return nelm_yfail(e, node, where,
                          "missing 'origin' (the instance whose first start is time zero)");
    if (o->kind == NELM_YMAP) {
        static const char *const okeys[] = {"instance", "line", NULL};
        if ((ret = nelm_ycheck_keys(o, okeys, where, e)) != 0)
            return ret;
        const nelm_ynode *oi = nelm_ymap_get(o, "instance"), *ol = nelm_ymap_get(o, "line");
        if (oi == NULL)
            return nelm_yfail(e, o, where, "origin: missing 'instance'");
        if ((ret = read_name(oi, where, a->origin, e)) != 0)
            return ret;
        if (ol) {
            double v = 0;
            if ((ret = read_number(ol, where, &v, e)) != 0)
                return ret;
            if (!(v >= 1 && v <= NELM_MAX_LINES && v == floor(v)))
                return nelm_yfail(e, ol, where, "origin line must be 1 to %d", NELM_MAX_LINES);
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
        return nelm_yfail(e, lines ? lines : node, where,
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
    return nelm_yfail(e, n, where, "'%.60s' is not an arm of this target",
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
    if ((ret = want_map(node, where, e)) != 0 ||
        (ret = nelm_ycheck_keys(node, keys, where, e)) != 0)
        return ret;
    s->line = node->line;
    s->col = node->col;
    s->modelled = true;
    const nelm_ynode *n;
    if ((n = nelm_ymap_get(node, "name")) == NULL)
        return nelm_yfail(e, node, where, "missing 'name'");
    if ((ret = read_name(n, where, s->name, e)) != 0)
        return ret;
    if ((n = nelm_ymap_get(node, "kind")) == NULL)
        return nelm_yfail(e, node, where,
                          "missing 'kind' (median, survival, proportion, incidence "
                          "or hazard_ratio)");
    int k = 0;
    if ((ret = read_enum(n, where, nelm_tg_tstat_names, NELM_NTSTATS, &k, e)) != 0)
        return ret;
    s->kind = (nelm_tstat_kind)k;
    if ((n = nelm_ymap_get(node, "arm")) == NULL)
        return nelm_yfail(e, node, where, "missing 'arm'");
    if ((ret = find_arm(tg, n, where, &s->arm, e)) != 0)
        return ret;
    s->vs = s->arm;
    n = nelm_ymap_get(node, "vs");
    if (s->kind == NELM_TSTAT_HAZARD_RATIO) {
        if (n == NULL)
            return nelm_yfail(e, node, where, "a hazard ratio needs 'vs' (the control arm)");
        if ((ret = find_arm(tg, n, where, &s->vs, e)) != 0)
            return ret;
        if (s->vs == s->arm)
            return nelm_yfail(e, n, where, "'vs' must be another arm");
    } else if (n != NULL) {
        return nelm_yfail(e, n, where, "'vs' is for hazard ratios only");
    }
    n = nelm_ymap_get(node, "t");
    if (s->kind == NELM_TSTAT_SURVIVAL) {
        if (n == NULL)
            return nelm_yfail(e, node, where, "a survival statistic needs 't' (months)");
        if ((ret = read_number(n, where, &s->t, e)) != 0)
            return ret;
        if (!(s->t > 0))
            return nelm_yfail(e, n, where, "t must be > 0 months");
    } else {
        s->t = NAN;
        if (n != NULL)
            return nelm_yfail(e, n, where, "'t' is for survival statistics only");
    }
    if ((n = nelm_ymap_get(node, "value")) == NULL)
        return nelm_yfail(e, node, where, "missing 'value' (the published figure)");
    if ((ret = read_number(n, where, &s->value, e)) != 0)
        return ret;
    bool prop = s->kind == NELM_TSTAT_SURVIVAL || s->kind == NELM_TSTAT_PROPORTION ||
                s->kind == NELM_TSTAT_INCIDENCE;
    if (prop ? !(s->value >= 0 && s->value <= 1) : !(s->value > 0))
        return nelm_yfail(e, n, where, "value %g out of range (expected %s)", s->value,
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
                return nelm_yfail(e, n, where, "%s must be a whole number >= 1", counts[c]);
            *(c == 0 ? &s->n : &s->events) = v;
        }
    if ((n = nelm_ymap_get(node, "modelled")) != NULL) {
        if (n->kind != NELM_YSCALAR || !n->plain ||
            (strcmp(n->str, "true") != 0 && strcmp(n->str, "false") != 0))
            return nelm_yfail(e, n, where, "modelled: expected true or false");
        s->modelled = strcmp(n->str, "true") == 0;
    }
    if ((n = nelm_ymap_get(node, "why")) != NULL && (ret = read_text(n, where, &s->why, e)) != 0)
        return ret;
    if (!s->modelled && s->why == NULL)
        return nelm_yfail(e, node, where, "modelled: false needs 'why' (what the model lacks)");
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
            return nelm_yfail(e, node, where, "a %s is not a statistic of endpoint %s",
                              nelm_tg_tstat_names[s->kind], nelm_tg_endpoint_names[tg->endpoint]);
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
    if ((ret = want_map(node, where, e)) != 0 ||
        (ret = nelm_ycheck_keys(node, keys, where, e)) != 0)
        return ret;
    tg->line = node->line;
    tg->col = node->col;
    const nelm_ynode *n = nelm_ymap_get(node, "id");
    if (n == NULL)
        return nelm_yfail(e, node, where, "missing 'id'");
    if ((ret = read_name(n, where, tg->id, e)) != 0)
        return ret;
    snprintf(where, sizeof where, "%s", tg->id);
    int k = 0;
    if ((n = nelm_ymap_get(node, "role")) == NULL)
        return nelm_yfail(e, node, where, "missing 'role' (calibration or validation)");
    if ((ret = read_enum(n, where, nelm_tg_role_names, NELM_NROLES, &k, e)) != 0)
        return ret;
    tg->role = (nelm_role)k;
    static const char *const texts[] = {"population", "source", "treatment", "statistic", "note"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        n = nelm_ymap_get(node, texts[i]);
        if (n == NULL && i < 2)
            return nelm_yfail(e, node, where, "missing '%s'", texts[i]);
        char *tmp = NULL;
        if (n && (ret = read_text(n, where, i == 1 ? &tg->source : &tmp, e)) != 0)
            return ret;
        free(tmp);
    }
    /* the endpoint */
    if ((n = nelm_ymap_get(node, "endpoint")) == NULL)
        return nelm_yfail(e, node, where, "missing 'endpoint'");
    static const char *const ekeys[] = {"kind", "window", "per", "text", NULL};
    if ((ret = want_map(n, where, e)) != 0 || (ret = nelm_ycheck_keys(n, ekeys, where, e)) != 0)
        return ret;
    const nelm_ynode *ek = nelm_ymap_get(n, "kind");
    if (ek == NULL)
        return nelm_yfail(e, n, where, "endpoint: missing 'kind'");
    if ((ret = read_enum(ek, where, nelm_tg_endpoint_names, NELM_NENDPOINTS, &k, e)) != 0)
        return ret;
    tg->endpoint = (nelm_endpoint)k;
    const nelm_ynode *ew = nelm_ymap_get(n, "window"), *ep = nelm_ymap_get(n, "per");
    if (tg->endpoint == NELM_EP_DEATH_WITHIN) {
        if (ew == NULL)
            return nelm_yfail(e, n, where, "death_within needs 'window' (months)");
        if ((ret = read_number(ew, where, &tg->window, e)) != 0)
            return ret;
        if (!(tg->window > 0))
            return nelm_yfail(e, ew, where, "window must be > 0 months");
        static const char *const per[] = {"patient", "procedure"};
        if (ep && (ret = read_enum(ep, where, per, 2, &k, e)) != 0)
            return ret;
        tg->per_procedure = ep && k == 1;
    } else if (ew || ep) {
        return nelm_yfail(e, ew ? ew : ep, where, "window and per are for death_within only");
    }
    /* follow-up */
    if ((n = nelm_ymap_get(node, "follow_up")) != NULL) {
        static const char *const fkeys[] = {"min", "max", "source", NULL};
        if ((ret = want_map(n, where, e)) != 0 || (ret = nelm_ycheck_keys(n, fkeys, where, e)) != 0)
            return ret;
        const nelm_ynode *mn = nelm_ymap_get(n, "min"), *mx = nelm_ymap_get(n, "max"),
                         *src = nelm_ymap_get(n, "source");
        if (mn == NULL || mx == NULL || src == NULL)
            return nelm_yfail(e, n, where, "follow_up needs min, max (months) and source");
        if ((ret = read_number(mn, where, &tg->fu_min, e)) != 0 ||
            (ret = read_number(mx, where, &tg->fu_max, e)) != 0)
            return ret;
        if (!(tg->fu_min >= 0 && tg->fu_max >= tg->fu_min && tg->fu_max > 0))
            return nelm_yfail(e, n, where, "follow_up: expected 0 <= min <= max, max > 0");
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
        return nelm_yfail(e, n ? n : node, where,
                          "expected 'arms': a mapping of arm names to arms");
    if ((tg->arms = nelm_calloc(n->n, sizeof *tg->arms)) == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
    for (size_t i = 0; i < n->n; i++) {
        tg->narms++;
        if ((ret = parse_arm(tg, &tg->arms[i], n->keys[i], n->vals[i], e)) != 0)
            return ret;
    }
    /* statistics */
    if ((n = nelm_ymap_get(node, "stats")) == NULL || n->kind != NELM_YSEQ || n->n == 0)
        return nelm_yfail(e, n ? n : node, where, "expected 'stats': a list of statistics");
    if ((tg->stats = nelm_calloc(n->n, sizeof *tg->stats)) == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (targets)");
    for (size_t i = 0; i < n->n; i++) {
        tg->nstats++;
        if ((ret = parse_stat(tg, &tg->stats[i], n->vals[i], i, e)) != 0)
            return ret;
        for (size_t j = 0; j < i; j++)
            if (strcmp(tg->stats[j].name, tg->stats[i].name) == 0)
                return nelm_yfail(e, n->vals[i], where, "statistic '%s' is given twice",
                                  tg->stats[i].name);
    }
    return 0;
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
    if ((ret = nelm_ycheck_keys(root, rkeys, "targets", e)) != 0)
        goto out;
    const nelm_ynode *list = nelm_ymap_get(root, "targets");
    if (list == NULL || list->kind != NELM_YSEQ || list->n == 0) {
        ret = list ? nelm_yfail(e, list, "targets", "expected a list of targets")
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
                ret = nelm_yfail(e, list->vals[i], ts->t[i].id, "id given twice (also line %d)",
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
            ret = nelm_tg_arm_params(path, &ts->t[i], &ts->t[i].arms[a], p, &origin, e);
        }
out:
    free(p);
    nelm_ydoc_free(&doc);
    if (ret != 0)
        nelm_targets_free(ts);
    return ret;
}
