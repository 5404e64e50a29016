import type { Finding } from '@iac-review/core';
import type { ResourceChange } from '../types';
import { rules as catalogue } from './catalogue';
import type { Rule } from './rule';
import { ResourceView } from './resource-view';
import { ChangeIndex } from './context';

export interface RuleEvaluation {
  findings: Finding[];
  /** Rule checks run, and how many could not decide because a value they needed was unknown. */
  checks: { total: number; undetermined: number };
  /** Changes the rules looked at (creates/updates for config rules, deletes/replacements for delete rules). */
  analysed: number;
  /** Analysed changes whose type at least one rule covers. */
  covered: number;
}

type Index = { byType: Map<string, Rule[]>; any: Rule[]; withAny: Map<string, Rule[]> };
const indexes = new WeakMap<readonly Rule[], Index>();

function indexOf(list: readonly Rule[]): Index {
  let idx = indexes.get(list);
  if (!idx) {
    idx = { byType: new Map(), any: [], withAny: new Map() };
    for (const r of list) {
      for (const t of r.resourceTypes) {
        if (t === '*') idx.any.push(r);
        else idx.byType.set(t, [...(idx.byType.get(t) ?? []), r]);
      }
    }
    for (const [t, rs] of idx.byType) idx.withAny.set(t, [...rs, ...idx.any]);
    indexes.set(list, idx);
  }
  return idx;
}

const MAX_MESSAGE = 2000;

const finding = (rule: Rule, resourceAddress: string, message: string): Finding => ({
  ruleId: rule.id,
  title: rule.title,
  severity: rule.severity,
  category: rule.category,
  resourceAddress,
  message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message,
  remediation: rule.remediation,
  source: 'rule',
  references: rule.references.length <= 10 ? rule.references : rule.references.slice(0, 10),
});

/** Runs every applicable rule over the changes; returns findings plus the bookkeeping confidence needs. */
export function runRules(changes: readonly ResourceChange[], list: readonly Rule[] = catalogue): RuleEvaluation {
  const idx = indexOf(list);
  const findings: Finding[] = [];
  let total = 0;
  let undetermined = 0;
  let analysed = 0;
  let covered = 0;
  const context = new ChangeIndex(changes);
  for (let c = 0; c < changes.length; c++) {
    const change = changes[c]!;
    const acts = change.actions;
    const deleting = acts.includes('delete');
    const configuring = change.after !== null && (acts.includes('create') || acts.includes('update') || (change.mode === 'data' && change.source === 'hcl' && acts.includes('read')));
    if (!deleting && !configuring) continue;
    analysed++;
    // withAny has an entry for exactly the types some rule names (byType's keys).
    const typed = idx.withAny.get(change.type);
    if (typed) covered++;
    const applicable = typed ?? idx.any;
    let view: ResourceView | undefined;
    for (let r = 0; r < applicable.length; r++) {
      const rule = applicable[r]!;
      if (rule.on === 'config' ? !configuring : !deleting) continue;
      if (rule.resourceTypes[0] === '*' && change.mode === 'data') continue;
      if (!view) {
        view = new ResourceView(change);
        view.context = context;
      }
      view.undetermined = false;
      total++;
      const result = rule.check(view);
      if (view.undetermined && !result) undetermined++;
      if (!result) continue;
      if (typeof result === 'string') findings.push(finding(rule, change.address, result));
      else for (let m = 0; m < result.length; m++) findings.push(finding(rule, change.address, result[m]!));
    }
  }
  return { findings, checks: { total, undetermined }, analysed, covered };
}

/** Findings of every applicable rule (`source: 'rule'`). */
export function evaluateRules(changes: readonly ResourceChange[], list: readonly Rule[] = catalogue): Finding[] {
  return runRules(changes, list).findings;
}
