import { severityRank } from '@iac-review/core';
import type { Finding } from '@iac-review/core';
import type { ModelFinding, RuleVerdict } from './findings-tool';

/** Limits of the core finding schema (packages/core/src/schemas/finding.schema.json). */
export const FINDING_LIMITS = {
  ruleId: 100,
  title: 200,
  resourceAddress: 1024,
  message: 2000,
  remediation: 2000,
  references: 10,
  reference: 200,
} as const;

const clamp = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** `llm:` + a kebab-case slug made from whatever id the model gave. */
export const toLlmRuleId = (raw: string): string => {
  const slug = raw
    .replace(/^llm:/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, FINDING_LIMITS.ruleId - 4)
    .replace(/-+$/g, '');
  return `llm:${slug === '' ? 'finding' : slug}`;
};

/** Builds a core Finding (source 'llm') that satisfies the core schema's limits. */
export const toFinding = (m: ModelFinding): Finding => {
  const f: Finding = {
    ruleId: toLlmRuleId(m.ruleId),
    severity: m.severity,
    category: m.category,
    resourceAddress: m.resourceAddress,
    message: clamp(m.message, FINDING_LIMITS.message),
    remediation: clamp(m.remediation, FINDING_LIMITS.remediation),
    source: 'llm',
  };
  if (m.title.trim() !== '') f.title = clamp(m.title, FINDING_LIMITS.title);
  const refs = (m.references ?? []).filter((r) => r.length > 0 && r.length <= FINDING_LIMITS.reference).slice(0, FINDING_LIMITS.references);
  if (refs.length > 0) f.references = refs;
  return f;
};

export interface ChunkFindings {
  /** Addresses the chunk contained: a finding about any other resource is discarded. */
  addresses: ReadonlySet<string>;
  findings: readonly ModelFinding[];
}

const better = (a: Finding, b: Finding): Finding => {
  const d = severityRank(a.severity) - severityRank(b.severity);
  if (d !== 0) return d > 0 ? a : b;
  return a.message <= b.message ? a : b;
};

/**
 * Merges the model findings of all chunks: a finding naming a resource outside its chunk is dropped
 * (the model invented or misspelt it); one that restates a rule finding (same resource and category,
 * no higher severity) is dropped; duplicates (same ruleId and resource) keep the most severe. The
 * result is sorted (severity desc, address, ruleId) so it does not depend on chunk order.
 */
export const mergeFindings = (
  chunks: readonly ChunkFindings[],
  ruleFindings: readonly Finding[],
): { findings: Finding[]; discarded: number } => {
  const ruleMax = new Map<string, number>();
  for (const r of ruleFindings) {
    const key = `${r.resourceAddress}\u0000${r.category}`;
    ruleMax.set(key, Math.max(ruleMax.get(key) ?? -1, severityRank(r.severity)));
  }
  const byKey = new Map<string, Finding>();
  let discarded = 0;
  for (const chunk of chunks) {
    for (const m of chunk.findings) {
      if (!chunk.addresses.has(m.resourceAddress) || m.resourceAddress.length > FINDING_LIMITS.resourceAddress) {
        discarded++;
        continue;
      }
      const f = toFinding(m);
      const ruleRank = ruleMax.get(`${f.resourceAddress}\u0000${f.category}`);
      if (ruleRank !== undefined && ruleRank >= severityRank(f.severity)) {
        discarded++;
        continue;
      }
      const key = `${f.ruleId}\u0000${f.resourceAddress}`;
      const prev = byKey.get(key);
      if (prev) discarded++;
      byKey.set(key, prev ? better(prev, f) : f);
    }
  }
  const findings = [...byKey.values()].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      (a.resourceAddress < b.resourceAddress ? -1 : a.resourceAddress > b.resourceAddress ? 1 : 0) ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
  return { findings, discarded };
};

const VERDICT_SCORE: Record<RuleVerdict, number> = { agree: 1, unsure: 0.5, disagree: 0 };

/**
 * Agreement between the model and the rules over the reviewed resources, 0..1:
 * - each rule finding shown to the model scores its verdict (agree 1, unsure 0.5, disagree 0;
 *   a rule finding the model did not assess counts as unsure);
 * - each high/critical model finding on a resource and category the rules did not flag scores 0
 *   (the rules missed something serious, so the rule-based score is less trustworthy).
 * With nothing to compare (no rule findings, no serious model findings) both agree: 1.
 */
export const computeAgreement = (
  verdicts: ReadonlyArray<RuleVerdict | undefined>,
  modelFindings: readonly Finding[],
  ruleFindings: readonly Finding[],
): number => {
  const flagged = new Set(ruleFindings.map((r) => `${r.resourceAddress}\u0000${r.category}`));
  const missed = modelFindings.filter(
    (f) => severityRank(f.severity) >= severityRank('high') && !flagged.has(`${f.resourceAddress}\u0000${f.category}`),
  ).length;
  const total = verdicts.length + missed;
  if (total === 0) return 1;
  const score = verdicts.reduce((s, v) => s + VERDICT_SCORE[v ?? 'unsure'], 0);
  return score / total;
};
