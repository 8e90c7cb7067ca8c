"""Reference galaxy image for galaxy-render.astropy.test.ts, from astropy alone.

argv[1]: JSON {n, re_px, q, theta_deg, alpha_px, beta, size, x0, y0}; argv[2]: output path.
Writes size*size float64 (little-endian, row-major): astropy's Sersic2D convolved with its
Moffat2D on a 9x oversampled grid (astropy.convolution.convolve_fft), point-sampled at pixel
centres, scaled to unit total flux.
"""
import json
import sys

import numpy as np
from astropy.convolution import convolve_fft
from astropy.modeling.models import Moffat2D, Sersic2D

p = json.loads(sys.argv[1])
over = 9
size = p["size"]
# fine grid: pixel centres of the coarse image fall on fine points (over is odd)
fine = size * over
coords = (np.arange(fine) - (over - 1) / 2) / over
yy, xx = np.meshgrid(coords, coords, indexing="ij")
galaxy = Sersic2D(
    amplitude=1.0,
    r_eff=p["re_px"],
    n=p["n"],
    x_0=p["x0"],
    y_0=p["y0"],
    ellip=1 - p["q"],
    theta=np.radians(p["theta_deg"]),
)(xx, yy)
half = int(np.ceil(8 * p["alpha_px"] * over)) | 1
k = (np.arange(2 * half + 1) - half) / over
ky, kx = np.meshgrid(k, k, indexing="ij")
kernel = Moffat2D(amplitude=1.0, x_0=0, y_0=0, gamma=p["alpha_px"], alpha=p["beta"])(kx, ky)
kernel /= kernel.sum()
image = convolve_fft(galaxy, kernel, boundary="fill", fill_value=0.0, normalize_kernel=False)
total = image.sum() / over**2  # integral over the plane, in coarse pixels
sampled = image[(over - 1) // 2 :: over, (over - 1) // 2 :: over] / total
sampled.astype("<f8").tofile(sys.argv[2])
