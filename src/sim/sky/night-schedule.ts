import { Prng } from '../prng.js';
import { BANDS } from '../photometry.js';
import { icrsOfApparent } from './apparent-place.js';
import { secZ } from './airmass.js';
import { galacticLatitudeDeg } from './galactic.js';
import { icrsToHorizontal, apparentToHorizontal, separationDeg } from './horizontal.js';
import { moonPhase, topocentricMoon } from './moon.js';
import { localApparentSiderealDeg } from './sidereal-time.js';
import type { Site } from './site.js';
import { FieldGrid, fieldSpacingDeg, type Field } from './survey-fields.js';
import { addDays, nightWindow, type NightWindow } from './twilight.js';

/** What the survey scheduler needs. */
export interface ScheduleOptions {
  readonly instrument: string;
  readonly site: Site;
  /** Observing night (dayObs, YYYY-MM-DD) of the first night. */
  readonly firstNight: string;
  /** Sun altitude that opens and closes the night, degrees (−12 nautical, −18 astronomical). */
  readonly twilightDeg: number;
  /** Highest air mass (sec z) of any exposure, at its start and end. */
  readonly airmassLimit: number;
  /** Seconds between visit starts. */
  readonly cadenceS: number;
  /** Visits per night; 0 = every slot of the night. */
  readonly visitsPerNight: number;
  /** Bands the survey may use. */
  readonly bands: readonly string[];
  readonly seed: number;
  /** Target time between the two visits of a pair, s (Rubin: ~30 min). */
  readonly pairGapS: number;
  /** No blob is centred closer than this to the Moon when it is up, degrees. */
  readonly moonAvoidDeg: number;
}

/** One visit the scheduler placed, at its true (site) time. */
export interface ScheduledVisit {
  /** Night index from 0. */
  readonly night: number;
  readonly dayObs: string;
  /** Shutter open of the first snap, UTC ms (true time at the site). */
  readonly startMs: number;
  readonly field: Field;
  readonly band: string;
  /** 0: first visit of the pair; 1: the revisit ~pairGapS later. */
  readonly pair: 0 | 1;
  /** Index of the blob (block pair) in the night. */
  readonly blob: number;
}

/** One night of the survey. */
export interface NightSchedule {
  readonly window: NightWindow;
  /** Bands of the night, blue to red. */
  readonly bands: readonly string[];
  /** Moon brightness of the night: illumination × fraction of the night it is up, [0, 1]. */
  readonly moonBrightness: number;
  readonly visits: readonly ScheduledVisit[];
}

/** Survey footprint of blob centres: Rubin's wide-fast-deep declinations, off the Galactic plane. */
function inFootprint(f: Field): boolean {
  return (
    f.decDeg >= -75 && f.decDeg <= 10 && Math.abs(galacticLatitudeDeg(f.raDeg, f.decDeg)) >= 10
  );
}

/**
 * A Rubin-like survey, night by night (each night depends on the ones before, so nights are
 * computed in order and kept). Each night runs from evening to morning twilight in slots of
 * `cadenceS`. It takes a few bands (up to 3 of `bands`: the bluest on dark nights, redder as
 * the Moon is brighter and longer up) and is cut into blobs: a blob of B fields around a
 * centre is observed in one band, then observed again in the same order and band, so each
 * field gets a pair of visits B × cadence ≈ `pairGapS` apart (a short night of V < 2B visits
 * uses B = ⌈V/2⌉). Every exposure of a blob stays within `airmassLimit`; blob centres keep
 * `moonAvoidDeg` from the Moon and prefer (with probability 0.65) a centre observed in the
 * same band on an earlier night, so objects get a history, else a fresh one near the
 * meridian.
 */
export class SurveySchedule {
  readonly grid: FieldGrid;
  readonly #nights: NightSchedule[] = [];
  /** Blob centres observed so far: field id → bands. */
  readonly #history = new Map<number, Set<string>>();

  constructor(readonly options: ScheduleOptions) {
    this.grid = new FieldGrid(fieldSpacingDeg(options.instrument));
  }

