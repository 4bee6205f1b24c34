/* scenario.c — sweep and PSA specs: reading, checking, the points (see
 * scenario.h). The runs are in scenario_run.c. */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "scenario.h"
#include "specfun.h"
#include "yamltree.h"

/* a plain scalar that is a finite number */
static bool
number_of(const nelm_ynode *n, double *v)
{
    if (n == NULL || n->kind != NELM_YSCALAR || !n->plain || n->len == 0)
        return false;
    char *end = NULL;
    errno = 0;
    double x = strtod(n->str, &end);
    if (end == n->str || *end != '\0' || errno == ERANGE || !isfinite(x))
        return false;
    *v = x;
    return true;
}

static int
want_number(const nelm_ynode *map, const char *key, const char *path, double *v, nelm_err *e)
{
    const nelm_ynode *n = nelm_ymap_get(map, key);
    if (n == NULL)
        return nelm_yfail(e, map, path, "missing '%s'", key);
    if (!number_of(n, v))
        return nelm_yfail(e, n, path, "'%s' must be a finite number (got '%s')", key,
                          n->kind == NELM_YSCALAR ? n->str : "a collection");
    return 0;
}

static int
check_path(const nelm_ynode *key, const char *what, nelm_err *e)
{
    if (key->len == 0 || key->len >= NELM_PATH_MAX)
        return nelm_yfail(e, key, what, "parameter path must have 1 to %d characters",
                          NELM_PATH_MAX - 1);
    for (const char *c = key->str; *c; c++)
        if (*c == '=' || *c == ' ' || *c == '\t')
            return nelm_yfail(e, key, what, "'%s' is not a parameter path (like a.b[0].c)",
                              key->str);
    return 0;
}

