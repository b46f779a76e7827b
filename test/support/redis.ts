/**
 * Suites that need a real Redis: they run when one answers at `REDIS_URL` (default redis://127.0.0.1:6379) and are
 * reported as pending with the reason when none does, so that `npm install && npm test` passes on a machine without
 * Redis. With `PAXOS_IDENTITY_REQUIRE_REDIS=1` (set by .ci/run) a missing Redis fails the run instead: CI cannot go
 * green by skipping.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisBatch } from '../../src/redis.js';

/** Where the Redis suites connect, and what they hand the child processes of a fleet. */
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const REQUIRED = process.env['PAXOS_IDENTITY_REQUIRE_REDIS'] === '1';

let reachable: Promise<string | undefined> | undefined;

/** Undefined when Redis answers PING within a second; otherwise why not. Asked once per run. */
export function redisUnavailable(): Promise<string | undefined> {
  reachable ??= (async () => {
    const probe = new Redis(REDIS_URL, {
      lazyConnect: true,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    let cause: unknown;
    probe.on('error', (error) => {
      cause ??= error;
    });
    try {
      await probe.connect();
      await probe.ping();
      return undefined;
    } catch (error) {
      const why = cause ?? error;
      return `no Redis at ${REDIS_URL} (${why instanceof Error ? why.message : String(why)})`;
    } finally {
      probe.disconnect();
    }
  })();
  return reachable;
}

/** A client for one test, on its own connection; `quit()` it in `after`/`afterEach`. */
export function redisClient(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
}

/** A namespace no other test or run uses, so that suites never see each other's keys. */
export function uniqueNamespace(prefix = 'paxos-identity-test'): string {
  return `${prefix}:${randomUUID()}`;
}

/**
 * `describe` for suites that need Redis: registers `body` as usual, and skips every test in it (pending, with the
 * reason in the title of a pending marker) when Redis does not answer, or fails when Redis is required.
 */
export function describeWithRedis(title: string, body: (this: Mocha.Suite) => void): Mocha.Suite {
  return describe(title, function () {
    before(async function () {
      const why = await redisUnavailable();
      if (why === undefined) return;
      if (REQUIRED) throw new Error(`PAXOS_IDENTITY_REQUIRE_REDIS=1 but ${why}`);
      console.log(`      skipped: ${why}`);
      this.skip();
    });
    body.call(this);
  });
}

/** Deletes every key under `prefix` (found by SCAN), for the keys a suite leaves with a TTL longer than its run. */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/**
 * Removes the batch `name` and every other key of `namespace` (the coordination's budgets and token, which have TTLs
 * of their own), so that a suite leaves the shared Redis as it found it.
 */
export async function removeBatch(connection: Redis, namespace: string, name: string): Promise<void> {
  const batch = redisBatch({ connection, namespace, name });
  await batch.obliterate();
  await batch.close();
  await deleteKeysUnder(connection, `${namespace}:`);
}
