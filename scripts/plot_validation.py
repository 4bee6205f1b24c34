#!/usr/bin/python3
"""The validation figure: simulated against published for every target of
`nelmsim targets`, as a forest plot.

    scripts/plot_validation.py TARGETS.h5|TARGETS.csv -o PREFIX [--size WxH] [--title TEXT]

reads the table `nelmsim targets` writes (-o FILE.h5 or --csv FILE.csv) and
writes PREFIX.png and PREFIX.svg. One row per statistic, top to bottom in
the table's order, labelled "target · statistic (arm)". Every statistic is
drawn on one scale, its ratio to the published value (log axis, 1 = the
published figure, dashed): the grey band is the published interval of the
verdict rule (95 % CI, Wilson from n, exp(+-1.96/sqrt(d)), range or +-15 %),
the hollow diamond the published value, the filled marker the simulated value
with its 95 % Monte Carlo interval — circles for calibration targets, squares
for validation targets. The right margin gives the two values and the verdict
(inside, OUTSIDE, not modelled); a statistic the model cannot produce shows
only its published band. Ratios beyond 1/8 or 8 are drawn at the edge with
an arrow.

Exit status: 0 done, 1 usage error, 2 bad input file, 3 cannot write.
"""
import csv
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nelmsim_h5 as nh  # noqa: E402

LIMIT = 8.0            # ratios drawn within [1/LIMIT, LIMIT]
ROW_PX = 24            # default height per row, pixels
WIDTH_PX = 1100
GROUPS = {"calibration": ("o", "#1f77b4", "calibration target (simulated, 95 % MC interval)"),
          "validation": ("s", "#d62728", "validation target (simulated, 95 % MC interval)")}
COLUMNS = ("id", "statistic", "arm", "role", "published", "published_lo", "published_hi",
           "simulated", "simulated_lo", "simulated_hi", "verdict")


def _num(v):
    if isinstance(v, (bytes, str)):
        v = v.decode() if isinstance(v, bytes) else v
        if v.strip() == "":
            return math.nan
    return float(v)


def read_csv(path):
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as e:
        raise nh.NelmsimError("%s: cannot read: %s" % (path, e.strerror or e))
    except (UnicodeDecodeError, csv.Error) as e:
        raise nh.NelmsimError("%s: not a CSV table of nelmsim targets: %s" % (path, e))
    if not rows or any(c not in rows[0] for c in COLUMNS):
        raise nh.NelmsimError("%s: not a CSV table of nelmsim targets (columns %s expected)"
                              % (path, ", ".join(COLUMNS)))
    try:
        for r in rows:
            for k in ("published", "published_lo", "published_hi", "simulated",
                      "simulated_lo", "simulated_hi"):
                r[k] = _num(r[k])
    except ValueError as e:
        raise nh.NelmsimError("%s: a number does not parse: %s" % (path, e))
    return rows


def read_h5(path):
    h5py = nh.h5py
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise nh.NelmsimError("%s: cannot open as HDF5: %s" % (path, e))
    with f:
        fmt = nh._attr(f.attrs.get("format"))
        if fmt != "nelmsim targets":
            raise nh.NelmsimError("%s: not a nelmsim targets file (root attribute format is %s)"
                                  % (path, "missing" if fmt is None else repr(fmt)))
        if nh._attr(f.attrs.get("complete")) != 1:
            raise nh.NelmsimError("%s: unfinished file (no complete = 1)" % path)
        if "targets" not in f or any(c not in f["targets"] for c in COLUMNS):
            raise nh.NelmsimError("%s: damaged nelmsim targets file: /targets lacks columns"
                                  % path)
        g = f["targets"]
        n = g["published"].shape[0]
        cols = {}
        for c in COLUMNS:
            d = g[c]
            names = h5py.check_enum_dtype(d.dtype)
            if names is not None:
                inv = {v: k for k, v in names.items()}
                cols[c] = [inv[int(v)] for v in d[()]]
            elif h5py.check_string_dtype(d.dtype) is not None:
                cols[c] = [str(s) for s in d.asstr()[()]]
            else:
                cols[c] = [float(v) for v in d[()]]
    return [{c: cols[c][i] for c in COLUMNS} for i in range(n)]


def read_table(path):
    if not os.path.exists(path):
        raise nh.NelmsimError("%s: no such file" % path)
    try:
        is_h5 = nh.h5py.is_hdf5(path)
    except OSError:
        is_h5 = False
    rows = read_h5(path) if is_h5 else read_csv(path)
    if not rows:
        raise nh.NelmsimError("%s: the table has no rows" % path)
    return rows


def clip(r):
    return min(max(r, 1 / LIMIT), LIMIT)


def ratio(v, pub):
    if nh.isnan(v) or nh.isnan(pub) or pub <= 0:
        return math.nan
    if math.isinf(v):
        return LIMIT
    return clip(max(v, 1e-300) / pub)


