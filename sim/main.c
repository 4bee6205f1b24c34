/* main.c — the nelmsim command line (DESIGN §9).
 *
 * Exit status: 0 success, 1 usage, 2 invalid input, 3 I/O failure. */
#include <errno.h>
#include <hdf5.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "build_info.h"
#include "cohort.h"
#include "engine.h"
#include "params.h"
#include "summary.h"

enum { EXIT_USAGE = 1, EXIT_INVALID = 2, EXIT_IO = 3 };

#define MAX_SETS 256

static void
usage(FILE *out)
{
    fputs("usage: nelmsim COMMAND [OPTIONS]\n"
          "\n"
          "Monte Carlo outcome simulator for neuroendocrine liver metastases.\n"
          "\n"
          "commands:\n"
          "  run [PARAMS.yaml]     simulate every strategy and print the summary table\n"
          "  check [PARAMS.yaml]   validate parameters (default: the built-in model)\n"
          "  help                  show this help\n"
          "  version               show version, git revision and build flags\n"
          "\n"
          "sweep, psa, merge, summary and targets are not available yet.\n"
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
exit_for(int code)
{
    if (code == NELM_ERR_IO)
        return EXIT_IO;
    if (code == NELM_ERR_USAGE)
        return EXIT_USAGE;
    return EXIT_INVALID;
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
        return exit_for(e.code);
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
    fputs("usage: nelmsim run [PARAMS.yaml] [-n PATIENTS] [--seed SEED] [--strategy NAME]...\n"
          "                   [--set PATH=VALUE]... [--quiet]\n"
          "\n"
          "Simulate PATIENTS patients (default 100000) under every strategy of the model\n"
          "(default: the built-in model) or the named ones, and print per strategy: median\n"
          "OS with its Monte Carlo interval, mean OS with its Monte Carlo standard error,\n"
          "OS at 1, 3, 5 and 10 years, median PFS of the first line, mean lines, the share\n"
          "receiving each modality and the causes of death. Every strategy sees the same\n"
          "patients (common random numbers). The same seed gives the same result; without\n"
          "--seed one is chosen and printed.\n"
          "\n"
          "  -n, --patients N   patients (1 to 100000000)\n"
          "  --seed SEED        run seed (0 to 2^64-1)\n"
          "  --strategy NAME    simulate this strategy (repeatable; default: all)\n"
          "  --set PATH=VALUE   override a parameter (repeatable)\n"
          "  --quiet            no progress on stderr\n",
          out);
}

static bool
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = (uint64_t)v;
    return true;
}

static uint64_t
choose_seed(void)
{
    uint64_t s = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        if (fread(&s, sizeof s, 1, f) != 1)
            s = 0;
        fclose(f);
    }
    if (s == 0)
        s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    return s >> 1; /* printable and re-enterable as a decimal */
}

#define MAX_PATIENTS 100000000u

