"""Check a template coadd file with astropy (test helper).

usage: template-coadd-check.py TEMPLATE.fits STARS.json NOISELESS.fits
STARS.json: {"ra": [...], "dec": [...]} of bright catalog stars on the template;
NOISELESS.fits: the same coadd made without its inputs' noise (a plain float image).
Prints {"hdus": [[name, kind, shape]], "primary": {NSTACK, PSFMODEL, PSFFWHM, PSFHDU},
"ctype": {extname: [...]}, "inputs": rows, "mask_planes": {name: bit}, "psf_fwhm_px",
"star_fwhm_px": median, "stars": n, "noise_ratio"}: astropy opens every HDU; a Moffat2D plus
a constant is fitted (astropy.modeling, Levenberg-Marquardt) to the PSF image and to each
isolated star (no other pixel beyond its core above 10 % of its peak in a 21 x 21 stamp);
noise_sigma is the robust sigma (1.4826 MAD) of (image - noiseless) / sqrt(variance) and
lag1_x, lag1_y the lag-1 autocorrelations of that normalised noise along rows and columns.
"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.modeling import fitting, models
from astropy.wcs import WCS


def fit_fwhm(stamp):
    r = stamp.shape[0] // 2
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    peak = float(stamp.max())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = fitting.LevMarLSQFitter()(
            models.Moffat2D(amplitude=peak, x_0=0, y_0=0, gamma=3, alpha=3.5) + models.Const2D(0),
            xx, yy, stamp)
    return float(m[0].fwhm)


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    hdul = fits.open(sys.argv[1])
    hdus = [[h.name, type(h).__name__,
             list(h.data.shape) if h.data is not None and hasattr(h.data, "shape") else []]
            for h in hdul]
    prim = hdul[0].header
    image = np.asarray(hdul["IMAGE"].data, dtype=np.float64)
    variance = np.asarray(hdul["VARIANCE"].data, dtype=np.float64)
    mask = np.asarray(hdul["MASK"].data)
    psf = np.asarray(hdul["PSF"].data, dtype=np.float64)
    ctype = {n: list(WCS(hdul[n].header).wcs.ctype) for n in ("IMAGE", "MASK", "VARIANCE")}
    wcs = WCS(hdul["IMAGE"].header)
    inputs = hdul["INPUTS"].data
    rows = [{c: float(inputs[c][i]) for c in inputs.columns.names} for i in range(len(inputs))]
    mask_planes = {k[3:]: int(v) for k, v in hdul["MASK"].header.items() if k.startswith("MP_")}

with open(sys.argv[2]) as f:
    radec = json.load(f)
x, y = wcs.all_world2pix(radec["ra"], radec["dec"], 0)
ny, nx = image.shape
r = 10
fwhms = []
for xi, yi in zip(x, y):
    ix, iy = int(round(float(xi))), int(round(float(yi)))
    if ix < r or iy < r or ix >= nx - r or iy >= ny - r:
        continue
    stamp = image[iy - r:iy + r + 1, ix - r:ix + r + 1]
    peak = stamp[r - 1:r + 2, r - 1:r + 2].max()
    others = stamp.copy()
    others[r - 4:r + 5, r - 4:r + 5] = 0
    if not np.all(np.isfinite(stamp)) or others.max() > 0.1 * peak:
        continue
    f = fit_fwhm(stamp)
    if np.isfinite(f) and 0 < f < 30:
        fwhms.append(f)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    noiseless = np.asarray(fits.getdata(sys.argv[3]), dtype=np.float64)
z = (image - noiseless) / np.sqrt(variance)
z = np.where(mask == 0, z, np.nan)
zf = z[np.isfinite(z)]
sigma = 1.4826 * np.median(np.abs(zf - np.median(zf)))
ms = np.nanmean(z * z)
lag1_x = float(np.nanmean(z[:, 1:] * z[:, :-1]) / ms)
lag1_y = float(np.nanmean(z[1:, :] * z[:-1, :]) / ms)
print(json.dumps({
    "hdus": hdus,
    "primary": {k: prim[k] for k in ("NSTACK", "PSFMODEL", "PSFFWHM", "PSFHDU")},
    "ctype": ctype,
    "inputs": rows,
    "mask_planes": mask_planes,
    "psf_sum": float(psf.sum()),
    "psf_fwhm_px": fit_fwhm(psf),
    "star_fwhm_px": float(np.median(fwhms)) if fwhms else None,
    "stars": len(fwhms),
    "noise_sigma": float(sigma),
    "lag1_x": lag1_x,
    "lag1_y": lag1_y,
}))
