import { spawnSync } from 'node:child_process';
import { isKubeObject, type KubeObject, parseYamlDocuments } from './yaml-docs.ts';

/** `kubectl` on PATH (it renders kustomizations offline), or undefined. */
export function findKubectl(): string | undefined {
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 20_000 });
  return probe.status === 0 ? 'kubectl' : undefined;
}

export function kubectlKustomize(kubectl: string, dir: string): KubeObject[] {
  const run = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${run.stderr}`);
  return parseYamlDocuments(run.stdout, `kubectl kustomize ${dir}`).filter(isKubeObject);
}
