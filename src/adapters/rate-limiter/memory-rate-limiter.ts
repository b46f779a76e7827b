import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitAcquireOptions, RateLimiter, RateLimitPermit, RateLimitRoute } from '../../ports/index.js';

/** Options of {@link MemoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  /** Requests per second on the identity routes. Paxos allows 10 per IP. */
  readonly requestsPerSecond: number;
  /** Requests per second on the token route. Paxos allows 1 per IP. */
  readonly tokenRequestsPerSecond: number;
  /** Calls that may wait per route; one more is refused with `queue_full`. */
  readonly maxQueue: number;
}

const GRANTED: RateLimitPermit = Object.freeze({ granted: true });

interface Waiter {
  readonly resolve: (permit: RateLimitPermit) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * One route's pace: rate-limiter-flexible's in-memory limiter with one point per `1 / perSecond` seconds, so that
 * requests are spread evenly (a burst of `perSecond` at the end of one second and another at the start of the next
 * would be twice the rate within one second), and a first-in first-out queue of bounded length in front of it.
 */
class Lane {
  readonly #limiter: RateLimiterMemory;
  readonly #intervalMs: number;
  readonly #maxQueue: number;
  readonly #queue: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(perSecond: number, maxQueue: number) {
    this.#limiter = new RateLimiterMemory({ points: 1, duration: 1 / perSecond });
    this.#intervalMs = 1000 / perSecond;
    this.#maxQueue = maxQueue;
  }

  get queued(): number {
    return this.#queue.length;
  }

  async take(signal: AbortSignal | undefined): Promise<RateLimitPermit> {
    signal?.throwIfAborted();
    if (this.#queue.length === 0) {
      const wait = await this.#tryConsume();
      if (wait === 0) return GRANTED;
      signal?.throwIfAborted();
    }
    if (this.#queue.length >= this.#maxQueue) {
      return {
        granted: false,
        reason: 'queue_full',
        retryAt: new Date(Date.now() + Math.ceil((this.#queue.length + 1) * this.#intervalMs)),
      };
    }
    return new Promise<RateLimitPermit>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          if (this.#queue.length === 0) this.#stop();
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      this.#schedule(0);
    });
  }

  /** 0 when a point was taken, else the milliseconds until the next one frees up. */
  async #tryConsume(): Promise<number> {
    try {
      await this.#limiter.consume('paxos', 1);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
      throw rejection;
    }
  }

  #schedule(ms: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump().catch((error: unknown) => {
        this.#failAll(error);
      });
    }, ms);
  }

  async #pump(): Promise<void> {
    while (this.#queue.length > 0) {
      const wait = await this.#tryConsume();
      if (wait > 0) {
        if (this.#queue.length > 0) this.#schedule(wait);
        return;
      }
      // The head may have given up while the point was being taken: the slot then goes unused, which is safe.
      const waiter = this.#queue.shift();
      if (waiter === undefined) return;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(GRANTED);
    }
  }

  #failAll(error: unknown): void {
    for (const waiter of this.#queue.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(error);
    }
  }

  #stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function checkRate(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number`);
  return value;
}

/**
 * The {@link RateLimiter} port for one process, on rate-limiter-flexible's `RateLimiterMemory`: each route has its
 * own evenly spaced pace and bounded queue, and a 429 cool-down refuses every call on both routes (Paxos throttles
 * the whole IP). A limiter over a shared store implements the same port for several processes behind one IP.
 *
 * @example
 * ```ts
 * const limiter = new MemoryRateLimiter({ requestsPerSecond: 10, tokenRequestsPerSecond: 1, maxQueue: 1000 });
 * const gateway = new PaxosIdentityGateway(options, { rateLimiter: limiter });
 * ```
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #lanes: Readonly<Record<RateLimitRoute, Lane>>;
  #coolUntil = 0;

  /** @throws {RangeError} when a rate is not a positive number or `maxQueue` not a non-negative integer. */
  constructor(options: MemoryRateLimiterOptions) {
    if (!Number.isInteger(options.maxQueue) || options.maxQueue < 0)
      throw new RangeError('maxQueue must be a non-negative integer');
    this.#lanes = Object.freeze({
      identity: new Lane(checkRate('requestsPerSecond', options.requestsPerSecond), options.maxQueue),
      token: new Lane(checkRate('tokenRequestsPerSecond', options.tokenRequestsPerSecond), options.maxQueue),
    });
  }

  /** Calls waiting on `route` right now. */
  queued(route: RateLimitRoute): number {
    return this.#lanes[route].queued;
  }

  async acquire(route: RateLimitRoute, options: RateLimitAcquireOptions = {}): Promise<RateLimitPermit> {
    const { signal } = options;
    signal?.throwIfAborted();
    const coolingFor = this.#coolUntil - Date.now();
    if (coolingFor > 0) {
      if (options.waitForCoolDown !== true)
        return { granted: false, reason: 'cooling_down', retryAt: new Date(this.#coolUntil) };
      await abortableSleep(coolingFor, signal);
    }
    return this.#lanes[route].take(signal);
  }

  coolDown(until: Date): void {
    const at = until.getTime();
    if (Number.isFinite(at) && at > this.#coolUntil) this.#coolUntil = at;
  }

  coolingDownUntil(): Date | undefined {
    return this.#coolUntil > Date.now() ? new Date(this.#coolUntil) : undefined;
  }
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
