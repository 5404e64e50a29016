import type { ResourceChange } from '../types';
import { blocksOf, type ChangeIndex } from './context';

const WORLD = new Set(['0.0.0.0/0', '::/0']);

/** `gateway_id` of a route is an internet gateway: a known `igw-…` id, or an unknown value whose expression references one. */
function toInternetGateway(gatewayId: unknown, owner: ResourceChange, attribute: string): boolean {
  if (typeof gatewayId === 'string' && gatewayId !== '') return gatewayId.startsWith('igw-');
  return (owner.references?.[attribute] ?? []).some((r) => /(^|\.)aws_internet_gateway\.[^.]+$/.test(r));
}

/** The route table sends 0.0.0.0/0 (or ::/0) to an internet gateway (inline `route` blocks or `aws_route` resources). */
function routesToInternet(ctx: ChangeIndex, table: ResourceChange): boolean {
  for (const r of blocksOf(table, 'route')) {
    if (!WORLD.has(String(r.cidr_block ?? '')) && !WORLD.has(String(r.ipv6_cidr_block ?? ''))) continue;
    if (toInternetGateway(r.gateway_id, table, 'route')) return true;
  }
  for (const route of ctx.referencing(table, 'aws_route', 'route_table_id')) {
    const a = route.after ?? {};
    if (!WORLD.has(String(a.destination_cidr_block ?? '')) && !WORLD.has(String(a.destination_ipv6_cidr_block ?? ''))) continue;
    if (toInternetGateway(a.gateway_id, route, 'gateway_id')) return true;
  }
  return false;
}

/** The subnet's associated route table routes to an internet gateway (a public subnet). */
export function isPublicSubnet(ctx: ChangeIndex, subnet: ResourceChange): boolean {
  for (const assoc of ctx.referencing(subnet, 'aws_route_table_association', 'subnet_id')) {
    for (const table of ctx.referenced(assoc, 'route_table_id', 'aws_route_table')) if (routesToInternet(ctx, table)) return true;
  }
  return false;
}

/** Subnets a change is placed in: `subnet_id` (instances), or through a DB/Redshift subnet group. */
export function subnetsOf(ctx: ChangeIndex, change: ResourceChange): ResourceChange[] {
  switch (change.type) {
    case 'aws_instance':
      return ctx.referenced(change, 'subnet_id', 'aws_subnet');
    case 'aws_db_instance':
    case 'aws_rds_cluster_instance':
    case 'aws_neptune_cluster_instance':
      return ctx.referenced(change, 'db_subnet_group_name', 'aws_db_subnet_group').flatMap((g) => ctx.referenced(g, 'subnet_ids', 'aws_subnet'));
    case 'aws_redshift_cluster':
      return ctx.referenced(change, 'cluster_subnet_group_name', 'aws_redshift_subnet_group').flatMap((g) => ctx.referenced(g, 'subnet_ids', 'aws_subnet'));
    default:
      return [];
  }
}

/** Names of the change's subnets that route to an internet gateway. */
export function publicSubnetsOf(ctx: ChangeIndex, change: ResourceChange): ResourceChange[] {
  return subnetsOf(ctx, change).filter((s) => isPublicSubnet(ctx, s));
}

/** Changes of `type` that configure the bucket through their `bucket` attribute (by reference or by name). */
export function bucketCompanions(ctx: ChangeIndex, bucket: ResourceChange, type: string): ResourceChange[] {
  return ctx.referencing(bucket, type, 'bucket');
}

