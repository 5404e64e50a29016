import type { ContentBlock, ConversePort, ConverseRequest, ConverseResult, ConverseUsage } from '../converse-port';
import { FINDINGS_TOOL_NAME } from '../findings-tool';

/** What a scripted call does: answer, throw, or hang until aborted. */
export type ScriptedReply = ConverseResult | Error | 'hang' | Promise<ConverseResult>;

export interface InMemoryConversePort extends ConversePort {
  /** Every request received, in order (deep copies). */
  readonly requests: ConverseRequest[];
}

const DEFAULT_USAGE: ConverseUsage = { inputTokens: 100, outputTokens: 50, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 };

/** A Converse answer that calls the findings tool with `input`. */
export const toolAnswer = (input: unknown, usage: Partial<ConverseUsage> = {}): ConverseResult => ({
  content: [{ toolUse: { toolUseId: `tooluse_${Math.random().toString(36).slice(2, 10)}`, name: FINDINGS_TOOL_NAME, input } }],
  stopReason: 'tool_use',
  usage: { ...DEFAULT_USAGE, ...usage },
  latencyMs: 10,
});

/** A Converse answer with only text (the model did not call the tool). */
export const textAnswer = (text: string, usage: Partial<ConverseUsage> = {}): ConverseResult => ({
  content: [{ text } satisfies ContentBlock],
  stopReason: 'end_turn',
  usage: { ...DEFAULT_USAGE, ...usage },
  latencyMs: 10,
});

/**
 * A scripted, in-memory Converse port: `script(request, callIndex)` decides each reply. A 'hang'
 * (or a promise that never settles) ends only when the call's signal aborts, like a stuck connection.
 */
export const createInMemoryConversePort = (
  script: (request: ConverseRequest, callIndex: number) => ScriptedReply,
): InMemoryConversePort => {
  const requests: ConverseRequest[] = [];
  return {
    requests,
    converse: (request, { signal }) => {
      const index = requests.length;
      requests.push(structuredClone(request));
      return new Promise<ConverseResult>((resolve, reject) => {
        const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        let reply: ScriptedReply;
        try {
          reply = script(request, index);
        } catch (err) {
          reject(err);
          return;
        }
        if (reply === 'hang') return;
        if (reply instanceof Error) {
          reject(reply);
          return;
        }
        Promise.resolve(reply).then(resolve, reject);
      });
    },
  };
};
