import type { Confidence, ConfidenceFactor, ConfidenceInput } from './types';
import { rules } from './rules/catalogue';

const clamp = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, n));
const round2 = (n: number): number => Math.round(n * 100) / 100;
let coveredTypes: Set<string> | undefined;

/** True unless every action is `no-op` or `read`. */
function changesSomething(actions: readonly string[]): boolean {
  for (let i = 0; i < actions.length; i++) if (actions[i] !== 'no-op' && actions[i] !== 'read') return true;
  return false;
}

/**
 * Confidence 0–1 as a product of factors: input kind (plan 1.0, HCL 0.6), unknown values the rules
 * needed, coverage of the input, rule coverage of the resource types, and the model's validity and
 * agreement with the rules. See the package README.
 */
export function computeConfidence(input: ConfidenceInput): Confidence {
  const factors: ConfidenceFactor[] = [];
  factors.push(
    input.inputKind === 'plan'
      ? { name: 'input', factor: 1, detail: 'plan JSON: actions and values known' }
      : { name: 'input', factor: 0.6, detail: 'Terraform source only: actions and computed values unknown' },
  );
  if (input.checks && input.checks.total > 0) {
    const ratio = input.checks.undetermined / input.checks.total;
    factors.push({ name: 'unknown-values', factor: round2(1 - 0.4 * ratio), detail: `${input.checks.undetermined} of ${input.checks.total} rule checks hit unknown values` });
  }
  if (input.coverage && input.coverage.total > 0) {
    const ratio = clamp(input.coverage.analysed / input.coverage.total, 0, 1);
    factors.push({ name: 'coverage', factor: round2(0.5 + 0.5 * ratio), detail: `${input.coverage.analysed} of ${input.coverage.total} items analysed` });
  }
  coveredTypes ??= new Set(rules.flatMap((r) => r.resourceTypes));
  let managed = 0;
  let covered = 0;
  for (let i = 0; i < input.changes.length; i++) {
    const c = input.changes[i]!;
    if (c.mode !== 'managed' || !changesSomething(c.actions)) continue;
    managed++;
    if (coveredTypes.has(c.type)) covered++;
  }
  if (managed > 0) {
    const ratio = covered / managed;
    factors.push({ name: 'rule-coverage', factor: round2(0.9 + 0.1 * ratio), detail: `${Math.round(ratio * 100)}% of changed resources have rules for their type` });
  }
  if (!input.model) {
    factors.push({ name: 'model', factor: 0.9, detail: 'rules only: no model review' });
  } else if (!input.model.valid) {
    factors.push({ name: 'model', factor: 0.8, detail: 'model output invalid or unavailable: fell back to rules' });
  } else if (input.model.agreement === undefined) {
    factors.push({ name: 'model', factor: 0.95, detail: 'model review valid, agreement not measured' });
  } else {
    const a = clamp(input.model.agreement, 0, 1);
    factors.push({ name: 'model', factor: round2(0.85 + 0.15 * a), detail: `model agrees with rules at ${Math.round(a * 100)}%` });
  }
  const confidence = round2(clamp(factors.reduce((p, f) => p * f.factor, 1), 0, 1));
  return { confidence, factors };
}
