/* econ.c — health-economic arithmetic (see econ.h). */
#include "econ.h"

#include "alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* d = ln(1 + r) per month */
static double
monthly_delta(double r)
{
    return log1p(r) / 12.0;
}

double
nelm_econ_pv_point(double t, double r)
{
    return r == 0 ? 1.0 : exp(-monthly_delta(r) * t);
}

double
nelm_econ_pv_interval(double t0, double t1, double r)
{
    if (!(t1 > t0))
        return 0;
    if (r == 0)
        return t1 - t0;
    double d = monthly_delta(r);
    /* (e^-d t0 - e^-d t1) / d, without cancellation for short intervals */
    if (isinf(t1))
        return exp(-d * t0) / d;
    return -exp(-d * t0) * expm1(-d * (t1 - t0)) / d;
}

double
nelm_econ_pv_steps(double t0, double t1, double r, const double *cut, const double *value, size_t n)
{
    if (!(t1 > t0) || n == 0)
        return 0;
    double pv = 0;
    for (size_t k = 0; k < n; k++) {
        double lo = k == 0 ? -INFINITY : cut[k - 1], hi = k + 1 == n ? INFINITY : cut[k];
        double a = lo > t0 ? lo : t0, b = hi < t1 ? hi : t1;
        if (b > a && value[k] != 0)
            pv += value[k] * nelm_econ_pv_interval(a, b, r);
    }
    return pv;
}

double
nelm_econ_nmb(double cost, double effect, double wtp)
{
    return wtp * effect - cost;
}

/* order: cost up, then effect down, then index */
static int
by_cost(const void *pa, const void *pb)
{
    const nelm_econ_row *a = pa, *b = pb;
    if (a->cost != b->cost)
        return a->cost < b->cost ? -1 : 1;
    if (a->effect != b->effect)
        return a->effect > b->effect ? -1 : 1;
    return a->strategy < b->strategy ? -1 : a->strategy > b->strategy;
}

int
nelm_econ_incremental(const double *cost, const double *effect, size_t n, nelm_econ_row *out,
                      nelm_err *e)
{
    if (n == 0)
        return NELM_FAIL(e, NELM_ERR_PARAM, "incremental analysis: no strategies");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(cost[i]) || !isfinite(effect[i]))
            return NELM_FAIL(e, NELM_ERR_PARAM,
                             "incremental analysis: strategy %zu has a non-finite mean cost or "
                             "effect",
                             i);
    for (size_t i = 0; i < n; i++) {
        nelm_econ_row *r = &out[i];
        r->strategy = i;
        r->cost = cost[i];
        r->effect = effect[i];
        r->status = NELM_ECON_FRONTIER;
        r->inc_cost = r->inc_effect = r->icer = NAN;
        r->vs = n;
    }
    qsort(out, n, sizeof *out, by_cost);
    /* strong dominance: in cost order, a row whose effect does not exceed
     * the best effect of the cheaper (or equally cheap, listed earlier)
     * rows is dominated */
    double best = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        if (out[k].effect <= best)
            out[k].status = NELM_ECON_DOMINATED;
        else
            best = out[k].effect;
    }
    /* extended dominance: on the remaining rows the ICERs must increase;
     * drop the middle of any pair that breaks it and look again */
    for (bool again = true; again;) {
        again = false;
        size_t prev = n, prev2 = n;
        for (size_t k = 0; k < n; k++) {
            if (out[k].status != NELM_ECON_FRONTIER)
                continue;
            if (prev != n && prev2 != n) {
                double i1 =
                    (out[prev].cost - out[prev2].cost) / (out[prev].effect - out[prev2].effect);
                double i2 = (out[k].cost - out[prev].cost) / (out[k].effect - out[prev].effect);
                if (i1 > i2) {
                    out[prev].status = NELM_ECON_EXT_DOMINATED;
                    again = true;
                    break;
                }
            }
            prev2 = prev;
            prev = k;
        }
    }
    size_t prev = n;
    for (size_t k = 0; k < n; k++) {
        if (out[k].status != NELM_ECON_FRONTIER)
            continue;
        if (prev != n) {
            out[k].inc_cost = out[k].cost - out[prev].cost;
            out[k].inc_effect = out[k].effect - out[prev].effect;
            out[k].icer = out[k].inc_cost / out[k].inc_effect;
            out[k].vs = out[prev].strategy;
        }
        prev = k;
    }
    return 0;
}

int
nelm_econ_psa(const double *cost, const double *effect, size_t ndraws, size_t n, const double *wtp,
              size_t nw, double *ceac, size_t *best, double *frontier, double *evpi, nelm_err *e)
{
    if (ndraws == 0 || n == 0)
        return NELM_FAIL(e, NELM_ERR_PARAM, "PSA economics: %zu draws of %zu strategies", ndraws,
                         n);
    for (size_t q = 0; q < ndraws * n; q++)
        if (!isfinite(cost[q]) || !isfinite(effect[q]))
            return NELM_FAIL(e, NELM_ERR_PARAM,
                             "PSA economics: draw %zu, strategy %zu: non-finite cost or effect",
                             q / n, q % n);
    for (size_t j = 0; j < nw; j++)
        if (!isfinite(wtp[j]))
            return NELM_FAIL(e, NELM_ERR_PARAM, "PSA economics: willingness to pay %zu is %g", j,
                             wtp[j]);
    double *mean = nelm_malloc(n * sizeof *mean);
    size_t *wins = nelm_malloc(n * sizeof *wins);
    if (mean == NULL || wins == NULL) {
        free(mean);
        free(wins);
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (PSA economics)");
    }
    for (size_t j = 0; j < nw; j++) {
        memset(wins, 0, n * sizeof *wins);
        for (size_t i = 0; i < n; i++)
            mean[i] = 0;
        double sum_max = 0;
        for (size_t k = 0; k < ndraws; k++) {
            size_t arg = 0;
            double top = -INFINITY;
            for (size_t i = 0; i < n; i++) {
                double v = nelm_econ_nmb(cost[k * n + i], effect[k * n + i], wtp[j]);
                mean[i] += v;
                if (v > top) {
                    top = v;
                    arg = i;
                }
            }
            wins[arg]++;
            sum_max += top;
        }
        size_t arg = 0;
        for (size_t i = 0; i < n; i++) {
            mean[i] /= (double)ndraws;
            if (mean[i] > mean[arg])
                arg = i;
            if (ceac)
                ceac[j * n + i] = (double)wins[i] / (double)ndraws;
        }
        if (best)
            best[j] = arg;
        if (frontier)
            frontier[j] = (double)wins[arg] / (double)ndraws;
        if (evpi) {
            double v = sum_max / (double)ndraws - mean[arg];
            evpi[j] = v > 0 ? v : 0; /* >= 0 exactly; rounding may leave -1e-12 */
        }
    }
    free(mean);
    free(wins);
    return 0;
}
