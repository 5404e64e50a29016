/** Event types on the review bus (EventBridge detail-type). */
export const REVIEW_REQUESTED = 'ReviewRequested';
export const REVIEW_COMPLETED = 'ReviewCompleted';
/** EventBridge `source` of every event this system emits. */
export const EVENT_SOURCE = 'iac-review';

export interface ReviewRequestedDetail {
  reviewId: string;
  /** The version holding the submission to review. */
  version: number;
  source: string;
  /** `pull-request`: the input must first be fetched from GitHub (pr-review-handler), then it is requested again as `hcl`. */
  inputKind: 'plan' | 'hcl' | 'pull-request' | 'spacelift-changes' | 'spacelift-run';
}

export interface ReviewCompletedDetail {
  reviewId: string;
  version: number;
  status: string;
  riskLevel?: string;
  riskScore?: number;
  source: string;
  repository?: string;
  stack?: string;
  external?: Record<string, string>;
}

export interface BusEvent {
  detailType: string;
  detail: object;
}

/** Port: puts events on the review bus (EventBridge in AWS; the local stack's bus locally). */
export interface EventPublisher {
  publish(events: BusEvent[]): Promise<void>;
}
