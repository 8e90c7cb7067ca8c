"""Reads promptly's defects, crosstalk and linearizer calibration files with astropy and
prints what they hold as JSON (the reference for isr-calibs.astropy.test.ts)."""
import json
import sys

from astropy.io import fits

defects_path, crosstalk_path, linearizer_path = sys.argv[1:4]
out = {}
with fits.open(defects_path) as f:
    t = f["DEFECTS"].data
    out["defects"] = {
        "columns": [c.name for c in f["DEFECTS"].columns],
        "units": [c.unit for c in f["DEFECTS"].columns],
        "rows": [[int(r[n]) for n in ("x0", "y0", "width", "height")] for r in t],
        "detector": f[0].header["DETECTOR"],
    }
with fits.open(crosstalk_path) as f:
    h = f["CROSSTALK"]
    out["crosstalk"] = {
        "shape": list(h.data.shape),
        "dtype": str(h.data.dtype.newbyteorder("=")),
        "values": [[float(v) for v in row] for row in h.data],
    }
with fits.open(linearizer_path) as f:
    t = f["LINEARIZER"].data
    out["linearizer"] = {
        "amps": [str(a) for a in t["AMP_NAME"]],
        "types": [str(a) for a in t["TYPE"]],
        "coeffs": [[float(v) for v in row] for row in t["COEFFS"]],
    }
print(json.dumps(out))
