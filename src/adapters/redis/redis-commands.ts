import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../../ports/index.js';
import { RedisUnavailableError } from './errors.js';

/** An ioredis client the Redis adapters accept: a single node (`Redis`) or a cluster (`Cluster`). */
export type RedisClient = Redis | Cluster;

/** Default bound on one Redis command: a webhook endpoint should answer Paxos within about 500 ms. */
const DEFAULT_COMMAND_TIMEOUT_MS = 1000;

/** @throws {RangeError} when `ms` is not a positive finite number. */
export function checkCommandTimeout(ms: number | undefined): number {
  const value = ms ?? DEFAULT_COMMAND_TIMEOUT_MS;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError('commandTimeoutMs must be a positive number');
  return value;
}

/** @throws {RangeError} when `namespace` is empty. */
export function checkNamespace(namespace: string): string {
  if (typeof namespace !== 'string' || namespace === '') throw new RangeError('namespace must be a non-empty string');
  return namespace;
}

/**
 * Runs one command, bounded by `timeoutMs`. ioredis queues commands while disconnected and retries them, so without
 * a bound a call would wait as long as Redis is down. The client's error is not kept as the cause: ioredis attaches
 * the command and its arguments to it, which may be a token.
 *
 * A command cut off is not withdrawn: it still runs when Redis answers again (from the client's offline queue, or
 * a frozen server thawing). `onLate` gets its answer then, so that a claim or a lock nobody waits for any more can be
 * given back instead of holding the fleet for its whole TTL.
 */
export async function bounded<T>(
  operation: string,
  timeoutMs: number,
  command: () => Promise<T>,
  onLate?: (value: T) => void,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cutOff = false;
  const running = (async () => {
    try {
      return await command();
    } catch {
      throw new RedisUnavailableError(operation, 'error', timeoutMs);
    }
  })();
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cutOff = true;
      reject(new RedisUnavailableError(operation, 'timeout', timeoutMs));
    }, timeoutMs);
    timer.unref();
  });
  if (onLate !== undefined)
    running.then(
      (value) => {
        if (cutOff) onLate(value);
      },
      () => undefined,
    );
  try {
    return await Promise.race([running, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a Redis piece does while Redis does not answer: go on within this process, or refuse. */
export type OnRedisUnavailable = 'degrade' | 'fail';

/** @throws {RangeError} when `value` is neither `'degrade'` nor `'fail'`. */
export function checkOnRedisUnavailable(value: OnRedisUnavailable | undefined): OnRedisUnavailable {
  // Checked at run time too: a caller without types may pass anything.
  const mode: string = value ?? 'degrade';
  if (mode !== 'degrade' && mode !== 'fail') throw new RangeError("onRedisUnavailable must be 'degrade' or 'fail'");
  return mode;
}

/** Default pause, after Redis failed, before a piece asks it again. */
const DEFAULT_RETRY_REDIS_AFTER_MS = 1000;

/** @throws {RangeError} when `ms` is not a positive finite number. */
export function checkRetryAfter(ms: number | undefined): number {
  const value = ms ?? DEFAULT_RETRY_REDIS_AFTER_MS;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError('retryRedisAfterMs must be a positive number');
  return value;
}

/** Options of a {@link RedisAvailability}. */
export interface RedisAvailabilityOptions {
  readonly namespace: string;
  /** Which piece speaks, in the log fields: `token cache`. */
  readonly piece: string;
  readonly retryRedisAfterMs: number;
  readonly logger?: Logger | undefined;
  /** The warning when Redis stops answering, and the notice when it answers again; nothing is logged without them. */
  readonly messages?: { readonly down: string; readonly up: string } | undefined;
}

/**
 * Whether Redis answers, as one piece sees it. After a failure Redis is not asked again for `retryRedisAfterMs`, and
 * then by one call at a time, so that calls do not each pay the command timeout while Redis is away (a webhook
 * endpoint should answer within about 500 ms). One warning when Redis stops answering, one notice when it answers
 * again, with the namespace and never the address of Redis or its error text, which may carry credentials.
 */
export class RedisAvailability {
  readonly #options: RedisAvailabilityOptions;
  #down = false;
  #retryAt = 0;
  #probing = false;

  constructor(options: RedisAvailabilityOptions) {
    this.#options = options;
  }

  /** True from a failure until Redis answers again. */
  get down(): boolean {
    return this.#down;
  }

  /**
   * Runs `command` through {@link bounded}, or fails at once with `RedisUnavailableError` (`reason: 'unavailable'`)
   * while Redis is known to be away.
   */
  async run<T>(
    operation: string,
    timeoutMs: number,
    command: () => Promise<T>,
    onLate?: (value: T) => void,
  ): Promise<T> {
    let probe = false;
    if (this.#down) {
      if (this.#probing || performance.now() < this.#retryAt) throw new RedisUnavailableError(operation, 'unavailable');
      this.#probing = probe = true;
    }
    try {
      const value = await bounded(operation, timeoutMs, command, onLate);
      this.#answered();
      return value;
    } catch (error) {
      if (error instanceof RedisUnavailableError) this.#failed(error.reason);
      throw error;
    } finally {
      if (probe) this.#probing = false;
    }
  }

  #answered(): void {
    if (!this.#down) return;
    this.#down = false;
    const { logger, messages, namespace, piece } = this.#options;
    if (messages !== undefined) logger?.info(messages.up, { namespace, piece });
  }

  #failed(cause: RedisUnavailableError['reason']): void {
    this.#retryAt = performance.now() + this.#options.retryRedisAfterMs;
    if (this.#down) return;
    this.#down = true;
    const { logger, messages, namespace, piece } = this.#options;
    if (messages !== undefined) logger?.warn(messages.down, { namespace, piece, cause });
  }
}

/** A Lua script sent by its SHA-1 once Redis knows it, so that its body crosses the wire once per server. */
export class RedisScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script with `keys` and `args`; loads it when Redis answers NOSCRIPT (a restart, a failover). */
  async run(client: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}
