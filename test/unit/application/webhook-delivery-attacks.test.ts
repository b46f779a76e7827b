/* eslint-disable @typescript-eslint/no-deprecated -- the SeenStore adapter is among what these cases attack */
import { inspect } from 'node:util';
import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import {
  WebhookPayloadError,
  type EventGateway,
  type SeenStore,
  type WebhookDeliveryClaim,
  type WebhookDeliveryRecord,
} from '../../../src/index.js';
import { InMemoryWebhookDeliveryRecord } from '../../../src/gateways.js';
import { WebhookDeliveries } from '../../../src/container.js';
import { events, ManualClock, notification } from '../../support/webhooks.js';

chai.use(chaiAsPromised);
const { expect } = chai;

function granted(claim: WebhookDeliveryClaim): Extract<WebhookDeliveryClaim, { status: 'claimed' }> {
  if (claim.status !== 'claimed') throw new Error(`expected a claim, got ${claim.status}`);
  return claim;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve(undefined);
}

/** A SeenStore whose every `has` waits until the test answers it. */
function heldSeenStore() {
  const ids = new Set<string>();
  const pending: Deferred<boolean>[] = [];
  const store: SeenStore = {
    has: (id) => {
      const answer = deferred<boolean>();
      pending.push(answer);
      return answer.promise.then((fallback) => fallback || ids.has(id));
    },
    add: (id) => {
      ids.add(id);
    },
  };
  return { store, pending, ids };
}

