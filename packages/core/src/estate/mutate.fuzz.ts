/**
 * Generators of bad input for the fuzz suite (fuzz.test.ts): mutations of valid estate files
 * (structural, then serialised as YAML or JSON; or textual), pathological documents (alias
 * bombs, deep nesting, huge numbers...) and mutated RVTools CSVs. Test-only.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { EstateFormat } from './parse.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A value put into a document: a JS value, or raw text spliced into the serialised file. */
export type Nasty = { readonly js: unknown } | { readonly raw: string };

const RAW_YAML = [
  '.nan',
  '.NaN',
  '.inf',
  '-.inf',
  '1e400',
  '-1e400',
  '1e-400',
  '0x7FFFFFFF',
  '0o777',
  `${'9'.repeat(400)}`,
  '-0',
  '1_000',
  '~',
  'null',
  'yes',
  'on',
  "'unterminated",
  '"unterminated',
  '*noSuchAlias',
  '&anchor',
  '!!binary aGVsbG8=',
  '!!str 5',
  '!!int notanumber',
  '!!float 1',
  '!!set {a, b}',
  '!!omap [a: 1, a: 2]',
  '!!timestamp 2001-12-14',
  '!custom {a: 1}',
  '!<tag:yaml.org,2002:js/function> "function(){}"',
  '{a: ',
  '[1, 2',
  '|\n  block',
  '- - -',
  '? a',
  '@',
  '`',
  '%YAML 1.1',
  '---',
  '...',
  '\t1',
  '{__proto__: {polluted: true}}',
  '{constructor: {prototype: {polluted: true}}}',
];

const RAW_JSON = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '-1e400',
  '1e-400',
  `${'9'.repeat(400)}`,
  '-0',
  '0.0000000000000000000000001',
  '1E+2',
  '01',
  '.5',
  '+1',
  'tru',
  'nul',
  'undefined',
  '"\\ud800"',
  '"\\u0000"',
  '"unterminated',
  "'single'",
  '[1, 2',
  '{"a": }',
  '{"__proto__": {"polluted": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '[1,]',
  '// comment',
];

