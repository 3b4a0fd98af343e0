import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, isKubeObject, type KubeObject, readYamlDocuments } from './yaml-docs.ts';

/**
 * A small kustomize, enough for infra/k8s: resources (files and directories), namespace, labels
 * (metadata only), configMapGenerator (literals; create and merge), images, and strategic-merge
 * patches given by path. Used to render the overlays where `kubectl kustomize` is not installed,
 * and to check what kustomize would reject: a listed resource that does not exist, a patch whose
 * target is not among the resources, a field this renderer does not understand.
 * Generated ConfigMap names carry no content hash (kustomize appends one).
 */
export interface Rendered {
  readonly objects: KubeObject[];
  readonly problems: string[];
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  patches?: { path?: string; patch?: string; target?: unknown }[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  configMapGenerator?: { name: string; behavior?: 'create' | 'merge' | 'replace'; literals?: string[] }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
}

const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'patches',
  'labels',
  'configMapGenerator',
  'images',
]);

/** Cluster-scoped kinds among those virtplan uses: the namespace transformer leaves them alone. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
]);

/** Strategic-merge keys for the lists that appear in our manifests. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
};

export function kustomizationFile(dir: string): string | undefined {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

export function renderKustomization(dir: string): Rendered {
  const problems: string[] = [];
  const objects = render(resolve(dir), problems, new Set());
  return { objects, problems };
}

function render(dir: string, problems: string[], seen: Set<string>): KubeObject[] {
  const file = kustomizationFile(dir);
  if (!file) {
    problems.push(`${dir}: no kustomization.yaml`);
    return [];
  }
  if (seen.has(dir)) {
    problems.push(`${dir}: cycle in resources`);
    return [];
  }
  seen.add(dir);
  const k = parse(readFileSync(file, 'utf8')) as Kustomization;
  if (k.kind !== 'Kustomization' || k.apiVersion !== 'kustomize.config.k8s.io/v1beta1') {
    problems.push(`${file}: expected apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization`);
  }
  for (const key of Object.keys(k)) {
    if (!SUPPORTED_FIELDS.has(key))
      problems.push(`${file}: field '${key}' is not supported by this renderer`);
  }

  const objects: KubeObject[] = [];
  for (const entry of k.resources ?? []) {
    const path = join(dir, entry);
    if (!existsSync(path)) {
      problems.push(`${file}: resource '${entry}' does not exist`);
      continue;
    }
    if (statSync(path).isDirectory()) {
      objects.push(...render(path, problems, seen));
    } else {
      for (const doc of readYamlDocuments(path)) {
        if (isKubeObject(doc)) objects.push(doc);
        else problems.push(`${path}: a document without apiVersion, kind and metadata.name`);
      }
    }
  }

  for (const gen of k.configMapGenerator ?? []) {
    const data = Object.fromEntries(
      (gen.literals ?? []).map((lit) => {
        const at = lit.indexOf('=');
        return [lit.slice(0, at), lit.slice(at + 1)];
      }),
    );
    const existing = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === gen.name);
    const behavior = gen.behavior ?? 'create';
    if (behavior === 'create') {
      if (existing)
        problems.push(`${file}: configMapGenerator '${gen.name}' already exists (use behavior: merge)`);
      else objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: gen.name }, data });
    } else if (!existing) {
      problems.push(
        `${file}: configMapGenerator '${gen.name}' has behavior ${behavior} but no base to ${behavior}`,
      );
    } else {
      existing.data = behavior === 'merge' ? { ...(existing.data as object), ...data } : data;
    }
  }

  for (const p of k.patches ?? []) {
    if (p.path === undefined || p.patch !== undefined || p.target !== undefined) {
      problems.push(`${file}: only strategic-merge patches given by path are supported`);
      continue;
    }
    const path = join(dir, p.path);
    if (!existsSync(path)) {
      problems.push(`${file}: patch '${p.path}' does not exist`);
      continue;
    }
    for (const patch of readYamlDocuments(path)) {
      if (!isKubeObject(patch)) {
        problems.push(`${path}: a patch without apiVersion, kind and metadata.name`);
        continue;
      }
      const index = objects.findIndex(
        (o) =>
          o.kind === patch.kind &&
          o.apiVersion === patch.apiVersion &&
          o.metadata.name === patch.metadata.name,
      );
      if (index < 0) {
        problems.push(
          `${path}: patch target ${describe(patch)} (${patch.apiVersion}) is not among the resources`,
        );
        continue;
      }
      objects[index] = strategicMerge(objects[index], patch) as KubeObject;
    }
  }

  for (const label of k.labels ?? []) {
    if (label.includeSelectors || label.includeTemplates) {
      problems.push(`${file}: labels with includeSelectors/includeTemplates are not supported`);
    }
    for (const o of objects) o.metadata.labels = { ...(o.metadata.labels ?? {}), ...label.pairs };
  }

  for (const image of k.images ?? []) {
    for (const o of objects) {
      for (const container of podContainers(o)) {
        const [name, tag] = splitImage(container.image);
        if (name !== image.name) continue;
        const newName = image.newName ?? name;
        container.image = image.digest
          ? `${newName}@${image.digest}`
          : `${newName}${image.newTag ? `:${image.newTag}` : tag ? `:${tag}` : ''}`;
      }
    }
  }

  if (k.namespace !== undefined) {
    for (const o of objects) {
      if (CLUSTER_SCOPED.has(o.kind)) {
        if (o.kind === 'Namespace') o.metadata.name = k.namespace;
      } else {
        o.metadata.namespace = k.namespace;
      }
    }
  }
  seen.delete(dir);
  return objects;
}

function splitImage(image: string): [string, string | undefined] {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}

/** Containers of a workload's pod template (Deployment, Job, ...). */
export function podContainers(o: KubeObject): { name: string; image: string; [key: string]: unknown }[] {
  const spec = o.spec as { template?: { spec?: { containers?: unknown[]; initContainers?: unknown[] } } };
  const pod = spec?.template?.spec;
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])] as {
    name: string;
    image: string;
  }[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Strategic merge for maps and keyed lists; other lists and scalars are replaced. */
export function strategicMerge(base: unknown, patch: unknown, field?: string): unknown {
  if (isPlainObject(base) && isPlainObject(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = key in base ? strategicMerge(base[key], value, key) : structuredClone(value);
    }
    return out;
  }
  const mergeKey = field === undefined ? undefined : MERGE_KEYS[field];
  if (Array.isArray(base) && Array.isArray(patch) && mergeKey !== undefined) {
    // As kustomize orders it: the patch's items (merged into their base item) first, then the
    // base items the patch does not name.
    const keyOf = (item: unknown): unknown => (isPlainObject(item) ? item[mergeKey] : undefined);
    const patched = patch.map((item) => {
      const original = base.find((b) => keyOf(b) === keyOf(item));
      return original === undefined ? structuredClone(item) : strategicMerge(original, item);
    });
    const untouched = base.filter((b) => !patch.some((item) => keyOf(item) === keyOf(b)));
    return [...patched, ...untouched.map((item) => structuredClone(item) as unknown)];
  }
  return structuredClone(patch);
}
