import { type Logger, pino } from 'pino';

/** JSON logs on stdout (or the given stream); keys, authorization headers and passwords never appear. */
export function createLogger(level = 'info', destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: 'virtplan-api' },
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
