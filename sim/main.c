/* main.c — the nelmsim command line (DESIGN §9).
 *
 * Exit status: 0 success, 1 usage, 2 invalid input, 3 I/O failure. */
#define _POSIX_C_SOURCE 200809L /* sigaction, fileno, isatty */

#include <errno.h>
#include <signal.h>
#include <hdf5.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "alloc.h"
#include "build_info.h"
#include "cli.h"
#include "cli_targets.h"
#include "cohort.h"
#include "engine.h"
#include "h5out.h"
#include "par.h"
#include "params.h"
#include "run.h"
#include "runfile.h"
#include "scenario.h"
#include "summary.h"

#define MAX_SETS 256

static void
usage(FILE *out)
{
    fputs("usage: nelmsim COMMAND [OPTIONS]\n"
          "\n"
          "Monte Carlo outcome simulator for neuroendocrine liver metastases.\n"
          "\n"
          "commands:\n"
          "  run [PARAMS.yaml]     simulate every strategy, print the summary table, and\n"
          "                        with -o FILE write everything to HDF5\n"
          "  summary FILE          print the summary table of a run file\n"
          "  sweep SPEC            run every point of a parameter sweep (grid or zipped lists)\n"
          "  psa SPEC --draws K    probabilistic sensitivity analysis: K parameter draws\n"
          "  merge SHARDS... -o F  merge the shard files of a run, sweep or PSA into one file\n"
          "  check [PARAMS.yaml]   validate parameters (default: the built-in model)\n"
          "  targets [TARGETS]     calibration and validation targets: published vs simulated\n"
          "  help                  show this help\n"
          "  version               show version, git revision and build flags\n"
          "\n"
          "Each command takes --help.\n",
          out);
}

static void
check_usage(FILE *out)
{
    fputs("usage: nelmsim check [PARAMS.yaml] [--set PATH=VALUE]... [--dump] [--explain]\n"
          "\n"
          "Validate a parameter file (default: the built-in model). Errors are one line,\n"
          "file:line:col: key.path: what is wrong, with exit status 2.\n"
          "\n"
          "  --set PATH=VALUE  override a value, e.g. cohort.age.mean=62 or\n"
          "                    cohort.filters[0].max=40 (repeatable; applied in order)\n"
          "  --dump            print the fully resolved parameters as YAML\n"
          "  --explain         print the reference of every section and key\n",
          out);
}

static void
version(void)
{
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    printf("nelmsim %s (git %s)\n", NELM_VERSION, NELM_GIT_REV);
    printf("build: %s\n", NELM_BUILD_FLAGS);
    printf("HDF5 %u.%u.%u, libyaml %s\n", maj, min, rel, yaml_get_version_string());
}

static int
cmd_check(int argc, char **argv)
{
    const char *file = NULL;
    const char *sets[MAX_SETS] = {NULL};
    size_t nsets = 0;
    bool dump = false, explain = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            check_usage(stdout);
            return 0;
        } else if (strcmp(a, "--dump") == 0) {
            dump = true;
        } else if (strcmp(a, "--explain") == 0) {
            explain = true;
        } else if (strcmp(a, "--set") == 0 || strncmp(a, "--set=", 6) == 0) {
            const char *v = a[5] == '=' ? a + 6 : (i + 1 < argc ? argv[++i] : NULL);
            if (v == NULL) {
                fprintf(stderr, "nelmsim check: --set needs PATH=VALUE\n");
                return EXIT_USAGE;
            }
            if (nsets == MAX_SETS) {
                fprintf(stderr, "nelmsim check: more than %d --set options\n", MAX_SETS);
                return EXIT_USAGE;
            }
            sets[nsets++] = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "nelmsim check: unknown option '%s' (see nelmsim check --help)\n", a);
            return EXIT_USAGE;
        } else if (file == NULL) {
            file = a;
        } else {
            fprintf(stderr, "nelmsim check: one parameter file only (got '%s' and '%s')\n", file,
                    a);
            return EXIT_USAGE;
        }
    }
    if (explain) {
        nelm_params_explain(stdout);
        return 0;
    }
    static nelm_params p;
    nelm_err e = {0};
    if (nelm_params_load(&p, file, sets, nsets, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return nelm_cli_exit_for(e.code);
    }
    if (dump)
        nelm_params_dump(stdout, &p);
    else
        printf("%s: valid (%zu sources)\n", file ? file : "built-in default model", p.nsources);
    return 0;
}

