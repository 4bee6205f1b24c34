/* main.c — the nelmsim command line. */
#include <hdf5.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "build_info.h"

static void
usage(FILE *out)
{
    fputs("usage: nelmsim COMMAND [OPTIONS]\n"
          "\n"
          "Monte Carlo outcome simulator for neuroendocrine liver metastases.\n"
          "\n"
          "options:\n"
          "  --help      show this help\n"
          "  --version   show version, git revision and build flags\n"
          "\n"
          "The commands run, sweep, psa, merge, check, summary and targets arrive\n"
          "with the clinical engine; this build provides the random-number and\n"
          "survival-distribution libraries and their tests.\n",
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

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        version();
        return 0;
    }
    fprintf(stderr, "nelmsim: unknown or not yet available command '%s' (see nelmsim --help)\n",
            argv[1]);
    return 1;
}
