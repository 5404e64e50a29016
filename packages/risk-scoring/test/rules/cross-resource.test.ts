import { evaluateRules, type ResourceChange } from '../../src/index';
import { ChangeIndex } from '../../src/rules/context';
import { isPublicSubnet } from '../../src/rules/cross-resource';

/** A plan-style update: ids are known, no configuration references. */
const change = (address: string, after: Record<string, unknown>, extra: Partial<ResourceChange> = {}): ResourceChange => {
  const parts = address.replace(/\[[^\]]*\]/g, '').split('.');
  const [type = '', name = ''] = parts.slice(-2);
  return { address, type, name, provider: 'aws', mode: 'managed', actions: ['update'], before: after, after, unknownPaths: [], sensitivePaths: [], replacePaths: [], source: 'plan', ...extra };
};

function network(gatewayId: string): ResourceChange[] {
  return [
    change('aws_subnet.a', { id: 'subnet-0a', map_public_ip_on_launch: false }),
    change('aws_route_table_association.a', { id: 'rtbassoc-1', subnet_id: 'subnet-0a', route_table_id: 'rtb-01' }),
    change('aws_route_table.a', { id: 'rtb-01', route: [{ cidr_block: '0.0.0.0/0', gateway_id: gatewayId }] }),
    change('aws_db_subnet_group.a', { id: 'grp', name: 'grp', subnet_ids: ['subnet-0a'] }),
  ];
}
const db = (extra: Partial<ResourceChange> = {}) =>
  change('aws_db_instance.db', { identifier: 'db', publicly_accessible: true, db_subnet_group_name: 'grp', storage_encrypted: true, deletion_protection: true, backup_retention_period: 7 }, extra);
const ids = (changes: ResourceChange[], rule: string) => evaluateRules(changes).filter((f) => f.ruleId === rule).map((f) => f.resourceAddress);

