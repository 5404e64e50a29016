/**
 * Test helpers for consumers (e.g. functions/ai-reviewer tests): the loopback Bedrock Converse stub.
 * Import from `@iac-review/bedrock-service/testing`; never from production code.
 */
export { startBedrockStub } from './bedrock-stub';
export type { BedrockStub, StubReply, StubRequest, StubUsage } from './bedrock-stub';
