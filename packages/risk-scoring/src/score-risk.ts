import type { Finding, RiskLevel, Severity } from '@iac-review/core';
import type { Contribution, ResourceChange, RiskScore } from './types';
import { BUFFER_TYPES, DATA_STORE_TYPES, KEY_TYPES } from './rules/data-loss';

/** Points a finding is worth before multipliers. */
export const SEVERITY_POINTS: Record<Severity, number> = { info: 0, low: 3, medium: 8, high: 20, critical: 40 };
/** Minimum score once a finding of this severity exists (so one critical finding is a critical review). */
export const SEVERITY_FLOOR: Record<Severity, number> = { info: 0, low: 0, medium: 25, high: 50, critical: 75 };
/** Level thresholds on the 0–100 score. */
export const LEVEL_THRESHOLDS: [number, RiskLevel][] = [
  [75, 'critical'],
  [50, 'high'],
  [25, 'medium'],
  [0, 'low'],
];
/** Scale of the saturating curve: `score = 100 × (1 − e^(−points / SCALE))`. */
export const SATURATION = 60;

const CRITICAL_TYPES = new Set([...DATA_STORE_TYPES, ...KEY_TYPES, ...BUFFER_TYPES, 'aws_iam_role', 'aws_iam_policy', 'aws_cloudtrail', 'aws_security_group', 'aws_route53_zone', 'aws_vpc']);

type ActionKind = 'replace' | 'delete' | 'update' | 'create' | 'other';
export function actionKind(change: Pick<ResourceChange, 'actions'>): ActionKind {
  // One pass over the (one or two) actions: called for every change and finding of a review.
  const a = change.actions;
  let del = false;
  let create = false;
  let update = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x === 'delete') del = true;
    else if (x === 'create') create = true;
    else if (x === 'update') update = true;
  }
  if (del) return create ? 'replace' : 'delete';
  if (update) return 'update';
  return create ? 'create' : 'other';
}

/** Multiplier on a finding by the action on its resource: delete/replace ≫ update ≫ create. */
export const ACTION_WEIGHT: Record<ActionKind, number> = { replace: 1.5, delete: 1.5, update: 1.0, create: 0.8, other: 0.5 };
/** Points per change independent of findings (destroying things is risky even when no rule fires). */
export const ACTION_POINTS: Record<ActionKind, number> = { replace: 4, delete: 4, update: 0.5, create: 0.1, other: 0 };
/** Criticality multiplier: stateful, key, identity and perimeter resources. */
export const criticality = (type: string): number => (CRITICAL_TYPES.has(type) ? 1.25 : 1);

const round1 = (n: number): number => Math.round(n * 10) / 10;

export const levelFor = (score: number): RiskLevel => LEVEL_THRESHOLDS.find(([t]) => score >= t)?.[1] ?? 'low';

/**
 * Risk score 0–100 and level from findings and the actions in the plan, with the contributions
 * that produced it. See the package README for the formula and a worked example.
 */
export function scoreRisk(findings: readonly Finding[], changes: readonly ResourceChange[]): RiskScore {
  const byAddress = new Map<string, ResourceChange>();
  for (let i = 0; i < changes.length; i++) byAddress.set(changes[i]!.address, changes[i]!);
  const contributions: Contribution[] = [];
  let points = 0;

  // One contribution per rule: the sum over its findings (each weighted by its resource's action and criticality).
  type Agg = { ruleId: string; points: number; count: number; severity: Severity; address: string; kinds: Set<ActionKind> };
  const aggs: Agg[] = []; // in order of first finding
  const byRule = new Map<string, Map<Severity, Agg>>();
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    if (f.suppressed) continue; // an accepted risk (issue 17): in the review, not in the score
    const change = byAddress.get(f.resourceAddress);
    const kind = change ? actionKind(change) : 'create';
    const p = SEVERITY_POINTS[f.severity] * ACTION_WEIGHT[kind] * criticality(change?.type ?? '');
    if (p <= 0) continue;
    points += p;
    let bySeverity = byRule.get(f.ruleId);
    if (!bySeverity) byRule.set(f.ruleId, (bySeverity = new Map()));
    const agg = bySeverity.get(f.severity);
    if (agg) {
      agg.points += p;
      agg.count++;
      agg.kinds.add(kind);
    } else {
      const a: Agg = { ruleId: f.ruleId, points: p, count: 1, severity: f.severity, address: f.resourceAddress, kinds: new Set([kind]) };
      bySeverity.set(f.severity, a);
      aggs.push(a);
    }
  }
  for (const a of aggs) {
    const cut = a.ruleId.indexOf('\u0000'); // (reported up to a NUL, as when rules were keyed by "id NUL severity")
    const ruleId = cut < 0 ? a.ruleId : a.ruleId.slice(0, cut);
    const on = [...a.kinds].join('/');
    contributions.push(
      a.count === 1
        ? { kind: 'finding', points: round1(a.points), ruleId, resourceAddress: a.address, count: 1, detail: `${a.severity} ${ruleId} on a ${on}` }
        : { kind: 'finding', points: round1(a.points), ruleId, count: a.count, detail: `${a.count} × ${a.severity} ${ruleId} on ${on}s` },
    );
  }
  contributions.sort((x, y) => y.points - x.points);

  const counts: Record<ActionKind, number> = { replace: 0, delete: 0, update: 0, create: 0, other: 0 };
  let actionPoints = 0;
  let managed = 0;
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    if (c.mode !== 'managed') continue;
    const kind = actionKind(c);
    if (kind === 'other') continue;
    managed++;
    counts[kind]++;
    actionPoints += ACTION_POINTS[kind] * criticality(c.type);
  }
  if (actionPoints > 0) {
    const p = Math.min(actionPoints, 30);
    points += p;
    const parts = (['replace', 'delete', 'update', 'create'] as const).filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
    contributions.push({ kind: 'action', points: round1(p), detail: `actions: ${parts.join(', ')}${actionPoints > 30 ? ' (capped at 30)' : ''}` });
  }
  if (managed > 0) {
    const p = Math.min(10, 2 * Math.log2(1 + managed));
    points += p;
    contributions.push({ kind: 'blast-radius', points: round1(p), detail: `${managed} managed resources change` });
  }

  const curve = 100 * (1 - Math.exp(-points / SATURATION));
  let worst: Severity = 'info';
  for (let i = 0; i < findings.length; i++) if (!findings[i]!.suppressed && SEVERITY_FLOOR[findings[i]!.severity] > SEVERITY_FLOOR[worst]) worst = findings[i]!.severity;
  const floor = SEVERITY_FLOOR[worst];
  let riskScore = Math.round(curve);
  if (floor > riskScore) {
    contributions.push({ kind: 'severity-floor', points: floor - riskScore, detail: `a ${worst} finding sets the minimum score to ${floor}` });
    riskScore = floor;
  }
  riskScore = Math.max(0, Math.min(100, riskScore));
  return { riskScore, riskLevel: levelFor(riskScore), contributions };
}
