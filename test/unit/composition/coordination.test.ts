import { expect } from 'chai';
import { MemoryRateLimiter } from '../../../src/adapters/rate-limiter/index.js';
import {
  createIdentityService,
  type CachedAccessToken,
  type RateLimitAcquireOptions,
  type RateLimiter,
  type RateLimitPermit,
  type RateLimitRoute,
  type TokenCache,
  type WebhookDeliveryClaim,
  type WebhookDeliveryRecord,
} from '../../../src/index.js';
import { aPerson } from '../../support/builders.js';
import { paxosOptionsFor, useEmulator } from '../../support/paxos.js';
import { notification } from '../../support/webhooks.js';

/** A limiter that lets everything through and remembers which routes it was asked about. */
class CountingLimiter implements RateLimiter {
  readonly routes: RateLimitRoute[] = [];
  readonly #inner = new MemoryRateLimiter({ requestsPerSecond: 1000, tokenRequestsPerSecond: 1000, maxQueue: 100 });
  acquire(route: RateLimitRoute, options?: RateLimitAcquireOptions): Promise<RateLimitPermit> {
    this.routes.push(route);
    return this.#inner.acquire(route, options);
  }
  coolDown(durationMs: number): Promise<Date> {
    return this.#inner.coolDown(durationMs);
  }
  coolingDownUntil(): Promise<Date | undefined> {
    return this.#inner.coolingDownUntil();
  }
}

class CountingTokenCache implements TokenCache {
  gets = 0;
  readonly #tokens = new Map<string, CachedAccessToken>();
  get(key: string): Promise<CachedAccessToken | undefined> {
    this.gets += 1;
    return Promise.resolve(this.#tokens.get(key));
  }
  set(key: string, token: CachedAccessToken): Promise<void> {
    this.#tokens.set(key, token);
    return Promise.resolve();
  }
  invalidate(key: string): Promise<void> {
    this.#tokens.delete(key);
    return Promise.resolve();
  }
}

describe('createIdentityService: the coordination option', () => {
  const emulator = useEmulator();

  const paxos = () => paxosOptionsFor(emulator());

  it('a coordination rate limiter and token cache replace the in-memory defaults', async () => {
    const rateLimiter = new CountingLimiter();
    const tokenCache = new CountingTokenCache();
    const service = createIdentityService({
      adapter: 'paxos',
      paxos: paxos(),
      coordination: { rateLimiter, tokenCache },
    });
    await service.createIdentity(aPerson().build());
    expect(rateLimiter.routes).to.include('identity');
    expect(tokenCache.gets).to.be.greaterThan(0);
  });

  it('an explicit rateLimiter or tokenCache option wins over the coordination one', async () => {
    const coordinated = new CountingLimiter();
    const explicit = new CountingLimiter();
    const coordinatedCache = new CountingTokenCache();
    const explicitCache = new CountingTokenCache();
    const service = createIdentityService({
      adapter: 'paxos',
      paxos: paxos(),
      rateLimiter: explicit,
      tokenCache: explicitCache,
      coordination: { rateLimiter: coordinated, tokenCache: coordinatedCache },
    });
    await service.createIdentity(aPerson().build());
    expect(explicit.routes).to.include('identity');
    expect(coordinated.routes).to.deep.equal([]);
    expect(explicitCache.gets).to.be.greaterThan(0);
    expect(coordinatedCache.gets).to.equal(0);
  });

  it('a coordination webhook delivery record claims the deliveries, unless one is given explicitly', async () => {
    const claimed: string[] = [];
    const record = (name: string): WebhookDeliveryRecord => ({
      claim: (eventId: string): Promise<WebhookDeliveryClaim> => {
        claimed.push(`${name}:${eventId}`);
        return Promise.reject(new Error('record unavailable'));
      },
    });
    const viaCoordination = createIdentityService({
      adapter: 'in-memory',
      coordination: { webhookDeliveryRecord: record('coordination') },
    });
    await viaCoordination.handleWebhook(notification('evt-1'), () => Promise.resolve()).catch(() => undefined);
    const explicit = createIdentityService({
      adapter: 'in-memory',
      webhookDeliveryRecord: record('explicit'),
      coordination: { webhookDeliveryRecord: record('coordination') },
    });
    await explicit.handleWebhook(notification('evt-2'), () => Promise.resolve()).catch(() => undefined);
    expect(claimed).to.deep.equal(['coordination:evt-1', 'explicit:evt-2']);
  });
});
