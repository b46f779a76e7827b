/**
 * paxos-identity: onboard people and institutions to Paxos through its v2 Identity API.
 *
 * @packageDocumentation
 */

export * from './domain/index.js';
export type {
  IdentityGateway,
  CallOptions,
  GetIdentityOptions,
  Clock,
  IdGenerator,
  Logger,
  LogFields,
} from './ports/index.js';
export { IdentityService, CreateIdentity, ListIdentities, UpdateIdentity } from './application/index.js';
export {
  ImportIdentities,
  type ImportItem,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
  type ImportSummary,
} from './application/index.js';
export {
  InMemoryIdentityGateway,
  type InMemoryIdentityGatewayOptions,
} from './adapters/in-memory/in-memory-identity-gateway.js';
export {
  PaxosSimulator,
  deriveSummaryStatus,
  type PaxosSimulatorOptions,
  type IdentityDraft,
} from './adapters/in-memory/simulation/paxos-simulator.js';
export { TOKENS } from './composition/tokens.js';
export { identityCoreModule, inMemoryGatewayModule, paxosGatewayModule } from './composition/modules.js';
export {
  createIdentityService,
  type IdentityServiceOptions,
  type InMemoryServiceOptions,
  type PaxosServiceOptions,
  type CommonServiceOptions,
} from './composition/create-identity-service.js';
export {
  PaxosIdentityGateway,
  PAXOS_ENVIRONMENTS,
  DEFAULT_SCOPES,
  PaxosConfigurationError,
  PaxosBadRequestError,
  PaxosAuthenticationError,
  PaxosPermissionError,
  PaxosRateLimitError,
  PaxosServerError,
  PaxosConnectionError,
  PaxosTimeoutError,
  PaxosResponseError,
  PaxosHttpError,
  PaxosApiError,
  PaxosConnection,
  type PaxosConnectionDependencies,
  type PaxosApiFields,
  type RequestSummary,
  type PaxosGatewayOptions,
  type PaxosGatewayDependencies,
  type PaxosEnvironment,
  type ClientSecretSource,
  type RetryBackoffOptions,
  type PaxosErrorOptions,
  DEFAULT_RATE_LIMIT,
  type PaxosRateLimitOptions,
  type PaxosRateLimitReason,
} from './adapters/paxos/index.js';
export type { RateLimiter, RateLimitRoute, RateLimitPermit, RateLimitAcquireOptions } from './ports/index.js';
export type { TokenCache, CachedAccessToken } from './ports/index.js';
export { InMemoryTokenCache } from './adapters/in-memory/in-memory-token-cache.js';
export { MemoryRateLimiter, type MemoryRateLimiterOptions } from './adapters/rate-limiter/index.js';
export type {
  InstitutionMemberGateway,
  DocumentGateway,
  ListDocumentsCallOptions,
  EventGateway,
  EventPageRequest,
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- still public, as documented
  SeenStore,
} from './ports/index.js';
export {
  createWebhookHandler,
  type IdentityLifecyclePorts,
  type WaitForStatusOptions,
  type WebhookEventHandler,
  type WebhookOutcome,
  type WebhookDeliveryOptions,
  type WebhookHandlerOptions,
} from './application/index.js';
export { InMemoryMemberGateway, type InMemorySharedState } from './adapters/in-memory/in-memory-member-gateway.js';
export { InMemoryDocumentGateway } from './adapters/in-memory/in-memory-document-gateway.js';
export { InMemoryEventGateway } from './adapters/in-memory/in-memory-event-gateway.js';
// eslint-disable-next-line @typescript-eslint/no-deprecated -- still public, as documented
export { InMemorySeenStore, type InMemorySeenStoreOptions } from './adapters/in-memory/in-memory-seen-store.js';
export type { WebhookDeliveryRecord, WebhookDeliveryClaim } from './ports/index.js';
export {
  InMemoryWebhookDeliveryRecord,
  type InMemoryWebhookDeliveryRecordOptions,
} from './adapters/in-memory/in-memory-webhook-delivery-record.js';
export {
  type IdentityUseCases,
  IdentityLifecycle,
  WebhookDeliveries,
  DEFAULT_WEBHOOK_LEASE_MS,
  type WebhookDeliveriesOptions,
} from './application/index.js';
export {
  PaxosTransport,
  PaxosMemberGateway,
  PaxosDocumentGateway,
  PaxosEventGateway,
  EVENT_SCOPES,
} from './adapters/paxos/index.js';
export type { UploadRefusal } from './adapters/in-memory/simulation/simulated-documents.js';
