/**
 * Compose-file interpolation as `docker compose` does it: `$$` is a literal `$`; `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`; `$VAR`.
 * Throws the `?` error message when a required variable is unset (or empty, for `:?`).
 */
export function interpolate(value: string, env: Readonly<Record<string, string | undefined>>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^}$]|\$\{[^}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare) as string;
      const v = env[name];
      const unset = op?.startsWith(':') ? v === undefined || v === '' : v === undefined;
      if (op === undefined) return v ?? '';
      if (op.endsWith('-')) return unset ? interpolate(arg ?? '', env) : (v as string);
      if (unset) throw new Error(`required variable ${name} is missing: ${arg ?? ''}`);
      return v as string;
    },
  );
}

/** Every string in a parsed compose document, interpolated. */
export function interpolateAll(value: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateAll(v, env));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, env)]));
  }
  return value;
}

/** Compose `environment` in either form (map or list of NAME=value) as a map. */
export function environmentOf(service: Record<string, unknown>): Record<string, string> {
  const env = service.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((e: string) => {
        const at = e.indexOf('=');
        return at < 0 ? [e, ''] : [e.slice(0, at), e.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries((env ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
  );
}

/** '30s', '1m30s', '500ms' in seconds. */
export function durationSeconds(text: string): number {
  let total = 0;
  const re = /([0-9.]+)(ms|h|m|s)/g;
  let consumed = '';
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 'ms' ? n / 1000 : n;
    consumed += m[0];
  }
  if (consumed !== text) throw new Error(`not a duration: ${text}`);
  return total;
}
