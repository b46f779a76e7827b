import { randomUUID } from 'node:crypto';
import type { WebhookDeliveryClaim, WebhookDeliveryRecord } from '../../ports/index.js';
import {
  bounded,
  checkCommandTimeout,
  checkNamespace,
  checkRetryAfter,
  RedisAvailability,
  RedisScript,
  type RedisClient,
} from './redis-commands.js';

/** Paxos redelivers for 24 hours; done ids are kept an hour longer so that the last redelivery still finds them. */
const DEFAULT_DONE_TTL_MS = 25 * 60 * 60 * 1000;
const MIN_DONE_TTL_MS = 24 * 60 * 60 * 1000;

/** Options of a {@link RedisWebhookDeliveryRecord}. */
export interface RedisWebhookDeliveryRecordOptions {
  /** Prefix of every key the record writes: `{namespace}:evt:{id}` (the claim) and `{namespace}:evt:{id}:done`. */
  readonly namespace: string;
  /** How long a done id is kept, in milliseconds: at least Paxos's 24 h of redelivery. Default 25 h. */
  readonly doneTtlMs?: number;
  /**
   * The longest one Redis command may take; past it the claim fails with `RedisUnavailableError` (the endpoint
   * answers 5xx and Paxos redelivers). Default 1000 ms.
   */
  readonly commandTimeoutMs?: number;
  /**
   * After Redis failed, how long claims fail at once (`reason: 'unavailable'`) before Redis is asked again, so that
   * every delivery does not wait out the command timeout while Redis is away. Default 1000 ms.
   */
  readonly retryRedisAfterMs?: number;
}

/**
 * A done id answers done; otherwise the claim is this owner's if nobody holds it (`SET NX PX`), or if this owner
 * already does: ioredis resends a command whose reply a dropped connection lost, and the resent claim must not read
 * its own first run as another delivery's (the endpoint would then answer 2xx for an event nobody handles).
 */
const CLAIM = new RedisScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 'done' end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'claimed' end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 'claimed' end
return 'in_progress'`);

/**
 * Done, unless another owner claimed since (this one's lease lapsed): that owner decides then. A lapsed claim that
 * nobody took over still completes, as the handler did run.
 */
const COMPLETE = new RedisScript(`
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
if owner then redis.call('DEL', KEYS[1]) end
return 1`);

const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * A {@link WebhookDeliveryRecord} over Redis, shared by every process that uses the same `namespace`, so that a
 * fleet behind a load balancer handles each event once. A claim is an atomic `SET {namespace}:evt:{id} owner NX PX
 * lease` that also answers done when the done key exists; `complete` sets the done key (kept `doneTtlMs`, at least
 * 24 h) and deletes the claim, and `release` deletes it, both only while the claim is still this owner's, in Lua.
 * The two keys of an id share a hash tag, so the scripts work on Redis Cluster too.
 *
 * When Redis is down or slow a claim fails closed, with `RedisUnavailableError` after at most
 * `commandTimeoutMs` (at once for `retryRedisAfterMs` after a failure): the endpoint answers 5xx and Paxos delivers
 * again. A claim cut off by the timeout still runs when Redis answers again (a client's offline queue, a frozen
 * server thawing); it is then released at once, so that the redelivery is not answered as a duplicate of a delivery
 * that gave up. A `complete` that fails after the handler ran fails the delivery too: the handler may then run again
 * on redelivery (at least once, never lost).
 *
 * @example
 * ```ts
 * const redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false });
 * const record = new RedisWebhookDeliveryRecord(redis, { namespace: 'paxos' });
 * createIdentityService({ adapter: 'paxos', paxos, webhookDeliveryRecord: record });
 * ```
 */
export class RedisWebhookDeliveryRecord implements WebhookDeliveryRecord {
  // Private so that printing the record does not print the client (its URL may carry a password).
  readonly #redis: RedisClient;
  readonly #namespace: string;
  readonly #doneTtlMs: number;
  readonly #timeoutMs: number;
  readonly #availability: RedisAvailability;

  /** @throws {RangeError} when `namespace` is empty, `doneTtlMs` is below 24 h or the timeout not positive. */
  constructor(redis: RedisClient, options: RedisWebhookDeliveryRecordOptions) {
    this.#redis = redis;
    this.#namespace = checkNamespace(options.namespace);
    this.#timeoutMs = checkCommandTimeout(options.commandTimeoutMs);
    // Refusing is all a claim can do without Redis, and the endpoint's 5xx says so: nothing to log here.
    this.#availability = new RedisAvailability({
      namespace: this.#namespace,
      piece: 'webhook delivery record',
      retryRedisAfterMs: checkRetryAfter(options.retryRedisAfterMs),
    });
    const doneTtlMs = options.doneTtlMs ?? DEFAULT_DONE_TTL_MS;
    if (!Number.isSafeInteger(doneTtlMs) || doneTtlMs < MIN_DONE_TTL_MS)
      throw new RangeError('doneTtlMs must be a whole number of milliseconds of at least 24 hours');
    this.#doneTtlMs = doneTtlMs;
  }

  /**
   * @throws {RangeError} when `leaseMs` is not a positive number of milliseconds.
   * @throws {RedisUnavailableError} when Redis fails or does not answer within the command timeout.
   */
  async claim(eventId: string, leaseMs: number): Promise<WebhookDeliveryClaim> {
    if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new RangeError('leaseMs must be positive');
    const keys = this.#keys(eventId);
    const owner = randomUUID();
    const release = async () => {
      await this.#run('webhook release', () => RELEASE.run(this.#redis, [keys[0]], [owner]));
    };
    const status = await this.#run(
      'webhook claim',
      () => CLAIM.run(this.#redis, keys, [owner, Math.ceil(leaseMs)]),
      (late) => {
        // Nobody handles the event under this claim: the redelivery must find it free, not in progress. Asked even
        // while Redis counts as away, since it has just answered.
        if (late === 'claimed')
          bounded('webhook release', this.#timeoutMs, () => RELEASE.run(this.#redis, [keys[0]], [owner])).catch(
            () => undefined,
          );
      },
    );
    if (status === 'done' || status === 'in_progress') return { status };
    if (status !== 'claimed') throw new TypeError('Redis answered the webhook claim with an unexpected value');
    return {
      status: 'claimed',
      // Asked even while Redis counts as away: the handler ran, and a lost completion means running it again.
      complete: async () => {
        await bounded('webhook complete', this.#timeoutMs, () =>
          COMPLETE.run(this.#redis, keys, [owner, this.#doneTtlMs]),
        );
      },
      release,
    };
  }

  #run<T>(operation: string, command: () => Promise<T>, onLate?: (value: T) => void): Promise<T> {
    return this.#availability.run(operation, this.#timeoutMs, command, onLate);
  }

  /** The claim and done keys of an id; `{id}` is a hash tag, so both land in one cluster slot. */
  #keys(eventId: string): [string, string] {
    const claim = `${this.#namespace}:evt:{${eventId}}`;
    return [claim, `${claim}:done`];
  }
}
