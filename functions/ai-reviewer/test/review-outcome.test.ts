import type { ReviewResult as LlmReviewResult } from '@iac-review/bedrock-service';
import { CATEGORIES, SEVERITIES, type Finding } from '@iac-review/core';
import { normalisePlan, reviewChanges, scoreRisk } from '@iac-review/risk-scoring';
import fc from 'fast-check';
import { buildReviewOutcome, mergeRuleAndModelFindings, type LlmOutcome } from '../src/review-outcome';
import { riskyPlan } from './support/plans';

const changes = normalisePlan(riskyPlan());
const rules = reviewChanges(changes, { inputKind: 'plan' });
const addresses = changes.map((c) => c.address);

const finding = (ruleId: fc.Arbitrary<string>): fc.Arbitrary<Finding> =>
  fc.record({
    ruleId,
    severity: fc.constantFrom(...SEVERITIES),
    category: fc.constantFrom(...CATEGORIES),
    resourceAddress: fc.constantFrom(...addresses),
    message: fc.string(),
    remediation: fc.string(),
  });
const modelFindings = fc.array(finding(fc.oneof(fc.constantFrom('NET-002', 'PUB-007', 'ENC-001'), fc.stringMatching(/^llm:[a-z-]{1,12}$/))), { maxLength: 8 });

const llmResult = (over: Partial<LlmReviewResult>): LlmReviewResult => ({
  status: 'ok',
  findings: [],
  chunks: { total: 1, reviewed: 1, failed: 0, skipped: 0 },
  omitted: { resources: 0, byReason: { 'too-large': 0, 'max-chunks': 0, 'chunk-failed': 0, deadline: 0 }, addresses: [] },
  coverage: 1,
  failures: [],
  usage: { inputTokens: 1, outputTokens: 1, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, calls: 1 },
  promptVersion: 'p1',
  modelId: 'm',
  discardedFindings: 0,
  ...over,
});

const llmOutcome: fc.Arbitrary<LlmOutcome> = fc.oneof(
  fc.constant<LlmOutcome>({ kind: 'disabled', reason: 'off' }),
  fc.constant<LlmOutcome>({ kind: 'crashed', reason: 'bug', modelId: 'm', promptVersion: 'p1', reviewable: 2 }),
  fc.record({
    findings: modelFindings,
    status: fc.constantFrom('ok' as const, 'partial' as const, 'failed' as const),
    agreement: fc.double({ min: 0, max: 1, noNaN: true }),
    omitted: fc.integer({ min: 0, max: 2 }),
  }).map(
    ({ findings, status, agreement, omitted }): LlmOutcome => ({
      kind: 'reviewed',
      reviewable: 2,
      result: llmResult({
        status,
        findings: status === 'failed' ? [] : findings,
        ...(status === 'failed' ? { failureReason: 'timeout' as const } : { agreement }),
        omitted: { resources: status === 'ok' ? 0 : omitted, byReason: { 'too-large': 0, 'max-chunks': omitted, 'chunk-failed': 0, deadline: 0 }, addresses: [] },
      }),
    }),
  ),
);

describe('buildReviewOutcome', () => {
  it('should keep every rule finding unchanged and never lower the risk, whatever the model says (property)', () => {
    fc.assert(
      fc.property(llmOutcome, (llm) => {
        const { result } = buildReviewOutcome({ inputKind: 'plan', changes, rules, llm });
        for (const f of rules.findings) {
          const kept = result.findings.filter((g) => g.ruleId === f.ruleId && g.resourceAddress === f.resourceAddress);
          if (kept.length !== 1 || kept[0]?.severity !== f.severity || kept[0].source !== 'rule') return false;
        }
        return result.riskScore >= rules.riskScore && result.findings.every((g) => g.source === 'rule' || g.ruleId.startsWith('llm:'));
      }),
    );
  });

  it('should rank confidence: model agreeing > rules only by design > model unavailable', () => {
    const agree = buildReviewOutcome({ inputKind: 'plan', changes, rules, llm: { kind: 'reviewed', reviewable: 2, result: llmResult({ agreement: 1 }) } });
    const off = buildReviewOutcome({ inputKind: 'plan', changes, rules, llm: { kind: 'disabled', reason: 'off' } });
    const down = buildReviewOutcome({
      inputKind: 'plan',
      changes,
      rules,
      llm: { kind: 'reviewed', reviewable: 2, result: llmResult({ status: 'failed', failureReason: 'throttled' }) },
    });
    expect([agree.status, off.status, down.status]).toEqual(['completed', 'completed', 'completed-degraded']);
    expect(agree.result.confidence).toBeGreaterThan(off.result.confidence);
    expect(off.result.confidence).toBeGreaterThan(down.result.confidence);
    expect(off.result.confidence).toBe(rules.confidence);
    expect(down.result.reviewer).toEqual({ mode: 'rules-only', modelId: 'm', promptVersion: 'p1', degradedReason: 'throttled', coverage: { resources: 2, reviewed: 2, omitted: 0 } });
  });

  it('should mark a partial review with a failed chunk as degraded and keep what the model found', () => {
    const llm: LlmOutcome = {
      kind: 'reviewed',
      reviewable: 2,
      result: llmResult({
        status: 'partial',
        failureReason: 'throttled',
        agreement: 1,
        findings: [{ ruleId: 'llm:x', severity: 'low', category: 'iam', resourceAddress: addresses[0] ?? '', message: 'm', remediation: 'r', source: 'llm' }],
        omitted: { resources: 1, byReason: { 'too-large': 0, 'max-chunks': 0, 'chunk-failed': 1, deadline: 0 }, addresses: [addresses[1] ?? ''] },
      }),
    };
    const out = buildReviewOutcome({ inputKind: 'plan', changes, rules, llm });
    expect(out.status).toBe('completed-degraded');
    expect(out.result.reviewer).toMatchObject({ mode: 'rules+llm', degradedReason: 'throttled', coverage: { resources: 2, reviewed: 1, omitted: 1 } });
    expect(out.result.findings.filter((f) => f.source === 'llm')).toHaveLength(1);
    expect(out.result.riskScore).toBe(scoreRisk(out.result.findings, changes).riskScore);
  });
});

describe('mergeRuleAndModelFindings', () => {
  it('should drop model findings that claim a rule id or repeat one already present', () => {
    const rule: Finding = { ruleId: 'NET-002', severity: 'high', category: 'network-exposure', resourceAddress: 'a', message: 'm', remediation: 'r' };
    const merged = mergeRuleAndModelFindings([rule], [
      { ...rule, severity: 'low' },
      { ...rule, ruleId: 'llm:x' },
      { ...rule, ruleId: 'llm:x' },
    ]);
    expect(merged.map((f) => [f.ruleId, f.severity, f.source])).toEqual([
      ['NET-002', 'high', 'rule'],
      ['llm:x', 'high', 'llm'],
    ]);
  });
});
