import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/virtplan.js', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });

it('the real command runs, and bad input exits 2 with no stack trace', () => {
  const ok = run('validate', 'examples/spec-example.yaml');
  expect(ok.status).toBe(0);
  expect(ok.stdout).toContain("valid estate 'St. Example Hospital'");
  const bad = run('validate', 'package.json');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('package.json is not a valid estate');
  expect(bad.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  const help = run('--help');
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('validate');
});

it('an unreachable database is a clear message, not an internal error', () => {
  const result = spawnSync(process.execPath, [bin, 'migrate'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' },
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toBe(
    'virtplan migrate: cannot reach the database at 127.0.0.1:1 (ECONNREFUSED); is it running, and is DATABASE_URL right?\n',
  );
});
