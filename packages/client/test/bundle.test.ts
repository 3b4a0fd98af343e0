/**
 * Tree-shaking and size: what a browser app that imports part of the client actually ships.
 * Bundles small entry files with esbuild (minified, ESM, browser platform) and prints a table.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const index = new URL('../src/index.ts', import.meta.url).pathname;
const sizes: { entry: string; minified: number; gzip: number }[] = [];

async function bundle(entry: string, code: string): Promise<string> {
  const result = await build({
    stdin: { contents: code, resolveDir: new URL('.', import.meta.url).pathname, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    alias: { '@virtplan/client': index },
  });
  const text = result.outputFiles[0]?.text ?? '';
  sizes.push({ entry, minified: text.length, gzip: gzipSync(text).length });
  return text;
}

afterAll(() => {
  console.table(sizes);
});

describe('bundles', () => {
  it('the whole client runs in a browser bundle with no Node built-ins', async () => {
    const text = await bundle(
      'createClient',
      "import { createClient } from '@virtplan/client'; globalThis.c = createClient({ url: '/graphql' });",
    );
    expect(text).toContain('applicationReadiness');
    expect(text).not.toMatch(/node:|require\(/);
  });

  it('importing only the error guard leaves the operations and transport out', async () => {
    const text = await bundle(
      'isVirtplanClientError',
      "import { isVirtplanClientError } from '@virtplan/client'; globalThis.f = isVirtplanClientError;",
    );
    expect(text).not.toContain('applicationReadiness');
    expect(text).not.toContain('retry-after');
  });

  it('importing one document leaves the others out', async () => {
    const text = await bundle(
      'ApplicationReadinessDocument',
      "import { ApplicationReadinessDocument } from '@virtplan/client'; globalThis.d = ApplicationReadinessDocument;",
    );
    expect(text).toContain('applicationReadiness(estateId:');
    expect(text).not.toContain('importEstate(content:');
    expect(text).not.toContain('evaluateDr(estateId:');
  });
});
