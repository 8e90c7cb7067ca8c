import { archiveLayout } from '../../archive/archive-layout.js';
import { ensureArchiveTopology } from '../../archive/archive-topology.js';
import { HeaderMetadataStore } from '../../archive/header-service/header-metadata.js';
import { HeaderService } from '../../archive/header-service/header-service.js';
import type { Config } from '../../core/config.js';
import { activeDetectors, getInstrument } from '../../core/instruments.js';
import { ensureTopology } from '../../prompt/topology.js';
import { parseFaults } from '../../sim/faults.js';
import { SimCamera } from '../../sim/sim-camera.js';
import { simCameraOptions } from '../../sim/sim-options.js';
import { openBus } from '../backends.js';
import type { RunningRole } from '../role-runner.js';

/**
 * The Header Service as a role of its own (`archive.headerService: role`): follows the
 * camera's endReadout events and the visits' telemetry on the bus and writes one metadata
 * object per image into `<archive>/header/` (a file system the summit's image writer shares).
 * Runs until SIGTERM.
 */
export async function startHeaderServiceRole(config: Config): Promise<RunningRole> {
  const instrument = getInstrument(config.instrument);
  const detectors = activeDetectors(instrument, config.fanout.detectorPurposes).map((d) => d.id);
  const bus = await openBus(config);
  await ensureTopology(bus, instrument.name, config.worker);
  await ensureArchiveTopology(bus, config.archive);
  const service = new HeaderService({
    instrument: instrument.name,
    detectors,
    bus,
    store: new HeaderMetadataStore(archiveLayout(config.archive.root).header),
    camera: new SimCamera(simCameraOptions(instrument.name, config.sim)),
    faults: parseFaults(config.sim.faults),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  await service.start();
  let stopping = false;
  return {
    state: () => (stopping ? 'STOPPING' : 'RUNNING'),
    notReadyReason: () => undefined,
    detail: () => ({ written: service.written }),
    async drain() {
      stopping = true;
      await service.close();
      await bus.close();
    },
  };
}
