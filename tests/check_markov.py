#!/usr/bin/python3
"""The Markov special case (DESIGN §11, issue #8): with every time to event
exponential, the simulated state occupancy equals the matrix exponential.

    /usr/bin/python3 tests/check_markov.py NELMSIM WORKDIR DATADIR

DATADIR is tests/data/markov: model.yaml (its comment says what is switched
off and why) and constant-mortality.csv (one annual death rate at every age).
The strategy is SSA, then targeted agent A, then agent B (uptake 0.8), then
best supportive care, for one patient profile. Every hazard is constant, so
the patient's state is a continuous-time Markov chain on ten states:

    on line k (k = 1, 2, 3), off treatment with controlled disease on line k
    (k = 2, 3: after a non-fatal toxicity discontinuation), best supportive
    care, and dead of disease, treatment, toxicity or background
    (the table also lists "line 1 off", which line 1's on_toxicity: next
    leaves empty: simulated and exact share 0).

The generator Q is built from the resolved parameters the run itself stored
(/parameters), not from a second copy of them: on line k progression a_k
(times hr.prior_line^(k-1)), toxicity r_k (fatal with p_fatal_toxicity, else
the next line or off treatment, by the line's on_toxicity), disease death
d_controlled * death_controlled_hr.prior_line^(k-1) and background death
rate/12; in best supportive care death_progressed and background death.
Entering a line is an instantaneous branch: declined with 1 - uptake,
treatment death with p (the window is 1e-6 months: the chain is exact to
about 1e-7), else the line. Before
anything is built the script checks that the parameters are of this form (all
exponential, no cure, frailty, delays, switches, backbone, fixed courses or
repeats; a life table constant at every age; a horizon beyond 60 months) and
stops with an error naming what is not.

`nelmsim run --trajectories full` simulates N = 500,000 patients (seed fixed;
about 10 s in all on two cores).
Each patient's state at t = 12, 36 and 60 months is read off /events (the
last event at or before t: line_start, discontinuation, bsc_start or death
with its cause) and, for the coarser states (the line whatever the treatment
status, best supportive care, dead by cause), once more from /outcomes and
/lines: the two readings must agree patient by patient. The simulated share
of every state at every time must be within ZMAX = 4 binomial standard
errors sqrt(P (1 - P) / N) of P(t) = [initial distribution] expm(Q t).
Competing risks within one line (the cumulative incidence of progression
against death, exponential and Weibull) are tested in
tests/test_engine_stats.c; here they appear as the occupancy of the four
death states across the whole sequence.

Power: the script then multiplies each of the nine hazards (the three
progression and three toxicity rates, disease death while controlled and
after progression, background death) in turn by 1.05, recomputes P(t), and
requires the same simulated shares to be more than ZMAX standard errors from
the wrong P somewhere: a sampler or engine with a 5 % error in any single
hazard fails this test. The expected largest deviation of a 5 % error is
printed beside each: 7.1 SE (agent B's toxicity) to 14.9 SE (background) at
N = 500,000. That is why N is 500,000 and not 50,000: with nine competing
hazards a 5 % error in the smaller ones moves no single state by 4 SE at
50,000 (2.2 to 4.7 SE there). The rates were chosen to maximise the smallest
of these. (Checked once by hand the other way round as well: runs with
--set agent_a.toxicity, death_controlled or agent_b.ttp 5 % high give
|z| = 8.3, 9.6 and 9.5 against the unperturbed P.) The probabilities
(treatment death, fatal toxicity, uptake) are printed with the same figure
for information only: their states are small, and a 5 % relative error in
some of them (line 3's) is below the resolution of this N.

Exit 0 on success, 1 on a failed check, 2 on bad usage.
"""
import os
import subprocess
import sys

import h5py
import numpy as np
import scipy.linalg
import yaml

N = 500000
SEED = 20250808
TIMES = (12.0, 36.0, 60.0)
ZMAX = 4.0
WRONG = 1.05  # the hazard error the power check must detect
MAX_WINDOW = 1e-5  # treatment-death windows at most this long count as instantaneous

