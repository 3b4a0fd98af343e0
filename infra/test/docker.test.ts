// The container image, checked without a Docker engine: the Dockerfile is read instruction by
// instruction, the build context is computed from the ignore file, and the HEALTHCHECK command runs.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerfileProblems, execForm, parseDockerfile, type Stage } from './lib/dockerfile.ts';
import { isIgnored, parseDockerignore } from './lib/dockerignore.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DOCKERFILE = join(ROOT, 'infra/Dockerfile');
const IGNORE = join(ROOT, 'infra/Dockerfile.dockerignore');
const text = readFileSync(DOCKERFILE, 'utf8');
const df = parseDockerfile(text);
const rules = parseDockerignore(readFileSync(IGNORE, 'utf8'));
const runtime = df.stages.at(-1) as Stage;

/** Files git knows of (tracked or not ignored): what a fresh clone would send as build context. */
const repoFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f !== '' && existsSync(join(ROOT, f)));
const contextFiles = repoFiles.filter((f) => !isIgnored(rules, f));
const inContext = (path: string): boolean =>
  contextFiles.some((f) => f === path || f.startsWith(`${path}/`)) && !isIgnored(rules, path);

interface PackageJson {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
}
const readPackage = (dir: string): PackageJson =>
  JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as PackageJson;

/** Workspace directories as npm resolves the root `workspaces` globs (one level of `*`). */
function workspaceDirs(): string[] {
  return (readPackage('.').workspaces ?? []).flatMap((glob) => {
    if (!glob.endsWith('/*')) return [glob];
    const parent = glob.slice(0, -2);
    return [
      ...new Set(
        repoFiles.filter((f) => f.startsWith(`${parent}/`)).map((f) => f.split('/').slice(0, 2).join('/')),
      ),
    ]
      .filter((d) => existsSync(join(ROOT, d, 'package.json')))
      .sort();
  });
}

