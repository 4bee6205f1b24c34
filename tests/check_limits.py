#!/usr/bin/python3
"""The documented caps (README "Limits"): each one is accepted at the cap and
refused one past it with one clear error line (exit 1 for options, 2 for
files); and runs at the cap index correctly — patient indices near 10^8, a
sweep's scenario 999,999 of 10^6 — with row counts and offsets consistent
(no overflow in counts or offsets).

    check_limits.py NELMSIM WORKDIR
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

nelmsim, work = sys.argv[1:3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
os.chdir(work)
failures = []

INC = ("include: [builtin:params/nelm/cohort.yaml, builtin:params/nelm/disease.yaml, "
       "builtin:params/nelm/modalities.yaml]\n")
DRUGS = ["lanreotide", "everolimus", "lutetium", "sunitinib"]


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(args, timeout=300):
    return subprocess.run([nelmsim] + args, capture_output=True, text=True, timeout=timeout)


def refused(r, code, needle, what):
    lines = r.stderr.strip().splitlines()
    check(r.returncode == code and len(lines) == 1 and needle in lines[0] and not r.stdout,
          f"{what}: exit {r.returncode} (want {code}), {lines}")


def model(nstrat, nlines):
    s = INC + "strategies:\n"
    for i in range(nstrat):
        s += f"  s{i}:\n    lines:\n"
        for k in range(nlines):
            s += f"      - use: {DRUGS[k % 4]}\n"
    return s


# strategies and lines per strategy: 24 and 12
for name, text, ok, needle in [
        ("24 strategies", model(24, 2), True, ""),
        ("25 strategies", model(25, 2), False, "25 entries (at most 24)"),
        ("12 lines", model(1, 12), True, ""),
        ("13 lines", model(1, 13), False, "13 lines (at most 12)")]:
    f = name.replace(" ", "_") + ".yaml"
    open(f, "w").write(text)
    r = run(["check", f])
    if ok:
        check(r.returncode == 0, f"{name}: accepted ({r.stderr.strip()})")
    else:
        refused(r, 2, needle, name)
# modality instances: 24 (the built-in modalities plus observation copies)
# and population filters: 16
def modalities(extra):
    s = INC + "modalities:\n"
    for i in range(extra):
        s += (f"  obs{i}:\n    kind: observation\n    source: \"modelling choice: a limit test\"\n"
              "    ttp: {dist: weibull, shape: 1.658, scale: 23.06, time_unit: months}\n")
    return s + "strategies:\n  a:\n    lines:\n      - use: obs0\n"


def filters(n):
    s = INC + "cohort:\n  filters:\n"
    for i in range(n):
        s += f"    - {{attribute: ki67, max: {90 - i}}}\n"
    return s + "strategies:\n  a:\n    lines:\n      - use: lanreotide\n"


open("probe.yaml", "w").write(modalities(40))  # "modalities: N entries": N - 40 built in
probe = run(["check", "probe.yaml"]).stderr
builtin = int(probe.split("modalities: ")[1].split(" entries")[0]) - 40
for name, text, ok, needle in [
        ("24 instances", modalities(24 - builtin), True, ""),
        ("25 instances", modalities(25 - builtin), False, "25 entries (at most 24)"),
        ("16 filters", filters(16), True, ""),
        ("17 filters", filters(17), False, "17 filters (at most 16)")]:
    f = name.replace(" ", "_") + ".yaml"
    open(f, "w").write(text)
    r = run(["check", f])
    if ok:
        check(r.returncode == 0, f"{name}: accepted ({r.stderr.strip()})")
    else:
        refused(r, 2, needle, name)

# a run with 24 strategies of 12 lines: the widest outcome rows
open("wide.yaml", "w").write(model(24, 12))
r = run(["run", "wide.yaml", "-n", "500", "--seed", "3", "-o", "wide.h5", "--quiet",
         "--trajectories", "full"])
check(r.returncode == 0, f"24 strategies x 12 lines run ({r.stderr.strip()[:200]})")
if r.returncode == 0:
    with h5py.File("wide.h5") as h:
        o = h["outcomes"]
        check(o["patient"].shape[0] == 500 * 24, "24 strategies: 500 x 24 outcome rows")
        check(int(o["lines"][:].max()) <= 12, "at most 12 lines per patient-strategy")
        lf, ln = o["line_first"][:], o["lines"][:].astype(np.uint64)
        check(np.all(lf[1:] == lf[:-1] + ln[:-1]) and lf[-1] + ln[-1] == h["lines/start"].shape[0],
              "line_first offsets consecutive and ending at /lines' rows")

# patients: 10^8 (the last block of a 10^8-patient run, by sharding it)
refused(run(["run", "-n", "100000001"]), 1, "from 1 to 100000000", "-n 100000001")
nblocks = (100000000 + 4095) // 4096
r = run(["run", "-n", "100000000", "--seed", "1", "--shard", f"{nblocks}/{nblocks}", "-o",
         "near.h5", "--trajectories", "full", "--quiet"])
check(r.returncode == 0, f"the last block of 10^8 patients runs ({r.stderr.strip()[:200]})")
if r.returncode == 0:
    with h5py.File("near.h5") as h:
        p = h["patients/patient"][:]
        check(p[0] == 99999744 and p[-1] == 99999999 and len(p) == 256,
              f"patients 99999744..99999999 ({p[0]}..{p[-1]}, {len(p)})")
        o = h["outcomes"]
        ef, ec = o["event_first"][:], o["event_count"][:].astype(np.uint64)
        check(np.all(ef[1:] == ef[:-1] + ec[:-1]) and ef[-1] + ec[-1] == h["events/time"].shape[0],
              "event_first offsets consecutive and ending at /events' rows")
        check(int(h.attrs["patients_total"]) == 100000000 and int(h.attrs["first_patient"])
              == 99999744, "patients_total and first_patient attributes")
        t = h["events/time"][:]
        check(np.all(np.isfinite(t)) and t.min() >= 0, "event times finite and >= 0")
    # the same patients again give the same file (keys near the cap are not truncated)
    r2 = run(["run", "-n", "100000000", "--seed", "1", "--shard", f"{nblocks}/{nblocks}", "-o",
              "near2.h5", "--trajectories", "full", "--quiet", "--threads", "1"])
    with h5py.File("near.h5") as a, h5py.File("near2.h5") as b:
        check(r2.returncode == 0 and np.array_equal(a["outcomes/os"][:], b["outcomes/os"][:]),
              "near the cap: the same outcomes at 1 thread")
    # and they are not the first block's patients
    r3 = run(["run", "-n", "100000000", "--seed", "1", "--shard", f"1/{nblocks}", "-o",
              "first.h5", "--trajectories", "outcomes", "--quiet"])
    with h5py.File("near.h5") as a, h5py.File("first.h5") as b:
        check(r3.returncode == 0 and not np.array_equal(a["outcomes/os"][:256],
                                                        b["outcomes/os"][:256]),
              "patients near 10^8 differ from patients 0..255")

# block size: 2^20
refused(run(["run", "-n", "10", "--block", "1048577"]), 1, "1048576", "--block 1048577")
r = run(["run", "-n", "1000", "--block", "1048576", "--seed", "2", "--quiet"])
check(r.returncode == 0, "--block 1048576 accepted")

# scenarios: 10^6 (grid 1000 x 1000), the last one run through its shard
vals = ", ".join(f"{50 + i / 1000:.3f}" for i in range(1000))
open("million.yaml", "w").write(
    f"grid:\n  cohort.age.mean: [{vals}]\n  horizon.months: [{', '.join(str(600 + i) for i in range(1000))}]\n")
r = run(["sweep", "million.yaml", "-n", "50", "--seed", "4", "--shard", "1000000/1000000",
         "-o", "last.h5"], timeout=600)
check(r.returncode == 0 and "999999" in r.stdout, f"the 10^6th scenario runs ({r.stderr[:200]})")
if r.returncode == 0:
    with h5py.File("last.h5") as h:
        s = h["scenarios"]
        check(int(s["scenario"][0]) == 999999 and abs(s["cohort.age.mean"][0] - 50.999) < 1e-12
              and s["horizon.months"][0] == 1599, "scenario 999999 has the last grid values")
        check(int(h["summary/strategies/scenario"][0]) == 999999, "its summary rows say 999999")
open("million1.yaml", "w").write(
    f"grid:\n  cohort.age.mean: [{vals}]\n  horizon.months: [{', '.join(str(600 + i) for i in range(1001))}]\n")
refused(run(["sweep", "million1.yaml", "-n", "50", "--seed", "4"]), 2, "more than 1000000",
        "a grid of 1,001,000 scenarios")
refused(run(["psa", os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                                 "scenarios", "psa.yaml"), "--draws", "1000001", "-n", "10"]),
        1, "1000000", "--draws 1000001")

# --set options: 256
sets = []
for i in range(257):
    sets += ["--set", "cohort.age.mean=60"]
refused(run(["check"] + sets), 1, "256", "257 --set options")
r = run(["check"] + sets[:512])
check(r.returncode == 0, f"256 --set options accepted ({r.stderr.strip()[:200]})")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
