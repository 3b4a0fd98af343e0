import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/** What a command may touch of the outside world; tests pass a fake one. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => string;
  readonly writeFile: (path: string, text: string) => void;
  /** stderr is a terminal: progress may be shown there. */
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Thrown by commands for bad input or usage; main prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(
        code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot be read (${code ?? 'error'})`,
      );
    }
  },
  writeFile: (path, text) => {
    // Write beside the target, then rename: a failed write never leaves a half-written file.
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, text);
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`${path}: cannot be written (${code ?? 'error'})`);
    }
  },
  isTTY: Boolean(process.stderr.isTTY),
  env: process.env,
};

/** A command: argv after the command name; resolves to the exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  readonly run: (argv: readonly string[], io: Io) => Promise<number>;
}
