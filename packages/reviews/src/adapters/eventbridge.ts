import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventPublishError } from '../errors';
import { EVENT_SOURCE, type BusEvent, type EventPublisher } from '../events';

export interface EventBridgePublisherOptions {
  /** Anything that sends EventBridge commands: a client, or a deferred one (see createAwsReviewService). */
  client: Pick<EventBridgeClient, 'send'>;
  busName: string;
  source?: string;
}

/** Puts events on an EventBridge bus; a partial failure (FailedEntryCount > 0) is a failure. */
export const createEventBridgePublisher = (opts: EventBridgePublisherOptions): EventPublisher => ({
  async publish(events: BusEvent[]) {
    if (events.length === 0) return;
    let out;
    try {
      // Loaded on the first publish (its own chunk in a bundle), not at cold start.
      const { PutEventsCommand } = await import('./eventbridge-client');
      out = await opts.client.send(
        new PutEventsCommand({
          Entries: events.map((e) => ({ EventBusName: opts.busName, Source: opts.source ?? EVENT_SOURCE, DetailType: e.detailType, Detail: JSON.stringify(e.detail) })),
        }),
      );
    } catch (err) {
      throw new EventPublishError('The event bus did not accept the events.', { cause: err });
    }
    if ((out.FailedEntryCount ?? 0) > 0) {
      const codes = (out.Entries ?? []).map((e) => e.ErrorCode).filter(Boolean);
      throw new EventPublishError(`The event bus rejected ${out.FailedEntryCount} event(s): ${codes.join(', ')}`);
    }
  },
});