static void
run_usage(FILE *out)
{
    fputs(
        "usage: nelmsim run [PARAMS.yaml] [-o FILE] [-n PATIENTS] [--seed SEED]\n"
        "                   [--strategy NAME]... [--set PATH=VALUE]... [--threads N]\n"
        "                   [--trajectories full|outcomes|none] [--compression none|deflate[:L]]\n"
        "                   [--reference NAME] [--tau MONTHS] [--block N] [--force] [--quiet]\n"
        "\n"
        "Simulate PATIENTS patients (default 100000) under every strategy of the model\n"
        "(default: the built-in model) or the named ones, print per strategy: median\n"
        "OS with its Monte Carlo interval, mean OS and RMST with Monte Carlo standard\n"
        "errors, OS at 1, 3, 5 and 10 years, PFS by line, mean lines, the share receiving\n"
        "each modality, causes of death and paired differences against the reference\n"
        "strategy; with -o, write everything to an HDF5 file (docs/FORMAT.md). Every\n"
        "strategy sees the same patients (common random numbers). The results are the\n"
        "same for any --threads; without --seed a seed is chosen and printed.\n"
        "\n"
        "  -o, --output FILE     HDF5 output (written as FILE.part-PID, renamed when done)\n"
        "  -n, --patients N      patients (1 to 100000000)\n"
        "  --seed SEED           run seed (0 to 2^64-1)\n"
        "  --strategy NAME       simulate this strategy (repeatable; default: all)\n"
        "  --set PATH=VALUE      override a parameter (repeatable)\n"
        "  --threads N           OpenMP threads (default: all cores)\n"
        "  --trajectories MODE   full: every event; outcomes (default): patients, outcomes\n"
        "                        and lines; none: summaries only\n"
        "  --compression C       deflate[:LEVEL] (default deflate:4, with shuffle) or none\n"
        "  --reference NAME      strategy for the paired differences (default: the first)\n"
        "  --tau MONTHS          horizon of the restricted mean (default 120)\n"
        "  --block N             patients per block and output chunk (default 4096)\n"
        "  --shard I/N           simulate the I-th of N slices of the patients (whole blocks)\n"
        "                        into -o FILE (needs --seed); nelmsim merge joins the shards;\n"
        "                        a complete shard file of the same run is left as it is\n"
        "  --force               replace an existing output file\n"
        "  --quiet               no progress bar\n"
        "  --csv FILE            also write the summary table as CSV\n"
        "  --wtp A[,B...]        willingness to pay per QALY for the net monetary benefit\n"
        "                        (= --set economics.wtp=[A,B...]; default 20000, 30000)\n",
        out);
}

