// Writes this package's test counts to .test-results/summary.json (a turbo output, so cached runs
// restore it); `npm test` adds them up into one closing line.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.timeout = globalConfig.testTimeout ?? 5000;
  }
  onRunComplete(_contexts, results) {
    const dir = join(this.rootDir, '.test-results');
    mkdirSync(dir, { recursive: true });
    // The slowest tests, for finding those close to their timeout on a loaded machine (npm test
    // names the ones over half of the default timeout; a test with its own timeout may allow more).
    const tests = [];
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        if (typeof t.duration === 'number') tests.push({ file: relative(this.rootDir, file.testFilePath), name: t.fullName, ms: t.duration });
      }
    }
    tests.sort((a, b) => b.ms - a.ms);
    writeFileSync(
      join(dir, 'summary.json'),
      JSON.stringify({
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        skipped: results.numPendingTests + results.numTodoTests,
        suites: results.numTotalTestSuites,
        timeoutMs: this.timeout,
        slowest: tests.slice(0, 10),
      }),
    );
  }
}
module.exports = SummaryReporter;
