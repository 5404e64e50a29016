// Runs before every test file of every package.
// This machine has Node 20 while Lambda runs nodejs22.x: silence the SDK's Node-version notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Handlers loaded by tests (local stack) log at warn unless a test says otherwise.
process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'warn';