const deepText = (depth: number, format: EstateFormat): string =>
  format === 'json'
    ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
    : `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Values a field may be replaced with: wrong types, extremes, long strings, deep nesting. */
export function nastyValue(format: EstateFormat): fc.Arbitrary<Nasty> {
  const deepJs = fc.integer({ min: 1, max: 300 }).map((depth) => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
    return { js: value };
  });
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(...(format === 'json' ? RAW_JSON : RAW_YAML)).map((raw) => ({ raw })),
    },
    {
      weight: 4,
      arbitrary: fc
        .constantFrom(
          Number.NaN,
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
          Number.MAX_VALUE,
          -Number.MAX_VALUE,
          Number.MIN_VALUE,
          Number.MAX_SAFE_INTEGER + 2,
          -1,
          -0.5,
          -0,
          0,
          0.5,
          1.5,
          1e21,
          -1e21,
        )
        .map((js) => ({ js })),
    },
    { weight: 2, arbitrary: fc.double().map((js) => ({ js })) },
    { weight: 2, arbitrary: fc.integer().map((js) => ({ js: js * 1000 })) },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(true, false, null, '', ' ', '8', 'abc', 'virtplan/v2', [], {}, [[]], { '': null })
        .map((js) => ({ js })),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((js) => ({ js })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(1_000, 10_000, 100_000), fc.constantFrom('x', 'é', '😀', '\u0000', '\n'))
        .map(([n, ch]) => ({ js: ch.repeat(n) })),
    },
    { weight: 1, arbitrary: deepJs },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 10, max: 3_000 }).map((depth) => ({ raw: deepText(depth, format) })),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((js) => ({ js })) },
  );
}

export type StructuralOp =
  | { readonly kind: 'replace'; readonly value: Nasty }
  | { readonly kind: 'delete' }
  | { readonly kind: 'rename'; readonly key: string }
  | { readonly kind: 'add'; readonly key: string; readonly value: Nasty }
  | { readonly kind: 'wrap' }
  | { readonly kind: 'repeat'; readonly times: number };

export interface StructuralMutation {
  /** Child choices, taken modulo the number of children at each level. */
  readonly path: readonly number[];
  readonly op: StructuralOp;
}

const KEYS = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '',
    ' ',
    'id',
    'count',
    'cpuUtilisation',
    'x-owner',
    'memoryGiB',
    'a'.repeat(5_000),
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

export function structuralMutation(format: EstateFormat): fc.Arbitrary<StructuralMutation> {
  const value = nastyValue(format);
  return fc.record({
    path: fc.array(fc.nat(), { minLength: 0, maxLength: 6 }),
    op: fc.oneof(
      { weight: 6, arbitrary: value.map((v) => ({ kind: 'replace' as const, value: v })) },
      { weight: 2, arbitrary: fc.constant({ kind: 'delete' as const }) },
      { weight: 1, arbitrary: KEYS.map((key) => ({ kind: 'rename' as const, key })) },
      {
        weight: 2,
        arbitrary: fc.tuple(KEYS, value).map(([key, v]) => ({ kind: 'add' as const, key, value: v })),
      },
      { weight: 1, arbitrary: fc.constant({ kind: 'wrap' as const }) },
      {
        weight: 1,
        arbitrary: fc.integer({ min: 2, max: 100 }).map((times) => ({ kind: 'repeat' as const, times })),
      },
    ),
  });
}

/** Splices raw text: values become sentinels, replaced after serialisation. */
class RawSplicer {
  readonly raws: string[] = [];
  value(nasty: Nasty): unknown {
    if ('js' in nasty) return nasty.js;
    this.raws.push(nasty.raw);
    return `zzRAWzz${this.raws.length - 1}zz`;
  }
  apply(text: string, format: EstateFormat): string {
    const pattern = format === 'json' ? /"zzRAWzz(\d+)zz"/g : /zzRAWzz(\d+)zz/g;
    return text.replace(pattern, (_m, i: string) => this.raws[Number(i)] ?? '');
  }
}

function mutateValue(node: unknown, path: readonly number[], op: StructuralOp, raw: RawSplicer): unknown {
  const isObject = node !== null && typeof node === 'object' && !Array.isArray(node);
  if (path.length > 0 && (Array.isArray(node) || isObject)) {
    const [choice, ...rest] = path;
    if (Array.isArray(node)) {
      if (node.length === 0) return mutateValue(node, [], op, raw);
      const i = choice! % node.length;
      const copy = [...node];
      const next = mutateValue(copy[i], rest, op, raw);
      if (next === DELETE) copy.splice(i, 1);
      else copy[i] = next;
      return copy;
    }
    const entries = Object.entries(node as Record<string, unknown>);
    if (entries.length === 0) return mutateValue(node, [], op, raw);
    const [key, child] = entries[choice! % entries.length]!;
    if (rest.length === 0 && op.kind === 'rename') {
      return Object.fromEntries(entries.map(([k, v]) => (k === key ? [op.key, v] : [k, v])));
    }
    const next = mutateValue(child, rest, op, raw);
    const copy: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      if (k !== key) Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true });
      else if (next !== DELETE)
        Object.defineProperty(copy, k, { value: next, enumerable: true, writable: true });
    }
    return copy;
  }
  switch (op.kind) {
    case 'replace':
      return raw.value(op.value);
    case 'delete':
      return DELETE;
    case 'rename':
      return node;
    case 'add': {
      if (isObject) {
        const copy = { ...(node as Record<string, unknown>) };
        Object.defineProperty(copy, op.key, { value: raw.value(op.value), enumerable: true, writable: true });
        return copy;
      }
      if (Array.isArray(node)) return [...node, raw.value(op.value)];
      return raw.value(op.value);
    }
    case 'wrap':
      return [node];
    case 'repeat':
      return Array.isArray(node) && node.length > 0
        ? Array.from({ length: op.times }, (_, i) => node[i % node.length])
        : node;
  }
}

const DELETE = Symbol('delete');

/** Applies the mutations to a valid document and serialises it in `format`. */
export function mutateDocument(
  doc: unknown,
  mutations: readonly StructuralMutation[],
  format: EstateFormat,
): string {
  const raw = new RawSplicer();
  let value: unknown = doc;
  for (const m of mutations) {
    const next = mutateValue(value, m.path, m.op, raw);
    value = next === DELETE ? null : next;
  }
  const text =
    format === 'json'
      ? JSON.stringify(
          value,
          (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `zzNUMzz${v}zz` : v),
          1,
        ).replace(/"zzNUMzz(NaN|Infinity|-Infinity)zz"/g, '$1')
      : stringify(value, { aliasDuplicateObjects: false });
  return raw.apply(text, format);
}

/* ------------------------------------------------------------------------------------------ */
/* Text mutations                                                                              */

export type TextOp =
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'duplicateLine'; readonly line: number; readonly times: number }
  | { readonly kind: 'swapLines'; readonly a: number; readonly b: number }
  | { readonly kind: 'indent'; readonly line: number; readonly by: number }
  | { readonly kind: 'replaceChar'; readonly at: number; readonly char: string };

const INSERTS = fc.oneof(
  fc.constantFrom(
    '\u0000',
    '\uFEFF',
    '\r',
    '\r\n',
    '\t',
    ': ',
    '- ',
    '&a ',
    '*a',
    '"',
    "'",
    '{',
    '[',
    '}',
    ']',
    '#',
    ',',
    ';',
    '\n  x: 1',
    '\n---\n',
    '<<: *a\n',
    '? ',
    '|',
    '>',
    '%',
    '\\',
    '\u2028',
    '\ud800',
    '1e400',
    'NaN',
    '-1',
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.uint8Array({ maxLength: 20 }).map((bytes) => String.fromCharCode(...bytes)),
);

export const textOp: fc.Arbitrary<TextOp> = fc.oneof(
  fc.nat().map((at) => ({ kind: 'truncate' as const, at })),
  fc
    .tuple(fc.nat(), fc.integer({ min: 1, max: 200 }))
    .map(([at, length]) => ({ kind: 'delete' as const, at, length })),
  {
    weight: 3,
    arbitrary: fc.tuple(fc.nat(), INSERTS).map(([at, text]) => ({ kind: 'insert' as const, at, text })),
  },
  fc
    .tuple(fc.nat(), fc.integer({ min: 1, max: 50 }))
    .map(([line, times]) => ({ kind: 'duplicateLine' as const, line, times })),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => ({ kind: 'swapLines' as const, a, b })),
  fc
    .tuple(fc.nat(), fc.integer({ min: -8, max: 8 }))
    .map(([line, by]) => ({ kind: 'indent' as const, line, by })),
  fc
    .tuple(fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))
    .map(([at, char]) => ({ kind: 'replaceChar' as const, at, char })),
);

export function mutateText(text: string, ops: readonly TextOp[]): string {
  let out = text;
  for (const op of ops) {
    const at = (n: number) => (out.length === 0 ? 0 : n % (out.length + 1));
    const lines = () => out.split('\n');
    switch (op.kind) {
      case 'truncate':
        out = out.slice(0, at(op.at));
        break;
      case 'delete': {
        const start = at(op.at);
        out = out.slice(0, start) + out.slice(start + op.length);
        break;
      }
      case 'insert': {
        const i = at(op.at);
        out = out.slice(0, i) + op.text + out.slice(i);
        break;
      }
      case 'duplicateLine': {
        const ls = lines();
        const i = op.line % ls.length;
        ls.splice(i, 0, ...Array.from({ length: op.times }, () => ls[i]!));
        out = ls.join('\n');
        break;
      }
      case 'swapLines': {
        const ls = lines();
        const a = op.a % ls.length;
        const b = op.b % ls.length;
        [ls[a], ls[b]] = [ls[b]!, ls[a]!];
        out = ls.join('\n');
        break;
      }
      case 'indent': {
        const ls = lines();
        const i = op.line % ls.length;
        ls[i] =
          op.by >= 0 ? ' '.repeat(op.by) + ls[i] : ls[i]!.slice(Math.min(-op.by, ls[i]!.search(/\S|$/)));
        out = ls.join('\n');
        break;
      }
      case 'replaceChar': {
        if (out.length === 0) break;
        const i = op.at % out.length;
        out = out.slice(0, i) + op.char + out.slice(i + 1);
        break;
      }
    }
  }
  return out;
}

/* ------------------------------------------------------------------------------------------ */
/* Pathological documents                                                                      */

const MINIMAL_HEAD = 'apiVersion: virtplan/v1\nname: x\nsites: [{id: a}]\n';
const HOST = 'hosts: [{id: h, site: a, cpuCores: 8, memoryGiB: 64}]\n';

export interface Pathological {
  readonly kind: string;
  readonly text: string;
  readonly format: EstateFormat;
}

/** Billion laughs: `levels` anchors, each aliasing the previous one `width` times. */
export function aliasBomb(levels: number, width: number): string {
  const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

/** Pathological inputs at moderate sizes (the extreme sizes are named tests). */
export const pathological: fc.Arbitrary<Pathological> = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 2, max: 12 }),
      fc.integer({ min: 2, max: 12 }),
      fc.constantFrom('top', 'workloads'),
    )
    .map(([levels, width, where]) => ({
      kind: 'alias bomb',
      format: 'yaml' as const,
      text:
        where === 'top'
          ? aliasBomb(levels, width)
          : `${MINIMAL_HEAD}${HOST}x-bomb:\n${aliasBomb(levels, width).replace(/^/gm, '  ')}workloads: *l${levels - 1}\n`,
    })),
  fc.constantFrom(
    { kind: 'self alias', format: 'yaml' as const, text: 'a: &a [*a]\n' },
    { kind: 'alias before anchor', format: 'yaml' as const, text: 'a: *b\nb: &b 1\n' },
    { kind: 'merge keys', format: 'yaml' as const, text: 'a: &a {x: 1}\nb: {<<: [*a, *a, *a], y: 2}\n' },
    {
      kind: 'tags',
      format: 'yaml' as const,
      text: `${MINIMAL_HEAD}${HOST}workloads: !!set {a, b}\npolicies: !!omap [a: 1]\n`,
    },
    {
      kind: 'multi-document',
      format: 'yaml' as const,
      text: `${MINIMAL_HEAD}${HOST}workloads: []\n---\na: 1\n`,
    },
    {
      kind: 'directive',
      format: 'yaml' as const,
      text: `%YAML 1.1\n%TAG ! tag:evil,2000:\n---\n${MINIMAL_HEAD}`,
    },
    { kind: 'empty', format: 'yaml' as const, text: '' },
    { kind: 'empty', format: 'json' as const, text: '' },
    { kind: 'scalar root', format: 'yaml' as const, text: '42' },
    { kind: 'scalar root', format: 'json' as const, text: '"virtplan/v1"' },
    { kind: 'null root', format: 'json' as const, text: 'null' },
    { kind: 'array root', format: 'json' as const, text: '[]' },
    {
      kind: 'prototype pollution',
      format: 'json' as const,
      text: '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
    },
    {
      kind: 'prototype pollution',
      format: 'yaml' as const,
      text: `${MINIMAL_HEAD}${HOST}workloads: []\n__proto__: {polluted: true}\nconstructor: {prototype: {polluted: true}}\n`,
    },
    { kind: 'complex keys', format: 'yaml' as const, text: '? [a, b]\n: 1\n? {c: d}\n: 2\n' },
  ),
  fc
    .tuple(
      fc.integer({ min: 10, max: 2_000 }),
      fc.constantFrom('yaml flow', 'yaml map flow', 'json array', 'json object', 'yaml block'),
    )
    .map(([depth, style]) => {
      switch (style) {
        case 'yaml flow':
          return {
            kind: 'deep nesting',
            format: 'yaml' as const,
            text: `${'['.repeat(depth)}${']'.repeat(depth)}`,
          };
        case 'yaml map flow':
          return {
            kind: 'deep nesting',
            format: 'yaml' as const,
            text: `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`,
          };
        case 'json array':
          return {
            kind: 'deep nesting',
            format: 'json' as const,
            text: `${'['.repeat(depth)}${']'.repeat(depth)}`,
          };
        case 'json object':
          return {
            kind: 'deep nesting',
            format: 'json' as const,
            text: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
          };
        default: {
          const d = Math.min(depth, 1_000);
          const text = `${Array.from({ length: d }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`;
          return { kind: 'deep nesting', format: 'yaml' as const, text };
        }
      }
    }),
  fc.tuple(fc.integer({ min: 1, max: 2_000 }), fc.boolean()).map(([n, dup]) => ({
    kind: dup ? 'many duplicate keys' : 'many keys',
    format: 'yaml' as const,
    text: Array.from({ length: n }, (_, i) => `k${dup ? i % 7 : i}: ${i}`).join('\n'),
  })),
  fc.integer({ min: 1, max: 2_000 }).map((n) => ({
    kind: 'many keys',
    format: 'json' as const,
    text: `{${Array.from({ length: n }, (_, i) => `"k${i % 97}": ${i}`).join(',')}}`,
  })),
  fc
    .tuple(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 100_000 }))
    .map(([entries, count]) => ({
      kind: 'count amplification',
      format: 'yaml' as const,
      text: `${MINIMAL_HEAD}hosts:\n${Array.from(
        { length: entries },
        (_, i) => `  - {id: h${i}, site: a, cpuCores: 1, memoryGiB: 1, count: ${count}}`,
      ).join('\n')}\nworkloads: []\n`,
    })),
  fc.tuple(fc.integer({ min: 2, max: 300 }), fc.boolean()).map(([n, cycle]) => ({
    kind: cycle ? 'dependency cycle' : 'dependency chain',
    format: 'yaml' as const,
    text: `${MINIMAL_HEAD}${HOST}workloads:\n${Array.from(
      { length: n },
      (_, i) =>
        `  - {id: w${i}, application: x, memoryGiB: 1${i + 1 < n || cycle ? `, dependsOn: [w${(i + 1) % n}]` : ''}}`,
    ).join('\n')}\n`,
  })),
  fc
    .tuple(
      fc.constantFrom(1_000, 10_000, 100_000),
      fc.constantFrom('yaml', 'json') as fc.Arbitrary<EstateFormat>,
    )
    .map(([n, format]) => {
      const long = 'x'.repeat(n);
      const doc = {
        apiVersion: 'virtplan/v1',
        name: long,
        sites: [{ id: 'a' }],
        hosts: [{ id: long, site: 'a', cpuCores: 1, memoryGiB: 1 }],
        workloads: [{ id: 'w', application: long, memoryGiB: 1, currentHost: `${long}y` }],
      };
      return {
        kind: 'long strings',
        format,
        text: format === 'json' ? JSON.stringify(doc) : stringify(doc, { lineWidth: 0 }),
      };
    }),
  fc
    .tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom(...(['yaml', 'json'] as const)))
    .map(([n, format]) => {
      const workloads = Array.from({ length: n }, (_, i) => ({
        id: `w${i}`,
        application: 'x',
        memoryGiB: 1,
      }));
      const doc = {
        apiVersion: 'virtplan/v1',
        name: 'x',
        sites: [{ id: 'a' }],
        hosts: [{ id: 'h', site: 'a', cpuCores: 1, memoryGiB: 1 }],
        workloads,
      };
      return {
        kind: 'many workloads',
        format,
        text: format === 'json' ? JSON.stringify(doc) : stringify(doc),
      };
    }),
);

/** Text with no structure: random code points, random bytes, or YAML punctuation soup. */
export const randomText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 2_000 }),
  fc.uint8Array({ maxLength: 2_000 }).map((bytes) => String.fromCharCode(...bytes)),
  fc
    .array(
      fc.constantFrom(
        ...':-[]{},&*!|>\'"#%@`?<= \n\t\r'.split(''),
        'a',
        'b',
        '1',
        '0.5',
        'id',
        'apiVersion',
        'virtplan/v1',
        'workloads',
        'hosts',
        'sites',
        '  ',
        '\n  - ',
        '&x',
        '*x',
        '!!',
        '---',
        '...',
        'null',
        '.nan',
        '1e400',
      ),
      { maxLength: 400 },
    )
    .map((parts) => parts.join('')),
);

