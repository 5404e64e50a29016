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

/** Ingress rules from inline `ingress` blocks, `aws_security_group_rule` and `aws_vpc_security_group_ingress_rule`. */
export function ingressRules(view: ResourceView): IngressRule[] {
  if (view.type === 'aws_security_group' || view.type === 'aws_default_security_group') {
    return view.blocks('ingress').map(({ value, path }) => {
      const c4 = view.strings(...path, 'cidr_blocks');
      const c6 = view.strings(...path, 'ipv6_cidr_blocks');
      const cidrs = [...(c4 === UNKNOWN || !c4 ? [] : c4), ...(c6 === UNKNOWN || !c6 ? [] : c6)];
      return { protocol: String(value.protocol ?? ''), from: num(value.from_port, 0), to: num(value.to_port, 65535), cidrs };
    });
  }
  if (view.type === 'aws_security_group_rule') {
    if (view.str('type') !== 'ingress') return [];
    const c4 = view.strings('cidr_blocks');
    const c6 = view.strings('ipv6_cidr_blocks');
    const cidrs = [...(c4 === UNKNOWN || !c4 ? [] : c4), ...(c6 === UNKNOWN || !c6 ? [] : c6)];
    return [{ protocol: String(view.str('protocol') ?? ''), from: num(view.get('from_port'), 0), to: num(view.get('to_port'), 65535), cidrs }];
  }
  if (view.type === 'aws_vpc_security_group_ingress_rule') {
    const cidrs = [view.str('cidr_ipv4'), view.str('cidr_ipv6')].filter((c): c is string => typeof c === 'string');
    const protocol = String(view.str('ip_protocol') ?? '');
    const all = protocol === '-1' || protocol === 'all';
    return [{ protocol, from: all ? 0 : num(view.get('from_port'), 0), to: all ? 65535 : num(view.get('to_port'), 65535), cidrs }];
  }
  return [];
}

export const isAllTraffic = (r: IngressRule): boolean =>
  r.protocol === '-1' || r.protocol === 'all' || (r.protocol !== 'icmp' && r.protocol !== 'icmpv6' && r.from <= 1 && r.to >= 65535);

export const isPortProtocol = (r: IngressRule): boolean => ['tcp', 'udp', '6', '17'].includes(r.protocol.toLowerCase());

export const worldCidrs = (r: IngressRule): string[] => r.cidrs.filter((c) => WORLD.has(c));

/** Named ports of `table` inside the rule's range. */
export function portsIn(r: IngressRule, table: Record<number, string>): string[] {
  return Object.entries(table)
    .filter(([p]) => Number(p) >= r.from && Number(p) <= r.to)
    .map(([p, name]) => `${p} (${name})`);
}
