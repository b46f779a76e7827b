/**
 * paxos-identity: onboard people and institutions to Paxos through its v2 Identity API.
 *
 * @packageDocumentation
 */

export * from './domain/index.js';
export type { IdentityGateway, CallOptions, GetIdentityOptions, Clock, IdGenerator, Logger, LogFields } from './ports/index.js';
export { IdentityService, CreateIdentity } from './application/index.js';
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
export { PaxosSimulator, deriveSummaryStatus, type PaxosSimulatorOptions } from './adapters/simulation/paxos-simulator.js';
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
  type PaxosGatewayOptions,
  type PaxosGatewayDependencies,
  type PaxosEnvironment,
  type ClientSecretSource,
  type RetryBackoffOptions,
  type PaxosErrorOptions,
} from './adapters/paxos/index.js';
