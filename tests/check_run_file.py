#!/usr/bin/python3
"""The HDF5 run file (DESIGN §7, §8; docs/FORMAT.md) read by an outside reader.

    /usr/bin/python3 tests/check_run_file.py NELMSIM WORKDIR

Runs `NELMSIM run -n 3000 --seed 5 --trajectories full --block 256 -o
WORKDIR/x.h5 --csv WORKDIR/run.csv --quiet` and `NELMSIM summary WORKDIR/x.h5
--csv WORKDIR/sum.csv`, then checks with stock h5py, numpy and pandas:

  a. the root attributes (provenance, sizes, "complete");
  b. categorical columns are HDF5 enums with the expected names, booleans read
     as numpy bool, units attributes;
  c. table datasets are chunked, deflate + shuffle compressed, and readable;
  d. the summaries recomputed here from the per-patient data (an independent
     Kaplan-Meier with Greenwood log intervals and the survfit median rule)
     agree with the run's CSV, `nelmsim summary`'s CSV and /summary/* to 1e-9
     relative (counts exactly); the run and `nelmsim summary` print the same
     table;
  e. the /outcomes <-> /lines <-> /events index columns are consistent;
  f. pandas reads /outcomes in one call;
  g. --trajectories none and outcomes write what they promise, and the same
     summaries and per-patient columns as the full run.
The economics (the default model has it) are checked here for their place
and types only: after the columns above in the CSV, enums and units in the
file; tests/check_economics.py recomputes their values.

Exit 0 when everything holds, 1 listing every failure, 2 on bad usage.
"""
import csv
import glob
import math
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pandas as pd

N = 3000
SEED = 5
BLOCK = 256
TAU = 120.0
LANDMARKS = (12.0, 36.0, 60.0, 120.0)
RTOL = 1e-9
ATOL = 1e-12
Z = 1.959963984540054  # qnorm(0.975)
QTOL = 1.4901161193847656e-08  # sqrt(.Machine$double.eps), quantile.survfit

KINDS = ["resection", "transplant", "iat", "prrt", "ssa", "targeted", "observation"]
CAUSES = ["alive_at_horizon", "disease", "treatment", "toxicity", "background"]
EVENTS = ["line_start", "course_start", "treatment_start", "treatment_end", "toxicity",
          "discontinuation", "progression", "recurrence", "planned_switch",
          "waitlist_dropout", "line_skipped", "late_toxicity", "bsc_start", "death",
          "censored"]
ENDS = ["progression", "planned_switch", "toxicity", "dropout", "death", "censored"]
SEX = ["female", "male"]
SITES = ["small_bowel", "pancreas", "other_gi", "unknown"]
GRADES = ["G1", "G2", "G3"]
BURDENS = ["lt25", "25to50", "gt50"]
FRILLING = ["I", "II", "III"]
ECON_Q = ["ly", "qaly", "cost", "qaly_undiscounted", "cost_undiscounted", "ly_undiscounted"]
ECON_STATUS = ["frontier", "dominated", "extendedly_dominated"]
ECON_SUMMARY = ("summary/economics", "summary/incremental", "summary/nmb")


def econ_csv_columns(wtp):
    """The CSV columns economics appends (wtp: the economics.wtp values)."""
    cols = []
    for q in ECON_Q:
        cols += [q, f"{q}_se"]
    for q in ECON_Q:
        cols += [f"diff_{q}", f"diff_{q}_se"]
    cols += ["cost_rank", "ce_status", "ce_vs", "inc_cost", "inc_cost_se", "inc_qaly",
             "inc_qaly_se", "icer"]
    for w in wtp:
        cols += [f"nmb_{w:.17g}", f"nmb_{w:.17g}_se"]
    return cols


ROOT_ATTRS = ["format", "format_version", "nelmsim_version", "git_revision", "build_flags",
              "command_line", "seed", "created", "threads", "patients", "block_size",
              "trajectories", "compression", "frailty", "reference_strategy", "tau_months",
              "complete"]
TABLES = ["patients", "outcomes", "lines", "events", "summary/strategies", "summary/km",
          "summary/pfs_by_line", "summary/instance_share"]

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return bool(cond)


class Fatal(Exception):
    pass


def run(cmd, what, cwd=None):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise Fatal(f"{what}: did not finish in 600 s: {' '.join(cmd)}")
    if p.returncode != 0:
        raise Fatal(f"{what}: exit {p.returncode}: {' '.join(cmd)}\n{p.stderr.strip()}")
    return p


def close(a, b, rtol=RTOL, atol=ATOL):
    """Floats agree to rtol (NaN only with NaN)."""
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= max(rtol * max(abs(a), abs(b)), atol)


# ---------------------------------------------------------------------------
# Kaplan-Meier, written here from the definitions (survival::survfit):
# S(t) = prod over event times t_j <= t of (1 - d_j / r_j); Greenwood
# var(log S) = sum d_j / (r_j (r_j - d_j)); 95 % log interval
# S exp(+-z sqrt(var)), upper end clipped to 1, undefined where S = 0.


