import type { Contribution } from '@iac-review/risk-scoring';
import { changedAddresses, withHistory } from '../src/history-calibration';
import type { HistoricalContextPort } from '../src/handler';
import { lambdaContext, reviewRequested } from './support/events';
import { inMemoryHarness } from './support/in-memory';
import { riskyPlan } from './support/plans';

const failedApplies = (address: string, points: number): Contribution => ({ kind: 'history', points, resourceAddress: address, count: 2, detail: `2 applies touching ${address} failed after review in the last 30 days (repo:acme/infra)` });

describe('risk calibration from history (ai-reviewer)', () => {
  const run = async (history: HistoricalContextPort) => {
    const h = inMemoryHarness({ history });
    const v1 = await h.submitPlan(riskyPlan());
    await h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' }), lambdaContext());
    return (await h.service.get(v1.id)).content.result!;
  };
  const baseline = async () => run({ contextFor: async () => undefined, calibrate: async () => [] });

  it('should add the explained contribution of a changed resource whose recent applies failed to the score', async () => {
    const base = await baseline();
    const seen: string[][] = [];
    const r = await run({
      contextFor: async () => undefined,
      calibrate: async ({ changedAddresses: changed }) => {
        seen.push([...changed]);
        return changed.includes('aws_db_instance.main') ? [failedApplies('aws_db_instance.main', 10)] : [];
      },
    });
    expect(seen[0]).toContain('aws_db_instance.main');
    expect(base.riskScore).toBeLessThanOrEqual(90);
    expect(r.riskScore).toBe(base.riskScore + 10);
    expect(r.contributions).toEqual([...base.contributions, expect.objectContaining({ kind: 'history', points: 10, resourceAddress: 'aws_db_instance.main' })]);
    expect(r.summary).toContain('History: +');
    expect(r.stats).toMatchObject({ changedResources: expect.arrayContaining(['aws_db_instance.main']) });
  });

  it('should score without history when the calibration fails (failure means no history)', async () => {
    const base = await baseline();
    const r = await run({ contextFor: async () => Promise.reject(new Error('down')), calibrate: async () => Promise.reject(new Error('throttled')) });
    expect(r.riskScore).toBe(base.riskScore);
    expect(r.contributions).toEqual(base.contributions);
  });

  it('should move the level with the score, cap it at 100 and rewrite the summary’s first line', () => {
    const outcome = { status: 'completed' as const, result: { riskScore: 45, riskLevel: 'medium' as const, confidence: 0.9, summary: 'Risk medium (45/100): 2 resource changes; no findings.', findings: [], contributions: [], stats: {}, reviewer: { mode: 'rules-only' as const } } };
    const up = withHistory(outcome, ['a.b'], [failedApplies('a.b', 10)]);
    expect(up.result.riskScore).toBe(55);
    expect(up.result.riskLevel).not.toBe('medium');
    expect(up.result.summary.startsWith(`Risk ${up.result.riskLevel} (55/100)`)).toBe(true);
    expect(withHistory({ ...outcome, result: { ...outcome.result, riskScore: 95 } }, ['a.b'], [failedApplies('a.b', 10)]).result.riskScore).toBe(100);
    expect(withHistory(outcome, ['a.b'], []).result).toEqual({ ...outcome.result, stats: { changedResources: ['a.b'] } });
  });

  it('should record only resources that really change', () => {
    const change = (address: string, actions: string[]) => ({ address, actions }) as never;
    expect(changedAddresses([change('b', ['update']), change('a', ['no-op']), change('c', ['read']), change('b', ['update']), change('d', ['delete', 'create'])])).toEqual(['b', 'd']);
  });
});
