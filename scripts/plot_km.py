#!/usr/bin/python3
"""Kaplan-Meier curves of overall survival and progression-free survival by
strategy, from the per-patient data of a nelmsim run file.

    scripts/plot_km.py RUN.h5 [-o PREFIX] [--strategy NAME ...] [--endpoint os|pfs|both]

writes
  PREFIX_os.png, PREFIX_os.svg        OS: time from the decision point to death
                                      (censored alive at the horizon)
  PREFIX_pfsK.png, PREFIX_pfsK.svg    PFS of the K-th line started (--line K,
                                      default 1): from the line's start to
                                      progression or death, among the patients
                                      who start it
  PREFIX_medians.csv                  per endpoint and strategy: n, events,
                                      median and its 95 % interval

The curves are computed here from /outcomes (os, cause; pfs1, pfs1_event) and
/lines (pfs, pfs_event for K > 1), by the survival::survfit rules nelmsim
uses: Greenwood log intervals (the shaded bands), the median as the smallest
time with S(t) <= 0.5. The OS curves are checked against the file's own
monthly table /summary/km; a disagreement is reported on stderr. Each legend
entry gives n and the median (95 % interval, NR = not reached); the table under
the curves is the number at risk. A run file written with --trajectories none
has no per-patient data: then only OS is drawn, from /summary/km.

Exit status: 0 done, 1 usage error, 2 bad input file, 3 cannot write.
"""
import csv
import io
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nelmsim_h5 as nh  # noqa: E402


def km_from_table(f, strategies, scenario=None):
    """Pseudo-fits from /summary/km (monthly grid) for files without
    per-patient data: steps only, no at-risk table, median from the grid."""
    km = f.km_table()
    if scenario is not None and "scenario" in km:
        km = km[km["scenario"] == scenario]
    out = {}
    for s in strategies:
        k = km[km["strategy"].astype(str) == s].sort_values("month")
        out[s] = k
    return out


def endpoint_label(ep, line):
    return "os" if ep == "os" else "pfs%d" % line


def auto_xmax(fits, cap=240.0, floor=0.01):
    """The time axis: to where every curve has fallen to `floor` (or its last
    observed time), at most `cap` months, rounded up to a tick."""
    ends = []
    for fit in fits.values():
        if fit.n:
            low = np.nonzero(fit.s <= floor)[0]
            ends.append(fit.t[low[0]] if len(low) else fit.t[-1])
    tmax = min(max(ends, default=cap), cap)
    if tmax <= 0:
        return cap
    import nelmsim_plots as npl
    step = npl.nice_step(tmax)
    return float(min(cap, step * math.ceil(tmax / step - 1e-9)))


def make_km_figures(f, prefix, strategies, endpoints=("os", "pfs"), line=1, xmax=None,
                    size_px=None, ci=True, scenario=None, warn=None):
    """Draw the KM figures of `endpoints` for `strategies` of open file f.

    Returns a dict: figures [(endpoint, title, [paths])], medians (rows of
    the medians CSV), agreement (max |S - /summary/km| for OS or None),
    from_table (True when drawn from /summary/km)."""
    import matplotlib.pyplot as plt
    import nelmsim_plots as npl

    size_px = size_px or nh.KM_SIZE
    colors = npl.strategy_colors(f.strategies)
    warn = warn or (lambda msg: sys.stderr.write("%s: %s\n" % (
        os.path.basename(sys.argv[0]), msg)))
    res = {"figures": [], "medians": [], "agreement": None, "from_table": False}
    where = "" if scenario is None else ", scenario %d" % scenario
    if not f.per_patient:
        if "pfs" in endpoints:
            if endpoints == ("pfs",):
                f.require_per_patient()
            warn("%s has no per-patient data (--trajectories %s): PFS not drawn; OS from "
                 "/summary/km" % (f.path, f.trajectories))
        res["from_table"] = True
        tabs = km_from_table(f, strategies, scenario)
        fig = npl.figure(size_px)
        ax = fig.add_subplot(1, 1, 1)
        for s in strategies:
            k = tabs[s]
            ax.step(k["month"], k["surv"], where="post", color=colors[s], lw=1.6,
                    label="%s (n %d)" % (s, int(f.attrs.get("patients", 0))))
            if ci:
                ax.fill_between(k["month"], k["lo"], k["hi"], step="post", color=colors[s],
                                alpha=0.12, lw=0)
        ax.axhline(0.5, color="0.6", lw=0.8, ls=":")
        xm = min(xmax or 240.0, 240.0)
        ax.set_xlim(0, xm)
        ax.set_ylim(0, 1.02)
        ax.set_xticks(range(0, int(xm) + 1, npl.nice_step(xm)))
        ax.set_xlabel("months")
        ax.set_ylabel("overall survival")
        ax.grid(True, color="0.92")
        ax.set_title("Overall survival by strategy%s (from /summary/km, monthly grid)" % where,
                     fontsize=11)
        ax.legend(fontsize=8, loc="upper right")
        summ = f.summary()
        if scenario is not None and "scenario" in summ:
            summ = summ[summ["scenario"] == scenario]
        for s in strategies:
            r = summ[summ["strategy"].astype(str) == s].iloc[0]
            res["medians"].append({"endpoint": "os", "strategy": s, "n": int(r["patients"]),
                                   "events": "", "median": r["median_os"],
                                   "median_lo": r["median_os_lo"],
                                   "median_hi": r["median_os_hi"]})
        res["figures"].append(("os", "Overall survival", npl.save(fig, prefix + "_os")))
        plt.close("all")
        return res

    for ep in endpoints:
        if ep == "os":
            fits = nh.os_fits(f, strategies, scenario)
            res["agreement"] = nh.stored_km_agreement(f, fits, scenario)
            if res["agreement"] > 1e-9:
                warn("OS Kaplan-Meier from the per-patient data differs from /summary/km by "
                     "up to %.3g" % res["agreement"])
            title = "Overall survival by strategy%s" % where
            ylabel = "overall survival"
            xl = "months from the decision point"
            note = "shaded: 95% pointwise interval (Greenwood, log)"
        else:
            fits = nh.pfs_fits(f, strategies, line, scenario)
            if all(fit.n == 0 for fit in fits.values()):
                warn("no patient started a line %d: PFS%d not drawn" % (line, line))
                continue
            title = ("Progression-free survival of the %s line started, by strategy%s"
                     % (ordinal(line), where))
            ylabel = "progression-free survival"
            xl = "months from the start of line %d" % line
            note = ("among patients who start line %d; shaded: 95%% pointwise interval"
                    % line)
        xm = xmax if xmax is not None else auto_xmax(fits)
        curves = [{"label": s, "color": colors[s], "fit": fits[s]} for s in strategies
                  if fits[s].n > 0]
        fig = npl.km_figure(curves, title, xlabel=xl, ylabel=ylabel, xmax=xm,
                            size_px=size_px, ci=ci, note=note)
        lab = endpoint_label(ep, line)
        res["figures"].append((lab, title, npl.save(fig, "%s_%s" % (prefix, lab))))
        for s in strategies:
            fit = fits[s]
            med = fit.median()
            res["medians"].append({"endpoint": lab, "strategy": s, "n": fit.n,
                                   "events": fit.events, "median": med[0],
                                   "median_lo": med[1], "median_hi": med[2]})
    return res


