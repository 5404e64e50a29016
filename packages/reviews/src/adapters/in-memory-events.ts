import type { BusEvent, EventPublisher } from '../events';

/** Records published events (tests); `failNext` makes the next publish throw. */
export const createInMemoryEventPublisher = () => {
  const published: BusEvent[] = [];
  let failures = 0;
  const publisher: EventPublisher & { published: BusEvent[]; failNext: (n?: number) => void } = {
    published,
    failNext: (n = 1) => {
      failures = n;
    },
    async publish(events) {
      if (failures > 0) {
        failures--;
        throw new Error('bus unavailable');
      }
      published.push(...events);
    },
  };
  return publisher;
};
