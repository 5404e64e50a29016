import {
  header,
  HttpProblemError,
  jsonResponse,
  RequestValidationError,
  ServiceUnavailableError,
  type FeedbackRequest,
  type HttpResult,
  type ReviewSubmission,
} from '@iac-review/core';
import { toHttpProblem } from '@iac-review/dynamo-versioning';
import type { Logger } from '@iac-review/logger';
import { EventPublishError, FeedbackRejectedError, IdempotencyKeyReusedError, InvalidIdempotencyKeyError, submitIdempotent, type GithubReviews, type ReviewService, type SpaceliftReviews } from '@iac-review/reviews';
import { actorFields, actorOf, assertCanSeeReview, assertCanUseRepository, canSeeRepository, createAuthenticator, createHttpApi, identityKey, isRestricted, type Authenticator, type Caller, type Operation } from '@iac-review/identity';
import type { ClientRegistry } from './auth';
import { readJsonBody, type BodyLimits } from './body';
import type { CorsConfig } from './cors';
import { parseIfMatch, reviewLinks, summaryDto, versionDto } from './dto';

export interface ApiConfig {
  service: string;
  version: string;
  cors: CorsConfig;
  limits: BodyLimits;
  clients: ClientRegistry;
}

export type ReviewsPort = Pick<ReviewService, 'submit' | 'get' | 'getVersion' | 'listVersions' | 'list' | 'feedback' | 'verify' | 'requestReview'>;

export interface Deps {
  config: ApiConfig;
  logger: Logger;
  clock: () => Date;
  reviews: ReviewsPort;
  /** Who is calling (API key or signed-in person), scopes, per-identity limits; default: API keys from config.clients only. */
  auth?: Authenticator;
  /** Plans posted for a GitHub pull request's head SHA join that pull request's review (optional: without it such posts are refused). */
  pullRequests?: Pick<GithubReviews, 'submitPlan'>;
  /** Plans posted for a Spacelift run join that run's review (optional: without it such posts are refused). */
  spaceliftRuns?: Pick<SpaceliftReviews, 'submitPlan'>;
}


/** Our errors and the domain's typed failures → problem+json; anything else stays a 500. */
const toProblem = (err: unknown): unknown => {
  if (err instanceof HttpProblemError) return err;
  const stored = toHttpProblem(err);
  if (stored) return stored;
  if (err instanceof FeedbackRejectedError) return new RequestValidationError(err.message, [{ field: 'body', reason: err.message }]);
  if (err instanceof EventPublishError) return new ServiceUnavailableError(err.retryAfterSeconds, err.message, err);
  if (err instanceof IdempotencyKeyReusedError) return new HttpProblemError(422, 'idempotency-key-reused', 'Idempotency-Key reused', err.message, { cause: err, extensions: { id: err.reviewId } });
  if (err instanceof InvalidIdempotencyKeyError) return new RequestValidationError(err.message, [{ field: 'header:Idempotency-Key', reason: 'is not a usable key' }]);
  return err;
};

