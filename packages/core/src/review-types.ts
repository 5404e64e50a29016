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
}

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
