import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisUnavailableError, RedisTokenCache } from '../../../src/redis.js';
import {
  createIdentityService,
  IdentityNotFoundError,
  PaxosTimeoutError,
  type IdentityService,
  type Logger,
  type TokenCache,
} from '../../../src/index.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../../src/testing.js';
import { recordingLogger } from '../../support/logging.js';
import { paxosOptionsFor } from '../../support/paxos.js';
import { describeWithRedis, redisClient, uniqueNamespace } from '../../support/redis.js';

const KEY = randomBytes(32);

/** A cache whose lock was taken by a process that died right after: nobody releases it before its TTL. */
function withDeadHolder(cache: RedisTokenCache, deadTtlMs: number): TokenCache {
  let died = false;
  return {
    get: (key) => cache.get(key),
    set: (key, token) => cache.set(key, token),
    invalidate: (key, token) => cache.invalidate(key, token),
    lockRefresh: async (key, ttlMs) => {
      if (!died) {
        died = true;
        await cache.lockRefresh(key, deadTtlMs);
      }
      return cache.lockRefresh(key, ttlMs);
    },
  };
}

/** How a call that needs a token ended: a 404 for a random id means it went through with a valid token. */
async function outcome(service: IdentityService): Promise<string> {
  try {
    await service.getIdentity(randomUUID());
    return 'found';
  } catch (error) {
    if (error instanceof IdentityNotFoundError) return 'not_found';
    if (error instanceof PaxosTimeoutError) return 'timeout';
    throw error;
  }
}

describeWithRedis('OAuthTokenProvider with the lock of a RedisTokenCache', () => {
  let redis: Redis;
  let emulator: PaxosEmulator;

  before(async () => {
    redis = redisClient();
    emulator = await startPaxosEmulator();
  });
  beforeEach(() => {
    emulator.clearRequestLog();
    emulator.faults.clear();
  });
  after(async () => {
    await emulator.close();
    await redis.quit();
  });

  function service(tokenCache: TokenCache, timeoutMs = 5000, logger?: Logger): IdentityService {
    return createIdentityService({
      adapter: 'paxos',
      // One token request lasts as long as the call: these cases are about the lock, not the attempt's budget.
      paxos: {
        ...paxosOptionsFor(emulator),
        timeoutMs,
        attemptTimeoutMs: timeoutMs,
        ...(logger !== undefined && { logger }),
      },
      tokenCache,
    });
  }
  const tokenRequests = () => emulator.requests.filter((request) => request.path === '/oauth2/token').length;

  it('takes over the lock of a holder that died once its TTL lapsed, and sends one token request', async () => {
    const cache = new RedisTokenCache(redis, { namespace: uniqueNamespace(), encryptionKey: KEY });
    const started = performance.now();
    expect(await outcome(service(withDeadHolder(cache, 300)))).to.equal('not_found');
    expect(performance.now() - started).to.be.within(250, 3000);
    expect(tokenRequests()).to.equal(1);
  });

  it("waits for a live holder's token instead of asking for its own", async () => {
    const namespace = uniqueNamespace();
    emulator.faults.inject({ kind: 'delay', ms: 300 }, { match: { path: '/oauth2/token' } });
    const first = outcome(service(new RedisTokenCache(redis, { namespace, encryptionKey: KEY })));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = outcome(service(new RedisTokenCache(redis, { namespace, encryptionKey: KEY })));
    expect(await Promise.all([first, second])).to.deep.equal(['not_found', 'not_found']);
    expect(tokenRequests()).to.equal(1);
  });

  it('takes the lock and fetches itself when the holder gave up without a token', async () => {
    const namespace = uniqueNamespace();
    emulator.faults.inject({ kind: 'delay', ms: 2000 }, { match: { path: '/oauth2/token' } });
    const impatient = outcome(service(new RedisTokenCache(redis, { namespace, encryptionKey: KEY }), 300));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    const patient = outcome(service(new RedisTokenCache(redis, { namespace, encryptionKey: KEY }), 5000));
    expect(await impatient).to.equal('timeout');
    expect(await patient).to.equal('not_found');
    expect(performance.now() - started).to.be.above(150, 'it waited for the holder first');
  });

  it('releases a lock granted after its deadline passed, so that the fleet need not wait out its TTL', async () => {
    const namespace = uniqueNamespace();
    const cache = new RedisTokenCache(redis, { namespace, encryptionKey: KEY });
    let slowOnce = true;
    const slowLock: TokenCache = {
      get: (key) => cache.get(key),
      set: (key, token) => cache.set(key, token),
      invalidate: (key, token) => cache.invalidate(key, token),
      lockRefresh: async (key, ttlMs) => {
        const taken = await cache.lockRefresh(key, ttlMs);
        if (slowOnce) {
          slowOnce = false;
          await new Promise((resolve) => setTimeout(resolve, 400));
        }
        return taken;
      },
    };
    expect(await outcome(service(slowLock, 300))).to.equal('timeout');
    await new Promise((resolve) => setTimeout(resolve, 250));
    const started = performance.now();
    expect(await outcome(service(new RedisTokenCache(redis, { namespace, encryptionKey: KEY }), 5000))).to.equal(
      'not_found',
    );
    // The late lock would otherwise hold for 300 + 1000 ms from its grant, that is about 750 ms more from here.
    expect(performance.now() - started).to.be.below(450);
    expect(tokenRequests()).to.equal(1);
  });

  it('gives up by its deadline, without a token request, while another holder keeps the lock', async () => {
    const cache = new RedisTokenCache(redis, { namespace: uniqueNamespace(), encryptionKey: KEY });
    const started = performance.now();
    expect(await outcome(service(withDeadHolder(cache, 60_000), 300))).to.equal('timeout');
    expect(performance.now() - started).to.be.within(250, 2000);
    expect(tokenRequests()).to.equal(0);
  });

  it('hands out a fetched token when the cache fails to keep it, and says so without the token', async () => {
    const cache = new RedisTokenCache(redis, { namespace: uniqueNamespace(), encryptionKey: KEY });
    const logger = recordingLogger();
    const { lines } = logger;
    let issued = '';
    const failing: TokenCache = {
      get: (key) => cache.get(key),
      set: (_key, token) => {
        issued = token.token.reveal();
        return Promise.reject(new RedisUnavailableError('token set', 'timeout', 1000));
      },
      invalidate: (key, token) => cache.invalidate(key, token),
      lockRefresh: (key, ttlMs) => cache.lockRefresh(key, ttlMs),
    };
    expect(await outcome(service(failing, 5000, logger))).to.equal('not_found');
    const warning = lines.find((line) => line.level === 'warn');
    expect(warning?.message).to.match(/did not keep/);
    expect(warning?.fields).to.include({ errorCode: 'redis_unavailable' });
    expect(issued).not.to.equal('');
    expect(JSON.stringify(lines)).not.to.include(issued);
    expect(JSON.stringify(lines)).not.to.include(emulator.clientSecret);
  });
});
