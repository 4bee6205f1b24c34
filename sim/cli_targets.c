/* cli_targets.c — nelmsim targets: the table of calibration and validation
 * targets, printed, as CSV and as HDF5 (DESIGN §9, §11). */
#define _POSIX_C_SOURCE 200809L /* fileno, isatty */

#include "cli_targets.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "cli.h"
#include "h5out.h"
#include "targets.h"

#define MAX_IDS 256
#define DEFAULT_PATIENTS 20000

static void
targets_usage(FILE *out)
{
    fputs("usage: nelmsim targets [TARGETS.yaml] [--patients N] [--seed S] [--threads T]\n"
          "                       [--csv FILE] [-o FILE.h5] [--force] [--id ID]... [--quiet]\n"
          "\n"
          "Emulate every calibration and validation target (default: the project's\n"
          "params/targets.yaml) with the default model: each trial or series is a\n"
          "population (filters, entry state) with its arms as strategies, the endpoint\n"
          "computed as published from its origin among those who reach it, and the\n"
          "trial's follow-up as censoring. Prints one row per statistic: the published\n"
          "value with the interval of the verdict rule (published 95 % CI; else Wilson\n"
          "from n for proportions; else published x exp(-+1.96/sqrt(d)) for medians;\n"
          "else +-15 %), the simulated value with its 95 % Monte Carlo interval, and the\n"
          "verdict (inside, outside, not_modelled), with the reason of every failure.\n"
          "Hazard ratios: Cox partial likelihood (Efron ties) on the simulated arms.\n"
          "Failed targets are results: the exit status is 0 when the table was made.\n"
          "\n"
          "  -n, --patients N   patients simulated per arm (default 20000); arm k of a\n"
          "                     target is patients k N .. (k+1) N - 1\n"
          "  --seed SEED        run seed (default: chosen and printed)\n"
          "  --threads N        OpenMP threads (results do not depend on it)\n"
          "  --csv FILE         also write the table as CSV\n"
          "  -o, --output FILE  also write the table to HDF5 (an existing file is an error\n"
          "                     unless --force)\n"
          "  --force            replace an existing output\n"
          "  --id ID            only this target (repeatable)\n"
          "  -q, --quiet        no progress on stderr\n",
          out);
}

/* ---- the printed table ---- */

static const char *
rule_short(nelm_rule r)
{
    static const char *const s[NELM_NRULES] = {"CI", "range", "Wilson", "e^(1.96/sqrt d)", "+-15%"};
    return (unsigned)r < NELM_NRULES ? s[r] : "?";
}

static void
fmt_num(char *out, size_t len, double v)
{
    if (isnan(v))
        snprintf(out, len, "NA");
    else if (isinf(v))
        snprintf(out, len, "NE");
    else
        snprintf(out, len, "%.4g", v);
}

static void
fmt_val_ci(char *out, size_t len, double v, double lo, double hi)
{
    char a[32], b[32], c[32];
    fmt_num(a, sizeof a, v);
    fmt_num(b, sizeof b, lo);
    fmt_num(c, sizeof c, hi);
    if (isnan(v) && isnan(lo) && isnan(hi))
        snprintf(out, len, "-");
    else
        snprintf(out, len, "%s [%s, %s]", a, b, c);
}

/* the reason printed beside a row: why it failed, or why it is not modelled */
static const char *
row_reason(const nelm_targets *ts, const nelm_trow *r)
{
    const nelm_tstat *s = &ts->t[r->target].stats[r->stat];
    if (r->verdict == NELM_VERDICT_NOT_MODELLED)
        return s->why;
    if (r->verdict == NELM_VERDICT_OUTSIDE)
        return s->reason ? s->reason : "(no reason given in the targets file)";
    return NULL;
}

/* "    label: text" wrapped at about 100 columns, continuation lines indented */
static void
print_wrapped(FILE *out, const char *label, const char *text)
{
    int col = fprintf(out, "    %s:", label);
    const char *w = text;
    while (*w) {
        while (*w == ' ' || *w == '\n')
            w++;
        size_t len = strcspn(w, " \n");
        if (len == 0)
            break;
        if (col + 1 + (int)len > 100 && col > 8) {
            fputs("\n       ", out);
            col = 7;
        }
        col += fprintf(out, " %.*s", (int)len, w);
        w += len;
    }
    fputc('\n', out);
}

