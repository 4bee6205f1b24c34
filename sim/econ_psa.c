/* econ_psa.c — the economics of a PSA: per-draw table, acceptability
 * curves, frontier, EVPI and their Monte Carlo noise (see econ_psa.h). */
#include "econ_psa.h"

#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "econ.h"

void
nelm_econ_draws_init(nelm_econ_draws *d, size_t S)
{
    memset(d, 0, sizeof *d);
    d->S = S;
}

void
nelm_econ_draws_free(nelm_econ_draws *d)
{
    free(d->c);
    free(d->q);
    free(d->hc);
    free(d->hq);
    size_t S = d->S;
    nelm_econ_draws_init(d, S);
}

int
nelm_econ_draws_push(nelm_econ_draws *d, const double *c, const double *q, const double *hc,
                     const double *hq, nelm_err *e)
{
    size_t S = d->S;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 256;
        double **col[4] = {&d->c, &d->q, &d->hc, &d->hq};
        for (int j = 0; j < 4; j++) {
            double *nb = nelm_realloc(*col[j], cap * S * sizeof *nb);
            if (nb == NULL)
                return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (PSA economics)");
            *col[j] = nb;
        }
        d->cap = cap;
    }
    size_t at = d->n * S;
    memcpy(d->c + at, c, S * sizeof *c);
    memcpy(d->q + at, q, S * sizeof *q);
    memcpy(d->hc + at, hc, S * sizeof *hc);
    memcpy(d->hq + at, hq, S * sizeof *hq);
    d->n++;
    return 0;
}

int
nelm_econ_psa_draws_create(nelm_h5 *h, const char *const *snames, size_t S, nelm_h5_table **out,
                           nelm_err *e)
{
    const nelm_h5_col cols[] = {
        {"scenario", NELM_H5_U32, NULL, "PSA draw (row of /scenarios)", NULL, 0},
        {"strategy", NELM_H5_ENUM8, NULL, NULL, snames, S},
        {"cost", NELM_H5_F64, "currency", "mean discounted cost per patient in this draw", NULL, 0},
        {"qaly", NELM_H5_F64, "QALYs", "mean discounted QALYs per patient in this draw", NULL, 0},
        {"cost_half", NELM_H5_F64, "currency",
         "(mean over even patients - mean over odd patients) / 2: its spread over the draws "
         "estimates the Monte Carlo noise of cost",
         NULL, 0},
        {"qaly_half", NELM_H5_F64, "QALYs", "the same for qaly", NULL, 0},
    };
    return nelm_h5_table_create(h, "psa/draws", cols, sizeof cols / sizeof cols[0], 4096,
                                "each draw's mean discounted cost and QALYs per strategy (the "
                                "cost-effectiveness plane)",
                                out, e);
}

int
nelm_econ_psa_draws_append(nelm_h5_table *t, uint32_t scenario, size_t S, const double *c,
                           const double *q, const double *hc, const double *hq, nelm_err *e)
{
    int ret = 0;
    for (size_t i = 0; i < S && ret == 0; i++) {
        uint8_t si = (uint8_t)i;
        const void *col[] = {&scenario, &si, &c[i], &q[i], &hc[i], &hq[i]};
        ret = nelm_h5_append(t, col, 1, e);
    }
    return ret;
}

/* one whole column of /psa/draws as memtype (elem bytes each); NULL on failure */
static void *
read_col(hid_t f, const char *name, hid_t memtype, size_t elem, size_t *n)
{
    char path[64];
    snprintf(path, sizeof path, "psa/draws/%s", name);
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d < 0)
        return NULL;
    void *buf = NULL;
    hid_t sp = H5Dget_space(d);
    hsize_t dims[1] = {0};
    if (sp >= 0 && H5Sget_simple_extent_ndims(sp) == 1 &&
        H5Sget_simple_extent_dims(sp, dims, NULL) == 1) {
        buf = nelm_malloc(dims[0] ? (size_t)dims[0] * elem : 1);
        if (buf && dims[0] > 0 && H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
            free(buf);
            buf = NULL;
        }
        *n = (size_t)dims[0];
    }
    if (sp >= 0)
        H5Sclose(sp);
    H5Dclose(d);
    return buf;
}

