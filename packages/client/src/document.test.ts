import { describe, expect, it } from 'vitest';
import { prepareOperation, scanOperations } from './document.ts';

describe('scanOperations', () => {
  it.each([
    ['{ estates { totalCount } }', [{ type: 'query', name: undefined }]],
    ['query { a }', [{ type: 'query', name: undefined }]],
    ['query Q($id: ID!) { a(id: $id) }', [{ type: 'query', name: 'Q' }]],
    ['mutation\n  # a comment { with a brace\n  M { a }', [{ type: 'mutation', name: 'M' }]],
    ['subscription S { a }', [{ type: 'subscription', name: 'S' }]],
    ['query ($x: String = "query Fake {") { a }', [{ type: 'query', name: undefined }]],
    ['query Q($i: In = { a: { b: 1 } }) @live { a }', [{ type: 'query', name: 'Q' }]],
    ['query Q { a(text: """ } mutation X { """) }', [{ type: 'query', name: 'Q' }]],
    [
      'fragment F on Estate { id } query A { ...F } mutation B { x { ...F } }',
      [
        { type: 'query', name: 'A' },
        { type: 'mutation', name: 'B' },
      ],
    ],
  ])('%s', (text, expected) => {
    expect(scanOperations(text)).toEqual(expected);
  });
});

describe('prepareOperation', () => {
  it('reads strings and String objects (graphql-codegen TypedDocumentString)', () => {
    expect(prepareOperation(new String('mutation M { a }'))).toEqual({
      query: 'mutation M { a }',
      operationName: 'M',
      operationType: 'mutation',
    });
  });

  it('reads a DocumentNode through its source location', () => {
    const node = {
      kind: 'Document' as const,
      definitions: [
        { kind: 'FragmentDefinition', name: { value: 'F' } },
        { kind: 'OperationDefinition', operation: 'mutation', name: { value: 'Run' } },
      ],
      loc: { source: { body: 'mutation Run { a }' } },
    };
    expect(prepareOperation(node)).toEqual({
      query: 'mutation Run { a }',
      operationName: 'Run',
      operationType: 'mutation',
    });
  });

  it('picks one operation of several by name, and refuses to guess', () => {
    const text = 'query A { a } mutation B { b }';
    expect(prepareOperation(text, 'B').operationType).toBe('mutation');
    expect(() => prepareOperation(text)).toThrow(/several operations/);
    expect(() => prepareOperation(text, 'C')).toThrow(/no operation named "C"/);
  });

  it('refuses values that are no document', () => {
    expect(() => prepareOperation('fragment F on X { a }')).toThrow(/no operation/);
    expect(() => prepareOperation({ kind: 'Document', definitions: [] })).toThrow(/no source text/);
    expect(() => prepareOperation(42 as never)).toThrow(TypeError);
  });
});