describe('cross-resource checks', () => {
  it('should link resources by known id values when a plan updates them (no references)', () => {
    expect(ids([...network('igw-0abc'), db()], 'NET-009')).toEqual(['aws_db_instance.db']);
  });

  it('should not call a subnet public when its default route goes to a NAT gateway', () => {
    const changes = [...network('nat-0abc'), db()];
    expect(ids(changes, 'NET-009')).toEqual([]);
    expect(isPublicSubnet(new ChangeIndex(changes), changes[0]!)).toBe(false);
  });

  it('should stay silent when publicly_accessible is not known before apply', () => {
    expect(ids([...network('igw-0abc'), db({ unknownPaths: [['publicly_accessible']] })], 'NET-009')).toEqual([]);
  });

  it('should follow references to a route table that uses a separate aws_route to the internet gateway', () => {
    const changes = [
      change('aws_subnet.a', { map_public_ip_on_launch: true }, { actions: ['create'], unknownPaths: [['id']] }),
      change('aws_route_table_association.a', {}, { actions: ['create'], references: { subnet_id: ['aws_subnet.a'], route_table_id: ['aws_route_table.t'] } }),
      change('aws_route_table.t', {}, { actions: ['create'] }),
      change('aws_route.default', { destination_cidr_block: '0.0.0.0/0' }, { actions: ['create'], references: { route_table_id: ['aws_route_table.t'], gateway_id: ['aws_internet_gateway.igw'] } }),
      change('aws_instance.web', { ami: 'ami-1', instance_type: 't3.micro' }, { actions: ['create'], references: { subnet_id: ['aws_subnet.a'] } }),
    ];
    expect(ids(changes, 'NET-010')).toEqual(['aws_instance.web']);
    // the same route to a transit gateway is not an internet route
    changes[3] = change('aws_route.default', { destination_cidr_block: '0.0.0.0/0' }, { actions: ['create'], references: { route_table_id: ['aws_route_table.t'], transit_gateway_id: ['aws_ec2_transit_gateway.tgw'] } });
    expect(ids(changes, 'NET-010')).toEqual([]);
  });

  it('should resolve module-prefixed references and instance keys to every instance', () => {
    const idx = new ChangeIndex([
      change('module.net.aws_subnet.a[0]', { id: 'subnet-1' }),
      change('module.net.aws_subnet.a[1]', { id: 'subnet-2' }),
      change('module.net.aws_db_subnet_group.g', {}, { references: { subnet_ids: ['module.net.aws_subnet.a'] } }),
    ]);
    const group = idx.ofType('aws_db_subnet_group')[0]!;
    expect(idx.referenced(group, 'subnet_ids', 'aws_subnet').map((c) => c.address)).toEqual(['module.net.aws_subnet.a[0]', 'module.net.aws_subnet.a[1]']);
    expect(idx.referenced(group, 'subnet_ids', 'aws_vpc')).toEqual([]);
  });

  it('should resolve a reference inside a module instance to that instance only', () => {
    const copy = (i: number, gateway: string): ResourceChange[] => {
      const m = `module.copy[${i}]`;
      const at = (r: string, after: Record<string, unknown>, references?: Record<string, string[]>) =>
        change(`${m}.${r}`, after, { actions: ['create'], moduleAddress: m, ...(references ? { references } : {}) });
      return [
        at('aws_subnet.a', {}),
        at('aws_route_table.t', { route: [{ cidr_block: '0.0.0.0/0', gateway_id: gateway }] }),
        at('aws_route_table_association.a', {}, { subnet_id: ['module.copy.aws_subnet.a'], route_table_id: ['module.copy.aws_route_table.t'] }),
        at('aws_db_subnet_group.g', {}, { subnet_ids: ['module.copy.aws_subnet.a'] }),
        at('aws_db_instance.db', { publicly_accessible: true }, { db_subnet_group_name: ['module.copy.aws_db_subnet_group.g'] }),
      ];
    };
    expect(ids([...copy(0, 'igw-0abc'), ...copy(1, 'nat-0abc')], 'NET-009')).toEqual(['module.copy[0].aws_db_instance.db']);
    expect(ids([...copy(0, 'nat-0abc'), ...copy(1, 'igw-0abc')], 'NET-009')).toEqual(['module.copy[1].aws_db_instance.db']);
  });

  it('should not flag an EBS volume left at the default when the input turns on encryption by default', () => {
    const volume = change('aws_ebs_volume.v', { availability_zone: 'us-east-1a', size: 10 }, { actions: ['create'], source: 'hcl' });
    expect(ids([volume], 'ENC-003')).toEqual(['aws_ebs_volume.v']);
    expect(ids([volume, change('aws_ebs_encryption_by_default.on', { enabled: true }, { actions: ['create'], source: 'hcl' })], 'ENC-003')).toEqual([]);
    expect(ids([volume, change('aws_ebs_encryption_by_default.off', { enabled: false }, { actions: ['create'], source: 'hcl' })], 'ENC-003')).toEqual(['aws_ebs_volume.v']);
  });

  it('should take the account most ARNs name as home, and none when two tie', () => {
    const policy = (acct: string) => change(`aws_iam_policy.p${acct}`, { policy: `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b","Principal":{"AWS":"arn:aws:iam::${acct}:root"}}]}` });
    const trust = change('aws_iam_role.r', { assume_role_policy: '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}]}' });
    expect(new ChangeIndex([trust, policy('111111111111'), policy('111111111111'), policy('222222222222')]).homeAccount()).toBe('111111111111');
    expect(new ChangeIndex([trust, policy('111111111111'), policy('222222222222')]).homeAccount()).toBeUndefined();
    // Every ARN of a string counts, in string lists too; an "arn:" that starts no ARN does not.
    const listed = change('aws_sns_topic_policy.l', { arns: ['arn: none here', 'arn:aws:sns:us-east-1:333333333333:t,arn:aws:sqs:us-east-1:333333333333:q'], note: 'arn:aws:iam::444444444444:role/x arn:aws:iam::44444:x' });
    expect(new ChangeIndex([trust, listed]).homeAccount()).toBe('333333333333');
    expect(new ChangeIndex([trust, listed, policy('444444444444')]).homeAccount()).toBeUndefined();
    expect(ids([trust, policy('222222222222'), policy('222222222222')], 'IAM-017')).toEqual([]);
    expect(ids([trust, policy('111111111111')], 'IAM-017')).toEqual(['aws_iam_role.r']);
  });

  it('should find audit log groups through the stage that writes access logs into them', () => {
    const group = change('aws_cloudwatch_log_group.access', { name: '/svc/requests', retention_in_days: 30 }, { actions: ['create'] });
    const stage = change('aws_api_gateway_stage.s', { stage_name: 'v1' }, { actions: ['create'], references: { access_log_settings: ['aws_cloudwatch_log_group.access'] } });
    expect(ids([group], 'LOG-015')).toEqual([]);
    expect(ids([group, stage], 'LOG-015')).toEqual(['aws_cloudwatch_log_group.access']);
  });
});
