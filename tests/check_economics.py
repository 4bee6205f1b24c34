#!/usr/bin/python3
"""Health economics end to end (issue 9; docs/FORMAT.md), read by an outside reader.

    /usr/bin/python3 tests/check_economics.py NELMSIM WORKDIR SOURCE_DIR

  a. per patient: `nelmsim run --trajectories full` on the built-in model;
     every patient-strategy's life years, QALYs and costs (discounted and
     not) recomputed here from /events, /lines, /patients and /parameters by
     the rules of docs/FORMAT.md (written again in Python: the states, the
     backbone SSA, the carcinoid-syndrome rule, courses, transplant costs,
     toxicity, the age norms by year of age, discounting by
     (1 + r)^(-t / 12)) equal the /outcomes columns to 1e-9;
  b. per strategy: means with MCSE, paired differences against the
     reference, the incremental analysis (dominance, extended dominance,
     ICERs, paired SEs) and the net monetary benefit recomputed here from
     /outcomes equal /summary/economics, /summary/incremental, /summary/nmb
     and the economics columns of the run's CSV and of `nelmsim summary`'s
     CSV; `nelmsim run` and `nelmsim summary` print the same economics;
  c. a PSA varying a cost, a utility and a clinical parameter: /psa/draws
     equals the stacked /summary/economics; the acceptability curves, the
     frontier, the EVPI and the noise shares recomputed here from /psa/draws
     equal /psa/ceac and /psa/frontier; the printed PSA economics names them;
  d. scripts/plot_economics.py: --help; the run's plane and the PSA's plane
     and CEAC as PNG (decoded here) and SVG (parsed as XML); a file without
     economics is refused with one line and exit 2;
  e. economics off (economics.enabled false): no economics in the file, the
     CSV or the printed table; a bad value is one file:line:col error (exit 2).

Exit 0 when everything holds, 1 listing every failure, 2 on bad usage.
"""
import csv
import math
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import h5py
import numpy as np
import yaml

N = 2500
SEED = 3
BLOCK = 512
RTOL = 1e-9
QNAMES = ["ly", "qaly", "cost", "qaly_undiscounted", "cost_undiscounted", "ly_undiscounted"]
STATUS = ["frontier", "dominated", "extendedly_dominated"]

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return bool(cond)


class Fatal(Exception):
    pass


def run(cmd, what, cwd=None, ok=(0,)):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise Fatal(f"{what}: did not finish in 900 s")
    if p.returncode not in ok:
        raise Fatal(f"{what}: exit {p.returncode}: {' '.join(cmd)}\n{p.stderr.strip()}")
    return p


def close(a, b, rtol=RTOL, atol=1e-9):
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= max(rtol * max(abs(a), abs(b)), atol)


def table(f, path):
    g = f[path]
    return {k: g[k][()] for k in g}


def enum_of(ds):
    m = h5py.check_enum_dtype(ds.dtype)
    return {v: k for k, v in m.items()}


# ---------------------------------------------------------------------------
# a. one patient-strategy, from its events (the rules of docs/FORMAT.md)


def pv(a, b, r):
    """integral of (1 + r)^(-t / 12) dt over [a, b] months"""
    if not b > a:
        return 0.0
    if r == 0:
        return b - a
    return 12.0 / math.log1p(r) * ((1 + r) ** (-a / 12.0) - (1 + r) ** (-b / 12.0))


def at(t, r):
    return (1 + r) ** (-t / 12.0)


