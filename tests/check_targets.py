#!/usr/bin/python3
"""`nelmsim targets` and scripts/plot_validation.py (docs/VALIDATION.md).

    /usr/bin/python3 tests/check_targets.py NELMSIM WORKDIR SOURCE_DIR

Checks:
  a. `nelmsim targets --patients 1500 --seed 1 --csv --o` exits 0 and lists
     every id of the reference (tests/data/reference/targets.yaml, a copy of
     the shared reference,
     read with PyYAML) with its role, every published figure of the reference
     (and its CI) among that id's rows, and a verdict for every row; every
     row outside or not modelled has a reason;
  b. the CSV and the HDF5 table agree row by row (numbers to the bit, enums
     and strings), the printed summary counts agree with them, and the file
     carries its provenance;
  c. a subset (--id, --threads 1) gives the same rows as the full run;
  d. a small targets file of one's own runs; malformed ones (YAML syntax, an
     unknown key, a bad population filter, an unknown instance in an arm's
     lines, an unknown arm) give exactly one line "file:line:col: ..." at the
     right line and exit 2; usage errors exit 1;
  e. plot_validation.py: --help; the figure from the HDF5 file at a given
     size (the PNG decodes at that size, the SVG is XML) and from the CSV;
     a bad input exits 2 with one line, a missing -o exits 1.

Exit 0 when everything holds, 1 listing every failure, 2 on bad usage.
"""
import csv
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
PLOT = os.path.normpath(os.path.join(HERE, "..", "scripts", "plot_validation.py"))
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
PATIENTS = "1500"

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


def num(s):
    return math.nan if s in ("", None) else float(s)


