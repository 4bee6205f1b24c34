#!/usr/bin/python3
"""Sweeps, PSA, shards and merge, end to end (DESIGN §4-§6).

    /usr/bin/python3 tests/check_scenarios.py NELMSIM WORKDIR DATADIR

DATADIR is tests/data/scenarios. Checks:
  (a) every bad spec in DATADIR/bad gives exactly the error line of
      expected-errors.tsv, exit 2, nothing on stdout, no file;
  (b) usage errors exit 1;
  (c) a sweep in 4 shards, merged, equals the single run dataset by dataset
      (scripts/h5compare.py: provenance excluded); shards given in any order;
  (d) a killed shard leaves no finished file and is redone (SIGINT: exit 130,
      no file at all); a complete one is
      skipped; a stale one (other parameters) is refused by the run and by
      merge; a missing one is named by merge;
  (e) PSA: draw k is the same whatever the number of draws and whatever
      other parameters the spec has; threads do not change anything; two
      shards merged equal the single run;
  (g) a sweep keeping per-patient tables (--trajectories full): a scenario
      column, row indices into /lines and /events across scenarios, mean OS
      per scenario and strategy from /outcomes equal to the summary; 2 shards
      merged equal the single run;
  (h) a sweep over a named value: an enum column, equal points equal;
  (f) one big run in 3 shards of patient blocks (every event kept), merged,
      equals the single run, summaries included (recomputed from the
      per-patient outcomes); `nelmsim summary` reads the merged file; a
      complete shard is skipped; shards need -o, --seed and per-patient output.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

FAILS = []


def check(ok, what):
    if not ok:
        FAILS.append(what)
        print("FAIL:", what)


def run(args, cwd, timeout=600):
    p = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def h5compare(a, b):
    here = os.path.dirname(os.path.abspath(__file__))
    tool = os.path.join(here, "..", "scripts", "h5compare.py")
    p = subprocess.run([sys.executable, tool, a, b], capture_output=True, text=True)
    return p.returncode == 0, (p.stdout + p.stderr).strip()


def table(path, name):
    with h5py.File(path, "r") as f:
        g = f[name]
        return {k: g[k][:] for k in g}


def bad_specs(nelmsim, data, work):
    rows = 0
    with open(os.path.join(data, "expected-errors.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cmd, spec, expected = line.split("\t")
            rows += 1
            extra = ["--draws", "200"] if cmd == "psa" else []
            rc, out, err = run([nelmsim, cmd, os.path.join("bad", spec), "-n", "20", "--seed",
                                "1", "-q", "-o", os.path.join(work, "bad.h5")] + extra, data,
                               timeout=60)
            check(rc == 2, f"(a) {spec}: exit {rc}, expected 2 ({err.strip()})")
            check(out == "", f"(a) {spec}: printed on stdout: {out!r}")
            check(err == expected + "\n", f"(a) {spec}:\n  expected: {expected}\n  got:      "
                  f"{err.strip()}")
            check(not os.path.exists(os.path.join(work, "bad.h5")), f"(a) {spec}: left a file")
            check(not [p for p in os.listdir(work) if p.startswith("bad.h5.part")],
                  f"(a) {spec}: left a temporary file")
    check(rows >= 25, f"(a) only {rows} bad specs")
    print(f"(a) {rows} bad specs")


def usage(nelmsim, data):
    sweep = os.path.join(data, "sweep.yaml")
    psa = os.path.join(data, "psa.yaml")
    for args in ([nelmsim, "psa", psa, "-n", "10"],
                 [nelmsim, "sweep", sweep, "--shard", "0/2", "-o", "x.h5", "--seed", "1"],
                 [nelmsim, "sweep", sweep, "--shard", "3/2", "-o", "x.h5", "--seed", "1"],
                 [nelmsim, "sweep", sweep, "--shard", "1/2", "--seed", "1"],
                 [nelmsim, "sweep", sweep, "--shard", "1/2", "-o", "x.h5"],
                 [nelmsim, "sweep", sweep, "--shard", "1/7", "-o", "x.h5", "--seed", "1"],
                 [nelmsim, "sweep", sweep, "--bogus"],
                 [nelmsim, "merge", "-o", "x.h5"],
                 [nelmsim, "sweep"]):
        rc, out, err = run(args, data)
        check(rc == 1, f"(b) {' '.join(args[1:])}: exit {rc}, expected 1 ({err.strip()})")
        check(len(err.strip().splitlines()) >= 1, f"(b) {' '.join(args[1:])}: no message")


def shards(nelmsim, data, work):
    spec = os.path.join(data, "sweep.yaml")
    base = [nelmsim, "sweep", spec, "-n", "30000", "--seed", "11", "-q", "--strategy", "classic",
            "--strategy", "prrt_first", "--strategy", "observation"]
    single = os.path.join(work, "single.h5")
    rc, out, err = run(base + ["-o", single], work)
    check(rc == 0, f"(c) single sweep: exit {rc} {err}")
    files = [os.path.join(work, f"shard{i}.h5") for i in range(1, 5)]
    # shard 2 is killed first (a big one, so that it is still running): no
    # finished file, then it is redone
    big = base[:]
    big[big.index("30000")] = "3000000"
    p = subprocess.Popen(big + ["--shard", "2/4", "-o", files[1]], cwd=work)
    time.sleep(0.5)
    p.send_signal(signal.SIGKILL)
    p.wait()
    check(p.returncode == -signal.SIGKILL, "(d) the shard to kill had finished already")
    check(not os.path.exists(files[1]), "(d) a killed shard left a finished-looking file")
    # SIGINT stops a sweep cleanly: exit 130 and no file at all
    p = subprocess.Popen(big + ["-o", os.path.join(work, "int.h5")], cwd=work,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    p.wait(timeout=120)
    check(p.returncode == 130, f"(d) SIGINT during a sweep: exit {p.returncode}, expected 130")
    check(not [f for f in os.listdir(work) if f.startswith("int.h5")],
          "(d) an interrupted sweep left a file")
    for i, f in enumerate(files):
        rc, out, err = run(base + ["--shard", f"{i + 1}/4", "-o", f], work)
        check(rc == 0, f"(c) shard {i + 1}/4: exit {rc} {err}")
    # a complete shard is skipped, untouched
    before = os.stat(files[0]).st_mtime_ns
    rc, out, err = run(base + ["--shard", "1/4", "-o", files[0]], work)
    check(rc == 0 and "already complete" in out, f"(d) complete shard not skipped: {rc} {out}")
    check(os.stat(files[0]).st_mtime_ns == before, "(d) a complete shard was rewritten")
    merged = os.path.join(work, "merged.h5")
    rc, out, err = run([nelmsim, "merge", files[2], files[0], files[3], files[1], "-o", merged],
                       work)
    check(rc == 0, f"(c) merge: exit {rc} {err}")
    ok, msg = h5compare(single, merged)
    check(ok, f"(c) merged != single: {msg}")
    with h5py.File(merged, "r") as f:
        check(len(f["scenarios/scenario"]) == 6, "(c) merged file does not have 6 scenarios")
    # stale: another run's shard in place of shard 3
    stale = base[:]
    stale[stale.index("30000")] = "29999"
    rc, out, err = run(stale + ["--shard", "3/4", "-o", files[2]], work)
    check(rc == 3 and "another run" in err, f"(d) stale shard not refused by the run: {rc} {err}")
    other = os.path.join(work, "other3.h5")
    rc, out, err = run(stale + ["--shard", "3/4", "-o", other], work)
    check(rc == 0, f"(d) other run's shard: exit {rc} {err}")
    rc, out, err = run([nelmsim, "merge", files[0], files[1], other, files[3], "-o",
                        os.path.join(work, "m2.h5")], work)
    check(rc == 2 and "fingerprint" in err, f"(d) merge took a stale shard: {rc} {err}")
    rc, out, err = run([nelmsim, "merge", files[0], files[1], files[3], "-o",
                        os.path.join(work, "m3.h5")], work)
    check(rc == 2 and "missing: 3/4" in err, f"(d) merge of 3 of 4: {rc} {err}")
    rc, out, err = run([nelmsim, "merge", files[0], files[1], files[1], files[3], "-o",
                        os.path.join(work, "m4.h5")], work)
    check(rc == 2 and "twice" in err, f"(d) merge with a shard twice: {rc} {err}")
    for m in ("m2.h5", "m3.h5", "m4.h5"):
        check(not os.path.exists(os.path.join(work, m)), f"(d) failed merge left {m}")
    rc, out, err = run([nelmsim, "merge", spec, "-o", os.path.join(work, "m5.h5")], work)
    check(rc == 3 and "HDF5" in err, f"(d) merge of a text file: {rc} {err}")


def psa(nelmsim, data, work):
    spec = os.path.join(data, "psa.yaml")
    spec2 = os.path.join(data, "psa-more.yaml")
    base = [nelmsim, "psa", "-n", "3000", "--seed", "5", "-q", "--strategy", "classic",
            "--strategy", "observation"]
    a, b, c, d = (os.path.join(work, f"psa{x}.h5") for x in "abcd")
    for out, sp, k, extra in ((a, spec, "3", []), (b, spec, "5", []), (c, spec2, "3", []),
                              (d, spec, "5", ["--threads", "1"])):
        rc, o, err = run(base[:2] + [sp] + base[2:] + ["--draws", k, "-o", out] + extra, work)
        check(rc == 0, f"(e) psa {os.path.basename(sp)} --draws {k}: exit {rc} {err}")
    ta, tb, tc = table(a, "scenarios"), table(b, "scenarios"), table(c, "scenarios")
    for k in ta:
        check(np.array_equal(ta[k], tb[k][:3]),
              f"(e) draws 0-2 of {k} change with the number of draws")
        check(k in tc and np.array_equal(ta[k], tc[k]),
              f"(e) draws of {k} change when the spec has another parameter")
    check(len(tb["scenario"]) == 5, "(e) --draws 5 did not give 5 rows")
    sa, sb = table(a, "summary/strategies"), table(b, "summary/strategies")
    n = len(sa["mean_os"])
    check(np.array_equal(sa["mean_os"], sb["mean_os"][:n]),
          "(e) the first draws' results change with the number of draws")
    ok, msg = h5compare(b, d)
    check(ok, f"(e) PSA differs between default threads and --threads 1: {msg}")
    s1, s2 = os.path.join(work, "psa-s1.h5"), os.path.join(work, "psa-s2.h5")
    for i, f in enumerate((s1, s2)):
        rc, o, err = run(base[:2] + [spec] + base[2:] +
                         ["--draws", "5", "--shard", f"{i + 1}/2", "-o", f], work)
        check(rc == 0, f"(e) psa shard {i + 1}/2: exit {rc} {err}")
    m = os.path.join(work, "psa-merged.h5")
    rc, o, err = run([nelmsim, "merge", s2, s1, "-o", m], work)
    check(rc == 0, f"(e) psa merge: exit {rc} {err}")
    ok, msg = h5compare(b, m)
    check(ok, f"(e) merged PSA != single: {msg}")


def sweep_patients(nelmsim, data, work):
    spec = os.path.join(data, "sweep.yaml")
    base = [nelmsim, "sweep", spec, "-n", "2000", "--seed", "3", "-q", "--trajectories", "full",
            "--strategy", "classic", "--strategy", "observation"]
    single = os.path.join(work, "sweep-full.h5")
    rc, out, err = run(base + ["-o", single], work)
    check(rc == 0, f"(g) sweep --trajectories full: exit {rc} {err}")
    with h5py.File(single, "r") as f:
        o = {k: f["outcomes"][k][:] for k in ("scenario", "strategy", "os", "line_first",
                                              "lines", "event_first", "event_count")}
        nlines, nev = len(f["lines/patient"]), len(f["events/patient"])
        summ = {k: f["summary/strategies"][k][:] for k in ("scenario", "strategy", "mean_os")}
        lscen = f["lines/scenario"][:]
    check(len(o["os"]) == 6 * 2000 * 2, f"(g) {len(o['os'])} outcome rows, expected 24000")
    check(np.array_equal(np.unique(o["scenario"]), np.arange(6)), "(g) scenario column")
    check(o["line_first"][-1] + o["lines"][-1] == nlines, "(g) line_first does not span /lines")
    check(o["event_first"][-1] + o["event_count"][-1] == nev,
          "(g) event_first does not span /events")
    check(np.array_equal(lscen[o["line_first"][o["lines"] > 0]], o["scenario"][o["lines"] > 0]),
          "(g) a row's lines belong to another scenario")
    for sc, st, m in zip(summ["scenario"], summ["strategy"], summ["mean_os"]):
        sel = (o["scenario"] == sc) & (o["strategy"] == st)
        check(abs(o["os"][sel].mean() - m) <= 1e-9 * max(1.0, abs(m)),
              f"(g) scenario {sc} strategy {st}: mean of /outcomes/os != summary mean_os")
    files = [os.path.join(work, f"sweep-full{i}.h5") for i in (1, 2)]
    for i, f in enumerate(files):
        rc, out, err = run(base + ["--shard", f"{i + 1}/2", "-o", f], work)
        check(rc == 0, f"(g) shard {i + 1}/2: exit {rc} {err}")
    merged = os.path.join(work, "sweep-full-merged.h5")
    rc, out, err = run([nelmsim, "merge", files[1], files[0], "-o", merged], work)
    check(rc == 0, f"(g) merge: exit {rc} {err}")
    ok, msg = h5compare(single, merged)
    check(ok, f"(g) merged sweep with per-patient tables != single: {msg}")


def sweep_names(nelmsim, data, work):
    out = os.path.join(work, "names.h5")
    rc, o, err = run([nelmsim, "sweep", os.path.join(data, "sweep-names.yaml"), "-n", "500",
                      "--seed", "1", "-q", "--strategy", "classic", "-o", out], work)
    check(rc == 0, f"(h) sweep over names: exit {rc} {err}")
    with h5py.File(out, "r") as f:
        d = f["scenarios/strategies.classic.lines[0].if_ineligible"]
        levels = h5py.check_enum_dtype(d.dtype)
        check(levels == {"skip": 0, "stop": 1}, f"(h) enum levels {levels}")
        check(list(d[:]) == [0, 0, 1, 1, 0, 0], f"(h) levels by scenario {list(d[:])}")
        m = f["summary/strategies/mean_os"][:]
    check(m[0] == m[4] and m[1] == m[5] and m[0] != m[2], f"(h) mean OS by scenario {m}")


def run_shards(nelmsim, work):
    base = [nelmsim, "run", "-n", "20000", "--seed", "9", "--block", "1024", "-q",
            "--trajectories", "full"]
    single = os.path.join(work, "run-single.h5")
    rc, out, err = run(base + ["-o", single], work)
    check(rc == 0, f"(f) single run: exit {rc} {err}")
    files = [os.path.join(work, f"run-shard{i}.h5") for i in range(1, 4)]
    for i, f in enumerate(files):
        rc, out, err = run(base + ["--shard", f"{i + 1}/3", "-o", f], work)
        check(rc == 0, f"(f) run shard {i + 1}/3: exit {rc} {err}")
    with h5py.File(files[1], "r") as f:
        # 20 blocks in 3 shards: blocks 0-5, 6-12, 13-19
        check(int(f.attrs["first_patient"]) == 6 * 1024 and int(f.attrs["patients"]) == 7 * 1024,
              "(f) shard 2/3 of 20 blocks is not blocks 6 to 12")
    rc, out, err = run(base + ["--shard", "3/3", "-o", files[2]], work)
    check(rc == 0 and "already complete" in out, f"(f) complete run shard not skipped: {out}")
    merged = os.path.join(work, "run-merged.h5")
    rc, out, err = run([nelmsim, "merge", files[1], files[2], files[0], "-o", merged], work)
    check(rc == 0, f"(f) merge of run shards: exit {rc} {err}")
    ok, msg = h5compare(single, merged)
    check(ok, f"(f) merged run != single run: {msg}")
    rc1, out1, _ = run([nelmsim, "summary", single], work)
    rc2, out2, _ = run([nelmsim, "summary", merged], work)
    check(rc1 == 0 and rc2 == 0 and out1.split("\n", 1)[1] == out2.split("\n", 1)[1],
          "(f) nelmsim summary differs between the merged and the single run")
    for extra in (["--shard", "1/3"],  # no -o
                  ["--shard", "1/3", "-o", "x.h5", "--trajectories", "none"],
                  ["--shard", "1/30", "-o", "x.h5"]):  # more shards than blocks
        rc, out, err = run(base + extra, work)
        check(rc == 1, f"(f) run {' '.join(extra)}: exit {rc}, expected 1 ({err.strip()})")
    rc, out, err = run([nelmsim, "run", "-n", "100", "-q", "--shard", "1/2", "-o", "y.h5"], work)
    check(rc == 1, f"(f) run --shard without --seed: exit {rc}")


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    nelmsim = os.path.abspath(sys.argv[1])
    work, data = os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    bad_specs(nelmsim, data, work)
    usage(nelmsim, data)
    shards(nelmsim, data, work)
    psa(nelmsim, data, work)
    sweep_patients(nelmsim, data, work)
    sweep_names(nelmsim, data, work)
    run_shards(nelmsim, work)
    if FAILS:
        print(f"check_scenarios: {len(FAILS)} failures")
        return 1
    print("check_scenarios: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