static void
print_table(FILE *out, const nelm_targets *ts, const nelm_trow *rows, size_t n)
{
    const char *last_why = NULL;
    fprintf(out, "%-27s %-20s %-4s %-34s %-27s %8s  %s\n", "target", "statistic", "role",
            "published [interval] rule", "simulated [MC 95%]", "n", "verdict");
    size_t cnt[NELM_NROLES][NELM_NVERDICTS] = {{0}};
    for (size_t i = 0; i < n; i++) {
        const nelm_trow *r = &rows[i];
        const nelm_target *tg = &ts->t[r->target];
        const nelm_tstat *s = &tg->stats[r->stat];
        char pub[160], pubv[128], sim[128];
        fmt_val_ci(pubv, sizeof pubv, r->published, r->lo, r->hi);
        snprintf(pub, sizeof pub, "%s %s", pubv, rule_short(r->rule));
        fmt_val_ci(sim, sizeof sim, r->sim, r->sim_lo, r->sim_hi);
        fprintf(out, "%-27s %-20s %-4s %-34s %-27s %8" PRIu64 "  %s\n", tg->id, s->name,
                tg->role == NELM_ROLE_CALIBRATION ? "cal" : "val", pub, sim, r->patients,
                nelm_verdict_name(r->verdict));
        const char *why = row_reason(ts, r);
        const char *label = r->verdict == NELM_VERDICT_NOT_MODELLED ? "not modelled" : "reason";
        if (why && last_why && strcmp(why, last_why) == 0)
            fprintf(out, "    %s: as above\n", label);
        else if (why)
            print_wrapped(out, label, why);
        if (why)
            last_why = why;
        if (r->note[0])
            print_wrapped(out, "note", r->note);
        cnt[tg->role][r->verdict]++;
    }
    fputc('\n', out);
    for (int k = 0; k < NELM_NROLES; k++)
        fprintf(out, "%-11s  %zu inside, %zu outside, %zu not modelled\n",
                nelm_role_name((nelm_role)k), cnt[k][NELM_VERDICT_INSIDE],
                cnt[k][NELM_VERDICT_OUTSIDE], cnt[k][NELM_VERDICT_NOT_MODELLED]);
}

/* ---- CSV ---- */

static void
csv_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const char *c = s ? s : ""; *c; c++) {
        if (*c == '"')
            fputc('"', f);
        fputc(*c, f);
    }
    fputc('"', f);
}

static void
csv_num(FILE *f, double v)
{
    if (!isnan(v))
        fprintf(f, "%.17g", v); /* inf as "inf" */
}

static int
write_csv(const char *path, const nelm_targets *ts, const nelm_trow *rows, size_t n, nelm_err *e)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return NELM_FAIL(e, NELM_ERR_IO, "cannot write '%s' (%s)", path, strerror(errno));
    fputs("id,role,statistic,kind,arm,endpoint,t,published,published_lo,published_hi,"
          "interval_rule,simulated,simulated_lo,simulated_hi,patients,events,verdict,reason,"
          "note,source\n",
          f);
    for (size_t i = 0; i < n; i++) {
        const nelm_trow *r = &rows[i];
        const nelm_target *tg = &ts->t[r->target];
        const nelm_tstat *s = &tg->stats[r->stat];
        char arm[2 * NELM_NAME_MAX + 8];
        nelm_trow_arm(ts, r, arm, sizeof arm);
        fprintf(f, "%s,%s,%s,%s,", tg->id, nelm_role_name(tg->role), s->name,
                nelm_tstat_name(s->kind));
        csv_str(f, arm);
        fprintf(f, ",%s,", nelm_endpoint_name(tg->endpoint));
        double v[] = {s->t, r->published, r->lo, r->hi};
        for (size_t j = 0; j < 4; j++) {
            csv_num(f, v[j]);
            fputc(',', f);
        }
        csv_str(f, nelm_rule_name(r->rule));
        double w[] = {r->sim, r->sim_lo, r->sim_hi};
        for (size_t j = 0; j < 3; j++) {
            fputc(',', f);
            csv_num(f, w[j]);
        }
        fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%s,", r->patients, r->events,
                nelm_verdict_name(r->verdict));
        csv_str(f, row_reason(ts, r));
        fputc(',', f);
        csv_str(f, r->note);
        fputc(',', f);
        csv_str(f, s->source ? s->source : tg->source);
        fputc('\n', f);
    }
    if (ferror(f) != 0 || fclose(f) != 0)
        return NELM_FAIL(e, NELM_ERR_IO, "cannot write '%s'", path);
    return 0;
}

