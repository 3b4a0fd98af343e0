const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A Kubernetes resource quantity ('250m', '512Mi', 2) as a number of base units. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m) throw new Error(`not a quantity: ${q}`);
  return Number(m[1]) * (SUFFIX[m[2] ?? ''] as number);
}