def ordinal(k):
    return {1: "first", 2: "second", 3: "third", 4: "fourth"}.get(k, "%dth" % k)


def medians_csv(rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["endpoint", "strategy", "n", "events", "median", "median_lo", "median_hi"])
    for r in rows:
        w.writerow([r["endpoint"], r["strategy"], r["n"], r["events"]] +
                   ["" if nh.isnan(r[k]) else repr(float(r[k]))
                    for k in ("median", "median_lo", "median_hi")])
    return buf.getvalue()


def main():
    p = nh.parser(__file__, __doc__)
    p.add_argument("file", metavar="RUN.h5", help="a nelmsim run file")
    p.add_argument("-o", "--output", metavar="PREFIX", default="km",
                   help="output prefix (default: km, in the current directory)")
    p.add_argument("--strategy", metavar="NAME", action="append",
                   help="draw this strategy (repeatable; default: all, in file order)")
    p.add_argument("--endpoint", choices=["os", "pfs", "both"], default="both",
                   help="which figures (default: both)")
    p.add_argument("--line", type=int, default=1, metavar="K",
                   help="PFS of the K-th line started (default 1)")
    p.add_argument("--xmax", type=float, metavar="MONTHS",
                   help="right end of the time axis (default: where every curve has "
                        "fallen to 0.01, or its last time; at most 240)")
    p.add_argument("--size", default="%dx%d" % nh.KM_SIZE, metavar="WxH",
                   help="figure size in pixels (default %dx%d; the PNG has exactly this "
                        "size)" % nh.KM_SIZE)
    p.add_argument("--no-ci", action="store_true", help="no interval bands")
    p.add_argument("--scenario", type=int, metavar="K",
                   help="for a sweep or PSA file written with per-patient tables: the "
                        "scenario to draw")
    a = p.parse_args()
    try:
        size = nh.parse_size(a.size)
    except ValueError as e:
        p.error("--size %s: %s" % (a.size, e))
    if a.line < 1 or a.line > 255:
        p.error("--line must be 1 to 255")
    if a.xmax is not None and not (a.xmax > 0):
        p.error("--xmax must be positive")
    with nh.open_file(a.file) as f:
        if f.kind != "run":
            if a.scenario is None or not f.per_patient:
                raise nh.NelmsimError(
                    "%s: is a nelmsim %s file; for its figures use scripts/plot_scenarios.py "
                    "(plot_km.py draws a run file, or one scenario of a sweep/PSA file "
                    "written with --trajectories outcomes, with --scenario K)"
                    % (a.file, f.kind))
            n = int(f.attrs.get("scenarios", 0))
            first = int(f.attrs.get("first_scenario", 0))
            if not (first <= a.scenario < first + n):
                raise nh.NelmsimError("%s: no scenario %d (it has %d to %d)" % (
                    a.file, a.scenario, first, first + n - 1))
        elif a.scenario is not None:
            p.error("--scenario is for sweep and PSA files")
        strategies = f.select_strategies(a.strategy)
        endpoints = ("os", "pfs") if a.endpoint == "both" else (a.endpoint,)
        res = make_km_figures(f, a.output, strategies, endpoints, a.line, a.xmax, size,
                              not a.no_ci, a.scenario)
    nh.prefix_dir(a.output)
    csv_path = nh.write_text(a.output + "_medians.csv", medians_csv(res["medians"]))
    for ep, title, paths in res["figures"]:
        print("%s: %s" % (title, " ".join(paths)))
    print("medians: %s" % csv_path)
    print("%-8s %-20s %7s %7s  %s" % ("endpoint", "strategy", "n", "events",
                                       "median (95% CI), months"))
    for r in res["medians"]:
        print("%-8s %-20s %7s %7s  %s" % (r["endpoint"], r["strategy"], r["n"], r["events"],
                                          nh.fmt_ci(r["median"], r["median_lo"],
                                                    r["median_hi"], 1)))
    if res["agreement"] is not None:
        print("OS curves agree with /summary/km to %.2g" % res["agreement"])
    return 0


if __name__ == "__main__":
    nh.main_wrapper(main)
