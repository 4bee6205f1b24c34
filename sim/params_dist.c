/* params_dist.c — survival distributions in parameter files:
 *
 *   {dist: weibull, shape: 1.345, scale: 11.03}             months by default
 *   {dist: gamma, shape: 2.5, rate: 0.1, time_unit: years}
 *   {dist: pexp, cuts: [0, 6, 24], rates: [0.02, 0.05, 0.1]}
 *
 * Family and parameter names are R flexsurv's (dist.h), so fitted values are
 * pasted as they are. Every error names the offending key's location. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dist.h"
#include "params.h"

static const char *const unit_names[NELM_UNIT_NUNITS] = {"days", "weeks", "months", "years"};

static void
family_list(char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int f = 0; f < NELM_DIST_NFAMILIES && o + 1 < cap; f++) {
        int w = snprintf(buf + o, cap - o, "%s%s", f ? ", " : "",
                         nelm_dist_family_name((nelm_dist_family)f));
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

/* The keys a family takes, for messages: "shape, scale, time_unit". */
static void
key_list(nelm_dist_family f, char *buf, size_t cap)
{
    if (f == NELM_DIST_PEXP) {
        snprintf(buf, cap, "cuts, rates, time_unit");
        return;
    }
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < nelm_dist_nparams(f) && o + 1 < cap; i++) {
        int w = snprintf(buf + o, cap - o, "%s, ", nelm_dist_param_name(f, i));
        if (w < 0)
            break;
        o += (size_t)w;
    }
    if (o + 1 < cap)
        snprintf(buf + o, cap - o, "time_unit");
}

static bool
is_key_of(nelm_dist_family f, const char *key)
{
    if (strcmp(key, "dist") == 0 || strcmp(key, "time_unit") == 0)
        return true;
    if (f == NELM_DIST_PEXP)
        return strcmp(key, "cuts") == 0 || strcmp(key, "rates") == 0;
    for (size_t i = 0; i < nelm_dist_nparams(f); i++)
        if (strcmp(key, nelm_dist_param_name(f, i)) == 0)
            return true;
    return false;
}

static int
read_list(nelm_pctx *c, const nelm_ynode *n, const char *path, double *v, size_t *count)
{
    if (n->kind != NELM_YSEQ || n->n == 0)
        return nelm_pfail(c, n, path, "expected a non-empty list of numbers");
    if (n->n > NELM_PEXP_MAX)
        return nelm_pfail(c, n, path, "%zu pieces (at most %d)", n->n, NELM_PEXP_MAX);
    for (size_t i = 0; i < n->n; i++) {
        char ip[NELM_PATH_MAX + 24];
        if (snprintf(ip, sizeof ip, "%s[%zu]", path, i) < 0)
            ip[0] = '\0';
        int ret = nelm_pread_num(c, n->vals[i], ip, -1e300, 1e300, &v[i]);
        if (ret != 0)
            return ret;
    }
    *count = n->n;
    return 0;
}

