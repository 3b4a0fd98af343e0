/** An in-memory Io for command tests: files in, captured stdout/stderr/written files out. */
import { type Io, UsageError } from './io.ts';

export interface MemoryIo extends Io {
  readonly out: string[];
  readonly err: string[];
  readonly written: Map<string, string>;
  readonly stdoutText: () => string;
  readonly stderrText: () => string;
}

export function memoryIo(
  files: Readonly<Record<string, string>> = {},
  env: Record<string, string> = {},
): MemoryIo {
  const out: string[] = [];
  const err: string[] = [];
  const written = new Map<string, string>();
  return {
    out,
    err,
    written,
    stdoutText: () => out.join(''),
    stderrText: () => err.join(''),
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new UsageError(`${path}: no such file`);
      return text;
    },
    writeFile: (path, text) => written.set(path, text),
    isTTY: false,
    env,
  };
}
