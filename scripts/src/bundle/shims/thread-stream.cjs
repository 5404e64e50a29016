// Lambda bundles only: pino's worker-thread transports (pino.transport, `transport:` options) need
// thread-stream (~10 KB). The functions log synchronously to stdout and never start a transport
// (transports lose lines when Lambda freezes the process), so every bundle resolves `thread-stream`
// to this file. Starting a transport in a bundle fails loudly instead of silently.
module.exports = class ThreadStream {
  constructor() {
    throw new Error('pino transports are not bundled in the Lambda functions: log to stdout (packages/logger)');
  }
};
