import type { Command } from 'commander';
import { deploymentClock } from '../core/clock.js';
import { loadConfig, type Config } from '../core/config.js';
import { archiveLayout } from '../archive/archive-layout.js';
import { Oods, type OodsFile } from '../archive/oods/oods.js';
import { OodsPins } from '../archive/oods/oods-pins.js';
import { createStatusEmitter } from '../observe/status-emitter.js';
import { openBus, openLedger, openOodsRepo } from './backends.js';
import { openVisitGroups } from '../ledger/visit-ledger.js';

interface OodsCommandOptions {
  config?: string;
  workDir?: string;
}

function configOf(o: OodsCommandOptions): Config {
  return loadConfig({
    ...(o.config ? { file: o.config } : {}),
    env: process.env,
    ...(o.workDir ? { overrides: { workDir: o.workDir } } : {}),
  });
}

/** Runs `fn` with the deployment's OODS (not consuming its queue: this process only looks). */
async function withOods<T>(o: OodsCommandOptions, fn: (oods: Oods) => Promise<T>): Promise<T> {
  const config = configOf(o);
  const clock = deploymentClock(config.sim);
  const bus = await openBus(config);
  const repo = await openOodsRepo(config);
  const ledger = await openLedger(config);
  const layout = archiveLayout(config.archive.root);
  const instrument = config.instrument;
  try {
    const oods = new Oods({
      instrument,
      bus,
      clock,
      repo,
      datastoreRoot: layout.oodsDatastore,
      stagingDir: layout.oodsStaging,
      quarantineDir: layout.oodsQuarantine,
      pins: new OodsPins(layout.oodsPins),
      maxAgeMs: config.archive.oodsMaxAgeMs,
      openGroups: () => openVisitGroups(ledger, instrument),
      status: createStatusEmitter(bus, clock, 'oods'),
    });
    return await fn(oods);
  } finally {
    await ledger.dispose();
    await repo.close();
    await bus.close();
  }
}

/** One file as a line: image, age, pin. */
export function oodsLine(f: OodsFile): string {
  const age = Number.isFinite(f.ageMs) ? `${(f.ageMs / 3_600_000).toFixed(1)} h` : '?';
  return `${f.image}  ${age.padStart(9)}  ${f.pinned ? `pinned ${f.pinned}` : ''}`.trimEnd();
}

/** `promptly oods ls|pin|unpin|expire`: the OODS's files, pins and expiry. */
export function registerOodsCommands(program: Command): void {
  const oods = program
    .command('oods')
    .description("The Observatory Operations Data Service's files: list, pin, unpin, expire.");
  const common = (c: Command): Command =>
    c
      .option('-c, --config <file>', 'YAML configuration of the deployment')
      .option('--work-dir <dir>', "the deployment's work directory (default: the config's)");
  common(
    oods.command('ls').description('List the files the OODS holds, with their age and pin.'),
  ).action(async (o: OodsCommandOptions) => {
    const files = await withOods(o, (x) => x.list());
    for (const f of files) process.stdout.write(`${oodsLine(f)}\n`);
    process.stdout.write(`${files.length} file(s)\n`);
  });
  common(
    oods
      .command('pin <image>')
      .description('Pin an image: expiry never removes it.')
      .option('--by <name>', 'who pins it', process.env.USER ?? 'operator')
      .option('--note <text>', 'why', ''),
  ).action(async (image: string, o: OodsCommandOptions & { by: string; note: string }) => {
    const config = configOf(o);
    await new OodsPins(archiveLayout(config.archive.root).oodsPins).pin(
      image,
      o.by,
      o.note,
      Date.now(),
    );
    process.stdout.write(`pinned ${image}\n`);
  });
  common(oods.command('unpin <image>').description('Remove a pin.')).action(
    async (image: string, o: OodsCommandOptions) => {
      const config = configOf(o);
      const had = await new OodsPins(archiveLayout(config.archive.root).oodsPins).unpin(image);
      process.stdout.write(had ? `unpinned ${image}\n` : `${image} was not pinned\n`);
    },
  );
  common(
    oods
      .command('expire')
      .description('Remove files older than archive.oodsMaxAgeMs that are not pinned.')
      .option('--dry-run', 'only list what would be removed', false),
  ).action(async (o: OodsCommandOptions & { dryRun: boolean }) => {
    const due = await withOods(o, (x) => x.expire(o.dryRun));
    for (const f of due)
      process.stdout.write(`${o.dryRun ? 'would expire' : 'expired'} ${oodsLine(f)}\n`);
    process.stdout.write(`${due.length} file(s) ${o.dryRun ? 'due' : 'expired'}\n`);
  });
}
