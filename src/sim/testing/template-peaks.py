"""Template pixels at catalog positions, with astropy (test helper).

usage: template-peaks.py TEMPLATE.fits RADEC.json
Opens the template (a compressed float image HDU with a TAN WCS), converts each (ra, dec)
to 0-based pixels with astropy and prints {"shape": [ny, nx], "ctype": [...], "x": [...],
"y": [...], "value": [...], "sigma": robust background sigma}; value is the template pixel
nearest each position (NaN off the image).
"""
import json
import math
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    with fits.open(sys.argv[1]) as hdul:
        hdu = hdul[1]
        data = np.asarray(hdu.data, dtype=np.float64)
        wcs = WCS(hdu.header)
    with open(sys.argv[2]) as f:
        radec = json.load(f)
    x, y = wcs.all_world2pix(radec["ra"], radec["dec"], 0)
ny, nx = data.shape
values = []
for xi, yi in zip(x, y):
    ix, iy = int(round(xi)), int(round(yi))
    values.append(float(data[iy, ix]) if 0 <= ix < nx and 0 <= iy < ny else math.nan)
mad = float(np.median(np.abs(data - np.median(data))))
print(json.dumps({
    "shape": [ny, nx],
    "ctype": list(wcs.wcs.ctype),
    "x": [float(v) for v in x],
    "y": [float(v) for v in y],
    "value": values,
    "sigma": 1.4826 * mad,
}))