/** Every operation this function serves, by OpenAPI operationId. */
export const createOperations = (deps: Deps): Record<string, Operation> => {
  const { reviews, logger } = deps;
  /** For a person limited to some repositories: the review must be one of theirs (else 404, as if absent). */
  const assertVisible = async (caller: Caller | undefined, id: string): Promise<void> => {
    if (!isRestricted(caller)) return;
    const head = await reviews.get(id);
    assertCanSeeReview(caller, id, head.content.repository);
  };
  /** A plan for a pull request's head SHA: it becomes the reviewed input of that push, in the PR's review. */
  const submitPullRequestPlan = async (s: ReviewSubmission, actor: string, who: Record<string, unknown>): Promise<HttpResult> => {
    const missing = [!s.repository && 'repository', s.pullRequest === undefined && 'pullRequest', !s.headSha && 'headSha', s.plan === undefined && 'plan'].filter((f): f is string => typeof f === 'string');
    if (missing.length > 0) {
      throw new RequestValidationError(
        `A pull request submission needs repository, pullRequest, headSha and plan (terraform show -json); missing: ${missing.join(', ')}. The .tf files of a pull request are fetched from GitHub by the webhook.`,
        missing.map((f) => ({ field: `body:${f}`, reason: 'is required with pullRequest/headSha' })),
      );
    }
    if (!deps.pullRequests) throw new ServiceUnavailableError(30, 'Pull request submissions are not configured on this deployment.');
    const out = await deps.pullRequests.submitPlan({ repository: s.repository!, pullRequest: s.pullRequest!, headSha: s.headSha!, plan: s.plan, actor, ...(s.title ? { title: s.title } : {}) });
    const v = out.version;
    logger.audit({ action: 'review.create', actor, ...who, resource: `review/${v.id}`, outcome: out.outcome === 'duplicate' ? 'duplicate' : 'success', toVersion: v.version, inputKind: 'plan', pullRequest: s.pullRequest, headSha: s.headSha });
    const links = reviewLinks(v.id);
    return jsonResponse(202, { id: v.id, status: v.content.status, version: v.version, links }, { location: links.review });
  };

  /** A plan for a Spacelift run (after_plan hook): it becomes the reviewed input of that run's review. */
  const submitSpaceliftPlan = async (s: ReviewSubmission, actor: string, who: Record<string, unknown>): Promise<HttpResult> => {
    const missing = [!s.stack && 'stack', s.plan === undefined && 'plan'].filter((f): f is string => typeof f === 'string');
    if (missing.length > 0) {
      throw new RequestValidationError(
        `A Spacelift run submission needs stack and plan (terraform show -json spacelift.plan) with spaceliftRun; missing: ${missing.join(', ')}.`,
        missing.map((f) => ({ field: `body:${f}`, reason: 'is required with spaceliftRun' })),
      );
    }
    if (!deps.spaceliftRuns) throw new ServiceUnavailableError(30, 'Spacelift run submissions are not configured on this deployment.');
    const run = s.spaceliftRun!;
    const out = await deps.spaceliftRuns.submitPlan({
      account: run.account,
      runId: run.id,
      stackId: s.stack!,
      plan: s.plan,
      actor,
      ...(s.title ? { title: s.title } : {}),
      ...(s.repository ? { repository: s.repository } : {}),
      ...(s.ref ? { ref: s.ref } : {}),
    });
    const v = out.version;
    logger.audit({ action: 'review.create', actor, ...who, resource: `review/${v.id}`, outcome: out.outcome === 'duplicate' ? 'duplicate' : 'success', toVersion: v.version, inputKind: 'plan', spaceliftRun: run.id });
    const links = reviewLinks(v.id);
    return jsonResponse(202, { id: v.id, status: v.content.status, version: v.version, links }, { location: links.review });
  };

  return {
    getHealth: async () => jsonResponse(200, { status: 'ok', service: deps.config.service, version: deps.config.version, time: deps.clock().toISOString() }),

    createReview: async ({ event, body, caller }) => {
      const s = body as ReviewSubmission;
      const actor = actorOf(caller);
      const who = actorFields(caller);
      // A person limited to some repositories may only submit for one of them.
      if (isRestricted(caller)) assertCanUseRepository(caller, s.repository);
      if (s.pullRequest !== undefined || s.headSha !== undefined) return submitPullRequestPlan(s, actor, who);
      if (s.spaceliftRun !== undefined) return submitSpaceliftPlan(s, actor, who);
      if (s.variables) assertVariableNames(s.variables);
      const input = s.plan !== undefined ? { kind: 'plan' as const, plan: s.plan } : { kind: 'hcl' as const, files: s.files ?? [], ...(s.variables ? { variables: s.variables } : {}) };
      const request = {
        input,
        source: 'api' as const,
        actor,
        ...(s.title ? { title: s.title } : {}),
        ...(s.repository ? { repository: s.repository } : {}),
        ...(s.stack ? { stack: s.stack } : {}),
        ...(s.ref ? { ref: s.ref } : {}),
      };
      const idempotencyKey = header(event, 'idempotency-key');
      let v1: Awaited<ReturnType<ReviewsPort['submit']>>;
      let replayed = false;
      if (idempotencyKey !== undefined) {
        // Keys are per identity: the API key id API Gateway validated (as before sign-in existed, so
        // records written earlier still match), or person:<sub> for a signed-in person.
        const callerId = caller?.kind === 'key' ? caller.keyId : caller ? identityKey(caller) : actor;
        ({ version: v1, replayed } = await submitIdempotent(reviews, request, { caller: callerId, key: idempotencyKey }));
      } else {
        v1 = await reviews.submit(request);
      }
      logger.audit({ action: 'review.create', actor, ...who, resource: `review/${v1.id}`, outcome: replayed ? 'duplicate' : 'success', toVersion: v1.version, inputKind: input.kind, inputBytes: v1.content.input.size });
      const links = reviewLinks(v1.id);
      return jsonResponse(202, { id: v1.id, status: v1.content.status, version: v1.version, links }, { location: links.review });
    },

    listReviews: async ({ params, caller }) => {
      if (params.repository !== undefined) assertCanUseRepository(caller, params.repository as string);
      const page = await reviews.list(params as Parameters<ReviewsPort['list']>[0]);
      // Object-level authorization: a person sees only the repositories their groups allow (a page may hold fewer items than the limit).
      const items = isRestricted(caller) ? page.items.filter((h) => canSeeRepository(caller, typeof h.attributes?.repository === 'string' ? h.attributes.repository : undefined)) : page.items;
      return jsonResponse(200, { items: items.map(summaryDto), ...(page.cursor ? { nextCursor: page.cursor } : {}) });
    },

    getReview: async ({ params, caller }) => {
      const v = await reviews.get(params.id as string);
      assertCanSeeReview(caller, v.id, v.content.repository);
      return jsonResponse(200, versionDto(v), { etag: `"${v.version}"` });
    },

    listReviewVersions: async ({ params, caller }) => {
      await assertVisible(caller, params.id as string);
      const page = await reviews.listVersions(params.id as string, { limit: params.limit as number, ...(params.cursor ? { cursor: params.cursor as string } : {}) });
      return jsonResponse(200, { items: page.items.map(versionDto), ...(page.cursor ? { nextCursor: page.cursor } : {}) });
    },

    verifyReview: async ({ params, caller }) => {
      await assertVisible(caller, params.id as string);
      const report = await reviews.verify(params.id as string);
      return jsonResponse(200, {
        id: report.id,
        ok: report.ok,
        ...(report.latestVersion !== undefined ? { latestVersion: report.latestVersion } : {}),
        versions: report.versions.map((v) => ({ version: v.version, status: v.status, ...(v.keyId ? { keyId: v.keyId } : {}), ...(v.detail ? { detail: v.detail } : {}) })),
      });
    },

    getReviewVersion: async ({ params, caller }) => {
      await assertVisible(caller, params.id as string);
      const v = await reviews.getVersion(params.id as string, params.version as number);
      return jsonResponse(200, versionDto(v), { etag: `"${v.version}"` });
    },

    postReviewFeedback: async ({ event, params, body, caller }) => {
      const f = body as FeedbackRequest;
      const ifMatch = parseIfMatch(header(event, 'if-match'));
      if (ifMatch === 'invalid') throw new RequestValidationError('If-Match must be a version number such as "3" (the ETag of GET /reviews/{id}).', [{ field: 'header:If-Match', reason: 'is not a version' }]);
      if (ifMatch !== undefined && f.expectedVersion !== undefined && ifMatch !== f.expectedVersion)
        throw new RequestValidationError('If-Match and expectedVersion disagree; send one of them.', [{ field: 'body:expectedVersion', reason: 'differs from If-Match' }]);
      const expectedVersion = ifMatch ?? f.expectedVersion;
      if (f.action === 'dismiss-finding' && !f.findingId) throw new RequestValidationError('dismiss-finding needs findingId (<ruleId>@<resourceAddress>).', [{ field: 'body:findingId', reason: 'is required for dismiss-finding' }]);
      if (f.action === 'override-risk' && !f.riskLevel) throw new RequestValidationError('override-risk needs riskLevel.', [{ field: 'body:riskLevel', reason: 'is required for override-risk' }]);
      const actor = actorOf(caller);
      const who = actorFields(caller);
      const id = params.id as string;
      await assertVisible(caller, id);
      try {
        const v = await reviews.feedback(id, {
          action: f.action,
          comment: f.comment,
          actor,
          ...(f.findingId ? { findingId: f.findingId } : {}),
          ...(f.riskLevel ? { riskLevel: f.riskLevel } : {}),
          ...(expectedVersion !== undefined ? { expectedVersion } : {}),
        });
        logger.audit({ action: `review.feedback.${f.action}`, actor, ...who, resource: `review/${id}`, outcome: 'success', fromVersion: v.previousVersion, toVersion: v.version });
        return jsonResponse(201, versionDto(v), { etag: `"${v.version}"`, location: reviewLinks(id, v.version).self });
      } catch (err) {
        logger.audit({ action: `review.feedback.${f.action}`, actor, ...who, resource: `review/${id}`, outcome: 'failure', expectedVersion, error: (err as Error).name });
        throw err;
      }
    },
  };
};

