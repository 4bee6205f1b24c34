#!/usr/bin/python3
"""Compare nelmsim run files dataset by dataset, provenance excluded.

    /usr/bin/python3 scripts/h5compare.py A.h5 B.h5 [C.h5 ...]

Every dataset (recursively) must exist in all files with the same shape, type
and bytes (floats compared bitwise, so NaN equals NaN); dataset and group
attributes must agree too. The root group's attributes are provenance
(threads, created, command line, ...) and are not compared. Exit 0 when all
files agree, 1 naming the first difference, 2 on bad usage.
"""
import sys

import h5py
import numpy as np


def walk(g, prefix=""):
    for k in sorted(g.keys()):
        obj = g[k]
        path = prefix + "/" + k
        yield path, obj
        if isinstance(obj, h5py.Group):
            yield from walk(obj, path)


def attrs(obj):
    out = {}
    for k in sorted(obj.attrs.keys()):
        v = obj.attrs[k]
        out[k] = v.tobytes() if isinstance(v, np.ndarray) else repr(v)
    return out


def same(a, b):
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    va, vb = a[()], b[()]
    if isinstance(va, np.ndarray) and va.dtype.kind != "O":
        return va.tobytes() == vb.tobytes()
    return np.array_equal(np.asarray(va, dtype=object), np.asarray(vb, dtype=object))


def compare(fa, fb, na, nb):
    ea, eb = dict(walk(fa)), dict(walk(fb))
    if sorted(ea) != sorted(eb):
        only = sorted(set(ea) ^ set(eb))
        return "objects differ: %s" % ", ".join(only[:5])
    for path in sorted(ea):
        a, b = ea[path], eb[path]
        if type(a) is not type(b):
            return "%s: a %s in %s, a %s in %s" % (path, type(a).__name__, na,
                                                     type(b).__name__, nb)
        if attrs(a) != attrs(b):
            return "%s: attributes differ" % path
        if isinstance(a, h5py.Dataset) and not same(a, b):
            return "%s: values differ" % path
    return None


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) > 1 and argv[1] in ("-h", "--help") else 2
    with h5py.File(argv[1], "r") as ref:
        for other in argv[2:]:
            with h5py.File(other, "r") as f:
                diff = compare(ref, f, argv[1], other)
                if diff:
                    print("%s vs %s: %s" % (argv[1], other, diff), file=sys.stderr)
                    return 1
    print("%d files agree dataset by dataset (provenance excluded)" % (len(argv) - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
