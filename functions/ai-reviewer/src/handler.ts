import type { BedrockReviewer } from '@iac-review/bedrock-service';
import { VersionNotFoundError, type Version } from '@iac-review/dynamo-versioning';
import type { LambdaContextLike, Logger } from '@iac-review/logger';
import type { ReviewContent, ReviewService } from '@iac-review/reviews';
import { InputError, loadHcl, normalisePlan, reviewChanges, rules, type Contribution, type HclCoverage, type PolicyOptions, type ResourceChange, type SourceInput } from '@iac-review/risk-scoring/engine';
import { changedAddresses, withHistory } from './history-calibration';
import { countReviewable, toLlmChanges } from './llm-changes';
import { buildReviewOutcome, type LlmOutcome } from './review-outcome';
import { parseReviewRequestedEvent } from './review-requested-event';
import { ruleCatalogueSummary } from './rule-catalogue-summary';
import { normaliseSpaceliftInput, withInputDegradation, type InputDegradation, type SpaceliftChangesPort } from './spacelift-input';

/** The review domain operations the reviewer needs (createReviewService / createAwsReviewService). */
export type ReviewsPort = Pick<ReviewService, 'get' | 'loadInput' | 'complete' | 'fail'>;

/** The LLM half (createBedrockReviewer); it reports model problems in its result instead of throwing. */
export type LlmReviewerPort = Pick<BedrockReviewer, 'review' | 'promptVersion'> & { readonly config: { readonly modelId: string } };

/**
 * Port: a short text about earlier reviews of the same repository/stack, for the model's narrative
 * (historical-analysis will provide it). Optional; failures only mean the model sees no history.
 */
export interface HistoricalContextPort {
  contextFor(review: { reviewId: string; content: ReviewContent }): Promise<string | undefined>;
  /** Explained risk contributions from outcomes (a changed resource's recent applies failed); [] when none. */
  calibrate?(review: { reviewId: string; content: ReviewContent; changedAddresses: readonly string[] }): Promise<Contribution[]>;
}

export type LlmSetting = { enabled: true; reviewer: LlmReviewerPort } | { enabled: false; reason: string };

export interface Deps {
  reviews: ReviewsPort;
  logger: Logger;
  llm: LlmSetting;
  history?: HistoricalContextPort;
  /** Kept back from the Lambda's remaining time for writing the version and emitting ReviewCompleted. */
  storeReserveMs: number;
  /** Actor recorded on the versions this function writes. */
  actor?: string;
  /** Fetches a Spacelift run's changes when its webhook carried none (unset: such reviews complete degraded). */
  spacelift?: SpaceliftChangesPort;
}

export type HandlerOutcome =
  | { outcome: 'completed'; reviewId: string; version: number; status: 'completed' | 'completed-degraded' }
  | { outcome: 'duplicate'; reviewId: string; version: number; status: string }
  | { outcome: 'rejected'; problems: string[] }
  | { outcome: 'not-found'; reviewId: string }
  | { outcome: 'superseded'; reviewId: string; requestedVersion: number }
  | { outcome: 'invalid-input'; reviewId: string; reason: string };

const DEFAULT_ACTOR = 'ai-reviewer';

/**
 * Builds the ReviewRequested handler. Permanent problems (malformed event, unknown review, input
 * that is not a plan/HCL) are logged with a metric and return normally, so EventBridge/Lambda do not
 * retry them forever; transient ones (DynamoDB throttled, S3 or the bus unavailable) throw, so Lambda
 * retries and finally dead-letters the event.
 */
