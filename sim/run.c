/* run.c — the parallel driver: blocks of patients, waves of blocks,
 * reduction and output in block order (see run.h). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, gmtime_r, open_memstream */

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "build_info.h"
#include "econ_patient.h"
#include "fingerprint.h"
#include "h5out.h"
#include "kindspec.h"
#include "par.h"
#include "run.h"
#include "sumtables.h"

/* One event row of the output (events table). */
typedef struct ev_row {
    uint64_t patient;
    double t;
    uint8_t strategy, type, detail, line;
    uint8_t instance; /**< instance index; nmodalities = none */
} ev_row;

/* One patient-strategy's outcome as a block keeps it: the engine's record
 * without its fixed array of line records (those go to the block's line
 * list), so that a block's outcomes stay small. */
typedef struct out_row {
    double os, bsc_start;
    uint32_t kinds, instances;
    uint8_t cause, nlines;
} out_row;

enum { NSETS = 3 }; /* block sets in the pipeline */

typedef struct block {
    uint64_t first, n;
    nelm_patient *pt;         /**< n */
    double *bg;               /**< background death, months */
    out_row *out;             /**< n * S, patient-major */
    uint32_t *evcount;        /**< n * S (full trajectories) */
    nelm_line_outcome *lines; /**< every line started, in outcome order */
    size_t nlines, caplines;
    ev_row *ev;
    size_t nev, capev;
    nelm_draw_stats stats;
    nelm_summary_acc acc[NELM_MAX_STRATEGIES]; /**< this block's outcomes, per strategy */
    int code;                                  /**< 0, or the error of this block */
    char token;                                /**< the task dependence on this block */
    double busy;                               /**< seconds simulating it */
    nelm_err err;
} block;

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void
block_free(block *b)
{
    free(b->pt);
    free(b->bg);
    free(b->out);
    free(b->evcount);
    free(b->lines);
    free(b->ev);
    for (size_t s = 0; s < NELM_MAX_STRATEGIES; s++)
        nelm_summary_acc_free(&b->acc[s]);
    memset(b, 0, sizeof *b);
}

static int
block_alloc(block *b, uint64_t cap, size_t S, bool full, bool econ)
{
    memset(b, 0, sizeof *b);
    b->pt = malloc(cap * sizeof *b->pt);
    b->bg = malloc(cap * sizeof *b->bg);
    b->out = malloc(cap * S * sizeof *b->out);
    b->evcount = full ? malloc(cap * S * sizeof *b->evcount) : NULL;
    if (!b->pt || !b->bg || !b->out || (full && !b->evcount))
        return NELM_ERR_NOMEM;
    nelm_err e = {0};
    for (size_t s = 0; s < S; s++)
        if (nelm_summary_acc_init(&b->acc[s], (size_t)cap, &e) != 0 ||
            (econ && nelm_summary_acc_reserve_econ(&b->acc[s], (size_t)cap, &e) != 0))
            return NELM_ERR_NOMEM;
    return 0;
}

/* Grow a block's list (elements of `size` bytes) to hold `need`. */
static int
list_reserve(void **list, size_t *cap, size_t need, size_t size, const char *what, nelm_err *e)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? 2 * *cap : 4096;
    while (c < need)
        c *= 2;
    void *nl = realloc(*list, c * size);
    if (nl == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (%s)", what);
    *list = nl;
    *cap = c;
    return 0;
}

/* Simulate block b (patients first .. first + n - 1) under every strategy.
 * Each trajectory is simulated into one outcome record that stays in cache,
 * accumulated, and kept compactly (out_row plus its lines). With economics,
 * every trajectory records its events (traj), from which its life years,
 * QALYs and costs are computed (econ_patient.h). */
static void
simulate_block(const nelm_model *m, const nelm_run_opts *o, block *b, nelm_trajectory *traj,
               const volatile sig_atomic_t *halt)
{
    const nelm_params *p = m->p;
    size_t S = o->nstrategies;
    bool full = o->traj == NELM_TRAJ_FULL;
    bool econ = p->econ.enabled;
    nelm_econ_pre epre; /* the patient's part of the economics, for every strategy */
    nelm_outcome out;
    b->nev = 0;
    b->nlines = 0;
    memset(&b->stats, 0, sizeof b->stats);
    for (size_t s = 0; s < S; s++)
        nelm_summary_acc_reset(&b->acc[s]);
    for (uint64_t i = 0; i < b->n; i++) {
        if ((o->stop && *o->stop) || *halt) {
            b->code = NELM_ERR_INTERRUPTED;
            NELM_FAIL(&b->err, NELM_ERR_INTERRUPTED, "interrupted");
            return;
        }
        nelm_patient *pt = &b->pt[i];
        if (nelm_cohort_sample(&p->cohort, o->seed, b->first + i, pt, &b->err) != 0) {
            b->code = b->err.code;
            return;
        }
        b->stats.baseline += (uint64_t)NELM_NATTRS * (pt->tries ? pt->tries : 1);
        nelm_patient_pre pre;
        nelm_patient_prepare(m, o->seed, pt, &pre, &b->stats);
        b->bg[i] = pre.background_death;
        if (econ)
            nelm_econ_prepare(p, pt, &epre);
        for (size_t s = 0; s < S; s++) {
            nelm_simulate_pre(m, o->strategies[s], o->seed, pt, &pre, &out,
                              full || econ ? traj : NULL, &b->stats);
            double ecv[NELM_ECON_NACC]; /* kept in the block's accumulator only */
            if (econ)
                b->stats.econ_pieces +=
                    nelm_econ_patient(p, o->strategies[s], pt, &epre, &out, traj, ecv);
            if (nelm_summary_acc_add(&b->acc[s], &out, &b->err) != 0 ||
                (econ && nelm_summary_acc_add_econ(&b->acc[s], ecv, &b->err) != 0) ||
                list_reserve((void **)&b->lines, &b->caplines, b->nlines + out.nlines,
                             sizeof *b->lines, "lines", &b->err) != 0) {
                b->code = b->err.code;
                return;
            }
            b->out[i * S + s] =
                (out_row){out.os, out.bsc_start, out.kinds, out.instances, out.cause, out.nlines};
            if (out.nlines > 0) { /* b->lines is NULL until a first line */
                memcpy(&b->lines[b->nlines], out.line, out.nlines * sizeof out.line[0]);
                b->nlines += out.nlines;
            }
            if (!full)
                continue;
            if (list_reserve((void **)&b->ev, &b->capev, b->nev + traj->n, sizeof *b->ev, "events",
                             &b->err) != 0) {
                b->code = b->err.code;
                return;
            }
            for (size_t k = 0; k < traj->n; k++) {
                const nelm_event *ev = &traj->ev[k];
                ev_row *r = &b->ev[b->nev++];
                r->patient = b->first + i;
                r->t = ev->t;
                r->strategy = (uint8_t)s;
                r->type = ev->type;
                r->detail = ev->detail;
                r->line = (uint8_t)ev->line;
                r->instance = ev->instance == NELM_INSTANCE_NONE ? (uint8_t)p->nmodalities
                                                                 : (uint8_t)ev->instance;
            }
            b->evcount[i * S + s] = (uint32_t)traj->n;
        }
    }
}