  /** Night `n` (from 0). */
  night(n: number): NightSchedule {
    while (this.#nights.length <= n) this.#nights.push(this.#plan(this.#nights.length));
    return this.#nights[n]!;
  }

  #plan(night: number): NightSchedule {
    const o = this.options;
    const rng = new Prng(o.seed).fork(0x5c4ed, night);
    const dayObs = addDays(o.firstNight, night);
    const window = nightWindow(dayObs, o.site, o.twilightDeg);
    const cadenceMs = o.cadenceS * 1000;
    const slots = Math.floor((window.morningMs - window.eveningMs) / cadenceMs);
    const wanted = o.visitsPerNight > 0 ? Math.min(o.visitsPerNight, slots) : slots;
    const moonBrightness = this.#moonBrightness(window);
    const bands = nightBands(o.bands, moonBrightness);
    const rot = Math.floor(rng.next() * bands.length);
    const full = Math.max(1, Math.round(o.pairGapS / o.cadenceS));
    const blockSize = o.visitsPerNight > 0 ? Math.min(full, Math.ceil(o.visitsPerNight / 2)) : full;
    const used = new Set<number>();
    const visits: ScheduledVisit[] = [];
    for (let slot = 0, blob = 0; visits.length < wanted && slot < slots; blob++) {
      const b = Math.min(
        blockSize,
        Math.floor((slots - slot) / 2),
        Math.ceil((wanted - visits.length) / 2),
      );
      if (b < 1) break;
      const startMs = window.eveningMs + slot * cadenceMs;
      const chosen = this.#chooseBlob(
        rng,
        startMs,
        b,
        bands[(blob + rot) % bands.length]!,
        bands,
        used,
      );
      slot += 2 * b;
      if (!chosen) continue;
      const { fields, band } = chosen;
      used.add(chosen.centre.id);
      for (const pair of [0, 1] as const) {
        fields.forEach((field, i) => {
          if (visits.length >= wanted) return;
          visits.push({
            night,
            dayObs,
            startMs: startMs + (pair * b + i) * cadenceMs,
            field,
            band,
            pair,
            blob,
          });
        });
      }
    }
    visits.sort((a, b) => a.startMs - b.startMs);
    return { window, bands, moonBrightness, visits };
  }

  #moonBrightness(w: NightWindow): number {
    const steps = 8;
    let up = 0;
    for (let i = 0; i <= steps; i++) {
      const t = w.eveningMs + ((w.morningMs - w.eveningMs) * i) / steps;
      const m = topocentricMoon(t, this.options.site);
      if (apparentToHorizontal(m, t, this.options.site).altDeg > 0) up++;
    }
    return moonPhase((w.eveningMs + w.morningMs) / 2).illumination * (up / (steps + 1));
  }

  /**
   * A blob of `b` fields observable for both its passes from `startMs`, and its band: `band`
   * for a fresh blob; for a revisit, a band of the night the centre was seen in before
   * (`band` first), so the field's history grows in one band. Undefined if none fits.
   */
  #chooseBlob(
    rng: Prng,
    startMs: number,
    b: number,
    band: string,
    nightBands: readonly string[],
    used: Set<number>,
  ): { centre: Field; fields: Field[]; band: string } | undefined {
    const o = this.options;
    const site = o.site;
    const midMs = startMs + b * o.cadenceS * 1000;
    const moonApp = topocentricMoon(midMs, site);
    const moonUp = apparentToHorizontal(moonApp, midMs, site).altDeg > 0;
    const moon = icrsOfApparent(moonApp.raDeg, moonApp.decDeg, midMs);
    const meridian = icrsOfApparent(
      localApparentSiderealDeg(midMs, site),
      site.latitudeDeg,
      midMs,
    ).raDeg;

    const revisits: { field: Field; band: string }[] = [];
    for (const [id, seen] of this.#history) {
      const again = seen.has(band) ? band : nightBands.find((x) => seen.has(x));
      if (again !== undefined) revisits.push({ field: this.grid.byId(id), band: again });
    }
    const hourAngle = (f: Field): number => Math.abs(wrapDeg(f.raDeg - meridian));
    revisits.sort(
      (a, c) =>
        Number(a.band !== band) - Number(c.band !== band) ||
        hourAngle(a.field) - hourAngle(c.field),
    );
    // Declinations about the zenith in a random order: blobs spread over air masses 1–1.5.
    const offsets = [0, -12, 12, -24, 24, -36, -48];
    for (let i = offsets.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [offsets[i], offsets[j]] = [offsets[j]!, offsets[i]!];
    }
    const fresh = offsets.map((d) => ({
      field: this.grid.nearest(
        meridian + rng.uniform(-5, 5),
        clampDec(site.latitudeDeg + d + rng.uniform(-3, 3)),
      ),
      band,
    }));
    const order = rng.next() < 0.65 ? [...revisits, ...fresh] : [...fresh, ...revisits];
    // Last resorts off the meridian, for when the Galactic plane crosses it.
    for (const d of [0, -25, 25, -40, 40])
      order.push({ field: this.grid.nearest(meridian + d, site.latitudeDeg), band });
    for (const { field: centre, band: chosenBand } of order) {
      if (used.has(centre.id) || !inFootprint(centre)) continue;
      if (
        moonUp &&
        separationDeg(centre.raDeg, centre.decDeg, moon.raDeg, moon.decDeg) < o.moonAvoidDeg
      )
        continue;
      const fields = this.grid.blob(centre, b);
      if (!this.#observable(fields, startMs, b)) continue;
      const seen = this.#history.get(centre.id) ?? new Set<string>();
      seen.add(chosenBand);
      this.#history.set(centre.id, seen);
      return { centre, fields, band: chosenBand };
    }
    return undefined;
  }

  /** Every exposure of both passes (start and end of its slot) within the air-mass limit. */
  #observable(fields: readonly Field[], startMs: number, b: number): boolean {
    const o = this.options;
    const cadenceMs = o.cadenceS * 1000;
    return fields.every((f, i) =>
      [0, 1].every((pair) => {
        const t0 = startMs + (pair * b + i) * cadenceMs;
        return [t0, t0 + cadenceMs].every(
          (t) => secZ(icrsToHorizontal(f.raDeg, f.decDeg, t, o.site).altDeg) <= o.airmassLimit,
        );
      }),
    );
  }
}

function wrapDeg(d: number): number {
  return ((((d + 180) % 360) + 360) % 360) - 180;
}

function clampDec(d: number): number {
  return Math.max(-89, Math.min(89, d));
}

/**
 * The bands of a night: up to three of `bands`, consecutive in wavelength, bluest on a dark
 * night and reddest when the Moon is bright and up all night (`moonBrightness` 1).
 */
export function nightBands(bands: readonly string[], moonBrightness: number): string[] {
  const order: readonly string[] = BANDS;
  const sorted = [...new Set(bands)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const n = Math.min(3, sorted.length);
  const start = Math.round(Math.max(0, Math.min(1, moonBrightness)) * (sorted.length - n));
  return sorted.slice(start, start + n);
}
