// Lambda bundles only: `@smithy/core/event-streams` (~14 KB, ~4 KB of each zip) serialises and
// parses AWS event streams: S3 SelectObjectContent, Bedrock's *WithResponseStream and bidirectional
// streams. No function calls such an operation. The clients still import it (to set up their
// marshaller) and the protocol code loads it with import() when an operation has an event-stream
// member, so every bundle resolves it to this file: clients build as before, and an event-stream
// operation fails loudly instead of silently.
const unsupported = () => {
  throw new Error('AWS event-stream operations are not bundled in the Lambda functions (scripts/src/bundle/shims/event-streams.mjs).');
};

// What a client's constructor runs: keep its real behaviour (a marshaller from the provider).
export const resolveEventStreamSerdeConfig = (input) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
export const eventStreamSerdeProvider = () => ({ serialize: unsupported, deserialize: unsupported });

export class EventStreamSerde {
  serializeEventStream() {
    unsupported();
  }
  deserializeEventStream() {
    unsupported();
  }
}
// Bedrock's client builds its event-stream payload handler (with a codec) in its constructor.
export class EventStreamCodec {
  encode() {
    unsupported();
  }
  decode() {
    unsupported();
  }
  formatHeaders() {
    unsupported();
  }
}
export const iterableToReadableStream = unsupported;
export const readableStreamToIterable = unsupported;
