export { MemoryRateLimiter, type MemoryRateLimiterOptions } from './memory-rate-limiter.js';
