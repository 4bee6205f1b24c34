/* main.c — the nelmsim command line (DESIGN §9).
 *
 * Exit status: 0 success, 1 usage, 2 invalid input, 3 I/O failure. */
#include <hdf5.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "build_info.h"
#include "params.h"

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
          "  check [PARAMS.yaml]   validate parameters (default: the built-in model)\n"
          "  help                  show this help\n"
          "  version               show version, git revision and build flags\n"
          "\n"
          "run, sweep, psa, merge, summary and targets arrive with the clinical engine.\n"
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
    fprintf(stderr, "nelmsim: unknown or not yet available command '%s' (see nelmsim --help)\n",
            cmd);
    return EXIT_USAGE;
}
