// `@iac-review/risk-scoring/engine`: the review engine without its Terraform-source half. Plan JSON
// in, findings, risk and confidence out; the HCL parser/evaluator and the policy file reader (YAML,
// JSON Schema) come through `loadHcl()` on first use. A bundle whose code imports only this entry
// point keeps them in a chunk it loads lazily (the package root re-exports them statically, which
// ties them to whatever imports the root).
export { RiskScoringError, InputError, PlanParseError, HclParseError } from './errors';
export type { Action, AttributePath, ResourceChange, InputKind, Contribution, RiskScore, ConfidenceInput, ConfidenceFactor, Confidence, ReviewStats, ReviewResult } from './types';
export { normalisePlan } from './input/normalise-plan';
export { hclCoverage } from './input/hcl-coverage';
export type { SourceFile, HclOptions, HclEvaluation, HclCoverage, NotReviewedModule } from './hcl/config';
export type { HclFile, Comment as HclComment, Body as HclBody, Block as HclBlock, Attribute as HclAttribute, Expr as HclExpr } from './hcl/ast';
export { loadHcl } from './load-hcl';
export type { HclApi } from './load-hcl';
export { rules } from './rules/catalogue';
export type { Rule, CheckResult } from './rules/rule';
export { ResourceView, UNKNOWN } from './rules/resource-view';
export { evaluateRules, runRules } from './rules/evaluate-rules';
export type { RuleEvaluation } from './rules/evaluate-rules';
export { scoreRisk, levelFor, actionKind, SEVERITY_POINTS, SEVERITY_FLOOR, ACTION_WEIGHT, ACTION_POINTS, SATURATION } from './score-risk';
export { computeConfidence } from './confidence';
export { reviewChanges, reviewInput } from './review';
export type { ReviewOptions, ReviewInput } from './review';
export type { SourceInput } from './rules/provider-secrets';
export { redactSensitive, REDACTED } from './redact';
export { renderText } from './render/render-text';
export { renderMarkdown, escapeMarkdown } from './render/render-markdown';
export type { MarkdownOptions } from './render/render-markdown';
export { renderSarif } from './render/render-sarif';
export type { SarifOptions } from './render/render-sarif';
export type { PolicyConfig, LoadedConfig, CustomRuleConfig, SuppressionConfig, RuleOverride, Condition } from './policy/config';
export { CONFIG_FILES, ambiguousPolicyFiles } from './policy/files';
export { parseCidr } from './policy/cidr';
export { applyPolicy, policyRules, SUPPRESSION_WITHOUT_REASON, SUPPRESSION_EXPIRED } from './policy/apply';
export type { PolicyOptions, PolicyStats } from './policy/apply';
export { compileCustomRules, cidrContains, CUSTOM_PREFIX } from './policy/custom-rules';
export { parseDirective } from './policy/inline';
export type { InlineDirective } from './policy/inline';
export { policyDiff } from './policy/diff';
