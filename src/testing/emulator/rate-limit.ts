import type { Clock } from '../../ports/index.js';
import type { RateLimitBucket } from './router.js';

/** Paxos's published limits, each number configurable for tests. */
export interface RateLimitOptions {
  /** Average requests per second allowed on identity routes, per client IP. Paxos: 10. */
  readonly identityPerSecond?: number;
  /** Average requests per second allowed on the token route, per client IP. Paxos: 1. */
  readonly tokenPerSecond?: number;
  /** Average requests per second allowed on the other routes (the Events API), per client IP. Paxos: 50. */
  readonly otherPerSecond?: number;
  /** The window the average is taken over. Paxos: 5 minutes. */
  readonly windowMs?: number;
  /** How long every request from an IP that went over gets 429. Paxos: 5 minutes. */
  readonly throttleMs?: number;
  /** Seconds to announce in `Retry-After` on a 429. Paxos documents none, so none is sent by default. */
  readonly retryAfterSeconds?: number;
}

/** The numbers Paxos publishes. */
export const PAXOS_RATE_LIMITS: Required<Omit<RateLimitOptions, 'retryAfterSeconds'>> = Object.freeze({
  identityPerSecond: 10,
  tokenPerSecond: 1,
  otherPerSecond: 50,
  windowMs: 5 * 60_000,
  throttleMs: 5 * 60_000,
});

/**
 * Per-IP limits per endpoint group (identity, token, other), averaged over a sliding window: an IP may make
 * `perSecond × window` requests to a bucket within any window, counted apart from the other buckets; the request
 * after that is refused and so is every request from that IP, to any route of any bucket, until the throttle ends
 * (identity API reference §7). Time comes from the emulator's clock, so tests can step over the window instead of waiting.
 */
export class RateLimiter {
  // One record per IP, its windows by bucket: a key string built and hashed per request was a cost of every request.
  private readonly ips = new Map<string, IpState>();
  private readonly limits: Required<Omit<RateLimitOptions, 'retryAfterSeconds'>>;
  private readonly budgets: Readonly<Record<CountedBucket, number>>;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    options: RateLimitOptions,
    private readonly clock: Clock,
  ) {
    this.limits = { ...PAXOS_RATE_LIMITS, ...stripUndefined(options) };
    this.retryAfterSeconds = options.retryAfterSeconds;
    const budget = (perSecond: number) => Math.max(1, Math.floor((perSecond * this.limits.windowMs) / 1000));
    this.budgets = {
      identity: budget(this.limits.identityPerSecond),
      token: budget(this.limits.tokenPerSecond),
      other: budget(this.limits.otherPerSecond),
    };
  }

  /** Counts the request and says whether it may go through. */
  allow(ip: string, bucket: RateLimitBucket): boolean {
    const now = this.clock.now().getTime();
    let state = this.ips.get(ip);
    if (state?.throttledUntil !== undefined) {
      if (now < state.throttledUntil) return false;
      // The throttle is over: the IP starts afresh in every bucket.
      this.ips.delete(ip);
      state = undefined;
    }
    if (bucket === 'none') return true;
    if (state === undefined) {
      state = { throttledUntil: undefined, windows: {} };
      this.ips.set(ip, state);
    }
    const window = (state.windows[bucket] ??= new Window());
    window.dropUntil(now - this.limits.windowMs);
    if (window.size >= this.budgets[bucket]) {
      state.throttledUntil = now + this.limits.throttleMs;
      return false;
    }
    window.add(now);
    return true;
  }
}

type CountedBucket = Exclude<RateLimitBucket, 'none'>;

/** What the limiter knows of one IP: when its throttle ends, and its requests in each bucket's window. */
interface IpState {
  throttledUntil: number | undefined;
  readonly windows: { [B in CountedBucket]?: Window };
}

/**
 * The times of one bucket's requests within the window, oldest first. Expired times are skipped by moving a head
 * index, not by copying the list on every request: at a high rate a five-minute window holds hundreds of thousands
 * of times, and filtering them all per request made the emulator slower the longer it ran.
 */
class Window {
  #times: number[] = [];
  #head = 0;

  get size(): number {
    return this.#times.length - this.#head;
  }

  /** Forgets the times at or before `cutoff`. Times are added in clock order, so the expired ones lead. */
  dropUntil(cutoff: number): void {
    const times = this.#times;
    let head = this.#head;
    while (head < times.length && (times[head] ?? Infinity) <= cutoff) head += 1;
    // Compacted once the dead prefix is the larger half: each time is copied at most once more on average.
    if (head > 1024 && head * 2 > times.length) {
      this.#times = times.slice(head);
      head = 0;
    }
    this.#head = head;
  }

  add(time: number): void {
    this.#times.push(time);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
