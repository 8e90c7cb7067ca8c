import { join } from 'node:path';

/**
 * Where the archive path keeps its files under `archive.root` (the way an image travels,
 * in order):
 *
 * ```
 * daq/<instr>/<obsId>/<detector>.fits   the camera's DAQ (two days)       summit
 * header/<instr>/<obsId>.json           the Header Service's metadata      summit
 * handoff/<origin>/<image>.fits         written by the image writer        base
 * oods/staging/<origin>/                hard links for the OODS            base
 * oods/datastore/raw/<instr>/<dayObs>/  the OODS repository's files
 * oods/quarantine/<origin>/             unreadable files, with .reason.json
 * dbb/staging/<origin>/                 hard links for the DBB
 * dbb/store/                            long-term storage (fs), with receipts/
 * ```
 */
export interface ArchiveLayout {
  readonly root: string;
  readonly daq: string;
  readonly header: string;
  readonly handoff: string;
  readonly oods: string;
  readonly oodsStaging: string;
  readonly oodsDatastore: string;
  readonly oodsQuarantine: string;
  readonly oodsPins: string;
  readonly dbbStaging: string;
  readonly dbbStore: string;
}

export function archiveLayout(root: string): ArchiveLayout {
  return {
    root,
    daq: join(root, 'daq'),
    header: join(root, 'header'),
    handoff: join(root, 'handoff'),
    oods: join(root, 'oods'),
    oodsStaging: join(root, 'oods', 'staging'),
    oodsDatastore: join(root, 'oods', 'datastore'),
    oodsQuarantine: join(root, 'oods', 'quarantine'),
    oodsPins: join(root, 'oods', 'pins.json'),
    dbbStaging: join(root, 'dbb', 'staging'),
    dbbStore: join(root, 'dbb', 'store'),
  };
}
