import type { Category, Severity } from '@iac-review/core';
import type { ResourceView } from './resource-view';

/** What a check reports: nothing, one message, or several (each becomes a finding). */
export type CheckResult = string | string[] | null | undefined | false;

export interface Rule {
  id: string;
  title: string;
  category: Category;
  severity: Severity;
  /** Terraform resource (or data source) types the check runs on. */
  resourceTypes: string[];
  /** `config` rules check the proposed values of creates/updates; `delete` rules check deletions and replacements. */
  on: 'config' | 'delete';
  remediation: string;
  /** Control ids, e.g. `AWS FSBP S3.2`, `CIS AWS 1.4 4.1`. */
  references: string[];
  check: (resource: ResourceView) => CheckResult;
}
