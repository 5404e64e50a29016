import { HclParseError } from '../errors';
import { evaluateConfiguration, type HclEvaluation, type HclOptions, type SourceFile } from '../hcl/config';
import { HclSyntaxError } from '../hcl/parser';
import type { ResourceChange } from '../types';

export type { SourceFile, HclOptions, HclEvaluation, HclCoverage, NotReviewedModule } from '../hcl/config';

/**
 * Evaluates Terraform source files (`.tf`, `.tf.json`, `.tfvars`, `.tfvars.json`, and files that
 * `file()`/`templatefile()` read) into proposed resource changes at the addresses a plan would
 * show, plus what could not be evaluated. A file that does not parse is an {@link HclParseError}
 * naming `file:line:column`.
 */
export function evaluateHcl(files: SourceFile[], options: HclOptions = {}): HclEvaluation {
  try {
    return evaluateConfiguration(files, options);
  } catch (err) {
    if (err instanceof HclSyntaxError) throw new HclParseError(`cannot parse ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * Normalises Terraform source files into proposed resource changes (action `create`, values as
 * evaluated). Kept async for callers written against the earlier WebAssembly parser.
 */
export async function normaliseHcl(files: SourceFile[], options: HclOptions = {}): Promise<ResourceChange[]> {
  return Promise.resolve(evaluateHcl(files, options).changes);
}

export { hclCoverage } from './hcl-coverage';
