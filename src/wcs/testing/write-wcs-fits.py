"""Writes a FITS file for the `promptly wcs` CLI tests, with astropy.

Usage: write-wcs-fits.py HEADER.json OUT.fits
HDU 0: small primary image without WCS; HDU 1: 16x16 int16 image with the given header
keywords; HDU 2: the same image Rice tile-compressed (astropy CompImageHDU).
"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits


def main():
    with open(sys.argv[1]) as f:
        keys = json.load(f)
    data = np.arange(256, dtype=np.int16).reshape(16, 16)
    primary = fits.PrimaryHDU(np.zeros((2, 2), dtype=np.int16))
    image = fits.ImageHDU(data, name="SCI")
    comp = fits.CompImageHDU(data, name="COMP", compression_type="RICE_1")
    for hdu in (image, comp):
        for k, v in keys.items():
            hdu.header[k] = v
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fits.HDUList([primary, image, comp]).writeto(sys.argv[2], overwrite=True)


if __name__ == "__main__":
    main()
