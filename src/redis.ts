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
import type { Logger, RateLimiter, TokenCache, WebhookDeliveryRecord } from './ports/index.js';
import { RedisRateLimiter, type RedisRateLimiterOptions } from './adapters/redis/redis-rate-limiter.js';
import { RedisTokenCache, type RedisTokenCacheOptions } from './adapters/redis/redis-token-cache.js';
import {
  RedisWebhookDeliveryRecord,
  type RedisWebhookDeliveryRecordOptions,
} from './adapters/redis/redis-webhook-delivery-record.js';

export {
  RedisRateLimiter,
  PAXOS_ROUTE_RATES,
  DEFAULT_FLEET_RATES,
  type RedisRateLimiterOptions,
} from './adapters/redis/redis-rate-limiter.js';
export { RedisUnavailableError } from './adapters/redis/errors.js';
export { RedisTokenCache, type RedisTokenCacheOptions } from './adapters/redis/redis-token-cache.js';
export {
  RedisWebhookDeliveryRecord,
  type RedisWebhookDeliveryRecordOptions,
} from './adapters/redis/redis-webhook-delivery-record.js';
export type { OnRedisUnavailable, RedisClient } from './adapters/redis/redis-commands.js';
export {
  redisBatch,
  RedisBatch,
  type RedisBatchOptions,
  type BatchItem,
  type BatchEnqueueOptions,
  type BatchEnqueueReport,
  type BatchStatus,
  type BatchIdentityCreator,
  type BatchRetryOptions,
  type BatchWorkOptions,
  type BatchUntilEmptyOptions,
  type BatchWorker,
} from './adapters/redis/batch/redis-batch.js';
export type { BatchResult, BatchViolation } from './adapters/redis/batch/outcome.js';
export { BatchConfigurationError, BatchEncryptionKeyError } from './adapters/redis/batch/errors.js';

/** Options of {@link redisCoordination}. */
export interface RedisCoordinationOptions {
  /**
   * The ioredis client every piece shares. Each piece cuts its commands off after its own timeout whatever the
   * client's options, so no call hangs; build it with `enableOfflineQueue: false` all the same, so that commands fail
   * at once while Redis is down instead of being queued and run once it is back.
   */
  readonly redis: Redis;
  /** Every process with the same namespace shares the budgets, the cool-down, the access token and webhook claims. */
  readonly namespace: string;
  /** Processes sharing the namespace: each paces itself at `1 / fleetSize` of the rates while Redis is away. Default 3. */
  readonly fleetSize?: number;
  /**
   * While Redis does not answer: `'degrade'` (default) paces this process alone at `1 / fleetSize` of the rates and
   * keeps and fetches its own access token; `'fail'` refuses every Paxos call with `RedisUnavailableError`. Webhook
   * claims fail closed either way. `rateLimiter.onRedisUnavailable` and `tokenCache.onRedisUnavailable` win over it.
   */
  readonly onRedisUnavailable?: 'degrade' | 'fail';
  /** Told once per Redis outage, and once when it ends, by the rate limiter and by the token cache each. */
  readonly logger?: Logger;
  /**
   * A 32-byte key (a Buffer, or its base64) that encrypts the shared access token at rest (AES-256-GCM). Without it
   * the token is stored in clear and a warning is logged once: give one in production.
   */
  readonly encryptionKey?: Buffer | string;
  /** Further options of the {@link RedisRateLimiter}. */
  readonly rateLimiter?: Omit<RedisRateLimiterOptions, 'redis' | 'namespace' | 'fleetSize' | 'logger'>;
  /** Further options of the {@link RedisTokenCache}. */
  readonly tokenCache?: Omit<RedisTokenCacheOptions, 'namespace' | 'encryptionKey' | 'logger'>;
  /** Further options of the {@link RedisWebhookDeliveryRecord}. */
  readonly webhookDeliveryRecord?: Omit<RedisWebhookDeliveryRecordOptions, 'namespace'>;
}

/** The shared pieces for {@link redisCoordination}, ready for `createIdentityService`'s `coordination` option. */
export interface RedisCoordination {
  /** Paces the whole fleet's calls to Paxos and shares the 429 cool-down. */
  readonly rateLimiter: RateLimiter;
  /** One access token for the fleet, fetched by one process when it is cold. */
  readonly tokenCache: TokenCache;
  /** Claims each webhook delivery once across the fleet; done ids are kept 25 h. */
  readonly webhookDeliveryRecord: WebhookDeliveryRecord;
}

/**
 * The Redis-backed pieces of `createIdentityService`'s `coordination` option, all over one client and under one
 * namespace: the rate limiter (budgets and cool-down), the token cache and the webhook delivery record.
 *
 * Every key has a TTL, so a Redis with `maxmemory` and a `volatile-*` or `allkeys-*` policy may evict any of them,
 * and a `FLUSHDB` drops them all: an evicted claim or done key lets a webhook event be handled twice, an evicted budget
 * lets the fleet exceed it for a window. Run this Redis with `maxmemory-policy noeviction` (writes then fail, and the
 * pieces fail closed or degrade as documented).
 *
 * Redis down or hung: no call waits on it past each piece's command timeout nor past its own deadline. With
 * `onRedisUnavailable: 'degrade'` (default) Paxos calls go on, paced by this process alone at its share of the rates
 * and with its own access token; with `'fail'` they are refused with `RedisUnavailableError`. Webhook claims always
 * fail closed with it (answer 5xx: Paxos delivers again). Each piece asks Redis again about once a second.
 *
 * @throws {RangeError} when an option is out of range (see {@link RedisRateLimiter}).
 */
export function redisCoordination(options: RedisCoordinationOptions): RedisCoordination {
  const { redis, namespace, fleetSize, logger, onRedisUnavailable } = options;
  const rateLimiter = new RedisRateLimiter({
    ...(onRedisUnavailable !== undefined && { onRedisUnavailable }),
    ...options.rateLimiter,
    redis,
    namespace,
    ...(fleetSize !== undefined && { fleetSize }),
    ...(logger !== undefined && { logger }),
  });
  const tokenCache = new RedisTokenCache(redis, {
    ...(onRedisUnavailable !== undefined && { onRedisUnavailable }),
    ...options.tokenCache,
    namespace,
    ...(options.encryptionKey !== undefined && { encryptionKey: options.encryptionKey }),
    ...(logger !== undefined && { logger }),
  });
  const webhookDeliveryRecord = new RedisWebhookDeliveryRecord(redis, { ...options.webhookDeliveryRecord, namespace });
  return { rateLimiter, tokenCache, webhookDeliveryRecord };
}
