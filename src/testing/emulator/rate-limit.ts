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
  private readonly seen = new Map<string, number[]>();
  private readonly throttledUntil = new Map<string, number>();
  private readonly limits: Required<Omit<RateLimitOptions, 'retryAfterSeconds'>>;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    options: RateLimitOptions,
    private readonly clock: Clock,
  ) {
    this.limits = { ...PAXOS_RATE_LIMITS, ...stripUndefined(options) };
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** Counts the request and says whether it may go through. */
  allow(ip: string, bucket: RateLimitBucket): boolean {
    const now = this.clock.now().getTime();
    const until = this.throttledUntil.get(ip);
    if (until !== undefined) {
      if (now < until) return false;
      this.throttledUntil.delete(ip);
      for (const key of this.seen.keys()) if (key.startsWith(`${ip}|`)) this.seen.delete(key);
    }
    if (bucket === 'none') return true;
    const perSecond =
      bucket === 'identity'
        ? this.limits.identityPerSecond
        : bucket === 'token'
          ? this.limits.tokenPerSecond
          : this.limits.otherPerSecond;
    const budget = Math.max(1, Math.floor((perSecond * this.limits.windowMs) / 1000));
    const key = `${ip}|${bucket}`;
    const times = (this.seen.get(key) ?? []).filter((t) => t > now - this.limits.windowMs);
    if (times.length >= budget) {
      this.throttledUntil.set(ip, now + this.limits.throttleMs);
      this.seen.set(key, times);
      return false;
    }
    times.push(now);
    this.seen.set(key, times);
    return true;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
