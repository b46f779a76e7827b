/**
 * `paxos-identity/gateways`: the building blocks for writing a gateway or a shared store of your own, or for
 * composing the library's adapters by hand: the port types, their default implementations, the Paxos HTTP adapter
 * (one {@link PaxosConnection} shared by its gateways), Paxos's wire JSON, and the domain values a gateway returns
 * (`Identity.rehydrate`, the enums as arrays, the parsers of the service's inputs).
 *
 * @packageDocumentation
 */
export * from './domain/index.js';
export * from './ports/index.js';
export {
  PaxosIdentityGateway,
  PaxosTransport,
  PaxosConnection,
  PaxosMemberGateway,
  PaxosDocumentGateway,
  PaxosEventGateway,
  PaxosAccountGateway,
  PaxosIdentityControlGateway,
  PaxosKycRefreshGateway,
  CONTROL_SCOPES,
  DEFAULT_SCOPES,
  EVENT_SCOPES,
  ACCOUNT_SCOPES,
  type PaxosGatewayDependencies,
  type PaxosConnectionDependencies,
} from './adapters/paxos/index.js';
export {
  readCreateIdentityRequest,
  identityToJson,
  createViolationsToWire,
  type CreateRequestCheck,
  type IdentityJsonOptions,
  type WireObject,
} from './adapters/paxos/wire-json.js';
export { MemoryRateLimiter, type MemoryRateLimiterOptions } from './adapters/rate-limiter/index.js';
export { InMemoryTokenCache } from './adapters/paxos/in-memory-token-cache.js';
export {
  InMemoryWebhookDeliveryRecord,
  type InMemoryWebhookDeliveryRecordOptions,
} from './adapters/in-memory/in-memory-webhook-delivery-record.js';
// eslint-disable-next-line @typescript-eslint/no-deprecated -- still public, as documented
export { InMemorySeenStore, type InMemorySeenStoreOptions } from './adapters/in-memory/in-memory-seen-store.js';
