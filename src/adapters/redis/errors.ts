import { IdentityServiceError } from '../../domain/shared/errors.js';

/**
 * Redis did not answer in time (or at all) and the limiter was built with `onRedisUnavailable: 'fail'`: the call is
 * refused rather than sent without the fleet's shared budget. The message never holds the Redis address or its error
 * text, which may carry credentials.
 */
export class RedisUnavailableError extends IdentityServiceError {
  readonly code = 'redis_unavailable';

  /** @param what which shared state could not be read or written (`rate limit`, `cool-down`). */
  constructor(what: string) {
    super(`Redis did not answer for the shared ${what}; refusing rather than sending unpaced`);
  }
}
