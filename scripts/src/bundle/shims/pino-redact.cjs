// Lambda bundles only: @pinojs/redact, which pino uses only for its `redact` option (~5 KB). The
// logger (packages/logger) never sets it: it redacts every field itself (createRedactor), before
// pino sees it. Should anything pass `redact` to pino, it fails loudly instead of logging unredacted.
module.exports = function notBundled() {
  throw new Error("pino's redact option is not bundled in the Lambda functions: packages/logger redacts every field itself");
};
