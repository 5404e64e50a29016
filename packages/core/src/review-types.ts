/** Finding categories, exactly as defined in shared/design/REVIEW-CATEGORIES.md. */
export const CATEGORIES = ['iam', 'network-exposure', 'public-access', 'encryption', 'data-loss', 'logging', 'backup', 'secrets'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Severities in increasing order. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** One problem found in a change (schema: schemas/finding.schema.json). */
export interface Finding {
  ruleId: string;
  title?: string;
  severity: Severity;
  category: Category;
  resourceAddress: string;
  message: string;
  remediation: string;
  source?: 'rule' | 'llm';
  references?: string[];
  /** An accepted risk silences it: kept in the review, left out of the risk score and fail-on. */
  suppressed?: Suppression;
}

/** Who/why/until of a suppressed finding (inline `iac-review:ignore` comment or `.iac-review.yml`). */
export interface Suppression {
  kind: 'inline' | 'config';
  reason: string;
  /** Last day it applies, YYYY-MM-DD (UTC). */
  until?: string;
  by?: string;
  /** Where it is written, e.g. `main.tf:12` or `.iac-review.yml:8`. */
  location?: string;
}

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