class KM:
    def __init__(self, time, event):
        time = np.asarray(time, dtype=np.float64)
        event = np.asarray(event, dtype=bool)
        self.nobs = len(time)
        if self.nobs == 0:
            self.t = np.zeros(0)
            self.s = np.zeros(0)
            self.v = np.zeros(0)
            return
        order = np.argsort(time, kind="stable")
        ts, es = time[order], event[order]
        self.t, first, count = np.unique(ts, return_index=True, return_counts=True)
        d = np.add.reduceat(es.astype(np.int64), first)
        r = self.nobs - np.concatenate(([0], np.cumsum(count)[:-1]))
        with np.errstate(divide="ignore", invalid="ignore"):
            self.s = np.cumprod(np.where(d > 0, (r - d) / r, 1.0))
            inc = np.where(d == 0, 0.0, np.where(r > d, d / (r * (r - d)), np.inf))
            self.v = np.cumsum(inc)

    @staticmethod
    def interval(s, v):
        s = np.asarray(s, dtype=np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            w = Z * np.sqrt(v)
            lo = np.where(s > 0, s * np.exp(-w), 0.0)
            hi = np.where(s > 0, np.minimum(s * np.exp(w), 1.0), 0.0)
        return lo, hi

    def at(self, t):
        """S(t), lower, upper (right-continuous; 1 before the first time)."""
        j = np.searchsorted(self.t, t, side="right") - 1
        if j < 0:
            return 1.0, 1.0, 1.0
        lo, hi = self.interval(self.s[j], self.v[j])
        return float(self.s[j]), float(lo), float(hi)

    def quantile(self, p=0.5):
        """survfit's rule on S and on its lower and upper bounds: the
        smallest time the curve is <= 1 - p, the midpoint of a flat lying
        exactly at 1 - p; NaN when never reached or when the curve becomes
        undefined (a bound where S = 0) first."""
        level = 1.0 - p
        T = np.concatenate(([0.0], self.t))
        S = np.concatenate(([1.0], self.s))
        V = np.concatenate(([0.0], self.v))
        lo, hi = self.interval(S, V)
        defined = S > 0
        defined[0] = True
        out = []
        for curve, dfn in ((S, np.ones(len(S), bool)), (lo, defined), (hi, defined)):
            stop = np.nonzero(~dfn | (curve <= level + QTOL))[0]
            if len(stop) == 0 or not dfn[stop[0]]:
                out.append(math.nan)
                continue
            k = stop[0]
            if curve[k] <= level - QTOL:
                out.append(float(T[k]))
                continue
            nxt = np.nonzero(~dfn[k + 1:] | (curve[k + 1:] <= level - QTOL))[0]
            if len(nxt) == 0:
                out.append(0.5 * (T[k] + T[-1]))
            elif not dfn[k + 1 + nxt[0]]:
                out.append(math.nan)
            else:
                out.append(0.5 * (T[k] + T[k + 1 + nxt[0]]))
        return tuple(out)


def mean_se(x):
    x = np.asarray(x, dtype=np.float64)
    m = x.mean()
    se = math.sqrt(((x - m) ** 2).sum() / (len(x) - 1) / len(x)) if len(x) > 1 else 0.0
    return float(m), se


# ---------------------------------------------------------------------------


def strings(ds):
    return [x for x in ds.asstr()[()]]


def enum_names(ds):
    m = h5py.check_enum_dtype(ds.dtype)
    return m


def expect_enum(f, path, names):
    if not check(path in f, f"(b) {path}: missing"):
        return
    ds = f[path]
    check(ds.id.get_type().get_class() == h5py.h5t.ENUM,
          f"(b) {path}: HDF5 type class is not ENUM")
    m = enum_names(ds)
    want = {n: i for i, n in enumerate(names)}
    check(m == want, f"(b) {path}: enum {m}, expected {want}")


def expect_bool(f, path):
    if not check(path in f, f"(b) {path}: missing"):
        return
    ds = f[path]
    check(ds.dtype == np.dtype(bool), f"(b) {path}: h5py dtype {ds.dtype}, expected bool")
    check(ds.id.get_type().get_class() == h5py.h5t.ENUM,
          f"(b) {path}: a boolean should be stored as the enum FALSE/TRUE")
    check(ds[()].dtype == np.dtype(bool), f"(b) {path}: read as {ds[()].dtype}, not bool")


def expect_units(f, path, units):
    if not check(path in f, f"(b) {path}: missing"):
        return
    u = f[path].attrs.get("units")
    check(isinstance(u, str) and u == units, f"(b) {path}: units {u!r}, expected {units!r}")


def table(f, path):
    g = f[path]
    return {k: g[k][()] for k in g}


# ---------------------------------------------------------------------------


def check_root(f, nelmsim, strategies):
    a = f.attrs
    for k in ROOT_ATTRS:
        check(k in a, f"(a) root attribute '{k}' missing")
    get = lambda k: a[k] if k in a else None  # noqa: E731
    check(get("format") == "nelmsim run", f"(a) format = {get('format')!r}")
    check(get("format_version") == 1, f"(a) format_version = {get('format_version')!r}")
    for k in ("nelmsim_version", "git_revision", "build_flags", "command_line", "created",
              "trajectories", "compression", "frailty", "reference_strategy"):
        v = get(k)
        check(isinstance(v, str) and v != "", f"(a) {k} = {v!r}: not a non-empty string")
    check(get("seed") == SEED and np.asarray(get("seed")).dtype == np.uint64,
          f"(a) seed = {get('seed')!r} (expected uint64 {SEED})")
    check(get("patients") == N, f"(a) patients = {get('patients')!r}")
    check(get("block_size") == BLOCK, f"(a) block_size = {get('block_size')!r}")
    th = get("threads")
    check(th is not None and int(th) >= 1, f"(a) threads = {th!r}")
    check(get("trajectories") == "full", f"(a) trajectories = {get('trajectories')!r}")
    check(get("compression") == "deflate:4", f"(a) compression = {get('compression')!r}")
    check(get("frailty") in ("on", "off"), f"(a) frailty = {get('frailty')!r}")
    check(get("reference_strategy") == strategies[0],
          f"(a) reference_strategy = {get('reference_strategy')!r}, the first strategy "
          f"is {strategies[0]!r}")
    check(get("tau_months") == TAU, f"(a) tau_months = {get('tau_months')!r}")
    check(get("complete") is not None and int(get("complete")) == 1,
          f"(a) complete = {get('complete')!r}")
    created = get("created") or ""
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created),
          f"(a) created = {created!r}: not ISO 8601 UTC")
    cl = get("command_line") or ""
    check("--seed 5" in cl and "-n 3000" in cl, f"(a) command_line = {cl!r}")
    ver = run([nelmsim, "version"], "nelmsim version").stdout.splitlines()
    m = re.match(r"nelmsim (\S+) \(git (\S+)\)", ver[0] if ver else "")
    if check(m, f"(a) cannot parse `nelmsim version`: {ver!r}"):
        check(get("nelmsim_version") == m.group(1),
              f"(a) nelmsim_version {get('nelmsim_version')!r} vs binary {m.group(1)!r}")
        check(get("git_revision") == m.group(2),
              f"(a) git_revision {get('git_revision')!r} vs binary {m.group(2)!r}")
    if len(ver) > 1 and ver[1].startswith("build: "):
        check(get("build_flags") == ver[1][7:],
              f"(a) build_flags {get('build_flags')!r} vs binary {ver[1][7:]!r}")
    # the resolved parameters, strategies, instances
    check("parameters" in f and isinstance(f["parameters"].asstr()[()], str)
          and "strategies" in f["parameters"].asstr()[()],
          "(a) /parameters: not a string holding the resolved YAML")
    check(len(strategies) >= 1, "(a) /strategies/name is empty")
    check("strategies/description" in f
          and len(f["strategies/description"]) == len(strategies),
          "(a) /strategies/description missing or of another length")
    check("instances/name" in f and "instances/kind" in f
          and len(f["instances/name"]) == len(f["instances/kind"]),
          "(a) /instances/name and /instances/kind missing or of different lengths")
    if "instances/kind" in f:
        bad = [k for k in strings(f["instances/kind"]) if k not in KINDS]
        check(not bad, f"(a) /instances/kind has unknown kinds {bad}")


