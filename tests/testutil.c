/* testutil.c — helpers shared by the cmocka test programs. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void
nelm_t_assert_close_rel(double a, double b, double tol, const char *what, const char *file,
                        int line)
{
    if (isinf(b) || isnan(b)) {
        if (a == b || (isnan(a) && isnan(b)))
            return;
    } else {
        double scale = fabs(b) > 1e-300 ? fabs(b) : 1e-300;
        if (fabs(a - b) <= tol * scale)
            return;
    }
    print_error("%s = %.17g, expected %.17g (relative tolerance %g, off by %.3g)\n", what, a, b,
                tol, fabs(a - b) / (fabs(b) > 0 ? fabs(b) : 1.0));
    _fail(file, line);
}

char *
nelm_t_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 65536;
            char *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got < 4096)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

const char *
nelm_t_data_path(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", NELM_TEST_DATA_DIR, name);
    return path;
}
