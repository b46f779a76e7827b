import {
  parseWebhookNotification,
  WebhookPayloadError,
  type PaxosEvent,
  type WebhookNotification,
} from '../domain/index.js';
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

/**
 * The largest webhook body read by default: 1 MiB (1,048,576 bytes). Paxos's notifications carry an event's id and
 * type, a few hundred bytes; anything near the cap is not from Paxos.
 */
const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

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
  /** The largest body this delivery reads; see {@link WebhookDeliveriesOptions.maxBodyBytes}. */
  readonly maxBodyBytes?: number;
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
  /**
   * The largest body read, in bytes. Default 1 MiB (1,048,576 bytes). A string or byte body over it is refused before
   * it is parsed; a stream (a Node `IncomingMessage`, any async iterable of bytes or text) is read only up to it, then
   * destroyed (a request's connection closes after the answer). Either way a {@link WebhookPayloadError} names the
   * field `body`, and nothing is claimed or fetched.
   */
  readonly maxBodyBytes?: number;
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
  private readonly maxBodyBytes: number;

  /** @throws {RangeError} when `options.leaseMs` or `options.maxBodyBytes` is not a positive number. */
  constructor(
    private readonly events: EventGateway,
    private readonly record: WebhookDeliveryRecord,
    private readonly options: WebhookDeliveriesOptions = {},
  ) {
    this.leaseMs = checkLease(options.leaseMs ?? DEFAULT_WEBHOOK_LEASE_MS);
    this.maxBodyBytes = checkMaxBody(options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES);
  }

  /**
   * Handles one delivery; see {@link IdentityService.handleWebhook}. `body` is the raw body (a string, bytes, or a
   * stream of them such as the request itself) or the parsed JSON.
   *
   * @throws {WebhookPayloadError} naming the bad field (`body` for one over `maxBodyBytes`); nothing is claimed or
   *   fetched.
   */
  async handle(
    body: unknown,
    handler: WebhookEventHandler,
    options: WebhookDeliveryOptions = {},
  ): Promise<WebhookOutcome> {
    const maxBytes = options.maxBodyBytes === undefined ? this.maxBodyBytes : checkMaxBody(options.maxBodyBytes);
    const notification = parseWebhookNotification(await rawBodyOf(body, maxBytes));
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

function checkMaxBody(maxBodyBytes: number): number {
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0)
    throw new RangeError('maxBodyBytes must be a positive integer');
  return maxBodyBytes;
}

function tooLarge(maxBytes: number): WebhookPayloadError {
  return new WebhookPayloadError('body', `is larger than ${maxBytes} bytes`);
}

/** The UTF-8 length of `text`, counted only as far as `maxBytes` + 1 (a string is never encoded to be measured). */
function utf8Length(text: string, maxBytes: number): number {
  // Each UTF-16 unit is at least one byte: a string longer than the cap needs no counting.
  if (text.length > maxBytes) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= maxBytes; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    }
    // Anything else, a lone surrogate included (encoded as U+FFFD), takes three.
    else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Reads a streamed body up to `maxBytes`. The chunk that crosses the cap ends the loop, and leaving a `for await`
 * releases its source (a Node stream is destroyed): at most `maxBytes` plus one chunk is ever pulled.
 */
async function readCapped(source: AsyncIterable<unknown>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source) {
    // A text chunk is measured before it is encoded: one chunk of a hundred megabytes is never copied.
    if (typeof chunk === 'string' && utf8Length(chunk, maxBytes - total) > maxBytes - total) throw tooLarge(maxBytes);
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    if (!(bytes instanceof Uint8Array)) throw new WebhookPayloadError('body', 'must be a stream of bytes or text');
    total += bytes.byteLength;
    if (total > maxBytes) throw tooLarge(maxBytes);
    chunks.push(bytes);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** The body as the parser takes it, refused past `maxBytes` before anything parses it. */
async function rawBodyOf(body: unknown, maxBytes: number): Promise<unknown> {
  if (typeof body === 'string') {
    if (utf8Length(body, maxBytes) > maxBytes) throw tooLarge(maxBytes);
    return body;
  }
  const bytes =
    body instanceof Uint8Array ? body : isAsyncIterable(body) ? await readCapped(body, maxBytes) : undefined;
  // A parsed object was sized by whoever parsed it.
  if (bytes === undefined) return body;
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  return new TextDecoder().decode(bytes);
}
