import type { HclFile } from './ast';

/**
 * `parseHcl`, once `parser.ts` has been loaded (it puts itself here). The inline-suppression reader
 * (policy/inline.ts) takes the parser from here instead of importing it, so a review of plan JSON
 * never loads the HCL parser: only Terraform source has `iac-review:ignore` comments, and reading
 * Terraform source (`evaluateHcl`, `loadHcl()`) loads the parser first.
 */
let parser: ((path: string, content: string) => HclFile) | undefined;

export const provideHclParser = (parse: (path: string, content: string) => HclFile): void => {
  parser = parse;
};

export const hclParser = (): ((path: string, content: string) => HclFile) | undefined => parser;
