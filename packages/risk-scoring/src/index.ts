// The whole engine: everything in ./engine (plan reviews; see there) plus its Terraform-source half
// (HCL parser and evaluator, policy file reader), imported statically. Code that reviews plans and
// wants the HCL half loaded only when needed imports `@iac-review/risk-scoring/engine` and calls loadHcl().
export { RiskScoringError, InputError, PlanParseError, HclParseError, normalisePlan, hclCoverage, loadHcl, rules, ResourceView, UNKNOWN, evaluateRules, runRules, scoreRisk, levelFor, actionKind, SEVERITY_POINTS, SEVERITY_FLOOR, ACTION_WEIGHT, ACTION_POINTS, SATURATION, computeConfidence, reviewChanges, reviewInput, redactSensitive, REDACTED, renderText, renderMarkdown, escapeMarkdown, renderSarif, CONFIG_FILES, ambiguousPolicyFiles, parseCidr, applyPolicy, policyRules, SUPPRESSION_WITHOUT_REASON, SUPPRESSION_EXPIRED, compileCustomRules, cidrContains, CUSTOM_PREFIX, parseDirective, policyDiff } from './engine';
export type { Action, AttributePath, ResourceChange, InputKind, Contribution, RiskScore, ConfidenceInput, ConfidenceFactor, Confidence, ReviewStats, ReviewResult, SourceFile, HclOptions, HclEvaluation, HclCoverage, NotReviewedModule, HclFile, HclComment, HclBody, HclBlock, HclAttribute, HclExpr, HclApi, Rule, CheckResult, RuleEvaluation, ReviewOptions, ReviewInput, SourceInput, MarkdownOptions, SarifOptions, PolicyConfig, LoadedConfig, CustomRuleConfig, SuppressionConfig, RuleOverride, Condition, PolicyOptions, PolicyStats, InlineDirective } from './engine';
export { normaliseHcl, evaluateHcl } from './input/normalise-hcl';
export { parseHcl, parseExpression, HclSyntaxError } from './hcl/parser';
export { SUPPORTED_FUNCTIONS } from './hcl/functions';
export { UNKNOWN_TEXT } from './hcl/values';
export { parsePolicyConfig, ConfigError } from './policy/config';
export { collectInlineDirectives } from './policy/inline';
export { policyFromFiles, policyFileOf } from './policy/from-files';
