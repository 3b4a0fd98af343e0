import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const at = (path: string): URL => new URL(`../${path}`, import.meta.url);

/**
 * Every TypeScript block of the README is a copy of a file under examples/, named in the
 * `<!-- snippet: path -->` line above it. Those files are type-checked by test/types.test.ts,
 * so the README's code compiles against the client as it is.
 */
describe('README snippets', async () => {
  const readme = await readFile(at('README.md'), 'utf8');
  const blocks = [...readme.matchAll(/(?:<!-- snippet: (?<path>\S+) -->\n)?```ts\n(?<code>[\s\S]*?)```/g)];

  it('has the "is PACS ready?" snippet', () => {
    expect(blocks.map((block) => block.groups?.path)).toContain('examples/is-pacs-ready.ts');
  });

  it.each(
    blocks.map((block, index) => [block.groups?.path ?? `block ${index + 1} (no snippet line)`, block]),
  )('%s is the file, verbatim', async (_name, block) => {
    const path = block.groups?.path;
    expect(path, 'every ts block names its example file').toBeDefined();
    expect(block.groups?.code).toBe(await readFile(at(path ?? ''), 'utf8'));
  });
});
