import type { ReviewResult as LlmReviewResult } from '@iac-review/bedrock-service';
import { CATEGORIES, SEVERITIES, severityRank, type Category, type Finding, type Severity } from '@iac-review/core';
import type { ReviewResultRecord, ReviewerInfo } from '@iac-review/reviews';
import { computeConfidence, scoreRisk, type ConfidenceInput, type InputKind, type ResourceChange, type ReviewResult as RulesResult } from '@iac-review/risk-scoring/engine';

/** What the LLM half did for this review. */
export type LlmOutcome =
  /** Bedrock is switched off (configuration or local stack): a rules-only review by design. */
  | { kind: 'disabled'; reason: string }
  /** The reviewer ran; `reviewable` is how many changes it was given to review (no-op/read excluded). */
  | { kind: 'reviewed'; result: LlmReviewResult; reviewable: number }
  /** The reviewer itself failed unexpectedly (it reports model problems in its result, so this is a bug or a crash). */
  | { kind: 'crashed'; reason: string; modelId: string; promptVersion: string; reviewable: number };

export interface OutcomeInput {
  inputKind: InputKind;
  changes: ResourceChange[];
  /** The rules-only review of the same changes (risk-scoring `reviewChanges`). */
  rules: RulesResult;
  llm: LlmOutcome;
}

export interface ReviewOutcome {
  status: 'completed' | 'completed-degraded';
  result: Omit<ReviewResultRecord, 'reviewedVersion' | 'reviewedAt'>;
}

const MAX_REPORTED_ADDRESSES = 20;
const MAX_REPORTED_FAILURES = 5;

const findingKey = (f: Pick<Finding, 'ruleId' | 'resourceAddress'>): string => `${f.ruleId}@${f.resourceAddress}`;

/** Most severe first; at equal severity rule findings before model findings; then by address and rule id. */
const byImportance = (x: Finding, y: Finding): number =>
  severityRank(y.severity) - severityRank(x.severity) ||
  Number(x.source === 'llm') - Number(y.source === 'llm') ||
  x.resourceAddress.localeCompare(y.resourceAddress) || x.ruleId.localeCompare(y.ruleId);

/**
 * Rule findings are kept exactly as the rules reported them; model findings are only added. A model
 * finding that claims a rule's id, or repeats one already present, is dropped (the bedrock-service
 * merge already does this; this is the last line of defence, because the guarantee is ours).
 */
export const mergeRuleAndModelFindings = (ruleFindings: readonly Finding[], modelFindings: readonly Finding[]): Finding[] => {
  const ruleIds = new Set(ruleFindings.map((f) => f.ruleId));
  const seen = new Set(ruleFindings.map(findingKey));
  const added: Finding[] = [];
  for (const f of modelFindings) {
    const key = findingKey(f);
    if (ruleIds.has(f.ruleId) || seen.has(key) || !f.ruleId.startsWith('llm:')) continue;
    seen.add(key);
    added.push({ ...f, source: 'llm' });
  }
  return [...ruleFindings.map((f) => ({ ...f, source: f.source ?? ('rule' as const) })), ...added].sort(byImportance);
};

const count = <K extends string>(keys: readonly K[], values: readonly K[]): Record<K, number> => {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const v of values) out[v]++;
  return out;
};

const summarise = (o: {
  riskLevel: string;
  riskScore: number;
  inputKind: InputKind;
  resources: number;
  findings: readonly Finding[];
  narrative?: string;
  note?: string;
}): string => {
  const bySeverity = count<Severity>(SEVERITIES, o.findings.map((f) => f.severity));
  const sev = [...SEVERITIES]
    .reverse()
    .filter((s) => bySeverity[s] > 0)
    .map((s) => `${bySeverity[s]} ${s}`);
  const fromModel = o.findings.filter((f) => f.source === 'llm').length;
  const what = o.inputKind === 'plan' ? `${o.resources} resource changes` : `${o.resources} resources in Terraform source`;
  const head = `Risk ${o.riskLevel} (${o.riskScore}/100): ${what}; ${sev.length ? `findings: ${sev.join(', ')}${fromModel ? ` (${fromModel} from the model)` : ''}` : 'no findings'}.`;
  return [head, o.note, o.narrative].filter((s): s is string => s !== undefined && s.trim() !== '').join('\n\n');
};

/**
 * Merges the rules' and the model's reviews into the stored result: findings (the model adds, never
 * removes or downgrades), risk recomputed over all findings, confidence recomputed with the model's
 * validity, its agreement with the rules and the share of the change it saw, and the status.
 *
 * Status: `completed` when the model reviewed what it was given (size-limit omissions are reported in
 * coverage and lower confidence, but are not a failure), or when Bedrock is disabled by configuration
 * (a rules-only review by design: `reviewer.mode` says so and confidence carries the rules-only
 * factor). `completed-degraded` with `reviewer.degradedReason` when the model was unavailable for all
 * or part of the change (throttled, timeout, deadline, service-error, invalid-output).
 */
