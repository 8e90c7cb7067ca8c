#!/usr/bin/python3
"""Dumps the stored pixel values of HDU N of a FITS file (compressed or not), as astropy
reads them without scaling, to OUT as big-endian bytes of the image BITPIX.

usage: astropy-pixels.py IN HDU OUT
"""
import sys

import numpy as np
from astropy.io import fits

src, index, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with fits.open(src, do_not_scale_image_data=True) as hdul:
    data = np.ascontiguousarray(hdul[index].data)
with open(out, 'wb') as f:
    f.write(data.astype(data.dtype.newbyteorder('>')).tobytes())
