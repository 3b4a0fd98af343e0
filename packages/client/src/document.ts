/**
 * Typed GraphQL documents.
 *
 * A typed document is any document value that carries its result and variables types in the
 * phantom `__apiType` member. That is the shape used by `@graphql-typed-document-node/core`,
 * so documents from graphql-codegen (`TypedDocumentNode`, `TypedDocumentString`) and from
 * gql.tada (`TadaDocumentNode`) are accepted as they are, next to this package's own.
 */
export interface DocumentTypeDecoration<TResult, TVariables> {
  readonly __apiType?: (variables: TVariables) => TResult;
}

/** The kind of operation a document runs. Only queries are ever retried. */
export type OperationType = 'query' | 'mutation' | 'subscription';

/** The package's own document value: the GraphQL text plus what the transport needs to know. */
export interface VirtplanDocument<TResult, TVariables> extends DocumentTypeDecoration<TResult, TVariables> {
  readonly source: string;
  readonly operationName: string;
  readonly operationType: OperationType;
}

/** A GraphQL `DocumentNode` as graphql-js, graphql-tag or gql.tada produce it (source kept in `loc`). */
export interface DocumentNodeLike {
  readonly kind: 'Document';
  readonly definitions: readonly {
    readonly kind: string;
    readonly operation?: string;
    readonly name?: { readonly value: string } | undefined;
  }[];
  readonly loc?: { readonly source: { readonly body: string } } | undefined;
}

/** Every document `client.request` accepts. */
export type AnyDocument =
  | string
  // biome-ignore lint/complexity/noBannedTypes: codegen's TypedDocumentString extends `String`.
  | String
  | DocumentNodeLike
  | VirtplanDocument<unknown, never>;

export type TypedDocument<TResult, TVariables> = AnyDocument & DocumentTypeDecoration<TResult, TVariables>;

/** The result type of a typed document. */
export type ResultOf<TDocument> =
  TDocument extends DocumentTypeDecoration<infer TResult, infer _TVariables> ? TResult : never;

/** The variables type of a typed document. */
export type VariablesOf<TDocument> =
  TDocument extends DocumentTypeDecoration<infer _TResult, infer TVariables> ? TVariables : never;

/** What the transport sends and how it may retry. */
export interface PreparedOperation {
  readonly query: string;
  readonly operationName: string | undefined;
  readonly operationType: OperationType;
}

/**
 * Reads a document's text, and which operation it runs.
 *
 * @param operationName picks one operation of a document that holds several.
 * @throws TypeError when the value is not a document, holds no operation, or holds several
 *   and `operationName` does not pick one: mistakes in the calling code, not API failures.
 */
export function prepareOperation(document: AnyDocument, operationName?: string): PreparedOperation {
  if (typeof document === 'string' || document instanceof String) {
    const query = String(document);
    return pickOperation(scanOperations(query), query, operationName);
  }
  if (typeof document === 'object' && document !== null) {
    if ('source' in document && typeof document.source === 'string') {
      return {
        query: document.source,
        operationName: operationName ?? document.operationName,
        operationType: document.operationType,
      };
    }
    if ('kind' in document && document.kind === 'Document') {
      const body = document.loc?.source.body;
      if (body === undefined) {
        throw new TypeError(
          'This DocumentNode has no source text (parsed with noLocation?); pass the GraphQL string instead.',
        );
      }
      const operations: ScannedOperation[] = [];
      for (const definition of document.definitions) {
        if (definition.kind === 'OperationDefinition' && isOperationType(definition.operation)) {
          operations.push({ type: definition.operation, name: definition.name?.value });
        }
      }
      return pickOperation(operations, body, operationName);
    }
  }
  throw new TypeError('Expected a GraphQL document: a string, a DocumentNode or a typed document.');
}

interface ScannedOperation {
  readonly type: OperationType;
  readonly name: string | undefined;
}

