import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WebhookDeliveries, type WebhookOutcome } from '../../application/webhooks.js';
import type { PaxosEvent } from '../../domain/index.js';
import type { Clock, EventGateway, WebhookDeliveryClaim, WebhookDeliveryRecord } from '../../ports/index.js';
import { runnerGlobal } from './mocha-globals.js';

/** What {@link describeWebhookDeliveryRecordContract} hands the factory of each case. */
export interface WebhookDeliveryRecordContractContext {
  /** A clock that stands still until the suite moves it past a lease; a record that reads it sees leases lapse. */
  readonly clock: Clock;
}

/** Options of {@link describeWebhookDeliveryRecordContract}. */
export interface WebhookDeliveryRecordContractOptions {
  /** Mocha's `describe` (or a compatible one). Default: the global `describe`. */
  readonly describe?: (title: string, body: () => void) => unknown;
  /** Mocha's `it` (or a compatible one). Default: the global `it`. */
  readonly it?: (title: string, body: () => Promise<void>) => unknown;
  /** The lease every case claims with, in milliseconds. Default 1000. */
  readonly leaseMs?: number;
  /**
   * Resolves once a claim of `leaseMs` has lapsed. Default: moves the context's clock past it, which is right for a
   * record that reads that clock; a record whose store keeps time itself (Redis's `PX`) waits for real instead, with
   * a short `leaseMs`.
   */
  readonly lapse?: (leaseMs: number, clock: { advance(ms: number): void }) => Promise<void>;
}

