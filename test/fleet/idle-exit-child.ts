/**
 * Forty rate limiters on one client; calls queue on a slow route, are abandoned, and the client disconnects. Nothing
 * the limiters started may keep the process alive after that: it must exit on its own.
 */
import { setMaxListeners } from 'node:events';
import { Redis } from 'ioredis';
import { RedisRateLimiter } from '../../src/redis.js';
import { REDIS_URL } from '../support/redis.js';

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const namespace = process.env['NAMESPACE'] ?? 'paxos-identity-test:idle-exit';
const limiters = Array.from(
  { length: 40 },
  () => new RedisRateLimiter({ redis, namespace, rates: { identity: 1, token: 0.5, other: 1000 } }),
);
await Promise.all(limiters.map((limiter) => limiter.acquire('other')));
const controller = new AbortController();
// One signal shared by every queued call of this script, on purpose.
setMaxListeners(0, controller.signal);
const queued = limiters.flatMap((limiter) =>
  (['identity', 'token'] as const).flatMap((route) =>
    [1, 2, 3].map(() => limiter.acquire(route, { signal: controller.signal }).catch(() => undefined)),
  ),
);
setTimeout(() => {
  controller.abort(new Error('gave up'));
}, 300).unref();
await Promise.all(queued);
await redis.quit();
process.stdout.write('idle\n');
