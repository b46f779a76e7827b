/**
 * When the Paxos adapter tries again, as a pure function of what one attempt gave and where the call stands. No I/O,
 * no clock: the send loop feeds it, tests drive it as a table.
 */

/** What one HTTP attempt came to, reduced to what the policy reads. */
export type AttemptOutcome =
  | {
      readonly kind: 'answer';
      readonly status: number;
      /** `Retry-After` in milliseconds, when Paxos sent a readable one. */
      readonly retryAfterMs?: number | undefined;
    }
  /** No usable answer: the connection failed before or while the body arrived. `reason` is the system code. */
  | { readonly kind: 'network'; readonly reason: string | undefined };

/** Where the call stands when an attempt ended. */
export interface AttemptState {
  /** Retries already made (0 after the first attempt). */
  readonly retries: number;
  /** Whether the one 401 refresh was already spent. */
  readonly refreshed: boolean;
  /** Milliseconds left before the call's deadline. */
  readonly remainingMs: number;
}

/** What the call is and what the configuration allows. */
export interface RetryRules {
  /** Whether repeating the request cannot do anything twice (GET, PUT, a create carrying its `ref_id`). */
  readonly idempotent: boolean;
  readonly maxRetries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Jitter source; a test pins it. */
  readonly random?: () => number;
}

/** The decision: try again after `afterMs` (with a fresh token when `refreshToken`), or give up with this outcome. */
export type RetryDecision =
  { readonly retry: true; readonly afterMs: number; readonly refreshToken?: true } | { readonly retry: false };

const STOP: RetryDecision = Object.freeze({ retry: false });

/** Answers worth another attempt: Paxos or a proxy in front of it timed out or failed, nothing was decided. */
const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 500, 502, 503, 504]);

/**
 * Network failures worth another attempt: the connection was refused, reset or dropped, or a transient DNS or
 * socket timeout. Certificate errors and unknown hosts are not: they fail the same way again.
 */
const RETRY_NETWORK_REASONS: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  // The attempt's own timer cut a stalled answer; the call's deadline still has time.
  'ATTEMPT_TIMEOUT',
  // A 2xx whose body ended before its JSON did: the answer was lost on the way, as with a reset after processing.
  'TRUNCATED_BODY',
]);

/** Exponential backoff with equal jitter: half the delay is fixed (so retries do spread), half is random. */
export function backoffDelay(
  retry: number,
  initialDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  // The exponent is bounded: past 2^1024 it is Infinity, and 0 × Infinity (no initial delay) would be NaN.
  const exponential = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(retry - 1, 64));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/**
 * The longest `Retry-After` taken at its word by default: Paxos's five-minute IP throttle. Beyond it a broken proxy
 * could lock the client out for years, or push the cool-down's end past what a `Date` can hold.
 */
const DEFAULT_MAX_RETRY_AFTER_MS = 5 * 60_000;

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/**
 * The three HTTP-date forms of RFC 9110 §5.6.7, spelled out: `Date.parse` alone reads `-5`, `Mon 5` or `Monday 2026`
 * as dates in the past, which would turn a malformed header into "retry now".
 */
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`);
const RFC_850 = new RegExp(`^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`);
/** asctime carries no zone; HTTP means GMT, which `Date.parse` must be told, or it reads the machine's local time. */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`);

/** The instant of an HTTP date in any of its three forms, or NaN. */
function parseHttpDate(value: string): number {
  if (IMF_FIXDATE.test(value) || RFC_850.test(value)) return Date.parse(value);
  if (ASCTIME.test(value)) return Date.parse(`${value} GMT`);
  return Number.NaN;
}

/** Delta-seconds, digits only; a fraction is tolerated. The length bound keeps `Number` away from exponents. */
const DELTA_SECONDS = /^\d{1,20}(\.\d{1,6})?$/;

/**
 * `Retry-After` in milliseconds, at most `maxMs` (default five minutes): delta-seconds or an HTTP date; undefined
 * when absent or unreadable (a negative number, garbage, a header too long to be either form). Never throws.
 */
export function retryAfterMs(
  headers: Headers,
  now: number = Date.now(),
  maxMs: number = DEFAULT_MAX_RETRY_AFTER_MS,
): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '' || value.length > 64) return undefined;
  const bound = (ms: number) => (Number.isFinite(ms) ? Math.min(maxMs, Math.max(0, Math.round(ms))) : maxMs);
  if (DELTA_SECONDS.test(value)) return bound(Number(value) * 1000);
  const date = parseHttpDate(value);
  return Number.isNaN(date) ? undefined : bound(date - now);
}

/** Decides whether the call tries again after `outcome`, and how long it waits first. */
export function decideRetry(outcome: AttemptOutcome, state: AttemptState, rules: RetryRules): RetryDecision {
  // The token may have been revoked or rotated before its expiry: one fresh token, one more try, whatever the verb.
  if (outcome.kind === 'answer' && outcome.status === 401) {
    return state.refreshed ? STOP : { retry: true, afterMs: 0, refreshToken: true };
  }
  // A POST without ref_id (or an add-members) may have taken effect: repeating it could do it twice.
  if (!rules.idempotent) return STOP;
  if (state.retries >= rules.maxRetries) return STOP;
  const backoff = () => backoffDelay(state.retries + 1, rules.initialDelayMs, rules.maxDelayMs, rules.random);
  let wait: number;
  if (outcome.kind === 'network') {
    // Certificate errors and unknown hosts fail the same way again; only transient socket failures are retried.
    if (outcome.reason === undefined || !RETRY_NETWORK_REASONS.has(outcome.reason)) return STOP;
    wait = backoff();
  } else if (outcome.status === 429) {
    // A blind retry of a 429 extends Paxos's five-minute IP throttle; only an explicit Retry-After is honoured.
    if (outcome.retryAfterMs === undefined) return STOP;
    wait = outcome.retryAfterMs;
  } else {
    // 4xx other than 408 is the request's fault, and 2xx/3xx never come here: the same request fails the same way.
    if (!RETRY_STATUSES.has(outcome.status)) return STOP;
    // Paxos's own Retry-After beats our guess of when it recovers.
    wait = outcome.retryAfterMs ?? backoff();
  }
  // A wait that would outlast the deadline is pointless: give up now and report the real cause.
  return wait < state.remainingMs ? { retry: true, afterMs: wait } : STOP;
}
