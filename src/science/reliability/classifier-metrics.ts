/**
 * How well a score separates real (label 1) from bogus (label 0) examples: the area under the
 * ROC curve and purity/completeness at a threshold.
 */

/**
 * Area under the ROC curve: the probability that a random real example scores above a random
 * bogus one, ties counting half (the Mann–Whitney U over the product of the class sizes).
 * NaN when a class is empty.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let nPos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const meanRank = (i + j) / 2 + 1; // 1-based average rank of the tie group
    for (let t = i; t <= j; t++)
      if (labels[order[t]!] === 1) {
        nPos++;
        rankSumPos += meanRank;
      }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Counts at a threshold. */
export interface ThresholdStats {
  readonly threshold: number;
  /** Examples scoring ≥ threshold. */
  readonly kept: number;
  /** Real examples scoring ≥ threshold. */
  readonly realKept: number;
  readonly real: number;
  /** realKept / kept (NaN when nothing is kept). */
  readonly purity: number;
  /** realKept / real (NaN when nothing is real). */
  readonly completeness: number;
}

/** Purity and completeness of keeping what scores at or above `threshold`. */
export function thresholdStats(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): ThresholdStats {
  let kept = 0;
  let realKept = 0;
  let real = 0;
  for (let i = 0; i < scores.length; i++) {
    const isReal = labels[i] === 1;
    if (isReal) real++;
    if (scores[i]! >= threshold) {
      kept++;
      if (isReal) realKept++;
    }
  }
  return {
    threshold,
    kept,
    realKept,
    real,
    purity: kept > 0 ? realKept / kept : NaN,
    completeness: real > 0 ? realKept / real : NaN,
  };
}
