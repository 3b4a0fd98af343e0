import { chromium } from 'playwright-core';
import { serveStatic } from '../test/static-server.ts';

const s = await serveStatic('/work/main/apps/docs/.vitepress/dist');
const b = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const p = await b.newPage({ viewport: { width: 1280, height: 1100 } });
for (const [name, path] of process.argv.slice(2).map((a) => a.split('='))) {
  await p.goto(s.origin + path, { waitUntil: 'networkidle' });
  await p.screenshot({ path: `/tmp/${name}.png` });
}
await b.close();
await s.close();