def check_types(f, strategies, instances):
    S = strategies
    for t in ("outcomes", "lines", "events"):
        expect_enum(f, f"{t}/strategy", S)
    expect_enum(f, "outcomes/cause", CAUSES)
    expect_enum(f, "patients/sex", SEX)
    expect_enum(f, "patients/site", SITES)
    expect_enum(f, "patients/grade", GRADES)
    expect_enum(f, "patients/burden", BURDENS)
    expect_enum(f, "patients/frilling", FRILLING)
    expect_enum(f, "events/event", EVENTS)
    expect_enum(f, "events/instance", instances + ["none"])
    expect_enum(f, "lines/instance", instances + ["none"])
    expect_enum(f, "lines/end_reason", ENDS)
    for k in ("summary/strategies", "summary/km", "summary/pfs_by_line",
              "summary/instance_share"):
        expect_enum(f, f"{k}/strategy", S)
    expect_enum(f, "summary/instance_share/instance", instances + ["none"])
    if "summary/economics" in f:
        for k in ECON_SUMMARY:
            expect_enum(f, f"{k}/strategy", S)
        expect_enum(f, "summary/incremental/status", ECON_STATUS)
        expect_enum(f, "summary/incremental/vs", S + ["none"])
        for c, u in (("ly", "years"), ("qaly", "QALYs"), ("cost", "currency"),
                     ("qaly_undiscounted", "QALYs"), ("cost_undiscounted", "currency")):
            expect_units(f, f"outcomes/{c}", u)
            expect_units(f, f"summary/economics/{c}", u)
        expect_units(f, "summary/incremental/icer", "currency per QALY")
    for b in ("extrahepatic", "functional", "carcinoid_syndrome", "sstr_positive",
              "primary_resected"):
        expect_bool(f, f"patients/{b}")
    expect_bool(f, "outcomes/pfs1_event")
    for k in KINDS:
        expect_bool(f, f"outcomes/received_{k}")
    expect_bool(f, "lines/pfs_event")
    expect_units(f, "outcomes/os", "months")
    expect_units(f, "outcomes/pfs1", "months")
    expect_units(f, "outcomes/bsc_start", "months")
    expect_units(f, "patients/age", "years")
    expect_units(f, "patients/background_death", "months")
    expect_units(f, "patients/ki67", "%")
    for c in ("start", "end", "pfs"):
        expect_units(f, f"lines/{c}", "months")
    expect_units(f, "events/time", "months")
    for c in ("median_os", "mean_os", "rmst", "median_pfs1"):
        expect_units(f, f"summary/strategies/{c}", "months")
    for c in ("median", "median_lo", "median_hi"):
        expect_units(f, f"summary/pfs_by_line/{c}", "months")
    want_int = {"outcomes/patient": np.uint64, "outcomes/lines": np.uint8,
                "outcomes/instances": np.uint32, "outcomes/line_first": np.uint64,
                "outcomes/event_first": np.uint64, "outcomes/event_count": np.uint32,
                "patients/patient": np.uint64, "patients/ecog": np.uint8,
                "lines/patient": np.uint64, "lines/line": np.uint8,
                "lines/position": np.uint8, "lines/courses": np.uint8,
                "events/patient": np.uint64, "events/detail": np.uint8,
                "events/line": np.uint8}
    for p, t in want_int.items():
        if check(p in f, f"(b) {p}: missing"):
            check(f[p].dtype == np.dtype(t), f"(b) {p}: dtype {f[p].dtype}, expected {t}")


