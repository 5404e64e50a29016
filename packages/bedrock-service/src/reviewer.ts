import type { Finding } from '@iac-review/core';
import type { Logger } from '@iac-review/logger';
import { resolveConfig, type BedrockReviewerConfig, type Deadline } from './config';
import type { ContentBlock, ConverseMessage, ConversePort, ConverseRequest, ConverseResult } from './converse-port';
import { createCallBudget, remainingMs, systemClock, type Clock } from './deadline';
import {
  BedrockCallError,
  BedrockDeadlineExceededError,
  BedrockInvalidOutputError,
  BedrockTimeoutError,
  BedrockUnavailableError,
} from './errors';
import {
  FINDINGS_TOOL_DESCRIPTION,
  FINDINGS_TOOL_NAME,
  checkToolInput,
  findingsToolInputSchema,
  type FindingsToolOutput,
  type RuleVerdict,
  type ToolInputCheck,
} from './findings-tool';
import { changePriority, isUnchanged, planChunks } from './chunking';
import { computeAgreement, mergeFindings, type ChunkFindings } from './merge';
import { PROMPT_VERSION, buildRepairMessage, buildSystemPrompt, buildUserMessage, type PromptRuleFinding } from './prompts/review-prompt';
import { createNonce, toInertJson } from './prompts/untrusted-block';
import { sanitiseChange, type PromptChange } from './sanitise-change';
import { estimateTokens, truncateToTokens } from './token-estimate';
import type { ChunkFailure, FailureReason, OmissionReason, ReviewInput, ReviewResult, TokenUsage } from './types';

export interface BedrockReviewerOptions {
  port: ConversePort;
  config?: Partial<BedrockReviewerConfig>;
  logger: Logger;
  clock?: Clock;
  /** Nonce source for the untrusted-data tags (tests only; defaults to 96 random bits). */
  nonce?: () => string;
}

export interface ReviewOptions {
  /** This invocation's deadline (e.g. `() => context.getRemainingTimeInMillis()`); overrides config.deadline. */
  deadline?: Deadline;
}

export interface BedrockReviewer {
  readonly config: Readonly<BedrockReviewerConfig>;
  readonly promptVersion: string;
  /** Never throws for model problems: they are reported in the result so the caller can degrade to rules only. */
  review(input: ReviewInput, options?: ReviewOptions): Promise<ReviewResult>;
}

/** After this many consecutive chunk failures (other than invalid output) the remaining chunks are not attempted. */
const BREAKER_THRESHOLD = 2;
const MAX_SUMMARY_CHARS = 8000;
const MAX_OMITTED_ADDRESSES = 100;

type ChunkOutcome =
  | { kind: 'reviewed'; output: FindingsToolOutput; promptRules: PromptRuleFinding[]; addresses: Set<string> }
  | { kind: 'failed'; reason: FailureReason; message: string }
  | { kind: 'skipped' };

const emptyUsage = (): TokenUsage => ({ inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, calls: 0 });

const extractJsonFromText = (content: readonly ContentBlock[]): unknown => {
  const text = content
    .map((b) => ('text' in b ? b.text : ''))
    .join('')
    .trim();
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
};

/** Reads the tool answer out of a Converse result (a JSON text answer is accepted too). */
const readAnswer = (result: ConverseResult): { check: ToolInputCheck; toolUseId?: string } => {
  const toolUse = result.content.flatMap((b) => ('toolUse' in b && b.toolUse.name === FINDINGS_TOOL_NAME ? [b.toolUse] : []))[0];
  if (toolUse) return { check: checkToolInput(toolUse.input), toolUseId: toolUse.toolUseId };
  const fromText = extractJsonFromText(result.content);
  if (fromText !== undefined) {
    const check = checkToolInput(fromText);
    if (check.ok) return { check };
  }
  return {
    check: { ok: false, errors: [`(root): the answer did not call ${FINDINGS_TOOL_NAME} (stopReason ${result.stopReason})`] },
  };
};

const describeOmissions = (byReason: Record<OmissionReason, number>, maxChunks: number): string | undefined => {
  const parts: string[] = [];
  if (byReason['too-large']) parts.push(`${byReason['too-large']} too large for one chunk`);
  if (byReason['max-chunks']) parts.push(`${byReason['max-chunks']} beyond the ${maxChunks}-chunk limit`);
  if (byReason['chunk-failed']) parts.push(`${byReason['chunk-failed']} in chunks the model failed on`);
  if (byReason.deadline) parts.push(`${byReason.deadline} skipped for lack of time`);
  return parts.length ? `Not reviewed by the model: ${parts.join('; ')}.` : undefined;
};