/* ---- output tables ---- */

static const char *const sex_names[] = {"female", "male"};
static const char *const grade_names[] = {"G1", "G2", "G3"};
static const char *const cause_names[] = {"alive_at_horizon", "disease", "treatment", "toxicity",
                                          "background"};

typedef struct nelm_run_tables {
    nelm_h5 *h;
    bool scen;         /**< a leading scenario column (sweeps, PSA) */
    uint32_t scenario; /**< its value for the rows appended now */
    nelm_h5_table *patients, *outcomes, *lines, *events;
    const char *strategy_names[NELM_MAX_STRATEGIES];
    const char *instance_names[NELM_MAX_INSTANCES + 1];
    const char *event_names[NELM_NEVENTS];
    const char *end_names[NELM_NENDS];
    /* scratch columns for one block's rows of one table */
    void *scratch[32];
    size_t scratch_cap[32]; /**< rows of 8 bytes each column holds */
    uint32_t *scen_col;     /**< the scenario column's rows */
    size_t scen_cap;
} out_tables;

/* a table of the file, with the scenario column first when there is one */
static int
mk_table(out_tables *t, const char *name, const nelm_h5_col *cols, size_t nc, size_t chunk,
         const char *doc, nelm_h5_table **out, nelm_err *e)
{
    nelm_h5_col all[40];
    size_t n = 0;
    nelm_bug_assert(nc < sizeof all / sizeof all[0]);
    if (t->scen)
        all[n++] = (nelm_h5_col){"scenario", NELM_H5_U32, NULL, "row of /scenarios", NULL, 0};
    for (size_t j = 0; j < nc; j++)
        all[n++] = cols[j];
    return nelm_h5_table_create(t->h, name, all, n, chunk, doc, out, e);
}

/* append rows from the first ncols scratch columns (after the scenario's) */
static int
put_rows(out_tables *t, nelm_h5_table *tab, size_t ncols, size_t rows, nelm_err *e)
{
    const void *cols[40];
    size_t n = 0;
    if (t->scen) {
        if (rows > t->scen_cap) {
            uint32_t *nc = realloc(t->scen_col, rows * sizeof *nc);
            if (nc == NULL)
                return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (output columns)");
            t->scen_col = nc;
            t->scen_cap = rows;
        }
        for (size_t i = 0; i < rows; i++)
            t->scen_col[i] = t->scenario;
        cols[n++] = t->scen_col;
    }
    for (size_t j = 0; j < ncols; j++)
        cols[n++] = t->scratch[j];
    return nelm_h5_append(tab, cols, rows, e);
}

/* The first ncols scratch columns hold at least rows values of up to 8
 * bytes (each column grows on its own: events need 7 columns, outcomes 19). */
static int
scratch_reserve(out_tables *t, size_t ncols, size_t rows, nelm_err *e)
{
    nelm_bug_assert(ncols <= 32);
    for (size_t j = 0; j < ncols; j++) {
        if (rows <= t->scratch_cap[j])
            continue;
        void *nb = realloc(t->scratch[j], rows * 8);
        if (nb == NULL)
            return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (output columns)");
        t->scratch[j] = nb;
        t->scratch_cap[j] = rows;
    }
    return 0;
}

#define COL_F64(j) ((double *)t->scratch[j])
#define COL_U64(j) ((uint64_t *)t->scratch[j])
#define COL_U32(j) ((uint32_t *)t->scratch[j])
#define COL_U8(j) ((uint8_t *)t->scratch[j])

/* the names of the enum types, for every table (summaries included) */
static void
table_names(out_tables *t, const nelm_model *m, const nelm_run_opts *o)
{
    const nelm_params *p = m->p;
    for (size_t s = 0; s < o->nstrategies; s++)
        t->strategy_names[s] = p->strategies[o->strategies[s]].name;
    for (size_t i = 0; i < p->nmodalities; i++)
        t->instance_names[i] = p->modalities[i].name;
    t->instance_names[p->nmodalities] = "none";
    for (int k = 0; k < NELM_NEVENTS; k++)
        t->event_names[k] = nelm_event_name((nelm_event_type)k);
    for (int k = 0; k < NELM_NENDS; k++)
        t->end_names[k] = nelm_line_end_name((nelm_line_end)k);
}