def fmt_value(v):
    if nh.isnan(v):
        return "-"
    if math.isinf(v):
        return "NE"
    return "%.3g" % v


def figure_rows(rows):
    out = []
    for r in rows:
        pub = r["published"]
        label = "%s · %s" % (r["id"], r["statistic"])
        if r["arm"] and r["arm"] != r["statistic"]:
            label += " (%s)" % r["arm"]
        out.append({
            "label": label,
            "group": r["role"],
            "value": ratio(r["simulated"], pub),
            "lo": ratio(r["simulated_lo"], pub),
            "hi": ratio(r["simulated_hi"], pub),
            "ref": 1.0,
            "ref_lo": ratio(r["published_lo"], pub),
            "ref_hi": ratio(r["published_hi"], pub),
            "raw": r,
        })
    return out


def draw(rows, size, title):
    import nelmsim_plots as npl
    fig = npl.figure(size)
    ax = fig.add_subplot(1, 1, 1)
    frows = figure_rows(rows)
    npl.forest(ax, frows, "simulated / published (log scale; 1 = the published value)",
               null=1.0, title=title, groups=GROUPS)
    ax.set_xscale("log")
    ax.set_xlim(1 / LIMIT / 1.15, LIMIT * 1.15)
    ticks = [0.125, 0.25, 0.5, 1, 2, 4, 8]
    ax.set_xticks(ticks)
    ax.set_xticklabels(["1/8", "1/4", "1/2", "1", "2", "4", "8"])
    ax.minorticks_off()
    n = len(frows)
    for i, fr in enumerate(frows):
        y = n - 1 - i
        r = fr["raw"]
        verdict = {"inside": "inside", "outside": "OUTSIDE",
                   "not_modelled": "not modelled"}.get(r["verdict"], r["verdict"])
        color = {"inside": "#2ca02c", "outside": "#d62728"}.get(r["verdict"], "0.4")
        text = "%s vs %s  %s" % (fmt_value(r["simulated"]), fmt_value(r["published"]), verdict)
        ax.text(1.01, y, text, transform=ax.get_yaxis_transform(), fontsize=7, va="center",
                ha="left", color=color, clip_on=False)
        v = fr["value"]
        if not nh.isnan(v) and (v >= LIMIT or v <= 1 / LIMIT):
            ax.annotate("", xy=(v * (1.12 if v >= LIMIT else 1 / 1.12), y), xytext=(v, y),
                        arrowprops={"arrowstyle": "->", "color": "0.3", "lw": 0.8})
    # one legend for everything, under the axes
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    handles = [Line2D([], [], marker=m, color=c, ls="none", ms=6) for m, c, _ in GROUPS.values()]
    labels = [lab for _, _, lab in GROUPS.values()]
    handles += [Line2D([], [], marker="D", mfc="white", mec="0.3", ls="none", ms=6),
                Patch(color="0.85")]
    labels += ["published value", "published interval (verdict rule)"]
    ax.legend(handles, labels, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.035),
              ncol=2, frameon=False)
    # calibration and validation blocks separated where the role changes
    for i in range(1, n):
        if frows[i]["group"] != frows[i - 1]["group"]:
            ax.axhline(n - i - 0.5, color="0.75", lw=0.6)
    return fig


def main():
    ap = nh.parser(__file__, __doc__)
    ap.add_argument("table", metavar="TARGETS.h5|CSV",
                    help="the table of nelmsim targets (-o FILE.h5 or --csv FILE)")
    ap.add_argument("-o", "--output", metavar="PREFIX", required=True,
                    help="write PREFIX.png and PREFIX.svg")
    ap.add_argument("--size", metavar="WxH", type=nh.parse_size,
                    help="figure size in pixels (default %d wide, %d per row)"
                         % (WIDTH_PX, ROW_PX))
    ap.add_argument("--title", default=None,
                    help="figure title (default: one naming the table and its counts)")
    args = ap.parse_args()
    rows = read_table(args.table)
    size = args.size or (WIDTH_PX, max(400, 190 + ROW_PX * len(rows)))
    counts = {}
    for r in rows:
        counts[(r["role"], r["verdict"])] = counts.get((r["role"], r["verdict"]), 0) + 1
    title = args.title
    if title is None:
        parts = []
        for role in ("calibration", "validation"):
            k = [counts.get((role, v), 0) for v in ("inside", "outside", "not_modelled")]
            parts.append("%s: %d inside, %d outside, %d not modelled" % (role, *k))
        title = "nelmsim targets: simulated vs published\n%s" % "; ".join(parts)
    fig = draw(rows, size, title)
    import nelmsim_plots as npl
    paths = npl.save(fig, args.output)
    for p in paths:
        print(p)
    return 0


if __name__ == "__main__":
    nh.main_wrapper(main)