CAUSES = ("disease", "treatment", "toxicity", "background")


class Fail(Exception):
    pass


# ---- the model: parameters -> states, initial distribution and generator ----


def need(cond, what):
    if not cond:
        raise Fail(f"the model is not a Markov chain of the supported form: {what}")


def exp_rate(dist, what):
    need(isinstance(dist, dict) and dist.get("dist") == "exp", f"{what} is not exponential")
    need(dist.get("time_unit", "months") == "months", f"{what} is not in months")
    return float(dist["rate"])


def hr_prior_line(hr, what):
    """The prior-line hazard ratio; every other ratio must be 1 for G1 small-bowel
    patients without extrahepatic disease (extrahepatic progression may set it)."""
    need(float(hr["grade"]["G1"]) == 1 and float(hr["extrahepatic"]) == 1,
         f"{what}: a hazard ratio the chain does not track")
    return float(hr["prior_line"])


def read_lifetable(path):
    rates = set()
    with open(path) as fh:
        header = [h.strip().lower() for h in fh.readline().split(",")]
        for line in fh:
            if line.strip():
                row = dict(zip(header, line.split(",")))
                rates.add(float(row["female"]))
                rates.add(float(row["male"]))
    need(len(rates) == 1, f"life table {path} is not one constant rate")
    return rates.pop()


def describe(par, table_path):
    """The chain's structure from the resolved parameters: a dict of named
    hazards and probabilities and the strategy's lines."""
    co = par["cohort"]
    need(co["age"]["sd"] < 1e-3 and co["grade"]["G1"] == 1 and co["site"]["small_bowel"] == 1
         and co["extrahepatic"]["p"] == 0 and co["sstr_positive"]["G1"] == 1
         and co["ecog"].get(0, co["ecog"].get("0")) == 1 and not co["filters"]
         and co["entry"]["line"] == 1 and not co["entry"]["progressive"],
         "the cohort is not one eligible G1 profile")
    age = float(co["age"]["max"])
    hz = par["horizon"]
    need(min(hz["months"], (hz["age"] - age) * 12) > max(TIMES), "the horizon is within the checks")
    dis = par["disease"]
    need(float(dis["frailty_variance"]) == 0, "frailty is on")
    need(dis["untreated_progression"] == "none", "untreated progression is on")
    need(hr_prior_line(dis["death_progressed_hr"], "death_progressed_hr") == 1,
         "death_progressed_hr.prior_line")
    h = {
        "death_controlled": exp_rate(dis["death_controlled"], "disease.death_controlled"),
        "death_progressed": exp_rate(dis["death_progressed"], "disease.death_progressed"),
        "background": read_lifetable(table_path) / 12.0,
    }
    hr_dc = hr_prior_line(dis["death_controlled_hr"], "death_controlled_hr")
    strat = par["strategies"]
    need(len(strat) == 1, "more than one strategy")
    (sname, st), = strat.items()
    lines = []
    for k, ln in enumerate(st["lines"]):
        need("use" in ln, f"line {k + 1} is first_eligible")
        name = ln["use"]
        m = par["modalities"][name]
        need(m["kind"] in ("ssa", "targeted"), f"{name}: kind {m['kind']} is not continuous")
        need(float(m["cure"]) == 0 and m["max_courses"] == 1, f"{name}: cure or repeats")
        need(float(ln["delay"]) == 0 and float(ln["switch_after"]) == 0 and not ln["backbone"]
             and ln["if_declined"] == "skip", f"line {k + 1}: delay, switch, backbone or stop")
        need(float(ln["uptake"]) == 1 or k + 1 == len(st["lines"]),
             f"line {k + 1}: uptake < 1 before the last line (prior-line counts would vary)")
        td = m["treatment_death"]
        need(float(td["p"]) == 0 or float(td["window"]) <= MAX_WINDOW,
             f"{name}: a treatment-death window longer than {MAX_WINDOW} months")
        tox = m["toxicity"]
        h[f"{name}.ttp"] = exp_rate(m["ttp"], f"{name}.ttp")
        h[f"{name}.toxicity"] = 0.0 if tox == "none" else exp_rate(tox, f"{name}.toxicity")
        lines.append({
            "name": name,
            "hr_ttp": hr_prior_line(m["hr"], f"{name}.hr") ** k,
            "hr_death": hr_dc ** k,
            "p_fatal": float(m["p_fatal_toxicity"]),
            "p_tdeath": float(td["p"]),
            "uptake": float(ln["uptake"]),
            "tox_next": ln["on_toxicity"] == "next" and k + 1 < len(st["lines"]),
        })
    return sname, h, lines


