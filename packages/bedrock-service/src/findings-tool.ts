import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Category, Severity } from '@iac-review/core';
import { RULE_VERDICTS, findingsToolInputSchema, type RuleVerdict } from './findings-schema';
// Compiled ahead of time from findingsValidationSchema by scripts/src/codegen/validators.ts
// (ajv standalone: no schema compilation at cold start, no ajv compiler in the bundle).
import { validateFindings } from './generated/findings-validator';

export { RULE_VERDICTS, findingsToolInputSchema };
export type { RuleVerdict };

export const FINDINGS_TOOL_NAME = 'report_findings';

export const FINDINGS_TOOL_DESCRIPTION =
  'Report the additional findings for the change set, your assessment of each rule finding, and a short summary.';

/** A finding as the model reports it (the core Finding without `source`, which we set). */
export interface ModelFinding {
  ruleId: string;
  title: string;
  severity: Severity;
  category: Category;
  resourceAddress: string;
  message: string;
  remediation: string;
  references?: string[];
}

export interface RuleAssessment {
  ref: string;
  verdict: RuleVerdict;
  reason?: string;
}

/** The validated tool input. */
export interface FindingsToolOutput {
  summary: string;
  findings: ModelFinding[];
  ruleAssessments: RuleAssessment[];
}

const validate = validateFindings as ValidateFunction<FindingsToolOutput>;

const describeError = (e: ErrorObject): string => {
  const where = e.instancePath === '' ? '(root)' : e.instancePath;
  if (e.keyword === 'additionalProperties') return `${where}: unknown property "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`;
  if (e.keyword === 'enum') return `${where}: must be one of ${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')}`;
  return `${where}: ${e.message ?? e.keyword}`;
};

export type ToolInputCheck = { ok: true; value: FindingsToolOutput } | { ok: false; errors: string[] };

/**
 * Validates a tool input. A string input (some models send the JSON as text) is parsed first;
 * malformed JSON is reported as a validation error so it can be repaired.
 */
export const checkToolInput = (input: unknown): ToolInputCheck => {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (err) {
      return { ok: false, errors: [`(root): the input is not valid JSON (${(err as Error).message})`] };
    }
  }
  if (validate(value)) return { ok: true, value };
  return { ok: false, errors: (validate.errors ?? []).map(describeError) };
};
