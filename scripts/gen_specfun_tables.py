#!/usr/bin/python3
"""Coefficient tables of sim/specfun.c, computed with mpmath at 120 digits.

    /usr/bin/python3 scripts/gen_specfun_tables.py            print the tables
    /usr/bin/python3 scripts/gen_specfun_tables.py --check    compare them with
        sim/specfun_temme.h and sim/specfun.c (exit 1 on any difference)

Tables:
  temme_dK[n]  Taylor coefficients d_{k,n} of Temme's C_k(eta) in the uniform
               asymptotic expansion of the incomplete gamma ratios (Temme 1979;
               DLMF 8.12): C_0 = 1/mu - 1/eta, C_k = (1/eta) C_{k-1}'(eta)
               + (-1)^k gamma_k / mu, with eta^2/2 = mu - log(1 + mu) and gamma_k
               the coefficients of Gamma*(a) ~ sum gamma_k a^-k. Rows are cut
               where every dropped term is below 1e-19 for a >= 20, |eta| <= 1.
  temme_bound  max over |eta| <= 1 of |C_k| (sum of |d_{k,n}|).
  lgam2_c      (-1)^k (zeta(k) - 1) / k, k = 2.., the Taylor series of
               log Gamma(2 + t) (Abramowitz & Stegun 6.1.33 shifted by one).
  stirling_c   B_{2k} / (2k (2k - 1)), k = 1..8.
"""
import os
import re
import sys

import mpmath as mp

mp.mp.dps = 120
K, N = 14, 40          # C_0..C_K, Taylor terms per row before truncation
AMIN, ETAMAX, TOL = 20, 1, mp.mpf("1e-19")


def mul(a, b, n):
    r = [mp.mpf(0)] * n
    for i, ai in enumerate(a[:n]):
        if ai:
            for j, bj in enumerate(b[:n - i]):
                r[i + j] += ai * bj
    return r


def ser_inv(a, n):
    r = [mp.mpf(0)] * n
    r[0] = 1 / a[0]
    for m in range(1, n):
        r[m] = -sum(a[i] * r[m - i] for i in range(1, min(m, len(a) - 1) + 1)) / a[0]
    return r


def ser_log(a, n):  # a[0] == 1: log a = integral of a'/a
    da = [(i + 1) * a[i + 1] for i in range(n - 1)] + [0]
    q = mul(da, ser_inv(a, n), n)
    return [mp.mpf(0)] + [q[i - 1] / i for i in range(1, n)]


def ser_exp(a, n):  # a[0] == 0: r' = a' r
    r = [mp.mpf(0)] * n
    r[0] = mp.mpf(1)
    da = [(i + 1) * a[i + 1] for i in range(n - 1)] + [0]
    for m in range(1, n):
        r[m] = sum(da[i] * r[m - 1 - i] for i in range(m)) / m
    return r


def temme_rows():
    m_ord = N + 2 * K + 4
    # g(mu) = 2 (mu - log(1 + mu)) / mu^2 = sum 2 (-1)^j mu^j / (j + 2)
    g = [2 * mp.mpf((-1) ** j) / (j + 2) for j in range(m_ord + 2)]
    lg = ser_log(g, m_ord + 2)
    # Lagrange inversion: [eta^n] mu = (1/n) [mu^(n-1)] g^(-n/2)
    mu = [mp.mpf(0)] * (m_ord + 1)
    for n in range(1, m_ord + 1):
        mu[n] = ser_exp([-mp.mpf(n) / 2 * c for c in lg], n)[n - 1] / n
    inv_mu = ser_inv(mu[1:], m_ord)  # eta / mu
    d = [[inv_mu[i + 1] for i in range(m_ord - 1)][:N + 2 * K + 2]]
    gam = [mp.mpf(1)]
    for k in range(1, K + 1):
        prev = d[-1]
        gk = -((-1) ** k) * prev[1]  # the 1/eta term of (1/eta) C' must cancel
        gam.append(gk)
        d.append([(m + 2) * prev[m + 2] + ((-1) ** k) * gk * inv_mu[m + 1]
                  for m in range(len(prev) - 2)])
    # gamma_k must be Stirling's: Gamma*(a) = exp(sum B_2j / (2j(2j-1)) a^(1-2j))
    st = [mp.mpf(0)] * (K + 2)
    for j in range(1, K // 2 + 2):
        if 2 * j - 1 <= K + 1:
            st[2 * j - 1] = mp.bernoulli(2 * j) / (2 * j * (2 * j - 1))
    ex = ser_exp(st, K + 2)
    for k in range(K + 1):
        assert abs(ex[k] - gam[k]) < mp.mpf(10) ** -80 * (1 + abs(gam[k])), k
    rows, bounds = [], []
    for k, r in enumerate(d[:K]):
        r = r[:N]
        n = len(r)
        while n > 1 and all(abs(r[m]) * ETAMAX ** m / mp.mpf(AMIN) ** k < TOL
                            for m in range(n - 1, len(r))):
            n -= 1
        rows.append([float(v) for v in r[:n]])
        bounds.append(float(sum(abs(c) * ETAMAX ** m for m, c in enumerate(r))))
    return rows, bounds


def lgam2_coefs():
    out = []
    for k in range(2, 40):
        c = (-1) ** k * (mp.zeta(k) - 1) / k
        out.append(float(c))
        if abs(c) * mp.mpf(0.5) ** k < TOL * mp.mpf(0.2):
            break
    return out


def stirling_coefs():
    return [float(mp.bernoulli(2 * k) / (2 * k * (2 * k - 1))) for k in range(1, 9)]


def tables():
    rows, bounds = temme_rows()
    t = {"temme_d%d" % k: r for k, r in enumerate(rows)}
    t["temme_bound"] = bounds
    t["lgam2_c"] = lgam2_coefs()
    t["stirling_c"] = stirling_coefs()
    return t


def parse_c(path):
    """name -> list of floats for every 'static const double name[n] = {...};'."""
    text = open(path, encoding="utf-8").read()
    found = {}
    for m in re.finditer(r"static const double (\w+)\[\d+\] = \{(.*?)\};", text, re.S):
        body = re.sub(r"/\*.*?\*/", "", m.group(2), flags=re.S)
        vals = []
        for item in body.split(","):
            item = item.strip()
            if item:
                vals.append(float(eval(item, {"__builtins__": {}})))  # literals and a/b
        found[m.group(1)] = vals
    return found


def check(t):
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sim")
    have = {}
    for f in ("specfun_temme.h", "specfun.c"):
        have.update(parse_c(os.path.join(src, f)))
    bad = 0
    for name, want in t.items():
        got = have.get(name)
        if got is None:
            print("missing table %s" % name)
            bad += 1
            continue
        # every coefficient bit for bit; temme_bound is printed to 3 digits
        # (it only decides where the sum over k stops)
        rel = 5e-3 if name == "temme_bound" else 0.0
        if len(got) != len(want) or any(abs(a - b) > rel * abs(b) for a, b in zip(got, want)):
            print("table %s differs from the computed values" % name)
            bad += 1
    print("%d passed, %d failed" % (len(t) - bad, bad))
    return bad == 0


def main():
    t = tables()
    if "--check" in sys.argv[1:]:
        sys.exit(0 if check(t) else 1)
    for name, vals in t.items():
        print("static const double %s[%d] = {" % (name, len(vals)))
        for i in range(0, len(vals), 4):
            print("    " + " ".join(repr(v) + "," for v in vals[i:i + 4]))
        print("};")


if __name__ == "__main__":
    main()
