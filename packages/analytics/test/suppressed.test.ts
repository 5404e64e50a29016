import type { Finding } from '@iac-review/core';
import { addReview, analyseHistory, emptyCounts, mergeCounts, type RollupCounts } from '../src/index';
import { bucketOf } from '../src/trend-query';
import { makeSeed } from './support/seed';

const base = makeSeed(['2026-11-20'], 1, 3)[0]!.final;
const finding = (ruleId: string, resourceAddress: string, suppressed = false): Finding => ({
  ruleId,
  severity: 'high',
  category: 'network-exposure',
  resourceAddress,
  message: 'm',
  remediation: 'r',
  ...(suppressed ? { suppressed: { kind: 'config' as const, reason: 'accepted by the platform team', until: '2027-01-01' } } : {}),
});
const withFindings = (findings: Finding[]) => ({
  ...base,
  status: 'completed' as const,
  feedback: [],
  dismissedFindings: [],
  result: { riskScore: 50, riskLevel: 'high' as const, confidence: 0.9, summary: '', findings, contributions: [], stats: {}, reviewer: { mode: 'rules-only' as const }, reviewedVersion: 1, reviewedAt: '2026-11-20T10:00:00.000Z' },
});

describe('suppressed findings in trends and precision', () => {
  it('should count suppressed findings per rule, in the rollup and its buckets', () => {
    const c = emptyCounts();
    addReview(c, withFindings([finding('NET-002', 'aws_security_group.a', true), finding('NET-002', 'aws_security_group.b'), finding('CUSTOM-TAGS', 'aws_s3_bucket.x', true)]));
    addReview(c, withFindings([finding('NET-002', 'aws_security_group.a', true)]));
    expect(c.findings).toBe(4);
    expect(c.suppressed).toBe(3);
    expect(c.suppressedByRule).toEqual({ 'NET-002': 2, 'CUSTOM-TAGS': 1 });
    const bucket = bucketOf('2026-11-20', '2026-11-20', c, 1);
    expect(bucket.suppressed).toBe(3);
    expect(bucket.topSuppressedRules).toEqual([
      { ruleId: 'NET-002', count: 2 },
      { ruleId: 'CUSTOM-TAGS', count: 1 },
    ]);
  });

  it('should merge rollups written before suppressions existed', () => {
    const old = emptyCounts() as Partial<RollupCounts>;
    delete old.suppressed;
    delete old.suppressedByRule;
    const now = emptyCounts();
    addReview(now, withFindings([finding('NET-002', 'aws_security_group.a', true)]));
    const merged = mergeCounts([old as RollupCounts, now]);
    expect(merged.suppressed).toBe(1);
    expect(merged.suppressedByRule).toEqual({ 'NET-002': 1 });
    expect(bucketOf('2026-11-20', '2026-11-20', old as RollupCounts, 1)).toMatchObject({ suppressed: 0, topSuppressedRules: [] });
  });

  it("should count a suppression in the rule's precision as a judged, kept finding", () => {
    const a = analyseHistory({
      scope: 'overall',
      days: 1,
      today: '2026-11-20',
      truncated: false,
      limit: 10,
      reviews: [{ id: 'r1', createdAt: '2026-11-20T10:00:00.000Z', content: withFindings([finding('NET-002', 'aws_security_group.a', true), finding('NET-002', 'aws_security_group.b')]) }],
    });
    expect(a.rulePrecision.items).toEqual([{ ruleId: 'NET-002', raised: 2, judged: 1, dismissed: 0, kept: 1, suppressed: 1, precision: 1 }]);
  });
});