/* ------------------------------------------------------------------------------------------ */
/* RVTools CSVs                                                                                */

/** Cell values that are wrong in some way for an RVTools export. */
export const nastyCell: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'NaN',
    'Infinity',
    '-Infinity',
    '-1',
    '-0',
    '0',
    '1e400',
    '9'.repeat(400),
    '1,2,3',
    '1.024,5',
    '1 024',
    '12,5 %',
    '0x10',
    'True',
    'false',
    'poweredOn',
    'poweredOff',
    'suspended',
    '"',
    '""',
    '"a""b"',
    ';',
    ',',
    '\t',
    '\n',
    '\r\n',
    '\u0000',
    '\uFEFF',
    '__proto__',
    'constructor',
    '=cmd|" /C calc"!A0',
    'Application: PACS',
  ),
  fc.integer({ min: -1_000_000, max: 100_000_000 }).map(String),
  fc.double().map(String),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(1_000, 100_000).map((n) => 'v'.repeat(n)),
);

export type CsvOp =
  | { readonly kind: 'cell'; readonly row: number; readonly column: number; readonly value: string }
  | { readonly kind: 'dropColumn'; readonly column: number }
  | { readonly kind: 'duplicateColumn'; readonly column: number }
  | { readonly kind: 'renameHeader'; readonly column: number; readonly name: string }
  | { readonly kind: 'shuffleColumns'; readonly seed: number }
  | { readonly kind: 'dropRow'; readonly row: number }
  | { readonly kind: 'repeatRow'; readonly row: number; readonly times: number }
  | { readonly kind: 'raggedRow'; readonly row: number; readonly keep: number };

