#!/usr/bin/python3
"""Figures of a nelmsim sweep or PSA file: the difference in overall survival
against the reference strategy, by varied parameter, and tornado diagrams.

    scripts/plot_scenarios.py FILE.h5 [-o PREFIX] [--metric mean_os|rmst] [--strategy NAME ...]

The outcome is the paired difference of each strategy against the file's
reference strategy (root attribute reference_strategy) in mean OS (restricted
to the horizon; --metric mean_os, the default) or in RMST to tau (--metric
rmst), read from /summary/strategies, with its common-random-number standard
error. --strategy chooses the strategies compared with the reference (default:
all others).

Sweep file (nelmsim sweep):
  PREFIX_params.png/.svg   one panel per varied parameter: the difference
                           (± 1.96 SE) against the parameter's values, the
                           other parameters held at their base values (for a
                           zip: sweep, or when no such scenarios exist, every
                           scenario is drawn)
  PREFIX_tornado.png/.svg  one panel per strategy: the difference when each
                           parameter is at its lowest and highest value, the
                           others at base, around the base scenario. A base
                           value is the model's own value of the parameter when
                           the sweep includes it, else the middle value (lower
                           middle for an even count). When the one-at-a-time
                           scenarios do not exist (zip:), the bars are the
                           means over the scenarios at the low and high value
                           and the line is the mean over all scenarios.
  PREFIX_tornado.csv       the bars' numbers

PSA file (nelmsim psa):
  PREFIX_params.png/.svg   one panel per sampled parameter: each draw's
                           difference against the parameter's drawn value,
                           with a least-squares line per strategy
  PREFIX_diff.png/.svg     the distribution of the paired difference over the
                           draws, per strategy: histogram, mean, 2.5-97.5 %
                           percentile interval, share of draws above 0
  PREFIX_pbest.png/.svg    P(best): the share of draws in which each strategy
                           has the highest mean OS (or RMST)
  PREFIX_tornado.png/.svg  regression tornado: the difference regressed by
                           ordinary least squares on all sampled parameters
                           together (linear metamodel); each bar is the
                           predicted difference with that parameter at its 2.5th
                           and 97.5th percentile over the draws and the others
                           at their means. The label gives the partial rank
                           correlation coefficient (PRCC: Spearman correlation
                           of the outcome and the parameter, each with the
                           ranks of the other parameters regressed out).
                           Needs more draws than sampled parameters + 1.
  PREFIX_tornado.csv       the bars' numbers, coefficients and PRCC
  PREFIX_psa.csv           per strategy over the draws: mean and sd of the
                           outcome and of the difference, its percentile
                           interval, P(difference > 0), P(best)

Exit status: 0 done, 1 usage error, 2 bad input file, 3 cannot write.
"""
import csv
import io
import math
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nelmsim_h5 as nh  # noqa: E402

METRICS = {
    "mean_os": ("mean_os", "diff_mean_os", "diff_mean_os_se", "mean OS"),
    "rmst": ("rmst", "diff_rmst", "diff_rmst_se", "RMST"),
}


# ---------------------------------------------------------------------------
# Analysis (no drawing): used by report.py as well.


def short(path, width=28):
    """A parameter path shortened for a label (its tail)."""
    return path if len(path) <= width else "…" + path[-(width - 1):]


def value_text(v):
    if isinstance(v, (float, np.floating)):
        return "%.4g" % v
    return str(v)


