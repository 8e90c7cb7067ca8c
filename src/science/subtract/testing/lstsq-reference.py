"""Independent kernel fit for the promptly subtraction tests: every basis image is convolved
with the template stamp by scipy.signal.convolve2d ('valid'), a constant background column is
added, and numpy.linalg.lstsq solves the weighted least-squares problem.

Usage: lstsq-reference.py IN.json OUT.json
IN:  {"conv": [[...]] (side + 2h)^2 rows, "target": [[...]] side^2 rows, "weight": [[...]],
      "basis": [[[...]]] nb images (2h+1)^2}
OUT: {"coefficients": [nb kernel coefficients..., background]}
"""
import json
import sys

import numpy as np
from scipy.signal import convolve2d


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    conv = np.array(spec["conv"], dtype=float)
    target = np.array(spec["target"], dtype=float).ravel()
    sw = np.sqrt(np.array(spec["weight"], dtype=float).ravel())
    cols = [convolve2d(conv, np.array(b, dtype=float), mode="valid").ravel() for b in spec["basis"]]
    cols.append(np.ones_like(target))
    a = np.stack(cols, axis=1) * sw[:, None]
    coef, *_ = np.linalg.lstsq(a, target * sw, rcond=None)
    with open(sys.argv[2], "w") as f:
        json.dump({"coefficients": coef.tolist()}, f)


main()
