import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { MemoryRateLimiter } from '../../src/adapters/rate-limiter/index.js';
import {
  createIdentityService,
  PaxosRateLimitError,
  PaxosTimeoutError,
  type IdentityService,
  type PaxosGatewayOptions,
} from '../../src/index.js';
import { startPaxosEmulator, type PaxosEmulator, type RateLimitOptions } from '../../src/testing.js';
import { aPerson } from '../support/builders.js';
import { paxosOptionsFor } from '../support/paxos.js';

/**
 * Scaling: Paxos allows 10 requests/s on identity routes averaged over five minutes. To run in seconds, the emulator
 * enforces 200 requests/s averaged over a 250 ms window (a budget of 50 requests in any 250 ms) and the client paces
 * itself at 160 requests/s: the same shape (client at or under the server's average, evenly spaced) at 20 times the
 * rate and a 1,200th of the window, with a margin for loopback jitter that a five-minute window makes negligible.
 */
const EMULATOR_LIMITS: RateLimitOptions = {
  identityPerSecond: 200,
  tokenPerSecond: 20,
  windowMs: 250,
  throttleMs: 60_000,
};
const CLIENT_LIMITS = { requestsPerSecond: 160, tokenRequestsPerSecond: 10, maxQueue: 1000, coolDownMs: 60_000 };

function serviceOn(emulator: PaxosEmulator, paxos: Partial<PaxosGatewayOptions>): IdentityService {
  return createIdentityService({
    adapter: 'paxos',
    paxos: {
      ...paxosOptionsFor(emulator),
      retryBackoff: { initialDelayMs: 1, maxDelayMs: 5 },
      ...paxos,
    },
  });
}

function status429(emulator: PaxosEmulator): number {
  return emulator.requests.filter((r) => r.status === 429).length;
}

describe('rate-limit safety against the emulator in Paxos rate-limit mode (scaled)', function () {
  this.timeout(30_000);
  let emulator: PaxosEmulator;

  beforeEach(async () => {
    emulator = await startPaxosEmulator({ rateLimit: EMULATOR_LIMITS });
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('200 concurrent creates with the client limiter on: zero 429s, all 200 created', async () => {
    const service = serviceOn(emulator, { rateLimit: CLIENT_LIMITS, timeoutMs: 20_000 });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => service.createIdentity(aPerson().withCommand({ refId: randomUUID() }).build())),
    );
    expect(new Set(results.map((r) => r.id)).size).to.equal(200);
    expect(status429(emulator)).to.equal(0);
    expect(emulator.requests.filter((r) => r.route === '/v2/identity/identities' && r.status === 200)).to.have.length(
      200,
    );
  });

  it('control: the same burst without the limiter is throttled, so the test above can fail', async () => {
    const service = serviceOn(emulator, { rateLimit: false, timeoutMs: 5_000 });
    const settled = await Promise.allSettled(
      Array.from({ length: 200 }, () => service.createIdentity(aPerson().build())),
    );
    expect(status429(emulator)).to.be.greaterThan(0);
    expect(settled.some((s) => s.status === 'rejected' && s.reason instanceof PaxosRateLimitError)).to.equal(true);
  });

  it('after a 429 the client cools down: later calls fail fast with retryAt, without being sent', async () => {
    const service = serviceOn(emulator, { rateLimit: { ...CLIENT_LIMITS, coolDownMs: 300_000 }, timeoutMs: 5_000 });
    await service.createIdentity(aPerson().build());
    emulator.faults.inject({ kind: 'status', status: 429 }, { match: { method: 'POST' } });
    const before = Date.now();
    const first = await service.createIdentity(aPerson().build()).catch((error: unknown) => error);
    expect(first).to.be.instanceOf(PaxosRateLimitError);
    expect((first as PaxosRateLimitError).reason).to.equal('throttled');
    const seen = emulator.requests.length;
    const later = await service.createIdentity(aPerson().build()).catch((error: unknown) => error);
    expect(later).to.be.instanceOf(PaxosRateLimitError);
    const refused = later as PaxosRateLimitError;
    expect(refused.reason).to.equal('cooling_down');
    expect(refused.retryAt!.getTime()).to.be.within(before + 299_000, Date.now() + 300_000);
    expect(refused.coolDownUntil).to.equal(refused.retryAt);
    expect(refused.toJSON()).to.include({ code: 'paxos_rate_limited', reason: 'cooling_down' });
    expect(emulator.requests.length, 'nothing was sent during the cool-down').to.equal(seen);
  });

  it('a 429 with Retry-After cools down only that long, and the call that got it retries after it', async () => {
    const service = serviceOn(emulator, { rateLimit: CLIENT_LIMITS, timeoutMs: 5_000 });
    emulator.faults.inject({ kind: 'status', status: 429, retryAfter: 0.05 }, { match: { method: 'POST' } });
    const identity = await service.createIdentity(aPerson().build());
    expect(identity.summaryStatus).to.equal('PENDING');
    expect(emulator.requests.filter((r) => r.route === '/v2/identity/identities').map((r) => r.status)).to.deep.equal([
      429, 200,
    ]);
  });
});

