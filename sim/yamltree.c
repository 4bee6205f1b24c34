/* yamltree.c — YAML documents as located trees (see yamltree.h). */
#define _POSIX_C_SOURCE 200809L /* stat */
#include "yamltree.h"

#include "alloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#define MAX_MAP_PAIRS 10000u

/* ---- arena ---------------------------------------------------------------- */

struct nelm_arena_block {
    nelm_arena_block *next;
    size_t used, size;
    max_align_t data[];
};

#define ARENA_BLOCK (64u * 1024u)

static void *
arena_alloc(nelm_ydoc *doc, size_t size)
{
    size = (size + 15u) & ~(size_t)15u;
    nelm_arena_block *b = doc->arena;
    if (b == NULL || b->size - b->used < size) {
        size_t cap = size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK;
        nelm_arena_block *nb = nelm_malloc(sizeof *nb + cap);
        if (nb == NULL)
            return NULL;
        nb->used = 0;
        nb->size = cap;
        if (b != NULL && size > ARENA_BLOCK / 4) { /* keep the current block current */
            nb->next = b->next;
            b->next = nb;
            nb->used = size;
            return (char *)nb->data;
        }
        nb->next = b;
        doc->arena = nb;
        b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

static char *
arena_strdup(nelm_ydoc *doc, const char *s, size_t len)
{
    char *p = arena_alloc(doc, len + 1);
    if (p != NULL) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

void
nelm_ydoc_free(nelm_ydoc *doc)
{
    nelm_arena_block *b = doc->arena;
    while (b != NULL) {
        nelm_arena_block *next = b->next;
        free(b);
        b = next;
    }
    doc->arena = NULL;
    doc->root = NULL;
    doc->nnodes = 0;
}

/* ---- parse context -------------------------------------------------------- */

typedef struct anchor {
    const char *name;
    nelm_ynode *node;
} anchor;

typedef struct pctx {
    nelm_ydoc *doc;
    yaml_parser_t parser;
    const char *file;
    anchor *anchors;
    size_t nanchors, capanchors;
    nelm_err *e;
    int depth;
    /* the chain of files being included, for cycle detection */
    const char **chain;
    int nchain;
    const char *text; /* the file's bytes, for locating reader errors */
    size_t len;
} pctx;

static int fail_at(pctx *c, int line, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* One error line "file:line:col: what". */
static int
fail_at(pctx *c, int line, int col, const char *fmt, ...)
{
    char what[NELM_ERR_MSG_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return NELM_FAIL(c->e, NELM_ERR_PARAM, "%s:%d:%d: %s", c->file, line, col, what);
}

#define fail_mark(c, m, ...) fail_at((c), (int)(m).line + 1, (int)(m).column + 1, __VA_ARGS__)

static int
nomem(pctx *c)
{
    return NELM_FAIL(c->e, NELM_ERR_NOMEM, "%s: out of memory while reading YAML", c->file);
}

static nelm_ynode *
new_node(pctx *c, nelm_ykind kind, yaml_mark_t m)
{
    if (c->doc->nnodes >= NELM_YAML_MAX_NODES) {
        fail_mark(c, m, "document expands to more than %u nodes (alias bomb?)",
                  NELM_YAML_MAX_NODES);
        return NULL;
    }
    nelm_ynode *n = arena_alloc(c->doc, sizeof *n);
    if (n == NULL) {
        nomem(c);
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->file = c->file;
    n->line = (int)m.line + 1;
    n->col = (int)m.column + 1;
    c->doc->nnodes++;
    return n;
}

static int
push_child(nelm_ydoc *doc, nelm_ynode *parent, nelm_ynode *key, nelm_ynode *val)
{
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? 2 * parent->cap : 4;
        nelm_ynode **nv = arena_alloc(doc, cap * sizeof *nv);
        nelm_ynode **nk = parent->kind == NELM_YMAP ? arena_alloc(doc, cap * sizeof *nk) : NULL;
        if (nv == NULL || (parent->kind == NELM_YMAP && nk == NULL))
            return NELM_ERR_NOMEM;
        if (parent->n) {
            memcpy(nv, parent->vals, parent->n * sizeof *nv);
            if (nk)
                memcpy(nk, parent->keys, parent->n * sizeof *nk);
        }
        parent->vals = nv;
        parent->keys = nk;
        parent->cap = cap;
    }
    if (parent->kind == NELM_YMAP)
        parent->keys[parent->n] = key;
    parent->vals[parent->n++] = val;
    return 0;
}

/* Deep copy of a tree into c's document; every copied node counts against
 * the node cap. Alias expansion (foreign = false) shares the strings and
 * keeps each node's own location; importing a tree from another document
 * (foreign = true) copies the strings and places the nodes in c->file with
 * columns shifted by col0. `at` locates a cap error for aliases. */
static nelm_ynode *
copy_tree(pctx *c, const nelm_ynode *src, yaml_mark_t at, bool foreign, int col0)
{
    if (foreign) {
        at.line = (size_t)(src->line - 1);
        at.column = (size_t)(src->col - 1 + col0);
    }
    nelm_ynode *n = new_node(c, src->kind, at);
    if (n == NULL)
        return NULL;
    if (!foreign) {
        n->file = src->file;
        n->line = src->line;
        n->col = src->col;
        n->str = src->str;
    } else if (src->str != NULL && (n->str = arena_strdup(c->doc, src->str, src->len)) == NULL) {
        nomem(c);
        return NULL;
    }
    n->len = src->len;
    n->plain = src->plain;
    for (size_t i = 0; i < src->n; i++) {
        nelm_ynode *k = NULL;
        if (src->kind == NELM_YMAP && (k = copy_tree(c, src->keys[i], at, foreign, col0)) == NULL)
            return NULL;
        nelm_ynode *v = copy_tree(c, src->vals[i], at, foreign, col0);
        if (v == NULL)
            return NULL;
        if (push_child(c->doc, n, k, v) != 0) {
            nomem(c);
            return NULL;
        }
    }
    return n;
}

static int
add_anchor(pctx *c, const unsigned char *name, nelm_ynode *node)
{
    if (name == NULL)
        return 0;
    if (c->nanchors == c->capanchors) {
        size_t cap = c->capanchors ? 2 * c->capanchors : 8;
        anchor *na = nelm_realloc(c->anchors, cap * sizeof *na);
        if (na == NULL)
            return nomem(c);
        c->anchors = na;
        c->capanchors = cap;
    }
    const char *s = arena_strdup(c->doc, (const char *)name, strlen((const char *)name));
    if (s == NULL)
        return nomem(c);
    /* a later anchor of the same name shadows the earlier one (YAML 1.2) */
    c->anchors[c->nanchors].name = s;
    c->anchors[c->nanchors].node = node;
    c->nanchors++;
    return 0;
}

static nelm_ynode *
find_anchor(const pctx *c, const char *name)
{
    for (size_t i = c->nanchors; i-- > 0;)
        if (strcmp(c->anchors[i].name, name) == 0)
            return c->anchors[i].node;
    return NULL;
}

static int
next_event(pctx *c, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&c->parser, ev)) {
        const char *p = c->parser.problem ? c->parser.problem : "malformed YAML";
        if (c->parser.error == YAML_READER_ERROR) {
            /* reader errors (bad encoding) carry a byte offset, not a mark */
            int line = 1, col = 1;
            for (size_t i = 0; i < c->parser.problem_offset && i < c->len; i++) {
                if (c->text[i] == '\n') {
                    line++;
                    col = 1;
                } else if (((unsigned char)c->text[i] & 0xc0u) != 0x80u) {
                    col++;
                }
            }
            return fail_at(c, line, col, "invalid text: %s (the file must be UTF-8)", p);
        }
        const char *ctx = c->parser.context ? c->parser.context : "";
        return fail_mark(c, c->parser.problem_mark, "YAML syntax error: %s%s%s", p,
                         ctx[0] ? " " : "", ctx);
    }
    return 0;
}

static int parse_node(pctx *c, yaml_event_t *ev, nelm_ynode **out);
static int process_includes(pctx *c, nelm_ynode *map);

static int
parse_collection(pctx *c, nelm_ynode *node)
{
    int ret = 0;
    for (;;) {
        yaml_event_t ev;
        if ((ret = next_event(c, &ev)) != 0)
            return ret;
        if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        nelm_ynode *key = NULL, *val = NULL;
        if (node->kind == NELM_YMAP) {
            if (ev.type != YAML_SCALAR_EVENT) {
                ret = fail_mark(c, ev.start_mark, "mapping keys must be plain scalars");
                yaml_event_delete(&ev);
                return ret;
            }
            ret = parse_node(c, &ev, &key);
            yaml_event_delete(&ev);
            if (ret != 0)
                return ret;
            for (size_t i = 0; i < node->n; i++)
                if (strcmp(node->keys[i]->str, key->str) == 0) {
                    return fail_at(c, key->line, key->col,
                                   "duplicate key '%.100s' (first at line %d)", key->str,
                                   node->keys[i]->line);
                }
            if (node->n >= MAX_MAP_PAIRS) {
                return fail_at(c, key->line, key->col, "mapping has more than %u keys",
                               MAX_MAP_PAIRS);
            }
            if ((ret = next_event(c, &ev)) != 0)
                return ret;
        }
        ret = parse_node(c, &ev, &val);
        yaml_event_delete(&ev);
        if (ret != 0)
            return ret;
        if (push_child(c->doc, node, key, val) != 0)
            return nomem(c);
    }
}

/* Build the node that starts with event ev (which the caller deletes). */
static int
parse_node(pctx *c, yaml_event_t *ev, nelm_ynode **out)
{
    *out = NULL;
    switch (ev->type) {
    case YAML_ALIAS_EVENT: {
        nelm_ynode *target = find_anchor(c, (const char *)ev->data.alias.anchor);
        if (target == NULL)
            return fail_mark(c, ev->start_mark, "unknown alias *%.100s",
                             (const char *)ev->data.alias.anchor);
        *out = copy_tree(c, target, ev->start_mark, false, 0);
        return *out ? 0 : c->e->code;
    }
    case YAML_SCALAR_EVENT: {
        if (ev->data.scalar.tag != NULL && !ev->data.scalar.plain_implicit &&
            !ev->data.scalar.quoted_implicit)
            return fail_mark(c, ev->start_mark, "YAML tags such as %.100s are not supported",
                             (const char *)ev->data.scalar.tag);
        if (ev->data.scalar.length > NELM_YAML_MAX_SCALAR) {
            return fail_mark(c, ev->start_mark, "scalar longer than %u bytes",
                             NELM_YAML_MAX_SCALAR);
        }
        nelm_ynode *n = new_node(c, NELM_YSCALAR, ev->start_mark);
        if (n == NULL)
            return c->e->code;
        if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL)
            return fail_mark(c, ev->start_mark, "scalar contains a NUL byte");
        n->str = arena_strdup(c->doc, (const char *)ev->data.scalar.value, ev->data.scalar.length);
        if (n->str == NULL)
            return nomem(c);
        n->len = ev->data.scalar.length;
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        *out = n;
        return add_anchor(c, ev->data.scalar.anchor, n);
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool map = ev->type == YAML_MAPPING_START_EVENT;
        const yaml_char_t *tag = map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
        int implicit = map ? ev->data.mapping_start.implicit : ev->data.sequence_start.implicit;
        if (tag != NULL && !implicit)
            return fail_mark(c, ev->start_mark, "YAML tags such as %.100s are not supported",
                             (const char *)tag);
        if (c->depth >= NELM_YAML_MAX_DEPTH) {
            return fail_mark(c, ev->start_mark, "nesting deeper than %d levels",
                             NELM_YAML_MAX_DEPTH);
        }
        nelm_ynode *n = new_node(c, map ? NELM_YMAP : NELM_YSEQ, ev->start_mark);
        if (n == NULL)
            return c->e->code;
        c->depth++;
        int ret = parse_collection(c, n);
        c->depth--;
        if (ret != 0)
            return ret;
        if (map && (ret = process_includes(c, n)) != 0)
            return ret;
        *out = n;
        return add_anchor(c, map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor,
                          n);
    }
    default:
        return fail_mark(c, ev->start_mark, "unexpected YAML event");
    }
}

/* ---- files and includes --------------------------------------------------- */

static int load_into(nelm_ydoc *doc, const char *text, size_t len, const char *name,
                     const char **chain, int nchain, nelm_ynode **root, nelm_err *e);

/* dir of `from` joined with `rel`, then "." and ".." removed lexically, so
 * the same file reached by different spellings is recognised in a cycle. */
static char *
resolve_path(nelm_ydoc *doc, const char *from, const char *rel)
{
    char buf[4096];
    if (rel[0] == '/' || strncmp(rel, NELM_BUILTIN_PREFIX, strlen(NELM_BUILTIN_PREFIX)) == 0) {
        snprintf(buf, sizeof buf, "%s", rel);
    } else {
        const char *slash = strrchr(from, '/');
        int dirlen = slash ? (int)(slash - from) + 1 : 0;
        snprintf(buf, sizeof buf, "%.*s%s", dirlen, from, rel);
    }
    /* normalise segments */
    char out[4096];
    size_t o = 0;
    const char *p = buf;
    bool abs = buf[0] == '/';
    size_t seg_start[512];
    size_t nseg = 0;
    if (abs)
        out[o++] = '/';
    while (*p) {
        while (*p == '/')
            p++;
        const char *q = p;
        while (*q && *q != '/')
            q++;
        size_t l = (size_t)(q - p);
        if (l == 0)
            break;
        if (l == 1 && p[0] == '.') {
            /* skip */
        } else if (l == 2 && p[0] == '.' && p[1] == '.' && nseg > 0 &&
                   !(out[seg_start[nseg - 1]] == '.' && out[seg_start[nseg - 1] + 1] == '.' &&
                     (seg_start[nseg - 1] + 2 == o || out[seg_start[nseg - 1] + 2] == '/'))) {
            o = seg_start[--nseg];
        } else if (o + l + 2 < sizeof out && nseg < 512) {
            seg_start[nseg++] = o;
            memcpy(out + o, p, l);
            o += l;
            out[o++] = '/';
        }
        p = q;
    }
    if (o > 1 && out[o - 1] == '/')
        o--;
    if (o == 0)
        out[o++] = '.';
    return arena_strdup(doc, out, o);
}

static char *
read_file(const char *path, size_t *len, nelm_err *e, const char *where)
{
    size_t plen = strlen(NELM_BUILTIN_PREFIX);
    if (strncmp(path, NELM_BUILTIN_PREFIX, plen) == 0) {
        for (size_t i = 0; i < nelm_nbuiltin_files; i++) {
            const nelm_builtin_file *b = &nelm_builtin_files[i];
            if (strcmp(path + plen, b->name) != 0)
                continue;
            char *copy = nelm_malloc(*b->len + 1);
            if (copy == NULL) {
                NELM_FAIL(e, NELM_ERR_NOMEM, "%sout of memory reading '%s'", where, path);
                return NULL;
            }
            memcpy(copy, b->text, *b->len + 1);
            *len = *b->len;
            return copy;
        }
        NELM_FAIL(e, NELM_ERR_PARAM, "%scannot open '%s' (no such built-in file)", where, path);
        return NULL;
    }
    /* an include names a file: never a FIFO, a terminal or a device that
     * could block an unattended run (even opening a FIFO waits for a writer;
     * the file named on the command line may be /dev/stdin) */
    struct stat st;
    if (where[0] != '\0' && stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        NELM_FAIL(e, NELM_ERR_PARAM, "%s'%s' is not a regular file", where, path);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        /* a missing or unreadable input file is invalid input (exit 2), not
         * an I/O failure of the run */
        NELM_FAIL(e, NELM_ERR_PARAM, "%scannot open '%s' (%s)", where, path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = nelm_malloc(cap);
    while (buf != NULL) {
        if (n == cap) {
            if (cap >= NELM_YAML_MAX_FILE) {
                NELM_FAIL(e, NELM_ERR_PARAM, "%s'%s' is larger than %u bytes", where, path,
                          NELM_YAML_MAX_FILE);
                free(buf);
                fclose(f);
                return NULL;
            }
            char *nb = nelm_realloc(buf, 2 * cap);
            if (nb == NULL) { /* an error, never a silently truncated file */
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                /* a directory named as a file is invalid input (exit 2) */
                int code = errno == EISDIR ? NELM_ERR_PARAM : NELM_ERR_IO;
                NELM_FAIL(e, code, "%scannot read '%s' (%s)", where, path, strerror(errno));
                free(buf);
                fclose(f);
                return NULL;
            }
            break;
        }
    }
    fclose(f);
    if (buf == NULL) {
        NELM_FAIL(e, NELM_ERR_NOMEM, "%sout of memory reading '%s'", where, path);
        return NULL;
    }
    *len = n;
    return buf;
}

/* Merge src's pairs into dst: missing keys are added, mappings merged
 * recursively; where both have a value, src's replaces dst's only when
 * src_wins. */
static int
merge_map(nelm_ydoc *doc, nelm_ynode *dst, const nelm_ynode *src, bool src_wins)
{
    for (size_t i = 0; i < src->n; i++) {
        size_t j = 0;
        while (j < dst->n && strcmp(dst->keys[j]->str, src->keys[i]->str) != 0)
            j++;
        if (j == dst->n) {
            if (push_child(doc, dst, src->keys[i], src->vals[i]) != 0)
                return NELM_ERR_NOMEM;
        } else if (dst->vals[j]->kind == NELM_YMAP && src->vals[i]->kind == NELM_YMAP) {
            int ret = merge_map(doc, dst->vals[j], src->vals[i], src_wins);
            if (ret != 0)
                return ret;
        } else if (src_wins) {
            dst->vals[j] = src->vals[i];
        }
    }
    return 0;
}

static int
include_one(pctx *c, nelm_ynode *acc, const nelm_ynode *name)
{
    if (name->kind != NELM_YSCALAR || name->len == 0)
        return fail_at(c, name->line, name->col,
                       "include: expected a file name or a list of file names");
    char *path = resolve_path(c->doc, c->file, name->str);
    if (path == NULL)
        return nomem(c);
    for (int i = 0; i < c->nchain; i++)
        if (strcmp(c->chain[i], path) == 0)
            return fail_at(c, name->line, name->col, "include: cycle: '%.200s' includes itself",
                           path);
    if (c->nchain >= NELM_YAML_MAX_INCLUDE_DEPTH)
        return fail_at(c, name->line, name->col, "include: nested more than %d deep at '%.200s'",
                       NELM_YAML_MAX_INCLUDE_DEPTH, path);
    char where[NELM_ERR_MSG_MAX / 2];
    snprintf(where, sizeof where, "%s:%d:%d: include: ", c->file, name->line, name->col);
    size_t len = 0;
    char *text = read_file(path, &len, c->e, where);
    if (text == NULL)
        return c->e->code;
    const char *chain[NELM_YAML_MAX_INCLUDE_DEPTH + 1];
    memcpy(chain, c->chain, (size_t)c->nchain * sizeof *chain);
    chain[c->nchain] = path;
    nelm_ynode *root = NULL;
    int ret = load_into(c->doc, text, len, path, chain, c->nchain + 1, &root, c->e);
    free(text);
    if (ret != 0)
        return ret;
    if (root == NULL || root->kind != NELM_YMAP)
        return fail_at(c, name->line, name->col, "include: '%.200s' must hold a mapping of keys",
                       path);
    if (merge_map(c->doc, acc, root, true) != 0) /* later includes win */
        return nomem(c);
    return 0;
}

static int
process_includes(pctx *c, nelm_ynode *map)
{
    size_t at = map->n;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->str, "include") == 0)
            at = i;
    if (at == map->n)
        return 0;
    nelm_ynode *inc = map->vals[at];
    /* remove the include pair first: merged keys must not see it */
    memmove(map->keys + at, map->keys + at + 1, (map->n - at - 1) * sizeof *map->keys);
    memmove(map->vals + at, map->vals + at + 1, (map->n - at - 1) * sizeof *map->vals);
    map->n--;
    /* Layering: the included files in order, each later one winning, then
     * this mapping's own keys winning over all of them. */
    yaml_mark_t m = {0, (size_t)(inc->line - 1), (size_t)(inc->col - 1)};
    nelm_ynode *acc = new_node(c, NELM_YMAP, m);
    if (acc == NULL)
        return c->e->code;
    int ret = 0;
    if (inc->kind == NELM_YSEQ) {
        for (size_t i = 0; i < inc->n && ret == 0; i++)
            ret = include_one(c, acc, inc->vals[i]);
    } else {
        ret = include_one(c, acc, inc);
    }
    if (ret == 0 && merge_map(c->doc, map, acc, false) != 0)
        ret = nomem(c);
    return ret;
}

static int
load_into(nelm_ydoc *doc, const char *text, size_t len, const char *name, const char **chain,
          int nchain, nelm_ynode **root, nelm_err *e)
{
    pctx c;
    memset(&c, 0, sizeof c);
    c.doc = doc;
    c.e = e;
    c.chain = chain;
    c.nchain = nchain;
    c.text = text;
    c.len = len;
    c.file = arena_strdup(doc, name, strlen(name));
    if (c.file == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", name);
    if (!yaml_parser_initialize(&c.parser))
        return NELM_FAIL(e, NELM_ERR_NOMEM, "%s: cannot initialise the YAML parser", name);
    yaml_parser_set_input_string(&c.parser, (const unsigned char *)text, len);

    int ret = 0;
    *root = NULL;
    int ndocs = 0;
    for (;;) {
        yaml_event_t ev;
        if ((ret = next_event(&c, &ev)) != 0)
            break;
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_DOCUMENT_START_EVENT && ++ndocs > 1) {
            ret = fail_mark(&c, ev.start_mark, "more than one YAML document in the file");
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_SCALAR_EVENT || t == YAML_SEQUENCE_START_EVENT ||
            t == YAML_MAPPING_START_EVENT || t == YAML_ALIAS_EVENT) {
            ret = parse_node(&c, &ev, root);
            yaml_event_delete(&ev);
            if (ret != 0)
                break;
            continue;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&c.parser);
    free(c.anchors);
    if (ret != 0)
        *root = NULL;
    return ret;
}

int
nelm_ydoc_load_string(nelm_ydoc *doc, const char *text, size_t len, const char *name, nelm_err *e)
{
    memset(doc, 0, sizeof *doc);
    const char *chain[1] = {name};
    int ret = load_into(doc, text, len, name, chain, 1, &doc->root, e);
    if (ret != 0)
        nelm_ydoc_free(doc);
    return ret;
}

int
nelm_ydoc_load(nelm_ydoc *doc, const char *path, nelm_err *e)
{
    memset(doc, 0, sizeof *doc);
    size_t len = 0;
    char *text = read_file(path, &len, e, "");
    if (text == NULL)
        return e->code;
    int ret = nelm_ydoc_load_string(doc, text, len, path, e);
    free(text);
    return ret;
}

nelm_ynode *
nelm_ymap_get(const nelm_ynode *map, const char *key)
{
    if (map == NULL || map->kind != NELM_YMAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->str, key) == 0)
            return map->vals[i];
    return NULL;
}

int
nelm_ymap_set(nelm_ydoc *doc, nelm_ynode *map, const char *key, nelm_ynode *val, nelm_err *e)
{
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->str, key) == 0) {
            map->vals[i] = val;
            return 0;
        }
    nelm_ynode *k = arena_alloc(doc, sizeof *k);
    char *s = arena_strdup(doc, key, strlen(key));
    if (k == NULL || s == NULL || push_child(doc, map, k, val) != 0)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory");
    memset(k, 0, sizeof *k);
    k->kind = NELM_YSCALAR;
    k->file = val->file;
    k->line = val->line;
    k->col = val->col;
    k->str = s;
    k->len = strlen(s);
    k->plain = true;
    map->keys[map->n - 1] = k;
    return 0;
}

