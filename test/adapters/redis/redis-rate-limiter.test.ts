import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { RedisRateLimiter, RedisUnavailableError, redisCoordination } from '../../../src/redis.js';
import { createIdentityService } from '../../../src/index.js';
import { describeRateLimiterContract, startPaxosEmulator } from '../../../src/testing.js';
import { aPerson } from '../../support/builders.js';
import { recordingLogger } from '../../support/logging.js';
import { paxosOptionsFor } from '../../support/paxos.js';
import { describeWithRedis, redisClient, uniqueNamespace } from '../../support/redis.js';

const pause = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

describeWithRedis('RedisRateLimiter', function () {
  this.timeout(20_000);
  let redis: Redis;

  before(() => {
    redis = redisClient();
  });

  after(async () => {
    await redis.quit();
  });

  describeRateLimiterContract('RedisRateLimiter', (settings) => {
    const namespace = uniqueNamespace();
    return new RedisRateLimiter({
      redis,
      namespace,
      rates: { identity: settings.requestsPerSecond, token: settings.tokenRequestsPerSecond },
      maxQueue: settings.maxQueue,
      clock: settings.clock,
    });
  });

  it('keeps every key under the namespace, with a TTL', async () => {
    const namespace = uniqueNamespace();
    const limiter = new RedisRateLimiter({ redis, namespace, rates: { identity: 5 } });
    expect(await limiter.acquire('identity')).to.deep.equal({ granted: true });
    await limiter.coolDown(5_000);
    const keys = await redis.keys(`${namespace}*`);
    expect(keys).to.have.length(2);
    for (const key of keys) expect(await redis.pttl(key), key).to.be.greaterThan(0);
  });

  it('refuses a route with no rate instead of leaving it unpaced', async () => {
    const limiter = new RedisRateLimiter({ redis, namespace: uniqueNamespace() });
    const error = await limiter.acquire('nowhere' as 'identity').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RangeError);
  });

  it('four limiters on one namespace share each route budget: evenly spaced, never above it, and reaching it', async () => {
    const namespace = uniqueNamespace();
    const rate = 20;
    const limiters = Array.from(
      { length: 4 },
      () => new RedisRateLimiter({ redis, namespace, rates: { identity: rate } }),
    );
    const grants: number[][] = limiters.map(() => []);
    const started = performance.now();
    const stopAt = started + 3_000;
    await Promise.all(
      limiters.map(async (limiter, index) => {
        // Two callers per limiter, so that each one always has a call queued.
        await Promise.all(
          [0, 1].map(async () => {
            while (performance.now() < stopAt) {
              const permit = await limiter.acquire('identity', { signal: AbortSignal.timeout(3_000) });
              const at = performance.now();
              if (permit.granted && at < stopAt) grants[index]!.push(at);
            }
          }),
        );
      }),
    );
    const all = grants.flat().sort((x, y) => x - y);
    // Any second holds at most rate + 1 grants; one more for a timer that fired late behind an early one.
    let busiest = 0;
    for (let i = 0, j = 0; i < all.length; i++) {
      while (all[i]! - all[j]! >= 1_000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    expect(busiest, 'grants in the busiest second').to.be.at.most(rate + 2);
    expect(all.length, `per limiter ${grants.map((g) => g.length).join(', ')}`).to.be.within(
      3 * rate * 0.9,
      3 * rate + 2,
    );
    for (const g of grants) expect(g.length, 'every limiter got a share').to.be.greaterThan(0);
  });

  it('a 429 cool-down recorded by one limiter stops the other, queued calls included, and is never shortened', async () => {
    const namespace = uniqueNamespace();
    const a = new RedisRateLimiter({ redis, namespace, rates: { identity: 2 } });
    const b = new RedisRateLimiter({ redis, namespace, rates: { identity: 2 }, coolDownPollMs: 50 });
    expect(await b.acquire('identity')).to.deep.equal({ granted: true });
    const queued = [1, 2, 3].map(() => b.acquire('identity'));
    await pause(20);
    expect(b.queued('identity')).to.equal(3);
    const started = performance.now();
    const until = await a.coolDown(60_000);
    const permits = await Promise.all(queued);
    expect(performance.now() - started, 'released within the poll bound').to.be.below(400);
    for (const permit of permits) expect(permit).to.deep.include({ granted: false, reason: 'cooling_down' });
    const seen = await b.coolingDownUntil();
    expect(Math.abs(seen!.getTime() - until.getTime())).to.be.below(100);
    const shorter = await b.coolDown(1_000);
    expect(Math.abs(shorter.getTime() - until.getTime()), 'the shorter one kept the longer').to.be.below(100);
    expect(await redis.pttl(`${namespace}:rate-limit:cool-down`)).to.be.greaterThan(55_000);
  });

  it('redisCoordination builds a rate limiter on the namespace', async () => {
    const namespace = uniqueNamespace();
    const { rateLimiter } = redisCoordination({ redis, namespace, fleetSize: 2 });
    expect(rateLimiter).to.be.instanceOf(RedisRateLimiter);
    await rateLimiter.coolDown(1_000);
    expect(await redis.exists(`${namespace}:rate-limit:cool-down`)).to.equal(1);
  });
});

/** A TCP server that accepts connections and never answers: Redis hung. */
async function blackHole(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('RedisRateLimiter without Redis', function () {
  this.timeout(10_000);
  const clients: Redis[] = [];
  let hole: Awaited<ReturnType<typeof blackHole>> | undefined;

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await hole?.close();
    hole = undefined;
  });

  /** A client of a port nothing listens on, that never retries: Redis refusing connections. */
  async function refusingRedis(): Promise<Redis> {
    const redis = new Redis(await closedPort(), '127.0.0.1', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    clients.push(redis);
    return redis;
  }

  it('Redis refusing connections: calls are paced at 1/fleetSize in process, and the outage is logged once', async () => {
    const redis = await refusingRedis();
    const logger = recordingLogger();
    const limiter = new RedisRateLimiter({
      redis,
      namespace: uniqueNamespace(),
      rates: { identity: 30 },
      fleetSize: 3,
      logger,
    });
    const started = performance.now();
    const permits = await Promise.all(Array.from({ length: 5 }, () => limiter.acquire('identity')));
    const elapsed = performance.now() - started;
    expect(permits.every((p) => p.granted)).to.equal(true);
    // 30/s shared by 3 is 10/s alone: five calls span four intervals of 100 ms.
    expect(elapsed).to.be.within(350, 2_000);
    expect(limiter.degraded).to.equal(true);
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    expect(warnings).to.have.length(1);
    expect(JSON.stringify(warnings)).not.to.match(/127\.0\.0\.1|ECONNREFUSED/);
    // The cool-down still holds in this process.
    const until = await limiter.coolDown(60_000);
    expect(await limiter.acquire('identity')).to.deep.equal({ granted: false, reason: 'cooling_down', retryAt: until });
  });

  it('Redis hung (a client with the default offline queue): no call waits past its deadline, and calls degrade', async () => {
    hole = await blackHole();
    const redis = new Redis(hole.port, '127.0.0.1', { connectTimeout: 5_000 });
    redis.on('error', () => undefined);
    clients.push(redis);
    const limiter = new RedisRateLimiter({
      redis,
      namespace: uniqueNamespace(),
      rates: { identity: 30 },
      commandTimeoutMs: 200,
    });
    const started = performance.now();
    const permit = await limiter.acquire('identity', { signal: AbortSignal.timeout(1_500) });
    expect(permit).to.deep.equal({ granted: true });
    expect(performance.now() - started).to.be.below(1_500);
    const reason = new Error('deadline');
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort(reason);
    }, 50);
    const late = await Promise.race([
      limiter.acquire('identity', { signal: controller.signal, waitForCoolDown: true }).then(
        () => 'granted',
        (e: unknown) => e,
      ),
      pause(1_000).then(() => 'hung'),
    ]);
    expect(late === reason || late === 'granted', String(late)).to.equal(true);
  });

  it("onRedisUnavailable: 'fail' refuses with a typed error, within the command timeout", async () => {
    hole = await blackHole();
    const redis = new Redis(hole.port, '127.0.0.1', { enableReadyCheck: false, connectTimeout: 5_000 });
    redis.on('error', () => undefined);
    clients.push(redis);
    const logger = recordingLogger();
    const limiter = new RedisRateLimiter({
      redis,
      namespace: uniqueNamespace(),
      onRedisUnavailable: 'fail',
      commandTimeoutMs: 150,
      logger,
    });
    const started = performance.now();
    const errors = await Promise.all([1, 2].map(() => limiter.acquire('identity').catch((e: unknown) => e)));
    expect(performance.now() - started).to.be.below(1_000);
    for (const error of errors) {
      expect(error).to.be.instanceOf(RedisUnavailableError);
      expect((error as RedisUnavailableError).code).to.equal('redis_unavailable');
    }
    expect(logger.lines.filter((l) => l.level === 'warn')).to.have.length(1);
  });

  it('a service on the Paxos adapter fails closed with RedisUnavailableError, sending nothing', async () => {
    const redis = await refusingRedis();
    const emulator = await startPaxosEmulator();
    try {
      const service = createIdentityService({
        adapter: 'paxos',
        paxos: { ...paxosOptionsFor(emulator), timeoutMs: 2_000 },
        coordination: {
          rateLimiter: new RedisRateLimiter({ redis, namespace: uniqueNamespace(), onRedisUnavailable: 'fail' }),
        },
      });
      const error = await service.createIdentity(aPerson().build()).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RedisUnavailableError);
      expect(emulator.requests).to.deep.equal([]);
    } finally {
      await emulator.close();
    }
  });
});
