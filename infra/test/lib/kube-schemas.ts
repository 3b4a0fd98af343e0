import * as models from 'kubernetes-models';
import type { KubeObject } from './yaml-docs.ts';

interface ValidatingModel {
  validate(): void;
}
type ModelClass = (new (data: unknown) => ValidatingModel) & { apiVersion?: string; kind?: string };

/** `apiVersion|kind` -> the kubernetes-models class for every built-in top-level kind. */
function buildRegistry(): Map<string, ModelClass> {
  const registry = new Map<string, ModelClass>();
  // Named groups export versions of classes (apps.v1.Deployment); the core group exports its
  // classes directly (v1.Service).
  const visit = (value: unknown, depth: number): void => {
    const cls = value as ModelClass;
    if (typeof cls === 'function') {
      if (typeof cls.apiVersion === 'string' && typeof cls.kind === 'string') {
        registry.set(`${cls.apiVersion}|${cls.kind}`, cls);
      }
    } else if (depth < 3 && typeof value === 'object' && value !== null) {
      for (const child of Object.values(value)) visit(child, depth + 1);
    }
  };
  visit(models, 0);
  return registry;
}

const registry = buildRegistry();

export function isBuiltInKind(apiVersion: string, kind: string): boolean {
  return registry.has(`${apiVersion}|${kind}`);
}

/**
 * Validates a built-in object against the Kubernetes OpenAPI schema (kubernetes-models' generated
 * validators). Returns the problems; empty when valid. Unknown apiVersion/kind is a problem too.
 */
export function validateBuiltIn(obj: KubeObject): string[] {
  const cls = registry.get(`${obj.apiVersion}|${obj.kind}`);
  if (!cls) return [`${obj.kind}/${obj.metadata.name}: ${obj.apiVersion} ${obj.kind} is not a built-in kind`];
  try {
    new cls(structuredClone(obj)).validate();
    return [];
  } catch (error) {
    return [`${obj.kind}/${obj.metadata.name}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

export const registeredKindCount: number = registry.size;
