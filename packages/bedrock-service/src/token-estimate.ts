/**
 * Token estimate used for chunking: one token per 3 characters, rounded up. Claude's tokenizer
 * averages about 3.5–4 characters per token on English and JSON is denser (quotes, braces, short
 * keys), so 3 errs on the safe side: a chunk estimated within budget is within budget in practice.
 */
export const CHARS_PER_TOKEN = 3;

export const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

/** Cuts `text` to at most `maxTokens` estimated tokens, marking the cut. */
export const truncateToTokens = (text: string, maxTokens: number): { text: string; truncated: boolean } => {
  const maxChars = maxTokens * CHARS_PER_TOKEN;
  if (text.length <= maxChars) return { text, truncated: false };
  const marker = ' …[truncated]';
  return { text: text.slice(0, Math.max(0, maxChars - marker.length)) + marker, truncated: true };
};