def states_of(lines):
    names = []
    for k in range(len(lines)):
        names.append(f"line {k + 1}")
        names.append(f"line {k + 1} off")
    names.append("bsc")
    names += [f"dead {c}" for c in CAUSES]
    return names


def chain(h, lines, scale=None, pscale=None):
    """Initial distribution and generator; scale[name] multiplies hazard
    name, pscale[(k, key)] the probability key of line k (for the power check)."""
    scale = scale or {}
    pscale = pscale or {}
    names = states_of(lines)
    ix = {s: i for i, s in enumerate(names)}
    K = len(lines)
    hz = {k: v * scale.get(k, 1.0) for k, v in h.items()}

    def prob(k, key):
        return min(1.0, lines[k][key] * pscale.get((k, key), 1.0))

    def entry(k):
        """Where a patient lands on reaching line k (0-based; K: best supportive care)."""
        if k == K:
            return {"bsc": 1.0}
        u, p = prob(k, "uptake"), prob(k, "p_tdeath")
        out = {f"line {k + 1}": u * (1 - p), "dead treatment": u * p}
        for s, q in entry(k + 1).items():
            out[s] = out.get(s, 0.0) + (1 - u) * q
        return out

    Q = np.zeros((len(names), len(names)))

    def add(src, dst, rate):
        if isinstance(dst, dict):
            for s, q in dst.items():
                Q[ix[src], ix[s]] += rate * q
        else:
            Q[ix[src], ix[dst]] += rate

    bg = hz["background"]
    for k, ln in enumerate(lines):
        a = hz[f"{ln['name']}.ttp"] * ln["hr_ttp"]
        r = hz[f"{ln['name']}.toxicity"]
        f = prob(k, "p_fatal")
        d = hz["death_controlled"] * ln["hr_death"]
        on, off = f"line {k + 1}", f"line {k + 1} off"
        for s in (on, off):
            add(s, entry(k + 1), a)
            add(s, "dead disease", d)
            add(s, "dead background", bg)
        add(on, "dead toxicity", r * f)
        add(on, entry(k + 1) if ln["tox_next"] else off, r * (1 - f))
    add("bsc", "dead disease", hz["death_progressed"])
    add("bsc", "dead background", bg)
    np.fill_diagonal(Q, -Q.sum(axis=1))
    p0 = np.zeros(len(names))
    for s, q in entry(0).items():
        p0[ix[s]] += q
    return names, p0, Q


def occupancy(p0, Q):
    return np.array([p0 @ scipy.linalg.expm(Q * t) for t in TIMES])  # [time, state]


# ---- the simulation: states at the check times from the run file ----


