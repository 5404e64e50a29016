import type { Category, Finding, RiskLevel, Severity } from '@iac-review/core';
import type { PolicyStats } from './policy/apply';

export type Action = 'create' | 'update' | 'delete' | 'no-op' | 'read';
/** A path into a resource's attributes: object keys and list indexes. */
export type AttributePath = (string | number)[];

/** One resource change, the same shape whether it came from plan JSON or from `.tf` source. */
export interface ResourceChange {
  /** Exact Terraform address (`resource_changes[].address`), e.g. `module.a.aws_s3_bucket.b["x"]`. */
  address: string;
  type: string;
  name: string;
  /** e.g. `registry.terraform.io/hashicorp/aws` (plan) or `aws` (HCL: the type's prefix). */
  provider: string;
  mode: 'managed' | 'data';
  moduleAddress?: string;
  index?: string | number;
  /** Terraform's action list: `['delete','create']` / `['create','delete']` is a replacement. */
  actions: Action[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** Paths in `after` whose values are known only after apply (or are expressions, for HCL). */
  unknownPaths: AttributePath[];
  /**
   * HCL input: paths in `after` holding a JSON document (`jsonencode`, a heredoc policy) with some
   * parts not known before apply; those parts read `(known after apply)`, the rest is as written.
   * (Terraform's plan would show the whole string as unknown.)
   */
  partialPaths?: AttributePath[];
  /**
   * HCL input: other strings with unknown parts (templates such as a `user_data` script with one
   * interpolation), as text with `(known after apply)` in place of the unknown parts. Their paths
   * stay in `unknownPaths` (the value is not known); scanners for literal secrets may read the text.
   */
  partialStrings?: { path: AttributePath; text: string }[];
  /** Paths in `before`/`after` whose values are sensitive: they never leave the engine. */
  sensitivePaths: AttributePath[];
  /** Paths whose change forces the replacement. */
  replacePaths: AttributePath[];
  /** Top-level attribute names written as literal constants in the configuration, when known. */
  literalAttributes?: string[];
  /** Top-level attribute names set in the configuration at all (literal or expression), when known. */
  configuredAttributes?: string[];
  /**
   * Top-level attribute name → config addresses of the resources its expression references
   * (`aws_subnet.public`, `module.net.aws_subnet.a`, `data.aws_iam_policy_document.x`: no instance
   * keys, no attribute suffix, module path of the referencing resource included), when known.
   * Cross-resource rules follow these to the referenced changes.
   */
  references?: Record<string, string[]>;
  /** Where the resource is declared (HCL input). */
  location?: { file: string; line: number };
  source: 'plan' | 'hcl';
}

export type InputKind = 'plan' | 'hcl';

export interface Contribution {
  /** `history`: added by the reviewer from outcomes (a changed resource's recent applies failed). */
  kind: 'finding' | 'action' | 'blast-radius' | 'severity-floor' | 'history';
  points: number;
  detail: string;
  ruleId?: string;
  /** Set when the contribution comes from one finding on one resource. */
  resourceAddress?: string;
  /** Findings folded into this contribution (findings of one rule are summed). */
  count?: number;
}

export interface RiskScore {
  riskScore: number;
  riskLevel: RiskLevel;
  contributions: Contribution[];
}

export interface ConfidenceInput {
  inputKind: InputKind;
  changes: ResourceChange[];
  /** How much of the input was analysed (e.g. after truncation). */
  coverage?: { total: number; analysed: number };
  /** Rule checks that could not decide because a value was unknown, out of all checks run. */
  checks?: { total: number; undetermined: number };
  /** The LLM's contribution: whether its output was valid, and its agreement (0–1) with the rules. */
  model?: { valid: boolean; agreement?: number };
}

export interface ConfidenceFactor {
  name: 'input' | 'unknown-values' | 'coverage' | 'rule-coverage' | 'model';
  factor: number;
  detail: string;
}

export interface Confidence {
  confidence: number;
  factors: ConfidenceFactor[];
}

export interface ReviewStats {
  inputKind: InputKind;
  resourceChanges: number;
  analysed: number;
  actions: { create: number; update: number; delete: number; replace: number; read: number; noOp: number };
  findings: number;
  bySeverity: Record<Severity, number>;
  byCategory: Record<Category, number>;
  rules: number;
  checks: number;
  undeterminedChecks: number;
  confidenceFactors: ConfidenceFactor[];
  /**
   * The repository's policy (`.iac-review.yml`, inline `iac-review:ignore` comments), when one was
   * applied: suppressed findings stay in `findings` but are not in `findings`/`bySeverity`/`byCategory` counts.
   */
  policy?: PolicyStats;
  /** HCL input: what the evaluation could not see (also lowers the coverage factor). */
  hcl?: {
    /** Module calls whose resources are not reviewed (registry/remote sources, local sources not in the files). */
    notReviewedModules: { address: string; source: string; reason: string }[];
    /** Addresses whose `count`/`for_each` was unknown: reviewed once, instances unknown. */
    unknownExpansions: string[];
    /** Resource attributes evaluated, and how many hold values not known before apply. */
    attributes: { total: number; unknown: number };
    /** Functions the evaluator does not implement (results unknown). */
    unsupportedFunctions: string[];
    /** Expressions that failed to evaluate (treated as unknown). */
    errors: number;
  };
}

/** What `review --format json` prints. */
export interface ReviewResult {
  riskScore: number;
  riskLevel: RiskLevel;
  confidence: number;
  summary: string;
  findings: Finding[];
  contributions: Contribution[];
  stats: ReviewStats;
}