static int
cmd_run(int argc, char **argv, int full_argc, char **full_argv)
{
    const char *file = NULL, *csv = NULL;
    const char *sets[MAX_SETS] = {NULL};
    size_t nsets = 0;
    nelm_run_opts o;
    memset(&o, 0, sizeof o);
    o.block = NELM_BLOCK_DEFAULT;
    o.deflate_level = 4;
    nelm_cli_common c;
    memset(&c, 0, sizeof c);
    c.npatients = 100000;
    c.tau = 120;
    c.traj = NELM_TRAJ_OUTCOMES;
    c.shard = c.nshards = 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        int taken = nelm_cli_common_opt("run", &c, argc, argv, &i);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken > 0)
            continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            run_usage(stdout);
            return 0;
        } else if (nelm_cli_is_opt(a, "--block")) {
            v = nelm_cli_opt_value(a, "--block", argc, argv, &i);
            if (!nelm_cli_parse_u64(v, NELM_BLOCK_MAX, &o.block) || o.block == 0) {
                fprintf(stderr, "nelmsim run: --block needs a number from 1 to %d (got '%s')\n",
                        NELM_BLOCK_MAX, v ? v : "");
                return EXIT_USAGE;
            }
        } else if (nelm_cli_is_opt(a, "--compression")) {
            v = nelm_cli_opt_value(a, "--compression", argc, argv, &i);
            uint64_t lvl = 4;
            if (v && strcmp(v, "none") == 0)
                o.deflate_level = -1;
            else if (v && strcmp(v, "deflate") == 0)
                o.deflate_level = 4;
            else if (v && strncmp(v, "deflate:", 8) == 0 && nelm_cli_parse_u64(v + 8, 9, &lvl))
                o.deflate_level = (int)lvl;
            else {
                fprintf(stderr,
                        "nelmsim run: --compression needs none, deflate or deflate:0 "
                        "to deflate:9 (got '%s')\n",
                        v ? v : "");
                return EXIT_USAGE;
            }
        } else if (nelm_cli_is_opt(a, "--csv")) {
            csv = nelm_cli_opt_value(a, "--csv", argc, argv, &i);
            if (csv == NULL || csv[0] == '\0') {
                fprintf(stderr, "nelmsim run: --csv needs a file name\n");
                return EXIT_USAGE;
            }
        } else if (nelm_cli_is_opt(a, "--set")) {
            v = nelm_cli_opt_value(a, "--set", argc, argv, &i);
            if (v == NULL || nsets == MAX_SETS) {
                fprintf(stderr, "nelmsim run: --set needs PATH=VALUE (at most %d)\n", MAX_SETS);
                return EXIT_USAGE;
            }
            sets[nsets++] = v;
        } else if (nelm_cli_is_opt(a, "--wtp")) {
            /* --wtp A[,B...]: --set economics.wtp=[A,B...] (checked as the parameter) */
            v = nelm_cli_opt_value(a, "--wtp", argc, argv, &i);
            static char wtp[256];
            if (v == NULL || v[0] == '\0' || strlen(v) > sizeof wtp - 32 || nsets == MAX_SETS) {
                fprintf(stderr, "nelmsim run: --wtp needs AMOUNT[,AMOUNT...] per QALY\n");
                return EXIT_USAGE;
            }
            snprintf(wtp, sizeof wtp, "economics.wtp=[%s]", v);
            sets[nsets++] = wtp;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "nelmsim run: unknown option '%s' (see nelmsim run --help)\n", a);
            return EXIT_USAGE;
        } else if (file == NULL) {
            file = a;
        } else {
            fprintf(stderr, "nelmsim run: one parameter file only (got '%s' and '%s')\n", file, a);
            return EXIT_USAGE;
        }
    }
    o.npatients = c.npatients;
    o.seed = c.seed;
    o.traj = (nelm_traj_mode)c.traj;
    o.output = c.output;
    o.force = c.force;
    uint64_t shard = c.shard, nshards = c.nshards, threads = c.threads;
    const char *reference = c.reference;
    const char *const *names = c.names;
    size_t nnames = c.nnames;
    double tau = c.tau;
    bool have_seed = c.have_seed, quiet = c.quiet;

    nelm_params *p = nelm_calloc(1, sizeof *p);
    nelm_run_result *r = nelm_calloc(1, sizeof *r);
    char *cmdline = nelm_cli_join_args(full_argc, full_argv);
    nelm_err e = {0};
    int rc = 0;
    if (p == NULL || r == NULL || cmdline == NULL) {
        fprintf(stderr, "nelmsim run: out of memory\n");
        rc = EXIT_INVALID;
        goto out;
    }
    if (nelm_params_load(p, file, sets, nsets, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        rc = nelm_cli_exit_for(e.code);
        goto out;
    }
    const char *model_name = file ? file : "built-in default model (" NELM_DEFAULT_MODEL ")";
    if (p->nstrategies == 0) {
        fprintf(stderr, "%s: no strategies defined (add a strategies: section)\n", model_name);
        rc = EXIT_INVALID;
        goto out;
    }
    for (size_t i = 0; i < nnames + (reference != NULL); i++) {
        const char *nm = i < nnames ? names[i] : reference;
        size_t j = 0;
        while (j < p->nstrategies && strcmp(p->strategies[j].name, nm) != 0)
            j++;
        if (j == p->nstrategies) {
            fprintf(stderr, "nelmsim run: %s: no strategy '%s' in %s (defined:",
                    i < nnames ? "--strategy" : "--reference", nm, model_name);
            for (size_t k = 0; k < p->nstrategies; k++)
                fprintf(stderr, "%s %s", k ? "," : "", p->strategies[k].name);
            fputs(")\n", stderr);
            rc = EXIT_USAGE;
            goto out;
        }
        if (i == nnames) { /* the reference: among the chosen, else added */
            size_t k = 0;
            while (k < o.nstrategies && o.strategies[k] != j)
                k++;
            if (k == o.nstrategies && nnames > 0)
                o.strategies[o.nstrategies++] = j;
            if (nnames == 0)
                k = j;
            o.reference = k;
            continue;
        }
        bool dup = false;
        for (size_t k = 0; k < o.nstrategies; k++)
            dup = dup || o.strategies[k] == j;
        if (!dup)
            o.strategies[o.nstrategies++] = j;
    }
    if (nnames == 0) {
        size_t ref = reference ? o.reference : 0;
        o.nstrategies = 0;
        for (size_t j = 0; j < p->nstrategies; j++)
            o.strategies[o.nstrategies++] = j;
        o.reference = ref;
    }
    if (o.nstrategies > NELM_MAX_STRATEGIES) {
        fprintf(stderr, "nelmsim run: too many strategies\n");
        rc = EXIT_USAGE;
        goto out;
    }
    if (nshards > 1 && (o.output == NULL || !have_seed || o.traj == NELM_TRAJ_NONE)) {
        fprintf(stderr, "nelmsim run: --shard needs -o FILE, --seed and per-patient output "
                        "(--trajectories outcomes or full): merge recomputes the summaries from "
                        "it\n");
        rc = EXIT_USAGE;
        goto out;
    }
    if (!have_seed)
        o.seed = nelm_cli_choose_seed();
    nelm_par_bcast(&o.seed, sizeof o.seed); /* under MPI: rank 0's */
    o.threads = (int)threads;
    o.tau = tau;
    if (nshards > 1) {
        o.total_patients = o.npatients;
        o.shard = (uint32_t)(shard - 1);
        o.nshards = (uint32_t)nshards;
        nelm_run_shard_range(o.total_patients, o.block, o.shard, o.nshards, &o.first, &o.npatients);
        if (o.npatients == 0) {
            fprintf(stderr,
                    "nelmsim run: --shard %llu/%llu: %llu patients make only %llu blocks of %llu; "
                    "use at most that many shards\n",
                    (unsigned long long)shard, (unsigned long long)nshards,
                    (unsigned long long)o.total_patients,
                    (unsigned long long)((o.total_patients + o.block - 1) / o.block),
                    (unsigned long long)o.block);
            rc = EXIT_USAGE;
            goto out;
        }
        char fp[17], why[256] = "";
        nelm_run_fingerprint(p, &o, fp);
        int st =
            access(o.output, F_OK) == 0 ? nelm_h5_shard_state(o.output, fp, why, sizeof why) : -1;
        nelm_par_bcast(&st, sizeof st); /* under MPI: what rank 0 found */
        if (st == 1 && !o.force) {
            printf("shard %llu/%llu: %s is already complete (run fingerprint %s): nothing to do\n",
                   (unsigned long long)shard, (unsigned long long)nshards, o.output, fp);
            goto out;
        }
        if (st == 0 && !o.force) {
            fprintf(stderr,
                    "nelmsim run: %s: a finished shard of another run is there (%s): remove it "
                    "or pass --force\n",
                    o.output, why);
            rc = EXIT_IO;
            goto out;
        }
    }
    o.progress = !quiet && isatty(fileno(stderr));
    o.command_line = cmdline;
    o.model_name = model_name;
    o.stop = &nelm_cli_stop;

    nelm_model model;
    if (nelm_model_init(&model, p, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        rc = nelm_cli_exit_for(e.code);
        goto out;
    }
    nelm_cli_catch_signals();
    if (nelm_run(&model, &o, r, &e) != 0) {
        fprintf(stderr, "nelmsim run: %s\n", e.msg);
        rc = nelm_cli_exit_for_run(&e);
        goto out;
    }
    printf("nelmsim %s: %s\n", NELM_VERSION, model_name);
    printf("seed %" PRIu64 "%s; %" PRIu64 " patients per strategy (the same patients under "
           "each); frailty %s; horizon age %g or %g months\n",
           o.seed, have_seed ? "" : " (chosen: pass --seed to repeat)", o.npatients,
           p->disease.frailty_variance > 0 ? "on" : "off", p->horizon.age, p->horizon.months);
    if (o.output)
        printf("output %s (trajectories %s)\n", o.output,
               o.traj == NELM_TRAJ_FULL       ? "full"
               : o.traj == NELM_TRAJ_OUTCOMES ? "outcomes"
                                              : "none");
    fputc('\n', stdout);
    nelm_summary_print(stdout, p, o.strategies, r->sum, o.nstrategies, o.reference);
    if (csv && nelm_par_rank() == 0) {
        nelm_cli_out co;
        if (nelm_cli_out_open(&co, csv) != 0) {
            fprintf(stderr, "nelmsim run: cannot write '%s' (%s)\n", csv, strerror(errno));
            rc = EXIT_IO;
            goto out;
        }
        int w =
            nelm_summary_write_csv(co.f, p, o.strategies, r->sum, o.nstrategies, o.reference, &e);
        if (nelm_cli_out_close(&co, w == 0) != 0 || w != 0) {
            fprintf(stderr, "nelmsim run: cannot write '%s'%s%s\n", csv, w ? ": " : "",
                    w ? e.msg : "");
            rc = EXIT_IO;
            goto out;
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "nelmsim run: cannot write the table (%s)\n", strerror(errno));
        rc = EXIT_IO;
    }
out:
    if (r)
        nelm_run_result_free(r);
    free(r);
    free(p);
    free(cmdline);
    return rc;
}

static void
summary_usage(FILE *out)
{
    fputs("usage: nelmsim summary FILE [--csv OUT]\n"
          "\n"
          "Print the summary table of a run file written by nelmsim run -o FILE, recomputed\n"
          "from its per-patient outcomes (the same numbers the run printed).\n"
          "\n"
          "  --csv OUT   also write the table as CSV (one row per strategy)\n",
          out);
}

static int
cmd_summary(int argc, char **argv)
{
    const char *file = NULL, *csv = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            summary_usage(stdout);
            return 0;
        } else if (nelm_cli_is_opt(a, "--csv")) {
            csv = nelm_cli_opt_value(a, "--csv", argc, argv, &i);
            if (csv == NULL || csv[0] == '\0') {
                fprintf(stderr, "nelmsim summary: --csv needs a file name\n");
                return EXIT_USAGE;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "nelmsim summary: unknown option '%s' (see nelmsim summary --help)\n",
                    a);
            return EXIT_USAGE;
        } else if (file == NULL) {
            file = a;
        } else {
            fprintf(stderr, "nelmsim summary: one file only (got '%s' and '%s')\n", file, a);
            return EXIT_USAGE;
        }
    }
    if (file == NULL) {
        summary_usage(stderr);
        return EXIT_USAGE;
    }
    nelm_runfile *rf = nelm_calloc(1, sizeof *rf);
    nelm_err e = {0};
    int rc = 0;
    if (rf == NULL) {
        fprintf(stderr, "nelmsim summary: out of memory\n");
        return EXIT_INVALID;
    }
    if (nelm_runfile_summary(file, rf, &e) != 0) {
        fprintf(stderr, "nelmsim summary: %s\n", e.msg);
        rc = nelm_cli_exit_for(e.code);
        goto out;
    }
    printf("nelmsim summary of %s (seed %" PRIu64 ")\n\n", file, rf->seed);
    nelm_summary_print(stdout, rf->p, rf->strategies, rf->sum, rf->nstrategies, rf->reference);
    if (csv) {
        nelm_cli_out co;
        int w = -1;
        if (nelm_cli_out_open(&co, csv) == 0) {
            w = nelm_summary_write_csv(co.f, rf->p, rf->strategies, rf->sum, rf->nstrategies,
                                       rf->reference, &e);
            if (nelm_cli_out_close(&co, w == 0) != 0)
                w = -1;
        }
        if (w != 0) {
            fprintf(stderr, "nelmsim summary: cannot write '%s'\n", csv);
            rc = EXIT_IO;
        }
    }
    if (fflush(stdout) != 0)
        rc = EXIT_IO;
