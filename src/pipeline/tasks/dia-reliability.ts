import { scoreReliability } from '../../science/reliability/index.js';
import type { DiaSources, DiaStamps } from './dia-src-fits.js';
import { loadReliabilityModel } from './reliability-model-file.js';

/**
 * The `reliability` column of a visit-detector's DIA sources: the model in `modelFile`
 * (default the shipped one, read once per process) applied to each source's catalog row and
 * stamps, P(real) in [0, 1]. `psfSigmaPx` is the Gaussian σ of the difference's PSF, pixels.
 */
export async function reliabilityColumn(
  sources: DiaSources,
  stamps: DiaStamps,
  psfSigmaPx: number,
  modelFile?: string,
): Promise<Float64Array> {
  const model = await loadReliabilityModel(modelFile);
  return scoreReliability(model, sources, stamps, psfSigmaPx);
}
