import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CNPG_API_VERSION, checkCluster, checkScheduledBackup } from './lib/cnpg.ts';
import { isBuiltInKind, validateBuiltIn } from './lib/kube-schemas.ts';
import { findKubectl, kubectlKustomize } from './lib/kubectl.ts';
import { kustomizationFile, podContainers, renderKustomization } from './lib/kustomize.ts';
import { canConnect, type Endpoint, selectorMatches } from './lib/netpol.ts';
import { parseQuantity } from './lib/quantity.ts';
import { unknownFieldProblems } from './lib/strict-fields.ts';
import { isKubeObject, type KubeObject, readYamlDocuments } from './lib/yaml-docs.ts';

const K8S = resolve(import.meta.dirname, '../k8s');
const BASE = join(K8S, 'base');
const PRODUCTION = join(K8S, 'overlays/production');
const kubectl = findKubectl();

type Obj = Record<string, unknown>;
interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Obj & { capabilities?: { drop?: string[]; add?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
  readinessProbe?: Obj & { httpGet?: { path: string; port: string | number } };
  livenessProbe?: Obj & { httpGet?: { path: string; port: string | number } };
  startupProbe?: Obj & { httpGet?: { path: string; port: string | number } };
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
}
interface PodSpec {
  containers: Container[];
  securityContext?: Obj & { seccompProfile?: { type: string } };
  volumes?: (Obj & { name: string })[];
  terminationGracePeriodSeconds?: number;
  restartPolicy?: string;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: PodSpec;
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .map((f) => join(dir, f))
    .sort();
}

function find(objects: readonly KubeObject[], kind: string, name?: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}

function only(objects: readonly KubeObject[], kind: string): KubeObject {
  const found = find(objects, kind);
  expect(
    found.map((o) => o.metadata.name),
    `exactly one ${kind}`,
  ).toHaveLength(1);
  return found[0] as KubeObject;
}

function template(o: KubeObject): PodTemplate {
  return (o.spec as { template: PodTemplate }).template;
}

/** Problems of every built-in or CloudNativePG object; anything else is itself a problem. */
function validationProblems(objects: readonly KubeObject[]): string[] {
  const clusters = objects.filter((o) => o.kind === 'Cluster' && o.apiVersion === CNPG_API_VERSION);
  return objects.flatMap((o) => {
    if (isBuiltInKind(o.apiVersion, o.kind)) return validateBuiltIn(o);
    if (o.apiVersion === CNPG_API_VERSION && o.kind === 'Cluster') return checkCluster(o, 1);
    if (o.apiVersion === CNPG_API_VERSION && o.kind === 'ScheduledBackup')
      return checkScheduledBackup(o, clusters);
    return [`${o.kind}/${o.metadata.name}: ${o.apiVersion} is neither a built-in nor a CloudNativePG kind`];
  });
}

/** The Pod Security Standard "restricted" profile, as far as a pod template shows it. */
function restrictedProblems(where: string, pod: PodSpec): string[] {
  const problems: string[] = [];
  const podSc = pod.securityContext ?? {};
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push(`${where}: host namespaces`);
  const allowedVolumes = new Set([
    'name',
    'configMap',
    'csi',
    'downwardAPI',
    'emptyDir',
    'ephemeral',
    'persistentVolumeClaim',
    'projected',
    'secret',
  ]);
  for (const v of pod.volumes ?? []) {
    for (const key of Object.keys(v))
      if (!allowedVolumes.has(key)) problems.push(`${where}: volume type ${key}`);
  }
  for (const c of pod.containers) {
    const sc = c.securityContext ?? {};
    const at = `${where} container ${c.name}`;
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) problems.push(`${at}: runAsNonRoot is not true`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) problems.push(`${at}: runs as uid 0`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
    if (sc.privileged === true) problems.push(`${at}: privileged`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL'))
      problems.push(`${at}: capabilities not dropped (ALL)`);
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap !== 'NET_BIND_SERVICE') problems.push(`${at}: adds capability ${cap}`);
    }
    const seccomp = (sc.seccompProfile as { type?: string } | undefined)?.type ?? podSc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
      problems.push(`${at}: seccomp not RuntimeDefault`);
    if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}: root file system is writable`);
  }
  return problems;
}

/** Environment variables that carry a secret in plain text. */
function plainSecretEnv(c: Container): string[] {
  return (c.env ?? [])
    .filter(
      (e) =>
        e.value !== undefined &&
        (/PASSWORD|SECRET|TOKEN|API_?KEY|DATABASE_URL/i.test(e.name) ||
          /:\/\/[^/\s:@]+:[^@\s]+@/.test(e.value)),
    )
    .map((e) => e.name);
}

/** The pod labels CloudNativePG gives the instances of a Cluster. */
function cnpgPodLabels(cluster: KubeObject): Record<string, string> {
  const spec = cluster.spec as { inheritedMetadata?: { labels?: Record<string, string> } };
  return { ...(spec.inheritedMetadata?.labels ?? {}), 'cnpg.io/cluster': cluster.metadata.name };
}

interface Rendering {
  readonly name: string;
  readonly objects: KubeObject[];
}

function renderings(dir: string): Rendering[] {
  const own = renderKustomization(dir);
  const out: Rendering[] = [{ name: 'own renderer', objects: own.objects }];
  if (kubectl) out.push({ name: 'kubectl kustomize', objects: kubectlKustomize(kubectl, dir) });
  return out;
}

describe('manifest files', () => {
  const files = yamlFilesUnder(K8S);

  it('exist for the base and the production overlay', () => {
    const names = files.map((f) => relative(K8S, f));
    expect(names).toContain('base/kustomization.yaml');
    expect(names).toContain('overlays/production/kustomization.yaml');
  });

  it.each(files.map((f) => [relative(K8S, f), f]))('%s parses as YAML', (_name, file) => {
    expect(readYamlDocuments(file).length).toBeGreaterThan(0);
  });

  it('are each referenced by a kustomization (no orphans) and every reference exists', () => {
    const referenced = new Set<string>();
    for (const k of files.filter((f) => /kustomization\.ya?ml$/.test(f))) {
      const spec = parse(readFileSync(k, 'utf8')) as { resources?: string[]; patches?: { path?: string }[] };
      referenced.add(k);
      for (const r of spec.resources ?? []) referenced.add(resolve(dirname(k), r));
      for (const p of spec.patches ?? []) if (p.path) referenced.add(resolve(dirname(k), p.path));
    }
    const orphans = files.filter((f) => !referenced.has(f) && !referenced.has(dirname(f)));
    expect(orphans.map((f) => relative(K8S, f))).toEqual([]);
  });

  it('listed as resources validate against the Kubernetes schemas (or the CloudNativePG checks)', () => {
    const problems: string[] = [];
    for (const dir of [BASE, PRODUCTION]) {
      const k = parse(readFileSync(kustomizationFile(dir) as string, 'utf8')) as { resources: string[] };
      const objects = k.resources
        .filter((r) => r.endsWith('.yaml'))
        .flatMap((r) => readYamlDocuments(join(dir, r)))
        .filter(isKubeObject);
      expect(objects.length).toBeGreaterThan(0);
      problems.push(...validationProblems(objects));
    }
    expect(problems).toEqual([]);
  });
});

describe.each([
  ['base', BASE],
  ['production', PRODUCTION],
])('%s kustomization', (overlay, dir) => {
  it('renders with no missing resources and no patch without a target', () => {
    const { problems, objects } = renderKustomization(dir);
    expect(problems).toEqual([]);
    expect(objects.length).toBeGreaterThan(5);
  });

  it('uses no field the Kubernetes API does not know (kubectl apply validates strictly)', () => {
    expect(unknownFieldProblems(renderKustomization(dir).objects)).toEqual([]);
  });

  describe.each(renderings(dir).map((r) => [r.name, r] as const))(
    'rendered by %s',
    (_renderer, { objects }) => {
      const minReplicas = overlay === 'production' ? 3 : 2;

      it('validates every object against the Kubernetes schemas; CloudNativePG objects structurally', () => {
        expect(validationProblems(objects)).toEqual([]);
      });

      it('has no two objects of one kind with one name', () => {
        const keys = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
        expect(keys.length).toBe(new Set(keys).size);
      });

      it('runs the API as a Deployment of enough replicas that roll without losing capacity', () => {
        const d = only(objects, 'Deployment');
        const spec = d.spec as {
          replicas: number;
          selector: { matchLabels: Record<string, string> };
          strategy: { rollingUpdate: { maxUnavailable: number } };
        };
        expect(spec.replicas).toBeGreaterThanOrEqual(minReplicas);
        expect(selectorMatches(spec.selector, template(d).metadata.labels)).toBe(true);
        expect(spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
        const [api] = template(d).spec.containers;
        expect(template(d).spec.containers).toHaveLength(1);
        expect(api?.args).toEqual(['serve']);
      });

      it('probes readiness on /readyz, liveness on /healthz, with a startup probe, on the served port', () => {
        const pod = template(only(objects, 'Deployment')).spec;
        const api = pod.containers[0] as Container;
        const ports = new Set((api.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
        expect(api.readinessProbe?.httpGet?.path).toBe('/readyz');
        expect(api.livenessProbe?.httpGet?.path).toBe('/healthz');
        expect(api.startupProbe?.httpGet?.path).toBe('/healthz');
        for (const probe of [api.readinessProbe, api.livenessProbe, api.startupProbe]) {
          expect(ports.has(probe?.httpGet?.port)).toBe(true);
        }
        const port = (api.env ?? []).find((e) => e.name === 'PORT')?.value;
        expect(api.ports?.map((p) => p.containerPort)).toContain(Number(port));
      });

      it('sets requests and limits (CPU and memory) with requests not above limits', () => {
        for (const w of [...find(objects, 'Deployment'), ...find(objects, 'Job')]) {
          for (const c of template(w).spec.containers) {
            for (const r of ['cpu', 'memory']) {
              const request = c.resources?.requests?.[r];
              const limit = c.resources?.limits?.[r];
              expect(request, `${w.metadata.name} ${r} request`).toBeDefined();
              expect(limit, `${w.metadata.name} ${r} limit`).toBeDefined();
              expect(parseQuantity(request as string)).toBeLessThanOrEqual(parseQuantity(limit as string));
            }
          }
        }
      });

      it('keeps the Node heap inside the memory limit', () => {
        const api = template(only(objects, 'Deployment')).spec.containers[0] as Container;
        const options = (api.env ?? []).find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
        const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(options)?.[1]);
        expect(heapMiB).toBeGreaterThan(0);
        const limitMiB = parseQuantity(api.resources?.limits?.memory as string) / 2 ** 20;
        expect(heapMiB).toBeLessThanOrEqual(limitMiB * 0.8);
      });

      it('meets the restricted Pod Security Standard, read-only root with /tmp on an emptyDir', () => {
        for (const w of [...find(objects, 'Deployment'), ...find(objects, 'Job')]) {
          const pod = template(w).spec;
          expect(restrictedProblems(`${w.kind}/${w.metadata.name}`, pod)).toEqual([]);
          expect(pod.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
          for (const c of pod.containers) {
            const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
            expect(tmp, `${w.metadata.name}: /tmp mounted`).toBeDefined();
            expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
          }
        }
      });

      it('gives SIGTERM handling time: preStop plus the server drain fit in the grace period', () => {
        const pod = template(only(objects, 'Deployment')).spec;
        const api = pod.containers[0] as Container;
        const preStop = api.lifecycle?.preStop;
        const preStopSeconds = preStop?.sleep?.seconds ?? Number(preStop?.exec?.command.at(-1) ?? 0);
        const drainMs = Number((api.env ?? []).find((e) => e.name === 'VIRTPLAN_SHUTDOWN_GRACE_MS')?.value);
        expect(drainMs).toBeGreaterThan(0);
        expect(preStopSeconds).toBeGreaterThan(0);
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStopSeconds + drainMs / 1000 + 5);
      });

      it('takes the database URL from a Secret by reference and no secret in plain text', () => {
        const secretName =
          overlay === 'production' ? `${only(objects, 'Cluster').metadata.name}-app` : 'virtplan-database';
        const secretKey = overlay === 'production' ? 'uri' : 'url';
        for (const w of [...find(objects, 'Deployment'), ...find(objects, 'Job')]) {
          const c = template(w).spec.containers[0] as Container;
          const url = (c.env ?? []).find((e) => e.name === 'DATABASE_URL');
          expect(url?.valueFrom?.secretKeyRef).toEqual({ name: secretName, key: secretKey });
          expect(plainSecretEnv(c)).toEqual([]);
          for (const from of c.envFrom ?? []) {
            const name = from.configMapRef?.name;
            expect(find(objects, 'ConfigMap', name), `ConfigMap ${name}`).toHaveLength(1);
          }
        }
        expect(find(objects, 'Secret')).toEqual([]);
      });

      it('runs migrations as a Job of the same image, separate from the serving pods', () => {
        const job = only(objects, 'Job');
        const spec = job.spec as { backoffLimit: number; activeDeadlineSeconds: number };
        const pod = template(job).spec;
        const [migrate] = pod.containers;
        expect(migrate?.args).toEqual(['migrate']);
        expect(['Never', 'OnFailure']).toContain(pod.restartPolicy);
        expect(spec.backoffLimit).toBeGreaterThan(0);
        expect(spec.activeDeadlineSeconds).toBeGreaterThan(0);
        const api = template(only(objects, 'Deployment')).spec.containers[0] as Container;
        expect(migrate?.image).toBe(api.image);
      });

      it('exposes the pods through a Service whose selector and target port match', () => {
        const svc = only(objects, 'Service');
        const spec = svc.spec as {
          selector: Record<string, string>;
          ports: { targetPort: string | number }[];
        };
        const pod = template(only(objects, 'Deployment'));
        expect(selectorMatches({ matchLabels: spec.selector }, pod.metadata.labels)).toBe(true);
        expect(
          find(objects, 'Job').some((j) =>
            selectorMatches({ matchLabels: spec.selector }, template(j).metadata.labels),
          ),
        ).toBe(false);
        const ports = (pod.spec.containers[0]?.ports ?? []).flatMap((p) => [p.name, p.containerPort]);
        for (const p of spec.ports) expect(ports).toContain(p.targetPort);
      });

      it('autoscales the Deployment from at least the minimum replica count', () => {
        const hpa = only(objects, 'HorizontalPodAutoscaler');
        const d = only(objects, 'Deployment');
        const spec = hpa.spec as {
          scaleTargetRef: { kind: string; name: string; apiVersion: string };
          minReplicas: number;
          maxReplicas: number;
        };
        expect(spec.scaleTargetRef).toEqual({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: d.metadata.name,
        });
        expect(spec.minReplicas).toBeGreaterThanOrEqual(minReplicas);
        expect(spec.minReplicas).toBe((d.spec as { replicas: number }).replicas);
        expect(spec.maxReplicas).toBeGreaterThan(spec.minReplicas);
      });

      it('limits voluntary disruption while still letting a node drain', () => {
        const pdb = only(objects, 'PodDisruptionBudget');
        const spec = pdb.spec as {
          selector: { matchLabels: Record<string, string> };
          maxUnavailable?: number;
        };
        const d = only(objects, 'Deployment');
        expect(selectorMatches(spec.selector, template(d).metadata.labels)).toBe(true);
        expect(spec.maxUnavailable).toBeGreaterThanOrEqual(1);
        expect(spec.maxUnavailable).toBeLessThan((d.spec as { replicas: number }).replicas);
      });

      describe('network policy', () => {
        const policies = find(objects, 'NetworkPolicy');
        const ns = objects.find((o) => o.kind === 'Deployment')?.metadata.namespace ?? 'default';
        const pod = (labels: Record<string, string>, namespace = ns): Endpoint => ({
          namespace,
          namespaceLabels: { 'kubernetes.io/metadata.name': namespace },
          labels,
        });
        const api = pod(template(only(objects, 'Deployment')).metadata.labels);
        const migrate = pod(template(only(objects, 'Job')).metadata.labels);
        const cluster = find(objects, 'Cluster')[0];
        const database = pod(
          cluster
            ? cnpgPodLabels(cluster)
            : { 'app.kubernetes.io/name': 'virtplan', 'app.kubernetes.io/component': 'database' },
        );
        const stranger = pod({ app: 'something-else' });
        const elsewhere = pod({ app: 'ingress-controller' }, 'ingress');

        it('denies all traffic by default in the namespace', () => {
          const deny = policies.find((p) => {
            const spec = p.spec as {
              podSelector: Obj;
              policyTypes: string[];
              ingress?: unknown;
              egress?: unknown;
            };
            return (
              Object.keys(spec.podSelector).length === 0 &&
              spec.policyTypes.includes('Ingress') &&
              spec.policyTypes.includes('Egress') &&
              spec.ingress === undefined &&
              spec.egress === undefined
            );
          });
          expect(deny).toBeDefined();
          expect(canConnect(policies, stranger, pod({ app: 'another' }), 8080)).toBe(false);
        });

        it('lets only the API and the migration Job reach Postgres', () => {
          expect(canConnect(policies, api, database, 5432)).toBe(true);
          expect(canConnect(policies, migrate, database, 5432)).toBe(true);
          expect(canConnect(policies, stranger, database, 5432)).toBe(false);
          expect(canConnect(policies, elsewhere, database, 5432)).toBe(false);
          expect(canConnect(policies, api, stranger, 5432)).toBe(false);
        });

        it('lets clients reach the API port and nothing else, and the API resolve names', () => {
          expect(canConnect(policies, elsewhere, api, 8080)).toBe(true);
          expect(canConnect(policies, elsewhere, api, 9229)).toBe(false);
          expect(canConnect(policies, api, pod({ 'k8s-app': 'kube-dns' }, 'kube-system'), 53, 'UDP')).toBe(
            true,
          );
          expect(canConnect(policies, api, elsewhere, 8080)).toBe(false);
        });

        if (overlay === 'production') {
          it('lets CloudNativePG replicate and its operator manage the instances', () => {
            const operator = pod({ 'app.kubernetes.io/name': 'cloudnative-pg' }, 'cnpg-system');
            expect(canConnect(policies, database, database, 5432)).toBe(true);
            expect(canConnect(policies, operator, database, 8000)).toBe(true);
            expect(canConnect(policies, stranger, database, 8000)).toBe(false);
          });
        }
      });

      if (overlay === 'production') {
        it('runs Postgres as a CloudNativePG Cluster of three instances on separate nodes', () => {
          const cluster = only(objects, 'Cluster');
          expect(checkCluster(cluster, 3)).toEqual([]);
          const spec = cluster.spec as { instances: number; affinity: Obj; enableSuperuserAccess: boolean };
          expect(spec.instances).toBe(3);
          expect(spec.affinity).toMatchObject({
            enablePodAntiAffinity: true,
            podAntiAffinityType: 'required',
          });
          expect(spec.enableSuperuserAccess).toBe(false);
        });

        it('backs the Cluster up on a schedule to an object store whose credentials are Secret references', () => {
          const cluster = only(objects, 'Cluster');
          const backups = find(objects, 'ScheduledBackup');
          expect(backups.length).toBeGreaterThan(0);
          for (const b of backups) expect(checkScheduledBackup(b, [cluster])).toEqual([]);
          const store = (cluster.spec as { backup: { barmanObjectStore: { s3Credentials: Obj } } }).backup
            .barmanObjectStore;
          for (const ref of Object.values(store.s3Credentials)) {
            expect(Object.keys(ref as Obj).sort()).toEqual(['key', 'name']);
          }
        });

        it('enforces the restricted Pod Security Standard on its namespace', () => {
          const ns = only(objects, 'Namespace');
          expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
          for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
            expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(ns.metadata.name);
          }
        });

        it('pins a released image tag', () => {
          for (const c of objects.flatMap(podContainers))
            expect(c.image).toMatch(/^[^:@]+(:[0-9][^:]*|@sha256:[0-9a-f]{64})$/);
        });
      }
    },
  );

  if (kubectl) {
    it('renders the same objects with the own renderer as with kubectl kustomize', () => {
      const own = renderKustomization(dir).objects;
      const real = kubectlKustomize(kubectl, dir);
      // kustomize appends a content hash to generated ConfigMap names; map them back.
      const hashed = new Map<string, string>();
      for (const cm of find(real, 'ConfigMap')) {
        const base = cm.metadata.name.replace(/-[a-z0-9]{10}$/, '');
        if (find(own, 'ConfigMap', base).length === 1) hashed.set(cm.metadata.name, base);
      }
      const normalise = (objects: KubeObject[]): unknown[] =>
        objects
          .map((o) =>
            JSON.parse(JSON.stringify(o), (_k, v) => (typeof v === 'string' ? (hashed.get(v) ?? v) : v)),
          )
          .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
      expect(normalise(own)).toEqual(normalise(real));
    });
  }
});
