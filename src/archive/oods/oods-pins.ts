import { readFile } from 'node:fs/promises';
import { writeFileDurably } from '../files/durable-file.js';
import { IMAGE_NAME_PATTERN } from '../image-complete.js';

/** One pin: who pinned an image and why; a pinned image is never expired. */
export interface OodsPin {
  readonly by: string;
  readonly note: string;
  readonly atMs: number;
}

/**
 * Pins of the OODS, by image name, in one JSON file beside its repository (read at every
 * expiry, so `promptly oods pin` works while the OODS runs). Writes are whole-file atomic.
 */
export class OodsPins {
  constructor(readonly file: string) {}

  async all(): Promise<Record<string, OodsPin>> {
    const text = await readFile(this.file, 'utf8').catch(() => undefined);
    if (text === undefined) return {};
    return JSON.parse(text) as Record<string, OodsPin>;
  }

  async pin(image: string, by: string, note: string, atMs: number): Promise<void> {
    if (!IMAGE_NAME_PATTERN.test(image)) throw new Error(`not an image name: ${image}`);
    const pins = await this.all();
    pins[image] = { by, note, atMs };
    await this.#write(pins);
  }

  /** Removes a pin; false when the image was not pinned. */
  async unpin(image: string): Promise<boolean> {
    const pins = await this.all();
    if (!(image in pins)) return false;
    delete pins[image];
    await this.#write(pins);
    return true;
  }

  async #write(pins: Record<string, OodsPin>): Promise<void> {
    await writeFileDurably(this.file, new TextEncoder().encode(JSON.stringify(pins, null, 1)));
  }
}
