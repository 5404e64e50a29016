import type { Rule } from './rule';
import { UNKNOWN, type ResourceView } from './resource-view';
import { ADMIN_PORTS, DATABASE_PORTS, ingressRules, isAllTraffic, isPortProtocol, portsIn, worldCidrs } from './network';
import { publicSubnetsOf } from './cross-resource';

const SG_TYPES = ['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_default_security_group'];

function worldPorts(v: ResourceView, table: Record<number, string>): string[] {
  let hits: Set<string> | undefined;
  const rules = ingressRules(v);
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    const world = worldCidrs(r);
    if (world.length === 0 || isAllTraffic(r) || !isPortProtocol(r)) continue;
    const ports = portsIn(r, table);
    for (let j = 0; j < ports.length; j++) (hits ??= new Set()).add(`${ports[j]!} from ${world.join(' and ')}`);
  }
  return hits ? [...hits] : [];
}

export const networkRules: Rule[] = [
  {
    id: 'NET-001',
    title: 'All ports open to the internet',
    category: 'network-exposure',
    severity: 'critical',
    resourceTypes: SG_TYPES,
    on: 'config',
    remediation: 'Allow only the ports the service listens on, from the load balancer or known CIDRs.',
    references: ['AWS FSBP EC2.18', 'AWS FSBP EC2.19', 'CIS AWS 5.2'],
    check: (v) => {
      const world = ingressRules(v).filter((r) => isAllTraffic(r) && worldCidrs(r).length > 0);
      return world.length > 0 && `Allows all traffic from ${[...new Set(world.flatMap(worldCidrs))].join(' and ')}.`;
    },
  },
  {
    id: 'NET-002',
    title: 'Administration port open to the internet',
    category: 'network-exposure',
    severity: 'high',
    resourceTypes: SG_TYPES,
    on: 'config',
    remediation: 'Use SSM Session Manager or a VPN/bastion; restrict SSH/RDP to known CIDRs.',
    references: ['AWS FSBP EC2.13', 'AWS FSBP EC2.14', 'CIS AWS 5.2', 'CIS AWS 5.3'],
    check: (v) => {
      const hits = worldPorts(v, ADMIN_PORTS);
      return hits.length > 0 && `Opens ${hits.join(', ')}.`;
    },
  },
  {
    id: 'NET-003',
    title: 'Database port open to the internet',
    category: 'network-exposure',
    severity: 'high',
    resourceTypes: SG_TYPES,
    on: 'config',
    remediation: 'Allow database ports only from the application security group or private CIDRs.',
    references: ['AWS FSBP EC2.19'],
    check: (v) => {
      const hits = worldPorts(v, DATABASE_PORTS);
      return hits.length > 0 && `Opens ${hits.join(', ')}.`;
    },
  },
  {
    id: 'NET-004',
    title: 'Non-web port open to the internet',
    category: 'network-exposure',
    severity: 'low',
    resourceTypes: SG_TYPES,
    on: 'config',
    remediation: 'Expose only 80/443 publicly, behind a load balancer; keep other ports private.',
    references: ['AWS FSBP EC2.18'],
    check: (v) => {
      const hits: string[] = [];
      const rules = ingressRules(v);
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i]!;
        if (worldCidrs(r).length === 0 || isAllTraffic(r) || !isPortProtocol(r)) continue;
        if (portsIn(r, ADMIN_PORTS).length || portsIn(r, DATABASE_PORTS).length) continue;
        if ((r.from === 80 || r.from === 443) && r.to === r.from) continue;
        hits.push(r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`);
      }
      return hits.length > 0 && `Opens port ${hits.join(', ')} to the internet.`;
    },
  },
  {
    id: 'NET-005',
    title: 'Network ACL allows administration ports from anywhere',
    category: 'network-exposure',
    severity: 'medium',
    resourceTypes: ['aws_network_acl_rule'],
    on: 'config',
    remediation: 'Deny 22/3389 from 0.0.0.0/0 and ::/0 in the NACL, or restrict the allow rule to known CIDRs.',
    references: ['AWS FSBP EC2.21', 'CIS AWS 5.1'],
    check: (v) => {
      if (v.bool('egress') === true || v.str('rule_action') !== 'allow') return false;
      const cidrs = [v.str('cidr_block'), v.str('ipv6_cidr_block')].filter((c) => c === '0.0.0.0/0' || c === '::/0');
      if (cidrs.length === 0) return false;
      const protocol = String(v.str('protocol') ?? '');
      const from = v.num('from_port');
      const to = v.num('to_port');
      const all = protocol === '-1' || protocol === 'all';
      const covers = (p: number) => all || (typeof from === 'number' && typeof to === 'number' && from <= p && to >= p && ['tcp', '6'].includes(protocol));
      return (covers(22) || covers(3389)) && `Allows ${all ? 'all traffic' : `ports ${String(from)}-${String(to)}`} from ${cidrs.join(' and ')}, including SSH/RDP.`;
    },
  },
  {
    id: 'NET-006',
    title: 'EKS API endpoint public to any address',
    category: 'network-exposure',
    severity: 'medium',
    resourceTypes: ['aws_eks_cluster'],
    on: 'config',
    remediation: 'Set `endpoint_public_access = false`, or restrict `public_access_cidrs` to your office/VPN ranges.',
    references: ['AWS FSBP EKS.1'],
    check: (v) => {
      const vpc = v.block('vpc_config');
      if (!vpc) return false;
      const pub = v.bool(...vpc, 'endpoint_public_access');
      if (pub === false || pub === UNKNOWN) return false;
      const cidrs = v.strings(...vpc, 'public_access_cidrs');
      if (cidrs === UNKNOWN) return false;
      const open = !cidrs || cidrs.length === 0 || cidrs.includes('0.0.0.0/0');
      return open && 'The Kubernetes API endpoint is reachable from 0.0.0.0/0.';
    },
  },
  {
    id: 'NET-007',
    title: 'Default security group allows traffic',
    category: 'network-exposure',
    severity: 'medium',
    resourceTypes: ['aws_default_security_group'],
    on: 'config',
    remediation: 'Manage the default security group with no ingress or egress rules; use dedicated groups.',
    references: ['AWS FSBP EC2.2', 'CIS AWS 5.4'],
    check: (v) => (v.blocks('ingress').length > 0 || v.blocks('egress').length > 0) && 'The VPC default security group has rules, so anything launched without a group gets them.',
  },
  {
    id: 'NET-008',
    title: 'Public IPs assigned automatically',
    category: 'network-exposure',
    severity: 'low',
    resourceTypes: ['aws_subnet', 'aws_instance', 'aws_launch_template'],
    on: 'config',
    remediation: 'Keep workloads in private subnets behind a load balancer or NAT; assign public IPs only where required.',
    references: ['AWS FSBP EC2.15', 'AWS FSBP EC2.9'],
    check: (v) => {
      if (v.type === 'aws_subnet') return v.bool('map_public_ip_on_launch') === true && 'Instances launched in this subnet get public IPs.';
      if (v.type === 'aws_instance') return v.bool('associate_public_ip_address') === true && 'The instance gets a public IP address.';
      return (
        v.blocks('network_interfaces').some(({ path }) => v.bool(...path, 'associate_public_ip_address') === true) &&
        'Instances from this template get public IP addresses.'
      );
    },
  },
  {
    id: 'NET-009',
    title: 'Publicly accessible database in a subnet routed to the internet',
    category: 'network-exposure',
    severity: 'high',
    resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance', 'aws_neptune_cluster_instance', 'aws_redshift_cluster'],
    on: 'config',
    remediation: 'Set `publicly_accessible = false` and place the database in private subnets (no 0.0.0.0/0 route to an internet gateway).',
    references: ['AWS FSBP RDS.2', 'AWS FSBP Redshift.1', 'CIS AWS 2.3.3'],
    check: (v) => {
      if (v.bool('publicly_accessible') !== true || !v.context) return false;
      const subnets = publicSubnetsOf(v.context, v.change);
      return subnets.length > 0 && `The database has a public endpoint in ${subnets.map((s) => s.address).join(', ')}, whose route table sends 0.0.0.0/0 to an internet gateway: it is reachable from the internet.`;
    },
  },
  {
    id: 'NET-010',
    title: 'Instance with a public IP in a subnet routed to the internet',
    category: 'network-exposure',
    severity: 'medium',
    resourceTypes: ['aws_instance'],
    on: 'config',
    remediation: 'Run the instance in a private subnet behind a load balancer or NAT; set `associate_public_ip_address = false`.',
    references: ['AWS FSBP EC2.9', 'AWS FSBP EC2.15'],
    check: (v) => {
      if (!v.context) return false;
      const assoc = v.bool('associate_public_ip_address');
      if (assoc === false) return false;
      const subnets = publicSubnetsOf(v.context, v.change);
      // A public IP: asked for explicitly, or handed out by a subnet with map_public_ip_on_launch.
      const exposed = subnets.filter((s) => assoc === true || s.after?.map_public_ip_on_launch === true);
      return exposed.length > 0 && `The instance gets a public IP in ${exposed.map((s) => s.address).join(', ')}, whose route table sends 0.0.0.0/0 to an internet gateway.`;
    },
  },
  {
    id: 'NET-011',
    title: 'SageMaker notebook with direct internet access',
    category: 'network-exposure',
    severity: 'medium',
    resourceTypes: ['aws_sagemaker_notebook_instance'],
    on: 'config',
    remediation: 'Set `direct_internet_access = "Disabled"` with a `subnet_id` in a VPC that reaches the internet, if at all, through a NAT and egress controls.',
    references: ['AWS FSBP SageMaker.1'],
    check: (v) => {
      const d = v.str('direct_internet_access');
      return (d === 'Enabled' || d === undefined) && 'The notebook instance has direct internet access (the default), bypassing VPC controls.';
    },
  },
];