/* An error of parsing a one-line fragment is located in the fragment's own
 * text: move it to column col0 + c of line 1 (an error at the end of the
 * text, which libyaml places on the next line, just past it). */
static void
shift_location(nelm_err *e, const char *name, const char *text, int col0)
{
    size_t nl = strlen(name);
    if (strchr(text, '\n') != NULL || strncmp(e->msg, name, nl) != 0 || e->msg[nl] != ':')
        return;
    char *end = NULL;
    long line = strtol(e->msg + nl + 1, &end, 10);
    if (*end != ':')
        return;
    long col = strtol(end + 1, &end, 10);
    if (*end != ':' || line < 1 || col < 1)
        return;
    if (line > 1)
        col = (long)strlen(text) + 1;
    char at[48];
    int w = snprintf(at, sizeof at, ":1:%ld", col + col0);
    size_t rest = strlen(end) + 1;
    if (w < 0 || nl + (size_t)w + rest > sizeof e->msg)
        return;
    memmove(e->msg + nl + (size_t)w, end, rest);
    memcpy(e->msg + nl, at, (size_t)w);
}

int
nelm_ydoc_parse_fragment(nelm_ydoc *doc, const char *text, const char *name, int col0,
                         nelm_ynode **out, nelm_err *e)
{
    *out = NULL;
    nelm_ydoc tmp;
    int ret = nelm_ydoc_load_string(&tmp, text, strlen(text), name, e);
    if (ret != 0) {
        shift_location(e, name, text, col0);
        return ret;
    }
    pctx c;
    memset(&c, 0, sizeof c);
    c.doc = doc;
    c.e = e;
    c.file = arena_strdup(doc, name, strlen(name));
    if (c.file == NULL) {
        nelm_ydoc_free(&tmp);
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory");
    }
    if (tmp.root == NULL) { /* an empty value: the empty plain scalar */
        yaml_mark_t m = {0, 0, (size_t)col0};
        *out = new_node(&c, NELM_YSCALAR, m);
        if (*out != NULL) {
            (*out)->str = "";
            (*out)->plain = true;
        }
    } else {
        yaml_mark_t m = {0, 0, 0};
        *out = copy_tree(&c, tmp.root, m, true, col0);
    }
    nelm_ydoc_free(&tmp);
    if (*out == NULL)
        return e->code ? e->code : NELM_ERR_NOMEM;
    return 0;
}

int
nelm_yfail(nelm_err *e, const nelm_ynode *n, const char *key, const char *fmt, ...)
{
    char what[NELM_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return NELM_FAIL(e, NELM_ERR_PARAM, "%s:%d:%d: %s: %s", n->file, n->line, n->col, key, what);
}

int
nelm_ycheck_keys(const nelm_ynode *map, const char *const *allowed, const char *where, nelm_err *e)
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
            return nelm_yfail(e, map->keys[i], where, "unknown key '%s' (expected %s)", k, list);
        }
    }
    return 0;
}
