/* eslint-disable @typescript-eslint/no-deprecated -- this record is also the adapter that keeps SeenStore users working */
import type { Clock, SeenStore, WebhookDeliveryClaim, WebhookDeliveryRecord } from '../../ports/index.js';
import { systemClock } from '../../ports/index.js';

/** Options of an {@link InMemoryWebhookDeliveryRecord}. */
export interface InMemoryWebhookDeliveryRecordOptions {
  /** How many done ids to remember; the oldest is forgotten first. Default 10 000. Ignored with `seenStore`. */
  readonly maxSize?: number;
  /** What leases are measured against. Default: the system clock. */
  readonly clock?: Clock;
  /**
   * Keeps done ids in this store (its `has` and `add`) instead of in memory; claims stay in this process.
   *
   * @deprecated A {@link SeenStore} is check-then-add, which cannot be made atomic across processes: two replicas
   * that receive one event at once both see it as new. Implement a {@link WebhookDeliveryRecord} over your shared
   * store instead (Redis: `SET … NX PX lease`).
   */
  readonly seenStore?: SeenStore;
}

/** One claim; its identity is the ownership, so that a handle only touches the claim it was given. */
interface Lease {
  readonly expiresAt: number;
  /** With a `seenStore`: whether the store already had the id, while the claim waits for it. */
  seen?: Promise<boolean>;
}

/**
 * The default {@link WebhookDeliveryRecord}: claims and done ids in this process only, so it dedupes the deliveries
 * one process receives. Claims are taken synchronously, so even deliveries of one event in the same tick get exactly
 * one `claimed`. It remembers the last `maxSize` done ids; Paxos redelivers for up to 24 h, so size it for a day of
 * events, or use a shared record when several processes receive webhooks.
 *
 * A claim's handle acts only while the claim is still its own: once its lease lapsed and another caller claimed the
 * event, the old handle's `complete` and `release` do nothing. A lapsed claim nobody took over may still complete.
 *
 * @example
 * ```ts
 * const record = new InMemoryWebhookDeliveryRecord({ maxSize: 50_000 });
 * const onWebhook = createWebhookHandler(service, { onEvent, webhookDeliveryRecord: record });
 * ```
 */
export class InMemoryWebhookDeliveryRecord implements WebhookDeliveryRecord {
  private readonly claims = new Map<string, Lease>();
  private readonly done = new Set<string>();
  private readonly maxSize: number;
  private readonly clock: Clock;
  // Private so that printing the record does not print the store (its client, connection URL or credentials).
  readonly #seenStore: SeenStore | undefined;
  /** The last wall-clock reading and the time elapsed by it, counting only forward steps. */
  private wall = Number.NaN;
  private elapsed = 0;
  /** How many claims trigger the next sweep of lapsed ones; it grows with the live claims so sweeps stay amortised. */
  private sweepAt: number;

  /** @throws {RangeError} when `maxSize` is not a positive integer. */
  constructor(options: InMemoryWebhookDeliveryRecordOptions = {}) {
    const maxSize = options.maxSize ?? 10_000;
    if (!Number.isSafeInteger(maxSize) || maxSize < 1) throw new RangeError('maxSize must be a positive integer');
    this.maxSize = maxSize;
    this.clock = options.clock ?? systemClock;
    this.#seenStore = options.seenStore;
    this.sweepAt = maxSize;
  }

  /** @throws {RangeError} when `leaseMs` is not a positive number of milliseconds. */
  claim(eventId: string, leaseMs: number): Promise<WebhookDeliveryClaim> {
    if (!Number.isFinite(leaseMs) || leaseMs <= 0) return Promise.reject(new RangeError('leaseMs must be positive'));
    const now = this.now();
    if (this.done.has(eventId)) return Promise.resolve({ status: 'done' });
    const held = this.claims.get(eventId);
    if (held !== undefined && held.expiresAt > now) return this.busy(held, held.expiresAt - now);
    // Taken before any await: this is what makes the claim atomic within the process.
    const lease: Lease = { expiresAt: now + leaseMs };
    this.claims.set(eventId, lease);
    this.forgetLapsed(now);
    const store = this.#seenStore;
    if (store === undefined) return Promise.resolve(this.handle(eventId, lease));
    return this.checkStore(store, eventId, lease);
  }

