export type { IdentityGateway, CallOptions, GetIdentityOptions } from './identity-gateway.js';
export type { Clock } from './clock.js';
export type { IdGenerator } from './id-generator.js';
export type { Logger, LogFields } from './logger.js';
export type { RateLimiter, RateLimitRoute, RateLimitPermit, RateLimitAcquireOptions } from './rate-limiter.js';
