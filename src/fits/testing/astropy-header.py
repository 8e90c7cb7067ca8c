"""Reference for header tests: astropy reads or writes FITS headers.

usage:
  astropy-header.py dump FILE           -> JSON: per HDU, list of cards {keyword, value, comment}
  astropy-header.py sample OUT          -> writes a file whose headers use HIERARCH, CONTINUE,
                                           bigint, D exponents, complex, undefined values
Values are tagged so that int/float/bigint survive JSON: {"int": "123"}, {"float": "1.5"}, ...
"""
import json
import sys
import warnings

from astropy.io import fits
from astropy.io.fits.card import Undefined

warnings.simplefilter('ignore')


def tag(v):
    if isinstance(v, bool):
        return {'bool': v}
    if isinstance(v, int):
        return {'int': str(v)}
    if isinstance(v, float):
        return {'float': repr(v)}
    if isinstance(v, complex):
        return {'complex': [v.real, v.imag]}
    if isinstance(v, str):
        return {'str': v}
    if v is None or isinstance(v, Undefined):
        return {'undef': True}
    return {'other': repr(v)}


def dump(path):
    out = []
    with fits.open(path) as hdul:
        for hdu in hdul:
            cards = []
            for c in hdu.header.cards:
                cards.append({'keyword': c.keyword, 'value': tag(c.value), 'comment': c.comment})
            out.append(cards)
    json.dump(out, sys.stdout)


def sample(path):
    h = fits.Header()
    h['SIMPLE'] = True
    h['BITPIX'] = 8
    h['NAXIS'] = 0
    h['EXTEND'] = True
    h['OBJECT'] = ("M31 'core'", 'quoted name')
    h['LEADING'] = '  lead blanks'
    h['EMPTY'] = ''
    h['LONGSTR'] = ('abc def ' * 30 + "it's the end", 'a long comment ' * 8)
    h['BIGINT'] = (2 ** 70, 'beyond 2^53')
    h['NEGBIG'] = -(2 ** 63)
    h['SAFEINT'] = 2 ** 53 - 1
    h['FLT'] = (1.0, 'float that looks integral')
    h['TINY'] = 1.25e-300
    h['HUGE'] = -6.02e23
    h['CPLX'] = (complex(1.5, -2.0), 'complex')
    h['UNDEF'] = (None, 'undefined value')
    h['LOGIC'] = (False, '')
    h['HIERARCH ESO DET CHIP NAME'] = ('CCD 42', 'hierarch string')
    h['HIERARCH LSST Camera Temp'] = (-101.25, 'hierarch float, mixed case')
    h.add_comment('first comment')
    h.add_history('history line that is quite long ' * 3)
    h.add_blank('blank keyword text')
    h['DATE-OBS'] = '2026-11-21T22:00:00.000'
    fits.PrimaryHDU(header=h).writeto(path, overwrite=True)
    # Hand-written cards astropy cannot produce: D exponent, lower-case e, '+' integer.
    with open(path, 'r+b') as f:
        raw = bytearray(f.read())
        text = raw.decode('ascii')
        end = text.index('END     ')
        extra = [
            'DEXP    =             1.5D+03 / D exponent',
            'LOWEXP  =              2.5e-02',
            'PLUSINT =                  +42',
            'PADDED  = \'x   \'               / trailing blanks',
        ]
        cards = ''.join(c.ljust(80) for c in extra)
        text = text[:end] + cards + text[end:end + 80]
        text = text.ljust((len(text) + 2879) // 2880 * 2880)
        f.seek(0)
        f.write(text.encode('ascii'))
        f.truncate()


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'dump':
        dump(sys.argv[2])
    elif cmd == 'sample':
        sample(sys.argv[2])
    else:
        raise SystemExit('unknown command ' + cmd)
