/* cox.c — one-covariate Cox partial likelihood by Newton–Raphson (see cox.h). */
#include "cox.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "alloc.h"

typedef struct subj {
    double t, x;
    uint8_t ev;
} subj;

/* by time, latest first (risk sets then grow as the scan goes on) */
static int
by_time_desc(const void *a, const void *b)
{
    double ta = ((const subj *)a)->t, tb = ((const subj *)b)->t;
    return (ta < tb) - (ta > tb);
}

/* Log partial likelihood, score and information at beta. The subjects are
 * sorted by time, latest first; each distinct time adds its subjects to the
 * risk-set sums S0, S1, S2 (sum of w, w x, w x^2 with w = exp(beta x)), then
 * takes its events: Efron removes the l-th fraction l/d of the tied events'
 * own sums for the l-th of d tied events, Breslow nothing. */
static void
evaluate(const subj *s, size_t n, double beta, nelm_cox_ties ties, double *ll, double *u,
         double *info)
{
    double S0 = 0, S1 = 0, S2 = 0, L = 0, U = 0, I = 0;
    size_t i = 0;
    while (i < n) {
        double t = s[i].t, d0 = 0, d1 = 0, d2 = 0, xsum = 0;
        size_t d = 0, j = i;
        for (; j < n && s[j].t == t; j++) {
            double x = s[j].x, w = exp(beta * x);
            S0 += w;
            S1 += w * x;
            S2 += w * x * x;
            if (s[j].ev) {
                d++;
                d0 += w;
                d1 += w * x;
                d2 += w * x * x;
                xsum += x;
            }
        }
        if (d > 0) {
            L += beta * xsum;
            U += xsum;
            for (size_t l = 0; l < d; l++) {
                double f = ties == NELM_COX_EFRON ? (double)l / (double)d : 0.0;
                double a0 = S0 - f * d0, a1 = S1 - f * d1, a2 = S2 - f * d2;
                double m = a1 / a0;
                L -= log(a0);
                U -= m;
                I += a2 / a0 - m * m;
            }
        }
        i = j;
    }
    *ll = L;
    *u = U;
    *info = I;
}

int
nelm_cox_fit(const double *time, const uint8_t *event, const double *x, size_t n,
             nelm_cox_ties ties, nelm_cox_result *r, nelm_err *e)
{
    r->beta = NAN;
    r->se = NAN;
    r->loglik = r->loglik0 = NAN;
    r->iterations = 0;
    r->n = n;
    r->events = 0;
    if (n == 0)
        return NELM_FAIL(e, NELM_ERR_PARAM, "Cox model: no subjects");
    double xmin = INFINITY, xmax = -INFINITY, xmean = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(isfinite(time[i]) && time[i] >= 0 && isfinite(x[i])))
            return NELM_FAIL(e, NELM_ERR_PARAM,
                             "Cox model: subject %zu has time %g and covariate %g (expected a "
                             "finite time >= 0 and a finite covariate)",
                             i, time[i], x[i]);
        r->events += event[i] != 0;
        xmin = fmin(xmin, x[i]);
        xmax = fmax(xmax, x[i]);
        xmean += (x[i] - xmean) / (double)(i + 1);
    }
    if (r->events == 0)
        return NELM_FAIL(e, NELM_ERR_PARAM, "Cox model: no events among %zu subjects", n);
    if (!(xmax > xmin))
        return NELM_FAIL(e, NELM_ERR_PARAM, "Cox model: the covariate does not vary");
    subj *s = nelm_malloc(n * sizeof *s);
    if (s == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "Cox model: out of memory (%zu subjects)", n);
    for (size_t i = 0; i < n; i++) {
        s[i].t = time[i];
        s[i].x = x[i] - xmean;
        s[i].ev = event[i] != 0;
    }
    qsort(s, n, sizeof *s, by_time_desc);

    /* The maximum is infinite exactly when every event has the largest
     * covariate of its risk set (beta -> +inf) or every event the smallest
     * (beta -> -inf): the likelihood is then monotone. */
    bool up = true, down = true;
    double rmax = -INFINITY, rmin = INFINITY;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        for (; j < n && s[j].t == s[i].t; j++) {
            rmax = fmax(rmax, s[j].x);
            rmin = fmin(rmin, s[j].x);
        }
        for (size_t k = i; k < j; k++)
            if (s[k].ev) {
                up = up && s[k].x >= rmax;
                down = down && s[k].x <= rmin;
            }
        i = j;
    }
    if (up || down) {
        free(s);
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "Cox model: the partial likelihood has no finite maximum (monotone "
                         "likelihood: every event has the %s covariate of its risk set)",
                         up && down ? "same"
                         : up       ? "largest"
                                    : "smallest");
    }

    double beta = 0, ll, u, info;
    evaluate(s, n, beta, ties, &ll, &u, &info);
    r->loglik0 = ll;
    bool done = false;
    int it = 0;
    for (; it < 100 && !done; it++) {
        if (!(info > 0) || !isfinite(ll))
            break;
        double step = u / info, nb, nll, nu, ninfo;
        /* step halving while the likelihood would go down */
        int halvings = 0;
        for (;;) {
            nb = beta + step;
            evaluate(s, n, nb, ties, &nll, &nu, &ninfo);
            if ((isfinite(nll) && nll >= ll - 1e-12 * fabs(ll)) || halvings == 40)
                break;
            step /= 2;
            halvings++;
        }
        done = fabs(step) <= 1e-11 * fmax(1.0, fabs(nb)) ||
               fabs(nll - ll) <= 1e-14 * fmax(1.0, fabs(ll));
        beta = nb;
        ll = nll;
        u = nu;
        info = ninfo;
        if (fabs(beta) > 40)
            break;
    }
    free(s);
    r->iterations = it;
    if (!done || !(info > 0) || fabs(beta) > 40)
        return NELM_FAIL(e, NELM_ERR_PARAM,
                         "Cox model: the partial likelihood has no finite maximum (Newton "
                         "iterations did not converge for %zu subjects)",
                         n);
    r->beta = beta;
    r->se = 1.0 / sqrt(info);
    r->loglik = ll;
    return 0;
}
