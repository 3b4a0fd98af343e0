/**
 * From text to a normalised estate: syntax (YAML or JSON), then the schema, then
 * cross-references. Every problem is reported at once, each with its path; nothing throws
 * for bad input.
 */
import { type Document, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { err, ok, type Result } from '../shared/result.ts';
import { type EstateIssue, formatPath, type PathSegment } from './issues.ts';
import { normalizeEstate } from './normalize.ts';
import { type EstateDocument, estateSchema } from './schema.ts';
import type { Estate } from './types.ts';
import { unknownFieldWarnings } from './unknown-fields.ts';

export type EstateFormat = 'yaml' | 'json';

/** Largest estate text accepted (a few hundred thousand workloads fit well under it). */
export const MAX_ESTATE_TEXT_LENGTH = 64 * 1024 * 1024;
/** Most YAML aliases expanded in one document: stops "billion laughs" files. */
const MAX_ALIAS_COUNT = 1000;
/** Syntax errors reported at most: past the first few, the rest are echoes. */
const MAX_SYNTAX_ISSUES = 20;

export interface ParsedEstate {
  readonly estate: Estate;
  /** Warnings that did not make the file invalid (unknown fields). */
  readonly warnings: readonly EstateIssue[];
}

/** Parses, validates and normalises estate text; every error at once, never a throw. */
export function parseEstate(text: string, format: EstateFormat): Result<ParsedEstate, EstateIssue[]> {
  const syntax = parseEstateText(text, format);
  if (!syntax.ok) return syntax;
  return validateEstateDocument(syntax.value);
}

/** Only the syntax step: text to a plain value. */
export function parseEstateText(text: string, format: EstateFormat): Result<unknown, EstateIssue[]> {
  if (text.length > MAX_ESTATE_TEXT_LENGTH) {
    return err([
      {
        path: '(root)',
        message: `file too large: ${text.length} characters, the limit is ${MAX_ESTATE_TEXT_LENGTH}`,
        severity: 'error',
      },
    ]);
  }
  return format === 'json' ? parseJson(text) : parseYaml(text);
}

function parseJson(text: string): Result<unknown, EstateIssue[]> {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return err([{ path: '(root)', message: `not valid JSON: ${message}`, severity: 'error' }]);
  }
  // JSON.parse keeps the last of two equal keys without a word; YAML files reject them.
  const duplicate = duplicateJsonKey(text);
  if (duplicate) {
    return err([
      {
        path: formatPath(duplicate.path),
        message: 'not valid JSON: this key is given twice in one object',
        severity: 'error',
        line: duplicate.line,
      },
    ]);
  }
  return ok(value);
}

/**
 * The first key given twice in one object of `text`, which must be valid JSON (JSON.parse
 * accepted it). One pass, no recursion: a stack of the open objects and arrays.
 */
function duplicateJsonKey(text: string): { path: PathSegment[]; line: number } | null {
  // Per open container: its keys (null for an array) and where in it the scan is.
  const stack: { keys: Set<string> | null; at: PathSegment }[] = [];
  let expectKey = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '{') {
      stack.push({ keys: new Set(), at: '' });
      expectKey = true;
    } else if (c === '[') {
      stack.push({ keys: null, at: 0 });
      expectKey = false;
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.at = (top.at as number) + 1;
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return { path: [...stack.slice(0, -1).map((f) => f.at), key], line };
        top.keys.add(key);
        top.at = key;
        expectKey = false;
      }
      i = end;
    }
  }
  return null;
}

