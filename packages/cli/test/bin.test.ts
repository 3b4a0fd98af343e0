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
