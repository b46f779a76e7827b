/* eslint-disable @typescript-eslint/no-deprecated -- the SeenStore bridge is part of what these cases pin */
import 'reflect-metadata';
import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { Container } from 'inversify';
import {
  createIdentityService,
  createWebhookHandler,
  DEFAULT_WEBHOOK_LEASE_MS,
  type IdentityService,
  type PaxosEvent,
  type SeenStore,
  type WebhookDeliveryClaim,
  type WebhookDeliveryRecord,
} from '../../../src/index.js';
import { InMemorySeenStore, InMemoryWebhookDeliveryRecord } from '../../../src/gateways.js';
import {
  identityCoreModule,
  inMemoryGatewayModule,
  TOKENS,
  WebhookDeliveries,
  type ListIdentities,
} from '../../../src/container.js';
import { aPerson } from '../../support/builders.js';
import { events, ManualClock, notification } from '../../support/webhooks.js';

chai.use(chaiAsPromised);
const { expect } = chai;

/** A record that grants every claim and writes down what was asked of it. */
function recordingRecord(failComplete = false) {
  const calls: string[] = [];
  const record: WebhookDeliveryRecord = {
    claim: (id, leaseMs) => {
      calls.push(`claim ${id} ${leaseMs}`);
      return Promise.resolve({
        status: 'claimed',
        complete: () => {
          calls.push(`complete ${id}`);
          return failComplete ? Promise.reject(new Error('store down')) : Promise.resolve();
        },
        release: () => {
          calls.push(`release ${id}`);
          return Promise.reject(new Error('store still down'));
        },
      });
    },
  };
  return { record, calls };
}

/** A SeenStore over the network: every answer arrives `ms` later. */
function remoteSeenStore(ms: number): SeenStore & { readonly added: string[] } {
  const ids = new Set<string>();
  const added: string[] = [];
  const later = <T>(value: () => T) =>
    new Promise<T>((resolve) =>
      setTimeout(() => {
        resolve(value());
      }, ms),
    );
  return {
    added,
    has: (id) => later(() => ids.has(id)),
    add: (id) =>
      later(() => {
        added.push(id);
        ids.add(id);
      }),
  };
}