def check_storage(f, S):
    for t in TABLES:
        if not check(t in f and isinstance(f[t], h5py.Group), f"(c) /{t}: missing"):
            continue
        g = f[t]
        lens = set()
        for k in g:
            ds = g[k]
            where = f"(c) /{t}/{k}"
            if not check(isinstance(ds, h5py.Dataset), f"{where}: not a dataset"):
                continue
            check(ds.ndim == 1, f"{where}: {ds.ndim} dimensions, expected 1")
            check(ds.chunks is not None, f"{where}: not chunked")
            check(ds.compression == "gzip" and ds.compression_opts == 4,
                  f"{where}: compression {ds.compression}:{ds.compression_opts}, "
                  "expected gzip (deflate) level 4")
            check(ds.shuffle, f"{where}: no shuffle filter")
            check(ds.maxshape == (None,), f"{where}: maxshape {ds.maxshape}, expected (None,)")
            try:
                v = ds[()]
                lens.add(len(v))
            except Exception as ex:  # an unreadable dataset
                check(False, f"{where}: unreadable by h5py: {ex}")
        check(len(lens) <= 1, f"(c) /{t}: columns of different lengths {sorted(lens)}")
    if "patients/patient" in f:
        check(f["patients/patient"].chunks == (BLOCK,),
              f"(c) /patients chunk {f['patients/patient'].chunks}, expected ({BLOCK},)")
    if "outcomes/os" in f:
        check(f["outcomes/os"].chunks == (BLOCK * S,),
              f"(c) /outcomes chunk {f['outcomes/os'].chunks}, expected ({BLOCK * S},)")


def read_csv(path):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(path, newline="") as fh:
        header = next(csv.reader(fh))
    return header, rows


def compute_summaries(f, strategies, instances, inst_kind, ref):
    """Everything `nelmsim summary` reports, from /outcomes and /lines."""
    o = table(f, "outcomes")
    ln = table(f, "lines")
    S = len(strategies)
    out = []
    ref_os = o["os"][o["strategy"] == ref]
    for s in range(S):
        sel = o["strategy"] == s
        os_ = o["os"][sel]
        dead = o["cause"][sel] != 0
        km = KM(os_, dead)
        r = {"patients": int(sel.sum())}
        r["median_os"], r["median_os_lo"], r["median_os_hi"] = km.quantile(0.5)
        r["mean_os"], r["mean_os_se"] = mean_se(os_)
        r["tau"] = TAU
        r["rmst"], r["rmst_se"] = mean_se(np.minimum(os_, TAU))
        t_last, s_last = km.t[-1], km.s[-1]
        for L in LANDMARKS:
            key = f"os_{L:g}"
            if L > t_last and s_last > 0:
                r[key] = r[key + "_lo"] = r[key + "_hi"] = math.nan
            else:
                r[key], r[key + "_lo"], r[key + "_hi"] = km.at(L)
        lsel = ln["strategy"] == s
        k = 1
        r["pfs_lines"] = []
        while True:
            m = lsel & (ln["line"] == k)
            if not m.any():
                break
            pk = KM(ln["pfs"][m], ln["pfs_event"][m])
            med = pk.quantile(0.5)
            r[f"median_pfs_line{k}"], r[f"median_pfs_line{k}_lo"], \
                r[f"median_pfs_line{k}_hi"] = med
            r[f"n_pfs_line{k}"] = int(m.sum())
            r["pfs_lines"].append((k, int(m.sum())) + med)
            k += 1
        r["nlines_pfs"] = k - 1
        r["patients_pfs1"] = int((lsel & (ln["line"] == 1)).sum())
        if r["nlines_pfs"] >= 1:
            r["median_pfs1"] = r["median_pfs_line1"]
            r["median_pfs1_lo"] = r["median_pfs_line1_lo"]
            r["median_pfs1_hi"] = r["median_pfs_line1_hi"]
        else:
            r["median_pfs1"] = r["median_pfs1_lo"] = r["median_pfs1_hi"] = math.nan
        r["mean_lines"] = float(o["lines"][sel].astype(np.float64).mean())
        for kd in KINDS:
            r[f"received_{kd}"] = float(o[f"received_{kd}"][sel].mean())
        bits = o["instances"][sel]
        for i, name in enumerate(instances):
            r[f"received_instance_{name}"] = float(((bits >> np.uint32(i)) & 1).mean())
        cause = o["cause"][sel]
        for c, name in enumerate(CAUSES):
            col = name if c == 0 else f"death_{name}"
            r[col] = float((cause == c).sum()) / len(cause)
        r["reference"] = strategies[ref]
        r["diff_mean_os"], r["diff_mean_os_se"] = mean_se(os_ - ref_os)
        r["diff_rmst"], r["diff_rmst_se"] = mean_se(np.minimum(os_, TAU)
                                                    - np.minimum(ref_os, TAU))
        r["km"] = km
        # the kinds received agree with the instances received
        for kd in KINDS:
            any_inst = np.zeros(len(bits), bool)
            for i, ik in enumerate(inst_kind):
                if ik == kd:
                    any_inst |= ((bits >> np.uint32(i)) & 1) == 1
            check(np.array_equal(any_inst, o[f"received_{kd}"][sel]),
                  f"(e) strategy {strategies[s]}: received_{kd} differs from the bits of "
                  f"its instances in outcomes/instances")
        out.append(r)
    return out


