import { createHash, createHmac, randomUUID } from 'node:crypto';
import { Sensitive } from '../../domain/index.js';
import type { CachedAccessToken, Clock, Logger, TokenCache } from '../../ports/index.js';
import { systemClock } from '../../ports/index.js';
import { deriveKey, keyBytes, open, seal } from './encryption.js';
import { RedisUnavailableError } from './errors.js';
import {
  bounded,
  checkCommandTimeout,
  checkNamespace,
  checkOnRedisUnavailable,
  checkRetryAfter,
  RedisAvailability,
  RedisScript,
  type OnRedisUnavailable,
  type RedisClient,
} from './redis-commands.js';

/** Options of a {@link RedisTokenCache}. */
export interface RedisTokenCacheOptions {
  /** Prefix of every key the cache writes (`{namespace}:token:…`, `{namespace}:token-lock:…`). */
  readonly namespace: string;
  /**
   * A 32-byte key (a Buffer, or its base64) that encrypts tokens at rest with AES-256-GCM. Without it tokens are
   * stored in clear, readable by anyone who can read the Redis database or its backups; give one in production.
   */
  readonly encryptionKey?: Buffer | string;
  /** Decides when a token is past its `renewAt` on read. Default: the system clock. */
  readonly clock?: Clock;
  /** Told once, at construction, when tokens will be stored in clear; and once per Redis outage and recovery. */
  readonly logger?: Logger;
  /** The longest one Redis command may take before Redis counts as away. Default 1000 ms. */
  readonly commandTimeoutMs?: number;
  /**
   * What to do while Redis does not answer: `'degrade'` (default) keeps and fetches this process's own token (the
   * token route is then paced by this process's limiter, at its share of the rate with a degraded
   * `RedisRateLimiter`); `'fail'` fails every read with `RedisUnavailableError`, so no Paxos call is made.
   */
  readonly onRedisUnavailable?: OnRedisUnavailable;
  /** After Redis failed, how long the cache goes without it before asking again. Default 1000 ms. */
  readonly retryRedisAfterMs?: number;
}

/** A process of a fleet serves at most this few credential and scope sets: the local copies stay small. */
const MAX_LOCAL_ENTRIES = 64;

/** Deletes a lock only while it is still the caller's: a lapsed lock may have a new owner. */
const COMPARE_AND_DELETE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * `SET NX PX`, or the lock is already this owner's: ioredis resends a command whose reply a dropped connection lost,
 * and the resent one must not read its own first run as another holder (the fleet would wait out the TTL).
 */
const TAKE_LOCK = new RedisScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0`);

/** Deletes the token only when the stored value starts with the refused token's fingerprint. */
const DELETE_IF_FINGERPRINT = new RedisScript(`
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, string.len(ARGV[1])) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/** Keys derived from the user's one key, so that encryption and fingerprints never share a key. */
function derive(master: Buffer, purpose: string): Buffer {
  return deriveKey(master, `paxos-identity token cache ${purpose}`);
}

interface Keys {
  readonly encryption: Buffer;
  readonly fingerprint: Buffer;
}

/**
 * A {@link TokenCache} over Redis, shared by every process that uses the same `namespace`: a fleet behind one IP
 * reuses one access token, and with {@link RedisTokenCache.lockRefresh} a cold fleet sends one token request (Paxos's
 * token route allows one per second per IP). Each token lives under its key with a `PX` TTL until its `renewAt`.
 *
 * With `encryptionKey` the token is encrypted with AES-256-GCM (the Redis key is the authenticated data, so a value
 * copied to another key does not decrypt) and only an HMAC fingerprint of it is stored beside, for `invalidate`'s
 * compare-and-delete; a value that does not decrypt (another key, tampering) reads as no token. Without a key the
 * token is stored in clear, and the logger is told so once.
 *
 * The client is the user's (ioredis `Redis` or `Cluster`): give it `enableOfflineQueue: false` so that commands fail
 * at once while Redis is down; each command is also bounded by `commandTimeoutMs`, whatever the client's options.
 * While Redis is away (a command failed or was cut off), the cache by default goes on with this process's own token,
 * and fetches one itself when it has none; with `onRedisUnavailable: 'fail'` every call fails with
 * `RedisUnavailableError` instead. Redis is asked again every `retryRedisAfterMs`. The logger is told once per outage
 * and once when Redis answers again.
 *
 * @example
 * ```ts
 * const redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false });
 * const tokenCache = new RedisTokenCache(redis, { namespace: 'paxos', encryptionKey: process.env.TOKEN_KEY });
 * createIdentityService({ adapter: 'paxos', paxos, tokenCache });
 * ```
 */
