import {
  createBedrockReviewer,
  createInMemoryConversePort,
  type BedrockReviewerConfig,
  type ScriptedReply,
  type ConverseRequest,
} from '@iac-review/bedrock-service';
import { createInMemoryReviewService } from '@iac-review/reviews';
import { createHandler, type Deps, type HistoricalContextPort } from '../../src/handler';
import { captureLogger } from './capture-logger';

export interface InMemoryOptions {
  /** Script for the fake Converse port; without one, Bedrock is disabled. */
  converse?: (request: ConverseRequest, index: number) => ScriptedReply;
  reviewerConfig?: Partial<BedrockReviewerConfig>;
  history?: HistoricalContextPort;
  reviews?: (service: Deps['reviews']) => Deps['reviews'];
}

/** The handler over in-memory fakes of every port (table, blobs, bus, Converse). */
export const inMemoryHarness = (opts: InMemoryOptions = {}) => {
  const log = captureLogger();
  let n = 0;
  const { service, store, events } = createInMemoryReviewService({ ids: () => `review-${++n}`, clock: () => new Date('2026-11-25T12:00:00Z') });
  const port = opts.converse ? createInMemoryConversePort(opts.converse) : undefined;
  const llm: Deps['llm'] = port
    ? {
        enabled: true,
        reviewer: createBedrockReviewer({
          port,
          logger: log.logger,
          config: { timeoutMs: 2_000, deadlineReserveMs: 0, minCallMs: 20, concurrency: 1, ...opts.reviewerConfig },
        }),
      }
    : { enabled: false, reason: 'BEDROCK_ENABLED is false' };
  const handler = createHandler({
    reviews: opts.reviews ? opts.reviews(service) : service,
    logger: log.logger,
    llm,
    storeReserveMs: 0,
    ...(opts.history ? { history: opts.history } : {}),
  });
  const submitPlan = (plan: unknown) => service.submit({ input: { kind: 'plan', plan }, source: 'api', repository: 'acme/infra', title: 'change', actor: 'dash' });
  return { handler, service, store, events, port, log, submitPlan };
};
