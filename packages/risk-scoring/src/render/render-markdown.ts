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
  if (result.findings.length === 0) {
    out.push('No findings. ✅');
  } else {
    const counts = [...SEVERITIES].reverse().filter((s) => result.stats.bySeverity[s] > 0).map((s) => `${ICON[s]} ${result.stats.bySeverity[s]} ${s}`);
    out.push(counts.join(' · '));
    out.push('');
    out.push('| Severity | Rule | Resource | Finding | Fix |');
    out.push('|---|---|---|---|---|');
    for (const f of result.findings.slice(0, max)) {
      out.push(`| ${ICON[f.severity]} ${f.severity} | \`${f.ruleId}\` | \`${f.resourceAddress.replace(/`/g, "'")}\` | ${escapeMarkdown(f.message)} | ${escapeMarkdown(f.remediation)} |`);
    }
    if (result.findings.length > max) out.push('', `…and ${result.findings.length - max} more findings (see the full review).`);
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