export class RedisTokenCache implements TokenCache {
  // Private so that printing the cache prints neither the client (its URL may carry a password) nor the key.
  readonly #redis: RedisClient;
  readonly #namespace: string;
  readonly #keys: Keys | undefined;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #degrade: boolean;
  readonly #availability: RedisAvailability;
  /**
   * The last token this process read or stored per key, for while Redis is away. Redis stays the authority while it
   * answers: a key it no longer has is dropped here too (another process invalidated it after a 401).
   */
  readonly #local = new Map<string, CachedAccessToken>();

  /** @throws {RangeError} when `namespace` is empty, `encryptionKey` is not 32 bytes or the timeout not positive. */
  constructor(redis: RedisClient, options: RedisTokenCacheOptions) {
    this.#redis = redis;
    this.#namespace = checkNamespace(options.namespace);
    this.#timeoutMs = checkCommandTimeout(options.commandTimeoutMs);
    this.#clock = options.clock ?? systemClock;
    this.#degrade = checkOnRedisUnavailable(options.onRedisUnavailable) === 'degrade';
    this.#availability = new RedisAvailability({
      namespace: this.#namespace,
      piece: 'token cache',
      retryRedisAfterMs: checkRetryAfter(options.retryRedisAfterMs),
      logger: options.logger,
      messages: {
        down: this.#degrade
          ? 'Redis does not answer: this process keeps and fetches its own access token until it does'
          : 'Redis does not answer: calls that need an access token are refused until it does',
        up: 'Redis answers again: the access token is shared by the fleet again',
      },
    });
    if (options.encryptionKey === undefined) {
      this.#keys = undefined;
      options.logger?.warn('RedisTokenCache stores access tokens in clear: give it an encryptionKey', {
        namespace: this.#namespace,
      });
    } else {
      const master = keyBytes(options.encryptionKey);
      this.#keys = { encryption: derive(master, 'encryption'), fingerprint: derive(master, 'fingerprint') };
    }
  }

  /**
   * The shared token; while Redis is away (`'degrade'`), this process's last one.
   *
   * @throws {RedisUnavailableError} with `onRedisUnavailable: 'fail'` when Redis fails or does not answer in time.
   */
  async get(key: string): Promise<CachedAccessToken | undefined> {
    const redisKey = this.#tokenKey(key);
    let value: string | null;
    try {
      value = await this.#redisCall('token get', () => this.#redis.get(redisKey));
    } catch (error) {
      if (!this.#degrades(error)) throw error;
      const local = this.#local.get(key);
      return local !== undefined && this.#valid(local) ? local : undefined;
    }
    const entry = value === null ? undefined : this.#open(redisKey, value);
    if (entry === undefined || !this.#valid(entry)) {
      this.#local.delete(key);
      return undefined;
    }
    this.#keepLocal(key, entry);
    return entry;
  }

  /** @throws {RedisUnavailableError} with `onRedisUnavailable: 'fail'` when Redis fails or does not answer in time. */
  async set(key: string, token: CachedAccessToken): Promise<void> {
    const redisKey = this.#tokenKey(key);
    const ttlMs = Math.floor(token.renewAt.getTime() - this.#clock.now().getTime());
    try {
      if (!(ttlMs > 0)) {
        this.#local.delete(key);
        // Redis refuses a TTL that is not positive; a token already due for renewal is no token.
        await this.#redisCall('token set', () => this.#redis.del(redisKey));
        return;
      }
      this.#keepLocal(key, token);
      const value = this.#seal(redisKey, token);
      await this.#redisCall('token set', () => this.#redis.set(redisKey, value, 'PX', ttlMs));
    } catch (error) {
      if (!this.#degrades(error)) throw error;
    }
  }

  /** @throws {RedisUnavailableError} with `onRedisUnavailable: 'fail'` when Redis fails or does not answer in time. */
  async invalidate(key: string, token: Sensitive): Promise<void> {
    const local = this.#local.get(key);
    if (local !== undefined && local.token.reveal() === token.reveal()) this.#local.delete(key);
    const redisKey = this.#tokenKey(key);
    const prefix = `${this.#fingerprint(token.reveal())}.`;
    try {
      await this.#redisCall('token invalidate', () => DELETE_IF_FINGERPRINT.run(this.#redis, [redisKey], [prefix]));
    } catch (error) {
      // The refused token stays in Redis until it answers: the next process it fails for drops it again.
      if (!this.#degrades(error)) throw error;
    }
  }

  /**
   * Takes the fleet's lock on fetching the token of `key` (`SET … NX PX ttlMs` with a random owner, in Lua), or answers
   * undefined when another process holds it. The release deletes the lock only while it is still this owner's. A
   * lock granted after the command was cut off is released as soon as it arrives. While Redis is away
   * (`'degrade'`) the lock is this process's alone: it fetches its own token.
   *
   * @throws {RedisUnavailableError} with `onRedisUnavailable: 'fail'` when Redis fails or does not answer in time.
   */
  async lockRefresh(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const lockKey = `${this.#namespace}:token-lock:${key}`;
    const owner = randomUUID();
    const px = Math.max(1, Math.ceil(ttlMs));
    const unlock = async () => {
      await this.#redisCall('token unlock', () => COMPARE_AND_DELETE.run(this.#redis, [lockKey], [owner]));
    };
    let taken: unknown;
    try {
      taken = await this.#redisCall(
        'token lock',
        () => TAKE_LOCK.run(this.#redis, [lockKey], [owner, px]),
        (late) => {
          // Asked even while Redis counts as away, since it has just answered.
          if (late === 1)
            bounded('token unlock', this.#timeoutMs, () =>
              COMPARE_AND_DELETE.run(this.#redis, [lockKey], [owner]),
            ).catch(() => undefined);
        },
      );
    } catch (error) {
      if (!this.#degrades(error)) throw error;
      // The provider already sends one token request per process; nothing else is there to lock.
      return () => Promise.resolve();
    }
    return taken === 1 ? unlock : undefined;
  }

  #redisCall<T>(operation: string, command: () => Promise<T>, onLate?: (value: T) => void): Promise<T> {
    return this.#availability.run(operation, this.#timeoutMs, command, onLate);
  }

  /** True when `error` is Redis being away and this cache goes on without it. */
  #degrades(error: unknown): boolean {
    return this.#degrade && error instanceof RedisUnavailableError;
  }

  #valid(entry: CachedAccessToken): boolean {
    return entry.renewAt.getTime() > this.#clock.now().getTime();
  }

  #keepLocal(key: string, entry: CachedAccessToken): void {
    this.#local.delete(key);
    if (this.#local.size >= MAX_LOCAL_ENTRIES) {
      const oldest = this.#local.keys().next();
      if (oldest.done !== true) this.#local.delete(oldest.value);
    }
    this.#local.set(key, entry);
  }

  #tokenKey(key: string): string {
    return `${this.#namespace}:token:${key}`;
  }

  /** What identifies a token without revealing it: an HMAC with a derived key, or a plain hash when stored in clear. */
  #fingerprint(token: string): string {
    const keys = this.#keys;
    const digest =
      keys === undefined
        ? createHash('sha256').update(token).digest()
        : createHmac('sha256', keys.fingerprint).update(token).digest();
    return digest.toString('base64url');
  }

  /** `fingerprint.e.base64(iv | tag | ciphertext)` with a key, `fingerprint.p.json` without. */
  #seal(redisKey: string, token: CachedAccessToken): string {
    const plain = JSON.stringify({ token: token.token.reveal(), renewAt: token.renewAt.getTime() });
    const fingerprint = this.#fingerprint(token.token.reveal());
    const keys = this.#keys;
    if (keys === undefined) return `${fingerprint}.p.${plain}`;
    return `${fingerprint}.e.${seal(keys.encryption, redisKey, plain).toString('base64')}`;
  }

  /** The entry in `value`, or undefined when it does not open (another key, another format, tampering). */
  #open(redisKey: string, value: string): CachedAccessToken | undefined {
    const first = value.indexOf('.');
    if (first < 0 || value[first + 2] !== '.') return undefined;
    const mode = value.slice(first + 1, first + 2);
    const body = value.slice(first + 3);
    let plain: string;
    const keys = this.#keys;
    if (mode === 'p' && keys === undefined) plain = body;
    else if (mode === 'e' && keys !== undefined) {
      const opened = open(keys.encryption, redisKey, Buffer.from(body, 'base64'));
      if (opened === undefined) return undefined;
      plain = opened;
    } else return undefined;
    return parseEntry(plain);
  }
}

function parseEntry(plain: string): CachedAccessToken | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(plain);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { token, renewAt } = parsed as { token?: unknown; renewAt?: unknown };
  if (typeof token !== 'string' || token === '' || typeof renewAt !== 'number' || !Number.isFinite(renewAt))
    return undefined;
  return Object.freeze({ token: Sensitive.of(token), renewAt: new Date(renewAt) });
}