function parseYaml(text: string): Result<unknown, EstateIssue[]> {
  try {
    const lineCounter = new LineCounter();
    // uniqueKeys off: the library's own check compares each key with every earlier key of its
    // mapping (quadratic: 100,000 keys took minutes); duplicateKeys() checks in one pass.
    // logLevel 'error': toJS would otherwise print warnings to the process's stderr.
    const doc = parseDocument(text, {
      uniqueKeys: false,
      prettyErrors: true,
      strict: true,
      lineCounter,
      logLevel: 'error',
    });
    const errors = [
      ...doc.errors.map((e) => ({ message: e.message, line: e.linePos?.[0]?.line })),
      ...duplicateKeys(doc, lineCounter),
    ].sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
    if (errors.length > 0) {
      const issues: EstateIssue[] = [];
      const seen = new Set<string>();
      for (const e of errors) {
        const reason = e.message.includes('call stack') ? 'nested too deeply' : e.message.split('\n')[0]!;
        const line = e.line;
        const message = `not valid YAML: ${reason.replace(/ at line \d+, column \d+:?$/, '')}`;
        if (seen.has(message)) continue;
        seen.add(message);
        issues.push(
          line === undefined
            ? { path: '(root)', message, severity: 'error' }
            : { path: '(root)', message, severity: 'error', line },
        );
        if (issues.length >= MAX_SYNTAX_ISSUES) break;
      }
      return err(issues);
    }
    return ok(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown);
  } catch (error) {
    // The yaml library throws for alias bombs and for nesting deeper than the stack.
    const reason =
      error instanceof RangeError
        ? 'nested too deeply'
        : error instanceof Error
          ? error.message.split('\n')[0]
          : String(error);
    return err([{ path: '(root)', message: `not valid YAML: ${reason}`, severity: 'error' }]);
  }
}

/** Keys repeated within one mapping, as the yaml library reports them, found in linear time. */
function duplicateKeys(doc: Document.Parsed, lineCounter: LineCounter): { message: string; line: number }[] {
  const found: { message: string; line: number }[] = [];
  const nullKey = Symbol('null key');
  visit(doc, {
    Map(_, map) {
      const keys = new Set<unknown>();
      for (const { key } of map.items) {
        // As the library compares: scalars by value, other nodes by identity.
        const identity = key === null ? nullKey : isScalar(key) ? key.value : key;
        if (!keys.has(identity)) {
          keys.add(identity);
          continue;
        }
        const offset = isScalar(key) ? (key.range?.[0] ?? 0) : 0;
        found.push({ message: 'Map keys must be unique', line: lineCounter.linePos(offset).line });
        if (found.length >= MAX_SYNTAX_ISSUES) return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Validates a plain value (already parsed) and normalises it. */
export function validateEstateDocument(value: unknown): Result<ParsedEstate, EstateIssue[]> {
  let parsed: ReturnType<typeof estateSchema.safeParse>;
  try {
    parsed = estateSchema.safeParse(value, { error: issueMessage });
  } catch (error) {
    if (error instanceof RangeError) {
      return err([{ path: '(root)', message: 'nested too deeply', severity: 'error' }]);
    }
    throw error;
  }
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((issue) => ({
        path: formatPath(issue.path as PathSegment[]),
        message: issue.message,
        severity: 'error' as const,
      })),
    );
  }
  const document: EstateDocument = parsed.data;
  const normalized = normalizeEstate(document);
  if (!normalized.ok) return normalized;
  return ok({ estate: normalized.value, warnings: unknownFieldWarnings(value) });
}

const ARTICLE: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

function describeValue(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'number' && !Number.isFinite(input)) return String(input);
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return `"${input.length > 40 ? `${input.slice(0, 40)}…` : input}"`;
  return String(input);
}

/** Zod issue -> the sentence a person reads after the path. */
function issueMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected = ARTICLE[issue.expected] ?? issue.expected;
      return `must be ${expected} (got ${describeValue(issue.input)})`;
    }
    case 'invalid_value':
      if (issue.input === undefined) return 'is required';
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of: ${issue.values.map((v) => String(v)).join(' | ')}`;
    case 'too_small': {
      if (issue.origin === 'array') return `must have at least ${issue.minimum} item(s)`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    }
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${issue.maximum} item(s)`;
      return `must be a number ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    case 'invalid_format':
      if (issue.format === 'regex')
        return 'must start with a lower-case letter or digit and use only a-z, 0-9 and -';
      if (issue.format === 'date') return 'must be a date written YYYY-MM-DD';
      return `must be a valid ${issue.format}`;
    case 'unrecognized_keys':
      return `unknown field(s): ${issue.keys.join(', ')}`;
    default:
      return issue.message ?? 'is not valid';
  }
}