export const buildReviewOutcome = (input: OutcomeInput): ReviewOutcome => {
  const { rules, llm, changes, inputKind } = input;
  const confidenceInput: ConfidenceInput = {
    inputKind,
    changes,
    checks: { total: rules.stats.checks, undetermined: rules.stats.undeterminedChecks },
  };
  let status: ReviewOutcome['status'] = 'completed';
  let reviewer: ReviewerInfo;
  let modelFindings: readonly Finding[] = [];
  let narrative: string | undefined;
  let note: string | undefined;
  let llmStats: Record<string, unknown>;

  if (llm.kind === 'disabled') {
    reviewer = { mode: 'rules-only' };
    llmStats = { status: 'disabled', reason: llm.reason };
  } else if (llm.kind === 'crashed') {
    status = 'completed-degraded';
    reviewer = {
      mode: 'rules-only',
      modelId: llm.modelId,
      promptVersion: llm.promptVersion,
      degradedReason: 'reviewer-error',
      coverage: { resources: llm.reviewable, reviewed: 0, omitted: llm.reviewable },
    };
    confidenceInput.model = { valid: false };
    note = 'The model review failed (reviewer-error); this review uses the deterministic rules only.';
    llmStats = { status: 'failed', failureReason: 'reviewer-error', message: llm.reason };
  } else {
    const r = llm.result;
    const reviewed = Math.max(0, llm.reviewable - r.omitted.resources);
    const coverage = { resources: llm.reviewable, reviewed, omitted: r.omitted.resources };
    if (r.status === 'failed') {
      status = 'completed-degraded';
      const reason = r.failureReason ?? 'service-error';
      reviewer = { mode: 'rules-only', modelId: r.modelId, promptVersion: r.promptVersion, degradedReason: reason, coverage };
      confidenceInput.model = { valid: false };
      note = `The model review was unavailable (${reason}); this review uses the deterministic rules only.`;
    } else {
      modelFindings = r.findings;
      narrative = r.summary;
      reviewer = { mode: 'rules+llm', modelId: r.modelId, promptVersion: r.promptVersion, coverage };
      confidenceInput.model = r.agreement === undefined ? { valid: true } : { valid: true, agreement: r.agreement };
      if (llm.reviewable > 0) confidenceInput.coverage = { total: llm.reviewable, analysed: reviewed };
      if (r.failureReason !== undefined) {
        status = 'completed-degraded';
        reviewer.degradedReason = r.failureReason;
      }
      if (r.status === 'partial') {
        note = `The model reviewed ${reviewed} of ${llm.reviewable} changed resources${r.failureReason ? ` (${r.failureReason})` : ''}. ${r.omitted.reason ?? ''}`.trim();
      }
    }
    llmStats = {
      status: r.status,
      ...(r.failureReason ? { failureReason: r.failureReason } : {}),
      ...(r.agreement !== undefined ? { agreement: r.agreement } : {}),
      chunks: r.chunks,
      omitted: {
        resources: r.omitted.resources,
        byReason: r.omitted.byReason,
        ...(r.omitted.reason ? { reason: r.omitted.reason } : {}),
        addresses: r.omitted.addresses.slice(0, MAX_REPORTED_ADDRESSES),
      },
      coverage: r.coverage,
      failures: r.failures.slice(0, MAX_REPORTED_FAILURES).map((f) => ({ chunk: f.chunk, reason: f.reason, resources: f.resources })),
      usage: r.usage,
      findings: r.findings.length,
      discardedFindings: r.discardedFindings,
    };
  }

  const findings = mergeRuleAndModelFindings(rules.findings, modelFindings);
  const risk = scoreRisk(findings, changes);
  const confidence = computeConfidence(confidenceInput);
  // Suppressed findings (accepted risks, issue 17) stay in `findings` but not in the counts or the score.
  const active = findings.filter((f) => !f.suppressed);
  const stats: Record<string, unknown> = {
    ...rules.stats,
    findings: active.length,
    bySeverity: count<Severity>(SEVERITIES, active.map((f) => f.severity)),
    byCategory: count<Category>(CATEGORIES, active.map((f) => f.category)),
    ruleFindings: rules.findings.length,
    modelFindings: findings.length - rules.findings.length,
    confidenceFactors: confidence.factors,
    llm: llmStats,
  };
  return {
    status,
    result: {
      riskScore: risk.riskScore,
      riskLevel: risk.riskLevel,
      confidence: confidence.confidence,
      summary: summarise({
        riskLevel: risk.riskLevel,
        riskScore: risk.riskScore,
        inputKind,
        resources: changes.length,
        findings: active,
        ...(narrative !== undefined ? { narrative } : {}),
        ...(note !== undefined ? { note } : {}),
      }),
      findings,
      contributions: risk.contributions,
      stats,
      reviewer,
    },
  };
};
