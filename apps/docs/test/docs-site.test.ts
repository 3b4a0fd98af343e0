/**
 * The docs site end to end: build it, serve the built output on a loopback port, check the
 * committed route list and every internal link, then drive Debian's Chromium through
 * playwright-core over the pages a reader meets first. Screenshots go to SCREENSHOT_DIR for a
 * person to look at.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtRoutes, diffRoutes, extractIds, extractLinks, isExternal, parseRouteList } from './site.ts';
import { type StaticServer, serveStatic } from './static-server.ts';

const DOCS_DIR = resolve(import.meta.dirname, '..');
const DIST_DIR = join(DOCS_DIR, '.vitepress/dist');
export const SCREENSHOT_DIR: string = join(DOCS_DIR, 'test-results/screenshots');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) {
  console.warn(
    `docs browser tests SKIPPED: no Chromium at ${CHROMIUM_PATH} (install Debian's package: apt-get install -y chromium, or set CHROMIUM_PATH)`,
  );
}

let server: StaticServer;

beforeAll(() => {
  // The real build, as `npm run docs:build` runs it: generate the reference, then vitepress.
  const build = spawnSync('npm', ['run', 'build'], { cwd: DOCS_DIR, encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(`docs build failed (exit ${build.status}):\n${build.stdout}\n${build.stderr}`);
  }
}, 180_000);

beforeAll(async () => {
  server = await serveStatic(DIST_DIR);
});

afterAll(async () => {
  await server?.close();
});

describe('built routes', () => {
  it('match the committed routes.txt (a deleted or added page must be noticed)', () => {
    const committed = parseRouteList(readFileSync(join(DOCS_DIR, 'routes.txt'), 'utf8'));
    const { deleted, added } = diffRoutes(committed, builtRoutes(DIST_DIR));
    const hint = 'If the change is intended, update apps/docs/routes.txt (npm run routes -w @virtplan/docs).';
    expect(deleted, `pages in routes.txt that the build no longer has. ${hint}`).toEqual([]);
    expect(added, `pages the build has that routes.txt does not list. ${hint}`).toEqual([]);
  });
});

describe('internal links', () => {
  it('every link and resource of every built page resolves, anchors included', async () => {
    const cache = new Map<string, { status: number; body: string }>();
    const get = async (path: string) => {
      let hit = cache.get(path);
      if (!hit) {
        const response = await fetch(`${server.origin}${path}`);
        hit = { status: response.status, body: await response.text() };
        cache.set(path, hit);
      }
      return hit;
    };
    const routeOf = (path: string) => path.replace(/index\.html$/, '').replace(/\.html$/, '');

    const broken: string[] = [];
    const reached = new Set<string>(['/']);
    const queue = ['/'];
    const pages = new Set<string>(builtRoutes(DIST_DIR));
    // Crawl from the home page, then make sure every built page was crawled too.
    const crawl = async (pagePath: string) => {
      const page = await get(pagePath);
      if (page.status !== 200) return;
      const { hrefs, srcs } = extractLinks(page.body);
      for (const raw of [...hrefs, ...srcs]) {
        if (raw === '' || isExternal(raw)) continue;
        const url = new URL(raw, `${server.origin}${pagePath}`);
        if (url.origin !== server.origin) continue;
        const target = await get(url.pathname);
        if (target.status !== 200) {
          broken.push(`${pagePath}: ${raw} -> HTTP ${target.status}`);
          continue;
        }
        const hash = decodeURIComponent(url.hash.slice(1));
        if (hash && !extractIds(target.body).has(hash))
          broken.push(`${pagePath}: ${raw} -> no element #${hash}`);
        const route = routeOf(url.pathname);
        if (hrefs.includes(raw) && pages.has(route) && !reached.has(route)) {
          reached.add(route);
          queue.push(url.pathname);
        }
      }
    };
    while (queue.length > 0) await crawl(queue.shift()!);
    const orphans = [...pages].filter((route) => !reached.has(route));
    for (const orphan of orphans) await crawl(orphan);

    expect(broken, 'broken internal links').toEqual([]);
    expect(orphans, 'built pages no link reaches from the home page').toEqual([]);
    expect(reached.size).toBeGreaterThan(15);
  }, 60_000);
});

describe.skipIf(!hasChromium)('in Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a page, collecting console errors, page errors and failed requests. */
  async function open(path: string, colorScheme: 'light' | 'dark' = 'light') {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
    const page = await context.newPage();
    // Fail on a missing element in seconds, well inside the test's own timeout.
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    // The site works offline: nothing may be fetched from anywhere but the site itself.
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(server.origin) && !url.startsWith('data:'))
        problems.push(`external request: ${url}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(`${server.origin}${path}`, { waitUntil: 'networkidle' });
    return { page, problems, close: () => context.close() };
  }

  async function shoot(page: Page, name: string) {
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  }

  const pages = [
    { name: 'home', path: '/', heading: 'virtplan' },
    { name: 'schema-reference', path: '/reference/graphql/objects.html', heading: 'Object types' },
    { name: 'rule-catalogue', path: '/reference/rules.html', heading: 'Rule catalogue' },
    { name: 'consolidation-chart', path: '/guide/plan-consolidation.html', heading: 'Plan a consolidation' },
    { name: 'dr-timeline', path: '/guide/evaluate-dr.html', heading: 'Evaluate disaster recovery' },
  ];

  for (const { name, path, heading } of pages) {
    it(`${name} (${path}) loads with no console errors`, async () => {
      const { page, problems, close } = await open(path);
      try {
        await expect.poll(() => page.locator('h1').first().textContent()).toContain(heading);
        await shoot(page, name);
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    }, 30_000);
  }

  it('navigation: the top nav and the sidebar move between pages without a reload', async () => {
    const { page, problems, close } = await open('/');
    try {
      await page.locator('.VPNavBar a', { hasText: 'Reference' }).first().click();
      await page.waitForURL(/\/reference\/$/);
      await expect.poll(() => page.locator('h1').first().textContent()).toContain('Reference');
      // A marker on window survives client-side navigation only (a full reload would drop it).
      await page.evaluate(() => Object.assign(window, { __spaMarker: true }));
      await page.locator('.VPSidebar a', { hasText: 'Rule catalogue' }).first().click();
      await page.waitForURL(/\/reference\/rules\.html$/);
      await expect.poll(() => page.locator('h1').first().textContent()).toContain('Rule catalogue');
      expect(await page.evaluate(() => (window as { __spaMarker?: boolean }).__spaMarker)).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  }, 30_000);

  it('search: the offline index finds a concept and opens it', async () => {
    const { page, problems, close } = await open('/');
    try {
      await page.locator('.VPNavBarSearch button').first().click();
      const input = page.locator('#localsearch-input');
      await input.fill('164.308');
      const results = page.locator('.VPLocalSearchBox .results li');
      await expect.poll(() => results.count()).toBeGreaterThan(0);
      await shoot(page, 'search');
      // The concept page is among the hits (the rule catalogue, which cites the standard, too).
      await results.locator('a[href*="hipaa-contingency"]').first().click();
      await page.waitForURL(/hipaa-contingency/);
      await expect.poll(() => page.locator('h1').first().textContent()).toContain('HIPAA');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  }, 30_000);

  const charts = [
    { name: 'consolidation-chart', path: '/guide/plan-consolidation.html' },
    { name: 'dr-timeline', path: '/guide/evaluate-dr.html' },
  ];
  for (const { name, path } of charts) {
    it(`${name}: the chart stays readable in the light and dark themes`, async () => {
      for (const scheme of ['light', 'dark'] as const) {
        const { page, problems, close } = await open(path, scheme);
        try {
          const chart = page.locator('svg.vp-chart').first();
          expect(
            await page.locator('svg.vp-chart').count(),
            'the page shows no generated chart',
          ).toBeGreaterThan(0);
          expect(await chart.locator('rect').count(), 'the chart draws no bars').toBeGreaterThan(3);
          await chart.scrollIntoViewIfNeeded();
          // The chart's text colour against the page background, as WCAG contrast.
          const contrast = await chart.evaluate((svg) => {
            const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
            const luminance = (c: string) => {
              const [r, g, b] = parse(c).map((v) => {
                const s = v / 255;
                return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
              });
              return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
            };
            const text = svg.querySelector('text');
            const fg = text ? getComputedStyle(text).fill : '';
            const bg = getComputedStyle(document.body).backgroundColor;
            const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
            return (a! + 0.05) / (b! + 0.05);
          });
          expect(contrast, `chart text contrast in the ${scheme} theme`).toBeGreaterThanOrEqual(4.5);
          await chart.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${scheme}.png`) });
          expect(problems).toEqual([]);
        } finally {
          await close();
        }
      }
    }, 30_000);
  }
});
