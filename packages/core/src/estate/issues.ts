/** A problem with an estate file: where (a path such as `workloads[3].memoryGiB`) and what. */
export interface EstateIssue {
  readonly path: string;
  readonly message: string;
  /** 'error' makes the file invalid; 'warning' (an unknown field, say) does not. */
  readonly severity: 'error' | 'warning';
  /** 1-based line in the source text, when known (YAML syntax errors). */
  readonly line?: number;
}

export type PathSegment = string | number;

/** `['workloads', 3, 'memoryGiB']` -> `workloads[3].memoryGiB`; the empty path is `(root)`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(root)' : out;
}

/** One line a person reads: `workloads[3].memoryGiB: must be a number >= 0`. */
export function formatIssue(issue: EstateIssue): string {
  const where = issue.line === undefined ? issue.path : `${issue.path} (line ${issue.line})`;
  return `${issue.severity === 'warning' ? 'warning: ' : ''}${where}: ${issue.message}`;
}

export const errorIssue = (path: readonly PathSegment[], message: string): EstateIssue => ({
  path: formatPath(path),
  message,
  severity: 'error',
});
