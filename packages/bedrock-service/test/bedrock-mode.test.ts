import { detectBedrockMode } from '../src/index';

describe('detectBedrockMode', () => {
  it('should run rules only without credentials or an endpoint', () => {
    expect(detectBedrockMode({})).toMatchObject({ enabled: false, reason: expect.stringContaining('rules only') });
    expect(detectBedrockMode({ AWS_ACCESS_KEY_ID: ' ' }).enabled).toBe(false);
  });

  it('should enable Bedrock for an endpoint override, credentials or Lambda', () => {
    expect(detectBedrockMode({ AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'http://127.0.0.1:4010' })).toEqual({
      enabled: true,
      reason: 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME is set',
      endpoint: 'http://127.0.0.1:4010',
    });
    expect(detectBedrockMode({ AWS_PROFILE: 'dev' })).toMatchObject({ enabled: true, reason: expect.stringContaining('AWS_PROFILE') });
    expect(detectBedrockMode({ AWS_LAMBDA_FUNCTION_NAME: 'ai-reviewer' }).enabled).toBe(true);
  });

  it('should let BEDROCK_ENABLED override the detection', () => {
    expect(detectBedrockMode({ BEDROCK_ENABLED: 'false', AWS_LAMBDA_FUNCTION_NAME: 'f' }).enabled).toBe(false);
    expect(detectBedrockMode({ BEDROCK_ENABLED: 'TRUE' }).enabled).toBe(true);
  });
});
