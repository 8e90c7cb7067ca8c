"""Catalog sky positions to pixels with the WCS of a raw's primary header (test helper).

usage: sky-to-pix.py RAW.fits RADEC.json
RADEC.json holds {"ra": [...], "dec": [...]} in degrees; prints {"x": [...], "y": [...]}
0-based detector pixels from astropy's all_world2pix (SIP included).
"""
import json
import sys
import warnings

from astropy.io import fits
from astropy.wcs import WCS

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    header = fits.getheader(sys.argv[1], 0)
    wcs = WCS(header)
    with open(sys.argv[2]) as f:
        radec = json.load(f)
    x, y = wcs.all_world2pix(radec["ra"], radec["dec"], 0, tolerance=1e-8)
print(json.dumps({"x": [float(v) for v in x], "y": [float(v) for v in y]}))