def simulated_states(f, names):
    """[time, patient] state indices from /events, and the coarse states from
    /outcomes and /lines, which must agree."""
    ix = {s: i for i, s in enumerate(names)}
    ev_names = h5py.check_enum_dtype(f["events/event"].dtype)
    cause_names = h5py.check_enum_dtype(f["outcomes/cause"].dtype)
    ev_time = f["events/time"][:]
    ev_type = f["events/event"][:]
    ev_detail = f["events/detail"][:]
    ev_line = f["events/line"][:].astype(np.int64)
    first = f["outcomes/event_first"][:].astype(np.int64)
    count = f["outcomes/event_count"][:].astype(np.int64)
    n = len(first)
    if (n != N or first[0] != 0 or not np.array_equal(first[1:], np.cumsum(count)[:-1])
            or first[-1] + count[-1] != len(ev_time)):
        raise Fail("/outcomes event_first/event_count do not tile /events")

    # the state an event leaves the patient in; -1: a transient event that
    # must be followed at the same time by one of these
    line_on = np.array([ix.get(f"line {k}", -1) for k in range(256)])
    line_off = np.array([ix.get(f"line {k} off", -1) for k in range(256)])
    state_after = np.full(len(ev_type), -1, dtype=np.int64)
    t = ev_type == ev_names["line_start"]
    state_after[t] = line_on[ev_line[t]]
    t = ev_type == ev_names["discontinuation"]
    state_after[t] = line_off[ev_line[t]]
    state_after[ev_type == ev_names["bsc_start"]] = ix["bsc"]
    cause_by_value = {v: k for k, v in cause_names.items()}
    for v, c in cause_by_value.items():
        if c in CAUSES:
            state_after[(ev_type == ev_names["death"]) & (ev_detail == v)] = ix[f"dead {c}"]

    os_ = f["outcomes/os"][:]
    cause = f["outcomes/cause"][:]
    bsc = f["outcomes/bsc_start"][:]
    lfirst = f["outcomes/line_first"][:].astype(np.int64)
    lstart = f["lines/start"][:]
    lend = f["lines/end"][:]
    lpos = f["lines/position"][:].astype(np.int64)
    lpat = np.repeat(np.arange(n), f["outcomes/lines"][:].astype(np.int64))
    if not np.array_equal(lfirst, np.searchsorted(lpat, np.arange(n))):
        raise Fail("/outcomes line_first does not index /lines")

    out = np.empty((len(TIMES), n), dtype=np.int64)
    for j, T in enumerate(TIMES):
        le = (ev_time <= T).astype(np.int64)
        cnt = np.add.reduceat(le, first)
        if np.any(cnt < 1):
            raise Fail(f"a patient without an event by {T} months")
        st = state_after[first + cnt - 1]
        if np.any(st < 0):
            bad = int(np.nonzero(st < 0)[0][0])
            raise Fail(f"patient {bad}: the last event by {T} months is "
                       f"{ev_type[first[bad] + cnt[bad] - 1]} (not a state)")
        if np.any(ev_type[first + cnt - 1] == ev_names["censored"]):
            raise Fail(f"censored before {T} months")
        out[j] = st

        # the same from /outcomes and /lines, on/off merged
        coarse = np.full(n, -1, dtype=np.int64)
        for k in range(1, 256):
            if f"line {k}" not in ix:
                break
            sel = (lpos == k) & (lstart <= T) & (T < lend)
            coarse[lpat[sel]] = ix[f"line {k}"]
        coarse[(bsc <= T)] = ix["bsc"]
        dead = (os_ <= T) & (cause != cause_names["alive_at_horizon"])
        for c in CAUSES:
            coarse[dead & (cause == cause_names[c])] = ix[f"dead {c}"]
        fine = st.copy()
        for k in range(1, 256):
            if f"line {k} off" not in ix:
                break
            fine[fine == ix[f"line {k} off"]] = ix[f"line {k}"]
        if not np.array_equal(fine, coarse):
            bad = int(np.nonzero(fine != coarse)[0][0])
            raise Fail(f"at {T} months patient {bad}: /events says {names[fine[bad]]}, "
                       f"/outcomes and /lines say "
                       f"{names[coarse[bad]] if coarse[bad] >= 0 else 'nothing'}")
    return out


def shares(states, nstates):
    return np.array([np.bincount(s, minlength=nstates) for s in states]) / states.shape[1]


def zscores(sim, exact, n):
    se = np.sqrt(exact * (1 - exact) / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (sim - exact) / se, np.where(sim == exact, 0.0, np.inf))
    return z


