// The checkers the manifest tests rely on must reject what is wrong, not only accept what is right.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCluster, checkScheduledBackup, isSixFieldCron } from './lib/cnpg.ts';
import { registeredKindCount, validateBuiltIn } from './lib/kube-schemas.ts';
import { renderKustomization, strategicMerge } from './lib/kustomize.ts';
import { canConnect, type Endpoint } from './lib/netpol.ts';
import { parseQuantity } from './lib/quantity.ts';
import { unknownFieldProblems } from './lib/strict-fields.ts';
import type { KubeObject } from './lib/yaml-docs.ts';

const deployment = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd' },
  spec,
});
const validSpec = {
  selector: { matchLabels: { app: 'a' } },
  template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'a', image: 'a:1' }] } },
};

describe('validateBuiltIn', () => {
  it('knows the built-in kinds', () => {
    expect(registeredKindCount).toBeGreaterThan(50);
  });

  it('accepts a valid Deployment and rejects wrong types and missing required fields', () => {
    expect(validateBuiltIn(deployment(validSpec))).toEqual([]);
    expect(validateBuiltIn(deployment({ ...validSpec, replicas: 'two' })).join()).toMatch(
      /replicas must be integer/,
    );
    expect(validateBuiltIn(deployment({ template: validSpec.template })).join()).toMatch(/selector/);
  });

  it('rejects an apiVersion that does not serve the kind', () => {
    const hpa = { apiVersion: 'autoscaling/v3', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' } };
    expect(validateBuiltIn(hpa)).toHaveLength(1);
  });
});

describe('unknownFieldProblems', () => {
  it('names a misspelt field and a wrongly typed one, and accepts a correct object', () => {
    const good = deployment(validSpec);
    const bad = structuredClone(good) as KubeObject & { spec: typeof validSpec & { replicas?: unknown } };
    const container = bad.spec.template.spec.containers[0] as Record<string, unknown>;
    container.securityContext = { readOnlyRootFileSystem: true };
    bad.spec.replicas = '2';
    expect(unknownFieldProblems([good])).toEqual([]);
    expect(unknownFieldProblems([good, bad])).toEqual([
      expect.stringMatching(
        /^Deployment\/d: .*'"readOnlyRootFileSystem"' does not exist in type 'ISecurityContext'/,
      ),
      expect.stringMatching(/^Deployment\/d: .*not assignable to type 'number'/),
    ]);
  });
});

describe('renderKustomization', () => {
  const dir = mkdtempSync(join(tmpdir(), 'virtplan-kustomize-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a missing resource, a patch without a target and an unsupported field', () => {
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources: [present.yaml, missing.yaml]',
        'patches: [{ path: patch.yaml }]',
        'replacements: []',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'present.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: here }\n');
    writeFileSync(
      join(dir, 'patch.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: elsewhere }\n',
    );
    const { problems, objects } = renderKustomization(dir);
    expect(objects.map((o) => o.metadata.name)).toEqual(['here']);
    expect(problems).toEqual([
      expect.stringMatching(/field 'replacements' is not supported/),
      expect.stringMatching(/resource 'missing.yaml' does not exist/),
      expect.stringMatching(/patch target ConfigMap\/elsewhere .* is not among the resources/),
    ]);
  });

  it('merges keyed lists by key, patch items first, and replaces other lists', () => {
    const base = {
      containers: [
        {
          name: 'a',
          env: [
            { name: 'X', value: '1' },
            { name: 'Y', value: '2' },
          ],
          args: ['one'],
        },
      ],
    };
    const patch = { containers: [{ name: 'a', env: [{ name: 'Y', value: '3' }], args: ['two'] }] };
    expect(strategicMerge(base, patch)).toEqual({
      containers: [
        {
          name: 'a',
          env: [
            { name: 'Y', value: '3' },
            { name: 'X', value: '1' },
          ],
          args: ['two'],
        },
      ],
    });
  });
});

describe('CloudNativePG checks', () => {
  const cluster = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: 'db' },
    spec: { instances: 3, storage: { size: '10Gi' }, ...spec },
  });
  const store = {
    destinationPath: 's3://bucket/db',
    s3Credentials: {
      accessKeyId: { name: 's3', key: 'ID' },
      secretAccessKey: { name: 's3', key: 'SECRET' },
    },
  };

  it('accepts a minimal cluster with a barman object store', () => {
    expect(
      checkCluster(cluster({ backup: { retentionPolicy: '30d', barmanObjectStore: store } }), 3),
    ).toEqual([]);
  });

  it('rejects too few instances, a misspelt field, bad storage and a bad retention policy', () => {
    const problems = checkCluster(
      cluster({ instances: 1, storge: {}, storage: { size: 'big' }, backup: { retentionPolicy: '30 days' } }),
      3,
    );
    expect(problems.join('\n')).toMatch(/instances/);
    expect(problems.join('\n')).toMatch(/spec\.storge: not a CloudNativePG field/);
    expect(problems.join('\n')).toMatch(/storage\.size/);
    expect(problems.join('\n')).toMatch(/retentionPolicy/);
  });

  it('rejects credentials written inline instead of referenced', () => {
    const inline = {
      ...store,
      s3Credentials: { accessKeyId: 'AKIA0000', secretAccessKey: { name: 's3', key: 'S' } },
    };
    expect(checkCluster(cluster({ backup: { barmanObjectStore: inline } })).join()).toMatch(
      /accessKeyId: must be a secret reference/,
    );
  });

  it('rejects a five-field cron and a backup of a cluster that does not exist', () => {
    expect(isSixFieldCron('0 0 2 * * *')).toBe(true);
    expect(isSixFieldCron('0 2 * * *')).toBe(false);
    const backup: KubeObject = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      metadata: { name: 'b' },
      spec: { schedule: '0 2 * * *', cluster: { name: 'other' } },
    };
    const problems = checkScheduledBackup(backup, [cluster({ backup: { barmanObjectStore: store } })]);
    expect(problems).toEqual([
      expect.stringMatching(/six-field cron/),
      expect.stringMatching(/no Cluster 'other'/),
    ]);
  });
});

describe('canConnect', () => {
  const ep = (labels: Record<string, string>, namespace = 'n'): Endpoint => ({
    namespace,
    namespaceLabels: { 'kubernetes.io/metadata.name': namespace },
    labels,
  });
  const policy = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'n' },
    spec,
  });

  it('is open without policies, closed by a default deny, reopened by a matching rule only', () => {
    const a = ep({ app: 'a' });
    const b = ep({ app: 'b' });
    expect(canConnect([], a, b, 80)).toBe(true);
    const deny = policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(canConnect([deny], a, b, 80)).toBe(false);
    const allow = [
      deny,
      policy('a-out', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'], egress: [{}] }),
      policy('b-in', {
        podSelector: { matchLabels: { app: 'b' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 80 }] }],
      }),
    ];
    expect(canConnect(allow, a, b, 80)).toBe(true);
    expect(canConnect(allow, a, b, 81)).toBe(false);
    expect(canConnect(allow, ep({ app: 'a' }, 'other'), b, 80)).toBe(false);
    expect(canConnect(allow, b, a, 80)).toBe(false);
  });
});

describe('parseQuantity', () => {
  it('reads CPU and memory quantities and rejects nonsense', () => {
    expect(parseQuantity('250m')).toBe(0.25);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('512Mi')).toBe(512 * 2 ** 20);
    expect(() => parseQuantity('lots')).toThrow(/not a quantity/);
  });
});
