import type { CodegenConfig } from '@graphql-codegen/cli';

/** The printed schema the client is generated from: the API's committed `schema.graphql`. */
export const SCHEMA_PATH: string = process.env.VIRTPLAN_SCHEMA ?? '../api/schema.graphql';
export const OUTPUT_PATH = 'src/generated/operations.gen.ts';

/**
 * Types and typed documents of the operations in `documents`, derived from `schema`. The
 * output is git-ignored and regenerated before build, typecheck and test.
 */
export function codegenConfig(schema: string, documents: readonly string[]): CodegenConfig {
  return {
    schema,
    documents: [...documents],
    errorsOnly: true,
    generates: {
      [OUTPUT_PATH]: {
        plugins: ['typescript-operations', './codegen/typed-documents.js'],
        config: {
          documentModule: '../document.ts',
          enumsAsTypes: true,
          useTypeImports: true,
          strictScalars: true,
          scalars: { ID: 'string', DateTime: 'string' },
          inputMaybeValue: 'T | null | undefined',
          avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
          skipTypename: true,
          immutableTypes: true,
        },
      },
    },
  };
}

/** The configuration graphql-codegen's CLI reads (it wants a default export). */
const config: CodegenConfig = codegenConfig(SCHEMA_PATH, ['src/operations/*.graphql']);
export default config;
