"""Reference site astronomy from astropy for src/sim/sky tests.

Reads JSON on stdin: {"site": {latitudeDeg, longitudeDeg, heightM},
"stars": [{"ra", "dec", "utcMs"}], "times": [utcMs]} and writes JSON with, per star, its
geometric alt/az (AltAz frame, pressure 0: no refraction), and per time the Greenwich mean
and apparent sidereal time, the Sun's and the Moon's topocentric alt/az and the Moon's
illuminated fraction (astroplan's definition, from geocentric positions). Offline: IERS
auto-download is off and UT1 falls back to degraded accuracy (~1 s) outside the bundled
IERS tables.
"""
import json
import sys
import warnings

import numpy as np
from astropy.utils import iers

iers.conf.auto_download = False
iers.conf.iers_degraded_accuracy = "ignore"
warnings.simplefilter("ignore")

import astropy.units as u  # noqa: E402
from astropy.coordinates import AltAz, EarthLocation, SkyCoord, get_body, get_sun  # noqa: E402
from astropy.time import Time  # noqa: E402

req = json.load(sys.stdin)
s = req["site"]
loc = EarthLocation.from_geodetic(s["longitudeDeg"] * u.deg, s["latitudeDeg"] * u.deg, s["heightM"] * u.m)
out = {"stars": [], "times": []}

if req["stars"]:
    t = Time(np.array([x["utcMs"] for x in req["stars"]]) / 1000.0, format="unix", scale="utc")
    c = SkyCoord(np.array([x["ra"] for x in req["stars"]]) * u.deg, np.array([x["dec"] for x in req["stars"]]) * u.deg)
    aa = c.transform_to(AltAz(obstime=t, location=loc))
    out["stars"] = [{"alt": float(a), "az": float(z)} for a, z in zip(aa.alt.deg, aa.az.deg)]

if req["times"]:
    t = Time(np.array(req["times"]) / 1000.0, format="unix", scale="utc")
    frame = AltAz(obstime=t, location=loc)
    sun = get_sun(t).transform_to(frame)
    moon = get_body("moon", t, loc).transform_to(frame)
    gsun = get_sun(t)
    gmoon = get_body("moon", t)
    elong = gsun.separation(gmoon)
    i = np.arctan2(gsun.distance * np.sin(elong), gmoon.distance - gsun.distance * np.cos(elong))
    illum = (1 + np.cos(i)) / 2
    gmst = t.sidereal_time("mean", longitude=0 * u.deg).deg
    gast = t.sidereal_time("apparent", longitude=0 * u.deg).deg
    for k in range(len(t)):
        out["times"].append(
            {
                "gmst": float(gmst[k]),
                "gast": float(gast[k]),
                "sunAlt": float(sun.alt.deg[k]),
                "sunAz": float(sun.az.deg[k]),
                "moonAlt": float(moon.alt.deg[k]),
                "moonAz": float(moon.az.deg[k]),
                "moonIllumination": float(illum[k]),
            }
        )

json.dump(out, sys.stdout)