class Model:
    def __init__(self, params, instances, strategies):
        e = params["economics"]
        self.rc = float(e["discount"]["costs"])
        self.re = float(e["discount"]["effects"])
        self.u_post = float(e["utility"]["post_progression"])
        self.u_bsc = float(e["utility"]["best_supportive_care"])
        self.u_syn = float(e["utility"]["uncontrolled_syndrome"])
        self.bsc_cost = float(e["best_supportive_care"]["cost_month"])
        n = e["norms"]
        self.norms = bool(n["apply"])
        self.nc = [float(n[k]) for k in ("intercept", "male", "age", "age2")]
        self.entry = [e["modalities"].get(i) for i in instances]
        mods = params["modalities"]
        self.kind = [mods[i]["kind"] for i in instances]
        self.duration = [float(mods[i].get("duration", 0)) for i in instances]
        self.backbone = [[bool(l.get("backbone", False)) for l in params["strategies"][s]["lines"]]
                         for s in strategies]

    def norm(self, a, male):
        c0, cm, ca, ca2 = self.nc
        return c0 + (cm if male else 0.0) + ca * a + ca2 * a * a

    def treats(self, i):
        k = self.kind[i]
        if k in ("resection", "transplant"):
            return False
        if k in ("iat", "prrt"):
            return self.duration[i] > 0
        return True


def patient(m, ev, lines, os_, age0, male, syndrome, progressive, strategy):
    """ev: [(t, name, instance or None)], lines: [(instance, position, end_name, end_t)]"""
    # every time the state may change: events, birthdays, toxicity ends
    cuts = {0.0, os_}
    for t, _, _ in ev:
        cuts.add(t)
    if m.norms:
        k = math.floor(age0) + 1
        while 12.0 * (k - age0) < os_:
            cuts.add(12.0 * (k - age0))
            k += 1
    tox = []  # (start, end, disutility)
    for t, name, i in ev:
        if name == "toxicity":
            q = m.entry[i]
            d = float(q.get("toxicity_disutility", 0))
            if d > 0:
                end = min(t + float(q.get("toxicity_months", 0)), os_)
                tox.append((t, end, d))
                cuts.add(end)
    backbones = sorted((end_t, inst) for inst, pos, end, end_t in lines
                       if m.backbone[strategy][pos - 1] and end not in ("death", "censored"))
    cuts = sorted(c for c in cuts if c <= os_)
    q_u = q_d = c_u = c_d = 0.0
    # the state, updated by the events at each cut before the interval after it
    st = dict(inst=None, started=False, pf=not progressive, bsc=False, treating=False)
    pend = None
    j = 0
    n0 = m.norm(math.floor(age0), male) if m.norms else 1.0

    def once(t, v):
        nonlocal c_u, c_d
        c_u += v
        c_d += v * at(t, m.rc)

    for a, b in zip(cuts, cuts[1:] + [None]):
        while j < len(ev) and ev[j][0] <= a:
            t, name, i = ev[j]
            j += 1
            if name in ("line_start", "course_start"):
                if pend:
                    once(*pend)
                pend = None
                st.update(inst=i, started=True, pf=True, treating=m.treats(i))
                v = float(m.entry[i].get("cost_course", 0))
                if m.kind[i] == "transplant":
                    pend = (t, v)
                else:
                    once(t, v)
            elif name == "treatment_start":
                if pend:
                    once(t, pend[1])
                pend = None
            elif name in ("treatment_end", "discontinuation", "planned_switch"):
                st["treating"] = False
            elif name == "toxicity":
                once(t, float(m.entry[i].get("toxicity_cost", 0)))
            elif name in ("progression", "recurrence"):
                if pend:
                    once(*pend)
                pend = None
                st.update(pf=False, treating=False)
            elif name == "waitlist_dropout":
                pend = None
                st.update(pf=False, treating=False)
            elif name == "bsc_start":
                if pend:
                    once(*pend)
                pend = None
                st.update(bsc=True, treating=False)
            elif name in ("death", "censored"):
                pend = None
                st["treating"] = False
        if b is None:
            break
        mid = 0.5 * (a + b)
        bb = None
        for end_t, inst in backbones:
            if end_t <= a:
                bb = inst
        ssa_on = bb is not None and not st["bsc"]
        i = st["inst"]
        if st["bsc"] or not st["started"]:
            u, unc = m.u_bsc, True
        elif st["pf"]:
            u, unc = float(m.entry[i]["utility"]), m.kind[i] == "observation"
        else:
            u, unc = m.u_post, True
        if syndrome and unc and not ssa_on:
            u = m.u_syn
        mult = 1.0
        if m.norms:
            age = math.floor(age0 + mid / 12.0)
            mult = m.norm(age, male) / n0
        dis = sum(d for s0, s1, d in tox if s0 <= a and b <= s1)
        q_u += (u * mult - dis) * (b - a) / 12.0
        q_d += (u * mult - dis) * pv(a, b, m.re) / 12.0
        c = 0.0
        if st["treating"]:
            c += float(m.entry[i].get("cost_month", 0))
        if ssa_on and not (st["treating"] and m.kind[i] == "ssa"):
            c += float(m.entry[bb].get("cost_month", 0))
        if st["bsc"]:
            c += m.bsc_cost
        c_u += c * (b - a)
        c_d += c * pv(a, b, m.rc)
    return pv(0, os_, m.re) / 12.0, q_d, c_d, q_u, c_u


