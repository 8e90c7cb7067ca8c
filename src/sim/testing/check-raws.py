"""Check simulated raws with astropy (test helper).

usage: check-raws.py RAW.fits [RAW.fits ...]
Prints one JSON object: {"files": [{path, ok, problems, amps, compressed, wcs_center}]}.
Every raw must have a primary header with the camera/header-service keywords, 16 amplifier
HDUs (Segment00..17) whose DATASEC/BIASSEC/PARSEC lie inside the amp image without
overlapping, whose DETSEC has the DATASEC's size, and whose DETSECs tile the detector
exactly once; the primary WCS must load in astropy (TAN-SIP).
"""
import json
import re
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

# Keywords of ComCam/LSSTCam raws (obs_lsst tests/headers) that a simulated raw must carry.
REQUIRED = [
    "INSTRUME", "TELESCOP", "OBSID", "GROUPID", "DAYOBS", "SEQNUM", "CAMCODE", "CONTRLLR",
    "IMGTYPE", "EXPTIME", "DARKTIME", "FILTER", "FILTBAND", "RA", "DEC", "ROTPA", "ROTCOORD",
    "TIMESYS", "DATE-OBS", "MJD-OBS", "DATE-BEG", "MJD-BEG", "DATE-END", "MJD-END",
    "ELSTART", "ELEND", "AZSTART", "AZEND", "AMSTART", "AMEND", "HASTART", "HAEND",
    "OBJECT", "PROGRAM", "REASON", "OBSANNOT", "LSST_NUM", "RAFTBAY", "CCDSLOT",
    "CCD_MANU", "CCD_TYPE", "DETSIZE", "CURINDEX", "MAXINDEX", "OBS-LAT", "OBS-LONG",
    "OBS-ELEV", "AIRMASS",
]
AMP_REQUIRED = ["DATASEC", "DETSEC", "DETSIZE", "DTV1", "DTV2", "DTM1_1", "DTM2_2"]
SEC = re.compile(r"^\[(\d+):(\d+),(\d+):(\d+)\]$")


def box(s):
    m = SEC.match(s)
    if not m:
        raise ValueError(f"bad section {s}")
    x1, x2, y1, y2 = map(int, m.groups())
    return min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)


def check(path):
    problems = []
    out = {"path": path}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fits.open(path) as hdul:
            prim = hdul[0].header
            for k in REQUIRED:
                if k not in prim:
                    problems.append(f"primary lacks {k}")
            if prim.get("TIMESYS") != "TAI":
                problems.append(f"TIMESYS {prim.get('TIMESYS')}")
            try:
                from astropy.time import Time
                beg = Time(prim["DATE-BEG"], scale="tai")
                if abs((beg.mjd - prim["MJD-BEG"]) * 86400) > 0.01:
                    problems.append("DATE-BEG and MJD-BEG differ")
                end = Time(prim["DATE-END"], scale="tai")
                if abs((end - beg).sec - prim["EXPTIME"]) > 0.01:
                    problems.append("DATE-END - DATE-BEG is not EXPTIME")
            except Exception as e:  # noqa: BLE001 - reported as a problem
                problems.append(f"dates: {e}")
            amps = [h for h in hdul[1:] if h.is_image and h.data is not None]
            out["amps"] = len(amps)
            out["compressed"] = all(isinstance(h, fits.CompImageHDU) for h in amps)
            if len(amps) != 16:
                problems.append(f"{len(amps)} amplifier HDUs")
            names = sorted(h.name.upper() for h in amps)
            want = sorted([f"SEGMENT1{i}" for i in range(8)] + [f"SEGMENT0{i}" for i in range(8)])
            if names != want:
                problems.append(f"EXTNAMEs {names}")
            det_boxes = []
            for h in amps:
                ny, nx = h.data.shape
                d = box(h.header["DATASEC"])
                b = box(h.header["BIASSEC"])
                p = box(h.header["PARSEC"])
                t = box(h.header["DETSEC"])
                for name, s in (("DATASEC", d), ("BIASSEC", b), ("PARSEC", p)):
                    if s[0] < 1 or s[1] > nx or s[2] < 1 or s[3] > ny:
                        problems.append(f"{h.name} {name} outside {nx}x{ny}")
                if not (b[0] > d[1]):
                    problems.append(f"{h.name} BIASSEC overlaps DATASEC")
                if not (p[2] > d[3]):
                    problems.append(f"{h.name} PARSEC overlaps DATASEC")
                if (t[1] - t[0], t[3] - t[2]) != (d[1] - d[0], d[3] - d[2]):
                    problems.append(f"{h.name} DETSEC size differs from DATASEC")
                if "GAIN" not in h.header or "RDNOISE" not in h.header:
                    problems.append(f"{h.name} lacks GAIN/RDNOISE")
                for k in AMP_REQUIRED:
                    if k not in h.header:
                        problems.append(f"{h.name} lacks {k}")
                # Overscan is bias only: its median sits below the data's.
                if np.median(h.data[d[2] - 1:d[3], b[0] - 1:b[1]]) > np.median(h.data[d[2] - 1:d[3], d[0] - 1:d[1]]) + 1:
                    problems.append(f"{h.name} overscan brighter than data")
                det_boxes.append(t)
            if det_boxes:
                w = max(t[1] for t in det_boxes)
                hgt = max(t[3] for t in det_boxes)
                cover = np.zeros((hgt, w), dtype=np.int32)
                for t in det_boxes:
                    cover[t[2] - 1:t[3], t[0] - 1:t[1]] += 1
                if not (cover == 1).all():
                    problems.append("DETSECs do not tile the detector exactly once")
                wcs = WCS(prim)
                if not wcs.has_celestial or "SIP" not in wcs.wcs.ctype[0]:
                    problems.append(f"primary WCS {wcs.wcs.ctype}")
                ra, dec = wcs.all_pix2world([[ (w - 1) / 2, (hgt - 1) / 2 ]], 0)[0]
                out["wcs_center"] = [float(ra), float(dec)]
    out["problems"] = problems
    out["ok"] = not problems
    return out


print(json.dumps({"files": [check(p) for p in sys.argv[1:]]}))
