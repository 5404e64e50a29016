import type { ReviewResult } from '../types';

const LABEL: Record<string, string> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFO' };

/** Plain text for people in a terminal. */
export function renderText(result: ReviewResult): string {
  const lines: string[] = [];
  lines.push(`IaC Review: risk ${result.riskLevel.toUpperCase()} ${result.riskScore}/100, confidence ${result.confidence.toFixed(2)}`);
  lines.push(result.summary);
  lines.push('');
  const active = result.findings.filter((f) => !f.suppressed);
  const suppressed = result.findings.filter((f) => f.suppressed);
  if (active.length === 0) lines.push('No findings.');
  for (const f of active) {
    lines.push(`${(LABEL[f.severity] ?? f.severity).padEnd(8)} ${f.ruleId.padEnd(9)} ${f.resourceAddress}`);
    lines.push(`         ${f.title ? `${f.title}: ` : ''}${f.message}`);
    lines.push(`         fix: ${f.remediation}`);
  }
  if (suppressed.length > 0) {
    lines.push('');
    lines.push(`Suppressed (${suppressed.length}, accepted risks; not in the score):`);
    for (const f of suppressed) {
      const s = f.suppressed!;
      lines.push(`${(LABEL[f.severity] ?? f.severity).padEnd(8)} ${f.ruleId.padEnd(9)} ${f.resourceAddress}`);
      lines.push(`         ${f.title ? `${f.title}: ` : ''}${f.message}`);
      lines.push(`         suppressed: ${s.reason}${s.until ? ` (until ${s.until})` : ''}${s.by ? ` by ${s.by}` : ''}${s.location ? ` [${s.location}]` : ''}`);
    }
  }
  const p = result.stats.policy;
  if (p && (p.disabledRules.length || p.severityOverrides.length || p.excluded)) {
    lines.push('');
    lines.push(`Policy${p.config ? ` (${p.config})` : ''}:`);
    for (const d of p.disabledRules) lines.push(`  ${d.ruleId} disabled: ${d.reason}`);
    for (const o of p.severityOverrides) lines.push(`  ${o.ruleId} severity ${o.severity}: ${o.reason}`);
    if (p.excluded) lines.push(`  ${p.excluded} finding(s) on files outside the configured paths left out`);
  }
  lines.push('');
  lines.push('Score contributions:');
  for (const c of result.contributions) lines.push(`  +${c.points.toString().padEnd(5)} ${c.detail}${c.resourceAddress ? ` (${c.resourceAddress})` : ''}`);
  return `${lines.join('\n')}\n`;
}