def check_patients(f, params):
    strategies = [s for s in f["strategies/name"].asstr()[()]]
    instances = [s for s in f["instances/name"].asstr()[()]]
    m = Model(params, instances, strategies)
    o, p, ln, e = (table(f, k) for k in ("outcomes", "patients", "lines", "events"))
    evn = enum_of(f["events/event"])
    endn = enum_of(f["lines/end_reason"])
    none = len(instances)
    cols = ["ly", "qaly", "cost", "qaly_undiscounted", "cost_undiscounted"]
    progressive = bool(params["cohort"].get("entry", {}).get("progressive", False))
    worst = {c: 0.0 for c in cols}
    bad = 0
    for row in range(len(o["os"])):
        pt, s = int(o["patient"][row]), int(o["strategy"][row])
        e0, ne = int(o["event_first"][row]), int(o["event_count"][row])
        ev = [(float(e["time"][k]), evn[int(e["event"][k])],
               None if int(e["instance"][k]) == none else int(e["instance"][k]))
              for k in range(e0, e0 + ne)]
        l0, nl = int(o["line_first"][row]), int(o["lines"][row])
        lines = [(int(ln["instance"][k]), int(ln["position"][k]), endn[int(ln["end_reason"][k])],
                  float(ln["end"][k])) for k in range(l0, l0 + nl)]
        prow = pt - int(p["patient"][0])
        got = patient(m, ev, lines, float(o["os"][row]), float(p["age"][prow]),
                      int(p["sex"][prow]) == 1, bool(p["carcinoid_syndrome"][prow]),
                      progressive, s)
        for c, g in zip(cols, got):
            v = float(o[c][row])
            err = abs(v - g) / max(abs(g), 1e-9)
            worst[c] = max(worst[c], err)
            if err > RTOL and abs(v - g) > 1e-9:
                bad += 1
                if bad <= 5:
                    check(False, f"(a) patient {pt} strategy {strategies[s]}: {c} {v!r}, "
                          f"recomputed {g!r}")
    check(bad == 0, f"(a) {bad} per-patient values differ from the recomputation")
    syn = int(np.sum(p["carcinoid_syndrome"]))
    check(syn > 0, "(a) no patient with carcinoid syndrome: the rule is not exercised")
    print(f"(a) {len(o['os'])} patient-strategies recomputed from their events; largest "
          f"relative difference {max(worst.values()):.2g}; {syn} with carcinoid syndrome")


# ---------------------------------------------------------------------------
# b. summaries


