// SWC for our TypeScript, and for any ESM-only package in node_modules (Octokit and friends):
// those are compiled to CommonJS so tests need no --experimental-vm-modules. CommonJS files in
// node_modules pass through untouched, so a new ESM-only dependency needs no configuration.
const { createTransformer } = require('@swc/jest');

const swc = createTransformer({
  jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
});

const ESM_SYNTAX = /^\s*(?:import\s*(?:[\w*{]|["'])|export\s+(?:\*|\{|default\b|const\b|let\b|var\b|function\b|class\b|async\b))/m;

module.exports = {
  canInstrument: false,
  getCacheKey: (src, filename, options) => swc.getCacheKey(src, filename, options),
  process(src, filename, options) {
    if (filename.includes('/node_modules/') && !ESM_SYNTAX.test(src)) return { code: src };
    return swc.process(src, filename, options);
  },
};
