#!/usr/bin/python3
"""The analysis scripts (scripts/plot_km.py, report.py, plot_scenarios.py,
read_nelmsim.R; docs/ANALYSIS.md) on small generated files.

    /usr/bin/python3 tests/check_scripts.py NELMSIM WORKDIR

Generates with NELMSIM: a run file (3000 patients, --trajectories full), a
censored run (horizon 60 months: medians not reached), a run without
per-patient data, a sweep (tests/data/scenarios/sweep.yaml) and a PSA
(psa.yaml, 20 draws), and `nelmsim summary --csv` of the runs. Checks, with
every script run by its path from WORKDIR (not the source tree):

  a. --help of every script: exit 0, usage on stdout;
  b. plot_km.py: the PNGs decode with the requested pixel size, the SVGs are
     XML; its medians (OS, PFS of lines 1 and 2) and n equal `nelmsim
     summary`'s to 1e-9 (NaN where not reached); the OS curves agree with
     /summary/km;
  c. report.py: report.md and report.html exist, the HTML is self-contained
     (no external reference; embedded PNGs decode) and both carry the summary
     tables with exactly the cells `nelmsim summary --csv` gives at the
     printed precision (median OS and interval, mean OS and RMST ± MCSE, OS
     at landmarks, paired differences, mean lines, shares, causes of death,
     PFS by line); a sweep and a PSA file give scenario reports;
  d. plot_scenarios.py: figures valid; the sweep tornado's numbers are the
     file's paired differences of the scenarios it names, at the lowest and
     highest value of each parameter; the PSA table's mean, difference and
     P(best) equal what `nelmsim psa` printed;
  e. read_nelmsim.R (hdf5r + survival::survfit): medians and 95 % intervals
     equal `nelmsim summary`'s to the printed 10 decimals, NA where not
     reached. Skipped with a notice when Rscript is absent, except under CI
     (environment CI set), where that is a failure;
  f. user errors: a missing file, a non-HDF5 file, an unfinished file, the
     wrong kind of file, an unknown strategy exit 2, bad usage exits 1, an
     unwritable output exits 3, each with one line on stderr and no
     traceback.

Exit 0 when everything holds, 1 listing every failure, 2 on bad usage.
"""
import base64
import csv
import html.parser
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.normpath(os.path.join(HERE, "..", "scripts"))
SPECS = os.path.join(HERE, "data", "scenarios")
PY = ["plot_km.py", "report.py", "plot_scenarios.py"]
RTOL = 1e-9

FAILS = []


def check(ok, what):
    if not ok:
        FAILS.append(what)
        print("FAIL:", what)
    return bool(ok)


def run(args, cwd, timeout=300):
    try:
        p = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", "timeout after %d s" % timeout
    return p.returncode, p.stdout, p.stderr


def script(name):
    return os.path.join(SCRIPTS, name)


def ci():
    v = os.environ.get("CI", "")
    return v not in ("", "false")


# ---------------------------------------------------------------------------
# Images


