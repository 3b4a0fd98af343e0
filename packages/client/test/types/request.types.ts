// Type tests: compiled by `tsc -p tsconfig.json` (the typecheck script and test/types.test.ts).
// Every `@ts-expect-error` line must be an error, or tsc fails with "Unused '@ts-expect-error'".
import type { DocumentNode } from 'graphql';
import {
  ApplicationReadinessDocument,
  createClient,
  EstatesPageDocument,
  type ResultOf,
} from '../../src/index.ts';

const client = createClient({ url: 'http://localhost:4000/graphql', apiKey: 'vp_x' });

export async function typed(): Promise<void> {
  const result = await client.request(ApplicationReadinessDocument, { estateId: 'e1', application: 'PACS' });
  const status: 'READY' | 'READY_WITH_CONDITIONS' | 'UNKNOWN' | 'NOT_READY' =
    result.applicationReadiness.status;
  void status;

  // @ts-expect-error a misspelled result field
  void result.applicationReadiness.stauts;

  // @ts-expect-error a wrong variable type: estateId is an ID (string)
  await client.request(ApplicationReadinessDocument, { estateId: 42, application: 'PACS' });

  // @ts-expect-error a misspelled variable name
  await client.request(ApplicationReadinessDocument, { estateID: 'e1', application: 'PACS' });

  // @ts-expect-error a missing required variable
  await client.request(ApplicationReadinessDocument, { estateId: 'e1' });

  // @ts-expect-error variables are required when the operation has required variables
  await client.request(ApplicationReadinessDocument);

  const page: ResultOf<typeof EstatesPageDocument> = await client.request(EstatesPageDocument, { first: 10 });
  void page;

  // @ts-expect-error application is a string
  await client.applicationReadiness('e1', 7);

  // @ts-expect-error the estate format is an enum, YAML or JSON
  await client.importEstate('apiVersion: virtplan/v1', 'XML');

  const imported = await client.importEstate('apiVersion: virtplan/v1');
  if (imported.__typename === 'ImportEstateSuccess') {
    void imported.estate.id;
    // @ts-expect-error issues exist only on the validation failure
    void imported.issues;
  }
}

// graphql-codegen's and gql.tada's documents: a graphql-js DocumentNode carrying `__apiType`
// (the shape of @graphql-typed-document-node/core's TypedDocumentNode), no cast to our types.
interface TypedDocumentNode<TResult, TVariables> extends DocumentNode {
  readonly __apiType?: (variables: TVariables) => TResult;
}
declare const revision: TypedDocumentNode<{ estate: { revision: number } | null }, { id: string }>;

export async function foreignDocuments(): Promise<number | undefined> {
  const { estate } = await client.request(revision, { id: 'e1' });
  // @ts-expect-error a wrong variable type on a foreign document
  await client.request(revision, { id: 1 });
  // graphql-codegen's TypedDocumentString extends String.
  class TypedDocumentString<TResult, TVariables> extends String {
    declare readonly __apiType?: (variables: TVariables) => TResult;
  }
  const asString = new TypedDocumentString<{ viewer: { scope: string } }, Record<string, never>>(
    '{ viewer { scope } }',
  );
  const { viewer } = await client.request(asString);
  void viewer.scope;
  // An untyped string is accepted; its result is unknown.
  const untyped = await client.request('{ viewer { scope } }');
  // @ts-expect-error unknown must be narrowed first
  void untyped.viewer;
  return estate?.revision;
}
