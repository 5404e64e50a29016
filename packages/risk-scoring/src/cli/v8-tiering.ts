import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags that choose how code is tiered up; when the user passes one of them to `node`, the CLI
 * leaves V8's tiering alone.
 */
const TIERING_FLAG = /^--(no-)?(turbofan|opt|maglev|sparkplug|always-sparkplug|jitless|always-turbofan|always-opt)(=|$)/;

/**
 * The V8 flag the review CLI sets for its own process, or `undefined` when `node` was started with
 * a tiering flag of its own (`node --turbofan bin/iac-review.mjs …`).
 *
 * A CLI run is one burst of code that starts cold and ends with the process. V8's optimising
 * compiler (TurboFan) compiles the hottest functions on background threads while the interpreter and
 * the baseline compiler (Sparkplug) keep running; for a review that work does not pay back before the
 * process exits. Measured on the 2-core bench machine with fresh processes (docs/BENCHMARKS.md,
 * review-cli section), without TurboFan: a 5000-change plan 310 → 220 ms CPU, a 44,000-change plan
 * 1650 → 1460 ms, a 500-file Terraform repository 910 → 490 ms, wall time down with them. Long-lived
 * users of the engine (the Lambda functions, tests) are not affected: only the CLI's entry point calls
 * {@link applyCliTiering}.
 */
export function cliTieringFlag(execArgv: readonly string[]): string | undefined {
  return execArgv.some((a) => TIERING_FLAG.test(a)) ? undefined : '--no-turbofan';
}

/** Applies {@link cliTieringFlag} to this process (before the review's code runs hot). */
export function applyCliTiering(execArgv: readonly string[] = process.execArgv): void {
  const flag = cliTieringFlag(execArgv);
  if (flag) setFlagsFromString(flag);
}
