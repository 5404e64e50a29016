import type { ReviewRequestedDetail } from '@iac-review/reviews';

/** The EventBridge envelope Lambda receives for a ReviewRequested detail. */
export const reviewRequested = (detail: ReviewRequestedDetail, id = 'evt-0001') => ({
  version: '0',
  id,
  'detail-type': 'ReviewRequested',
  source: 'iac-review',
  account: '123456789012',
  time: '2026-11-25T12:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail,
});

/** A Lambda context whose remaining time counts down from `ms`. */
export const lambdaContext = (ms = 60_000) => {
  const until = Date.now() + ms;
  return { awsRequestId: 'req-1', functionName: 'ai-reviewer', getRemainingTimeInMillis: () => until - Date.now() };
};
