import { dirname, join } from 'node:path';
import ts from 'typescript';
import { isBuiltInKind } from './kube-schemas.ts';
import type { KubeObject } from './yaml-docs.ts';

/**
 * The Kubernetes API server rejects unknown fields (`kubectl apply` validates strictly), but the
 * JSON-schema validators of kubernetes-models accept them, so a misspelt `readOnlyRootFileSystem`
 * would pass them and silently not apply. This check type-checks each built-in object as an
 * object literal of its kubernetes-models interface (`IDeployment`...): TypeScript's excess
 * property check names every field the API does not have.
 */
export function unknownFieldProblems(objects: readonly KubeObject[]): string[] {
  const builtIns = objects.filter((o) => isBuiltInKind(o.apiVersion, o.kind));
  const lines = builtIns.map(
    (o, i) =>
      `import type { I${o.kind} as T${i} } from 'kubernetes-models/${o.apiVersion}/${o.kind}';\n` +
      `export const o${i}: T${i} = ${JSON.stringify(o)};`,
  );
  // A virtual file inside infra/ so that node_modules resolution finds kubernetes-models.
  const fileName = join(dirname(import.meta.dirname), '__manifests__.ts');
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) =>
    name === fileName
      ? ts.createSourceFile(name, source, languageVersion, true)
      : getSourceFile(name, languageVersion, onError, shouldCreate);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  const file = program.getSourceFile(fileName) as ts.SourceFile;
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => {
    const line = d.start === undefined ? 0 : file.getLineAndCharacterOfPosition(d.start).line;
    const o = builtIns[Math.floor(line / 2)];
    const what = o ? `${o.kind}/${o.metadata.name}` : 'manifests';
    return `${what}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}
