"""Reference for image tests: astropy writes and reads FITS images.

usage:
  astropy-image.py make DIR   -> writes one FITS file per case into DIR, plus the data as
                                 astropy reads it (little-endian raw dump); prints a JSON manifest
  astropy-image.py read FILE DIR -> reads every HDU of FILE with astropy; dumps each data array
                                 (little-endian raw) into DIR; prints JSON: dtype, shape, checksum
                                 and datasum verification (1 ok, 0 bad, 2 missing)
"""
import json
import os
import sys
import warnings

import numpy as np
from astropy.io import fits

warnings.simplefilter('ignore')


def dump(arr, path):
    a = np.ascontiguousarray(arr)
    a.astype(a.dtype.newbyteorder('<')).tofile(path)
    return {'dtype': a.dtype.name, 'shape': list(a.shape), 'dump': path}


def make(out):
    rng = np.random.default_rng(12345)
    ny, nx = 37, 53
    cases = {}

    def add(name, hdu):
        path = os.path.join(out, name + '.fits')
        hdu.writeto(path, overwrite=True, checksum=True)
        with fits.open(path) as hdul:
            cases[name] = dump(hdul[0].data, os.path.join(out, name + '.raw'))
            cases[name]['file'] = path

    add('uint8', fits.PrimaryHDU(rng.integers(0, 256, (ny, nx), dtype=np.uint8)))
    add('int16', fits.PrimaryHDU(rng.integers(-32768, 32768, (ny, nx), dtype=np.int16)))
    add('int32', fits.PrimaryHDU(rng.integers(-2**31, 2**31, (ny, nx), dtype=np.int32)))
    add('int64', fits.PrimaryHDU(rng.integers(-2**63, 2**63 - 1, (ny, nx), dtype=np.int64)))
    f32 = rng.normal(100, 30, (ny, nx)).astype(np.float32)
    f32[3, 4] = np.nan
    add('float32', fits.PrimaryHDU(f32))
    add('float64', fits.PrimaryHDU(rng.normal(0, 1e10, (ny, nx))))
    add('uint16', fits.PrimaryHDU(rng.integers(0, 65536, (ny, nx), dtype=np.uint16)))
    add('uint32', fits.PrimaryHDU(rng.integers(0, 2**32, (ny, nx), dtype=np.uint32)))
    add('int8', fits.PrimaryHDU(rng.integers(-128, 128, (ny, nx), dtype=np.int8)))
    cube = rng.integers(0, 1000, (3, 7, 11), dtype=np.int32)
    add('cube', fits.PrimaryHDU(cube))
    # Scaled 16-bit with BLANK: astropy returns float32 physical values, NaN where BLANK.
    raw = rng.integers(-1000, 1000, (ny, nx), dtype=np.int16)
    raw[0, 0] = -32768
    hdu = fits.PrimaryHDU(raw)
    hdu.header['BSCALE'] = 0.5
    hdu.header['BZERO'] = 10.0
    hdu.header['BLANK'] = -32768
    path = os.path.join(out, 'scaled16.fits')
    # Write raw values as they are: scale_back keeps the stored integers.
    hdu.writeto(path, overwrite=True, checksum=True)
    with fits.open(path) as hdul:
        cases['scaled16'] = dump(hdul[0].data, os.path.join(out, 'scaled16.raw'))
        cases['scaled16']['file'] = path
    json.dump(cases, sys.stdout)


def read(path, out):
    result = []
    with fits.open(path, checksum=False) as hdul:
        for i, hdu in enumerate(hdul):
            entry = {
                'checksum': hdu.verify_checksum() if 'CHECKSUM' in hdu.header else 2,
                'datasum': hdu.verify_datasum() if 'DATASUM' in hdu.header else 2,
            }
            if hdu.data is not None and isinstance(hdu, (fits.PrimaryHDU, fits.ImageHDU)):
                entry.update(dump(hdu.data, os.path.join(out, 'hdu%d.raw' % i)))
            result.append(entry)
    json.dump(result, sys.stdout)


if __name__ == '__main__':
    if sys.argv[1] == 'make':
        make(sys.argv[2])
    elif sys.argv[1] == 'read':
        read(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit('unknown command')
