#!/usr/bin/python3
"""Strategy comparison report of a nelmsim file, in Markdown and HTML.

    scripts/report.py FILE.h5 -o DIR

For a run file (nelmsim run -o FILE.h5) writes
  DIR/report.md      the tables below, figures linked from DIR/figures/
  DIR/report.html    the same, self-contained (inline CSS, figures embedded as
                     PNG), to open in a browser or mail
  DIR/figures/       km_os, km_pfs1 (Kaplan-Meier by strategy, see
                     plot_km.py) and differences (forest plot of the paired
                     differences), each .png and .svg

Tables (numbers from /summary, the same as `nelmsim summary FILE` prints,
at its precision): overall survival (median with its 95 % Monte Carlo interval,
mean OS restricted to the horizon and RMST to tau, each ± its Monte Carlo
standard error); OS at 1, 3, 5 and 10 years with 95 % intervals; paired
differences in mean OS and RMST against the reference strategy (± the
common-random-number SE, 95 % interval ± 1.96 SE); treatment received (mean
lines, share receiving each modality kind and instance); causes of death;
median PFS of each line started (from the line's start, among those who start
it). The Kaplan-Meier figures are computed from the per-patient data and
checked against /summary/km (the report states the largest difference).

For a sweep or PSA file the report has the scenario tables and the figures of
scripts/plot_scenarios.py (difference against each parameter, tornado; for a
PSA also the distribution of the difference and P(best)); --metric chooses
mean OS or RMST there.

One command from a fresh clone (after building):
  build/nelmsim run -n 100000 --seed 1 -o run.h5 && scripts/report.py run.h5 -o report

Exit status: 0 done, 1 usage error, 2 bad input file, 3 cannot write.
"""
import base64
import datetime
import html
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nelmsim_h5 as nh  # noqa: E402

CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1100px; color: #222; line-height: 1.4; padding: 0 1em; }
h1 { font-size: 1.6em; border-bottom: 2px solid #345; padding-bottom: .2em; }
h2 { font-size: 1.25em; margin-top: 1.8em; color: #234; }
table { border-collapse: collapse; margin: .6em 0 1.2em 0; font-size: .88em; }
th, td { border: 1px solid #ccd; padding: .25em .6em; text-align: right; white-space: nowrap; }
th { background: #eef2f7; }
td:first-child, th:first-child { text-align: left; }
tr:nth-child(even) td { background: #fafbfd; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: .3em 0; }
.meta td { text-align: left; white-space: normal; }
.note { color: #555; font-size: .9em; }
figure { margin: 1em 0 2em 0; }
figure img { max-width: 100%; border: 1px solid #dde; }
figcaption { color: #444; font-size: .9em; }
code { background: #f3f3f3; padding: 0 .2em; }
"""


class Table:
    def __init__(self, caption, header, rows, note=None):
        self.caption, self.header, self.rows, self.note = caption, header, rows, note


class Doc:
    """Blocks rendered to Markdown and to HTML."""

    def __init__(self, title):
        self.title = title
        self.blocks = []

    def h(self, text):
        self.blocks.append(("h", text))

    def p(self, text):
        self.blocks.append(("p", text))

    def items(self, lines):
        self.blocks.append(("ul", lines))

    def meta(self, pairs):
        self.blocks.append(("meta", pairs))

    def table(self, t):
        self.blocks.append(("table", t))

    def figure(self, title, paths, caption):
        self.blocks.append(("figure", (title, paths, caption)))

    def markdown(self, outdir):
        out = ["# %s" % self.title, ""]
        for kind, x in self.blocks:
            if kind == "h":
                out += ["## %s" % x, ""]
            elif kind == "p":
                out += [x, ""]
            elif kind == "ul":
                out += ["- %s" % x_ for x_ in x]
                out.append("")
            elif kind == "meta":
                out += ["| | |", "|---|---|"]
                out += ["| %s | %s |" % (md(k), md(v)) for k, v in x]
                out.append("")
            elif kind == "table":
                out += ["**%s**" % x.caption, ""]
                out.append("| " + " | ".join(md(c) for c in x.header) + " |")
                out.append("|" + "|".join(["---"] + ["--:"] * (len(x.header) - 1)) + "|")
                for r in x.rows:
                    out.append("| " + " | ".join(md(c) for c in r) + " |")
                out.append("")
                if x.note:
                    out += [x.note, ""]
            elif kind == "figure":
                title, paths, caption = x
                png = [q for q in paths if q.endswith(".png")][0]
                svg = [q for q in paths if q.endswith(".svg")]
                rel = os.path.relpath(png, outdir)
                out.append("![%s](%s)" % (title, rel))
                out.append("")
                extra = " ([SVG](%s))" % os.path.relpath(svg[0], outdir) if svg else ""
                out += ["*%s*%s" % (caption, extra), ""]
        return "\n".join(out)

    def html(self):
        e = html.escape
        out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
               '<meta name="viewport" content="width=device-width, initial-scale=1">',
               "<title>%s</title>" % e(self.title), "<style>%s</style></head><body>" % CSS,
               "<h1>%s</h1>" % e(self.title)]
        for kind, x in self.blocks:
            if kind == "h":
                out.append("<h2>%s</h2>" % e(x))
            elif kind == "p":
                out.append("<p>%s</p>" % inline_html(x))
            elif kind == "ul":
                out.append("<ul>" + "".join("<li>%s</li>" % inline_html(x_) for x_ in x) +
                           "</ul>")
            elif kind == "meta":
                out.append('<table class="meta"><tbody>')
                out += ["<tr><th>%s</th><td>%s</td></tr>" % (e(k), e(str(v))) for k, v in x]
                out.append("</tbody></table>")
            elif kind == "table":
                out.append("<table><caption>%s</caption><thead><tr>" % e(x.caption))
                out += ["<th>%s</th>" % e(c) for c in x.header]
                out.append("</tr></thead><tbody>")
                for r in x.rows:
                    out.append("<tr>" + "".join("<td>%s</td>" % e(str(c)) for c in r) + "</tr>")
                out.append("</tbody></table>")
                if x.note:
                    out.append('<p class="note">%s</p>' % inline_html(x.note))
            elif kind == "figure":
                title, paths, caption = x
                png = [q for q in paths if q.endswith(".png")][0]
                with open(png, "rb") as fh:
                    data = base64.b64encode(fh.read()).decode("ascii")
                out.append('<figure><img alt="%s" src="data:image/png;base64,%s">'
                           '<figcaption>%s</figcaption></figure>'
                           % (e(title), data, inline_html(caption)))
        out.append("</body></html>")
        return "\n".join(out) + "\n"


def md(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def inline_html(s):
    """Escape, then render `code` spans."""
    parts = html.escape(s).split("`")
    return "".join(("<code>%s</code>" % p) if i % 2 else p for i, p in enumerate(parts))


# ---------------------------------------------------------------------------


def fmt_diff_ci(d, se, digits=1):
    if nh.isnan(d) or nh.isnan(se):
        return "NA"
    return "%s to %s" % (nh.fmt(d - nh.Z95 * se, digits), nh.fmt(d + nh.Z95 * se, digits))


def row_of(summ, s):
    return summ[summ["strategy"].astype(str) == s].iloc[0]


def run_report(f, outdir, strategies, doc):
    import nelmsim_plots as npl
    import plot_km

    summ = f.summary()
    ref = f.reference
    tau = f.tau
    figdir = os.path.join(outdir, "figures")
    nh.make_dir(figdir)
    hz = f.horizon()
    horizon = ("age %s or %s months" % (hz.get("age"), hz.get("months"))) if hz else "?"
    doc.meta([
        ("file", os.path.abspath(f.path)),
        ("nelmsim", "%s (git %s)" % (f.attrs.get("nelmsim_version"),
                                     f.attrs.get("git_revision"))),
        ("model", f.attrs.get("model", "")),
        ("command", f.attrs.get("command_line", "")),
        ("seed", f.attrs.get("seed")),
        ("patients", "%s per strategy (the same patients under every strategy)"
         % f.attrs.get("patients")),
        ("horizon", horizon),
        ("reference strategy", ref),
        ("tau (RMST)", "%g months" % tau),
        ("trajectories", f.trajectories),
        ("created", f.attrs.get("created", "")),
    ])
    doc.h("Strategies")
    doc.items(["`%s`: %s" % (s, f.descriptions[f.strategies.index(s)]) for s in strategies])

    doc.h("Overall survival")
    rows = []
    for s in strategies:
        r = row_of(summ, s)
        rows.append([s, "%d" % int(r["patients"]),
                     nh.fmt_ci(r["median_os"], r["median_os_lo"], r["median_os_hi"]),
                     nh.fmt_pm(r["mean_os"], r["mean_os_se"]),
                     nh.fmt_pm(r["rmst"], r["rmst_se"])])
    doc.table(Table("Overall survival (months)",
                    ["strategy", "patients", "median OS (95% MC interval)",
                     "mean OS ± MCSE", "RMST to %g mo ± MCSE" % tau], rows,
                    "Median: Kaplan-Meier, the smallest time with S(t) ≤ 0.5 (R survfit); NR: "
                    "not reached. Mean OS is restricted to the horizon; MCSE: Monte Carlo "
                    "standard error."))
    rows = []
    for s in strategies:
        r = row_of(summ, s)
        rows.append([s] + [nh.fmt_ci(r["os_%d" % m], r["os_%d_lo" % m], r["os_%d_hi" % m], 3,
                                     nan="NA") for m in nh.LANDMARKS])
    doc.table(Table("Overall survival at 1, 3, 5 and 10 years (95% interval)",
                    ["strategy", "1 year", "3 years", "5 years", "10 years"], rows,
                    "NA: beyond the last observed time."))

    doc.h("Paired differences against %s" % ref)
    rows, frows = [], []
    for s in strategies:
        r = row_of(summ, s)
        if s == ref:
            rows.append([s, "reference", "", "reference", ""])
            continue
        rows.append([s, nh.fmt_pm(r["diff_mean_os"], r["diff_mean_os_se"]),
                     fmt_diff_ci(r["diff_mean_os"], r["diff_mean_os_se"]),
                     nh.fmt_pm(r["diff_rmst"], r["diff_rmst_se"]),
                     fmt_diff_ci(r["diff_rmst"], r["diff_rmst_se"])])
        frows.append(s)
    doc.table(Table("Differences against %s (months)" % ref,
                    ["strategy", "Δ mean OS ± SE", "95% interval",
                     "Δ RMST to %g mo ± SE" % tau, "95% interval"], rows,
                    "Mean over patients of x(strategy) − x(%s): every strategy simulates the "
                    "same patients, so the SE (sd/√n of the paired differences) excludes "
                    "patient-mix noise." % ref))
    if frows:
        fig, axs = npl.panels(2, (1000, max(300, 120 + 45 * len(frows))), max_cols=2,
                              sharey=True)
        colors = npl.strategy_colors(f.strategies)
        for ax, (col, label) in zip(axs, (("diff_mean_os", "Δ mean OS"),
                                          ("diff_rmst", "Δ RMST to %g mo" % tau))):
            rr = []
            for s in frows:
                r = row_of(summ, s)
                d, se = float(r[col]), float(r[col + "_se"])
                rr.append({"label": s, "value": d, "lo": d - nh.Z95 * se,
                           "hi": d + nh.Z95 * se, "color": colors[s]})
            npl.forest(ax, rr, "%s vs %s (months)" % (label, ref), null=0.0, title=label)
        fig.suptitle("Paired differences against %s, 95%% intervals" % ref, fontsize=10)
        paths = npl.save(fig, os.path.join(figdir, "differences"))
        doc.figure("Paired differences", paths,
                   "Paired differences against %s with 95%% intervals (± 1.96 paired SE)."
                   % ref)

    doc.h("Treatment received")
    kinds = [k for k in nh.KINDS if "received_" + k in summ]
    rows = []
    for s in strategies:
        r = row_of(summ, s)
        rows.append([s, nh.fmt(r["mean_lines"], 2)] + [nh.fmt(r["received_" + k], 3)
                                                       for k in kinds])
    doc.table(Table("Mean lines of treatment and share receiving each modality kind",
                    ["strategy", "mean lines"] + kinds, rows))
    if f.has("summary/instance_share"):
        share = f.instance_share()
        share["strategy"] = share["strategy"].astype(str)
        share["instance"] = share["instance"].astype(str)
        used = [i for i in f.instances
                if (share[(share["instance"] == i) & share["strategy"].isin(strategies)]
                    ["share"] > 0).any()]
        rows = []
        for s in strategies:
            sub = share[share["strategy"] == s].set_index("instance")["share"]
            rows.append([s] + [nh.fmt(sub.get(i, math.nan), 3, nan="") for i in used])
        if used:
            doc.table(Table("Share receiving each modality instance", ["strategy"] + used,
                            rows))

    doc.h("Causes of death")
    rows = []
    for s in strategies:
        r = row_of(summ, s)
        rows.append([s] + [nh.fmt(r["death_" + c], 3) for c in nh.CAUSES] +
                    [nh.fmt(r["alive_at_horizon"], 3)])
    doc.table(Table("Share of patients by cause of death", ["strategy"] + nh.CAUSES +
                    ["alive at horizon"], rows))

    doc.h("Progression-free survival by line")
    if f.has("summary/pfs_by_line"):
        pfs = f.pfs_by_line()
        pfs["strategy"] = pfs["strategy"].astype(str)
        pfs = pfs[pfs["strategy"].isin(strategies)]
        nl = int(pfs["line"].max()) if len(pfs) else 0
        rows = []
        for s in strategies:
            sub = pfs[pfs["strategy"] == s].set_index("line")
            cells = []
            for k in range(1, nl + 1):
                if k in sub.index:
                    r = sub.loc[k]
                    cells.append("%s, n %d" % (nh.fmt_ci(r["median"], r["median_lo"],
                                                         r["median_hi"]), int(r["patients"])))
                else:
                    cells.append("")
            rows.append([s] + cells)
        doc.table(Table("Median PFS of each line started, months (95% interval), n who "
                        "start it", ["strategy"] + ["line %d" % k for k in range(1, nl + 1)],
                        rows, "From the line's start to progression or death, among the "
                        "patients who start it; line k is the k-th line started."))

    doc.h("Kaplan-Meier curves")
    notes = []
    res = plot_km.make_km_figures(f, os.path.join(figdir, "km"), strategies,
                                  ("os", "pfs"), 1, None, None, True, None,
                                  warn=lambda m: notes.append(m))
    for ep, title, paths in res["figures"]:
        cap = title + ", with the number at risk"
        if ep == "os" and res["agreement"] is not None:
            cap += ("; computed from the per-patient data (agrees with the file's "
                    "/summary/km to %.2g)" % res["agreement"])
        if res["from_table"]:
            cap += " (from the file's monthly /summary/km: no per-patient data)"
        doc.figure(title, paths, cap + ".")
    for m in notes:
        doc.p("Note: " + m)


def scenario_report(f, outdir, strategies, metric, doc):
    import plot_scenarios as ps

    res = ps.analyse(f, metric, strategies)
    figdir = os.path.join(outdir, "figures")
    nh.make_dir(figdir)
    doc.meta([
        ("file", os.path.abspath(f.path)),
        ("kind", "nelmsim %s" % f.kind),
        ("nelmsim", "%s (git %s)" % (f.attrs.get("nelmsim_version"),
                                     f.attrs.get("git_revision"))),
        ("spec", f.attrs.get("spec", "")),
        ("command", f.attrs.get("command_line", "")),
        ("seed", f.attrs.get("seed")),
        ("scenarios", f.attrs.get("scenarios")),
        ("patients per scenario", f.attrs.get("patients")),
        ("reference strategy", f.reference),
        ("outcome", "paired difference in %s against %s" % (res["label"], f.reference)),
    ])
    summ = res["summ"]
    scen = res["scen"]
    strat = [s for s in f.strategies if s in (strategies or f.strategies)]
    if f.kind == "sweep":
        doc.h("Scenarios")
        rows = []
        for _, r in scen.iterrows():
            k = int(r["scenario"])
            sub = summ[summ["scenario"] == k].set_index("strategy")
            rows.append(["%d" % k] + [ps.value_text(r[p]) for p in res["params"]] +
                        [nh.fmt(sub.loc[s, res["col"]], 2) for s in strat])
        doc.table(Table("%s by scenario (months)" % res["label"],
                        ["scenario"] + res["params"] + strat, rows))
        rows = []
        for _, r in scen.iterrows():
            k = int(r["scenario"])
            sub = summ[summ["scenario"] == k].set_index("strategy")
            rows.append(["%d" % k] + [ps.value_text(r[p]) for p in res["params"]] +
                        [nh.fmt_pm(sub.loc[s, res["dcol"]], sub.loc[s, res["secol"]], 2, 2)
                         for s in res["comparators"]])
        doc.table(Table("Δ %s against %s ± paired SE (months)" % (res["label"], f.reference),
                        ["scenario"] + res["params"] + res["comparators"], rows))
        if res["tornado"]:
            doc.p("Tornado: %s; base values: %s." % (res["tornado_method"], ", ".join(
                "%s = %s (%s)" % (p, ps.value_text(res["base"][p]), res["base_from"][p])
                for p in res["varied"])))
    else:
        doc.h("Over the draws")
        rows = []
        for r in res["stats"]:
            if r["strategy"] not in strat:
                continue
            if r["strategy"] == f.reference:
                diff = ["reference", "", "", ""]
            else:
                diff = [nh.fmt(r["diff_mean"], 2), nh.fmt(r["diff_sd"], 2),
                        "%s to %s" % (nh.fmt(r["diff_lo"], 2), nh.fmt(r["diff_hi"], 2)),
                        nh.fmt(r["p_diff_positive"], 3)]
            rows.append([r["strategy"], nh.fmt(r["mean"], 2), nh.fmt(r["sd"], 2)] + diff +
                        [nh.fmt(r["p_best"], 3)])
        doc.table(Table("PSA, %d draws: %s (months)" % (res["draws"], res["label"]),
                        ["strategy", "mean", "sd", "Δ vs %s" % f.reference, "sd of Δ",
                         "2.5–97.5 % of Δ", "P(Δ > 0)", "P(best)"], rows,
                        "sd: between draws. P(best): share of draws in which the strategy "
                        "has the highest %s." % res["label"]))
        rows = [[r["parameter"], ps.value_text(r["mean"]), ps.value_text(r["sd"]),
                 "%s to %s" % (ps.value_text(r["lo"]), ps.value_text(r["hi"]))]
                for r in res["param_stats"]]
        doc.table(Table("Sampled parameters", ["parameter", "mean", "sd", "2.5–97.5 %"],
                        rows))
        if res["tornado"]:
            rows = [[r["strategy"], r["parameter"], "%.4g" % r["coefficient"],
                     "%.2f" % r["prcc"], nh.fmt(r["outcome_low"], 2),
                     nh.fmt(r["outcome_high"], 2), "%.3f" % r["r2"]] for r in res["tornado"]]
            doc.table(Table("Regression tornado: OLS of Δ %s on the sampled parameters"
                            % res["label"], ["strategy", "parameter", "coefficient", "PRCC",
                                             "Δ at 2.5 %", "Δ at 97.5 %", "R²"], rows))
        elif res.get("tornado_note"):
            doc.p("No tornado: %s." % res["tornado_note"])
    doc.h("Figures")
    for key, title, paths in ps.figures(res, os.path.join(figdir, "scenarios")):
        doc.figure(title, paths, "%s (see `scripts/plot_scenarios.py --help`)." % title)
    ps.write_tables(res, os.path.join(figdir, "scenarios"))


def main():
    p = nh.parser(__file__, __doc__)
    p.add_argument("file", metavar="FILE.h5", help="a nelmsim run (or sweep / PSA) file")
    p.add_argument("-o", "--output", metavar="DIR", required=True,
                   help="output directory (created; report.md, report.html, figures/)")
    p.add_argument("--strategy", metavar="NAME", action="append",
                   help="report this strategy (repeatable; default: all, in file order)")
    p.add_argument("--metric", choices=["mean_os", "rmst"], default="mean_os",
                   help="sweep / PSA files: the outcome of the scenario figures")
    p.add_argument("--title", help="report title")
    a = p.parse_args()
    with nh.open_file(a.file) as f:
        strategies = f.select_strategies(a.strategy)
        nh.make_dir(a.output)
        base = os.path.basename(a.file)
        title = a.title or ("nelmsim strategy comparison: %s" % base if f.kind == "run" else
                            "nelmsim %s: %s" % ("sweep" if f.kind == "sweep" else "PSA", base))
        doc = Doc(title)
        if f.kind == "run":
            run_report(f, a.output, strategies, doc)
        else:
            scenario_report(f, a.output, a.strategy, a.metric, doc)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    doc.p("Made by `scripts/report.py` at %s." % stamp)
    md_path = nh.write_text(os.path.join(a.output, "report.md"), doc.markdown(a.output))
    html_path = nh.write_text(os.path.join(a.output, "report.html"), doc.html())
    print("report: %s %s" % (md_path, html_path))
    return 0


if __name__ == "__main__":
    nh.main_wrapper(main)