/** A clock the cases move by hand. */
class ManualClock implements Clock {
  private time = Date.parse('2026-01-01T00:00:00Z');
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** Fresh per case, so that the cases can share one backend (a Redis database) without seeing each other. */
function eventId(): string {
  return `evt-${randomUUID()}`;
}

function claimed(claim: WebhookDeliveryClaim): Extract<WebhookDeliveryClaim, { status: 'claimed' }> {
  if (claim.status !== 'claimed') assert.fail(`expected the claim to be granted, got ${claim.status}`);
  return claim;
}

function statuses(claims: readonly WebhookDeliveryClaim[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const claim of claims) counts[claim.status] = (counts[claim.status] ?? 0) + 1;
  return counts;
}

/** An event gateway that knows every id: the cases are about the record, not about Paxos. */
function eventsFor(): EventGateway {
  return {
    get: (id) => {
      const event: PaxosEvent = { id, type: 'identity.approved', object: {}, createdAt: '2026-01-01T00:00:00Z' };
      return Promise.resolve(event);
    },
    listPage: () => Promise.resolve({ items: [] }),
  };
}

/** Paxos's reading of ids: a UUID names its event in either case, and `alias-…` names the event `evt-…`. */
function paxosEvents(): EventGateway {
  return {
    get: (id) => {
      const real = id.startsWith('alias-') ? `evt-${id.slice('alias-'.length)}` : id.toLowerCase();
      const event: PaxosEvent = { id: real, type: 'identity.approved', object: {}, createdAt: '2026-01-01T00:00:00Z' };
      return Promise.resolve(event);
    },
    listPage: () => Promise.resolve({ items: [] }),
  };
}

function notification(id: string): Record<string, unknown> {
  return { id, type: 'identity.approved', source: 'com.paxos', time: '2026-01-01T00:00:00Z', object: 'event' };
}

/** The record as seen through a network: every answer arrives `ms` later, as from a remote store. */
function slow(record: WebhookDeliveryRecord, ms: number): WebhookDeliveryRecord {
  const later = <T>(value: () => Promise<T>) =>
    new Promise<void>((resolve) => setTimeout(resolve, ms)).then(value).then(
      (result) =>
        new Promise<T>((resolve) =>
          setTimeout(() => {
            resolve(result);
          }, ms),
        ),
    );
  return {
    claim: (id, leaseMs) =>
      later(async () => {
        const claim = await record.claim(id, leaseMs);
        if (claim.status !== 'claimed') return claim;
        return {
          status: 'claimed',
          complete: () => later(() => claim.complete()),
          release: () => later(() => claim.release()),
        };
      }),
  };
}

function tally(outcomes: readonly WebhookOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
  return counts;
}

/**
 * Registers the webhook-delivery-record contract as mocha cases: a claim goes to exactly one of 20 concurrent
 * callers; completing makes the event done and releasing makes it claimable again; a lapsed lease lets a second owner
 * claim, and the first owner's late `complete` or `release` leaves the second's claim alone; event ids are
 * independent. Then, end to end through the webhook handling: 20 deliveries of one event in one tick run the
 * handler once, so do two deliveries 2 ms apart over a slow store, and a handler that throws lets the next delivery
 * run it again; a second spelling of one event (a UUID in upper case, an alias Paxos resolves) is still a duplicate,
 * because dedupe keys on the fetched event's id. `makeRecord` is called once per case; cases use fresh event ids, so one shared backend serves them all.
 *
 * @example
 * ```ts
 * import { describeWebhookDeliveryRecordContract } from 'paxos-identity/testing';
 * describeWebhookDeliveryRecordContract('RedisWebhookDeliveryRecord', () => new RedisWebhookDeliveryRecord(redis), {
 *   leaseMs: 200,
 *   lapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms + 50)),
 * });
 * ```
 */
export function describeWebhookDeliveryRecordContract(
  name: string,
  makeRecord: (context: WebhookDeliveryRecordContractContext) => WebhookDeliveryRecord | Promise<WebhookDeliveryRecord>,
  options: WebhookDeliveryRecordContractOptions = {},
): void {
  const describe = options.describe ?? runnerGlobal('describeWebhookDeliveryRecordContract', 'describe');
  const it = options.it ?? runnerGlobal('describeWebhookDeliveryRecordContract', 'it');
  const leaseMs = options.leaseMs ?? 1000;
  const lapse =
    options.lapse ??
    ((ms, clock) => {
      clock.advance(ms + 1);
      return Promise.resolve();
    });

  async function setUp() {
    const clock = new ManualClock();
    const record = await makeRecord({ clock });
    return { record, lapsed: () => lapse(leaseMs, clock) };
  }

  describe(`WebhookDeliveryRecord contract: ${name}`, () => {
    it('grants exactly one of 20 claims of one id made in the same tick; the others are in_progress', async () => {
      const { record } = await setUp();
      const id = eventId();
      const claims = await Promise.all(Array.from({ length: 20 }, () => record.claim(id, leaseMs)));
      assert.deepEqual(statuses(claims), { claimed: 1, in_progress: 19 });
    });

    it('answers done to every claim once the owner completed', async () => {
      const { record } = await setUp();
      const id = eventId();
      await claimed(await record.claim(id, leaseMs)).complete();
      assert.equal((await record.claim(id, leaseMs)).status, 'done');
      const again = await Promise.all(Array.from({ length: 5 }, () => record.claim(id, leaseMs)));
      assert.deepEqual(statuses(again), { done: 5 });
    });

    it('lets the next claim succeed once the owner released', async () => {
      const { record } = await setUp();
      const id = eventId();
      await claimed(await record.claim(id, leaseMs)).release();
      const second = claimed(await record.claim(id, leaseMs));
      assert.equal((await record.claim(id, leaseMs)).status, 'in_progress');
      await second.complete();
      assert.equal((await record.claim(id, leaseMs)).status, 'done');
    });

    it('keeps a claim until its lease lapses, then lets a second owner claim', async () => {
      const { record, lapsed } = await setUp();
      const id = eventId();
      claimed(await record.claim(id, leaseMs));
      assert.equal((await record.claim(id, leaseMs)).status, 'in_progress');
      await lapsed();
      claimed(await record.claim(id, leaseMs));
      assert.equal((await record.claim(id, leaseMs)).status, 'in_progress');
    });

    it("ignores the first owner's late complete after a second owner claimed", async () => {
      const { record, lapsed } = await setUp();
      const id = eventId();
      const first = claimed(await record.claim(id, leaseMs));
      await lapsed();
      const second = claimed(await record.claim(id, leaseMs));
      await first.complete();
      assert.equal(
        (await record.claim(id, leaseMs)).status,
        'in_progress',
        "the old owner's complete must not end the new owner's claim",
      );
      await second.release();
      claimed(await record.claim(id, leaseMs));
    });

    it("ignores the first owner's late release after a second owner claimed", async () => {
      const { record, lapsed } = await setUp();
      const id = eventId();
      const first = claimed(await record.claim(id, leaseMs));
      await lapsed();
      const second = claimed(await record.claim(id, leaseMs));
      await first.release();
      assert.equal(
        (await record.claim(id, leaseMs)).status,
        'in_progress',
        "the old owner's release must not free the new owner's claim",
      );
      await second.complete();
      assert.equal((await record.claim(id, leaseMs)).status, 'done');
    });

    it('keeps ids independent: claiming, completing or releasing one leaves the others alone', async () => {
      const { record } = await setUp();
      const [a, b, c] = [eventId(), eventId(), eventId()];
      const claimA = claimed(await record.claim(a, leaseMs));
      const claimB = claimed(await record.claim(b, leaseMs));
      await claimA.complete();
      assert.equal((await record.claim(b, leaseMs)).status, 'in_progress');
      await claimB.release();
      assert.equal((await record.claim(a, leaseMs)).status, 'done');
      claimed(await record.claim(b, leaseMs));
      claimed(await record.claim(c, leaseMs));
    });

    it('runs the handler once for 20 webhook deliveries of one event in the same tick', async () => {
      const { record } = await setUp();
      const deliveries = new WebhookDeliveries(eventsFor(), record, { leaseMs });
      const id = eventId();
      let calls = 0;
      const count = () => {
        calls += 1;
      };
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => deliveries.handle(notification(id), count)));
      assert.equal(calls, 1, 'the handler ran once');
      assert.deepEqual(tally(outcomes), { handled: 1, duplicate: 19 });
      assert.equal((await deliveries.handle(notification(id), count)).status, 'duplicate');
      assert.equal(calls, 1);
    });

    it('runs the handler once for two deliveries 2 ms apart when the record answers slowly', async () => {
      const { record } = await setUp();
      const deliveries = new WebhookDeliveries(eventsFor(), slow(record, 5), { leaseMs });
      const id = eventId();
      let calls = 0;
      const handler = async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
      };
      const first = deliveries.handle(notification(id), handler);
      await new Promise((resolve) => setTimeout(resolve, 2));
      const second = deliveries.handle(notification(id), handler);
      assert.deepEqual(tally(await Promise.all([first, second])), { handled: 1, duplicate: 1 });
      assert.equal(calls, 1, 'the handler ran once');
    });