def expected_shift(exact, wrong, n):
    se = np.sqrt(exact * (1 - exact) / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nanmax(np.where(se > 0, np.abs(wrong - exact) / se, 0.0))


def main(argv):
    if len(argv) != 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    nelmsim, work, data = (os.path.abspath(a) for a in argv[1:])
    os.makedirs(work, exist_ok=True)
    model = os.path.join(data, "model.yaml")
    out = os.path.join(work, "markov.h5")
    cmd = [nelmsim, "run", model, "-n", str(N), "--seed", str(SEED), "--trajectories", "full",
           "--threads", "2", "--quiet", "--force", "-o", out]
    r = subprocess.run(cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise Fail(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stdout}")

    with h5py.File(out, "r") as f:
        if f.attrs["format"] != "nelmsim run" or f.attrs["complete"] != 1:
            raise Fail(f"{out} is not a complete run file")
        par = yaml.safe_load(f["parameters"].asstr()[()])
        table = par["background_mortality"]["table"]
        sname, h, lines = describe(par, table if os.path.isabs(table) else os.path.join(work, table))
        names, p0, Q = chain(h, lines)
        states = simulated_states(f, names)

    exact = occupancy(p0, Q)
    sim = shares(states, len(names))
    z = zscores(sim, exact, N)
    print(f"strategy {sname}: {N} patients, seed {SEED}; hazards per month:")
    for k, v in h.items():
        print(f"  {k:24s} {v:.6g}")
    for k, ln in enumerate(lines):
        print(f"  line {k + 1}: {ln['name']}, progression x {ln['hr_ttp']:g}, disease death "
              f"x {ln['hr_death']:g}, p_fatal {ln['p_fatal']:g}, treatment death "
              f"{ln['p_tdeath']:g}, uptake {ln['uptake']:g}, toxicity -> "
              f"{'next line' if ln['tox_next'] else 'off treatment'}")
    print(f"\n{'state':18s}" + "".join(f"{'t=%g: sim' % t:>16s}{'exact':>9s}{'z':>7s}"
                                      for t in TIMES))
    for i, s in enumerate(names):
        print(f"{s:18s}" + "".join(f"{sim[j, i]:16.5f}{exact[j, i]:9.5f}{z[j, i]:+7.2f}"
                                   for j in range(len(TIMES))))
    worst = float(np.max(np.abs(z)))
    print(f"largest |z| {worst:.2f} (limit {ZMAX})")
    ok = worst < ZMAX
    for j in range(len(TIMES)):
        if abs(exact[j].sum() - 1) > 1e-12:
            raise Fail(f"P({TIMES[j]}) does not sum to 1")

    # power: the same data against a model with one hazard 5 % off
    print(f"\npower: the simulated shares against the exact occupancy with one input "
          f"x {WRONG} (expected and observed largest |z|)")
    for key in h:
        if h[key] == 0:
            continue
        _, p0w, Qw = chain(h, lines, scale={key: WRONG})
        wrong = occupancy(p0w, Qw)
        zw = float(np.max(np.abs(zscores(sim, wrong, N))))
        ew = expected_shift(exact, wrong, N)
        detected = zw > ZMAX
        print(f"  {key:24s} expected {ew:5.1f}, observed {zw:5.1f} "
              f"{'detected' if detected else 'NOT DETECTED'}")
        ok = ok and detected
    for k, ln in enumerate(lines):
        for key in ("p_tdeath", "p_fatal", "uptake"):
            if ln[key] in (0.0, 1.0):
                continue
            _, p0w, Qw = chain(h, lines, pscale={(k, key): WRONG})
            wrong = occupancy(p0w, Qw)
            zw = float(np.max(np.abs(zscores(sim, wrong, N))))
            print(f"  line {k + 1} {key:17s} expected {expected_shift(exact, wrong, N):5.1f}, "
                  f"observed {zw:5.1f} (information only)")
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Fail as e:
        print(f"check_markov: {e}", file=sys.stderr)
        sys.exit(1)
