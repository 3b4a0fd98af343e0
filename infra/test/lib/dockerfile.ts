/** A Dockerfile read into stages of instructions (continuations joined, comments dropped). */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}
export interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}
export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  readonly globalArgs: Record<string, string | undefined>;
  readonly stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  let pending = '';
  let start = 0;
  lines.forEach((raw, index) => {
    const line = raw.trimEnd();
    if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (pending !== '' && line.trimStart().startsWith('#')) return;
    if (pending === '') start = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const m = /^(\S+)\s*(.*)$/s.exec(full);
    if (m)
      instructions.push({
        keyword: (m[1] as string).toUpperCase(),
        args: (m[2] as string).trim(),
        line: start,
      });
  });

  const globalArgs: Record<string, string | undefined> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`line ${ins.line}: cannot read FROM ${ins.args}`);
      stages.push({ image: m[1] as string, name: m[2], instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') throw new Error(`line ${ins.line}: ${ins.keyword} before the first FROM`);
      const [name, value] = ins.args.split('=', 2) as [string, string | undefined];
      globalArgs[name] = value;
    } else {
      (stages.at(-1) as Stage).instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

/** `${NAME}` and `$NAME` in a FROM, resolved with the global ARG defaults. */
export function resolveImage(df: Dockerfile, image: string): string {
  return image.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => df.globalArgs[name] ?? '');
}

/** `["a", "b"]` (exec form) as an array, or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? parsed : undefined;
}

/** ENV instruction as name/value pairs (the `ENV a=b c=d` form and the legacy `ENV a b`). */
export function envPairs(args: string): [string, string][] {
  if (!args.includes('=')) {
    const [name, ...rest] = args.split(/\s+/);
    return [[name as string, rest.join(' ')]];
  }
  const out: [string, string][] = [];
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    out.push([m[1] as string, (m[2] as string).replace(/^["']|["']$/g, '')]);
  }
  return out;
}

const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|DATABASE_URL/i;
const URL_WITH_PASSWORD = /:\/\/[^/\s:@]+:[^@\s]+@/;

/**
 * What is wrong with the image for virtplan's deployment rules: returns the problems, empty if none.
 * `exists(path)` answers whether a build-context path exists.
 */
export function dockerfileProblems(df: Dockerfile, exists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  if (df.stages.length < 2) problems.push('not a multi-stage build');
  const final = df.stages.at(-1);
  if (!final) return ['no FROM'];
  const image = resolveImage(df, final.image);
  if (!/^node:20([.-][^:]*)?-(bookworm-slim|slim|alpine[0-9.]*)$/.test(image.replace(/@sha256:.*/, ''))) {
    problems.push(`runtime image ${image} is not a slim or alpine Node 20 image`);
  }
  const names = new Set(df.stages.map((s) => s.name).filter(Boolean));
  const of = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword);

  const user = of('USER').at(-1)?.args;
  if (user === undefined) problems.push('the runtime stage sets no USER (runs as root)');
  else {
    const [uid, gid] = user.split(':');
    if (!/^[0-9]+$/.test(uid ?? ''))
      problems.push(`USER ${user} is not numeric (Kubernetes cannot verify runAsNonRoot)`);
    else if (Number(uid) === 0 || gid === '0') problems.push(`USER ${user} is root`);
  }
  // Nothing after USER may need root at run time, and USER must come after the last RUN.
  const lastRun = of('RUN').at(-1)?.line ?? 0;
  const lastUser = of('USER').at(-1)?.line ?? 0;
  if (lastRun > lastUser) problems.push('a RUN follows the last USER in the runtime stage');

  const health = of('HEALTHCHECK').at(-1)?.args;
  if (health === undefined || /^NONE\b/i.test(health)) problems.push('no HEALTHCHECK in the runtime stage');
  else {
    if (!health.includes('/healthz')) problems.push('HEALTHCHECK does not probe /healthz');
    if (/\b(curl|wget)\b/.test(health))
      problems.push('HEALTHCHECK uses curl/wget, which the slim image lacks');
  }

  for (const stage of df.stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword === 'ENV' || ins.keyword === 'ARG') {
        const pairs =
          ins.keyword === 'ENV' ? envPairs(ins.args) : [ins.args.split('=', 2) as [string, string]];
        for (const [name, value] of pairs) {
          if (SECRET_NAME.test(name) || URL_WITH_PASSWORD.test(value ?? '')) {
            problems.push(
              `line ${ins.line}: ${ins.keyword} ${name} bakes a secret or database URL into the image`,
            );
          }
        }
      }
      if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
        const parts = execForm(ins.args) ?? ins.args.split(/\s+/);
        const flags = parts.filter((p) => p.startsWith('--'));
        const paths = parts.filter((p) => !p.startsWith('--'));
        const sources = paths.slice(0, -1);
        if (sources.some((s) => /(^|\/)\.env(\.|$)|\.pem$|\.key$|id_rsa/.test(s))) {
          problems.push(`line ${ins.line}: copies a secret file`);
        }
        const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
        if (from !== undefined) {
          if (!names.has(from) && !from.includes(':'))
            problems.push(`line ${ins.line}: --from=${from} is no stage`);
        } else {
          for (const s of sources) {
            if (s !== '.' && !exists(s.replace(/\/$/, '')))
              problems.push(`line ${ins.line}: ${s} is not in the repository`);
          }
        }
      }
      if (ins.keyword === 'RUN' && /\bnpm (install|i)\b/.test(ins.args)) {
        problems.push(`line ${ins.line}: npm install instead of npm ci (the lockfile must decide)`);
      }
    }
  }
  const installs = df.stages.flatMap((s) => s.instructions).filter((i) => /\bnpm ci\b/.test(i.args));
  if (installs.length === 0) problems.push('no npm ci');
  for (const i of installs) {
    if (!/--omit=dev\b/.test(i.args)) problems.push(`line ${i.line}: npm ci without --omit=dev`);
  }

  const entrypoint = execForm(of('ENTRYPOINT').at(-1)?.args ?? '');
  const cmd = execForm(of('CMD').at(-1)?.args ?? '');
  if (!entrypoint) problems.push('ENTRYPOINT is missing or not in exec form (signals would not reach node)');
  else if (entrypoint[0] !== 'node' || !entrypoint.some((a) => a.endsWith('/packages/cli/bin/virtplan.js'))) {
    problems.push('ENTRYPOINT does not run the virtplan command with node');
  }
  if (cmd?.[0] !== 'serve') problems.push('the default command is not `serve`');
  if (cmd?.includes('migrate') || entrypoint?.includes('migrate')) {
    problems.push('migrations run by default; they must be a separate command');
  }
  return problems;
}
