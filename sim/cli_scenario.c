/* cli_scenario.c — the commands sweep, psa and merge (DESIGN §6, §9). */
#define _POSIX_C_SOURCE 200809L /* fileno, isatty */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "cli.h"
#include "par.h"
#include "merge.h"
#include "run.h"
#include "scenario.h"

static void
scen_usage(FILE *out, nelm_scen_kind kind)
{
    if (kind == NELM_SCEN_SWEEP)
        fputs("usage: nelmsim sweep SPEC.yaml [-o FILE] [-n PATIENTS] [--seed SEED] [options]\n"
              "\n"
              "Run every scenario of a sweep: the model with each point's values (a grid of\n"
              "every combination, or zipped lists), each validated like a parameter file\n"
              "before anything is simulated, each simulating the same patients. Prints mean\n"
              "OS per scenario and strategy; -o writes the scenario table and the stacked\n"
              "summary tables (scenario and strategy as columns) to HDF5.\n",
              out);
    else
        fputs("usage: nelmsim psa SPEC.yaml --draws K [-o FILE] [-n PATIENTS] [--seed SEED] "
              "[options]\n"
              "\n"
              "Probabilistic sensitivity analysis: K draws of the spec's uncertain\n"
              "parameters (beta, lognormal, gamma, normal, uniform, fixed; optionally\n"
              "correlated), draw k keyed by (seed, k, parameter path), each simulating the\n"
              "same patients. Prints each strategy's mean OS over the draws, its spread, and\n"
              "the share of that spread which is Monte Carlo noise from the patients per\n"
              "draw.\n"
              "\n"
              "  --draws K             number of draws (1 to 1000000)\n",
              out);
    fputs("\n"
          "  -n, --patients N      patients per scenario (default 20000)\n"
          "  --seed SEED           run seed (default: chosen and printed)\n"
          "  -o, --output FILE     HDF5 output (an existing file is an error unless --force)\n"
          "  --shard I/N           run the I-th of N slices of the scenarios (1 <= I <= N);\n"
          "                        a complete shard file of the same run is left as it is\n"
          "  --trajectories MODE   per-patient tables in the file too, with a scenario column:\n"
          "                        outcomes (patients, outcomes, lines) or full (and every\n"
          "                        event); default none (summaries only)\n"
          "  --strategy NAME       simulate this strategy (repeatable; default: all)\n"
          "  --reference NAME      reference for paired differences (default: the first)\n"
          "  --tau MONTHS          restricted mean horizon (default 120)\n"
          "  --threads N           OpenMP threads (results do not depend on it)\n"
          "  --force               replace an existing output\n"
          "  -q, --quiet           no progress on stderr\n",
          out);
}

