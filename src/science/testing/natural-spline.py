"""Reference bicubic natural-spline interpolation of a mesh with scipy (test helper).

stdin: JSON {"mesh": [...], "nx", "ny", "cell", "width", "height"}; node (i, j) sits at pixel
((i + 0.5) * cell - 0.5, (j + 0.5) * cell - 0.5). stdout: JSON list, row-major, width*height.
"""
import json
import sys

import numpy as np
from scipy.interpolate import CubicSpline

spec = json.load(sys.stdin)
nx, ny, cell = spec["nx"], spec["ny"], spec["cell"]
mesh = np.array(spec["mesh"], dtype=float).reshape(ny, nx)
xs = (np.arange(nx) + 0.5) * cell - 0.5
ys = (np.arange(ny) + 0.5) * cell - 0.5
px = np.arange(spec["width"], dtype=float)
py = np.arange(spec["height"], dtype=float)
# tensor-product natural spline: along y for each mesh column, then along x for each row
cols = CubicSpline(ys, mesh, axis=0, bc_type="natural", extrapolate=True)(py)
out = CubicSpline(xs, cols, axis=1, bc_type="natural", extrapolate=True)(px)
json.dump(out.ravel().tolist(), sys.stdout)