    it('runs the handler once for one event whose UUID the bodies spell in upper and in lower case', async () => {
      const { record } = await setUp();
      const deliveries = new WebhookDeliveries(paxosEvents(), record, { leaseMs });
      const id = randomUUID();
      let calls = 0;
      const count = () => {
        calls += 1;
      };
      const outcomes = await Promise.all(
        [id.toUpperCase(), id, id.toUpperCase(), id].map((spelling) =>
          deliveries.handle(notification(spelling), count),
        ),
      );
      assert.deepEqual(tally(outcomes), { handled: 1, duplicate: 3 });
      assert.equal((await deliveries.handle(notification(id.toUpperCase()), count)).status, 'duplicate');
      assert.equal(calls, 1, 'the handler ran once');
    });

    it('dedupes on the id of the event fetched from Paxos, not on the id the body gave', async () => {
      const { record } = await setUp();
      const deliveries = new WebhookDeliveries(paxosEvents(), record, { leaseMs });
      const suffix = randomUUID();
      const seen: string[] = [];
      const handler = (event: PaxosEvent) => {
        seen.push(event.id);
      };
      assert.equal((await deliveries.handle(notification(`evt-${suffix}`), handler)).status, 'handled');
      const alias = await deliveries.handle(notification(`alias-${suffix}`), handler);
      assert.deepEqual(alias, { status: 'duplicate', eventId: `evt-${suffix}` });
      assert.equal((await deliveries.handle(notification(`alias-${suffix}`), handler)).status, 'duplicate');
      assert.deepEqual(seen, [`evt-${suffix}`], 'the handler ran once, for the fetched event');

      const other = randomUUID();
      await assert.rejects(
        deliveries.handle(notification(`alias-${other}`), () => Promise.reject(new Error('database down'))),
        /database down/,
      );
      assert.equal((await deliveries.handle(notification(`evt-${other}`), handler)).status, 'handled');
      assert.equal((await deliveries.handle(notification(`alias-${other}`), handler)).status, 'duplicate');
    });

    it('lets the next delivery run the handler again after the handler threw', async () => {
      const { record } = await setUp();
      const deliveries = new WebhookDeliveries(eventsFor(), record, { leaseMs });
      const id = eventId();
      await assert.rejects(
        deliveries.handle(notification(id), () => Promise.reject(new Error('database down'))),
        /database down/,
      );
      let calls = 0;
      const count = () => {
        calls += 1;
      };
      assert.equal((await deliveries.handle(notification(id), count)).status, 'handled');
      assert.equal((await deliveries.handle(notification(id), count)).status, 'duplicate');
      assert.equal(calls, 1);
    });
  });
}
