import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import {
  MemoryRateLimiter,
  PaxosConnection,
  PaxosDocumentGateway,
  PaxosEventGateway,
  PaxosIdentityGateway,
} from '../../src/gateways.js';
import { NewIdentity, type PaxosGatewayOptions } from '../../src/index.js';
import { startPaxosEmulator, type PaxosEmulator, type RateLimitOptions } from '../../src/testing.js';
import { ManualClock } from '../adapters/paxos/support.js';
import { aPerson } from '../support/builders.js';
import { paxosOptionsFor } from '../support/paxos.js';

/**
 * Scaling, as in rate-limit.test.ts: Paxos's limits (identity 10/s, token 1/s, other 50/s, over five minutes) at 20
 * times the rate and over a 250 ms window, the client paced at 80 % of each. Identity and other together (160 + 320
 * per second) are well over the identity budget alone, so a burst only passes when the emulator counts the event
 * routes in a budget of their own, as Paxos does.
 */
const EMULATOR_LIMITS: RateLimitOptions = {
  identityPerSecond: 200,
  tokenPerSecond: 20,
  otherPerSecond: 400,
  windowMs: 250,
  throttleMs: 60_000,
};
const CLIENT_LIMITS = {
  requestsPerSecond: 160,
  tokenRequestsPerSecond: 10,
  otherRequestsPerSecond: 320,
  maxQueue: 1000,
};

function optionsOn(emulator: PaxosEmulator, extra: Partial<PaxosGatewayOptions> = {}): PaxosGatewayOptions {
  return {
    ...paxosOptionsFor(emulator),
    retryBackoff: { initialDelayMs: 1, maxDelayMs: 5 },
    timeoutMs: 20_000,
    ...extra,
  };
}

/**
 * A burst across all three routes from `connections` connections (each with its own token cache, so each asks for
 * its identity and its events token) sharing `limiter`: 60 creates, then 30 document reads and 120 event reads.
 */
async function burst(emulator: PaxosEmulator, connections: number, limiter: MemoryRateLimiter | undefined) {
  const clients = Array.from({ length: connections }, () => {
    const connection = new PaxosConnection(
      optionsOn(emulator, limiter === undefined ? { rateLimit: false, timeoutMs: 5_000 } : {}),
      limiter === undefined ? {} : { rateLimiter: limiter },
    );
    return {
      identities: new PaxosIdentityGateway(connection),
      documents: new PaxosDocumentGateway(connection),
      events: new PaxosEventGateway(connection),
    };
  });
  const pick = (i: number) => clients[i % connections]!;
  const created = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => pick(i).identities.create(draft())));
  const ids = created.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
  const reads = await Promise.allSettled([
    ...Array.from({ length: 30 }, (_, i) => pick(i).documents.list(ids[i % Math.max(1, ids.length)] ?? 'none')),
    ...Array.from({ length: 120 }, (_, i) => pick(i).events.listPage({})),
  ]);
  return { created, reads };
}

const draft = () => NewIdentity.create(aPerson().withCommand({ refId: randomUUID() }).build(), { now: new Date() });

const status429 = (emulator: PaxosEmulator) => emulator.requests.filter((r) => r.status === 429).length;

describe('per-route budgets against the emulator in Paxos rate-limit mode (scaled)', function () {
  this.timeout(30_000);
  let emulator: PaxosEmulator | undefined;

  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('a burst across the identity, token and other routes through one limiter meets zero 429s', async () => {
    emulator = await startPaxosEmulator({ rateLimit: EMULATOR_LIMITS });
    const { created, reads } = await burst(emulator, 4, new MemoryRateLimiter(CLIENT_LIMITS));
    expect(created.every((r) => r.status === 'fulfilled')).to.equal(true);
    expect(reads.every((r) => r.status === 'fulfilled')).to.equal(true);
    const routes = new Set(emulator.requests.map((r) => r.route));
    expect([...routes]).to.include.members(['/oauth2/token', '/v2/identity/identities', '/v2/events']);
    expect(emulator.requests.filter((r) => r.route === '/oauth2/token')).to.have.length(8);
    expect(status429(emulator)).to.equal(0);
  });

  it('control: the same burst without the limiter is throttled, so the test above can fail', async () => {
    emulator = await startPaxosEmulator({ rateLimit: EMULATOR_LIMITS });
    await burst(emulator, 4, undefined);
    expect(status429(emulator)).to.be.greaterThan(0);
  });
});

describe('emulator: the other routes have a budget of their own', () => {
  let emulator: PaxosEmulator | undefined;

  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('event reads count apart from identity calls, and going over them throttles the whole IP', async () => {
    const clock = new ManualClock();
    emulator = await startPaxosEmulator({
      clock,
      rateLimit: { identityPerSecond: 1, tokenPerSecond: 10, otherPerSecond: 3, windowMs: 1000, throttleMs: 10_000 },
    });
    const connection = new PaxosConnection(optionsOn(emulator, { rateLimit: false, maxRetries: 0 }));
    const identities = new PaxosIdentityGateway(connection);
    const events = new PaxosEventGateway(connection);
    await identities.create(draft());
    // Three event reads fit the other budget although the identity budget (1) is spent.
    for (let i = 0; i < 3; i++) await events.listPage({});
    expect(status429(emulator)).to.equal(0);
    const over = await events.listPage({}).catch((error: unknown) => error);
    expect(over).to.be.instanceOf(Error);
    expect(status429(emulator)).to.equal(1);
    const create = await identities.create(draft()).catch((error: unknown) => error);
    expect(create, 'the throttle covers every route').to.be.instanceOf(Error);
    expect(status429(emulator)).to.equal(2);
    clock.advance(10_000);
    await identities.create(draft());
  });

  it('PAXOS_RATE_LIMITS publishes 50 requests a second for the other routes, beside identity and token', async () => {
    const { PAXOS_RATE_LIMITS } = await import('../../src/testing.js');
    expect(PAXOS_RATE_LIMITS).to.deep.include({ identityPerSecond: 10, tokenPerSecond: 1, otherPerSecond: 50 });
  });
});
