/** Option parsing on node's own parseArgs, with usage errors instead of exceptions. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './io.ts';

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function formatOption(value: string | undefined): 'table' | 'json' {
  if (value === undefined || value === 'table') return 'table';
  if (value === 'json') return 'json';
  throw new UsageError(`--format must be table or json, not '${value}'`);
}

/** Stringify for machines: Infinity/NaN (unlimited capacities) become null. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
