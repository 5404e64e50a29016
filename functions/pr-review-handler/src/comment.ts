import { RISK_LEVELS, SEVERITIES, type Finding, type RiskLevel, type Severity } from '@iac-review/core';
import { effectiveRiskLevel, findingId, type ReviewContent, type ReviewResultRecord } from '@iac-review/reviews';

/** Hidden marker of the one sticky comment per pull request (found again on every push). */
export const STICKY_MARKER = '<!-- iac-review:sticky -->';
/** Hidden marker of the inline review posted for one head SHA (one per push, never repeated). */
export const inlineMarker = (headSha: string): string => `<!-- iac-review:inline sha=${headSha} -->`;
/** The review version a sticky comment shows (so an older, late ReviewCompleted never overwrites a newer one). */
export const versionMarker = (reviewId: string, version: number): string => `<!-- iac-review:version id=${reviewId} v=${version} -->`;
export const shownVersion = (body: string): number | undefined => {
  const m = /<!-- iac-review:version id=\S+ v=(\d+) -->/.exec(body);
  return m?.[1] ? Number(m[1]) : undefined;
};

/** GitHub refuses comment bodies over 65536 characters. */
const MAX_BODY = 60_000;

export type FailOn = RiskLevel | 'never';

export interface CommentInput {
  reviewId: string;
  version: number;
  content: ReviewContent;
  /** The result of the previous push, when there was one. */
  previous?: { result: ReviewResultRecord; headSha?: string; riskLevel?: RiskLevel };
  /** Link to the review (dashboard or API), when configured. */
  reviewUrl?: string;
  /** The team policy: which file applied, and what the pull request's change to it would do. */
  policy?: string[];
}

const ICON: Record<RiskLevel, string> = { low: '🟢', medium: '🟡', high: '🟠', critical: '🔴' };
const short = (sha: string | undefined): string => (sha ? sha.slice(0, 7) : 'unknown');
const rank = (l: RiskLevel): number => RISK_LEVELS.indexOf(l);
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
/** Text from findings (model output, resource names) must not break out of the Markdown we build. */
const plain = (s: string): string => s.replace(/<!--|-->/g, '').replace(/\r?\n+/g, ' ').trim();

/** Whether the check fails: the effective risk is at or above the configured level. */
export const checkConclusion = (risk: RiskLevel | undefined, failOn: FailOn): 'success' | 'failure' | 'neutral' => {
  if (!risk) return 'neutral';
  if (failOn === 'never') return 'success';
  return rank(risk) >= rank(failOn) ? 'failure' : 'success';
};

export interface Delta {
  riskFrom?: RiskLevel;
  riskTo?: RiskLevel;
  scoreFrom: number;
  scoreTo: number;
  fixed: Finding[];
  added: Finding[];
}

/** What changed since the previous push: risk up/down, findings fixed and new (by `<ruleId>@<resource>`). */
export const diffResults = (previous: ReviewResultRecord, current: ReviewResultRecord, riskFrom?: RiskLevel, riskTo?: RiskLevel): Delta => {
  const before = new Map(previous.findings.map((f) => [findingId(f), f]));
  const after = new Map(current.findings.map((f) => [findingId(f), f]));
  return {
    riskFrom: riskFrom ?? previous.riskLevel,
    riskTo: riskTo ?? current.riskLevel,
    scoreFrom: previous.riskScore,
    scoreTo: current.riskScore,
    fixed: [...before].filter(([id]) => !after.has(id)).map(([, f]) => f),
    added: [...after].filter(([id]) => !before.has(id)).map(([, f]) => f),
  };
};

const findingLine = (f: Finding, dismissed: boolean): string => {
  const head = `- ${dismissed ? '~~' : ''}**${plain(f.title ?? f.ruleId)}** (${code(f.ruleId)}) on ${code(f.resourceAddress)}${dismissed ? '~~ _(dismissed)_' : ''}`;
  return `${head}\n  ${plain(f.message)}${f.remediation ? `\n  **Fix:** ${plain(f.remediation)}` : ''}`;
};

