import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '@iac-review/core';
import { normaliseHcl, normalisePlan, type ResourceChange } from '../src/index';

export const FIXTURES = join(__dirname, 'fixtures');
export const FIXTURE_NAMES = ['iam-network', 'public-encryption', 'data-logging-secrets', 'deletes', 'clean', 'modules', 'gaps-encryption', 'gaps-iam', 'cross-resource', 'source-secrets'] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

const planCache = new Map<string, unknown>();
export function loadPlan(name: FixtureName): unknown {
  if (!planCache.has(name)) planCache.set(name, JSON.parse(readFileSync(join(FIXTURES, 'plans', `${name}.json`), 'utf8')));
  return structuredClone(planCache.get(name));
}
export const planChanges = (name: FixtureName): ResourceChange[] => normalisePlan(loadPlan(name));
export const tfSource = (name: FixtureName): string => readFileSync(join(FIXTURES, 'tf', name, 'main.tf'), 'utf8');
export const hclChanges = (name: FixtureName): Promise<ResourceChange[]> => normaliseHcl([{ path: `${name}/main.tf`, content: tfSource(name) }]);

export const flagged = (findings: Finding[], ruleId: string): string[] => findings.filter((f) => f.ruleId === ruleId).map((f) => f.resourceAddress);
