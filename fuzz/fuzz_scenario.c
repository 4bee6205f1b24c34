/* fuzz_scenario.c — libFuzzer harness for the sweep and PSA spec reader
 * (issue #10). The input is a spec file: it is read as a sweep spec and as
 * a PSA spec (nelm_scen_load reads from a path, so the bytes go to an
 * in-memory file, /proc/self/fd/N, or else a file in a private temporary
 * directory). When a spec loads, its first and last points are computed
 * and scenario 0 (the model with the fixed overrides and the point's) is
 * loaded and validated, as `nelmsim sweep` and `nelmsim psa` do before
 * simulating.
 * Any error must be one line with a code; anything else (a crash, a leak,
 * undefined behaviour, an error without a message) is a finding. */
#define _GNU_SOURCE /* memfd_create */

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fd = -1;
static char path[64];
static nelm_params P;

static void
check_error(int ret, const nelm_err *e)
{
    if (ret == 0)
        return;
    if (e->code != ret || e->msg[0] == '\0' || strchr(e->msg, '\n') != NULL) {
        fprintf(stderr, "bad error report: code %d (returned %d), message '%s'\n", e->code, ret,
                e->msg);
        abort();
    }
}

static void
open_file(void)
{
    fd = memfd_create("nelmsim-fuzz-spec", 0);
    if (fd >= 0) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        if (access(path, R_OK) == 0)
            return;
        close(fd);
    }
    char dir[] = "/tmp/nelmsim-fuzz-XXXXXX";
    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(path, sizeof path, "%s/spec.yaml", dir);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        abort();
}

static void
one(nelm_scen_kind kind)
{
    nelm_scen_spec s;
    nelm_err e = {0};
    int ret = nelm_scen_load(&s, kind, path, &e);
    check_error(ret, &e);
    if (ret != 0)
        return;
    uint64_t points[2] = {0, kind == NELM_SCEN_SWEEP ? s.npoints - 1 : 999};
    double num[NELM_SCEN_MAX_PARAMS];
    static char sets[NELM_SCEN_MAX_PARAMS][NELM_SCEN_SET_MAX];
    for (int k = 0; k < 2; k++)
        nelm_scen_point(&s, 7, points[k], num, sets);
    /* scenario 0: the model, the fixed overrides and the point's (the base
     * alone is the same path with fewer overrides) */
    nelm_err e2 = {0};
    check_error(nelm_scen_params(&s, 7, 0, &P, &e2), &e2);
    nelm_scen_free(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0)
        open_file();
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    one(NELM_SCEN_SWEEP);
    one(NELM_SCEN_PSA);
    return 0;
}
