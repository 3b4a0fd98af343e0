// infra/compose.yaml, checked without a Docker engine: parsed as compose reads it (YAML merge keys,
// variable interpolation), then held to the deployment rules.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { durationSeconds, environmentOf, interpolate, interpolateAll } from './lib/compose.ts';

const INFRA = resolve(import.meta.dirname, '..');
const raw = parse(readFileSync(join(INFRA, 'compose.yaml'), 'utf8'), { merge: true }) as Compose;
const ENV = { POSTGRES_PASSWORD: 'c0ffee' };
const compose = interpolateAll(raw, ENV) as Compose;

type Service = Record<string, unknown> & {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string; disable?: boolean };
  volumes?: string[];
  tmpfs?: string[];
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  stop_grace_period?: string;
  restart?: string;
  ports?: string[];
  user?: string;
};
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|API_?KEY/i;
/** Every value that holds a secret must come from the environment (infra/.env), never be written here. */
function literalSecrets(doc: Compose): string[] {
  const found: string[] = [];
  for (const [name, service] of Object.entries(doc.services)) {
    for (const [key, value] of Object.entries(environmentOf(service))) {
      if (SECRET_NAME.test(key) && !/^\$\{[A-Z_]+(:?[?-][^}]*)?\}$/.test(value)) found.push(`${name}.${key}`);
      const password = /:\/\/[^/\s:@]+:([^@\s]+)@/.exec(value)?.[1];
      if (password !== undefined && !/^\$\{[^}]+\}$/.test(password))
        found.push(`${name}.${key} (URL password)`);
    }
  }
  return found;
}

describe('compose.yaml', () => {
  const { postgres, migrate, api } = compose.services as Record<string, Service>;

  it('has postgres, a one-shot migrate service and the api', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'migrate', 'postgres']);
  });

  it('keeps Postgres data on a named volume and reports health with pg_isready', () => {
    expect(postgres?.image).toMatch(/^postgres:\d+/);
    const mount = postgres?.volumes?.find((v) => v.endsWith(':/var/lib/postgresql/data'));
    const volume = mount?.split(':')[0] as string;
    expect(compose.volumes).toHaveProperty(volume);
    expect(JSON.stringify(postgres?.healthcheck?.test)).toContain('pg_isready');
    expect(postgres?.ports).toBeUndefined();
  });

  it('runs migrations once, after Postgres is healthy, from the API image', () => {
    expect(migrate?.command).toEqual(['migrate']);
    expect(migrate?.restart).toBe('no');
    expect(migrate?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(migrate?.image).toBe(api?.image);
    expect(migrate?.build).toEqual(api?.build);
  });

  it('starts the API only when Postgres is healthy and migrations completed', () => {
    expect(api?.command).toEqual(['serve']);
    expect(api?.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(api?.healthcheck?.disable).not.toBe(true);
  });

  it('builds from the repository root with infra/Dockerfile', () => {
    const context = resolve(INFRA, api?.build?.context as string);
    expect(context).toBe(resolve(INFRA, '..'));
    expect(existsSync(join(context, api?.build?.dockerfile as string))).toBe(true);
  });

  it('runs the app containers read-only with /tmp on tmpfs, no capabilities, no privilege gain', () => {
    for (const s of [api, migrate]) {
      expect(s?.read_only).toBe(true);
      expect(s?.tmpfs?.some((t) => t.split(':')[0] === '/tmp')).toBe(true);
      expect(s?.cap_drop).toEqual(['ALL']);
      expect(s?.security_opt).toContain('no-new-privileges:true');
      expect(s?.user).toBeUndefined(); // the image's non-root USER applies
    }
  });

  it('waits for the server drain before killing the API', () => {
    const drainMs = Number(environmentOf(api as Service).VIRTPLAN_SHUTDOWN_GRACE_MS);
    expect(drainMs).toBeGreaterThan(0);
    expect(durationSeconds(api?.stop_grace_period as string)).toBeGreaterThan(drainMs / 1000);
  });

  it('writes no secret in the file: the password comes from infra/.env through interpolation', () => {
    expect(literalSecrets(raw)).toEqual([]);
    const url = environmentOf(api as Service).DATABASE_URL as string;
    const pg = environmentOf(postgres as Service);
    expect(new URL(url)).toMatchObject({
      hostname: 'postgres',
      port: '5432',
      username: pg.POSTGRES_USER,
      password: ENV.POSTGRES_PASSWORD,
      pathname: `/${pg.POSTGRES_DB}`,
    });
    expect(environmentOf(migrate as Service).DATABASE_URL).toBe(url);
  });

  it('refuses to start without POSTGRES_PASSWORD rather than use an empty one', () => {
    expect(() => interpolateAll(raw, {})).toThrow(/POSTGRES_PASSWORD/);
    expect(() => interpolateAll(raw, { POSTGRES_PASSWORD: '' })).toThrow(/POSTGRES_PASSWORD/);
  });

  it('keeps infra/.env out of git and ships an example with an empty password', () => {
    const check = spawnSync('git', ['check-ignore', '-q', 'infra/.env'], { cwd: resolve(INFRA, '..') });
    expect(check.status).toBe(0);
    const example = readFileSync(join(INFRA, '.env.example'), 'utf8');
    expect(example).toMatch(/^POSTGRES_PASSWORD=$/m);
  });

  it('flags a literal password (the check is not vacuous)', () => {
    const bad: Compose = {
      services: {
        a: { environment: { POSTGRES_PASSWORD: 'hunter2' } },
        b: { environment: ['DATABASE_URL=postgres://u:hunter2@db/x'] },
      },
    };
    expect(literalSecrets(bad)).toEqual(['a.POSTGRES_PASSWORD', 'b.DATABASE_URL (URL password)']);
  });
});

