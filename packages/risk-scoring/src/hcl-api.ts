// What loadHcl() returns: everything that needs the HCL parser/evaluator or the policy file reader.
export { evaluateHcl, normaliseHcl } from './input/normalise-hcl';
export { parseHcl, parseExpression, HclSyntaxError } from './hcl/parser';
export { policyFromFiles } from './policy/from-files';
export { collectInlineDirectives } from './policy/inline';
