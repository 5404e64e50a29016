import type { ReviewResult } from '../types';

const LABEL: Record<string, string> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFO' };

/** Plain text for people in a terminal. */
export function renderText(result: ReviewResult): string {
  const lines: string[] = [];
  lines.push(`IaC Review: risk ${result.riskLevel.toUpperCase()} ${result.riskScore}/100, confidence ${result.confidence.toFixed(2)}`);
  lines.push(result.summary);
  lines.push('');
  if (result.findings.length === 0) lines.push('No findings.');
  for (const f of result.findings) {
    lines.push(`${(LABEL[f.severity] ?? f.severity).padEnd(8)} ${f.ruleId.padEnd(9)} ${f.resourceAddress}`);
    lines.push(`         ${f.title ? `${f.title}: ` : ''}${f.message}`);
    lines.push(`         fix: ${f.remediation}`);
  }
  lines.push('');
  lines.push('Score contributions:');
  for (const c of result.contributions) lines.push(`  +${c.points.toString().padEnd(5)} ${c.detail}${c.resourceAddress ? ` (${c.resourceAddress})` : ''}`);
  return `${lines.join('\n')}\n`;
}
