/* sumtables.c — the summary tables (see sumtables.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kindspec.h"
#include "sumtables.h"

/* the per-strategy statistics, in column order after strategy and counts */
static const char *const fnames[] = {"median_os",        "median_os_lo",   "median_os_hi",
                                     "mean_os",          "mean_os_se",     "rmst",
                                     "rmst_se",          "os_12",          "os_12_lo",
                                     "os_12_hi",         "os_36",          "os_36_lo",
                                     "os_36_hi",         "os_60",          "os_60_lo",
                                     "os_60_hi",         "os_120",         "os_120_lo",
                                     "os_120_hi",        "median_pfs1",    "median_pfs1_lo",
                                     "median_pfs1_hi",   "mean_lines",     "death_disease",
                                     "death_treatment",  "death_toxicity", "death_background",
                                     "alive_at_horizon", "diff_mean_os",   "diff_mean_os_se",
                                     "diff_rmst",        "diff_rmst_se"};
enum { NF = sizeof fnames / sizeof fnames[0], MAXC = NF + 4 + NELM_NKINDS };

struct nelm_sum_tables {
    nelm_h5_table *strat, *inst, *pfs, *km;
    bool scen;
    size_t S, ninst;
};

static const char *
units_of(const char *f)
{
    if (strncmp(f, "os_", 3) == 0 || strncmp(f, "death", 5) == 0 || strncmp(f, "alive", 5) == 0)
        return "fraction";
    return strcmp(f, "mean_lines") == 0 ? NULL : "months";
}

int
nelm_sum_tables_create(nelm_h5 *h, const nelm_params *p, const size_t *strategies, size_t S,
                       bool with_scenario, nelm_sum_tables **out, nelm_err *e)
{
    *out = NULL;
    nelm_sum_tables *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (summary tables)");
    t->scen = with_scenario;
    t->S = S;
    t->ninst = p->nmodalities;
    const char *snames[NELM_MAX_STRATEGIES], *inames[NELM_MAX_INSTANCES + 1];
    for (size_t s = 0; s < S; s++)
        snames[s] = p->strategies[strategies[s]].name;
    for (size_t i = 0; i < p->nmodalities; i++)
        inames[i] = p->modalities[i].name;
    inames[p->nmodalities] = "none";
    const nelm_h5_col scol = {"scenario", NELM_H5_U32, NULL, "row of /scenarios", NULL, 0};
    const nelm_h5_col stcol = {"strategy", NELM_H5_ENUM8, NULL, NULL, snames, S};

    nelm_h5_col cols[MAXC];
    char kind_col[NELM_NKINDS][32];
    size_t nc = 0;
    if (with_scenario)
        cols[nc++] = scol;
    cols[nc++] = stcol;
    cols[nc++] = (nelm_h5_col){"patients", NELM_H5_U64, NULL, NULL, NULL, 0};
    cols[nc++] = (nelm_h5_col){"patients_pfs1", NELM_H5_U64, NULL, NULL, NULL, 0};
    for (size_t f = 0; f < NF; f++)
        cols[nc++] = (nelm_h5_col){fnames[f], NELM_H5_F64, units_of(fnames[f]), NULL, NULL, 0};
    for (int k = 0; k < NELM_NKINDS; k++) {
        snprintf(kind_col[k], sizeof kind_col[k], "received_%s", nelm_kind_names[k]);
        cols[nc++] = (nelm_h5_col){kind_col[k], NELM_H5_F64, "fraction", NULL, NULL, 0};
    }
    int ret = nelm_h5_table_create(h, "summary/strategies", cols, nc, S,
                                   "per strategy (DESIGN 8); months unless stated", &t->strat, e);

    nelm_h5_col icols[4];
    nc = 0;
    if (with_scenario)
        icols[nc++] = scol;
    icols[nc++] = stcol;
    icols[nc++] = (nelm_h5_col){"instance", NELM_H5_ENUM8, NULL, NULL, inames, p->nmodalities + 1};
    icols[nc++] =
        (nelm_h5_col){"share", NELM_H5_F64, "fraction", "received at least once", NULL, 0};
    if (ret == 0)
        ret = nelm_h5_table_create(
            h, "summary/instance_share", icols, nc, S * (p->nmodalities ? p->nmodalities : 1),
            "share of patients receiving each modality instance", &t->inst, e);

    nelm_h5_col pcols[7];
    nc = 0;
    if (with_scenario)
        pcols[nc++] = scol;
    pcols[nc++] = stcol;
    pcols[nc++] = (nelm_h5_col){"line", NELM_H5_U8, NULL, "order started (1: first line)", NULL, 0};
    pcols[nc++] = (nelm_h5_col){"patients", NELM_H5_U64, NULL, "who started it", NULL, 0};
    pcols[nc++] = (nelm_h5_col){"median", NELM_H5_F64, "months", NULL, NULL, 0};
    pcols[nc++] = (nelm_h5_col){"median_lo", NELM_H5_F64, "months", NULL, NULL, 0};
    pcols[nc++] = (nelm_h5_col){"median_hi", NELM_H5_F64, "months", NULL, NULL, 0};
    if (ret == 0)
        ret = nelm_h5_table_create(h, "summary/pfs_by_line", pcols, nc, 64,
                                   "PFS of each line from its start, among those who start it",
                                   &t->pfs, e);

    nelm_h5_col kcols[6];
    nc = 0;
    if (with_scenario)
        kcols[nc++] = scol;
    kcols[nc++] = stcol;
    kcols[nc++] = (nelm_h5_col){"month", NELM_H5_U16, "months", NULL, NULL, 0};
    kcols[nc++] =
        (nelm_h5_col){"surv", NELM_H5_F64, NULL, "Kaplan-Meier overall survival", NULL, 0};
    kcols[nc++] = (nelm_h5_col){"lo", NELM_H5_F64, NULL, "95 % interval (log)", NULL, 0};
    kcols[nc++] = (nelm_h5_col){"hi", NELM_H5_F64, NULL, NULL, NULL, 0};
    if (ret == 0)
        ret = nelm_h5_table_create(h, "summary/km", kcols, nc, NELM_KM_MONTHS_DEFAULT,
                                   "overall survival on a monthly grid", &t->km, e);
    if (ret != 0) {
        free(t);
        return ret;
    }
    *out = t;
    return 0;
}

