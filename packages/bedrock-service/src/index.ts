export { createBedrockReviewer } from './reviewer';
export type { BedrockReviewer, BedrockReviewerOptions, ReviewOptions } from './reviewer';
export { DEFAULT_MODEL_ID, DEFAULT_CONFIG, resolveConfig } from './config';
export type { BedrockReviewerConfig, Deadline } from './config';
export type {
  ResourceChange,
  ValuePath,
  ReviewInput,
  ReviewResult,
  FailureReason,
  OmissionReason,
  TokenUsage,
  ChunkFailure,
} from './types';
export type {
  ConversePort,
  ConverseRequest,
  ConverseResult,
  ConverseUsage,
  ConverseMessage,
  ConverseCallOptions,
  ContentBlock,
  SystemBlock,
  ToolSpec,
  ToolUse,
  ToolResult,
  CachePoint,
} from './converse-port';
export {
  BedrockError,
  BedrockConfigError,
  BedrockCallError,
  BedrockThrottledError,
  BedrockTimeoutError,
  BedrockDeadlineExceededError,
  BedrockUnavailableError,
  BedrockInvalidOutputError,
} from './errors';
export {
  FINDINGS_TOOL_NAME,
  findingsToolInputSchema,
  checkToolInput,
} from './findings-tool';
export type { FindingsToolOutput, ModelFinding, RuleAssessment, RuleVerdict, ToolInputCheck } from './findings-tool';
export { PROMPT_VERSION, buildSystemPrompt, buildUserMessage, buildRepairMessage } from './prompts/review-prompt';
export type { PromptRuleFinding, UserMessageInput } from './prompts/review-prompt';
export { createNonce, untrustedBlock, toInertJson } from './prompts/untrusted-block';
export { planChunks, changePriority, isUnchanged, UNCHANGED_ACTIONS } from './chunking';
export type { ChunkItem, ChunkPlan } from './chunking';
export { mergeFindings, computeAgreement, toFinding, toLlmRuleId, FINDING_LIMITS } from './merge';
export type { ChunkFindings } from './merge';
export { sanitiseChange, parseValuePath } from './sanitise-change';
export type { PromptChange } from './sanitise-change';
export { estimateTokens, truncateToTokens, CHARS_PER_TOKEN } from './token-estimate';
export { detectBedrockMode } from './bedrock-mode';
export type { BedrockMode, EnvLike } from './bedrock-mode';
export { systemClock, remainingMs } from './deadline';
export type { Clock } from './deadline';
export {
  createBedrockRuntimeClient,
  createBedrockRuntimeConversePort,
  toConverseCommandInput,
  fromConverseCommandOutput,
  toBedrockCallError,
} from './adapters/bedrock-runtime';
export type { BedrockRuntimeClientOptions } from './adapters/bedrock-runtime';
export { createInMemoryConversePort, toolAnswer, textAnswer } from './adapters/in-memory';
export type { InMemoryConversePort, ScriptedReply } from './adapters/in-memory';
