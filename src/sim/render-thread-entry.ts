import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PromptlyError } from '../core/errors.js';

/** How to start a render thread: its module and the Node options it needs. */
export interface RenderThreadEntry {
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
 * The render thread's module, found next to this one: `render-worker.js` when running compiled
 * (`dist/`, `npm start`), else `render-worker.ts` with TypeScript module hooks (running from
 * sources, as vitest does). Throws PROMPTLY_E_INTERNAL when neither exists, or when the sources
 * are there but the `typescript` package is not.
 */
export function renderThreadEntry(): RenderThreadEntry {
  const js = new URL('./render-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js, execArgv: [] };
  const ts = new URL('./render-worker.ts', import.meta.url);
  if (!existsSync(fileURLToPath(ts)))
    throw new PromptlyError('PROMPTLY_E_INTERNAL', `render thread module not found: ${js.href}`);
  let typescript: string;
  try {
    typescript = pathToFileURL(createRequire(import.meta.url).resolve('typescript')).href;
  } catch (err) {
    throw new PromptlyError(
      'PROMPTLY_E_INTERNAL',
      'render threads from TypeScript sources need the typescript package (a dev dependency)',
      { cause: err },
    );
  }
  const register = `import { register } from 'node:module';
register(${JSON.stringify(dataUrl(TS_HOOKS))}, { data: { typescript: ${JSON.stringify(typescript)} } });`;
  return { url: ts, execArgv: ['--import', dataUrl(register)] };
}
