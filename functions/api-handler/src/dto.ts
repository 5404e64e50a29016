import type { Head, Version } from '@iac-review/dynamo-versioning';
import { findingId, type ReviewContent } from '@iac-review/reviews';

export const reviewLinks = (id: string, version?: number) => ({
  self: `/reviews/${encodeURIComponent(id)}${version ? `/versions/${version}` : ''}`,
  review: `/reviews/${encodeURIComponent(id)}`,
  versions: `/reviews/${encodeURIComponent(id)}/versions`,
  feedback: `/reviews/${encodeURIComponent(id)}/feedback`,
});

/** One version as the API shows it: storage internals (blob keys) left out, dismissed findings marked. */
export const versionDto = (v: Version<ReviewContent>) => {
  const { input, ...rest } = v.content;
  const dismissed = new Set(rest.dismissedFindings);
  const review = {
    ...rest,
    input: { kind: input.kind, size: input.size, sha256: input.sha256 },
    ...(rest.result
      ? { result: { ...rest.result, findings: rest.result.findings.map((f) => ({ ...f, id: findingId(f), dismissed: dismissed.has(findingId(f)) })) } }
      : {}),
  };
  return {
    id: v.id,
    version: v.version,
    ...(v.previousVersion !== null ? { previousVersion: v.previousVersion } : {}),
    createdAt: v.createdAt,
    actor: v.actor,
    reason: v.reason,
    hash: v.hash,
    ...(v.previousHash !== null ? { previousHash: v.previousHash } : {}),
    review,
    links: reviewLinks(v.id, v.version),
  };
};

export const summaryDto = (h: Head) => {
  const a = h.attributes ?? {};
  return {
    id: h.id,
    version: h.latestVersion,
    status: h.status,
    source: h.source,
    ...(typeof a.title === 'string' ? { title: a.title } : {}),
    ...(typeof a.repository === 'string' ? { repository: a.repository } : {}),
    ...(typeof a.stack === 'string' ? { stack: a.stack } : {}),
    ...(h.riskLevel ? { riskLevel: h.riskLevel } : {}),
    ...(typeof a.riskScore === 'number' ? { riskScore: a.riskScore } : {}),
    ...(typeof a.confidence === 'number' ? { confidence: a.confidence } : {}),
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
    links: reviewLinks(h.id),
  };
};

/** `"3"`, `W/"3"` or `3` → 3; anything else is a 400 from the caller. */
export const parseIfMatch = (value: string | undefined): number | undefined | 'invalid' => {
  if (value === undefined || value.trim() === '' || value.trim() === '*') return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(value.trim());
  return m?.[1] ? Number(m[1]) : 'invalid';
};
