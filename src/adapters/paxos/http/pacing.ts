import type { RateLimiter, RateLimitRoute } from '../../../ports/index.js';
import { PaxosRateLimitError, type RequestSummary } from '../errors.js';
import { untilAborted } from './deadline.js';

/**
 * Waits for a rate-limit slot on `route` and turns a refusal into {@link PaxosRateLimitError}; without a limiter,
 * resolves at once. Rejects with the signal's reason when the deadline passes in the queue, even if the limiter
 * itself ignores the signal (a shared store that never answers).
 */
export async function acquireSlot(
  limiter: RateLimiter | undefined,
  route: RateLimitRoute,
  signal: AbortSignal,
  request: RequestSummary,
  attempts: number,
  waitForCoolDown = false,
): Promise<void> {
  if (limiter === undefined) return;
  const permit = await untilAborted(limiter.acquire(route, { signal, waitForCoolDown }), signal);
  if (!permit.granted)
    throw new PaxosRateLimitError({
      request,
      attempts,
      status: undefined,
      reason: permit.reason,
      retryAt: permit.retryAt,
    });
}

/**
 * Records the cool-down after a 429, for the `Retry-After` Paxos gave or else the configured cool-down, and resolves
 * with when the cool-down in force ends. Awaited before the 429 is reported, so that no call slips out meanwhile;
 * rejects with the signal's reason when the deadline passes first (a limiter over a store that never answers).
 */
export async function startCoolDown(
  limiter: RateLimiter | undefined,
  coolDownMs: number,
  retryAfter: number | undefined,
  signal: AbortSignal,
): Promise<Date | undefined> {
  if (limiter === undefined) return undefined;
  return untilAborted(limiter.coolDown(retryAfter ?? coolDownMs), signal);
}
