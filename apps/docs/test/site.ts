import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every HTML page of the built site as a route (`/guide/quick-start.html` -> `/guide/quick-start`). */
export function builtRoutes(distDir: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return name === 'assets' ? [] : walk(full);
      return name.endsWith('.html') ? [full] : [];
    });
  return walk(distDir)
    .map((file) => `/${relative(distDir, file).split('\\').join('/')}`)
    .filter((route) => route !== '/404.html')
    .map((route) => route.replace(/index\.html$/, '').replace(/\.html$/, ''))
    .sort();
}

/** The committed route list: one route a line; blank lines and `#` comments ignored. */
export function parseRouteList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .sort();
}

export interface RouteDiff {
  readonly deleted: readonly string[];
  readonly added: readonly string[];
}

export function diffRoutes(committed: readonly string[], built: readonly string[]): RouteDiff {
  const builtSet = new Set(built);
  const committedSet = new Set(committed);
  return {
    deleted: committed.filter((r) => !builtSet.has(r)),
    added: built.filter((r) => !committedSet.has(r)),
  };
}

/** The links (href) and resources (src) of an HTML page, as written. */
export function extractLinks(html: string): { readonly hrefs: string[]; readonly srcs: string[] } {
  const hrefs = [...html.matchAll(/<a\b[^>]*?\shref="([^"]*)"/g)].map((m) => decodeEntities(m[1]!));
  const srcs = [...html.matchAll(/<(?:img|script|source)\b[^>]*?\ssrc="([^"]*)"/g)].map((m) =>
    decodeEntities(m[1]!),
  );
  const sheets = [...html.matchAll(/<link\b[^>]*?\shref="([^"]*)"/g)].map((m) => decodeEntities(m[1]!));
  return { hrefs, srcs: [...srcs, ...sheets] };
}

/** The element ids of an HTML page (anchors a link may point at). */
export function extractIds(html: string): Set<string> {
  return new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => decodeEntities(m[1]!)));
}

function decodeEntities(value: string): string {
  return value
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** True for a link that leaves the site (another origin, mail, telephone). */
export function isExternal(href: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//');
}
