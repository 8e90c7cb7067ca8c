import { receiptKey } from '../../archive/dbb/dbb-receipt.js';
import { oodsRun } from '../../archive/oods/oods.js';
import type { Repo } from '../../registry/repo.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { JobDependency } from '../job.js';

/** Says whether a job's data is there now (the gate asks once, then follows events). */
export interface DataProbe {
  present(dep: JobDependency): Promise<boolean>;
}

/**
 * Looks in the archive: `archived` is an image with a DBB receipt, `ingested` an image in the
 * OODS's repository. Either store may be absent (then its kind of data is never present, and
 * only an event can satisfy a gate).
 */
export function archiveDataProbe(o: { dbbStore?: ObjectStore; oodsRepo?: Repo }): DataProbe {
  return {
    async present(dep) {
      if (dep.kind === 'archived')
        return o.dbbStore
          ? (await o.dbbStore.head(receiptKey(dep.instrument, dep.image))) !== undefined
          : false;
      if (!o.oodsRepo) return false;
      const refs = await o.oodsRepo.registry.queryDatasets('raw', {
        collections: [oodsRun(dep.instrument)],
      });
      const file = `/${dep.image}.fits`;
      return refs.some((r) => r.uri.endsWith(file));
    },
  };
}
