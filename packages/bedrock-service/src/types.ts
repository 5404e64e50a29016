import type { Finding } from '@iac-review/core';

/** A path into a change's `before`/`after` value: `a.b[0].c` or `['a', 'b', 0, 'c']`. */
export type ValuePath = string | ReadonlyArray<string | number>;

/**
 * One resource change, already normalised (and redacted) by the caller. Before it reaches a prompt
 * it is sanitised again: values at `sensitivePaths`, secret-looking keys and `Sensitive` values are
 * dropped (defence in depth; see sanitise-change.ts).
 */
export interface ResourceChange {
  address: string;
  type: string;
  actions: readonly string[];
  before?: unknown;
  after?: unknown;
  /** Paths (in `before` and `after`) whose values are sensitive and must never reach a prompt. */
  sensitivePaths?: readonly ValuePath[];
}

export interface ReviewInput {
  changes: readonly ResourceChange[];
  /** What the deterministic rules found; the model assesses them but can never remove them. */
  ruleFindings: readonly Finding[];
  /** Short summary of the rule catalogue (static per deployment: it is part of the cached prompt prefix). */
  ruleCatalogueSummary: string;
  /** Optional history of earlier reviews of the same repository/stack (treated as untrusted data). */
  historicalContext?: string;
}

/** Why a call (or a chunk) failed. */
export type FailureReason = 'throttled' | 'timeout' | 'invalid-output' | 'service-error' | 'deadline';

/** Why a resource was not reviewed by the model. */
export type OmissionReason = 'too-large' | 'max-chunks' | 'chunk-failed' | 'deadline';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
  /** Converse calls made (initial and repair calls; SDK-internal retries are not counted). */
  calls: number;
}

export interface ChunkFailure {
  chunk: number;
  reason: FailureReason;
  message: string;
  resources: number;
}

export interface ReviewResult {
  /** ok: every resource reviewed; partial: some reviewed, some omitted/failed; failed: none reviewed. */
  status: 'ok' | 'partial' | 'failed';
  /** Model findings only (source 'llm', ruleId 'llm:<slug>'), deduplicated, never duplicating a rule finding. */
  findings: Finding[];
  /** Narrative summary (chunk summaries joined in chunk order). */
  summary?: string;
  /** 0..1: how far the model's assessment matches the rule findings (see merge.ts); absent if nothing was reviewed. */
  agreement?: number;
  /**
   * Set when a chunk failed or was skipped: the first failure in chunk order, or 'deadline' if chunks
   * were only skipped for time. A 'partial' result whose only omissions are size limits has none.
   */
  failureReason?: FailureReason;
  chunks: { total: number; reviewed: number; failed: number; skipped: number };
  /** Resources the model did not review, and why. Never silently dropped. */
  omitted: { resources: number; reason?: string; byReason: Record<OmissionReason, number>; addresses: string[] };
  /** Share of resources the model reviewed (1 when there was nothing to review). */
  coverage: number;
  failures: ChunkFailure[];
  usage: TokenUsage;
  promptVersion: string;
  modelId: string;
  /** Model findings dropped because they named a resource outside their chunk or duplicated a rule finding. */
  discardedFindings: number;
}