/** Builds the LLM reviewer (build it once per container; call `review` per invocation). */
export const createBedrockReviewer = (opts: BedrockReviewerOptions): BedrockReviewer => {
  const config = resolveConfig(opts.config);
  const clock = opts.clock ?? systemClock;
  const nonceOf = opts.nonce ?? createNonce;
  const log = opts.logger.child({ component: 'bedrock-service', modelId: config.modelId, promptVersion: PROMPT_VERSION });
  const toolConfig: ConverseRequest['toolConfig'] = {
    tools: [
      {
        toolSpec: {
          name: FINDINGS_TOOL_NAME,
          description: FINDINGS_TOOL_DESCRIPTION,
          inputSchema: { json: findingsToolInputSchema as unknown as Record<string, unknown> },
          ...(config.strictToolSchema ? { strict: true } : {}),
        },
      },
    ],
    toolChoice: { tool: { name: FINDINGS_TOOL_NAME } },
  };

  const review = async (input: ReviewInput, options: ReviewOptions = {}): Promise<ReviewResult> => {
    const startedAt = clock.now();
    const deadline = options.deadline ?? config.deadline;
    const timeLeft = (): number => remainingMs(deadline, clock) - config.deadlineReserveMs;
    const usage = emptyUsage();

    // 1. Sanitise and estimate; unchanged resources (no-op/read) are not reviewable.
    const reviewable: PromptChange[] = [];
    let unchanged = 0;
    for (const change of input.changes) {
      if (isUnchanged(change.actions)) unchanged++;
      else reviewable.push(sanitiseChange(change));
    }
    const rulesByAddress = new Map<string, Finding[]>();
    for (const f of input.ruleFindings) {
      const list = rulesByAddress.get(f.resourceAddress) ?? [];
      list.push(f);
      rulesByAddress.set(f.resourceAddress, list);
    }
    const promptRuleOf = (f: Finding, ref: string): PromptRuleFinding => ({
      ref,
      ruleId: f.ruleId,
      severity: f.severity,
      category: f.category,
      resourceAddress: f.resourceAddress,
      ...(f.title ? { title: f.title } : {}),
      message: f.message,
    });
    const items = reviewable.map((c) => {
      const rules = rulesByAddress.get(c.address) ?? [];
      const tokens =
        estimateTokens(toInertJson(c)) + rules.reduce((s, f) => s + estimateTokens(toInertJson(promptRuleOf(f, 'R0000'))), 0) + 2;
      return { tokens, priority: changePriority(c.actions, rules.length) };
    });
    const plan = planChunks(items, { budget: config.chunkTokenBudget, maxChunks: config.maxChunks });
    const history =
      input.historicalContext === undefined ? undefined : truncateToTokens(input.historicalContext, config.historyTokenBudget).text;
    const systemText = buildSystemPrompt(input.ruleCatalogueSummary);

    // 2. One Converse call within the per-call timeout and the review deadline.
    const call = async (messages: ConverseMessage[], chunk: number, phase: 'initial' | 'repair'): Promise<ConverseResult> => {
      const left = timeLeft();
      if (left < config.minCallMs) throw new BedrockDeadlineExceededError(`only ${Math.max(0, Math.round(left))} ms left before the deadline`);
      const request: ConverseRequest = {
        modelId: config.modelId,
        system: [{ text: systemText }, { cachePoint: { type: 'default' } }],
        messages,
        toolConfig,
        inferenceConfig: { maxTokens: config.maxTokens, temperature: config.temperature },
      };
      const budget = createCallBudget(config.timeoutMs, left);
      const callStart = clock.now();
      usage.calls++;
      try {
        const result = await Promise.race([opts.port.converse(request, { signal: budget.signal }), budget.aborted]);
        const latencyMs = clock.now() - callStart;
        const u = result.usage;
        usage.inputTokens += u.inputTokens;
        usage.outputTokens += u.outputTokens;
        usage.cacheReadInputTokens += u.cacheReadInputTokens;
        usage.cacheWriteInputTokens += u.cacheWriteInputTokens;
        log.info('bedrock converse call', {
          chunk,
          phase,
          outcome: 'ok',
          stopReason: result.stopReason,
          latencyMs,
          serverLatencyMs: result.latencyMs,
          ...u,
        });
        log.metrics(
          [
            { name: 'BedrockInputTokens', value: u.inputTokens },
            { name: 'BedrockOutputTokens', value: u.outputTokens },
            { name: 'BedrockCacheReadInputTokens', value: u.cacheReadInputTokens },
            { name: 'BedrockCacheWriteInputTokens', value: u.cacheWriteInputTokens },
            { name: 'BedrockLatency', value: latencyMs, unit: 'Milliseconds' },
            { name: 'BedrockCalls', value: 1 },
          ],
          undefined,
          { modelId: config.modelId, promptVersion: PROMPT_VERSION, phase },
        );
        return result;
      } catch (err) {
        const cause = budget.cause();
        const error =
          cause === 'deadline'
            ? new BedrockDeadlineExceededError('the review deadline ran out during the call', { cause: err })
            : cause === 'timeout'
              ? new BedrockTimeoutError(`no answer within ${config.timeoutMs} ms`, { cause: err })
              : err instanceof BedrockCallError
                ? err
                : new BedrockUnavailableError(err instanceof Error ? err.message : String(err), { cause: err });
        const latencyMs = clock.now() - callStart;
        log.warn('bedrock converse call failed', {
          chunk,
          phase,
          outcome: 'failed',
          reason: error.reason,
          errorType: error.errorType,
          error: error.message,
          latencyMs,
        });
        log.metrics(
          [
            { name: 'BedrockCallFailures', value: 1 },
            { name: 'BedrockLatency', value: latencyMs, unit: 'Milliseconds' },
          ],
          undefined,
          { modelId: config.modelId, promptVersion: PROMPT_VERSION, phase, reason: error.reason },
        );
        throw error;
      } finally {
        budget.dispose();
      }
    };

    // 3. One chunk: the initial call and at most one repair.
    const reviewChunk = async (chunk: number, indexes: readonly number[]): Promise<ChunkOutcome> => {
      const changes = indexes.map((i) => reviewable[i]).filter((c): c is PromptChange => c !== undefined);
      const addresses = new Set(changes.map((c) => c.address));
      let n = 0;
      const promptRules = changes.flatMap((c) => (rulesByAddress.get(c.address) ?? []).map((f) => promptRuleOf(f, `R${++n}`)));
      const userText = buildUserMessage({
        nonce: nonceOf(),
        changes,
        ruleFindings: promptRules,
        ...(history !== undefined ? { historicalContext: history } : {}),
        chunkIndex: chunk,
        chunkCount: plan.chunks.length,
        totalResources: reviewable.length,
      });
      const messages: ConverseMessage[] = [{ role: 'user', content: [{ text: userText }] }];
      try {
        const first = await call(messages, chunk, 'initial');
        const answer = readAnswer(first);
        if (answer.check.ok) return { kind: 'reviewed', output: answer.check.value, promptRules, addresses };
        const errors = answer.check.errors;
        log.warn('bedrock answer invalid; repairing', { chunk, errors: errors.slice(0, 10) });
        const assistantContent = first.content.filter((b) => ('text' in b ? b.text.trim() !== '' : 'toolUse' in b));
        const repairText = buildRepairMessage(errors, first.stopReason === 'max_tokens');
        messages.push({ role: 'assistant', content: assistantContent.length ? assistantContent : [{ text: '(no answer)' }] });
        messages.push({
          role: 'user',
          content:
            answer.toolUseId !== undefined
              ? [{ toolResult: { toolUseId: answer.toolUseId, status: 'error', content: [{ text: repairText }] } }]
              : [{ text: repairText }],
        });
        const second = await call(messages, chunk, 'repair');
        const repaired = readAnswer(second);
        if (repaired.check.ok) return { kind: 'reviewed', output: repaired.check.value, promptRules, addresses };
        throw new BedrockInvalidOutputError('the answer did not match the findings schema after one repair attempt', repaired.check.errors);
      } catch (err) {
        const e = err instanceof BedrockCallError ? err : new BedrockUnavailableError(String(err), { cause: err });
        return { kind: 'failed', reason: e.reason, message: e.message };
      }
    };

    // 4. Run the chunks (bounded concurrency), stopping new starts near the deadline or after repeated failures.
    const outcomes: ChunkOutcome[] = new Array<ChunkOutcome>(plan.chunks.length);
    let next = 0;
    let consecutiveFailures = 0;
    let breakerReason: FailureReason | undefined;
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        const indexes = plan.chunks[i];
        if (indexes === undefined) return;
        if (breakerReason !== undefined) {
          outcomes[i] = { kind: 'failed', reason: breakerReason, message: 'not attempted: earlier chunks kept failing' };
          continue;
        }
        if (timeLeft() < config.minCallMs) {
          outcomes[i] = { kind: 'skipped' };
          continue;
        }
        const outcome = await reviewChunk(i, indexes);
        outcomes[i] = outcome;
        if (outcome.kind === 'failed' && outcome.reason !== 'invalid-output' && outcome.reason !== 'deadline') {
          consecutiveFailures++;
          if (consecutiveFailures >= BREAKER_THRESHOLD) breakerReason = outcome.reason;
        } else if (outcome.kind === 'reviewed') consecutiveFailures = 0;
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.concurrency, plan.chunks.length) }, worker));

    // 5. Merge.
    const byReason: Record<OmissionReason, number> = { 'too-large': 0, 'max-chunks': 0, 'chunk-failed': 0, deadline: 0 };
    const omittedAddresses: string[] = [];
    const omit = (index: number, reason: OmissionReason): void => {
      byReason[reason]++;
      const c = reviewable[index];
      if (c && omittedAddresses.length < MAX_OMITTED_ADDRESSES) omittedAddresses.push(c.address);
    };
    for (const o of plan.omitted) omit(o.index, o.reason);
    const reviewedChunks: ChunkFindings[] = [];
    const verdicts: Array<RuleVerdict | undefined> = [];
    const summaries: string[] = [];
    const failures: ChunkFailure[] = [];
    let reviewedCount = 0;
    let reviewedResources = 0;
    let skipped = 0;
    outcomes.forEach((o, i) => {
      const indexes = plan.chunks[i] ?? [];
      if (o.kind === 'reviewed') {
        reviewedCount++;
        reviewedResources += indexes.length;
        reviewedChunks.push({ addresses: o.addresses, findings: o.output.findings });
        const byRef = new Map(o.output.ruleAssessments.map((a) => [a.ref, a.verdict]));
        for (const r of o.promptRules) verdicts.push(byRef.get(r.ref));
        if (o.output.summary.trim() !== '') summaries.push(o.output.summary.trim());
      } else if (o.kind === 'failed') {
        failures.push({ chunk: i, reason: o.reason, message: o.message, resources: indexes.length });
        for (const idx of indexes) omit(idx, o.reason === 'deadline' ? 'deadline' : 'chunk-failed');
      } else {
        skipped++;
        for (const idx of indexes) omit(idx, 'deadline');
      }
    });
    const merged = mergeFindings(reviewedChunks, input.ruleFindings);
    const omittedCount = byReason['too-large'] + byReason['max-chunks'] + byReason['chunk-failed'] + byReason.deadline;
    const status: ReviewResult['status'] =
      reviewable.length === 0 ? 'ok' : reviewedCount === 0 ? 'failed' : omittedCount > 0 ? 'partial' : 'ok';
    const failureReason: FailureReason | undefined =
      status === 'ok' ? undefined : (failures[0]?.reason ?? (skipped > 0 || byReason.deadline > 0 ? 'deadline' : undefined));
    const summaryText =
      summaries.length <= 1 ? summaries[0] : summaries.map((s, i) => `Part ${i + 1}: ${s}`).join('\n\n');
    const omittedReason = describeOmissions(byReason, config.maxChunks);

    const result: ReviewResult = {
      status,
      findings: merged.findings,
      ...(summaryText !== undefined ? { summary: summaryText.slice(0, MAX_SUMMARY_CHARS) } : {}),
      ...(reviewedCount > 0 ? { agreement: computeAgreement(verdicts, merged.findings, input.ruleFindings) } : {}),
      ...(failureReason !== undefined ? { failureReason } : {}),
      chunks: { total: plan.chunks.length, reviewed: reviewedCount, failed: failures.length, skipped },
      omitted: { resources: omittedCount, ...(omittedReason ? { reason: omittedReason } : {}), byReason, addresses: omittedAddresses },
      coverage: reviewable.length === 0 ? 1 : reviewedResources / reviewable.length,
      failures,
      usage,
      promptVersion: PROMPT_VERSION,
      modelId: config.modelId,
      discardedFindings: merged.discarded,
    };
    const durationMs = clock.now() - startedAt;
    log.info('bedrock review finished', {
      status,
      failureReason,
      resources: reviewable.length,
      unchanged,
      chunks: result.chunks,
      omitted: { resources: omittedCount, byReason },
      coverage: result.coverage,
      findings: result.findings.length,
      discardedFindings: merged.discarded,
      usage,
      durationMs,
    });
    log.metrics(
      [
        { name: 'BedrockReviewDuration', value: durationMs, unit: 'Milliseconds' },
        { name: 'BedrockChunks', value: plan.chunks.length },
        { name: 'BedrockChunksFailed', value: failures.length + skipped },
        { name: 'BedrockResourcesOmitted', value: omittedCount },
        { name: 'BedrockReviewCoverage', value: result.coverage * 100, unit: 'Percent' },
      ],
      undefined,
      { modelId: config.modelId, promptVersion: PROMPT_VERSION, status },
    );
    return result;
  };

  return { config, promptVersion: PROMPT_VERSION, review };
};
