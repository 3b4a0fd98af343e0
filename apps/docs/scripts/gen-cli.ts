import { generatedNote } from './lib/markdown.ts';

/** What the page needs of the CLI: `main(argv, io)` from @virtplan/cli, run with captured output. */
export type CliMain = (argv: readonly string[], io: CapturedIo) => Promise<number>;

export interface CapturedIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => string;
  readonly writeFile: (path: string, text: string) => void;
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

async function capture(
  main: CliMain,
  argv: readonly string[],
  readFile?: (path: string) => string,
): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CapturedIo = {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      out += t;
    },
    readFile:
      readFile ??
      ((path) => {
        throw new Error(`the docs build reads no file through the CLI (${path})`);
      }),
    writeFile: (path) => {
      throw new Error(`the docs build writes no file through the CLI (${path})`);
    },
    isTTY: false,
    env: {},
  };
  const code = await main(argv, io);
  return { code, out };
}

/** The command names listed by `virtplan --help` (the lines under `Commands:`). */
export function commandNames(usage: string): string[] {
  const lines = usage.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'Commands:');
  if (start < 0) throw new Error('`virtplan --help` lists no "Commands:" section');
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^\s{2}(\S+)\s{2,}\S/.exec(line);
    if (!m) break;
    names.push(m[1]!);
  }
  return names;
}

function fence(body: string): string {
  return ['```text', body.trimEnd(), '```'].join('\n');
}

/** The command-line reference: `virtplan --help` and every command's `--help`, verbatim. */
export async function cliPage(main: CliMain): Promise<{ markdown: string; commands: string[] }> {
  const usage = await capture(main, ['--help']);
  if (usage.code !== 0) throw new Error(`virtplan --help exited ${usage.code}: ${usage.out}`);
  const commands = commandNames(usage.out);
  const sections: string[] = [];
  for (const name of commands) {
    const help = await capture(main, [name, '--help']);
    if (help.code !== 0) throw new Error(`virtplan ${name} --help exited ${help.code}: ${help.out}`);
    sections.push(`## virtplan ${name} {#${name}}`, '', fence(help.out), '');
  }
  const markdown = [
    generatedNote('the help text of @virtplan/cli (virtplan --help and each command’s --help)'),
    '',
    '# Command line',
    '',
    'The `virtplan` command, as its own `--help` prints it at this build. From the repository, after `npm install`, run it as `npx virtplan`. Every command exits 0 on success, 2 on bad input or usage (the error on stderr, naming the file and the field), and 1 only for an internal error.',
    '',
    fence(usage.out),
    '',
    ...sections,
  ].join('\n');
  return { markdown, commands };
}

/**
 * A terminal session for a guide: the command as typed and what it printed, run now by the
 * real CLI on a file of the repository (`readFile` resolves paths from the repository root).
 */
export async function cliSession(
  main: CliMain,
  argv: readonly string[],
  readFile: (path: string) => string,
): Promise<string> {
  const { code, out } = await capture(main, argv, readFile);
  if (code !== 0) throw new Error(`virtplan ${argv.join(' ')} exited ${code}: ${out}`);
  return ['```text', `$ npx virtplan ${argv.join(' ')}`, out.trimEnd(), '```', ''].join('\n');
}
