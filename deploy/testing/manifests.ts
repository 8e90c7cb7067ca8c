import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

/**
 * The subset of Kubernetes objects `deploy/deploy.test.ts` checks, as loose schemas: fields
 * it reads must be present and well typed, everything else passes through. A manifest that
 * does not fit fails with the path of the field.
 */

const portRef = z.union([z.number().int(), z.string().min(1)]);

const probeSchema = z.looseObject({
  httpGet: z.looseObject({ path: z.string(), port: portRef }),
});

const envSchema = z.looseObject({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z
    .looseObject({
      secretKeyRef: z.looseObject({ name: z.string(), key: z.string() }).optional(),
      fieldRef: z.looseObject({ fieldPath: z.string() }).optional(),
    })
    .optional(),
});

const quantities = z.record(z.string(), z.union([z.string(), z.number()]));

const containerSchema = z.looseObject({
  name: z.string().min(1),
  image: z.string().min(1),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  ports: z
    .array(z.looseObject({ name: z.string().optional(), containerPort: z.number().int() }))
    .default([]),
  env: z.array(envSchema).default([]),
  resources: z.looseObject({ requests: quantities, limits: quantities }).optional(),
  startupProbe: probeSchema.optional(),
  livenessProbe: probeSchema.optional(),
  readinessProbe: probeSchema.optional(),
  securityContext: z
    .looseObject({
      readOnlyRootFilesystem: z.boolean().optional(),
      allowPrivilegeEscalation: z.boolean().optional(),
    })
    .optional(),
  volumeMounts: z
    .array(
      z.looseObject({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional() }),
    )
    .default([]),
});

const volumeSchema = z.looseObject({
  name: z.string(),
  emptyDir: z.looseObject({}).optional(),
  configMap: z.looseObject({ name: z.string() }).optional(),
  persistentVolumeClaim: z.looseObject({ claimName: z.string() }).optional(),
});

/** A Deployment or StatefulSet: what runs, in which pods, how many. */
export const workloadSchema = z.looseObject({
  kind: z.enum(['Deployment', 'StatefulSet']),
  metadata: z.looseObject({ name: z.string() }),
  spec: z.looseObject({
    replicas: z.number().int().nonnegative().default(1),
    selector: z.looseObject({ matchLabels: z.record(z.string(), z.string()) }),
    template: z.looseObject({
      metadata: z.looseObject({ labels: z.record(z.string(), z.string()) }),
      spec: z.looseObject({
        terminationGracePeriodSeconds: z.number().int().optional(),
        securityContext: z.looseObject({ runAsNonRoot: z.boolean().optional() }).optional(),
        containers: z.array(containerSchema).min(1),
        volumes: z.array(volumeSchema).default([]),
      }),
    }),
  }),
});
export type Workload = z.infer<typeof workloadSchema>;
export type Container = Workload['spec']['template']['spec']['containers'][number];

export const serviceSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string() }),
  spec: z.looseObject({
    selector: z.record(z.string(), z.string()),
    ports: z
      .array(z.looseObject({ name: z.string().optional(), port: z.number(), targetPort: portRef }))
      .min(1),
  }),
});

export const pdbSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string() }),
  spec: z.looseObject({
    minAvailable: z.number().int().optional(),
    maxUnavailable: z.number().int().optional(),
    selector: z.looseObject({ matchLabels: z.record(z.string(), z.string()) }),
  }),
});

export const scaledObjectSchema = z.looseObject({
  apiVersion: z.string(),
  metadata: z.looseObject({ name: z.string() }),
  spec: z.looseObject({
    scaleTargetRef: z.looseObject({ name: z.string(), kind: z.string().optional() }),
    pollingInterval: z.number().int().positive(),
    cooldownPeriod: z.number().int().nonnegative(),
    minReplicaCount: z.number().int().nonnegative(),
    maxReplicaCount: z.number().int().positive(),
    advanced: z.looseObject({
      horizontalPodAutoscalerConfig: z.looseObject({
        behavior: z.looseObject({
          scaleUp: z.looseObject({ stabilizationWindowSeconds: z.number().int().nonnegative() }),
        }),
      }),
    }),
    triggers: z
      .array(z.looseObject({ type: z.string(), metadata: z.record(z.string(), z.string()) }))
      .min(1),
  }),
});

export const configMapSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string() }),
  data: z.record(z.string(), z.string()),
});

export const kustomizationSchema = z.looseObject({
  resources: z.array(z.string()).default([]),
  configMapGenerator: z
    .array(z.looseObject({ files: z.array(z.string()).default([]) }))
    .default([]),
});

/** One YAML document of a file under `deploy/`. */
export interface Manifest {
  /** Path relative to `deploy/`. */
  readonly file: string;
  readonly apiVersion: unknown;
  readonly kind: unknown;
  readonly name: unknown;
  readonly doc: unknown;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(full);
    return e.name.endsWith('.yaml') || e.name.endsWith('.yml') ? [full] : [];
  });
}

function field(doc: unknown, key: string): unknown {
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc)
    ? (doc as Record<string, unknown>)[key]
    : undefined;
}

/** Every document of every YAML file under `root`; a YAML syntax error throws, naming the file. */
export function loadManifests(root: string): Manifest[] {
  return yamlFiles(root).flatMap((full) => {
    const file = path.relative(root, full);
    return parseAllDocuments(readFileSync(full, 'utf8')).flatMap((d) => {
      if (d.errors.length > 0)
        throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
      const doc: unknown = d.toJS();
      if (doc === null || doc === undefined) return [];
      return [
        {
          file,
          doc,
          apiVersion: field(doc, 'apiVersion'),
          kind: field(doc, 'kind'),
          name: field(field(doc, 'metadata'), 'name'),
        },
      ];
    });
  });
}

/** Parses `doc` with `schema`, or throws with the manifest's file and the failing fields. */
export function parseAs<T>(schema: z.ZodType<T>, m: Manifest): T {
  const result = schema.safeParse(m.doc);
  if (!result.success)
    throw new Error(
      `${m.file} ${String(m.kind)} ${String(m.name)}: ${result.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  return result.data;
}

/** A CPU quantity in cores: `2` → 2, `500m` → 0.5. */
export function cpuCores(quantity: string | number | undefined): number {
  if (quantity === undefined) return Number.NaN;
  if (typeof quantity === 'number') return quantity;
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

/** True when every label of `selector` is on `labels`. */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
