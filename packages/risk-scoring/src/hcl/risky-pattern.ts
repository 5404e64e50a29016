/**
 * Terraform's RE2 runs in linear time; JavaScript's backtracking engine does not. Patterns that can
 * backtrack catastrophically (a quantified group that itself holds a quantifier or an alternation,
 * or a backreference) are not evaluated. Its own module (no imports): the policy file's validation
 * uses it without loading the HCL evaluator.
 */
export const RISKY_PATTERN = /\((?:[^()\\]|\\.)*(?:[+*}]|\|)(?:[^()\\]|\\.)*\)\s*[+*{]|\\[1-9]/;
