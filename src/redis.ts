/**
 * `paxos-identity/redis`: coordination of a fleet of processes behind one egress IP through Redis. ioredis is an
 * optional peer dependency: this entry only takes a client you built, and the root entry never loads it.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createIdentityService } from 'paxos-identity';
 * import { redisCoordination } from 'paxos-identity/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
 * const service = createIdentityService({
 *   adapter: 'paxos',
 *   paxos,
 *   coordination: redisCoordination({ redis, namespace: 'paxos:prod', fleetSize: 4 }),
 * });
 * ```
 *
 * @packageDocumentation
 */
import type { Redis } from 'ioredis';
import type { Logger, RateLimiter } from './ports/index.js';
import { RedisRateLimiter, type RedisRateLimiterOptions } from './adapters/redis/redis-rate-limiter.js';

export {
  RedisRateLimiter,
  PAXOS_ROUTE_RATES,
  type RedisRateLimiterOptions,
} from './adapters/redis/redis-rate-limiter.js';
export { RedisUnavailableError } from './adapters/redis/errors.js';

/** Options of {@link redisCoordination}. */
export interface RedisCoordinationOptions {
  /** The ioredis client every piece shares; build it with `enableOfflineQueue: false` so that no call hangs. */
  readonly redis: Redis;
  /** Every process with the same namespace shares the budget, the cool-down (and, later, tokens and webhook claims). */
  readonly namespace: string;
  /** Processes sharing the namespace: each paces itself at `1 / fleetSize` of the rates while Redis is away. Default 3. */
  readonly fleetSize?: number;
  /** Told once per Redis outage, and once when it ends. */
  readonly logger?: Logger;
  /** Further options of the {@link RedisRateLimiter}. */
  readonly rateLimiter?: Omit<RedisRateLimiterOptions, 'redis' | 'namespace' | 'fleetSize' | 'logger'>;
}

/** The shared pieces for {@link redisCoordination}, ready for `createIdentityService`'s `coordination` option. */
export interface RedisCoordination {
  /** Paces the whole fleet's calls to Paxos and shares the 429 cool-down. */
  readonly rateLimiter: RateLimiter;
}

/**
 * The Redis-backed pieces of `createIdentityService`'s `coordination` option, all under one namespace. For now the
 * rate limiter; the token cache and webhook delivery record join it here, under the same namespace.
 *
 * @throws {RangeError} when an option is out of range (see {@link RedisRateLimiter}).
 */
export function redisCoordination(options: RedisCoordinationOptions): RedisCoordination {
  const { redis, namespace, fleetSize, logger } = options;
  const rateLimiter = new RedisRateLimiter({
    ...options.rateLimiter,
    redis,
    namespace,
    ...(fleetSize !== undefined && { fleetSize }),
    ...(logger !== undefined && { logger }),
  });
  // Token cache and webhook delivery record: built here from the same client and namespace once they exist.
  return { rateLimiter };
}
