import { BedrockConfigError } from './errors';

/** Claude 4.x on Bedrock is called through inference profiles; this is the default one. */
export const DEFAULT_MODEL_ID = 'global.anthropic.claude-sonnet-4-6';

/**
 * When the review must be finished: an absolute epoch time in ms, or a function returning the
 * remaining ms (e.g. `() => context.getRemainingTimeInMillis()`).
 */
export type Deadline = number | (() => number);

export interface BedrockReviewerConfig {
  /** Model id or inference profile id/ARN. */
  modelId: string;
  /** Max output tokens per call. */
  maxTokens: number;
  temperature: number;
  /** Upper bound for one Converse call including the SDK's retries. */
  timeoutMs: number;
  /** Default deadline for a review; `review(input, { deadline })` overrides it per invocation. */
  deadline?: Deadline;
  /** Time kept back before the deadline for the caller to store the result. */
  deadlineReserveMs: number;
  /** No new call starts with less time than this left (before the reserve). */
  minCallMs: number;
  /** Token budget for the change data of one chunk (estimated, see token-estimate.ts). */
  chunkTokenBudget: number;
  /** At most this many chunks per review; what does not fit is counted as omitted. */
  maxChunks: number;
  /** Chunks reviewed in parallel. */
  concurrency: number;
  /** Token budget for the historical context block (it is truncated to fit). */
  historyTokenBudget: number;
  /** Send `strict: true` on the tool spec (constrained decoding; only on models that support it). */
  strictToolSchema: boolean;
}

export const DEFAULT_CONFIG: Readonly<BedrockReviewerConfig> = Object.freeze({
  modelId: DEFAULT_MODEL_ID,
  maxTokens: 4096,
  temperature: 0,
  timeoutMs: 60_000,
  deadlineReserveMs: 5_000,
  minCallMs: 5_000,
  chunkTokenBudget: 40_000,
  maxChunks: 12,
  concurrency: 2,
  historyTokenBudget: 2_000,
  strictToolSchema: false,
});

const positiveInt = (name: string, v: number): void => {
  if (!Number.isInteger(v) || v <= 0) throw new BedrockConfigError(`${name} must be a positive integer, got ${String(v)}`);
};
const nonNegative = (name: string, v: number): void => {
  if (!Number.isFinite(v) || v < 0) throw new BedrockConfigError(`${name} must be a non-negative number, got ${String(v)}`);
};

/** Fills defaults and checks every value; throws {@link BedrockConfigError} on a bad one. */
export const resolveConfig = (partial: Partial<BedrockReviewerConfig> = {}): Readonly<BedrockReviewerConfig> => {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<BedrockReviewerConfig>;
  const cfg: BedrockReviewerConfig = { ...DEFAULT_CONFIG, ...defined };
  if (typeof cfg.modelId !== 'string' || cfg.modelId.trim() === '') throw new BedrockConfigError('modelId must be a non-empty string');
  positiveInt('maxTokens', cfg.maxTokens);
  if (!Number.isFinite(cfg.temperature) || cfg.temperature < 0 || cfg.temperature > 1) {
    throw new BedrockConfigError(`temperature must be within 0..1, got ${String(cfg.temperature)}`);
  }
  positiveInt('timeoutMs', cfg.timeoutMs);
  nonNegative('deadlineReserveMs', cfg.deadlineReserveMs);
  nonNegative('minCallMs', cfg.minCallMs);
  positiveInt('chunkTokenBudget', cfg.chunkTokenBudget);
  positiveInt('maxChunks', cfg.maxChunks);
  positiveInt('concurrency', cfg.concurrency);
  positiveInt('historyTokenBudget', cfg.historyTokenBudget);
  if (cfg.deadline !== undefined && typeof cfg.deadline !== 'function') nonNegative('deadline', cfg.deadline);
  return Object.freeze(cfg);
};
