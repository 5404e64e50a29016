import { DEFAULT_CONFIG, DEFAULT_MODEL_ID, detectBedrockMode, type BedrockMode, type BedrockReviewerConfig } from '@iac-review/bedrock-service';
import { AiReviewerConfigError } from './errors';

export type EnvLike = Readonly<Record<string, string | undefined>>;

/** Values the local stack puts in IAC_REVIEW_REVIEWER_MODE. */
export const LOCAL_REVIEWER_MODES = ['rules-only', 'rules+bedrock'] as const;

/** How the reviewer talks to Bedrock (all from Terraform variables / the environment). */
export interface BedrockSettings {
  region: string;
  /** Total SDK attempts per call (retry strategy for throttling, timeouts and 5xx). */
  maxAttempts: number;
  reviewer: Pick<BedrockReviewerConfig, 'modelId' | 'maxTokens' | 'temperature' | 'timeoutMs' | 'maxChunks' | 'chunkTokenBudget'>;
}

export interface AiReviewerConfig {
  /** Whether Bedrock is called, and why (logged once at start-up). */
  mode: BedrockMode;
  bedrock: BedrockSettings;
  /** Kept back from the Lambda's remaining time for storing the version and emitting the event. */
  storeReserveMs: number;
}

const int = (env: EnvLike, name: string, fallback: number, min: number, max: number): number => {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new AiReviewerConfigError(`${name} must be an integer within ${min}..${max}, got "${raw}"`);
  return n;
};

const num = (env: EnvLike, name: string, fallback: number, min: number, max: number): number => {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new AiReviewerConfigError(`${name} must be a number within ${min}..${max}, got "${raw}"`);
  return n;
};

/**
 * Whether the reviewer calls Bedrock. The local stack's decision (IAC_REVIEW_REVIEWER_MODE=rules-only,
 * with its reason in IAC_REVIEW_REVIEWER_REASON) wins, because the stack sets dummy AWS credentials for its emulators; otherwise
 * {@link detectBedrockMode}: BEDROCK_ENABLED, the SDK's AWS_ENDPOINT_URL_BEDROCK_RUNTIME, Lambda, or credentials.
 */
export const decideBedrockMode = (env: EnvLike): BedrockMode => {
  const local = env.IAC_REVIEW_REVIEWER_MODE?.trim();
  if (local !== undefined && local !== '' && !(LOCAL_REVIEWER_MODES as readonly string[]).includes(local)) {
    throw new AiReviewerConfigError(`IAC_REVIEW_REVIEWER_MODE must be one of ${LOCAL_REVIEWER_MODES.join(', ')}, got "${local}"`);
  }
  // The stack passes the reason its banner shows, so the banner and every review say the same thing.
  if (local === 'rules-only') return { enabled: false, reason: env.IAC_REVIEW_REVIEWER_REASON?.trim() || 'the local stack runs the reviewer with rules only' };
  return detectBedrockMode(env);
};

/** Reads the reviewer's own settings from an environment (the composition root passes process.env). */
export const readAiReviewerConfig = (env: EnvLike): Readonly<AiReviewerConfig> => {
  const modelId = env.BEDROCK_MODEL_ID?.trim() || DEFAULT_MODEL_ID;
  const region = env.BEDROCK_REGION?.trim() || env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || 'us-east-1';
  return Object.freeze({
    mode: decideBedrockMode(env),
    bedrock: Object.freeze({
      region,
      maxAttempts: int(env, 'BEDROCK_MAX_ATTEMPTS', 3, 1, 10),
      reviewer: Object.freeze({
        modelId,
        maxTokens: int(env, 'BEDROCK_MAX_TOKENS', DEFAULT_CONFIG.maxTokens, 1, 64_000),
        temperature: num(env, 'BEDROCK_TEMPERATURE', DEFAULT_CONFIG.temperature, 0, 1),
        timeoutMs: int(env, 'BEDROCK_TIMEOUT_MS', DEFAULT_CONFIG.timeoutMs, 1, 900_000),
        maxChunks: int(env, 'BEDROCK_MAX_CHUNKS', DEFAULT_CONFIG.maxChunks, 1, 100),
        chunkTokenBudget: int(env, 'BEDROCK_CHUNK_TOKEN_BUDGET', DEFAULT_CONFIG.chunkTokenBudget, 1_000, 200_000),
      }),
    }),
    storeReserveMs: int(env, 'AI_REVIEWER_STORE_RESERVE_MS', 3_000, 0, 60_000),
  });
};
