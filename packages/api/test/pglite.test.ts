import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApiSuite } from './api-suite.ts';

runApiSuite('PGlite', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vp-api-'));
  return {
    name: 'pglite',
    options: () => ({ dataDir: join(root, 'data') }),
    dispose: async () => rmSync(root, { recursive: true, force: true }),
  };
});