int
nelm_pread_dist(nelm_pctx *c, const nelm_ynode *n, const char *path, nelm_dist *out)
{
    char kp[NELM_PATH_MAX + 32], list[256];
    if (n->kind != NELM_YMAP)
        return nelm_pfail(c, n, path, "expected a distribution {dist: FAMILY, parameters...}");
    const nelm_ynode *fam = nelm_ymap_get(n, "dist");
    if (fam == NULL) {
        family_list(list, sizeof list);
        return nelm_pfail(c, n, path, "missing required key 'dist' (one of %s)", list);
    }
    const char *fams[NELM_DIST_NFAMILIES];
    for (int f = 0; f < NELM_DIST_NFAMILIES; f++)
        fams[f] = nelm_dist_family_name((nelm_dist_family)f);
    snprintf(kp, sizeof kp, "%s.dist", path);
    int fi = 0, ret = nelm_pread_enum(c, fam, kp, fams, NELM_DIST_NFAMILIES, &fi);
    if (ret != 0)
        return ret;
    nelm_dist_family f = (nelm_dist_family)fi;
    key_list(f, list, sizeof list);
    for (size_t i = 0; i < n->n; i++)
        if (!is_key_of(f, n->keys[i]->str)) {
            snprintf(kp, sizeof kp, "%s.%s", path, n->keys[i]->str);
            return nelm_pfail(c, n->keys[i], kp, "unknown key for %s (expected %s)",
                              fams[fi], list);
        }
    int unit = NELM_UNIT_MONTHS;
    const nelm_ynode *un = nelm_ymap_get(n, "time_unit");
    snprintf(kp, sizeof kp, "%s.time_unit", path);
    if (un != NULL && (ret = nelm_pread_enum(c, un, kp, unit_names, NELM_UNIT_NUNITS, &unit)) != 0)
        return ret;

    nelm_err e2 = {0};
    const nelm_ynode *at[NELM_DIST_MAX_PARAMS] = {NULL};
    if (f == NELM_DIST_PEXP) {
        double cuts[NELM_PEXP_MAX], rates[NELM_PEXP_MAX];
        size_t nc = 0, nr = 0;
        const nelm_ynode *cn = nelm_ymap_get(n, "cuts"), *rn = nelm_ymap_get(n, "rates");
        if (cn == NULL || rn == NULL)
            return nelm_pfail(c, n, path, "missing required key '%s' (pexp takes %s)",
                              cn == NULL ? "cuts" : "rates", list);
        snprintf(kp, sizeof kp, "%s.cuts", path);
        if ((ret = read_list(c, cn, kp, cuts, &nc)) != 0)
            return ret;
        snprintf(kp, sizeof kp, "%s.rates", path);
        if ((ret = read_list(c, rn, kp, rates, &nr)) != 0)
            return ret;
        if (nc != nr)
            return nelm_pfail(c, rn, kp, "%zu rates for %zu cuts (expected one rate per piece, "
                                         "the first cut 0)",
                              nr, nc);
        if (nelm_dist_init_pexp(out, cuts, rates, nc, (nelm_time_unit)unit, &e2) != 0) {
            const nelm_ynode *where = strstr(e2.msg, "rates") ? rn : cn;
            return nelm_pfail(c, where, path, "%s", e2.msg);
        }
        return 0;
    }
    double par[NELM_DIST_MAX_PARAMS] = {0};
    for (size_t i = 0; i < nelm_dist_nparams(f); i++) {
        const char *pn = nelm_dist_param_name(f, i);
        at[i] = nelm_ymap_get(n, pn);
        if (at[i] == NULL)
            return nelm_pfail(c, n, path, "missing required key '%s' (%s takes %s)", pn, fams[fi],
                              list);
        snprintf(kp, sizeof kp, "%s.%s", path, pn);
        if ((ret = nelm_pread_num(c, at[i], kp, -1e300, 1e300, &par[i])) != 0)
            return ret;
    }
    if (nelm_dist_init(out, f, par, (nelm_time_unit)unit, &e2) != 0) {
        /* dist.c names the parameter: "weibull: shape must be > 0 (got -1)" */
        for (size_t i = 0; i < nelm_dist_nparams(f); i++) {
            char needle[64];
            snprintf(needle, sizeof needle, ": %s must", nelm_dist_param_name(f, i));
            if (strstr(e2.msg, needle) != NULL) {
                snprintf(kp, sizeof kp, "%s.%s", path, nelm_dist_param_name(f, i));
                return nelm_pfail(c, at[i], kp, "%s", e2.msg);
            }
        }
        return nelm_pfail(c, n, path, "%s", e2.msg);
    }
    return 0;
}

static void
dump_list(FILE *out, const char *name, const double *v, size_t n)
{
    fprintf(out, ", %s: [", name);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%.17g", i ? ", " : "", v[i]);
    fputc(']', out);
}

void
nelm_pdump_dist(FILE *out, const nelm_dist *d)
{
    fprintf(out, "{dist: %s", nelm_dist_family_name(d->family));
    if (d->family == NELM_DIST_PEXP) {
        dump_list(out, "cuts", d->cuts, d->npieces);
        dump_list(out, "rates", d->rates, d->npieces);
    } else {
        for (size_t i = 0; i < nelm_dist_nparams(d->family); i++)
            fprintf(out, ", %s: %.17g", nelm_dist_param_name(d->family, i), d->par[i]);
    }
    fprintf(out, ", time_unit: %s}", unit_names[d->unit]);
}

void
nelm_pexplain_dist(FILE *out, int indent)
{
    fprintf(out, "%*sdistributions: {dist: FAMILY, PARAMETERS..., time_unit: days|weeks|months|"
                 "years (default months)}\n",
            indent, "");
    for (int f = 0; f < NELM_DIST_NFAMILIES; f++) {
        char list[128];
        key_list((nelm_dist_family)f, list, sizeof list);
        fprintf(out, "%*s  %-10s %s\n", indent, "", nelm_dist_family_name((nelm_dist_family)f),
                list);
    }
    fprintf(out, "%*s(R flexsurv's families and parameters; pexp: hazard rates[i] from cuts[i], "
                 "cuts[0] = 0)\n",
            indent, "");
}
