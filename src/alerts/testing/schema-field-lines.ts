import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Turns an Avro record schema (JSON, named types defined inline at first use) into the
 * `record.field: type[ = default]` lines of `lsst-v11_0-fields.txt`, records in order of
 * first definition, so what a schema writes can be compared with Rubin's field list.
 */

type Json = unknown;

interface Named {
  readonly type: string;
  readonly name: string;
  readonly namespace?: string;
  readonly fields?: readonly { name: string; type: Json; default?: Json }[];
  readonly items?: Json;
  readonly logicalType?: string;
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || namespace === undefined ? name : `${namespace}.${name}`;
}

/** Lines for `schema` and every record it defines. */
export function schemaFieldLines(schema: Json): string[] {
  const records: { short: string; lines: string[] }[] = [];
  const seen = new Set<string>();
  const typeText = (t: Json, ns: string | undefined): string => {
    if (typeof t === 'string') return t.includes('.') || isPrimitive(t) ? t : fullName(t, ns);
    if (Array.isArray(t)) return t.map((b) => typeText(b, ns)).join('|');
    const o = t as Named;
    if (o.type === 'record') {
      const name = fullName(o.name, o.namespace ?? ns);
      if (!seen.has(name)) visit(o, ns);
      return name;
    }
    if (o.type === 'array') return `array<${typeText(o.items, ns)}>`;
    if (o.logicalType !== undefined) return `${o.type}(${o.logicalType})`;
    return o.type;
  };
  const visit = (r: Named, outerNs: string | undefined): void => {
    const ns = r.name.includes('.')
      ? r.name.slice(0, r.name.lastIndexOf('.'))
      : (r.namespace ?? outerNs);
    const name = fullName(r.name, ns);
    seen.add(name);
    const entry = { short: name.slice(name.lastIndexOf('.') + 1), lines: [] as string[] };
    records.push(entry);
    for (const f of r.fields ?? []) {
      const text = `${entry.short}.${f.name}: ${typeText(f.type, ns)}`;
      entry.lines.push('default' in f ? `${text} = ${JSON.stringify(f.default)}` : text);
    }
  };
  visit(schema as Named, undefined);
  return records.flatMap((r) => r.lines);
}

function isPrimitive(t: string): boolean {
  return ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'].includes(t);
}

/** The lines of `lsst-v11_0-fields.txt` (comments and blank lines dropped). */
export function rubinFieldLines(): string[] {
  const file = fileURLToPath(new URL('./lsst-v11_0-fields.txt', import.meta.url));
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
