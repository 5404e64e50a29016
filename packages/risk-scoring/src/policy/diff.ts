import type { Finding } from '@iac-review/core';
import type { LoadedConfig, PolicyConfig } from './config';
import { applyPolicy } from './apply';

const stable = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

/**
 * What a pull request's change to the policy file would do, in sentences for the PR comment. The
 * review itself always uses the base branch's policy; this only describes the head's, including
 * how many of this review's findings its suppressions, disabled rules and overrides would affect.
 * `head` is a string when the head's file does not parse or validate (the error, one line).
 */
export function policyDiff(base: LoadedConfig | undefined, head: LoadedConfig | string | undefined, findings: readonly Finding[], today?: string): string[] {
  if (typeof head === 'string') return [`The pull request's policy file is invalid and would not load: ${head}`];
  if (!base && !head) return [];
  const b: PolicyConfig = base?.config ?? {};
  const h: PolicyConfig = head?.config ?? {};
  if (stable(b) === stable(h)) return [];
  const out: string[] = [];
  if (!head) out.push(`The pull request deletes ${base!.file}: its rule overrides, suppressions and custom rules would no longer apply.`);
  if (!base) out.push(`The pull request adds ${head!.file}.`);
  if (b.failOn !== h.failOn) out.push(`failOn would change from ${b.failOn ?? 'the default'} to ${h.failOn ?? 'the default'}.`);
  for (const id of new Set([...Object.keys(b.rules ?? {}), ...Object.keys(h.rules ?? {})])) {
    const x = b.rules?.[id];
    const y = h.rules?.[id];
    if (stable(x) === stable(y)) continue;
    const affected = findings.filter((f) => f.ruleId === id).length;
    const what = !y ? 'back to its default' : y.disabled ? 'disabled' : `severity ${y.severity}`;
    out.push(`Rule ${id} would be ${what}${y ? ` (reason: ${y.reason})` : ''}; ${affected} finding(s) of this review come from it.`);
  }
  const key = (s: { rule: string; resource: string }): string => `${s.rule}\u0000${s.resource}`;
  const baseSup = new Map((b.suppressions ?? []).map((s) => [key(s), s]));
  const headSup = new Map((h.suppressions ?? []).map((s) => [key(s), s]));
  const added = [...headSup.values()].filter((s) => stable(baseSup.get(key(s))) !== stable(s));
  const removed = [...baseSup.values()].filter((s) => !headSup.has(key(s)));
  if (added.length > 0 && head) {
    // Each added/changed entry alone: how many active findings of this review it would silence.
    const active = findings.filter((f) => !f.suppressed);
    for (const s of added) {
      const probe = applyPolicy(active.slice(), [], { config: { file: head.file, config: { suppressions: [s] }, suppressionLines: [0], ruleLines: {} }, inline: false, ...(today ? { today } : {}) });
      const expired = probe.stats.expired.length > 0 && probe.stats.suppressed === 0;
      out.push(`Suppression ${s.rule} on ${s.resource} (until ${s.expires}, reason: ${s.reason}) would be ${baseSup.has(key(s)) ? 'changed' : 'added'}; it would silence ${probe.stats.suppressed} finding(s) of this review${expired ? ' (it has already expired)' : ''}.`);
    }
  }
  for (const s of removed) out.push(`Suppression ${s.rule} on ${s.resource} would be removed.`);
  const bc = new Map((b.customRules ?? []).map((r) => [r.id, r]));
  const hc = new Map((h.customRules ?? []).map((r) => [r.id, r]));
  for (const [id, r] of hc) if (stable(bc.get(id)) !== stable(r)) out.push(`Custom rule CUSTOM-${id} would be ${bc.has(id) ? 'changed' : 'added'} (${r.severity}, ${r.resourceTypes.join(', ')}).`);
  for (const id of bc.keys()) if (!hc.has(id)) out.push(`Custom rule CUSTOM-${id} would be removed.`);
  if (stable(b.paths) !== stable(h.paths)) out.push(`The reviewed paths would change (include: ${(h.paths?.include ?? ['all']).join(', ')}; exclude: ${(h.paths?.exclude ?? ['none']).join(', ')}).`);
  if (out.length === 0) out.push('The pull request changes the policy file without changing what it does.');
  return out;
}
