"""Reference transforms by astropy.wcs for the promptly WCS tests.

Usage: astropy-wcs.py IN.json OUT.json
IN:  {"tolerance": px, "cases": [{"header": {KEY: value}, "pix": {"x": [...], "y": [...]},
      "sky": {"ra": [...], "dec": [...]}, "footprint": [width, height] | null}]}
OUT: {"astropy": version, "cases": [{"pix2world": {"ra", "dec"}, "world2pix": {"x", "y"},
      "world2pixPoly": {"x", "y"} | null, "footprint": {"ra", "dec"} | null,
      "footprintEdges": {"ra", "dec"} | null}]}
Pixel coordinates are 0-based (origin 0). NaN is written as null.
"""
import json
import math
import sys
import warnings

import astropy
import numpy as np
from astropy.io import fits
from astropy.wcs import WCS


def clean(a):
    return [None if not math.isfinite(v) else float(v) for v in np.asarray(a, dtype=float)]


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    tol = float(spec.get("tolerance", 1e-11))
    out = []
    for case in spec["cases"]:
        h = fits.Header()
        for k, v in case["header"].items():
            h[k] = v
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w = WCS(h)
        px = np.array(case["pix"]["x"], dtype=float)
        py = np.array(case["pix"]["y"], dtype=float)
        ra, dec = w.all_pix2world(px, py, 0)
        sra = np.array(case["sky"]["ra"], dtype=float)
        sdec = np.array(case["sky"]["dec"], dtype=float)
        x, y = w.all_world2pix(
            sra, sdec, 0, tolerance=tol, maxiter=200, adaptive=False, detect_divergence=True, quiet=False
        )
        poly = None
        if w.sip is not None and w.sip.ap is not None:
            # Apply AP/BP as the SIP convention defines them: focal offsets from CRPIX
            # (core WCS only, no distortion), then sip_foc2pix (origin 1 = offsets as given,
            # result 1-based absolute pixels).
            fx, fy = w.wcs_world2pix(sra, sdec, 1)
            crpix = w.wcs.crpix
            qx, qy = w.sip_foc2pix(fx - crpix[0], fy - crpix[1], 1)
            poly = {"x": clean(qx - 1), "y": clean(qy - 1)}
        fp = None
        fpe = None
        if case.get("footprint"):
            c = w.calc_footprint(axes=tuple(case["footprint"]), undistort=True, center=True)
            fp = {"ra": clean(c[:, 0]), "dec": clean(c[:, 1])}
            e = w.calc_footprint(axes=tuple(case["footprint"]), undistort=True, center=False)
            fpe = {"ra": clean(e[:, 0]), "dec": clean(e[:, 1])}
        out.append(
            {
                "pix2world": {"ra": clean(ra), "dec": clean(dec)},
                "world2pix": {"x": clean(x), "y": clean(y)},
                "world2pixPoly": poly,
                "footprint": fp,
                "footprintEdges": fpe,
            }
        )
    with open(sys.argv[2], "w") as f:
        json.dump({"astropy": astropy.__version__, "cases": out}, f)


if __name__ == "__main__":
    main()
