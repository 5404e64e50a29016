import { CATEGORIES, SEVERITIES } from '@iac-review/core';

export type RuleVerdict = 'agree' | 'disagree' | 'unsure';
export const RULE_VERDICTS: readonly RuleVerdict[] = ['agree', 'disagree', 'unsure'];

/**
 * The model-facing copy of the core finding schema (packages/core/src/schemas/finding.schema.json),
 * kept within the JSON Schema subset Bedrock accepts for tool input schemas, including strict tool
 * use: only type, properties, required, additionalProperties: false, items, enum and description;
 * no $id/$schema, formats, patterns, length or count limits, or combinators. test/findings-tool.test.ts
 * checks that it stays compatible with the core schema.
 */
const findingItemSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['ruleId', 'title', 'severity', 'category', 'resourceAddress', 'message', 'remediation'],
  properties: {
    ruleId: { type: 'string', description: '"llm:" followed by a short kebab-case slug, e.g. llm:open-admin-port' },
    title: { type: 'string', description: 'One line, at most 200 characters.' },
    severity: { type: 'string', enum: [...SEVERITIES] },
    category: { type: 'string', enum: [...CATEGORIES] },
    resourceAddress: { type: 'string', description: 'Exact Terraform address from the change set.' },
    message: { type: 'string', description: 'What is wrong and why it matters; never a secret value.' },
    remediation: { type: 'string', description: 'How to fix it.' },
    references: { type: 'array', items: { type: 'string' }, description: 'Optional documentation links (at most 10).' },
  },
} as const;

export const findingsToolInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'findings', 'ruleAssessments'],
  properties: {
    summary: { type: 'string', description: '2-5 sentences of plain text.' },
    findings: { type: 'array', items: findingItemSchema, description: 'Risks the rules did not already report.' },
    ruleAssessments: {
      type: 'array',
      description: 'One entry per rule finding ref.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['ref', 'verdict'],
        properties: {
          ref: { type: 'string' },
          verdict: { type: 'string', enum: [...RULE_VERDICTS] },
          reason: { type: 'string' },
        },
      },
    },
  },
} as const;

/**
 * What the answer is validated against: the tool schema plus the non-empty constraints the core
 * schema has (minLength 1). Over-long texts are not rejected but clamped to the core limits when the
 * finding is built (merge.ts), which is cheaper than a repair call.
 */
export const findingsValidationSchema = (() => {
  const nonEmpty = (s: object) => ({ ...s, minLength: 1 });
  const item = findingItemSchema;
  return {
    ...findingsToolInputSchema,
    properties: {
      ...findingsToolInputSchema.properties,
      findings: {
        ...findingsToolInputSchema.properties.findings,
        items: {
          ...item,
          properties: {
            ...item.properties,
            ruleId: nonEmpty(item.properties.ruleId),
            resourceAddress: nonEmpty(item.properties.resourceAddress),
            message: nonEmpty(item.properties.message),
          },
        },
      },
    },
  };
})();