  /** How many done ids it remembers (0 with a `seenStore`, which keeps them). */
  get size(): number {
    return this.done.size;
  }

  /**
   * Time for leases: a wall clock stepped back (NTP) would otherwise stretch every lease by the step, and keep a
   * crashed claim blocking redeliveries for that long; backward steps count as no time passing.
   */
  private now(): number {
    const wall = this.clock.now().getTime();
    if (wall > this.wall) this.elapsed += wall - this.wall;
    if (!Number.isNaN(wall)) this.wall = wall;
    return this.elapsed;
  }

  /**
   * A claim waiting for the store answers for the others too: done if the store had the id. A store that never
   * answers must not hold every redelivery with it, so the wait ends with the owner's lease.
   */
  private async busy(held: Lease, remainingMs: number): Promise<WebhookDeliveryClaim> {
    if (held.seen === undefined) return { status: 'in_progress' };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const lapsed = new Promise<false>((resolve) => {
      timer = setTimeout(resolve, remainingMs, false);
      timer.unref();
    });
    try {
      const seen = await Promise.race([held.seen.catch(() => false), lapsed]);
      return { status: seen ? 'done' : 'in_progress' };
    } finally {
      clearTimeout(timer);
    }
  }

  private async checkStore(store: SeenStore, eventId: string, lease: Lease): Promise<WebhookDeliveryClaim> {
    let seen: boolean;
    try {
      lease.seen = Promise.resolve(store.has(eventId));
      seen = await lease.seen;
    } catch (error) {
      this.drop(eventId, lease);
      throw error;
    }
    // The store may answer after the lease lapsed and another delivery claimed the event: that one owns it now.
    if (!seen) return this.owns(eventId, lease) ? this.handle(eventId, lease) : { status: 'in_progress' };
    this.drop(eventId, lease);
    return { status: 'done' };
  }

  private handle(eventId: string, lease: Lease): WebhookDeliveryClaim {
    return {
      status: 'claimed',
      complete: async () => {
        if (!this.owns(eventId, lease)) return;
        // Done is recorded before the claim goes, so a redelivery in between sees one or the other.
        const store = this.#seenStore;
        if (store === undefined) this.remember(eventId);
        else await store.add(eventId);
        this.drop(eventId, lease);
      },
      release: () => {
        this.drop(eventId, lease);
        return Promise.resolve();
      },
    };
  }

  /** Whether the claim is still this lease's: it is, unless another caller claimed since (a sweep only forgets it). */
  private owns(eventId: string, lease: Lease): boolean {
    const current = this.claims.get(eventId);
    if (current === lease) return true;
    if (current !== undefined) return false;
    this.claims.set(eventId, lease);
    return true;
  }

  private drop(eventId: string, lease: Lease): void {
    if (this.claims.get(eventId) === lease) this.claims.delete(eventId);
  }

  private remember(eventId: string): void {
    // A Set iterates in insertion order: its first entry is the oldest.
    this.done.delete(eventId);
    this.done.add(eventId);
    for (const oldest of this.done) {
      if (this.done.size <= this.maxSize) break;
      this.done.delete(oldest);
    }
  }

  /**
   * Claims of crashed handlers would pile up forever; sweep them once there are more than `maxSize`. The next sweep
   * waits until the claims have doubled, so that many live claims do not make every claim walk them all.
   */
  private forgetLapsed(now: number): void {
    if (this.claims.size <= this.sweepAt) return;
    for (const [id, lease] of this.claims) if (lease.expiresAt <= now) this.claims.delete(id);
    this.sweepAt = Math.max(this.maxSize, 2 * this.claims.size);
  }
}
