import fc from 'fast-check';
import { CATEGORIES, SEVERITIES, severityRank, type Finding } from '@iac-review/core';
import { computeAgreement, mergeFindings, toFinding, toLlmRuleId, type ModelFinding } from '../src/index';

const mf = (over: Partial<ModelFinding> = {}): ModelFinding => ({
  ruleId: 'llm:x',
  title: 'T',
  severity: 'medium',
  category: 'backup',
  resourceAddress: 'aws_db_instance.a',
  message: 'm',
  remediation: 'r',
  ...over,
});
const rule = (over: Partial<Finding> = {}): Finding => ({
  ruleId: 'R-1',
  severity: 'high',
  category: 'encryption',
  resourceAddress: 'aws_db_instance.a',
  message: 'rule',
  remediation: 'fix',
  source: 'rule',
  ...over,
});

describe('toLlmRuleId', () => {
  it('should make an llm: kebab-case slug from whatever the model sent', () => {
    expect(toLlmRuleId('llm:open-admin-port')).toBe('llm:open-admin-port');
    expect(toLlmRuleId('IAM-001')).toBe('llm:iam-001');
    expect(toLlmRuleId('LLM:Wide Open  SG!!')).toBe('llm:wide-open-sg');
    expect(toLlmRuleId('!!!')).toBe('llm:finding');
    expect(toLlmRuleId('a'.repeat(300)).length).toBeLessThanOrEqual(100);
  });
});

describe('mergeFindings', () => {
  it('should drop findings about resources outside their chunk', () => {
    const out = mergeFindings([{ addresses: new Set(['aws_db_instance.a']), findings: [mf(), mf({ resourceAddress: 'aws_made_up.x' })] }], []);
    expect(out.findings.map((f) => f.resourceAddress)).toEqual(['aws_db_instance.a']);
    expect(out.discarded).toBe(1);
  });

  it('should drop a restatement of a rule finding but keep an escalation', () => {
    const addresses = new Set(['aws_db_instance.a']);
    const out = mergeFindings(
      [{ addresses, findings: [mf({ category: 'encryption', severity: 'medium', ruleId: 'enc' }), mf({ category: 'encryption', severity: 'critical', ruleId: 'enc2' })] }],
      [rule()],
    );
    expect(out.findings.map((f) => f.ruleId)).toEqual(['llm:enc2']);
  });

  it('should keep the most severe of duplicates and mark every finding as an llm finding', () => {
    const addresses = new Set(['aws_db_instance.a']);
    const out = mergeFindings([{ addresses, findings: [mf({ severity: 'low' })] }, { addresses, findings: [mf({ severity: 'high' })] }], []);
    expect(out.findings).toEqual([expect.objectContaining({ ruleId: 'llm:x', severity: 'high', source: 'llm' })]);
  });

  const modelFindingArb = fc.record({
    ruleId: fc.constantFrom('a', 'b', 'llm:c', 'IAM-9'),
    title: fc.string({ maxLength: 5 }),
    severity: fc.constantFrom(...SEVERITIES),
    category: fc.constantFrom(...CATEGORIES),
    resourceAddress: fc.constantFrom('r.a', 'r.b', 'r.c'),
    message: fc.string({ minLength: 1, maxLength: 5 }),
    remediation: fc.string({ maxLength: 5 }),
  });
  const chunkArb = fc.record({
    addresses: fc.subarray(['r.a', 'r.b', 'r.c']).map((a) => new Set(a)),
    findings: fc.array(modelFindingArb, { maxLength: 8 }),
  });
  const ruleArb = fc.record({
    ruleId: fc.constant('RULE-1'),
    severity: fc.constantFrom(...SEVERITIES),
    category: fc.constantFrom(...CATEGORIES),
    resourceAddress: fc.constantFrom('r.a', 'r.b', 'r.c'),
    message: fc.constant('m'),
    remediation: fc.constant('r'),
  });

  it('should be independent of chunk order, unique per rule and resource, and never restate a rule finding (property)', () => {
    fc.assert(
      fc.property(fc.array(chunkArb, { maxLength: 5 }), fc.array(ruleArb, { maxLength: 5 }), (chunks, rules) => {
        const a = mergeFindings(chunks, rules);
        const b = mergeFindings([...chunks].reverse(), rules);
        expect(b.findings).toEqual(a.findings);
        const keys = a.findings.map((f) => `${f.ruleId}|${f.resourceAddress}`);
        expect(new Set(keys).size).toBe(keys.length);
        const input = chunks.reduce((s, c) => s + c.findings.length, 0);
        expect(a.findings.length + a.discarded).toBe(input);
        for (const f of a.findings) {
          expect(f.source).toBe('llm');
          expect(f.ruleId.startsWith('llm:')).toBe(true);
          expect(chunks.some((c) => c.addresses.has(f.resourceAddress))).toBe(true);
          for (const r of rules) {
            if (r.resourceAddress === f.resourceAddress && r.category === f.category) {
              expect(severityRank(f.severity)).toBeGreaterThan(severityRank(r.severity));
            }
          }
        }
      }),
    );
  });
});

describe('toFinding', () => {
  it('should clamp over-long texts to the core schema limits', () => {
    const f = toFinding(mf({ message: 'x'.repeat(5000), title: 't'.repeat(300), references: Array.from({ length: 20 }, (_, i) => `https://e/${i}`) }));
    expect(f.message.length).toBe(2000);
    expect(f.title?.length).toBe(200);
    expect(f.references).toHaveLength(10);
  });
});

describe('computeAgreement', () => {
  it('should score verdicts, count unassessed rule findings as unsure and serious misses as disagreement', () => {
    expect(computeAgreement(['agree', 'agree'], [], [])).toBe(1);
    expect(computeAgreement(['agree', 'disagree'], [], [])).toBe(0.5);
    expect(computeAgreement([undefined], [], [])).toBe(0.5);
    const serious = toFinding(mf({ severity: 'critical', category: 'iam' }));
    expect(computeAgreement(['agree'], [serious], [])).toBe(0.5);
    expect(computeAgreement([], [], [])).toBe(1);
    expect(computeAgreement([], [toFinding(mf({ severity: 'low' }))], [])).toBe(1);
  });

  it('should stay within 0..1 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('agree' as const, 'disagree' as const, 'unsure' as const, undefined), { maxLength: 20 }), (v) => {
        const a = computeAgreement(v, [], []);
        return a >= 0 && a <= 1;
      }),
    );
  });
});
