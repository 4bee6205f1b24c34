"""Figures of the analysis scripts: Kaplan-Meier with numbers at risk, forest
plot, tornado, small multiples; PNG and SVG of an exact pixel size.

Every function draws on axes it is given and knows nothing about files, so a
new script (e.g. the validation forest plot of `nelmsim targets`) builds its
rows and calls `forest()` the way report.py does for paired differences.
Matplotlib runs with the Agg backend (no display needed).
"""
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import nelmsim_h5 as nh  # noqa: E402

DPI = 100
KM_SIZE = nh.KM_SIZE          # pixels
PANEL_SIZE = nh.PANEL_SIZE

# Colours by the strategy's position in the file, so a strategy keeps its
# colour in every figure of one file.
_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
            "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]


def strategy_colors(all_strategies):
    return {s: _PALETTE[i % len(_PALETTE)] for i, s in enumerate(all_strategies)}


parse_size = nh.parse_size


def figure(size_px, **kw):
    """A figure of exactly size_px pixels at DPI (constrained layout)."""
    w, h = size_px
    return plt.figure(figsize=(w / DPI, h / DPI), dpi=DPI, layout="constrained", **kw)


def save(fig, prefix, formats=("png", "svg")):
    """Write PREFIX.png and PREFIX.svg (no tight bbox: the PNG keeps the
    figure's pixel size). Returns the paths."""
    nh.prefix_dir(prefix)
    paths = []
    for ext in formats:
        path = "%s.%s" % (prefix, ext)
        try:
            fig.savefig(path, dpi=DPI, format=ext, metadata=_metadata(ext))
        except OSError as e:
            plt.close(fig)
            raise nh.OutputError("cannot write %s: %s" % (path, e.strerror or e))
        paths.append(path)
    plt.close(fig)
    return paths


def _metadata(ext):
    # Reproducible files: no creation date in the SVG / PNG.
    if ext == "svg":
        return {"Date": None}
    if ext == "png":
        return {"Software": "nelmsim scripts (matplotlib)"}
    return None


def nice_step(xmax, target=10):
    """A round tick step in months (6, 12, 24, 36, 60, ...) giving ~target ticks."""
    for step in (3, 6, 12, 24, 36, 48, 60, 120, 240):
        if xmax / step <= target:
            return step
    return 10 ** math.ceil(math.log10(xmax / target))


# ---------------------------------------------------------------------------
# Kaplan-Meier


def thin_steps(fit, xmax, points=800):
    """The KM step function for drawing: exact when it has few steps, else
    sampled on a grid of `points` per axis width (finer than the pixels), so
    that SVG files stay small for large runs."""
    t, s, lo, hi = fit.steps()
    if len(t) <= points:
        return t, s, lo, hi
    grid = np.linspace(0.0, xmax, points + 1)
    grid = grid[grid <= t[-1]]
    gs, glo, ghi = fit.at(grid, extend=True)
    return grid, gs, glo, ghi


def km_figure(curves, title, xlabel="months", ylabel="survival", xmax=240.0,
              size_px=KM_SIZE, ci=True, at_risk=True, note=None):
    """Kaplan-Meier curves with a number-at-risk table under them.

    curves: list of dicts {label, color, fit (nelmsim_h5.KM)}; the legend
    shows n and the median with its 95 % interval."""
    fig = figure(size_px)
    nrow = len(curves) if at_risk else 0
    if at_risk and nrow:
        gs = fig.add_gridspec(2, 1, height_ratios=[5.0, 0.45 + 0.32 * nrow])
        ax = fig.add_subplot(gs[0])
        axr = fig.add_subplot(gs[1], sharex=ax)
    else:
        ax, axr = fig.add_subplot(1, 1, 1), None
    step = nice_step(xmax)
    ticks = np.arange(0.0, xmax + 1e-9, step)
    for c in curves:
        fit = c["fit"]
        if fit.n == 0:
            continue
        t, s, lo, hi = thin_steps(fit, xmax)
        med, mlo, mhi = fit.median()
        label = "%s (n %d, median %s)" % (c["label"], fit.n,
                                          nh.fmt_ci(med, mlo, mhi, 1))
        ax.step(t, s, where="post", color=c["color"], lw=1.6, label=label)
        if ci:
            ax.fill_between(t, lo, hi, step="post", color=c["color"], alpha=0.12, lw=0,
                            rasterized=True)
    ax.axhline(0.5, color="0.6", lw=0.8, ls=":")
    ax.set_xlim(0, xmax)
    ax.set_ylim(0, 1.02)
    ax.set_xticks(ticks)
    ax.set_ylabel(ylabel)
    fig.suptitle(title, fontsize=11)
    if note:
        ax.set_title(note, fontsize=8, color="0.35")
    ax.grid(True, color="0.92")
    ax.legend(loc="upper right", fontsize=8, frameon=True, title="strategy (n, median, 95% CI)",
              title_fontsize=8)
    if axr is not None:
        axr.set_ylim(-0.5, nrow - 0.5)
        axr.invert_yaxis()
        axr.set_yticks(range(nrow))
        axr.set_yticklabels([c["label"] for c in curves], fontsize=7)
        for lab, c in zip(axr.get_yticklabels(), curves):
            lab.set_color(c["color"])
        for i, c in enumerate(curves):
            counts = c["fit"].at_risk(ticks)
            for x, k in zip(ticks, counts):
                axr.text(x, i, str(int(k)), ha="center", va="center", fontsize=7)
        axr.set_xlabel(xlabel)
        axr.set_title("number at risk", fontsize=8, loc="left")
        axr.tick_params(axis="y", length=0, pad=20)
        for side in ("top", "right", "left"):
            axr.spines[side].set_visible(False)
        ax.tick_params(labelbottom=False)
    else:
        ax.set_xlabel(xlabel)
    return fig


