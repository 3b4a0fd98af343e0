import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { codegenConfig, SCHEMA_PATH } from '../codegen.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** Compiles files with the package's compiler options and returns each file's errors. */
function compile(files: readonly string[]): Map<string, string[]> {
  const configFile = ts.readConfigFile(at('tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  const errors = new Map<string, string[]>(files.map((file) => [file, []]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName ?? '(global)';
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    errors.set(file, [...(errors.get(file) ?? []), `TS${diagnostic.code}: ${text}`]);
  }
  return errors;
}

describe('type safety of typed documents', () => {
  // One program for every fixture: type-checking is the slow part.
  const files = {
    wrongVariable: at('test/types/fixtures/wrong-variable-type.ts'),
    misspelled: at('test/types/fixtures/misspelled-field.ts'),
    expectations: at('test/types/request.types.ts'),
  };
  // The examples, the README's snippets among them, import the package by name.
  const examples = readdirSync(at('examples'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => at(`examples/${name}`));
  const errors = compile([...Object.values(files), ...examples]);

  it('a wrong variable type does not compile', () => {
    const found = errors.get(files.wrongVariable) ?? [];
    expect(found).toHaveLength(1);
    // The typed overload is the one that fails: the untyped one takes only strings.
    expect(found[0]).toMatch(/^TS2769: No overload matches this call/);
    expect(found[0]).toContain("Type 'number' is not assignable to type 'string'");
  });

  it('a misspelled result field does not compile', () => {
    const found = errors.get(files.misspelled) ?? [];
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^TS2551: Property 'stauts' does not exist .* Did you mean 'status'\?/);
  });

  it('every @ts-expect-error line in request.types.ts is an error, and nothing else is', () => {
    expect(errors.get(files.expectations)).toEqual([]);
  });

  it('the examples and README snippets compile', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    expect(examples.flatMap((file) => errors.get(file) ?? [])).toEqual([]);
  });

  it('no other file has errors', () => {
    const known = new Set([...Object.values(files), ...examples]);
    expect([...errors.entries()].filter(([file]) => !known.has(file))).toEqual([]);
  });
});

describe('generation from the committed schema', () => {
  it('rejects a document with a misspelled field, naming it', async () => {
    const config = codegenConfig(resolve(root, SCHEMA_PATH), [
      at('test/types/fixtures/misspelled-field.graphql'),
    ]);
    await expect(generate({ ...config, cwd: root }, false)).rejects.toThrow(/Cannot query field "stauts"/);
  });
});
