import { parseWebhookNotification, type PaxosEvent, type WebhookNotification } from '../domain/index.js';
import type {
  CallOptions,
  EventGateway,
  SeenStore,
  WebhookDeliveryClaim,
  WebhookDeliveryRecord,
} from '../ports/index.js';

/** Receives each event once: the full event as `GET /events/{id}` returned it, and the notification that announced it. */
export type WebhookEventHandler = (event: PaxosEvent, notification: WebhookNotification) => void | Promise<void>;

/** What became of one webhook delivery. */
export type WebhookOutcome =
  | { readonly status: 'handled'; readonly event: PaxosEvent }
  /** Already handled (or being handled right now): Paxos redelivers, answer 2xx and do nothing. */
  | { readonly status: 'duplicate'; readonly eventId: string };

/**
 * How long a delivery owns its event by default: 60 s. Paxos wants an answer in about 500 ms and retries a
 * non-2xx after about 5 s, so a handler that needs a minute has stopped being a webhook handler; a crashed process's
 * claim is given up after at most a minute, well within Paxos's 24 h of redelivery.
 */
export const DEFAULT_WEBHOOK_LEASE_MS = 60_000;

/** Options of one webhook delivery. */
export interface WebhookDeliveryOptions extends CallOptions {
  /** Overrides the service's delivery record for this call. */
  readonly webhookDeliveryRecord?: WebhookDeliveryRecord;
  /**
   * Overrides the service's delivery record for this call with one over this store (claims in this process).
   *
   * @deprecated Its check-then-add cannot be atomic across processes; pass `webhookDeliveryRecord` instead.
   */
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- documented as deprecated here
  readonly seenStore?: SeenStore;
  /** How long this delivery owns the event; see {@link WebhookDeliveriesOptions.leaseMs}. */
  readonly leaseMs?: number;
}

/** Options of {@link WebhookDeliveries}. */
export interface WebhookDeliveriesOptions {
  /**
   * How long a delivery owns its event, in milliseconds. Default {@link DEFAULT_WEBHOOK_LEASE_MS}. A handler still
   * running when the lease runs out no longer has the event to itself: a redelivery after that claims it and runs the
   * handler again, concurrently, and the first handler's outcome is then ignored (the second one records it). Keep
   * handlers well inside the lease (queue slow work), or raise it.
   */
  readonly leaseMs?: number;
  /** Adapts a `seenStore` given per call into a record. Without it, such a call is refused. */
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the bridge that keeps the per-call option working
  readonly fromSeenStore?: (store: SeenStore) => WebhookDeliveryRecord;
}

/** A UUID, Paxos's form of event ids, which it reads in either case. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One spelling per event: a UUID in upper case names the same event as in lower case. */
function canonicalEventId(id: string): string {
  return UUID.test(id) ? id.toLowerCase() : id;
}

/**
 * Handles webhook deliveries: checks the body, claims the event id in the {@link WebhookDeliveryRecord} (a claim
 * held by another delivery, or an id already done, is a duplicate), fetches the event by id (webhooks are unsigned,
 * so nothing but the id is taken from the body), runs the handler and only then completes the claim. On any failure
 * the claim is released and the error rethrown, so that Paxos's redelivery is handled again.
 *
 * Dedupe keys on the event Paxos returned, not on how the unauthenticated body spelled its id: the body's id is
 * claimed first in its canonical form (a UUID in lower case), so that redeliveries are answered without asking Paxos
 * (whose event route is rate limited per IP), and when the fetched event's id is another one, that id is claimed as
 * well before the handler runs; a second spelling of one event therefore never runs the handler twice.
 */
export class WebhookDeliveries {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- one adapted record per store keeps its claims shared
  private readonly adapted = new WeakMap<SeenStore, WebhookDeliveryRecord>();
  private readonly leaseMs: number;

  /** @throws {RangeError} when `options.leaseMs` is not a positive number. */
  constructor(
    private readonly events: EventGateway,
    private readonly record: WebhookDeliveryRecord,
    private readonly options: WebhookDeliveriesOptions = {},
  ) {
    this.leaseMs = checkLease(options.leaseMs ?? DEFAULT_WEBHOOK_LEASE_MS);
  }

  /**
   * Handles one delivery; see {@link IdentityService.handleWebhook}.
   *
   * @throws {WebhookPayloadError} naming the bad field; nothing is claimed or fetched.
   */
  async handle(
    body: unknown,
    handler: WebhookEventHandler,
    options: WebhookDeliveryOptions = {},
  ): Promise<WebhookOutcome> {
    const notification = parseWebhookNotification(body instanceof Uint8Array ? new TextDecoder().decode(body) : body);
    const id = notification.id;
    const leaseMs = options.leaseMs === undefined ? this.leaseMs : checkLease(options.leaseMs);
    const record = this.recordFor(options);
    const asSent = canonicalEventId(id);
    const claim = await record.claim(asSent, leaseMs);
    if (claim.status !== 'claimed') return { status: 'duplicate', eventId: id };
    // The fetched event's claim comes first: completing it is what makes the event done.
    const held: Claimed[] = [claim];
    try {
      const event = await this.events.get(id, {
        isTest: notification.isTest,
        ...(options.signal !== undefined && { signal: options.signal }),
      });
      const fetched = canonicalEventId(event.id);
      if (fetched !== asSent) {
        const own = await record.claim(fetched, leaseMs);
        if (own.status !== 'claimed') {
          // Done under its own id: so is this spelling. Being handled: this spelling waits for that outcome.
          if (own.status === 'done') await claim.complete();
          else await releaseQuietly(claim);
          held.pop();
          return { status: 'duplicate', eventId: event.id };
        }
        held.unshift(own);
      }
      await handler(event, notification);
      for (const each of held) await each.complete();
      return { status: 'handled', event };
    } catch (error) {
      // The caller needs the handler's error, not the record's; an unreleased claim lapses with its lease anyway.
      for (const each of held) await releaseQuietly(each);
      throw error;
    }
  }

  private recordFor(options: WebhookDeliveryOptions): WebhookDeliveryRecord {
    if (options.webhookDeliveryRecord !== undefined) return options.webhookDeliveryRecord;
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- still honoured, as documented
    const store = options.seenStore;
    if (store === undefined) return this.record;
    let record = this.adapted.get(store);
    if (record === undefined) {
      const adapt = this.options.fromSeenStore;
      if (adapt === undefined)
        throw new TypeError('These webhook deliveries cannot adapt a seenStore; pass webhookDeliveryRecord instead');
      record = adapt(store);
      this.adapted.set(store, record);
    }
    return record;
  }
}

type Claimed = Extract<WebhookDeliveryClaim, { status: 'claimed' }>;

/** Gives a claim up; a release that fails, even synchronously, is left to lapse with its lease. */
async function releaseQuietly(claim: Claimed): Promise<void> {
  try {
    await claim.release();
  } catch {
    // The claim lapses with its lease.
  }
}

function checkLease(leaseMs: number): number {
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new RangeError('leaseMs must be a positive number');
  return leaseMs;
}
