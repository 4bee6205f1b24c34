/* sumtables.c — the summary tables (see sumtables.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "econ_sum.h"
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
    nelm_h5_table *econ, *inc, *nmb; /**< economics (NULL without) */
    bool scen;
    size_t S, ninst;
    size_t nwtp;
    double wtp[NELM_ECON_MAX_WTP];
};

/* The economics tables (p->econ.enabled): summary/economics, a row per
 * strategy; summary/incremental, a row per strategy in cost order;
 * summary/nmb, a row per strategy and willingness to pay. The metadata
 * (currency, price year, discount rates, norms) are attributes of
 * summary/economics. */
static int
econ_tables_create(nelm_h5 *h, const nelm_params *p, const char *const *snames, size_t S,
                   bool with_scenario, nelm_sum_tables *t, nelm_err *e)
{
    const nelm_econ_params *x = &p->econ;
    const nelm_h5_col scol = {"scenario", NELM_H5_U32, NULL, "row of /scenarios", NULL, 0};
    const nelm_h5_col stcol = {"strategy", NELM_H5_ENUM8, NULL, NULL, snames, S};
    static const char *const qunit[NELM_ECON_NQ] = {"years", "QALYs",    "currency",
                                                    "QALYs", "currency", "years"};
    static char se_name[NELM_ECON_NQ][48], d_name[NELM_ECON_NQ][48], dse_name[NELM_ECON_NQ][48];
    nelm_h5_col cols[4 + 4 * NELM_ECON_NQ];
    size_t nc = 0;
    if (with_scenario)
        cols[nc++] = scol;
    cols[nc++] = stcol;
    cols[nc++] = (nelm_h5_col){"patients", NELM_H5_U64, NULL, NULL, NULL, 0};
    for (size_t q = 0; q < NELM_ECON_NQ; q++) {
        snprintf(se_name[q], sizeof se_name[q], "%s_se", nelm_econ_qnames[q]);
        cols[nc++] =
            (nelm_h5_col){nelm_econ_qnames[q], NELM_H5_F64, qunit[q], "mean per patient", NULL, 0};
        cols[nc++] =
            (nelm_h5_col){se_name[q], NELM_H5_F64, qunit[q], "Monte Carlo standard error", NULL, 0};
    }
    for (size_t q = 0; q < NELM_ECON_NQ; q++) {
        snprintf(d_name[q], sizeof d_name[q], "diff_%s", nelm_econ_qnames[q]);
        snprintf(dse_name[q], sizeof dse_name[q], "diff_%s_se", nelm_econ_qnames[q]);
        cols[nc++] = (nelm_h5_col){d_name[q], NELM_H5_F64,
                                   qunit[q],  "paired difference against reference_strategy",
                                   NULL,      0};
        cols[nc++] =
            (nelm_h5_col){dse_name[q], NELM_H5_F64, qunit[q], "its standard error", NULL, 0};
    }
    int ret = nelm_h5_table_create(h, "summary/economics", cols, nc, S,
                                   "life years, QALYs and costs per patient, by strategy "
                                   "(discounted unless _undiscounted)",
                                   &t->econ, e);
    char yr[16];
    snprintf(yr, sizeof yr, "%d", x->price_year);
    if (ret == 0)
        ret = nelm_h5_attr_str(h, "summary/economics", "currency", x->currency, e);
    if (ret == 0)
        ret = nelm_h5_attr_u64(h, "summary/economics", "price_year", (uint64_t)x->price_year, e);
    if (ret == 0)
        ret = nelm_h5_attr_f64(h, "summary/economics", "discount_costs", x->r_cost, e);
    if (ret == 0)
        ret = nelm_h5_attr_f64(h, "summary/economics", "discount_effects", x->r_effect, e);
    if (ret == 0)
        ret = nelm_h5_attr_str(h, "summary/economics", "utility_norms", x->norms ? "on" : "off", e);

    const char *vs_names[NELM_MAX_STRATEGIES + 1];
    for (size_t k = 0; k < S; k++)
        vs_names[k] = snames[k];
    vs_names[S] = "none";
    nc = 0;
    if (with_scenario)
        cols[nc++] = scol;
    cols[nc++] = (nelm_h5_col){"rank", NELM_H5_U8, NULL, "order by cost (1: cheapest)", NULL, 0};
    cols[nc++] = stcol;
    cols[nc++] = (nelm_h5_col){"cost", NELM_H5_F64, "currency", "discounted, mean", NULL, 0};
    cols[nc++] = (nelm_h5_col){"qaly", NELM_H5_F64, "QALYs", "discounted, mean", NULL, 0};
    cols[nc++] = (nelm_h5_col){"status",
                               NELM_H5_ENUM8,
                               NULL,
                               "on the efficiency frontier, dominated, or extendedly dominated",
                               nelm_econ_status_names,
                               3};
    cols[nc++] =
        (nelm_h5_col){"vs",     NELM_H5_ENUM8,
                      NULL,     "the frontier strategy before it (frontier rows but the first)",
                      vs_names, S + 1};
    cols[nc++] = (nelm_h5_col){"inc_cost", NELM_H5_F64, "currency", "cost minus vs's", NULL, 0};
    cols[nc++] = (nelm_h5_col){"inc_cost_se", NELM_H5_F64, "currency", "paired SE", NULL, 0};
    cols[nc++] = (nelm_h5_col){"inc_qaly", NELM_H5_F64, "QALYs", "QALYs minus vs's", NULL, 0};
    cols[nc++] = (nelm_h5_col){"inc_qaly_se", NELM_H5_F64, "QALYs", "paired SE", NULL, 0};
    cols[nc++] = (nelm_h5_col){"icer",
                               NELM_H5_F64,
                               "currency per QALY",
                               "inc_cost / inc_qaly (NaN: not on the frontier, or the first)",
                               NULL,
                               0};
    if (ret == 0)
        ret = nelm_h5_table_create(h, "summary/incremental", cols, nc, S,
                                   "the incremental analysis of discounted costs and QALYs, "
                                   "in cost order",
                                   &t->inc, e);
    nc = 0;
    if (with_scenario)
        cols[nc++] = scol;
    cols[nc++] = stcol;
    cols[nc++] =
        (nelm_h5_col){"wtp", NELM_H5_F64, "currency per QALY", "willingness to pay", NULL, 0};
    cols[nc++] =
        (nelm_h5_col){"nmb",      NELM_H5_F64,
                      "currency", "net monetary benefit: wtp x qaly - cost (discounted means)",
                      NULL,       0};
    cols[nc++] =
        (nelm_h5_col){"nmb_se", NELM_H5_F64, "currency", "Monte Carlo standard error", NULL, 0};
    if (ret == 0)
        ret = nelm_h5_table_create(h, "summary/nmb", cols, nc, S * x->nwtp,
                                   "net monetary benefit per patient at each economics.wtp",
                                   &t->nmb, e);
    t->nwtp = x->nwtp;
    memcpy(t->wtp, x->wtp, sizeof t->wtp);
    return ret;
}

