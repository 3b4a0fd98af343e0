import type { KubeObject } from './yaml-docs.ts';

/**
 * A small NetworkPolicy evaluator (networking.k8s.io/v1 semantics) for the rules our manifests use:
 * podSelector/namespaceSelector with matchLabels (and matchExpressions In/Exists), numeric ports.
 * A pod not selected by any policy of a direction is open in that direction; once selected, only
 * what some rule allows passes. A connection needs the source's egress and the target's ingress.
 */
export interface Endpoint {
  readonly namespace: string;
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}
interface PortRule {
  protocol?: string;
  port?: number | string;
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: PortRule[];
}
interface PolicySpec {
  podSelector: LabelSelector;
  policyTypes?: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (selector === undefined) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    const ok =
      e.operator === 'In'
        ? has && (e.values ?? []).includes(value as string)
        : e.operator === 'NotIn'
          ? !has || !(e.values ?? []).includes(value as string)
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

function policyTypes(spec: PolicySpec): string[] {
  if (spec.policyTypes) return spec.policyTypes;
  return spec.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** Does `peer` (in a policy of namespace `policyNs`) match `other`? ipBlock peers match only IPs outside pods. */
function peerMatches(peer: Peer, policyNs: string, other: Endpoint): boolean {
  if (peer.ipBlock) return false;
  if (peer.namespaceSelector === undefined) {
    return other.namespace === policyNs && selectorMatches(peer.podSelector, other.labels);
  }
  return (
    selectorMatches(peer.namespaceSelector, other.namespaceLabels) &&
    selectorMatches(peer.podSelector, other.labels)
  );
}

function portMatches(rules: PortRule[] | undefined, port: number, protocol: string): boolean {
  if (!rules || rules.length === 0) return true;
  return rules.some((r) => (r.protocol ?? 'TCP') === protocol && (r.port === undefined || r.port === port));
}

function allowedBy(
  policies: readonly KubeObject[],
  direction: 'Ingress' | 'Egress',
  self: Endpoint,
  other: Endpoint,
  port: number,
  protocol: string,
): boolean {
  const selecting = policies.filter((p) => {
    const spec = p.spec as PolicySpec;
    return (
      (p.metadata.namespace ?? 'default') === self.namespace &&
      policyTypes(spec).includes(direction) &&
      selectorMatches(spec.podSelector, self.labels)
    );
  });
  if (selecting.length === 0) return true;
  return selecting.some((p) => {
    const spec = p.spec as PolicySpec;
    const rules = (direction === 'Ingress' ? spec.ingress : spec.egress) ?? [];
    return rules.some((rule) => {
      const peers = direction === 'Ingress' ? rule.from : rule.to;
      const peerOk =
        peers === undefined || peers.length === 0
          ? true
          : peers.some((peer) => peerMatches(peer, p.metadata.namespace ?? 'default', other));
      return peerOk && portMatches(rule.ports, port, protocol);
    });
  });
}

export function canConnect(
  policies: readonly KubeObject[],
  from: Endpoint,
  to: Endpoint,
  port: number,
  protocol = 'TCP',
): boolean {
  return (
    allowedBy(policies, 'Egress', from, to, port, protocol) &&
    allowedBy(policies, 'Ingress', to, from, port, protocol)
  );
}
