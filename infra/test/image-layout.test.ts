// The image's file system without a Docker engine: the Dockerfile's own `npm ci` command runs on
// the manifests the build context holds, its COPY instructions are replayed from the context the
// ignore file leaves, and the entrypoint then runs `migrate` and `serve` from that tree — as an
// unprivileged user on a tree it cannot write when the test runs as root (CI does). A runtime
// dependency declared as a devDependency, a file the ignore list drops or a workspace the
// runtime stage forgets to copy makes this fail, as it would make the container fail.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envPairs, execForm, parseDockerfile, type Stage } from './lib/dockerfile.ts';
import { isIgnored, parseDockerignore } from './lib/dockerignore.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const df = parseDockerfile(readFileSync(join(ROOT, 'infra/Dockerfile'), 'utf8'));
const rules = parseDockerignore(readFileSync(join(ROOT, 'infra/Dockerfile.dockerignore'), 'utf8'));
const runtime = df.stages.at(-1) as Stage;
const deps = df.stages.find((s) => s.instructions.some((i) => /\bnpm ci\b/.test(i.args))) as Stage;
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

const contextFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f !== '' && existsSync(join(ROOT, f)) && !isIgnored(rules, f));

function copyInto(target: string, files: readonly string[], from: (f: string) => string): void {
  for (const f of files) {
    const to = join(target, from(f));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(ROOT, f), to);
  }
}

/** Every directory from `root` down readable and searchable by others, as image layers are. */
function openUp(root: string): void {
  chmodSync(root, 0o755);
  execFileSync('find', [root, '-type', 'd', '-exec', 'chmod', '755', '{}', '+']);
  execFileSync('find', [root, '-type', 'f', '-exec', 'chmod', 'go+r', '{}', '+']);
}

describe('the image layout, rebuilt from the Dockerfile without Docker', () => {
  const app = mkdtempSync(join(tmpdir(), 'virtplan-image-'));
  const writable = mkdtempSync(join(tmpdir(), 'virtplan-image-rw-'));
  const workdir = runtime.instructions.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args as string;
  const imageEnv = Object.fromEntries(
    runtime.instructions.filter((i) => i.keyword === 'ENV').flatMap((i) => envPairs(i.args)),
  );
  const entrypoint = (
    execForm(runtime.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.args ?? '') ?? []
  ).map((a) => (a.startsWith(`${workdir}/`) ? join(app, a.slice(workdir.length + 1)) : a));
  let installSeconds = 0;

  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: '/nonexistent',
    ...imageEnv,
    TMPDIR: join(writable, 'tmp'),
    VIRTPLAN_DATA_DIR: join(writable, 'data/db'),
    LOG_LEVEL: 'warn',
    ...extra,
  });
  const user = asRoot ? { uid: NOBODY, gid: NOBODY } : {};

  beforeAll(() => {
    // manifests stage: every package.json of the context, and the lockfile.
    copyInto(
      app,
      contextFiles.filter(
        (f) => f === 'package-lock.json' || f === 'package.json' || f.endsWith('/package.json'),
      ),
      (f) => f,
    );
    // deps stage: its npm ci, word for word (less BuildKit's --mount), preferring the local cache.
    const run = deps.instructions.find((i) => /\bnpm ci\b/.test(i.args))?.args as string;
    const npmArgs = (/npm ci[^&|;]*/.exec(run)?.[0] ?? '').trim().split(/\s+/).slice(1);
    const started = Date.now();
    const install = spawnSync('npm', [...npmArgs, '--prefer-offline'], { cwd: app, encoding: 'utf8' });
    installSeconds = (Date.now() - started) / 1000;
    if (install.status !== 0) throw new Error(`npm ${npmArgs.join(' ')} failed:\n${install.stderr}`);
    // runtime stage: each COPY from the build context, to its place under WORKDIR.
    for (const copy of runtime.instructions.filter(
      (i) => i.keyword === 'COPY' && !i.args.includes('--from='),
    )) {
      const parts = copy.args.split(/\s+/);
      const dest = posix.normalize(parts.at(-1) as string);
      for (const source of parts.slice(0, -1)) {
        const src = source.replace(/\/$/, '');
        const files = contextFiles.filter((f) => f === src || f.startsWith(`${src}/`));
        expect(files.length, `COPY ${source}`).toBeGreaterThan(0);
        copyInto(app, files, (f) =>
          f === src ? join(dest, posix.basename(f)) : join(dest, f.slice(src.length + 1)),
        );
      }
    }
    openUp(app);
    mkdirSync(join(writable, 'tmp'), { recursive: true });
    mkdirSync(join(writable, 'data'), { recursive: true });
    chmodSync(writable, 0o777);
    chmodSync(join(writable, 'tmp'), 0o1777);
    chmodSync(join(writable, 'data'), 0o777);
  }, 300_000);

  afterAll(() => {
    rmSync(app, { recursive: true, force: true });
    rmSync(writable, { recursive: true, force: true });
  });

  it('installs only what the CLI needs at run time: no dev tooling, no docs or client dependencies', () => {
    const installed = (name: string) => existsSync(join(app, 'node_modules', name, 'package.json'));
    for (const runtimeDep of ['tsx', 'pg', 'graphql-yoga', '@electric-sql/pglite', 'zod']) {
      expect(installed(runtimeDep), runtimeDep).toBe(true);
    }
    for (const tooling of [
      'vitest',
      'turbo',
      '@biomejs/biome',
      'typescript',
      'vitepress',
      'kubernetes-models',
    ]) {
      expect(installed(tooling), tooling).toBe(false);
    }
    console.info(
      `image install (npm ci, production deps of the CLI workspace): ${installSeconds.toFixed(1)} s`,
    );
  });

  it('runs `migrate` from the tree (as an unprivileged user on a read-only tree when run as root)', () => {
    if (asRoot) {
      const probe = spawnSync('sh', ['-c', `touch ${join(app, 'probe')}`], { ...user });
      expect(probe.status, 'the unprivileged user must not be able to write the app tree').not.toBe(0);
    }
    const result = spawnSync(entrypoint[0] as string, [...entrypoint.slice(1), 'migrate'], {
      cwd: app,
      env: env({}),
      encoding: 'utf8',
      timeout: 120_000,
      ...user,
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/migrations applied: [1-9]/);
  });

  it('serves /healthz and /readyz with the default command, then stops on SIGTERM with exit 0', async () => {
    const cmd = execForm(runtime.instructions.find((i) => i.keyword === 'CMD')?.args ?? '') ?? [];
    const child: ChildProcess = spawn(entrypoint[0] as string, [...entrypoint.slice(1), ...cmd], {
      cwd: app,
      env: env({ PORT: '0', HOST: '127.0.0.1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...user,
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const url = await new Promise<string>((done, fail) => {
        const timer = setInterval(() => {
          const found = /listening on (http:\/\/\S+\/graphql)/.exec(output)?.[1];
          if (found) {
            clearInterval(timer);
            done(found);
          }
        }, 100);
        void exit.then((code) => {
          clearInterval(timer);
          fail(new Error(`serve exited ${code}:\n${output}`));
        });
      });
      expect((await fetch(new URL('/healthz', url))).status).toBe(200);
      const ready = await fetch(new URL('/readyz', url));
      expect(ready.status, output).toBe(200);
      expect(await ready.json()).toMatchObject({ migrations: 'applied' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exit).toBe(0);
  });
});