describe('Dockerfile', () => {
  it('meets every rule: multi-stage, slim Node 20, non-root, healthcheck, no baked secrets, migrate separate', () => {
    expect(df.stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfileProblems(df, inContext)).toEqual([]);
  });

  it('installs the production dependencies of the CLI workspace, which carries tsx (no build step)', () => {
    const ci = df.stages.flatMap((s) => s.instructions).find((i) => /\bnpm ci\b/.test(i.args));
    const workspace = /--workspace[= ](\S+)/.exec(ci?.args ?? '')?.[1];
    expect(workspace).toBe(readPackage('packages/cli').name);
    expect(readPackage('packages/cli').dependencies).toHaveProperty('tsx');
  });

  it('copies into the runtime stage every workspace the CLI needs at run time, and the entrypoint', () => {
    const dirs = workspaceDirs();
    const byName = new Map(dirs.map((d) => [readPackage(d).name, d]));
    const needed = new Set<string>();
    const visit = (dir: string): void => {
      if (needed.has(dir)) return;
      needed.add(dir);
      for (const dep of Object.keys(readPackage(dir).dependencies ?? {})) {
        const ws = byName.get(dep);
        if (ws) visit(ws);
      }
    };
    visit('packages/cli');
    expect(needed.size).toBeGreaterThanOrEqual(2);
    const copied = runtime.instructions
      .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
      .map((s) => s.replace(/\/$/, ''));
    for (const dir of needed) expect(copied, `${dir} copied into the runtime image`).toContain(dir);

    const workdir = runtime.instructions.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args;
    const entry = execForm(runtime.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.args ?? '') ?? [];
    const script = entry.find((a) => a.endsWith('.js')) as string;
    expect(script.startsWith(`${workdir}/`)).toBe(true);
    expect(inContext(script.slice(`${workdir}/`.length))).toBe(true);
  });

  it('sends the lockfile and every workspace manifest (npm ci checks them against each other)', () => {
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.base.json'])
      expect(inContext(f), f).toBe(true);
    const dirs = workspaceDirs();
    expect(dirs).toContain('packages/cli');
    for (const d of dirs) expect(inContext(`${d}/package.json`), `${d}/package.json`).toBe(true);
  });

  it('sends the sources and migrations the server runs, but no tests, no other app and no secrets', () => {
    expect(contextFiles).toContain('packages/cli/bin/virtplan.js');
    expect(contextFiles.some((f) => f.startsWith('packages/core/src/') && f.endsWith('.ts'))).toBe(true);
    const migrations = repoFiles.filter((f) => f.startsWith('packages/api/drizzle/'));
    for (const m of migrations) expect(contextFiles).toContain(m);
    expect(contextFiles.filter((f) => /\.test\.ts$|\.bench\.ts$|(^|\/)test\//.test(f))).toEqual([]);
    expect(contextFiles.filter((f) => f.startsWith('apps/') || f.startsWith('infra/'))).toEqual(
      contextFiles.filter((f) => /^(apps\/[^/]+|infra)\/package\.json$/.test(f)),
    );
    for (const secret of [
      'infra/.env',
      '.env',
      'packages/api/.env.local',
      'node_modules/x/index.js',
      '.git/config',
    ]) {
      expect(isIgnored(rules, secret), secret).toBe(true);
    }
  });

  describe('rule checks reject a bad Dockerfile', () => {
    const variant = (from: string | RegExp, to: string): string[] => {
      const changed = text.replace(from, to);
      expect(changed).not.toBe(text);
      return dockerfileProblems(parseDockerfile(changed), inContext);
    };

    it.each([
      ['a root user', /USER 10001:10001/, 'USER root', /not numeric/],
      ['uid 0', /USER 10001:10001/, 'USER 0', /is root/],
      ['no healthcheck', /HEALTHCHECK[^\n]*\\\n[^\n]*\n/, '', /no HEALTHCHECK/],
      [
        'curl in the healthcheck',
        /CMD \["node", "-e".*\n/,
        'CMD curl -f http://localhost:8080/healthz\n',
        /curl/,
      ],
      [
        'a baked password',
        /ENV NODE_ENV/,
        'ENV POSTGRES_PASSWORD=hunter2 NODE_ENV',
        /POSTGRES_PASSWORD bakes a secret/,
      ],
      [
        'a baked database URL',
        /ENV NODE_ENV/,
        'ENV DB=postgres://virtplan:hunter2@db/virtplan NODE_ENV',
        /DB bakes a secret/,
      ],
      ['migrations by default', /CMD \["serve"\]/, 'CMD ["migrate"]', /separate command/],
      ['dev dependencies', /npm ci --omit=dev/, 'npm ci', /without --omit=dev/],
      ['a copied .env', /COPY examples\/ \.\/examples\//, 'COPY infra/.env ./', /copies a secret file/],
      [
        'a full Node image',
        /ARG NODE_IMAGE=node:20\.20\.2-bookworm-slim/,
        'ARG NODE_IMAGE=node:20',
        /not a slim/,
      ],
      [
        'shell-form entrypoint',
        /ENTRYPOINT \[.*\]/,
        'ENTRYPOINT node /app/packages/cli/bin/virtplan.js',
        /exec form/,
      ],
    ])('%s', (_what, from, to, problem) => {
      expect(variant(from, to).join('\n')).toMatch(problem);
    });

    it('a single stage', () => {
      const single =
        'FROM node:20-bookworm-slim\nUSER 1000\nHEALTHCHECK CMD node -e "/healthz"\nCMD ["serve"]\n';
      expect(dockerfileProblems(parseDockerfile(single), inContext).join('\n')).toMatch(
        /not a multi-stage build/,
      );
    });
  });
});

describe('HEALTHCHECK command', () => {
  let server: Server;
  let status = 200;
  let port = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? status : 404).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const health = runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '';
  const command = execForm(health.slice(health.indexOf('CMD ') + 4)) ?? [];
  // Asynchronously: the probed server lives in this process and must keep answering.
  const run = () =>
    new Promise<number | null>((done) => {
      const child = spawn(command[0] as string, command.slice(1), {
        env: { PATH: process.env.PATH, PORT: String(port) },
        timeout: 10_000,
        stdio: 'ignore',
      });
      child.on('exit', (code) => done(code));
    });

  it('is exec form running node (present in the image) with the image PORT', () => {
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain('process.env.PORT');
  });

  it('exits 0 when /healthz answers 200, 1 when it fails, 1 when nothing listens', async () => {
    status = 200;
    expect(await run()).toBe(0);
    status = 503;
    expect(await run()).toBe(1);
    port = 1; // nothing listens on port 1
    expect(await run()).toBe(1);
  });
});