int
nelm_cli_scen(int kind_, int argc, char **argv, int full_argc, char **full_argv)
{
    nelm_scen_kind kind = (nelm_scen_kind)kind_;
    const char *cmd = kind == NELM_SCEN_SWEEP ? "sweep" : "psa";
    const char *file = NULL;
    bool have_draws = false;
    nelm_scen_opts o;
    memset(&o, 0, sizeof o);
    nelm_cli_common c;
    memset(&c, 0, sizeof c);
    c.npatients = 20000;
    c.tau = 120;
    c.traj = NELM_TRAJ_NONE;
    c.shard = c.nshards = 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int taken = nelm_cli_common_opt(cmd, &c, argc, argv, &i);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken > 0)
            continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            scen_usage(stdout, kind);
            return 0;
        } else if (kind == NELM_SCEN_PSA && nelm_cli_is_opt(a, "--draws")) {
            const char *v = nelm_cli_opt_value(a, "--draws", argc, argv, &i);
            if (!nelm_cli_parse_u64(v, NELM_SCEN_MAX, &o.ndraws) || o.ndraws == 0) {
                fprintf(stderr, "nelmsim psa: --draws needs a number from 1 to %d (got '%s')\n",
                        NELM_SCEN_MAX, v ? v : "");
                return EXIT_USAGE;
            }
            have_draws = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "nelmsim %s: unknown option '%s' (see nelmsim %s --help)\n", cmd, a,
                    cmd);
            return EXIT_USAGE;
        } else if (file == NULL) {
            file = a;
        } else {
            fprintf(stderr, "nelmsim %s: one spec file only (got '%s' and '%s')\n", cmd, file, a);
            return EXIT_USAGE;
        }
    }
    if (file == NULL) {
        scen_usage(stderr, kind);
        return EXIT_USAGE;
    }
    if (kind == NELM_SCEN_PSA && !have_draws) {
        fprintf(stderr, "nelmsim psa: --draws K is required (the number of parameter draws)\n");
        return EXIT_USAGE;
    }
    if (c.nshards > 1 && c.output == NULL) {
        fprintf(stderr, "nelmsim %s: --shard needs -o FILE (the shard's file)\n", cmd);
        return EXIT_USAGE;
    }
    if (c.nshards > 1 && !c.have_seed) {
        fprintf(stderr, "nelmsim %s: --shard needs --seed (every shard of a run uses the same)\n",
                cmd);
        return EXIT_USAGE;
    }
    o.npatients = c.npatients;
    o.seed = c.have_seed ? c.seed : nelm_cli_choose_seed();
    nelm_par_bcast(&o.seed, sizeof o.seed); /* under MPI: rank 0's */
    o.tau = c.tau;
    o.traj = c.traj;
    o.output = c.output;
    o.force = c.force;
    o.reference = c.reference;
    o.strategy_names = c.names;
    o.nnames = c.nnames;
    o.deflate_level = 4;
    o.shard = (uint32_t)(c.shard - 1);
    o.nshards = (uint32_t)c.nshards;
    o.threads = (int)c.threads;
    o.progress = !c.quiet && isatty(fileno(stderr));
    o.stop = &nelm_cli_stop;
    char *cmdline = nelm_cli_join_args(full_argc, full_argv);
    nelm_scen_spec spec;
    nelm_err e = {0};
    int rc = 0;
    if (cmdline == NULL) {
        fprintf(stderr, "nelmsim %s: out of memory\n", cmd);
        return EXIT_INVALID;
    }
    o.command_line = cmdline;
    if (nelm_scen_load(&spec, kind, file, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        free(cmdline);
        return nelm_cli_exit_for(e.code);
    }
    if (!c.have_seed)
        printf("seed %" PRIu64 " (chosen: pass --seed to repeat)\n", o.seed);
    nelm_cli_catch_signals();
    if (nelm_scen_run(&spec, &o, stdout, &e) != 0) {
        if (e.code == NELM_ERR_PARAM) /* already "file:line:col: key: what" */
            fprintf(stderr, "%s\n", e.msg);
        else
            fprintf(stderr, "nelmsim %s: %s\n", cmd, e.msg);
        rc = nelm_cli_exit_for_run(&e);
    } else if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "nelmsim %s: cannot write the table\n", cmd);
        rc = EXIT_IO;
    }
    nelm_scen_free(&spec);
    free(cmdline);
    return rc;
}

static void
merge_usage(FILE *out)
{
    fputs("usage: nelmsim merge SHARD.h5... -o FILE [--force]\n"
          "\n"
          "Merge the files of nelmsim run|sweep|psa --shard I/N (every shard once, any order)\n"
          "into the file one process would have written. Refuses unfinished shards, shards of\n"
          "different runs (their run fingerprints differ: parameters, spec, seed, sizes or\n"
          "version) and incomplete sets, naming the missing shards.\n"
          "\n"
          "  -o, --output FILE   the merged file (an existing one is an error unless --force)\n"
          "  --force             replace an existing output\n",
          out);
}

int
nelm_cli_merge(int argc, char **argv, int full_argc, char **full_argv)
{
    const char *output = NULL;
    bool force = false;
    const char **files = nelm_calloc((size_t)argc + 1, sizeof *files);
    size_t n = 0;
    if (files == NULL) {
        fprintf(stderr, "nelmsim merge: out of memory\n");
        return EXIT_INVALID;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            merge_usage(stdout);
            free(files);
            return 0;
        } else if (strcmp(a, "--force") == 0) {
            force = true;
        } else if (strcmp(a, "-o") == 0 || nelm_cli_is_opt(a, "--output")) {
            output = nelm_cli_opt_value(a, "--output", argc, argv, &i);
            if (output == NULL || output[0] == '\0') {
                fprintf(stderr, "nelmsim merge: -o needs a file name\n");
                free(files);
                return EXIT_USAGE;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "nelmsim merge: unknown option '%s' (see nelmsim merge --help)\n", a);
            free(files);
            return EXIT_USAGE;
        } else {
            files[n++] = a;
        }
    }
    if (n == 0 || output == NULL) {
        merge_usage(stderr);
        free(files);
        return EXIT_USAGE;
    }
    char *cmdline = nelm_cli_join_args(full_argc, full_argv);
    nelm_err e = {0};
    int rc = 0;
    if (nelm_merge(files, n, output, force, 4, cmdline, &e) != 0) {
        fprintf(stderr, "nelmsim merge: %s\n", e.msg);
        rc = nelm_cli_exit_for(e.code);
    } else {
        printf("merged %zu shards into %s\n", n, output);
    }
    free(cmdline);
    free(files);
    return rc;
}
