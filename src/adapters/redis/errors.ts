import { IdentityServiceError } from '../../domain/shared/errors.js';

/**
 * Redis did not answer in time, answered with an error, or is known to be away, so the shared state it keeps (the
 * fleet's budget, the cool-down, a token, a webhook claim) cannot be vouched for. The rate limiter throws it only when
 * built with `onRedisUnavailable: 'fail'` (the call is refused rather than sent without the fleet's budget); the
 * token cache and the webhook record always fail closed with it: a webhook endpoint that gets it should answer 5xx, and
 * Paxos delivers the event again later. The message names the operation only, never a key, a token, the Redis address
 * or its error text, which may carry credentials.
 */
export class RedisUnavailableError extends IdentityServiceError {
  readonly code = 'redis_unavailable';
  /** Which shared operation failed, such as `rate limit`, `cool-down`, `webhook claim` or `token get`. */
  readonly operation: string;
  /**
   * `timeout`: Redis did not answer within the command timeout; `error`: it answered with an error; `unavailable`:
   * it failed recently and is not asked again yet.
   */
  readonly reason: 'timeout' | 'error' | 'unavailable';

  /** @internal */
  constructor(operation: string, reason: 'timeout' | 'error' | 'unavailable' = 'unavailable', timeoutMs?: number) {
    super(
      reason === 'timeout'
        ? `Redis did not answer the ${operation} within ${String(timeoutMs)} ms`
        : reason === 'error'
          ? `Redis failed the ${operation}`
          : `Redis did not answer for the shared ${operation}; refusing rather than going on without it`,
    );
    this.operation = operation;
    this.reason = reason;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), operation: this.operation, reason: this.reason };
  }
}
