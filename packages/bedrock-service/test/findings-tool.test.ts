import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import fc from 'fast-check';
import { CATEGORIES, SEVERITIES } from '@iac-review/core';
import { checkToolInput, findingsToolInputSchema, toFinding, type ModelFinding } from '../src/index';

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; items?: Schema; required?: string[] };

const coreSchema = JSON.parse(readFileSync(join(__dirname, '../../core/src/schemas/finding.schema.json'), 'utf8')) as Schema;
const itemSchema = (findingsToolInputSchema.properties.findings.items as unknown) as Schema;

/** Keywords Bedrock accepts in a tool input schema, strict tool use included. */
const ALLOWED_KEYWORDS = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'description']);

const walk = (s: Schema, visit: (s: Schema, path: string) => void, path = '#'): void => {
  visit(s, path);
  for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, visit, `${path}/properties/${k}`);
  if (s.items) walk(s.items, visit, `${path}/items`);
};

describe('findingsToolInputSchema', () => {
  it('should use only the JSON Schema subset Bedrock accepts, with closed objects', () => {
    walk(findingsToolInputSchema as unknown as Schema, (s, path) => {
      for (const k of Object.keys(s)) expect(`${path}:${k}:${ALLOWED_KEYWORDS.has(k)}`).toBe(`${path}:${k}:true`);
      if (s.type === 'object') {
        expect(s.additionalProperties).toBe(false);
        for (const r of s.required ?? []) expect(Object.keys(s.properties ?? {})).toContain(r);
      }
    });
  });

  it('should stay compatible with the core finding schema', () => {
    const core = coreSchema.properties ?? {};
    const mine = itemSchema.properties ?? {};
    // every property the model can send exists in core with the same type and enum
    for (const [name, s] of Object.entries(mine)) {
      expect(core[name]).toBeDefined();
      expect(s.type).toBe(core[name]?.type);
      if (core[name]?.enum) expect(s.enum).toEqual(core[name]?.enum);
      if (core[name]?.items) expect(s.items?.type).toBe(core[name]?.items?.type);
    }
    // everything core requires, the model must send
    for (const r of coreSchema.required ?? []) expect(itemSchema.required).toContain(r);
    // only `source` and `suppressed` (the repository's policy) are ours to set
    expect(Object.keys(core).filter((k) => !(k in mine))).toEqual(['source', 'suppressed']);
    expect(mine.category?.enum).toEqual([...CATEGORIES]);
    expect(mine.severity?.enum).toEqual([...SEVERITIES]);
  });

  it('should turn any answer that passes validation into findings valid against the core schema (property)', () => {
    const validateCore = new Ajv({ strict: false }).compile(coreSchema);
    const findingArb: fc.Arbitrary<ModelFinding> = fc.record(
      {
        ruleId: fc.string({ minLength: 1, maxLength: 300 }),
        title: fc.string({ maxLength: 400 }),
        severity: fc.constantFrom(...SEVERITIES),
        category: fc.constantFrom(...CATEGORIES),
        resourceAddress: fc.string({ minLength: 1, maxLength: 100 }),
        message: fc.string({ minLength: 1, maxLength: 3000 }),
        remediation: fc.string({ maxLength: 3000 }),
        references: fc.array(fc.string({ maxLength: 300 }), { maxLength: 15 }),
      },
      { requiredKeys: ['ruleId', 'title', 'severity', 'category', 'resourceAddress', 'message', 'remediation'] },
    );
    fc.assert(
      fc.property(fc.array(findingArb, { maxLength: 4 }), fc.string(), (findings, summary) => {
        const check = checkToolInput({ summary, findings, ruleAssessments: [] });
        expect(check.ok).toBe(true);
        if (!check.ok) return;
        for (const f of check.value.findings) {
          const finding = toFinding(f);
          expect(validateCore(finding)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('checkToolInput', () => {
  const valid = { summary: 's', findings: [], ruleAssessments: [{ ref: 'R1', verdict: 'agree' }] };

  it('should accept a valid input given as an object or as a JSON string', () => {
    expect(checkToolInput(valid).ok).toBe(true);
    expect(checkToolInput(JSON.stringify(valid)).ok).toBe(true);
  });

  it('should explain malformed JSON, wrong enums, unknown and missing properties', () => {
    const bad = (input: unknown): string[] => {
      const c = checkToolInput(input);
      return c.ok ? [] : c.errors;
    };
    expect(bad('{"summary": ')[0]).toMatch(/not valid JSON/);
    expect(bad({ ...valid, ruleAssessments: [{ ref: 'R1', verdict: 'maybe' }] })).toContain(
      '/ruleAssessments/0/verdict: must be one of agree, disagree, unsure',
    );
    expect(bad({ ...valid, extra: 1 })).toContain('(root): unknown property "extra"');
    expect(bad({ findings: [], ruleAssessments: [] })).toContain("(root): must have required property 'summary'");
    expect(bad({ ...valid, findings: [{ ruleId: 'llm:x', title: '', severity: 'high', category: 'iam', resourceAddress: '', message: 'm', remediation: 'r' }] })).toContain(
      '/findings/0/resourceAddress: must NOT have fewer than 1 characters',
    );
  });
});