def compare_csv(path, header, rows, mine, strategies, descriptions, instances, econ_cols=()):
    maxlines = max(r["nlines_pfs"] for r in mine)
    cols = ["strategy", "description", "patients", "median_os", "median_os_lo",
            "median_os_hi", "mean_os", "mean_os_se", "tau", "rmst", "rmst_se"]
    for L in LANDMARKS:
        cols += [f"os_{L:g}", f"os_{L:g}_lo", f"os_{L:g}_hi"]
    for k in range(1, maxlines + 1):
        cols += [f"median_pfs_line{k}", f"median_pfs_line{k}_lo", f"median_pfs_line{k}_hi",
                 f"n_pfs_line{k}"]
    cols += ["mean_lines"] + [f"received_{k}" for k in KINDS]
    cols += [f"received_instance_{n}" for n in instances]
    cols += [f"death_{c}" for c in CAUSES[1:]] + ["alive_at_horizon", "reference",
                                                  "diff_mean_os", "diff_mean_os_se",
                                                  "diff_rmst", "diff_rmst_se"]
    name = os.path.basename(path)
    check(header == cols + list(econ_cols),
          f"(d) {name}: columns {header}, expected {cols + list(econ_cols)}")
    if not check(len(rows) == len(strategies),
                 f"(d) {name}: {len(rows)} rows for {len(strategies)} strategies"):
        return
    counts = {"patients"} | {f"n_pfs_line{k}" for k in range(1, maxlines + 1)}
    for s, (row, r) in enumerate(zip(rows, mine)):
        st = strategies[s]
        check(row.get("strategy") == st, f"(d) {name} row {s}: strategy {row.get('strategy')!r}")
        check(row.get("description") == descriptions[s],
              f"(d) {name} {st}: description {row.get('description')!r}")
        check(row.get("reference") == r["reference"],
              f"(d) {name} {st}: reference {row.get('reference')!r}")
        for c in cols:
            if c in ("strategy", "description", "reference") or c not in row:
                continue
            txt = row[c]
            want = r.get(c, math.nan)
            if c in counts:
                if c not in r:
                    check(txt == "", f"(d) {name} {st}: {c} = {txt!r}, expected empty")
                else:
                    check(txt == str(want), f"(d) {name} {st}: {c} = {txt!r}, "
                          f"recomputed {want}")
                continue
            got = math.nan if txt == "" else float(txt)
            check(close(got, want), f"(d) {name} {st}: {c} = {got!r}, recomputed {want!r}")


