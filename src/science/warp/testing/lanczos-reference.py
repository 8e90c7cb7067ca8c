"""Independent Lanczos-3 warp for the promptly warp tests: astropy.wcs maps each destination
pixel to the source (all_pix2world, then all_world2pix), numpy resamples with a normalised
6x6 Lanczos-3 kernel, taps outside the source dropped and the weights renormalised.

Usage: lanczos-reference.py IN.json OUT.json
IN:  {"dest": {"header": {...}, "width": w, "height": h},
      "src": {"header": {...}, "width": w, "height": h, "data": [row-major floats]}}
OUT: {"data": [row-major floats or null where uncovered]}
"""
import json
import math
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS


def wcs_of(header):
    h = fits.Header()
    for k, v in header.items():
        h[k] = v
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return WCS(h)


def lanczos3(d):
    d = np.asarray(d, dtype=float)
    out = np.sinc(d) * np.sinc(d / 3.0)
    out[np.abs(d) >= 3] = 0.0
    return out


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    dw, dh = spec["dest"]["width"], spec["dest"]["height"]
    sw, sh = spec["src"]["width"], spec["src"]["height"]
    img = np.array(spec["src"]["data"], dtype=float).reshape(sh, sw)
    dwcs = wcs_of(spec["dest"]["header"])
    swcs = wcs_of(spec["src"]["header"])
    yy, xx = np.mgrid[0:dh, 0:dw]
    ra, dec = dwcs.all_pix2world(xx.ravel().astype(float), yy.ravel().astype(float), 0)
    sx, sy = swcs.all_world2pix(ra, dec, 0, tolerance=1e-10)
    out = []
    for x, y in zip(sx, sy):
        if not (-0.5 <= x < sw - 0.5 and -0.5 <= y < sh - 0.5):
            out.append(None)
            continue
        ix, iy = math.floor(x), math.floor(y)
        px = np.arange(ix - 2, ix + 4)
        py = np.arange(iy - 2, iy + 4)
        wx = lanczos3(x - px)
        wy = lanczos3(y - py)
        wx, wy = wx / wx.sum(), wy / wy.sum()
        okx = (px >= 0) & (px < sw)
        oky = (py >= 0) & (py < sh)
        w = np.outer(wy[oky], wx[okx])
        patch = img[np.ix_(py[oky], px[okx])]
        out.append(float((w * patch).sum() / w.sum()))
    with open(sys.argv[2], "w") as f:
        json.dump({"data": out}, f)


main()
