import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import type { Redis } from 'ioredis';
import { RedisUnavailableError, RedisTokenCache } from '../../../src/redis.js';
import { Sensitive } from '../../../src/index.js';
import { describeTokenCacheContract } from '../../../src/testing.js';
import { recordingLogger } from '../../support/logging.js';
import { describeWithRedis, redisClient, uniqueNamespace } from '../../support/redis.js';

const KEY = randomBytes(32);
const CANARY = 'CANARY-token-9931-in-redis';

function inAMinute(): Date {
  return new Date(Date.now() + 60_000);
}

/** Every key under `namespace`, so that a test can look at what the cache wrote. */
async function keysUnder(redis: Redis, namespace: string): Promise<string[]> {
  return redis.keys(`${namespace}:*`);
}

describeWithRedis('RedisTokenCache', () => {
  let redis: Redis;
  before(() => {
    redis = redisClient();
  });
  after(async () => {
    await redis.quit();
  });

  describeTokenCacheContract(
    'RedisTokenCache, encrypted',
    (clock) => new RedisTokenCache(redis, { namespace: uniqueNamespace(), encryptionKey: KEY, clock }),
  );
  describeTokenCacheContract(
    'RedisTokenCache, in clear',
    (clock) => new RedisTokenCache(redis, { namespace: uniqueNamespace(), clock }),
  );

  it('keeps no token readable in Redis when given a key: neither GET nor DUMP shows it', async () => {
    const namespace = uniqueNamespace();
    const cache = new RedisTokenCache(redis, { namespace, encryptionKey: KEY.toString('base64') });
    await cache.set('k', { token: Sensitive.of(CANARY), renewAt: inAMinute() });
    const keys = await keysUnder(redis, namespace);
    expect(keys).to.have.length(1);
    for (const key of keys) {
      expect(await redis.get(key)).not.to.include(CANARY);
      const dumped = await redis.dumpBuffer(key);
      expect(dumped.toString('latin1')).not.to.include(CANARY);
      expect(dumped.toString('utf8')).not.to.include(CANARY);
    }
    expect((await cache.get('k'))?.token.reveal()).to.equal(CANARY);
  });

  it('stores the token in clear without a key, and says so once through the logger', async () => {
    const namespace = uniqueNamespace();
    const logger = recordingLogger();
    const { lines } = logger;
    const cache = new RedisTokenCache(redis, { namespace, logger });
    await cache.set('k', { token: Sensitive.of(CANARY), renewAt: inAMinute() });
    const [key] = await keysUnder(redis, namespace);
    expect(await redis.get(key ?? '')).to.include(CANARY);
    expect(lines).to.have.length(1);
    expect(lines[0]?.message).to.match(/in clear/);
    expect(JSON.stringify(lines)).not.to.include(CANARY);
    new RedisTokenCache(redis, { namespace, encryptionKey: KEY, logger });
    expect(lines).to.have.length(1, 'an encrypted cache does not warn');
  });

  it('keeps each token with a PX TTL until its renewAt', async () => {
    const namespace = uniqueNamespace();
    const cache = new RedisTokenCache(redis, { namespace, encryptionKey: KEY });
    await cache.set('k', { token: Sensitive.of('t'), renewAt: new Date(Date.now() + 30_000) });
    const [key] = await keysUnder(redis, namespace);
    const ttl = await redis.pttl(key ?? '');
    expect(ttl).to.be.within(28_000, 30_000);
    await cache.set('k', { token: Sensitive.of('t'), renewAt: new Date(Date.now() - 1) });
    expect(await keysUnder(redis, namespace)).to.deep.equal([], 'a token already due is not stored');
  });

  it('reads a token sealed with another key, or tampered with, as no token', async () => {
    const namespace = uniqueNamespace();
    const cache = new RedisTokenCache(redis, { namespace, encryptionKey: KEY });
    await cache.set('k', { token: Sensitive.of(CANARY), renewAt: inAMinute() });
    const other = new RedisTokenCache(redis, { namespace, encryptionKey: randomBytes(32) });
    expect(await other.get('k')).to.equal(undefined);
    const clear = new RedisTokenCache(redis, { namespace });
    expect(await clear.get('k')).to.equal(undefined, 'an encrypted value is never read as clear text');
    const [key] = await keysUnder(redis, namespace);
    const value = (await redis.get(key ?? '')) ?? '';
    await redis.set(key ?? '', `${value.slice(0, -4)}AAAA`, 'PX', 60_000);
    expect(await cache.get('k')).to.equal(undefined);
    await redis.set(`${namespace}:token:moved`, value, 'PX', 60_000);
    expect(await cache.get('moved')).to.equal(undefined, 'a value copied to another key does not open');
  });

  it('invalidates only the refused token, also when encrypted (random IVs) and in clear', async () => {
    for (const encryptionKey of [KEY, undefined]) {
      const cache = new RedisTokenCache(redis, {
        namespace: uniqueNamespace(),
        ...(encryptionKey && { encryptionKey }),
      });
      await cache.set('k', { token: Sensitive.of('old'), renewAt: inAMinute() });
      await cache.invalidate('k', Sensitive.of('other'));
      expect((await cache.get('k'))?.token.reveal()).to.equal('old');
      await cache.invalidate('k', Sensitive.of('old'));
      expect(await cache.get('k')).to.equal(undefined);
    }
  });

  it('refuses an encryption key that is not 32 bytes, without quoting it', () => {
    for (const encryptionKey of [randomBytes(16), 'c2hvcnQta2V5LXNlY3JldA==', '']) {
      expect(() => new RedisTokenCache(redis, { namespace: 'n', encryptionKey }))
        .to.throw(RangeError, /32 bytes/)
        .that.satisfies((error: Error) => !error.message.includes('c2hvcnQ'));
    }
    expect(() => new RedisTokenCache(redis, { namespace: '' })).to.throw(RangeError, /namespace/);
  });

  it('prints neither the client nor the key nor a token', async () => {
    const cache = new RedisTokenCache(redis, { namespace: uniqueNamespace(), encryptionKey: KEY });
    await cache.set('k', { token: Sensitive.of(CANARY), renewAt: inAMinute() });
    const text = inspect(cache, { depth: Infinity, showHidden: true }) + JSON.stringify(cache);
    expect(text).not.to.include(CANARY);
    expect(text).not.to.include(KEY.toString('base64'));
    expect(text).not.to.include('127.0.0.1');
  });

  it("onRedisUnavailable: 'fail': fails with RedisUnavailableError within its command timeout when Redis does not answer", async () => {
    const hung = { get: () => new Promise<never>(() => undefined) } as unknown as Redis;
    const cache = new RedisTokenCache(hung, { namespace: 'n', commandTimeoutMs: 50, onRedisUnavailable: 'fail' });
    const started = performance.now();
    const error = await cache.get('k').then(
      () => expect.fail('expected a rejection'),
      (caught: unknown) => caught,
    );
    expect(performance.now() - started).to.be.below(1000);
    expect(error).to.be.instanceOf(RedisUnavailableError).with.property('reason', 'timeout');
    expect(error).to.have.property('code', 'redis_unavailable');
  });
});
