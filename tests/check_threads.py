#!/usr/bin/python3
"""Run files are bit-identical for any number of threads (DESIGN §6, §12).

    /usr/bin/python3 tests/check_threads.py NELMSIM WORKDIR

Runs the built-in model with --trajectories full, --block 256 and -n 2700
(ten full blocks and a partial eleventh, so waves of 2 x threads blocks end
at different places for every thread count) with --threads 1, 2, 3 and 8,
each in its own directory WORKDIR/threadsT with the same relative output
name, so that their printed tables must be identical byte for byte. Then
compares the four files recursively: the same groups and datasets; for each
dataset the same shape, type (enum names included), chunking and filters,
the same values bit for bit (floats compared as raw bytes, NaN included) and
the same stored (compressed) chunks; the same attributes on every dataset
and group except the root group, whose attributes are provenance (threads,
created, command_line). The economics tables and columns must be there (the
built-in model has economics), so that they are among what is compared.
Exit 0 when all agree, 1 naming the first difference, 2 on bad usage.
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

N = 2700  # 10 full blocks of 256 and one of 140
BLOCK = 256
THREADS = (1, 2, 3, 8)


class Differ(Exception):
    pass


def attrs_equal(a, b, where):
    ka, kb = sorted(a.attrs.keys()), sorted(b.attrs.keys())
    if ka != kb:
        raise Differ(f"{where}: attributes {ka} vs {kb}")
    for k in ka:
        va, vb = a.attrs[k], b.attrs[k]
        ba = np.asarray(va)
        bb = np.asarray(vb)
        if ba.dtype != bb.dtype or ba.shape != bb.shape:
            raise Differ(f"{where}: attribute {k}: {ba.dtype}{ba.shape} vs {bb.dtype}{bb.shape}")
        if ba.dtype.kind == "O" or ba.dtype.kind in "US":
            if ba.tolist() != bb.tolist():
                raise Differ(f"{where}: attribute {k}: {va!r} vs {vb!r}")
        elif ba.tobytes() != bb.tobytes():
            raise Differ(f"{where}: attribute {k}: {va!r} vs {vb!r}")


def dtype_desc(ds):
    t = ds.id.get_type()
    return (ds.dtype.str, t.get_class(), t.get_size(), h5py.check_enum_dtype(ds.dtype),
            h5py.check_string_dtype(ds.dtype))


def datasets_equal(a, b, where):
    if a.shape != b.shape:
        raise Differ(f"{where}: shape {a.shape} vs {b.shape}")
    if dtype_desc(a) != dtype_desc(b):
        raise Differ(f"{where}: type {dtype_desc(a)} vs {dtype_desc(b)}")
    layout_a = (a.chunks, a.compression, a.compression_opts, a.shuffle, a.maxshape)
    layout_b = (b.chunks, b.compression, b.compression_opts, b.shuffle, b.maxshape)
    if layout_a != layout_b:
        raise Differ(f"{where}: layout {layout_a} vs {layout_b}")
    va, vb = a[()], b[()]
    if isinstance(va, np.ndarray) and va.dtype.kind != "O":
        if va.tobytes() != vb.tobytes():
            diff = np.nonzero(va.view(np.uint8).reshape(len(va), -1)
                              != vb.view(np.uint8).reshape(len(vb), -1))[0] \
                if va.ndim == 1 and len(va) else []
            at = f" (first at row {diff[0]}: {va[diff[0]]!r} vs {vb[diff[0]]!r})" \
                if len(diff) else ""
            raise Differ(f"{where}: values differ{at}")
    else:
        la = va.tolist() if isinstance(va, np.ndarray) else va
        lb = vb.tolist() if isinstance(vb, np.ndarray) else vb
        if la != lb:
            raise Differ(f"{where}: values differ")
    if a.chunks is not None:
        na, nb = a.id.get_num_chunks(), b.id.get_num_chunks()
        if na != nb:
            raise Differ(f"{where}: {na} vs {nb} stored chunks")
        for i in range(na):
            ia = a.id.get_chunk_info(i)
            ib = b.id.get_chunk_info(i)
            if ia.chunk_offset != ib.chunk_offset or ia.size != ib.size:
                raise Differ(f"{where}: stored chunk {i}: offset/size {ia.chunk_offset}/"
                             f"{ia.size} vs {ib.chunk_offset}/{ib.size}")
            ma, ca = a.id.read_direct_chunk(ia.chunk_offset)
            mb, cb = b.id.read_direct_chunk(ib.chunk_offset)
            if ma != mb or ca != cb:
                raise Differ(f"{where}: stored (compressed) chunk {i} differs")
    attrs_equal(a, b, where)


def groups_equal(a, b, where):
    if where != "/":
        attrs_equal(a, b, where)
    ka, kb = sorted(a.keys()), sorted(b.keys())
    if ka != kb:
        raise Differ(f"{where}: members {ka} vs {kb}")
    for k in ka:
        path = where.rstrip("/") + "/" + k
        oa, ob = a[k], b[k]
        if isinstance(oa, h5py.Group) != isinstance(ob, h5py.Group):
            raise Differ(f"{path}: a group in one file and a dataset in the other")
        if isinstance(oa, h5py.Group):
            groups_equal(oa, ob, path)
        else:
            datasets_equal(oa, ob, path)


def main():
    if len(sys.argv) != 3:
        print("usage: check_threads.py NELMSIM WORKDIR", file=sys.stderr)
        return 2
    nelmsim, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)  # nothing left by an earlier, aborted run
    outs = {}
    for t in THREADS:
        d = os.path.join(work, f"threads{t}")
        os.makedirs(d, exist_ok=True)
        cmd = [nelmsim, "run", "-n", str(N), "--seed", "7", "--block", str(BLOCK),
               "--trajectories", "full", "--threads", str(t), "-o", "run.h5", "--force",
               "--quiet"]
        try:
            p = subprocess.run(cmd, cwd=d, capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            print(f"FAIL: --threads {t}: did not finish in 600 s")
            return 1
        if p.returncode != 0:
            print(f"FAIL: --threads {t}: exit {p.returncode}: {p.stderr.strip()}")
            return 1
        outs[t] = p.stdout
    first = THREADS[0]
    for t in THREADS[1:]:
        if outs[t] != outs[first]:
            la, lb = outs[first].splitlines(), outs[t].splitlines()
            i = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
            print(f"FAIL: the printed table of --threads {t} differs from --threads {first} "
                  f"at line {i + 1}:\n  {la[i] if i < len(la) else '<end>'}\n  "
                  f"{lb[i] if i < len(lb) else '<end>'}")
            return 1
    path = lambda t: os.path.join(work, f"threads{t}", "run.h5")  # noqa: E731
    with h5py.File(path(first), "r") as a:
        if int(a.attrs.get("threads", 0)) != first:
            print(f"FAIL: --threads {first}: the threads attribute is {a.attrs.get('threads')}")
            return 1
        nblocks = -(-N // BLOCK)
        if len(a["patients/patient"]) != N or nblocks < 10 or N % BLOCK == 0:
            print(f"FAIL: expected {N} patients in at least 10 blocks, the last partial")
            return 1
        # the economics (the built-in model has them) are among what is compared
        need = ("summary/economics", "summary/incremental", "summary/nmb", "outcomes/ly",
                "outcomes/qaly", "outcomes/cost", "outcomes/qaly_undiscounted",
                "outcomes/cost_undiscounted")
        missing = [k for k in need if k not in a]
        if missing:
            print(f"FAIL: the run file has no {', '.join(missing)}: economics not compared")
            return 1
        for t in THREADS[1:]:
            with h5py.File(path(t), "r") as b:
                if int(b.attrs.get("threads", 0)) != t:
                    print(f"FAIL: --threads {t}: the threads attribute is "
                          f"{b.attrs.get('threads')}")
                    return 1
                try:
                    groups_equal(a, b, "/")
                except Differ as ex:
                    print(f"FAIL: --threads {t} vs --threads {first}: {ex}")
                    return 1
    print(f"check_threads: ok: --threads {', '.join(map(str, THREADS))} give identical files "
          f"(provenance aside) and tables ({N} patients, {nblocks} blocks of {BLOCK})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