static int
tables_create(out_tables *t, const nelm_model *m, const nelm_run_opts *o, nelm_err *e)
{
    const nelm_params *p = m->p;
    size_t S = o->nstrategies;
    int ret;
    const nelm_h5_col pcols[] = {
        {"patient", NELM_H5_U64, NULL, "patient index (its random streams' key)", NULL, 0},
        {"age", NELM_H5_F64, "years", "age at the decision point", NULL, 0},
        {"sex", NELM_H5_ENUM8, NULL, NULL, sex_names, 2},
        {"site", NELM_H5_ENUM8, NULL, "primary site", nelm_site_names, NELM_NSITES},
        {"ki67", NELM_H5_F64, "%", "Ki-67 index", NULL, 0},
        {"grade", NELM_H5_ENUM8, NULL, "WHO grade from Ki-67", grade_names, NELM_NGRADES},
        {"burden", NELM_H5_ENUM8, NULL, "hepatic tumour burden", nelm_burden_names, NELM_NBURDENS},
        {"frilling", NELM_H5_ENUM8, NULL, "Frilling pattern", nelm_frilling_names, NELM_NFRILLING},
        {"extrahepatic", NELM_H5_BOOL, NULL, "extrahepatic disease at the start", NULL, 0},
        {"functional", NELM_H5_BOOL, NULL, NULL, NULL, 0},
        {"carcinoid_syndrome", NELM_H5_BOOL, NULL, NULL, NULL, 0},
        {"sstr_positive", NELM_H5_BOOL, NULL, NULL, NULL, 0},
        {"ecog", NELM_H5_U8, NULL, "ECOG performance status", NULL, 0},
        {"primary_resected", NELM_H5_BOOL, NULL, NULL, NULL, 0},
        {"background_death", NELM_H5_F64, "months",
         "time of background death from the life table (inf: never), the same under every "
         "strategy",
         NULL, 0},
    };
    ret = mk_table(t, "patients", pcols, sizeof pcols / sizeof pcols[0], (size_t)o->block,
                   "baseline attributes, one row per patient", &t->patients, e);
    if (ret != 0)
        return ret;
    nelm_h5_col ocols[32];
    size_t nc = 0;
    ocols[nc++] = (nelm_h5_col){"patient", NELM_H5_U64, NULL, NULL, NULL, 0};
    ocols[nc++] = (nelm_h5_col){"strategy", NELM_H5_ENUM8, NULL, NULL, t->strategy_names, S};
    ocols[nc++] =
        (nelm_h5_col){"os",     NELM_H5_F64,
                      "months", "overall survival: to death, or to the horizon (censored)",
                      NULL,     0};
    ocols[nc++] = (nelm_h5_col){"cause",     NELM_H5_ENUM8,
                                NULL,        "cause of death (alive_at_horizon: censored)",
                                cause_names, NELM_NCAUSES};
    ocols[nc++] = (nelm_h5_col){"lines", NELM_H5_U8, NULL, "lines started", NULL, 0};
    ocols[nc++] = (nelm_h5_col){"pfs1",   NELM_H5_F64,
                                "months", "PFS of the first line started (NaN: none started)",
                                NULL,     0};
    ocols[nc++] = (nelm_h5_col){"pfs1_event", NELM_H5_BOOL,
                                NULL,         "the first line's PFS ended by progression or death",
                                NULL,         0};
    ocols[nc++] = (nelm_h5_col){
        "bsc_start", NELM_H5_F64, "months", "start of best supportive care (NaN: never)", NULL, 0};
    static char kind_col[NELM_NKINDS][32];
    for (int k = 0; k < NELM_NKINDS; k++) {
        snprintf(kind_col[k], sizeof kind_col[k], "received_%s", nelm_kind_names[k]);
        ocols[nc++] = (nelm_h5_col){kind_col[k], NELM_H5_BOOL, NULL, NULL, NULL, 0};
    }
    ocols[nc++] = (nelm_h5_col){"instances", NELM_H5_U32,
                                NULL,        "bit i set: instance i (see /instances/name) received",
                                NULL,        0};
    ocols[nc++] = (nelm_h5_col){"line_first", NELM_H5_U64,
                                NULL,         "row of this patient-strategy's first line in /lines",
                                NULL,         0};
    if (o->traj == NELM_TRAJ_FULL) {
        ocols[nc++] = (nelm_h5_col){
            "event_first", NELM_H5_U64, NULL, "row of the first event in /events", NULL, 0};
        ocols[nc++] = (nelm_h5_col){"event_count", NELM_H5_U32, NULL, "events in /events", NULL, 0};
    }
    if (p->econ.enabled) { /* economics (econ_patient.h order) */
        static const char *const ename[NELM_ECON_NACC] = {"ly", "qaly", "cost", "qaly_undiscounted",
                                                          "cost_undiscounted"};
        static const char *const eunit[NELM_ECON_NACC] = {"years", "QALYs", "currency", "QALYs",
                                                          "currency"};
        static const char *const edoc[NELM_ECON_NACC] = {
            "life years to death or the horizon, discounted",
            "quality-adjusted life years, discounted",
            "cost, discounted (currency: attribute currency of /summary/economics)",
            "quality-adjusted life years, undiscounted",
            "cost, undiscounted",
        };
        for (size_t q = 0; q < NELM_ECON_NACC; q++)
            ocols[nc++] = (nelm_h5_col){ename[q], NELM_H5_F64, eunit[q], edoc[q], NULL, 0};
    }
    ret = mk_table(t, "outcomes", ocols, nc, (size_t)o->block * S,
                   "one row per patient and strategy, patient-major", &t->outcomes, e);
    if (ret != 0)
        return ret;
    const nelm_h5_col lcols[] = {
        {"patient", NELM_H5_U64, NULL, NULL, NULL, 0},
        {"strategy", NELM_H5_ENUM8, NULL, NULL, t->strategy_names, S},
        {"line", NELM_H5_U8, NULL, "order started (1: first line)", NULL, 0},
        {"position", NELM_H5_U8, NULL, "position of the line in the strategy (1-based)", NULL, 0},
        {"instance", NELM_H5_ENUM8, NULL, "modality instance", t->instance_names,
         p->nmodalities + 1},
        {"start", NELM_H5_F64, "months", NULL, NULL, 0},
        {"end", NELM_H5_F64, "months", NULL, NULL, 0},
        {"end_reason", NELM_H5_ENUM8, NULL, NULL, t->end_names, NELM_NENDS},
        {"courses", NELM_H5_U8, NULL, "courses of the instance on this line", NULL, 0},
        {"pfs", NELM_H5_F64, "months", "from the line's start to progression or death", NULL, 0},
        {"pfs_event", NELM_H5_BOOL, NULL, "false: censored at the horizon", NULL, 0},
    };
    ret = mk_table(t, "lines", lcols, sizeof lcols / sizeof lcols[0], 65536,
                   "one row per line started", &t->lines, e);
    if (ret != 0 || o->traj != NELM_TRAJ_FULL) {
        if (ret == 0)
            nelm_h5_rows_of(t->outcomes, "line_first", t->lines);
        return ret;
    }
    const nelm_h5_col ecols[] = {
        {"patient", NELM_H5_U64, NULL, NULL, NULL, 0},
        {"strategy", NELM_H5_ENUM8, NULL, NULL, t->strategy_names, S},
        {"time", NELM_H5_F64, "months", "since the strategy's start", NULL, 0},
        {"event", NELM_H5_ENUM8, NULL, NULL, t->event_names, NELM_NEVENTS},
        {"detail", NELM_H5_U8, NULL,
         "progression, recurrence, dropout: 0 hepatic, 1 extrahepatic; line_skipped: 0 "
         "ineligible, 1 declined; death: the cause (as outcomes/cause); toxicity: 1 fatal",
         NULL, 0},
        {"instance", NELM_H5_ENUM8, NULL, NULL, t->instance_names, p->nmodalities + 1},
        {"line", NELM_H5_U8, NULL, "position in the strategy (0: none)", NULL, 0},
    };
    ret = mk_table(t, "events", ecols, sizeof ecols / sizeof ecols[0], 65536,
                   "every event of every patient and strategy, in patient-major "
                   "order",
                   &t->events, e);
    if (ret == 0) {
        nelm_h5_rows_of(t->outcomes, "line_first", t->lines);
        nelm_h5_rows_of(t->outcomes, "event_first", t->events);
    }
    return ret;
}

