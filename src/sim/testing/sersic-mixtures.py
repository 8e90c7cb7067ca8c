"""Fits the Gaussian mixtures of src/sim/galaxy-render.ts (run with /usr/bin/python3; needs scipy).

Sérsic n = 1 and n = 4 (r_e = 1, unit flux) are fitted to their surface brightness in log and
their enclosed flux over log-spaced radii; the Moffat beta = 3.5 (alpha = 1) to its flux-weighted
surface brightness. Prints amplitudes and variances with the accuracy quoted in that file.
"""
import numpy as np
from scipy.optimize import least_squares
from scipy.special import gammaincinv, gamma, gammainc


def sersic(r, n):
    b = gammaincinv(2 * n, 0.5)
    norm = 2 * np.pi * n * np.exp(b) * gamma(2 * n) / b ** (2 * n)
    return np.exp(-b * (r ** (1 / n) - 1)) / norm


def sersic_enclosed(r, n):
    b = gammaincinv(2 * n, 0.5)
    return gammainc(2 * n, b * r ** (1 / n))


def mixture(p, K, r):
    a = np.exp(p[:K])
    v = np.exp(p[K:])
    image = (a / (2 * np.pi * v) * np.exp(-r[:, None] ** 2 / (2 * v))).sum(1)
    enclosed = (a * (1 - np.exp(-r[:, None] ** 2 / (2 * v)))).sum(1)
    return image, enclosed


def fit_sersic(n, K, rmin, rmax, log_var_range):
    r = np.logspace(np.log10(rmin), np.log10(rmax), 400)
    f = sersic(r, n)
    L = sersic_enclosed(r, n)

    def resid(p):
        m, Lm = mixture(p, K, r)
        return np.concatenate([0.3 * np.log(m / f), 10 * (Lm - L), [30 * (np.exp(p[:K]).sum() - 1)]])

    p0 = np.concatenate([np.log(np.ones(K) / K), np.linspace(*log_var_range, K)])
    res = least_squares(resid, p0, max_nfev=50000, xtol=1e-15, ftol=1e-15)
    m, Lm = mixture(res.x, K, r)
    order = np.argsort(res.x[K:])
    return np.exp(res.x[:K])[order], np.exp(res.x[K:])[order], np.abs(m / f - 1).max(), np.abs(Lm - L).max()


def fit_moffat(K, beta=3.5, rmax=20):
    r = np.concatenate([np.linspace(1e-4, 0.05, 200), np.linspace(0.05, rmax, 4000)])
    f = (beta - 1) / np.pi * (1 + r * r) ** (-beta)
    w = np.sqrt(2 * np.pi * r)

    def resid(p):
        return (mixture(p, K, r)[0] - f) * w / np.sqrt(f.max())

    p0 = np.concatenate([np.log(np.ones(K) / K), np.linspace(-2, 2.5, K)])
    res = least_squares(resid, p0, max_nfev=20000, xtol=1e-14, ftol=1e-14)
    m = mixture(res.x, K, r)[0]
    rel = np.sqrt(np.trapz((m - f) ** 2 * 2 * np.pi * r, r) / np.trapz(f ** 2 * 2 * np.pi * r, r))
    order = np.argsort(res.x[K:])
    return np.exp(res.x[:K])[order], np.exp(res.x[K:])[order], rel


for n, K, rmin, rmax, lv in [(1, 6, 0.02, 8, (-7, 1.5)), (4, 8, 0.05, 10, (-14, 3.5))]:
    a, v, sb, enc = fit_sersic(n, K, rmin, rmax, lv)
    print(f"sersic n={n}: max |I/I0 - 1| = {sb:.3f}, max |dL| = {enc:.4f}")
    print("  amp", ", ".join(f"{x:.6g}" for x in a))
    print("  var", ", ".join(f"{x:.6g}" for x in v))
a, v, rel = fit_moffat(4)
print(f"moffat beta=3.5: flux-weighted residual {rel:.4f}")
print("  amp", ", ".join(f"{x:.6g}" for x in a))
print("  var", ", ".join(f"{x:.6g}" for x in v))
