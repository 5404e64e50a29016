import fc from 'fast-check';
import type { Finding } from '@iac-review/core';
import { CATEGORIES, SEVERITIES } from '@iac-review/core';
import Ajv from 'ajv';
import findingSchema from '../../core/src/schemas/finding.schema.json';
import {
  computeConfidence,
  InputError,
  normalisePlan,
  PlanParseError,
  redactSensitive,
  renderMarkdown,
  renderSarif,
  renderText,
  reviewChanges,
  reviewInput,
  scoreRisk,
  type ResourceChange,
} from '../src/index';
import { hclChanges, loadPlan, planChanges, tfSource } from './helpers';

const SECRETS = ['Sup3rS3cretPassw0rd', 'Literal-Passw0rd-In-Code', 'fixture-only-not-a-secret', 'literal-secret-value-in-code', 'npm_literalTokenValue1234', 'not-a-real-key-but-literal', 'fixture-token-value-123'];

describe('normalisePlan', () => {
  it('should keep module path, instance keys, actions and sensitive/unknown/replace paths', () => {
    const changes = planChanges('modules');
    const fn = changes.find((c) => c.address === 'module.site[0].aws_lambda_function.fn');
    expect(fn).toMatchObject({ type: 'aws_lambda_function', name: 'fn', mode: 'managed', moduleAddress: 'module.site[0]', actions: ['create'], source: 'plan' });
    expect(fn?.sensitivePaths).toContainEqual(['environment', 0, 'variables', 'API_TOKEN']);
    expect(changes.find((c) => c.address === 'aws_security_group.svc["admin"]')?.index).toBe('admin');
    expect(changes.find((c) => c.address === 'aws_sqs_queue.q[1]')?.index).toBe(1);
    expect(changes.filter((c) => c.mode === 'data').every((c) => c.actions.includes('read'))).toBe(true);
    const replaced = planChanges('deletes').find((c) => c.address === 'aws_dynamodb_table.data_002_bad');
    expect(replaced?.actions).toEqual(['delete', 'create']);
    expect(replaced?.replacePaths).toEqual([['name']]);
  });

  it('should accept format_version 0.x plans without the newer fields', () => {
    const plan = loadPlan('deletes') as { format_version: string; resource_changes: { change: Record<string, unknown> }[] };
    plan.format_version = '0.1';
    for (const rc of plan.resource_changes) {
      delete rc.change.before_sensitive;
      delete rc.change.replace_paths;
    }
    expect(normalisePlan(plan).length).toBe(14);
  });

  it('should reject what is not a plan with a one-line PlanParseError', () => {
    for (const bad of [null, 42, 'x', [], {}, { format_version: 3 }, { format_version: '2.0', resource_changes: [] }, { format_version: '1.2', resource_changes: {} }, { format_version: '1.2', resource_changes: [{ address: 'a' }] }]) {
      expect(() => normalisePlan(bad)).toThrow(PlanParseError);
      try {
        normalisePlan(bad);
      } catch (err) {
        expect((err as Error).message).not.toContain('\n');
      }
    }
  });

  it('should either normalise or throw an InputError for any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          normalisePlan(value);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
        }
      }),
      { numRuns: 300 },
    );
    const plan = loadPlan('modules') as { resource_changes: unknown[] };
    fc.assert(
      fc.property(fc.nat(plan.resource_changes.length - 1), fc.jsonValue(), (i, junk) => {
        const p = structuredClone(plan);
        p.resource_changes[i] = junk;
        try {
          normalisePlan(p);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('normaliseHcl', () => {
  it('should expand for_each into plan addresses, evaluate each.key and record the declaration line', async () => {
    const changes = await hclChanges('modules');
    const sg = changes.find((c) => c.address === 'aws_security_group.svc["admin"]');
    expect(sg).toMatchObject({ actions: ['create'], source: 'hcl', index: 'admin', location: { file: 'modules/main.tf', line: tfSource('modules').split('\n').findIndex((l) => l.startsWith('resource "aws_security_group" "svc"')) + 1 } });
    expect(sg?.after).toMatchObject({ name: 'admin', ingress: [{ from_port: 22, to_port: 22 }] });
    expect(sg?.unknownPaths).toEqual([]);
    expect(sg?.after).not.toHaveProperty('for_each');
    expect(changes.find((c) => c.address === 'aws_security_group.svc')).toBeUndefined();
  });

  it('should reject invalid HCL with a one-line InputError', async () => {
    await expect(reviewInput({ kind: 'hcl', files: [{ path: 'bad.tf', content: 'resource "a" {' }] })).rejects.toThrow(InputError);
  });
});

describe('scoreRisk', () => {
  const changes = planChanges('iam-network');
  const finding = fc.record({
    ruleId: fc.constantFrom('X-1', 'X-2'),
    severity: fc.constantFrom(...SEVERITIES),
    category: fc.constantFrom(...CATEGORIES),
    resourceAddress: fc.constantFrom(...changes.map((c) => c.address), 'not.in.plan'),
    message: fc.constant('m'),
    remediation: fc.constant('r'),
  }) as fc.Arbitrary<Finding>;

  it('should never decrease when a finding is added (property)', () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 30 }), finding, (list, extra) => {
        const before = scoreRisk(list, changes).riskScore;
        const after = scoreRisk([...list, extra], changes).riskScore;
        expect(after).toBeGreaterThanOrEqual(before);
        expect(after).toBeLessThanOrEqual(100);
        expect(after).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('should make a critical finding a critical review and weigh deletes above creates', () => {
    const f: Finding = { ruleId: 'X', severity: 'critical', category: 'iam', resourceAddress: 'aws_iam_policy.iam_001_bad', message: 'm', remediation: 'r' };
    expect(scoreRisk([f], changes).riskLevel).toBe('critical');
    const empty = scoreRisk([], []);
    expect(empty).toEqual({ riskScore: 0, riskLevel: 'low', contributions: [] });
    const del = planChanges('deletes');
    const medium = (address: string): Finding => ({ ...f, severity: 'medium', resourceAddress: address });
    const onDelete = scoreRisk([medium('aws_iam_policy.delete_good')], del).contributions.find((c) => c.kind === 'finding');
    const onUpdate = scoreRisk([medium('aws_s3_bucket.data_001_good')], del).contributions.find((c) => c.kind === 'finding');
    expect(onDelete!.points).toBeGreaterThan(onUpdate!.points);
  });

  it('should reproduce the README worked example', () => {
    const mk = (address: string, type: string, actions: ResourceChange['actions']): ResourceChange => ({ address, type, name: 'x', provider: '', mode: 'managed', actions, before: null, after: {}, unknownPaths: [], sensitivePaths: [], replacePaths: [], source: 'plan' });
    const f = (ruleId: string, severity: Finding['severity']): Finding => ({ ruleId, severity, category: 'data-loss', resourceAddress: 'aws_dynamodb_table.t', message: 'm', remediation: 'r' });
    const r = scoreRisk([f('DATA-002', 'critical'), f('DATA-006', 'low')], [mk('aws_dynamodb_table.t', 'aws_dynamodb_table', ['delete', 'create']), mk('aws_s3_bucket.b', 'aws_s3_bucket', ['update'])]);
    expect(r.riskScore).toBe(77);
    expect(r.riskLevel).toBe('critical');
    expect(r.contributions.map((c) => c.points)).toEqual([75, 5.6, 5.6, 3.2]);
  });
});

describe('computeConfidence', () => {
  it('should rank plan above HCL and penalise unknowns, truncation and an invalid model', () => {
    const changes: ResourceChange[] = [];
    const plan = computeConfidence({ inputKind: 'plan', changes }).confidence;
    const hcl = computeConfidence({ inputKind: 'hcl', changes }).confidence;
    expect(plan).toBeGreaterThan(hcl);
    expect(computeConfidence({ inputKind: 'plan', changes, checks: { total: 10, undetermined: 5 } }).confidence).toBeLessThan(plan);
    expect(computeConfidence({ inputKind: 'plan', changes, coverage: { total: 10, analysed: 5 } }).confidence).toBeLessThan(plan);
    expect(computeConfidence({ inputKind: 'plan', changes, model: { valid: false } }).confidence).toBeLessThan(plan);
    expect(computeConfidence({ inputKind: 'plan', changes, model: { valid: true, agreement: 1 } }).confidence).toBe(1);
  });

  it('should stay within 0..1 and grow with model agreement (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('plan' as const, 'hcl' as const), fc.nat(100), fc.nat(100), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (kind, total, und, a1, a2) => {
        const base = { inputKind: kind, changes: [], checks: { total, undetermined: Math.min(und, total) } };
        const c1 = computeConfidence({ ...base, model: { valid: true, agreement: Math.min(a1, a2) } }).confidence;
        const c2 = computeConfidence({ ...base, model: { valid: true, agreement: Math.max(a1, a2) } }).confidence;
        expect(c1).toBeGreaterThanOrEqual(0);
        expect(c2).toBeLessThanOrEqual(1);
        expect(c2).toBeGreaterThanOrEqual(c1);
      }),
    );
  });
});

