import { createRequire } from 'node:module';
import type * as RateLimiterFlexible from 'rate-limiter-flexible';
import type {
  Clock,
  RateLimitAcquireOptions,
  RateLimiter,
  RateLimitPermit,
  RateLimitRoute,
} from '../../ports/index.js';
import { systemClock } from '../../ports/index.js';

/** Options of {@link MemoryRateLimiter}: one pace per budget (see {@link RateLimitRoute}), all for this process. */
export interface MemoryRateLimiterOptions {
  /** Requests per second on the identity routes (everything under `/v2/identity/`). Paxos allows 10 per IP. */
  readonly requestsPerSecond: number;
  /** Requests per second on the token route. Paxos allows 1 per IP. */
  readonly tokenRequestsPerSecond: number;
  /** Requests per second on the other routes (the Events API). Paxos allows 50 per IP. Default 45. */
  readonly otherRequestsPerSecond?: number;
  /** Calls that may wait per route; one more is refused with `queue_full`. */
  readonly maxQueue: number;
  /** Where the cool-down reads the time. Default: the system clock. */
  readonly clock?: Clock;
}

// The package's index loads every store it supports (Redis, Mongo, SQL, Dynamo, ...), three times the cost of the
// two classes used here: those are required from their own files, the same modules the index hands out.
const require = createRequire(import.meta.url);
const RateLimiterMemory =
  require('rate-limiter-flexible/lib/RateLimiterMemory.js') as typeof RateLimiterFlexible.RateLimiterMemory;
const RateLimiterRes =
  require('rate-limiter-flexible/lib/RateLimiterRes.js') as typeof RateLimiterFlexible.RateLimiterRes;

