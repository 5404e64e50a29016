// Shared jest settings for every workspace package.
// TypeScript (and the ESM-only libraries such as Octokit) are compiled to CommonJS by SWC, so
// tests need neither ts-jest nor --experimental-vm-modules.
const esmOnly = [
  '@octokit',
  'universal-user-agent',
  'before-after-hook',
  'universal-github-app-jwt',
  'toad-cache',
  'fast-content-type-parse',
  'json-with-bigint',
];
module.exports = {
  testEnvironment: 'node',
  setupFiles: [require('node:path').join(__dirname, 'jest.setup.cjs')],
  reporters: ['default', require('node:path').join(__dirname, 'jest.summary-reporter.cjs')],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)sx?$': [
      '@swc/jest',
      {
        jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  transformIgnorePatterns: [`/node_modules/(?!(\\.pnpm/)?(${esmOnly.join('|')})[+/@])`],
  testTimeout: 30000,
};