/* ---- HDF5 ---- */

typedef struct h5info {
    uint64_t seed, npatients;
    const char *cmdline;
    bool force;
    bool frailty;
} h5info;

static int
write_h5(const char *path, const nelm_targets *ts, const nelm_trow *rows, size_t n,
         const h5info *info, nelm_err *e)
{
    static const char *const kinds[] = {"median", "survival", "proportion", "incidence",
                                        "hazard_ratio"};
    static const char *const roles[] = {"calibration", "validation"};
    static const char *const verdicts[] = {"inside", "outside", "not_modelled"};
    static const char *const rules[] = {"ci", "range", "wilson", "events", "pct15"};
    static const char *const eps[] = {"os",  "pfs",         "rfs",          "dfs",
                                      "ttp", "hepatic_pfs", "death_within", "late_toxicity"};
    const nelm_h5_col cols[] = {
        {"role", NELM_H5_ENUM8, NULL, "calibration or validation (DESIGN 11)", roles, 2},
        {"kind", NELM_H5_ENUM8, NULL, "what the statistic is", kinds, 5},
        {"endpoint", NELM_H5_ENUM8, NULL, "the endpoint, as published", eps, 8},
        {"t", NELM_H5_F64, "months", "landmark of a survival statistic (NaN: none)", NULL, 0},
        {"published", NELM_H5_F64, NULL, "published value (months, proportion or HR)", NULL, 0},
        {"published_lo", NELM_H5_F64, NULL, "interval of the verdict rule", NULL, 0},
        {"published_hi", NELM_H5_F64, NULL, NULL, NULL, 0},
        {"rule", NELM_H5_ENUM8, NULL,
         "published 95 % CI, range, Wilson from n, exp(1.96/sqrt(d)) or 15 %", rules, 5},
        {"simulated", NELM_H5_F64, NULL, "simulated value (NaN: not modelled or not reached)", NULL,
         0},
        {"simulated_lo", NELM_H5_F64, NULL, "95 % Monte Carlo interval", NULL, 0},
        {"simulated_hi", NELM_H5_F64, NULL, NULL, NULL, 0},
        {"patients", NELM_H5_U64, NULL,
         "simulated patients who reached the origin (both arms of a hazard ratio; "
         "procedures for a per-procedure proportion)",
         NULL, 0},
        {"events", NELM_H5_U64, NULL, NULL, NULL, 0},
        {"verdict", NELM_H5_ENUM8, NULL, "inside, outside or not_modelled", verdicts, 3},
    };
    enum { NC = sizeof cols / sizeof cols[0] };
    nelm_h5_opts ho = {-1, info->force};
    nelm_h5 *h = NULL;
    nelm_h5_table *tab = NULL;
    uint8_t *u8 = NULL;
    double *f64 = NULL;
    uint64_t *u64 = NULL;
    const char **strs = NULL;
    char(*arms)[2 * NELM_NAME_MAX + 8] = NULL;
    int ret = nelm_h5_open(&h, path, &ho, e);
    if (ret != 0)
        return ret;
    size_t m = n ? n : 1;
    u8 = malloc(5 * m);
    f64 = malloc(8 * m * sizeof *f64);
    u64 = malloc(2 * m * sizeof *u64);
    strs = malloc(m * sizeof *strs);
    arms = malloc(m * sizeof *arms);
    if (u8 == NULL || f64 == NULL || u64 == NULL || strs == NULL || arms == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (HDF5 table)");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const nelm_trow *r = &rows[i];
        const nelm_target *tg = &ts->t[r->target];
        const nelm_tstat *s = &tg->stats[r->stat];
        u8[i] = (uint8_t)tg->role;
        u8[m + i] = (uint8_t)s->kind;
        u8[2 * m + i] = (uint8_t)tg->endpoint;
        u8[3 * m + i] = (uint8_t)r->rule;
        u8[4 * m + i] = (uint8_t)r->verdict;
        double v[8] = {s->t, r->published, r->lo, r->hi, r->sim, r->sim_lo, r->sim_hi, 0};
        for (size_t j = 0; j < 7; j++)
            f64[j * m + i] = v[j];
        u64[i] = r->patients;
        u64[m + i] = r->events;
    }
    const void *c[NC] = {u8,          u8 + m,      u8 + 2 * m, f64,         f64 + m,
                         f64 + 2 * m, f64 + 3 * m, u8 + 3 * m, f64 + 4 * m, f64 + 5 * m,
                         f64 + 6 * m, u64,         u64 + m,    u8 + 4 * m};
    if ((ret = nelm_h5_attr_str(h, "/", "format", "nelmsim targets", e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "format_version", 1, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "nelmsim_version", NELM_VERSION, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "git_revision", NELM_GIT_REV, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "build_flags", NELM_BUILD_FLAGS, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "command_line", info->cmdline, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "targets_file", ts->file, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "model", NELM_DEFAULT_MODEL, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "seed", info->seed, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "patients_per_arm", info->npatients, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "cox_ties", "efron", e)) ||
        (ret = nelm_h5_attr_str(h, "/", "frailty", info->frailty ? "on in some arms" : "off", e)) ||
        (ret = nelm_h5_attr_created(h, e)) ||
        (ret = nelm_h5_table_create(h, "targets", cols, NC, m,
                                    "one row per statistic of every target (nelmsim targets)", &tab,
                                    e)) ||
        (ret = nelm_h5_append(tab, c, n, e)))
        goto out;
    /* the text columns, one string per row */
    static const char *const tnames[] = {"id", "statistic", "arm", "reason", "note", "source"};
    for (size_t k = 0; k < sizeof tnames / sizeof tnames[0] && ret == 0; k++) {
        for (size_t i = 0; i < n; i++) {
            const nelm_trow *r = &rows[i];
            const nelm_target *tg = &ts->t[r->target];
            const nelm_tstat *s = &tg->stats[r->stat];
            const char *v = "";
            switch (k) {
            case 0:
                v = tg->id;
                break;
            case 1:
                v = s->name;
                break;
            case 2:
                nelm_trow_arm(ts, r, arms[i], sizeof arms[i]);
                v = arms[i];
                break;
            case 3:
                v = row_reason(ts, r);
                break;
            case 4:
                v = r->note;
                break;
            default:
                v = s->source ? s->source : tg->source;
            }
            strs[i] = v ? v : "";
        }
        char path2[64];
        snprintf(path2, sizeof path2, "targets/%s", tnames[k]);
        ret = nelm_h5_strings(h, path2, strs, n, NULL, e);
    }
    if (ret == 0) {
        ret = nelm_h5_close(h, 1, e);
        h = NULL;
    }
out:
    if (h)
        nelm_h5_abort(h);
    free(u8);
    free(f64);
    free(u64);
    free(strs);
    free(arms);
    return ret;
}

