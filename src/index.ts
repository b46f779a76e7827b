/**
 * paxos-identity: onboard people and institutions to Paxos through its v2 Identity API.
 *
 * This entry holds what an application needs: {@link createIdentityService}, the {@link IdentityService} it returns,
 * the identity and command types, the error classes and {@link Sensitive}. Hosts wiring their own inversify container
 * import `paxos-identity/container`; authors of their own gateway or store import `paxos-identity/gateways`; tests
 * import `paxos-identity/testing` (the emulator, the fakes and the contract suites).
 *
 * @packageDocumentation
 */

// Every domain type (identities, commands, details, enums as string unions, events, documents, pages) is public as a
// type; the values the domain exports for building gateways are on 'paxos-identity/gateways'.
export type * from './domain/index.js';
export type {
  IdentityGateway,
  CallOptions,
  ResponseMetadata,
  CreateIdentityOptions,
  GetIdentityOptions,
  Clock,
  IdGenerator,
  Logger,
  LogFields,
  RateLimiter,
  RateLimitRoute,
  RateLimitPermit,
  RateLimitAcquireOptions,
  TokenCache,
  CachedAccessToken,
  WebhookDeliveryRecord,
  WebhookDeliveryClaim,
  InstitutionMemberGateway,
  DocumentGateway,
  ListDocumentsCallOptions,
  EventGateway,
  EventPageRequest,
  AccountGateway,
  AccountMembersAdded,
  IdentityControlGateway,
  KycRefreshGateway,
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- still public, as documented
  SeenStore,
} from './ports/index.js';
export { IdentityCallOptionsError } from './ports/index.js';

export {
  createIdentityService,
  IdentityServiceConfigError,
  type IdentityServiceOptions,
  type InMemoryServiceOptions,
  type PaxosServiceOptions,
  type CommonServiceOptions,
  type CoordinationOptions,
} from './composition/create-identity-service.js';
export {
  IdentityService,
  withResponse,
  type WithResponse,
  createWebhookHandler,
  DEFAULT_WEBHOOK_LEASE_MS,
  type ImportItem,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
  type ImportSummary,
  type IdentityLifecyclePorts,
  type WaitForStatusOptions,
  type WebhookEventHandler,
  type WebhookOutcome,
  type WebhookDeliveryOptions,
  type WebhookHandlerOptions,
} from './application/index.js';

export { Sensitive } from './domain/shared/sensitive.js';
export { LIBRARY_VERSION as VERSION } from './adapters/paxos/version.js';
export { Identity } from './domain/identity/identity.js';
export { NewIdentity } from './domain/identity/new-identity.js';
export {
  IdentityServiceError,
  IdentityValidationError,
  IdentityNotFoundError,
  IdentityAlreadyExistsError,
  IdentityRejectedError,
} from './domain/shared/errors.js';
export {
  InstitutionMemberNotFoundError,
  DocumentAlreadyExistsError,
  EventNotFoundError,
  StatusWaitTimeoutError,
  WebhookPayloadError,
  SandboxOnlyError,
} from './domain/lifecycle/errors.js';
export {
  AccountNotFoundError,
  AccountMemberNotFoundError,
  AccountAlreadyExistsError,
} from './domain/account/errors.js';
export { IdentityControlNotFoundError } from './domain/control/errors.js';
export {
  PaxosApiError,
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
  PaxosConflictError,
  PAXOS_ENVIRONMENTS,
  DEFAULT_RATE_LIMIT,
  type PaxosErrorOptions,
  type PaxosApiFields,
  type RequestSummary,
  type PaxosRateLimitReason,
  type PaxosRateLimitOptions,
  type PaxosGatewayOptions,
  type PaxosEnvironment,
  type ClientSecretSource,
  type RetryBackoffOptions,
  type PaxosHooks,
  type PaxosRequestEvent,
  type PaxosResponseEvent,
  type PaxosAttemptOutcome,
  type PaxosTelemetryOptions,
  type TracerProviderLike,
  type MeterProviderLike,
} from './adapters/paxos/index.js';
