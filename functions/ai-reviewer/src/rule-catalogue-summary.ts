import type { Rule } from '@iac-review/risk-scoring';

/**
 * One line per rule (id, severity, category, title), sorted by id: static per deployment, so it sits
 * in the cached part of the prompt and tells the model what the rules already check.
 */
export const ruleCatalogueSummary = (rules: readonly Pick<Rule, 'id' | 'title' | 'category' | 'severity'>[]): string =>
  [...rules]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((r) => `${r.id} [${r.severity}, ${r.category}] ${r.title}`)
    .join('\n');
