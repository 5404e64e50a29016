import { DEFAULT_MODEL_ID, detectBedrockMode } from '@iac-review/bedrock-service';
import { AiReviewerConfigError } from '../src/errors';
import { decideBedrockMode, readAiReviewerConfig } from '../src/config';

describe('decideBedrockMode', () => {
  it('should use rules only in the local stack when it says rules-only, even with its dummy credentials', () => {
    expect(decideBedrockMode({ IAC_REVIEW_REVIEWER_MODE: 'rules-only', AWS_ACCESS_KEY_ID: 'local' })).toMatchObject({ enabled: false });
  });

  it('should give the same reason as the local stack banner (the stack passes it in IAC_REVIEW_REVIEWER_REASON)', () => {
    // Prepare: the user's environment has no credentials; the banner states detectBedrockMode's reason
    const banner = detectBedrockMode({ PATH: '/usr/bin' });
    expect(banner.enabled).toBe(false);
    // What the stack hands its functions: dummy credentials for the emulators, its decision and reason
    const functionEnv = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', BEDROCK_ENABLED: 'false', IAC_REVIEW_REVIEWER_MODE: 'rules-only', IAC_REVIEW_REVIEWER_REASON: banner.reason };
    // Act / Assert
    expect(decideBedrockMode(functionEnv)).toEqual({ enabled: false, reason: banner.reason });
  });

  it('should use Bedrock in the local stack when an endpoint is configured', () => {
    expect(decideBedrockMode({ IAC_REVIEW_REVIEWER_MODE: 'rules+bedrock', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'http://127.0.0.1:9' })).toEqual({
      enabled: true,
      reason: 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME is set',
      endpoint: 'http://127.0.0.1:9',
    });
  });

  it('should honour BEDROCK_ENABLED=false in Lambda and enable Bedrock in Lambda otherwise', () => {
    expect(decideBedrockMode({ AWS_LAMBDA_FUNCTION_NAME: 'f', BEDROCK_ENABLED: 'false' })).toEqual({ enabled: false, reason: 'BEDROCK_ENABLED is false' });
    expect(decideBedrockMode({ AWS_LAMBDA_FUNCTION_NAME: 'f', BEDROCK_ENABLED: 'true' })).toMatchObject({ enabled: true });
  });

  it('should reject an unknown reviewer mode', () => {
    expect(() => decideBedrockMode({ IAC_REVIEW_REVIEWER_MODE: 'llm-only' })).toThrow(AiReviewerConfigError);
  });
});

describe('readAiReviewerConfig', () => {
  it('should default to the inference profile and the bedrock-service defaults', () => {
    const c = readAiReviewerConfig({ AWS_REGION: 'eu-west-1' });
    expect(c.bedrock).toMatchObject({ region: 'eu-west-1', maxAttempts: 3, reviewer: { modelId: DEFAULT_MODEL_ID, maxTokens: 4096, temperature: 0, timeoutMs: 60_000 } });
    expect(c.storeReserveMs).toBe(3_000);
  });

  it('should read model id, max tokens, temperature, timeout and chunking from the environment', () => {
    const c = readAiReviewerConfig({
      BEDROCK_MODEL_ID: 'eu.anthropic.claude-haiku-4-5',
      BEDROCK_REGION: 'eu-central-1',
      BEDROCK_MAX_TOKENS: '2048',
      BEDROCK_TEMPERATURE: '0.2',
      BEDROCK_TIMEOUT_MS: '30000',
      BEDROCK_MAX_ATTEMPTS: '5',
      BEDROCK_MAX_CHUNKS: '6',
      BEDROCK_CHUNK_TOKEN_BUDGET: '20000',
    });
    expect(c.bedrock).toEqual({
      region: 'eu-central-1',
      maxAttempts: 5,
      reviewer: { modelId: 'eu.anthropic.claude-haiku-4-5', maxTokens: 2048, temperature: 0.2, timeoutMs: 30_000, maxChunks: 6, chunkTokenBudget: 20_000 },
    });
  });

  it.each([
    ['BEDROCK_MAX_TOKENS', 'lots'],
    ['BEDROCK_TEMPERATURE', '1.5'],
    ['BEDROCK_TIMEOUT_MS', '0'],
    ['BEDROCK_MAX_ATTEMPTS', '11'],
  ])('should reject %s=%s', (name, value) => {
    expect(() => readAiReviewerConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});
