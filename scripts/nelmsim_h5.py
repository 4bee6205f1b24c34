"""Read nelmsim HDF5 files (run, sweep, PSA) into pandas; Kaplan-Meier helpers.

The shared reader of the analysis scripts (docs/ANALYSIS.md); the layout it
reads is docs/FORMAT.md. Import it from a script in scripts/ with

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import nelmsim_h5 as nh

    with nh.open_file("run.h5", kinds=("run",)) as f:
        out = f.outcomes(["strategy", "os", "cause"])  # enums as categoricals
        summ = f.summary()                              # /summary/strategies
        fits = nh.km_by_strategy(out, "os", event=out.cause != "alive_at_horizon")

Errors a user can cause (no such file, not HDF5, not a nelmsim file, an
unfinished file, a table the file does not have) raise NelmsimError with a
one-line message; `main_wrapper` turns it into `PROG: message` and exit 2.
"""
import argparse
import math
import os
import sys

import numpy as np
import pandas as pd

try:
    import h5py
except ImportError:  # pragma: no cover - depends on the interpreter
    sys.stderr.write("%s: h5py is missing: run the scripts with /usr/bin/python3 "
                     "(Debian python3-h5py)\n" % os.path.basename(sys.argv[0]))
    sys.exit(2)

FORMATS = {"nelmsim run": "run", "nelmsim sweep": "sweep", "nelmsim psa": "psa"}
KINDS = ["resection", "transplant", "iat", "prrt", "ssa", "targeted", "observation"]
CAUSES = ["disease", "treatment", "toxicity", "background"]
LANDMARKS = (12, 36, 60, 120)
Z95 = 1.959963984540054          # qnorm(0.975)
QTOL = 1.4901161193847656e-08    # sqrt(.Machine$double.eps), as quantile.survfit

KM_SIZE = (900, 650)          # default figure sizes, pixels
PANEL_SIZE = (1000, 650)

# Exit statuses (DESIGN §9).
EXIT_USAGE = 1
EXIT_INPUT = 2
EXIT_IO = 3


class NelmsimError(Exception):
    """A user error about an input file: one line, exit 2."""
    status = EXIT_INPUT


class OutputError(NelmsimError):
    """An output could not be written: exit 3."""
    status = EXIT_IO


# ---------------------------------------------------------------------------
# Command-line plumbing shared by the scripts.


class ArgumentParser(argparse.ArgumentParser):
    """argparse with exit 1 (not 2) on a usage error, as nelmsim itself."""

    def error(self, message):
        self.print_usage(sys.stderr)
        sys.stderr.write("%s: error: %s\n" % (self.prog, message))
        sys.exit(EXIT_USAGE)