def png_size(data):
    """(width, height) from a PNG's signature and IHDR, or None; also checks
    the IHDR CRC and that the image data inflates."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    w, h = struct.unpack(">II", data[16:24])
    if zlib.crc32(data[12:29]) & 0xFFFFFFFF != struct.unpack(">I", data[29:33])[0]:
        return None
    pos, idat = 8, b""
    while pos < len(data):
        n = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IEND":
            break
    try:
        raw = zlib.decompress(idat)
    except zlib.error:
        return None
    return (w, h) if len(raw) > h else None


def check_png(path, size=None, width=None):
    if not check(os.path.isfile(path), "%s: missing" % path):
        return
    with open(path, "rb") as fh:
        got = png_size(fh.read())
    if not check(got is not None, "%s: not a valid PNG" % path):
        return
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.image as mpimg
        arr = mpimg.imread(path)
        check(arr.shape[1] == got[0] and arr.shape[0] == got[1],
              "%s: matplotlib decodes %s, IHDR says %s" % (path, arr.shape, got))
    except Exception as e:  # noqa: BLE001
        check(False, "%s: matplotlib cannot decode it: %s" % (path, e))
    if size is not None:
        check(got == tuple(size), "%s: %dx%d pixels, expected %dx%d" % (path, *got, *size))
    if width is not None:
        check(got[0] == width, "%s: width %d, expected %d" % (path, got[0], width))


def check_svg(path):
    if not check(os.path.isfile(path), "%s: missing" % path):
        return
    try:
        root = ET.parse(path).getroot()
        check(root.tag.endswith("svg"), "%s: root element %s, not svg" % (path, root.tag))
    except ET.ParseError as e:
        check(False, "%s: not XML: %s" % (path, e))


def check_figure(prefix, size=None, width=None):
    check_png(prefix + ".png", size, width)
    check_svg(prefix + ".svg")


# ---------------------------------------------------------------------------
# Numbers


def num(s):
    return math.nan if s in ("", "NA", "nan", None) else float(s)


def same(a, b, rtol=RTOL):
    a, b = num(a) if isinstance(a, str) else a, num(b) if isinstance(b, str) else b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1.0)


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def f1(x, d=1, nan="NR"):
    x = num(x)
    return nan if math.isnan(x) else "%.*f" % (d, x)


# The report's cells, written here from nelmsim's printed formats.
def expected_cells(r, tau):
    cells = {}
    if all(math.isnan(num(r[k])) for k in ("median_os", "median_os_lo", "median_os_hi")):
        cells["median"] = "not reached"
    else:
        cells["median"] = "%s (%s–%s)" % (f1(r["median_os"]), f1(r["median_os_lo"]),
                                          f1(r["median_os_hi"]))
    cells["mean"] = "%s ± %s" % (f1(r["mean_os"]), f1(r["mean_os_se"], 2))
    cells["rmst"] = "%s ± %s" % (f1(r["rmst"]), f1(r["rmst_se"], 2))
    for m, lab in ((12, "1 year"), (36, "3 years"), (60, "5 years"), (120, "10 years")):
        k = "os_%d" % m
        if all(math.isnan(num(r[x])) for x in (k, k + "_lo", k + "_hi")):
            cells[lab] = "NA"
        else:
            cells[lab] = "%s (%s–%s)" % (f1(r[k], 3, "NA"), f1(r[k + "_lo"], 3, "NA"),
                                         f1(r[k + "_hi"], 3, "NA"))
    if r["strategy"] != r["reference"]:
        cells["dmean"] = "%s ± %s" % (f1(r["diff_mean_os"]), f1(r["diff_mean_os_se"], 2))
        cells["drmst"] = "%s ± %s" % (f1(r["diff_rmst"]), f1(r["diff_rmst_se"], 2))
        d, se = num(r["diff_mean_os"]), num(r["diff_mean_os_se"])
        cells["dmean_ci"] = "%.1f to %.1f" % (d - 1.959963984540054 * se,
                                              d + 1.959963984540054 * se)
    else:
        cells["dmean"] = cells["drmst"] = "reference"
    cells["mean lines"] = f1(r["mean_lines"], 2)
    for k in ("resection", "transplant", "iat", "prrt", "ssa", "targeted", "observation"):
        cells[k] = f1(r["received_" + k], 3)
    for c in ("disease", "treatment", "toxicity", "background"):
        cells["death_" + c] = f1(r["death_" + c], 3)
    cells["alive at horizon"] = f1(r["alive_at_horizon"], 3)
    for k in range(1, 10):
        if "median_pfs_line%d" % k not in r:
            break
        if r["n_pfs_line%d" % k] in ("", "0"):
            continue
        p = "median_pfs_line%d" % k
        lo, hi, me = r[p + "_lo"], r[p + "_hi"], r[p]
        if all(math.isnan(num(x)) for x in (me, lo, hi)):
            txt = "not reached"
        else:
            txt = "%s (%s–%s)" % (f1(me), f1(lo), f1(hi))
        cells["line %d" % k] = "%s, n %s" % (txt, r["n_pfs_line%d" % k])
    return cells


# Which report table (identified by a header cell) holds each cell, and its column.
CELL_TABLES = [
    ("median OS (95% MC interval)", {"median": "median OS (95% MC interval)",
                                     "mean": "mean OS ± MCSE", "rmst": "RMST to 120 mo ± MCSE"}),
    ("10 years", {k: k for k in ("1 year", "3 years", "5 years", "10 years")}),
    ("Δ mean OS ± SE", {"dmean": "Δ mean OS ± SE", "drmst": "Δ RMST to 120 mo ± SE"}),
    ("mean lines", {k: k for k in ("mean lines", "resection", "transplant", "iat", "prrt",
                                   "ssa", "targeted", "observation")}),
    ("alive at horizon", {"death_disease": "disease", "death_treatment": "treatment",
                          "death_toxicity": "toxicity", "death_background": "background",
                          "alive at horizon": "alive at horizon"}),
    ("line 1", {"line %d" % k: "line %d" % k for k in range(1, 10)}),
]


def md_tables(text):
    """Markdown pipe tables: list of (header, rows)."""
    out, cur = [], None
    for line in text.splitlines():
        if line.startswith("|") and line.endswith("|"):
            cells = [c.strip().replace("\\|", "|") for c in
                     re.split(r"(?<!\\)\|", line.strip()[1:-1])]
            if cur is None:
                cur = [cells, []]
            elif all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                continue
            else:
                cur[1].append(cells)
        else:
            if cur is not None:
                out.append(tuple(cur))
            cur = None
    if cur is not None:
        out.append(tuple(cur))
    return out


class HTMLTables(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.row, self.cell, self.imgs, self.refs = [], None, None, [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = ""
        elif tag == "img":
            self.imgs.append(a.get("src", ""))
        for k in ("src", "href"):
            if k in a and tag != "img":
                self.refs.append(a[k])
        if tag == "link" or tag == "script" and "src" in a:
            self.refs.append(a.get("href") or a.get("src"))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None and self.tables:
            self.tables[-1].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def check_report_cells(where, tables, rows_csv, tau):
    """tables: list of (header, rows). Every expected cell in its table."""
    for key_header, colmap in CELL_TABLES:
        tab = [t for t in tables if key_header in t[0]]
        if not check(len(tab) >= 1, "%s: no table with a column %r" % (where, key_header)):
            continue
        header, rows = tab[0]
        byname = {r[0]: r for r in rows}
        for r in rows_csv:
            exp = expected_cells(r, tau)
            got = byname.get(r["strategy"])
            if not check(got is not None, "%s: table %r has no row %s" % (
                    where, key_header, r["strategy"])):
                continue
            for ck, col in colmap.items():
                if ck not in exp or col not in header:
                    if ck in exp and key_header != "line 1":
                        check(False, "%s: table %r has no column %r" % (where, key_header, col))
                    continue
                cell = got[header.index(col)]
                check(cell == exp[ck], "%s: %s / %s is %r, nelmsim summary gives %r" % (
                    where, r["strategy"], col, cell, exp[ck]))
            if "dmean_ci" in exp and "95% interval" in header:
                cell = got[header.index("95% interval")]
                check(cell == exp["dmean_ci"], "%s: %s Δ mean OS interval %r, expected %r" % (
                    where, r["strategy"], cell, exp["dmean_ci"]))


# ---------------------------------------------------------------------------


def errors_clean(what, rc, out, err, status, must=None):
    ok = check(rc == status, "%s: exit %d, expected %d (stderr: %s)" % (
        what, rc, status, err.strip()[:300]))
    check("Traceback" not in err and "Traceback" not in out, "%s: traceback:\n%s" % (what, err))
    lines = [x for x in err.strip().splitlines() if x.strip()]
    if status == 2 or status == 3:
        check(len(lines) == 1, "%s: %d lines on stderr, expected one: %r" % (
            what, len(lines), err))
    if must and ok:
        check(must in err, "%s: stderr lacks %r: %r" % (what, must, err))


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: check_scripts.py NELMSIM WORKDIR\n")
        return 2
    nelmsim, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    def sim(*args):
        rc, out, err = run([nelmsim] + list(args), work)
        if rc != 0:
            raise SystemExit("FAIL: nelmsim %s: exit %d: %s" % (" ".join(args), rc, err))
        return out

    sim("run", "-n", "3000", "--seed", "7", "--trajectories", "full", "-o", "run.h5",
        "--quiet")
    sim("run", "-n", "1500", "--seed", "3", "--set", "horizon.months=60", "--strategy",
        "classic", "--strategy", "observation", "--strategy", "iat_first", "-o", "cens.h5",
        "--quiet")
    sim("run", "-n", "300", "--seed", "2", "--trajectories", "none", "-o", "none.h5",
        "--quiet")
    sim("sweep", os.path.join(SPECS, "sweep.yaml"), "-n", "1000", "--seed", "1",
        "-o", "sweep.h5", "--quiet")
    psa_out = sim("psa", os.path.join(SPECS, "psa.yaml"), "--draws", "20", "-n", "500",
                  "--seed", "1", "-o", "psa.h5", "--quiet")
    for name in ("run", "cens"):
        sim("summary", name + ".h5", "--csv", name + ".csv")
    summ = {n: read_csv(os.path.join(work, n + ".csv")) for n in ("run", "cens")}
    W = lambda *p: os.path.join(work, *p)  # noqa: E731

    # (a) --help
    for s in PY:
        rc, out, err = run([script(s), "--help"], work)
        check(rc == 0 and "usage:" in out and not err, "(a) %s --help: exit %d %s" % (
            s, rc, err))

    # (b) plot_km.py
    rc, out, err = run([script("plot_km.py"), "run.h5", "-o", "km/run", "--size", "800x560"],
                       work)
    if check(rc == 0, "(b) plot_km.py run.h5: exit %d: %s" % (rc, err)):
        for ep in ("os", "pfs1"):
            check_figure(W("km", "run_" + ep), size=(800, 560))
        m = re.search(r"agree with /summary/km to (\S+)", out)
        check(m and float(m.group(1)) < 1e-9, "(b) OS curves vs /summary/km: %r" % out[-200:])
        med = read_csv(W("km", "run_medians.csv"))
        check_medians("(b) run.h5", med, summ["run"], ("os", "pfs1"))
    rc, out, err = run([script("plot_km.py"), W("cens.h5"), "-o", W("km", "cens"), "--line",
                        "2", "--strategy", "observation", "--strategy", "classic"], "/")
    if check(rc == 0, "(b) plot_km.py cens.h5 from /: exit %d: %s" % (rc, err)):
        check_figure(W("km", "cens_os"), size=(900, 650))
        check_figure(W("km", "cens_pfs2"), size=(900, 650))
        med = read_csv(W("km", "cens_medians.csv"))
        check([r["strategy"] for r in med if r["endpoint"] == "os"] ==
              ["observation", "classic"], "(b) --strategy order: %r" % med)
        check_medians("(b) cens.h5", med, summ["cens"], ("os", "pfs2"),
                      only=("observation", "classic"))
        check(any(r["endpoint"] == "os" and r["median"] == "" for r in med),
              "(b) cens.h5: expected a median not reached")
    rc, out, err = run([script("plot_km.py"), "none.h5", "-o", "km/none"], work)
    check(rc == 0 and "PFS not drawn" in err, "(b) plot_km.py none.h5: exit %d: %s" % (rc, err))
    check_figure(W("km", "none_os"), size=(900, 650))

    # (c) report.py
    for name in ("run", "cens"):
        rc, out, err = run([script("report.py"), name + ".h5", "-o", "rep_" + name], work)
        if not check(rc == 0, "(c) report.py %s.h5: exit %d: %s" % (name, rc, err)):
            continue
        with open(W("rep_" + name, "report.md"), encoding="utf-8") as fh:
            mdtext = fh.read()
        with open(W("rep_" + name, "report.html"), encoding="utf-8") as fh:
            htext = fh.read()
        check_report_cells("(c) %s report.md" % name, md_tables(mdtext), summ[name], 120.0)
        hp = HTMLTables()
        hp.feed(htext)
        check_report_cells("(c) %s report.html" % name,
                           [(t[0], t[1:]) for t in hp.tables if t], summ[name], 120.0)
        check(not [r for r in hp.refs if r and not r.startswith(("#", "data:"))],
              "(c) %s report.html refers to outside files: %r" % (name, hp.refs))
        check(len(hp.imgs) >= 3, "(c) %s report.html: %d images, expected >= 3" % (
            name, len(hp.imgs)))
        for src in hp.imgs:
            if not check(src.startswith("data:image/png;base64,"),
                         "(c) %s report.html: image not embedded: %s" % (name, src[:60])):
                continue
            check(png_size(base64.b64decode(src.split(",", 1)[1])) is not None,
                  "(c) %s report.html: an embedded PNG does not decode" % name)
        for fig in ("km_os", "km_pfs1", "differences"):
            check_figure(W("rep_" + name, "figures", fig))
            check("figures/%s.png" % fig in mdtext, "(c) %s report.md: no link to %s" % (
                name, fig))
    rc, out, err = run([script("report.py"), "none.h5", "-o", "rep_none"], work)
    check(rc == 0 and os.path.isfile(W("rep_none", "report.html")),
          "(c) report.py none.h5: exit %d: %s" % (rc, err))
    for name, marker in (("sweep", "Scenarios"), ("psa", "Over the draws")):
        rc, out, err = run([script("report.py"), name + ".h5", "-o", "rep_" + name], work)
        if check(rc == 0, "(c) report.py %s.h5: exit %d: %s" % (name, rc, err)):
            for ext in ("md", "html"):
                with open(W("rep_" + name, "report." + ext), encoding="utf-8") as fh:
                    t = fh.read()
                check(marker in t and "tornado" in t.lower(),
                      "(c) %s report.%s lacks the scenario tables / tornado" % (name, ext))
            check_figure(W("rep_" + name, "figures", "scenarios_tornado"))

    # (d) plot_scenarios.py
    rc, out, err = run([script("plot_scenarios.py"), "sweep.h5", "-o", "sc/sweep"], work)
    if check(rc == 0, "(d) plot_scenarios.py sweep.h5: exit %d: %s" % (rc, err)):
        for fig in ("params", "tornado"):
            check_figure(W("sc", "sweep_" + fig), size=(1000, 650))
        check_sweep_tornado(W("sweep.h5"), read_csv(W("sc", "sweep_tornado.csv")))
    rc, out, err = run([script("plot_scenarios.py"), "psa.h5", "-o", "sc/psa", "--metric",
                        "mean_os", "--size", "1200x800"], work)
    if check(rc == 0, "(d) plot_scenarios.py psa.h5: exit %d: %s" % (rc, err)):
        for fig in ("params", "diff", "tornado"):
            check_figure(W("sc", "psa_" + fig), size=(1200, 800))
        check_figure(W("sc", "psa_pbest"), width=1200)
        check_psa(read_csv(W("sc", "psa_psa.csv")), psa_out)
        tor = read_csv(W("sc", "psa_tornado.csv"))
        check(len(tor) == 6 * 3 and all(-1 <= float(r["prcc"]) <= 1 for r in tor),
              "(d) psa tornado: %d rows (expected 18) or PRCC outside [-1, 1]" % len(tor))
    rc, out, err = run([script("plot_scenarios.py"), "sweep.h5", "-o", "sc/rmst", "--metric",
                        "rmst", "--strategy", "iat_first"], work)
    check(rc == 0 and os.path.isfile(W("sc", "rmst_tornado.png")),
          "(d) plot_scenarios.py --metric rmst --strategy: exit %d: %s" % (rc, err))

    # (e) read_nelmsim.R
    rscript = shutil.which("Rscript")
    if rscript is None:
        if ci():
            check(False, "(e) Rscript is not installed, and CI is set: the R check must run")
        else:
            print("NOTICE: Rscript not found: read_nelmsim.R not checked (install r-base-core "
                  "r-cran-hdf5r r-cran-survival)")
    else:
        check_r(rscript, work, summ)

    # (f) user errors
    with open(W("junk.h5"), "w") as fh:
        fh.write("not hdf5\n")
    shutil.copy(W("run.h5"), W("unfinished.h5"))
    import h5py
    with h5py.File(W("unfinished.h5"), "a") as f:
        del f.attrs["complete"]
    for s in PY:
        extra = ["-o", "e"] if s == "report.py" else []
        for f, must in (("missing.h5", "no such file"), ("junk.h5", "not an HDF5 file"),
                        ("unfinished.h5", "unfinished")):
            if s == "plot_scenarios.py" and f == "unfinished.h5":
                continue
            rc, out, err = run([script(s), f] + extra, work)
            errors_clean("(f) %s %s" % (s, f), rc, out, err, 2, must)
        rc, out, err = run([script(s)], work)
        errors_clean("(f) %s (no arguments)" % s, rc, out, err, 1)
        rc, out, err = run([script(s), "run.h5", "--no-such-option"] + extra, work)
        errors_clean("(f) %s --no-such-option" % s, rc, out, err, 1)
    rc, out, err = run([script("plot_km.py"), "sweep.h5"], work)
    errors_clean("(f) plot_km.py sweep.h5", rc, out, err, 2, "plot_scenarios.py")
    rc, out, err = run([script("plot_scenarios.py"), "run.h5"], work)
    errors_clean("(f) plot_scenarios.py run.h5", rc, out, err, 2, "plot_km.py")
    rc, out, err = run([script("plot_km.py"), "run.h5", "--strategy", "nonesuch"], work)
    errors_clean("(f) plot_km.py --strategy nonesuch", rc, out, err, 2, "nonesuch")
    rc, out, err = run([script("plot_km.py"), "cens.h5", "--endpoint", "pfs", "-o",
                        "run.csv/x"], work)
    errors_clean("(f) plot_km.py -o under a file", rc, out, err, 3, "cannot")
    rc, out, err = run([script("report.py"), "run.h5", "-o", "run.csv"], work)
    errors_clean("(f) report.py -o a file", rc, out, err, 3, "run.csv")
    rc, out, err = run([script("plot_km.py"), "none.h5", "--endpoint", "pfs"], work)
    errors_clean("(f) plot_km.py none.h5 --endpoint pfs", rc, out, err, 2, "per-patient")

    if FAILS:
        print("%d failure(s)" % len(FAILS))
        return 1
    print("check_scripts: all checks passed")
    return 0


def check_medians(where, med, rows, endpoints, only=None):
    by = {(r["endpoint"], r["strategy"]): r for r in med}
    for r in rows:
        if only and r["strategy"] not in only:
            continue
        s = r["strategy"]
        for ep in endpoints:
            m = by.get((ep, s))
            if not check(m is not None, "%s: no %s median for %s" % (where, ep, s)):
                continue
            if ep == "os":
                keys, n = ("median_os", "median_os_lo", "median_os_hi"), r["patients"]
            else:
                k = int(ep[3:])
                p = "median_pfs_line%d" % k
                if p not in r:
                    check(m["n"] == "0", "%s: %s %s: n %s, nelmsim has no line %d" % (
                        where, ep, s, m["n"], k))
                    continue
                keys, n = (p, p + "_lo", p + "_hi"), r["n_pfs_line%d" % k] or "0"
            check(m["n"] == n, "%s: %s %s n %s, nelmsim summary %s" % (where, ep, s, m["n"], n))
            for mine, theirs in zip(("median", "median_lo", "median_hi"), keys):
                check(same(m[mine], r[theirs]), "%s: %s %s %s %r, nelmsim summary %r" % (
                    where, ep, s, mine, m[mine], r[theirs]))


def check_sweep_tornado(path, rows):
    import h5py
    import numpy as np
    with h5py.File(path, "r") as f:
        sc = {k: f["scenarios"][k][:] for k in f["scenarios"]}
        st = f["summary/strategies"]
        names = {v: k for k, v in h5py.check_enum_dtype(st["strategy"].dtype).items()}
        strat = [names[v] for v in st["strategy"][:]]
        scen = st["scenario"][:]
        diff = st["diff_mean_os"][:]
    check(len(rows) == 6 * 2, "(d) sweep tornado: %d rows, expected 12" % len(rows))
    for r in rows:
        p = r["parameter"]
        check(float(r["low_value"]) == float(np.min(sc[p])) and
              float(r["high_value"]) == float(np.max(sc[p])),
              "(d) sweep tornado %s: low/high %s/%s, the file has %s" % (
                  p, r["low_value"], r["high_value"], sorted(set(sc[p]))))
        for end in ("low", "high"):
            k = int(r["scenario_" + end])
            want = float(r[end + "_value"])
            check(float(sc[p][k]) == want, "(d) sweep tornado %s %s: scenario %d has %s=%s" % (
                p, end, k, p, sc[p][k]))
            j = [i for i in range(len(strat)) if strat[i] == r["strategy"] and scen[i] == k]
            check(len(j) == 1 and float(r["outcome_" + end]) == float(diff[j[0]]),
                  "(d) sweep tornado %s %s %s: %s, the file's diff_mean_os %s" % (
                      r["strategy"], p, end, r["outcome_" + end],
                      diff[j[0]] if j else "missing"))


def check_psa(rows, printed):
    """Against `nelmsim psa`'s table: strategy, mean OS, sd, noise, diff, sd,
    noise, P(best)."""
    table = {}
    for line in printed.splitlines():
        parts = line.split()
        if len(parts) == 8 and re.fullmatch(r"[a-z_0-9]+", parts[0]):
            try:
                table[parts[0]] = [float(x) for x in parts[1:]]
            except ValueError:
                pass
    check(len(table) == len(rows) and len(rows) == 7,
          "(d) psa: %d strategies in the CSV, %d in nelmsim's table" % (len(rows), len(table)))
    for r in rows:
        t = table.get(r["strategy"])
        if not check(t is not None, "(d) psa: %s not in nelmsim's table" % r["strategy"]):
            continue
        for mine, col, d in (("mean", 0, 2), ("sd", 1, 2), ("diff_mean", 3, 2),
                             ("diff_sd", 4, 2), ("p_best", 6, 3)):
            got = "%.*f" % (d, float(r[mine]))
            want = "%.*f" % (d, t[col])
            check(got == want, "(d) psa %s %s: %s, nelmsim psa printed %s" % (
                r["strategy"], mine, got, want))


def check_r(rscript, work, summ):
    R = os.path.join(SCRIPTS, "read_nelmsim.R")
    rc, out, err = run([rscript, R, "--help"], work)
    check(rc == 0 and "usage:" in out, "(e) read_nelmsim.R --help: exit %d %s" % (rc, err))
    for name in ("run", "cens"):
        rc, out, err = run([rscript, R, name + ".h5", "--digits", "10"], work)
        if not check(rc == 0, "(e) read_nelmsim.R %s.h5: exit %d: %s" % (name, rc, err)):
            continue
        got = {}
        for line in out.splitlines()[1:]:
            parts = line.split()
            if len(parts) == 6 and parts[0] != "strategy":
                got[parts[0]] = parts[1:]
        for r in summ[name]:
            g = got.get(r["strategy"])
            if not check(g is not None, "(e) R %s: no row for %s:\n%s" % (
                    name, r["strategy"], out)):
                continue
            check(g[0] == r["patients"], "(e) R %s %s: n %s, nelmsim %s" % (
                name, r["strategy"], g[0], r["patients"]))
            for v, k in zip(g[2:], ("median_os", "median_os_lo", "median_os_hi")):
                want = num(r[k])
                ok = (v == "NA") if math.isnan(want) else (
                    v != "NA" and abs(float(v) - want) <= 0.51e-10 * max(1.0, abs(want)))
                check(ok, "(e) R %s %s %s: %s, nelmsim summary %r" % (
                    name, r["strategy"], k, v, r[k]))
        if name == "cens":
            check(any(v[2] == "NA" for v in got.values()), "(e) R cens: no NA median")
    rc, out, err = run([rscript, R, "missing.h5"], work)
    errors_clean("(e) read_nelmsim.R missing.h5", rc, out, err, 2, "no such file")
    rc, out, err = run([rscript, R, "sweep.h5"], work)
    errors_clean("(e) read_nelmsim.R sweep.h5", rc, out, err, 2, "sweep")
    rc, out, err = run([rscript, R], work)
    errors_clean("(e) read_nelmsim.R (no arguments)", rc, out, err, 1)


if __name__ == "__main__":
    sys.exit(main())
