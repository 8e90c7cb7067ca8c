import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The Python the reference checks run with: Debian's, which has astropy, numpy and scipy
 * (the python3 first on PATH may be another one). `.ci/run` installs the packages.
 */
export const REFERENCE_PYTHON = '/usr/bin/python3';

const cache = new Map<string, boolean>();

/** True when the reference Python can import every module named (checked once per set). */
export function pythonHas(...modules: string[]): boolean {
  const key = modules.join(',');
  let ok = cache.get(key);
  if (ok === undefined) {
    ok = false;
    if (existsSync(REFERENCE_PYTHON)) {
      try {
        execFileSync(REFERENCE_PYTHON, ['-c', `import ${key}`], { stdio: 'ignore' });
        ok = true;
      } catch {
        ok = false;
      }
    }
    cache.set(key, ok);
  }
  return ok;
}
