import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { defaultJobSpecsFile } from './default-job-specs.js';
import { loadJobSpecs, parseJobSpecs } from './job-spec.js';
import { resolveDependencies, resolveParameters, substitute } from './job-parameters.js';

describe('job specs', () => {
  it('loads the job types promptly ships', () => {
    const specs = loadJobSpecs(defaultJobSpecsFile());
    expect([...specs.keys()].sort()).toEqual(['echo', 'fitsverify-archived', 'reprocess']);
    expect(specs.get('fitsverify-archived')?.needs).toHaveLength(1);
  });

  it('refuses unknown keys and bad bounds, naming the line', () => {
    const err = (() => {
      try {
        parseJobSpecs(
          'jobTypes:\n  x:\n    command: [/bin/true]\n    resources: { cores: 999 }\n    shell: yes\n',
        );
      } catch (e) {
        return e;
      }
    })();
    expect(isPromptlyError(err, 'PROMPTLY_E_CONFIG_INVALID')).toBe(true);
    expect(String((err as Error).message)).toMatch(/cores/);
    expect(String((err as Error).message)).toMatch(/shell/);
    expect(() =>
      parseJobSpecs(
        'jobTypes:\n  x:\n    command: [/bin/true]\n    parameters:\n      p: { type: string, pattern: "(" }\n',
      ),
    ).toThrow(/pattern/);
  });

  it('fills defaults, checks types and bounds, and substitutes parameters into argv and needs', () => {
    const spec = parseJobSpecs(`
jobTypes:
  t:
    command: [/bin/echo, "{name}-{n}"]
    parameters:
      name: { type: string, pattern: "[a-z]+", default: abc }
      n: { type: integer, min: 1, max: 3 }
      flag: { type: boolean, default: false }
    needs: [{ kind: ingested, instrument: LATISS, image: "LATISS_{n}_0" }]
`).get('t')!;
    const values = resolveParameters('t', spec, { n: 2 });
    expect(values).toEqual({ name: 'abc', n: 2, flag: false });
    expect(substitute('{name}-{n}', values)).toBe('abc-2');
    expect(resolveDependencies(spec, values)).toEqual([
      { kind: 'ingested', instrument: 'LATISS', image: 'LATISS_2_0' },
    ]);
    expect(() => resolveParameters('t', spec, { n: 2.5 })).toThrow(/parameters.n/);
    expect(() => resolveParameters('t', spec, { n: 1, name: 'ABC' })).toThrow(/parameters.name/);
    expect(() => resolveParameters('t', spec, { n: 1, flag: 'yes' })).toThrow(/parameters.flag/);
  });
});
