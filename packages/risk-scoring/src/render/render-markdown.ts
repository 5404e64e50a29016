import { SEVERITIES } from '@iac-review/core';
import type { ReviewResult } from '../types';

const ICON: Record<string, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵', info: '⚪' };

/** Escapes text for a Markdown table cell / inline context (no HTML, no pipes, no line breaks). */
export const escapeMarkdown = (s: string): string =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/([`*_[\]<>|#~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');

export interface MarkdownOptions {
  /** Most findings listed in the table (GitHub comments stop at 65 536 characters). */
  maxFindings?: number;
}

/** The pull-request comment body. */
export function renderMarkdown(result: ReviewResult, options: MarkdownOptions = {}): string {
  const max = options.maxFindings ?? 50;
  const out: string[] = [];
  out.push(`## IaC Review: ${ICON[result.riskLevel] ?? ''} ${result.riskLevel} risk (${result.riskScore}/100)`);
  out.push('');
  out.push(`${escapeMarkdown(result.summary)} Confidence **${result.confidence.toFixed(2)}**.`);
  out.push('');
  const active = result.findings.filter((f) => !f.suppressed);
  const suppressed = result.findings.filter((f) => f.suppressed);
  if (active.length === 0) {
    out.push('No findings. ✅');
  } else {
    const counts = [...SEVERITIES].reverse().filter((s) => result.stats.bySeverity[s] > 0).map((s) => `${ICON[s]} ${result.stats.bySeverity[s]} ${s}`);
    out.push(counts.join(' · '));
    out.push('');
    out.push('| Severity | Rule | Resource | Finding | Fix |');
    out.push('|---|---|---|---|---|');
    for (const f of active.slice(0, max)) {
      out.push(`| ${ICON[f.severity]} ${f.severity} | \`${f.ruleId}\` | \`${f.resourceAddress.replace(/`/g, "'")}\` | ${escapeMarkdown(f.message)} | ${escapeMarkdown(f.remediation)} |`);
    }
    if (active.length > max) out.push('', `…and ${active.length - max} more findings (see the full review).`);
  }
  if (suppressed.length > 0) {
    out.push('');
    out.push(`<details><summary>Suppressed findings (${suppressed.length}): accepted risks, not counted in the score</summary>`);
    out.push('');
    out.push('| Severity | Rule | Resource | Reason | Until | Where |');
    out.push('|---|---|---|---|---|---|');
    for (const f of suppressed.slice(0, max)) {
      const s = f.suppressed!;
      out.push(`| ${f.severity} | \`${f.ruleId}\` | \`${f.resourceAddress.replace(/`/g, "'")}\` | ${escapeMarkdown(s.reason)}${s.by ? ` (${escapeMarkdown(s.by)})` : ''} | ${s.until ?? '—'} | ${s.location ? escapeMarkdown(s.location) : s.kind} |`);
    }
    if (suppressed.length > max) out.push('', `…and ${suppressed.length - max} more suppressed findings.`);
    out.push('');
    out.push('</details>');
  }
  const p = result.stats.policy;
  if (p && (p.disabledRules.length || p.severityOverrides.length || p.excluded)) {
    out.push('');
    out.push(`Policy${p.config ? ` (\`${p.config}\`)` : ''}: ${[
      ...p.disabledRules.map((d) => `\`${d.ruleId}\` disabled (${escapeMarkdown(d.reason)})`),
      ...p.severityOverrides.map((o) => `\`${o.ruleId}\` → ${o.severity} (${escapeMarkdown(o.reason)})`),
      ...(p.excluded ? [`${p.excluded} finding(s) outside the configured paths left out`] : []),
    ].join('; ')}.`);
  }
  out.push('');
  out.push('<details><summary>How the score was computed</summary>');
  out.push('');
  for (const c of result.contributions) out.push(`- +${c.points} ${escapeMarkdown(c.detail)}${c.resourceAddress ? ` (\`${c.resourceAddress.replace(/`/g, "'")}\`)` : ''}`);
  out.push('');
  out.push(`Confidence factors: ${result.stats.confidenceFactors.map((f) => `${f.name} ×${f.factor}`).join(', ')}.`);
  out.push('');
  out.push('</details>');
  return `${out.join('\n')}\n`;
}
