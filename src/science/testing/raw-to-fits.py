"""Write a raw little-endian float32 image as a FITS primary HDU (test helper).

usage: raw-to-fits.py RAW WIDTH HEIGHT OUT.fits
"""
import sys

import numpy as np
from astropy.io import fits

raw, width, height, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
data = np.fromfile(raw, dtype="<f4").reshape(height, width)
fits.PrimaryHDU(data=data).writeto(out, overwrite=True)
