import { captureLogger as capture } from '@iac-review/logger/testing';

/** A real logger whose JSON lines are kept for assertions. */
export const captureLogger = () => capture({ functionName: 'ai-reviewer' });