int
nelm_econ_psa_draws_read(int64_t file, nelm_econ_draws *d, nelm_err *e)
{
    hid_t f = (hid_t)file;
    size_t S = d->S;
    size_t n[6] = {0};
    uint32_t *sc = read_col(f, "scenario", H5T_NATIVE_UINT32, 4, &n[0]);
    uint8_t *st = read_col(f, "strategy", H5T_NATIVE_UINT8, 1, &n[1]);
    double *v[4] = {read_col(f, "cost", H5T_NATIVE_DOUBLE, 8, &n[2]),
                    read_col(f, "qaly", H5T_NATIVE_DOUBLE, 8, &n[3]),
                    read_col(f, "cost_half", H5T_NATIVE_DOUBLE, 8, &n[4]),
                    read_col(f, "qaly_half", H5T_NATIVE_DOUBLE, 8, &n[5])};
    int ret = 0;
    bool ok = sc && st && v[0] && v[1] && v[2] && v[3] && S > 0 && n[0] % S == 0;
    for (size_t j = 1; ok && j < 6; j++)
        ok = n[j] == n[0];
    if (!ok)
        ret = NELM_FAIL(e, NELM_ERR_IO, "cannot read /psa/draws (%zu strategies)", S);
    size_t m = ok ? n[0] / S : 0;
    for (size_t k = 0; k < m && ret == 0; k++) {
        for (size_t i = 0; i < S && ret == 0; i++) {
            size_t r = k * S + i;
            if (st[r] != i || sc[r] != sc[k * S])
                ret = NELM_FAIL(e, NELM_ERR_IO, "/psa/draws row %zu is out of order", r);
        }
        if (ret == 0)
            ret =
                nelm_econ_draws_push(d, v[0] + k * S, v[1] + k * S, v[2] + k * S, v[3] + k * S, e);
    }
    free(sc);
    free(st);
    for (size_t j = 0; j < 4; j++)
        free(v[j]);
    return ret;
}

/* sample variance over k < n of x[k] (two passes); NaN when n < 2 */
static double
variance(const double *x, size_t n)
{
    if (n < 2)
        return NAN;
    double s = 0;
    for (size_t k = 0; k < n; k++)
        s += x[k];
    double m = s / (double)n, ss = 0, c = 0;
    for (size_t k = 0; k < n; k++) {
        ss += (x[k] - m) * (x[k] - m);
        c += x[k] - m;
    }
    double v = (ss - c * c / (double)n) / (double)(n - 1);
    return v > 0 ? v : 0;
}

typedef struct psa_res {
    size_t nw;
    double *wtp, *ceac, *frontier, *evpi, *nmb, *noise; /* nw; nw * S for ceac, noise */
    size_t *best;
} psa_res;

static void
res_free(psa_res *r)
{
    free(r->wtp);
    free(r->ceac);
    free(r->frontier);
    free(r->evpi);
    free(r->nmb);
    free(r->noise);
    free(r->best);
    memset(r, 0, sizeof *r);
}

/* CEAC, frontier, EVPI at the nw values wtp, and the noise share of each
 * strategy's NMB difference with the frontier choice */
static int
analyse(const nelm_econ_draws *dr, const double *wtp, size_t nw, psa_res *r, nelm_err *e)
{
    size_t nd = dr->n, S = dr->S;
    memset(r, 0, sizeof *r);
    r->nw = nw;
    r->wtp = nelm_malloc(nw * sizeof *r->wtp);
    r->ceac = nelm_malloc(nw * S * sizeof *r->ceac);
    r->noise = nelm_malloc(nw * S * sizeof *r->noise);
    r->frontier = nelm_malloc(nw * sizeof *r->frontier);
    r->evpi = nelm_malloc(nw * sizeof *r->evpi);
    r->nmb = nelm_malloc(nw * sizeof *r->nmb);
    r->best = nelm_malloc(nw * sizeof *r->best);
    double *dv = nelm_malloc(nd * sizeof *dv), *hv = nelm_malloc(nd * sizeof *hv);
    int ret = 0;
    if (!r->wtp || !r->ceac || !r->noise || !r->frontier || !r->evpi || !r->nmb || !r->best ||
        !dv || !hv) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (PSA economics)");
        goto out;
    }
    memcpy(r->wtp, wtp, nw * sizeof *wtp);
    ret = nelm_econ_psa(dr->c, dr->q, nd, S, wtp, nw, r->ceac, r->best, r->frontier, r->evpi, e);
    if (ret != 0)
        goto out;
    for (size_t j = 0; j < nw; j++) {
        size_t b = r->best[j];
        double w = wtp[j], m = 0;
        for (size_t k = 0; k < nd; k++)
            m += nelm_econ_nmb(dr->c[k * S + b], dr->q[k * S + b], w);
        r->nmb[j] = m / (double)nd;
        for (size_t i = 0; i < S; i++) {
            r->noise[j * S + i] = NAN;
            if (i == b)
                continue;
            for (size_t k = 0; k < nd; k++) {
                size_t ki = k * S + i, kb = k * S + b;
                dv[k] =
                    nelm_econ_nmb(dr->c[ki], dr->q[ki], w) - nelm_econ_nmb(dr->c[kb], dr->q[kb], w);
                hv[k] = (w * dr->hq[ki] - dr->hc[ki]) - (w * dr->hq[kb] - dr->hc[kb]);
            }
            double vd = variance(dv, nd), vh = variance(hv, nd);
            if (vd > 0)
                r->noise[j * S + i] = vh / vd;
        }
    }
