import type { ErrorCode } from '../../core/error-codes.js';
import { isPromptlyError } from '../../core/errors.js';
import type { DatasetType, IngestRequest } from '../registry.js';

/** Shared fixtures of the Registry conformance suite. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const RAW: DatasetType = {
  name: 'raw',
  dimensions: ['instrument', 'detector', 'group', 'snap'],
  storageClass: 'Exposure',
  isCalibration: false,
};
export const BIAS: DatasetType = {
  name: 'bias',
  dimensions: ['instrument', 'detector'],
  storageClass: 'Exposure',
  isCalibration: true,
};
export const FLAT: DatasetType = {
  name: 'flat',
  dimensions: ['instrument', 'detector', 'physical_filter'],
  storageClass: 'Exposure',
  isCalibration: true,
};

export async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPromptlyError(err, code)) {
    throw new Error(`expected PromptlyError ${code}, got ${String(err)}`, { cause: err });
  }
}

export function rawReq(
  detector: number,
  run: string,
  extra: Partial<IngestRequest> = {},
): IngestRequest {
  return {
    datasetType: 'raw',
    dataId: { instrument: 'LSSTCam', detector, group: 'g1', snap: 0 },
    run,
    uri: `${run}/raw/${detector}.fits`,
    sizeBytes: 1000 + detector,
    checksum: `c${detector}`,
    ...extra,
  };
}

export function biasReq(
  detector: number,
  run: string,
  checksum = `b${detector}-${run}`,
): IngestRequest {
  return {
    datasetType: 'bias',
    dataId: { instrument: 'LSSTCam', detector },
    run,
    uri: `${run}/bias/${detector}.fits`,
    sizeBytes: 10,
    checksum,
  };
}
