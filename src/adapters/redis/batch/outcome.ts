import { IdentityServiceError } from '../../../domain/index.js';

/** A rule a line broke, by path and code: never the value, nor a message that could quote it. */
export interface BatchViolation {
  readonly path: string;
  readonly code: string;
}

/**
 * The outcome of one line of a batch, readable from any process. Like the single-process import's `ImportResult`,
 * without the violations' messages. Holds no personal data.
 */
export type BatchResult =
  | {
      readonly line: number;
      readonly refId: string | undefined;
      readonly ok: true;
      /** The identity created, or the one an earlier attempt created with this `refId`. */
      readonly identityId: string;
    }
  | {
      readonly line: number;
      readonly refId: string | undefined;
      readonly ok: false;
      /**
       * The library's stable error code (`identity_invalid`, `identity_already_exists`, `paxos_bad_request`, …), or
       * `batch_payload_unreadable` (the stored command does not decrypt), `batch_job_failed` (BullMQ gave up on the
       * job: it stalled more than `maxStalledCount` times), `unexpected_error`.
       */
      readonly code: string;
      readonly status?: number;
      /** For `identity_invalid` and Paxos's refusals that name fields: the rules broken, by path. */
      readonly violations?: readonly BatchViolation[];
    };

/** How transient failures are retried (see `BatchWorkOptions.retry`). */
export interface BatchRetryPolicy {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** What to do with a line whose create threw. */
export type Verdict =
  | { readonly kind: 'finish'; readonly result: BatchResult }
  | {
      readonly kind: 'retry';
      /** Epoch ms at which to run the line again. */
      readonly at: number;
      /** False when nothing was sent (a refusal before the call): such a retry does not count toward the cap. */
      readonly counts: boolean;
      /** True for rate limiting: this worker holds every line until `at`, not only this one. */
      readonly holdAll: boolean;
    };

/**
 * Failures that are about the moment or the worker, not the line: rate limiting and cool-downs, Paxos's 5xx and 408,
 * the network, deadlines, unusable responses (a create may have taken effect: the retry replays its `refId`), Redis
 * away, and credentials refused (401, 403), which would otherwise fail every line of the batch for a worker's
 * configuration. Everything else is the line's (invalid, refused with 400, a CIP conflict, other 4xx): retrying it
 * fails the same way.
 */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'paxos_rate_limited',
  'paxos_server_error',
  'paxos_connection',
  'paxos_timeout',
  'paxos_invalid_response',
  'paxos_authentication',
  'paxos_permission',
  'redis_unavailable',
]);

function statusOf(error: unknown): number | undefined {
  const status = (error as { readonly status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

function violationsOf(error: unknown): readonly BatchViolation[] | undefined {
  const violations = (error as { readonly violations?: unknown }).violations;
  if (!Array.isArray(violations)) return undefined;
  return violations
    .filter((v): v is { path: unknown; code: unknown } => v !== null && typeof v === 'object')
    .map((v) => ({ path: String(v.path), code: String(v.code) }));
}

/** The failed result of a line, with the error's code and status only: its message is not kept. */
function failureOf(line: number, refId: string | undefined, error: unknown): BatchResult {
  if (!(error instanceof IdentityServiceError)) return { line, refId, ok: false, code: 'unexpected_error' };
  const status = statusOf(error);
  const violations = violationsOf(error);
  return {
    line,
    refId,
    ok: false,
    code: error.code,
    ...(status !== undefined && { status }),
    ...(violations !== undefined && (violations.length > 0 || error.code === 'identity_invalid') && { violations }),
  };
}

function isTransient(error: IdentityServiceError): boolean {
  if (TRANSIENT_CODES.has(error.code)) return true;
  // An HTTP error the library has no class for: the status decides, as the retry policy's table does.
  const status = statusOf(error);
  return error.code === 'paxos_http_error' && status !== undefined && (status === 408 || status >= 500);
}

/** Exponential backoff with full jitter between half and all of the step. */
function backoffMs(attempt: number, policy: BatchRetryPolicy): number {
  const step = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return step / 2 + Math.random() * (step / 2);
}

/**
 * Whether a line whose create threw `error` is finished (with its failed result) or run again later: a rate limit at
 * its `retryAt`, another transient failure after a backoff, until `maxAttempts` calls that may have reached Paxos.
 */
export function verdictOf(
  error: unknown,
  line: number,
  refId: string,
  tries: number,
  policy: BatchRetryPolicy,
  now: number,
): Verdict {
  if (!(error instanceof IdentityServiceError) || !isTransient(error))
    return { kind: 'finish', result: failureOf(line, refId, error) };
  const reason = (error as { readonly reason?: unknown }).reason;
  // A refusal before sending (the fleet is cooling down, the local queue is full, Redis is away) spent no attempt.
  const counts = !(
    error.code === 'redis_unavailable' ||
    (error.code === 'paxos_rate_limited' && (reason === 'cooling_down' || reason === 'queue_full'))
  );
  if (counts && tries + 1 >= policy.maxAttempts) return { kind: 'finish', result: failureOf(line, refId, error) };
  if (error.code === 'paxos_rate_limited') {
    const retryAt = (error as { readonly retryAt?: unknown }).retryAt;
    const retryAfterMs = (error as { readonly retryAfterMs?: unknown }).retryAfterMs;
    const at =
      retryAt instanceof Date && Number.isFinite(retryAt.getTime())
        ? retryAt.getTime()
        : typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs)
          ? now + retryAfterMs
          : now + backoffMs(1, policy);
    // A little spread so that a fleet's held lines do not all start again in the same millisecond.
    return { kind: 'retry', at: Math.max(at, now) + Math.random() * 250, counts, holdAll: true };
  }
  return { kind: 'retry', at: now + backoffMs(tries + 1, policy), counts, holdAll: false };
}