/* ---- the command ---- */

int
nelm_cli_targets(int argc, char **argv, int full_argc, char **full_argv)
{
    const char *file = NULL, *csv = NULL, *output = NULL;
    const char *ids[MAX_IDS];
    size_t nids = 0;
    uint64_t npatients = DEFAULT_PATIENTS, seed = 0, threads = 0;
    bool have_seed = false, force = false, quiet = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            targets_usage(stdout);
            return 0;
        } else if (strcmp(a, "-n") == 0 || nelm_cli_is_opt(a, "--patients")) {
            v = nelm_cli_opt_value(a, "--patients", argc, argv, &i);
            if (!nelm_cli_parse_u64(v, NELM_CLI_MAX_PATIENTS / 8, &npatients) || npatients == 0) {
                fprintf(stderr,
                        "nelmsim targets: --patients needs a number from 1 to %u (got '%s')\n",
                        NELM_CLI_MAX_PATIENTS / 8, v ? v : "");
                return EXIT_USAGE;
            }
        } else if (nelm_cli_is_opt(a, "--seed")) {
            v = nelm_cli_opt_value(a, "--seed", argc, argv, &i);
            if (!nelm_cli_parse_u64(v, UINT64_MAX, &seed)) {
                fprintf(stderr,
                        "nelmsim targets: --seed needs a number from 0 to 2^64-1 (got "
                        "'%s')\n",
                        v ? v : "");
                return EXIT_USAGE;
            }
            have_seed = true;
        } else if (nelm_cli_is_opt(a, "--threads")) {
            v = nelm_cli_opt_value(a, "--threads", argc, argv, &i);
            if (!nelm_cli_parse_u64(v, 1024, &threads) || threads == 0) {
                fprintf(stderr,
                        "nelmsim targets: --threads needs a number from 1 to 1024 (got '%s')\n",
                        v ? v : "");
                return EXIT_USAGE;
            }
        } else if (nelm_cli_is_opt(a, "--csv")) {
            csv = nelm_cli_opt_value(a, "--csv", argc, argv, &i);
            if (csv == NULL || csv[0] == '\0') {
                fprintf(stderr, "nelmsim targets: --csv needs a file name\n");
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "-o") == 0 || nelm_cli_is_opt(a, "--output")) {
            output = nelm_cli_opt_value(a, "--output", argc, argv, &i);
            if (output == NULL || output[0] == '\0') {
                fprintf(stderr, "nelmsim targets: -o needs a file name\n");
                return EXIT_USAGE;
            }
        } else if (nelm_cli_is_opt(a, "--id")) {
            v = nelm_cli_opt_value(a, "--id", argc, argv, &i);
            if (v == NULL || v[0] == '\0' || nids == MAX_IDS) {
                fprintf(stderr, "nelmsim targets: --id needs a target id (at most %d)\n", MAX_IDS);
                return EXIT_USAGE;
            }
            ids[nids++] = v;
        } else if (strcmp(a, "--force") == 0) {
            force = true;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            quiet = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "nelmsim targets: unknown option '%s' (see nelmsim targets --help)\n",
                    a);
            return EXIT_USAGE;
        } else if (file == NULL) {
            file = a;
        } else {
            fprintf(stderr, "nelmsim targets: one targets file only (got '%s' and '%s')\n", file,
                    a);
            return EXIT_USAGE;
        }
    }
    if (output && !force && access(output, F_OK) == 0) {
        fprintf(stderr, "nelmsim targets: %s exists (use --force to replace it)\n", output);
        return EXIT_USAGE;
    }
    if (file == NULL)
        file = nelm_targets_default();
    nelm_targets ts;
    nelm_err e = {0};
    if (nelm_targets_load(&ts, file, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return nelm_cli_exit_for(e.code);
    }
    if (!have_seed)
        seed = nelm_cli_choose_seed();
    nelm_targets_opts o = {
        .seed = seed,
        .npatients = npatients,
        .threads = (int)threads,
        .ids = ids,
        .nids = nids,
        .progress = !quiet && isatty(fileno(stderr)) ? stderr : NULL,
        .stop = &nelm_cli_stop,
    };
    nelm_trow *rows = NULL;
    size_t nrows = 0;
    int rc = 0;
    char *cmdline = nelm_cli_join_args(full_argc, full_argv);
    if (cmdline == NULL) {
        fprintf(stderr, "nelmsim targets: out of memory\n");
        rc = EXIT_INVALID;
        goto out;
    }
    nelm_cli_catch_signals();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (nelm_targets_run(&ts, &o, &rows, &nrows, &e) != 0) {
        if (e.code == NELM_ERR_PARAM) /* already "file:line:col: ..." */
            fprintf(stderr, "%s\n", e.msg);
        else
            fprintf(stderr, "nelmsim targets: %s\n", e.msg);
        rc = nelm_cli_exit_for_run(&e);
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("nelmsim %s targets: %s, default model (%s)\n", NELM_VERSION, ts.file,
           NELM_DEFAULT_MODEL);
    size_t nfrail = 0;
    for (size_t i = 0; i < nrows; i++)
        nfrail += rows[i].frailty;
    printf("seed %" PRIu64 "%s; %" PRIu64 " patients simulated per arm; frailty %s; hazard "
           "ratios by Cox (Efron ties); %.1f s\n\n",
           seed, have_seed ? "" : " (chosen: pass --seed to repeat)", npatients,
           nfrail == 0 ? "off" : "on in some arms", secs);
    print_table(stdout, &ts, rows, nrows);
    if (csv && write_csv(csv, &ts, rows, nrows, &e) != 0) {
        fprintf(stderr, "nelmsim targets: %s\n", e.msg);
        rc = EXIT_IO;
        goto out;
    }
    if (output) {
        h5info info = {seed, npatients, cmdline, force, nfrail > 0};
        if (write_h5(output, &ts, rows, nrows, &info, &e) != 0) {
            fprintf(stderr, "nelmsim targets: %s\n", e.msg);
            rc = nelm_cli_exit_for(e.code);
            goto out;
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "nelmsim targets: cannot write the table (%s)\n", strerror(errno));
        rc = EXIT_IO;
    }
out:
    free(rows);
    free(cmdline);
    nelm_targets_free(&ts);
    return rc;
}