describe('reviewChanges', () => {
  it('should produce findings that validate against the shared Finding schema', () => {
    const validate = new Ajv({ strict: false }).compile(findingSchema);
    const result = reviewChanges(planChanges('public-encryption'), { inputKind: 'plan' });
    expect(result.findings.length).toBeGreaterThan(30);
    for (const f of result.findings) expect({ f, ok: validate(f) }).toEqual({ f, ok: true });
    expect(Object.keys(result).sort()).toEqual(['confidence', 'contributions', 'findings', 'riskLevel', 'riskScore', 'stats', 'summary']);
  });

  it('should never put a secret value in findings, summaries or any rendering', async () => {
    for (const result of [reviewChanges(planChanges('data-logging-secrets'), { inputKind: 'plan' }), await reviewInput({ kind: 'hcl', files: [{ path: 'main.tf', content: tfSource('data-logging-secrets') }] }), reviewChanges(planChanges('modules'), { inputKind: 'plan' })]) {
      expect(result.findings.some((f) => f.category === 'secrets') || result.stats.resourceChanges === 7).toBe(true);
      const outputs = [JSON.stringify(result), renderText(result), renderMarkdown(result), JSON.stringify(renderSarif(result))];
      for (const out of outputs) for (const s of SECRETS) expect({ leaked: s, found: out.includes(s) }).toEqual({ leaked: s, found: false });
    }
  });
});

