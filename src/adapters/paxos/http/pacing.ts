import type { RateLimiter, RateLimitRoute } from '../../../ports/index.js';
import { PaxosRateLimitError, type RequestSummary } from '../errors.js';

/**
 * Waits for a rate-limit slot on `route` and turns a refusal into {@link PaxosRateLimitError}; without a limiter,
 * resolves at once. Rejects with the signal's reason when the deadline passes in the queue.
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
  const permit = await limiter.acquire(route, { signal, waitForCoolDown });
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
 * with when the cool-down in force ends. Awaited before the 429 is reported, so that no call slips out meanwhile.
 */
export async function startCoolDown(
  limiter: RateLimiter | undefined,
  coolDownMs: number,
  retryAfter: number | undefined,
): Promise<Date | undefined> {
  if (limiter === undefined) return undefined;
  return limiter.coolDown(retryAfter ?? coolDownMs);
}