static int
cmd_run(int argc, char **argv)
{
    const char *file = NULL;
    const char *sets[MAX_SETS] = {NULL};
    const char *names[NELM_MAX_STRATEGIES];
    size_t nsets = 0, nnames = 0;
    uint64_t npatients = 100000, seed = 0;
    bool have_seed = false, quiet = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            run_usage(stdout);
            return 0;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            quiet = true;
        } else if (strcmp(a, "-n") == 0 || strcmp(a, "--patients") == 0 ||
                   strncmp(a, "--patients=", 11) == 0) {
            v = strncmp(a, "--patients=", 11) == 0 ? a + 11 : (i + 1 < argc ? argv[++i] : NULL);
            if (!parse_u64(v, MAX_PATIENTS, &npatients) || npatients == 0) {
                fprintf(stderr,
                        "nelmsim run: -n needs a number of patients from 1 to %u "
                        "(got '%s')\n",
                        MAX_PATIENTS, v ? v : "");
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--seed") == 0 || strncmp(a, "--seed=", 7) == 0) {
            v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
            if (!parse_u64(v, UINT64_MAX, &seed)) {
                fprintf(stderr,
                        "nelmsim run: --seed needs a number from 0 to 2^64-1 (got "
                        "'%s')\n",
                        v ? v : "");
                return EXIT_USAGE;
            }
            have_seed = true;
        } else if (strcmp(a, "--strategy") == 0 || strncmp(a, "--strategy=", 11) == 0) {
            v = a[10] == '=' ? a + 11 : (i + 1 < argc ? argv[++i] : NULL);
            if (v == NULL || nnames == NELM_MAX_STRATEGIES) {
                fprintf(stderr, "nelmsim run: --strategy needs a name (at most %d)\n",
                        NELM_MAX_STRATEGIES);
                return EXIT_USAGE;
            }
            names[nnames++] = v;
        } else if (strcmp(a, "--set") == 0 || strncmp(a, "--set=", 6) == 0) {
            v = a[5] == '=' ? a + 6 : (i + 1 < argc ? argv[++i] : NULL);
            if (v == NULL || nsets == MAX_SETS) {
                fprintf(stderr, "nelmsim run: --set needs PATH=VALUE (at most %d)\n", MAX_SETS);
                return EXIT_USAGE;
            }
            sets[nsets++] = v;
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

    nelm_params *p = calloc(1, sizeof *p);
    nelm_summary_acc *acc = NULL;
    nelm_summary *sum = NULL;
    size_t chosen[NELM_MAX_STRATEGIES], nchosen = 0;
    nelm_err e = {0};
    int rc = 0;
    if (p == NULL) {
        fprintf(stderr, "nelmsim run: out of memory\n");
        return EXIT_INVALID;
    }
    if (nelm_params_load(p, file, sets, nsets, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        rc = exit_for(e.code);
        goto out;
    }
    const char *model_name = file ? file : "built-in default model (" NELM_DEFAULT_MODEL ")";
    if (p->nstrategies == 0) {
        fprintf(stderr, "%s: no strategies defined (add a strategies: section)\n", model_name);
        rc = EXIT_INVALID;
        goto out;
    }
    for (size_t i = 0; i < nnames; i++) {
        size_t j = 0;
        while (j < p->nstrategies && strcmp(p->strategies[j].name, names[i]) != 0)
            j++;
        if (j == p->nstrategies) {
            fprintf(stderr, "nelmsim run: --strategy: no strategy '%s' in %s (defined:", names[i],
                    model_name);
            for (size_t k = 0; k < p->nstrategies; k++)
                fprintf(stderr, "%s %s", k ? "," : "", p->strategies[k].name);
            fputs(")\n", stderr);
            rc = EXIT_USAGE;
            goto out;
        }
        bool dup = false;
        for (size_t k = 0; k < nchosen; k++)
            dup = dup || chosen[k] == j;
        if (!dup)
            chosen[nchosen++] = j;
    }
    if (nnames == 0)
        for (size_t j = 0; j < p->nstrategies; j++)
            chosen[nchosen++] = j;
    if (!have_seed)
        seed = choose_seed();

    nelm_model model;
    if (nelm_model_init(&model, p, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        rc = exit_for(e.code);
        goto out;
    }
    acc = calloc(nchosen, sizeof *acc);
    sum = calloc(nchosen, sizeof *sum);
    if (acc == NULL || sum == NULL) {
        fprintf(stderr, "nelmsim run: out of memory\n");
        rc = EXIT_INVALID;
        goto out;
    }
    for (size_t k = 0; k < nchosen; k++)
        if (nelm_summary_acc_init(&acc[k], (size_t)npatients, &e) != 0) {
            fprintf(stderr, "nelmsim run: %s\n", e.msg);
            rc = EXIT_INVALID;
            goto out;
        }
    bool progress = !quiet && isatty(fileno(stderr));
    uint64_t step = npatients / 100 ? npatients / 100 : 1;
    for (uint64_t i = 0; i < npatients; i++) {
        nelm_patient pt;
        if (nelm_cohort_sample(&p->cohort, seed, i, &pt, &e) != 0) {
            fprintf(stderr, "%s\n", e.msg);
            rc = exit_for(e.code);
            goto out;
        }
        for (size_t k = 0; k < nchosen; k++) {
            nelm_outcome o;
            nelm_simulate(&model, chosen[k], seed, &pt, &o, NULL);
            if (nelm_summary_acc_add(&acc[k], &o, &e) != 0) {
                fprintf(stderr, "nelmsim run: %s\n", e.msg);
                rc = EXIT_INVALID;
                goto out;
            }
        }
        if (progress && (i + 1) % step == 0)
            fprintf(stderr, "\rsimulating: %3" PRIu64 " %%", (i + 1) * 100 / npatients);
    }
    if (progress)
        fputs("\r                \r", stderr);
    for (size_t k = 0; k < nchosen; k++)
        if (nelm_summary_compute(&acc[k], &sum[k], &e) != 0) {
            fprintf(stderr, "nelmsim run: %s\n", e.msg);
            rc = EXIT_INVALID;
            goto out;
        }
    printf("nelmsim %s: %s\n", NELM_VERSION, model_name);
    printf("seed %" PRIu64 "%s; %" PRIu64 " patients per strategy (the same patients under "
           "each); frailty %s; horizon age %g or %g months\n\n",
           seed, have_seed ? "" : " (chosen: pass --seed to repeat)", npatients,
           p->disease.frailty_variance > 0 ? "on" : "off", p->horizon.age, p->horizon.months);
    nelm_summary_print(stdout, p, chosen, sum, nchosen);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "nelmsim run: cannot write the table (%s)\n", strerror(errno));
        rc = EXIT_IO;
    }
out:
    for (size_t k = 0; acc && k < nchosen; k++)
        nelm_summary_acc_free(&acc[k]);
    free(acc);
    free(sum);
    free(p);
    return rc;
}

int
main(int argc, char **argv)
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
        return cmd_run(argc - 2, argv + 2);
    fprintf(stderr, "nelmsim: unknown or not yet available command '%s' (see nelmsim --help)\n",
            cmd);
    return EXIT_USAGE;
}
