"""Reference for table tests: astropy writes and reads FITS tables.

usage:
  astropy-table.py make DIR   -> writes bintable.fits and ascii.fits into DIR; prints JSON
                                 {file: {column: description}} where numeric columns are dumped
                                 as little-endian raw files (as astropy reads them, scaled) and
                                 others are given inline (strings, logicals, bits, var arrays)
  astropy-table.py read FILE DIR -> reads the first table HDU of FILE and describes its columns
                                 the same way; also reports checksum verification (1 ok)
"""
import json
import os
import sys
import warnings

import numpy as np
from astropy.io import fits

warnings.simplefilter('ignore')


def describe(name, col, arr, out):
    """Describes one column's data: numeric arrays are dumped, the rest inlined."""
    fmt = col.format
    if hasattr(arr, 'dtype') and arr.dtype.kind in 'iuf' and 'P' not in str(fmt) and 'Q' not in str(fmt) and 'X' not in str(fmt):
        path = os.path.join(out, name + '.raw')
        a = np.ascontiguousarray(arr)
        a.astype(a.dtype.newbyteorder('<')).tofile(path)
        return {'dtype': a.dtype.name, 'shape': list(a.shape), 'dump': path}
    if hasattr(arr, 'dtype') and arr.dtype.kind == 'b':
        return {'inline': [bool(x) if np.ndim(x) == 0 else [bool(y) for y in x] for x in arr]}
    if hasattr(arr, 'dtype') and arr.dtype.kind in 'SU':
        return {'inline': [str(x) for x in arr]}
    # Variable-length arrays: list of per-row lists.
    return {'inline': [[float(y) if isinstance(y, (float, np.floating)) else int(y) for y in np.asarray(x).ravel()] for x in arr]}


def describe_hdu(hdu, out):
    cols = {}
    for c in hdu.columns:
        cols[c.name] = describe(c.name, c, hdu.data[c.name], out)
        cols[c.name]['format'] = str(c.format)
    return cols


def make(out):
    n = 7
    rng = np.random.default_rng(7)
    cols = [
        fits.Column(name='flag', format='L', array=np.array([True, False, True, True, False, False, True])),
        fits.Column(name='bits', format='11X', array=rng.integers(0, 2, (n, 11)).astype(bool)),
        fits.Column(name='byte', format='B', array=np.arange(n, dtype=np.uint8) * 30),
        fits.Column(name='short', format='I', array=(np.arange(n) * 5000 - 15000).astype(np.int16)),
        fits.Column(name='int', format='J', array=(np.arange(n) * 600_000_000 - 1_800_000_000).astype(np.int32)),
        fits.Column(name='long', format='K', array=(np.arange(n, dtype=np.int64) - 3) * 3_000_000_000_000_000_000),
        fits.Column(name='flt', format='E', array=rng.normal(0, 1, n).astype(np.float32)),
        fits.Column(name='dbl', format='D', array=rng.normal(0, 1e100, n)),
        fits.Column(name='name', format='12A', array=np.array(['alpha', 'beta', '', 'delta epsilon', "q'uote", 'z', 'x' * 12])[:n]),
        fits.Column(name='vec', format='3E', array=rng.normal(0, 1, (n, 3)).astype(np.float32)),
        fits.Column(name='pair', format='2J', array=rng.integers(-1000, 1000, (n, 2)).astype(np.int32)),
        fits.Column(name='ushort', format='I', bzero=32768, array=(np.arange(n) * 9000).astype(np.uint16)),
        fits.Column(name='uint', format='J', bzero=2147483648, array=(np.arange(n) * 600_000_000).astype(np.uint32)),
        # astropy 5.2 cannot write scaled columns with this numpy; the raw values are written
        # and TSCAL/TZERO patched into placeholder cards below.
        fits.Column(name='scaled', format='I', array=(np.arange(n) * 3 - 5).astype(np.int16)),
        fits.Column(name='withnull', format='J', null=-999, array=np.array([1, -999, 3, 4, -999, 6, 7], dtype=np.int32)),
        fits.Column(name='varint', format='PJ()', array=np.array([np.arange(k, dtype=np.int32) * (k + 1) for k in range(n)], dtype=object)),
        fits.Column(name='vardbl', format='QD()', array=np.array([np.linspace(0, 1, (k * 3) % 5) for k in range(n)], dtype=object)),
    ]
    hdu = fits.BinTableHDU.from_columns(cols, name='CAT')
    hdu.header['PLACEHL1'] = 0
    hdu.header['PLACEHL2'] = 0
    path = os.path.join(out, 'bintable.fits')
    hdu.writeto(path, overwrite=True)
    with open(path, 'r+b') as f:
        raw = f.read()
        num = [c.name for c in cols].index('scaled') + 1
        for old, new in (('PLACEHL1', 'TSCAL%d' % num), ('PLACEHL2', 'TZERO%d' % num)):
            i = raw.index(old.encode())
            value = '0.25' if old == 'PLACEHL1' else '100.0'
            raw = raw[:i] + ('%-8s= %20s' % (new, value)).ljust(80).encode() + raw[i + 80:]
        f.seek(0)
        f.write(raw)
    result = {}
    with fits.open(path) as hdul:
        result['bintable'] = {'file': path, 'columns': describe_hdu(hdul[1], out)}

    acols = [
        fits.Column(name='NAME', format='A8', array=np.array(['one', 'two', 'three'])),
        fits.Column(name='COUNT', format='I6', array=np.array([1, -20, 300])),
        fits.Column(name='FLUX', format='F10.3', array=np.array([1.5, -2.25, 1000.125])),
        fits.Column(name='MAG', format='E12.4', array=np.array([1.5e-3, 2.5e10, -3.0])),
        fits.Column(name='DIST', format='D20.12', array=np.array([1.0 / 3.0, 2.0e-200, 12345.678])),
    ]
    ahdu = fits.TableHDU.from_columns(acols, name='ASC')
    apath = os.path.join(out, 'ascii.fits')
    ahdu.writeto(apath, overwrite=True)
    with fits.open(apath) as hdul:
        adir = os.path.join(out, 'ascii')
        os.makedirs(adir, exist_ok=True)
        result['ascii'] = {'file': apath, 'columns': describe_hdu(hdul[1], adir)}
    json.dump(result, sys.stdout)


def read(path, out):
    with fits.open(path) as hdul:
        hdu = hdul[1]
        res = {
            'columns': describe_hdu(hdu, out),
            'checksum': hdu.verify_checksum() if 'CHECKSUM' in hdu.header else 2,
            'datasum': hdu.verify_datasum() if 'DATASUM' in hdu.header else 2,
        }
    json.dump(res, sys.stdout)


if __name__ == '__main__':
    if sys.argv[1] == 'make':
        make(sys.argv[2])
    elif sys.argv[1] == 'read':
        read(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit('unknown command')
