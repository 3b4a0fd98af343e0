/** Reading an estate file for a command: format from the extension, errors as UsageError. */
import { type EstateFormat, formatIssue, type ParsedEstate, parseEstate } from '@virtplan/core';
import { type Io, UsageError } from './io.ts';

export function formatFromPath(path: string): EstateFormat {
  return path.toLowerCase().endsWith('.json') ? 'json' : 'yaml';
}

/** Thrown when the estate file is invalid: every issue, one per line, exit 2. */
export class InvalidEstateError extends UsageError {
  constructor(
    readonly file: string,
    readonly issues: readonly string[],
  ) {
    super(
      `${file} is not a valid estate (${issues.length} error${issues.length === 1 ? '' : 's'}):\n  ${issues.join('\n  ')}`,
    );
  }
}

/** Reads and parses an estate file; warnings go to stderr, errors become InvalidEstateError. */
export function loadEstate(path: string | undefined, io: Io): ParsedEstate {
  if (path === undefined) throw new UsageError('missing FILE (an estate in YAML or JSON)');
  const text = io.readFile(path);
  const result = parseEstate(text, formatFromPath(path));
  if (!result.ok) throw new InvalidEstateError(path, result.error.map(formatIssue));
  for (const warning of result.value.warnings) io.stderr(`${path}: ${formatIssue(warning)}\n`);
  return result.value;
}