export const csvOp: fc.Arbitrary<CsvOp> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.nat(), fc.nat(), nastyCell)
      .map(([row, column, value]) => ({ kind: 'cell' as const, row, column, value })),
  },
  fc.nat().map((column) => ({ kind: 'dropColumn' as const, column })),
  fc.nat().map((column) => ({ kind: 'duplicateColumn' as const, column })),
  fc
    .tuple(
      fc.nat(),
      fc.oneof(nastyCell, fc.constantFrom('VM', 'Memory', 'Host', 'In Use MB', '# Cores', 'vm ')),
    )
    .map(([column, name]) => ({ kind: 'renameHeader' as const, column, name })),
  fc.nat().map((seed) => ({ kind: 'shuffleColumns' as const, seed })),
  fc.nat().map((row) => ({ kind: 'dropRow' as const, row })),
  fc
    .tuple(fc.nat(), fc.integer({ min: 2, max: 30 }))
    .map(([row, times]) => ({ kind: 'repeatRow' as const, row, times })),
  fc.tuple(fc.nat(), fc.nat()).map(([row, keep]) => ({ kind: 'raggedRow' as const, row, keep })),
);

/** Applies cell-level operations to a table (header first) and writes it back as CSV. */
export function mutateTable(
  table: readonly (readonly string[])[],
  ops: readonly CsvOp[],
  delimiter: ',' | ';' | '\t',
  lineEnd: '\n' | '\r\n',
): string {
  let rows = table.map((r) => [...r]);
  for (const op of ops) {
    const width = Math.max(1, ...rows.map((r) => r.length));
    switch (op.kind) {
      case 'cell': {
        const r = rows[op.row % rows.length];
        if (r) r[op.column % width] = op.value;
        break;
      }
      case 'dropColumn':
        rows = rows.map((r) => r.filter((_, i) => i !== op.column % width));
        break;
      case 'duplicateColumn':
        rows = rows.map((r) => [...r, r[op.column % width] ?? '']);
        break;
      case 'renameHeader':
        if (rows[0]) rows[0][op.column % width] = op.name;
        break;
      case 'shuffleColumns': {
        const order = Array.from({ length: width }, (_, i) => i).sort(
          (a, b) => ((a * 2654435761 + op.seed) % 1009) - ((b * 2654435761 + op.seed) % 1009),
        );
        rows = rows.map((r) => order.map((i) => r[i] ?? ''));
        break;
      }
      case 'dropRow':
        if (rows.length > 1) rows.splice(1 + (op.row % (rows.length - 1)), 1);
        break;
      case 'repeatRow':
        if (rows.length > 1) {
          const r = rows[1 + (op.row % (rows.length - 1))]!;
          rows.push(...Array.from({ length: op.times }, () => [...r]));
        }
        break;
      case 'raggedRow': {
        const r = rows[op.row % rows.length];
        if (r) r.length = Math.min(r.length, op.keep % (width + 1));
        break;
      }
    }
  }
  const quote = (cell: string) =>
    /["\r\n,;\t]/.test(cell) || cell !== cell.trim() ? `"${cell.replace(/"/g, '""')}"` : cell;
  // Array.from, not map: a cell written past a short row's end leaves holes.
  return rows.map((r) => Array.from(r, (cell) => quote(cell ?? '')).join(delimiter)).join(lineEnd) + lineEnd;
}

/** A small, plausible vInfo/vHost pair as tables, for the CSV properties. */
export const generatedExport: fc.Arbitrary<{ vInfo: string[][]; vHost: string[][] }> = fc
  .record({
    hosts: fc.array(fc.constantFrom('esx01', 'esx02.local', 'ESX03', '10.0.0.5', 'esx-dr'), {
      minLength: 1,
      maxLength: 4,
    }),
    datacenters: fc.array(fc.constantFrom('Main', 'DR Site', 'main', 'Ärztehaus', ''), {
      minLength: 1,
      maxLength: 3,
    }),
    vms: fc.array(
      fc.record({
        name: fc.oneof(
          fc.constantFrom('PACS-DB01', 'ris-app', 'EMR-IFACE', 'dicom-rtr', 'MAIL01', 'dc01', 'wsus', 'x'),
          fc.string({ unit: 'binary', maxLength: 12 }),
        ),
        power: fc.constantFrom('poweredOn', 'poweredOn', 'poweredOn', 'poweredOff', 'suspended'),
        template: fc.constantFrom('False', 'False', 'True'),
        cpus: fc.integer({ min: 0, max: 64 }),
        memoryMiB: fc.integer({ min: 0, max: 1_048_576 }),
        inUseMiB: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
        host: fc.nat(),
        datacenter: fc.nat(),
        annotation: fc.oneof(fc.constant(''), fc.string({ maxLength: 30 }), fc.constant('App: Dietary')),
      }),
      { maxLength: 25 },
    ),
    usage: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 4, maxLength: 4 }),
  })
  .map(({ hosts, datacenters, vms, usage }) => {
    const uniqueHosts = [...new Set(hosts)];
    const dc = (i: number) => datacenters[i % datacenters.length]!;
    return {
      vHost: [
        ['Host', 'Datacenter', '# Cores', 'Speed', '# Memory', 'CPU usage %'],
        ...uniqueHosts.map((h, i) => [h, dc(i), '16', '2400', '262144', String(usage[i % 4])]),
      ],
      vInfo: [
        ['VM', 'Powerstate', 'Template', 'CPUs', 'Memory', 'In Use MiB', 'Host', 'Datacenter', 'Annotation'],
        ...vms.map((vm) => [
          vm.name,
          vm.power,
          vm.template,
          String(vm.cpus),
          String(vm.memoryMiB),
          vm.inUseMiB === undefined ? '' : String(vm.inUseMiB),
          uniqueHosts[vm.host % uniqueHosts.length]!,
          dc(vm.datacenter),
          vm.annotation,
        ]),
      ],
    };
  });
