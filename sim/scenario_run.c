/* scenario_run.c — running a sweep or a PSA: validation of every scenario
 * first, then one simulation per scenario (the same patients each time),
 * their summaries stacked in one file (see scenario.h). */
#define _POSIX_C_SOURCE 200809L /* open_memstream, gmtime_r */

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "econ_psa.h"
#include "engine.h"
#include "fingerprint.h"
#include "h5out.h"
#include "kindspec.h"
#include "par.h"
#include "scenario.h"
#include "sumtables.h"

static char *
dump_params(const nelm_params *p)
{
    char *yaml = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&yaml, &len);
    if (f == NULL)
        return NULL;
    nelm_params_dump(f, p);
    if (fclose(f) != 0) {
        free(yaml);
        return NULL;
    }
    return yaml;
}

/* ---- the run ---- */

typedef struct ctx {
    const nelm_scen_spec *s;
    const nelm_scen_opts *o;
    nelm_params *base;
    size_t strategies[NELM_MAX_STRATEGIES], S, reference;
    uint64_t nscen, lo, hi;
    char fingerprint[17];
} ctx;

static int
resolve_strategies(ctx *c, nelm_err *e)
{
    const nelm_params *p = c->base;
    const nelm_scen_opts *o = c->o;
    if (p->nstrategies == 0)
        return NELM_FAIL(e, NELM_ERR_PARAM, "%s: the model defines no strategies", c->s->file);
    c->S = 0;
    for (size_t i = 0; i < o->nnames; i++) {
        size_t j = 0;
        while (j < p->nstrategies && strcmp(p->strategies[j].name, o->strategy_names[i]) != 0)
            j++;
        if (j == p->nstrategies)
            return NELM_FAIL(e, NELM_ERR_USAGE, "--strategy: no strategy '%s' in the model",
                             o->strategy_names[i]);
        bool dup = false;
        for (size_t k = 0; k < c->S; k++)
            dup = dup || c->strategies[k] == j;
        if (!dup)
            c->strategies[c->S++] = j;
    }
    if (o->nnames == 0)
        for (size_t j = 0; j < p->nstrategies; j++)
            c->strategies[c->S++] = j;
    c->reference = 0;
    if (o->reference) {
        size_t j = 0;
        while (j < p->nstrategies && strcmp(p->strategies[j].name, o->reference) != 0)
            j++;
        if (j == p->nstrategies)
            return NELM_FAIL(e, NELM_ERR_USAGE, "--reference: no strategy '%s' in the model",
                             o->reference);
        size_t k = 0;
        while (k < c->S && c->strategies[k] != j)
            k++;
        if (k == c->S) {
            if (c->S == NELM_MAX_STRATEGIES)
                return NELM_FAIL(e, NELM_ERR_USAGE, "too many strategies");
            c->strategies[c->S++] = j;
        }
        c->reference = k;
    }
    return 0;
}

/* the scenario's model must have the base's strategies and instances: a
 * scenario varies values, not the structure the tables are laid out by */
static int
same_structure(const ctx *c, const nelm_params *p, uint64_t i, nelm_err *e)
{
    const nelm_params *b = c->base;
    bool same = p->nmodalities == b->nmodalities && p->nstrategies == b->nstrategies;
    for (size_t k = 0; same && k < b->nmodalities; k++)
        same = strcmp(p->modalities[k].name, b->modalities[k].name) == 0;
    for (size_t k = 0; same && k < b->nstrategies; k++)
        same = strcmp(p->strategies[k].name, b->strategies[k].name) == 0;
    if (!same)
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "%s: %s %llu adds or removes modality instances or strategies; a "
                         "scenario may change values only",
                         c->s->file, c->s->kind == NELM_SCEN_SWEEP ? "scenario" : "draw",
                         (unsigned long long)i);
    return 0;
}

/* each parameter alone on the base: an error there is that parameter's */
static int
check_each_param(const ctx *c, nelm_params *p, nelm_err *e)
{
    const nelm_scen_spec *s = c->s;
    for (size_t j = 0; j < s->nparams; j++) {
        const nelm_scen_param *q = &s->params[j];
        char set[NELM_SCEN_SET_MAX];
        if (s->kind == NELM_SCEN_SWEEP)
            snprintf(set, sizeof set, "%s=%s", q->path, q->text[0]);
        else
            snprintf(set, sizeof set, "%s=%.17g", q->path, nelm_psa_quantile(&q->dist, 0.5));
        const char *all[NELM_SCEN_MAX_SETS + 1];
        size_t n = 0;
        for (size_t k = 0; k < s->nsets; k++)
            all[n++] = s->sets[k];
        all[n++] = set;
        nelm_err inner = {0};
        if (nelm_params_load(p, s->model, all, n, &inner) != 0)
            return nelm_scen_locate(s, &inner, NULL, e);
    }
    return 0;
}

