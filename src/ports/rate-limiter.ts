/** Which of Paxos's rate-limit buckets a request counts against: the identity routes or the OAuth token route. */
export type RateLimitRoute = 'identity' | 'token';

/** Options of {@link RateLimiter.acquire}. */
export interface RateLimitAcquireOptions {
  /** Gives up waiting in the queue: `acquire` then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Wait out a cool-down that ends before `signal` fires instead of refusing at once. Only the call that was told
   * to come back after a `Retry-After` sets it; every other call fails fast during a cool-down.
   */
  readonly waitForCoolDown?: boolean;
}

/** The answer of {@link RateLimiter.acquire}: a slot to send one request now, or why not. */
export type RateLimitPermit =
  | { readonly granted: true }
  | {
      readonly granted: false;
      /** `cooling_down`: Paxos answered 429 and the cool-down is not over. `queue_full`: too many calls wait already. */
      readonly reason: 'cooling_down' | 'queue_full';
      /** When a new attempt may succeed: the end of the cool-down, or an estimate of when the queue drains. */
      readonly retryAt: Date;
    };

/**
 * Client-side pacing of requests to Paxos, so that bursts wait in a bounded queue instead of being sent into a 429
 * (after which Paxos throttles the whole IP for five minutes). Every method is asynchronous so that the same
 * interface fits an implementation over a shared store (Redis) that paces every process behind one IP; the
 * in-memory implementation paces one process. Implementations take the time from the {@link Clock} port.
 */
export interface RateLimiter {
  /**
   * Waits for a slot to send one request on `route`. Resolves with `granted: true` when the request may go now, or
   * with `granted: false` at once when the client is cooling down or the queue is full.
   *
   * @throws the reason of `options.signal` when it aborts while the call waits.
   */
  acquire(route: RateLimitRoute, options?: RateLimitAcquireOptions): Promise<RateLimitPermit>;
  /**
   * Refuses every request for the next `durationMs` (Paxos answered 429). The duration is relative, so that processes
   * whose clocks disagree still agree on the cool-down; a longer cool-down already in force is kept, never cut.
   *
   * @returns when the cool-down in force now ends (this one, or a later one already recorded).
   */
  coolDown(durationMs: number): Promise<Date>;
  /** The end of the current cool-down, or undefined when there is none. */
  coolingDownUntil(): Promise<Date | undefined>;
}