# ---------------------------------------------------------------------------
# Forest plot


def forest(ax, rows, xlabel, null=0.0, title=None, groups=None):
    """A forest plot on `ax`, one row per entry, top to bottom.

    rows: dicts with label, value, lo, hi (the interval drawn as a line) and
    optionally ref, ref_lo, ref_hi (a second, reference estimate drawn as a
    hollow diamond with a grey band: e.g. the published value beside the
    simulated one) and group (a key of `groups`: {group: (marker, colour,
    legend label)}, e.g. calibration / validation targets).
    `null` draws a vertical line (None: none)."""
    groups = groups or {}
    n = len(rows)
    y = np.arange(n)[::-1]
    used = {}
    for yi, r in zip(y, rows):
        marker, color, glabel = groups.get(r.get("group"), ("s", r.get("color", "k"), None))
        if r.get("ref") is not None and not nh.isnan(r.get("ref")):
            if not (nh.isnan(r.get("ref_lo")) or nh.isnan(r.get("ref_hi"))):
                ax.fill_betweenx([yi - 0.28, yi + 0.28], r["ref_lo"], r["ref_hi"],
                                 color="0.85", lw=0)
            ax.plot([r["ref"]], [yi], marker="D", mfc="white", mec="0.3", ms=6, ls="none")
        if not (nh.isnan(r.get("lo")) or nh.isnan(r.get("hi"))):
            ax.plot([r["lo"], r["hi"]], [yi, yi], color=color, lw=1.8)
        if not nh.isnan(r.get("value")):
            h = ax.plot([r["value"]], [yi], marker=marker, color=color, ms=6, ls="none")[0]
            if glabel and glabel not in used:
                used[glabel] = h
    if null is not None:
        ax.axvline(null, color="0.5", lw=0.9, ls="--")
    ax.set_yticks(y)
    ax.set_yticklabels([r["label"] for r in rows], fontsize=8)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(xlabel)
    ax.grid(True, axis="x", color="0.92")
    if title:
        ax.set_title(title, fontsize=10)
    if used:
        ax.legend(list(used.values()), list(used.keys()), fontsize=8, loc="best")


# ---------------------------------------------------------------------------
# Tornado


def tornado(ax, base, bars, xlabel, title=None, low_color="#4c72b0",
            high_color="#dd8452"):
    """A tornado diagram on `ax`.

    base: the outcome at the base case (the vertical line); bars: dicts with
    label, low, high (outcome at the parameter's low / high value) and
    low_text, high_text (the parameter values, printed at the bar ends).
    Bars are sorted by swing, the largest on top."""
    bars = sorted(bars, key=lambda b: -abs(b["high"] - b["low"]))
    n = len(bars)
    y = np.arange(n)[::-1]
    for yi, b in zip(y, bars):
        for key, color, tkey in (("low", low_color, "low_text"),
                                 ("high", high_color, "high_text")):
            v = b[key]
            if nh.isnan(v):
                continue
            ax.barh(yi, v - base, left=base, height=0.6, color=color, alpha=0.9)
            txt = b.get(tkey)
            if txt:
                ha = "left" if v >= base else "right"
                ax.text(v, yi, " %s " % txt, ha=ha, va="center", fontsize=7)
    ax.axvline(base, color="k", lw=1)
    ax.set_yticks(y)
    ax.set_yticklabels([b["label"] for b in bars], fontsize=8)
    ax.set_ylim(-0.7, max(n, 1) - 0.3)
    ax.set_xlabel(xlabel)
    ax.grid(True, axis="x", color="0.92")
    lo_all = [b[k] for b in bars for k in ("low", "high") if not nh.isnan(b[k])] + [base]
    span = (max(lo_all) - min(lo_all)) or 1.0
    ax.set_xlim(min(lo_all) - 0.45 * span, max(lo_all) + 0.45 * span)
    from matplotlib.patches import Patch
    ax.legend([Patch(color=low_color), Patch(color=high_color)], ["low value", "high value"],
              fontsize=7, loc="lower right")
    if title:
        ax.set_title(title, fontsize=9)


def wrap_path(path, width=18):
    """A dotted parameter path broken into lines of at most ~width characters
    at its dots, for axis labels."""
    parts = path.split(".")
    lines, cur = [], ""
    for i, part in enumerate(parts):
        piece = part if i == 0 else "." + part
        if cur and len(cur) + len(piece) > width:
            lines.append(cur)
            cur = piece
        else:
            cur += piece
    lines.append(cur)
    return "\n".join(lines)


def grid_shape(n, max_cols=3):
    cols = min(max_cols, max(n, 1))
    return int(math.ceil(n / cols)) if n else 1, cols


def panels(n, size_px, max_cols=3, sharey=False):
    """A figure with n panels (extra axes hidden); returns fig, list of axes."""
    rows, cols = grid_shape(n, max_cols)
    fig = figure(size_px)
    axs = fig.subplots(rows, cols, squeeze=False, sharey=sharey)
    flat = list(axs.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]
