import type { HclCoverage } from '../hcl/config';

/**
 * The review's coverage from an HCL evaluation: every resource instance and every module call that
 * was not reviewed is an item; instances whose `count`/`for_each` was unknown count as not analysed.
 * Its own module: reviewing changes does not load the HCL evaluator.
 */
export function hclCoverage(c: HclCoverage, changes: number): { total: number; analysed: number } {
  const total = changes + c.notReviewedModules.length;
  return { total, analysed: Math.max(0, changes - c.unknownExpansions.length) };
}
