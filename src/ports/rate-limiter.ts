/**
 * Which of Paxos's per-IP rate-limit budgets a request counts against (identity API reference §7, Paxos's
 * `developer/rate-limits` page):
 *
 * - `token`: the OAuth token route (`/oauth2/token*`), 1 request/s.
 * - `identity`: the Identity API, every route under `/v2/identity/`: identities (create, get, list, update), their
 *   sandbox status, their documents and the institution members. Paxos's table names the Identity API as one entry
 *   at 10 requests/s; the documents, sandbox-status and member routes live under the same prefix and in the same
 *   API (§3), so they count here: reading them as "other" would risk a 429, which throttles the whole IP.
 * - `other`: every other endpoint, 50 requests/s; for this library the Events API (`/v2/events`, `/v2/events/{id}`).
 *
 * Each budget is averaged over five minutes by Paxos; a 429 on any of them throttles every request from the IP.
 */
export type RateLimitRoute = 'identity' | 'token' | 'other';

/** Every {@link RateLimitRoute}, in a fixed order. */
export const RATE_LIMIT_ROUTES: readonly RateLimitRoute[] = Object.freeze(['identity', 'token', 'other']);

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
   * Refuses every request, on every route, for the next `durationMs` (Paxos answered 429). The cool-down is never
   * per route: after a 429 Paxos throttles all requests from the IP for five minutes (reference §7), so a call on
   * another budget sent meanwhile would only meet the throttle and prolong it. Calls already queued on any route are
   * refused at once (`cooling_down`). The duration is relative, so that processes whose clocks disagree still agree
   * on the cool-down; a longer cool-down already in force is kept, never cut.
   *
   * @returns when the cool-down in force now ends (this one, or a later one already recorded).
   */
  coolDown(durationMs: number): Promise<Date>;
  /** The end of the current cool-down, or undefined when there is none. */
  coolingDownUntil(): Promise<Date | undefined>;
}
