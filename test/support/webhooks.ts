import type { EventGateway } from '../../src/index.js';

/** A clock the test moves by hand: set or shift `time` (epoch milliseconds), backwards too. */
export class ManualClock {
  time = Date.parse('2026-01-01T00:00:00Z');
  now(): Date {
    return new Date(this.time);
  }
}

/** The body Paxos posts to a webhook endpoint for event `id`. */
export function notification(id: string): Record<string, unknown> {
  return { id, type: 'identity.approved', source: 'com.paxos', time: '2026-01-01T00:00:00Z', object: 'event' };
}

/** An event gateway that knows every id it is asked for. */
export const events: EventGateway = {
  get: (id) => Promise.resolve({ id, type: 'identity.approved', object: {}, createdAt: '2026-01-01T00:00:00Z' }),
  listPage: () => Promise.resolve({ items: [] }),
};
