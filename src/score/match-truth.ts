/**
 * Matching DIA sources to the simulator's truth for one visit-detector: each truth source that
 * changed against the template (a transient, a variable star away from its mean, a mover) is
 * paired with the nearest unclaimed DIA source within a radius, nearest pairs first, one to
 * one. A mover's snaps make a streak, so anywhere on its path from the first snap's position
 * to the last counts.
 */

/** DIA sources as the scorer reads them (a `diaSrc` catalog's columns). */
export interface ScoredSources {
  readonly length: number;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly ra: ArrayLike<number>;
  readonly dec: ArrayLike<number>;
  /** Flux on the difference, e⁻ (negative for a decrement), and its 1σ error. */
  readonly apFlux: ArrayLike<number>;
  readonly apFluxErr: ArrayLike<number>;
  /** PSF flux on the difference and its error, e⁻, when the catalog has them (NaN: not fitted). */
  readonly measurements?: {
    readonly psfFlux: ArrayLike<number>;
    readonly psfFluxErr: ArrayLike<number>;
  };
  /** Real/bogus score in [0, 1], when the catalog has one. */
  readonly reliability?: ArrayLike<number>;
}

/** A truth source of one visit-detector, as the simulator writes it per snap. */
export interface TruthTransient {
  readonly kind: string;
  readonly id: string;
  readonly ra: number;
  readonly dec: number;
  readonly x: number;
  readonly y: number;
  readonly mag: number;
  /** e⁻ collected in the snap. */
  readonly fluxE: number;
  /** Magnitude the template shows at its place (variables); absent when it shows nothing. */
  readonly templateMag?: number;
}

/** One truth source of a visit-detector over its snaps. */
export interface TruthTrack {
  readonly id: string;
  readonly kind: string;
  /** Mean magnitude over the snaps. */
  readonly mag: number;
  /** Flux the difference should show, summed over snaps, e⁻ (negative: fainter than template). */
  readonly diffFluxE: number;
  /** Positions in the first and last snap. */
  readonly first: TruthTransient;
  readonly last: TruthTransient;
}

/** A truth source paired with the DIA source that found it (index), or −1. */
export interface TruthMatch {
  readonly track: TruthTrack;
  readonly source: number;
  /** Distance to the track, pixels (Infinity when unmatched). */
  readonly distancePx: number;
}

/** The flux a truth source adds to the difference in one snap, e⁻. */
export function differenceFluxE(t: TruthTransient): number {
  if (t.templateMag === undefined) return t.fluxE;
  return t.fluxE * (1 - 10 ** (-0.4 * (t.templateMag - t.mag)));
}

/** The tracks of a visit-detector from its snaps' truth lists (sources by id). */
export function truthTracks(snaps: readonly (readonly TruthTransient[])[]): TruthTrack[] {
  const byId = new Map<string, TruthTransient[]>();
  for (const snap of snaps)
    for (const t of snap) {
      const list = byId.get(t.id);
      if (list) list.push(t);
      else byId.set(t.id, [t]);
    }
  const out: TruthTrack[] = [];
  for (const [id, list] of byId) {
    out.push({
      id,
      kind: list[0]!.kind,
      mag: list.reduce((s, t) => s + t.mag, 0) / list.length,
      diffFluxE: list.reduce((s, t) => s + differenceFluxE(t), 0),
      first: list[0]!,
      last: list[list.length - 1]!,
    });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Distance from (x, y) to the segment a–b, pixels. */
export function distanceToSegment(
  x: number,
  y: number,
  a: { x: number; y: number },
  b: { x: number; y: number },
): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / len2)) : 0;
  return Math.hypot(x - a.x - t * dx, y - a.y - t * dy);
}

/**
 * Pairs tracks with DIA sources within `radiusPx`, nearest pairs first, one to one; a source
 * of the wrong sign (a decrement for a brightening) does not match. Result in track order.
 */
export function matchTruth(
  tracks: readonly TruthTrack[],
  sources: ScoredSources,
  radiusPx: number,
): TruthMatch[] {
  const pairs: { t: number; s: number; d: number }[] = [];
  tracks.forEach((track, t) => {
    for (let s = 0; s < sources.length; s++) {
      if (Math.sign(sources.apFlux[s]!) !== Math.sign(track.diffFluxE)) continue;
      const d = distanceToSegment(sources.x[s]!, sources.y[s]!, track.first, track.last);
      if (d <= radiusPx) pairs.push({ t, s, d });
    }
  });
  pairs.sort((a, b) => a.d - b.d || a.t - b.t || a.s - b.s);
  const bySource = new Set<number>();
  const byTrack = new Map<number, { s: number; d: number }>();
  for (const p of pairs) {
    if (byTrack.has(p.t) || bySource.has(p.s)) continue;
    byTrack.set(p.t, { s: p.s, d: p.d });
    bySource.add(p.s);
  }
  return tracks.map((track, t) => {
    const m = byTrack.get(t);
    return { track, source: m?.s ?? -1, distancePx: m?.d ?? Infinity };
  });
}
