/* eslint-disable @typescript-eslint/no-deprecated -- the deprecated store implements its deprecated port */
import type { SeenStore } from '../../ports/index.js';

/** Options of an {@link InMemorySeenStore}. */
export interface InMemorySeenStoreOptions {
  /** How many ids to remember; the oldest is forgotten first. Default 10 000. */
  readonly maxSize?: number;
}

/**
 * A {@link SeenStore} of the last `maxSize` event ids handled by this process. Paxos redelivers within 24 h, so size
 * it for a day of events.
 *
 * @deprecated The default is now an {@link InMemoryWebhookDeliveryRecord}, which claims atomically; a SeenStore's
 * check-then-add cannot be atomic across processes.
 */
export class InMemorySeenStore implements SeenStore {
  private readonly ids = new Set<string>();
  private readonly maxSize: number;

  constructor(options: InMemorySeenStoreOptions = {}) {
    const maxSize = options.maxSize ?? 10_000;
    if (!Number.isSafeInteger(maxSize) || maxSize < 1) throw new RangeError('maxSize must be a positive integer');
    this.maxSize = maxSize;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    // A Set iterates in insertion order: its first entry is the oldest.
    this.ids.delete(id);
    this.ids.add(id);
    for (const oldest of this.ids) {
      if (this.ids.size <= this.maxSize) break;
      this.ids.delete(oldest);
    }
  }

  /** How many ids it remembers. */
  get size(): number {
    return this.ids.size;
  }
}