/* append one scenario's economics rows */
static int econ_tables_append(nelm_sum_tables *t, uint32_t scenario, const nelm_run_result *r,
                              nelm_err *e);

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
    nelm_sum_tables *t = nelm_calloc(1, sizeof *t);
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
    if (ret == 0 && p->econ.enabled)
        ret = econ_tables_create(h, p, snames, S, with_scenario, t, e);
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
    double *sv = nelm_malloc(3 * G * sizeof *sv);
    uint8_t *sc = nelm_malloc(G);
    uint16_t *mo = nelm_malloc(G * sizeof *mo);
    uint32_t *scn = nelm_malloc(G * sizeof *scn);
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
    if (ret == 0 && t->econ)
        ret = econ_tables_append(t, scenario, r, e);
    return ret;
}

static int
econ_tables_append(nelm_sum_tables *t, uint32_t scenario, const nelm_run_result *r, nelm_err *e)
{
    int ret = 0;
    for (size_t s = 0; s < t->S && ret == 0; s++) {
        const nelm_summary *u = &r->sum[s];
        uint8_t si = (uint8_t)s;
        uint64_t npt = u->n;
        const void *c[2 + 4 * NELM_ECON_NQ] = {&si, &npt};
        size_t nc = 2;
        for (size_t q = 0; q < NELM_ECON_NQ; q++) {
            c[nc++] = &u->econ_mean[q];
            c[nc++] = &u->econ_se[q];
        }
        for (size_t q = 0; q < NELM_ECON_NQ; q++) {
            c[nc++] = &u->econ_diff[q];
            c[nc++] = &u->econ_diff_se[q];
        }
        ret = append_row(t, t->econ, scenario, c, nc, e);
    }
    for (size_t k = 0; k < t->S && ret == 0; k++) {
        size_t s = 0;
        while (s < t->S && r->sum[s].econ_rank != k)
            s++;
        nelm_bug_assert(s < t->S);
        const nelm_summary *u = &r->sum[s];
        uint8_t rank = (uint8_t)(k + 1), si = (uint8_t)s, st = (uint8_t)u->econ_status;
        uint8_t vs = (uint8_t)(u->econ_vs < t->S ? u->econ_vs : t->S);
        const void *c[] = {&rank,
                           &si,
                           &u->econ_mean[NELM_ECON_COST],
                           &u->econ_mean[NELM_ECON_QALY],
                           &st,
                           &vs,
                           &u->econ_inc_cost,
                           &u->econ_inc_cost_se,
                           &u->econ_inc_qaly,
                           &u->econ_inc_qaly_se,
                           &u->econ_icer};
        ret = append_row(t, t->inc, scenario, c, sizeof c / sizeof c[0], e);
    }
    for (size_t s = 0; s < t->S && ret == 0; s++)
        for (size_t j = 0; j < t->nwtp && ret == 0; j++) {
            uint8_t si = (uint8_t)s;
            const void *c[] = {&si, &t->wtp[j], &r->sum[s].econ_nmb[j], &r->sum[s].econ_nmb_se[j]};
            ret = append_row(t, t->nmb, scenario, c, 4, e);
        }
    return ret;
}

void
nelm_sum_tables_free(nelm_sum_tables *t)
{
    free(t); /* the tables belong to the file */
}
