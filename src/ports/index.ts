export type {
  IdentityGateway,
  CallOptions,
  CreateIdentityOptions,
  GetIdentityOptions,
  ResponseMetadata,
} from './identity-gateway.js';
export { checkCallOptions, IdentityCallOptionsError, reportResponse } from './call-options.js';
export { systemClock, type Clock } from './clock.js';
export { uuidGenerator, type IdGenerator } from './id-generator.js';
export type { Logger, LogFields } from './logger.js';
export {
  RATE_LIMIT_ROUTES,
  type RateLimiter,
  type RateLimitRoute,
  type RateLimitPermit,
  type RateLimitAcquireOptions,
} from './rate-limiter.js';
export type { InstitutionMemberGateway } from './institution-member-gateway.js';
export type { DocumentGateway, ListDocumentsCallOptions } from './document-gateway.js';
export type { EventGateway, EventPageRequest } from './event-gateway.js';
// eslint-disable-next-line @typescript-eslint/no-deprecated -- still public, as documented
export type { SeenStore } from './seen-store.js';
export type { WebhookDeliveryRecord, WebhookDeliveryClaim } from './webhook-delivery-record.js';
export type { TokenCache, CachedAccessToken } from './token-cache.js';
export type { AccountGateway, AccountMembersAdded } from './account-gateway.js';
export type { IdentityControlGateway, KycRefreshGateway } from './identity-control-gateway.js';