describe('MemoryRateLimiter (rate-limiter-flexible underneath)', () => {
  it('queues a burst instead of refusing it, and refuses once the queue is full', async () => {
    const limiter = new MemoryRateLimiter({ requestsPerSecond: 100, tokenRequestsPerSecond: 1, maxQueue: 3 });
    const permits = [1, 2, 3, 4, 5].map(() => limiter.acquire('identity'));
    const results = await Promise.all(permits);
    expect(results.filter((p) => p.granted)).to.have.length(4);
    const refused = results.find((p) => !p.granted);
    expect(refused).to.deep.include({ granted: false, reason: 'queue_full' });
  });

  it('a call whose deadline passes in the queue leaves it with the deadline reason, and the service reports a timeout', async () => {
    const limiter = new MemoryRateLimiter({ requestsPerSecond: 1, tokenRequestsPerSecond: 1, maxQueue: 10 });
    expect(await limiter.acquire('identity')).to.deep.equal({ granted: true });
    const controller = new AbortController();
    const waiting = limiter.acquire('identity', { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    expect(limiter.queued('identity')).to.equal(1);
    controller.abort(new Error('gave up'));
    const reason = await waiting.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((reason as Error).message).to.equal('gave up');
    expect(limiter.queued('identity')).to.equal(0);

    const emulator = await startPaxosEmulator();
    try {
      const service = serviceOn(emulator, {
        rateLimit: { requestsPerSecond: 0.5, tokenRequestsPerSecond: 10, maxQueue: 10 },
        timeoutMs: 300,
      });
      await service.createIdentity(aPerson().build());
      const late = await service.createIdentity(aPerson().build()).catch((error: unknown) => error);
      expect(late).to.be.instanceOf(PaxosTimeoutError);
      expect(emulator.requests.filter((r) => r.route === '/v2/identity/identities')).to.have.length(1);
    } finally {
      await emulator.close();
    }
  });

  it('the token route has its own pace, and a cool-down stops both routes', async () => {
    const limiter = new MemoryRateLimiter({ requestsPerSecond: 1, tokenRequestsPerSecond: 1, maxQueue: 0 });
    expect(await limiter.acquire('identity')).to.deep.equal({ granted: true });
    expect(await limiter.acquire('token')).to.deep.equal({ granted: true });
    expect(await limiter.acquire('identity')).to.deep.include({ granted: false, reason: 'queue_full' });
    const until = await limiter.coolDown(60_000);
    expect(await limiter.coolDown(1_000)).to.deep.equal(until);
    expect(await limiter.coolingDownUntil()).to.deep.equal(until);
    expect(await limiter.acquire('token')).to.deep.equal({ granted: false, reason: 'cooling_down', retryAt: until });
  });

  it('refuses nonsense rates', () => {
    expect(() => new MemoryRateLimiter({ requestsPerSecond: 0, tokenRequestsPerSecond: 1, maxQueue: 1 })).to.throw(
      RangeError,
    );
    expect(() => new MemoryRateLimiter({ requestsPerSecond: 1, tokenRequestsPerSecond: 1, maxQueue: -1 })).to.throw(
      RangeError,
    );
    expect(
      () =>
        new MemoryRateLimiter({
          requestsPerSecond: 1,
          tokenRequestsPerSecond: 1,
          otherRequestsPerSecond: 0,
          maxQueue: 1,
        }),
    ).to.throw(RangeError);
  });
});

describe('rateLimit and maxResponseBytes options', () => {
  const base = { environment: 'sandbox' as const, clientId: 'c', clientSecret: 's' };

  it("default to Paxos's published limits and a 1 MiB cap; false turns limiting off", async () => {
    const { resolvePaxosConfig, DEFAULT_RATE_LIMIT } = await import('../../src/adapters/paxos/index.js');
    expect(resolvePaxosConfig(base).rateLimit).to.deep.equal({
      requestsPerSecond: 10,
      tokenRequestsPerSecond: 1,
      otherRequestsPerSecond: 45,
      maxQueue: 1000,
      coolDownMs: 300_000,
    });
    expect(DEFAULT_RATE_LIMIT.requestsPerSecond).to.equal(10);
    expect(DEFAULT_RATE_LIMIT.otherRequestsPerSecond).to.equal(45);
    expect(resolvePaxosConfig(base).maxResponseBytes).to.equal(1024 * 1024);
    expect(resolvePaxosConfig({ ...base, rateLimit: false }).rateLimit).to.equal(false);
    expect(resolvePaxosConfig({ ...base, rateLimit: { requestsPerSecond: 5 } }).rateLimit).to.deep.include({
      requestsPerSecond: 5,
      tokenRequestsPerSecond: 1,
    });
    expect(resolvePaxosConfig({ ...base, rateLimit: { otherRequestsPerSecond: 20 } }).rateLimit).to.deep.include({
      requestsPerSecond: 10,
      tokenRequestsPerSecond: 1,
      otherRequestsPerSecond: 20,
    });
  });

  it('refuse nonsense with PaxosConfigurationError', async () => {
    const { resolvePaxosConfig, PaxosConfigurationError } = await import('../../src/adapters/paxos/index.js');
    for (const rateLimit of [
      { requestsPerSecond: 0 },
      { tokenRequestsPerSecond: -1 },
      { otherRequestsPerSecond: 0 },
      { otherRequestsPerSecond: Number.NaN },
      { maxQueue: 1.5 },
      { coolDownMs: -1 },
      'paxos',
      null,
    ]) {
      expect(() => resolvePaxosConfig({ ...base, rateLimit } as never), JSON.stringify(rateLimit)).to.throw(
        PaxosConfigurationError,
      );
    }
    expect(() => resolvePaxosConfig({ ...base, maxResponseBytes: 10 })).to.throw(PaxosConfigurationError);
  });
});
