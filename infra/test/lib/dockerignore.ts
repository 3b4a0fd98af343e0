/**
 * Docker's .dockerignore semantics (moby/patternmatcher): one pattern per line, `#` comments,
 * `**` any number of directories, `*` and `?` within one segment, `!` re-includes; the last
 * matching line wins; a pattern that matches a directory matches everything beneath it.
 */
interface Rule {
  readonly exclude: boolean;
  readonly regex: RegExp;
}

function toRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*' && pattern[i + 1] === '*') {
      if (pattern[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function parseDockerignore(text: string): Rule[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const exclude = !l.startsWith('!');
      const pattern = (exclude ? l : l.slice(1)).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      return { exclude, regex: toRegex(pattern) };
    });
}

/** Is this repository-relative file path left out of the build context? */
export function isIgnored(rules: readonly Rule[], path: string): boolean {
  const segments = path.split('/');
  const prefixes = segments.map((_s, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (prefixes.some((p) => rule.regex.test(p))) ignored = rule.exclude;
  }
  return ignored;
}
