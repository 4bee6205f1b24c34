#!/usr/bin/python3
"""The MPI build (DESIGN §6): `mpirun -n 2 nelmsim run|sweep|psa` writes one
file collectively whose datasets equal a single process's (provenance
excluded), every rank simulates a non-empty share, and an error injected on
one rank (NELMSIM_INJECT_FAULT=POINT:RANK) fails the whole job cleanly: one
error line, the same non-zero exit, no output file, no hang.

    check_mpi.py NELMSIM MPIEXEC WORKDIR SCENARIO_DATA_DIR
"""
import os
import shutil
import signal
import subprocess
import sys
import time

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
import h5compare  # noqa: E402

nelmsim, mpiexec, work, data = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
os.chdir(work)
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
env.pop("NELMSIM_INJECT_FAULT", None)
failures = []


def differ(a, b):
    """None when files a and b agree dataset by dataset, else the first difference"""
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        return h5compare.compare(fa, fb, a, b)


def mpi(n, args, extra_env=None, timeout=300):
    e = dict(env)
    e.update(extra_env or {})
    return subprocess.run([mpiexec, "--oversubscribe", "-n", str(n), nelmsim] + args,
                          capture_output=True, text=True, env=e, timeout=timeout)


def single(args):
    return subprocess.run([nelmsim] + args, capture_output=True, text=True, env=env,
                          timeout=300)


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def table(out, name):
    """stdout without the line naming the output file"""
    return [l for l in out.splitlines() if not l.startswith("output ")]


def same(kind, args, out1, out2, attr, total):
    a = single(args + ["-o", out1])
    b = mpi(2, args + ["-o", out2])
    check(a.returncode == 0 and b.returncode == 0,
          f"{kind}: single and 2 ranks exit 0 ({a.returncode}, {b.returncode}) {b.stderr[-300:]}")
    if a.returncode or b.returncode:
        return
    check(table(a.stdout, out1) == table(b.stdout, out2), f"{kind}: the printed tables agree")
    d = differ(out1, out2)
    check(d is None, f"{kind}: datasets agree ({d})")
    with h5py.File(out2) as f:
        share = [int(x) for x in f.attrs[attr]]
        check(int(f.attrs["ranks"]) == 2, f"{kind}: ranks = 2")
    check(len(share) == 2 and all(s > 0 for s in share) and sum(share) == total,
          f"{kind}: every rank did a non-empty share {share} of {total}")


# a single big run: more blocks than a wave, every event, compressed
same("run", ["run", "--seed", "11", "-n", "60000", "--trajectories", "full", "--quiet"],
     "run1.h5", "run2.h5", "rank_patients", 60000)
# uncompressed, outcomes only, an odd size (the last wave is partial)
same("run (raw)", ["run", "--seed", "12", "-n", "20001", "--trajectories", "outcomes",
                   "--compression", "none", "--quiet"], "raw1.h5", "raw2.h5", "rank_patients",
     20001)
# summaries only: no file, the same table
a = single(["run", "--seed", "13", "-n", "30000", "--quiet"])
b = mpi(2, ["run", "--seed", "13", "-n", "30000", "--quiet"])
check(a.returncode == 0 and b.returncode == 0 and a.stdout == b.stdout,
      "run without output: the same summary table on 1 process and 2 ranks")
# a sweep with per-patient tables, and a PSA (odd number of draws)
same("sweep", ["sweep", os.path.join(data, "sweep.yaml"), "-n", "3000", "--seed", "4",
               "--trajectories", "outcomes"], "sweep1.h5", "sweep2.h5", "rank_scenarios", 6)
same("psa", ["psa", os.path.join(data, "psa.yaml"), "--draws", "7", "-n", "1000", "--seed",
             "4"], "psa1.h5", "psa2.h5", "rank_scenarios", 7)
# three ranks on a sweep: rounds with an idle rank
r3 = mpi(3, ["sweep", os.path.join(data, "sweep.yaml"), "-n", "3000", "--seed", "4",
             "--trajectories", "outcomes", "-o", "sweep3.h5"])
check(r3.returncode == 0 and differ("sweep1.h5", "sweep3.h5") is None,
      "sweep on 3 ranks == single process")


def ours(stderr):
    """our lines on stderr (mpirun adds its own banner after a failure)"""
    return [l for l in stderr.splitlines() if l.startswith(("nelmsim", "block", "/", "f.h5"))
            or "injected" in l or "interrupted" in l]


def leftovers(prefix):
    return sorted(p for p in os.listdir(".") if p.startswith(prefix))


# injected faults: every point, on rank 1 and on rank 0
for point, code in [("block", 2), ("write", 3), ("close", 3)]:
    for rank in (1, 0):
        t0 = time.time()
        r = mpi(2, ["run", "--seed", "3", "-n", "30000", "--trajectories", "full", "-o",
                    "fault.h5", "--quiet"], {"NELMSIM_INJECT_FAULT": f"{point}:{rank}"},
                timeout=120)
        lines = ours(r.stderr)
        check(r.returncode == code and len(lines) == 1 and "injected" in lines[0]
              and not leftovers("fault.h5"),
              f"fault {point} on rank {rank}: exit {r.returncode} (want {code}) in "
              f"{time.time() - t0:.1f} s, {lines}, files {leftovers('fault.h5')}")
r = mpi(2, ["sweep", os.path.join(data, "sweep.yaml"), "-n", "3000", "--seed", "4", "-o",
            "fsweep.h5"], {"NELMSIM_INJECT_FAULT": "block:1"}, timeout=120)
check(r.returncode == 2 and len(ours(r.stderr)) == 1 and not leftovers("fsweep.h5"),
      f"fault in a sweep's scenario on rank 1: exit {r.returncode}, {ours(r.stderr)}")

# SIGTERM to the ranks (as scancel sends it): 143, no file, no hang
e = dict(env)
p = subprocess.Popen([mpiexec, "--oversubscribe", "-n", "2", nelmsim, "run", "--seed", "3", "-n",
                      "3000000", "--trajectories", "full", "-o", "term.h5", "--quiet"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=e)
time.sleep(3)
subprocess.run(["pkill", "-TERM", "-f", f"^{nelmsim} run --seed 3 -n 3000000"])
try:
    _, err = p.communicate(timeout=120)
    check(p.returncode == 143 and "interrupted" in err and not leftovers("term.h5"),
          f"SIGTERM to the ranks: exit {p.returncode}, files {leftovers('term.h5')}")
except subprocess.TimeoutExpired:
    p.kill()
    check(False, "SIGTERM to the ranks: the job hung")

# usage errors are one line from rank 0, and the same exit on every rank
r = mpi(2, ["run", "--bogus"])
check(r.returncode == 1 and len(ours(r.stderr)) == 1, f"usage error: exit {r.returncode}")
r = mpi(2, ["check"])
check(r.returncode == 0 and r.stdout.count("ok") <= r.stdout.count("\n") + 1,
      "check runs on rank 0 alone")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
