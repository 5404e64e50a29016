/**
 * The port the reviewer talks to: one Bedrock Converse call. The types mirror the Converse wire
 * format (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html), limited
 * to what the reviewer uses. Adapters: adapters/bedrock-runtime.ts (the real SDK client) and
 * adapters/in-memory.ts (a scripted fake).
 */
export interface CachePoint {
  cachePoint: { type: 'default' };
}
export type SystemBlock = { text: string } | CachePoint;

export interface ToolUse {
  toolUseId: string;
  name: string;
  input: unknown;
}
export interface ToolResult {
  toolUseId: string;
  content: Array<{ text: string }>;
  status?: 'success' | 'error';
}
export type ContentBlock = { text: string } | { toolUse: ToolUse } | { toolResult: ToolResult } | CachePoint;

export interface ConverseMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: { json: Record<string, unknown> };
  /** Ask the model to decode strictly against the schema (only some models support it). */
  strict?: boolean;
}

export interface ConverseRequest {
  modelId: string;
  system: SystemBlock[];
  messages: ConverseMessage[];
  toolConfig: { tools: Array<{ toolSpec: ToolSpec }>; toolChoice: { tool: { name: string } } };
  inferenceConfig: { maxTokens: number; temperature: number };
}

export interface ConverseUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
}

export interface ConverseResult {
  content: ContentBlock[];
  stopReason: string;
  usage: ConverseUsage;
  /** Server-side latency as reported by Bedrock, when present. */
  latencyMs?: number;
}

export interface ConverseCallOptions {
  /** Aborted when the per-call timeout or the review deadline fires. */
  signal: AbortSignal;
}

/**
 * One Converse call. Implementations throw a {@link BedrockCallError} subclass for failures they can
 * classify (throttling, timeouts, service errors); anything else is treated as a service error.
 */
export interface ConversePort {
  converse(request: ConverseRequest, options: ConverseCallOptions): Promise<ConverseResult>;
}