out:
    nelm_runfile_free(rf);
    free(rf);
    return rc;
}

static int dispatch(int argc, char **argv);

/* Under MPI (mpirun -n R nelmsim ...; par.h) every rank runs run, sweep and
 * psa together, and only rank 0 prints (the ranks agree on every error, so
 * rank 0's line is every rank's); the other commands run on rank 0 alone,
 * and every rank exits with its status. */
int
main(int argc, char **argv)
{
    /* HDF5's own clean-up at exit touches files a failed write left
     * half-closed (and crashed, after a full disk): our code closes what it
     * opened, so HDF5 need not */
    H5dont_atexit();
    if (nelm_par_init(&argc, &argv) != 0)
        return EXIT_IO;
    int rank = nelm_par_rank();
    if (rank != 0) {
        int fd = dup(2);
        FILE *keep = fd >= 0 ? fdopen(fd, "w") : NULL;
        nelm_bug_stream(keep); /* internal errors still reach the terminal */
        if (freopen("/dev/null", "w", stdout) == NULL || freopen("/dev/null", "w", stderr) == NULL)
            return EXIT_IO;
    }
    int rc;
    const char *cmd = argc > 1 ? argv[1] : "";
    bool together = strcmp(cmd, "run") == 0 || strcmp(cmd, "sweep") == 0 || strcmp(cmd, "psa") == 0;
    if (together || rank == 0)
        rc = dispatch(argc, argv);
    else
        rc = 0;
    if (!together)
        nelm_par_bcast(&rc, sizeof rc);
    /* a full or closed standard output is a failed write too */
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == 0) { /* else reported already */
        if (rank == 0)
            fprintf(stderr, "nelmsim: cannot write to standard output (%s)\n", strerror(errno));
        rc = EXIT_IO;
    }
    nelm_par_finalize();
    return rc;
}

static int
dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        version();
        return 0;
    }
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2, argc, argv);
    if (strcmp(cmd, "summary") == 0)
        return cmd_summary(argc - 2, argv + 2);
    if (strcmp(cmd, "sweep") == 0)
        return nelm_cli_scen(NELM_SCEN_SWEEP, argc - 2, argv + 2, argc, argv);
    if (strcmp(cmd, "psa") == 0)
        return nelm_cli_scen(NELM_SCEN_PSA, argc - 2, argv + 2, argc, argv);
    if (strcmp(cmd, "merge") == 0)
        return nelm_cli_merge(argc - 2, argv + 2, argc, argv);
    if (strcmp(cmd, "targets") == 0)
        return nelm_cli_targets(argc - 2, argv + 2, argc, argv);
    fprintf(stderr, "nelmsim: unknown or not yet available command '%s' (see nelmsim --help)\n",
            cmd);
    return EXIT_USAGE;
}