describe('webhook deliveries under attack', () => {
  describe('same-tick bursts and interleavings', () => {
    it('runs the handler once for 200 deliveries of one event in one tick, and for 50 events at once', async () => {
      const deliveries = new WebhookDeliveries(events, new InMemoryWebhookDeliveryRecord({ maxSize: 10 }));
      const calls = new Map<string, number>();
      const handler = async (event: { id: string }) => {
        calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 1));
      };
      const ids = Array.from({ length: 50 }, (_, i) => `evt-${i}`);
      const outcomes = await Promise.all(
        ids.flatMap((id) => Array.from({ length: 4 }, () => deliveries.handle(notification(id), handler))),
      );
      expect(outcomes.filter((o) => o.status === 'handled')).to.have.length(50);
      expect([...calls.values()].every((n) => n === 1)).to.equal(true);
    });

    it('answers duplicate to deliveries that arrive while the event is fetched, handled or completed', async () => {
      const fetched = deferred<undefined>();
      const slowEvents: EventGateway = {
        ...events,
        get: async (id, options) => {
          await fetched.promise;
          return events.get(id, options);
        },
      };
      const deliveries = new WebhookDeliveries(slowEvents, new InMemoryWebhookDeliveryRecord());
      const handled = deferred<undefined>();
      let calls = 0;
      const first = deliveries.handle(notification('a'), async () => {
        calls += 1;
        await handled.promise;
      });
      expect((await deliveries.handle(notification('a'), () => void (calls += 1))).status).to.equal('duplicate');
      fetched.resolve(undefined);
      await settle();
      expect((await deliveries.handle(notification('a'), () => void (calls += 1))).status).to.equal('duplicate');
      handled.resolve(undefined);
      expect((await first).status).to.equal('handled');
      expect((await deliveries.handle(notification('a'), () => void (calls += 1))).status).to.equal('duplicate');
      expect(calls).to.equal(1);
    });
  });

  describe('a SeenStore that misbehaves', () => {
    it('never hands the event to two owners when has answers after the lease lapsed and another claimed', async () => {
      const clock = new ManualClock();
      const { store, pending } = heldSeenStore();
      const record = new InMemoryWebhookDeliveryRecord({ clock, seenStore: store });
      const first = record.claim('a', 1000);
      clock.time += 1001;
      const second = record.claim('a', 1000);
      expect(pending).to.have.length(2);
      for (const answer of pending) answer.resolve(false);
      const statuses = (await Promise.all([first, second])).map((c) => c.status).sort();
      expect(statuses).to.deep.equal(['claimed', 'in_progress']);
    });

    it('runs the handler once when has is slower than the lease and a redelivery comes after it lapsed', async () => {
      const clock = new ManualClock();
      const { store, pending } = heldSeenStore();
      const deliveries = new WebhookDeliveries(events, new InMemoryWebhookDeliveryRecord({ clock, seenStore: store }), {
        leaseMs: 1000,
      });
      let running = 0;
      let most = 0;
      let calls = 0;
      const done = deferred<undefined>();
      const handler = async () => {
        calls += 1;
        running += 1;
        most = Math.max(most, running);
        await done.promise;
        running -= 1;
      };
      const first = deliveries.handle(notification('a'), handler);
      await settle();
      clock.time += 1001;
      const second = deliveries.handle(notification('a'), handler);
      await settle();
      for (const answer of pending) answer.resolve(false);
      await settle();
      done.resolve(undefined);
      const outcomes = (await Promise.all([first, second])).map((o) => o.status).sort();
      expect([calls, most]).to.deep.equal([1, 1]);
      expect(outcomes).to.deep.equal(['duplicate', 'handled']);
    });

    it('gives the claim up when has throws synchronously', async () => {
      let fail = true;
      const store: SeenStore = {
        has: () => {
          if (fail) throw new Error('store down');
          return false;
        },
        add: () => undefined,
      };
      const record = new InMemoryWebhookDeliveryRecord({ seenStore: store });
      await expect(record.claim('a', 1000)).to.be.rejectedWith('store down');
      fail = false;
      expect((await record.claim('a', 1000)).status).to.equal('claimed');
    });

    it('lets the next delivery run the handler again when add rejects', async () => {
      let fail = true;
      const ids = new Set<string>();
      const store: SeenStore = {
        has: (id) => ids.has(id),
        add: (id) => {
          if (fail) return Promise.reject(new Error('store down'));
          ids.add(id);
          return Promise.resolve(undefined);
        },
      };
      const deliveries = new WebhookDeliveries(events, new InMemoryWebhookDeliveryRecord({ seenStore: store }));
      let calls = 0;
      await expect(deliveries.handle(notification('a'), () => void (calls += 1))).to.be.rejectedWith('store down');
      fail = false;
      expect((await deliveries.handle(notification('a'), () => void (calls += 1))).status).to.equal('handled');
      expect((await deliveries.handle(notification('a'), () => void (calls += 1))).status).to.equal('duplicate');
      expect(calls).to.equal(2);
    });

    it('answers a redelivery within the lease even while the owner’s has hangs forever', async () => {
      const store: SeenStore = { has: () => new Promise<boolean>(() => undefined), add: () => undefined };
      const record = new InMemoryWebhookDeliveryRecord({ seenStore: store });
      void record.claim('a', 20);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const answer = await Promise.race([
        record.claim('a', 20).then((c) => c.status),
        new Promise((resolve) => {
          timer = setTimeout(() => {
            resolve('still waiting');
          }, 200);
        }),
      ]);
      clearTimeout(timer);
      expect(answer).to.equal('in_progress');
    });

    it('does not record done while add is in flight, and a redelivery meanwhile is a duplicate', async () => {
      const added = deferred<undefined>();
      const ids = new Set<string>();
      const store: SeenStore = {
        has: (id) => ids.has(id),
        add: async (id) => {
          await added.promise;
          ids.add(id);
        },
      };
      const deliveries = new WebhookDeliveries(events, new InMemoryWebhookDeliveryRecord({ seenStore: store }));
      let calls = 0;
      const first = deliveries.handle(notification('a'), () => void (calls += 1));
      await settle();
      expect((await deliveries.handle(notification('a'), () => void (calls += 1))).status).to.equal('duplicate');
      added.resolve(undefined);
      expect((await first).status).to.equal('handled');
      expect(calls).to.equal(1);
    });
  });

  describe('leases', () => {
    it('lets a redelivery in after a handler hung past the lease, and the hung owner cannot undo its claim', async () => {
      const clock = new ManualClock();
      const record = new InMemoryWebhookDeliveryRecord({ clock });
      const deliveries = new WebhookDeliveries(events, record, { leaseMs: 1000 });
      const hung = deferred<undefined>();
      const first = deliveries.handle(notification('a'), () => hung.promise);
      await settle();
      clock.time += 1001;
      const secondRuns = deferred<undefined>();
      const second = deliveries.handle(notification('a'), () => secondRuns.promise);
      await settle();
      hung.reject(new Error('timed out'));
      await expect(first).to.be.rejectedWith('timed out');
      expect((await record.claim('a', 1000)).status).to.equal('in_progress');
      secondRuns.resolve(undefined);
      expect((await second).status).to.equal('handled');
      expect((await record.claim('a', 1000)).status).to.equal('done');
    });

    it('lets a crashed claim lapse after its lease even when the clock went backwards meanwhile', async () => {
      const clock = new ManualClock();
      const record = new InMemoryWebhookDeliveryRecord({ clock });
      granted(await record.claim('a', 1000)); // its process "crashed": never completed nor released
      clock.time -= 24 * 60 * 60 * 1000; // NTP stepped the clock back a day
      expect((await record.claim('a', 1000)).status).to.equal('in_progress');
      clock.time += 1001;
      expect((await record.claim('a', 1000)).status).to.equal('claimed');
    });

    it('still completes a lapsed claim that nobody took over, even after other claims swept lapsed ones', async () => {
      const clock = new ManualClock();
      const record = new InMemoryWebhookDeliveryRecord({ clock, maxSize: 1 });
      const slow = granted(await record.claim('a', 1000));
      clock.time += 1001;
      granted(await record.claim('b', 1000));
      granted(await record.claim('c', 1000));
      await slow.complete();
      expect((await record.claim('a', 1000)).status).to.equal('done');
    });

    it('keeps claiming fast while more claims are in flight than maxSize', async () => {
      const record = new InMemoryWebhookDeliveryRecord({ maxSize: 1 });
      const started = performance.now();
      for (let i = 0; i < 30_000; i += 1) await record.claim(`evt-${i}`, 60_000);
      expect(performance.now() - started).to.be.below(2000);
    });
  });

  describe('failures around the handler', () => {
    it("rethrows the handler's error when release throws synchronously", async () => {
      const record: WebhookDeliveryRecord = {
        claim: () =>
          Promise.resolve({
            status: 'claimed',
            complete: () => Promise.resolve(),
            release: () => {
              throw new Error('release blew up');
            },
          }),
      };
      const deliveries = new WebhookDeliveries(events, record);
      await expect(
        deliveries.handle(notification('a'), () => Promise.reject(new Error('database down'))),
      ).to.be.rejectedWith('database down');
    });

    it('releases the claim when fetching the event fails, so the next delivery runs the handler', async () => {
      let fail = true;
      const flaky: EventGateway = {
        ...events,
        get: (id, options) => (fail ? Promise.reject(new Error('paxos down')) : events.get(id, options)),
      };
      const deliveries = new WebhookDeliveries(flaky, new InMemoryWebhookDeliveryRecord());
      let calls = 0;
      await expect(deliveries.handle(notification('a'), () => void (calls += 1))).to.be.rejectedWith('paxos down');
      fail = false;
      expect((await deliveries.handle(notification('a'), () => void (calls += 1))).status).to.equal('handled');
      expect(calls).to.equal(1);
    });

    it('releases the claim when the delivery is aborted while the event is fetched', async () => {
      const abortable: EventGateway = {
        ...events,
        get: (id, options) =>
          new Promise((resolve, reject) => {
            const signal = options?.signal;
            if (signal === undefined) {
              resolve(events.get(id, options));
              return;
            }
            signal.addEventListener(
              'abort',
              () => {
                reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
              },
              { once: true },
            );
          }),
      };
      const deliveries = new WebhookDeliveries(abortable, new InMemoryWebhookDeliveryRecord());
      const controller = new AbortController();
      let calls = 0;
      const aborted = deliveries.handle(notification('a'), () => void (calls += 1), { signal: controller.signal });
      await settle();
      controller.abort(new Error('client went away'));
      await expect(aborted).to.be.rejectedWith('client went away');
      expect((await deliveries.handle(notification('a'), () => void (calls += 1))).status).to.equal('handled');
      expect(calls).to.equal(1);
    });
  });

  describe('done ids under load', () => {
    it('keeps an in-flight claim while done ids are evicted, and remembers it once completed', async () => {
      const record = new InMemoryWebhookDeliveryRecord({ maxSize: 2 });
      const inFlight = granted(await record.claim('a', 60_000));
      for (let i = 0; i < 100; i += 1) await granted(await record.claim(`evt-${i}`, 60_000)).complete();
      expect((await record.claim('a', 60_000)).status).to.equal('in_progress');
      await inFlight.complete();
      expect((await record.claim('a', 60_000)).status).to.equal('done');
      expect(record.size).to.equal(2);
    });
  });

  describe('hostile event ids', () => {
    it("keeps '__proto__', 'constructor' and '' apart from every other id", async () => {
      const record = new InMemoryWebhookDeliveryRecord();
      for (const id of ['__proto__', 'constructor', '', 'toString']) {
        await granted(await record.claim(id, 1000)).complete();
        expect((await record.claim(id, 1000)).status, id).to.equal('done');
      }
      expect((await record.claim('hasOwnProperty', 1000)).status).to.equal('claimed');
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    });

    it('refuses a huge, empty or odd id in the body before claiming or fetching', async () => {
      const claims: string[] = [];
      const record: WebhookDeliveryRecord = {
        claim: (id) => {
          claims.push(id);
          return Promise.resolve({ status: 'done' });
        },
      };
      const deliveries = new WebhookDeliveries(events, record);
      for (const id of ['x'.repeat(1_000_000), '', '__proto__', '../../events', ' a']) {
        await expect(deliveries.handle(notification(id), () => undefined)).to.be.rejectedWith(WebhookPayloadError);
      }
      await expect(
        deliveries.handle(JSON.parse('{"__proto__": {"id": "evt"}}') as unknown, () => undefined),
      ).to.be.rejectedWith(WebhookPayloadError);
      expect(claims).to.deep.equal([]);
    });
  });

  describe('what is printed', () => {
    it('does not print the seen-store it adapts (its connection URL may carry a password)', async () => {
      const store = { url: 'redis://:s3cret-password@cache:6379', has: () => false, add: () => undefined };
      const record = new InMemoryWebhookDeliveryRecord({ seenStore: store });
      await granted(await record.claim('a', 1000)).complete();
      expect(inspect(record)).not.to.include('s3cret-password');
      expect(inspect(record, { depth: 10 })).not.to.include('s3cret-password');
    });
  });
});
