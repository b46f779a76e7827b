import {
  IdentityValidationError,
  StatusWaitTimeoutError,
  type Identity,
  type IdentityStatus,
  type Open,
} from '../domain/index.js';
import type { IdentityGateway } from '../ports/index.js';

/** Options of `waitForStatus`. */
export interface WaitForStatusOptions {
  /** Give up after this long with {@link StatusWaitTimeoutError}. Required: Paxos's decisions can take a day. */
  readonly timeoutMs: number;
  /** Stops waiting; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Delay before the second read; later delays grow by half each time. Default 1000, at least 100 (Paxos allows 10 requests/s). */
  readonly pollIntervalMs?: number;
  /** Longest delay between two reads. Default 15000. */
  readonly maxPollIntervalMs?: number;
}

const DEFAULT_POLL_MS = 1000;
const DEFAULT_MAX_POLL_MS = 15_000;
const MIN_POLL_MS = 100;
const BACKOFF = 1.5;

/** `options` may be missing when the caller is untyped JavaScript: that is reported like any other bad option. */
function checkOptions(
  statuses: readonly string[],
  options: WaitForStatusOptions | undefined,
): { first: number; max: number } {
  const problems: { path: string; message: string }[] = [];
  const positive = (value: unknown, min: number) => typeof value === 'number' && Number.isFinite(value) && value >= min;
  if (!positive(options?.timeoutMs, 1))
    problems.push({ path: 'timeoutMs', message: 'must be a number of milliseconds above 0' });
  if (options?.pollIntervalMs !== undefined && !positive(options.pollIntervalMs, MIN_POLL_MS)) {
    problems.push({ path: 'pollIntervalMs', message: `must be at least ${MIN_POLL_MS} ms` });
  }
  if (options?.maxPollIntervalMs !== undefined && !positive(options.maxPollIntervalMs, MIN_POLL_MS)) {
    problems.push({ path: 'maxPollIntervalMs', message: `must be at least ${MIN_POLL_MS} ms` });
  }
  if (!Array.isArray(statuses) || statuses.length === 0 || statuses.some((s) => typeof s !== 'string')) {
    problems.push({ path: 'statuses', message: 'must list at least one status' });
  }
  if (problems.length > 0 || options === undefined) {
    throw new IdentityValidationError(
      problems.map((p) => ({ path: p.path, code: 'range', message: `${p.path}: ${p.message}` })),
      { subject: 'status wait options' },
    );
  }
  const first = options.pollIntervalMs ?? DEFAULT_POLL_MS;
  return { first, max: Math.max(first, options.maxPollIntervalMs ?? DEFAULT_MAX_POLL_MS) };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever the caller chose
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Reads the identity until its summary status is one of `statuses`, politely: the first read at once, then after
 * `pollIntervalMs`, each delay half again as long up to `maxPollIntervalMs` (one read per second at most by default,
 * far under Paxos's 10 requests/s). Every timer and listener is removed however it ends.
 *
 * @throws {StatusWaitTimeoutError} when `timeoutMs` passes first (a read in flight is cancelled).
 * @throws the reason of `signal` when it aborts; any error of the read itself (IdentityNotFoundError, ...).
 */
export async function waitForStatus(
  gateway: IdentityGateway,
  id: string,
  statuses: readonly Open<IdentityStatus>[],
  options: WaitForStatusOptions,
): Promise<Identity> {
  const { first, max } = checkOptions(statuses, options);
  options.signal?.throwIfAborted();
  const wanted = new Set<string>(statuses);
  const controller = new AbortController();
  let lastStatus: string | undefined;
  const onAbort = (): void => {
    controller.abort(options.signal?.reason);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const deadline = setTimeout(() => {
    controller.abort(new StatusWaitTimeoutError(id, statuses, options.timeoutMs, lastStatus));
  }, options.timeoutMs);
  try {
    let interval = first;
    for (;;) {
      const identity = await gateway.get(id, { signal: controller.signal });
      controller.signal.throwIfAborted();
      lastStatus = identity.summaryStatus;
      if (wanted.has(identity.summaryStatus)) return identity;
      await sleep(interval, controller.signal);
      interval = Math.min(max, Math.round(interval * BACKOFF));
    }
  } catch (error) {
    // Whatever the read made of the cancellation, the cause is the timeout or the caller's abort.
    if (controller.signal.aborted) throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
