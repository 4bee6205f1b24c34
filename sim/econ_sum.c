/* econ_sum.c — the incremental analysis of a run's strategies and the
 * printed economics tables (see econ_sum.h). */
#include "econ_sum.h"

#include <math.h>
#include <string.h>

const char *const nelm_econ_qnames[NELM_ECON_NQ] = {
    "ly", "qaly", "cost", "qaly_undiscounted", "cost_undiscounted", "ly_undiscounted",
};

const char *const nelm_econ_status_names[3] = {"frontier", "dominated", "extendedly_dominated"};

const char *
nelm_econ_status_name(nelm_econ_status st)
{
    return (unsigned)st < 3 ? nelm_econ_status_names[st] : "unknown";
}

/* The standard error sd / sqrt(n) of x_i = a u_i + b v_i over i < n (two
 * passes, the second corrected as summary.c's mean_se); 0 when n < 2. */
static double
combo_se(const double *u, double a, const double *v, double b, size_t n)
{
    if (n < 2)
        return 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += a * u[i] + b * v[i];
    double dn = (double)n, m = sum / dn, ss = 0, c = 0;
    for (size_t i = 0; i < n; i++) {
        double d = a * u[i] + b * v[i] - m;
        ss += d * d;
        c += d;
    }
    double var = (ss - c * c / dn) / (dn - 1.0);
    return var > 0 ? sqrt(var / dn) : 0.0;
}

int
nelm_summary_econ(const nelm_summary_acc *acc, nelm_summary *s, size_t n, const nelm_params *p,
                  nelm_err *e)
{
    if (n == 0 || !s[0].econ)
        return 0;
    nelm_bug_assert(n <= NELM_MAX_STRATEGIES);
    double cost[NELM_MAX_STRATEGIES], qaly[NELM_MAX_STRATEGIES];
    nelm_econ_row rows[NELM_MAX_STRATEGIES];
    for (size_t i = 0; i < n; i++) {
        if (!s[i].econ || acc[i].n != acc[0].n || acc[i].necon != acc[i].n)
            return NELM_FAIL(e, NELM_ERR_PARAM,
                             "incremental analysis: strategy %zu has no economics or other "
                             "patients",
                             i);
        cost[i] = s[i].econ_mean[NELM_ECON_COST];
        qaly[i] = s[i].econ_mean[NELM_ECON_QALY];
    }
    int ret = nelm_econ_incremental(cost, qaly, n, rows, e);
    if (ret != 0)
        return ret;
    size_t np = acc[0].n;
    for (size_t k = 0; k < n; k++) {
        size_t i = rows[k].strategy;
        nelm_summary *r = &s[i];
        r->econ_rank = k;
        r->econ_status = rows[k].status;
        r->econ_vs = rows[k].vs;
        r->econ_inc_cost = rows[k].inc_cost;
        r->econ_inc_qaly = rows[k].inc_effect;
        r->econ_icer = rows[k].icer;
        r->econ_inc_cost_se = r->econ_inc_qaly_se = NAN;
        if (rows[k].vs < n) {
            const nelm_summary_acc *a = &acc[i], *b = &acc[rows[k].vs];
            r->econ_inc_cost_se =
                combo_se(a->econ[NELM_ECON_COST], 1.0, b->econ[NELM_ECON_COST], -1.0, np);
            r->econ_inc_qaly_se =
                combo_se(a->econ[NELM_ECON_QALY], 1.0, b->econ[NELM_ECON_QALY], -1.0, np);
        }
        for (size_t j = 0; j < NELM_ECON_MAX_WTP; j++)
            r->econ_nmb[j] = r->econ_nmb_se[j] = NAN;
        for (size_t j = 0; j < p->econ.nwtp; j++) {
            double w = p->econ.wtp[j];
            r->econ_nmb[j] = nelm_econ_nmb(cost[i], qaly[i], w);
            r->econ_nmb_se[j] =
                combo_se(acc[i].econ[NELM_ECON_QALY], w, acc[i].econ[NELM_ECON_COST], -1.0, np);
        }
    }
    return 0;
}

/* ---- printing ---- */

/* "1,234,567" (rounded to a whole number; "NA" for NaN) */
static const char *
money(char *buf, size_t size, double x, bool sign)
{
    if (isnan(x))
        return "NA";
    double r = fabs(round(x));
    char digits[64];
    snprintf(digits, sizeof digits, "%.0f", r);
    size_t nd = strlen(digits), at = 0;
    if (size < nd + nd / 3 + 3)
        return "?";
    if (x < 0 && r != 0)
        buf[at++] = '-';
    else if (sign)
        buf[at++] = '+';
    for (size_t i = 0; i < nd; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            buf[at++] = ',';
        buf[at++] = digits[i];
    }
    buf[at] = '\0';
    return buf;
}

/* x with 3 decimals (sign: always signed); "NA" for NaN */
static const char *
num(char *buf, size_t size, bool sign, double x)
{
    if (isnan(x))
        return "NA";
    if (sign)
        snprintf(buf, size, "%+.3f", x);
    else
        snprintf(buf, size, "%.3f", x);
    return buf;
}

static const char *
sname(const nelm_params *p, const size_t *strategies, size_t i)
{
    return p->strategies[strategies[i]].name;
}