def same_num(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b


# ---------------------------------------------------------------------------
# a. every reference target


def reference_values(v):
    """The published numbers of a reference entry's value: {key: number}."""
    if isinstance(v, dict):
        return {k: x for k, x in v.items() if isinstance(x, (int, float))}
    return {"value": v}


def check_reference(rows, ref_path):
    ref = yaml.safe_load(open(ref_path, encoding="utf-8"))["targets"]
    by_id = {}
    for r in rows:
        by_id.setdefault(r["id"], []).append(r)
    for t in ref:
        tid = t["id"]
        got = by_id.get(tid, [])
        if not check(got, "%s: not in the table" % tid):
            continue
        check(all(r["role"] == t["role"] for r in got),
              "%s: role %s, the reference says %s" % (tid, {r["role"] for r in got}, t["role"]))
        pubs = [num(r["published"]) for r in got]
        for k, x in reference_values(t["value"]).items():
            check(any(abs(p - x) <= 1e-9 * max(1, abs(x)) for p in pubs),
                  "%s: published %s = %s is not among the rows" % (tid, k, x))
        cis = [t["ci"]] if "ci" in t else []
        if isinstance(t["value"], dict) and "hr_ci" in t["value"]:
            cis.append(t["value"]["hr_ci"])
        for lo, hi in cis:
            check(any(num(r["published_lo"]) == lo and num(r["published_hi"]) == hi
                      for r in got), "%s: the CI [%s, %s] is not used" % (tid, lo, hi))
    ids = {t["id"] for t in ref}
    extra = sorted(set(by_id) - ids)
    check(not extra, "ids not in the reference: %s" % extra)
    return len(ref)


def check_rows(rows):
    for r in rows:
        what = "%s %s" % (r["id"], r["statistic"])
        check(r["verdict"] in ("inside", "outside", "not_modelled"),
              "%s: verdict %r" % (what, r["verdict"]))
        if r["verdict"] != "inside":
            check(r["reason"].strip() != "", "%s: %s without a reason" % (what, r["verdict"]))
        if r["verdict"] == "not_modelled":
            check(r["simulated"] == "", "%s: not modelled but simulated %s" % (what,
                                                                             r["simulated"]))
        else:
            sim, lo, hi = num(r["simulated"]), num(r["published_lo"]), num(r["published_hi"])
            inside = lo <= sim <= hi
            check(inside == (r["verdict"] == "inside"),
                  "%s: simulated %s, interval [%s, %s], verdict %s" % (what, sim, lo, hi,
                                                                      r["verdict"]))
            check(int(r["patients"]) > 0, "%s: no simulated patient" % what)


# ---------------------------------------------------------------------------
# b. CSV == HDF5


def read_h5(path):
    import h5py
    with h5py.File(path, "r") as f:
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        g = f["targets"]
        cols = {}
        for k in g:
            d = g[k]
            names = h5py.check_enum_dtype(d.dtype)
            if names is not None:
                inv = {v: n for n, v in names.items()}
                cols[k] = [inv[int(v)] for v in d[()]]
            elif h5py.check_string_dtype(d.dtype) is not None:
                cols[k] = [str(s) for s in d.asstr()[()]]
            else:
                cols[k] = [v.item() for v in d[()]]
    return attrs, cols


def check_h5(rows, path):
    attrs, cols = read_h5(path)
    check(attrs.get("format") == "nelmsim targets", "h5: format %r" % attrs.get("format"))
    check(attrs.get("complete") == 1, "h5: not complete")
    check(attrs.get("seed") == 1, "h5: seed %r" % attrs.get("seed"))
    check(attrs.get("patients_per_arm") == int(PATIENTS), "h5: patients_per_arm")
    check(attrs.get("cox_ties") == "efron", "h5: cox_ties")
    n = len(rows)
    for k, v in cols.items():
        check(len(v) == n, "h5: column %s has %d rows, the CSV %d" % (k, len(v), n))
    rule = {"95% CI": "ci", "range": "range", "Wilson": "wilson",
            "exp(1.96/sqrt d)": "events", "15%": "pct15"}
    for i, r in enumerate(rows):
        what = "row %d (%s %s)" % (i, r["id"], r["statistic"])
        for k in ("id", "statistic", "arm", "role", "kind", "endpoint", "verdict", "reason",
                  "note", "source"):
            check(cols[k][i] == r[k], "%s: %s is %r in HDF5, %r in CSV" % (what, k, cols[k][i],
                                                                           r[k]))
        check(cols["rule"][i] == rule.get(r["interval_rule"]), "%s: rule" % what)
        for k in ("t", "published", "published_lo", "published_hi", "simulated",
                  "simulated_lo", "simulated_hi"):
            check(same_num(float(cols[k][i]), num(r[k])),
                  "%s: %s is %r in HDF5, %r in CSV" % (what, k, cols[k][i], r[k]))
        for k in ("patients", "events"):
            check(cols[k][i] == int(r[k]), "%s: %s" % (what, k))


def check_printed(rows, out):
    for role in ("calibration", "validation"):
        m = re.search(r"^%s\s+(\d+) inside, (\d+) outside, (\d+) not modelled$" % role, out, re.M)
        if not check(m, "printed table: no %s summary line" % role):
            continue
        want = [sum(1 for r in rows if r["role"] == role and r["verdict"] == v)
                for v in ("inside", "outside", "not_modelled")]
        check([int(x) for x in m.groups()] == want,
              "printed %s counts %s, the CSV %s" % (role, m.groups(), want))
    for r in rows:
        check(re.search(r"^%s\s+%s\s" % (re.escape(r["id"]), re.escape(r["statistic"])), out,
                        re.M), "printed table: no row %s %s" % (r["id"], r["statistic"]))


# ---------------------------------------------------------------------------
# d. targets files of one's own

GOOD = """targets:
  - id: t1
    role: calibration
    population: progressive pancreatic NET
    source: a test
    endpoint: {kind: pfs}
    set:
      cohort.filters: [{attribute: site, in: [pancreas]}, {attribute: grade, in: [G1, G2]}]
    arms:
      a:
        origin: everolimus
        lines: [{use: everolimus}]
      b:
        origin: observation
        lines: [{use: observation}]
    stats:
      - {name: m, kind: median, arm: a, value: 11.0, n: 100}
      - {name: hr, kind: hazard_ratio, arm: a, vs: b, value: 0.5, ci: [0.3, 0.8]}
"""

# (name, replace this, by this, expected line, a part of the message)
BAD = [
    ("syntax", "    role: calibration\n", "    role: [calibration\n", None, "YAML"),
    ("unknown_key", "value: 11.0, n: 100}", "valeu: 11.0, n: 100}", 17, "unknown key 'valeu'"),
    ("bad_filter", "{attribute: site, in: [pancreas]}", "{attribute: sitte, in: [pancreas]}", 8,
     "t1: cohort.filters"),
    ("bad_instance", "lines: [{use: everolimus}]", "lines: [{use: everolimu}]", 12,
     "t1: arms.a.lines[0].use"),
    ("bad_arm", "arm: a, vs: b", "arm: a, vs: c", 18, "not an arm"),
    ("bad_origin", "origin: everolimus", "origin: everolimux", 10, "no modality instance"),
]


def check_files(nelmsim, work):
    path = os.path.join(work, "good.yaml")
    with open(path, "w") as fh:
        fh.write(GOOD)
    rc, out, err = run([nelmsim, "targets", path, "-n", "400", "--seed", "3", "--quiet"], work)
    check(rc == 0, "own targets file: exit %d (%s)" % (rc, err.strip()))
    check(re.search(r"^t1\s+m\s", out, re.M) and re.search(r"^t1\s+hr\s", out, re.M),
          "own targets file: rows missing:\n" + out)
    for name, old, new, line, part in BAD:
        assert old in GOOD, name
        bad = os.path.join(work, "bad_%s.yaml" % name)
        with open(bad, "w") as fh:
            fh.write(GOOD.replace(old, new, 1))
        rc, out, err = run([nelmsim, "targets", bad, "-n", "100", "--seed", "1", "--quiet"],
                           work)
        lines = err.strip().splitlines()
        check(rc == 2, "%s: exit %d, expected 2" % (name, rc))
        if not check(len(lines) == 1, "%s: %d lines on stderr, expected 1:\n%s" % (name,
                                                                                len(lines), err)):
            continue
        m = re.match(r"^(.*?):(\d+):(\d+): ", lines[0])
        check(m and m.group(1) == bad, "%s: not 'file:line:col: ...': %s" % (name, lines[0]))
        if m and line is not None:
            check(int(m.group(2)) == line, "%s: line %s, expected %d: %s" % (name, m.group(2),
                                                                            line, lines[0]))
        check(part in lines[0], "%s: '%s' not in: %s" % (name, part, lines[0]))
        check(out == "", "%s: printed on stdout" % name)
    # usage errors
    for args, what in ((["--patients", "0"], "--patients 0"),
                       (["--frobnicate"], "unknown option"),
                       (["--id", "no_such_target", "-n", "10", "--seed", "1"], "unknown id"),
                       ([path, path], "two files")):
        rc, _, err = run([nelmsim, "targets"] + args, work)
        check(rc == 1 and len(err.strip().splitlines()) == 1,
              "%s: exit %d with %r, expected 1 and one line" % (what, rc, err))
    rc, _, err = run([nelmsim, "targets", os.path.join(work, "missing.yaml")], work)
    check(rc in (2, 3) and len(err.strip().splitlines()) == 1,
          "missing file: exit %d with %r" % (rc, err))


# ---------------------------------------------------------------------------
# e. the figure


def png_size(path):
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    if zlib.crc32(data[12:29]) & 0xFFFFFFFF != struct.unpack(">I", data[29:33])[0]:
        return None
    return struct.unpack(">II", data[16:24])


def check_figure(prefix, size=None):
    png, svg = prefix + ".png", prefix + ".svg"
    if check(os.path.isfile(png), "%s missing" % png):
        got = png_size(png)
        check(got is not None, "%s: not a PNG" % png)
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.image as mpimg
            arr = mpimg.imread(png)
            check(got and (arr.shape[1], arr.shape[0]) == tuple(got),
                  "%s: decodes as %s, IHDR %s" % (png, arr.shape, got))
        except Exception as e:  # noqa: BLE001
            check(False, "%s: does not decode: %s" % (png, e))
        if size:
            check(got == size, "%s: %s pixels, asked %s" % (png, got, size))
    if check(os.path.isfile(svg), "%s missing" % svg):
        try:
            check(ET.parse(svg).getroot().tag.endswith("svg"), "%s: not SVG" % svg)
        except ET.ParseError as e:
            check(False, "%s: not XML: %s" % (svg, e))


def check_plot(work, h5, csv_path):
    rc, out, _ = run([PY, PLOT, "--help"], work)
    check(rc == 0 and "usage" in out, "plot_validation.py --help: exit %d" % rc)
    rc, _, err = run([PY, PLOT, h5, "-o", os.path.join(work, "fig", "val"), "--size",
                      "900x1600"], work)
    check(rc == 0, "plot_validation.py (HDF5): exit %d: %s" % (rc, err))
    check_figure(os.path.join(work, "fig", "val"), (900, 1600))
    rc, _, err = run([PY, PLOT, csv_path, "-o", os.path.join(work, "valcsv")], work)
    check(rc == 0, "plot_validation.py (CSV): exit %d: %s" % (rc, err))
    check_figure(os.path.join(work, "valcsv"))
    junk = os.path.join(work, "junk.txt")
    with open(junk, "w") as fh:
        fh.write("not a table\n")
    rc, _, err = run([PY, PLOT, junk, "-o", os.path.join(work, "x")], work)
    check(rc == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err,
          "plot_validation.py on a text file: exit %d: %r" % (rc, err))
    rc, _, err = run([PY, PLOT, h5], work)
    check(rc == 1, "plot_validation.py without -o: exit %d" % rc)


def main():
    if len(sys.argv) != 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    nelmsim, work, src = (os.path.abspath(a) for a in sys.argv[1:])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    rc, out, _ = run([nelmsim, "targets", "--help"], work)
    check(rc == 0 and "usage: nelmsim targets" in out, "targets --help: exit %d" % rc)

    csv_path, h5 = os.path.join(work, "targets.csv"), os.path.join(work, "targets.h5")
    rc, out, err = run([nelmsim, "targets", "--patients", PATIENTS, "--seed", "1", "--csv",
                        csv_path, "-o", h5, "--quiet"], work)
    if not check(rc == 0, "nelmsim targets: exit %d: %s" % (rc, err)):
        return 1
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    check(len(rows) > 0, "the CSV has no rows")
    # the reference targets (the project's shared reference data, published
    # figures with their sources), as committed in tests/data/reference; when
    # the shared reference sits beside the checkout, the copy must equal it
    ref = os.path.join(src, "tests", "data", "reference", "targets.yaml")
    shared = os.path.normpath(os.path.join(src, "..", "shared", "reference", "targets.yaml"))
    if os.path.exists(shared):
        check(open(shared, "rb").read() == open(ref, "rb").read(),
              "tests/data/reference/targets.yaml is a copy of %s" % shared)
    n = check_reference(rows, ref)
    print("every one of the %d reference targets is in the table" % n)
    check_rows(rows)
    check_h5(rows, h5)
    check_printed(rows, out)
    rc, _, err = run([nelmsim, "targets", "--patients", PATIENTS, "--seed", "1", "-o", h5,
                      "--quiet"], work)
    check(rc == 1 and "exists" in err, "existing -o without --force: exit %d" % rc)

    # c. a subset with one thread: the same rows
    sub = os.path.join(work, "subset.csv")
    rc, _, err = run([nelmsim, "targets", "--patients", PATIENTS, "--seed", "1", "--threads",
                      "1", "--id", "promid_ttp", "--id", "iat_procedure_mortality", "--csv", sub,
                      "--quiet"], work)
    if check(rc == 0, "subset: exit %d: %s" % (rc, err)):
        with open(sub, newline="", encoding="utf-8") as fh:
            srows = list(csv.DictReader(fh))
        want = [r for r in rows if r["id"] in ("promid_ttp", "iat_procedure_mortality")]
        check(srows == want, "subset rows differ from the full run's")

    check_files(nelmsim, work)
    check_plot(work, h5, csv_path)
    if FAILS:
        print("%d failure(s)" % len(FAILS))
        return 1
    print("targets: all checks passed (%d rows)" % len(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