def mean_se(x):
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    return float(x.mean()), (float(x.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0)


def incremental(cost, eff):
    """Dominance, extended dominance, ICERs (ties: lower index first)."""
    n = len(cost)
    order = sorted(range(n), key=lambda i: (cost[i], -eff[i], i))
    status = {i: "frontier" for i in order}
    best = -math.inf
    for i in order:
        if eff[i] <= best:
            status[i] = "dominated"
        else:
            best = eff[i]
    while True:
        fr = [i for i in order if status[i] == "frontier"]
        drop = None
        for a, b, c in zip(fr, fr[1:], fr[2:]):
            if (cost[b] - cost[a]) / (eff[b] - eff[a]) > (cost[c] - cost[b]) / (eff[c] - eff[b]):
                drop = b
                break
        if drop is None:
            break
        status[drop] = "extendedly_dominated"
    fr = [i for i in order if status[i] == "frontier"]
    vs = {i: None for i in range(n)}
    for a, b in zip(fr, fr[1:]):
        vs[b] = a
    return order, status, vs


def recompute(f, params):
    strategies = [s for s in f["strategies/name"].asstr()[()]]
    S = len(strategies)
    ref = strategies.index(f.attrs["reference_strategy"])
    o = table(f, "outcomes")
    wtp = [float(w) for w in params["economics"]["wtp"]]
    val = {}
    for s in range(S):
        sel = o["strategy"] == s
        for q in QNAMES:
            val[s, q] = o["os"][sel] / 12.0 if q == "ly_undiscounted" else o[q][sel]
    r = [dict() for _ in range(S)]
    for s in range(S):
        for q in QNAMES:
            r[s][q], r[s][q + "_se"] = mean_se(val[s, q])
            r[s]["diff_" + q], r[s]["diff_" + q + "_se"] = mean_se(val[s, q] - val[ref, q])
    cost = [r[s]["cost"] for s in range(S)]
    eff = [r[s]["qaly"] for s in range(S)]
    order, status, vs = incremental(cost, eff)
    for k, s in enumerate(order):
        r[s]["cost_rank"] = k + 1
        r[s]["ce_status"] = status[s]
        v = vs[s]
        r[s]["ce_vs"] = "" if v is None else strategies[v]
        if v is None:
            for c in ("inc_cost", "inc_cost_se", "inc_qaly", "inc_qaly_se", "icer"):
                r[s][c] = math.nan
        else:
            r[s]["inc_cost"], r[s]["inc_cost_se"] = cost[s] - cost[v], mean_se(
                val[s, "cost"] - val[v, "cost"])[1]
            r[s]["inc_qaly"], r[s]["inc_qaly_se"] = eff[s] - eff[v], mean_se(
                val[s, "qaly"] - val[v, "qaly"])[1]
            r[s]["icer"] = r[s]["inc_cost"] / r[s]["inc_qaly"]
        for w in wtp:
            r[s][f"nmb_{w:.17g}"] = w * eff[s] - cost[s]
            r[s][f"nmb_{w:.17g}_se"] = mean_se(w * val[s, "qaly"] - val[s, "cost"])[1]
    return strategies, r, order, wtp


def check_summaries(f, params, csvs, tag="(b)"):
    strategies, r, order, wtp = recompute(f, params)
    S = len(strategies)
    g = table(f, "summary/economics")
    for s in range(S):
        check(int(g["strategy"][s]) == s, f"{tag} /summary/economics row {s}: strategy")
        for q in QNAMES:
            for c in (q, q + "_se", "diff_" + q, "diff_" + q + "_se"):
                check(close(g[c][s], r[s][c]),
                      f"{tag} /summary/economics/{c}[{strategies[s]}] = {g[c][s]!r}, "
                      f"recomputed {r[s][c]!r}")
    inc = table(f, "summary/incremental")
    vsn = enum_of(f["summary/incremental/vs"])
    stn = enum_of(f["summary/incremental/status"])
    for k, s in enumerate(order):
        check(int(inc["strategy"][k]) == s and int(inc["rank"][k]) == k + 1,
              f"{tag} /summary/incremental row {k}: {strategies[int(inc['strategy'][k])]}, "
              f"recomputed {strategies[s]}")
        check(stn[int(inc["status"][k])] == r[s]["ce_status"],
              f"{tag} /summary/incremental {strategies[s]}: status {stn[int(inc['status'][k])]}, "
              f"recomputed {r[s]['ce_status']}")
        v = vsn[int(inc["vs"][k])]
        check((v == "none" and r[s]["ce_vs"] == "") or v == r[s]["ce_vs"],
              f"{tag} /summary/incremental {strategies[s]}: vs {v}, recomputed {r[s]['ce_vs']!r}")
        for c in ("inc_cost", "inc_cost_se", "inc_qaly", "inc_qaly_se", "icer"):
            check(close(inc[c][k], r[s][c]), f"{tag} /summary/incremental/{c}[{strategies[s]}] "
                  f"= {inc[c][k]!r}, recomputed {r[s][c]!r}")
        check(close(inc["cost"][k], r[s]["cost"]) and close(inc["qaly"][k], r[s]["qaly"]),
              f"{tag} /summary/incremental {strategies[s]}: cost or qaly")
    nmb = table(f, "summary/nmb")
    for s in range(S):
        for j, w in enumerate(wtp):
            row = s * len(wtp) + j
            ok = int(nmb["strategy"][row]) == s and nmb["wtp"][row] == w
            check(ok and close(nmb["nmb"][row], r[s][f"nmb_{w:.17g}"])
                  and close(nmb["nmb_se"][row], r[s][f"nmb_{w:.17g}_se"]),
                  f"{tag} /summary/nmb {strategies[s]} at {w}: {nmb['nmb'][row]!r} "
                  f"± {nmb['nmb_se'][row]!r}, recomputed {r[s][f'nmb_{w:.17g}']!r}")
    for path in csvs:
        with open(path, newline="") as fh:
            rows = list(csv.DictReader(fh))
        name = os.path.basename(path)
        if not check(len(rows) == S, f"{tag} {name}: {len(rows)} rows"):
            continue
        for s, row in enumerate(rows):
            for c, want in r[s].items():
                if not check(c in row, f"{tag} {name}: no column {c}"):
                    continue
                if c in ("ce_status", "ce_vs"):
                    check(row[c] == want, f"{tag} {name} {strategies[s]}: {c} {row[c]!r}, "
                          f"recomputed {want!r}")
                elif c == "cost_rank":
                    check(row[c] == str(want), f"{tag} {name} {strategies[s]}: {c}")
                else:
                    got = math.nan if row[c] == "" else float(row[c])
                    check(close(got, want), f"{tag} {name} {strategies[s]}: {c} = {got!r}, "
                          f"recomputed {want!r}")
    return strategies, r


def econ_block(text):
    i = text.find("\neconomics per patient")
    return text[i:] if i >= 0 else None


# ---------------------------------------------------------------------------
# c. PSA


PSA_SPEC = """# economics PSA for tests/check_economics.py
parameters:
  economics.modalities.lutetium.cost_course: {dist: gamma, mean: 71500, se: 15000}
  economics.utility.post_progression: {dist: beta, mean: 0.726, se: 0.03}
  modalities.lutetium.ttp.scale: {dist: gamma, mean: 40.46, se: 6}
"""


def variance(x):
    x = np.asarray(x, dtype=np.float64)
    return float(np.var(x, ddof=1)) if len(x) > 1 else math.nan


def check_psa(nelmsim, work):
    spec = os.path.join(work, "econ-psa.yaml")
    with open(spec, "w") as fh:
        fh.write(PSA_SPEC)
    out = os.path.join(work, "psa.h5")
    p = run([nelmsim, "psa", spec, "--draws", "60", "-n", "400", "--seed", "2", "-o", out,
             "--strategy", "observation", "--strategy", "prrt_first", "--strategy",
             "ssa_transplant", "--strategy", "classic"], "(c) nelmsim psa")
    check("PSA economics: 60 draws" in p.stdout and "EVPI" in p.stdout,
          "(c) the PSA economics are not printed")
    with h5py.File(out, "r") as f:
        params = yaml.safe_load(f["parameters"].asstr()[()])
        strategies = [s for s in f["strategies/name"].asstr()[()]]
        S = len(strategies)
        d = table(f, "psa/draws")
        nd = len(d["cost"]) // S
        check(nd == 60 and len(d["cost"]) == 60 * S, f"(c) /psa/draws: {len(d['cost'])} rows")
        ge = table(f, "summary/economics")
        for c in ("cost", "qaly"):
            check(np.array_equal(d[c], ge[c]) and np.array_equal(d["scenario"], ge["scenario"]),
                  f"(c) /psa/draws/{c} differs from the stacked /summary/economics")
        lut = f["scenarios/economics.modalities.lutetium.cost_course"][()]
        check(np.std(lut) > 1000, "(c) the lutetium cost was not varied")
        C = d["cost"].reshape(nd, S)
        Q = d["qaly"].reshape(nd, S)
        HC = d["cost_half"].reshape(nd, S)
        HQ = d["qaly_half"].reshape(nd, S)
        ceac, fr = table(f, "psa/ceac"), table(f, "psa/frontier")
        e = params["economics"]
        grid = np.arange(0, math.floor(e["ceac"]["max"] / e["ceac"]["step"] + 1e-9) + 1) \
            * float(e["ceac"]["step"])
        check(np.array_equal(fr["wtp"], grid), "(c) /psa/frontier/wtp is not the grid")
        mixed = 0
        for j, w in enumerate(grid):
            nmb = w * Q - C
            win = np.argmax(nmb, axis=1)
            share = np.array([np.mean(win == i) for i in range(S)])
            mean = nmb.mean(axis=0)
            b = int(np.argmax(mean))
            evpi = max(float(np.mean(nmb.max(axis=1)) - mean[b]), 0.0)
            mixed += 0 < share.max() < 1
            scale = float(np.abs(nmb).max())
            check(int(fr["best"][j]) == b, f"(c) /psa/frontier at {w}: best {fr['best'][j]}, "
                  f"recomputed {b}")
            check(close(fr["probability"][j], share[b]) and close(fr["nmb"][j], mean[b]),
                  f"(c) /psa/frontier at {w}: probability or nmb")
            check(close(fr["evpi"][j], evpi, atol=1e-9 * scale),
                  f"(c) /psa/frontier at {w}: evpi {fr['evpi'][j]!r}, recomputed {evpi!r}")
            for i in range(S):
                row = j * S + i
                check(int(ceac["strategy"][row]) == i and ceac["wtp"][row] == w
                      and close(ceac["probability"][row], share[i]),
                      f"(c) /psa/ceac at {w} {strategies[i]}: {ceac['probability'][row]!r}, "
                      f"recomputed {share[i]!r}")
                if i == b:
                    check(math.isnan(ceac["noise"][row]), "(c) /psa/ceac noise of the best")
                    continue
                dv = nmb[:, i] - nmb[:, b]
                hv = (w * HQ[:, i] - HC[:, i]) - (w * HQ[:, b] - HC[:, b])
                vd = variance(dv)
                want = variance(hv) / vd if vd > 0 else math.nan
                check(close(ceac["noise"][row], want, rtol=1e-7),
                      f"(c) /psa/ceac noise at {w} {strategies[i]}: {ceac['noise'][row]!r}, "
                      f"recomputed {want!r}")
        check(mixed > 0, "(c) every CEAC point is 0 or 1: the test exercises nothing")
    print(f"(c) PSA of {nd} draws: CEAC, frontier, EVPI and noise at {len(grid)} points "
          f"recomputed; {mixed} with mixed shares")
    return out


# ---------------------------------------------------------------------------
# d. the plot script


def check_plots(src, work, run_h5, psa_h5, off_h5):
    script = os.path.join(src, "scripts", "plot_economics.py")
    py = sys.executable
    p = run([py, script, "--help"], "(d) plot_economics.py --help")
    check("acceptability" in p.stdout, "(d) --help says nothing of the curves")
    prefix = os.path.join(work, "fig", "e")
    run([py, script, run_h5, "-o", prefix + "run"], "(d) plot_economics.py run")
    run([py, script, psa_h5, "-o", prefix + "psa"], "(d) plot_economics.py psa")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.image as mpimg
    for name in ("run_plane", "psa_plane", "psa_ceac"):
        png, svg = f"{prefix}{name}.png", f"{prefix}{name}.svg"
        try:
            img = mpimg.imread(png)
            check(img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100
                  and float(img[..., :3].std()) > 0.01, f"(d) {png}: an empty image")
        except Exception as ex:
            check(False, f"(d) {png} does not decode: {ex}")
        try:
            root = ET.parse(svg).getroot()
            check(root.tag.endswith("svg"), f"(d) {svg}: not SVG")
        except Exception as ex:
            check(False, f"(d) {svg} does not parse: {ex}")
    p = run([py, script, off_h5, "-o", prefix + "off"], "(d) no economics", ok=(2,))
    lines = p.stderr.strip().splitlines()
    check(len(lines) == 1 and "no economics" in lines[0],
          f"(d) a file without economics: {p.stderr!r}")


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    nelmsim, work, src = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    h5 = os.path.join(work, "run.h5")
    run_csv, sum_csv = os.path.join(work, "run.csv"), os.path.join(work, "sum.csv")
    try:
        r1 = run([nelmsim, "run", "-n", str(N), "--seed", str(SEED), "--block", str(BLOCK),
                  "--trajectories", "full", "-o", h5, "--csv", run_csv, "--quiet"],
                 "nelmsim run")
        r2 = run([nelmsim, "summary", h5, "--csv", sum_csv], "nelmsim summary")
        b1, b2 = econ_block(r1.stdout), econ_block(r2.stdout)
        check(b1 is not None and b1 == b2,
              "(b) `nelmsim run` and `nelmsim summary` print different economics")
        check(b1 is not None and "incremental analysis" in b1 and "ICER" in b1,
              "(b) no incremental analysis printed")
        with h5py.File(h5, "r") as f:
            params = yaml.safe_load(f["parameters"].asstr()[()])
            check_patients(f, params)
            strategies, r = check_summaries(f, params, [run_csv, sum_csv])
            check(any(x["ce_status"] != "frontier" for x in r),
                  "(b) no strategy is dominated: the analysis is not exercised")
        print(f"(b) summaries of {len(strategies)} strategies recomputed from /outcomes")
        psa = check_psa(nelmsim, work)
        # e. economics off; a bad value
        off = os.path.join(work, "off.h5")
        off_csv = os.path.join(work, "off.csv")
        p = run([nelmsim, "run", "-n", "300", "--seed", "1", "-o", off, "--csv", off_csv,
                 "--set", "economics.enabled=false", "--quiet"], "(e) economics off")
        check("economics per patient" not in p.stdout and "QALY" not in p.stdout,
              "(e) economics printed when off")
        with h5py.File(off, "r") as f:
            for k in ("summary/economics", "summary/incremental", "summary/nmb",
                      "outcomes/qaly", "outcomes/cost", "outcomes/ly"):
                check(k not in f, f"(e) /{k} written with economics off")
        with open(off_csv) as fh:
            check("qaly" not in next(csv.reader(fh)), "(e) CSV economics columns when off")
        bad = os.path.join(work, "bad.yaml")
        with open(bad, "w") as fh:
            fh.write("include: builtin:params/nelm.yaml\neconomics:\n  utility:\n"
                     "    post_progression: 1.7\n")
        p = run([nelmsim, "check", bad], "(e) bad value", ok=(2,))
        err = p.stderr.strip().splitlines()
        check(len(err) == 1 and err[0].startswith(f"{bad}:4:23: economics.utility."
                                                   "post_progression: 1.7 is out of range"),
              f"(e) bad value: {p.stderr!r}")
        check_plots(src, work, h5, psa, off)
    except Fatal as ex:
        check(False, str(ex))
    if failures:
        for m in failures[:40]:
            print("FAIL: " + m)
        print(f"check_economics: {len(failures)} failures")
        return 1
    print("check_economics: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