out:
    free(dv);
    free(hv);
    if (ret != 0)
        res_free(r);
    return ret;
}

/* /psa/ceac and /psa/frontier */
static int
write_tables(nelm_h5 *h, const char *const *snames, size_t S, const psa_res *r, nelm_err *e)
{
    const nelm_h5_col ccols[] = {
        {"wtp", NELM_H5_F64, "currency per QALY", "willingness to pay", NULL, 0},
        {"strategy", NELM_H5_ENUM8, NULL, NULL, snames, S},
        {"probability", NELM_H5_F64, "fraction",
         "share of draws in which the strategy has the highest net monetary benefit (ties: the "
         "first strategy)",
         NULL, 0},
        {"noise", NELM_H5_F64, "fraction",
         "share of the between-draw variance of its net monetary benefit minus the frontier "
         "choice's that is Monte Carlo noise from the patients per draw (NaN: the choice "
         "itself)",
         NULL, 0},
    };
    const nelm_h5_col fcols[] = {
        {"wtp", NELM_H5_F64, "currency per QALY", "willingness to pay", NULL, 0},
        {"best", NELM_H5_ENUM8, NULL, "the strategy with the highest mean net monetary benefit",
         snames, S},
        {"probability", NELM_H5_F64, "fraction", "share of draws in which it is the best", NULL, 0},
        {"nmb", NELM_H5_F64, "currency", "its mean net monetary benefit per patient", NULL, 0},
        {"evpi", NELM_H5_F64, "currency",
         "expected value of perfect information per patient: mean over draws of the highest "
         "NMB minus the highest mean NMB",
         NULL, 0},
    };
    nelm_h5_table *tc = NULL, *tf = NULL;
    size_t rows = r->nw * S;
    int ret = nelm_h5_table_create(h, "psa/ceac", ccols, 4, rows < 65536 ? rows : 65536,
                                   "cost-effectiveness acceptability curves, wtp-major", &tc, e);
    if (ret == 0)
        ret = nelm_h5_table_create(h, "psa/frontier", fcols, 5, r->nw,
                                   "the acceptability frontier and the EVPI", &tf, e);
    nelm_h5_root_only(h, true); /* every rank has the same values */
    for (size_t j = 0; j < r->nw && ret == 0; j++)
        for (size_t i = 0; i < S && ret == 0; i++) {
            uint8_t si = (uint8_t)i;
            const void *c[] = {&r->wtp[j], &si, &r->ceac[j * S + i], &r->noise[j * S + i]};
            ret = nelm_h5_append(tc, c, 1, e);
        }
    for (size_t j = 0; j < r->nw && ret == 0; j++) {
        uint8_t b = (uint8_t)r->best[j];
        const void *c[] = {&r->wtp[j], &b, &r->frontier[j], &r->nmb[j], &r->evpi[j]};
        ret = nelm_h5_append(tf, c, 1, e);
    }
    nelm_h5_root_only(h, false);
    return nelm_h5_sync(h, ret, e);
}

