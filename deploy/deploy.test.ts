import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROLES } from '../src/cli/role-commands.js';
import { loadConfig } from '../src/core/config.js';
import { DEFAULT_HEALTH_PORT, HEALTH_PATHS } from '../src/observe/health-server.js';
import { topologyNames } from '../src/prompt/topology.js';

interface K8s {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface Container {
  name: string;
  image?: string;
  command?: string[];
  ports?: { name: string; containerPort: number }[];
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  livenessProbe?: { httpGet?: { path: string; port: number | string } };
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
}

const dir = path.join(import.meta.dirname, 'kubernetes');
const docs: K8s[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) =>
    parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => {
      if (d.errors.length > 0)
        throw new Error(`${f}: ${d.errors.map((e) => e.message).join('; ')}`);
      return d.toJS() as K8s;
    }),
  );
const ofKind = (kind: string): K8s[] => docs.filter((d) => d.kind === kind);
const podSpec = (d: K8s): { containers: Container[]; terminationGracePeriodSeconds?: number } =>
  (d.spec as { template: { spec: { containers: Container[] } } }).template.spec;
const podLabels = (d: K8s): Record<string, string> =>
  (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata
    .labels;

describe('deploy/kubernetes', () => {
  it('gives every document an apiVersion, a kind and a name, and lists every file in the kustomization', () => {
    for (const d of docs) {
      expect(d.apiVersion, JSON.stringify(d.metadata)).toBeTruthy();
      expect(d.kind).toBeTruthy();
      expect(d.metadata?.name).toBeTruthy();
    }
    const kustomization = readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8');
    for (const f of readdirSync(dir).filter(
      (x) => x.endsWith('.yaml') && x !== 'kustomization.yaml',
    ))
      expect(kustomization).toContain(f);
  });

  it('runs each role from the image with its config, resources and probes on the real health endpoints', () => {
    const deployments = ofKind('Deployment');
    expect(deployments.map((d) => d.metadata?.name).sort()).toEqual(
      ['promptly-fanout', 'promptly-recorder', 'promptly-router', 'promptly-worker'].sort(),
    );
    for (const d of deployments) {
      const [c] = podSpec(d).containers;
      expect(c?.image).toMatch(/^promptly:\d+\.\d+\.\d+$/);
      const command = c?.command ?? [];
      expect(command.slice(0, 2)).toEqual(['node', 'dist/src/cli/main.js']);
      const role = command[2] ?? '';
      expect(Object.keys(ROLES)).toContain(role);
      expect(command).toContain('--config');
      const portArg = command[command.indexOf('--health-port') + 1];
      const healthPort = Number(portArg ?? DEFAULT_HEALTH_PORT);
      expect(c?.resources?.requests?.cpu).toBeTruthy();
      expect(c?.resources?.limits?.memory).toBeTruthy();
      expect(c?.livenessProbe?.httpGet).toEqual({ path: HEALTH_PATHS.live, port: healthPort });
      expect(c?.readinessProbe?.httpGet).toEqual({ path: HEALTH_PATHS.ready, port: healthPort });
      expect(c?.ports?.some((p) => p.containerPort === healthPort)).toBe(true);
    }
    const worker = deployments.find((d) => d.metadata?.name === 'promptly-worker');
    expect(podSpec(worker!).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60);
  });

  it('scales workers with KEDA on the work queue the topology names', () => {
    const [scaled] = ofKind('ScaledObject');
    expect(scaled?.apiVersion).toBe('keda.sh/v1alpha1');
    const spec = scaled?.spec as {
      scaleTargetRef: { name: string };
      maxReplicaCount: number;
      triggers: { type: string; metadata: Record<string, string> }[];
    };
    expect(ofKind('Deployment').map((d) => d.metadata?.name)).toContain(spec.scaleTargetRef.name);
    const trigger = spec.triggers.find((t) => t.type === 'nats-jetstream');
    const queue = topologyNames('LSSTCam').workQueue;
    expect(trigger?.metadata).toMatchObject({ stream: queue, consumer: queue });
    expect(trigger?.metadata.natsServerMonitoringEndpoint).toMatch(/:8222$/);
    expect(Number(trigger?.metadata.lagThreshold)).toBeGreaterThan(0);
    expect(spec.maxReplicaCount).toBeGreaterThanOrEqual(189 / 2);
  });

  it('routes every Service to pods of a Deployment, on a port they declare', () => {
    for (const s of ofKind('Service')) {
      const spec = s.spec as { selector: Record<string, string>; ports: { targetPort: string }[] };
      const target = ofKind('Deployment').find((d) =>
        Object.entries(spec.selector).every(([k, v]) => podLabels(d)[k] === v),
      );
      expect(target, s.metadata?.name).toBeDefined();
      const names = podSpec(target!).containers.flatMap((c) => (c.ports ?? []).map((p) => p.name));
      for (const p of spec.ports) expect(names).toContain(p.targetPort);
    }
  });

  it('commits no secret value', () => {
    for (const s of ofKind('Secret'))
      for (const v of Object.values({ ...s.stringData, ...s.data }))
        expect(v).toBe('REPLACE_WITH_SITE_SECRET');
  });

  it("embeds a promptly config that promptly's own loader accepts", () => {
    const [cm] = ofKind('ConfigMap');
    const text = cm?.data?.['promptly.yaml'];
    expect(text).toBeTruthy();
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'promptly-deploy-'));
    try {
      const file = path.join(tmp, 'promptly.yaml');
      writeFileSync(file, text ?? '');
      const config = loadConfig({ file });
      expect(config.bus.kind).toBe('nats');
      expect(config.centralRepo.registry.kind).toBe('postgres');
      expect(config.fanout.http.port).toBe(8080);
      expect(config.arrivals.webhook.port).toBe(8081);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
