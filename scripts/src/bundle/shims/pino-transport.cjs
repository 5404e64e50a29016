// Lambda bundles only: pino.transport() and pino.multistream() (~6 KB with their helpers; the
// transport runs log writers in worker threads through thread-stream). The functions log
// synchronously to stdout and never start a transport (transports lose lines when Lambda freezes
// the process), so pino's lib/transport.js and lib/multistream.js resolve to this file in every
// bundle. Calling either fails loudly instead of silently.
module.exports = function notBundled() {
  throw new Error('pino transports and multistream are not bundled in the Lambda functions: log to stdout (packages/logger)');
};
