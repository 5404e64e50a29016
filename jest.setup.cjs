// Runs before every test file of every package.
// This machine has Node 20 while Lambda runs nodejs22.x: silence the SDK's Node-version notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Handlers loaded by tests (local stack) log at warn unless a test says otherwise.
process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'warn';
// Property tests stay bounded on a loaded machine: at most 100 runs each (fast-check's default,
// stated here) unless a test asks for fewer, and a property that is still running after 8 s stops
// with the runs it has done (reported as passed when they all held), well inside the 30 s timeout.
require('fast-check').configureGlobal({ numRuns: 100, interruptAfterTimeLimit: 8000, markInterruptAsFailure: false });
