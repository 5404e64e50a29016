import {
  BedrockConfigError,
  BedrockThrottledError,
  BedrockTimeoutError,
  BedrockUnavailableError,
  createBedrockRuntimeClient,
  createBedrockRuntimeConversePort,
  createInMemoryConversePort,
  fromConverseCommandOutput,
  toBedrockCallError,
  toConverseCommandInput,
  toolAnswer,
  type ConverseRequest,
} from '../src/index';

const request: ConverseRequest = {
  modelId: 'global.anthropic.claude-sonnet-4-6',
  system: [{ text: 'static' }, { cachePoint: { type: 'default' } }],
  messages: [
    { role: 'user', content: [{ text: 'data' }] },
    { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'report_findings', input: { a: 1 } } }] },
    { role: 'user', content: [{ toolResult: { toolUseId: 't1', status: 'error', content: [{ text: 'fix it' }] } }] },
  ],
  toolConfig: {
    tools: [{ toolSpec: { name: 'report_findings', description: 'd', inputSchema: { json: { type: 'object' } }, strict: true } }],
    toolChoice: { tool: { name: 'report_findings' } },
  },
  inferenceConfig: { maxTokens: 10, temperature: 0 },
};

describe('toBedrockCallError', () => {
  it('should classify throttling, timeouts and everything else by error name and HTTP status', () => {
    const sdkError = (name: string, status?: number) => Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: status } });
    expect(toBedrockCallError(sdkError('ThrottlingException', 429))).toBeInstanceOf(BedrockThrottledError);
    expect(toBedrockCallError(sdkError('ServiceQuotaExceededException', 400))).toBeInstanceOf(BedrockThrottledError);
    expect(toBedrockCallError(sdkError('Whatever', 429))).toBeInstanceOf(BedrockThrottledError);
    expect(toBedrockCallError(sdkError('ModelTimeoutException', 408))).toBeInstanceOf(BedrockTimeoutError);
    expect(toBedrockCallError(sdkError('TimeoutError'))).toBeInstanceOf(BedrockTimeoutError);
    const e = toBedrockCallError(sdkError('AccessDeniedException', 403));
    expect(e).toBeInstanceOf(BedrockUnavailableError);
    expect(e).toMatchObject({ reason: 'service-error', errorType: 'AccessDeniedException' });
    expect(e.message).toBe('AccessDeniedException (HTTP 403): x');
    expect(e.cause).toBeInstanceOf(Error);
    expect(toBedrockCallError('weird')).toBeInstanceOf(BedrockUnavailableError);
  });
});

describe('Converse mapping', () => {
  it('should map every block kind onto the SDK input', () => {
    const out = toConverseCommandInput(request);
    expect(out).toEqual({
      modelId: request.modelId,
      system: [{ text: 'static' }, { cachePoint: { type: 'default' } }],
      messages: request.messages,
      toolConfig: request.toolConfig,
      inferenceConfig: { maxTokens: 10, temperature: 0 },
    });
  });

  it('should read text and tool use back, default missing usage to 0 and drop other blocks', () => {
    const res = fromConverseCommandOutput({
      $metadata: {},
      output: { message: { role: 'assistant', content: [{ text: 'hi' }, { reasoningContent: { redactedContent: new Uint8Array() } }, { toolUse: { toolUseId: 'u', name: 'n', input: { x: 1 } } }] } },
      stopReason: 'tool_use',
      usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
      metrics: { latencyMs: 9 },
    });
    expect(res).toEqual({
      content: [{ text: 'hi' }, { toolUse: { toolUseId: 'u', name: 'n', input: { x: 1 } } }],
      stopReason: 'tool_use',
      usage: { inputTokens: 5, outputTokens: 2, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
      latencyMs: 9,
    });
  });

  it('should pass the abort signal to the client and type its failures', async () => {
    const seen: unknown[] = [];
    const port = createBedrockRuntimeConversePort({
      send: (async (_cmd: unknown, opts: unknown) => {
        seen.push(opts);
        throw Object.assign(new Error('slow'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
      }) as never,
    });
    const controller = new AbortController();
    await expect(port.converse(request, { signal: controller.signal })).rejects.toBeInstanceOf(BedrockThrottledError);
    expect(seen[0]).toEqual({ abortSignal: controller.signal });
  });
});

describe('createBedrockRuntimeClient', () => {
  it('should bound the retry attempts and require a region', async () => {
    expect(() => createBedrockRuntimeClient({ region: '' })).toThrow(BedrockConfigError);
    expect(() => createBedrockRuntimeClient({ region: 'eu-west-1', maxAttempts: 0 })).toThrow(/maxAttempts/);
    const client = createBedrockRuntimeClient({ region: 'eu-west-1', maxAttempts: 4, retryMode: 'adaptive' });
    expect(await client.config.maxAttempts()).toBe(4);
    const strategy = (await client.config.retryStrategy()) as { mode?: string };
    expect(strategy.mode).toBe('adaptive');
    client.destroy();
  });
});

describe('createInMemoryConversePort', () => {
  it('should record requests and end a hanging call when its signal aborts', async () => {
    const port = createInMemoryConversePort((_r, i) => (i === 0 ? toolAnswer({}) : 'hang'));
    await expect(port.converse(request, { signal: new AbortController().signal })).resolves.toMatchObject({ stopReason: 'tool_use' });
    const controller = new AbortController();
    const pending = port.converse(request, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(port.requests).toHaveLength(2);
  });
});
