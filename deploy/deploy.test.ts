import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROLES } from '../src/cli/role-commands.js';
import { loadConfig, type Config } from '../src/core/config.js';
import { activeDetectors, getInstrument } from '../src/core/instruments.js';
import { DEFAULT_HEALTH_PORT, HEALTH_PATHS } from '../src/observe/health-server.js';
import { topologyNames } from '../src/prompt/topology.js';
import {
  configMapSchema,
  cpuCores,
  kustomizationSchema,
  loadManifests,
  parseAs,
  pdbSchema,
  scaledObjectSchema,
  selects,
  serviceSchema,
  workloadSchema,
  type Container,
  type Workload,
} from './testing/manifests.js';

const root = import.meta.dirname;
const manifests = loadManifests(root);
const ofKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const workloads = manifests
  .filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet')
  .map((m) => parseAs(workloadSchema, m));
const deployments = workloads.filter((w) => w.kind === 'Deployment');
const containersOf = (w: Workload): Container[] => w.spec.template.spec.containers;
const packageVersion = (
  JSON.parse(readFileSync(path.join(root, '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** The promptly role a container runs: `node dist/src/cli/main.js <role> …`. */
function roleOf(c: Container): string {
  return c.command?.[2] ?? '';
}
function argAfter(c: Container, flag: string): string | undefined {
  const command = c.command ?? [];
  const i = command.indexOf(flag);
  return i < 0 ? undefined : command[i + 1];
}
function deploymentOfRole(role: string): Workload {
  const d = deployments.find((w) => containersOf(w).some((c) => roleOf(c) === role));
  if (!d) throw new Error(`no Deployment runs the ${role} role`);
  return d;
}

const [configMapManifest] = ofKind('ConfigMap').filter((m) => m.name === 'promptly-config');
const configText = configMapManifest
  ? (parseAs(configMapSchema, configMapManifest).data['promptly.yaml'] ?? '')
  : '';
/** The embedded config as written (before promptly's schema sees it). */
const rawConfig = parseYaml(configText) as {
  instrument: string;
  store: { accessKeyIdEnv?: string; secretAccessKeyEnv?: string };
  centralRepo: { datastore: { accessKeyIdEnv?: string; secretAccessKeyEnv?: string } };
  arrivals: { webhook: { bearerTokenEnv?: string } };
};
const tmp = mkdtempSync(path.join(os.tmpdir(), 'promptly-deploy-'));
const configFile = path.join(tmp, 'promptly.yaml');
writeFileSync(configFile, configText);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A sample of what each Secret key holds, to load the config as a pod would. */
const SAMPLE_SECRET_VALUES: Record<string, string> = {
  url: 'postgres://promptly:sample@postgres.promptly.svc:5432/promptly',
  'access-key-id': 'sample-access-key',
  'secret-access-key': 'sample-secret-key',
  token: 'sample-token',
};
/** The environment a container gets: literal values, and samples for Secret references. */
function podEnv(c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env) {
    const key = e.valueFrom?.secretKeyRef?.key;
    const value = e.value ?? (key !== undefined ? SAMPLE_SECRET_VALUES[key] : undefined);
    if (value !== undefined) env[e.name] = value;
  }
  return env;
}
function configOf(c: Container): Config {
  return loadConfig({ file: configFile, env: podEnv(c) });
}

describe('deploy/ manifests', () => {
  it('gives every document an apiVersion, a kind and a name', () => {
    expect(manifests.length).toBeGreaterThan(10);
    for (const m of manifests) {
      expect(m.apiVersion, m.file).toEqual(expect.any(String));
      expect(m.kind, m.file).toEqual(expect.any(String));
      if (m.kind !== 'Kustomization')
        expect(m.name, `${m.file} ${String(m.kind)}`).toEqual(expect.any(String));
    }
  });

  it('lists every manifest in its folder’s kustomization, and nothing that does not exist', () => {
    for (const k of ofKind('Kustomization')) {
      const dir = path.join(root, path.dirname(k.file));
      const { resources, configMapGenerator } = parseAs(kustomizationSchema, k);
      const generated = configMapGenerator.flatMap((g) => g.files);
      for (const r of [...resources, ...generated])
        expect(existsSync(path.join(dir, r)), `${k.file}: ${r}`).toBe(true);
      const siblings = readdirSync(dir).filter(
        (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
      );
      for (const f of siblings) expect(resources, `${k.file} lacks ${f}`).toContain(f);
    }
  });

  it('runs each promptly role as its own Deployment from the image with its config file', () => {
    const roles = deployments.flatMap((d) => containersOf(d).map(roleOf));
    expect(new Set(roles)).toEqual(new Set(['fanout', 'router', 'worker', 'recorder', 'summit']));
    for (const d of deployments)
      for (const c of containersOf(d)) {
        expect(c.image).toBe(`promptly:${packageVersion}`);
        expect(c.command?.slice(0, 2)).toEqual(['node', 'dist/src/cli/main.js']);
        expect(Object.keys(ROLES)).toContain(roleOf(c));
        expect(d.metadata.name).toBe(`promptly-${roleOf(c)}`);
        const configPath = argAfter(c, '--config') ?? '';
        const mount = c.volumeMounts.find((v) => path.dirname(configPath) === v.mountPath);
        const volume = d.spec.template.spec.volumes.find((v) => v.name === mount?.name);
        expect(volume?.configMap?.name, `${d.metadata.name}: ${configPath}`).toBe(
          configMapManifest?.name,
        );
        expect(path.basename(configPath)).toBe('promptly.yaml');
      }
  });

  it('gives every container CPU and memory requests and limits, as a non-root user on a read-only root', () => {
    for (const w of workloads) {
      expect(w.spec.template.spec.securityContext?.runAsNonRoot, w.metadata.name).toBe(true);
      for (const c of containersOf(w)) {
        for (const q of ['cpu', 'memory']) {
          expect(c.resources?.requests[q], `${c.name} requests.${q}`).toBeDefined();
          expect(c.resources?.limits[q], `${c.name} limits.${q}`).toBeDefined();
        }
        expect(c.securityContext?.readOnlyRootFilesystem, c.name).toBe(true);
        expect(c.securityContext?.allowPrivilegeEscalation, c.name).toBe(false);
      }
    }
  });

  it('points every probe of a role at HEALTH_PATHS on the health port it is given', () => {
    for (const d of deployments)
      for (const c of containersOf(d)) {
        const healthPort = Number(argAfter(c, '--health-port') ?? DEFAULT_HEALTH_PORT);
        expect(
          c.ports.map((p) => p.containerPort),
          c.name,
        ).toContain(healthPort);
        const named = (port: number | string): number =>
          typeof port === 'number'
            ? port
            : (c.ports.find((p) => p.name === port)?.containerPort ?? -1);
        expect(c.livenessProbe?.httpGet.path, c.name).toBe(HEALTH_PATHS.live);
        expect(c.readinessProbe?.httpGet.path, c.name).toBe(HEALTH_PATHS.ready);
        for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
          if (probe === undefined) continue;
          expect(Object.values(HEALTH_PATHS)).toContain(probe.httpGet.path);
          expect(named(probe.httpGet.port), `${c.name} ${probe.httpGet.path}`).toBe(healthPort);
        }
      }
  });

  it('gives the worker a CPU per pipeline, an emptyDir handler-local repo and time to drain', () => {
    const worker = deploymentOfRole('worker');
    const [c] = containersOf(worker);
    if (!c) throw new Error('worker has no container');
    const config = configOf(c);
    expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(120);
    expect(config.worker.pipelineConcurrency).toBeLessThanOrEqual(
      cpuCores(c.resources?.limits.cpu),
    );
    expect(cpuCores(c.resources?.requests.cpu)).toBe(cpuCores(c.resources?.limits.cpu));
    const mount = c.volumeMounts.find((v) => v.mountPath === config.worker.localRepoRoot);
    const volume = worker.spec.template.spec.volumes.find((v) => v.name === mount?.name);
    expect(volume?.emptyDir, config.worker.localRepoRoot).toBeDefined();
  });

  it("embeds a promptly config that promptly's own loader accepts for every role", () => {
    for (const d of deployments)
      for (const c of containersOf(d)) {
        const config = configOf(c);
        expect(config.bus.kind).toBe('nats');
        if (config.bus.kind === 'nats')
          expect(config.bus.servers).toContain('nats://nats.promptly.svc:4222');
        expect(config.store.kind).toBe('s3');
        // No pod shares a volume: the central repo is PostgreSQL plus a bucket.
        expect(config.centralRepo.datastore.kind).toBe('s3');
        expect(config.centralRepo.registry.kind).toBe('postgres');
        if (config.centralRepo.registry.kind === 'postgres')
          expect(config.centralRepo.registry.url).toBe(
            podEnv(c).PROMPTLY_CENTRAL_REPO__REGISTRY__URL,
          );
        expect(config.fanout.http).toMatchObject({ enabled: true, host: '0.0.0.0', port: 8080 });
        expect(config.arrivals.webhook).toMatchObject({ enabled: true, port: 8081 });
        // Every pod's deadlines follow one summit clock: the real one.
        expect(config.sim.speed).toBe(1);
      }
  });

  it('hands each role the credentials its config names, from Secrets only', () => {
    const needs: Record<string, (string | undefined)[]> = {
      router: [
        rawConfig.store.accessKeyIdEnv,
        rawConfig.store.secretAccessKeyEnv,
        rawConfig.arrivals.webhook.bearerTokenEnv,
      ],
      worker: [
        rawConfig.store.accessKeyIdEnv,
        rawConfig.store.secretAccessKeyEnv,
        rawConfig.centralRepo.datastore.accessKeyIdEnv,
        rawConfig.centralRepo.datastore.secretAccessKeyEnv,
      ],
      // The recorder writes outcomes into the central repo's bucket.
      recorder: [
        rawConfig.centralRepo.datastore.accessKeyIdEnv,
        rawConfig.centralRepo.datastore.secretAccessKeyEnv,
      ],
      summit: [
        rawConfig.store.accessKeyIdEnv,
        rawConfig.store.secretAccessKeyEnv,
        rawConfig.centralRepo.datastore.accessKeyIdEnv,
        rawConfig.centralRepo.datastore.secretAccessKeyEnv,
      ],
    };
    for (const [role, names] of Object.entries(needs)) {
      const [c] = containersOf(deploymentOfRole(role));
      for (const name of names) {
        expect(name, `${role}: the config names no variable`).toEqual(expect.any(String));
        const e = c?.env.find((x) => x.name === name);
        expect(e?.valueFrom?.secretKeyRef, `${role}: ${name}`).toBeDefined();
      }
    }
    for (const d of deployments)
      for (const c of containersOf(d)) {
        const url = c.env.find((e) => e.name === 'PROMPTLY_CENTRAL_REPO__REGISTRY__URL');
        expect(url?.valueFrom?.secretKeyRef, `${c.name}: registry URL`).toBeDefined();
      }
  });

  it('commits no secret value', () => {
    // Secrets are created by the site (deploy/README.md); a committed placeholder would
    // overwrite the real one on every `kubectl apply -k`.
    expect(ofKind('Secret')).toEqual([]);
    for (const w of workloads)
      for (const c of containersOf(w))
        for (const e of c.env)
          if (/PASSWORD|SECRET|TOKEN|ACCESS_KEY|_URL$/.test(e.name))
            expect(e.value, `${c.name}: ${e.name}`).toBeUndefined();
    // No URL of the embedded config carries a password (user:password@host).
    expect(configText).not.toMatch(/:\/\/[^/\s:@]+:[^/\s@]+@/);
    const initSql = readFileSync(path.join(root, 'postgres', 'init.sql'), 'utf8');
    expect(initSql).toMatch(/PASSWORD :'promptly_password'/);
    expect(initSql).not.toMatch(/PASSWORD\s+'/i);
  });

  it('scales the worker Deployment with KEDA on the work queue the topology names', () => {
    const [manifest, ...more] = ofKind('ScaledObject');
    expect(more).toEqual([]);
    if (!manifest) throw new Error('no ScaledObject');
    const scaled = parseAs(scaledObjectSchema, manifest);
    expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaled.spec.scaleTargetRef.name).toBe(deploymentOfRole('worker').metadata.name);
    const trigger = scaled.spec.triggers.find((t) => t.type === 'nats-jetstream');
    const queue = topologyNames('LSSTCam').workQueue;
    expect(rawConfig.instrument).toBe('LSSTCam');
    expect(trigger?.metadata).toMatchObject({ account: '$G', stream: queue, consumer: queue });
    const [worker] = containersOf(deploymentOfRole('worker'));
    if (!worker) throw new Error('worker has no container');
    const config = configOf(worker);
    // The scaler reads the NATS the workers use, on the monitoring port of nats-server.conf.
    const natsConf = readFileSync(path.join(root, 'nats', 'nats-server.conf'), 'utf8');
    const monitorPort = /^http_port:\s*(\d+)/m.exec(natsConf)?.[1];
    const busHost = config.bus.kind === 'nats' ? new URL(config.bus.servers[0] ?? '').hostname : '';
    expect(trigger?.metadata.natsServerMonitoringEndpoint).toBe(`${busHost}:${monitorPort}`);
    // One pod per `slots` items of backlog (pending + ack-pending), enough for two visits.
    expect(Number(trigger?.metadata.lagThreshold)).toBe(config.worker.slots);
    const detectors = activeDetectors(
      getInstrument(config.instrument),
      config.fanout.detectorPurposes,
    ).length;
    expect(detectors).toBe(189);
    expect(scaled.spec.maxReplicaCount * config.worker.slots).toBeGreaterThanOrEqual(2 * detectors);
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(
      scaled.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp
        .stabilizationWindowSeconds,
    ).toBe(0);
  });

  it('routes every Service to the pods of a workload, on a port they declare', () => {
    for (const m of ofKind('Service')) {
      const s = parseAs(serviceSchema, m);
      const target = workloads.find((w) =>
        selects(s.spec.selector, w.spec.template.metadata.labels),
      );
      expect(target, s.metadata.name).toBeDefined();
      if (!target) continue;
      expect(selects(target.spec.selector.matchLabels, target.spec.template.metadata.labels)).toBe(
        true,
      );
      const ports = containersOf(target).flatMap((c) => c.ports);
      for (const p of s.spec.ports)
        expect(
          ports.some((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort),
          `${s.metadata.name}:${p.port}`,
        ).toBe(true);
    }
    const [fanout] = containersOf(deploymentOfRole('fanout'));
    const [router] = containersOf(deploymentOfRole('router'));
    expect(fanout?.ports.map((p) => p.containerPort)).toContain(8080);
    expect(router?.ports.map((p) => p.containerPort)).toContain(8081);
  });

  it('keeps one fan-out and one recorder through a voluntary disruption, and lets one go', () => {
    const guarded = ofKind('PodDisruptionBudget').map((m) => {
      const pdb = parseAs(pdbSchema, m);
      const target = deployments.find((d) =>
        selects(pdb.spec.selector.matchLabels, d.spec.template.metadata.labels),
      );
      expect(target, pdb.metadata.name).toBeDefined();
      expect(pdb.spec.minAvailable).toBeLessThan(target?.spec.replicas ?? 0);
      return target?.metadata.name;
    });
    expect(guarded.sort()).toEqual(['promptly-fanout', 'promptly-recorder']);
    expect(deploymentOfRole('fanout').spec.replicas).toBe(2);
    expect(deploymentOfRole('router').spec.replicas).toBe(2);
    expect(deploymentOfRole('recorder').spec.replicas).toBe(2);
  });

  it('lets PostgreSQL accept every connection the pods can open at their replica ceiling', () => {
    // Pools each role opens (src/cli/roles): the central registry and/or the visit ledger.
    const POOLS: Record<string, number> = {
      fanout: 1,
      router: 0,
      worker: 1,
      recorder: 2,
      summit: 1,
    };
    const [scaledManifest] = ofKind('ScaledObject');
    if (!scaledManifest) throw new Error('no ScaledObject');
    const scaled = parseAs(scaledObjectSchema, scaledManifest);
    let connections = 0;
    for (const d of deployments)
      for (const c of containersOf(d)) {
        const config = configOf(c);
        const poolSize =
          config.centralRepo.registry.kind === 'postgres'
            ? (config.centralRepo.registry.poolSize ?? 10)
            : 0;
        const replicas = roleOf(c) === 'worker' ? scaled.spec.maxReplicaCount : d.spec.replicas;
        connections += replicas * (POOLS[roleOf(c)] ?? Number.NaN) * poolSize;
      }
    const conf = readFileSync(path.join(root, 'postgres', 'postgresql.conf'), 'utf8');
    const setting = (name: string): number =>
      Number(new RegExp(`^${name}\\s*=\\s*(\\d+)`, 'm').exec(conf)?.[1]);
    expect(
      setting('max_connections') - setting('superuser_reserved_connections'),
    ).toBeGreaterThanOrEqual(connections);
    expect(conf).toMatch(/^synchronous_commit\s*=\s*on\b/m);
  });
});

/** A binary of a Debian package, or undefined when it is not installed here. */
function findBinary(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs];
  return dirs.map((d) => path.join(d, name)).find((p) => p !== name && existsSync(p));
}
const natsServer = findBinary('nats-server');
const postgres = findBinary(
  'postgres',
  existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [],
);
if (!natsServer)
  console.log('deploy: nats-server config check skipped: install the Debian package nats-server');
if (!postgres)
  console.log('deploy: postgresql.conf check skipped: install the Debian package postgresql');

describe.skipIf(!natsServer)('deploy/nats with nats-server', () => {
  it('is a configuration nats-server accepts, with JetStream and the ports the manifests use', () => {
    const file = path.join(root, 'nats', 'nats-server.conf');
    const run = spawnSync(natsServer ?? '', ['-t', '-c', file], {
      env: { ...process.env, NATS_SERVER_NAME: 'nats-0' },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const conf = readFileSync(file, 'utf8');
    expect(conf).toMatch(/^jetstream\s*\{/m);
    expect(conf).toMatch(/^port:\s*4222$/m);
    const nats = workloads.find((w) => w.metadata.name === 'nats');
    expect(nats?.kind).toBe('StatefulSet');
    const ports = nats
      ? containersOf(nats).flatMap((c) => c.ports.map((p) => p.containerPort))
      : [];
    expect(ports).toEqual(expect.arrayContaining([4222, 8222]));
  });
});

describe.skipIf(!postgres)('deploy/postgres with the postgres binary', () => {
  it('names only settings PostgreSQL knows', () => {
    const run = spawnSync(postgres ?? '', ['--describe-config'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const known = new Set(run.stdout.split('\n').map((line) => line.split('\t')[0]));
    const conf = readFileSync(path.join(root, 'postgres', 'postgresql.conf'), 'utf8');
    const names = [...conf.matchAll(/^([a-z_]+)\s*=/gm)].map((m) => m[1] ?? '');
    expect(names.length).toBeGreaterThan(3);
    for (const name of names) expect(known.has(name), name).toBe(true);
  });
});