async function anEvent(service: IdentityService): Promise<PaxosEvent> {
  const person = await service.createIdentity(aPerson().build());
  await service.setSandboxStatus(person.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
  const [event] = (await service.listEventsPage({ type: 'identity.approved' })).items;
  if (event === undefined) throw new Error('no identity.approved event was recorded');
  return event;
}

function granted(claim: WebhookDeliveryClaim): Extract<WebhookDeliveryClaim, { status: 'claimed' }> {
  if (claim.status !== 'claimed') throw new Error(`expected a claim, got ${claim.status}`);
  return claim;
}

describe('InMemoryWebhookDeliveryRecord', () => {
  it('forgets the oldest done id beyond maxSize, and refuses a maxSize below 1', async () => {
    const record = new InMemoryWebhookDeliveryRecord({ maxSize: 2 });
    for (const id of ['a', 'b', 'c']) {
      await granted(await record.claim(id, 1000)).complete();
    }
    expect(record.size).to.equal(2);
    expect([(await record.claim('b', 1000)).status, (await record.claim('c', 1000)).status]).to.deep.equal([
      'done',
      'done',
    ]);
    expect((await record.claim('a', 1000)).status).to.equal('claimed');
    expect(() => new InMemoryWebhookDeliveryRecord({ maxSize: 0 })).to.throw(RangeError);
    expect(() => new InMemoryWebhookDeliveryRecord({ maxSize: 1.5 })).to.throw(RangeError);
  });

  it('refuses a lease that is not a positive number of milliseconds', async () => {
    const record = new InMemoryWebhookDeliveryRecord();
    for (const leaseMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      await expect(record.claim('a', leaseMs), String(leaseMs)).to.be.rejectedWith(RangeError);
    expect((await record.claim('a', 1)).status).to.equal('claimed');
  });

  it('still completes a lapsed claim that nobody took over', async () => {
    const clock = new ManualClock();
    const record = new InMemoryWebhookDeliveryRecord({ clock });
    const claim = await record.claim('a', 1000);
    clock.time += 5000;
    await granted(claim).complete();
    expect((await record.claim('a', 1000)).status).to.equal('done');
  });

  it('gives the claim up when the seen-store fails to answer, so the next delivery may try again', async () => {
    let fail = true;
    const store: SeenStore = {
      has: () => (fail ? Promise.reject(new Error('store down')) : false),
      add: () => undefined,
    };
    const record = new InMemoryWebhookDeliveryRecord({ seenStore: store });
    await expect(record.claim('a', 1000)).to.be.rejectedWith('store down');
    fail = false;
    expect((await record.claim('a', 1000)).status).to.equal('claimed');
  });

  it('records done ids in the seen-store it adapts, and answers done for the ids the store has', async () => {
    const store = new InMemorySeenStore();
    store.add('old');
    const record = new InMemoryWebhookDeliveryRecord({ seenStore: store });
    expect((await record.claim('old', 1000)).status).to.equal('done');
    const claim = await record.claim('new', 1000);
    await granted(claim).complete();
    expect(store.has('new')).to.equal(true);
    expect(record.size).to.equal(0);
  });
});

describe('WebhookDeliveries', () => {
  it('claims with the default lease of 60 s, or the one given per call, and refuses a bad lease', async () => {
    const { record, calls } = recordingRecord();
    const deliveries = new WebhookDeliveries(events, record);
    await deliveries.handle(notification('a'), () => undefined);
    await deliveries.handle(notification('b'), () => undefined, { leaseMs: 5000 });
    expect(DEFAULT_WEBHOOK_LEASE_MS).to.equal(60_000);
    expect(calls).to.deep.equal(['claim a 60000', 'complete a', 'claim b 5000', 'complete b']);
    expect(() => new WebhookDeliveries(events, record, { leaseMs: 0 })).to.throw(RangeError);
    await expect(deliveries.handle(notification('c'), () => undefined, { leaseMs: -5 })).to.be.rejectedWith(RangeError);
  });

  it("releases the claim when completing fails and rethrows the record's error, not the release's", async () => {
    const { record, calls } = recordingRecord(true);
    const deliveries = new WebhookDeliveries(events, record);
    await expect(deliveries.handle(notification('a'), () => undefined)).to.be.rejectedWith('store down');
    expect(calls).to.deep.equal(['claim a 60000', 'complete a', 'release a']);
  });

  it("rethrows the handler's error when releasing fails too", async () => {
    const { record, calls } = recordingRecord();
    const deliveries = new WebhookDeliveries(events, record);
    await expect(
      deliveries.handle(notification('a'), () => Promise.reject(new Error('database down'))),
    ).to.be.rejectedWith('database down');
    expect(calls).to.deep.equal(['claim a 60000', 'release a']);
  });

  it('claims nothing for a malformed body', async () => {
    const { record, calls } = recordingRecord();
    await expect(new WebhookDeliveries(events, record).handle('{', () => undefined)).to.be.rejected;
    expect(calls).to.deep.equal([]);
  });

  it('uses a record given per call, and refuses a seen-store per call when it cannot adapt one', async () => {
    const own = recordingRecord();
    const deliveries = new WebhookDeliveries(events, new InMemoryWebhookDeliveryRecord());
    await deliveries.handle(notification('a'), () => undefined, { webhookDeliveryRecord: own.record });
    expect(own.calls).to.deep.equal(['claim a 60000', 'complete a']);
    await expect(
      deliveries.handle(notification('b'), () => undefined, { seenStore: new InMemorySeenStore() }),
    ).to.be.rejectedWith(TypeError, 'webhookDeliveryRecord');
  });

  it('adapts one seen-store once, so that the claims of its deliveries are shared', async () => {
    const store = remoteSeenStore(3);
    let adapted = 0;
    const deliveries = new WebhookDeliveries(events, new InMemoryWebhookDeliveryRecord(), {
      fromSeenStore: (seenStore) => {
        adapted += 1;
        return new InMemoryWebhookDeliveryRecord({ seenStore });
      },
    });
    let calls = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        deliveries.handle(notification('a'), () => void (calls += 1), { seenStore: store }),
      ),
    );
    expect(outcomes.map((o) => o.status).sort()).to.deep.equal([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'handled',
    ]);
    expect([calls, adapted, store.added]).to.deep.equal([1, 1, ['a']]);
  });
});

