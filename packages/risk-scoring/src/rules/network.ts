import { UNKNOWN, type ResourceView } from './resource-view';

export interface IngressRule {
  protocol: string;
  from: number;
  to: number;
  cidrs: string[];
}

export const WORLD = new Set(['0.0.0.0/0', '::/0']);
export const ADMIN_PORTS: Record<number, string> = { 22: 'SSH', 3389: 'RDP', 5985: 'WinRM', 5986: 'WinRM', 23: 'Telnet' };
export const DATABASE_PORTS: Record<number, string> = {
  3306: 'MySQL',
  5432: 'PostgreSQL',
  1433: 'SQL Server',
  1521: 'Oracle',
  27017: 'MongoDB',
  6379: 'Redis',
  11211: 'Memcached',
  9200: 'Elasticsearch',
  9300: 'Elasticsearch',
  5439: 'Redshift',
  9042: 'Cassandra',
  5984: 'CouchDB',
  8529: 'ArangoDB',
  7474: 'Neo4j',
};

const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);

/** Reads protocol/from/to at `path`; undefined when any of them is unknown (the rule is then skipped). */
function ports(view: ResourceView, path: (string | number)[], protocolKey: string): { protocol: string; from: number; to: number } | undefined {
  const protocol = view.get(...path, protocolKey);
  const from = view.get(...path, 'from_port');
  const to = view.get(...path, 'to_port');
  if (protocol === UNKNOWN || from === UNKNOWN || to === UNKNOWN) return undefined;
  const p = protocol === undefined ? '' : String(protocol);
  if (p === '-1' || p === 'all') return { protocol: p, from: 0, to: 65535 };
  if (from === undefined || to === undefined) return undefined;
  return { protocol: p, from: num(from, -1), to: num(to, -1) };
}

const known = (v: string[] | undefined | typeof UNKNOWN): string[] => (v === UNKNOWN || !v ? [] : v);

/** Ingress rules from inline `ingress` blocks, `aws_security_group_rule` and `aws_vpc_security_group_ingress_rule`. */
export function ingressRules(view: ResourceView): IngressRule[] {
  return view.derive('ingress', readIngressRules, undefined);
}

function readIngressRules(view: ResourceView): IngressRule[] {
  const out: IngressRule[] = [];
  if (view.type === 'aws_security_group' || view.type === 'aws_default_security_group') {
    const ingress = view.blocks('ingress');
    for (let i = 0; i < ingress.length; i++) {
      const path = ingress[i]!.path;
      const p = ports(view, path, 'protocol');
      if (p) out.push({ ...p, cidrs: [...known(view.strings(...path, 'cidr_blocks')), ...known(view.strings(...path, 'ipv6_cidr_blocks'))] });
    }
  } else if (view.type === 'aws_security_group_rule') {
    if (view.str('type') !== 'ingress') return [];
    const p = ports(view, [], 'protocol');
    if (p) out.push({ ...p, cidrs: [...known(view.strings('cidr_blocks')), ...known(view.strings('ipv6_cidr_blocks'))] });
  } else if (view.type === 'aws_vpc_security_group_ingress_rule') {
    const p = ports(view, [], 'ip_protocol');
    const cidrs = [view.str('cidr_ipv4'), view.str('cidr_ipv6')].filter((c): c is string => typeof c === 'string');
    if (p) out.push({ ...p, cidrs });
  }
  return out.filter((r) => r.from >= 0 && r.to >= 0);
}

export const isAllTraffic = (r: IngressRule): boolean =>
  r.protocol === '-1' || r.protocol === 'all' || (r.protocol !== 'icmp' && r.protocol !== 'icmpv6' && r.from <= 1 && r.to >= 65535);

const PORT_PROTOCOLS = new Set(['tcp', 'udp', '6', '17']);
export const isPortProtocol = (r: IngressRule): boolean => PORT_PROTOCOLS.has(r.protocol.toLowerCase());

const NONE: readonly string[] = Object.freeze([]);

/** The rule's CIDRs that are the whole internet (a shared empty list when there are none: do not mutate). */
export function worldCidrs(r: IngressRule): string[] {
  const cidrs = r.cidrs;
  let i = 0;
  while (i < cidrs.length && !WORLD.has(cidrs[i]!)) i++;
  if (i === cidrs.length) return NONE as string[];
  const out: string[] = [];
  for (; i < cidrs.length; i++) if (WORLD.has(cidrs[i]!)) out.push(cidrs[i]!);
  return out;
}

/** Each port table as `[port, "port (name)"]` in the table's key order, built once. */
const labelled = new WeakMap<Record<number, string>, [number, string][]>();
function labels(table: Record<number, string>): [number, string][] {
  let l = labelled.get(table);
  if (!l) {
    l = Object.entries(table).map(([p, name]): [number, string] => [Number(p), `${p} (${name})`]);
    labelled.set(table, l);
  }
  return l;
}

/** Named ports of `table` inside the rule's range. */
export function portsIn(r: IngressRule, table: Record<number, string>): string[] {
  const l = labels(table);
  let out: string[] | undefined;
  for (let i = 0; i < l.length; i++) {
    const p = l[i]![0];
    if (p >= r.from && p <= r.to) (out ??= []).push(l[i]![1]);
  }
  return out ?? (NONE as string[]);
}
