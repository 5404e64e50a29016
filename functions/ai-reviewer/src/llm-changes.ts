import { isUnchanged, type ResourceChange as LlmChange } from '@iac-review/bedrock-service';
import { redactSensitive, type ResourceChange } from '@iac-review/risk-scoring/engine';

/**
 * The changes as the model may see them: values at Terraform's sensitive paths, values of
 * secret-looking keys and recognised credentials replaced by risk-scoring's redaction (the
 * bedrock-service sanitises again before the prompt: defence in depth).
 */
export const toLlmChanges = (changes: readonly ResourceChange[]): LlmChange[] =>
  changes.map((c) => {
    const r = redactSensitive(c);
    return { address: r.address, type: r.type, actions: r.actions, before: r.before, after: r.after, sensitivePaths: r.sensitivePaths };
  });

/** How many changes the model is asked to review (no-op and read are not sent). */
export const countReviewable = (changes: readonly Pick<ResourceChange, 'actions'>[]): number => changes.filter((c) => !isUnchanged(c.actions)).length;