/** A little under Paxos's 50/s for "everything else", as the other defaults sit at or under theirs. */
const DEFAULT_OTHER_PER_SECOND = 45;
const GRANTED: RateLimitPermit = Object.freeze({ granted: true });
/** Handed to the calls queued when a cool-down starts: not a slot, but a prompt to look at the cool-down again. */
const RECHECK: RateLimitPermit = Object.freeze({ granted: false, reason: 'cooling_down', retryAt: new Date(0) });
/** The longest cool-down kept: what a timer can wait for (about 24.8 days), and well inside what a Date holds. */
const MAX_COOL_DOWN_MS = 2 ** 31 - 1;

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
  readonly #limiter: RateLimiterFlexible.RateLimiterMemory;
  readonly #intervalMs: number;
  readonly #maxQueue: number;
  readonly #queue: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  readonly #clock: Clock;

  constructor(perSecond: number, maxQueue: number, clock: Clock) {
    this.#clock = clock;
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
        retryAt: new Date(this.#clock.now().getTime() + Math.ceil((this.#queue.length + 1) * this.#intervalMs)),
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

  /** Lets every queued call go without a slot, with `permit`: they re-read the cool-down instead of waiting. */
  releaseAll(permit: RateLimitPermit): void {
    this.#stop();
    for (const waiter of this.#queue.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(permit);
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
 * The {@link RateLimiter} port for one process, on rate-limiter-flexible's `RateLimiterMemory`: each route (identity,
 * token, other) has its own evenly spaced pace and bounded queue, so that event reads never wait behind a queue of
 * creates; a 429 cool-down refuses every call on every route (Paxos throttles the whole IP). The budgets are this
 * process's only: several processes behind one IP each get the full rate, so they need lower numbers or a limiter
 * over a shared store, which implements the same port.
 *
 * @example
 * ```ts
 * const limiter = new MemoryRateLimiter({
 *   requestsPerSecond: 10,
 *   tokenRequestsPerSecond: 1,
 *   otherRequestsPerSecond: 45,
 *   maxQueue: 1000,
 * });
 * const gateway = new PaxosIdentityGateway(options, { rateLimiter: limiter });
 * ```
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #lanes: Readonly<Record<RateLimitRoute, Lane>>;
  readonly #clock: Clock;
  #coolUntil = 0;
  /** The duration of the cool-down in force: what is left of it can never be more, whatever the clock does. */
  #coolFor = 0;

  /** @throws {RangeError} when a rate is not a positive number or `maxQueue` not a non-negative integer. */
  constructor(options: MemoryRateLimiterOptions) {
    if (!Number.isInteger(options.maxQueue) || options.maxQueue < 0)
      throw new RangeError('maxQueue must be a non-negative integer');
    this.#clock = options.clock ?? systemClock;
    this.#lanes = Object.freeze({
      identity: new Lane(checkRate('requestsPerSecond', options.requestsPerSecond), options.maxQueue, this.#clock),
      token: new Lane(
        checkRate('tokenRequestsPerSecond', options.tokenRequestsPerSecond),
        options.maxQueue,
        this.#clock,
      ),
      other: new Lane(
        checkRate('otherRequestsPerSecond', options.otherRequestsPerSecond ?? DEFAULT_OTHER_PER_SECOND),
        options.maxQueue,
        this.#clock,
      ),
    });
  }

  /** Calls waiting on `route` right now. */
  queued(route: RateLimitRoute): number {
    return this.#lanes[route].queued;
  }

  async acquire(route: RateLimitRoute, options: RateLimitAcquireOptions = {}): Promise<RateLimitPermit> {
    const { signal } = options;
    for (;;) {
      signal?.throwIfAborted();
      const coolingFor = this.#coolEnd() - this.#now();
      if (coolingFor > 0) {
        // Only the call told to come back after a Retry-After waits; every other call fails fast.
        if (options.waitForCoolDown !== true)
          return { granted: false, reason: 'cooling_down', retryAt: new Date(this.#coolUntil) };
        await abortableSleep(coolingFor, signal);
        continue;
      }
      const lane = this.#lanes[route] as Lane | undefined;
      // A plain-JavaScript caller may pass anything: an unknown route has no pace, so it is never waved through.
      if (lane === undefined) throw new TypeError('unknown rate-limit route');
      const permit = await lane.take(signal);
      // A cool-down recorded while this call queued holds it back too: sending now would extend Paxos's throttle.
      if (permit === RECHECK || (permit.granted && this.#coolEnd() > this.#now())) continue;
      return permit;
    }
  }

  /** Cools down every route at once: Paxos's throttle after a 429 covers the whole IP (see {@link RateLimiter.coolDown}). */
  coolDown(durationMs: number): Promise<Date> {
    // A negative or non-finite duration would end a cool-down in force or poison the comparison: treat it as none.
    const now = this.#now();
    const duration = Number.isFinite(durationMs) && durationMs > 0 ? Math.min(durationMs, MAX_COOL_DOWN_MS) : 0;
    // A shorter cool-down never cuts a longer one already recorded (two 429s with different Retry-After).
    if (now + duration > this.#coolEnd()) {
      this.#coolUntil = now + duration;
      this.#coolFor = duration;
    }
    // The calls already queued fail fast now (or, told to wait it out, wait), rather than each when its turn comes.
    if (this.#coolUntil > now) for (const lane of Object.values(this.#lanes)) lane.releaseAll(RECHECK);
    return Promise.resolve(new Date(this.#coolUntil));
  }

  coolingDownUntil(): Promise<Date | undefined> {
    return Promise.resolve(this.#coolEnd() > this.#now() ? new Date(this.#coolUntil) : undefined);
  }

  /**
   * The end of the cool-down in force. A clock stepped back (NTP, a VM restored) would leave more of it than was
   * ever asked for, an hour's step an hour's lock-out: the end is then moved so that at most its duration is left.
   */
  #coolEnd(): number {
    const now = this.#now();
    if (this.#coolUntil - now > this.#coolFor) this.#coolUntil = now + this.#coolFor;
    return this.#coolUntil;
  }

  #now(): number {
    return this.#clock.now().getTime();
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