/* append one row: the scenario column first when the table has it */
static int
append_row(const nelm_sum_tables *t, nelm_h5_table *tab, uint32_t scenario, const void **cols,
           size_t ncols, nelm_err *e)
{
    const void *c[MAXC];
    size_t n = 0;
    if (t->scen)
        c[n++] = &scenario;
    for (size_t j = 0; j < ncols; j++)
        c[n++] = cols[j];
    return nelm_h5_append(tab, c, 1, e);
}

int
nelm_sum_tables_append(nelm_sum_tables *t, uint32_t scenario, const nelm_run_result *r, nelm_err *e)
{
    int ret = 0;
    for (size_t s = 0; s < t->S && ret == 0; s++) {
        const nelm_summary *u = &r->sum[s];
        uint8_t si = (uint8_t)s;
        uint64_t npt = u->n, npfs = u->npfs1;
        double v[NF + NELM_NKINDS] = {u->median_os,
                                      u->median_os_lo,
                                      u->median_os_hi,
                                      u->mean_os,
                                      u->mean_os_se,
                                      u->rmst,
                                      u->rmst_se,
                                      u->os_at[0],
                                      u->os_at_lo[0],
                                      u->os_at_hi[0],
                                      u->os_at[1],
                                      u->os_at_lo[1],
                                      u->os_at_hi[1],
                                      u->os_at[2],
                                      u->os_at_lo[2],
                                      u->os_at_hi[2],
                                      u->os_at[3],
                                      u->os_at_lo[3],
                                      u->os_at_hi[3],
                                      u->median_pfs1,
                                      u->median_pfs1_lo,
                                      u->median_pfs1_hi,
                                      u->mean_lines,
                                      u->cause_share[NELM_CAUSE_DISEASE],
                                      u->cause_share[NELM_CAUSE_TREATMENT],
                                      u->cause_share[NELM_CAUSE_TOXICITY],
                                      u->cause_share[NELM_CAUSE_BACKGROUND],
                                      u->cause_share[NELM_CAUSE_NONE],
                                      u->diff_mean_os,
                                      u->diff_mean_os_se,
                                      u->diff_rmst,
                                      u->diff_rmst_se};
        for (int k = 0; k < NELM_NKINDS; k++)
            v[NF + (size_t)k] = u->kind_share[k];
        const void *c[3 + NF + NELM_NKINDS] = {&si, &npt, &npfs};
        for (size_t f = 0; f < NF + NELM_NKINDS; f++)
            c[3 + f] = &v[f];
        ret = append_row(t, t->strat, scenario, c, 3 + NF + NELM_NKINDS, e);
    }
    for (size_t s = 0; s < t->S && ret == 0; s++)
        for (size_t i = 0; i < t->ninst && ret == 0; i++) {
            uint8_t a = (uint8_t)s, b = (uint8_t)i;
            double sh = r->sum[s].instance_share[i];
            const void *c[] = {&a, &b, &sh};
            ret = append_row(t, t->inst, scenario, c, 3, e);
        }
    for (size_t s = 0; s < t->S && ret == 0; s++)
        for (size_t k = 0; k < r->sum[s].nlines_pfs && ret == 0; k++) {
            uint8_t a = (uint8_t)s, ln = (uint8_t)(k + 1);
            uint64_t n = r->sum[s].pfs_n[k];
            const void *c[] = {
                &a, &ln, &n, &r->sum[s].pfs_median[k], &r->sum[s].pfs_lo[k], &r->sum[s].pfs_hi[k]};
            ret = append_row(t, t->pfs, scenario, c, 6, e);
        }
    if (ret != 0)
        return ret;
    /* the KM grid, a strategy at a time */
    size_t G = NELM_KM_MONTHS_DEFAULT;
    double *sv = malloc(3 * G * sizeof *sv);
    uint8_t *sc = malloc(G);
    uint16_t *mo = malloc(G * sizeof *mo);
    uint32_t *scn = malloc(G * sizeof *scn);
    if (!sv || !sc || !mo || !scn)
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (KM grid)");
    for (size_t s = 0; s < t->S && ret == 0; s++) {
        ret = nelm_summary_km_grid(&r->acc[s], G, sv, sv + G, sv + 2 * G, e);
        for (size_t g = 0; g < G; g++) {
            scn[g] = scenario;
            sc[g] = (uint8_t)s;
            mo[g] = (uint16_t)g;
        }
        const void *c6[] = {scn, sc, mo, sv, sv + G, sv + 2 * G};
        if (ret == 0)
            ret = nelm_h5_append(t->km, t->scen ? c6 : c6 + 1, G, e);
    }
    free(sv);
    free(sc);
    free(mo);
    free(scn);
    return ret;
}

void
nelm_sum_tables_free(nelm_sum_tables *t)
{
    free(t); /* the tables belong to the file */
}
