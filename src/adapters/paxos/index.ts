export { PaxosIdentityGateway, type PaxosGatewayDependencies } from './paxos-identity-gateway.js';
export { PaxosTransport } from './paxos-transport.js';
export { PaxosConnection, type PaxosConnectionDependencies } from './connection.js';
export { PaxosMemberGateway } from './paxos-member-gateway.js';
export { PaxosDocumentGateway } from './paxos-document-gateway.js';
export { PaxosEventGateway } from './paxos-event-gateway.js';
export { PaxosAccountGateway } from './paxos-account-gateway.js';
export { PaxosIdentityControlGateway, PaxosKycRefreshGateway } from './paxos-control-gateway.js';
export {
  PAXOS_ENVIRONMENTS,
  DEFAULT_SCOPES,
  EVENT_SCOPES,
  ACCOUNT_SCOPES,
  CONTROL_SCOPES,
  DEFAULT_RATE_LIMIT,
  resolvePaxosConfig,
  type ResolvedPaxosConfig,
  type PaxosRateLimitOptions,
  type PaxosGatewayOptions,
  type PaxosEnvironment,
  type ClientSecretSource,
  type RetryBackoffOptions,
} from './config.js';
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
  type PaxosErrorOptions,
  type PaxosApiFields,
  type RequestSummary,
  type PaxosRateLimitReason,
} from './errors.js';
export type { PaxosHooks, PaxosRequestEvent, PaxosResponseEvent, PaxosAttemptOutcome } from './http/observer.js';
export type { PaxosTelemetryOptions, TracerProviderLike, MeterProviderLike } from './http/telemetry.js';
