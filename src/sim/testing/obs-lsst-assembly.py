"""Assemble simulated raws the way obs_lsst does, with astropy (test helper).

usage: obs-lsst-assembly.py SPEC.json
SPEC: {"raws": [{"path", "vendor": "ITL"|"E2V", "nx", "ny", "prescan", "ours"}]}, where
"ours" is promptly's assembled image (float32, little-endian, ny*2 rows of nx*8).
Prints {"raws": [{path, problems, max_abs_diff_camera, max_abs_diff_dtv}]}.

The camera's amplifier geometry (obs_lsst camera description, eotest AmplifierGeometry and
real ComCam/LSSTCam raw headers): HDU k = 1..8 is Segment1(k-1), at grid column k-1 of the
bottom row, read out from its right edge (flipped in x); HDU k = 9..16 is Segment0(16-k), at
column 16-k of the top row, read out from the top (flipped in y) and, for ITL sensors, from
the right edge too (e2v: not flipped in x). Each amp's imaging pixels are raw columns
[prescan, prescan + nx) and rows [0, ny) (0-based). Assembly as AssembleCcdTask does it:
cut the data box, apply the amp's flips, paste it at (column * nx, row * ny). Independently,
the image is assembled again from each amp's DTV1/DTV2/DTM1_1/DTM2_2 header keywords.
"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits


def camera_amps(vendor):
    """(hdu, extname, column, row, flip_x, flip_y) of each amplifier of a sensor."""
    amps = []
    for k in range(1, 17):
        if k <= 8:
            amps.append((k, f"Segment1{k - 1}", k - 1, 0, True, False))
        else:
            amps.append((k, f"Segment0{16 - k}", 16 - k, 1, vendor == "ITL", True))
    return amps


def assemble_by_camera(hdul, vendor, nx, ny, prescan, problems):
    out = np.full((2 * ny, 8 * nx), np.nan)
    for hdu, name, col, row, flip_x, flip_y in camera_amps(vendor):
        h = hdul[hdu]
        if h.name.upper() != name.upper():
            problems.append(f"HDU {hdu} is {h.name}, camera has {name}")
        data = np.asarray(h.data, dtype=np.float64)[0:ny, prescan:prescan + nx]
        if flip_x:
            data = data[:, ::-1]
        if flip_y:
            data = data[::-1, :]
        out[row * ny:(row + 1) * ny, col * nx:(col + 1) * nx] = data
    return out


def assemble_by_dtv(hdul, nx, ny, problems):
    out = np.full((2 * ny, 8 * nx), np.nan)
    for h in hdul[1:]:
        if not h.is_image or h.data is None:
            continue
        hd = h.header
        if hd.get("DTM1_2", 0) != 0 or hd.get("DTM2_1", 0) != 0:
            problems.append(f"{h.name} has a rotating DTM")
        x1, x2, y1, y2 = [int(v) for v in hd["DATASEC"].strip("[]").replace(",", ":").split(":")]
        ax = np.arange(x1, x2 + 1)
        ay = np.arange(y1, y2 + 1)
        dx = (hd["DTV1"] + hd["DTM1_1"] * ax).astype(int) - 1
        dy = (hd["DTV2"] + hd["DTM2_2"] * ay).astype(int) - 1
        data = np.asarray(h.data, dtype=np.float64)[y1 - 1:y2, x1 - 1:x2]
        out[np.ix_(dy, dx)] = data
    return out


def check(spec):
    problems = []
    out = {"path": spec["path"]}
    nx, ny, prescan = spec["nx"], spec["ny"], spec["prescan"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fits.open(spec["path"]) as hdul:
            by_camera = assemble_by_camera(hdul, spec["vendor"], nx, ny, prescan, problems)
            by_dtv = assemble_by_dtv(hdul, nx, ny, problems)
            detsize = hdul[0].header.get("DETSIZE")
            if detsize != f"[1:{8 * nx},1:{2 * ny}]":
                problems.append(f"DETSIZE {detsize}")
    ours = np.fromfile(spec["ours"], dtype="<f4").astype(np.float64).reshape(2 * ny, 8 * nx)
    for name, img in (("camera", by_camera), ("dtv", by_dtv)):
        if np.isnan(img).any():
            problems.append(f"{name} assembly leaves {int(np.isnan(img).sum())} pixels empty")
        out[f"max_abs_diff_{name}"] = float(np.nanmax(np.abs(img - ours)))
    return {**out, "problems": problems}


with open(sys.argv[1]) as fh:
    SPEC = json.load(fh)
print(json.dumps({"raws": [check(r) for r in SPEC["raws"]]}))
