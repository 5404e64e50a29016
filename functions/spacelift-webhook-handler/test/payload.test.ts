import { readFileSync } from 'node:fs';
import { generate, OUTPUT } from '../scripts/codegen';
import { dedupeKey, toIso, toRunEvent } from '../src/payload';
import { fixture } from './support/setup';

describe('payload', () => {
  it('should keep the committed validator in step with the schema (run scripts/codegen.ts after editing it)', () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(generate());
  });

  it.each([
    [1764413400, '2025-11-29T10:50:00.000Z'],
    [1764413400123, '2025-11-29T10:50:00.123Z'],
    [1764413400123456, '2025-11-29T10:50:00.123Z'],
    [1764413400123456000, '2025-11-29T10:50:00.123Z'],
  ])('should read the timestamp %p in its own unit', (t, iso) => expect(toIso(t)).toBe(iso));

  it('should key a default delivery on account, run, state and stateVersion, and a run_updated one on its time', () => {
    expect(dedupeKey(toRunEvent(fixture('run-event-tracked-unconfirmed.json') as never))).toBe('acme-corp/01JDQ8Z5M3K6V2X9RT4HWN7C1P/UNCONFIRMED/5');
    expect(dedupeKey(toRunEvent(fixture('run-updated-tracked-unconfirmed.json') as never))).toBe('acme-corp/01JDQ8Z5M3K6V2X9RT4HWN7C1P/UNCONFIRMED/2025-11-29T10:50:00.000Z');
  });
});
