/* quad.c — adaptive Gauss–Kronrod integration (see quad.h). */
#include "quad.h"

#include <float.h>
#include <math.h>

#include "error.h"

/* Gauss–Kronrod 7/15 nodes and weights (Kronrod 1965; standard tables). */
static const double gk_x[8] = {
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245, 0.000000000000000000000000000000000};
static const double gk_wk[8] = {
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
static const double gk_wg[4] = {
    0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
    0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

/* One Gauss–Kronrod 15-point panel on [a, b]. The error estimate is the
 * QUADPACK one (Piessens et al. 1983): |K15 - G7| scaled by the panel's
 * variation, floored at the round-off of the panel's value. */
typedef struct panel {
    double a, b, v, err;
} panel;

static panel
gk15(nelm_quad_fn f, const void *ctx, double a, double b)
{
    double mid = 0.5 * (a + b), half = 0.5 * (b - a);
    double fv[15];
    fv[7] = f(ctx, mid);
    for (int j = 0; j < 7; j++) {
        double dx = half * gk_x[j];
        fv[j] = f(ctx, mid - dx);
        fv[14 - j] = f(ctx, mid + dx);
    }
    double k = fv[7] * gk_wk[7], g = fv[7] * gk_wg[3];
    for (int j = 0; j < 7; j++) {
        k += gk_wk[j] * (fv[j] + fv[14 - j]);
        if (j % 2 == 1)
            g += gk_wg[j / 2] * (fv[j] + fv[14 - j]);
    }
    double mean = 0.5 * k, asc = gk_wk[7] * fabs(fv[7] - mean);
    for (int j = 0; j < 7; j++)
        asc += gk_wk[j] * (fabs(fv[j] - mean) + fabs(fv[14 - j] - mean));
    asc *= fabs(half);
    double err = fabs((k - g) * half);
    if (asc > 0 && err > 0)
        err = asc * fmin(1.0, pow(200.0 * err / asc, 1.5));
    double v = k * half;
    /* below this the estimate is round-off */
    if (err < 50.0 * DBL_EPSILON * fabs(v))
        err = 0.0;
    panel p = {a, b, v, err};
    return p;
}

double
nelm_quad(nelm_quad_fn f, const void *ctx, const double *pts, size_t npts, double rel_tol)
{
    nelm_bug_assert(npts >= 2 && npts - 1 <= NELM_QUAD_MAX_PANELS);
    panel pan[NELM_QUAD_MAX_PANELS];
    size_t n = 0;
    for (size_t i = 0; i + 1 < npts; i++)
        pan[n++] = gk15(f, ctx, pts[i], pts[i + 1]);
    for (;;) {
        double total = 0, err = 0;
        size_t worst = 0;
        for (size_t i = 0; i < n; i++) {
            total += pan[i].v;
            err += pan[i].err;
            if (pan[i].err > pan[worst].err)
                worst = i;
        }
        if (err <= rel_tol * fabs(total) || n + 1 > NELM_QUAD_MAX_PANELS || pan[worst].err == 0.0)
            return total;
        double a = pan[worst].a, b = pan[worst].b, m = 0.5 * (a + b);
        if (!(m > a && m < b)) { /* cannot split further */
            pan[worst].err = 0.0;
            continue;
        }
        pan[worst] = gk15(f, ctx, a, m);
        pan[n++] = gk15(f, ctx, m, b);
    }
}