/** The sticky comment's Markdown. */
export const renderComment = (input: CommentInput): string => {
  const c = input.content;
  const r = c.result;
  const lines: string[] = [STICKY_MARKER, versionMarker(input.reviewId, input.version)];
  const headSha = c.external?.headSha;
  if (!r) {
    if (c.status === 'failed') {
      lines.push(`## ⚠️ IaC Review could not review commit ${code(short(headSha))}`, '', `> ${plain(c.failure?.reason ?? 'the input could not be reviewed')}`);
      lines.push('', 'Fix the Terraform so it parses, or post the plan of this commit (`review submit`) to have it reviewed from the plan.');
    } else {
      lines.push('## IaC Review', '', `No result for ${code(short(headSha))} yet.`);
    }
    const notes = c.inputNotes ?? [];
    if (notes.length > 0) lines.push('', `<details><summary>Not reviewed (${notes.length})</summary>`, '', ...notes.map((n) => `- ${plain(n)}`), '', '</details>');
    lines.push('', '---', `${input.reviewUrl ? `[View the review](${input.reviewUrl})` : `Review ${code(input.reviewId)}`} · version ${input.version} · updated in place on every push`);
    return lines.join('\n');
  }
  const risk = effectiveRiskLevel(c) ?? r.riskLevel;
  const fromPlan = c.input.kind === 'plan';
  lines.push(`## ${ICON[risk]} IaC Review: ${risk} risk (score ${r.riskScore}/100)`);
  const how = fromPlan ? '**reviewed from plan**' : 'reviewed from Terraform source (submit a plan for a more precise review)';
  const reviewer = r.reviewer.mode === 'rules+llm' ? 'rules + LLM' : `rules only${r.reviewer.degradedReason ? ` (LLM unavailable: ${plain(r.reviewer.degradedReason)})` : ''}`;
  lines.push('', `**Confidence:** ${Math.round(r.confidence * 100)}% · ${how} · commit ${code(short(headSha))} · ${reviewer}`);
  if (c.riskOverride) lines.push('', `Risk overridden to **${c.riskOverride.riskLevel}** by ${plain(c.riskOverride.actor)}: ${plain(c.riskOverride.comment)}`);
  if (r.summary) lines.push('', `> ${plain(r.summary)}`);

  if (input.previous) {
    const d = diffResults(input.previous.result, r, input.previous.riskLevel, risk);
    const arrow = d.riskFrom && d.riskTo ? (rank(d.riskTo) > rank(d.riskFrom) ? '⬆️ up' : rank(d.riskTo) < rank(d.riskFrom) ? '⬇️ down' : 'unchanged') : 'unchanged';
    lines.push('', `### Since the previous push (${code(short(input.previous.headSha))} → ${code(short(headSha))})`, '');
    lines.push(`- Risk: ${d.riskFrom ?? '?'} → ${d.riskTo ?? '?'} (${arrow}; score ${d.scoreFrom} → ${d.scoreTo})`);
    lines.push(`- Findings fixed: ${d.fixed.length}${d.fixed.length ? ` (${d.fixed.slice(0, 10).map((f) => `${code(f.ruleId)} on ${code(f.resourceAddress)}`).join(', ')}${d.fixed.length > 10 ? ', …' : ''})` : ''}`);
    lines.push(`- New findings: ${d.added.length}${d.added.length ? ` (${d.added.slice(0, 10).map((f) => `${code(f.ruleId)} on ${code(f.resourceAddress)}`).join(', ')}${d.added.length > 10 ? ', …' : ''})` : ''}`);
  }

  const dismissed = new Set(c.dismissedFindings);
  // Suppressed findings (accepted risks) are listed apart, after the others.
  const active = r.findings.filter((f) => !f.suppressed);
  const suppressed = r.findings.filter((f) => f.suppressed);
  lines.push('', `### Findings (${active.length})`);
  if (active.length === 0) lines.push('', 'No findings.');
  const bySeverity = [...SEVERITIES].reverse();
  let budget = MAX_BODY - lines.join('\n').length - 4_000;
  let omitted = 0;
  for (const s of bySeverity) {
    const group = active.filter((f) => f.severity === (s as Severity));
    if (group.length === 0) continue;
    lines.push('', `#### ${s[0]?.toUpperCase()}${s.slice(1)} (${group.length})`, '');
    for (const f of group) {
      const text = findingLine(f, dismissed.has(findingId(f)));
      if (text.length > budget) {
        omitted++;
        continue;
      }
      budget -= text.length + 1;
      lines.push(text);
    }
  }
  if (omitted > 0) lines.push('', `_${omitted} more finding(s) did not fit in this comment; see the full review._`);
  if (suppressed.length > 0) {
    lines.push('', `<details><summary>Suppressed (${suppressed.length}): accepted risks, not counted in the score</summary>`, '');
    for (const f of suppressed.slice(0, 50)) {
      const s = f.suppressed!;
      lines.push(`- ${code(f.ruleId)} on ${code(f.resourceAddress)} (${f.severity}): ${plain(s.reason)}${s.until ? ` · until ${s.until}` : ''}${s.by ? ` · by ${plain(s.by)}` : ''}${s.location ? ` · ${code(s.location)}` : ''}`);
    }
    if (suppressed.length > 50) lines.push(`- …and ${suppressed.length - 50} more`);
    lines.push('', '</details>');
  }
  if (input.policy && input.policy.length > 0) lines.push('', '### Team policy', '', ...input.policy.map((l) => (l.startsWith('- ') ? `- ${plain(l.slice(2))}` : plain(l))));

  const notes = c.inputNotes ?? [];
  if (notes.length > 0) {
    lines.push('', `<details><summary>Not reviewed (${notes.length})</summary>`, '', ...notes.map((n) => `- ${plain(n)}`), '', '</details>');
  }
  lines.push('', '---', `${input.reviewUrl ? `[View the review](${input.reviewUrl})` : `Review ${code(input.reviewId)}`} · version ${input.version} · updated in place on every push`);
  return lines.join('\n');
};
