#!/usr/bin/python3
"""Cost-effectiveness figures of a nelmsim run or PSA file (economics: in the model).

    scripts/plot_economics.py FILE.h5 [-o PREFIX] [--reference NAME] [--strategy NAME ...]
                              [--size WxH]

Run file (nelmsim run):
  PREFIX_plane.png/.svg   the cost-effectiveness plane: each strategy's mean
                          discounted QALYs (x) and cost (y) per patient with
                          1.96 Monte Carlo standard errors, the efficiency
                          frontier joined in cost order, dominated and
                          extendedly dominated strategies hollow
                          (/summary/economics, /summary/incremental)

PSA file (nelmsim psa):
  PREFIX_plane.png/.svg   the cost-effectiveness plane: each draw's
                          incremental discounted QALYs (x) and cost (y) per
                          patient of every strategy against the reference
                          (default the file's reference_strategy), with their
                          means and lines through the origin at each
                          economics.wtp (/psa/draws)
  PREFIX_ceac.png/.svg    the acceptability curves: the share of draws in
                          which each strategy has the highest net monetary
                          benefit over the willingness-to-pay grid, the
                          acceptability frontier (the strategy with the
                          highest mean net monetary benefit) drawn over them,
                          and below the EVPI per patient (/psa/ceac,
                          /psa/frontier)

--strategy limits the strategies drawn (repeatable; default all). Costs are
in the file's currency (attribute currency of /summary/economics).

Exit status: 0 done, 1 usage error, 2 bad input file, 3 cannot write.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nelmsim_h5 as nh  # noqa: E402
import nelmsim_plots as npl  # noqa: E402


def currency(f):
    g = f.h5["summary/economics"]
    c = nh._attr(g.attrs.get("currency", ""))
    return c or "cost"


def wtp_values(f):
    p = f.parameters() or {}
    econ = p.get("economics") if isinstance(p, dict) else None
    w = econ.get("wtp") if isinstance(econ, dict) else None
    return [float(x) for x in w] if isinstance(w, list) else []


def require_economics(f):
    if not f.has("summary/economics"):
        raise nh.NelmsimError("%s: has no economics (the model of the run has no economics: "
                              "section, or economics.enabled is false)" % f.path)


def plane_run(f, strategies, prefix, size):
    econ = f.table("summary/economics")
    inc = f.table("summary/incremental")
    cur = currency(f)
    colors = npl.strategy_colors(f.strategies)
    fig = npl.figure(size)
    ax = fig.add_subplot(1, 1, 1)
    status = dict(zip(inc["strategy"].astype(str), inc["status"].astype(str)))
    for _, r in econ.iterrows():
        s = str(r["strategy"])
        if s not in strategies:
            continue
        on = status.get(s) == "frontier"
        ax.errorbar(r["qaly"], r["cost"], xerr=1.96 * r["qaly_se"], yerr=1.96 * r["cost_se"],
                    fmt="o", ms=8, color=colors[s], mfc=colors[s] if on else "white",
                    label="%s%s" % (s, "" if on else " (%s)" % status.get(s, "?")))
    front = inc[inc["status"].astype(str) == "frontier"]
    front = front[front["strategy"].astype(str).isin(strategies)]
    ax.plot(front["qaly"], front["cost"], "-", color="#555555", lw=1, zorder=0,
            label="efficiency frontier")
    ax.set_xlabel("QALYs per patient (discounted)")
    ax.set_ylabel("cost per patient (%s, discounted)" % cur)
    ax.set_title("Cost-effectiveness plane (%s, %s patients)"
                 % (os.path.basename(f.path), f.attrs.get("patients", "?")))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    return npl.save(fig, prefix + "_plane")


def plane_psa(f, strategies, ref, prefix, size):
    if not f.has("psa/draws"):
        raise nh.NelmsimError("%s: has no /psa/draws (a PSA without economics)" % f.path)
    d = f.table("psa/draws")
    d["strategy"] = d["strategy"].astype(str)
    base = d[d["strategy"] == ref].set_index("scenario")
    cur = currency(f)
    colors = npl.strategy_colors(f.strategies)
    fig = npl.figure(size)
    ax = fig.add_subplot(1, 1, 1)
    xs, ys = [0.0], [0.0]
    for s in strategies:
        if s == ref:
            continue
        g = d[d["strategy"] == s].set_index("scenario")
        dq = (g["qaly"] - base["qaly"].reindex(g.index)).to_numpy()
        dc = (g["cost"] - base["cost"].reindex(g.index)).to_numpy()
        ax.scatter(dq, dc, s=8, alpha=0.35, color=colors[s], linewidths=0)
        ax.scatter([dq.mean()], [dc.mean()], s=90, marker="X", color=colors[s],
                   edgecolors="black", label="%s (mean)" % s, zorder=3)
        xs += list(dq)
        ys += list(dc)
    ax.axhline(0, color="black", lw=0.6)
    ax.axvline(0, color="black", lw=0.6)
    xlo, xhi = min(xs), max(xs)
    pad = 0.05 * (xhi - xlo or 1.0)
    xl = np.array([xlo - pad, xhi + pad])
    ylo, yhi = min(ys), max(ys)
    ypad = 0.08 * (yhi - ylo or 1.0)
    yl = (ylo - ypad, yhi + ypad)
    end = 0 if abs(xl[0]) > abs(xl[1]) else 1  # label each line at its far end
    for w in wtp_values(f):
        ax.plot(xl, w * xl, ":", color="#777777", lw=1)
        x = xl[end]
        if not yl[0] <= w * x <= yl[1]:  # where the line leaves the plot
            x = (yl[0] if w * x < yl[0] else yl[1]) / w if w > 0 else x
        ax.annotate("%s %g / QALY" % (cur, w), (x, w * x), fontsize="x-small",
                    color="#555555", ha="left" if end == 0 else "right", va="bottom")
    ax.set_xlim(xl)
    ax.set_ylim(yl)
    ax.set_xlabel("incremental QALYs per patient vs %s (discounted)" % ref)
    ax.set_ylabel("incremental cost per patient vs %s (%s, discounted)" % (ref, cur))
    ax.set_title("Cost-effectiveness plane, %d PSA draws" % d["scenario"].nunique())
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    return npl.save(fig, prefix + "_plane")


def ceac(f, strategies, prefix, size):
    if not (f.has("psa/ceac") and f.has("psa/frontier")):
        raise nh.NelmsimError("%s: has no /psa/ceac and /psa/frontier (a PSA without "
                              "economics)" % f.path)
    c = f.table("psa/ceac")
    fr = f.table("psa/frontier")
    cur = currency(f)
    colors = npl.strategy_colors(f.strategies)
    fig = npl.figure(size)
    ax, ax2 = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.3]})
    for s in strategies:
        g = c[c["strategy"].astype(str) == s]
        ax.plot(g["wtp"], g["probability"], "-", color=colors[s], lw=1.5, label=s)
    # the acceptability frontier: the probability of the strategy chosen
    best = fr["best"].astype(str).to_numpy()
    w = fr["wtp"].to_numpy()
    pr = fr["probability"].to_numpy()
    ax.plot(w, pr, "-", color="black", lw=4, alpha=0.25, label="acceptability frontier")
    for s in dict.fromkeys(best):
        m = best == s
        ax.scatter(w[m], pr[m], s=6, color=colors.get(s, "black"), zorder=3)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("probability cost-effective")
    ax.set_title("Cost-effectiveness acceptability curves (%d draws)"
                 % int(f.attrs.get("scenarios", 0)))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    ax2.plot(w, fr["evpi"], "-", color="#333333")
    ax2.set_ylabel("EVPI per patient (%s)" % cur)
    ax2.set_xlabel("willingness to pay per QALY (%s)" % cur)
    ax2.grid(True, alpha=0.3)
    return npl.save(fig, prefix + "_ceac")


def main():
    p = nh.parser(__file__, __doc__)
    p.add_argument("file", metavar="FILE.h5", help="a nelmsim run or PSA file")
    p.add_argument("-o", "--output", metavar="PREFIX", default="economics",
                   help="output prefix (default: economics, in the current directory)")
    p.add_argument("--reference", metavar="NAME",
                   help="PSA: the strategy the plane is incremental to (default: the file's "
                        "reference_strategy)")
    p.add_argument("--strategy", metavar="NAME", action="append",
                   help="draw this strategy (repeatable; default: all)")
    p.add_argument("--size", default="%dx%d" % nh.PANEL_SIZE, metavar="WxH",
                   help="figure size in pixels (default %dx%d)" % nh.PANEL_SIZE)
    a = p.parse_args()
    try:
        size = nh.parse_size(a.size)
    except ValueError as e:
        p.error("--size %s: %s" % (a.size, e))
    with nh.open_file(a.file, kinds=("run", "psa"),
                      hint="a sweep's economics are in /summary/economics by scenario") as f:
        require_economics(f)
        strategies = f.select_strategies(a.strategy)
        out = []
        if f.kind == "run":
            out.append(("cost-effectiveness plane", plane_run(f, strategies, a.output, size)))
        else:
            ref = a.reference or f.reference
            if ref not in f.strategies:
                raise nh.NelmsimError("%s: no strategy %r in this file (it has: %s)"
                                      % (f.path, ref, ", ".join(f.strategies)))
            out.append(("cost-effectiveness plane",
                        plane_psa(f, strategies, ref, a.output, size)))
            out.append(("acceptability curves", ceac(f, strategies, a.output, size)))
    for title, paths in out:
        print("%s: %s" % (title, " ".join(paths)))
    return 0


if __name__ == "__main__":
    nh.main_wrapper(main)
