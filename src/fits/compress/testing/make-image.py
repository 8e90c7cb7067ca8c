#!/usr/bin/python3
"""Writes a test FITS image with sky-like content (background, Gaussian noise, stars).

usage: make-image.py OUT BITPIX WIDTH HEIGHT [--seed N] [--unsigned] [--extension]
       [--nan F] [--zeros F] [--noise S] [--background B]
BITPIX is 8, 16, 32, 64, -32 or -64. --unsigned writes BITPIX 16 with BZERO = 32768.
--extension puts the image in extension 1 (primary empty). --nan / --zeros set that
fraction of float pixels to NaN / 0.0.
"""
import argparse

import numpy as np
from astropy.io import fits

p = argparse.ArgumentParser()
p.add_argument('out')
p.add_argument('bitpix', type=int)
p.add_argument('width', type=int)
p.add_argument('height', type=int)
p.add_argument('--seed', type=int, default=1)
p.add_argument('--unsigned', action='store_true')
p.add_argument('--extension', action='store_true')
p.add_argument('--nan', type=float, default=0.0)
p.add_argument('--zeros', type=float, default=0.0)
p.add_argument('--noise', type=float, default=15.0)
p.add_argument('--background', type=float, default=1000.0)
p.add_argument('--mask', action='store_true', help='mostly-zero mask with flagged patches')
a = p.parse_args()

rng = np.random.default_rng(a.seed)
h, w = a.height, a.width
img = a.background + rng.normal(0.0, a.noise, size=(h, w))
yy, xx = np.mgrid[0:h, 0:w]
for _ in range(max(1, (w * h) // 4000)):
    x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
    flux = rng.uniform(500, 50000)
    s = rng.uniform(1.2, 3.0)
    img += flux / (2 * np.pi * s * s) * np.exp(-((xx - x0) ** 2 + (yy - y0) ** 2) / (2 * s * s))

if a.mask:
    data = np.zeros((h, w), dtype={8: np.uint8, 16: np.int16, 32: np.int32}[a.bitpix])
    top = {8: 255, 16: 32767, 32: 2**24 - 1}[a.bitpix]
    for _ in range(40):
        x0, y0 = rng.integers(0, w), rng.integers(0, h)
        data[y0:y0 + rng.integers(1, 30), x0:x0 + rng.integers(1, 60)] = rng.integers(1, top + 1)
    data.flat[rng.choice(data.size, data.size // 50, replace=False)] = rng.integers(1, 9)
elif a.bitpix == 8:
    data = np.clip((img - a.background) / 4 + 40, 0, 255).astype(np.uint8)
elif a.bitpix == 16 and a.unsigned:
    data = np.clip(img * 20, 0, 65535).astype(np.uint16)
elif a.bitpix == 16:
    data = np.clip(img * 10 - 15000, -32768, 32767).astype(np.int16)
elif a.bitpix == 32:
    data = (img * 1000 - 800000).astype(np.int32)
    data[0, :5] = [2147483647, -2147483648, 0, -1, 2147483647]
elif a.bitpix == 64:
    data = (img * 1000).astype(np.int64) - 2**40
elif a.bitpix == -32:
    data = img.astype(np.float32)
elif a.bitpix == -64:
    data = img.astype(np.float64)
else:
    raise SystemExit('bad BITPIX')

if a.bitpix < 0:
    n = data.size
    if a.zeros > 0:
        data.flat[rng.choice(n, int(n * a.zeros), replace=False)] = 0.0
    if a.nan > 0:
        data.flat[rng.choice(n, int(n * a.nan), replace=False)] = np.nan

hdr = fits.Header()
hdr['OBSERVER'] = ('promptly tests', 'who made this')
hdr['EXPTIME'] = (30.0, '[s] exposure time')
hdr['HISTORY'] = 'made by make-image.py'
if a.extension:
    fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(data, header=hdr, name='SCI')]).writeto(a.out, overwrite=True)
else:
    fits.PrimaryHDU(data, header=hdr).writeto(a.out, overwrite=True)
