import { createHash, createHmac, randomUUID } from 'node:crypto';
import { Sensitive } from '../../domain/index.js';
import type { CachedAccessToken, Clock, Logger, TokenCache } from '../../ports/index.js';
import { systemClock } from '../../ports/index.js';
import { deriveKey, keyBytes, open, seal } from './encryption.js';
import { bounded, checkCommandTimeout, checkNamespace, RedisScript, type RedisClient } from './redis-commands.js';

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
  /** Told once, at construction, when tokens will be stored in clear. */
  readonly logger?: Logger;
  /** The longest one Redis command may take before the call fails. Default 1000 ms. */
  readonly commandTimeoutMs?: number;
}

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
 * at once while Redis is down; each command is also bounded by `commandTimeoutMs` and fails with
 * `RedisUnavailableError`.
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

  /** @throws {RangeError} when `namespace` is empty, `encryptionKey` is not 32 bytes or the timeout not positive. */
  constructor(redis: RedisClient, options: RedisTokenCacheOptions) {
    this.#redis = redis;
    this.#namespace = checkNamespace(options.namespace);
    this.#timeoutMs = checkCommandTimeout(options.commandTimeoutMs);
    this.#clock = options.clock ?? systemClock;
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

  async get(key: string): Promise<CachedAccessToken | undefined> {
    const redisKey = this.#tokenKey(key);
    const value = await bounded('token get', this.#timeoutMs, () => this.#redis.get(redisKey));
    if (value === null) return undefined;
    const entry = this.#open(redisKey, value);
    if (entry === undefined || entry.renewAt.getTime() <= this.#clock.now().getTime()) return undefined;
    return entry;
  }

  async set(key: string, token: CachedAccessToken): Promise<void> {
    const redisKey = this.#tokenKey(key);
    const ttlMs = Math.floor(token.renewAt.getTime() - this.#clock.now().getTime());
    if (!(ttlMs > 0)) {
      // Redis refuses a TTL that is not positive; a token already due for renewal is no token.
      await bounded('token set', this.#timeoutMs, () => this.#redis.del(redisKey));
      return;
    }
    const value = this.#seal(redisKey, token);
    await bounded('token set', this.#timeoutMs, () => this.#redis.set(redisKey, value, 'PX', ttlMs));
  }

  async invalidate(key: string, token: Sensitive): Promise<void> {
    const redisKey = this.#tokenKey(key);
    const prefix = `${this.#fingerprint(token.reveal())}.`;
    await bounded('token invalidate', this.#timeoutMs, () =>
      DELETE_IF_FINGERPRINT.run(this.#redis, [redisKey], [prefix]),
    );
  }

  /**
   * Takes the fleet's lock on fetching the token of `key` (`SET … NX PX ttlMs` with a random owner, in Lua), or answers
   * undefined when another process holds it. The release deletes the lock only while it is still this owner's.
   */
  async lockRefresh(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const lockKey = `${this.#namespace}:token-lock:${key}`;
    const owner = randomUUID();
    const px = Math.max(1, Math.ceil(ttlMs));
    const taken = await bounded('token lock', this.#timeoutMs, () =>
      TAKE_LOCK.run(this.#redis, [lockKey], [owner, px]),
    );
    if (taken !== 1) return undefined;
    return async () => {
      await bounded('token unlock', this.#timeoutMs, () => COMPARE_AND_DELETE.run(this.#redis, [lockKey], [owner]));
    };
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
