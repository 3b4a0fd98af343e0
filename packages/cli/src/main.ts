import { commands } from './commands/index.ts';
import { type Command, type Io, processIo, UsageError } from './io.ts';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'virtplan: virtualization planning for hospital IT',
    '',
    'Usage: virtplan <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `virtplan <command> --help` for a command’s options.',
    '',
  ].join('\n');
}

/** Runs the command line; never throws, returns the exit code (0 ok, 2 bad input or usage, 1 failure). */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout('0.1.0\n');
    return 0;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`virtplan: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`virtplan ${name}: ${error.message}\n`);
      return 2;
    }
    const network = unreachable(error);
    if (network) {
      io.stderr(`virtplan ${name}: ${network}\n`);
      return 1;
    }
    // A bug, not bad input: say so without a stack trace unless asked for one.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`virtplan ${name}: internal error: ${message}\n`);
    if (io.env.VIRTPLAN_DEBUG) io.stderr(`${error instanceof Error ? error.stack : ''}\n`);
    return 1;
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
]);

/** A database or network that cannot be reached is the operator's to fix, not a bug: say which. */
function unreachable(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !NETWORK_CODES.has(code)) return null;
  const e = error as { address?: string; port?: number; hostname?: string };
  const where = e.hostname ?? (e.address ? `${e.address}${e.port ? `:${e.port}` : ''}` : 'the server');
  return `cannot reach the database at ${where} (${code}); is it running, and is DATABASE_URL right?`;
}
