import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PromptlyError } from './errors.js';

/** How to start a worker thread: its module and the Node options it needs. */
export interface ThreadEntry {
  readonly url: URL;
  readonly execArgv: readonly string[];
}

/**
 * Module hooks for a render thread started from TypeScript sources (tests under vitest, which
 * compiles what the main thread imports but not what a worker thread loads): `x.js` specifiers
 * that do not exist resolve to `x.ts`, and `.ts` files are transpiled one by one with the
 * project's own `typescript` (type-only imports are marked, as `verbatimModuleSyntax` demands,
 * so a per-file transpile is exact). Plain JavaScript, run in Node's hooks thread.
 */
const TS_HOOKS = `
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
let ts;
export async function initialize(data) {
  ts = (await import(data.typescript)).default;
}
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    const relative = specifier.startsWith('.') || specifier.startsWith('file:');
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && relative && specifier.endsWith('.js'))
      return next(specifier.slice(0, -3) + '.ts', context);
    throw err;
  }
}
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const fileName = fileURLToPath(url);
  const out = ts.transpileModule(readFileSync(fileName, 'utf8'), {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
`;

function dataUrl(source: string): string {
  return `data:text/javascript,${encodeURIComponent(source)}`;
}

/**
 * A worker thread's module: `js` (a `…/x.js` URL next to the caller) when it exists, i.e. when
 * running compiled (`dist/`, `npm start`), else its `x.ts` sibling with TypeScript module hooks
 * (running from sources, as vitest does). Throws PROMPTLY_E_INTERNAL when neither exists, or
 * when the sources are there but the `typescript` package is not.
 */
export function threadEntry(js: URL): ThreadEntry {
  if (existsSync(fileURLToPath(js))) return { url: js, execArgv: [] };
  const ts = new URL(js.href.replace(/\.js$/, '.ts'));
  if (!existsSync(fileURLToPath(ts)))
    throw new PromptlyError('PROMPTLY_E_INTERNAL', `thread module not found: ${js.href}`);
  let typescript: string;
  try {
    typescript = pathToFileURL(createRequire(import.meta.url).resolve('typescript')).href;
  } catch (err) {
    throw new PromptlyError(
      'PROMPTLY_E_INTERNAL',
      'threads from TypeScript sources need the typescript package (a dev dependency)',
      { cause: err },
    );
  }
  const register = `import { register } from 'node:module';
register(${JSON.stringify(dataUrl(TS_HOOKS))}, { data: { typescript: ${JSON.stringify(typescript)} } });`;
  return { url: ts, execArgv: ['--import', dataUrl(register)] };
}