describe('redactSensitive', () => {
  it('should replace sensitive, secret-named and credential values but keep the rest', () => {
    const changes = [...planChanges('data-logging-secrets'), ...planChanges('modules')];
    const text = JSON.stringify(changes.map(redactSensitive));
    for (const s of SECRETS) expect({ s, found: text.includes(s) }).toEqual({ s, found: false });
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).toContain('platform-team');
  });

  it('should hide any value placed at a sensitive path (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ minLength: 12, maxLength: 30 }), { minKeys: 1 }), (attrs) => {
        const keys = Object.keys(attrs);
        const change: ResourceChange = { address: 'a.b', type: 'a', name: 'b', provider: '', mode: 'managed', actions: ['create'], before: null, after: { ...attrs }, unknownPaths: [], sensitivePaths: keys.map((k) => [k]), replacePaths: [], source: 'plan' };
        const out = JSON.stringify(redactSensitive(change).after);
        for (const v of Object.values(attrs)) expect(out.includes(JSON.stringify(v))).toBe(false);
      }),
    );
  });
});

describe('renderers', () => {
  const result = reviewChanges(planChanges('iam-network'), { inputKind: 'plan' });

  it('should render SARIF 2.1.0 with one result per finding and rule metadata', () => {
    const sarif = renderSarif(result, { artifactUri: 'plan.json' }) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results).toHaveLength(result.findings.length);
    expect(new Set(sarif.runs[0]!.tool.driver.rules.map((r) => r.id))).toEqual(new Set(result.findings.map((f) => f.ruleId)));
    expect(sarif.runs[0]!.results.find((r) => r.ruleId === 'IAM-001')?.level).toBe('error');
  });

  it('should render a markdown PR comment whose table rows cannot be broken by finding text', () => {
    const evil = { ...result, findings: [{ ...result.findings[0]!, message: 'a | b\n# heading <script>' }] };
    const md = renderMarkdown(evil);
    const row = md.split('\n').find((l) => l.includes('a \\| b'));
    expect(row).toBeDefined();
    expect(md).not.toContain('<script>');
    expect(renderText(result)).toContain('IAM-001');
  });
});
