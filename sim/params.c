/* params.c — the spec-driven parameter loader, echo and documentation
 * (see params.h). The spec tables themselves are in params_spec.c. */
#include "params.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

extern const nelm_psection nelm_params_root; /* params_spec.c */

/* ---- errors ------------------------------------------------------------------ */

int
nelm_pfail(nelm_pctx *c, const nelm_ynode *at, const char *path, const char *fmt, ...)
{
    char what[NELM_ERR_MSG_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *sep = path[0] ? ": " : "";
    if (at != NULL)
        return NELM_FAIL(c->e, NELM_ERR_PARAM, "%s:%d:%d: %s%s%s", at->file, at->line, at->col,
                         path, sep, what);
    return NELM_FAIL(c->e, NELM_ERR_PARAM, "%s%s%s", path, sep, what);
}

static size_t
edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 64;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    return row[lb];
}

/* The closest of the candidates, if close enough to be a likely typo. */
static const char *
did_you_mean(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t bd = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, cands[i]);
        if (d < bd) {
            bd = d;
            best = cands[i];
        }
    }
    size_t len = strlen(word);
    return bd <= (len > 6 ? 3u : 2u) && bd < len ? best : NULL;
}

static void
join_names(char *buf, size_t cap, const char *const *names, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        int w = snprintf(buf + o, cap - o, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

/* ---- scalars ------------------------------------------------------------------- */

static const char *
kind_name(const nelm_ynode *n)
{
    if (n->kind == NELM_YMAP)
        return "a mapping";
    if (n->kind == NELM_YSEQ)
        return "a list";
    return n->plain ? "text" : "a quoted string";
}

int
nelm_pread_num(nelm_pctx *c, const nelm_ynode *n, const char *path, double min, double max,
               double *out)
{
    if (n->kind != NELM_YSCALAR || !n->plain)
        return nelm_pfail(c, n, path, "expected a number, got %s", kind_name(n));
    const char *s = n->str;
    /* YAML and C spellings of non-finite values */
    static const char *const nonfinite[] = {".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
                                            "-.inf", "-.Inf", "-.INF", "+.inf", "nan", "NaN",
                                            "inf", "Inf", "-inf", "infinity", "Infinity"};
    for (size_t i = 0; i < sizeof nonfinite / sizeof nonfinite[0]; i++)
        if (strcmp(s, nonfinite[i]) == 0)
            return nelm_pfail(c, n, path, "NaN and infinity are not allowed (expected a finite "
                                          "number)");
    errno = 0;
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || n->len == 0)
        return nelm_pfail(c, n, path, "'%.60s' is not a number", s);
    if (errno == ERANGE && fabs(v) > 1.0)
        return nelm_pfail(c, n, path, "%.60s is too large for a double", s);
    if (!isfinite(v))
        return nelm_pfail(c, n, path, "NaN and infinity are not allowed (expected a finite "
                                      "number)");
    if (errno == ERANGE)
        v = 0.0; /* underflow: the value is 0 to double precision */
    if (v < min || v > max)
        return nelm_pfail(c, n, path, "%.17g is out of range (expected %.6g to %.6g)", v, min,
                          max);
    *out = v;
    return 0;
}

static int
read_int(nelm_pctx *c, const nelm_ynode *n, const char *path, double min, double max, int *out)
{
    double v = 0;
    int ret = nelm_pread_num(c, n, path, min, max, &v);
    if (ret != 0)
        return ret;
    if (v != floor(v))
        return nelm_pfail(c, n, path, "%.17g is not a whole number", v);
    *out = (int)v;
    return 0;
}

int
nelm_pread_enum(nelm_pctx *c, const nelm_ynode *n, const char *path, const char *const *names,
                size_t nnames, int *out)
{
    char list[256];
    join_names(list, sizeof list, names, nnames);
    if (n->kind != NELM_YSCALAR)
        return nelm_pfail(c, n, path, "expected one of %s, got %s", list, kind_name(n));
    for (size_t i = 0; i < nnames; i++)
        if (strcmp(n->str, names[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    const char *dym = did_you_mean(n->str, names, nnames);
    if (dym)
        return nelm_pfail(c, n, path, "unknown value '%.60s' (did you mean '%s'? expected one of "
                                      "%s)",
                          n->str, dym, list);
    return nelm_pfail(c, n, path, "unknown value '%.60s' (expected one of %s)", n->str, list);
}

static int
read_bool(nelm_pctx *c, const nelm_ynode *n, const char *path, bool *out)
{
    if (n->kind == NELM_YSCALAR && n->plain && strcmp(n->str, "true") == 0)
        *out = true;
    else if (n->kind == NELM_YSCALAR && n->plain && strcmp(n->str, "false") == 0)
        *out = false;
    else if (n->kind == NELM_YSCALAR)
        return nelm_pfail(c, n, path, "'%.60s' is not a boolean (expected true or false)", n->str);
    else
        return nelm_pfail(c, n, path, "expected true or false, got %s", kind_name(n));
    return 0;
}

static int
read_str(nelm_pctx *c, const nelm_ynode *n, const char *path, char *out, size_t cap)
{
    if (n->kind != NELM_YSCALAR)
        return nelm_pfail(c, n, path, "expected text, got %s", kind_name(n));
    if (n->len >= cap)
        return nelm_pfail(c, n, path, "text longer than %zu bytes", cap - 1);
    memcpy(out, n->str, n->len + 1);
    return 0;
}

/* ---- sections ------------------------------------------------------------------- */

static int parse_section(nelm_pctx *c, const nelm_psection *s, const nelm_ynode *node,
                         void *base, const char *path, bool with_source);

/* "path.key" (or "key" at the top); over-long paths are cut: they only
 * ever appear in messages. */
static void
sub_path(char *buf, size_t cap, const char *path, const char *key)
{
    int w = path[0] ? snprintf(buf, cap, "%s.%s", path, key) : snprintf(buf, cap, "%s", key);
    if (w < 0 || (size_t)w >= cap)
        buf[cap - 1] = '\0';
}

/* Append to a path buffer, cutting when full. */
static void
path_append(char *buf, size_t cap, const char *fmt_sep, const char *seg)
{
    size_t l = strlen(buf);
    int w = snprintf(buf + l, cap - l, "%s%s", fmt_sep, seg);
    if (w < 0 || (size_t)w >= cap - l)
        buf[cap - 1] = '\0';
}

static int
store_source(nelm_pctx *c, const nelm_ynode *n, const char *path)
{
    char text[NELM_SOURCE_MAX];
    char sp[NELM_PATH_MAX];
    sub_path(sp, sizeof sp, path, "source");
    int ret = read_str(c, n, sp, text, sizeof text);
    if (ret != 0)
        return ret;
    if (text[0] == '\0')
        return nelm_pfail(c, n, sp, "empty source (name the publication, or write \"modelling "
                                    "choice: ...\")");
    nelm_params *p = c->p;
    for (size_t i = 0; i < p->nsources; i++)
        if (strcmp(p->sources[i].path, path) == 0) {
            snprintf(p->sources[i].text, sizeof p->sources[i].text, "%s", text);
            return 0;
        }
    if (p->nsources >= NELM_MAX_SOURCES)
        return nelm_pfail(c, n, sp, "more than %d sources", NELM_MAX_SOURCES);
    snprintf(p->sources[p->nsources].path, sizeof p->sources[0].path, "%s", path);
    snprintf(p->sources[p->nsources].text, sizeof p->sources[0].text, "%s", text);
    p->nsources++;
    return 0;
}

/* A mapping of user-chosen names to elements (modality instances,
 * strategies, ...): names are identifiers, unique by construction (the
 * loader rejects duplicate keys), at most max_items. */
static int
parse_named(nelm_pctx *c, const nelm_pkey *k, const nelm_ynode *n, void *base, const char *path)
{
    if (n->kind != NELM_YMAP)
        return nelm_pfail(c, n, path, "expected a mapping of names to %s", k->doc);
    if (n->n > k->max_items)
        return nelm_pfail(c, n, path, "%zu entries (at most %zu)", n->n, k->max_items);
    char *arr = (char *)base + k->offset;
    memset(arr, 0, k->max_items * k->elem_size);
    *(size_t *)(void *)((char *)base + k->count_offset) = 0;
    for (size_t i = 0; i < n->n; i++) {
        const nelm_ynode *key = n->keys[i];
        char ep[NELM_PATH_MAX];
        sub_path(ep, sizeof ep, path, key->str);
        bool ident = key->len > 0 && key->len < NELM_NAME_MAX &&
                     (isalpha((unsigned char)key->str[0]) || key->str[0] == '_');
        for (size_t j = 0; ident && j < key->len; j++)
            ident = isalnum((unsigned char)key->str[j]) || key->str[j] == '_';
        if (!ident)
            return nelm_pfail(c, key, ep, "'%.80s' is not a valid name (letters, digits and _, "
                                          "starting with a letter; at most %d characters)",
                              key->str, NELM_NAME_MAX - 1);
        char *elem = arr + i * k->elem_size;
        memcpy(elem + k->name_offset, key->str, key->len + 1);
        int ret = k->parse_elem ? k->parse_elem(c, n->vals[i], elem, ep)
                                : parse_section(c, k->sub, n->vals[i], elem, ep, false);
        if (ret != 0)
            return ret;
        *(size_t *)(void *)((char *)base + k->count_offset) = i + 1;
    }
    return 0;
}

int
nelm_pread_ref(nelm_pctx *c, const nelm_ynode *node, const char *path, const char *what,
               const char *const *names, size_t n, size_t *out)
{
    if (node->kind != NELM_YSCALAR)
        return nelm_pfail(c, node, path, "expected the name of a %s, got %s", what,
                          kind_name(node));
    for (size_t i = 0; i < n; i++)
        if (strcmp(node->str, names[i]) == 0) {
            *out = i;
            return 0;
        }
    const char *dym = did_you_mean(node->str, names, n);
    if (dym)
        return nelm_pfail(c, node, path, "unknown %s '%.60s' (did you mean '%s'?)", what,
                          node->str, dym);
    char list[512];
    join_names(list, sizeof list, names, n);
    return nelm_pfail(c, node, path, "unknown %s '%.60s' (defined: %s)", what, node->str,
                      n ? list : "none");
}

static int
parse_key(nelm_pctx *c, const nelm_pkey *k, const nelm_ynode *n, void *base, const char *path)
{
    char *at = (char *)base + k->offset;
    switch (k->type) {
    case NELM_P_NUM:
        return nelm_pread_num(c, n, path, k->min, k->max, (double *)(void *)at);
    case NELM_P_INT:
        return read_int(c, n, path, k->min, k->max, (int *)(void *)at);
    case NELM_P_BOOL:
        return read_bool(c, n, path, (bool *)(void *)at);
    case NELM_P_STR: {
        int ret = read_str(c, n, path, at, NELM_PATH_MAX);
        if (ret != 0 || !(k->flags & NELM_PK_PATH) || at[0] == '/' ||
            strcmp(at, "builtin") == 0 || strcmp(n->file, "--set") == 0)
            return ret;
        /* relative to the directory of the file it was written in */
        const char *slash = strrchr(n->file, '/');
        if (slash == NULL)
            return 0;
        char tmp[NELM_PATH_MAX];
        int w = snprintf(tmp, sizeof tmp, "%.*s%s", (int)(slash - n->file + 1), n->file, at);
        if (w < 0 || (size_t)w >= sizeof tmp)
            return nelm_pfail(c, n, path, "path too long");
        memcpy(at, tmp, (size_t)w + 1);
        return 0;
    }
    case NELM_P_ENUM:
        return nelm_pread_enum(c, n, path, k->names, k->nnames, (int *)(void *)at);
    case NELM_P_FLAGS: {
        if (n->kind != NELM_YSEQ)
            return nelm_pfail(c, n, path, "expected a list, got %s", kind_name(n));
        uint32_t bits = 0;
        for (size_t i = 0; i < n->n; i++) {
            char ip[NELM_PATH_MAX];
            snprintf(ip, sizeof ip, "%s[%zu]", path, i);
            int v = 0, ret = nelm_pread_enum(c, n->vals[i], ip, k->names, k->nnames, &v);
            if (ret != 0)
                return ret;
            if (bits & (1u << v))
                return nelm_pfail(c, n->vals[i], ip, "'%s' listed twice", k->names[v]);
            bits |= 1u << v;
        }
        *(uint32_t *)(void *)at = bits;
        return 0;
    }
    case NELM_P_SECTION:
        return parse_section(c, k->sub, n, at, path, (k->flags & NELM_PK_SOURCE) != 0);
    case NELM_P_DIST:
        return nelm_pread_dist(c, n, path, (nelm_dist *)(void *)at);
    case NELM_P_NAMED:
        return parse_named(c, k, n, base, path);
    case NELM_P_CUSTOM:
        return k->parse(c, n, base, path);
    }
    return nelm_pfail(c, n, path, "internal error: unknown key type");
}

static int
parse_section(nelm_pctx *c, const nelm_psection *s, const nelm_ynode *node, void *base,
              const char *path, bool with_source)
{
    if (node->kind != NELM_YMAP)
        return nelm_pfail(c, node, path[0] ? path : "(top level)", "expected a mapping of keys, "
                                                                   "got %s",
                          kind_name(node));
    /* unknown keys first, each with a suggestion */
    const char *names[64];
    size_t nn = 0;
    for (size_t i = 0; i < s->nkeys && nn < 63; i++)
        names[nn++] = s->keys[i].name;
    if (with_source)
        names[nn++] = "source";
    const nelm_ynode *source = NULL;
    for (size_t i = 0; i < node->n; i++) {
        const char *key = node->keys[i]->str;
        size_t j = 0;
        while (j < nn && strcmp(key, names[j]) != 0)
            j++;
        if (j < nn) {
            if (with_source && strcmp(key, "source") == 0)
                source = node->vals[i];
            continue;
        }
        char kp[NELM_PATH_MAX];
        sub_path(kp, sizeof kp, path, key);
        char list[512];
        join_names(list, sizeof list, names, nn);
        const char *dym = did_you_mean(key, names, nn);
        if (dym)
            return nelm_pfail(c, node->keys[i], kp, "unknown key (did you mean '%s'?)", dym);
        return nelm_pfail(c, node->keys[i], kp, "unknown key (expected one of %s)", list);
    }
    for (size_t i = 0; i < s->nkeys; i++) {
        const nelm_pkey *k = &s->keys[i];
        char kp[NELM_PATH_MAX];
        sub_path(kp, sizeof kp, path, k->name);
        const nelm_ynode *v = nelm_ymap_get(node, k->name);
        int ret;
        if (v == NULL) {
            if (!(k->flags & NELM_PK_OPTIONAL))
                return nelm_pfail(c, node, path[0] ? path : "(top level)",
                                  "missing required key '%s' (%s)", k->name, k->doc);
            nelm_ynode *dv = NULL;
            ret = nelm_ydoc_parse_fragment(c->doc, k->def, "<default>", 0, &dv, c->e);
            if (ret == 0)
                ret = parse_key(c, k, dv, base, kp);
        } else {
            ret = parse_key(c, k, v, base, kp);
        }
        if (ret != 0)
            return ret;
    }
    if (with_source) {
        if (source == NULL)
            return nelm_pfail(c, node, path, "missing source: (name the publication the values "
                                             "come from, or write \"modelling choice: ...\")");
        int ret = store_source(c, source, path);
        if (ret != 0)
            return ret;
    }
    if (s->sum_count > 0) {
        const double *v = (const double *)(const void *)((const char *)base + s->sum_offset);
        double sum = 0;
        for (size_t i = 0; i < s->sum_count; i++)
            sum += v[i];
        if (fabs(sum - 1.0) > 1e-9)
            return nelm_pfail(c, node, path, "probabilities sum to %.17g (expected 1)", sum);
    }
    if (s->check)
        return s->check(c, node, base, path);
    return 0;
}

int
nelm_pparse_section(nelm_pctx *c, const nelm_psection *s, const nelm_ynode *node, void *base,
                    const char *path)
{
    return parse_section(c, s, node, base, path, false);
}

int
nelm_pparse_section_sourced(nelm_pctx *c, const nelm_psection *s, const nelm_ynode *node,
                            void *base, const char *path)
{
    return parse_section(c, s, node, base, path, true);
}

/* ---- overrides (--set path=value) ------------------------------------------------- */

static int
apply_set(nelm_ydoc *doc, const char *arg, nelm_err *e)
{
    const char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg)
        return NELM_FAIL(e, NELM_ERR_PARAM, "--set:1:1: '%.100s': expected PATH=VALUE", arg);
    char path[NELM_PATH_MAX];
    size_t plen = (size_t)(eq - arg);
    if (plen >= sizeof path)
        return NELM_FAIL(e, NELM_ERR_PARAM, "--set:1:1: path too long");
    memcpy(path, arg, plen);
    path[plen] = '\0';
    nelm_ynode *val = NULL;
    int ret = nelm_ydoc_parse_fragment(doc, eq + 1, "--set", (int)plen + 1, &val, e);
    if (ret != 0)
        return ret;
    if (doc->root == NULL) {
        nelm_ynode *r = NULL;
        if ((ret = nelm_ydoc_parse_fragment(doc, "{}", "--set", 0, &r, e)) != 0)
            return ret;
        doc->root = r;
    }
    /* walk a.b[1].c; create missing mappings on the way */
    nelm_ynode *cur = doc->root;
    const char *p = path;
    char walked[NELM_PATH_MAX] = "";
    for (;;) {
        const char *seg_end = p;
        while (*seg_end && *seg_end != '.' && *seg_end != '[')
            seg_end++;
        char seg[NELM_PATH_MAX];
        size_t sl = (size_t)(seg_end - p);
        if (sl == 0)
            return NELM_FAIL(e, NELM_ERR_PARAM, "--set:1:1: %s: empty key in the path", path);
        memcpy(seg, p, sl);
        seg[sl] = '\0';
        if (cur->kind != NELM_YMAP)
            return NELM_FAIL(e, NELM_ERR_PARAM, "--set:1:1: %s: '%s' is not a mapping", path,
                             walked[0] ? walked : "(top level)");
        path_append(walked, sizeof walked, walked[0] ? "." : "", seg);
        p = seg_end;
        bool last = *p == '\0';
        if (last) {
            return nelm_ymap_set(doc, cur, seg, val, e);
        }
        nelm_ynode *next = nelm_ymap_get(cur, seg);
        if (next == NULL) {
            if (*p == '[')
                return NELM_FAIL(e, NELM_ERR_PARAM, "--set:1:1: %s: no list '%s' to index", path,
                                 walked);
            if ((ret = nelm_ydoc_parse_fragment(doc, "{}", "--set", 0, &next, e)) != 0 ||
                (ret = nelm_ymap_set(doc, cur, seg, next, e)) != 0)
                return ret;
        }
        cur = next;
        while (*p == '[') {
            char *end = NULL;
            errno = 0;
            unsigned long idx = strtoul(p + 1, &end, 10);
            if (p[1] < '0' || p[1] > '9' || *end != ']' || errno != 0) /* not [-1] */
                return NELM_FAIL(e, NELM_ERR_PARAM, "--set:1:%d: %s: bad list index",
                                 (int)(p - path) + 1, path);
            if (cur->kind != NELM_YSEQ)
                return NELM_FAIL(e, NELM_ERR_PARAM, "--set:1:%d: %s: '%s' is not a list",
                                 (int)(p - path) + 1, path, walked);
            if (idx >= cur->n)
                return NELM_FAIL(e, NELM_ERR_PARAM,
                                 "--set:1:%d: %s: index %lu out of range ('%s' has %zu items)",
                                 (int)(p - path) + 1, path, idx, walked, cur->n);
            char ix[32];
            snprintf(ix, sizeof ix, "[%lu]", idx);
            path_append(walked, sizeof walked, "", ix);
            p = end + 1;
            if (*p == '\0') {
                cur->vals[idx] = val;
                return 0;
            }
            cur = cur->vals[idx];
        }
        if (*p != '.')
            return NELM_FAIL(e, NELM_ERR_PARAM, "--set:1:%d: %s: expected '.' or '['",
                             (int)(p - path) + 1, path);
        p++;
    }
}

/* ---- loading ----------------------------------------------------------------------- */

static int
load_doc(nelm_params *p, nelm_ydoc *doc, const char *name, const char *const *sets, size_t nsets,
         nelm_err *e)
{
    int ret = 0;
    for (size_t i = 0; i < nsets && ret == 0; i++)
        ret = apply_set(doc, sets[i], e);
    if (ret != 0)
        return ret;
    memset(p, 0, sizeof *p);
    nelm_pctx c = {p, e, doc};
    if (doc->root == NULL)
        return NELM_FAIL(e, NELM_ERR_PARAM, "%s:1:1: parameter file is empty (expected a "
                                            "mapping with the sections cohort, "
                                            "background_mortality)",
                         name);
    return parse_section(&c, &nelm_params_root, doc->root, p, "", false);
}

int
nelm_params_load_string(nelm_params *p, const char *text, size_t len, const char *name,
                        const char *const *sets, size_t nsets, nelm_err *e)
{
    nelm_ydoc doc;
    int ret = nelm_ydoc_load_string(&doc, text, len, name, e);
    if (ret == 0)
        ret = load_doc(p, &doc, name, sets, nsets, e);
    nelm_ydoc_free(&doc);
    return ret;
}

int
nelm_params_load(nelm_params *p, const char *path, const char *const *sets, size_t nsets,
                 nelm_err *e)
{
    if (path == NULL)
        path = NELM_DEFAULT_MODEL;
    nelm_ydoc doc;
    int ret = nelm_ydoc_load(&doc, path, e);
    if (ret == 0)
        ret = load_doc(p, &doc, path, sets, nsets, e);
    nelm_ydoc_free(&doc);
    return ret;
}

/* ---- echo -------------------------------------------------------------------------- */

static void
put_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        if (*q == '"' || *q == '\\')
            fprintf(out, "\\%c", *q);
        else if (*q == '\n')
            fputs("\\n", out);
        else if (*q == '\t')
            fputs("\\t", out);
        else if (*q < 0x20 || *q == 0x7f)
            fprintf(out, "\\x%02x", *q);
        else
            fputc(*q, out);
    }
    fputc('"', out);
}

static const char *
find_source(const nelm_params *p, const char *path)
{
    for (size_t i = 0; i < p->nsources; i++)
        if (strcmp(p->sources[i].path, path) == 0)
            return p->sources[i].text;
    return NULL;
}

static void
dump_section(FILE *out, const nelm_params *p, const nelm_psection *s, const void *base,
             const char *path, int ind, bool with_source)
{
    for (size_t i = 0; i < s->nkeys; i++) {
        const nelm_pkey *k = &s->keys[i];
        const char *at = (const char *)base + k->offset;
        char kp[NELM_PATH_MAX];
        sub_path(kp, sizeof kp, path, k->name);
        if (k->type == NELM_P_CUSTOM && k->dump == NULL)
            continue;
        fprintf(out, "%*s%s:", ind, "", k->name);
        switch (k->type) {
        case NELM_P_NUM:
            fprintf(out, " %.17g\n", *(const double *)(const void *)at);
            break;
        case NELM_P_INT:
            fprintf(out, " %d\n", *(const int *)(const void *)at);
            break;
        case NELM_P_BOOL:
            fprintf(out, " %s\n", *(const bool *)(const void *)at ? "true" : "false");
            break;
        case NELM_P_STR:
            fputc(' ', out);
            put_quoted(out, at);
            fputc('\n', out);
            break;
        case NELM_P_ENUM:
            fprintf(out, " %s\n", k->names[*(const int *)(const void *)at]);
            break;
        case NELM_P_FLAGS: {
            uint32_t bits = *(const uint32_t *)(const void *)at;
            fputs(" [", out);
            bool first = true;
            for (size_t j = 0; j < k->nnames; j++)
                if (bits & (1u << j)) {
                    fprintf(out, "%s%s", first ? "" : ", ", k->names[j]);
                    first = false;
                }
            fputs("]\n", out);
            break;
        }
        case NELM_P_SECTION:
            fputc('\n', out);
            dump_section(out, p, k->sub, at, kp, ind + 2, (k->flags & NELM_PK_SOURCE) != 0);
            break;
        case NELM_P_NAMED: {
            size_t cnt = *(const size_t *)(const void *)((const char *)base + k->count_offset);
            fputs(cnt ? "\n" : " {}\n", out);
            for (size_t j = 0; j < cnt; j++) {
                const char *elem = at + j * k->elem_size;
                const char *nm = elem + k->name_offset;
                char ep[NELM_PATH_MAX];
                sub_path(ep, sizeof ep, kp, nm);
                fprintf(out, "%*s%s:\n", ind + 2, "", nm);
                if (k->dump_elem)
                    k->dump_elem(out, p, elem, ep, ind + 4);
                else
                    dump_section(out, p, k->sub, elem, ep, ind + 4, false);
            }
            break;
        }
        case NELM_P_DIST:
            fputc(' ', out);
            nelm_pdump_dist(out, (const nelm_dist *)(const void *)at);
            fputc('\n', out);
            break;
        case NELM_P_CUSTOM:
            k->dump(out, base, ind);
            break;
        }
    }
    if (with_source) {
        const char *src = find_source(p, path);
        fprintf(out, "%*ssource: ", ind, "");
        put_quoted(out, src ? src : "");
        fputc('\n', out);
    }
}

void
nelm_pdump_section(FILE *out, const nelm_params *p, const nelm_psection *s, const void *base,
                   const char *path, int indent)
{
    dump_section(out, p, s, base, path, indent, false);
}

void
nelm_pdump_section_sourced(FILE *out, const nelm_params *p, const nelm_psection *s,
                           const void *base, const char *path, int indent)
{
    dump_section(out, p, s, base, path, indent, true);
}

void
nelm_params_dump(FILE *out, const nelm_params *p)
{
    fputs("# nelmsim resolved parameters (numbers to 17 significant digits)\n", out);
    dump_section(out, p, &nelm_params_root, p, "", 0, false);
}

static const char *
type_name(const nelm_pkey *k)
{
    switch (k->type) {
    case NELM_P_NUM:
        return "number";
    case NELM_P_INT:
        return "integer";
    case NELM_P_BOOL:
        return "true/false";
    case NELM_P_STR:
        return (k->flags & NELM_PK_PATH) ? "file name" : "text";
    case NELM_P_ENUM:
        return "one of";
    case NELM_P_FLAGS:
        return "list of";
    case NELM_P_SECTION:
        return "section";
    case NELM_P_DIST:
        return "distribution, see the end";
    case NELM_P_NAMED:
        return "named entries";
    case NELM_P_CUSTOM:
        return "see the description";
    }
    return "?";
}

static void
explain_section(FILE *out, const nelm_psection *s, const char *path, int depth)
{
    for (size_t i = 0; i < s->nkeys; i++) {
        const nelm_pkey *k = &s->keys[i];
        char kp[NELM_PATH_MAX];
        sub_path(kp, sizeof kp, path, k->name);
        fprintf(out, "%*s%s  (%s", 2 * depth, "", kp, type_name(k));
        if (k->names) {
            char list[256];
            join_names(list, sizeof list, k->names, k->nnames);
            fprintf(out, " %s", list);
        }
        if (k->type == NELM_P_NUM || k->type == NELM_P_INT)
            fprintf(out, "; %g to %g", k->min, k->max);
        if (k->unit && k->unit[0])
            fprintf(out, "; %s", k->unit);
        if (k->flags & NELM_PK_OPTIONAL)
            fprintf(out, "; optional, default %s", k->def);
        if (k->flags & NELM_PK_SOURCE)
            fputs("; needs source:", out);
        fprintf(out, ")\n%*s%s\n", 2 * depth + 4, "", k->doc);
        if (k->type == NELM_P_NAMED && k->sub) {
            char np[NELM_PATH_MAX];
            sub_path(np, sizeof np, kp, "NAME");
            explain_section(out, k->sub, np, depth + 1);
        }
        for (size_t j = 0; k->type == NELM_P_NAMED && k->alt && k->alt(j); j++) {
            char np[NELM_PATH_MAX];
            if (snprintf(np, sizeof np, "%s.NAME", kp) < 0)
                np[0] = '\0';
            const nelm_psection *a = k->alt(j);
            fprintf(out, "\n%*s%s with kind: %s  (%s)\n", 2 * depth + 2, "", np, a->name, a->doc);
            explain_section(out, a, np, depth + 1);
        }
        if (k->type == NELM_P_SECTION) {
            if (k->sub->sum_count)
                fprintf(out, "%*s(the values are probabilities and must sum to 1)\n",
                        2 * depth + 4, "");
            explain_section(out, k->sub, kp, depth + 1);
        }
    }
}

void
nelm_params_explain(FILE *out)
{
    fputs("nelmsim parameter file reference (generated from the declarations)\n\n"
          "A YAML mapping. Any mapping may hold include: FILE or include: [FILES] (paths\n"
          "relative to the including file): mappings merge key by key, later includes\n"
          "override earlier ones, and the including mapping's own keys override them all.\n"
          "A file name starting with builtin: names a file compiled into nelmsim, e.g.\n"
          "include: builtin:params/nelm/modalities.yaml (the default model's parts).\n"
          "Anchors and aliases are allowed. Sections marked 'needs source:' must carry a\n"
          "source: naming the publication (or \"modelling choice: ...\").\n"
          "Override any value with --set PATH=VALUE (list elements as PATH[i]).\n\n",
          out);
    explain_section(out, &nelm_params_root, "", 0);
    fputc('\n', out);
    nelm_pexplain_dist(out, 0);
}
