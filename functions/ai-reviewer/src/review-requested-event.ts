import { EVENT_SOURCE, REVIEW_REQUESTED, type ReviewRequestedDetail } from '@iac-review/reviews';

/** The EventBridge envelope Lambda receives for a ReviewRequested event. */
export interface ReviewRequestedEvent {
  version: string;
  id: string;
  'detail-type': typeof REVIEW_REQUESTED;
  source: typeof EVENT_SOURCE;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: ReviewRequestedDetail;
}

export type ParsedEvent = { ok: true; event: ReviewRequestedEvent } | { ok: false; problems: string[] };

/** Review ids are opaque, but they go into keys and logs: keep them short and printable. */
const REVIEW_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const INPUT_KINDS = new Set(['plan', 'hcl', 'spacelift-changes', 'spacelift-run']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a Lambda event at the edge: an EventBridge envelope from `iac-review` with detail-type
 * ReviewRequested and a well-formed {@link ReviewRequestedDetail}. Returns every problem found
 * (never throws), so a malformed event can be logged and dropped instead of retried forever.
 */
export const parseReviewRequestedEvent = (event: unknown): ParsedEvent => {
  const problems: string[] = [];
  if (!isRecord(event)) return { ok: false, problems: ['event is not an object'] };
  if (event.source !== EVENT_SOURCE) problems.push(`source must be "${EVENT_SOURCE}"`);
  if (event['detail-type'] !== REVIEW_REQUESTED) problems.push(`detail-type must be "${REVIEW_REQUESTED}"`);
  if (typeof event.id !== 'string' || event.id === '') problems.push('id must be a non-empty string');
  const d = event.detail;
  if (!isRecord(d)) {
    problems.push('detail must be an object');
  } else {
    if (typeof d.reviewId !== 'string' || !REVIEW_ID.test(d.reviewId)) problems.push('detail.reviewId must be 1-128 characters [A-Za-z0-9._:-]');
    if (typeof d.version !== 'number' || !Number.isSafeInteger(d.version) || d.version < 1) problems.push('detail.version must be a positive integer');
    if (typeof d.source !== 'string' || d.source === '') problems.push('detail.source must be a non-empty string');
    if (typeof d.inputKind !== 'string' || !INPUT_KINDS.has(d.inputKind)) problems.push('detail.inputKind must be "plan", "hcl", "spacelift-changes" or "spacelift-run"');
  }
  if (problems.length > 0 || !isRecord(d)) return { ok: false, problems };
  const detail: ReviewRequestedDetail = {
    reviewId: d.reviewId as string,
    version: d.version as number,
    source: d.source as string,
    inputKind: d.inputKind as ReviewRequestedDetail['inputKind'],
  };
  return {
    ok: true,
    event: {
      version: typeof event.version === 'string' ? event.version : '0',
      id: event.id as string,
      'detail-type': REVIEW_REQUESTED,
      source: EVENT_SOURCE,
      account: typeof event.account === 'string' ? event.account : '',
      time: typeof event.time === 'string' ? event.time : '',
      region: typeof event.region === 'string' ? event.region : '',
      resources: Array.isArray(event.resources) ? event.resources.filter((r): r is string => typeof r === 'string') : [],
      detail,
    },
  };
};
