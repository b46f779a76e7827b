import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import sinon from 'sinon';
import { Sensitive } from '../../../src/domain/index.js';
import {
  RedisRateLimiter,
  RedisTokenCache,
  RedisUnavailableError,
  RedisWebhookDeliveryRecord,
} from '../../../src/redis.js';
import { describeWithRedis, redisClient, uniqueNamespace } from '../../support/redis.js';

const pause = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** A TCP server that accepts and never answers: Redis hung mid-command. */
async function blackHole(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, sockets };
}

/**
 * A proxy to the test Redis that, once armed, passes a command on and then drops the connection instead of handing
 * back the reply that `dropOn` matches: the command ran, and ioredis resends it on its new connection.
 */
async function replyDroppingProxy(): Promise<{
  port: number;
  arm: (dropOn: RegExp) => void;
  close: () => Promise<void>;
}> {
  const url = new URL(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  let dropOn: RegExp | undefined;
  const sockets: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect(Number(url.port || 6379), url.hostname);
    sockets.push(client, upstream);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('data', (data) => upstream.write(data));
    upstream.on('data', (data) => {
      if (dropOn?.test(data.toString()) === true) {
        dropOn = undefined;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(data);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    arm: (pattern) => {
      dropOn = pattern;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Every key under `namespace` has an expiry: PTTL is never -1 (a key without one); -2 is a key already gone. */
async function expectEveryKeyExpires(redis: Redis, namespace: string): Promise<number> {
  const keys = await redis.keys(`${namespace.replace(/[*?[\]\\]/g, '\\$&')}*`);
  expect(keys).not.to.be.empty;
  for (const key of keys) expect(await redis.pttl(key), key).not.to.equal(-1);
  return keys.length;
}

describeWithRedis('Redis adapters under attack', function () {
  this.timeout(20_000);
  let redis: Redis;
  const clients: Redis[] = [];
  let hole: Awaited<ReturnType<typeof blackHole>> | undefined;

  before(() => {
    redis = redisClient();
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    if (hole !== undefined) {
      for (const socket of hole.sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        hole?.server.close(() => {
          resolve();
        });
      });
      hole = undefined;
    }
  });

  after(async () => {
    await redis.quit();
  });

  it('a Redis that accepts and never answers (ready client): every adapter call ends within its timeout', async () => {
    hole = await blackHole();
    const hung = new Redis(hole.port, '127.0.0.1', { enableReadyCheck: false, maxRetriesPerRequest: 1 });
    hung.on('error', () => undefined);
    clients.push(hung);
    await pause(50);
    const limiter = new RedisRateLimiter({ redis: hung, namespace: 'n', commandTimeoutMs: 100 });
    const cache = new RedisTokenCache(hung, {
      namespace: 'n',
      commandTimeoutMs: 100,
      encryptionKey: randomBytes(32),
      onRedisUnavailable: 'fail',
    });
    const record = new RedisWebhookDeliveryRecord(hung, { namespace: 'n', commandTimeoutMs: 100 });
    const started = performance.now();
    const outcomes = await Promise.all(
      [
        limiter.acquire('token'),
        limiter.coolDown(1000),
        limiter.coolingDownUntil(),
        cache.get('k'),
        cache.set('k', { token: Sensitive.of('secret-token'), renewAt: new Date(Date.now() + 60_000) }),
        cache.invalidate('k', Sensitive.of('secret-token')),
        cache.lockRefresh('k', 1000),
        record.claim('evt', 1000),
      ].map((p) =>
        (p as Promise<unknown>).then(
          () => 'ok',
          (e: unknown) => e,
        ),
      ),
    );
    expect(performance.now() - started).to.be.below(1000);
    for (const outcome of outcomes.slice(3)) {
      expect(outcome).to.be.instanceOf(RedisUnavailableError);
      expect((outcome as Error).message + JSON.stringify(outcome)).not.to.include('secret-token');
    }
  });

  it('no key the adapters write is ever without an expiry (every write path, sub-second and fractional rates)', async () => {
    const namespace = uniqueNamespace('attack:{x}:');
    const limiter = new RedisRateLimiter({ redis, namespace, rates: { identity: 2.5, token: 0.5, other: 0.3 } });
    for (const route of ['identity', 'token', 'other'] as const) {
      expect(await limiter.acquire(route)).to.deep.equal({ granted: true });
      expect(await limiter.acquire(route)).to.have.property('granted');
      await expectEveryKeyExpires(redis, namespace);
    }
    await limiter.coolDown(100);
    await expectEveryKeyExpires(redis, namespace);
    await limiter.coolDown(50);
    await expectEveryKeyExpires(redis, namespace);
    const cache = new RedisTokenCache(redis, { namespace, encryptionKey: randomBytes(32) });
    await cache.set('k', { token: Sensitive.of('t1'), renewAt: new Date(Date.now() + 1) });
    await cache.set('k', { token: Sensitive.of('t2'), renewAt: new Date(Date.now() + 60_000) });
    await cache.lockRefresh('k', 0.2);
    await cache.lockRefresh('k2', 1e-9);
    await expectEveryKeyExpires(redis, namespace);
    const record = new RedisWebhookDeliveryRecord(redis, { namespace });
    const claim = await record.claim('e1', 0.001);
    await record.claim('e2', 1e-9);
    if (claim.status === 'claimed') await claim.complete();
    await expectEveryKeyExpires(redis, namespace);
  });

  it('a token route at 1/s and a rate of 0.5/s are kept across two limiters on one namespace', async () => {
    const namespace = uniqueNamespace();
    const a = new RedisRateLimiter({ redis, namespace, rates: { token: 0.5 } });
    const b = new RedisRateLimiter({ redis, namespace, rates: { token: 0.5 } });
    const grants: number[] = [];
    const started = performance.now();
    await Promise.all(
      [a, b, a].map(async (limiter) => {
        const permit = await limiter.acquire('token', { signal: AbortSignal.timeout(6_000) });
        if (permit.granted) grants.push(performance.now() - started);
      }),
    );
    grants.sort((x, y) => x - y);
    expect(grants).to.have.length(3);
    expect(grants[1]! - grants[0]!).to.be.above(900);
    expect(grants[2]! - grants[0]!).to.be.above(1900);
  });

  it('many limiters in one process, calls queued then abandoned: the process exits by itself once idle', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../../fleet/idle-exit-child.ts', import.meta.url))],
      { env: { ...process.env, NAMESPACE: uniqueNamespace() }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await Promise.race([
      new Promise<number | null>((resolve) => child.on('exit', resolve)),
      pause(10_000).then(() => 'hung'),
    ]);
    child.kill('SIGKILL');
    expect(out).to.include('idle');
    expect(code).to.equal(0);
  });

  it('refuses an encryption key string that is not the base64 of 32 bytes (a passphrase, stray characters)', () => {
    const good = randomBytes(32);
    expect(() => new RedisTokenCache(redis, { namespace: 'n', encryptionKey: good.toString('base64') })).not.to.throw();
    expect(
      () => new RedisTokenCache(redis, { namespace: 'n', encryptionKey: good.toString('base64url') }),
    ).not.to.throw();
    for (const encryptionKey of [
      'my secret key: correct horse battery staple xyzzy fo!',
      `!!!!${good.toString('base64')}`,
      `${good.toString('base64')}\n`,
      `${good.toString('base64').slice(0, 20)} ${good.toString('base64').slice(20)}`,
    ]) {
      expect(Buffer.from(encryptionKey, 'base64')).to.have.length(32);
      expect(() => new RedisTokenCache(redis, { namespace: 'n', encryptionKey }), encryptionKey).to.throw(
        RangeError,
        /32 bytes/,
      );
    }
  });

  it('refuses a rate too low for a timer to pace, rather than granting every call while Redis is away', () => {
    expect(() => new RedisRateLimiter({ redis, namespace: 'n', rates: { token: 1e-7 } })).to.throw(
      RangeError,
      /rates\.token/,
    );
    expect(() => new RedisRateLimiter({ redis, namespace: 'n', rates: { token: 1e-6 }, fleetSize: 3 })).to.throw(
      RangeError,
    );
    expect(
      () => new RedisRateLimiter({ redis, namespace: 'n', rates: { token: 1 / 86_400 }, fleetSize: 3 }),
    ).not.to.throw();
  });

  it('Redis away and the wall clock stepped back: the fallback does not stall the route for the size of the step', async () => {
    const away = new Redis(1, '127.0.0.1', { enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    away.on('error', () => undefined);
    clients.push(away);
    const limiter = new RedisRateLimiter({ redis: away, namespace: 'n', rates: { identity: 10 }, fleetSize: 3 });
    expect(await limiter.acquire('identity')).to.deep.equal({ granted: true });
    const realNow = Date.now.bind(Date);
    const stepped = sinon.stub(Date, 'now').callsFake(() => realNow() - 3_600_000);
    try {
      const started = performance.now();
      const permit = await limiter.acquire('identity', { signal: AbortSignal.timeout(3_000) });
      expect(permit).to.deep.equal({ granted: true });
      // One slot of the fallback (3 / 10 s) at most, not the hour the clock went back.
      expect(performance.now() - started).to.be.below(1_000);
    } finally {
      stepped.restore();
    }
  });

  it('a connection dropped after a claim ran and before its reply: the resent claim is still this delivery’s', async () => {
    const proxy = await replyDroppingProxy();
    try {
      const client = new Redis(proxy.port, '127.0.0.1', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      client.on('error', () => undefined);
      clients.push(client);
      await once(client, 'ready');
      const namespace = uniqueNamespace();
      const record = new RedisWebhookDeliveryRecord(client, { namespace });
      expect((await record.claim('warm-up', 1_000)).status).to.equal('claimed');
      proxy.arm(/claimed/);
      // Answering in_progress here would make the endpoint answer 2xx for an event nobody handles.
      const claim = await record.claim('e', 30_000);
      expect(claim.status).to.equal('claimed');
      if (claim.status === 'claimed') await claim.complete();
      expect((await record.claim('e', 30_000)).status).to.equal('done');

      const cache = new RedisTokenCache(client, { namespace });
      proxy.arm(/^(\+OK|:1)\r\n$/);
      // Answering "held by another" here would leave the fleet without a fetcher until the lock lapses.
      const release = await cache.lockRefresh('k', 30_000);
      expect(release).to.be.a('function');
      await release?.();
      expect(await redis.exists(`${namespace}:token-lock:k`)).to.equal(0);
    } finally {
      for (const client of clients.splice(0)) client.disconnect();
      await proxy.close();
    }
  });

  it('a lock holder alive past its lock TTL: the next holder is not released by the first', async () => {
    const namespace = uniqueNamespace();
    const one = new RedisTokenCache(redis, { namespace });
    const two = new RedisTokenCache(redis, { namespace });
    const releaseOne = await one.lockRefresh('k', 100);
    expect(releaseOne).to.be.a('function');
    expect(await two.lockRefresh('k', 5_000)).to.equal(undefined);
    await pause(150);
    const releaseTwo = await two.lockRefresh('k', 5_000);
    expect(releaseTwo).to.be.a('function');
    await releaseOne?.();
    expect(await one.lockRefresh('k', 5_000)).to.equal(undefined);
    await releaseTwo?.();
    expect(await one.lockRefresh('k', 5_000)).to.be.a('function');
  });

  it('a claim flushed mid-lease: the late complete still marks the event done, with a TTL', async () => {
    const namespace = uniqueNamespace();
    const record = new RedisWebhookDeliveryRecord(redis, { namespace });
    const claim = await record.claim('e', 30_000);
    expect(claim.status).to.equal('claimed');
    await redis.del(`${namespace}:evt:{e}`);
    if (claim.status === 'claimed') await claim.complete();
    expect(await record.claim('e', 30_000)).to.deep.equal({ status: 'done' });
    await expectEveryKeyExpires(redis, namespace);
  });
});