/** `docker compose` (v2) or Debian's `docker-compose` (1.29), whichever runs here. */
function findComposeCli(): string[] | undefined {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    const probe = spawnSync(command[0] as string, [...command.slice(1), 'version'], { encoding: 'utf8' });
    if (probe.status === 0) return command;
  }
  return undefined;
}
const composeCli = findComposeCli();

describe.skipIf(!composeCli)(`compose.yaml read by ${composeCli?.join(' ') ?? 'a compose CLI'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'virtplan-compose-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (envFile: string) => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.env`);
    writeFileSync(path, envFile);
    const [cmd, ...pre] = composeCli as string[];
    return spawnSync(
      cmd as string,
      [...pre, '--env-file', path, '-f', join(INFRA, 'compose.yaml'), 'config'],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: dir },
      },
    );
  };

  it('is valid and resolves as the checks above assume', () => {
    const result = run(`POSTGRES_PASSWORD=${ENV.POSTGRES_PASSWORD}\n`);
    expect(result.status, result.stderr).toBe(0);
    const resolved = parse(result.stdout) as Compose;
    expect(Object.keys(resolved.services).sort()).toEqual(['api', 'migrate', 'postgres']);
    for (const name of ['api', 'migrate', 'postgres']) {
      const ours = environmentOf(compose.services[name] as Service);
      const theirs = environmentOf(resolved.services[name] as Service);
      expect(theirs, name).toEqual(ours);
    }
    expect(resolved.services.api?.depends_on).toMatchObject({
      postgres: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
  });

  it('fails without POSTGRES_PASSWORD, naming it', () => {
    const result = run('');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/POSTGRES_PASSWORD/);
  });
});

describe('interpolate', () => {
  // Compose syntax, not template literals.
  it('follows compose: defaults, required variables, $$ escapes', () => {
    // biome-ignore-start lint/suspicious/noTemplateCurlyInString: compose variables, not JS templates
    expect(interpolate('${A:-x}/${B-y}/$C/$$D', { B: '', C: 'c' })).toBe('x//c/$D');
    expect(() => interpolate('${A:?set A}', { A: '' })).toThrow(/set A/);
    expect(interpolate('${A?set A}', { A: '' })).toBe('');
    // biome-ignore-end lint/suspicious/noTemplateCurlyInString: compose variables
  });
});