static int
write_header(const ctx *c, nelm_h5 *h, nelm_err *e)
{
    const nelm_scen_spec *s = c->s;
    const nelm_scen_opts *o = c->o;
    const nelm_params *p = c->base;
    int ret;
    if ((ret = nelm_h5_attr_str(h, "/", "format",
                                s->kind == NELM_SCEN_SWEEP ? "nelmsim sweep" : "nelmsim psa", e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "format_version", 1, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "nelmsim_version", NELM_VERSION, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "git_revision", NELM_GIT_REV, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "build_flags", NELM_BUILD_FLAGS, e)) ||
        (ret =
             nelm_h5_attr_str(h, "/", "command_line", o->command_line ? o->command_line : "", e)) ||
        (ret = nelm_h5_attr_created(h, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "spec", s->file, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "model", s->model ? s->model : NELM_DEFAULT_MODEL, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "seed", o->seed, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "patients", o->npatients, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "scenarios", c->nscen, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "shard", o->shard, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "shards", o->nshards, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "first_scenario", c->lo, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "ranks", (uint64_t)nelm_par_size(), e)) ||
        (ret = nelm_h5_attr_str(h, "/", "fingerprint", c->fingerprint, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "reference_strategy",
                                p->strategies[c->strategies[c->reference]].name, e)) ||
        (ret = nelm_h5_attr_f64(h, "/", "tau_months", o->tau, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "trajectories",
                                o->traj == NELM_TRAJ_FULL       ? "full"
                                : o->traj == NELM_TRAJ_OUTCOMES ? "outcomes"
                                                                : "none",
                                e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "block_size", NELM_BLOCK_DEFAULT, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "time_unit", "months", e)))
        return ret;
    if ((ret = nelm_h5_string(h, "spec", s->text, "the sweep or PSA spec (YAML)", e)) != 0)
        return ret;
    char *yaml = dump_params(p);
    if (yaml == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (parameters)");
    ret = nelm_h5_string(h, "parameters", yaml,
                         "the base model with the spec's fixed overrides (YAML); each scenario "
                         "adds its row of /scenarios",
                         e);
    free(yaml);
    const char *names[NELM_MAX_STRATEGIES], *inames[NELM_MAX_INSTANCES];
    for (size_t k = 0; k < c->S; k++)
        names[k] = p->strategies[c->strategies[k]].name;
    for (size_t i = 0; i < p->nmodalities; i++)
        inames[i] = p->modalities[i].name;
    if (ret == 0)
        ret = nelm_h5_strings(h, "strategies/name", names, c->S,
                              "the strategies simulated, in the order of the strategy enum", e);
    if (ret == 0)
        ret = nelm_h5_strings(h, "instances/name", inames, p->nmodalities,
                              "modality instances, in the order of the instance enum", e);
    return ret;
}

static int
create_scenario_table(const ctx *c, nelm_h5 *h, nelm_h5_table **tab, nelm_err *e)
{
    const nelm_scen_spec *s = c->s;
    nelm_h5_col cols[NELM_SCEN_MAX_PARAMS + 1];
    static const char *lv[NELM_SCEN_MAX_PARAMS][NELM_SCEN_MAX_LEVELS];
    size_t nc = 0;
    cols[nc++] = (nelm_h5_col){"scenario",
                               NELM_H5_U32,
                               NULL,
                               s->kind == NELM_SCEN_PSA ? "PSA draw k (its values are keyed by "
                                                          "seed, k and the parameter path)"
                                                        : "sweep point (grid: the last "
                                                          "parameter varies fastest)",
                               NULL,
                               0};
    for (size_t j = 0; j < s->nparams; j++) {
        const nelm_scen_param *q = &s->params[j];
        if (s->kind == NELM_SCEN_PSA || q->numeric)
            cols[nc++] = (nelm_h5_col){q->path, NELM_H5_F64, NULL, NULL, NULL, 0};
        else {
            for (size_t k = 0; k < q->nvalues; k++) /* each level's name */
                lv[j][q->level[k]] = q->text[k];
            cols[nc++] = (nelm_h5_col){q->path, NELM_H5_ENUM8, NULL, NULL, lv[j], q->nlevels};
        }
    }
    uint64_t rows = c->nscen; /* not the shard's: the same layout in every shard */
    return nelm_h5_table_create(h, "scenarios", cols, nc, rows < 4096 ? (rows ? rows : 1) : 4096,
                                "one row per scenario: the values it gives the varied parameters",
                                tab, e);
}

static int
append_scenario_row(const ctx *c, nelm_h5_table *tab, uint64_t i, nelm_err *e)
{
    const nelm_scen_spec *s = c->s;
    double num[NELM_SCEN_MAX_PARAMS];
    uint8_t lvl[NELM_SCEN_MAX_PARAMS];
    nelm_scen_point(s, c->o->seed, i, num, NULL);
    uint32_t sc = (uint32_t)i;
    const void *cols[NELM_SCEN_MAX_PARAMS + 1];
    size_t nc = 0;
    cols[nc++] = &sc;
    for (size_t j = 0; j < s->nparams; j++) {
        const nelm_scen_param *q = &s->params[j];
        if (s->kind == NELM_SCEN_PSA || q->numeric) {
            cols[nc++] = &num[j];
            continue;
        }
        lvl[j] = q->level[nelm_scen_value_index(s, i, j)];
        cols[nc++] = &lvl[j];
    }
    return nelm_h5_append(tab, cols, 1, e);
}

/* PSA: the spread of each strategy's results over the draws, and how much
 * of it is Monte Carlo noise from the finite patients per draw.
 *
 * Every draw simulates the same patients, so a draw's Monte Carlo error e_k
 * (its mean minus the mean over infinitely many patients) is largely shared
 * by all draws and does not spread them; only its part that changes from
 * draw to draw inflates the PSA variance. That part is estimated from the
 * two halves of the patients (even and odd indices): with h_k = (mean over
 * one half - mean over the other) / 2, the variance of h over the draws
 * estimates the variance over the draws of e_k (the halves' shared errors
 * cancel in it as in e_k's spread), so var(h) / var(draw means) is the share
 * of the between-draw variance that is Monte Carlo noise. */
typedef struct psa_stat {
    double sum, sum2, hs, hs2;   /* of mean OS over draws; of h */
    double dsum, dsum2, ds, ds2; /* of the paired difference with the reference */
    uint64_t best;               /* draws where this strategy has the highest mean OS */
} psa_stat;

/* (mean over even patients - mean over odd ones) / 2 of x[0 .. n) */
static double
half_difference_of(const double *x, size_t n)
{
    double sum[2] = {0, 0};
    size_t cnt[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        sum[i & 1] += x[i];
        cnt[i & 1]++;
    }
    if (cnt[0] == 0 || cnt[1] == 0)
        return 0;
    return (sum[0] / (double)cnt[0] - sum[1] / (double)cnt[1]) / 2;
}

/* (mean over even patients - mean over odd ones) / 2 of OS, or of the
 * paired difference with ref */
static double
half_difference(const nelm_summary_acc *a, const nelm_summary_acc *ref)
{
    double sum[2] = {0, 0};
    size_t cnt[2] = {0, 0};
    for (size_t i = 0; i < a->n; i++) {
        double v = ref ? a->os[i] - ref->os[i] : a->os[i];
        sum[i & 1] += v;
        cnt[i & 1]++;
    }
    if (cnt[0] == 0 || cnt[1] == 0)
        return 0;
    return (sum[0] / (double)cnt[0] - sum[1] / (double)cnt[1]) / 2;
}

static void
print_psa(FILE *out, const ctx *c, const psa_stat *st, uint64_t n)
{
    const nelm_params *p = c->base;
    fprintf(out,
            "\nPSA: %llu draws of %llu patients each (the same patients in every draw). Mean OS "
            "(months) over the draws; sd: between draws; noise: the share of that variance "
            "which is Monte Carlo error from the patients per draw (estimated from the two "
            "halves of the patients; more patients per draw lower it).\n\n",
            (unsigned long long)n, (unsigned long long)c->o->npatients);
    fprintf(out, "%-24s %9s %8s %6s %11s %8s %6s %8s\n", "strategy", "mean OS", "sd", "noise",
            "diff vs ref", "sd", "noise", "P(best)");
    for (size_t k = 0; k < c->S; k++) {
        const psa_stat *q = &st[k];
        double nn = (double)n;
        double m = q->sum / nn, var = n > 1 ? (q->sum2 - nn * m * m) / (nn - 1) : NAN;
        double dm = q->dsum / nn, dvar = n > 1 ? (q->dsum2 - nn * dm * dm) / (nn - 1) : NAN;
        double hm = q->hs / nn, dm2 = q->ds / nn;
        double hvar = n > 1 ? (q->hs2 - nn * hm * hm) / (nn - 1) : NAN;
        double dhvar = n > 1 ? (q->ds2 - nn * dm2 * dm2) / (nn - 1) : NAN;
        double noise = var > 0 ? hvar / var : NAN;
        double dnoise = dvar > 0 ? dhvar / dvar : NAN;
        fprintf(out, "%-24.24s %9.2f %8.2f %6.2f %11.2f %8.2f %6.2f %8.3f\n",
                p->strategies[c->strategies[k]].name, m, sqrt(var > 0 ? var : 0), noise, dm,
                sqrt(dvar > 0 ? dvar : 0), dnoise, (double)q->best / nn);
    }
}

/* Simulate scenario i on this rank alone; append its rows (scenario table,
 * summaries and, with rt, per-patient rows) and put its results in rec:
 * per strategy, mean OS, the paired difference of mean OS with the
 * reference, and the half-differences of both (psa_stat). */
static int
run_scenario(const ctx *c, nelm_params *p, uint64_t i, nelm_run_tables *rt, nelm_h5_table *scen,
             nelm_sum_tables *sumt, nelm_h5_table *draws, nelm_run_result *r, double *rec,
             nelm_err *e)
{
    const nelm_scen_opts *o = c->o;
    nelm_model m;
    int ret;
    if ((ret = nelm_scen_params(c->s, o->seed, i, p, e)) != 0 ||
        (ret = nelm_model_init(&m, p, e)) != 0)
        return ret;
    nelm_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = o->seed;
    ro.npatients = o->npatients;
    ro.nstrategies = c->S;
    memcpy(ro.strategies, c->strategies, c->S * sizeof c->strategies[0]);
    ro.reference = c->reference;
    ro.tau = o->tau;
    ro.threads = o->threads;
    ro.block = NELM_BLOCK_DEFAULT;
    ro.traj = rt ? (nelm_traj_mode)o->traj : NELM_TRAJ_NONE;
    ro.into = rt;
    ro.scenario = (uint32_t)i;
    ro.local = true;
    ro.stop = o->stop;
    nelm_run_result_free(r);
    if ((ret = nelm_run(&m, &ro, r, e)) != 0)
        return ret;
    if (scen && ((ret = append_scenario_row(c, scen, i, e)) != 0 ||
                 (ret = nelm_sum_tables_append(sumt, (uint32_t)i, r, e)) != 0))
        return ret;
    for (size_t k = 0; k < c->S; k++) {
        rec[4 * k] = r->sum[k].mean_os;
        rec[4 * k + 1] = r->sum[k].diff_mean_os;
        rec[4 * k + 2] = half_difference(&r->acc[k], NULL);
        rec[4 * k + 3] = half_difference(&r->acc[k], &r->acc[c->reference]);
    }
    if (!c->base->econ.enabled)
        return 0;
    /* economics: after the OS block, each strategy's costs, QALYs, and the
     * h of each (columns of S) */
    double *q = rec + 4 * c->S;
    for (size_t k = 0; k < c->S; k++) {
        const nelm_summary_acc *a = &r->acc[k];
        q[k] = r->sum[k].econ_mean[NELM_ECON_COST];
        q[c->S + k] = r->sum[k].econ_mean[NELM_ECON_QALY];
        q[2 * c->S + k] = half_difference_of(a->econ[NELM_ECON_COST], a->necon);
        q[3 * c->S + k] = half_difference_of(a->econ[NELM_ECON_QALY], a->necon);
    }
    if (draws)
        return nelm_econ_psa_draws_append(draws, (uint32_t)i, c->S, q, q + c->S, q + 2 * c->S,
                                          q + 3 * c->S, e);
    return 0;
}

/* Scenario i's results (rec, as run_scenario made them): its row of the
 * sweep table, or its part of the PSA statistics; in scenario order. */
static int
emit_scenario(const ctx *c, FILE *out, uint64_t i, const double *rec, psa_stat *st,
              nelm_econ_draws *ed, nelm_err *e)
{
    const nelm_scen_spec *s = c->s;
    if (s->kind == NELM_SCEN_SWEEP) {
        double num[NELM_SCEN_MAX_PARAMS];
        nelm_scen_point(s, c->o->seed, i, num, NULL);
        fprintf(out, "%8llu", (unsigned long long)i);
        for (size_t j = 0; j < s->nparams; j++) {
            if (s->params[j].numeric)
                fprintf(out, " %14.6g", num[j]);
            else
                fprintf(out, " %14.14s", s->params[j].text[nelm_scen_value_index(s, i, j)]);
        }
        for (size_t k = 0; k < c->S; k++)
            fprintf(out, " %12.2f", rec[4 * k]);
        fputc('\n', out);
        return 0;
    }
    size_t best = 0;
    for (size_t k = 0; k < c->S; k++) {
        psa_stat *q = &st[k];
        double mean = rec[4 * k], diff = rec[4 * k + 1], hk = rec[4 * k + 2], dh = rec[4 * k + 3];
        q->sum += mean;
        q->sum2 += mean * mean;
        q->hs += hk;
        q->hs2 += hk * hk;
        q->dsum += diff;
        q->dsum2 += diff * diff;
        q->ds += dh;
        q->ds2 += dh * dh;
        if (mean > rec[4 * best])
            best = k;
    }
    st[best].best++;
    if (!c->base->econ.enabled)
        return 0;
    const double *q = rec + 4 * c->S;
    return nelm_econ_draws_push(ed, q, q + c->S, q + 2 * c->S, q + 3 * c->S, e);
}

int
nelm_scen_run(const nelm_scen_spec *s, const nelm_scen_opts *o, FILE *out, nelm_err *e)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.o = o;
    c.nscen = s->kind == NELM_SCEN_SWEEP ? s->npoints : o->ndraws;
    if (c.nscen == 0 || c.nscen > NELM_SCEN_MAX)
        return NELM_FAIL(e, NELM_ERR_USAGE, "%s: %llu scenarios (expected 1 to %d)", s->file,
                         (unsigned long long)c.nscen, NELM_SCEN_MAX);
    if (o->nshards == 0 || o->shard >= o->nshards || o->nshards > c.nscen)
        return NELM_FAIL(e, NELM_ERR_USAGE,
                         "--shard %u/%u: needs 1 <= I <= N <= %llu (the number of scenarios; to "
                         "split one big scenario, shard nelmsim run by patient blocks)",
                         o->shard + 1, o->nshards, (unsigned long long)c.nscen);
    c.lo = c.nscen * o->shard / o->nshards;
    c.hi = c.nscen * (o->shard + 1) / o->nshards;

    nelm_params *p = malloc(sizeof *p);
    c.base = malloc(sizeof *c.base);
    nelm_run_result *r = calloc(1, sizeof *r);
    psa_stat *st = calloc(NELM_MAX_STRATEGIES, sizeof *st);
    char *yaml = NULL;
    nelm_h5 *h = NULL;
    nelm_sum_tables *sumt = NULL;
    nelm_run_tables *rt = NULL;
    nelm_h5_table *scen = NULL, *draws = NULL;
    nelm_econ_draws ed;
    nelm_econ_draws_init(&ed, 0);
    const char *snames[NELM_MAX_STRATEGIES];
    int ret = 0;
    if (p == NULL || c.base == NULL || r == NULL || st == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (scenarios)");
        goto out;
    }
    /* the base: the model and the fixed overrides */
    if ((ret = nelm_scen_base(s, c.base, e)) != 0)
        goto out;
    if ((ret = resolve_strategies(&c, e)) != 0 || (ret = check_each_param(&c, p, e)) != 0)
        goto out;
    nelm_econ_draws_init(&ed, c.S);
    /* every scenario of this shard, before anything is simulated */
    for (uint64_t i = c.lo; i < c.hi && ret == 0; i++) {
        if ((ret = nelm_scen_params(s, o->seed, i, p, e)) != 0 ||
            (ret = same_structure(&c, p, i, e)) != 0)
            break;
        if (o->stop && *o->stop)
            ret = NELM_FAIL(e, NELM_ERR_INTERRUPTED, "interrupted");
    }
    if ((ret = nelm_par_agree(ret, e)) != 0) /* under MPI: one status for every rank */
        goto out;
    /* the fingerprint: everything shards of one run share */
    yaml = dump_params(c.base);
    if (yaml == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (parameters)");
        goto out;
    }
    uint64_t fp = NELM_FP_INIT;
    fp = nelm_fp_str(fp, NELM_VERSION);
    fp = nelm_fp_u64(fp, (uint64_t)s->kind);
    fp = nelm_fp_str(fp, s->text);
    fp = nelm_fp_str(fp, yaml);
    fp = nelm_fp_u64(fp, o->seed);
    fp = nelm_fp_u64(fp, o->npatients);
    fp = nelm_fp_u64(fp, c.nscen);
    fp = nelm_fp_u64(fp, o->nshards);
    fp = nelm_fp_f64(fp, o->tau);
    for (size_t k = 0; k < c.S; k++)
        fp = nelm_fp_str(fp, c.base->strategies[c.strategies[k]].name);
    fp = nelm_fp_u64(fp, c.reference);
    fp = nelm_fp_u64(fp, (uint64_t)o->traj);
    nelm_fp_hex(fp, c.fingerprint);

    if (o->output) {
        int there = o->nshards > 1 && access(o->output, F_OK) == 0;
        nelm_par_bcast(&there, sizeof there);
        if (there) {
            char why[256] = "";
            int ex = nelm_h5_shard_state(o->output, c.fingerprint, why, sizeof why);
            nelm_par_bcast(&ex, sizeof ex); /* under MPI: what rank 0 found */
            nelm_par_bcast(why, sizeof why);
            if (ex == 1 && !o->force) {
                fprintf(out,
                        "shard %u/%u: %s is already complete (run fingerprint %s): nothing "
                        "to do\n",
                        o->shard + 1, o->nshards, o->output, c.fingerprint);
                goto out;
            }
            if (ex == 0 && !o->force) {
                ret = NELM_FAIL(e, NELM_ERR_IO,
                                "%s: a finished shard of another run is there (%s): remove it or "
                                "pass --force",
                                o->output, why);
                goto out;
            }
        }
        nelm_h5_opts ho = {o->deflate_level, o->force || o->nshards > 1};
        if ((ret = nelm_h5_open(&h, o->output, &ho, e)) != 0 ||
            (ret = write_header(&c, h, e)) != 0 ||
            (ret = create_scenario_table(&c, h, &scen, e)) != 0 ||
            (ret = nelm_sum_tables_create(h, c.base, c.strategies, c.S, true, &sumt, e)) != 0)
            goto out;
        for (size_t k = 0; k < c.S; k++)
            snames[k] = c.base->strategies[c.strategies[k]].name;
        if (s->kind == NELM_SCEN_PSA && c.base->econ.enabled &&
            (ret = nelm_econ_psa_draws_create(h, snames, c.S, &draws, e)) != 0)
            goto out;
        if (o->traj != NELM_TRAJ_NONE) { /* per-patient tables, asked for */
            nelm_model bm;
            nelm_run_opts to;
            memset(&to, 0, sizeof to);
            to.nstrategies = c.S;
            memcpy(to.strategies, c.strategies, c.S * sizeof c.strategies[0]);
            to.block = NELM_BLOCK_DEFAULT;
            to.traj = (nelm_traj_mode)o->traj;
            if ((ret = nelm_model_init(&bm, c.base, e)) != 0 ||
                (ret = nelm_run_tables_create(h, &bm, &to, &rt, e)) != 0)
                goto out;
        }
    }

    if (s->kind == NELM_SCEN_SWEEP) {
        fprintf(out, "sweep %s: %llu scenarios", s->file, (unsigned long long)c.nscen);
        if (o->nshards > 1)
            fprintf(out, " (shard %u/%u: %llu to %llu)", o->shard + 1, o->nshards,
                    (unsigned long long)c.lo, (unsigned long long)c.hi - 1);
        fprintf(out,
                "; %llu patients each, seed %llu. Mean OS (months, restricted to the "
                "horizon) by strategy:\n\n",
                (unsigned long long)o->npatients, (unsigned long long)o->seed);
        fprintf(out, "%8s", "scenario");
        for (size_t j = 0; j < s->nparams; j++)
            fprintf(out, " %14.14s",
                    s->params[j].path +
                        (strlen(s->params[j].path) > 14 ? strlen(s->params[j].path) - 14 : 0));
        for (size_t k = 0; k < c.S; k++)
            fprintf(out, " %12.12s", c.base->strategies[c.strategies[k]].name);
        fputc('\n', out);
    }
    /* Rounds of one scenario per rank (one rank without MPI): each rank
     * simulates its scenario and appends its rows; then the ranks agree on
     * the status, gather the results every scenario of the round printed
     * and summarised, and write the rows in rank order, which is scenario
     * order. */
    uint64_t R = (uint64_t)nelm_par_size(), me = (uint64_t)nelm_par_rank();
    /* per scenario: mean OS, its paired difference, h of each; with economics
     * then cost, QALYs and h of each */
    size_t nrec = (c.base->econ.enabled ? 8 : 4) * c.S;
    double *rec = malloc(nrec * sizeof *rec);
    uint64_t ran = 0; /* scenarios this rank simulated */
    if (rec == NULL)
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (scenarios)");
    if ((ret = nelm_par_agree(ret, e)) != 0)
        goto out_rec;
    for (uint64_t i0 = c.lo; i0 < c.hi; i0 += R) {
        uint64_t i = i0 + me;
        if (i < c.hi)
            ret = run_scenario(&c, p, i, rt, h ? scen : NULL, sumt, h ? draws : NULL, r, rec, e);
        if (i < c.hi && ret == 0)
            ran++;
        if ((ret = nelm_par_agree(ret, e)) != 0)
            goto out_rec;
        void *all = NULL;
        size_t *lens = calloc((size_t)R, sizeof *lens);
        ret = lens ? 0 : NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (scenarios)");
        if ((ret = nelm_par_agree(ret, e)) == 0)
            ret = nelm_par_allgather(rec, nrec * sizeof *rec, &all, lens, e);
        if (ret == 0 && h)
            ret = nelm_h5_sync(h, ret, e);
        bool agreed = ret == 0; /* every rank is here with the same status */
        for (uint64_t q = 0; ret == 0 && q < R && i0 + q < c.hi; q++)
            ret = emit_scenario(&c, out, i0 + q, (const double *)all + q * nrec, st, &ed, e);
        if (agreed)
            ret = nelm_par_agree(ret, e);
        free(all);
        free(lens);
        if (ret != 0)
            goto out_rec;
        if (s->kind == NELM_SCEN_PSA && o->progress)
            fprintf(stderr, "\rdraw %llu of %llu ",
                    (unsigned long long)(i0 + R < c.hi ? i0 + R - c.lo : c.hi - c.lo),
                    (unsigned long long)(c.hi - c.lo));
    }
    if (h) { /* provenance: the scenarios each rank simulated */
        void *all = NULL;
        size_t *lens = calloc((size_t)R, sizeof *lens);
        ret = lens ? 0 : NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (scenarios)");
        if ((ret = nelm_par_agree(ret, e)) == 0 &&
            (ret = nelm_par_allgather(&ran, sizeof ran, &all, lens, e)) == 0)
            ret = nelm_h5_attr_u64s(h, "/", "rank_scenarios", all, (size_t)R, e);
        free(all);
        free(lens);
    }
out_rec:
    free(rec);
    if (ret != 0)
        goto out;
    if (s->kind == NELM_SCEN_PSA) {
        if (o->progress)
            fputs("\r\033[K", stderr);
        print_psa(out, &c, st, c.hi - c.lo);
        if (c.base->econ.enabled) {
            for (size_t k = 0; k < c.S; k++)
                snames[k] = c.base->strategies[c.strategies[k]].name;
            if ((ret = nelm_econ_psa_report(h, out, c.base, snames, &ed, e)) != 0)
                goto out;
        }
    }
    if (h) {
        nelm_run_tables_free(rt);
        rt = NULL;
        nelm_h5 *hh = h;
        h = NULL;
        if ((ret = nelm_h5_close(hh, 1, e)) != 0)
            goto out;
        fprintf(out, "\noutput %s\n", o->output);
    }
out:
    nelm_run_tables_free(rt);
    nelm_h5_abort(h);
    nelm_sum_tables_free(sumt);
    if (r)
        nelm_run_result_free(r);
    free(r);
    free(st);
    nelm_econ_draws_free(&ed);
    free(yaml);
    free(p);
    free(c.base);
    return ret;
}