/* the scalar text of a value to put after "path=" */
static int
scalar_text(const nelm_ynode *v, const char *path, char **out, nelm_err *e)
{
    if (v->kind != NELM_YSCALAR)
        return nelm_yfail(e, v, path, "values must be scalars (numbers or names)");
    if (v->len + 1 > NELM_SCEN_SET_MAX - NELM_PATH_MAX - 2)
        return nelm_yfail(e, v, path, "value too long");
    for (const char *c = v->str; *c; c++)
        if (*c == '\n' || *c == '\r')
            return nelm_yfail(e, v, path, "values must be on one line");
    /* quoted scalars stay strings: re-quote them for the override */
    size_t len = v->len + 3;
    char *t = nelm_malloc(len);
    if (t == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (spec)");
    if (v->plain)
        snprintf(t, len, "%s", v->str);
    else if (strchr(v->str, '"') == NULL && strchr(v->str, '\\') == NULL)
        snprintf(t, len, "\"%s\"", v->str);
    else {
        free(t);
        return nelm_yfail(e, v, path, "quoted values may not contain '\"' or '\\'");
    }
    *out = t;
    return 0;
}

static int
add_param(nelm_scen_spec *s, const nelm_ynode *key, const char *section, nelm_scen_param **out,
          nelm_err *e)
{
    int ret = check_path(key, section, e);
    if (ret != 0)
        return ret;
    for (size_t j = 0; j < s->nparams; j++)
        if (strcmp(s->params[j].path, key->str) == 0)
            return nelm_yfail(e, key, section, "'%s' is given twice", key->str);
    if (s->nparams == NELM_SCEN_MAX_PARAMS)
        return nelm_yfail(e, key, section, "at most %d parameters", NELM_SCEN_MAX_PARAMS);
    nelm_scen_param *q = &s->params[s->nparams++];
    memset(q, 0, sizeof *q);
    snprintf(q->path, sizeof q->path, "%s", key->str);
    q->line = key->line;
    q->col = key->col;
    q->group = -1;
    *out = q;
    return 0;
}

static int
read_sweep(nelm_scen_spec *s, const nelm_ynode *lists, const char *section, nelm_err *e)
{
    if (lists->kind != NELM_YMAP || lists->n == 0)
        return nelm_yfail(e, lists, section, "expected a mapping of parameter paths to lists");
    uint64_t points = 1;
    for (size_t i = 0; i < lists->n; i++) {
        nelm_scen_param *q = NULL;
        int ret = add_param(s, lists->keys[i], section, &q, e);
        if (ret != 0)
            return ret;
        const nelm_ynode *v = lists->vals[i];
        if (v->kind != NELM_YSEQ || v->n == 0)
            return nelm_yfail(e, v, q->path, "expected a non-empty list of values");
        if (v->n > NELM_SCEN_MAX_VALUES)
            return nelm_yfail(e, v, q->path, "at most %d values", NELM_SCEN_MAX_VALUES);
        q->nvalues = v->n;
        q->text = nelm_calloc(v->n, sizeof *q->text);
        q->num = nelm_calloc(v->n, sizeof *q->num);
        if (q->text == NULL || q->num == NULL)
            return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (spec)");
        q->numeric = true;
        for (size_t k = 0; k < v->n; k++) {
            if ((ret = scalar_text(v->vals[k], q->path, &q->text[k], e)) != 0)
                return ret;
            if (!number_of(v->vals[k], &q->num[k])) {
                q->num[k] = NAN;
                q->numeric = false;
            }
        }
        if (!q->numeric) { /* names: each distinct one a level of an enum column */
            q->level = nelm_malloc(v->n);
            if (q->level == NULL)
                return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (spec)");
            for (size_t k = 0; k < v->n; k++) {
                size_t m = 0;
                while (m < k && strcmp(q->text[m], q->text[k]) != 0)
                    m++;
                if (m < k) {
                    q->level[k] = q->level[m];
                    continue;
                }
                if (q->nlevels == NELM_SCEN_MAX_LEVELS)
                    return nelm_yfail(e, v, q->path, "at most %d distinct non-numeric values",
                                      NELM_SCEN_MAX_LEVELS);
                q->level[k] = (uint8_t)q->nlevels++;
            }
        }
        if (s->zip) {
            if (i > 0 && v->n != points)
                return nelm_yfail(e, v, q->path,
                                  "zip: every list must have the same length (%llu values before, "
                                  "%zu here)",
                                  (unsigned long long)points, v->n);
            points = v->n;
        } else {
            if (points > NELM_SCEN_MAX / v->n)
                return nelm_yfail(e, v, q->path, "the grid has more than %d scenarios",
                                  NELM_SCEN_MAX);
            points *= v->n;
        }
    }
    s->npoints = points;
    return 0;
}

static int
read_psa_dist(nelm_scen_param *q, const nelm_ynode *d, nelm_err *e)
{
    if (d->kind != NELM_YMAP)
        return nelm_yfail(e, d, q->path,
                          "expected a mapping like {dist: beta, mean: 0.2, se: 0.05}");
    const nelm_ynode *dn = nelm_ymap_get(d, "dist");
    if (dn == NULL || dn->kind != NELM_YSCALAR)
        return nelm_yfail(e, d, q->path,
                          "missing 'dist' (beta, lognormal, gamma, normal, uniform or fixed)");
    const char *name = dn->str;
    double a = 0, b = 0, c = 0;
    int ret = 0;
    nelm_err inner = {0};
    if (strcmp(name, "beta") == 0) {
        if (nelm_ymap_get(d, "events") || nelm_ymap_get(d, "total")) {
            static const char *const k[] = {"dist", "events", "total", NULL};
            if ((ret = nelm_ycheck_keys(d, k, q->path, e)) != 0 ||
                (ret = want_number(d, "events", q->path, &a, e)) != 0 ||
                (ret = want_number(d, "total", q->path, &b, e)) != 0)
                return ret;
            ret = nelm_psa_beta_events(a, b, &q->dist, &inner);
        } else {
            static const char *const k[] = {"dist", "mean", "se", NULL};
            if ((ret = nelm_ycheck_keys(d, k, q->path, e)) != 0 ||
                (ret = want_number(d, "mean", q->path, &a, e)) != 0 ||
                (ret = want_number(d, "se", q->path, &b, e)) != 0)
                return ret;
            ret = nelm_psa_beta_mean_se(a, b, &q->dist, &inner);
        }
    } else if (strcmp(name, "lognormal") == 0) {
        static const char *const k[] = {"dist", "estimate", "ci", NULL};
        if ((ret = nelm_ycheck_keys(d, k, q->path, e)) != 0 ||
            (ret = want_number(d, "estimate", q->path, &a, e)) != 0)
            return ret;
        const nelm_ynode *ci = nelm_ymap_get(d, "ci");
        if (ci == NULL || ci->kind != NELM_YSEQ || ci->n != 2 || !number_of(ci->vals[0], &b) ||
            !number_of(ci->vals[1], &c))
            return nelm_yfail(e, ci ? ci : d, q->path,
                              "'ci' must be the 95 %% interval as two numbers [low, high]");
        ret = nelm_psa_lnorm_ci(a, b, c, &q->dist, &inner);
    } else if (strcmp(name, "gamma") == 0) {
        static const char *const k[] = {"dist", "mean", "se", NULL};
        if ((ret = nelm_ycheck_keys(d, k, q->path, e)) != 0 ||
            (ret = want_number(d, "mean", q->path, &a, e)) != 0 ||
            (ret = want_number(d, "se", q->path, &b, e)) != 0)
            return ret;
        ret = nelm_psa_gamma_mean_se(a, b, &q->dist, &inner);
    } else if (strcmp(name, "normal") == 0) {
        static const char *const k[] = {"dist", "mean", "sd", NULL};
        if ((ret = nelm_ycheck_keys(d, k, q->path, e)) != 0 ||
            (ret = want_number(d, "mean", q->path, &a, e)) != 0 ||
            (ret = want_number(d, "sd", q->path, &b, e)) != 0)
            return ret;
        ret = nelm_psa_normal(a, b, &q->dist, &inner);
    } else if (strcmp(name, "uniform") == 0) {
        static const char *const k[] = {"dist", "min", "max", NULL};
        if ((ret = nelm_ycheck_keys(d, k, q->path, e)) != 0 ||
            (ret = want_number(d, "min", q->path, &a, e)) != 0 ||
            (ret = want_number(d, "max", q->path, &b, e)) != 0)
            return ret;
        ret = nelm_psa_uniform_range(a, b, &q->dist, &inner);
    } else if (strcmp(name, "fixed") == 0) {
        static const char *const k[] = {"dist", "value", NULL};
        if ((ret = nelm_ycheck_keys(d, k, q->path, e)) != 0 ||
            (ret = want_number(d, "value", q->path, &a, e)) != 0)
            return ret;
        ret = nelm_psa_fixed(a, &q->dist, &inner);
    } else {
        return nelm_yfail(e, dn, q->path,
                          "unknown dist '%s' (expected beta, lognormal, gamma, normal, uniform or "
                          "fixed)",
                          name);
    }
    if (ret != 0)
        return nelm_yfail(e, d, q->path, "%s", inner.msg);
    q->key = nelm_psa_path_key(q->path);
    return 0;
}

static int
read_correlation(nelm_scen_spec *s, const nelm_ynode *list, nelm_err *e)
{
    if (list->kind != NELM_YSEQ)
        return nelm_yfail(e, list, "correlation",
                          "expected a list of {between: [path, path], rho: r}");
    size_t P = s->nparams;
    double *rho = nelm_calloc(P * P, sizeof *rho);
    int *grp = nelm_malloc(P * sizeof *grp);
    if (rho == NULL || grp == NULL) {
        free(rho);
        free(grp);
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (spec)");
    }
    for (size_t i = 0; i < P; i++) {
        rho[i * P + i] = 1.0;
        grp[i] = (int)i; /* union-find by relabelling: P is small */
    }
    int ret = 0;
    for (size_t k = 0; k < list->n && ret == 0; k++) {
        const nelm_ynode *it = list->vals[k];
        static const char *const keys[] = {"between", "rho", NULL};
        if (it->kind != NELM_YMAP) {
            ret = nelm_yfail(e, it, "correlation", "expected {between: [path, path], rho: r}");
            break;
        }
        if ((ret = nelm_ycheck_keys(it, keys, "correlation", e)) != 0)
            break;
        const nelm_ynode *bt = nelm_ymap_get(it, "between");
        double r = 0;
        if (bt == NULL || bt->kind != NELM_YSEQ || bt->n != 2 ||
            bt->vals[0]->kind != NELM_YSCALAR || bt->vals[1]->kind != NELM_YSCALAR) {
            ret = nelm_yfail(e, bt ? bt : it, "correlation", "'between' must name two parameters");
            break;
        }
        if ((ret = want_number(it, "rho", "correlation", &r, e)) != 0)
            break;
        if (!(r > -1.0 && r < 1.0)) {
            ret = nelm_yfail(e, nelm_ymap_get(it, "rho"), "correlation",
                             "rho must be strictly between -1 and 1 (got %g)", r);
            break;
        }
        size_t ix[2];
        for (int w = 0; w < 2 && ret == 0; w++) {
            size_t j = 0;
            while (j < P && strcmp(s->params[j].path, bt->vals[w]->str) != 0)
                j++;
            if (j == P)
                ret = nelm_yfail(e, bt->vals[w], "correlation", "'%s' is not one of the parameters",
                                 bt->vals[w]->str);
            ix[w] = j;
        }
        if (ret != 0)
            break;
        if (ix[0] == ix[1]) {
            ret = nelm_yfail(e, bt, "correlation", "a parameter with itself");
            break;
        }
        if (rho[ix[0] * P + ix[1]] != 0) {
            ret = nelm_yfail(e, bt, "correlation", "this pair is given twice");
            break;
        }
        rho[ix[0] * P + ix[1]] = rho[ix[1] * P + ix[0]] = r;
        int from = grp[ix[1]], to = grp[ix[0]];
        for (size_t i = 0; i < P; i++)
            if (grp[i] == from)
                grp[i] = to;
    }
    /* groups of more than one parameter, each with its Cholesky factor */
    for (size_t i = 0; i < P && ret == 0; i++) {
        size_t n = 0;
        size_t member[NELM_SCEN_MAX_PARAMS];
        bool first = true;
        for (size_t j = 0; j < P; j++)
            if (grp[j] == grp[i]) {
                if (j < i)
                    first = false;
                member[n++] = j;
            }
        if (!first || n < 2)
            continue;
        struct nelm_scen_group *ng = nelm_realloc(s->groups, (s->ngroups + 1) * sizeof *ng);
        if (ng == NULL) {
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (spec)");
            break;
        }
        s->groups = ng;
        struct nelm_scen_group *g = &s->groups[s->ngroups++];
        g->n = n;
        memcpy(g->member, member, n * sizeof member[0]);
        g->chol = nelm_malloc(n * n * sizeof *g->chol);
        double *c = nelm_malloc(n * n * sizeof *c);
        if (g->chol == NULL || c == NULL) {
            free(c);
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (spec)");
            break;
        }
        for (size_t a = 0; a < n; a++)
            for (size_t b = 0; b < n; b++)
                c[a * n + b] = rho[member[a] * P + member[b]];
        nelm_err inner = {0};
        if (nelm_psa_cholesky(c, n, g->chol, &inner) != 0)
            ret = nelm_yfail(e, list, "correlation",
                             "the correlations of %s and the parameters correlated with it are "
                             "not a valid correlation matrix (%s)",
                             s->params[member[0]].path, inner.msg);
        free(c);
        for (size_t a = 0; a < n; a++)
            s->params[member[a]].group = (int)(s->ngroups - 1);
    }
    free(rho);
    free(grp);
    return ret;
}

static char *
read_text(const char *path, nelm_err *e)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        NELM_FAIL(e, NELM_ERR_PARAM, "%s:1:1: cannot read the spec (%s)", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *t = nelm_malloc(cap);
    while (t) {
        if (n + 1 == cap) {
            if (cap >= NELM_YAML_MAX_FILE) {
                free(t);
                fclose(f);
                NELM_FAIL(e, NELM_ERR_PARAM, "%s:1:1: spec larger than %u bytes", path,
                          NELM_YAML_MAX_FILE);
                return NULL;
            }
            char *nt = nelm_realloc(t, cap * 2);
            if (nt == NULL) {
                free(t);
                t = NULL;
                break;
            }
            t = nt;
            cap *= 2;
        }
        size_t r = fread(t + n, 1, cap - 1 - n, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    if (t == NULL) {
        NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (spec)");
        return NULL;
    }
    t[n] = '\0';
    return t;
}

int
nelm_scen_load(nelm_scen_spec *s, nelm_scen_kind kind, const char *path, nelm_err *e)
{
    memset(s, 0, sizeof *s);
    s->kind = kind;
    const char *cmd = kind == NELM_SCEN_SWEEP ? "sweep" : "psa";
    nelm_ydoc doc;
    int ret = nelm_ydoc_load(&doc, path, e);
    if (ret != 0)
        return ret;
    s->file = nelm_strdup(path);
    s->params = nelm_calloc(NELM_SCEN_MAX_PARAMS, sizeof *s->params);
    s->text = read_text(path, e);
    if (s->file == NULL || s->params == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (spec)");
        goto out;
    }
    if (s->text == NULL) {
        ret = e->code;
        goto out;
    }
    const nelm_ynode *root = doc.root;
    if (root == NULL || root->kind != NELM_YMAP) {
        ret = NELM_FAIL(e, NELM_ERR_PARAM, "%s:1:1: %s spec: expected a mapping (%s)", path, cmd,
                        kind == NELM_SCEN_SWEEP ? "model, set, grid or zip"
                                                : "model, set, parameters, correlation");
        goto out;
    }
    static const char *const sweep_keys[] = {"model", "set", "grid", "zip", NULL};
    static const char *const psa_keys[] = {"model", "set", "parameters", "correlation", NULL};
    if ((ret = nelm_ycheck_keys(root, kind == NELM_SCEN_SWEEP ? sweep_keys : psa_keys, cmd, e)) !=
        0)
        goto out;
    const nelm_ynode *model = nelm_ymap_get(root, "model");
    if (model) {
        if (model->kind != NELM_YSCALAR || model->len == 0) {
            ret = nelm_yfail(e, model, "model", "expected a parameter file name");
            goto out;
        }
        const char *m = model->str;
        s->model_line = model->line;
        s->model_col = model->col;
        if (strncmp(m, NELM_BUILTIN_PREFIX, strlen(NELM_BUILTIN_PREFIX)) == 0 || m[0] == '/' ||
            strrchr(path, '/') == NULL) {
            s->model = nelm_strdup(m);
        } else { /* relative to the spec's directory */
            size_t dl = (size_t)(strrchr(path, '/') - path) + 1;
            s->model = nelm_malloc(dl + strlen(m) + 1);
            if (s->model) {
                memcpy(s->model, path, dl);
                strcpy(s->model + dl, m);
            }
        }
        if (s->model == NULL) {
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (spec)");
            goto out;
        }
    }
    const nelm_ynode *set = nelm_ymap_get(root, "set");
    if (set) {
        if (set->kind != NELM_YMAP) {
            ret = nelm_yfail(e, set, "set", "expected a mapping of parameter paths to values");
            goto out;
        }
        if (set->n > NELM_SCEN_MAX_SETS) {
            ret = nelm_yfail(e, set, "set", "at most %d overrides", NELM_SCEN_MAX_SETS);
            goto out;
        }
        s->sets = nelm_calloc(set->n ? set->n : 1, sizeof *s->sets);
        s->set_line = nelm_calloc(set->n ? set->n : 1, sizeof *s->set_line);
        s->set_col = nelm_calloc(set->n ? set->n : 1, sizeof *s->set_col);
        if (s->sets == NULL || s->set_line == NULL || s->set_col == NULL) {
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (spec)");
            goto out;
        }
        for (size_t i = 0; i < set->n; i++) {
            char *v = NULL;
            if ((ret = check_path(set->keys[i], "set", e)) != 0 ||
                (ret = scalar_text(set->vals[i], set->keys[i]->str, &v, e)) != 0)
                goto out;
            size_t len = set->keys[i]->len + strlen(v) + 2;
            s->sets[i] = nelm_malloc(len);
            if (s->sets[i] == NULL) {
                free(v);
                ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (spec)");
                goto out;
            }
            snprintf(s->sets[i], len, "%s=%s", set->keys[i]->str, v);
            s->set_line[i] = set->keys[i]->line;
            s->set_col[i] = set->keys[i]->col;
            free(v);
            s->nsets++;
        }
    }
    if (kind == NELM_SCEN_SWEEP) {
        const nelm_ynode *grid = nelm_ymap_get(root, "grid"), *zip = nelm_ymap_get(root, "zip");
        if ((grid == NULL) == (zip == NULL)) {
            ret = grid ? nelm_yfail(e, zip, "zip", "give either grid or zip, not both")
                       : NELM_FAIL(e, NELM_ERR_PARAM,
                                   "%s:%d:%d: sweep: missing 'grid' (every combination) or 'zip' "
                                   "(lists taken element by element)",
                                   path, root->line, root->col);
            goto out;
        }
        s->zip = zip != NULL;
        ret = read_sweep(s, grid ? grid : zip, grid ? "grid" : "zip", e);
    } else {
        const nelm_ynode *pars = nelm_ymap_get(root, "parameters");
        if (pars == NULL || pars->kind != NELM_YMAP || pars->n == 0) {
            ret = pars ? nelm_yfail(e, pars, "parameters",
                                    "expected a mapping of parameter paths to distributions")
                       : NELM_FAIL(e, NELM_ERR_PARAM,
                                   "%s:%d:%d: psa: missing 'parameters' (paths with their "
                                   "distributions)",
                                   path, root->line, root->col);
            goto out;
        }
        for (size_t i = 0; i < pars->n && ret == 0; i++) {
            nelm_scen_param *q = NULL;
            ret = add_param(s, pars->keys[i], "parameters", &q, e);
            if (ret == 0)
                ret = read_psa_dist(q, pars->vals[i], e);
        }
        const nelm_ynode *corr = nelm_ymap_get(root, "correlation");
        if (ret == 0 && corr)
            ret = read_correlation(s, corr, e);
    }
out:
    nelm_ydoc_free(&doc);
    if (ret != 0)
        nelm_scen_free(s);
    return ret;
}

void
nelm_scen_free(nelm_scen_spec *s)
{
    for (size_t j = 0; s->params && j < s->nparams; j++) {
        for (size_t k = 0; s->params[j].text && k < s->params[j].nvalues; k++)
            free(s->params[j].text[k]);
        free(s->params[j].text);
        free(s->params[j].num);
        free(s->params[j].level);
    }
    for (size_t i = 0; s->sets && i < s->nsets; i++)
        free(s->sets[i]);
    for (size_t g = 0; g < s->ngroups; g++)
        free(s->groups[g].chol);
    free(s->groups);
    free(s->sets);
    free(s->set_line);
    free(s->set_col);
    free(s->params);
    free(s->file);
    free(s->model);
    free(s->text);
    memset(s, 0, sizeof *s);
}

size_t
nelm_scen_value_index(const nelm_scen_spec *s, uint64_t i, size_t j)
{
    if (s->zip)
        return (size_t)i;
    uint64_t rest = i;
    for (size_t jj = s->nparams; jj-- > j + 1;) /* the last varies fastest */
        rest /= s->params[jj].nvalues;
    return (size_t)(rest % s->params[j].nvalues);
}

void
nelm_scen_point(const nelm_scen_spec *s, uint64_t seed, uint64_t i, double *num,
                char (*sets)[NELM_SCEN_SET_MAX])
{
    if (s->kind == NELM_SCEN_SWEEP) {
        for (size_t j = 0; j < s->nparams; j++) {
            const nelm_scen_param *q = &s->params[j];
            size_t k = nelm_scen_value_index(s, i, j);
            num[j] = q->num[k];
            if (sets)
                snprintf(sets[j], NELM_SCEN_SET_MAX, "%s=%s", q->path, q->text[k]);
        }
        return;
    }
    double u[NELM_SCEN_MAX_PARAMS];
    for (size_t j = 0; j < s->nparams; j++)
        u[j] = nelm_psa_uniform(seed, i, s->params[j].key);
    for (size_t g = 0; g < s->ngroups; g++) {
        const struct nelm_scen_group *gr = &s->groups[g];
        double ug[NELM_SCEN_MAX_PARAMS], uc[NELM_SCEN_MAX_PARAMS];
        for (size_t a = 0; a < gr->n; a++)
            ug[a] = u[gr->member[a]];
        nelm_psa_correlate(gr->chol, gr->n, ug, uc);
        for (size_t a = 0; a < gr->n; a++)
            u[gr->member[a]] = uc[a];
    }
    for (size_t j = 0; j < s->nparams; j++) {
        num[j] = nelm_psa_quantile(&s->params[j].dist, u[j]);
        if (sets)
            snprintf(sets[j], NELM_SCEN_SET_MAX, "%s=%.17g", s->params[j].path, num[j]);
    }
}

/* does the message (after its location) begin with path as a key path? */
static const char *
after_path(const char *msg, const char *path)
{
    size_t n = strlen(path);
    if (strncmp(msg, path, n) != 0 || (msg[n] != ':' && msg[n] != '.' && msg[n] != '['))
        return NULL;
    const char *r = strstr(msg + n, ": ");
    return r ? r + 2 : NULL;
}

/* The message (after its location) is about a parent of path, e.g. a
 * modality instance that path names but the model lacks: the length of
 * that parent's key path, else 0. */
static size_t
parent_of(const char *msg, const char *path)
{
    const char *r = strstr(msg, ": ");
    if (r == NULL)
        return 0;
    size_t n = (size_t)(r - msg);
    if (n == 0 || strncmp(path, msg, n) != 0 || (path[n] != '.' && path[n] != '['))
        return 0;
    return n;
}

int
nelm_scen_locate(const nelm_scen_spec *s, const nelm_err *inner, const char *what, nelm_err *e)
{
    const char *m = inner->msg;
    if (strncmp(m, "--set:", 6) == 0) { /* "--set:L:C: " */
        const char *q = strstr(m, ": ");
        m = q ? q + 2 : m;
    }
    const char *rest = NULL, *path = NULL;
    char sp[NELM_PATH_MAX];
    int line = 1, col = 1;
    for (size_t j = 0; j < s->nparams && rest == NULL; j++)
        if ((rest = after_path(m, s->params[j].path)) != NULL) {
            path = s->params[j].path;
            line = s->params[j].line;
            col = s->params[j].col;
        }
    for (size_t k = 0; k < s->nsets && rest == NULL; k++) {
        const char *eq = strchr(s->sets[k], '=');
        size_t n = (size_t)(eq - s->sets[k]);
        snprintf(sp, sizeof sp, "%.*s", (int)n, s->sets[k]);
        if ((rest = after_path(m, sp)) != NULL) {
            path = sp;
            line = s->set_line[k];
            col = s->set_col[k];
        }
    }
    if (rest)
        return NELM_FAIL(e, inner->code, "%s:%d:%d: %s%s%s: %s", s->file, line, col, path,
                         what ? ": " : "", what ? what : "", rest);
    /* about a parent of a varied or fixed path: located there, named as the
     * message names it */
    size_t n = 0;
    for (size_t j = 0; j < s->nparams && n == 0; j++)
        if ((n = parent_of(m, s->params[j].path)) > 0) {
            line = s->params[j].line;
            col = s->params[j].col;
        }
    for (size_t k = 0; k < s->nsets && n == 0; k++)
        if ((n = parent_of(m, s->sets[k])) > 0) {
            line = s->set_line[k];
            col = s->set_col[k];
        }
    if (n > 0)
        return NELM_FAIL(e, inner->code, "%s:%d:%d: %.*s%s%s: %s", s->file, line, col, (int)n, m,
                         what ? ": " : "", what ? what : "", m + n + 2);
    if (s->model_line > 0 && strncmp(inner->msg, "--set:", 6) != 0)
        return NELM_FAIL(e, inner->code, "%s:%d:%d: model%s%s: %s", s->file, s->model_line,
                         s->model_col, what ? ": " : "", what ? what : "", inner->msg);
    return NELM_FAIL(e, inner->code, "%s:1:1: %s%s%s", s->file, what ? what : "", what ? ": " : "",
                     inner->msg);
}

int
nelm_scen_base(const nelm_scen_spec *s, nelm_params *p, nelm_err *e)
{
    nelm_err inner = {0};
    if (nelm_params_load(p, s->model, (const char *const *)s->sets, s->nsets, &inner) != 0)
        return nelm_scen_locate(s, &inner, NULL, e);
    return 0;
}

int
nelm_scen_params(const nelm_scen_spec *s, uint64_t seed, uint64_t i, nelm_params *p, nelm_err *e)
{
    static _Thread_local char sets[NELM_SCEN_MAX_PARAMS][NELM_SCEN_SET_MAX];
    double num[NELM_SCEN_MAX_PARAMS];
    nelm_scen_point(s, seed, i, num, sets);
    const char *all[NELM_SCEN_MAX_SETS + NELM_SCEN_MAX_PARAMS];
    size_t n = 0;
    for (size_t k = 0; k < s->nsets; k++)
        all[n++] = s->sets[k];
    for (size_t j = 0; j < s->nparams; j++)
        all[n++] = sets[j];
    nelm_err inner = {0};
    int ret = nelm_params_load(p, s->model, all, n, &inner);
    if (ret != 0) {
        char point[512] = "";
        size_t len = 0;
        for (size_t j = 0; j < s->nparams && len < 400; j++) {
            int w = snprintf(point + len, sizeof point - len, "%s%s", j ? ", " : "", sets[j]);
            len = w < 0 ? len : len + (size_t)w < sizeof point ? len + (size_t)w : sizeof point - 1;
        }
        char what[600];
        snprintf(what, sizeof what, "%s %llu (%s)",
                 s->kind == NELM_SCEN_SWEEP ? "scenario" : "draw", (unsigned long long)i, point);
        return nelm_scen_locate(s, &inner, what, e);
    }
    return 0;
}
