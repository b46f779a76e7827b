import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
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
 */
export async function bounded<T>(operation: string, timeoutMs: number, command: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new RedisUnavailableError(operation, 'timeout', timeoutMs));
    }, timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([
      (async () => {
        try {
          return await command();
        } catch {
          throw new RedisUnavailableError(operation, 'error', timeoutMs);
        }
      })(),
      late,
    ]);
  } finally {
    clearTimeout(timer);
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
