/**
 * Test inputs for a pull request reviewed from a plan, shared by the pull-request, reviewer and
 * local-stack tests: an SSH security group open to the world, and the team-policy lines that
 * accept (or try to accept) that finding.
 */

/** A plan creating aws_security_group.<name> with port 22 open to 0.0.0.0/0: NET-002 (high). */
export const openSshPlan = (name: string) => ({
  format_version: '1.2',
  resource_changes: [
    {
      address: `aws_security_group.${name}`,
      mode: 'managed',
      type: 'aws_security_group',
      name,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['create'], before: null, after: { name, ingress: [{ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'], ipv6_cidr_blocks: [], description: '' }] }, after_unknown: {} },
    },
  ],
});

/** `.iac-review.yml` suppressions accepting NET-002 on aws_security_group.<name>, with a reason, until 2999. */
export const acceptOpenSsh = (name: string, reason: string): string =>
  `suppressions:\n  - rule: NET-002\n    resource: aws_security_group.${name}\n    reason: ${reason}\n    expires: 2999-01-01\n`;

/** What a pull request's own policy tries: accept its finding on the bastion and relax the threshold. */
export const HEAD_POLICY = `failOn: critical\n${acceptOpenSsh('bastion', 'trust me')}`;
