import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cards } from '../../fits/index.js';
import { writeFileDurably } from '../files/durable-file.js';
import { IMAGE_NAME_PATTERN } from '../image-complete.js';

/**
 * What the Header Service writes for one exposure (one object per image, as Rubin's writes
 * one header file per image to the Large File Annex): the cards every detector's raw gets,
 * and those that differ by detector (the WCS it derives from the boresight and the camera
 * geometry), keyed by detector id.
 */
export interface HeaderMetadata {
  readonly obsId: string;
  readonly instrument: string;
  readonly group: string;
  readonly snap: number;
  readonly cards: Cards;
  readonly detectorCards: Readonly<Record<string, Cards>>;
}

/** The cards of one detector's raw. */
export function cardsOf(meta: HeaderMetadata, detector: number): Cards {
  return [...meta.cards, ...(meta.detectorCards[String(detector)] ?? [])];
}

/** The Header Service's objects on a file system: `<root>/<instrument>/<obsId>.json`. */
export class HeaderMetadataStore {
  constructor(readonly root: string) {}

  #path(instrument: string, obsId: string): string {
    if (!IMAGE_NAME_PATTERN.test(instrument) || !IMAGE_NAME_PATTERN.test(obsId))
      throw new Error(`invalid image name ${instrument}/${obsId}`);
    return join(this.root, instrument, `${obsId}.json`);
  }

  async put(meta: HeaderMetadata): Promise<void> {
    await writeFileDurably(
      this.#path(meta.instrument, meta.obsId),
      new TextEncoder().encode(JSON.stringify(meta)),
    );
  }

  /** The metadata of an exposure, or undefined when none was written (yet). */
  async get(instrument: string, obsId: string): Promise<HeaderMetadata | undefined> {
    const text = await readFile(this.#path(instrument, obsId), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as HeaderMetadata);
  }
}
