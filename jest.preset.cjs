// Shared jest settings for every workspace package.
// TypeScript and ESM-only libraries (Octokit…) are compiled to CommonJS by SWC through
// jest.transformer.cjs, so tests need neither ts-jest nor --experimental-vm-modules.
module.exports = {
  testEnvironment: 'node',
  setupFiles: [require('node:path').join(__dirname, 'jest.setup.cjs')],
  reporters: ['default', require('node:path').join(__dirname, 'jest.summary-reporter.cjs')],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)sx?$': require('node:path').join(__dirname, 'jest.transformer.cjs') },
  resolver: require('node:path').join(__dirname, 'jest.resolver.cjs'),
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  // Everything goes through the transformer; it leaves CommonJS in node_modules untouched.
  transformIgnorePatterns: [],
  testTimeout: 30000,
};
