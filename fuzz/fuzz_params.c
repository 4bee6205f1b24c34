/* fuzz_params.c — libFuzzer harness for the parameter loader (issue #10).
 *
 * The first byte chooses what the rest is:
 *   even: a parameter file (YAML text, named "fuzz.yaml" in the working
 *         directory, so relative includes resolve there); when it loads, the
 *         resolved parameters are echoed and loaded back, and must give the
 *         same echo (DESIGN §5: the echo loads back to the identical model);
 *   odd:  up to 16 `--set PATH=VALUE` overrides, one per line, applied to
 *         the built-in default model.
 * When a model loads, each of its distributions is also drawn from and
 * evaluated at extreme points and hazard ratios (finite, in range).
 * Any error must be one line with a code; anything else (a crash, a leak,
 * undefined behaviour, an error without a message, a NaN) is a finding. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static nelm_params P, Q; /* large: not on the stack */

/* An error is one line: a message, no newline. */
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

static char *
dump(const nelm_params *p, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (f == NULL)
        abort();
    nelm_params_dump(f, p);
    fclose(f);
    return buf;
}

static void
roundtrip(void)
{
    size_t n1 = 0, n2 = 0;
    char *y1 = dump(&P, &n1);
    nelm_err e = {0};
    int ret = nelm_params_load_string(&Q, y1, n1, "echo.yaml", NULL, 0, &e);
    if (ret != 0) {
        fprintf(stderr, "the echo does not load back: %s\n---\n%s\n", e.msg, y1);
        abort();
    }
    char *y2 = dump(&Q, &n2);
    if (n1 != n2 || memcmp(y1, y2, n1) != 0) {
        fprintf(stderr, "the echo of the echo differs\n---\n%s\n---\n%s\n", y1, y2);
        abort();
    }
    free(y1);
    free(y2);
}

/* A loaded distribution behaves at the extremes: draws finite and > 0 (or
 * no event) for hazard ratios 1e-3 .. 1e3 cubed, S in [0, 1], H >= 0. */
static void
check_dist(const nelm_dist *d, const char *what)
{
    static const double u[] = {1e-300, 0x1p-32, 0.5, 1 - 0x1p-32, 1 - 0x1p-53};
    static const double hr[] = {1e-9, 1e-3, 1, 1e3, 1e9};
    static const double t[] = {1e-300, 1e-3, 1, 120, 1e300};
    if (d->family == NELM_DIST_NFAMILIES || d->per_month == 0)
        return; /* not set (an optional distribution left out) */
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
        for (size_t j = 0; j < sizeof hr / sizeof hr[0]; j++) {
            nelm_mod m = {0.0, 1.0, hr[j]};
            double x = -1;
            if (nelm_dist_draw(d, &m, u[i], &x) && !(isfinite(x) && x > 0)) {
                fprintf(stderr, "%s: draw(u %g, HR %g) = %g\n", what, u[i], hr[j], x);
                abort();
            }
        }
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        double sv = nelm_dist_surv(d, t[i]), h = nelm_dist_cumhaz(d, t[i]);
        if (!(sv >= 0 && sv <= 1) || !(h >= 0)) {
            fprintf(stderr, "%s: S(%g) = %g, H = %g\n", what, t[i], sv, h);
            abort();
        }
    }
}

static void
check_dists(const nelm_params *p)
{
    check_dist(&p->disease.death_controlled, "disease.death_controlled");
    check_dist(&p->disease.death_progressed, "disease.death_progressed");
    if (p->disease.has_untreated)
        check_dist(&p->disease.untreated_progression, "disease.untreated_progression");
    for (size_t i = 0; i < p->nmodalities; i++) {
        const nelm_modality *m = &p->modalities[i];
        check_dist(&m->ttp, m->name);
        if (m->has_toxicity)
            check_dist(&m->toxicity, m->name);
        if (m->kind == NELM_KIND_TRANSPLANT) {
            check_dist(&m->transplant.wait, m->name);
            check_dist(&m->transplant.wait_progression, m->name);
        }
        if (m->kind == NELM_KIND_PRRT) {
            check_dist(&m->prrt.late_onset, m->name);
            check_dist(&m->prrt.late_death, m->name);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    nelm_err e = {0};
    int ret;
    if ((data[0] & 1u) == 0) {
        ret = nelm_params_load_string(&P, text, len, "fuzz.yaml", NULL, 0, &e);
    } else {
        /* overrides: one per line (NUL-terminated copies) */
        char *copy = malloc(len + 1);
        if (copy == NULL)
            return 0;
        memcpy(copy, text, len);
        copy[len] = '\0';
        const char *sets[16];
        size_t n = 0;
        for (char *s = copy; s != NULL && n < 16;) {
            char *nl = strchr(s, '\n');
            if (nl != NULL)
                *nl = '\0';
            sets[n++] = s;
            s = nl != NULL ? nl + 1 : NULL;
        }
        ret = nelm_params_load(&P, NULL, sets, n, &e);
        free(copy);
    }
    check_error(ret, &e);
    if (ret == 0) {
        check_dists(&P);
        roundtrip();
    }
    return 0;
}