describe('IdentityService webhooks, wired by the composition root', () => {
  it('runs the handler once for 20 deliveries of one event in the same tick', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    const event = await anEvent(service);
    let calls = 0;
    const onWebhook = createWebhookHandler(service, { onEvent: () => void (calls += 1) });
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => onWebhook(notification(event.id))));
    expect(calls).to.equal(1);
    expect(outcomes.filter((o) => o.status === 'handled')).to.have.length(1);
  });

  it('runs the handler once for two deliveries 2 ms apart over a seen-store that answers slowly', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    const event = await anEvent(service);
    const store = remoteSeenStore(5);
    let calls = 0;
    const onWebhook = createWebhookHandler(service, {
      onEvent: async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
      seenStore: store,
    });
    const first = onWebhook(notification(event.id));
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = onWebhook(notification(event.id));
    expect((await Promise.all([first, second])).map((o) => o.status)).to.deep.equal(['handled', 'duplicate']);
    expect([calls, store.added]).to.deep.equal([1, [event.id]]);
  });

  it('uses the record given to createIdentityService, and the one given to the handler over it', async () => {
    const service = createIdentityService({ adapter: 'in-memory', webhookDeliveryRecord: recordingRecord().record });
    const event = await anEvent(service);
    const own = recordingRecord();
    await createWebhookHandler(service, { onEvent: () => undefined, webhookDeliveryRecord: own.record, leaseMs: 7 })(
      notification(event.id),
    );
    expect(own.calls).to.deep.equal([`claim ${event.id} 7`, `complete ${event.id}`]);

    const fromOptions = recordingRecord();
    const other = createIdentityService({ adapter: 'in-memory', webhookDeliveryRecord: fromOptions.record });
    const otherEvent = await anEvent(other);
    await other.handleWebhook(notification(otherEvent.id), () => undefined);
    expect(fromOptions.calls).to.deep.equal([`claim ${otherEvent.id} 60000`, `complete ${otherEvent.id}`]);
  });

  it('adapts a rebound TOKENS.SeenStore into the record, and a rebound TOKENS.WebhookDeliveryRecord wins', async () => {
    const container = new Container();
    container.load(identityCoreModule, inMemoryGatewayModule());
    const store = new InMemorySeenStore();
    container.rebind<SeenStore>(TOKENS.SeenStore).toConstantValue(store);
    const service = container.get<IdentityService>(TOKENS.IdentityService);
    const event = await anEvent(service);
    expect((await service.handleWebhook(notification(event.id), () => undefined)).status).to.equal('handled');
    expect(store.has(event.id)).to.equal(true);

    const both = new Container();
    both.load(identityCoreModule, inMemoryGatewayModule());
    const own = recordingRecord();
    both.rebind<SeenStore>(TOKENS.SeenStore).toConstantValue(new InMemorySeenStore());
    both.rebind<WebhookDeliveryRecord>(TOKENS.WebhookDeliveryRecord).toConstantValue(own.record);
    const other = both.get<IdentityService>(TOKENS.IdentityService);
    const otherEvent = await anEvent(other);
    await other.handleWebhook(notification(otherEvent.id), () => undefined);
    expect(own.calls).to.deep.equal([`claim ${otherEvent.id} 60000`, `complete ${otherEvent.id}`]);
  });

  it('gives each container its own in-memory record by default', () => {
    const [a, b] = [new Container(), new Container()];
    for (const c of [a, b]) c.load(identityCoreModule, inMemoryGatewayModule());
    const recordA = a.get<WebhookDeliveryRecord>(TOKENS.WebhookDeliveryRecord);
    expect(recordA).to.be.instanceOf(InMemoryWebhookDeliveryRecord);
    expect(a.get(TOKENS.WebhookDeliveryRecord)).to.equal(recordA);
    expect(b.get(TOKENS.WebhookDeliveryRecord)).not.to.equal(recordA);
  });

  it('refuses webhooks when no event gateway is bound', () => {
    const container = new Container();
    container.load(identityCoreModule);
    container.bind(TOKENS.IdentityGateway).toConstantValue({});
    const service = container.get<IdentityService>(TOKENS.IdentityService);
    expect(() => service.handleWebhook(notification('a'), () => undefined)).to.throw(TypeError, 'event gateway');
  });
});

describe('IdentityService use cases from the container', () => {
  it('delegates to the use cases bound in the container, each built once', async () => {
    const container = new Container();
    container.load(identityCoreModule, inMemoryGatewayModule());
    expect(container.get(TOKENS.ListIdentities)).to.equal(container.get(TOKENS.ListIdentities));
    expect(container.get(TOKENS.UpdateIdentity)).to.equal(container.get(TOKENS.UpdateIdentity));
    expect(container.get(TOKENS.ImportIdentities)).to.equal(container.get(TOKENS.ImportIdentities));
    expect(container.get(TOKENS.IdentityLifecycle)).to.equal(container.get(TOKENS.IdentityLifecycle));
    const filters: unknown[] = [];
    const list = {
      page: (filter: unknown) => {
        filters.push(filter);
        return Promise.resolve({ items: [] });
      },
    } as unknown as ListIdentities;
    container.rebind<ListIdentities>(TOKENS.ListIdentities).toConstantValue(list);
    const service = container.get<IdentityService>(TOKENS.IdentityService);
    await service.listIdentitiesPage({ limit: 3 });
    await service.listIdentitiesPage({ limit: 4 });
    expect(filters).to.deep.equal([{ limit: 3 }, { limit: 4 }]);
  });
});
