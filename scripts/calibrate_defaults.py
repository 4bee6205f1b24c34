#!/usr/bin/python3
"""Net time-to-progression parameters of the default model from the
calibration targets (../shared/reference/targets.yaml, copied into the
comments of params/nelm/*.yaml).

Published PFS, RFS and DFS are composite: S_pub(t) = S_net(t) * S_other(t),
where S_other is survival from every competing death the engine races
against progression over the same interval: background death (life table at
the trial's age and sex mix), disease death while controlled (the default
model's death_controlled) and, where relevant, procedure mortality. So each
published landmark s at time t becomes the net landmark s / S_other(t), and a
Weibull (or exponential) curve is fitted through the net landmarks:
    shape = ln(ln s2 / ln s1) / ln(t2 / t1),  scale = t1 / (-ln s1)^(1/shape).
TTP (PROMID) already censors deaths from other causes: used as it is.

Run:  /usr/bin/python3 scripts/calibrate_defaults.py   (prints every fit)
The output is what the comments in params/nelm/ quote; `--check` exits 1
when the committed parameter files no longer carry these values.
"""
import argparse
import csv
import math
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# disease death while controlled in the default model (params/nelm/disease.yaml)
DEATH_CONTROLLED_RATE = 0.0007  # per month, G1-G2


def life_table():
    rates = {}
    with open(os.path.join(ROOT, "params", "us-mortality-2015.csv")) as f:
        for row in csv.DictReader(f):
            rates[int(row["Age"])] = (float(row["Female"]), float(row["Male"]))
    return rates


LT = life_table()


def s_background(t_months, age, male=0.5):
    """Survival from background death over t months from `age` (years), sex
    mix by `male`; hazard per month = annual rate / 12, held beyond 100."""
    def cum(sex):
        h, a, left = 0.0, age, t_months / 12.0
        while left > 1e-12:
            step = min(left, math.floor(a) + 1 - a)
            h += LT[min(int(math.floor(a)), 100)][sex] * step
            a += step
            left -= step
        return h
    return (1 - male) * math.exp(-cum(0)) + male * math.exp(-cum(1))


def s_other(t, age, male=0.5, dc=DEATH_CONTROLLED_RATE, periop=0.0):
    return (1 - periop) * s_background(t, age, male) * math.exp(-dc * t)


def weibull_through(t1, s1, t2, s2):
    shape = math.log(math.log(s2) / math.log(s1)) / math.log(t2 / t1)
    scale = t1 / (-math.log(s1)) ** (1 / shape)
    return shape, scale


FITS = []


def fit(name, landmarks, age, male=0.5, periop=0.0, dc=DEATH_CONTROLLED_RATE, note=""):
    net = [(t, s / s_other(t, age, male, dc, periop)) for t, s in landmarks]
    if len(net) == 1:
        t, s = net[0]
        rate = -math.log(s) / t
        FITS.append((name, "exp", {"rate": rate}, landmarks, net, note))
    else:
        (t1, s1), (t2, s2) = net
        shape, scale = weibull_through(t1, s1, t2, s2)
        FITS.append((name, "weibull", {"shape": shape, "scale": scale}, landmarks, net, note))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="verify params/nelm/*.yaml carry these values (to 4 significant digits)")
    args = ap.parse_args()

    # lanreotide, first line (CLARINET: S(24) 0.651; median 32.8 with the extension);
    # age about 63, male 0.52
    fit("lanreotide.ttp", [(24, 0.651), (32.8, 0.5)], age=63, male=0.52)
    # observation (CLARINET placebo: median 18.0, S(24) 0.33)
    fit("observation.ttp", [(18.0, 0.5), (24, 0.33)], age=63, male=0.52)
    # everolimus (RADIANT-3: median 11.0, S(18) 0.34); age about 58
    fit("everolimus.ttp", [(11.0, 0.5), (18, 0.34)], age=58, male=0.53)
    # sunitinib (median 11.4); age about 56
    fit("sunitinib.ttp", [(11.4, 0.5)], age=56, male=0.49)
    # PRRT (NETTER-1 S(20) 0.652; Rotterdam cohort median 29); age about 63
    fit("lutetium.ttp", [(20, 0.652), (29, 0.5)], age=63, male=0.5)
    # resection, complete: RFS S(60) 0.30 (Muttillo 2022), S(120) 0.18 (Maspero 2022,
    # fits.yaml), perioperative mortality 0.013 (Scoville 2020); age about 58
    fit("resection.ttp (all resections)", [(60, 0.30), (120, 0.18)], age=58, male=0.51,
        periop=0.013)
    # transplant: ELTR DFS S(60) 0.30 with 3-month mortality 0.10; age about 45
    fit("transplant.ttp", [(60, 0.30)], age=45, male=0.55, periop=0.10)
    # IAT: hepatic PFS medians by grade (Chen 2017) 18.5 / 12.2 / 4.9; age about 60
    for g, med in (("G1", 18.5), ("G2", 12.2), ("G3", 4.9)):
        dc = DEATH_CONTROLLED_RATE * (3.0 if g == "G3" else 1.0)
        fit("tace hepatic PFS %s" % g, [(med, 0.5)], age=60, male=0.57, dc=dc,
            note="hepatic progression rate; divide by p_hepatic for all progressions")

    out = []
    for name, fam, par, pub, net, note in FITS:
        ps = ", ".join("%s %.4g" % kv for kv in par.items())
        pubs = "; ".join("S(%g) %.3g" % x for x in pub)
        nets = "; ".join("S(%g) %.4f" % x for x in net)
        out.append("%-32s %-7s %-28s published %s -> net %s%s" %
                   (name, fam, ps, pubs, nets, ("  [" + note + "]") if note else ""))
    iat = {g: p["rate"] for (n, _, p, _, _, _) in FITS if n.startswith("tace")
           for g in [n.split()[-1]]}
    p_hep = 0.7
    out.append("tace.ttp exp rate (G1) %.4g; hr.grade G2 %.3g, G3 %.3g (p_hepatic %.2g)" %
               (iat["G1"] / p_hep, iat["G2"] / iat["G1"], iat["G3"] / iat["G1"], p_hep))
    print("\n".join(out))
    if args.check:
        with open(os.path.join(ROOT, "params", "nelm", "modalities.yaml")) as f:
            text = f.read()
        missing = []
        for name, fam, par, _, _, _ in FITS:
            inst = name.split(".")[0].split()[0]
            m = re.search(r"^  %s:\n(.*?)(?=^  \S|\Z)" % re.escape(inst), text, re.M | re.S)
            ttp = re.search(r"^    ttp: (.*)$", m.group(1), re.M) if m else None
            for k, v in par.items():
                if inst == "tace":
                    continue  # checked below: the rate is for all progressions
                if not ttp or not re.search(r"\b%s: %s\b" % (k, re.escape("%.4g" % v)),
                                            ttp.group(1)):
                    missing.append("%s %s %.4g" % (name, k, v))
        m = re.search(r"^  tace:\n(.*?)(?=^  \S|\Z)", text, re.M | re.S)
        want = ["rate: %.4g" % (iat["G1"] / p_hep), "G2: %.3g" % (iat["G2"] / iat["G1"]),
                "G3: %.3g" % (iat["G3"] / iat["G1"])]
        for w in want:
            if not m or w not in m.group(1):
                missing.append("tace " + w)
        if missing:
            print("params/nelm/modalities.yaml lacks: " + ", ".join(missing), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
