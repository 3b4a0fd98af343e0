import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The repository root and the `virtplan` command as the image runs it (node + the bin script). */
export const ROOT: string = resolve(import.meta.dirname, '../../..');
export const BIN: string = join(ROOT, 'packages/cli/bin/virtplan.js');

export interface Replica {
  readonly name: string;
  readonly child: ChildProcess;
  /** The GraphQL endpoint, http://127.0.0.1:PORT/graphql. */
  readonly url: string;
  readonly exit: Promise<number | null>;
  readonly output: () => string;
}

/** A server environment: the given database (or none: PGlite in VIRTPLAN_DATA_DIR) and settings. */
export function serverEnv(
  databaseUrl: string | undefined,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const { PORT: _port, DATABASE_URL: _url, VIRTPLAN_DEMO: _demo, HOST: _host, ...rest } = process.env;
  return { ...rest, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), LOG_LEVEL: 'warn', ...extra };
}

/** Starts `virtplan serve` on a free port (port 0: the kernel picks) and waits for its banner. */
export function startReplica(name: string, env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<Replica> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${name} did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = () => {
      const url = /listening on (http:\/\/\S+\/graphql)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      ready({ name, child, url, exit, output: () => output });
    };
    child.stderr?.on('data', onData);
    void exit.then((code) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited with ${code} before listening:\n${output}`));
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopReplica(replica: Replica, graceMs = 35_000): Promise<void> {
  if (replica.child.exitCode !== null || replica.child.signalCode !== null) return;
  replica.child.kill('SIGTERM');
  const killer = setTimeout(() => replica.child.kill('SIGKILL'), graceMs);
  await replica.exit;
  clearTimeout(killer);
}

export interface GraphqlAnswer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string }[] };
}

export async function graphql(
  replica: Replica,
  key: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlAnswer> {
  const response = await fetch(replica.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphqlAnswer['body'] };
}

/** Runs a `virtplan` command; resolves to its stdout, rejects on a non-zero exit. */
export function runCli(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? done(stdout) : fail(new Error(`virtplan ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

/** `keys create` for an organization; the key is the last line of its output. */
export async function createKey(
  env: NodeJS.ProcessEnv,
  organization: string,
  scope = 'write',
): Promise<string> {
  const out = await runCli(env, ['keys', 'create', '--org', organization, '--scope', scope]);
  return out.trim().split('\n').at(-1) as string;
}

export const IMPORT_ESTATE = `mutation($content: String!) {
  importEstate(content: $content, format: YAML) {
    __typename
    ... on ImportEstateSuccess { estate { id name revision } }
    ... on EstateValidationError { message }
  }
}`;

/** Imports an estate document; returns its id or throws with the answer. */
export async function importEstate(replica: Replica, key: string, content: string): Promise<string> {
  const answer = await graphql(replica, key, IMPORT_ESTATE, { content });
  const result = answer.body.data?.importEstate as
    | { __typename: string; estate?: { id: string } }
    | undefined;
  if (answer.status !== 200 || result?.__typename !== 'ImportEstateSuccess' || !result.estate) {
    throw new Error(`importEstate failed (${answer.status}): ${JSON.stringify(answer.body).slice(0, 500)}`);
  }
  return result.estate.id;
}
