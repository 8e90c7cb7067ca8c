"""Independent reference for src/science/ephemeris: reads JSON {orbits, times} on stdin.

Each orbit is heliocentric Keplerian elements in the J2000 ecliptic (epochMjdTt, aAu, e,
incDeg, nodeDeg, argPeriDeg, meanAnomalyDeg); times are MJD TT. For each (orbit, time) it
solves Kepler's equation with numpy (its own Newton iteration), takes the Earth's
heliocentric position from astropy (get_body_barycentric('earth') - ('sun'), ERFA epv00,
ICRS), applies light time, and writes the geocentric astrometric RA/Dec (degrees), Delta and
r (AU), plus the Earth's heliocentric ICRS position (AU), as JSON on stdout.
"""
import json
import sys

import numpy as np
from astropy.coordinates import get_body_barycentric
from astropy.time import Time

K = 0.01720209895
C = 173.1446326846693  # AU/day
EPS = np.deg2rad(84381.448 / 3600.0)  # IAU 1976 J2000 obliquity (the ecliptic astropy's frames use)


def helio_ecliptic(o, t):
    a, e = o["aAu"], o["e"]
    n = K / a ** 1.5
    m = np.deg2rad(o["meanAnomalyDeg"]) + n * (t - o["epochMjdTt"])
    m = np.arctan2(np.sin(m), np.cos(m))
    E = m if e < 0.8 else np.pi
    for _ in range(100):
        d = (E - e * np.sin(E) - m) / (1 - e * np.cos(E))
        E -= d
        if abs(d) < 1e-15:
            break
    x = a * (np.cos(E) - e)
    y = a * np.sqrt(1 - e * e) * np.sin(E)
    w, O, i = (np.deg2rad(o[k]) for k in ("argPeriDeg", "nodeDeg", "incDeg"))
    # R3(-O) R1(-i) R3(-w) applied to (x, y, 0)
    def r3(a_):
        c, s = np.cos(a_), np.sin(a_)
        return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])

    def r1(a_):
        c, s = np.cos(a_), np.sin(a_)
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])

    return r3(O) @ r1(i) @ r3(w) @ np.array([x, y, 0.0])


def to_icrs(v):
    c, s = np.cos(EPS), np.sin(EPS)
    return np.array([v[0], c * v[1] - s * v[2], s * v[1] + c * v[2]])


def main():
    req = json.load(sys.stdin)
    times = np.array(req["times"], dtype=float)
    tt = Time(times, format="mjd", scale="tt")
    earth = (get_body_barycentric("earth", tt) - get_body_barycentric("sun", tt)).xyz.to("au").value.T
    out = []
    for o in req["orbits"]:
        rows = []
        for t, E in zip(times, earth):
            tau = 0.0
            for _ in range(5):
                p = to_icrs(helio_ecliptic(o, t - tau))
                tau = np.linalg.norm(p - E) / C
            p = to_icrs(helio_ecliptic(o, t - tau))
            rel = p - E
            d = np.linalg.norm(rel)
            ra = np.rad2deg(np.arctan2(rel[1], rel[0])) % 360.0
            dec = np.rad2deg(np.arcsin(rel[2] / d))
            rows.append({"ra": ra, "dec": dec, "delta": d, "r": float(np.linalg.norm(p)), "earth": E.tolist()})
        out.append(rows)
    json.dump(out, sys.stdout)


main()
