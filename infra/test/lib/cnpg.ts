import { ResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { KubeObject } from './yaml-docs.ts';

/**
 * Structural checks for the CloudNativePG resources (postgresql.cnpg.io/v1), whose schema
 * kubernetes-models does not ship. Field names are those of the CloudNativePG v1 API reference;
 * an unknown name is reported, so a typo does not silently turn a setting off.
 * The embedded core type `resources` goes through the Kubernetes validator.
 */
export const CNPG_API_VERSION = 'postgresql.cnpg.io/v1';

const CLUSTER_SPEC_FIELDS = new Set([
  'affinity',
  'backup',
  'bootstrap',
  'certificates',
  'description',
  'enablePDB',
  'enableSuperuserAccess',
  'env',
  'envFrom',
  'externalClusters',
  'failoverDelay',
  'imageCatalogRef',
  'imageName',
  'imagePullPolicy',
  'imagePullSecrets',
  'inheritedMetadata',
  'instances',
  'logLevel',
  'managed',
  'maxSyncReplicas',
  'minSyncReplicas',
  'monitoring',
  'nodeMaintenanceWindow',
  'plugins',
  'postgresGID',
  'postgresUID',
  'postgresql',
  'primaryUpdateMethod',
  'primaryUpdateStrategy',
  'priorityClassName',
  'probes',
  'projectedVolumeTemplate',
  'replica',
  'replicationSlots',
  'resources',
  'schedulerName',
  'seccompProfile',
  'serviceAccountTemplate',
  'smartShutdownTimeout',
  'startDelay',
  'stopDelay',
  'storage',
  'superuserSecret',
  'switchoverDelay',
  'tablespaces',
  'topologySpreadConstraints',
  'walStorage',
]);
const BARMAN_FIELDS = new Set([
  'azureCredentials',
  'data',
  'destinationPath',
  'endpointCA',
  'endpointURL',
  'googleCredentials',
  'historyTags',
  's3Credentials',
  'serverName',
  'tags',
  'wal',
]);
const S3_CREDENTIAL_FIELDS = new Set([
  'accessKeyId',
  'secretAccessKey',
  'region',
  'sessionToken',
  'inheritFromIAMRole',
]);
const WAL_FIELDS = new Set([
  'compression',
  'encryption',
  'maxParallel',
  'archiveAdditionalCommandArgs',
  'restoreAdditionalCommandArgs',
]);
const DATA_FIELDS = new Set([
  'compression',
  'encryption',
  'jobs',
  'immediateCheckpoint',
  'additionalCommandArgs',
]);
const COMPRESSIONS = new Set(['gzip', 'bzip2', 'snappy', 'lz4', 'xz', 'zstd']);
const AFFINITY_FIELDS = new Set([
  'enablePodAntiAffinity',
  'topologyKey',
  'podAntiAffinityType',
  'nodeSelector',
  'nodeAffinity',
  'tolerations',
  'additionalPodAntiAffinity',
  'additionalPodAffinity',
]);
const SCHEDULED_BACKUP_SPEC_FIELDS = new Set([
  'schedule',
  'immediate',
  'suspend',
  'backupOwnerReference',
  'cluster',
  'method',
  'target',
  'online',
  'onlineConfiguration',
  'pluginConfiguration',
]);
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownFields(where: string, value: Obj, allowed: Set<string>, problems: string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) problems.push(`${where}.${key}: not a CloudNativePG field`);
  }
}

/** A secret given by reference: exactly `{ name, key }`, both non-empty strings. */
function secretRef(where: string, value: unknown, problems: string[]): void {
  if (
    !isObj(value) ||
    typeof value.name !== 'string' ||
    value.name === '' ||
    typeof value.key !== 'string' ||
    value.key === '' ||
    Object.keys(value).length !== 2
  ) {
    problems.push(`${where}: must be a secret reference { name, key }`);
  }
}

