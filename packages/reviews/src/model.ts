import type { Finding, RiskLevel } from '@iac-review/core';
import type { HeadAttributes } from '@iac-review/dynamo-versioning';
import type { SpaceliftChangesInput, SpaceliftRunInput } from './spacelift';

export type ReviewSource = 'api' | 'github' | 'spacelift';
export type ReviewStatus = 'pending' | 'completed' | 'completed-degraded' | 'failed';
export type FeedbackAction = 'acknowledge' | 'dismiss-finding' | 'override-risk' | 'reopen';

/** The change under review, as submitted (stored once in the blob store, never copied into versions). */
export type ReviewInput =
  // policyFiles: a pull request's plan carries the base branch's policy file (put there by pr-review-handler).
  | { kind: 'plan'; plan: unknown; policyFiles?: Array<{ path: string; content: string }> }
  | { kind: 'hcl'; files: Array<{ path: string; content: string; context?: boolean }>; variables?: Record<string, unknown> }
  // Spacelift runs (see spacelift.ts): changes carried in the webhook, or a run whose changes the reviewer fetches.
  | SpaceliftChangesInput
  | SpaceliftRunInput;

export interface ReviewInputRef {
  /** `pull-request`: a GitHub push whose files are not fetched yet (see github.ts); never reviewed as such. */
  kind: 'plan' | 'hcl' | 'pull-request' | 'spacelift-changes' | 'spacelift-run';
  key: string;
  sha256: string;
  size: number;
}

export interface ReviewerInfo {
  mode: 'rules-only' | 'rules+llm';
  modelId?: string;
  promptVersion?: string;
  /** Why the LLM half did not contribute (throttled, timeout, invalid-output, disabled…). */
  degradedReason?: string;
  /** How much of the change the LLM saw. */
  coverage?: { resources: number; reviewed: number; omitted: number };
}

export interface ReviewResultRecord {
  riskScore: number;
  riskLevel: RiskLevel;
  confidence: number;
  summary: string;
  findings: Finding[];
  contributions: unknown[];
  stats: Record<string, unknown>;
  reviewer: ReviewerInfo;
  /** The version that was reviewed (the submission). */
  reviewedVersion: number;
  reviewedAt: string;
}

export interface FeedbackEntry {
  action: FeedbackAction;
  findingId?: string;
  riskLevel?: RiskLevel;
  comment: string;
  actor: string;
  at: string;
}

/** What every version of a review holds. */
export interface ReviewContent {
  status: ReviewStatus;
  source: ReviewSource;
  title?: string;
  repository?: string;
  stack?: string;
  ref?: string;
  /** Source-specific identifiers (pull request number, Spacelift run id…). */
  external?: Record<string, string>;
  submittedBy: string;
  input: ReviewInputRef;
  result?: ReviewResultRecord;
  acknowledged: boolean;
  dismissedFindings: string[];
  riskOverride?: { riskLevel: RiskLevel; actor: string; comment: string };
  feedback: FeedbackEntry[];
  failure?: { reason: string };
  /** What was left out of the reviewed input and why (e.g. files skipped from a pull request). */
  inputNotes?: string[];
}

/** A finding's stable id within a review: `<ruleId>@<resourceAddress>`. */
export const findingId = (f: Pick<Finding, 'ruleId' | 'resourceAddress'>): string => `${f.ruleId}@${f.resourceAddress}`;

/** The risk level people see: an override wins over the computed one. */
export const effectiveRiskLevel = (c: ReviewContent): RiskLevel | undefined => c.riskOverride?.riskLevel ?? c.result?.riskLevel;

/** The listing scope of a review: its repository or stack, else its source. */
export const reviewScope = (c: Pick<ReviewContent, 'repository' | 'stack' | 'source'>): string =>
  c.repository ? `repo:${c.repository}` : c.stack ? `stack:${c.stack}` : `source:${c.source}`;

/** Projection onto the head item (for listings through the GSIs). */
export const reviewHead = (c: ReviewContent): HeadAttributes => {
  const risk = effectiveRiskLevel(c);
  return {
    scope: reviewScope(c),
    status: c.status,
    source: c.source,
    ...(risk ? { riskLevel: risk } : {}),
    attributes: {
      title: c.title ?? null,
      repository: c.repository ?? null,
      stack: c.stack ?? null,
      riskScore: c.result?.riskScore ?? null,
      confidence: c.result?.confidence ?? null,
    },
  };
};