def parser(prog_file, doc):
    """A parser whose --help is the script's docstring."""
    return ArgumentParser(prog=os.path.basename(prog_file), description=doc,
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def main_wrapper(main):
    """Run main(); user errors become one line on stderr and an exit status."""
    prog = os.path.basename(sys.argv[0])
    try:
        status = main()
    except NelmsimError as e:
        sys.stderr.write("%s: %s\n" % (prog, e))
        sys.exit(e.status)
    except KeyboardInterrupt:
        sys.stderr.write("%s: interrupted\n" % prog)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(status or 0)


def parse_size(text):
    """"900x650" -> (900, 650) pixels, for a --size option."""
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise ValueError("expected WIDTHxHEIGHT in pixels, e.g. 900x650")
    if not (200 <= w <= 10000 and 150 <= h <= 10000):
        raise ValueError("width 200..10000 and height 150..10000 pixels")
    return w, h


def write_text(path, text):
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as e:
        raise OutputError("cannot write %s: %s" % (path, e.strerror or e))
    return path


def make_dir(path):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise OutputError("cannot create directory %s: %s" % (path, e.strerror or e))
    if not os.path.isdir(path):
        raise OutputError("%s exists and is not a directory" % path)


def prefix_dir(prefix):
    """Create the directory part of an output prefix."""
    d = os.path.dirname(prefix)
    if d:
        make_dir(d)


# ---------------------------------------------------------------------------
# Files.


def _attr(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.shape == ():
        v = v[()]
    if isinstance(v, np.generic):
        return v.item()
    return v


def decode_enums(df, group):
    """Enum columns of `group` become pandas categoricals with the enum's names
    (in value order); booleans stay numpy bool."""
    for k in df.columns:
        if k not in group:
            continue
        names = h5py.check_enum_dtype(group[k].dtype)
        if names is None or group[k].dtype == np.bool_:
            continue
        cats = sorted(names, key=names.get)
        if [names[c] for c in cats] != list(range(len(cats))):
            df[k] = df[k].map({v: n for n, v in names.items()})
        else:
            df[k] = pd.Categorical.from_codes(df[k].astype(np.int64), categories=cats)
    return df


class NelmsimFile:
    """An open nelmsim file: .kind is "run", "sweep" or "psa"."""

    def __init__(self, path):
        self.path = path
        if not os.path.exists(path):
            raise NelmsimError("%s: no such file" % path)
        if os.path.isdir(path):
            raise NelmsimError("%s: is a directory, not a nelmsim HDF5 file" % path)
        if not os.access(path, os.R_OK):
            raise NelmsimError("%s: cannot read (permission denied)" % path)
        try:
            ok = h5py.is_hdf5(path)
        except OSError:
            ok = False
        if not ok:
            raise NelmsimError("%s: not an HDF5 file (expected a nelmsim run, sweep or "
                               "PSA file)" % path)
        try:
            self.h5 = h5py.File(path, "r")
        except OSError as e:
            raise NelmsimError("%s: cannot open as HDF5: %s" % (path, e))
        try:
            self.attrs = {k: _attr(v) for k, v in self.h5.attrs.items()}
            fmt = self.attrs.get("format")
            if fmt not in FORMATS:
                raise NelmsimError("%s: not a nelmsim file (root attribute format is %s)"
                                   % (path, "missing" if fmt is None else repr(fmt)))
            self.kind = FORMATS[fmt]
            if self.attrs.get("complete") != 1:
                raise NelmsimError("%s: unfinished nelmsim file (no complete = 1): the run "
                                   "was interrupted or is still writing" % path)
            ver = self.attrs.get("format_version")
            if ver != 1:
                raise NelmsimError("%s: format_version %s, these scripts read version 1"
                                   % (path, ver))
            for need in ("strategies/name", "summary/strategies"):
                if need not in self.h5:
                    raise NelmsimError("%s: damaged nelmsim file: /%s is missing"
                                       % (path, need))
            self.strategies = [str(s) for s in self.h5["strategies/name"].asstr()[()]]
            if "strategies/description" in self.h5:
                self.descriptions = [str(s) for s in
                                     self.h5["strategies/description"].asstr()[()]]
            else:
                self.descriptions = [""] * len(self.strategies)
            self.instances = ([str(s) for s in self.h5["instances/name"].asstr()[()]]
                              if "instances/name" in self.h5 else [])
            self.reference = self.attrs.get("reference_strategy", self.strategies[0])
            self.tau = float(self.attrs.get("tau_months", 120.0))
            self.trajectories = self.attrs.get("trajectories", "none")
        except NelmsimError:
            self.h5.close()
            raise
        except (OSError, KeyError, ValueError) as e:
            self.h5.close()
            raise NelmsimError("%s: damaged nelmsim file: %s" % (path, e))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.h5.close()
        except Exception:
            pass

    def require(self, *kinds, hint=None):
        if self.kind not in kinds:
            msg = "%s: is a nelmsim %s file; this script reads %s files" % (
                self.path, self.kind, " or ".join(kinds))
            if hint:
                msg += " (%s)" % hint
            raise NelmsimError(msg)

    def has(self, table):
        return table in self.h5 and isinstance(self.h5[table], h5py.Group)

    @property
    def per_patient(self):
        return self.has("outcomes")

    def require_per_patient(self):
        if not self.per_patient:
            raise NelmsimError(
                "%s: has no per-patient outcomes (written with --trajectories %s); run "
                "nelmsim with --trajectories outcomes or full" % (self.path, self.trajectories))

    def table(self, name, columns=None, rows=None):
        """Table `name` (e.g. "outcomes", "summary/km") as a DataFrame, enum
        columns decoded; `columns` limits the columns read, `rows` a slice."""
        if not self.has(name):
            raise NelmsimError("%s: has no table /%s" % (self.path, name))
        g = self.h5[name]
        cols = list(g.keys()) if columns is None else list(columns)
        missing = [c for c in cols if c not in g]
        if missing:
            raise NelmsimError("%s: table /%s has no column %s" % (self.path, name,
                                                                  ", ".join(missing)))
        sl = slice(None) if rows is None else rows
        try:
            df = pd.DataFrame({c: g[c][sl] for c in cols})
        except (OSError, ValueError) as e:
            raise NelmsimError("%s: cannot read /%s: %s" % (self.path, name, e))
        return decode_enums(df, g)

    def summary(self):
        """/summary/strategies (one row per strategy, and scenario)."""
        return self.table("summary/strategies")

    def km_table(self):
        return self.table("summary/km")

    def pfs_by_line(self):
        return self.table("summary/pfs_by_line")

    def instance_share(self):
        return self.table("summary/instance_share")

    def scenarios(self):
        return self.table("scenarios")

    def outcomes(self, columns=None):
        self.require_per_patient()
        return self.table("outcomes", columns)

    def lines(self, columns=None):
        self.require_per_patient()
        return self.table("lines", columns)

    def parameters(self):
        """The resolved parameters as a dict (PyYAML), or None if unavailable."""
        if "parameters" not in self.h5:
            return None
        text = self.h5["parameters"].asstr()[()]
        try:
            import yaml
            return yaml.safe_load(text)
        except Exception:
            return None

    def horizon(self):
        p = self.parameters() or {}
        h = p.get("horizon") if isinstance(p, dict) else None
        return h if isinstance(h, dict) else None

    def select_strategies(self, names):
        """Validate --strategy names against the file; None means all."""
        if not names:
            return list(self.strategies)
        bad = [n for n in names if n not in self.strategies]
        if bad:
            raise NelmsimError("%s: no strategy %s in this file (it has: %s)" % (
                self.path, ", ".join(repr(b) for b in bad), ", ".join(self.strategies)))
        seen = []
        for n in names:
            if n not in seen:
                seen.append(n)
        return seen


def open_file(path, kinds=("run", "sweep", "psa"), hint=None):
    f = NelmsimFile(path)
    try:
        f.require(*kinds, hint=hint)
    except NelmsimError:
        f.close()
        raise
    return f


def lookup_parameter(params, path):
    """The value at a --set style path (a.b[2].c) in a parameter dict, or None."""
    cur = params
    try:
        for part in path.split("."):
            idx = []
            while part.endswith("]") and "[" in part:
                part, _, i = part[:-1].rpartition("[")
                idx.insert(0, int(i))
            if part:
                cur = cur[part]
            for i in idx:
                cur = cur[i]
        return cur
    except (KeyError, IndexError, TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------
# Kaplan-Meier (survival::survfit conventions): S(t) = prod (1 - d/r) over
# event times <= t; Greenwood var(log S) = sum d / (r (r - d)); 95 % log
# interval S exp(+-1.96 se), upper end clipped to 1; the quantile rule of
# quantile.survfit (the smallest time S <= 1 - p, the midpoint of a flat lying
# exactly at 1 - p) applied to S and to both bounds.


class KM:
    def __init__(self, time, event):
        time = np.asarray(time, dtype=np.float64)
        event = np.asarray(event, dtype=bool)
        keep = ~np.isnan(time)
        time, event = time[keep], event[keep]
        self.n = len(time)
        self.events = int(event.sum())
        if self.n == 0:
            self.t = np.zeros(0)
            self.s = np.zeros(0)
            self.v = np.zeros(0)
            self.r = np.zeros(0, dtype=np.int64)
            self.d = np.zeros(0, dtype=np.int64)
            return
        order = np.argsort(time, kind="stable")
        ts, es = time[order], event[order]
        self.t, first, count = np.unique(ts, return_index=True, return_counts=True)
        self.d = np.add.reduceat(es.astype(np.int64), first)
        self.r = self.n - np.concatenate(([0], np.cumsum(count)[:-1]))
        with np.errstate(divide="ignore", invalid="ignore"):
            self.s = np.cumprod(np.where(self.d > 0, (self.r - self.d) / self.r, 1.0))
            inc = np.where(self.d == 0, 0.0,
                           np.where(self.r > self.d, self.d / (self.r * (self.r - self.d)),
                                    np.inf))
            self.v = np.cumsum(inc)

    @staticmethod
    def interval(s, v):
        s = np.asarray(s, dtype=np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            w = Z95 * np.sqrt(v)
            lo = np.where(s > 0, s * np.exp(-w), 0.0)
            hi = np.where(s > 0, np.minimum(s * np.exp(w), 1.0), 0.0)
        return lo, hi

    def at(self, times, extend=False):
        """S, lower, upper at each of `times` (right-continuous; 1 before the
        first time; beyond the last observed time NaN, or with extend=True the
        last value, as /summary/km holds it)."""
        times = np.atleast_1d(np.asarray(times, dtype=np.float64))
        j = np.searchsorted(self.t, times, side="right") - 1
        s = np.where(j < 0, 1.0, self.s[np.maximum(j, 0)] if self.n else 1.0)
        v = np.where(j < 0, 0.0, self.v[np.maximum(j, 0)] if self.n else 0.0)
        lo, hi = self.interval(s, v)
        if self.n and not extend:
            beyond = times > self.t[-1]
            s, lo, hi = (np.where(beyond, np.nan, x) for x in (s, lo, hi))
        return s, lo, hi

    def at_risk(self, times):
        """Number at risk (time >= t) at each of `times`."""
        if self.n == 0:
            return np.zeros(len(times), dtype=np.int64)
        counts = np.concatenate((self.r, [0]))
        j = np.searchsorted(self.t, np.asarray(times, dtype=np.float64), side="left")
        return counts[j]

    def steps(self):
        """Step-function arrays (t, S, lower, upper) starting at (0, 1)."""
        lo, hi = self.interval(self.s, self.v)
        return (np.concatenate(([0.0], self.t)), np.concatenate(([1.0], self.s)),
                np.concatenate(([1.0], lo)), np.concatenate(([1.0], hi)))

    def quantile(self, p=0.5):
        """(estimate, lower, upper) of the p-quantile; NaN where not reached."""
        if self.n == 0:
            return (math.nan, math.nan, math.nan)
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

    def median(self):
        return self.quantile(0.5)


def km_by_strategy(df, time_col, event, strategies, strategy_col="strategy"):
    """{strategy: KM} over the rows of df for each strategy in `strategies`;
    `event` is a boolean Series/array aligned with df."""
    event = np.asarray(event, dtype=bool)
    sv = df[strategy_col].astype(str).to_numpy()
    tv = df[time_col].to_numpy(dtype=np.float64)
    return {s: KM(tv[sv == s], event[sv == s]) for s in strategies}


def os_fits(f, strategies, scenario=None):
    """Overall survival KM per strategy from /outcomes."""
    cols = ["strategy", "os", "cause"] + (["scenario"] if scenario is not None else [])
    out = f.outcomes(cols)
    if scenario is not None:
        out = out[out["scenario"] == scenario]
    return km_by_strategy(out, "os", out["cause"].astype(str) != "alive_at_horizon",
                          strategies)


def pfs_fits(f, strategies, line=1, scenario=None):
    """PFS of the line-th line started (from its start, among those who start
    it) per strategy: /outcomes pfs1 for line 1, /lines for later lines."""
    extra = ["scenario"] if scenario is not None else []
    if line == 1:
        d = f.outcomes(["strategy", "lines", "pfs1", "pfs1_event"] + extra)
        if scenario is not None:
            d = d[d["scenario"] == scenario]
        d = d[d["lines"] > 0]
        return km_by_strategy(d, "pfs1", d["pfs1_event"], strategies)
    d = f.lines(["strategy", "line", "pfs", "pfs_event"] + extra)
    if scenario is not None:
        d = d[d["scenario"] == scenario]
    d = d[d["line"] == line]
    return km_by_strategy(d, "pfs", d["pfs_event"], strategies)


def stored_km_agreement(f, fits, scenario=None):
    """Largest |S(month) - /summary/km surv| over the strategies in `fits`
    (months 0..240), comparing with the stored monthly table."""
    km = f.km_table()
    if scenario is not None and "scenario" in km:
        km = km[km["scenario"] == scenario]
    worst = 0.0
    for s, fit in fits.items():
        k = km[km["strategy"].astype(str) == s]
        if len(k) == 0:
            continue
        months = k["month"].to_numpy(dtype=np.float64)
        mine, _, _ = fit.at(months, extend=True)
        theirs = k["surv"].to_numpy()
        both = ~(np.isnan(mine) | np.isnan(theirs))
        if (np.isnan(mine) != np.isnan(theirs)).any():
            worst = max(worst, 1.0)
        if both.any():
            worst = max(worst, float(np.max(np.abs(mine[both] - theirs[both]))))
    return worst


# ---------------------------------------------------------------------------
# Formatting, as nelmsim prints.


def isnan(x):
    try:
        return x is None or math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def fmt(x, digits=1, nan="NR"):
    """x with `digits` decimals; NaN as `nan` (NR: not reached)."""
    if isnan(x):
        return nan
    return "%.*f" % (digits, float(x))


def fmt_ci(x, lo, hi, digits=1, nan="NR"):
    """"88.4 (84.0–92.3)"; NaN parts as NR; "NR" alone when nothing reached."""
    if isnan(x) and isnan(lo) and isnan(hi):
        return "not reached" if nan == "NR" else nan
    return "%s (%s–%s)" % (fmt(x, digits, nan), fmt(lo, digits, nan), fmt(hi, digits, nan))


def fmt_pm(x, se, digits=1, se_digits=2):
    """"98.8 ± 1.30"."""
    if isnan(x):
        return "NA"
    return "%s ± %s" % (fmt(x, digits), fmt(se, se_digits))