function validateModel(where: string, make: () => { validate(): void }, problems: string[]): void {
  try {
    make().validate();
  } catch (error) {
    problems.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function checkCluster(obj: KubeObject, minInstances = 1): string[] {
  const problems: string[] = [];
  const at = `Cluster/${obj.metadata.name}`;
  if (obj.apiVersion !== CNPG_API_VERSION) problems.push(`${at}: apiVersion must be ${CNPG_API_VERSION}`);
  const spec = obj.spec;
  if (!isObj(spec)) return [...problems, `${at}: spec missing`];
  unknownFields(`${at}.spec`, spec, CLUSTER_SPEC_FIELDS, problems);

  if (!Number.isInteger(spec.instances) || (spec.instances as number) < minInstances) {
    problems.push(`${at}.spec.instances: must be an integer >= ${minInstances}`);
  }
  for (const key of ['storage', 'walStorage'] as const) {
    const storage = spec[key];
    if (storage === undefined && key === 'walStorage') continue;
    if (!isObj(storage) || typeof storage.size !== 'string' || !QUANTITY.test(storage.size)) {
      problems.push(`${at}.spec.${key}.size: must be a quantity such as 20Gi`);
    }
  }
  if (
    spec.primaryUpdateStrategy !== undefined &&
    !['unsupervised', 'supervised'].includes(String(spec.primaryUpdateStrategy))
  ) {
    problems.push(`${at}.spec.primaryUpdateStrategy: unsupervised or supervised`);
  }
  if (
    spec.primaryUpdateMethod !== undefined &&
    !['switchover', 'restart'].includes(String(spec.primaryUpdateMethod))
  ) {
    problems.push(`${at}.spec.primaryUpdateMethod: switchover or restart`);
  }
  if (spec.resources !== undefined) {
    validateModel(`${at}.spec.resources`, () => new ResourceRequirements(spec.resources as never), problems);
  }
  if (spec.inheritedMetadata !== undefined) {
    const meta = spec.inheritedMetadata;
    if (!isObj(meta) || Object.keys(meta).some((k) => k !== 'labels' && k !== 'annotations')) {
      problems.push(`${at}.spec.inheritedMetadata: only labels and annotations`);
    } else if (meta.labels !== undefined) {
      const labels = isObj(meta.labels) ? Object.entries(meta.labels) : [];
      if (!isObj(meta.labels)) problems.push(`${at}.spec.inheritedMetadata.labels: must be a map`);
      for (const [key, value] of labels) {
        if (typeof value !== 'string' || !LABEL_VALUE.test(value) || !LABEL_KEY.test(key)) {
          problems.push(`${at}.spec.inheritedMetadata.labels.${key}: not a valid label`);
        }
      }
    }
  }
  if (spec.affinity !== undefined) {
    if (!isObj(spec.affinity)) problems.push(`${at}.spec.affinity: must be an object`);
    else {
      unknownFields(`${at}.spec.affinity`, spec.affinity, AFFINITY_FIELDS, problems);
      const type = spec.affinity.podAntiAffinityType;
      if (type !== undefined && type !== 'preferred' && type !== 'required') {
        problems.push(`${at}.spec.affinity.podAntiAffinityType: preferred or required`);
      }
    }
  }
  const postgresql = spec.postgresql;
  if (isObj(postgresql) && isObj(postgresql.parameters)) {
    for (const [name, value] of Object.entries(postgresql.parameters)) {
      if (typeof value !== 'string')
        problems.push(`${at}.spec.postgresql.parameters.${name}: must be a string`);
    }
  }
  const initdb = isObj(spec.bootstrap) ? spec.bootstrap.initdb : undefined;
  if (
    initdb !== undefined &&
    (!isObj(initdb) || typeof initdb.database !== 'string' || typeof initdb.owner !== 'string')
  ) {
    problems.push(`${at}.spec.bootstrap.initdb: needs database and owner`);
  }

  const backup = spec.backup;
  if (backup !== undefined) {
    if (!isObj(backup)) return [...problems, `${at}.spec.backup: must be an object`];
    if (backup.retentionPolicy !== undefined && !/^[1-9][0-9]*[dwm]$/.test(String(backup.retentionPolicy))) {
      problems.push(`${at}.spec.backup.retentionPolicy: must look like 30d, 4w or 6m`);
    }
    const store = backup.barmanObjectStore;
    if (store !== undefined) {
      const where = `${at}.spec.backup.barmanObjectStore`;
      if (!isObj(store)) return [...problems, `${where}: must be an object`];
      unknownFields(where, store, BARMAN_FIELDS, problems);
      if (
        typeof store.destinationPath !== 'string' ||
        !/^(s3|gs|https?):\/\/[^/]+/.test(store.destinationPath)
      ) {
        problems.push(`${where}.destinationPath: must be an s3://, gs:// or https:// URL`);
      }
      const credentialKinds = ['s3Credentials', 'azureCredentials', 'googleCredentials'].filter(
        (k) => k in store,
      );
      if (credentialKinds.length !== 1) problems.push(`${where}: exactly one of s3/azure/googleCredentials`);
      const s3 = store.s3Credentials;
      if (s3 !== undefined) {
        if (!isObj(s3)) problems.push(`${where}.s3Credentials: must be an object`);
        else {
          unknownFields(`${where}.s3Credentials`, s3, S3_CREDENTIAL_FIELDS, problems);
          if (s3.inheritFromIAMRole !== true) {
            secretRef(`${where}.s3Credentials.accessKeyId`, s3.accessKeyId, problems);
            secretRef(`${where}.s3Credentials.secretAccessKey`, s3.secretAccessKey, problems);
          }
          for (const optional of ['region', 'sessionToken'] as const) {
            if (s3[optional] !== undefined)
              secretRef(`${where}.s3Credentials.${optional}`, s3[optional], problems);
          }
        }
      }
      for (const [key, fields] of [
        ['wal', WAL_FIELDS],
        ['data', DATA_FIELDS],
      ] as const) {
        const section = store[key];
        if (section === undefined) continue;
        if (!isObj(section)) {
          problems.push(`${where}.${key}: must be an object`);
          continue;
        }
        unknownFields(`${where}.${key}`, section, fields, problems);
        if (section.compression !== undefined && !COMPRESSIONS.has(String(section.compression))) {
          problems.push(`${where}.${key}.compression: one of ${[...COMPRESSIONS].join(', ')}`);
        }
      }
    }
  }
  return problems;
}

/** CloudNativePG schedules are six-field cron expressions: seconds come first. */
export function isSixFieldCron(schedule: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  return fields.length === 6 && fields.every((f) => /^[0-9*/,\-?A-Za-z]+$/.test(f));
}

export function checkScheduledBackup(obj: KubeObject, clusters: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const at = `ScheduledBackup/${obj.metadata.name}`;
  if (obj.apiVersion !== CNPG_API_VERSION) problems.push(`${at}: apiVersion must be ${CNPG_API_VERSION}`);
  const spec = obj.spec;
  if (!isObj(spec)) return [...problems, `${at}: spec missing`];
  unknownFields(`${at}.spec`, spec, SCHEDULED_BACKUP_SPEC_FIELDS, problems);
  if (typeof spec.schedule !== 'string' || !isSixFieldCron(spec.schedule)) {
    problems.push(`${at}.spec.schedule: must be a six-field cron expression (seconds first)`);
  }
  const clusterName = isObj(spec.cluster) ? spec.cluster.name : undefined;
  const cluster = clusters.find(
    (c) => c.metadata.name === clusterName && c.metadata.namespace === obj.metadata.namespace,
  );
  if (!cluster)
    problems.push(`${at}.spec.cluster.name: no Cluster '${String(clusterName)}' in the same namespace`);
  const method = spec.method ?? 'barmanObjectStore';
  if (!['barmanObjectStore', 'volumeSnapshot', 'plugin'].includes(String(method))) {
    problems.push(`${at}.spec.method: barmanObjectStore, volumeSnapshot or plugin`);
  }
  if (method === 'barmanObjectStore' && cluster) {
    const backup = isObj(cluster.spec) && isObj(cluster.spec.backup) ? cluster.spec.backup : undefined;
    if (!backup?.barmanObjectStore) {
      problems.push(
        `${at}: method barmanObjectStore but Cluster/${cluster.metadata.name} has no backup.barmanObjectStore`,
      );
    }
  }
  if (
    spec.backupOwnerReference !== undefined &&
    !['none', 'self', 'cluster'].includes(String(spec.backupOwnerReference))
  ) {
    problems.push(`${at}.spec.backupOwnerReference: none, self or cluster`);
  }
  return problems;
}