def compare_stored(f, mine, strategies, instances):
    g = table(f, "summary/strategies")
    S = len(strategies)
    check(list(g["strategy"]) == list(range(S)), "(d) /summary/strategies: strategy column")
    fields = ["median_os", "median_os_lo", "median_os_hi", "mean_os", "mean_os_se", "rmst",
              "rmst_se"]
    for L in LANDMARKS:
        fields += [f"os_{L:g}", f"os_{L:g}_lo", f"os_{L:g}_hi"]
    fields += ["median_pfs1", "median_pfs1_lo", "median_pfs1_hi", "mean_lines"]
    fields += [f"death_{c}" for c in CAUSES[1:]] + ["alive_at_horizon", "diff_mean_os",
                                                     "diff_mean_os_se", "diff_rmst",
                                                     "diff_rmst_se"]
    fields += [f"received_{k}" for k in KINDS]
    for s in range(min(S, len(g["strategy"]))):
        r = mine[s]
        for c in ("patients", "patients_pfs1"):
            check(c in g and int(g[c][s]) == r[c],
                  f"(d) /summary/strategies/{c}[{strategies[s]}] = "
                  f"{g[c][s] if c in g else None}, recomputed {r[c]}")
        for c in fields:
            if check(c in g, f"(d) /summary/strategies/{c}: missing"):
                check(close(g[c][s], r[c]), f"(d) /summary/strategies/{c}[{strategies[s]}] "
                      f"= {g[c][s]!r}, recomputed {r[c]!r}")
    # PFS by line
    p = table(f, "summary/pfs_by_line")
    want = [(s,) + row for s in range(S) for row in mine[s]["pfs_lines"]]
    got = list(zip(p["strategy"], p["line"], p["patients"], p["median"], p["median_lo"],
                   p["median_hi"]))
    if check(len(got) == len(want), f"(d) /summary/pfs_by_line: {len(got)} rows, "
             f"recomputed {len(want)}"):
        for a, b in zip(got, want):
            ok = tuple(int(x) for x in a[:3]) == b[:3] and all(
                close(x, y) for x, y in zip(a[3:], b[3:]))
            check(ok, f"(d) /summary/pfs_by_line row {a}: recomputed {b}")
    # instance shares
    t = table(f, "summary/instance_share")
    want = [(s, i, mine[s][f"received_instance_{n}"]) for s in range(S)
            for i, n in enumerate(instances)]
    got = list(zip(t["strategy"], t["instance"], t["share"]))
    if check(len(got) == len(want), f"(d) /summary/instance_share: {len(got)} rows, "
             f"expected {len(want)}"):
        for a, b in zip(got, want):
            check(int(a[0]) == b[0] and int(a[1]) == b[1] and close(a[2], b[2]),
                  f"(d) /summary/instance_share row {a}: recomputed {b}")
    # KM on the monthly grid
    k = table(f, "summary/km")
    G = 241
    if check(len(k["strategy"]) == S * G, f"(d) /summary/km: {len(k['strategy'])} rows, "
             f"expected {S * G} (months 0..240 per strategy)"):
        for s in range(S):
            km = mine[s]["km"]
            sl = slice(s * G, (s + 1) * G)
            check(np.all(k["strategy"][sl] == s) and np.array_equal(k["month"][sl],
                                                                     np.arange(G)),
                  f"(d) /summary/km: strategy/month columns of {strategies[s]}")
            for m in range(G):
                want = km.at(float(m))
                got = (k["surv"][s * G + m], k["lo"][s * G + m], k["hi"][s * G + m])
                if not all(close(x, y) for x, y in zip(got, want)):
                    check(False, f"(d) /summary/km {strategies[s]} month {m}: {got}, "
                          f"recomputed {want}")
                    break


def check_index(f, S):
    o = table(f, "outcomes")
    ln = table(f, "lines")
    ev = table(f, "events")
    pt = table(f, "patients")
    R = len(o["os"])
    check(R == N * S, f"(e) /outcomes has {R} rows, expected {N} patients x {S} strategies")
    check(np.array_equal(pt["patient"], np.arange(N)), "(e) /patients/patient is not 0..n-1")
    check(np.array_equal(o["patient"], np.repeat(np.arange(N), S)),
          "(e) /outcomes is not patient-major (patient column)")
    check(np.array_equal(o["strategy"], np.tile(np.arange(S), N)),
          "(e) /outcomes is not patient-major (strategy column)")
    nl = o["lines"].astype(np.int64)
    lf = o["line_first"].astype(np.int64)
    L = len(ln["patient"])
    check(nl.sum() == L, f"(e) sum of outcomes/lines {nl.sum()} != {L} rows of /lines")
    check(np.array_equal(lf, np.concatenate(([0], np.cumsum(nl)[:-1]))),
          "(e) outcomes/line_first is not the running sum of outcomes/lines")
    if nl.sum() == L:
        owner = np.repeat(np.arange(R), nl)
        check(np.array_equal(ln["patient"], o["patient"][owner]),
              "(e) /lines/patient does not match its outcomes row")
        check(np.array_equal(ln["strategy"], o["strategy"][owner]),
              "(e) /lines/strategy does not match its outcomes row")
        check(np.array_equal(ln["line"].astype(np.int64), np.arange(L) - lf[owner] + 1),
              "(e) /lines/line is not 1, 2, ... within each patient-strategy")
        has = nl > 0
        first = lf[has]
        check(np.array_equal(o["pfs1"][has], ln["pfs"][first]),
              "(e) outcomes/pfs1 differs from the first line's /lines/pfs")
        check(np.array_equal(o["pfs1_event"][has], ln["pfs_event"][first]),
              "(e) outcomes/pfs1_event differs from the first line's /lines/pfs_event")
        check(np.all(np.isnan(o["pfs1"][~has])) and not o["pfs1_event"][~has].any(),
              "(e) outcomes/pfs1 is not NaN (event false) where no line was started")
        check(np.all(ln["start"] >= 0) and np.all(ln["start"] <= ln["end"])
              and np.all(ln["end"] <= o["os"][owner]),
              "(e) /lines start/end not within 0 <= start <= end <= os")
        check(np.all(ln["pfs"] >= 0) and np.all(ln["start"] + ln["pfs"]
                                                 <= o["os"][owner] * (1 + 1e-12)),
              "(e) /lines/pfs negative or beyond os")
        check(np.all(ln["instance"] < len(f["instances/name"])),
              "(e) /lines/instance is 'none' on a started line")
    bsc = o["bsc_start"]
    check(np.all(np.isnan(bsc) | ((bsc >= 0) & (bsc <= o["os"]))),
          "(e) outcomes/bsc_start neither NaN nor within [0, os]")
    bg = pt["background_death"][o["patient"].astype(np.int64)]
    check(np.all(o["os"] <= bg), "(e) os beyond the patient's background death")
    isbg = o["cause"] == CAUSES.index("background")
    check(np.array_equal(o["os"][isbg], bg[isbg]),
          "(e) os != background_death where the cause is background")
    # events
    ef = o["event_first"].astype(np.int64)
    ec = o["event_count"].astype(np.int64)
    E = len(ev["patient"])
    check(ec.sum() == E, f"(e) sum of outcomes/event_count {ec.sum()} != {E} rows of /events")
    check(np.array_equal(ef, np.concatenate(([0], np.cumsum(ec)[:-1]))),
          "(e) outcomes/event_first is not the running sum of outcomes/event_count")
    check(np.all(ec >= 1), "(e) a patient-strategy without events")
    if ec.sum() != E or not np.all(ec >= 1):
        return
    owner = np.repeat(np.arange(R), ec)
    check(np.array_equal(ev["patient"], o["patient"][owner]),
          "(e) /events/patient does not match its outcomes row")
    check(np.array_equal(ev["strategy"], o["strategy"][owner]),
          "(e) /events/strategy does not match its outcomes row")
    same = owner[1:] == owner[:-1]
    check(np.all(np.diff(ev["time"])[same] >= 0),
          "(e) event times decrease within a patient-strategy")
    last = ef + ec - 1
    death, cens = EVENTS.index("death"), EVENTS.index("censored")
    le = ev["event"][last]
    bad = np.nonzero(~(((le == death) & (o["cause"] != 0)) | ((le == cens) & (o["cause"] == 0))))[0]
    check(len(bad) == 0, f"(e) {len(bad)} patient-strategies whose last event is not death "
          f"(cause != alive) or censored (alive); first: outcomes row "
          f"{bad[0] if len(bad) else ''}")
    check(np.array_equal(ev["time"][last], o["os"]),
          "(e) the last event's time differs from os")
    dl = le == death
    check(np.array_equal(ev["detail"][last][dl], o["cause"][dl]),
          "(e) the death event's detail differs from outcomes/cause")
    term = (ev["event"] == death) | (ev["event"] == cens)
    check(term.sum() == R, f"(e) {term.sum()} death/censored events for {R} patient-strategies "
          "(exactly one each, the last)")
    check(np.all(ev["time"] >= 0), "(e) negative event times")
    # one line_start per line started, at the line's start, with its position
    ls = ev["event"] == EVENTS.index("line_start")
    nls = np.bincount(owner[ls], minlength=R)
    check(np.array_equal(nls, o["lines"]),
          "(e) line_start events per patient-strategy != outcomes/lines")
    if np.array_equal(nls, o["lines"]) and nl.sum() == L:
        check(np.array_equal(ev["time"][ls], ln["start"]),
              "(e) line_start event times != /lines/start")
        check(np.array_equal(ev["line"][ls], ln["position"]),
              "(e) line_start events' line != /lines/position")
        check(np.array_equal(ev["instance"][ls], ln["instance"]),
              "(e) line_start events' instance != /lines/instance")