export const createHandler = (deps: Deps) => {
  const actor = deps.actor ?? DEFAULT_ACTOR;
  const catalogue = ruleCatalogueSummary(rules);
  const log = deps.logger;

  const count = (name: string, properties: Record<string, unknown> = {}): void => log.metrics([{ name, value: 1 }], undefined, properties);

  const normalise = async (reviews: ReviewsPort, content: ReviewContent): Promise<{ inputKind: 'plan' | 'hcl'; changes: ResourceChange[]; hcl?: HclCoverage; degraded?: InputDegradation; note?: string; policy?: PolicyOptions; source?: SourceInput }> => {
    const input = await reviews.loadInput(content);
    // The raw input goes along as `source`: provider blocks and variable defaults are checked for literal
    // secrets from it (they are not resource changes).
    if (input.kind === 'plan') {
      const changes = normalisePlan(input.plan);
      const source: SourceInput = { kind: 'plan', plan: input.plan };
      if (!input.policyFiles?.length) return { inputKind: 'plan', changes, source };
      // A pull request's plan carries the base branch's policy file (pr-review-handler put it there,
      // never the head's): applied as for source. The policy reader loads only for such plans.
      const { policyFromFiles } = await loadHcl();
      const { policy, error } = policyFromFiles(input.policyFiles);
      if (error) log.warn('policy file is invalid; reviewed without it', { error });
      return { inputKind: 'plan', changes, policy, source };
    }
    if (input.kind === 'spacelift-changes' || input.kind === 'spacelift-run') return normaliseSpaceliftInput(input, deps.spacelift);
    // The HCL parser/evaluator and the policy file reader are loaded on the first review of Terraform
    // source (loadHcl): a cold start that reviews a plan never initialises them.
    const { evaluateHcl, policyFromFiles } = await loadHcl();
    // Caller variables (the API's `variables`) win over defaults and .tfvars files, as with `terraform plan -var`.
    const hcl = evaluateHcl(input.files, input.variables ? { variables: input.variables } : {});
    // The repository's policy (issue 17): a root .iac-review.yml among the files (for a pull request,
    // the base branch's, put there by pr-review-handler) and the inline iac-review:ignore comments.
    const { policy, error } = policyFromFiles(input.files);
    if (error) log.warn('policy file is invalid; reviewed without it (inline suppressions still apply)', { error });
    return { inputKind: 'hcl', changes: hcl.changes, hcl: hcl.coverage, policy, source: { kind: 'hcl', files: input.files } };
  };

  const historyFor = async (reviewId: string, content: ReviewContent): Promise<string | undefined> => {
    if (!deps.history) return undefined;
    try {
      return await deps.history.contextFor({ reviewId, content });
    } catch (err) {
      log.warn('historical context unavailable; reviewing without it', { reviewId, error: err });
      return undefined;
    }
  };

  const askModel = async (
    reviewId: string,
    content: ReviewContent,
    changes: ResourceChange[],
    ruleFindings: ReturnType<typeof reviewChanges>['findings'],
    context: LambdaContextLike,
  ): Promise<LlmOutcome> => {
    if (!deps.llm.enabled) return { kind: 'disabled', reason: deps.llm.reason };
    const reviewer = deps.llm.reviewer;
    const reviewable = countReviewable(changes);
    const remaining = context.getRemainingTimeInMillis;
    const historicalContext = await historyFor(reviewId, content);
    try {
      const result = await reviewer.review(
        {
          changes: toLlmChanges(changes),
          ruleFindings,
          ruleCatalogueSummary: catalogue,
          ...(historicalContext !== undefined ? { historicalContext } : {}),
        },
        remaining ? { deadline: () => remaining.call(context) - deps.storeReserveMs } : {},
      );
      return { kind: 'reviewed', result, reviewable };
    } catch (err) {
      log.error('the LLM reviewer failed unexpectedly; completing with rules only', { reviewId, error: err });
      return {
        kind: 'crashed',
        reason: err instanceof Error ? err.message : String(err),
        modelId: reviewer.config.modelId,
        promptVersion: reviewer.promptVersion,
        reviewable,
      };
    }
  };

  const calibrationFor = async (reviewId: string, content: ReviewContent, changed: readonly string[]): Promise<Contribution[]> => {
    if (!deps.history?.calibrate) return [];
    try {
      return await deps.history.calibrate({ reviewId, content, changedAddresses: changed });
    } catch (err) {
      log.warn('history calibration unavailable; scoring without it', { reviewId, error: err });
      return [];
    }
  };

  /** A re-delivered event: the submission already has a result. Announce it again, write nothing. */
  const reannounce = async (reviewId: string, requestedVersion: number, latest: Version<ReviewContent>): Promise<HandlerOutcome> => {
    const existing = latest.content.result;
    if (!existing) throw new Error('reannounce needs a result');
    const { reviewedVersion: _v, reviewedAt: _a, ...result } = existing;
    const { version, created } = await deps.reviews.complete(reviewId, {
      requestedVersion,
      result,
      status: latest.content.status === 'completed-degraded' ? 'completed-degraded' : 'completed',
      actor,
      latest,
    });
    if (created) throw new Error(`re-delivery of ${reviewId} v${requestedVersion} unexpectedly wrote version ${version.version}`);
    log.info('re-delivered ReviewRequested: already reviewed, announced again', { reviewId, requestedVersion, version: version.version });
    log.audit({ action: 'review.complete', actor, resource: `review/${reviewId}`, outcome: 'duplicate', requestedVersion, version: version.version });
    count('ReviewRequestDuplicates');
    return { outcome: 'duplicate', reviewId, version: version.version, status: version.content.status };
  };

  return async (event: unknown, context: LambdaContextLike): Promise<HandlerOutcome> => {
    const parsed = parseReviewRequestedEvent(event);
    if (!parsed.ok) {
      log.error('malformed ReviewRequested event dropped (not retried)', { problems: parsed.problems });
      count('ReviewEventsRejected');
      return { outcome: 'rejected', problems: parsed.problems };
    }
    const { reviewId, version: requestedVersion } = parsed.event.detail;
    const started = Date.now();

    let latest: Version<ReviewContent>;
    try {
      latest = await deps.reviews.get(reviewId);
    } catch (err) {
      if (!(err instanceof VersionNotFoundError)) throw err;
      log.error('ReviewRequested for a review that does not exist; dropped', { reviewId, requestedVersion, eventId: parsed.event.id });
      count('ReviewEventsRejected', { reason: 'not-found' });
      return { outcome: 'not-found', reviewId };
    }
    if (latest.version < requestedVersion) {
      // The event names a version the store does not show yet: retry rather than review stale data.
      throw new Error(`review ${reviewId} is at version ${latest.version}, the event asks for ${requestedVersion}; retrying`);
    }
    const done = latest.content.result;
    if (done && done.reviewedVersion >= requestedVersion) return reannounce(reviewId, requestedVersion, latest);

    if (latest.content.input.kind === 'pull-request') {
      // A newer push is waiting for its files (pr-review-handler fetches them and requests that version).
      log.info('ReviewRequested superseded by a newer pull-request push; nothing to review yet', { reviewId, requestedVersion, latestVersion: latest.version });
      return { outcome: 'superseded', reviewId, requestedVersion };
    }

    let normalised: Awaited<ReturnType<typeof normalise>>;
    try {
      normalised = await normalise(deps.reviews, latest.content);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      // Not retryable: record the reason as a failed version so the submitter sees why.
      const failed = await deps.reviews.fail(reviewId, { requestedVersion, reason: `The input cannot be reviewed: ${err.message}`, actor, latest });
      log.warn('stored input is not a reviewable plan or Terraform source; review marked failed', { reviewId, requestedVersion, reason: err.message, version: failed.version.version });
      log.audit({ action: 'review.complete', actor, resource: `review/${reviewId}`, outcome: 'failure', requestedVersion, reason: err.message, version: failed.version.version });
      count('ReviewEventsRejected', { reason: 'invalid-input' });
      return { outcome: 'invalid-input', reviewId, reason: err.message };
    }
    const { inputKind, changes } = normalised;
    const rulesResult = reviewChanges(changes, { inputKind, ...(normalised.hcl ? { hcl: normalised.hcl } : {}), ...(normalised.policy ? { policy: normalised.policy } : {}), ...(normalised.source ? { source: normalised.source } : {}) });
    const llm = await askModel(reviewId, latest.content, changes, rulesResult.findings, context);
    const changed = changedAddresses(changes);
    const outcome = withHistory(withInputDegradation(buildReviewOutcome({ inputKind, changes, rules: rulesResult, llm }), normalised), changed, await calibrationFor(reviewId, latest.content, changed));

    const { version, created } = await deps.reviews.complete(reviewId, { requestedVersion, result: outcome.result, status: outcome.status, actor, latest });
    const r = outcome.result;
    const fields = {
      reviewId,
      requestedVersion,
      version: version.version,
      status: outcome.status,
      reviewerMode: r.reviewer.mode,
      ...(r.reviewer.degradedReason ? { degradedReason: r.reviewer.degradedReason } : {}),
      ...(r.reviewer.modelId ? { modelId: r.reviewer.modelId, promptVersion: r.reviewer.promptVersion } : {}),
      ...(r.reviewer.coverage ? { coverage: r.reviewer.coverage } : {}),
      ...(llm.kind === 'reviewed' ? { tokenUsage: llm.result.usage } : {}),
      riskScore: r.riskScore,
      riskLevel: r.riskLevel,
      confidence: r.confidence,
      findings: r.findings.length,
      durationMs: Date.now() - started,
    };
    if (!created) {
      // Another delivery of the same event won the race: nothing new was written.
      log.info('review already completed by a concurrent delivery', fields);
      log.audit({ action: 'review.complete', actor, resource: `review/${reviewId}`, outcome: 'duplicate', requestedVersion, version: version.version });
      count('ReviewRequestDuplicates');
      return { outcome: 'duplicate', reviewId, version: version.version, status: version.content.status };
    }
    log.info('review completed', fields);
    log.audit({
      action: 'review.complete',
      actor,
      resource: `review/${reviewId}`,
      outcome: 'success',
      requestedVersion,
      version: version.version,
      status: outcome.status,
      ...(r.reviewer.degradedReason ? { degradedReason: r.reviewer.degradedReason } : {}),
    });
    log.metrics(
      [
        { name: outcome.status === 'completed' ? 'ReviewsCompleted' : 'ReviewsDegraded', value: 1 },
        { name: 'ReviewConfidence', value: r.confidence * 100, unit: 'Percent' },
        { name: 'ReviewDuration', value: fields.durationMs, unit: 'Milliseconds' },
      ],
      undefined,
      { reviewerMode: r.reviewer.mode, ...(r.reviewer.degradedReason ? { degradedReason: r.reviewer.degradedReason } : {}) },
    );
    return { outcome: 'completed', reviewId, version: version.version, status: outcome.status };
  };
};