static int
tables_append_block(out_tables *t, const nelm_run_opts *o, const block *b, nelm_err *e)
{
    size_t S = o->nstrategies;
    size_t n = (size_t)b->n;
    size_t nl = b->nlines;
    int ret = scratch_reserve(t, 15, n, e);
    if (ret != 0)
        return ret;
    /* patients */
    for (size_t i = 0; i < n; i++) {
        const nelm_patient *pt = &b->pt[i];
        COL_U64(0)[i] = pt->index;
        COL_F64(1)[i] = pt->age;
        COL_U8(2)[i] = (uint8_t)pt->sex;
        COL_U8(3)[i] = (uint8_t)pt->site;
        COL_F64(4)[i] = pt->ki67;
        COL_U8(5)[i] = (uint8_t)pt->grade;
        COL_U8(6)[i] = (uint8_t)pt->burden;
        COL_U8(7)[i] = (uint8_t)pt->frilling;
        COL_U8(8)[i] = pt->extrahepatic;
        COL_U8(9)[i] = pt->functional;
        COL_U8(10)[i] = pt->syndrome;
        COL_U8(11)[i] = pt->sstr;
        COL_U8(12)[i] = (uint8_t)pt->ecog;
        COL_U8(13)[i] = pt->primary_resected;
        COL_F64(14)[i] = b->bg[i];
    }
    if ((ret = put_rows(t, t->patients, 15, n, e)) != 0)
        return ret;
    /* outcomes */
    bool econ = b->acc[0].necon > 0; /* each block's accumulators hold its patients, in order */
    if ((ret = scratch_reserve(t, 19 + (econ ? NELM_ECON_NACC : 0), n * S, e)) != 0)
        return ret;
    /* rows of /lines and /events (the collective writer's: of this rank's
     * part, made rows of the file when written; see nelm_h5_col.rows_of) */
    const uint64_t line0 = nelm_h5_rows(t->lines);
    uint64_t line_row = line0, ev_row_at = t->events ? nelm_h5_rows(t->events) : 0;
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t s = 0; s < S; s++, j++) {
            const out_row *oc = &b->out[i * S + s];
            size_t c = 0;
            COL_U64(c++)[j] = b->first + i;
            COL_U8(c++)[j] = (uint8_t)s;
            COL_F64(c++)[j] = oc->os;
            COL_U8(c++)[j] = oc->cause;
            COL_U8(c++)[j] = oc->nlines;
            const nelm_line_outcome *l1 = oc->nlines ? &b->lines[line_row - line0] : NULL;
            COL_F64(c++)[j] = l1 ? l1->pfs : NAN;
            COL_U8(c++)[j] = l1 ? l1->pfs_event : 0;
            COL_F64(c++)[j] = oc->bsc_start >= 0 ? oc->bsc_start : NAN;
            for (unsigned k = 0; k < NELM_NKINDS; k++)
                COL_U8(c++)[j] = (oc->kinds & (1u << k)) != 0;
            COL_U32(c++)[j] = oc->instances;
            COL_U64(c++)[j] = line_row;
            line_row += oc->nlines;
            if (o->traj == NELM_TRAJ_FULL) {
                COL_U64(c++)[j] = ev_row_at;
                COL_U32(c++)[j] = b->evcount[i * S + s];
                ev_row_at += b->evcount[i * S + s];
            }
            for (size_t q = 0; econ && q < NELM_ECON_NACC; q++)
                COL_F64(c++)[j] = b->acc[s].econ[q][i];
        }
    size_t c_out = (size_t)(10 + NELM_NKINDS + (o->traj == NELM_TRAJ_FULL ? 2 : 0)) +
                   (econ ? (size_t)NELM_ECON_NACC : 0);
    if ((ret = put_rows(t, t->outcomes, c_out, n * S, e)) != 0)
        return ret;
    /* lines */
    if ((ret = scratch_reserve(t, 11, nl, e)) != 0)
        return ret;
    j = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t s = 0; s < S; s++) {
            const out_row *oc = &b->out[i * S + s];
            for (size_t k = 0; k < oc->nlines; k++, j++) {
                const nelm_line_outcome *l = &b->lines[j];
                COL_U64(0)[j] = b->first + i;
                COL_U8(1)[j] = (uint8_t)s;
                COL_U8(2)[j] = (uint8_t)(k + 1);
                COL_U8(3)[j] = (uint8_t)l->number;
                COL_U8(4)[j] = (uint8_t)l->instance;
                COL_F64(5)[j] = l->start;
                COL_F64(6)[j] = l->end_t;
                COL_U8(7)[j] = l->end;
                COL_U8(8)[j] = l->courses;
                COL_F64(9)[j] = l->pfs;
                COL_U8(10)[j] = l->pfs_event;
            }
        }
    if ((ret = put_rows(t, t->lines, 11, j, e)) != 0)
        return ret;
    if (o->traj != NELM_TRAJ_FULL)
        return 0;
    if ((ret = scratch_reserve(t, 7, b->nev, e)) != 0)
        return ret;
    for (size_t k = 0; k < b->nev; k++) {
        const ev_row *r = &b->ev[k];
        COL_U64(0)[k] = r->patient;
        COL_U8(1)[k] = r->strategy;
        COL_F64(2)[k] = r->t;
        COL_U8(3)[k] = r->type;
        COL_U8(4)[k] = r->detail;
        COL_U8(5)[k] = r->instance;
        COL_U8(6)[k] = r->line;
    }
    return put_rows(t, t->events, 7, b->nev, e);
}