static void
print_report(FILE *out, const nelm_params *p, const char *const *snames, const nelm_econ_draws *dr,
             const psa_res *r)
{
    size_t nd = dr->n, S = dr->S;
    const nelm_econ_params *x = &p->econ;
    fprintf(out,
            "\nPSA economics: %zu draws. Mean discounted cost (%s) and QALYs per patient over "
            "the draws; sd: between draws; noise: the share of that variance which is Monte "
            "Carlo error from the patients per draw (more patients per draw lower it).\n\n",
            nd, x->currency);
    fprintf(out, "%-24s %12s %10s %6s %8s %7s %6s\n", "strategy", "cost", "sd", "noise", "QALY",
            "sd", "noise");
    double *v = nelm_malloc((nd ? nd : 1) * sizeof *v),
           *hv = nelm_malloc((nd ? nd : 1) * sizeof *hv);
    for (size_t i = 0; v && hv && i < S; i++) {
        double st[2][3];
        for (int which = 0; which < 2; which++) {
            double s = 0;
            for (size_t k = 0; k < nd; k++) {
                v[k] = which ? dr->q[k * S + i] : dr->c[k * S + i];
                hv[k] = which ? dr->hq[k * S + i] : dr->hc[k * S + i];
                s += v[k];
            }
            double var = variance(v, nd);
            st[which][0] = s / (double)nd;
            st[which][1] = sqrt(var);
            st[which][2] = var > 0 ? variance(hv, nd) / var : NAN;
        }
        fprintf(out, "%-24.24s %12.0f %10.0f %6.2f %8.3f %7.3f %6.2f\n", snames[i], st[0][0],
                st[0][1], st[0][2], st[1][0], st[1][1], st[1][2]);
    }
    free(v);
    free(hv);
    for (size_t j = 0; j < r->nw; j++) {
        fprintf(out,
                "\nat %.0f %s per QALY: the highest mean net monetary benefit is %s's (%.0f per "
                "patient), the best in %.3f of the draws; EVPI %.0f per patient.\n",
                r->wtp[j], x->currency, snames[r->best[j]], r->nmb[j], r->frontier[j], r->evpi[j]);
        fprintf(out, "  %-24s %14s %8s\n", "strategy", "P(highest NMB)", "noise");
        for (size_t i = 0; i < S; i++)
            fprintf(out, "  %-24.24s %14.3f %8.2f\n", snames[i], r->ceac[j * S + i],
                    r->noise[j * S + i]);
    }
    fprintf(out, "(noise: the share of the spread over the draws of the strategy's net monetary "
                 "benefit minus the best's that is patient noise; where it is large the curves and "
                 "the EVPI overstate the uncertainty: raise -n)\n");
}

int
nelm_econ_psa_report(nelm_h5 *h, FILE *out, const nelm_params *p, const char *const *snames,
                     const nelm_econ_draws *d, nelm_err *e)
{
    const nelm_econ_params *x = &p->econ;
    size_t S = d->S;
    if (d->n == 0)
        return 0;
    psa_res at = {0}, grid = {0};
    int ret = analyse(d, x->wtp, x->nwtp, &at, e);
    if (ret == 0 && out)
        print_report(out, p, snames, d, &at);
    if (ret == 0 && h) {
        size_t nw = (size_t)floor(x->ceac_max / x->ceac_step + 1e-9) + 1;
        double *w = nelm_malloc(nw * sizeof *w);
        if (w == NULL)
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (CEAC grid)");
        for (size_t j = 0; w && j < nw; j++)
            w[j] = (double)j * x->ceac_step;
        if (ret == 0)
            ret = analyse(d, w, nw, &grid, e);
        free(w);
        if (ret == 0)
            ret = write_tables(h, snames, S, &grid, e);
        else
            ret = nelm_h5_sync(h, ret, e);
    }
    res_free(&at);
    res_free(&grid);
    return ret;
}

int
nelm_econ_psa_merge(nelm_h5 *h, const int64_t *files, size_t nfiles, const char *output,
                    nelm_err *e)
{
    hid_t f0 = (hid_t)files[0];
    if (H5Lexists(f0, "psa", H5P_DEFAULT) <= 0 || H5Lexists(f0, "psa/draws", H5P_DEFAULT) <= 0)
        return 0; /* no economics */
    size_t np = 0, S = 0;
    char **par = nelm_h5_read_strings((int64_t)f0, "parameters", &np);
    char **names = nelm_h5_read_strings((int64_t)f0, "strategies/name", &S);
    nelm_params *p = nelm_calloc(1, sizeof *p);
    nelm_econ_draws all;
    nelm_econ_draws_init(&all, S);
    int ret = 0;
    if (par == NULL || np != 1 || names == NULL || S == 0 || S > NELM_MAX_STRATEGIES)
        ret = NELM_FAIL(e, NELM_ERR_IO,
                        "%s: cannot read /parameters and /strategies/name of the "
                        "first shard",
                        output);
    else if (p == NULL)
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (merge)");
    else
        ret = nelm_params_load_string(p, par[0], strlen(par[0]), "/parameters", NULL, 0, e);
    for (size_t i = 0; i < nfiles && ret == 0; i++)
        ret = nelm_econ_psa_draws_read(files[i], &all, e);
    if (ret == 0)
        ret = nelm_econ_psa_report(h, NULL, p, (const char *const *)names, &all, e);
    nelm_h5_strings_free(par, np);
    nelm_h5_strings_free(names, S);
    free(p);
    nelm_econ_draws_free(&all);
    return ret;
}
