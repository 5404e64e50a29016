import {
  BedrockRuntimeClient,
  ConverseCommand,
  type BedrockRuntimeClientConfig,
  type ContentBlock as SdkContentBlock,
  type ConverseCommandInput,
  type ConverseCommandOutput,
  type SystemContentBlock,
} from '@aws-sdk/client-bedrock-runtime';
import type { ContentBlock, ConversePort, ConverseRequest, ConverseResult, SystemBlock } from '../converse-port';
import {
  BedrockCallError,
  BedrockConfigError,
  BedrockThrottledError,
  BedrockTimeoutError,
  BedrockUnavailableError,
} from '../errors';

type Doc = NonNullable<ConverseCommandInput['additionalModelRequestFields']>;

export interface BedrockRuntimeClientOptions {
  region: string;
  /** Endpoint override (a VPC endpoint, or a local stub in tests). The SDK also honours AWS_ENDPOINT_URL_BEDROCK_RUNTIME. */
  endpoint?: string;
  /** Total attempts per call including the first (SDK retry strategy); default 3. */
  maxAttempts?: number;
  /** SDK retry mode: 'standard' (exponential backoff with jitter) or 'adaptive' (plus client-side rate limiting). */
  retryMode?: 'standard' | 'adaptive';
  /** Per-attempt socket/request timeout of the HTTP handler; the reviewer's timeoutMs bounds the whole call. */
  requestTimeoutMs?: number;
  credentials?: BedrockRuntimeClientConfig['credentials'];
}

/** Builds a Bedrock Runtime client with a bounded retry strategy (build once per container). */
export const createBedrockRuntimeClient = (opts: BedrockRuntimeClientOptions): BedrockRuntimeClient => {
  if (!opts.region) throw new BedrockConfigError('region is required');
  const maxAttempts = opts.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) {
    throw new BedrockConfigError(`maxAttempts must be an integer within 1..10, got ${String(opts.maxAttempts)}`);
  }
  return new BedrockRuntimeClient({
    region: opts.region,
    maxAttempts,
    retryMode: opts.retryMode ?? 'standard',
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    ...(opts.requestTimeoutMs ? { requestHandler: { requestTimeout: opts.requestTimeoutMs } } : {}),
  });
};

const toSdkSystem = (b: SystemBlock): SystemContentBlock => ('text' in b ? { text: b.text } : { cachePoint: { type: 'default' } });

const toSdkContent = (b: ContentBlock): SdkContentBlock => {
  if ('text' in b) return { text: b.text };
  if ('toolUse' in b) return { toolUse: { toolUseId: b.toolUse.toolUseId, name: b.toolUse.name, input: b.toolUse.input as Doc } };
  if ('toolResult' in b) {
    return {
      toolResult: {
        toolUseId: b.toolResult.toolUseId,
        content: b.toolResult.content.map((c) => ({ text: c.text })),
        ...(b.toolResult.status ? { status: b.toolResult.status } : {}),
      },
    };
  }
  return { cachePoint: { type: 'default' } };
};

/** Maps the request onto the SDK's ConverseCommand input. */
export const toConverseCommandInput = (req: ConverseRequest): ConverseCommandInput => ({
  modelId: req.modelId,
  system: req.system.map(toSdkSystem),
  messages: req.messages.map((m) => ({ role: m.role, content: m.content.map(toSdkContent) })),
  toolConfig: {
    tools: req.toolConfig.tools.map((t) => ({
      toolSpec: {
        name: t.toolSpec.name,
        description: t.toolSpec.description,
        inputSchema: { json: t.toolSpec.inputSchema.json as Doc },
        ...(t.toolSpec.strict !== undefined ? { strict: t.toolSpec.strict } : {}),
      },
    })),
    toolChoice: { tool: { name: req.toolConfig.toolChoice.tool.name } },
  },
  inferenceConfig: { maxTokens: req.inferenceConfig.maxTokens, temperature: req.inferenceConfig.temperature },
});

/** Maps the SDK's answer back (content kinds the reviewer does not use, e.g. reasoning, are dropped). */
export const fromConverseCommandOutput = (out: ConverseCommandOutput): ConverseResult => {
  const content: ContentBlock[] = [];
  for (const b of out.output?.message?.content ?? []) {
    if (typeof b.text === 'string') content.push({ text: b.text });
    else if (b.toolUse) content.push({ toolUse: { toolUseId: b.toolUse.toolUseId ?? '', name: b.toolUse.name ?? '', input: b.toolUse.input } });
  }
  const u = out.usage;
  return {
    content,
    stopReason: out.stopReason ?? 'unknown',
    usage: {
      inputTokens: u?.inputTokens ?? 0,
      outputTokens: u?.outputTokens ?? 0,
      cacheReadInputTokens: u?.cacheReadInputTokens ?? 0,
      cacheWriteInputTokens: u?.cacheWriteInputTokens ?? 0,
    },
    ...(out.metrics?.latencyMs !== undefined ? { latencyMs: out.metrics.latencyMs } : {}),
  };
};

const THROTTLING = new Set(['ThrottlingException', 'ServiceQuotaExceededException', 'TooManyRequestsException']);
const TIMEOUTS = new Set(['ModelTimeoutException', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/** Classifies an SDK error (after the SDK's own retries) as a typed call error. */
export const toBedrockCallError = (err: unknown): BedrockCallError => {
  if (err instanceof BedrockCallError) return err;
  const e = (err ?? {}) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const status = e.$metadata?.httpStatusCode;
  const message = `${name}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(err)}`;
  if (THROTTLING.has(name) || status === 429) return new BedrockThrottledError(message, { cause: err, errorType: name });
  if (TIMEOUTS.has(name) || status === 408) return new BedrockTimeoutError(message, { cause: err, errorType: name });
  return new BedrockUnavailableError(message, { cause: err, errorType: name });
};

/** The Converse port over a real BedrockRuntimeClient (its retry strategy applies to every call). */
export const createBedrockRuntimeConversePort = (client: Pick<BedrockRuntimeClient, 'send'>): ConversePort => ({
  converse: async (request, { signal }) => {
    try {
      const out = await client.send(new ConverseCommand(toConverseCommandInput(request)), { abortSignal: signal });
      return fromConverseCommandOutput(out);
    } catch (err) {
      throw toBedrockCallError(err);
    }
  },
});