/* ---- summaries into the file ---- */

static int
write_summaries(out_tables *t, const nelm_model *m, const nelm_run_opts *o,
                const nelm_run_result *r, nelm_err *e)
{
    nelm_sum_tables *st = NULL;
    int ret = nelm_sum_tables_create(t->h, m->p, o->strategies, o->nstrategies, false, &st, e);
    nelm_h5_root_only(t->h, true); /* every rank has the same summaries */
    if (ret == 0)
        ret = nelm_sum_tables_append(st, 0, r, e);
    nelm_h5_root_only(t->h, false);
    ret = nelm_h5_sync(t->h, ret, e);
    nelm_sum_tables_free(st);
    if (ret != 0)
        return ret;
    /* the patients each rank simulated (provenance: one entry without MPI) */
    int R = nelm_par_size();
    uint64_t *share = calloc((size_t)R, sizeof *share);
    size_t *lens = calloc((size_t)R, sizeof *lens);
    void *all = NULL;
    ret = share && lens ? 0 : NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (rank shares)");
    if ((ret = nelm_par_agree(ret, e)) == 0 &&
        (ret = nelm_par_allgather(&r->rank_patients, sizeof r->rank_patients, &all, lens, e)) ==
            0) {
        memcpy(share, all, (size_t)R * sizeof *share);
        ret = nelm_h5_attr_u64s(t->h, "/", "rank_patients", share, (size_t)R, e);
    }
    free(all);
    free(lens);
    free(share);
    return ret;
}