void
nelm_econ_print(FILE *out, const nelm_params *p, const size_t *strategies, const nelm_summary *s,
                size_t n, size_t reference)
{
    const nelm_econ_params *x = &p->econ;
    char a[48], b[48], c[48], d[48], f[48], g[48];
    fprintf(out,
            "\neconomics per patient, %s at %d prices; discounted %.4g %% a year (costs) and "
            "%.4g %%\n(life years, QALYs), continuously; utilities %s\n",
            x->currency, x->price_year, 100 * x->r_cost, 100 * x->r_effect,
            x->norms ? "age-adjusted by the population norms" : "not age-adjusted");
    /* the widths of the columns with "±" (two bytes, one column) are one more */
    fprintf(out, "  %-20s %14s %14s %16s %7s %7s %9s\n", "strategy", "LY (disc.)", "QALY (disc.)",
            "cost (disc.)", "LY", "QALY", "cost");
    for (size_t i = 0; i < n; i++) {
        const nelm_summary *r = &s[i];
        char ly[128], ql[128], co[128];
        snprintf(ly, sizeof ly, "%s \u00b1 %s", num(a, sizeof a, false, r->econ_mean[0]),
                 num(b, sizeof b, false, r->econ_se[0]));
        snprintf(ql, sizeof ql, "%s \u00b1 %s", num(c, sizeof c, false, r->econ_mean[1]),
                 num(d, sizeof d, false, r->econ_se[1]));
        snprintf(co, sizeof co, "%s \u00b1 %s", money(f, sizeof f, r->econ_mean[2], false),
                 money(g, sizeof g, r->econ_se[2], false));
        fprintf(out, "  %-20.20s %15s %15s %17s %7s %7s %9s\n", sname(p, strategies, i), ly, ql, co,
                num(a, sizeof a, false, r->econ_mean[NELM_ECON_LY_U]),
                num(b, sizeof b, false, r->econ_mean[NELM_ECON_QALY_U]),
                money(c, sizeof c, r->econ_mean[NELM_ECON_COST_U], false));
    }
    fprintf(out, "  (\u00b1 Monte Carlo standard errors)\n");
    if (n > 1) {
        fprintf(out, "  paired differences against %s (discounted, \u00b1 paired SE):\n",
                sname(p, strategies, reference));
        for (size_t i = 0; i < n; i++) {
            if (i == reference)
                continue;
            const nelm_summary *r = &s[i];
            fprintf(out, "    %-20.20s LY %s \u00b1 %s, QALY %s \u00b1 %s, cost %s \u00b1 %s\n",
                    sname(p, strategies, i), num(a, sizeof a, true, r->econ_diff[0]),
                    num(b, sizeof b, false, r->econ_diff_se[0]),
                    num(c, sizeof c, true, r->econ_diff[1]),
                    num(d, sizeof d, false, r->econ_diff_se[1]),
                    money(f, sizeof f, r->econ_diff[2], true),
                    money(g, sizeof g, r->econ_diff_se[2], false));
        }
    }

    fprintf(out, "\nincremental analysis, by cost (discounted; each strategy on the frontier "
                 "against the one\nbefore it, \u00b1 paired SE):\n");
    fprintf(out, "  %-20s %-9s %-16s %17s %15s %9s\n", "strategy", "status", "vs", "incr. cost",
            "incr. QALY", "ICER");
    for (size_t k = 0; k < n; k++) {
        size_t i = 0;
        while (i < n && s[i].econ_rank != k)
            i++;
        if (i == n)
            continue;
        const nelm_summary *r = &s[i];
        static const char *const label[] = {"frontier", "dominated", "ext. dom."};
        const char *st = (unsigned)r->econ_status < 3 ? label[r->econ_status] : "?";
        fprintf(out, "  %-20.20s %-*s", sname(p, strategies, i), r->econ_vs < n ? 9 : 0, st);
        if (r->econ_vs < n) {
            char ic[128], iq[128];
            snprintf(ic, sizeof ic, "%s \u00b1 %s", money(c, sizeof c, r->econ_inc_cost, true),
                     money(d, sizeof d, r->econ_inc_cost_se, false));
            snprintf(iq, sizeof iq, "%s \u00b1 %s", num(f, sizeof f, true, r->econ_inc_qaly),
                     num(g, sizeof g, false, r->econ_inc_qaly_se));
            fprintf(out, " %-16.16s %18s %16s %9s", sname(p, strategies, r->econ_vs), ic, iq,
                    money(a, sizeof a, r->econ_icer, false));
        }
        fputc('\n', out);
    }
    fprintf(out,
            "  (ICER: %s per QALY gained; dominated: another strategy costs no more and "
            "gives no\n  fewer QALYs; ext. dom.: extendedly dominated, a mix of two others "
            "does better)\n",
            x->currency);

    fprintf(out, "\nnet monetary benefit per patient (QALYs x willingness to pay - cost, "
                 "discounted; \u00b1 MCSE):\n");
    fprintf(out, "  %-20s", "strategy");
    for (size_t j = 0; j < x->nwtp; j++) {
        char h[96];
        snprintf(h, sizeof h, "at %s/QALY", money(a, sizeof a, x->wtp[j], false));
        fprintf(out, " %20s", h);
    }
    fputc('\n', out);
    size_t best[NELM_ECON_MAX_WTP] = {0};
    for (size_t j = 0; j < x->nwtp; j++)
        for (size_t i = 1; i < n; i++)
            if (s[i].econ_nmb[j] > s[best[j]].econ_nmb[j])
                best[j] = i;
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "  %-20.20s", sname(p, strategies, i));
        for (size_t j = 0; j < x->nwtp; j++) {
            char v[128];
            snprintf(v, sizeof v, "%s \u00b1 %s", money(a, sizeof a, s[i].econ_nmb[j], false),
                     money(b, sizeof b, s[i].econ_nmb_se[j], false));
            fprintf(out, " %21s%s", v, best[j] == i ? "*" : j + 1 < x->nwtp ? " " : "");
        }
        fputc('\n', out);
    }
    fprintf(out, "  (* the highest at that willingness to pay)\n");
}