/** Terraform identifiers only (OpenAPI 3.0 has no `propertyNames`, so the schema cannot say it). */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const assertVariableNames = (variables: Record<string, unknown>): void => {
  const bad = Object.keys(variables).filter((k) => !VARIABLE_NAME.test(k));
  if (bad.length === 0) return;
  throw new RequestValidationError(
    `variables: ${bad.slice(0, 3).map((k) => JSON.stringify(k.slice(0, 64))).join(', ')} ${bad.length === 1 ? 'is not a' : 'are not'} Terraform variable name${bad.length === 1 ? '' : 's'} (a letter or underscore, then letters, digits, underscores or hyphens; at most 128 characters).`,
    bad.slice(0, 10).map((k) => ({ field: `/body/variables/${k.slice(0, 64)}`, reason: 'is not a Terraform identifier' })),
  );
};

/** Builds the API handler: routes by the OpenAPI document, authorises by scope, validates, maps every error through problemResponse. */
export const createHandler = (deps: Deps) =>
  createHttpApi({
    operations: createOperations(deps),
    auth: deps.auth ?? createAuthenticator({ clients: deps.config.clients, logger: deps.logger }),
    cors: deps.config.cors,
    logger: deps.logger,
    toProblem,
    readBody: (event) => readJsonBody(event, deps.config.limits),
  });