static int
write_header(out_tables *t, const nelm_model *m, const nelm_run_opts *o, int threads, nelm_err *e)
{
    const nelm_params *p = m->p;
    nelm_h5 *h = t->h;
    static const char *const traj_names[] = {"none", "outcomes", "full"};
    char fp[17];
    nelm_run_fingerprint(p, o, fp);
    char comp[32];
    if (o->deflate_level < 0)
        snprintf(comp, sizeof comp, "none");
    else
        snprintf(comp, sizeof comp, "deflate:%d", o->deflate_level);
    int ret;
    if ((ret = nelm_h5_attr_str(h, "/", "format", "nelmsim run", e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "format_version", 1, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "nelmsim_version", NELM_VERSION, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "git_revision", NELM_GIT_REV, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "build_flags", NELM_BUILD_FLAGS, e)) ||
        (ret =
             nelm_h5_attr_str(h, "/", "command_line", o->command_line ? o->command_line : "", e)) ||
        (ret = nelm_h5_attr_str(h, "/", "model", o->model_name ? o->model_name : "", e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "seed", o->seed, e)) ||
        (ret = nelm_h5_attr_created(h, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "threads", (uint64_t)threads, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "ranks", (uint64_t)nelm_par_size(), e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "patients", o->npatients, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "first_patient", o->first, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "patients_total",
                                o->total_patients ? o->total_patients : o->npatients, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "shard", o->shard, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "shards", o->nshards ? o->nshards : 1, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "fingerprint", fp, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "block_size", o->block, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "trajectories", traj_names[o->traj], e)) ||
        (ret = nelm_h5_attr_str(h, "/", "compression", comp, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "frailty", p->disease.frailty_variance > 0 ? "on" : "off",
                                e)) ||
        (ret = nelm_h5_attr_str(h, "/", "reference_strategy",
                                p->strategies[o->strategies[o->reference]].name, e)) ||
        (ret = nelm_h5_attr_f64(h, "/", "tau_months", o->tau, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "time_unit", "months", e)))
        return ret;
    /* the resolved parameters, which load back to the same model */
    char *yaml = NULL;
    size_t ylen = 0;
    FILE *f = open_memstream(&yaml, &ylen);
    if (f == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (parameters)");
    nelm_params_dump(f, p);
    if (fclose(f) != 0) {
        free(yaml);
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (parameters)");
    }
    ret = nelm_h5_string(h, "parameters", yaml,
                         "the resolved parameters (YAML; nelmsim check loads them back)", e);
    free(yaml);
    if (ret != 0)
        return ret;
    const char *names[NELM_MAX_STRATEGIES], *descs[NELM_MAX_STRATEGIES];
    for (size_t s = 0; s < o->nstrategies; s++) {
        names[s] = p->strategies[o->strategies[s]].name;
        descs[s] = p->strategies[o->strategies[s]].description;
    }
    const char *inames[NELM_MAX_INSTANCES], *ikinds[NELM_MAX_INSTANCES];
    for (size_t i = 0; i < p->nmodalities; i++) {
        inames[i] = p->modalities[i].name;
        ikinds[i] = nelm_kind_names[p->modalities[i].kind];
    }
    if ((ret = nelm_h5_strings(h, "strategies/name", names, o->nstrategies,
                               "the strategies simulated, in the order of the strategy enum", e)) ||
        (ret = nelm_h5_strings(h, "strategies/description", descs, o->nstrategies, NULL, e)) ||
        (ret = nelm_h5_strings(h, "instances/name", inames, p->nmodalities,
                               "modality instances, in the order of the instance enum", e)) ||
        (ret = nelm_h5_strings(h, "instances/kind", ikinds, p->nmodalities, NULL, e)))
        return ret;
    return 0;
}

/* ---- shared per-patient tables (the scenarios of a sweep or PSA) ---- */

int
nelm_run_tables_create(nelm_h5 *h, const nelm_model *m, const nelm_run_opts *o,
                       nelm_run_tables **out, nelm_err *e)
{
    out_tables *t = calloc(1, sizeof *t);
    *out = NULL;
    if (t == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (output tables)");
    t->h = h;
    t->scen = true;
    table_names(t, m, o);
    int ret = tables_create(t, m, o, e);
    if (ret != 0) {
        free(t);
        return ret;
    }
    *out = t;
    return 0;
}

void
nelm_run_tables_free(nelm_run_tables *t)
{
    if (t == NULL)
        return;
    for (size_t j = 0; j < 32; j++)
        free(t->scratch[j]);
    free(t->scen_col);
    free(t); /* the tables themselves belong to the file */
}

/* ---- the driver ---- */

void
nelm_run_fingerprint(const nelm_params *p, const nelm_run_opts *o, char out[17])
{
    uint64_t h = NELM_FP_INIT;
    h = nelm_fp_str(h, "nelmsim run");
    h = nelm_fp_str(h, NELM_VERSION);
    char *yaml = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&yaml, &len);
    if (f) {
        nelm_params_dump(f, p);
        if (fclose(f) == 0)
            h = nelm_fp_str(h, yaml);
        else
            h = nelm_fp_str(h, "(parameters: out of memory)");
        free(yaml);
    }
    h = nelm_fp_u64(h, o->seed);
    h = nelm_fp_u64(h, o->total_patients ? o->total_patients : o->npatients);
    h = nelm_fp_u64(h, o->block);
    for (size_t k = 0; k < o->nstrategies; k++)
        h = nelm_fp_str(h, p->strategies[o->strategies[k]].name);
    h = nelm_fp_u64(h, o->reference);
    h = nelm_fp_f64(h, o->tau);
    h = nelm_fp_u64(h, (uint64_t)o->traj);
    h = nelm_fp_u64(h, o->nshards ? o->nshards : 1);
    nelm_fp_hex(h, out);
}

void
nelm_run_shard_range(uint64_t total, uint64_t bsize, uint32_t shard, uint32_t nshards,
                     uint64_t *first, uint64_t *n)
{
    uint64_t nb = (total + bsize - 1) / bsize;
    uint64_t b0 = nb * shard / nshards, b1 = nb * (shard + 1) / nshards;
    *first = b0 * bsize;
    uint64_t end = b1 * bsize < total ? b1 * bsize : total;
    *n = end > *first ? end - *first : 0;
}

static void
progress(const nelm_run_opts *o, uint64_t done, double t0)
{
    double dt = now() - t0;
    double rate = dt > 0 ? (double)done / dt : 0;
    double left = rate > 0 ? (double)(o->npatients - done) / rate : 0;
    int width = 30, fill = (int)((double)width * (double)done / (double)o->npatients);
    fprintf(stderr, "\r[%.*s%*s] %3d%%  %.3g patients/s  %.0f s left ", fill,
            "##############################", width - fill, "",
            (int)(100.0 * (double)done / (double)o->npatients), rate, left);
}

/* An MPI job, at the end of a wave: agree on the status, then append every
 * rank's outcomes of the wave (wacc, emptied) to acc in rank order, which
 * is block order. Returns the agreed status. */
static int
exchange_wave(nelm_summary_acc *wacc, nelm_summary_acc *acc, size_t S, int status, nelm_err *e)
{
    if ((status = nelm_par_agree(status, e)) != 0)
        return status;
    size_t len = 0;
    for (size_t s = 0; s < S; s++)
        len += nelm_summary_acc_packed_size(&wacc[s]);
    unsigned char *buf = malloc(len ? len : 1);
    int ret = buf ? 0 : NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (a wave's outcomes)");
    for (size_t s = 0, at = 0; ret == 0 && s < S; s++)
        at += nelm_summary_acc_pack(&wacc[s], buf + at);
    int R = nelm_par_size();
    size_t *lens = malloc((size_t)R * sizeof *lens);
    if (ret == 0 && lens == NULL)
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (a wave's outcomes)");
    void *all = NULL;
    if ((ret = nelm_par_agree(ret, e)) == 0)
        ret = nelm_par_allgather(buf, len, &all, lens, e);
    size_t at = 0, total = 0;
    for (int q = 0; ret == 0 && q < R; q++)
        total += lens[q];
    for (int q = 0; ret == 0 && q < R; q++)
        for (size_t s = 0; ret == 0 && s < S; s++) {
            size_t used = 0;
            ret = nelm_summary_acc_append_packed(&acc[s], (const unsigned char *)all + at,
                                                 total - at, &used, e);
            at += used;
        }
    for (size_t s = 0; s < S; s++)
        nelm_summary_acc_reset(&wacc[s]);
    free(all);
    free(lens);
    free(buf);
    return nelm_par_agree(ret, e);
}

void
nelm_run_result_free(nelm_run_result *r)
{
    for (size_t s = 0; s < NELM_MAX_STRATEGIES; s++)
        nelm_summary_acc_free(&r->acc[s]);
}

int
nelm_run(const nelm_model *m, const nelm_run_opts *o, nelm_run_result *r, nelm_err *e)
{
    memset(r, 0, sizeof *r);
    size_t S = o->nstrategies;
    nelm_bug_assert(S > 0 && S <= NELM_MAX_STRATEGIES && o->reference < S && o->block > 0 &&
                    o->block <= NELM_BLOCK_MAX && o->npatients > 0);
    int threads = o->threads > 0 ? o->threads : omp_get_max_threads();
    r->threads = threads;
    uint64_t nblocks = (o->npatients + o->block - 1) / o->block;
    /* the ranks of an MPI job share the blocks (run.h), with one W */
    bool dist = nelm_par_active() && !o->local && o->into == NULL;
    uint64_t R = dist ? (uint64_t)nelm_par_size() : 1, me = dist ? (uint64_t)nelm_par_rank() : 0;
    size_t W = (size_t)(2 * threads);
    if (dist)
        W = (size_t)nelm_par_max_u64(W);
    if (W > (nblocks + R - 1) / R)
        W = (size_t)((nblocks + R - 1) / R);
    bool full = o->traj == NELM_TRAJ_FULL;
    bool econ = m->p->econ.enabled; /* the events are needed for the economics */
    bool tables = (o->output != NULL || o->into != NULL) && o->traj != NELM_TRAJ_NONE;
    block *blk = calloc(NSETS * W, sizeof *blk); /* the pipeline's sets of W */
    nelm_trajectory *traj = full || econ ? malloc((size_t)threads * sizeof *traj) : NULL;
    out_tables local;
    memset(&local, 0, sizeof local);
    out_tables *T = o->into ? o->into : &local; /* a sweep's shared tables, or this run's */
    if (o->into)
        T->scenario = o->scenario;
    int ret = 0;
    double t0 = now();
    nelm_summary_acc wacc[NELM_MAX_STRATEGIES]; /* a wave's outcomes on this rank (dist) */
    memset(wacc, 0, sizeof wacc);
    if (blk == NULL || ((full || econ) && traj == NULL))
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (blocks)");
    for (size_t w = 0; ret == 0 && w < NSETS * W; w++)
        if (block_alloc(&blk[w], o->block, S, full, econ) != 0)
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (blocks of %llu patients)",
                            (unsigned long long)o->block);
    for (size_t s = 0; ret == 0 && s < S; s++) {
        ret = nelm_summary_acc_init(&r->acc[s], (size_t)o->npatients, e);
        if (ret == 0 && econ)
            ret = nelm_summary_acc_reserve_econ(&r->acc[s], (size_t)o->npatients, e);
        if (ret == 0 && dist)
            ret = nelm_summary_acc_init(&wacc[s], (size_t)(W * o->block), e);
    }
    if (dist)
        ret = nelm_par_agree(ret, e);
    if (ret != 0)
        goto out;
    if (o->output && !o->into) {
        nelm_h5_opts ho = {o->deflate_level, o->force};
        if ((ret = nelm_h5_open(&T->h, o->output, &ho, e)) != 0)
            goto out;
        table_names(T, m, o);
        int th = threads; /* rank 0's, for information */
        nelm_par_bcast(&th, sizeof th);
        if ((ret = write_header(T, m, o, th, e)) != 0)
            goto out;
        if (tables && (ret = tables_create(T, m, o, e)) != 0)
            goto out;
    }

    /* A pipeline over waves of W blocks in one parallel region, with no
     * barrier between waves. The master thread creates wave k's simulation
     * tasks, then does the serial stage for wave k-1: it waits for each of
     * its blocks in turn (running queued tasks meanwhile), turns it into
     * accumulator entries and table rows, takes the full chunks and creates
     * their compression tasks; then it writes the chunks taken one wave
     * earlier, once compressed. HDF5 is called from the master thread only.
     * Three block sets rotate (wave k reuses the set of wave k-3, consumed
     * by then); everything is consumed in block order, so nothing depends
     * on scheduling. */
    uint64_t nwaves = (nblocks + W * R - 1) / (W * R);
    size_t nw_of[NSETS] = {0};
    nelm_h5_batch *batch[2] = {NULL, NULL}; /* taken at waves k-1 and k-2 */
    char *btok[2] = {NULL, NULL};           /* a dependence token per chunk */
    int serr = 0;
    nelm_err se = {0};
    volatile sig_atomic_t halt = 0; /* the tasks' stop: an error or a signal */
    bool inject = nelm_par_inject("block");
    /* time accounting (for the benchmark's utilisation): seconds in tasks
     * run by the master thread (written by that thread only), compressing */
    double master_in_tasks = 0, compress_busy = 0;
#pragma omp parallel num_threads(threads)
#pragma omp master
    {
        for (uint64_t k = 0; k <= nwaves && serr == 0; k++) {
            block *cur = blk + (size_t)(k % NSETS) * W;
            block *prev = blk + (size_t)((k + NSETS - 1) % NSETS) * W;
            size_t nw = 0;
            if (k < nwaves) {
                uint64_t b0 = (k * R + me) * W;
                nw = b0 >= nblocks ? 0 : (size_t)(nblocks - b0 < W ? nblocks - b0 : W);
                for (size_t w = 0; w < nw; w++) {
                    block *bw = &cur[w];
                    uint64_t off = (b0 + w) * o->block; /* within this run's patients */
                    bw->first = o->first + off;
                    bw->n = o->npatients - off < o->block ? o->npatients - off : o->block;
                    bw->code = 0;
#pragma omp task depend(out : bw->token) firstprivate(bw)
                    {
                        double tb = now();
                        simulate_block(m, o, bw, full || econ ? &traj[omp_get_thread_num()] : NULL,
                                       &halt);
                        bw->busy = now() - tb;
                        if (omp_get_thread_num() == 0) /* the master, waiting */
                            master_in_tasks += bw->busy;
                    }
                }
            }
            nw_of[k % NSETS] = nw;
            size_t np = k > 0 ? nw_of[(k + NSETS - 1) % NSETS] : 0; /* blocks of wave k-1 */
            double ts = now(), mt0 = master_in_tasks;
            for (size_t w = 0; w < np && serr == 0; w++) {
                block *bw = &prev[w];
#pragma omp taskwait depend(in : bw->token)
                if (bw->code != 0) { /* the lowest failing block first */
                    se = bw->err;
                    serr = bw->code;
                    break;
                }
                if (inject) { /* the fault tests: this rank's first block fails */
                    inject = false;
                    serr = NELM_FAIL(&se, NELM_ERR_PARAM,
                                     "block %llu: injected fault on rank %d (NELMSIM_INJECT_FAULT)",
                                     (unsigned long long)(bw->first / o->block), nelm_par_rank());
                    break;
                }
                r->busy_seconds += bw->busy;
                r->rank_patients += bw->n;
                for (size_t s = 0; s < S && serr == 0; s++)
                    serr = nelm_summary_acc_append(dist ? &wacc[s] : &r->acc[s], &bw->acc[s], &se);
                for (size_t q = 0; q < NELM_DIST_NFAMILIES; q++)
                    r->stats.family[q] += bw->stats.family[q];
                r->stats.uniforms += bw->stats.uniforms;
                r->stats.baseline += bw->stats.baseline;
                r->stats.lifetable += bw->stats.lifetable;
                r->stats.econ_pieces += bw->stats.econ_pieces;
                if (serr == 0 && tables)
                    serr = tables_append_block(T, o, bw, &se);
            }
            /* the chunks taken one wave ago: compressed by now, or nearly */
            if (serr == 0 && batch[1]) {
                size_t nb = nelm_h5_batch_size(batch[1]);
                for (size_t i = 0; i < nb; i++) {
#pragma omp taskwait depend(in : btok[1][i])
                }
                serr = nelm_h5_batch_write(T->h, batch[1], &se);
                batch[1] = NULL;
                free(btok[1]);
                btok[1] = NULL;
            }
            if (serr == 0 && tables && np > 0) {
                batch[1] = batch[0];
                btok[1] = btok[0];
                batch[0] = nelm_h5_take(T->h);
                size_t nb = nelm_h5_batch_size(batch[0]);
                btok[0] = nb ? calloc(nb, 1) : NULL;
                if (nb && btok[0] == NULL) {
                    serr = NELM_FAIL(&se, NELM_ERR_NOMEM, "out of memory (chunk queue)");
                } else {
                    nelm_h5_batch *bq = batch[0];
                    for (size_t i = 0; i < nb; i++) {
#pragma omp task depend(out : btok[0][i]) firstprivate(bq, i)
                        {
                            double tb = now();
                            nelm_h5_batch_compress(bq, i);
                            double dt = now() - tb;
#pragma omp atomic
                            compress_busy += dt;
                            if (omp_get_thread_num() == 0)
                                master_in_tasks += dt;
                        }
                    }
                }
            }
            /* an MPI job: the wave's outcomes to every rank, its rows to the
             * file, and one status for all (every rank, every wave) */
            if (dist && k > 0) {
                if (serr == 0 && o->stop && *o->stop)
                    serr = NELM_FAIL(&se, NELM_ERR_INTERRUPTED, "interrupted");
                serr = exchange_wave(wacc, r->acc, S, serr, &se);
                if (tables)
                    serr = nelm_h5_sync(T->h, serr, &se);
            }
            /* the master's own work, not the tasks it ran while waiting */
            r->serial_seconds += now() - ts - (master_in_tasks - mt0);
            if (serr == 0 && o->progress && k > 0 && (dist || np > 0)) {
                uint64_t done = k * W * R * o->block; /* waves 0 .. k-1 */
                if (!dist)
                    done = prev[np - 1].first - o->first + prev[np - 1].n;
                progress(o, done < o->npatients ? done : o->npatients, t0);
            }
            if (serr == 0 && o->stop && *o->stop)
                serr = NELM_FAIL(&se, NELM_ERR_INTERRUPTED, "interrupted");
        }
        if (serr != 0)
            halt = 1; /* queued blocks return at once */
#pragma omp taskwait
    }
    /* drain: the last chunks (their tasks are done after the taskwait) */
    for (int j = 1; j >= 0; j--) {
        if (serr == 0 && batch[j])
            serr = nelm_h5_batch_write(T->h, batch[j], &se);
        else
            nelm_h5_batch_free(batch[j]);
        batch[j] = NULL;
        free(btok[j]);
        btok[j] = NULL;
    }
    if (serr != 0) {
        *e = se;
        ret =
            serr == NELM_ERR_INTERRUPTED ? NELM_FAIL(e, NELM_ERR_INTERRUPTED, "interrupted") : serr;
        goto out;
    }
    if (tables && (ret = nelm_h5_flush(T->h, threads, e)) != 0)
        goto out;
    if (o->progress)
        fputs("\r\033[K", stderr);
    if (dist) { /* counts of draws: the whole run's */
        nelm_par_sum_u64(&r->stats.uniforms, 1);
        nelm_par_sum_u64(&r->stats.baseline, 1);
        nelm_par_sum_u64(r->stats.family, NELM_DIST_NFAMILIES);
        nelm_par_sum_u64(&r->stats.lifetable, 1);
        nelm_par_sum_u64(&r->stats.econ_pieces, 1);
    }
    r->sim_seconds = now() - t0;
    /* the strategies' summaries are independent: one per thread, each
     * deterministic, errors reported in strategy order */
    {
        int codes[NELM_MAX_STRATEGIES] = {0};
        nelm_err errs[NELM_MAX_STRATEGIES];
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (size_t s = 0; s < S; s++) {
            memset(&errs[s], 0, sizeof errs[s]);
            codes[s] = nelm_summary_compute(&r->acc[s], o->tau, &r->sum[s], &errs[s]);
            if (codes[s] == 0)
                codes[s] =
                    nelm_summary_paired(&r->acc[s], &r->acc[o->reference], &r->sum[s], &errs[s]);
        }
        for (size_t s = 0; s < S && ret == 0; s++)
            if (codes[s] != 0) {
                *e = errs[s];
                ret = codes[s];
            }
        if (ret == 0) /* the incremental analysis across the strategies */
            ret = nelm_summary_econ(r->acc, r->sum, S, m->p, e);
        if (dist)
            ret = nelm_par_agree(ret, e);
        if (ret != 0)
            goto out;
    }
    if (T->h && !o->into) {
        if ((ret = write_summaries(T, m, o, r, e)) != 0)
            goto out;
        if (o->stop && *o->stop)
            ret = NELM_FAIL(e, NELM_ERR_INTERRUPTED, "interrupted");
        if (dist)
            ret = nelm_par_agree(ret, e);
        if (ret != 0)
            goto out;
        nelm_h5_bytes(T->h, &r->raw_bytes, &r->stored_bytes);
        nelm_h5 *h = T->h;
        T->h = NULL;
        if ((ret = nelm_h5_close(h, threads, e)) != 0)
            goto out;
    }
out:
    if (ret != 0 && o->progress)
        fputs("\n", stderr);
    /* this run's own file and columns; shared tables are their owner's */
    nelm_h5_abort(local.h);
    for (size_t j = 0; j < 32; j++)
        free(local.scratch[j]);
    free(local.scen_col);
    for (size_t w = 0; blk && w < NSETS * W; w++)
        block_free(&blk[w]);
    for (size_t s = 0; s < NELM_MAX_STRATEGIES; s++)
        nelm_summary_acc_free(&wacc[s]);
    free(blk);
    free(traj);
    r->seconds = now() - t0;
    return ret;
}