def ordered_values(col):
    """The distinct values of a /scenarios column in order: numeric ascending,
    enum names in enum order."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = set(col.astype(str))
        return [c for c in col.cat.categories if c in present]
    return sorted(pd.unique(col))


def _same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    return float(a) == float(b)


def load(f, metric, strategies):
    """Common part: scenarios, parameters, summary merged."""
    scen = f.scenarios()
    params = [c for c in scen.columns if c != "scenario"]
    summ = f.summary()
    for c in ("scenario", "strategy"):
        if c not in summ:
            raise nh.NelmsimError("%s: /summary/strategies has no %s column" % (f.path, c))
    summ["strategy"] = summ["strategy"].astype(str)
    comparators = [s for s in strategies if s != f.reference]
    if not comparators:
        raise nh.NelmsimError("%s: no strategy to compare with the reference %s" % (
            f.path, f.reference))
    col, dcol, secol, label = METRICS[metric]
    return {"scen": scen, "params": params, "summ": summ, "comparators": comparators,
            "metric": metric, "col": col, "dcol": dcol, "secol": secol, "label": label,
            "reference": f.reference, "kind": f.kind, "strategies": f.strategies,
            "path": f.path}


def outcome(res, scenario, strategy, what="dcol"):
    s = res["summ"]
    r = s[(s["scenario"] == scenario) & (s["strategy"] == strategy)]
    return float(r[res[what]].iloc[0]) if len(r) else math.nan


def sweep_analysis(f, metric="mean_os", strategies=None):
    res = load(f, metric, f.select_strategies(strategies))
    scen, params = res["scen"], res["params"]
    model = f.parameters() or {}
    varied, values, base, base_from = [], {}, {}, {}
    for p in params:
        vals = ordered_values(scen[p])
        if len(vals) < 2:
            continue
        varied.append(p)
        values[p] = vals
        mv = nh.lookup_parameter(model, p)
        hit = [v for v in vals if mv is not None and not isinstance(mv, (dict, list))
               and _safe_same(v, mv)]
        if hit:
            base[p], base_from[p] = hit[0], "model"
        else:
            base[p], base_from[p] = vals[(len(vals) - 1) // 2], "middle"
    res.update(varied=varied, values=values, base=base, base_from=base_from)

    def match(row, fixed):
        return all(_same(row[q], v) for q, v in fixed.items())

    rows = [r for _, r in scen.iterrows()]
    base_rows = [r for r in rows if match(r, base)]
    res["base_scenario"] = int(base_rows[0]["scenario"]) if base_rows else None
    # Per parameter: the scenarios with the others at base, in value order.
    slices = {}
    for p in varied:
        others = {q: base[q] for q in varied if q != p}
        sl = {}
        for r in rows:
            if match(r, others):
                key = str(r[p])
                sl.setdefault(key, (r[p], int(r["scenario"])))
        pts = [(v, sl[str(v)][1]) for v in values[p] if str(v) in sl]
        if len(pts) >= 2:
            slices[p] = ("others at base", pts)
        else:
            slices[p] = ("all scenarios",
                         [(r[p], int(r["scenario"])) for r in rows])
    res["slices"] = slices
    # Tornado bars per comparator.
    one_at_a_time = res["base_scenario"] is not None and all(
        slices[p][0] == "others at base" and
        {str(values[p][0]), str(values[p][-1])} <= {str(v) for v, _ in slices[p][1]}
        for p in varied)
    res["tornado_method"] = ("one at a time around the base scenario" if one_at_a_time
                             else "means over the scenarios at each value (no base scenario)")
    trows = []
    for s in res["comparators"]:
        if one_at_a_time:
            b = outcome(res, res["base_scenario"], s)
        else:
            b = float(res["summ"][res["summ"]["strategy"] == s][res["dcol"]].mean())
        for p in varied:
            lo_v, hi_v = values[p][0], values[p][-1]
            if one_at_a_time:
                pts = dict((str(v), k) for v, k in slices[p][1])
                lo, hi = outcome(res, pts[str(lo_v)], s), outcome(res, pts[str(hi_v)], s)
                lo_k, hi_k = pts[str(lo_v)], pts[str(hi_v)]
            else:
                lo, hi = (_marginal(res, p, v, s) for v in (lo_v, hi_v))
                lo_k = hi_k = ""
            trows.append({"strategy": s, "parameter": p, "base_value": base[p],
                          "base_from": base_from[p], "low_value": lo_v, "high_value": hi_v,
                          "outcome_base": b, "outcome_low": lo, "outcome_high": hi,
                          "scenario_low": lo_k, "scenario_high": hi_k,
                          "method": "one-at-a-time" if one_at_a_time else "marginal-mean"})
    res["tornado"] = trows
    return res


def _safe_same(a, b):
    try:
        return _same(a, b)
    except (TypeError, ValueError):
        return False


def _marginal(res, p, v, s):
    scen, summ = res["scen"], res["summ"]
    ks = scen.loc[[_same(x, v) for x in scen[p]], "scenario"]
    sub = summ[(summ["strategy"] == s) & summ["scenario"].isin(ks)]
    return float(sub[res["dcol"]].mean())


def prcc(X, y):
    """Partial rank correlation of y with each column of X."""
    from scipy.stats import rankdata
    R = np.column_stack([rankdata(X[:, j]) for j in range(X.shape[1])])
    ry = rankdata(y)
    out = []
    for j in range(X.shape[1]):
        Z = np.column_stack([np.ones(len(y))] + [R[:, k] for k in range(R.shape[1]) if k != j])
        ex = R[:, j] - Z @ np.linalg.lstsq(Z, R[:, j], rcond=None)[0]
        ey = ry - Z @ np.linalg.lstsq(Z, ry, rcond=None)[0]
        den = math.sqrt(float(ex @ ex) * float(ey @ ey))
        out.append(float(ex @ ey) / den if den > 0 else math.nan)
    return out


def psa_analysis(f, metric="mean_os", strategies=None):
    res = load(f, metric, f.select_strategies(strategies))
    scen, summ = res["scen"], res["summ"]
    params = [p for p in res["params"]
              if not isinstance(scen[p].dtype, pd.CategoricalDtype)
              and np.nanstd(scen[p].to_numpy(dtype=float)) > 0]
    res["varied"] = params
    draws = scen["scenario"].to_numpy()
    res["draws"] = len(draws)
    # Per strategy over the draws.
    wide = summ.pivot(index="scenario", columns="strategy", values=res["col"])
    wide = wide[[s for s in f.strategies if s in wide.columns]]
    best = wide.to_numpy().argmax(axis=1)
    pbest = {s: float(np.mean(best == i)) for i, s in enumerate(wide.columns)}
    stats = []
    for s in f.strategies:
        sub = summ[summ["strategy"] == s].sort_values("scenario")
        x, d = sub[res["col"]].to_numpy(), sub[res["dcol"]].to_numpy()
        sd = lambda v: float(np.std(v, ddof=1)) if len(v) > 1 else math.nan  # noqa: E731
        stats.append({"strategy": s, "draws": len(x), "mean": float(np.mean(x)),
                      "sd": sd(x), "diff_mean": float(np.mean(d)), "diff_sd": sd(d),
                      "diff_lo": float(np.percentile(d, 2.5)),
                      "diff_hi": float(np.percentile(d, 97.5)),
                      "p_diff_positive": float(np.mean(d > 0)),
                      "p_best": pbest.get(s, math.nan)})
    res["stats"] = stats
    # Parameter summary.
    res["param_stats"] = [{"parameter": p, "mean": float(scen[p].mean()),
                           "sd": float(scen[p].std(ddof=1)) if len(scen) > 1 else math.nan,
                           "lo": float(np.percentile(scen[p], 2.5)),
                           "hi": float(np.percentile(scen[p], 97.5))} for p in params]
    # Regression tornado.
    trows, res["tornado_note"] = [], None
    if not params:
        res["tornado_note"] = "no sampled parameter varies"
    elif len(draws) < len(params) + 2:
        res["tornado_note"] = ("%d draws are too few for a regression on %d parameters "
                               "(need at least %d)" % (len(draws), len(params), len(params) + 2))
    else:
        X = np.column_stack([scen.set_index("scenario").loc[draws, p].to_numpy(dtype=float)
                             for p in params])
        mean = X.mean(axis=0)
        q_lo, q_hi = np.percentile(X, 2.5, axis=0), np.percentile(X, 97.5, axis=0)
        A = np.column_stack([np.ones(len(draws)), X - mean])
        for s in res["comparators"]:
            sub = summ[summ["strategy"] == s].set_index("scenario").loc[draws]
            y = sub[res["dcol"]].to_numpy(dtype=float)
            coef = np.linalg.lstsq(A, y, rcond=None)[0]
            fitted = A @ coef
            ss_tot = float(((y - y.mean()) ** 2).sum())
            r2 = 1.0 - float(((y - fitted) ** 2).sum()) / ss_tot if ss_tot > 0 else math.nan
            rc = prcc(X, y)
            for j, p in enumerate(params):
                trows.append({"strategy": s, "parameter": p, "low_value": q_lo[j],
                              "high_value": q_hi[j], "base_value": mean[j],
                              "outcome_base": coef[0],
                              "outcome_low": coef[0] + coef[j + 1] * (q_lo[j] - mean[j]),
                              "outcome_high": coef[0] + coef[j + 1] * (q_hi[j] - mean[j]),
                              "coefficient": coef[j + 1], "prcc": rc[j], "r2": r2,
                              "method": "ols-2.5-97.5-percentile"})
    res["tornado"] = trows
    return res


def analyse(f, metric="mean_os", strategies=None):
    f.require("sweep", "psa", hint="for a run file use scripts/plot_km.py or scripts/report.py")
    return sweep_analysis(f, metric, strategies) if f.kind == "sweep" \
        else psa_analysis(f, metric, strategies)


# ---------------------------------------------------------------------------
# Figures.


def ylabel(res):
    return "Δ %s vs %s (months)" % (res["label"], res["reference"])


def figures(res, prefix, size_px=None):
    """Draw the figures of an analysis; returns [(key, title, paths)]."""
    import nelmsim_plots as npl
    size_px = size_px or nh.PANEL_SIZE
    colors = npl.strategy_colors(res["strategies"])
    out = []
    if res["kind"] == "sweep":
        out.append(_sweep_params(res, prefix, size_px, colors, npl))
    else:
        out.append(_psa_params(res, prefix, size_px, colors, npl))
        out.append(_psa_diff(res, prefix, size_px, colors, npl))
        out.append(_psa_pbest(res, prefix, size_px, colors, npl))
    if res["tornado"]:
        out.append(_tornado(res, prefix, size_px, npl))
    return [o for o in out if o]


def _sweep_params(res, prefix, size_px, colors, npl):
    varied = res["varied"]
    if not varied:
        return None
    fig, axs = npl.panels(len(varied), size_px, max_cols=min(3, len(varied)), sharey=True)
    summ = res["summ"]
    for ax, p in zip(axs, varied):
        how, pts = res["slices"][p]
        cat = any(isinstance(v, str) for v, _ in pts)
        order = {str(v): i for i, v in enumerate(res["values"][p])}
        for i, s in enumerate(res["comparators"]):
            xs, ys, es = [], [], []
            for v, k in pts:
                r = summ[(summ["scenario"] == k) & (summ["strategy"] == s)]
                if not len(r):
                    continue
                xs.append(order[str(v)] if cat else float(v))
                ys.append(float(r[res["dcol"]].iloc[0]))
                es.append(nh.Z95 * float(r[res["secol"]].iloc[0]))
            o = np.argsort(xs, kind="stable")
            xs, ys, es = (np.asarray(a)[o] for a in (xs, ys, es))
            ls = "-" if how == "others at base" else "none"
            ax.errorbar(xs, ys, yerr=es, color=colors[s], marker="o", ms=4, ls=ls, lw=1.3,
                        capsize=3, label=s)
        if cat:
            ax.set_xticks(range(len(res["values"][p])))
            ax.set_xticklabels([str(v) for v in res["values"][p]], fontsize=8)
        ax.axhline(0, color="0.5", lw=0.8, ls="--")
        bv = res["base"][p]
        ax.axvline(order[str(bv)] if cat else float(bv), color="0.7", lw=0.8, ls=":")
        ax.set_xlabel(short(p, 40), fontsize=8)
        ax.set_title("%s (%s)" % (short(p, 34), how), fontsize=8)
        ax.grid(True, color="0.92")
    axs[0].set_ylabel(ylabel(res), fontsize=9)
    axs[0].legend(fontsize=7, loc="best")
    fig.suptitle("Sweep: %s difference vs %s (± 1.96 paired SE); dotted: base value"
                 % (res["label"], res["reference"]), fontsize=10)
    return ("params", "Difference against each varied parameter",
            npl.save(fig, prefix + "_params"))


def _psa_params(res, prefix, size_px, colors, npl):
    varied = res["varied"]
    if not varied:
        return None
    fig, axs = npl.panels(len(varied), size_px, max_cols=min(3, len(varied)), sharey=True)
    scen = res["scen"].set_index("scenario")
    summ = res["summ"]
    for ax, p in zip(axs, varied):
        for s in res["comparators"]:
            sub = summ[summ["strategy"] == s]
            x = scen.loc[sub["scenario"], p].to_numpy(dtype=float)
            y = sub[res["dcol"]].to_numpy(dtype=float)
            ax.plot(x, y, "o", ms=3, color=colors[s], alpha=0.6, label=s)
            if len(x) > 1 and np.ptp(x) > 0:
                b = np.polyfit(x, y, 1)
                xx = np.array([x.min(), x.max()])
                ax.plot(xx, np.polyval(b, xx), color=colors[s], lw=1.2)
        ax.axhline(0, color="0.5", lw=0.8, ls="--")
        ax.set_xlabel(short(p, 40), fontsize=8)
        ax.grid(True, color="0.92")
    axs[0].set_ylabel(ylabel(res), fontsize=9)
    axs[0].legend(fontsize=7, loc="best")
    fig.suptitle("PSA (%d draws): %s difference vs %s against each sampled parameter"
                 % (res["draws"], res["label"], res["reference"]), fontsize=10)
    return ("params", "Difference against each sampled parameter",
            npl.save(fig, prefix + "_params"))


def _psa_diff(res, prefix, size_px, colors, npl):
    comps = res["comparators"]
    fig, axs = npl.panels(len(comps), size_px, max_cols=3)
    summ = res["summ"]
    st = {r["strategy"]: r for r in res["stats"]}
    for ax, s in zip(axs, comps):
        d = summ[summ["strategy"] == s][res["dcol"]].to_numpy(dtype=float)
        bins = max(5, min(40, int(math.sqrt(len(d))) + 1))
        ax.hist(d, bins=bins, color=colors[s], alpha=0.75)
        r = st[s]
        span = (np.max(d) - np.min(d)) or 1.0
        if np.min(d) - span <= 0 <= np.max(d) + span:
            ax.axvline(0, color="0.4", lw=0.9, ls="--")
        ax.axvline(r["diff_mean"], color="k", lw=1.2)
        for q in (r["diff_lo"], r["diff_hi"]):
            ax.axvline(q, color="k", lw=0.8, ls=":")
        ax.set_title("%s\nmean %.2f (%.2f to %.2f); P(>0) %.2f" % (
            s, r["diff_mean"], r["diff_lo"], r["diff_hi"], r["p_diff_positive"]), fontsize=8)
        ax.set_xlabel("Δ %s vs %s (months)" % (res["label"], res["reference"]), fontsize=8)
        ax.tick_params(labelsize=7)
    axs[0].set_ylabel("draws")
    fig.suptitle("PSA (%d draws): distribution of the paired difference; solid: mean, "
                 "dotted: 2.5-97.5 %% percentiles" % res["draws"], fontsize=10)
    return ("diff", "Distribution of the paired difference over the draws",
            npl.save(fig, prefix + "_diff"))


def _psa_pbest(res, prefix, size_px, colors, npl):
    fig = npl.figure((size_px[0], max(300, int(size_px[1] * 0.7))))
    ax = fig.add_subplot(1, 1, 1)
    names = [r["strategy"] for r in res["stats"]]
    vals = [r["p_best"] for r in res["stats"]]
    y = np.arange(len(names))[::-1]
    ax.barh(y, vals, color=[colors[s] for s in names])
    for yi, v in zip(y, vals):
        ax.text(v + 0.01, yi, "%.3f" % v, va="center", fontsize=8)
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=8)
    ax.set_xlim(0, 1.1)
    ax.set_xlabel("share of draws in which the strategy has the highest %s" % res["label"])
    ax.set_title("PSA (%d draws): P(best)" % res["draws"], fontsize=10)
    ax.grid(True, axis="x", color="0.92")
    return ("pbest", "Probability of being best", npl.save(fig, prefix + "_pbest"))


def _tornado(res, prefix, size_px, npl):
    comps = [s for s in res["comparators"] if any(r["strategy"] == s for r in res["tornado"])]
    fig, axs = npl.panels(len(comps), size_px, max_cols=min(3, len(comps)))
    for ax, s in zip(axs, comps):
        rows = [r for r in res["tornado"] if r["strategy"] == s]
        bars = []
        for r in rows:
            label = npl.wrap_path(r["parameter"])
            if "prcc" in r:
                label += "\nPRCC %.2f" % r["prcc"]
            bars.append({"label": label, "low": r["outcome_low"], "high": r["outcome_high"],
                         "low_text": value_text(r["low_value"]),
                         "high_text": value_text(r["high_value"])})
        npl.tornado(ax, rows[0]["outcome_base"], bars, "Δ %s (months)" % res["label"],
                    title="%s vs %s" % (s, res["reference"]))
    if res["kind"] == "sweep":
        how = res["tornado_method"]
        sup = "Sweep tornado: Δ %s vs %s, %s" % (res["label"], res["reference"], how)
    else:
        sup = ("PSA tornado (%d draws): OLS metamodel, each parameter from its 2.5th to "
               "97.5th percentile, others at their means" % res["draws"])
    fig.suptitle(sup, fontsize=10)
    return ("tornado", "Tornado diagram", npl.save(fig, prefix + "_tornado"))


def rows_csv(rows, cols):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([_cell(r.get(c, "")) for c in cols])
    return buf.getvalue()


def _cell(v):
    if isinstance(v, (float, np.floating)):
        return "" if math.isnan(v) else repr(float(v))
    if isinstance(v, np.integer):
        return int(v)
    return v


TORNADO_COLS = {
    "sweep": ["strategy", "parameter", "base_value", "base_from", "low_value", "high_value",
              "outcome_base", "outcome_low", "outcome_high", "scenario_low", "scenario_high",
              "method"],
    "psa": ["strategy", "parameter", "base_value", "low_value", "high_value", "outcome_base",
            "outcome_low", "outcome_high", "coefficient", "prcc", "r2", "method"],
}
PSA_COLS = ["strategy", "draws", "mean", "sd", "diff_mean", "diff_sd", "diff_lo", "diff_hi",
            "p_diff_positive", "p_best"]


def write_tables(res, prefix):
    nh.prefix_dir(prefix)
    paths = []
    if res["tornado"]:
        paths.append(nh.write_text(prefix + "_tornado.csv",
                                   rows_csv(res["tornado"], TORNADO_COLS[res["kind"]])))
    if res["kind"] == "psa":
        paths.append(nh.write_text(prefix + "_psa.csv", rows_csv(res["stats"], PSA_COLS)))
    return paths


def main():
    p = nh.parser(__file__, __doc__)
    p.add_argument("file", metavar="FILE.h5", help="a nelmsim sweep or PSA file")
    p.add_argument("-o", "--output", metavar="PREFIX", default="scenarios",
                   help="output prefix (default: scenarios, in the current directory)")
    p.add_argument("--metric", choices=sorted(METRICS), default="mean_os",
                   help="outcome: difference in mean OS (default) or in RMST to tau")
    p.add_argument("--strategy", metavar="NAME", action="append",
                   help="compare this strategy with the reference (repeatable; default: "
                        "all)")
    p.add_argument("--size", default="%dx%d" % nh.PANEL_SIZE, metavar="WxH",
                   help="figure size in pixels (default %dx%d)" % nh.PANEL_SIZE)
    a = p.parse_args()
    try:
        size = nh.parse_size(a.size)
    except ValueError as e:
        p.error("--size %s: %s" % (a.size, e))
    with nh.open_file(a.file, kinds=("sweep", "psa"),
                      hint="for a run file use scripts/plot_km.py or scripts/report.py") as f:
        res = analyse(f, a.metric, a.strategy)
    figs = figures(res, a.output, size)
    tables = write_tables(res, a.output)
    for key, title, paths in figs:
        print("%s: %s" % (title, " ".join(paths)))
    for t in tables:
        print("table: %s" % t)
    if res["kind"] == "psa" and res.get("tornado_note"):
        sys.stderr.write("%s: no tornado: %s\n" % (os.path.basename(sys.argv[0]),
                                                    res["tornado_note"]))
    if res["kind"] == "sweep" and not res["varied"]:
        sys.stderr.write("%s: no parameter takes more than one value: no figures\n"
                         % os.path.basename(sys.argv[0]))
    return 0


if __name__ == "__main__":
    nh.main_wrapper(main)