function isOperationType(value: unknown): value is OperationType {
  return value === 'query' || value === 'mutation' || value === 'subscription';
}

function pickOperation(
  operations: readonly ScannedOperation[],
  query: string,
  operationName: string | undefined,
): PreparedOperation {
  if (operationName !== undefined) {
    const named = operations.find((operation) => operation.name === operationName);
    if (named === undefined) throw new TypeError(`The document has no operation named "${operationName}".`);
    return { query, operationName, operationType: named.type };
  }
  const [only, ...others] = operations;
  if (only === undefined) throw new TypeError('The document holds no operation (only fragments?).');
  if (others.length > 0) {
    throw new TypeError('The document holds several operations; pass `operationName` to pick one.');
  }
  return { query, operationName: only.name, operationType: only.type };
}

const NAME_START = /[_A-Za-z]/;
const NAME_CONTINUE = /[_0-9A-Za-z]/;

/**
 * Lists the operations of a GraphQL text without a full parser: it skips strings, block
 * strings and comments, and reads the keyword (and name) that opens each top-level
 * definition. `{ ... }` at the top level is the query shorthand.
 */
export function scanOperations(text: string): ScannedOperation[] {
  const operations: ScannedOperation[] = [];
  let depth = 0;
  /** Parentheses open at the top level: variable definitions, whose defaults may hold `{`. */
  let parens = 0;
  let index = 0;
  /** The keyword that opened the current top-level definition, until its body starts. */
  let pending: { type: OperationType | 'fragment'; name: string | undefined } | undefined;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '#') {
      while (index < text.length && text[index] !== '\n' && text[index] !== '\r') index++;
      continue;
    }
    if (char === '"') {
      index = skipString(text, index);
      continue;
    }
    if (depth === 0 && (char === '(' || char === ')')) {
      parens = Math.max(0, parens + (char === '(' ? 1 : -1));
      index++;
      continue;
    }
    if (char === '{') {
      if (depth === 0 && parens === 0) {
        if (pending === undefined) operations.push({ type: 'query', name: undefined });
        else if (pending.type !== 'fragment') operations.push({ type: pending.type, name: pending.name });
        pending = undefined;
      }
      depth++;
      index++;
      continue;
    }
    if (char === '}') {
      depth = Math.max(0, depth - 1);
      index++;
      continue;
    }
    if (depth === 0 && NAME_START.test(char)) {
      const word = readName(text, index);
      index += word.length;
      if (pending === undefined && (word === 'fragment' || isOperationType(word))) {
        index = skipIgnored(text, index);
        const name = index < text.length && NAME_START.test(text[index]!) ? readName(text, index) : undefined;
        if (name !== undefined) index += name.length;
        pending = { type: word, name };
      }
      continue;
    }
    index++;
  }
  return operations;
}

function readName(text: string, start: number): string {
  let end = start + 1;
  while (end < text.length && NAME_CONTINUE.test(text[end]!)) end++;
  return text.slice(start, end);
}

/** Skips white space, commas and comments (GraphQL's ignored tokens). */
function skipIgnored(text: string, start: number): number {
  let index = start;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '#') {
      while (index < text.length && text[index] !== '\n' && text[index] !== '\r') index++;
    } else if (
      char === ' ' ||
      char === '\t' ||
      char === '\n' ||
      char === '\r' ||
      char === ',' ||
      char === '\uFEFF'
    ) {
      index++;
    } else {
      break;
    }
  }
  return index;
}

function skipString(text: string, start: number): number {
  if (text.startsWith('"""', start)) {
    let index = start + 3;
    while (index < text.length) {
      if (text.startsWith('\\"""', index)) index += 4;
      else if (text.startsWith('"""', index)) return index + 3;
      else index++;
    }
    return index;
  }
  let index = start + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === '\\') index += 2;
    else if (char === '"' || char === '\n') return index + 1;
    else index++;
  }
  return index;
}
