import { type Logger, pino, stdSerializers } from 'pino';

/**
 * A query error (drizzle's "Failed query: <sql> params: <values>", pg's internalQuery...) logged as
 * the driver's reason only: its name, code, message and stack, never the SQL or the values.
 */
function withoutSql(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const e = error as { name?: string; message?: string; cause?: unknown; query?: unknown };
  if (e.query === undefined && !String(e.message ?? '').startsWith('Failed query')) return error;
  const cause = (e.cause ?? {}) as { name?: string; message?: string; code?: unknown; stack?: string };
  const safe = new Error(`database query failed: ${cause.message ?? 'unknown reason'}`);
  safe.name = e.name ?? 'Error';
  if (cause.stack)
    safe.stack = `${safe.name}: ${safe.message}\n${cause.stack.split('\n').slice(1).join('\n')}`;
  return Object.assign(safe, cause.code === undefined ? {} : { code: cause.code });
}

/** JSON logs on stdout (or the given stream); keys, authorization headers and passwords never appear. */
export function createLogger(level = 'info', destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: 'virtplan-api' },
    serializers: { err: (error: unknown) => stdSerializers.err(withoutSql(error) as Error) },
    redact: {
      paths: [
        'authorization',
        '*.authorization',
        'headers.authorization',
        'key',
        '*.key',
        'password',
        '*.password',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
