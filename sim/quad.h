/* quad.h — adaptive Gauss–Kronrod integration of smooth or mildly singular
 * functions on a finite interval, for restricted means and similar
 * integrals. No allocation: at most NELM_QUAD_MAX_PANELS panels on the stack. */
#ifndef NELM_QUAD_H
#define NELM_QUAD_H

#include <stddef.h>

#define NELM_QUAD_MAX_PANELS 500

/** Integrand: f(ctx, x). */
typedef double (*nelm_quad_fn)(const void *ctx, double x);

/** ∫ f over [pts[0], pts[npts-1]], with the npts - 1 intervals between the
 *  increasing break points as the first panels (put points where f bends
 *  sharply or has a kink). Global adaptive bisection of the panel with the
 *  largest error estimate (G7/K15 with QUADPACK's error scaling) until the
 *  summed estimate is at most rel_tol of the total, the estimates reach
 *  round-off, or the panel budget is spent. npts >= 2. */
double nelm_quad(nelm_quad_fn f, const void *ctx, const double *pts, size_t npts, double rel_tol);

#endif
