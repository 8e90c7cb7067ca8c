import { REFERENCE_PYTHON, pythonHas } from '../../testing/reference-python.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's Python with astropy and numpy (not the python3 first on PATH). */
export const PYTHON = REFERENCE_PYTHON;

const HERE = dirname(fileURLToPath(import.meta.url));

/** True when the reference Python with astropy can be run. */
export const HAVE_ASTROPY: boolean = pythonHas('astropy.io.fits', 'numpy');

/** Runs a reference script from this folder and returns its stdout. */
export function runReference(script: string, args: readonly string[]): string {
  return execFileSync(PYTHON, [join(HERE, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** True when a cfitsio command-line tool is installed in /usr/bin. */
export function haveTool(name: string): boolean {
  return existsSync(join('/usr/bin', name));
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix = 'promptly-fits-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Value of a card as the reference scripts tag it. */
export type TaggedValue =
  | { int: string }
  | { float: string }
  | { bool: boolean }
  | { str: string }
  | { complex: [number, number] }
  | { undef: true }
  | { other: string };

/** One card as astropy reports it. */
export interface ReferenceCard {
  keyword: string;
  value: TaggedValue;
  comment: string;
}

/** A data array dumped by a reference script (little-endian raw file). */
export interface ReferenceArray {
  dtype: string;
  shape: number[];
  dump: string;
}

/** Loads a little-endian raw dump as the typed array its numpy dtype names. */
export function loadDump(ref: ReferenceArray): ArrayLike<number | bigint> {
  const b = readFileSync(ref.dump);
  const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  switch (ref.dtype) {
    case 'uint8':
      return new Uint8Array(buf);
    case 'int8':
      return new Int8Array(buf);
    case 'int16':
      return new Int16Array(buf);
    case 'uint16':
      return new Uint16Array(buf);
    case 'int32':
      return new Int32Array(buf);
    case 'uint32':
      return new Uint32Array(buf);
    case 'int64':
      return new BigInt64Array(buf);
    case 'uint64':
      return new BigUint64Array(buf);
    case 'float32':
      return new Float32Array(buf);
    case 'float64':
      return new Float64Array(buf);
    default:
      throw new Error(`unknown dtype ${ref.dtype}`);
  }
}
