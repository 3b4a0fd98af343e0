// graphql-codegen plugin: one typed document constant per operation.
//
// Emits, for `query ApplicationReadiness`, a constant
//   export const ApplicationReadinessDocument: VirtplanDocument<ApplicationReadinessQuery,
//     ApplicationReadinessQueryVariables> = { source, operationName, operationType };
// where the two types come from the typescript-operations plugin in the same file. The
// source carries every fragment the operation uses, so the transport sends it as it is.
// Written here rather than taken from typed-document-node because that plugin's output
// imports `@graphql-typed-document-node/core`, which the published client would then
// need at install time; this output depends on nothing.
import { Kind, print, visit } from 'graphql';

const SUFFIX = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };

/** @type {import('@graphql-codegen/plugin-helpers').PluginFunction<{ documentModule: string }>} */
export const plugin = (_schema, documents, config) => {
  const fragments = new Map();
  const operations = [];
  for (const file of documents) {
    for (const definition of file.document?.definitions ?? []) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      if (definition.kind === Kind.OPERATION_DEFINITION) {
        if (definition.name === undefined) {
          throw new Error(`${file.location}: every operation needs a name to become a typed document`);
        }
        operations.push(definition);
      }
    }
  }
  const blocks = operations
    .sort((a, b) => a.name.value.localeCompare(b.name.value))
    .map((operation) => {
      const name = operation.name.value;
      const typeName = `${name}${SUFFIX[operation.operation]}`;
      const used = usedFragments(operation, fragments);
      const source = [operation, ...used].map((node) => print(node)).join('\n\n');
      return [
        `export const ${name}Document: VirtplanDocument<${typeName}, ${typeName}Variables> = {`,
        `  source: ${JSON.stringify(source)},`,
        `  operationName: ${JSON.stringify(name)},`,
        `  operationType: ${JSON.stringify(operation.operation)},`,
        '};',
      ].join('\n');
    });
  return {
    prepend: [`import type { VirtplanDocument } from '${config.documentModule}';`],
    content: `\n${blocks.join('\n\n')}\n`,
  };
};

function usedFragments(root, fragments) {
  const seen = new Map();
  const walk = (node) => {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (seen.has(name)) return;
        const fragment = fragments.get(name);
        if (fragment === undefined) throw new Error(`unknown fragment ${name}`);
        seen.set(name, fragment);
        walk(fragment);
      },
    });
  };
  walk(root);
  return [...seen.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}
