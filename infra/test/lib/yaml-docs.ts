import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes-style object as parsed from YAML. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** Every non-empty document of a YAML stream; throws naming the file and line on a syntax error. */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  const docs = parseAllDocuments(text, { merge: true, prettyErrors: true });
  const out: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    }
    const value: unknown = doc.toJS({ maxAliasCount: 50 });
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export function readYamlDocuments(path: string): unknown[] {
  return parseYamlDocuments(readFileSync(path, 'utf8'), path);
}

export function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const meta = v.metadata as Record<string, unknown> | undefined;
  return (
    typeof v.apiVersion === 'string' &&
    typeof v.kind === 'string' &&
    typeof meta === 'object' &&
    meta !== null &&
    typeof meta.name === 'string'
  );
}

export function describe(obj: KubeObject): string {
  return `${obj.kind}/${obj.metadata.name}`;
}