def check_pandas(f, strategies, mine):
    df = pd.DataFrame({k: f["outcomes"][k][:] for k in f["outcomes"]})
    check(len(df) == N * len(strategies) and set(df.columns) == set(f["outcomes"].keys()),
          f"(f) pandas: {df.shape}")
    for k in ["pfs1_event"] + [f"received_{k}" for k in KINDS]:
        check(df[k].dtype == bool, f"(f) pandas: {k} is {df[k].dtype}, not bool")
    df["strategy"] = pd.Categorical.from_codes(df["strategy"], categories=strategies)
    df["cause"] = pd.Categorical.from_codes(df["cause"], categories=CAUSES)
    means = df.groupby("strategy", observed=False)["os"].mean()
    for s, name in enumerate(strategies):
        check(close(means[name], mine[s]["mean_os"]),
              f"(f) pandas: mean os of {name} {means[name]} vs {mine[s]['mean_os']}")
    pt = pd.DataFrame({k: f["patients"][k][:] for k in f["patients"]})
    j = df.merge(pt, on="patient", how="left", validate="many_to_one")
    check(len(j) == len(df) and not j["age"].isna().any(), "(f) pandas: joining /patients")


def same_dataset(a, b):
    va, vb = a[()], b[()]
    return a.dtype == b.dtype and a.shape == b.shape and va.tobytes() == vb.tobytes()


def check_modes(nelmsim, work, full):
    base = [nelmsim, "run", "-n", str(N), "--seed", str(SEED), "--block", str(BLOCK),
            "--quiet"]
    none_p, outc_p = os.path.join(work, "none.h5"), os.path.join(work, "outcomes.h5")
    ok = {}
    for mode, p in (("none", none_p), ("outcomes", outc_p)):
        try:
            run(base + ["--trajectories", mode, "-o", p, "--force"], f"(g) run --trajectories {mode}")
            ok[mode] = True
        except Fatal as ex:
            check(False, str(ex))
            ok[mode] = False
    if ok["none"]:
        check_none(none_p, full)
    if ok["outcomes"]:
        check_outcomes(outc_p, full)


