import { threadEntry, type ThreadEntry } from '../core/thread-entry.js';

/** How to start a render thread: its module and the Node options it needs. */
export type RenderThreadEntry = ThreadEntry;

/** The render thread's module, `render-worker.js` (compiled) or `.ts` (sources): see threadEntry. */
export function renderThreadEntry(): RenderThreadEntry {
  return threadEntry(new URL('./render-worker.js', import.meta.url));
}
