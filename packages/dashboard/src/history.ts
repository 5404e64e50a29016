import type { ReviewVersion } from './api';

/** What a version changed, in words, from the version before it. */
export const describeChange = (v: ReviewVersion, previous: ReviewVersion | undefined): string[] => {
  const out: string[] = [];
  const c = v.review;
  const p = previous?.review;
  if (!p) out.push(`submitted${c.source ? ` via ${c.source}` : ''}`);
  if (p && p.status !== c.status) out.push(`status ${p.status} → ${c.status}`);
  if (c.result && (!p?.result || p.result.riskScore !== c.result.riskScore)) out.push(`scored ${Math.round(c.result.riskScore)} (${c.result.riskLevel}), ${c.result.findings.length} findings`);
  const newFeedback = (c.feedback ?? []).slice(p?.feedback?.length ?? 0);
  for (const f of newFeedback) {
    if (f.action === 'dismiss-finding') out.push(`dismissed ${f.findingId ?? 'a finding'}`);
    else if (f.action === 'override-risk') out.push(`risk overridden to ${f.riskLevel ?? '?'}`);
    else if (f.action === 'acknowledge') out.push('acknowledged');
    else out.push('reopened');
  }
  if (c.failure && !p?.failure) out.push(`failed: ${c.failure.reason}`);
  return out;
};