def check_none(none_p, full):
    with h5py.File(none_p, "r") as f:
        check(f.attrs.get("trajectories") == "none", "(g) none: trajectories attribute")
        check(int(f.attrs.get("complete", 0)) == 1, "(g) none: not complete")
        for k in ("outcomes", "patients", "lines", "events"):
            check(k not in f, f"(g) --trajectories none wrote /{k}")
        for k in ("summary/strategies", "summary/km", "summary/pfs_by_line",
                  "summary/instance_share", "parameters", "strategies/name"):
            check(k in f, f"(g) --trajectories none: /{k} missing")
        for k in ("summary/strategies", "summary/km", "summary/pfs_by_line",
                  "summary/instance_share") + ECON_SUMMARY:
            check((k in f) == (k in full), f"(g) --trajectories none: /{k} present in one only")
            if k in f:
                for c in full[k]:
                    check(c in f[k] and same_dataset(f[k][c], full[k][c]),
                          f"(g) --trajectories none: /{k}/{c} differs from the full run")


def check_outcomes(outc_p, full):
    with h5py.File(outc_p, "r") as f:
        check(f.attrs.get("trajectories") == "outcomes", "(g) outcomes: trajectories attribute")
        check(int(f.attrs.get("complete", 0)) == 1, "(g) outcomes: not complete")
        for k in ("outcomes", "patients", "lines", "summary/strategies"):
            check(k in f, f"(g) --trajectories outcomes: /{k} missing")
        check("events" not in f, "(g) --trajectories outcomes wrote /events")
        if "outcomes" in f:
            check(set(f["outcomes"]) == set(full["outcomes"]) - {"event_first", "event_count"},
                  f"(g) --trajectories outcomes: /outcomes columns {sorted(f['outcomes'])}")
        for t in ("patients", "outcomes", "lines", "summary/strategies") + ECON_SUMMARY:
            if t in f:
                for c in f[t]:
                    check(c in full[t] and same_dataset(f[t][c], full[t][c]),
                          f"(g) --trajectories outcomes: /{t}/{c} differs from the full run")


def table_part(text):
    """The printed table: everything after the first blank line."""
    i = text.find("\n\n")
    return text[i + 2:] if i >= 0 else None


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    nelmsim, work = os.path.abspath(sys.argv[1]), sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)  # nothing left by an earlier, aborted run
    os.makedirs(work, exist_ok=True)
    h5 = os.path.join(work, "x.h5")
    run_csv, sum_csv = os.path.join(work, "run.csv"), os.path.join(work, "sum.csv")
    for p in (h5, run_csv, sum_csv):
        if os.path.exists(p):
            os.remove(p)
    r1 = run([nelmsim, "run", "-n", str(N), "--seed", str(SEED), "--trajectories", "full",
              "--block", str(BLOCK), "-o", h5, "--csv", run_csv, "--quiet"], "nelmsim run")
    r2 = run([nelmsim, "summary", h5, "--csv", sum_csv], "nelmsim summary")
    check(not glob.glob(h5 + ".part*"), "a .part file is left next to the output")
    t1, t2 = table_part(r1.stdout), table_part(r2.stdout)
    check(t1 is not None and t1 == t2,
          "(d) `nelmsim run` and `nelmsim summary` print different tables")

    with h5py.File(h5, "r") as f:
        strategies = strings(f["strategies/name"])
        descriptions = strings(f["strategies/description"])
        instances = strings(f["instances/name"])
        inst_kind = strings(f["instances/kind"])
        ref = strategies.index(f.attrs["reference_strategy"]) \
            if f.attrs.get("reference_strategy") in strategies else 0
        sections = [
            ("a", lambda: check_root(f, nelmsim, strategies)),
            ("b", lambda: check_types(f, strategies, instances)),
            ("c", lambda: check_storage(f, len(strategies))),
        ]
        for name, fn in sections:
            try:
                fn()
            except Fatal:
                raise
            except Exception as ex:
                check(False, f"({name}) stopped: {type(ex).__name__}: {ex}")
        mine = None
        try:
            mine = compute_summaries(f, strategies, instances, inst_kind, ref)
            econ_cols = []
            if "summary/economics" in f:
                wtp = list(dict.fromkeys(float(w) for w in f["summary/nmb/wtp"][:]))
                econ_cols = econ_csv_columns(wtp)
            for path in (run_csv, sum_csv):
                header, rows = read_csv(path)
                compare_csv(path, header, rows, mine, strategies, descriptions, instances,
                            econ_cols)
            compare_stored(f, mine, strategies, instances)
        except Exception as ex:
            check(False, f"(d) stopped: {type(ex).__name__}: {ex}")
        for name, fn in (("e", lambda: check_index(f, len(strategies))),
                         ("f", lambda: check_pandas(f, strategies, mine))):
            try:
                if name == "f" and mine is None:
                    continue
                fn()
            except Exception as ex:
                check(False, f"({name}) stopped: {type(ex).__name__}: {ex}")
        try:
            check_modes(nelmsim, work, f)
        except Exception as ex:
            check(False, f"(g) stopped: {type(ex).__name__}: {ex}")
    check(not glob.glob(os.path.join(work, "*.part-*")), "(g) .part files left in WORKDIR")

    if failures:
        for m in failures:
            print("FAIL:", m)
        print(f"check_run_file: {len(failures)} failures")
        return 1
    print(f"check_run_file: ok ({len(strategies)} strategies, {N} patients; summaries "
          f"agree with run.csv, sum.csv and /summary to {RTOL:g})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Fatal as ex:
        print("FAIL:", ex)
        sys.exit(1)
