import { CATEGORIES, SEVERITIES, severityRank, type Category, type Finding, type Severity } from '@iac-review/core';
import type { ConfidenceInput, InputKind, ResourceChange, ReviewResult, ReviewStats } from './types';
import { runRules } from './rules/evaluate-rules';
import { rules } from './rules/catalogue';
import { actionKind, scoreRisk } from './score-risk';
import { computeConfidence } from './confidence';
import { normalisePlan } from './input/normalise-plan';
import { hclCoverage } from './input/hcl-coverage';
import type { HclCoverage, SourceFile } from './hcl/config';
import { loadHcl } from './load-hcl';
import { sourceSecretChanges, type SourceInput } from './rules/provider-secrets';
import { applyPolicy, policyRules, type PolicyOptions, type PolicyStats } from './policy/apply';

export interface ReviewOptions {
  inputKind: InputKind;
  coverage?: ConfidenceInput['coverage'];
  model?: ConfidenceInput['model'];
  /** What the HCL evaluation could not see (modules not reviewed, unknown expansions): lowers coverage, listed in the stats. */
  hcl?: HclCoverage;
  /**
   * The raw input (plan JSON or `.tf` files), when the caller has it: provider blocks and variable
   * defaults are then checked for literal secrets too (they are not resource changes).
   */
  source?: SourceInput;
  /** The repository's policy: config file (rule overrides, paths, suppressions, custom rules) and inline suppressions. */
  policy?: PolicyOptions;
}

export type ReviewInput = { kind: 'plan'; plan: unknown } | { kind: 'hcl'; files: SourceFile[]; variables?: Record<string, unknown> };

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const zero = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function summarise(stats: ReviewStats, riskScore: number, riskLevel: string): string {
  const a = stats.actions;
  const acts = (
    [
      ['create', a.create],
      ['update', a.update],
      ['delete', a.delete],
      ['replace', a.replace],
    ] as const
  )
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  const sev = [...SEVERITIES]
    .reverse()
    .filter((s) => stats.bySeverity[s] > 0)
    .map((s) => `${stats.bySeverity[s]} ${s}`);
  const what = stats.inputKind === 'plan' ? `${stats.resourceChanges} resource changes` : `${stats.resourceChanges} resources in Terraform source`;
  const nr = stats.hcl?.notReviewedModules ?? [];
  const notReviewed = nr.length ? ` Not reviewed: ${nr.length} module call${nr.length === 1 ? '' : 's'} (${nr.slice(0, 3).map((m) => m.address).join(', ')}${nr.length > 3 ? ', …' : ''}).` : '';
  const suppressed = stats.policy?.suppressed ? ` ${stats.policy.suppressed} suppressed finding${stats.policy.suppressed === 1 ? '' : 's'} (accepted risks) not counted.` : '';
  return `Risk ${riskLevel} (${riskScore}/100): ${what}${acts.length ? ` (${acts.join(', ')})` : ''}; ${sev.length ? `findings: ${sev.join(', ')}` : 'no findings'}.${suppressed}${notReviewed}`;
}

const byAddressThenRule = (x: Finding, y: Finding): number => cmp(x.resourceAddress, y.resourceAddress) || cmp(x.ruleId, y.ruleId);

/**
 * Sorts in place by severity (highest first), then resource address, then rule id; ties keep their
 * order. Findings are bucketed by severity (stably) and each bucket sorted by address and rule, the
 * same order as one stable sort on all three keys.
 */
function sortFindings(findings: Finding[]): Finding[] {
  const buckets: Finding[][] = SEVERITIES.map(() => []);
  const other: Finding[] = []; // a severity outside the scale ranks below all (rank -1)
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    (buckets[severityRank(f.severity)] ?? other).push(f);
  }
  let n = 0;
  for (let b = buckets.length - 1; b >= -1; b--) {
    const bucket = b >= 0 ? buckets[b]! : other;
    bucket.sort(byAddressThenRule);
    for (let i = 0; i < bucket.length; i++) findings[n++] = bucket[i]!;
  }
  return findings;
}

/** Reviews normalised changes with the rule catalogue: findings, risk, confidence, summary and stats. */
export function reviewChanges(changes: ResourceChange[], options: ReviewOptions): ReviewResult {
  const list = options.policy ? policyRules(options.policy.config) : rules;
  const evaluation = runRules(changes, list);
  if (options.source) {
    const extra = runRules(sourceSecretChanges(options.source), list);
    for (let i = 0; i < extra.findings.length; i++) evaluation.findings.push(extra.findings[i]!);
    evaluation.checks.total += extra.checks.total;
    evaluation.checks.undetermined += extra.checks.undetermined;
  }
  let policyStats: PolicyStats | undefined;
  if (options.policy) {
    const applied = applyPolicy(evaluation.findings, changes, options.policy, options.source?.kind === 'hcl' ? options.source.files : undefined);
    evaluation.findings = applied.findings;
    policyStats = applied.stats;
  }
  const findings = sortFindings(evaluation.findings);
  const risk = scoreRisk(findings, changes);
  const confidenceInput: ConfidenceInput = { inputKind: options.inputKind, changes, checks: evaluation.checks };
  if (options.coverage) confidenceInput.coverage = options.coverage;
  else if (options.hcl) confidenceInput.coverage = hclCoverage(options.hcl, changes.length);
  if (options.model) confidenceInput.model = options.model;
  const confidence = computeConfidence(confidenceInput);

  const actions = { create: 0, update: 0, delete: 0, replace: 0, read: 0, noOp: 0 };
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    const k = actionKind(c);
    if (k === 'other') {
      if (c.actions.includes('read')) actions.read++;
      else actions.noOp++;
    } else actions[k]++;
  }
  const bySeverity = zero<Severity>(SEVERITIES);
  const byCategory = zero<Category>(CATEGORIES);
  let active = 0;
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    if (f.suppressed) continue;
    active++;
    bySeverity[f.severity]++;
    byCategory[f.category]++;
  }
  const stats: ReviewStats = {
    inputKind: options.inputKind,
    resourceChanges: changes.length,
    analysed: evaluation.analysed,
    actions,
    findings: active,
    bySeverity,
    byCategory,
    rules: list.length,
    checks: evaluation.checks.total,
    undeterminedChecks: evaluation.checks.undetermined,
    confidenceFactors: confidence.factors,
  };
  if (policyStats) stats.policy = policyStats;
  if (options.hcl) {
    const h = options.hcl;
    stats.hcl = {
      notReviewedModules: h.notReviewedModules.map(({ address, source, reason }) => ({ address, source, reason })),
      unknownExpansions: h.unknownExpansions,
      attributes: h.attributes,
      unsupportedFunctions: h.unsupportedFunctions,
      errors: h.errors,
    };
  }
  return {
    riskScore: risk.riskScore,
    riskLevel: risk.riskLevel,
    confidence: confidence.confidence,
    summary: summarise(stats, risk.riskScore, risk.riskLevel),
    findings,
    contributions: risk.contributions,
    stats,
  };
}

/** Normalises plan JSON or `.tf` files and reviews them. */
export async function reviewInput(input: ReviewInput, policy?: PolicyOptions): Promise<ReviewResult> {
  if (input.kind === 'plan') return reviewChanges(normalisePlan(input.plan), { inputKind: 'plan', source: input, ...(policy ? { policy } : {}) });
  const { evaluateHcl } = await loadHcl();
  const hcl = evaluateHcl(input.files, input.variables ? { variables: input.variables } : {});
  return reviewChanges(hcl.changes, { inputKind: 'hcl', source: input, hcl: hcl.coverage, ...(policy ? { policy } : {}) });
}
